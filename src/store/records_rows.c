/* SQL for the snapshot and disclosure registers. */
#include "store/records_rows.h"

#include "store/store.h"

int records_row_snapshot_add(struct store *s, int64_t org, const struct snapshot_row *r,
                             int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO snapshot (org_id, account_id, as_of, reason, file_name,"
	                       " path, sha256, bytes, pages, items, taken_by, taken_at)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                       err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, r->account_id);
	store_bind_text(st, 3, r->as_of);
	store_bind_text(st, 4, r->reason);
	store_bind_text(st, 5, r->file_name);
	store_bind_text(st, 6, r->path);
	store_bind_text(st, 7, r->sha256);
	store_bind_int(st, 8, r->bytes);
	store_bind_int(st, 9, r->pages);
	store_bind_int(st, 10, r->items);
	store_bind_text(st, 11, r->taken_by);
	store_bind_int(st, 12, r->taken_at);
	rc = store_run_insert(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int records_row_snapshot_exists(struct store *s, int64_t account, const char *day, int *out,
                                struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT 1 FROM snapshot WHERE account_id = ? AND as_of = ?",
	                       err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account);
	store_bind_text(st, 2, day);
	rc = store_step(st, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	*out = rc == 1;
	return KV_OK;
}

int records_row_snapshot_each(struct store *s, int64_t org, int64_t account,
                              records_row_snapshot_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT sn.id, sn.account_id, a.handle, sn.as_of, sn.reason,"
	                       " sn.file_name, sn.path, sn.sha256, sn.bytes, sn.pages, sn.items,"
	                       " sn.taken_by, sn.taken_at"
	                       " FROM snapshot sn JOIN account a ON a.id = sn.account_id"
	                       " WHERE sn.org_id = ? AND (? = 0 OR sn.account_id = ?)"
	                       " ORDER BY sn.as_of DESC, sn.id DESC",
	                       err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account);
	store_bind_int(st, 3, account);
	while ((rc = store_step(st, err)) == 1) {
		struct snapshot_row r = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .account_handle = store_col_text(st, 2),
		        .as_of = store_col_text(st, 3),
		        .reason = store_col_text(st, 4),
		        .file_name = store_col_text(st, 5),
		        .path = store_col_text(st, 6),
		        .sha256 = store_col_text(st, 7),
		        .bytes = store_col_int(st, 8),
		        .pages = store_col_int(st, 9),
		        .items = store_col_int(st, 10),
		        .taken_by = store_col_text(st, 11),
		        .taken_at = store_col_int(st, 12),
		};
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int records_row_disclosure_add(struct store *s, int64_t org, const struct disclosure_row *r,
                               int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO disclosure (org_id, account_id, ref, requester,"
	                       " selection, items, masks, out_dir, files, manifest_sha256,"
	                       " disclosed_by, disclosed_at)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                       err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, r->account_id);
	store_bind_text(st, 3, r->ref);
	store_bind_text(st, 4, r->requester);
	store_bind_text(st, 5, r->selection);
	store_bind_int(st, 6, r->items);
	store_bind_text(st, 7, r->masks);
	store_bind_text(st, 8, r->out_dir);
	store_bind_text(st, 9, r->files);
	store_bind_text(st, 10, r->manifest_sha256);
	store_bind_text(st, 11, r->disclosed_by);
	store_bind_int(st, 12, r->disclosed_at);
	rc = store_run_insert(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int records_row_disclosure_each(struct store *s, int64_t org, records_row_disclosure_fn fn,
                                void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT d.id, d.account_id, a.handle, d.ref, d.requester, d.selection,"
	        " d.items, d.masks, d.out_dir, d.files, d.manifest_sha256,"
	        " d.disclosed_by, d.disclosed_at"
	        " FROM disclosure d JOIN account a ON a.id = d.account_id"
	        " WHERE d.org_id = ? ORDER BY d.disclosed_at DESC, d.id DESC",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		struct disclosure_row r = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .account_handle = store_col_text(st, 2),
		        .ref = store_col_text(st, 3),
		        .requester = store_col_text(st, 4),
		        .selection = store_col_text(st, 5),
		        .items = store_col_int(st, 6),
		        .masks = store_col_text(st, 7),
		        .out_dir = store_col_text(st, 8),
		        .files = store_col_text(st, 9),
		        .manifest_sha256 = store_col_text(st, 10),
		        .disclosed_by = store_col_text(st, 11),
		        .disclosed_at = store_col_int(st, 12),
		};
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}
