/* SQL for the accounts' profile pictures. */
#include "store/profile_rows.h"

#include "store/store.h"

#include <string.h>

#define PROFILE_COLUMNS                                                                            \
	"p.id, p.account_id, p.url, p.noted_at, p.noted_by, p.sha256, COALESCE(p.bytes, 0),"       \
	" p.content_type, COALESCE(p.fetched_at, 0), p.attempts, p.error"

static int each(struct store_stmt *st, profile_fn fn, void *ctx, struct err *err)
{
	int rc;

	while ((rc = store_step(st, err)) == 1) {
		struct profile_row p = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .url = store_col_text(st, 2),
		        .noted_at = store_col_int(st, 3),
		        .noted_by = store_col_text(st, 4),
		        .sha256 = store_col_text(st, 5),
		        .bytes = store_col_int(st, 6),
		        .content_type = store_col_text(st, 7),
		        .fetched_at = store_col_int(st, 8),
		        .attempts = store_col_int(st, 9),
		        .error = store_col_text(st, 10),
		};
		rc = fn(ctx, &p);
		if (rc)
			break;
	}
	return rc;
}

static int insert(struct store *s, int64_t account_id, const char *url, const char *noted_by,
                  int64_t now, const char *sha256, int64_t bytes, const char *content_type,
                  int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO profile_picture (account_id, url, noted_at, noted_by,"
	                   " sha256, bytes, content_type, fetched_at)"
	                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, url);
	store_bind_int(st, 3, now);
	store_bind_text(st, 4, noted_by);
	if (sha256) {
		store_bind_text(st, 5, sha256);
		store_bind_int(st, 6, bytes);
		store_bind_text(st, 7, content_type);
		store_bind_int(st, 8, now);
	} else {
		store_bind_null(st, 5);
		store_bind_null(st, 6);
		store_bind_null(st, 7);
		store_bind_null(st, 8);
	}
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

/* The length of url without its query and fragment. */
static size_t url_base_len(const char *url)
{
	return strcspn(url, "?#");
}

int profile_row_note(struct store *s, int64_t account_id, const char *url, const char *noted_by,
                     int64_t now, int64_t *out_id, struct err *err)
{
	static const char sql[] = "SELECT id, url, sha256 IS NULL FROM profile_picture"
	                          " WHERE account_id = ? ORDER BY id DESC LIMIT 1";
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, sql, err), same = 0, fresher = 0;
	int64_t id = 0;

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	rc = store_step(st, err);
	if (rc == 1) {
		const char *had = store_col_text(st, 1);
		size_t n = url_base_len(url);

		id = store_col_int(st, 0);
		same = strcmp(had, url) == 0;
		/* The same file under a newly signed URL (Graph's CDN signs its
		 * picture URLs with an expiry in the query): the same picture. A
		 * pending one takes the fresher URL, so its fetch does not meet
		 * an expired signature. */
		if (!same && n == url_base_len(had) && strncmp(had, url, n) == 0) {
			same = 1;
			fresher = (int)store_col_int(st, 2);
		}
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (same && fresher) {
		rc = store_prepare(s, &st, "UPDATE profile_picture SET url = ? WHERE id = ?", err);
		if (rc)
			return rc;
		store_bind_text(st, 1, url);
		store_bind_int(st, 2, id);
		rc = store_run(st, err);
		store_stmt_free(st);
		if (rc)
			return rc;
	}
	if (same)
		return 0;
	rc = insert(s, account_id, url, noted_by, now, NULL, 0, NULL, out_id, err);
	return rc ? rc : 1;
}

int profile_row_add_stored(struct store *s, int64_t account_id, const char *url,
                           const char *noted_by, int64_t now, const char *sha256, int64_t bytes,
                           const char *content_type, int64_t *out_id, struct err *err)
{
	return insert(s, account_id, url, noted_by, now, sha256, bytes, content_type, out_id, err);
}

int profile_row_pending(struct store *s, int64_t org, int64_t max_attempts, int64_t limit,
                        profile_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " PROFILE_COLUMNS
	                   " FROM profile_picture p JOIN account a ON a.id = p.account_id"
	                   " WHERE a.org_id = ? AND p.sha256 IS NULL AND p.attempts < ?"
	                   " ORDER BY p.id LIMIT ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, max_attempts);
	store_bind_int(st, 3, limit);
	rc = each(st, fn, ctx, err);
	store_stmt_free(st);
	return rc;
}

int profile_row_fetched(struct store *s, int64_t id, const char *sha256, int64_t bytes,
                        const char *content_type, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE profile_picture SET sha256 = ?, bytes = ?, content_type = ?,"
	                   " fetched_at = ?, attempts = attempts + 1, error = NULL WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	store_bind_int(st, 2, bytes);
	store_bind_text(st, 3, content_type);
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int profile_row_failed(struct store *s, int64_t id, const char *error, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE profile_picture SET attempts = attempts + 1, error = ?,"
	                   " fetched_at = ? WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, error);
	store_bind_int(st, 2, now);
	store_bind_int(st, 3, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int profile_row_each(struct store *s, int64_t account_id, profile_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " PROFILE_COLUMNS " FROM profile_picture p"
	                   " WHERE p.account_id = ? ORDER BY p.id DESC",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	rc = each(st, fn, ctx, err);
	store_stmt_free(st);
	return rc;
}

int profile_row_latest(struct store *s, int64_t account_id, int64_t until, profile_fn fn, void *ctx,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " PROFILE_COLUMNS " FROM profile_picture p"
	                   " WHERE p.account_id = ? AND p.sha256 IS NOT NULL"
	                   " AND (? <= 0 OR p.noted_at < ?)"
	                   " ORDER BY p.noted_at DESC, p.id DESC LIMIT 1",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, until);
	store_bind_int(st, 3, until);
	rc = each(st, fn, ctx, err);
	store_stmt_free(st);
	return rc > 0 ? KV_OK : rc;
}
