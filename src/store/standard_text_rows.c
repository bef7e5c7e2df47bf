/* Standard texts. */
#include "store/standard_text_rows.h"

#include "store/store.h"

int standard_text_row_add(struct store *s, int64_t org, const struct standard_text_row *r,
                          int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO standard_text (org_id, account_id, title, text,"
	                       " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	if (r->account_id)
		store_bind_int(st, 2, r->account_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, r->title);
	store_bind_text(st, 4, r->text);
	store_bind_text(st, 5, r->created_by);
	store_bind_int(st, 6, r->created_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int standard_text_row_each(struct store *s, int64_t org, int64_t account, int64_t id,
                           standard_text_row_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT t.id, COALESCE(t.account_id, 0),"
	                       " CASE WHEN a.id IS NULL THEN NULL"
	                       " ELSE a.platform || '/' || a.handle END,"
	                       " t.title, t.text, t.created_by, t.created_at"
	                       " FROM standard_text t LEFT JOIN account a ON a.id = t.account_id"
	                       " WHERE t.org_id = ?1"
	                       " AND (?2 < 0 OR t.account_id IS NULL OR t.account_id = ?2)"
	                       " AND (?3 = 0 OR t.id = ?3)"
	                       " ORDER BY t.title, t.id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account);
	store_bind_int(st, 3, id);
	while ((rc = store_step(st, err)) == 1) {
		struct standard_text_row r = {
		        store_col_int(st, 0),
		        store_col_int(st, 1),
		        store_col_is_null(st, 2) ? NULL : store_col_text(st, 2),
		        store_col_text(st, 3),
		        store_col_text(st, 4),
		        store_col_text(st, 5),
		        store_col_int(st, 6),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int standard_text_row_remove(struct store *s, int64_t org, int64_t id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st, "DELETE FROM standard_text WHERE org_id = ? AND id = ? RETURNING id", err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "standard text %lld does not exist",
		               (long long)id);
	return KV_OK;
}
