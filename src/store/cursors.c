/* Reads and writes of connector_cursor. An upsert keeps one row per account
 * and endpoint; the cursor text is never interpreted here. */
#include "store/cursors.h"

#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int cursors_get(struct store *s, int64_t account_id, const char *endpoint, struct cursor_row *out,
                struct err *err)
{
	struct store_stmt *st = NULL;
	struct cursor_row r = {0};
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT cursor, last_polled_at, last_error FROM connector_cursor"
	                  " WHERE account_id = ? AND endpoint = ?",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, endpoint);
	rc = store_step(st, err);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		rc = KV_ENOTFOUND;
		goto out;
	}
	r.cursor = dup_or_null(store_col_text(st, 0));
	r.last_polled_at = store_col_is_null(st, 1) ? 0 : store_col_int(st, 1);
	r.last_error = dup_or_null(store_col_text(st, 2));
	if ((store_col_text(st, 0) && !r.cursor) || (store_col_text(st, 2) && !r.last_error)) {
		cursors_row_done(&r);
		rc = err_set(err, KV_ENOMEM, "out of memory reading a connector cursor");
		goto out;
	}
	*out = r;
	rc = KV_OK;
out:
	store_reset(st);
	return rc;
}

void cursors_row_done(struct cursor_row *r)
{
	if (!r)
		return;
	free(r->cursor);
	free(r->last_error);
	r->cursor = NULL;
	r->last_error = NULL;
}

int cursors_set(struct store *s, int64_t account_id, const char *endpoint, const char *cursor,
                int64_t polled_at, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "INSERT INTO connector_cursor (account_id, endpoint, cursor,"
	                  " last_polled_at, last_error) VALUES (?, ?, ?, ?, NULL)"
	                  " ON CONFLICT (account_id, endpoint) DO UPDATE SET"
	                  " cursor = excluded.cursor, last_polled_at = excluded.last_polled_at,"
	                  " last_error = NULL",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, endpoint);
	store_bind_text(st, 3, cursor);
	store_bind_int(st, 4, polled_at);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return err_prefix(err, "connector cursor %s: ", endpoint);
	return KV_OK;
}

int cursors_set_error(struct store *s, int64_t account_id, const char *endpoint,
                      const char *message, int64_t polled_at, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "INSERT INTO connector_cursor (account_id, endpoint, cursor,"
	                  " last_polled_at, last_error) VALUES (?, ?, NULL, ?, ?)"
	                  " ON CONFLICT (account_id, endpoint) DO UPDATE SET"
	                  " last_polled_at = excluded.last_polled_at,"
	                  " last_error = excluded.last_error",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, endpoint);
	store_bind_int(st, 3, polled_at);
	store_bind_text(st, 4, message);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return err_prefix(err, "connector cursor %s: ", endpoint);
	return KV_OK;
}
