/* SQL for users, their grants, API tokens and login sessions. Secrets are
 * never stored: a password as its Argon2id string (made in registry/users),
 * a token and a session id as the SHA-256 of the secret. Not the rules for
 * who may do what (model/principal) nor logins (http). */
#ifndef KV_STORE_USER_ROWS_H
#define KV_STORE_USER_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

#define USER_NAME_MAX 64
#define USER_HASH_MAX 256

struct user_row {
	int64_t id;
	int64_t org_id;
	char name[USER_NAME_MAX + 1];
	int64_t person_id; /* 0 = none */
	char person_email[256];
	char pw_hash[USER_HASH_MAX]; /* "" = no password (token or SSO only) */
	int disabled;
	int64_t created_at;
};

/* Inserts a user. KV_ECONFLICT when the name is taken. */
int user_rows_insert(struct store *s, int64_t org, const char *name, int64_t person_id,
                     const char *pw_hash, int64_t now, int64_t *out_id, struct err *err);

/* Loads the user by name (id 0) or by id. KV_ENOTFOUND. */
int user_rows_get(struct store *s, const char *name, int64_t id, struct user_row *out,
                  struct err *err);

typedef int (*user_rows_fn)(void *ctx, const struct user_row *u);
/* Every user of org, by name. A non-zero return from fn stops the walk. */
int user_rows_each(struct store *s, int64_t org, user_rows_fn fn, void *ctx, struct err *err);

int user_rows_set_password(struct store *s, int64_t id, const char *pw_hash, struct err *err);
/* Disables (or enables) the user; disabling also ends their sessions and
 * revokes their tokens. */
int user_rows_set_disabled(struct store *s, int64_t id, int disabled, struct err *err);

/* A grant: role name as principal_role_name gives it, perms (custom roles),
 * accounts as a comma list of account ids or NULL for all. token_id 0: the
 * user's own grant; else the scope of that token. */
int user_rows_grant_add(struct store *s, int64_t user_id, int64_t token_id, const char *role,
                        uint32_t perms, const char *accounts, struct err *err);

typedef int (*user_rows_grant_fn)(void *ctx, const char *role, uint32_t perms,
                                  const char *accounts);
int user_rows_grants(struct store *s, int64_t user_id, int64_t token_id, user_rows_grant_fn fn,
                     void *ctx, struct err *err);

/* Tokens, by the SHA-256 (hex) of the secret. find: KV_ENOTFOUND for an
 * unknown or revoked token. */
int user_rows_token_insert(struct store *s, int64_t user_id, const char *name, const char *sha256,
                           int64_t now, int64_t *out_id, struct err *err);
int user_rows_token_find(struct store *s, const char *sha256, int64_t *out_token, int64_t *out_user,
                         struct err *err);

/* Sessions, by the SHA-256 (hex) of the session id. get: KV_ENOTFOUND. */
int user_rows_session_insert(struct store *s, const char *sha256, int64_t user_id, const char *csrf,
                             int64_t now, struct err *err);
int user_rows_session_get(struct store *s, const char *sha256, int64_t *out_user, char *csrf,
                          size_t csrf_cap, int64_t *out_created, int64_t *out_seen,
                          struct err *err);
int user_rows_session_touch(struct store *s, const char *sha256, int64_t now, struct err *err);
int user_rows_session_delete(struct store *s, const char *sha256, struct err *err);

/* Removes the user's own grants (not their tokens' scopes). */
int user_rows_grants_clear(struct store *s, int64_t user_id, struct err *err);

/* Single sign-on: the user known to issuer by subject. find: KV_ENOTFOUND;
 * link: KV_ECONFLICT when the subject or the user is linked already. */
int user_rows_sso_find(struct store *s, const char *issuer, const char *subject, int64_t *out_user,
                       struct err *err);
int user_rows_sso_link(struct store *s, int64_t user_id, const char *issuer, const char *subject,
                       struct err *err);

#endif
