/* Reads and writes of workflow_cursor: one upserted row per organisation and
 * part name. */
#include "store/workflow_cursor.h"

#include "store/store.h"

int workflow_cursor_get(struct store *s, int64_t org, const char *name, int64_t *out,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT last_item_id FROM workflow_cursor WHERE org_id = ? AND name = ?",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	if (rc >= 0) {
		*out = rc == 1 ? store_col_int(st, 0) : 0;
		rc = KV_OK;
	}
	store_reset(st);
	return rc;
}

int workflow_cursor_set(struct store *s, int64_t org, const char *name, int64_t last_item_id,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(
	        s, &st,
	        "INSERT INTO workflow_cursor (org_id, name, last_item_id) VALUES (?, ?, ?)"
	        " ON CONFLICT (org_id, name) DO UPDATE SET"
	        " last_item_id = excluded.last_item_id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, name);
	store_bind_int(st, 3, last_item_id);
	rc = store_step(st, err);
	store_reset(st);
	return rc < 0 ? rc : KV_OK;
}
