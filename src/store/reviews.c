/* Reads and writes of account_review, and the own-post queries over item
 * used by the activity checks. */
#include "store/reviews.h"

#include "store/store.h"

static const char *text_or_null(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

int reviews_insert(struct store *s, int64_t org, int64_t account_id, const char *by, int64_t at,
                   const char *note, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(
	        s, &st,
	        "INSERT INTO account_review (org_id, account_id, reviewed_by, reviewed_at,"
	        " note) SELECT ?, id, ?, ?, ? FROM account WHERE id = ? AND org_id = ?"
	        " RETURNING id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, by);
	store_bind_int(st, 3, at);
	store_bind_text(st, 4, note);
	store_bind_int(st, 5, account_id);
	store_bind_int(st, 6, org);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_id = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ECONFLICT, "account %lld does not exist",
		             (long long)account_id);
	}
	store_reset(st);
	return rc;
}

int reviews_accounts_each(struct store *s, int64_t org, int64_t account_id, review_account_fn fn,
                          void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT a.id, a.platform, a.handle, a.status, a.opened_on,"
	        " r.reviewed_at, r.reviewed_by, r.note FROM account a"
	        " LEFT JOIN account_review r ON r.id = (SELECT r2.id FROM account_review r2"
	        "  WHERE r2.account_id = a.id"
	        "  ORDER BY r2.reviewed_at DESC, r2.id DESC LIMIT 1)"
	        " WHERE a.org_id = ? AND (? = 0 OR a.id = ?)"
	        " ORDER BY a.platform, a.handle",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_int(st, 3, account_id);
	while ((rc = store_step(st, err)) == 1) {
		struct review_account_row a = {
		        .id = store_col_int(st, 0),
		        .platform = store_col_text(st, 1),
		        .handle = store_col_text(st, 2),
		        .status = store_col_text(st, 3),
		        .opened_on = text_or_null(st, 4),
		        .last_review_at = store_col_is_null(st, 5) ? 0 : store_col_int(st, 5),
		        .last_review_by = text_or_null(st, 6),
		        .last_review_note = text_or_null(st, 7),
		};

		rc = fn(ctx, &a);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int reviews_own_posts(struct store *s, int64_t account_id, int64_t from, review_time_fn fn,
                      void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT COALESCE(created_at, captured_at) AS t FROM item"
	        " WHERE account_id = ? AND direction = 'upprattad'"
	        " AND kind IN ('post', 'media') AND COALESCE(created_at, captured_at) >= ?"
	        " ORDER BY t",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int reviews_activity(struct store *s, int64_t account_id, int64_t *out_last_post,
                     int64_t *out_items, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT (SELECT MAX(COALESCE(created_at, captured_at)) FROM item"
	                  "  WHERE account_id = ? AND direction = 'upprattad'"
	                  "  AND kind IN ('post', 'media')),"
	                  " (SELECT COUNT(*) FROM item WHERE account_id = ?)",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, account_id);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_last_post = store_col_is_null(st, 0) ? 0 : store_col_int(st, 0);
		*out_items = store_col_int(st, 1);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_EINTERNAL, "activity query returned no row");
	}
	store_reset(st);
	return rc;
}
