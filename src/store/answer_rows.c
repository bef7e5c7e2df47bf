/* Earlier answers. */
#include "store/answer_rows.h"

#include "store/store.h"

int answer_rows_each(struct store *s, int64_t org, int64_t limit, answer_rows_fn fn, void *ctx,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT q.id, q.account_id, q.answered_at,"
	                       " COALESCE(q.closed_by, i.author_name), i.text"
	                       " FROM question q JOIN item i ON i.id = q.answer_item_id"
	                       " WHERE q.org_id = ? AND q.answered_at IS NOT NULL"
	                       " ORDER BY q.answered_at DESC, q.id DESC LIMIT ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, limit);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0), store_col_int(st, 1), store_col_int(st, 2),
		        store_col_is_null(st, 3) ? NULL : store_col_text(st, 3),
		        store_col_text(st, 4));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}
