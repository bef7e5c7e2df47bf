/* SQL for item media. */
#include "store/media_rows.h"

#include "store/store.h"

int media_row_add(struct store *s, int64_t item_id, const char *url, const char *type,
                  struct err *err)
{
	static const char sql[] = "INSERT INTO item_media (item_id, url, type) VALUES (?, ?, ?)"
	                          " ON CONFLICT (item_id, url) DO NOTHING";
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, sql, err);

	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, url);
	store_bind_text(st, 3, type);
	return store_run(st, err);
}

#define MEDIA_COLUMNS                                                                              \
	"m.id, m.item_id, m.url, m.type, m.sha256, COALESCE(m.bytes, 0),"                          \
	" COALESCE(m.fetched_at, 0), m.attempts, m.error"

static int each(struct store_stmt *st, media_fn fn, void *ctx, struct err *err)
{
	int rc;

	while ((rc = store_step(st, err)) == 1) {
		struct media_row m = {
		        .id = store_col_int(st, 0),
		        .item_id = store_col_int(st, 1),
		        .url = store_col_text(st, 2),
		        .type = store_col_text(st, 3),
		        .sha256 = store_col_text(st, 4),
		        .bytes = store_col_int(st, 5),
		        .fetched_at = store_col_int(st, 6),
		        .attempts = store_col_int(st, 7),
		        .error = store_col_text(st, 8),
		};
		rc = fn(ctx, &m);
		if (rc)
			break;
	}
	return rc;
}

int media_row_pending(struct store *s, int64_t org, int64_t max_attempts, int64_t limit,
                      media_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " MEDIA_COLUMNS
	                   " FROM item_media m JOIN item i ON i.id = m.item_id"
	                   " WHERE i.org_id = ? AND m.sha256 IS NULL AND m.attempts < ?"
	                   " ORDER BY m.id LIMIT ?",
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

int media_row_each(struct store *s, int64_t org, int64_t item_id, media_fn fn, void *ctx,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " MEDIA_COLUMNS
	                   " FROM item_media m JOIN item i ON i.id = m.item_id"
	                   " WHERE i.org_id = ? AND (? = 0 OR m.item_id = ?) ORDER BY m.id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, item_id);
	store_bind_int(st, 3, item_id);
	rc = each(st, fn, ctx, err);
	store_stmt_free(st);
	return rc;
}

int media_row_fetched(struct store *s, int64_t id, const char *sha256, int64_t bytes, int64_t now,
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE item_media SET sha256 = ?, bytes = ?, fetched_at = ?,"
	                   " attempts = attempts + 1, error = NULL WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	store_bind_int(st, 2, bytes);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int media_row_failed(struct store *s, int64_t id, const char *error, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "UPDATE item_media SET attempts = attempts + 1, error = ?, fetched_at = ?"
	        " WHERE id = ?",
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
