/* Reads and writes of timestamp_token, and the audit chain's head read for
 * the daily token. */
#include "store/timestamp_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

#define COLS                                                                                       \
	"SELECT id, org_id, kind, ref, path, sha256, state, token, tsa_url, gen_time, attempts,"   \
	" last_error, created_at, stamped_at FROM timestamp_token"

static const char *text_or_null(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

static void read_row(struct store_stmt *st, struct timestamp_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = store_col_int(st, 0);
	r->org_id = store_col_int(st, 1);
	r->kind = store_col_text(st, 2);
	r->ref = store_col_text(st, 3);
	r->path = text_or_null(st, 4);
	r->sha256 = store_col_text(st, 5);
	r->state = store_col_text(st, 6);
	r->token = store_col_is_null(st, 7) ? NULL : store_col_blob(st, 7, &r->token_len);
	r->tsa_url = text_or_null(st, 8);
	r->gen_time = text_or_null(st, 9);
	r->attempts = store_col_int(st, 10);
	r->last_error = text_or_null(st, 11);
	r->created_at = store_col_int(st, 12);
	r->stamped_at = store_col_int(st, 13);
}

int timestamp_row_put(struct store *s, const struct timestamp_row *r, int64_t *out_id,
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "INSERT INTO timestamp_token (org_id, kind, ref, path, sha256, state, token,"
	        " tsa_url, gen_time, attempts, last_error, created_at, stamped_at)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?12)"
	        " ON CONFLICT (org_id, kind, ref, sha256) DO UPDATE SET state = excluded.state,"
	        " token = excluded.token, tsa_url = excluded.tsa_url,"
	        " gen_time = excluded.gen_time, attempts = timestamp_token.attempts + 1,"
	        " last_error = excluded.last_error, stamped_at = excluded.stamped_at,"
	        " path = COALESCE(excluded.path, timestamp_token.path)"
	        " RETURNING id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, r->org_id);
	store_bind_text(st, 2, r->kind);
	store_bind_text(st, 3, r->ref);
	store_bind_text(st, 4, r->path);
	store_bind_text(st, 5, r->sha256);
	store_bind_text(st, 6, r->state);
	if (r->token)
		store_bind_blob(st, 7, r->token, r->token_len);
	else
		store_bind_null(st, 7);
	store_bind_text(st, 8, r->tsa_url);
	store_bind_text(st, 9, r->gen_time);
	store_bind_text(st, 10, r->last_error);
	store_bind_int(st, 11, r->created_at);
	if (r->stamped_at)
		store_bind_int(st, 12, r->stamped_at);
	else
		store_bind_null(st, 12);
	rc = store_run_returning(st, &id, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (out_id)
		*out_id = id;
	return KV_OK;
}

static int walk(struct store_stmt *st, timestamp_row_fn fn, void *ctx, int *found, struct err *err)
{
	int rc;

	while ((rc = store_step(st, err)) == 1) {
		struct timestamp_row r;

		read_row(st, &r);
		*found = 1;
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	return rc;
}

int timestamp_row_each(struct store *s, int64_t org, const char *state, const char *kind,
                       timestamp_row_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, found = 0;

	rc = store_prepare(
	        s, &st,
	        COLS " WHERE (?1 = 0 OR org_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR state = ?2)"
	             " AND (CAST(?3 AS TEXT) IS NULL OR kind = ?3) ORDER BY id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, state);
	store_bind_text(st, 3, kind);
	rc = walk(st, fn, ctx, &found, err);
	store_stmt_free(st);
	return rc;
}

int timestamp_row_for_path(struct store *s, int64_t org, const char *path, timestamp_row_fn fn,
                           void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, found = 0;

	rc = store_prepare(s, &st, COLS " WHERE org_id = ? AND path = ? ORDER BY id DESC LIMIT 1",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, path);
	rc = walk(st, fn, ctx, &found, err);
	store_stmt_free(st);
	if (rc == 0 && !found)
		rc = err_set(err, KV_ENOTFOUND, "%s was never timestamped", path);
	return rc;
}

static int hash_query(struct store *s, const char *sql, int64_t arg, int64_t *seq, char hash[65],
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, sql, err);
	if (rc)
		return rc;
	if (arg)
		store_bind_int(st, 1, arg);
	rc = store_step(st, err);
	if (rc == 1) {
		if (seq)
			*seq = store_col_int(st, 0);
		snprintf(hash, 65, "%s", store_col_text(st, 1));
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND,
		             arg ? "no audit entry %lld" : "the audit log is empty",
		             (long long)arg);
	}
	store_stmt_free(st);
	return rc;
}

int timestamp_row_audit_head(struct store *s, int64_t *seq, char hash[65], struct err *err)
{
	return hash_query(s, "SELECT seq, hash FROM audit_head WHERE id = 1", 0, seq, hash, err);
}

int timestamp_row_audit_hash(struct store *s, int64_t seq, char hash[65], struct err *err)
{
	return hash_query(s, "SELECT seq, hash FROM audit WHERE seq = ?", seq, NULL, hash, err);
}

int timestamp_row_since(struct store *s, int64_t org, const char *kind, int64_t since,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT 1 FROM timestamp_token WHERE org_id = ? AND kind = ?"
	                   " AND created_at >= ? LIMIT 1",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, kind);
	store_bind_int(st, 3, since);
	rc = store_step(st, err);
	store_stmt_free(st);
	return rc;
}
