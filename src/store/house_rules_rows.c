/* House rules: house_rules_version, account_about. */
#include "store/house_rules_rows.h"

#include "store/store.h"

int house_rules_row_insert(struct store *s, int64_t org, const char *body, const char *sha256,
                           const char *loaded_by, int64_t loaded_at, int64_t *out_version,
                           struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t version = 0;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO house_rules_version (org_id, version, body, sha256,"
	                       " loaded_by, loaded_at) SELECT ?1, COALESCE(MAX(version), 0) + 1,"
	                       " ?2, ?3, ?4, ?5 FROM house_rules_version WHERE org_id = ?1"
	                       " RETURNING version",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, body);
	store_bind_text(st, 3, sha256);
	store_bind_text(st, 4, loaded_by);
	store_bind_int(st, 5, loaded_at);
	rc = store_run_returning(st, &version, err);
	store_stmt_free(st);
	if (rc == 1)
		*out_version = version;
	return rc < 0 ? rc : KV_OK;
}

int house_rules_row_each(struct store *s, int64_t org, house_rules_fn fn, void *ctx,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT version, body, sha256, loaded_by, loaded_at"
	                       " FROM house_rules_version WHERE org_id = ? ORDER BY version",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		struct house_rules_row r = {
		        .version = store_col_int(st, 0),
		        .body = store_col_text(st, 1),
		        .sha256 = store_col_text(st, 2),
		        .loaded_by = store_col_text(st, 3),
		        .loaded_at = store_col_int(st, 4),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int house_rules_row_about_insert(struct store *s, int64_t account_id,
                                 const struct house_about_row *r, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO account_about (account_id, body, source, recorded_by,"
	                       " recorded_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, r->body);
	store_bind_text(st, 3, r->source);
	store_bind_text(st, 4, r->recorded_by);
	store_bind_int(st, 5, r->recorded_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int house_rules_row_about_latest(struct store *s, int64_t account_id, house_about_fn fn, void *ctx,
                                 struct err *err)
{
	struct store_stmt *st = NULL;
	int rc =
	        store_prepare(s, &st,
	                      "SELECT id, body, source, recorded_by, recorded_at FROM account_about"
	                      " WHERE account_id = ? ORDER BY id DESC LIMIT 1",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	rc = store_step(st, err);
	if (rc == 1) {
		struct house_about_row r = {
		        .id = store_col_int(st, 0),
		        .body = store_col_text(st, 1),
		        .source = store_col_text(st, 2),
		        .recorded_by = store_col_text(st, 3),
		        .recorded_at = store_col_int(st, 4),
		};

		rc = fn(ctx, &r);
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int house_rules_row_own_posts(struct store *s, int64_t account_id, int64_t limit, house_about_fn fn,
                              void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT id, text, platform_id, COALESCE(created_at, captured_at)"
	                       " FROM item WHERE account_id = ? AND direction = 'upprattad'"
	                       " AND kind = 'post' AND state = 'visible'"
	                       " ORDER BY id DESC LIMIT ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, limit);
	while ((rc = store_step(st, err)) == 1) {
		struct house_about_row r = {
		        .id = store_col_int(st, 0),
		        .body = store_col_text(st, 1),
		        .source = "post",
		        .recorded_by = store_col_text(st, 2),
		        .recorded_at = store_col_int(st, 3),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}
