/* SQL for moderation cases and registration series. */
#include "store/case_rows.h"

#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define CASE_COLUMNS                                                                               \
	"c.id, c.org_id, c.account_id, c.item_id, c.categories, c.state, c.opened_at,"             \
	" c.due_at, c.decision, c.reason, c.decided_by, c.decided_at, c.confirmed_by,"             \
	" c.confirmed_at, c.evidence_sha256, c.evidence_at, c.registration, c.external_ref,"       \
	" c.takedown_via, c.takedown_by, c.takedown_at, c.takedown_result, c.updated_at,"          \
	" i.platform, a.handle, a.url, i.platform_id, i.kind, i.state, i.author_id,"               \
	" i.author_name, i.text, i.created_at, i.captured_at, c.history,"                          \
	" i.direction = 'upprattad'"

static const char list_sql[] =
        "SELECT " CASE_COLUMNS " FROM mod_case c JOIN item i ON i.id = c.item_id"
        " JOIN account a ON a.id = c.account_id"
        " WHERE c.org_id = ?1 AND (?2 = 0 OR c.account_id = ?2) AND (?3 = 0 OR c.id = ?3)"
        " AND (?4 = 0 OR c.state IN ('open','pending_confirmation'))"
        " AND (?5 = 0 OR (c.state IN ('open','pending_confirmation') AND c.due_at < ?5))"
        " AND (?6 = 0 OR c.state IN ('hidden','removed'))"
        " ORDER BY CASE WHEN ?6 <> 0 THEN COALESCE(c.takedown_at, 0) ELSE 0 END,"
        " (c.state IN ('open','pending_confirmation')) DESC,"
        " CASE WHEN c.state IN ('open','pending_confirmation') THEN c.due_at END, c.id DESC";

static void read_row(struct store_stmt *st, struct case_rec *c)
{
	int k = 0;

	c->id = store_col_int(st, k++);
	c->org_id = store_col_int(st, k++);
	c->account_id = store_col_int(st, k++);
	c->item_id = store_col_int(st, k++);
	c->categories = store_col_text(st, k++);
	c->state = store_col_text(st, k++);
	c->opened_at = store_col_int(st, k++);
	c->due_at = store_col_int(st, k++);
	c->decision = store_col_text(st, k++);
	c->reason = store_col_text(st, k++);
	c->decided_by = store_col_text(st, k++);
	c->decided_at = store_col_int(st, k++);
	c->confirmed_by = store_col_text(st, k++);
	c->confirmed_at = store_col_int(st, k++);
	c->evidence_sha256 = store_col_text(st, k++);
	c->evidence_at = store_col_int(st, k++);
	c->registration = store_col_text(st, k++);
	c->external_ref = store_col_text(st, k++);
	c->takedown_via = store_col_text(st, k++);
	c->takedown_by = store_col_text(st, k++);
	c->takedown_at = store_col_int(st, k++);
	c->takedown_result = store_col_text(st, k++);
	c->updated_at = store_col_int(st, k++);
	c->platform = store_col_text(st, k++);
	c->account_handle = store_col_text(st, k++);
	c->account_url = store_col_text(st, k++);
	c->item_platform_id = store_col_text(st, k++);
	c->item_kind = store_col_text(st, k++);
	c->item_state = store_col_text(st, k++);
	c->author_id = store_col_text(st, k++);
	c->author_name = store_col_text(st, k++);
	c->text = store_col_text(st, k++);
	c->item_created_at = store_col_int(st, k++);
	c->item_captured_at = store_col_int(st, k++);
	c->history = store_col_int(st, k++) != 0;
	c->item_own = store_col_int(st, k++) != 0;
}

int case_row_each(struct store *s, const struct case_filter *f, cases_fn fn, void *ctx,
                  struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, list_sql, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, f->org_id);
	store_bind_int(st, 2, f->account_id);
	store_bind_int(st, 3, f->case_id);
	store_bind_int(st, 4, f->open_only ? 1 : 0);
	store_bind_int(st, 5, f->due_before > 0 ? f->due_before : 0);
	store_bind_int(st, 6, f->taken_down ? 1 : 0);
	while ((rc = store_step(st, err)) == 1) {
		struct case_rec c;

		read_row(st, &c);
		rc = fn(ctx, &c);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

struct load_ctx {
	struct case_loaded *l;
	int found;
	int nomem;
};

static const char *dup(struct load_ctx *lc, const char *v)
{
	char *d;

	if (!v)
		return NULL;
	d = arena_strdup(&lc->l->arena, v);
	if (!d)
		lc->nomem = 1;
	return d;
}

static int load_one(void *arg, const struct case_rec *c)
{
	struct load_ctx *lc = arg;
	struct case_rec *o = &lc->l->c;

	*o = *c;
	o->categories = dup(lc, c->categories);
	o->state = dup(lc, c->state);
	o->decision = dup(lc, c->decision);
	o->reason = dup(lc, c->reason);
	o->decided_by = dup(lc, c->decided_by);
	o->confirmed_by = dup(lc, c->confirmed_by);
	o->evidence_sha256 = dup(lc, c->evidence_sha256);
	o->registration = dup(lc, c->registration);
	o->external_ref = dup(lc, c->external_ref);
	o->takedown_via = dup(lc, c->takedown_via);
	o->takedown_by = dup(lc, c->takedown_by);
	o->takedown_result = dup(lc, c->takedown_result);
	o->platform = dup(lc, c->platform);
	o->account_handle = dup(lc, c->account_handle);
	o->account_url = dup(lc, c->account_url);
	o->item_platform_id = dup(lc, c->item_platform_id);
	o->item_kind = dup(lc, c->item_kind);
	o->item_state = dup(lc, c->item_state);
	o->author_id = dup(lc, c->author_id);
	o->author_name = dup(lc, c->author_name);
	o->text = dup(lc, c->text);
	lc->found = 1;
	return 0;
}

int case_row_load(struct store *s, int64_t org, int64_t id, struct case_loaded **out,
                  struct err *err)
{
	struct case_filter f = {.org_id = org, .case_id = id};
	struct load_ctx lc = {0};
	int rc;

	if (id <= 0)
		return err_set(err, KV_ENOTFOUND, "case %lld does not exist", (long long)id);
	lc.l = calloc(1, sizeof(*lc.l));
	if (!lc.l)
		return err_set(err, KV_ENOMEM, "out of memory");
	arena_init(&lc.l->arena);
	rc = case_row_each(s, &f, load_one, &lc, err);
	if (!rc && lc.nomem)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc && !lc.found)
		rc = err_set(err, KV_ENOTFOUND, "case %lld does not exist", (long long)id);
	if (rc) {
		case_row_loaded_free(lc.l);
		return rc;
	}
	*out = lc.l;
	return KV_OK;
}

void case_row_loaded_free(struct case_loaded *l)
{
	if (!l)
		return;
	arena_done(&l->arena);
	free(l);
}

int case_row_insert(struct store *s, int64_t org, int64_t account_id, int64_t item_id,
                    const char *categories, int64_t opened_at, int64_t due_at, int history,
                    int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO mod_case (org_id, account_id, item_id, categories, state,"
	                   " opened_at, due_at, updated_at, history)"
	                   " VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?)"
	                   " ON CONFLICT (item_id) DO NOTHING RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_int(st, 3, item_id);
	store_bind_text(st, 4, categories);
	store_bind_int(st, 5, opened_at);
	store_bind_int(st, 6, due_at);
	store_bind_int(st, 7, opened_at);
	store_bind_int(st, 8, history ? 1 : 0);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_id = store_col_int(st, 0);
		/* Step to the end so the insert is complete. */
		rc = store_step(st, err);
	} else if (rc == 0) {
		*out_id = 0;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

static void bind_opt_int(struct store_stmt *st, int idx, int64_t v)
{
	if (v)
		store_bind_int(st, idx, v);
	else
		store_bind_null(st, idx);
}

int case_row_update(struct store *s, const struct case_rec *c, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE mod_case SET state = ?, decision = ?, reason = ?,"
	                   " decided_by = ?, decided_at = ?5,"
	                   " decided_version = CASE WHEN CAST(?5 AS BIGINT) IS NULL THEN NULL"
	                   "  WHEN decided_at IS ?5 THEN decided_version"
	                   "  ELSE (SELECT MAX(version) FROM item_version"
	                   "   WHERE item_id = mod_case.item_id) END,"
	                   " confirmed_by = ?, confirmed_at = ?,"
	                   " evidence_sha256 = ?, evidence_at = ?, registration = ?,"
	                   " external_ref = ?, takedown_via = ?, takedown_by = ?,"
	                   " takedown_at = ?, takedown_result = ?, updated_at = ?"
	                   " WHERE id = ? RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, c->state);
	store_bind_text(st, 2, c->decision);
	store_bind_text(st, 3, c->reason);
	store_bind_text(st, 4, c->decided_by);
	bind_opt_int(st, 5, c->decided_at);
	store_bind_text(st, 6, c->confirmed_by);
	bind_opt_int(st, 7, c->confirmed_at);
	store_bind_text(st, 8, c->evidence_sha256);
	bind_opt_int(st, 9, c->evidence_at);
	store_bind_text(st, 10, c->registration);
	store_bind_text(st, 11, c->external_ref);
	store_bind_text(st, 12, c->takedown_via);
	store_bind_text(st, 13, c->takedown_by);
	bind_opt_int(st, 14, c->takedown_at);
	store_bind_text(st, 15, c->takedown_result);
	store_bind_int(st, 16, now);
	store_bind_int(st, 17, c->id);
	rc = store_step(st, err);
	if (rc == 1)
		rc = store_step(st, err);
	else if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "case %lld does not exist", (long long)c->id);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int case_row_series_next(struct store *s, int64_t org, const char *prefix, int year, int64_t *out,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO registration_series (org_id, prefix, year, last_number)"
	                   " VALUES (?, ?, ?, 1) ON CONFLICT (org_id, prefix, year)"
	                   " DO UPDATE SET last_number = registration_series.last_number + 1 "
	                   "RETURNING last_number",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, prefix);
	store_bind_int(st, 3, year);
	rc = store_step(st, err);
	if (rc == 1) {
		*out = store_col_int(st, 0);
		rc = store_step(st, err);
	} else if (rc == 0) {
		rc = err_set(err, KV_EINTERNAL, "the registration series gave no number");
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int case_row_candidates(struct store *s, int64_t org, int64_t after_flag, cases_candidate_fn fn,
                        void *ctx, int64_t *out_max_flag, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t max = 0;
	int rc;

	/* The highest flag id is read first: flags written after it are left
	 * for the next call rather than skipped. */
	rc = store_prepare(s, &st, "SELECT COALESCE(MAX(id), 0) FROM item_flag", err);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == 1)
		max = store_col_int(st, 0);
	store_stmt_free(st);
	st = NULL;
	if (rc < 0)
		return rc;
	rc = store_prepare(s, &st,
	                   "SELECT i.id, i.account_id, sc.categories, i.created_at, i.captured_at"
	                   " FROM item i JOIN item_screening sc ON sc.item_id = i.id"
	                   " WHERE i.org_id = ? AND i.direction = 'inkommen'"
	                   " AND sc.categories <> ''"
	                   " AND i.id IN (SELECT item_id FROM item_flag WHERE id > ? AND id <= ?)"
	                   " AND NOT EXISTS (SELECT 1 FROM mod_case m WHERE m.item_id = i.id)"
	                   " ORDER BY i.id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after_flag);
	store_bind_int(st, 3, max);
	while ((rc = store_step(st, err)) == 1) {
		struct case_candidate c = {
		        .item_id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .categories = store_col_text(st, 2),
		        .created_at = store_col_int(st, 3),
		        .captured_at = store_col_int(st, 4),
		};

		rc = fn(ctx, &c);
		if (rc)
			break;
	}
	store_stmt_free(st);
	if (rc)
		return rc;
	*out_max_flag = max;
	return KV_OK;
}

int case_row_item_raw(struct store *s, int64_t item_id, cases_raw_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st, "SELECT version, raw FROM item_version WHERE item_id = ? ORDER BY version",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0), store_col_text(st, 1));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int case_row_item_screening(struct store *s, int64_t item_id, cases_screening_fn fn, void *ctx,
                            struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT version, ruleset, categories, screened_at FROM item_screening"
	                   " WHERE item_id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	rc = store_step(st, err);
	if (rc == 1)
		rc = fn(ctx, store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2),
		        store_col_int(st, 3));
	else if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "item %lld was never screened", (long long)item_id);
	store_stmt_free(st);
	return rc;
}

int case_row_kept_edited(struct store *s, int64_t org, int64_t after_flag, int64_t max_flag,
                         cases_edited_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT m.id, m.item_id, m.account_id, v.version, COALESCE(v.version_at, 0),"
	        " v.captured_at, sc.categories, m.decided_by, COALESCE(m.decided_at, 0), m.reason"
	        " FROM mod_case m"
	        " JOIN item_version v ON v.item_id = m.item_id"
	        "  AND v.version = (SELECT MAX(version) FROM item_version WHERE item_id = "
	        "m.item_id)"
	        " JOIN item_screening sc ON sc.item_id = m.item_id AND sc.version = v.version"
	        " WHERE m.org_id = ? AND m.state = 'kept' AND v.version > 1"
	        " AND (v.version > m.decided_version OR (m.decided_version IS NULL"
	        "  AND v.captured_at > COALESCE(m.decided_at, 0)))"
	        " AND sc.categories <> ''"
	        " AND m.item_id IN (SELECT item_id FROM item_flag WHERE id > ? AND id <= ?)"
	        " ORDER BY m.id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after_flag);
	store_bind_int(st, 3, max_flag);
	while ((rc = store_step(st, err)) == 1) {
		struct case_edited e = {
		        .case_id = store_col_int(st, 0),
		        .item_id = store_col_int(st, 1),
		        .account_id = store_col_int(st, 2),
		        .version = store_col_int(st, 3),
		        .version_at = store_col_int(st, 4),
		        .captured_at = store_col_int(st, 5),
		        .categories = store_col_text(st, 6),
		        .decided_by = store_col_text(st, 7),
		        .decided_at = store_col_int(st, 8),
		        .reason = store_col_text(st, 9),
		};

		rc = fn(ctx, &e);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int case_row_reopen(struct store *s, int64_t id, const char *categories, int64_t due_at,
                    int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE mod_case SET state = 'open', categories = ?, due_at = ?,"
	                   " decision = NULL, reason = NULL, decided_by = NULL, decided_at = NULL,"
	                   " decided_version = NULL, confirmed_by = NULL, confirmed_at = NULL,"
	                   " updated_at = ? WHERE id = ? AND state = 'kept' RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, categories);
	store_bind_int(st, 2, due_at);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, id);
	rc = store_step(st, err);
	if (rc == 1)
		rc = store_step(st, err);
	else if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "case %lld is not kept", (long long)id);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}
