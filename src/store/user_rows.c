/* SQL for app_user, user_grant, user_token and user_session. */
#include "store/user_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

static void copy(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%s", s ? s : "");
}

int user_rows_insert(struct store *s, int64_t org, const char *name, int64_t person_id,
                     const char *pw_hash, int64_t now, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t have = 0;
	int rc;

	rc = store_prepare(s, &st, "SELECT count(*) FROM app_user WHERE name = ?", err);
	if (rc)
		return rc;
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	if (rc == 1)
		have = store_col_int(st, 0);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (have)
		return err_set(err, KV_ECONFLICT, "user '%s' exists already", name);
	rc = store_prepare(s, &st,
	                   "INSERT INTO app_user (org_id, name, person_id, pw_hash, created_at)"
	                   " VALUES (?, ?, ?, ?, ?)",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, name);
	if (person_id)
		store_bind_int(st, 3, person_id);
	else
		store_bind_null(st, 3);
	if (pw_hash && *pw_hash)
		store_bind_text(st, 4, pw_hash);
	else
		store_bind_null(st, 4);
	store_bind_int(st, 5, now);
	rc = store_run_insert(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

#define USER_COLS                                                                                  \
	"SELECT u.id, u.org_id, u.name, coalesce(u.person_id, 0), p.email, u.pw_hash,"             \
	" u.disabled, u.created_at FROM app_user u LEFT JOIN person p ON p.id = u.person_id"

static void read_user(struct store_stmt *st, struct user_row *u)
{
	memset(u, 0, sizeof(*u));
	u->id = store_col_int(st, 0);
	u->org_id = store_col_int(st, 1);
	copy(u->name, sizeof(u->name), store_col_text(st, 2));
	u->person_id = store_col_int(st, 3);
	copy(u->person_email, sizeof(u->person_email), store_col_text(st, 4));
	copy(u->pw_hash, sizeof(u->pw_hash), store_col_text(st, 5));
	u->disabled = (int)store_col_int(st, 6);
	u->created_at = store_col_int(st, 7);
}

int user_rows_get(struct store *s, const char *name, int64_t id, struct user_row *out,
                  struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st, USER_COLS " WHERE u.name = ? OR u.id = ?", err);
	if (rc)
		return rc;
	store_bind_text(st, 1, name ? name : "");
	store_bind_int(st, 2, name ? 0 : id);
	rc = store_step(st, err);
	if (rc == 1) {
		read_user(st, out);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = name ? err_set(err, KV_ENOTFOUND, "no user '%s'", name)
		          : err_set(err, KV_ENOTFOUND, "no user %lld", (long long)id);
	}
	store_reset(st);
	return rc;
}

int user_rows_each(struct store *s, int64_t org, user_rows_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	struct user_row u;
	int rc;

	rc = store_prepare(s, &st, USER_COLS " WHERE u.org_id = ? ORDER BY u.name", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		read_user(st, &u);
		if (fn(ctx, &u)) {
			rc = 0;
			break;
		}
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

static int run1(struct store *s, const char *sql, int64_t a, const char *text, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st, sql, err);

	if (rc)
		return rc;
	if (text) {
		store_bind_text(st, 1, text);
		store_bind_int(st, 2, a);
	} else {
		store_bind_int(st, 1, a);
	}
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int user_rows_set_password(struct store *s, int64_t id, const char *pw_hash, struct err *err)
{
	return run1(s, "UPDATE app_user SET pw_hash = ? WHERE id = ?", id, pw_hash, err);
}

int user_rows_set_disabled(struct store *s, int64_t id, int disabled, struct err *err)
{
	int rc = run1(s,
	              disabled ? "UPDATE app_user SET disabled = 1 WHERE id = ?"
	                       : "UPDATE app_user SET disabled = 0 WHERE id = ?",
	              id, NULL, err);

	if (!rc && disabled)
		rc = run1(s, "DELETE FROM user_session WHERE user_id = ?", id, NULL, err);
	if (!rc && disabled)
		rc = run1(s, "UPDATE user_token SET revoked = 1 WHERE user_id = ?", id, NULL, err);
	return rc;
}

int user_rows_grant_add(struct store *s, int64_t user_id, int64_t token_id, const char *role,
                        uint32_t perms, const char *accounts, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO user_grant (user_id, token_id, role, perms, accounts)"
	                       " VALUES (?, ?, ?, ?, ?)",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	if (token_id)
		store_bind_int(st, 2, token_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, role);
	store_bind_int(st, 4, perms);
	if (accounts)
		store_bind_text(st, 5, accounts);
	else
		store_bind_null(st, 5);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int user_rows_grants(struct store *s, int64_t user_id, int64_t token_id, user_rows_grant_fn fn,
                     void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT role, perms, accounts FROM user_grant WHERE user_id = ?"
	                  " AND coalesce(token_id, 0) = ? ORDER BY id",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	store_bind_int(st, 2, token_id);
	while ((rc = store_step(st, err)) == 1) {
		if (fn(ctx, store_col_text(st, 0), (uint32_t)store_col_int(st, 1),
		       store_col_is_null(st, 2) ? NULL : store_col_text(st, 2))) {
			rc = 0;
			break;
		}
	}
	store_reset(st);
	return rc < 0 ? rc : KV_OK;
}

int user_rows_token_insert(struct store *s, int64_t user_id, const char *name, const char *sha256,
                           int64_t now, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO user_token (user_id, name, sha256, created_at)"
	                       " VALUES (?, ?, ?, ?)",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, sha256);
	store_bind_int(st, 4, now);
	rc = store_run_insert(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int user_rows_token_find(struct store *s, const char *sha256, int64_t *out_token, int64_t *out_user,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(
	        s, &st, "SELECT id, user_id FROM user_token WHERE sha256 = ? AND revoked = 0", err);
	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_token = store_col_int(st, 0);
		*out_user = store_col_int(st, 1);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "unknown token");
	}
	store_reset(st);
	return rc;
}

int user_rows_session_insert(struct store *s, const char *sha256, int64_t user_id, const char *csrf,
                             int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc =
	        store_cached(s, &st,
	                     "INSERT INTO user_session (sha256, user_id, csrf, created_at, seen_at)"
	                     " VALUES (?, ?, ?, ?, ?)",
	                     err);

	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	store_bind_int(st, 2, user_id);
	store_bind_text(st, 3, csrf);
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, now);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

int user_rows_session_get(struct store *s, const char *sha256, int64_t *out_user, char *csrf,
                          size_t csrf_cap, int64_t *out_created, int64_t *out_seen, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT user_id, csrf, created_at, seen_at FROM user_session"
	                  " WHERE sha256 = ?",
	                  err);
	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_user = store_col_int(st, 0);
		copy(csrf, csrf_cap, store_col_text(st, 1));
		*out_created = store_col_int(st, 2);
		*out_seen = store_col_int(st, 3);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "no such session");
	}
	store_reset(st);
	return rc;
}

int user_rows_session_touch(struct store *s, const char *sha256, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, "UPDATE user_session SET seen_at = ? WHERE sha256 = ?", err);

	if (rc)
		return rc;
	store_bind_int(st, 1, now);
	store_bind_text(st, 2, sha256);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

int user_rows_session_delete(struct store *s, const char *sha256, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, "DELETE FROM user_session WHERE sha256 = ?", err);

	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

int user_rows_grants_clear(struct store *s, int64_t user_id, struct err *err)
{
	return run1(s, "DELETE FROM user_grant WHERE user_id = ? AND token_id IS NULL", user_id,
	            NULL, err);
}

int user_rows_sso_find(struct store *s, const char *issuer, const char *subject, int64_t *out_user,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st, "SELECT user_id FROM user_sso WHERE issuer = ? AND subject = ?",
	                  err);
	if (rc)
		return rc;
	store_bind_text(st, 1, issuer);
	store_bind_text(st, 2, subject);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_user = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "no user is linked to that subject");
	}
	store_reset(st);
	return rc;
}

int user_rows_sso_link(struct store *s, int64_t user_id, const char *issuer, const char *subject,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st, "INSERT INTO user_sso (user_id, issuer, subject) VALUES (?, ?, ?)", err);

	if (rc)
		return rc;
	store_bind_int(st, 1, user_id);
	store_bind_text(st, 2, issuer);
	store_bind_text(st, 3, subject);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}
