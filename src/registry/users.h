/* The users of the team's workplace: local users with Argon2id passwords
 * (libsodium crypto_pwhash_str, parameters from [auth] in the configuration),
 * their roles for all accounts or for named ones, API tokens scoped to a role,
 * and turning a user (or a token) into the principal that every feature call
 * checks. Changes need user.admin and are audited as the acting principal;
 * passwords and secrets are never stored, logged nor audited. Not sessions
 * and cookies (http/auth). */
#ifndef KV_REGISTRY_USERS_H
#define KV_REGISTRY_USERS_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "store/user_rows.h"

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;

#define USERS_PASSWORD_MIN 10
#define USERS_PASSWORD_MAX 1024
#define USERS_TOKEN_LEN    68 /* "kvt_" + 64 hex */

/* Argon2id cost: [auth] argon2_ops (default 3) and argon2_mem_kib (default
 * 65536). KV_EINVAL naming the key for a value libsodium refuses. */
struct users_kdf {
	unsigned long long ops;
	size_t mem;
};
int users_kdf_load(struct users_kdf *out, const struct config *cfg, struct err *err);

/* One role to grant: a role name (either language), for custom roles a
 * comma list of permission names, and the accounts (refs as the register
 * takes them: id, handle, platform/handle); none = all accounts. */
struct users_grant_input {
	const char *role;
	const char *perms;
	const char *const *accounts;
	size_t n_accounts;
};

/* Adds user name for person (an e-mail in the register, may be NULL) with one
 * grant and password (may be NULL: a token-only user). KV_EDENIED without
 * user.admin, KV_EINVAL naming the field, KV_ECONFLICT for a taken name. */
int users_add(const struct op_ctx *op, const char *name, const char *person,
              const struct users_grant_input *g, const char *password, const struct users_kdf *kdf,
              int64_t *out_id, struct err *err);

/* Sets a new password. */
int users_passwd(const struct op_ctx *op, const char *name, const char *password,
                 const struct users_kdf *kdf, struct err *err);

/* Disables a user: their sessions end and their tokens are revoked. */
int users_disable(const struct op_ctx *op, const char *name, struct err *err);

/* Creates an API token for user name, scoped to grant g (which may not exceed
 * what the user holds is not checked: the administrator grants it).
 * out receives the secret, shown once; only its SHA-256 is stored. */
int users_token_add(const struct op_ctx *op, const char *name, const char *token_name,
                    const struct users_grant_input *g, char out[USERS_TOKEN_LEN + 1],
                    struct err *err);

/* Lists users with the principal each would have (for their grants). */
typedef int (*users_fn)(void *ctx, const struct user_row *u, const struct principal *p);
int users_list(const struct op_ctx *op, users_fn fn, void *ctx, struct err *err);

/* Checks name and password and fills out as that user (AUTH_PASSWORD).
 * KV_EDENIED for an unknown user, a wrong password, a disabled user or one
 * without a password: one message for all, so a caller learns nothing. The
 * check costs the same for an unknown name. */
int users_login(struct store *s, const char *name, const char *password, struct principal *out,
                int64_t *out_org, struct err *err);

/* Fills out as user id with its grants (a session). KV_EDENIED when the user
 * is disabled or gone. */
int users_principal(struct store *s, int64_t user_id, enum auth_method auth, struct principal *out,
                    int64_t *out_org, struct err *err);

/* Fills out from an API token's secret, with the token's own grants.
 * KV_EDENIED for an unknown, revoked or malformed token. */
int users_token_principal(struct store *s, const char *secret, struct principal *out,
                          int64_t *out_org, struct err *err);

/* A single sign-on login as the identity provider vouched for it: its
 * issuer and subject, the user name (from a claim) and the grants mapped
 * from the provider's groups (at least one). */
struct users_sso {
	const char *issuer;
	const char *subject;
	const char *name;
	const struct users_grant_input *grants;
	size_t n_grants;
	int provision; /* 1: an unknown subject becomes a new user */
};

/* Finds the user linked to issuer and subject; or links a user named name
 * that has no password and no link yet (made by an administrator for SSO);
 * or, with provision, creates the user (no password) and links it. Their own
 * grants become in->grants (audited when they change; a new user is audited
 * as user.add), all in one transaction, audited as the user (op's principal
 * is not consulted: the provider has vouched). out is the user, AUTH_OIDC.
 * KV_EDENIED naming why: a disabled user, an unknown user without provision,
 * a local user of that name with a password; KV_EINVAL for a bad name or
 * grant (naming it). */
int users_sso_login(const struct op_ctx *op, const struct users_sso *in, struct principal *out,
                    struct err *err);

#endif
