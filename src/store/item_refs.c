/* Items by platform id. */
#include "store/item_refs.h"

#include "store/store.h"

int item_refs_find(struct store *s, int64_t org, const char *platform_id, int64_t *out,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t id = 0;
	int rc, n = 0;

	rc = store_cached(s, &st,
	                  "SELECT id FROM item WHERE platform_id = ? AND account_id IN"
	                  " (SELECT id FROM account WHERE org_id = ?) LIMIT 2",
	                  err);
	if (rc)
		return rc;
	store_bind_text(st, 1, platform_id);
	store_bind_int(st, 2, org);
	while ((rc = store_step(st, err)) == 1) {
		id = store_col_int(st, 0);
		n++;
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(err, KV_ENOTFOUND, "item: no item has the platform id '%.200s'",
		               platform_id);
	if (n > 1)
		return err_set(err, KV_ECONFLICT,
		               "item: items of several accounts have the platform id '%.200s': "
		               "use the row id",
		               platform_id);
	*out = id;
	return KV_OK;
}
