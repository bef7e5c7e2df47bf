/* SQL for the mail outbox. Every function runs in the caller's transaction
 * when one is open. */
#include "store/outbox.h"

#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>

int outbox_enqueue(struct store *s, int64_t org, const char *dedup_key, const char *recipients,
                   const char *subject, const char *body, int64_t now, int64_t *out_id,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO mail_outbox (org_id, dedup_key, recipients, subject, body,"
	                   " created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	                   " ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, dedup_key);
	store_bind_text(st, 3, recipients);
	store_bind_text(st, 4, subject);
	store_bind_text(st, 5, body);
	store_bind_int(st, 6, now);
	store_bind_int(st, 7, now);
	rc = store_run_returning(st, &id, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	*out_id = id;
	return KV_OK;
}

int outbox_each(struct store *s, const struct outbox_filter *f, outbox_fn fn, void *ctx,
                struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT id, dedup_key, recipients, subject, body, created_at, attempts,"
	                   " next_attempt_at, COALESCE(sent_at, 0), last_error, state, message_id"
	                   " FROM mail_outbox"
	                   " WHERE org_id = ? AND (? = 0 OR id = ?)"
	                   " AND (? = 0 OR sent_at IS NULL) ORDER BY id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, f->org_id);
	store_bind_int(st, 2, f->id);
	store_bind_int(st, 3, f->id);
	store_bind_int(st, 4, f->unsent_only);
	while ((rc = store_step(st, err)) == 1) {
		struct outbox_row r = {
		        .id = store_col_int(st, 0),
		        .dedup_key = store_col_text(st, 1),
		        .recipients = store_col_text(st, 2),
		        .subject = store_col_text(st, 3),
		        .body = store_col_text(st, 4),
		        .created_at = store_col_int(st, 5),
		        .attempts = store_col_int(st, 6),
		        .next_attempt_at = store_col_int(st, 7),
		        .sent_at = store_col_int(st, 8),
		        .last_error = store_col_text(st, 9),
		        .state = store_col_text(st, 10),
		        .message_id = store_col_text(st, 11),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int outbox_due(struct store *s, int64_t org, int64_t now, int64_t max_attempts, int64_t **out,
               size_t *n, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t len = 0, cap = 0;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT id FROM mail_outbox WHERE sent_at IS NULL"
	                   " AND next_attempt_at <= ? AND org_id = ? AND attempts < ? ORDER BY id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, now);
	store_bind_int(st, 2, org);
	store_bind_int(st, 3, max_attempts);
	while ((rc = store_step(st, err)) == 1) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int64_t *grown = realloc(ids, ncap * sizeof(*grown));

			if (!grown) {
				rc = err_set(err, KV_ENOMEM, "out of memory listing due mail");
				break;
			}
			ids = grown;
			cap = ncap;
		}
		ids[len++] = store_col_int(st, 0);
	}
	store_stmt_free(st);
	if (rc < 0) {
		free(ids);
		return rc;
	}
	*out = ids;
	*n = len;
	return KV_OK;
}

int outbox_claim(struct store *s, int64_t id, int64_t now, int64_t lease_until,
                 const char *message_id, int *claimed, int *in_doubt, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t sending = 0;
	char idtext[32];
	const char *args[] = {idtext};
	int rc;

	*claimed = 0;
	*in_doubt = 0;
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = store_query_int(
	        s, &sending, err,
	        "SELECT state = 'sending' FROM mail_outbox WHERE id = CAST(? AS INTEGER)", 1, args);
	if (rc)
		goto out;
	rc = store_prepare(s, &st,
	                   "UPDATE mail_outbox SET next_attempt_at = ?, state = 'sending',"
	                   " message_id = COALESCE(message_id, ?), sending_since = ?"
	                   " WHERE id = ? AND sent_at IS NULL AND next_attempt_at <= ?"
	                   " RETURNING id",
	                   err);
	if (rc)
		goto out;
	store_bind_int(st, 1, lease_until);
	store_bind_text(st, 2, message_id);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, now);
	rc = store_step(st, err);
	if (rc >= 0) {
		*claimed = rc == 1;
		*in_doubt = rc == 1 && sending;
		rc = rc == 1 ? store_run(st, err) : KV_OK;
	}
out:
	store_stmt_free(st);
	return rc;
}

int outbox_mark_sent(struct store *s, int64_t id, int64_t at, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1,"
	                   " last_error = NULL, state = 'sent' WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, at);
	store_bind_int(st, 2, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int outbox_mark_failed(struct store *s, int64_t id, const char *error, int64_t next_attempt_at,
                       struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?,"
	                   " next_attempt_at = ?, state = 'queued' WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, error);
	store_bind_int(st, 2, next_attempt_at);
	store_bind_int(st, 3, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}
