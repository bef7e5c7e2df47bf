/* Users, grants and tokens as the kommun manages them; logins checked with
 * libsodium's Argon2id. */
#include "registry/users.h"

#include "base/config.h"
#include "base/hash.h"
#include "base/utf8.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int users_kdf_load(struct users_kdf *out, const struct config *cfg, struct err *err)
{
	const char *ops = cfg ? config_get(cfg, "auth", "argon2_ops", NULL) : NULL;
	const char *mem = cfg ? config_get(cfg, "auth", "argon2_mem_kib", NULL) : NULL;
	unsigned long long o = 3, m = 65536;
	char *end = NULL;

	if (ops) {
		o = strtoull(ops, &end, 10);
		if (!*ops || *end || o < crypto_pwhash_OPSLIMIT_MIN || o > 100)
			return err_set(err, KV_EINVAL,
			               "[auth] argon2_ops: '%s' is not a number from %llu to 100",
			               ops, (unsigned long long)crypto_pwhash_OPSLIMIT_MIN);
	}
	if (mem) {
		m = strtoull(mem, &end, 10);
		if (!*mem || *end || m * 1024 < crypto_pwhash_MEMLIMIT_MIN || m > 4194304)
			return err_set(err, KV_EINVAL,
			               "[auth] argon2_mem_kib: '%s' is not a number from %llu to "
			               "4194304",
			               mem,
			               (unsigned long long)(crypto_pwhash_MEMLIMIT_MIN / 1024));
	}
	out->ops = o;
	out->mem = (size_t)m * 1024;
	return KV_OK;
}

static int check_name(const char *name, struct err *err)
{
	if (!name || !*name)
		return err_set(err, KV_EINVAL, "name: a user name is required");
	if (strlen(name) > USER_NAME_MAX)
		return err_set(err, KV_EINVAL, "name: at most %d bytes", USER_NAME_MAX);
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_' || *p == '@'))
			return err_set(err, KV_EINVAL,
			               "name: '%s' may hold only letters a-z, digits and . - _ @",
			               name);
	return KV_OK;
}

static int hash_password(char out[crypto_pwhash_STRBYTES], const char *pw,
                         const struct users_kdf *kdf, struct err *err)
{
	size_t n = pw ? strlen(pw) : 0;

	if (n < USERS_PASSWORD_MIN)
		return err_set(err, KV_EINVAL, "password: at least %d characters",
		               USERS_PASSWORD_MIN);
	if (n > USERS_PASSWORD_MAX)
		return err_set(err, KV_EINVAL, "password: at most %d bytes", USERS_PASSWORD_MAX);
	if (hash_init() != KV_OK)
		return err_set(err, KV_EINTERNAL, "libsodium cannot start");
	if (crypto_pwhash_str(out, pw, n, kdf->ops, kdf->mem) != 0)
		return err_set(err, KV_ENOMEM, "password: hashing ran out of memory");
	return KV_OK;
}

/* The accounts of a grant as a comma list of ids (NULL: all accounts). */
static int accounts_list(const struct op_ctx *op, const struct users_grant_input *g, char **out,
                         struct err *err)
{
	size_t cap = g->n_accounts * 21 + 1, len = 0;
	char *s;

	*out = NULL;
	if (g->n_accounts == 0)
		return KV_OK;
	if (g->n_accounts > PRINCIPAL_ACCT_MAX)
		return err_set(err, KV_EINVAL, "account: at most %d accounts per role",
		               PRINCIPAL_ACCT_MAX);
	s = malloc(cap);
	if (!s)
		return err_set(err, KV_ENOMEM, "out of memory");
	s[0] = '\0';
	for (size_t i = 0; i < g->n_accounts; i++) {
		int64_t id = 0;
		int rc = register_row_account_find(op->store, op->org, g->accounts[i], &id, err);

		if (rc) {
			free(s);
			return err_prefix(err, "account: ");
		}
		len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? "," : "", (long long)id);
	}
	*out = s;
	return KV_OK;
}

static int grant_parse(const struct users_grant_input *g, enum role *r, uint32_t *perms,
                       struct err *err)
{
	int rc;

	if (!g->role)
		return err_set(err, KV_EINVAL, "role: a role is required");
	rc = principal_role_from_name(g->role, r, err);
	if (rc)
		return err_prefix(err, "role: ");
	*perms = 0;
	if (*r == ROLE_CUSTOM) {
		if (!g->perms || !*g->perms)
			return err_set(err, KV_EINVAL,
			               "perms: a custom role needs its permissions (a comma list)");
		rc = principal_perms_parse(g->perms, perms, err);
		if (rc)
			return err_prefix(err, "perms: ");
	} else if (g->perms) {
		return err_set(err, KV_EINVAL, "perms: only a custom role takes permissions");
	}
	return KV_OK;
}

static int audit_user(const struct op_ctx *op, const char *action, int64_t id, json_t *after,
                      struct err *err)
{
	char idtext[32], *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	json_decref(after);
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op), action, "user", idtext, NULL,
	                  a, err);
	free(a);
	return rc;
}

int users_add(const struct op_ctx *op, const char *name, const char *person,
              const struct users_grant_input *g, const char *password, const struct users_kdf *kdf,
              int64_t *out_id, struct err *err)
{
	char hashed[crypto_pwhash_STRBYTES] = "", *accounts = NULL;
	int64_t person_id = 0, id = 0;
	uint32_t perms = 0;
	enum role r;
	int rc;

	rc = op_ctx_require(op, PERM_USER_ADMIN, 0, err);
	if (!rc)
		rc = check_name(name, err);
	if (!rc)
		rc = grant_parse(g, &r, &perms, err);
	if (!rc && password)
		rc = hash_password(hashed, password, kdf, err);
	if (rc)
		return rc;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	if (person && *person) {
		rc = register_row_person_find(op->store, op->org, person, &person_id, err);
		if (rc)
			err_prefix(err, "person: ");
	}
	if (!rc)
		rc = accounts_list(op, g, &accounts, err);
	if (!rc)
		rc = user_rows_insert(op->store, op->org, name, person_id, hashed, op->now, &id,
		                      err);
	if (!rc)
		rc = user_rows_grant_add(op->store, id, 0, principal_role_name(r), perms, accounts,
		                         err);
	if (!rc)
		rc = audit_user(op, "user.add", id,
		                json_pack("{s:s,s:s?,s:s,s:s?,s:b}", "name", name, "person",
		                          person_id ? person : NULL, "role", principal_role_name(r),
		                          "accounts", accounts, "password", password != NULL),
		                err);
	free(accounts);
	sodium_memzero(hashed, sizeof(hashed));
	rc = store_finish(op->store, rc, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

int users_passwd(const struct op_ctx *op, const char *name, const char *password,
                 const struct users_kdf *kdf, struct err *err)
{
	char hashed[crypto_pwhash_STRBYTES];
	struct user_row u;
	int rc;

	rc = op_ctx_require(op, PERM_USER_ADMIN, 0, err);
	if (!rc)
		rc = user_rows_get(op->store, name, 0, &u, err);
	if (!rc)
		rc = hash_password(hashed, password, kdf, err);
	if (rc)
		return rc;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = user_rows_set_password(op->store, u.id, hashed, err);
	if (!rc)
		rc = audit_user(op, "user.passwd", u.id, json_pack("{s:s}", "name", name), err);
	sodium_memzero(hashed, sizeof(hashed));
	return store_finish(op->store, rc, err);
}

int users_disable(const struct op_ctx *op, const char *name, struct err *err)
{
	struct user_row u;
	int rc;

	rc = op_ctx_require(op, PERM_USER_ADMIN, 0, err);
	if (!rc)
		rc = user_rows_get(op->store, name, 0, &u, err);
	if (rc)
		return rc;
	if (u.disabled)
		return err_set(err, KV_ECONFLICT, "user '%s' is disabled already", name);
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = user_rows_set_disabled(op->store, u.id, 1, err);
	if (!rc)
		rc = audit_user(op, "user.disable", u.id, json_pack("{s:s}", "name", name), err);
	return store_finish(op->store, rc, err);
}

int users_token_add(const struct op_ctx *op, const char *name, const char *token_name,
                    const struct users_grant_input *g, char out[USERS_TOKEN_LEN + 1],
                    struct err *err)
{
	unsigned char raw[32];
	char secret[USERS_TOKEN_LEN + 1], sha[HASH_SHA256_HEX_LEN + 1], *accounts = NULL;
	struct user_row u;
	int64_t tid = 0;
	uint32_t perms = 0;
	enum role r;
	int rc;

	rc = op_ctx_require(op, PERM_USER_ADMIN, 0, err);
	if (!rc)
		rc = user_rows_get(op->store, name, 0, &u, err);
	if (!rc && u.disabled)
		rc = err_set(err, KV_ECONFLICT, "user '%s' is disabled", name);
	if (!rc && (!token_name || !*token_name || strlen(token_name) > 100))
		rc = err_set(err, KV_EINVAL, "token: a name of 1 to 100 bytes is required");
	if (!rc)
		rc = grant_parse(g, &r, &perms, err);
	if (!rc && hash_init() != KV_OK)
		rc = err_set(err, KV_EINTERNAL, "libsodium cannot start");
	if (rc)
		return rc;
	randombytes_buf(raw, sizeof(raw));
	memcpy(secret, "kvt_", 4);
	hash_hex(secret + 4, raw, sizeof(raw));
	hash_sha256_hex(sha, secret, strlen(secret));
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = accounts_list(op, g, &accounts, err);
	if (!rc)
		rc = user_rows_token_insert(op->store, u.id, token_name, sha, op->now, &tid, err);
	if (!rc)
		rc = user_rows_grant_add(op->store, u.id, tid, principal_role_name(r), perms,
		                         accounts, err);
	if (!rc)
		rc = audit_user(op, "user.token_add", u.id,
		                json_pack("{s:s,s:s,s:I,s:s,s:s?}", "name", name, "token",
		                          token_name, "token_id", (json_int_t)tid, "role",
		                          principal_role_name(r), "accounts", accounts),
		                err);
	free(accounts);
	rc = store_finish(op->store, rc, err);
	if (!rc)
		memcpy(out, secret, sizeof(secret));
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

struct load {
	struct principal *p;
	struct err *err;
	int rc;
};

static int add_grant(void *arg, const char *role, uint32_t perms, const char *accounts)
{
	struct load *l = arg;
	int64_t ids[PRINCIPAL_ACCT_MAX];
	size_t n = 0;
	enum role r;

	l->rc = principal_role_from_name(role, &r, l->err);
	if (l->rc)
		return 1;
	for (const char *p = accounts; p && *p && n < PRINCIPAL_ACCT_MAX;) {
		char *end = NULL;
		long long v = strtoll(p, &end, 10);

		if (end == p)
			break;
		ids[n++] = v;
		p = *end == ',' ? end + 1 : end;
	}
	l->rc = principal_grant_add(l->p, r, perms, accounts ? ids : NULL, n, l->err);
	return l->rc != 0;
}

static int load_principal(struct store *s, const struct user_row *u, int64_t token,
                          enum auth_method auth, struct principal *out, struct err *err)
{
	struct load l = {out, err, 0};
	int rc;

	principal_init_user(out, u->id, u->person_id, u->name, auth);
	rc = user_rows_grants(s, u->id, token, add_grant, &l, err);
	return rc ? rc : l.rc;
}

struct list {
	const struct op_ctx *op;
	users_fn fn;
	void *ctx;
	struct user_row *rows;
	size_t n, cap;
	int nomem;
};

static int collect(void *arg, const struct user_row *u)
{
	struct list *l = arg;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct user_row *g = realloc(l->rows, ncap * sizeof(*g));

		if (!g) {
			l->nomem = 1;
			return 1;
		}
		l->rows = g;
		l->cap = ncap;
	}
	l->rows[l->n++] = *u;
	return 0;
}

int users_list(const struct op_ctx *op, users_fn fn, void *ctx, struct err *err)
{
	struct list l = {op, fn, ctx, NULL, 0, 0, 0};
	struct principal *p = NULL;
	int rc;

	rc = op_ctx_require(op, PERM_USER_ADMIN, 0, err);
	if (!rc)
		rc = user_rows_each(op->store, op->org, collect, &l, err);
	if (!rc && l.nomem)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	p = rc ? NULL : malloc(sizeof(*p));
	if (!rc && !p)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < l.n; i++) {
		rc = load_principal(op->store, &l.rows[i], 0, AUTH_PASSWORD, p, err);
		if (!rc && fn(ctx, &l.rows[i], p))
			break;
	}
	free(p);
	free(l.rows);
	return rc;
}

/* A valid Argon2id string, so that a name that does not exist still costs
 * a verification (at the least cost: a hint, not a match of the timing). */
static const char *dummy_hash(void)
{
	static char h[crypto_pwhash_STRBYTES];
	static int made;

	if (!made) {
		if (crypto_pwhash_str(h, "-", 1, crypto_pwhash_OPSLIMIT_MIN,
		                      crypto_pwhash_MEMLIMIT_MIN) != 0)
			return NULL;
		made = 1;
	}
	return h;
}

int users_login(struct store *s, const char *name, const char *password, struct principal *out,
                int64_t *out_org, struct err *err)
{
	struct user_row u;
	struct err ignore;
	int found, ok;

	if (hash_init() != KV_OK)
		return err_set(err, KV_EINTERNAL, "libsodium cannot start");
	if (!name || !password || strlen(password) > USERS_PASSWORD_MAX)
		return err_set(err, KV_EDENIED, "wrong user name or password");
	memset(&u, 0, sizeof(u));
	found = user_rows_get(s, name, 0, &u, &ignore) == KV_OK;
	if (!found || !u.pw_hash[0]) {
		const char *d = dummy_hash();

		if (d && crypto_pwhash_str_verify(d, password, strlen(password)) == 0)
			sodium_memzero(u.pw_hash, sizeof(u.pw_hash));
		return err_set(err, KV_EDENIED, "wrong user name or password");
	}
	ok = crypto_pwhash_str_verify(u.pw_hash, password, strlen(password)) == 0;
	sodium_memzero(u.pw_hash, sizeof(u.pw_hash));
	if (!ok || u.disabled)
		return err_set(err, KV_EDENIED, "wrong user name or password");
	*out_org = u.org_id;
	return load_principal(s, &u, 0, AUTH_PASSWORD, out, err);
}

int users_principal(struct store *s, int64_t user_id, enum auth_method auth, struct principal *out,
                    int64_t *out_org, struct err *err)
{
	struct user_row u;
	struct err ignore;

	if (user_rows_get(s, NULL, user_id, &u, &ignore) != KV_OK || u.disabled)
		return err_set(err, KV_EDENIED, "the user is disabled or gone");
	*out_org = u.org_id;
	return load_principal(s, &u, 0, auth, out, err);
}

int users_token_principal(struct store *s, const char *secret, struct principal *out,
                          int64_t *out_org, struct err *err)
{
	char sha[HASH_SHA256_HEX_LEN + 1];
	int64_t token = 0, uid = 0;
	struct user_row u;
	struct err ignore;

	if (!secret || strlen(secret) != USERS_TOKEN_LEN || strncmp(secret, "kvt_", 4) != 0)
		return err_set(err, KV_EDENIED, "the token is not valid");
	hash_sha256_hex(sha, secret, strlen(secret));
	if (user_rows_token_find(s, sha, &token, &uid, &ignore) != KV_OK ||
	    user_rows_get(s, NULL, uid, &u, &ignore) != KV_OK || u.disabled)
		return err_set(err, KV_EDENIED, "the token is not valid");
	*out_org = u.org_id;
	return load_principal(s, &u, token, AUTH_TOKEN, out, err);
}

/* The grants as one comparable text: "role|perms|accounts;" each. */
struct grant_text {
	char s[2048];
	size_t len;
};

static int grant_text_add(void *arg, const char *role, uint32_t perms, const char *accounts)
{
	struct grant_text *t = arg;

	if (t->len < sizeof(t->s))
		t->len += (size_t)snprintf(t->s + t->len, sizeof(t->s) - t->len, "%s|%u|%s;", role,
		                           perms, accounts ? accounts : "*");
	return 0;
}

static int sso_user(const struct op_ctx *op, const struct users_sso *in, struct user_row *u,
                    int *created, struct err *err)
{
	struct err ignore;
	int64_t id = 0;
	int rc;

	*created = 0;
	rc = user_rows_sso_find(op->store, in->issuer, in->subject, &id, err);
	if (!rc)
		return user_rows_get(op->store, NULL, id, u, err);
	if (rc != KV_ENOTFOUND)
		return rc;
	err_clear(err);
	if (user_rows_get(op->store, in->name, 0, u, &ignore) == KV_OK) {
		if (u->pw_hash[0])
			return err_set(err, KV_EDENIED,
			               "'%s' is a local user with a password: single sign-on does "
			               "not take it over",
			               in->name);
		rc = user_rows_sso_link(op->store, u->id, in->issuer, in->subject, err);
		if (rc == KV_ECONFLICT)
			rc = err_set(err, KV_EDENIED,
			             "'%s' is linked to another subject of the identity provider",
			             in->name);
		return rc;
	}
	if (!in->provision)
		return err_set(err, KV_EDENIED,
		               "'%s' is not a user here and [oidc] provision is off: an "
		               "administrator must add the user first",
		               in->name);
	rc = user_rows_insert(op->store, op->org, in->name, 0, "", op->now, &id, err);
	if (!rc)
		rc = user_rows_sso_link(op->store, id, in->issuer, in->subject, err);
	if (!rc)
		rc = user_rows_get(op->store, NULL, id, u, err);
	if (!rc)
		*created = 1;
	return rc;
}

static int sso_audit(const struct op_ctx *op, const struct users_sso *in, const char *action,
                     int64_t id, json_t *after, struct err *err)
{
	char idtext[32], *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	json_decref(after);
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = audit_append(op->store, NULL, op->org, in->name, action, "user", idtext, NULL, a, err);
	free(a);
	return rc;
}

int users_sso_login(const struct op_ctx *op, const struct users_sso *in, struct principal *out,
                    struct err *err)
{
	struct grant_text before = {{0}, 0}, after = {{0}, 0};
	json_t *grants = NULL;
	struct user_row u;
	int rc, created = 0;

	if (!in->issuer || !*in->issuer || !in->subject || !*in->subject)
		return err_set(err, KV_EINVAL, "sub: the ID token names no subject");
	rc = check_name(in->name, err);
	if (rc)
		return rc;
	if (in->n_grants == 0)
		return err_set(err, KV_EDENIED,
		               "'%s' holds no group that [oidc] maps to a role: no access",
		               in->name);
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	memset(&u, 0, sizeof(u));
	rc = sso_user(op, in, &u, &created, err);
	if (!rc && u.disabled)
		rc = err_set(err, KV_EDENIED, "the user '%s' is disabled", u.name);
	if (!rc)
		rc = user_rows_grants(op->store, u.id, 0, grant_text_add, &before, err);
	if (!rc)
		rc = user_rows_grants_clear(op->store, u.id, err);
	grants = json_array();
	for (size_t i = 0; !rc && i < in->n_grants; i++) {
		const struct users_grant_input *g = &in->grants[i];
		char *accounts = NULL;
		uint32_t perms = 0;
		enum role r;

		rc = grant_parse(g, &r, &perms, err);
		if (!rc)
			rc = accounts_list(op, g, &accounts, err);
		if (!rc)
			rc = user_rows_grant_add(op->store, u.id, 0, principal_role_name(r), perms,
			                         accounts, err);
		if (!rc) {
			grant_text_add(&after, principal_role_name(r), perms, accounts);
			json_array_append_new(grants, json_pack("{s:s,s:s?}", "role",
			                                        principal_role_name(r), "accounts",
			                                        accounts));
		}
		free(accounts);
	}
	if (!rc && created)
		rc = sso_audit(
		        op, in, "user.add", u.id,
		        json_pack("{s:s,s:s,s:O}", "name", u.name, "via", "oidc", "grants", grants),
		        err);
	else if (!rc && strcmp(before.s, after.s) != 0)
		rc = sso_audit(op, in, "user.grants", u.id,
		               json_pack("{s:s,s:O}", "via", "oidc", "grants", grants), err);
	json_decref(grants);
	rc = store_finish(op->store, rc, err);
	if (rc)
		return rc;
	return load_principal(op->store, &u, 0, AUTH_OIDC, out, err);
}
