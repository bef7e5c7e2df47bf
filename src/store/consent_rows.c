/* The consent register's tables: consent, consent_account, consent_item. */
#include "store/consent_rows.h"

#include "store/store.h"

int consent_row_insert(struct store *s, int64_t org, const struct consent_row *r,
                       const int64_t *accounts, size_t n, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t id = 0;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO consent (org_id, person_name, birth_date, guardian,"
	                       " valid_from, valid_to, document_name, document_sha256,"
	                       " document_bytes, created_by, created_at)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, r->person_name);
	store_bind_text(st, 3, r->birth_date);
	store_bind_text(st, 4, r->guardian);
	store_bind_text(st, 5, r->valid_from);
	store_bind_text(st, 6, r->valid_to);
	store_bind_text(st, 7, r->document_name);
	store_bind_text(st, 8, r->document_sha256);
	store_bind_int(st, 9, r->document_bytes);
	store_bind_text(st, 10, r->created_by);
	store_bind_int(st, 11, r->created_at);
	rc = store_run_returning(st, &id, err);
	store_stmt_free(st);
	st = NULL;
	if (rc < 0)
		return rc;
	rc = store_prepare(s, &st,
	                   "INSERT INTO consent_account (consent_id, account_id) VALUES (?, ?)"
	                   " ON CONFLICT DO NOTHING",
	                   err);
	for (size_t i = 0; !rc && i < n; i++) {
		store_reset(st);
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, accounts[i]);
		rc = store_run(st, err);
	}
	store_stmt_free(st);
	if (rc)
		return rc;
	*out_id = id;
	return KV_OK;
}

int consent_row_each(struct store *s, const struct consent_filter *f, consent_row_fn fn, void *ctx,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT c.id, c.person_name, c.birth_date, c.guardian, c.valid_from, c.valid_to,"
	        " c.document_name, c.document_sha256, c.document_bytes, c.state, c.created_by,"
	        " c.created_at, c.withdrawn_by, COALESCE(c.withdrawn_at, 0), c.withdraw_reason,"
	        " COALESCE(c.erased_at, 0),"
	        " (SELECT group_concat(x, ',') FROM (SELECT a.platform || '/' || a.handle AS x"
	        "  FROM consent_account ca JOIN account a ON a.id = ca.account_id"
	        "  WHERE ca.consent_id = c.id ORDER BY a.id) AS handles),"
	        " (SELECT count(*) FROM consent_item ci JOIN item i ON i.id = ci.item_id"
	        "  WHERE ci.consent_id = c.id)"
	        " FROM consent c WHERE c.org_id = ?1"
	        " AND (?2 = 0 OR c.id = ?2)"
	        " AND (?3 = 0 OR EXISTS (SELECT 1 FROM consent_account ca"
	        "  WHERE ca.consent_id = c.id AND ca.account_id = ?3))"
	        " AND (CAST(?4 AS TEXT) IS NULL OR (c.state = 'active' AND c.valid_from <= ?4"
	        "  AND (c.valid_to IS NULL OR c.valid_to >= ?4)))"
	        " AND (?5 = 0 OR EXISTS (SELECT 1 FROM consent_item ci"
	        "  WHERE ci.consent_id = c.id AND ci.item_id = ?5))"
	        " ORDER BY c.id",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, f->org_id);
	store_bind_int(st, 2, f->id);
	store_bind_int(st, 3, f->account_id);
	store_bind_text(st, 4, f->active_on);
	store_bind_int(st, 5, f->item_id);
	while ((rc = store_step(st, err)) == 1) {
		struct consent_row r = {
		        .id = store_col_int(st, 0),
		        .person_name = store_col_text(st, 1),
		        .birth_date = store_col_text(st, 2),
		        .guardian = store_col_text(st, 3),
		        .valid_from = store_col_text(st, 4),
		        .valid_to = store_col_text(st, 5),
		        .document_name = store_col_text(st, 6),
		        .document_sha256 = store_col_text(st, 7),
		        .document_bytes = store_col_int(st, 8),
		        .state = store_col_text(st, 9),
		        .created_by = store_col_text(st, 10),
		        .created_at = store_col_int(st, 11),
		        .withdrawn_by = store_col_text(st, 12),
		        .withdrawn_at = store_col_int(st, 13),
		        .withdraw_reason = store_col_text(st, 14),
		        .erased_at = store_col_int(st, 15),
		        .accounts = store_col_text(st, 16),
		        .items = store_col_int(st, 17),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int consent_row_accounts(struct store *s, int64_t id, consent_account_fn fn, void *ctx,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT account_id FROM consent_account WHERE consent_id = ?"
	                       " ORDER BY account_id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int consent_row_items(struct store *s, int64_t org, int64_t id, consent_item_fn fn, void *ctx,
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT ci.consent_id, ci.item_id, ci.linked_by, ci.linked_at, i.id IS NOT NULL,"
	        " COALESCE(i.account_id, 0), a.platform || '/' || a.handle, i.platform_id, i.kind,"
	        " i.state, i.permalink, COALESCE(i.created_at, i.captured_at, 0),"
	        " COALESCE(m.id, 0), m.state"
	        " FROM consent_item ci JOIN consent c ON c.id = ci.consent_id"
	        " LEFT JOIN item i ON i.id = ci.item_id"
	        " LEFT JOIN account a ON a.id = i.account_id"
	        " LEFT JOIN mod_case m ON m.item_id = i.id"
	        " WHERE c.org_id = ?1 AND (?2 = 0 OR ci.consent_id = ?2)"
	        " ORDER BY ci.item_id, ci.consent_id",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	while ((rc = store_step(st, err)) == 1) {
		struct consent_item_row r = {
		        .consent_id = store_col_int(st, 0),
		        .item_id = store_col_int(st, 1),
		        .linked_by = store_col_text(st, 2),
		        .linked_at = store_col_int(st, 3),
		        .found = (int)store_col_int(st, 4),
		        .account_id = store_col_int(st, 5),
		        .account = store_col_text(st, 6),
		        .platform_id = store_col_text(st, 7),
		        .kind = store_col_text(st, 8),
		        .state = store_col_text(st, 9),
		        .permalink = store_col_text(st, 10),
		        .created_at = store_col_int(st, 11),
		        .case_id = store_col_int(st, 12),
		        .case_state = store_col_text(st, 13),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int consent_row_link(struct store *s, int64_t id, int64_t item, const char *by, int64_t at,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc =
	        store_prepare(s, &st,
	                      "INSERT INTO consent_item (consent_id, item_id, linked_by, linked_at)"
	                      " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING item_id",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, item);
	store_bind_text(st, 3, by);
	store_bind_int(st, 4, at);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	return rc;
}

struct withdrawn {
	int found;
	char state[16], by[128];
	int64_t at;
};

int consent_row_withdraw(struct store *s, int64_t org, int64_t id, const char *by, int64_t at,
                         const char *reason, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "UPDATE consent SET state = 'withdrawn', withdrawn_by = ?,"
	                       " withdrawn_at = ?, withdraw_reason = ?"
	                       " WHERE org_id = ? AND id = ? AND state = 'active' RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_text(st, 1, by);
	store_bind_int(st, 2, at);
	store_bind_text(st, 3, reason);
	store_bind_int(st, 4, org);
	store_bind_int(st, 5, id);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return KV_OK;
	rc = store_prepare(s, &st, "SELECT withdrawn_by FROM consent WHERE org_id = ? AND id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	rc = store_step(st, err);
	if (rc == 1)
		rc = err_set(err, KV_ECONFLICT, "consent %lld was withdrawn before, by %s",
		             (long long)id,
		             store_col_text(st, 0) ? store_col_text(st, 0) : "(unknown)");
	else if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "consent %lld does not exist", (long long)id);
	store_stmt_free(st);
	return rc;
}

int consent_row_mask(struct store *s, int64_t org, int64_t id, const char *mask, int64_t at,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "UPDATE consent SET person_name = ?, birth_date = NULL,"
	                       " guardian = NULL, document_sha256 = NULL, erased_at = ?"
	                       " WHERE org_id = ? AND id = ? RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_text(st, 1, mask);
	store_bind_int(st, 2, at);
	store_bind_int(st, 3, org);
	store_bind_int(st, 4, id);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "consent %lld does not exist", (long long)id);
	return KV_OK;
}

int consent_row_blob_referenced(struct store *s, const char *sha, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT 1 FROM consent WHERE document_sha256 = ? LIMIT 1",
	                       err);

	if (rc)
		return rc;
	store_bind_text(st, 1, sha);
	rc = store_step(st, err);
	store_stmt_free(st);
	return rc;
}
