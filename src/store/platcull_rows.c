/* SQL for culling on the platform: the account's own posts still up, the
 * runs and their entries. */
#include "store/platcull_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

static const char *opt_text(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

int platcull_rows_posts(struct store *s, int64_t org, int64_t account, int64_t cutoff,
                        platcull_post_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	struct platcull_post_row r;
	int rc;

	rc = store_cached(
	        s, &st,
	        "SELECT i.id, i.platform_id, COALESCE(i.root_platform_id, i.platform_id),"
	        " COALESCE(i.created_at, i.captured_at),"
	        /* A case on the post, or one still open in its thread. */
	        " COALESCE((SELECT MIN(c.id) FROM mod_case c JOIN item t ON t.id = c.item_id"
	        "  WHERE t.account_id = i.account_id AND (t.id = i.id OR"
	        "  (t.root_platform_id = i.platform_id AND c.state IN"
	        "  ('open','pending_confirmation')))), 0),"
	        /* The post's own question, else one being handled in its thread. */
	        " COALESCE(q.state, (SELECT MIN(tq.state) FROM question tq JOIN item t"
	        "  ON t.id = tq.item_id WHERE t.account_id = i.account_id"
	        "  AND t.root_platform_id = i.platform_id"
	        "  AND tq.state IN ('open','forwarded','referred')))"
	        " FROM item i LEFT JOIN question q ON q.item_id = i.id"
	        " WHERE i.org_id = ? AND i.account_id = ? AND i.direction = 'upprattad'"
	        " AND i.kind = 'post' AND i.state <> 'deleted'"
	        " AND COALESCE(i.created_at, i.captured_at) < ?"
	        " ORDER BY COALESCE(i.created_at, i.captured_at), i.id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account);
	store_bind_int(st, 3, cutoff);
	while ((rc = store_step(st, err)) == 1) {
		r.id = store_col_int(st, 0);
		r.platform_id = store_col_text(st, 1);
		r.root = store_col_text(st, 2);
		r.at = store_col_int(st, 3);
		r.case_id = store_col_int(st, 4);
		r.question_state = opt_text(st, 5);
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_reset(st);
	return rc;
}

int platcull_rows_run_insert(struct store *s, int64_t org, const struct platcull_run_row *r,
                             int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "INSERT INTO platcull_run (org_id, account_id, months, as_of,"
	                      " cutoff, by_hand, state, proposed_by, proposed_at)"
	                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, r->account_id);
	store_bind_int(st, 3, r->months);
	store_bind_int(st, 4, r->as_of);
	store_bind_int(st, 5, r->cutoff);
	store_bind_int(st, 6, r->by_hand);
	store_bind_text(st, 7, r->state);
	store_bind_text(st, 8, r->proposed_by);
	store_bind_int(st, 9, r->proposed_at);
	rc = store_run_insert(st, out_id, err);
	return rc < 0 ? rc : KV_OK;
}

int platcull_rows_run_update(struct store *s, int64_t id, const char *state,
                             const char *confirmed_by, int64_t finished_at, const char *list_sha256,
                             const char *protokoll, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "UPDATE platcull_run SET state = ?,"
	                      " confirmed_by = COALESCE(?, confirmed_by),"
	                      " finished_at = NULLIF(?, 0), list_sha256 = COALESCE(?, list_sha256),"
	                      " protokoll = COALESCE(?, protokoll) WHERE id = ?",
	                      err);

	if (rc)
		return rc;
	store_bind_text(st, 1, state);
	if (confirmed_by)
		store_bind_text(st, 2, confirmed_by);
	else
		store_bind_null(st, 2);
	store_bind_int(st, 3, finished_at);
	if (list_sha256)
		store_bind_text(st, 4, list_sha256);
	else
		store_bind_null(st, 4);
	if (protokoll)
		store_bind_text(st, 5, protokoll);
	else
		store_bind_null(st, 5);
	store_bind_int(st, 6, id);
	return store_run(st, err);
}

int platcull_rows_run_pdf(struct store *s, int64_t id, const char *sha256, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "UPDATE platcull_run SET protokoll_pdf_sha256 = ? WHERE id = ?", err);

	if (rc)
		return rc;
	store_bind_text(st, 1, sha256);
	store_bind_int(st, 2, id);
	return store_run(st, err);
}

int platcull_rows_runs(struct store *s, int64_t org, int64_t id, platcull_run_fn fn, void *ctx,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	struct platcull_run_row r;
	int rc, found = 0;

	rc = store_cached(s, &st,
	                  "SELECT id, account_id, months, as_of, cutoff, by_hand, state,"
	                  " proposed_by, proposed_at, confirmed_by, COALESCE(finished_at, 0),"
	                  " list_sha256, protokoll, protokoll_pdf_sha256 FROM platcull_run"
	                  " WHERE org_id = ? AND (? = 0 OR id = ?) ORDER BY id",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, id);
	while ((rc = store_step(st, err)) == 1) {
		found = 1;
		r.id = store_col_int(st, 0);
		r.account_id = store_col_int(st, 1);
		r.months = store_col_int(st, 2);
		r.as_of = store_col_int(st, 3);
		r.cutoff = store_col_int(st, 4);
		r.by_hand = (int)store_col_int(st, 5);
		r.state = store_col_text(st, 6);
		r.proposed_by = store_col_text(st, 7);
		r.proposed_at = store_col_int(st, 8);
		r.confirmed_by = opt_text(st, 9);
		r.finished_at = store_col_int(st, 10);
		r.list_sha256 = opt_text(st, 11);
		r.protokoll = opt_text(st, 12);
		r.protokoll_pdf_sha256 = opt_text(st, 13);
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_reset(st);
	if (!rc && id && !found)
		rc = err_set(err, KV_ENOTFOUND, "platform culling run %lld does not exist",
		             (long long)id);
	return rc;
}

int platcull_rows_entry_put(struct store *s, int64_t run, const struct platcull_entry_row *e,
                            struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "INSERT OR REPLACE INTO platcull_entry (run_id, item_id,"
	                      " platform_id, item_at, outcome, detail, at)"
	                      " VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0))",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, run);
	store_bind_int(st, 2, e->item_id);
	store_bind_text(st, 3, e->platform_id);
	store_bind_int(st, 4, e->item_at);
	store_bind_text(st, 5, e->outcome);
	if (e->detail)
		store_bind_text(st, 6, e->detail);
	else
		store_bind_null(st, 6);
	store_bind_int(st, 7, e->at);
	return store_run(st, err);
}

int platcull_rows_entries(struct store *s, int64_t run, platcull_entry_fn fn, void *ctx,
                          struct err *err)
{
	struct store_stmt *st = NULL;
	struct platcull_entry_row e;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT item_id, platform_id, item_at, outcome, detail, COALESCE(at, 0)"
	                  " FROM platcull_entry WHERE run_id = ? ORDER BY platform_id, item_id",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, run);
	while ((rc = store_step(st, err)) == 1) {
		e.item_id = store_col_int(st, 0);
		e.platform_id = store_col_text(st, 1);
		e.item_at = store_col_int(st, 2);
		e.outcome = store_col_text(st, 3);
		e.detail = opt_text(st, 4);
		e.at = store_col_int(st, 5);
		rc = fn(ctx, &e);
		if (rc)
			break;
	}
	store_reset(st);
	return rc;
}
