/* SQL for the credentials vault (vault/): the sealed vault key of an
 * organisation, the encrypted secrets and who may use each. Rows in, rows
 * out, in the caller's transaction; no cryptography here (vault/vault). */
#ifndef KV_STORE_VAULT_ROWS_H
#define KV_STORE_VAULT_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* The organisation's sealed vault key. Blobs are copied into the fixed
 * arrays (their sizes are libsodium's). */
struct vault_key_row {
	unsigned char salt[16];
	int64_t ops_limit;
	int64_t mem_limit;
	unsigned char nonce[24];
	unsigned char sealed[32 + 16];
};

/* KV_ENOTFOUND when org has no vault key yet. */
int vault_row_key_get(struct store *s, int64_t org, struct vault_key_row *out, struct err *err);
/* KV_ECONFLICT when org has one already. */
int vault_row_key_put(struct store *s, int64_t org, const struct vault_key_row *k,
                      const char *actor, int64_t now, struct err *err);

/* One secret's metadata (and, for vault_row_secret_get, its ciphertext).
 * Strings borrowed for a callback's duration. */
struct vault_secret_row {
	int64_t id;
	int64_t account_id;
	const char *account; /* platform/handle */
	const char *kind;
	const char *label; /* NULL: none */
	int64_t version;
	const char *created_by;
	int64_t created_at;
	const char *rotated_by;
	int64_t rotated_at;
	const char *people; /* e-mail addresses of the people granted, comma separated */
	int64_t n_people;
};

int vault_row_secret_insert(struct store *s, int64_t org, int64_t account_id, const char *kind,
                            const char *label, const unsigned char *nonce, const unsigned char *ct,
                            size_t ct_len, const char *actor, int64_t now, int64_t *out_id,
                            struct err *err);

/* Replaces the ciphertext of id with a new version (the old one is
 * overwritten: a rotated credential is dead at the platform). */
int vault_row_secret_rotate(struct store *s, int64_t org, int64_t id, int64_t version,
                            const unsigned char *nonce, const unsigned char *ct, size_t ct_len,
                            const char *actor, int64_t now, struct err *err);

typedef int (*vault_secret_fn)(void *ctx, const struct vault_secret_row *r);
/* The secrets of org (account_id 0: all; id 0: all), in id order. */
int vault_row_secret_each(struct store *s, int64_t org, int64_t account_id, int64_t id,
                          vault_secret_fn fn, void *ctx, struct err *err);

/* The ciphertext of secret id of org, into ct (cap bytes; *ct_len set),
 * its nonce, account and version. KV_ENOTFOUND "no secret N". */
int vault_row_secret_cipher(struct store *s, int64_t org, int64_t id, unsigned char nonce[24],
                            unsigned char *ct, size_t cap, size_t *ct_len, int64_t *account_id,
                            int64_t *version, char kind[32], struct err *err);

/* Grants person_id the use of secret id (KV_ECONFLICT when granted
 * already); revokes it (KV_ENOTFOUND when not granted). */
int vault_row_grant(struct store *s, int64_t id, int64_t person_id, const char *actor, int64_t now,
                    struct err *err);
int vault_row_revoke(struct store *s, int64_t id, int64_t person_id, struct err *err);
/* 1 in *out when person_id is granted secret id. */
int vault_row_granted(struct store *s, int64_t id, int64_t person_id, int *out, struct err *err);

/* For the register's check: how many secrets of account_id have fewer than
 * two active people granted, and how many it has in all. */
int vault_row_account_counts(struct store *s, int64_t account_id, int64_t *n_secrets,
                             int64_t *n_under_two, struct err *err);

#endif
