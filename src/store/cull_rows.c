/* SQL for culling: the reads that records/cull classifies, the deletes of a
 * batch (items with everything hanging on them, in set statements over a
 * temporary table of the batch's ids), the runs and their lists. */
#include "store/cull_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

static const char *opt_text(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

/* The item columns, from i (item), c (mod_case), q (question) and sc
 * (item_screening), starting at column 0 of the select. */
#define ITEM_FACTS                                                                                 \
	"i.id, i.account_id, i.platform_id, COALESCE(i.root_platform_id, i.platform_id),"          \
	" i.kind, i.direction, COALESCE(i.created_at, i.captured_at), COALESCE(c.id, 0),"          \
	" c.state, c.categories,"                                                                  \
	" (c.registration IS NOT NULL OR c.external_ref IS NOT NULL), q.state, sc.categories"
#define ITEM_FACTS_N 13
#define ITEM_JOINS                                                                                 \
	" LEFT JOIN mod_case c ON c.item_id = i.id LEFT JOIN question q ON q.item_id = i.id"       \
	" LEFT JOIN item_screening sc ON sc.item_id = i.id"

static void item_from(struct store_stmt *st, int col, struct cull_item_row *r)
{
	r->id = store_col_int(st, col + 0);
	r->account_id = store_col_int(st, col + 1);
	r->platform_id = store_col_text(st, col + 2);
	r->root = store_col_text(st, col + 3);
	r->kind = store_col_text(st, col + 4);
	r->direction = store_col_text(st, col + 5);
	r->at = store_col_int(st, col + 6);
	r->case_id = store_col_int(st, col + 7);
	r->case_state = opt_text(st, col + 8);
	r->case_categories = opt_text(st, col + 9);
	r->case_registered = (int)store_col_int(st, col + 10);
	r->question_state = opt_text(st, col + 11);
	r->screened = opt_text(st, col + 12);
}

int cull_rows_items(struct store *s, int64_t org, int64_t after, int64_t limit, cull_item_fn fn,
                    void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	struct cull_item_row r;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT " ITEM_FACTS " FROM item i" ITEM_JOINS
	                  " WHERE i.org_id = ? AND i.id > ? ORDER BY i.id LIMIT ?",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after);
	store_bind_int(st, 3, limit);
	while ((rc = store_step(st, err)) == 1) {
		item_from(st, 0, &r);
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_reset(st);
	return rc;
}

int cull_rows_media(struct store *s, int64_t org, int64_t after, int64_t limit, cull_media_fn fn,
                    void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	struct cull_media_row m;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT m.id, COALESCE(m.fetched_at, 0), m.sha256, COALESCE(m.bytes, "
	                  "0), " ITEM_FACTS
	                  " FROM item_media m JOIN item i ON i.id = m.item_id" ITEM_JOINS
	                  " WHERE i.org_id = ? AND m.id > ? AND m.sha256 IS NOT NULL"
	                  " ORDER BY m.id LIMIT ?",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after);
	store_bind_int(st, 3, limit);
	while ((rc = store_step(st, err)) == 1) {
		m.id = store_col_int(st, 0);
		m.fetched_at = store_col_int(st, 1);
		m.sha256 = store_col_text(st, 2);
		m.bytes = store_col_int(st, 3);
		item_from(st, 4, &m.item);
		rc = fn(ctx, &m);
		if (rc)
			break;
	}
	store_reset(st);
	return rc;
}

int cull_rows_media_delete(struct store *s, int64_t media_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, "DELETE FROM item_media WHERE id = ?", err);

	if (rc)
		return rc;
	store_bind_int(st, 1, media_id);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

int cull_rows_plain(struct store *s, int64_t org, enum cull_plain_kind kind, int64_t after,
                    int64_t limit, cull_plain_fn fn, void *ctx, struct err *err)
{
	static const char *const sql[] = {
	        [CULL_WEBHOOK] =
	                "SELECT id, received_at, sha256, length(body) FROM webhook_delivery"
	                " WHERE (org_id = ? OR org_id IS NULL) AND status = 'done'"
	                " AND id > ? ORDER BY id LIMIT ?",
	        [CULL_MAIL] = "SELECT id, sent_at, dedup_key, length(body) FROM mail_outbox"
	                      " WHERE org_id = ? AND sent_at IS NOT NULL AND id > ?"
	                      " ORDER BY id LIMIT ?",
	        [CULL_ALERT] = "SELECT id, acknowledged_at, dedup_key, length(detail) FROM alert"
	                       " WHERE org_id = ? AND acknowledged_at IS NOT NULL AND id > ?"
	                       " ORDER BY id LIMIT ?",
	};
	struct store_stmt *st = NULL;
	struct cull_row_plain r;
	int rc;

	rc = store_prepare(s, &st, sql[kind], err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after);
	store_bind_int(st, 3, limit);
	while ((rc = store_step(st, err)) == 1) {
		r.id = store_col_int(st, 0);
		r.at = store_col_int(st, 1);
		r.key = store_col_text(st, 2);
		r.bytes = store_col_int(st, 3);
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int cull_rows_plain_delete(struct store *s, enum cull_plain_kind kind, int64_t id, struct err *err)
{
	static const char *const sql[] = {
	        [CULL_WEBHOOK] = "DELETE FROM webhook_delivery WHERE id = ?",
	        [CULL_MAIL] = "DELETE FROM mail_outbox WHERE id = ?",
	        [CULL_ALERT] = "DELETE FROM alert WHERE id = ?",
	};
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st, sql[kind], err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

static int count_of(struct store *s, const char *sql, int64_t *out, struct err *err)
{
	return store_query_int(s, out, err, sql, 0, NULL);
}

int cull_rows_delete_items(struct store *s, const int64_t *ids, size_t n, cull_blob_fn blob,
                           void *ctx, struct cull_rows_deleted *out, struct err *err)
{
	/* Children first (the foreign keys are checked per row), the search
	 * index while the item rows still hold the text it was made from. */
	static const char *const deletes[] = {
	        "DELETE FROM item_flag WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM item_screening WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM item_event WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM item_version_more WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM item_media WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM item_reach WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        ("UPDATE question SET answer_item_id = NULL"
	         " WHERE answer_item_id IN (SELECT id FROM temp.cull_batch)"),
	        "DELETE FROM question WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM mod_case WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	        "DELETE FROM item WHERE id IN (SELECT id FROM temp.cull_batch)",
	};
	struct store_stmt *st = NULL;
	int64_t v = 0, ev = 0, md = 0, cs = 0, qs = 0;
	int rc;

	rc = store_exec(s,
	                "CREATE TEMP TABLE IF NOT EXISTS cull_batch (id INTEGER PRIMARY KEY);"
	                "DELETE FROM temp.cull_batch;",
	                err);
	if (rc)
		return rc;
	rc = store_cached(s, &st, "INSERT OR IGNORE INTO temp.cull_batch (id) VALUES (?)", err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		store_bind_int(st, 1, ids[i]);
		rc = store_run(st, err);
		store_reset(st);
	}
	if (rc)
		return rc;
	if (blob) {
		rc = store_cached(s, &st,
		                  "SELECT item_id, sha256 FROM item_media WHERE sha256 IS NOT NULL"
		                  " AND item_id IN (SELECT id FROM temp.cull_batch)"
		                  " UNION SELECT item_id, evidence_sha256 FROM mod_case"
		                  " WHERE evidence_sha256 IS NOT NULL"
		                  " AND item_id IN (SELECT id FROM temp.cull_batch)",
		                  err);
		if (rc)
			return rc;
		while ((rc = store_step(st, err)) == 1) {
			rc = blob(ctx, store_col_int(st, 0), store_col_text(st, 1));
			if (rc)
				break;
		}
		store_reset(st);
		if (rc)
			return rc;
	}
	rc = count_of(s,
	              "SELECT COUNT(*) FROM item_version_more"
	              " WHERE item_id IN (SELECT id FROM temp.cull_batch)",
	              &v, err);
	if (!rc)
		rc = count_of(s,
		              "SELECT COUNT(*) FROM item_event"
		              " WHERE item_id IN (SELECT id FROM temp.cull_batch)",
		              &ev, err);
	if (!rc)
		rc = count_of(s,
		              "SELECT COUNT(*) FROM item_media"
		              " WHERE item_id IN (SELECT id FROM temp.cull_batch)",
		              &md, err);
	if (!rc)
		rc = count_of(s,
		              "SELECT COUNT(*) FROM mod_case"
		              " WHERE item_id IN (SELECT id FROM temp.cull_batch)",
		              &cs, err);
	if (!rc)
		rc = count_of(s,
		              "SELECT COUNT(*) FROM question"
		              " WHERE item_id IN (SELECT id FROM temp.cull_batch)",
		              &qs, err);
	if (rc)
		return rc;
	rc = store_exec(s,
	                "INSERT INTO item_fts (item_fts, rowid, text)"
	                " SELECT 'delete', fts_key, text FROM item"
	                " WHERE id IN (SELECT id FROM temp.cull_batch)",
	                err);
	for (size_t i = 0; i < sizeof(deletes) / sizeof(deletes[0]) && !rc; i++)
		rc = store_exec(s, deletes[i], err);
	if (rc)
		return rc;
	out->items += (int64_t)n;
	out->versions += (int64_t)n + v;
	out->events += ev;
	out->fts += (int64_t)n;
	out->media += md;
	out->cases += cs;
	out->questions += qs;
	return KV_OK;
}

int cull_rows_blob_referenced(struct store *s, const char *sha, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT EXISTS (SELECT 1 FROM item_media WHERE sha256 = ?1)"
	                  " OR EXISTS (SELECT 1 FROM profile_picture WHERE sha256 = ?1)"
	                  " OR EXISTS (SELECT 1 FROM mod_case WHERE evidence_sha256 = ?1)"
	                  " OR EXISTS (SELECT 1 FROM cull_run WHERE protokoll_sha256 = ?1"
	                  "  OR protokoll_pdf_sha256 = ?1)"
	                  " OR EXISTS (SELECT 1 FROM platcull_run WHERE protokoll_pdf_sha256 = ?1)"
	                  " OR EXISTS (SELECT 1 FROM consent WHERE document_sha256 = ?1)"
	                  " OR EXISTS (SELECT 1 FROM draft WHERE media LIKE '%' || ?1 || '%')",
	                  err);
	if (rc)
		return rc;
	store_bind_text(st, 1, sha);
	rc = store_step(st, err);
	if (rc == 1)
		rc = store_col_int(st, 0) ? 1 : 0;
	store_reset(st);
	return rc;
}

int cull_rows_run_insert(struct store *s, int64_t org, const struct cull_run_row *r,
                         int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO cull_run (org_id, plan_id, plan_version, as_of, actor, pid,"
	                   " started_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'running')"
	                   " RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, r->plan_id);
	store_bind_int(st, 3, r->plan_version);
	store_bind_int(st, 4, r->as_of);
	store_bind_text(st, 5, r->actor);
	store_bind_int(st, 6, r->pid);
	store_bind_int(st, 7, r->started_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int cull_rows_run_add(struct store *s, int64_t id, int64_t versions, int64_t fts, int64_t bytes,
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "UPDATE cull_run SET batches = batches + 1, versions = versions + ?,"
	                  " fts = fts + ?, bytes = bytes + ? WHERE id = ?",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, versions);
	store_bind_int(st, 2, fts);
	store_bind_int(st, 3, bytes);
	store_bind_int(st, 4, id);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

int cull_rows_run_finish(struct store *s, int64_t id, const char *state, int64_t finished_at,
                         const char *list_sha256, const char *protokoll,
                         const char *protokoll_sha256, const char *pdf_sha256, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE cull_run SET state = ?, finished_at = ?, list_sha256 = ?,"
	                   " protokoll = ?, protokoll_sha256 = ?, protokoll_pdf_sha256 = ?"
	                   " WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, state);
	store_bind_int(st, 2, finished_at);
	store_bind_text(st, 3, list_sha256);
	store_bind_text(st, 4, protokoll);
	store_bind_text(st, 5, protokoll_sha256);
	store_bind_text(st, 6, pdf_sha256);
	store_bind_int(st, 7, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int cull_rows_runs(struct store *s, int64_t org, int64_t id, int running_only, cull_run_fn fn,
                   void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	struct cull_run_row r;
	int rc, n = 0;

	rc = store_prepare(s, &st,
	                   "SELECT id, plan_id, plan_version, as_of, actor, pid, started_at,"
	                   " COALESCE(finished_at, 0), state, batches, versions, fts, bytes,"
	                   " list_sha256, protokoll, protokoll_sha256, protokoll_pdf_sha256"
	                   " FROM cull_run"
	                   " WHERE org_id = ? AND (? = 0 OR id = ?)"
	                   " AND (? = 0 OR state = 'running') ORDER BY id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, id);
	store_bind_int(st, 4, running_only);
	while ((rc = store_step(st, err)) == 1) {
		memset(&r, 0, sizeof(r));
		r.id = store_col_int(st, 0);
		r.plan_id = store_col_int(st, 1);
		r.plan_version = store_col_int(st, 2);
		r.as_of = store_col_int(st, 3);
		r.actor = store_col_text(st, 4);
		r.pid = store_col_int(st, 5);
		r.started_at = store_col_int(st, 6);
		r.finished_at = store_col_int(st, 7);
		r.state = store_col_text(st, 8);
		r.batches = store_col_int(st, 9);
		r.versions = store_col_int(st, 10);
		r.fts = store_col_int(st, 11);
		r.bytes = store_col_int(st, 12);
		r.list_sha256 = opt_text(st, 13);
		r.protokoll = opt_text(st, 14);
		r.protokoll_sha256 = opt_text(st, 15);
		r.protokoll_pdf_sha256 = opt_text(st, 16);
		n++;
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	if (rc == 0 && id && n == 0)
		rc = err_set(err, KV_ENOTFOUND, "culling run %lld does not exist", (long long)id);
	return rc;
}

int cull_rows_removed_insert(struct store *s, int64_t run, int64_t batch, const char *class_name,
                             int64_t account_id, const char *what, const char *entry,
                             int64_t rule_line, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "INSERT OR IGNORE INTO cull_removed (run_id, entry, class, account_id,"
	                  " what, rule_line, batch) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, run);
	store_bind_text(st, 2, entry);
	store_bind_text(st, 3, class_name);
	store_bind_int(st, 4, account_id);
	store_bind_text(st, 5, what);
	store_bind_int(st, 6, rule_line);
	store_bind_int(st, 7, batch);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

static int each_entry(struct store *s, const char *sql, int64_t run, cull_entry_fn fn, void *ctx,
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, sql, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, run);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_text(st, 0));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int cull_rows_removed_each(struct store *s, int64_t run, cull_entry_fn fn, void *ctx,
                           struct err *err)
{
	return each_entry(s, "SELECT entry FROM cull_removed WHERE run_id = ? ORDER BY entry", run,
	                  fn, ctx, err);
}

int cull_rows_removed_blobs(struct store *s, int64_t run, cull_entry_fn fn, void *ctx,
                            struct err *err)
{
	return each_entry(s,
	                  "SELECT entry FROM cull_removed WHERE run_id = ? AND what = 'blob'"
	                  " ORDER BY entry",
	                  run, fn, ctx, err);
}

int cull_rows_removed_counts(struct store *s, int64_t run, cull_count_fn fn, void *ctx,
                             struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT class, account_id, rule_line, what, COUNT(*) FROM cull_removed"
	                   " WHERE run_id = ? GROUP BY class, account_id, rule_line, what"
	                   " ORDER BY class, account_id, what",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, run);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_text(st, 0), store_col_int(st, 1), store_col_int(st, 2),
		        store_col_text(st, 3), store_col_int(st, 4));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}
