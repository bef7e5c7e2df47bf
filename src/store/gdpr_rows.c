/* The register of GDPR requests and the reads that find a person. */
#include "store/gdpr_rows.h"

#include "store/store.h"

int gdpr_row_request_insert(struct store *s, int64_t org, const struct gdpr_request_row *r,
                            int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO gdpr_request (org_id, kind, name, email, phone,"
	                       " personnummer, handle, received, due_at, note, created_by,"
	                       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                       " RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, r->kind);
	store_bind_text(st, 3, r->name);
	store_bind_text(st, 4, r->email);
	store_bind_text(st, 5, r->phone);
	store_bind_text(st, 6, r->personnummer);
	store_bind_text(st, 7, r->handle);
	store_bind_text(st, 8, r->received);
	store_bind_int(st, 9, r->due_at);
	store_bind_text(st, 10, r->note);
	store_bind_text(st, 11, r->created_by);
	store_bind_int(st, 12, r->created_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int gdpr_row_request_each(struct store *s, const struct gdpr_request_filter *f, gdpr_request_fn fn,
                          void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT id, kind, name, email, phone, personnummer, handle, received, due_at,"
	        " state, note, created_by, created_at, last_action, closed_by,"
	        " COALESCE(closed_at, 0), outcome FROM gdpr_request"
	        " WHERE org_id = ?1 AND (?2 = 0 OR id = ?2)"
	        " AND (?3 = 0 OR state = 'open')"
	        " AND (?4 = 0 OR (state = 'open' AND due_at < ?4))"
	        " ORDER BY state = 'closed', CASE WHEN state = 'open' THEN due_at"
	        " ELSE -closed_at END, id",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, f->org_id);
	store_bind_int(st, 2, f->id);
	store_bind_int(st, 3, f->open_only);
	store_bind_int(st, 4, f->due_before);
	while ((rc = store_step(st, err)) == 1) {
		struct gdpr_request_row r = {
		        .id = store_col_int(st, 0),
		        .kind = store_col_text(st, 1),
		        .name = store_col_text(st, 2),
		        .email = store_col_text(st, 3),
		        .phone = store_col_text(st, 4),
		        .personnummer = store_col_text(st, 5),
		        .handle = store_col_text(st, 6),
		        .received = store_col_text(st, 7),
		        .due_at = store_col_int(st, 8),
		        .state = store_col_text(st, 9),
		        .note = store_col_text(st, 10),
		        .created_by = store_col_text(st, 11),
		        .created_at = store_col_int(st, 12),
		        .last_action = store_col_text(st, 13),
		        .closed_by = store_col_text(st, 14),
		        .closed_at = store_col_int(st, 15),
		        .outcome = store_col_text(st, 16),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int gdpr_row_request_close(struct store *s, int64_t org, int64_t id, const char *by, int64_t at,
                           const char *outcome, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "UPDATE gdpr_request SET state = 'closed', closed_by = ?,"
	                       " closed_at = ?, outcome = ?"
	                       " WHERE org_id = ? AND id = ? AND state = 'open' RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_text(st, 1, by);
	store_bind_int(st, 2, at);
	store_bind_text(st, 3, outcome);
	store_bind_int(st, 4, org);
	store_bind_int(st, 5, id);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return KV_OK;
	rc = store_prepare(s, &st, "SELECT closed_by FROM gdpr_request WHERE org_id = ? AND id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	rc = store_step(st, err);
	if (rc == 1)
		rc = err_set(err, KV_ECONFLICT, "request %lld was closed before, by %s",
		             (long long)id,
		             store_col_text(st, 0) ? store_col_text(st, 0) : "(unknown)");
	else if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "request %lld does not exist", (long long)id);
	store_stmt_free(st);
	return rc;
}

int gdpr_row_request_action(struct store *s, int64_t org, int64_t id, const char *action_json,
                            struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "UPDATE gdpr_request SET last_action = ? WHERE org_id = ? AND id = ?"
	                       " RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_text(st, 1, action_json);
	store_bind_int(st, 2, org);
	store_bind_int(st, 3, id);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	return rc ? KV_OK
	          : err_set(err, KV_ENOTFOUND, "request %lld does not exist", (long long)id);
}

static int each_id(struct store_stmt *st, gdpr_item_fn fn, void *ctx, struct err *err)
{
	int rc;

	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0));
		if (rc)
			break;
	}
	return rc < 0 ? rc : KV_OK;
}

int gdpr_row_authored(struct store *s, int64_t org, const char *name, const char *handle,
                      gdpr_item_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT id FROM item WHERE org_id = ?1 AND ("
	                       " (CAST(?2 AS TEXT) IS NOT NULL AND lower(author_name) = lower(?2))"
	                       " OR (CAST(?3 AS TEXT) IS NOT NULL AND (author_id = ?3"
	                       "  OR lower(author_name) = lower(?3))))"
	                       " ORDER BY id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, handle);
	rc = each_id(st, fn, ctx, err);
	store_stmt_free(st);
	return rc;
}

int gdpr_row_texts(struct store *s, int64_t org, int pii, gdpr_text_fn fn, void *ctx,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        pii ? "SELECT v.item_id, v.version, v.text FROM item i"
	              " JOIN item_version v ON v.item_id = i.id WHERE i.org_id = ?"
	              " AND (i.direction = 'upprattad' OR EXISTS (SELECT 1 FROM item_flag f"
	              "  WHERE f.item_id = i.id AND f.category IN ('contact', 'personal_id')))"
	              " ORDER BY v.item_id, v.version"
	            : "SELECT i.id, 1, i.v1_text FROM item i"
	              " WHERE i.org_id = ?1 AND i.v1_text IS NOT NULL"
	              " UNION ALL SELECT m.item_id, m.version, m.text FROM item_version_more m"
	              " JOIN item i ON i.id = m.item_id"
	              " WHERE i.org_id = ?1 AND m.version < i.versions"
	              " ORDER BY 1, 2",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0), store_col_int(st, 1), store_col_text(st, 2));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int gdpr_row_current_texts(struct store *s, int64_t org, gdpr_text_fn fn, void *ctx,
                           struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT id, versions, text FROM item"
	                       " WHERE org_id = ? AND text IS NOT NULL ORDER BY id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0), store_col_int(st, 1), store_col_text(st, 2));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int gdpr_row_questions(struct store *s, int64_t org, gdpr_question_fn fn, void *ctx,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT id, item_id, state, note, forwarded_to, answer_text"
	                       " FROM question WHERE org_id = ? ORDER BY id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		struct gdpr_question_row q = {
		        .id = store_col_int(st, 0),
		        .item_id = store_col_int(st, 1),
		        .state = store_col_text(st, 2),
		        .note = store_col_text(st, 3),
		        .forwarded_to = store_col_text(st, 4),
		        .answer_text = store_col_text(st, 5),
		};

		rc = fn(ctx, &q);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int gdpr_row_mail(struct store *s, int64_t org, gdpr_mail_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc =
	        store_prepare(s, &st,
	                      "SELECT id, recipients, subject, body, created_at,"
	                      " COALESCE(sent_at, 0) FROM mail_outbox WHERE org_id = ? ORDER BY id",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		struct gdpr_mail_row m = {
		        store_col_int(st, 0),  store_col_text(st, 1), store_col_text(st, 2),
		        store_col_text(st, 3), store_col_int(st, 4),  store_col_int(st, 5),
		};

		rc = fn(ctx, &m);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}
