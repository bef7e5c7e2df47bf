/* SQL for retention plans, their rules, holds, and the accounts as the
 * culling reads them. No interpretation: records/retention and records/holds
 * decide what the rows mean. */
#include "store/retention_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

static const char *opt_text(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

int retention_rows_plan_insert(struct store *s, int64_t org, const char *name, const char *file,
                               const char *sha256, const char *body, const char *loaded_by,
                               int64_t loaded_at, int64_t *out_id, int64_t *out_version,
                               struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t version = 0;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT COALESCE(MAX(version), 0) + 1 FROM retention_plan"
	                   " WHERE org_id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	rc = store_step(st, err);
	if (rc == 1)
		version = store_col_int(st, 0);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	rc = store_prepare(s, &st,
	                   "INSERT INTO retention_plan (org_id, version, name, source_file, sha256,"
	                   " body, loaded_by, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	                   " RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, version);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, file);
	store_bind_text(st, 5, sha256);
	store_bind_text(st, 6, body);
	store_bind_text(st, 7, loaded_by);
	store_bind_int(st, 8, loaded_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	*out_version = version;
	return KV_OK;
}

int retention_rows_rule_insert(struct store *s, int64_t plan_id, const struct retention_rule_row *r,
                               struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "INSERT INTO retention_rule (plan_id, account_id, class, action, months,"
	                  " archive_first, source, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, plan_id);
	store_bind_int(st, 2, r->account_id);
	store_bind_text(st, 3, r->class_name);
	store_bind_text(st, 4, r->action);
	store_bind_int(st, 5, r->months);
	store_bind_int(st, 6, r->archive_first);
	store_bind_text(st, 7, r->source);
	store_bind_int(st, 8, r->line);
	rc = store_run(st, err);
	store_reset(st);
	return rc;
}

#define PLAN_COLS                                                                                  \
	"SELECT id, version, name, source_file, sha256, body, loaded_by, loaded_at"                \
	" FROM retention_plan WHERE org_id = ?"

static void plan_from(struct store_stmt *st, struct retention_plan_row *p)
{
	p->id = store_col_int(st, 0);
	p->version = store_col_int(st, 1);
	p->name = opt_text(st, 2);
	p->file = opt_text(st, 3);
	p->sha256 = store_col_text(st, 4);
	p->body = store_col_text(st, 5);
	p->loaded_by = store_col_text(st, 6);
	p->loaded_at = store_col_int(st, 7);
}

int retention_rows_plan_get(struct store *s, int64_t org, int64_t version, retention_plan_fn fn,
                            void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	struct retention_plan_row p;
	int rc;

	rc = store_prepare(s, &st,
	                   version ? PLAN_COLS " AND version = ?"
	                           : PLAN_COLS " ORDER BY version DESC LIMIT 1",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	if (version)
		store_bind_int(st, 2, version);
	rc = store_step(st, err);
	if (rc == 1) {
		plan_from(st, &p);
		rc = fn(ctx, &p);
	} else if (rc == 0) {
		rc = version ? err_set(err, KV_ENOTFOUND, "there is no retention plan version %lld",
		                       (long long)version)
		             : err_set(err, KV_ENOTFOUND,
		                       "no retention plan is loaded (kanalvakt retention load "
		                       "FILE)");
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_plan_each(struct store *s, int64_t org, retention_plan_fn fn, void *ctx,
                             struct err *err)
{
	struct store_stmt *st = NULL;
	struct retention_plan_row p;
	int rc;

	rc = store_prepare(s, &st, PLAN_COLS " ORDER BY version", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		plan_from(st, &p);
		rc = fn(ctx, &p);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_rules(struct store *s, int64_t plan_id, retention_rule_fn fn, void *ctx,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	struct retention_rule_row r;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT account_id, class, action, months, archive_first, source, line"
	                   " FROM retention_rule WHERE plan_id = ? ORDER BY account_id, line",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, plan_id);
	while ((rc = store_step(st, err)) == 1) {
		r.account_id = store_col_int(st, 0);
		r.class_name = store_col_text(st, 1);
		r.action = store_col_text(st, 2);
		r.months = store_col_int(st, 3);
		r.archive_first = (int)store_col_int(st, 4);
		r.source = store_col_text(st, 5);
		r.line = store_col_int(st, 6);
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_accounts(struct store *s, int64_t org, retention_account_fn fn, void *ctx,
                            struct err *err)
{
	struct store_stmt *st = NULL;
	struct retention_account_row a;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT id, platform, handle, status, closed_on FROM account"
	                   " WHERE org_id = ? ORDER BY id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		a.id = store_col_int(st, 0);
		a.platform = store_col_text(st, 1);
		a.handle = store_col_text(st, 2);
		a.status = store_col_text(st, 3);
		a.closed_on = opt_text(st, 4);
		rc = fn(ctx, &a);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_hold_insert(struct store *s, int64_t org, const struct hold_row *h,
                               int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO records_hold (org_id, kind, ref, account_id, item_id,"
	                   " thread_root, reason, created_by, created_at)"
	                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, h->kind);
	store_bind_text(st, 3, h->ref);
	if (h->account_id)
		store_bind_int(st, 4, h->account_id);
	if (h->item_id)
		store_bind_int(st, 5, h->item_id);
	store_bind_text(st, 6, h->thread_root);
	store_bind_text(st, 7, h->reason);
	store_bind_text(st, 8, h->created_by);
	store_bind_int(st, 9, h->created_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int retention_rows_hold_release(struct store *s, int64_t org, int64_t id, const char *by,
                                int64_t at, const char *reason, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT released_at FROM records_hold WHERE id = ? AND org_id = ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, org);
	rc = store_step(st, err);
	if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "hold %lld does not exist", (long long)id);
	else if (rc == 1 && !store_col_is_null(st, 0))
		rc = err_set(err, KV_ECONFLICT, "hold %lld is already released", (long long)id);
	store_stmt_free(st);
	if (rc != 1)
		return rc;
	rc = store_prepare(s, &st,
	                   "UPDATE records_hold SET released_by = ?, released_at = ?,"
	                   " release_reason = ? WHERE id = ? AND org_id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, by);
	store_bind_int(st, 2, at);
	store_bind_text(st, 3, reason);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, org);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int retention_rows_holds(struct store *s, int64_t org, int active_only, hold_fn fn, void *ctx,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	struct hold_row h;
	int rc;

	rc = store_prepare(s, &st,
	                   active_only ? "SELECT id, kind, ref, COALESCE(account_id, 0),"
	                                 " COALESCE(item_id, 0), thread_root, reason, created_by,"
	                                 " created_at, released_by, COALESCE(released_at, 0),"
	                                 " release_reason FROM records_hold WHERE org_id = ?"
	                                 " AND released_at IS NULL ORDER BY id"
	                               : "SELECT id, kind, ref, COALESCE(account_id, 0),"
	                                 " COALESCE(item_id, 0), thread_root, reason, created_by,"
	                                 " created_at, released_by, COALESCE(released_at, 0),"
	                                 " release_reason FROM records_hold WHERE org_id = ?"
	                                 " ORDER BY id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		h.id = store_col_int(st, 0);
		h.kind = store_col_text(st, 1);
		h.ref = store_col_text(st, 2);
		h.account_id = store_col_int(st, 3);
		h.item_id = store_col_int(st, 4);
		h.thread_root = opt_text(st, 5);
		h.reason = store_col_text(st, 6);
		h.created_by = store_col_text(st, 7);
		h.created_at = store_col_int(st, 8);
		h.released_by = opt_text(st, 9);
		h.released_at = store_col_int(st, 10);
		h.release_reason = opt_text(st, 11);
		rc = fn(ctx, &h);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_case_target(struct store *s, int64_t org, int64_t case_id, int64_t *out_account,
                               int64_t *out_item, char *root, size_t rootsz, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT c.account_id, c.item_id, COALESCE(i.root_platform_id,"
	                   " i.platform_id) FROM mod_case c JOIN item i ON i.id = c.item_id"
	                   " WHERE c.id = ? AND c.org_id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, case_id);
	store_bind_int(st, 2, org);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_account = store_col_int(st, 0);
		*out_item = store_col_int(st, 1);
		snprintf(root, rootsz, "%s", store_col_text(st, 2));
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "case %lld does not exist", (long long)case_id);
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_item_target(struct store *s, int64_t org, int64_t item_id, int64_t *out_account,
                               struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, "SELECT account_id FROM item WHERE id = ? AND org_id = ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, org);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_account = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "item %lld does not exist", (long long)item_id);
	}
	store_stmt_free(st);
	return rc;
}

int retention_rows_thread_target(struct store *s, int64_t org, int64_t account, const char *root,
                                 int64_t *out_account, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t found = 0;
	int rc, n = 0;

	rc = store_prepare(s, &st,
	                   "SELECT DISTINCT account_id FROM item WHERE org_id = ?"
	                   " AND (platform_id = ? OR root_platform_id = ?)"
	                   " AND (? = 0 OR account_id = ?) LIMIT 2",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, root);
	store_bind_text(st, 3, root);
	store_bind_int(st, 4, account);
	store_bind_int(st, 5, account);
	while ((rc = store_step(st, err)) == 1) {
		found = store_col_int(st, 0);
		n++;
	}
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(err, KV_ENOTFOUND,
		               "thread '%s' does not exist (no item has it as"
		               " its id or its thread root)",
		               root);
	if (n > 1)
		return err_set(err, KV_ECONFLICT,
		               "thread '%s' is on more than one account; name one with --account",
		               root);
	*out_account = found;
	return KV_OK;
}

int retention_rows_cases_registered(struct store *s, int64_t org, const char *from, const char *to,
                                    retention_case_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT CAST(a.entity_id AS INTEGER) FROM audit a"
	        " JOIN mod_case c ON c.id = CAST(a.entity_id AS INTEGER)"
	        " AND c.org_id = a.org_id"
	        " WHERE a.org_id = ? AND a.action = 'case.register' AND a.entity = 'case'"
	        " AND a.at >= ? AND a.at < ? ORDER BY a.seq",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, from);
	store_bind_text(st, 3, to);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}
