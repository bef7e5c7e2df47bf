/* SQL for webhook deliveries (table webhook_delivery, migration 3): insert a
 * delivery once by the SHA-256 of its body, list them, record the outcome of
 * processing. Nothing here deletes a delivery. */
#include "store/webhooks.h"

#include "base/buf.h"
#include "base/hash.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* On SQLite a WAL commit with synchronous=NORMAL is atomic but may be lost
 * on power failure; an acknowledged delivery must not be, so this one write
 * runs with FULL. Other drivers commit durably by default. */
static int set_durable(struct store *s, int on, struct err *err)
{
	if (strcmp(s->drv->name, "sqlite") != 0)
		return KV_OK;
	return store_exec(s, on ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", err);
}

int webhooks_insert(struct store *s, int64_t org, const char *source, const void *body, size_t len,
                    const char *signature, int64_t received_at, int64_t *out_id, int *out_new,
                    struct err *err)
{
	struct store_stmt *st = NULL;
	char sha[HASH_SHA256_HEX_LEN + 1];
	int64_t id = 0;
	int rc, added = 0, began = 0;

	if (s->depth > 0)
		return err_set(err, KV_EINTERNAL, "webhook delivery: stored inside a transaction");
	hash_sha256_hex(sha, body, len);
	rc = set_durable(s, 1, err);
	if (rc)
		return rc;
	/* BEGIN IMMEDIATE waits for other writers (the busy timeout) instead
	 * of failing when a read would have to become a write. */
	rc = store_begin(s, err);
	if (rc)
		goto out;
	began = 1;
	rc = store_prepare(s, &st,
	                   "INSERT INTO webhook_delivery"
	                   " (org_id, source, sha256, received_at, signature, body)"
	                   " VALUES (?, ?, ?, ?, ?, ?)"
	                   " ON CONFLICT (sha256) DO NOTHING RETURNING id",
	                   err);
	if (rc)
		goto out;
	if (org > 0)
		store_bind_int(st, 1, org);
	else
		store_bind_null(st, 1);
	store_bind_text(st, 2, source);
	store_bind_text(st, 3, sha);
	store_bind_int(st, 4, received_at);
	store_bind_text(st, 5, signature);
	/* An empty blob must still be a blob, not NULL (the column is NOT NULL). */
	store_bind_blob(st, 6, len ? body : "", len);
	rc = store_step(st, err);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		id = store_col_int(st, 0);
		added = 1;
		rc = store_step(st, err);
		if (rc < 0)
			goto out;
	}
	store_stmt_free(st);
	st = NULL;
	if (!added) {
		const char *args[] = {sha};

		rc = store_query_int(s, &id, err,
		                     "SELECT id FROM webhook_delivery WHERE sha256 = ?", 1, args);
		if (rc)
			goto out;
	}
	rc = store_commit(s, err);
	began = 0;
	if (rc)
		goto out;
	*out_id = id;
	*out_new = added;
out:
	store_stmt_free(st);
	if (began)
		store_rollback(s);
	{
		struct err ignored;

		/* Back to the store's normal setting; a failure here only costs
		 * speed for later writes, never correctness. */
		set_durable(s, 0, &ignored);
	}
	return rc;
}

static int build_query(struct buf *sql, const struct webhook_filter *f, int ids_only)
{
	int rc;

	if (ids_only)
		rc = buf_puts(sql, "SELECT id FROM webhook_delivery WHERE 1 = 1");
	else
		rc = buf_printf(sql,
		                "SELECT id, org_id, source, sha256, received_at, signature,"
		                " %s, length(body), status, error, processed_at"
		                " FROM webhook_delivery WHERE 1 = 1",
		                f->with_body ? "body" : "NULL");
	if (!rc && f->org_id)
		rc = buf_puts(sql, " AND org_id = ?");
	if (!rc && f->id)
		rc = buf_puts(sql, " AND id = ?");
	if (!rc && f->status)
		rc = buf_puts(sql, " AND status = ?");
	if (!rc)
		rc = buf_puts(sql, " ORDER BY id");
	if (!rc && f->limit > 0)
		rc = buf_printf(sql, " LIMIT %lld", (long long)f->limit);
	return rc;
}

static int prepare_filtered(struct store *s, const struct webhook_filter *f, int ids_only,
                            struct store_stmt **out, struct err *err)
{
	struct store_stmt *st = NULL;
	struct buf sql;
	int rc, idx = 1;

	buf_init(&sql, 1024);
	rc = build_query(&sql, f, ids_only);
	if (rc) {
		rc = err_set(err, KV_EINTERNAL, "webhook query too long");
		goto out;
	}
	rc = store_prepare(s, &st, buf_cstr(&sql), err);
	if (rc)
		goto out;
	if (f->org_id)
		store_bind_int(st, idx++, f->org_id);
	if (f->id)
		store_bind_int(st, idx++, f->id);
	if (f->status)
		store_bind_text(st, idx++, f->status);
	*out = st;
out:
	buf_done(&sql);
	return rc;
}

int webhooks_each(struct store *s, const struct webhook_filter *f, webhooks_fn fn, void *ctx,
                  struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, stop = 0;

	rc = prepare_filtered(s, f, 0, &st, err);
	if (rc)
		return rc;
	while (!stop && (rc = store_step(st, err)) == 1) {
		struct webhook_row r = {0};
		size_t blen = 0;

		r.id = store_col_int(st, 0);
		r.org_id = store_col_is_null(st, 1) ? 0 : store_col_int(st, 1);
		r.source = store_col_text(st, 2);
		r.sha256 = store_col_text(st, 3);
		r.received_at = store_col_int(st, 4);
		r.signature = store_col_text(st, 5);
		if (f->with_body) {
			r.body = store_col_blob(st, 6, &blen);
			/* SQLite gives NULL for a zero-length blob. */
			if (!r.body)
				r.body = "";
		}
		r.body_len = (size_t)store_col_int(st, 7);
		r.status = store_col_text(st, 8);
		r.error = store_col_text(st, 9);
		r.processed_at = store_col_is_null(st, 10) ? 0 : store_col_int(st, 10);
		stop = fn(ctx, &r);
	}
	store_stmt_free(st);
	if (stop)
		return stop;
	return rc < 0 ? rc : KV_OK;
}

int webhooks_ids(struct store *s, const struct webhook_filter *f, int64_t **out, size_t *n,
                 struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t count = 0, cap = 0;
	int rc;

	rc = prepare_filtered(s, f, 1, &st, err);
	if (rc)
		return rc;
	while ((rc = store_step(st, err)) == 1) {
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			int64_t *grown = realloc(ids, ncap * sizeof(*ids));

			if (!grown) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			ids = grown;
			cap = ncap;
		}
		ids[count++] = store_col_int(st, 0);
	}
	store_stmt_free(st);
	if (rc < 0) {
		free(ids);
		return rc;
	}
	*out = ids;
	*n = count;
	return KV_OK;
}

int webhooks_claim(struct store *s, int64_t id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "UPDATE webhook_delivery SET status = status"
	                      " WHERE id = ? AND status = 'pending' RETURNING id",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	rc = store_run_returning(st, NULL, err);
	store_reset(st);
	return rc;
}

int webhooks_mark(struct store *s, int64_t id, const char *status, const char *error, int64_t at,
                  struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t found = 0;
	int rc;

	if (strcmp(status, "done") != 0 && strcmp(status, "failed") != 0 &&
	    strcmp(status, "pending") != 0)
		return err_set(err, KV_EINVAL, "webhook delivery %lld: '%s' is not a status",
		               (long long)id, status);
	rc = store_prepare(s, &st,
	                   "UPDATE webhook_delivery SET status = ?, error = ?, processed_at = ?"
	                   " WHERE id = ? RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, status);
	store_bind_text(st, 2, error);
	store_bind_int(st, 3, at);
	store_bind_int(st, 4, id);
	rc = store_step(st, err);
	if (rc == 1) {
		found = store_col_int(st, 0);
		rc = store_step(st, err);
	}
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (!found)
		return err_set(err, KV_ENOTFOUND, "no webhook delivery with id %lld",
		               (long long)id);
	return KV_OK;
}
