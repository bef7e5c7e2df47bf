/* Policy documents: policydoc, policydoc_account. */
#include "store/policydoc_rows.h"

#include "store/store.h"

#include <stdio.h>

int policydoc_row_insert(struct store *s, int64_t org, const struct policydoc_row *r,
                         int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO policydoc (org_id, title, adopted, adopted_by,"
	                       " review_every_months, next_review, responsible_id, created_by,"
	                       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, r->title);
	store_bind_text(st, 3, r->adopted);
	store_bind_text(st, 4, r->adopted_by);
	if (r->review_every_months)
		store_bind_int(st, 5, r->review_every_months);
	else
		store_bind_null(st, 5);
	store_bind_text(st, 6, r->next_review);
	if (r->responsible_id)
		store_bind_int(st, 7, r->responsible_id);
	else
		store_bind_null(st, 7);
	store_bind_text(st, 8, r->created_by);
	store_bind_int(st, 9, r->created_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int policydoc_row_each(struct store *s, int64_t org, int64_t id, policydoc_fn fn, void *ctx,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT d.id, d.title, d.adopted, d.adopted_by, COALESCE(d.review_every_months, 0),"
	        " d.next_review, d.last_review, COALESCE(d.responsible_id, 0), p.email, d.state,"
	        " (SELECT group_concat(x, ',') FROM (SELECT a.platform || '/' || a.handle AS x"
	        "  FROM policydoc_account pa JOIN account a ON a.id = pa.account_id"
	        "  WHERE pa.policydoc_id = d.id ORDER BY a.id) AS handles),"
	        " d.created_by, d.created_at"
	        " FROM policydoc d LEFT JOIN person p ON p.id = d.responsible_id"
	        " WHERE d.org_id = ?1 AND (?2 = 0 OR d.id = ?2) ORDER BY d.id",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	while ((rc = store_step(st, err)) == 1) {
		struct policydoc_row r = {
		        .id = store_col_int(st, 0),
		        .title = store_col_text(st, 1),
		        .adopted = store_col_text(st, 2),
		        .adopted_by = store_col_text(st, 3),
		        .review_every_months = store_col_int(st, 4),
		        .next_review = store_col_text(st, 5),
		        .last_review = store_col_text(st, 6),
		        .responsible_id = store_col_int(st, 7),
		        .responsible = store_col_text(st, 8),
		        .state = store_col_text(st, 9),
		        .accounts = store_col_text(st, 10),
		        .created_by = store_col_text(st, 11),
		        .created_at = store_col_int(st, 12),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

static int update(struct store *s, const char *sql, int64_t org, int64_t id, const char *a,
                  const char *b, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t got = 0;
	int rc = store_prepare(s, &st, sql, err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	if (a)
		store_bind_text(st, 3, a);
	if (b)
		store_bind_text(st, 4, b);
	rc = store_run_returning(st, &got, err);
	store_stmt_free(st);
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "no active policy document %lld", (long long)id);
	return rc < 0 ? rc : KV_OK;
}

int policydoc_row_review(struct store *s, int64_t org, int64_t id, const char *on, const char *next,
                         struct err *err)
{
	return update(s,
	              "UPDATE policydoc SET last_review = ?3, next_review = ?4"
	              " WHERE org_id = ?1 AND id = ?2 AND state = 'active' RETURNING id",
	              org, id, on, next, err);
}

int policydoc_row_retire(struct store *s, int64_t org, int64_t id, struct err *err)
{
	return update(s,
	              "UPDATE policydoc SET state = 'retired'"
	              " WHERE org_id = ?1 AND id = ?2 AND state = 'active' RETURNING id",
	              org, id, NULL, NULL, err);
}

int policydoc_row_apply(struct store *s, int64_t id, int64_t account_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "INSERT INTO policydoc_account (account_id, policydoc_id) VALUES (?, ?)"
	        " ON CONFLICT (account_id) DO UPDATE SET"
	        " policydoc_id = excluded.policydoc_id",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int policydoc_row_of_account(struct store *s, int64_t account_id, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT pa.policydoc_id FROM policydoc_account pa JOIN policydoc d"
	                       " ON d.id = pa.policydoc_id AND d.state = 'active'"
	                       " WHERE pa.account_id = ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	rc = store_step(st, err);
	*out_id = rc == 1 ? store_col_int(st, 0) : 0;
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}
