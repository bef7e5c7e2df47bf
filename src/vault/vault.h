/* The credentials vault (policies TI 2, FÄ, NY: shared logins kept
 * centrally, at least two people able to administer each account). Each
 * secret (a password, an API token, an app secret, a webhook secret) is
 * encrypted with XChaCha20-Poly1305 under the organisation's vault key; the
 * vault key is sealed under a passphrase with Argon2id (libsodium). The
 * passphrase comes from $KANALVAKT_VAULT_PASSPHRASE, the file `[vault]
 * key_file` names (its first line; readable by its owner only), or a prompt
 * on the terminal. Secrets live in sodium_malloc'd memory and are wiped
 * after use; only ciphertext reaches the database; reading one is audited
 * with its reason. Who may use each secret (grants) is plain metadata the
 * register's checks read without the passphrase. */
#ifndef KV_VAULT_VAULT_H
#define KV_VAULT_VAULT_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct vault_secret_row;

#define VAULT_SECRET_MAX 65536

struct vault_opts {
	unsigned long long ops_limit; /* Argon2id passes ([vault] ops_limit) */
	size_t mem_limit;             /* bytes ([vault] mem_limit_mib) */
	const char *key_file;         /* [vault] key_file, or NULL */
};

/* Reads [vault] from cfg (may be NULL): libsodium's interactive limits by
 * default; KV_EINVAL naming the key for a value out of libsodium's range. */
int vault_opts_load(struct vault_opts *o, const struct config *cfg, struct err *err);

/* Reads a secret: from a terminal without echo after prompt, else the whole
 * stream (one trailing line break dropped). *out is sodium_malloc'd (free it
 * with vault_secret_free). KV_EINVAL when it is empty or longer than
 * VAULT_SECRET_MAX. */
int vault_read_secret(FILE *in, const char *prompt, unsigned char **out, size_t *len,
                      struct err *err);
void vault_secret_free(unsigned char *p, size_t len);

/* Creates the organisation's vault key under the passphrase. KV_ECONFLICT
 * when it has one. Needs PERM_VAULT on the whole organisation. */
int vault_init(const struct op_ctx *op, const struct vault_opts *o, struct err *err);

/* Stores a secret of kind (password, token, app-secret, webhook-secret) for
 * the account (id, handle or platform/handle); the vault key is created
 * first when there is none (*out_created set). KV_EINVAL for an unknown
 * kind, KV_ENOTFOUND for an unknown account, KV_EDENIED for a wrong
 * passphrase; nothing is written then. */
int vault_add(const struct op_ctx *op, const struct vault_opts *o, const char *account,
              const char *kind, const char *label, const unsigned char *secret, size_t len,
              int64_t *out_id, int *out_created, struct err *err);

/* A new version of secret id; the old one is overwritten (a rotated
 * credential is dead at the platform, and a kept copy would only be a
 * risk). */
int vault_rotate(const struct op_ctx *op, const struct vault_opts *o, int64_t id,
                 const unsigned char *secret, size_t len, int64_t *out_version, struct err *err);

/* Decrypts secret id for the principal, who must hold PERM_VAULT on its
 * account and, when it is a person in the register, have been granted its
 * use. The reading is audited with reason (required). *out as
 * vault_read_secret's. */
int vault_reveal(const struct op_ctx *op, const struct vault_opts *o, int64_t id,
                 const char *reason, unsigned char **out, size_t *len, struct err *err);

/* Grants the person (e-mail) the use of secret id, or revokes it; audited. */
int vault_grant(const struct op_ctx *op, int64_t id, const char *email, struct err *err);
int vault_revoke(const struct op_ctx *op, int64_t id, const char *email, struct err *err);

/* The secrets (metadata only) of the accounts the principal holds
 * PERM_VAULT on; account (NULL: all) limits to one. */
typedef int (*vault_each_fn)(void *ctx, const struct vault_secret_row *r);
int vault_list(const struct op_ctx *op, const char *account, vault_each_fn fn, void *ctx,
               struct err *err);

/* Metadata of secret id as JSON (never the secret). */
int vault_show(const struct op_ctx *op, int64_t id, json_t **out, struct err *err);

/* Replaces every value `vault:ID` in cfg (a connector's token, publish_token,
 * the Meta app_secret …) with the secret it names, decrypted, for a process
 * that uses them. use names a long-running process ("serve"), whose start
 * is one audit entry (vault.use) naming the secrets; NULL for a one-shot
 * command (fetch, a takedown, publishing, mail), which records what it did
 * in its own entries and so leaves nothing behind when it is refused or
 * finds nothing to do. *out_n is how many were replaced. A reference to a
 * secret that does not exist, a wrong passphrase or a value like vault:x is
 * a clear error (exit 2) naming the key; so is a secret written in plain
 * text (vault_config_secret_kind), with how to move it (vault_adopt). */
int vault_resolve_config(const struct op_ctx *op, const struct vault_opts *o, struct config *cfg,
                         const char *use, size_t *out_n, struct err *err);

/* The kind of secret a configuration key holds (section "account …" keys
 * token, publish_token, moderation_token; [meta] app_secret and
 * verify_token; [mail] password; [oidc] client_secret), or NULL. Such a
 * value written in plain text is refused by vault_resolve_config with a
 * message naming file, line and key and how to move it (vault_adopt). */
const char *vault_config_secret_kind(const char *section, const char *key);

/* One secret vault_adopt moved (or would move). */
struct vault_adopted {
	char section[300];
	char key[64];
	const char *kind;
	int line;        /* in the file */
	int64_t account; /* the account it is filed under */
	int64_t id;      /* the new secret; 0 for a dry run */
};
typedef int (*vault_adopt_fn)(void *ctx, const struct vault_adopted *a);

/* Moves every secret written in plain text in cfg's file into the vault
 * and rewrites the file with vault:ID in their places, leaving every other
 * line as it was (mode 0600). A key of an [account X] section goes to the
 * account X; the others ([meta], [mail], [oidc]) to account (required when
 * there are any). The secrets are stored in one transaction, the new file
 * replaces the old one by a rename after the commit. dry_run: checks and
 * reports only. fn is called for each; *out_n is how many. */
int vault_adopt(const struct op_ctx *op, const struct vault_opts *o, const struct config *cfg,
                const char *account, int dry_run, vault_adopt_fn fn, void *ctx, size_t *out_n,
                struct err *err);

/* The JSON view of one secret's metadata, for the CLI and the API. */
json_t *vault_secret_json(const struct vault_secret_row *r);

#endif
