/* The figures' queries. */
#include "store/stats_rows.h"

#include "store/store.h"

int stats_rows_posts(struct store *s, int64_t account_id, int64_t from, int64_t to, int64_t *out,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT count(*) FROM item WHERE account_id = ?"
	                       " AND direction = 'upprattad' AND kind = 'post'"
	                       " AND COALESCE(created_at, captured_at) >= ?"
	                       " AND COALESCE(created_at, captured_at) < ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	rc = store_step(st, err);
	if (rc == 1) {
		*out = store_col_int(st, 0);
		rc = KV_OK;
	}
	store_stmt_free(st);
	return rc;
}

int stats_rows_questions(struct store *s, int64_t account_id, int64_t from, int64_t to,
                         stats_question_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT state, arrived_at, due_at, COALESCE(answered_at, 0),"
	                       " response_seconds FROM question WHERE account_id = ?"
	                       " AND arrived_at >= ? AND arrived_at < ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	while ((rc = store_step(st, err)) == 1) {
		struct stats_question q = {
		        .state = store_col_text(st, 0),
		        .arrived_at = store_col_int(st, 1),
		        .due_at = store_col_int(st, 2),
		        .answered_at = store_col_int(st, 3),
		        .has_response = !store_col_is_null(st, 4),
		        .response_seconds = store_col_int(st, 4),
		};

		rc = fn(ctx, &q);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int stats_rows_comments(struct store *s, int64_t account_id, int64_t from, int64_t to,
                        stats_comment_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT sc.categories FROM item i"
	                       " LEFT JOIN item_screening sc ON sc.item_id = i.id"
	                       " WHERE i.account_id = ? AND i.direction = 'inkommen'"
	                       " AND i.kind <> 'post'"
	                       " AND COALESCE(i.created_at, i.captured_at) >= ?"
	                       " AND COALESCE(i.created_at, i.captured_at) < ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_is_null(st, 0) ? NULL : store_col_text(st, 0));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int stats_rows_takedowns(struct store *s, int64_t account_id, int64_t from, int64_t to,
                         int64_t *hidden, int64_t *removed, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT COALESCE(sum(CASE WHEN state = 'hidden' THEN 1 ELSE 0 END), 0),"
	        " COALESCE(sum(CASE WHEN state = 'removed' THEN 1 ELSE 0 END), 0) FROM mod_case"
	        " WHERE account_id = ? AND state IN ('hidden', 'removed')"
	        " AND takedown_at >= ? AND takedown_at < ?",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	rc = store_step(st, err);
	if (rc == 1) {
		*hidden = store_col_int(st, 0);
		*removed = store_col_int(st, 1);
		rc = KV_OK;
	}
	store_stmt_free(st);
	return rc;
}
