/* SQL for alerts and the item reads the alert rules scan. Every
 * function runs in the caller's transaction when one is open; nothing here
 * writes the audit log (workflow/alerts does). */
#include "store/alert_rows.h"

#include "store/items.h"

#include "store/store.h"

#include <stdio.h>

/* Items are keyed by time in the search index (items_fts_key_at), so a time
 * range is a range of fts_key and is read straight off that index. */

int alert_row_insert(struct store *s, int64_t org, int64_t account_id, const char *kind,
                     const char *dedup_key, const char *detail, int64_t created_at, int64_t *out_id,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	rc = store_cached(s, &st,
	                  "INSERT INTO alert (org_id, account_id, kind, dedup_key, detail,"
	                  " created_at) VALUES (?, ?, ?, ?, ?, ?)"
	                  " ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	if (account_id)
		store_bind_int(st, 2, account_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, dedup_key);
	store_bind_text(st, 5, detail);
	store_bind_int(st, 6, created_at);
	rc = store_run_returning(st, &id, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	*out_id = id;
	return KV_OK;
}

int alert_row_each(struct store *s, const struct alert_filter *f, alerts_fn fn, void *ctx,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT al.id, COALESCE(al.account_id, 0), a.handle, a.platform, al.kind,"
	        " al.dedup_key, al.detail, al.created_at, al.acknowledged_by,"
	        " COALESCE(al.acknowledged_at, 0)"
	        " FROM alert al LEFT JOIN account a ON a.id = al.account_id"
	        " WHERE al.org_id = ? AND (? = 0 OR al.id = ?)"
	        " AND (CAST(? AS TEXT) IS NULL OR al.kind = ?)"
	        " AND (? = 0 OR al.acknowledged_at IS NULL)"
	        " AND al.created_at >= ?"
	        " ORDER BY al.id DESC",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, f->org_id);
	store_bind_int(st, 2, f->id);
	store_bind_int(st, 3, f->id);
	store_bind_text(st, 4, f->kind);
	store_bind_text(st, 5, f->kind);
	store_bind_int(st, 6, f->open_only);
	store_bind_int(st, 7, f->since);
	while ((rc = store_step(st, err)) == 1) {
		struct alert_row r = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .account_handle = store_col_text(st, 2),
		        .platform = store_col_text(st, 3),
		        .kind = store_col_text(st, 4),
		        .dedup_key = store_col_text(st, 5),
		        .detail = store_col_text(st, 6),
		        .created_at = store_col_int(st, 7),
		        .acknowledged_by = store_col_text(st, 8),
		        .acknowledged_at = store_col_int(st, 9),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int alert_row_ack(struct store *s, int64_t org, int64_t id, const char *by, int64_t at,
                  struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, "SELECT acknowledged_by FROM alert WHERE org_id = ? AND id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	rc = store_step(st, err);
	if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "no alert with id %lld", (long long)id);
	else if (rc == 1 && store_col_text(st, 0))
		rc = err_set(err, KV_ECONFLICT, "alert %lld was already acknowledged by %s",
		             (long long)id, store_col_text(st, 0));
	store_stmt_free(st);
	st = NULL;
	if (rc < 0)
		return rc;
	rc = store_prepare(s, &st,
	                   "UPDATE alert SET acknowledged_by = ?, acknowledged_at = ?"
	                   " WHERE org_id = ? AND id = ? AND acknowledged_at IS NULL",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, by);
	store_bind_int(st, 2, at);
	store_bind_int(st, 3, org);
	store_bind_int(st, 4, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int alert_row_last_key(struct store *s, int64_t org, const char *prefix, char *out, size_t cap,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	/* substr() rather than LIKE: a key may hold '_' or '%'. */
	rc = store_prepare(s, &st,
	                   "SELECT dedup_key FROM alert WHERE org_id = ?"
	                   " AND substr(dedup_key, 1, length(?)) = ? ORDER BY id DESC LIMIT 1",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, prefix);
	store_bind_text(st, 3, prefix);
	rc = store_step(st, err);
	if (rc == 1) {
		snprintf(out, cap, "%s", store_col_text(st, 0));
		rc = KV_OK;
	} else if (rc == 0) {
		rc = KV_ENOTFOUND;
	}
	store_stmt_free(st);
	return rc;
}

int alert_row_flagged_items(struct store *s, int64_t org, int64_t from, int64_t to,
                            alerts_flagged_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT i.id, i.account_id, COALESCE(i.created_at, i.captured_at),"
	                   " sc.categories"
	                   " FROM item i JOIN item_screening sc ON sc.item_id = i.id"
	                   " WHERE i.fts_key >= ? AND i.fts_key < ? AND i.org_id = ?"
	                   " AND i.direction = 'inkommen' AND sc.categories <> ''"
	                   " ORDER BY i.account_id, i.fts_key",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, items_fts_key_at(from));
	store_bind_int(st, 2, items_fts_key_at(to));
	store_bind_int(st, 3, org);
	while ((rc = store_step(st, err)) == 1) {
		struct alert_flagged r = {
		        .item_id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .at = store_col_int(st, 2),
		        .categories = store_col_text(st, 3),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int alert_row_replies(struct store *s, int64_t org, int64_t from, int64_t to, alerts_reply_fn fn,
                      void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT i.id, i.account_id, COALESCE(i.created_at, i.captured_at),"
	                   " i.text, COALESCE(p.author_id, p.author_name,"
	                   "  'parent:' || i.parent_platform_id)"
	                   " FROM item i LEFT JOIN item p ON p.account_id = i.account_id"
	                   "  AND p.platform_id = i.parent_platform_id"
	                   " WHERE i.fts_key >= ? AND i.fts_key < ? AND i.org_id = ?"
	                   " AND i.direction = 'upprattad' AND i.parent_platform_id IS NOT NULL"
	                   " AND (p.id IS NULL OR p.direction = 'inkommen')"
	                   " ORDER BY i.account_id, i.fts_key",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, items_fts_key_at(from));
	store_bind_int(st, 2, items_fts_key_at(to));
	store_bind_int(st, 3, org);
	while ((rc = store_step(st, err)) == 1) {
		struct alert_reply r = {
		        .item_id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .at = store_col_int(st, 2),
		        .text = store_col_text(st, 3),
		        .addressee = store_col_text(st, 4),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}
