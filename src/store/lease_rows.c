/* The leases' rows. */
#include "store/lease_rows.h"

#include "store/store.h"

#include <stdio.h>

int lease_row_take(struct store *s, const char *name, const char *holder, int64_t now,
                   int64_t until, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_begin(s, err);

	if (rc)
		return rc;
	rc = store_cached(
	        s, &st,
	        "INSERT OR IGNORE INTO work_lease (name, holder, expires_at) VALUES (?, '', 0)",
	        err);
	if (!rc) {
		store_bind_text(st, 1, name);
		rc = store_run(st, err);
	}
	if (!rc)
		rc = store_cached(
		        s, &st,
		        "UPDATE work_lease SET holder = ?, expires_at = ?"
		        " WHERE name = ? AND (holder = ? OR expires_at <= ?) RETURNING expires_at",
		        err);
	if (!rc) {
		store_bind_text(st, 1, holder);
		store_bind_int(st, 2, until);
		store_bind_text(st, 3, name);
		store_bind_text(st, 4, holder);
		store_bind_int(st, 5, now);
		rc = store_run_returning(st, NULL, err);
		store_reset(st);
	}
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	{
		int taken = rc;

		rc = store_commit(s, err);
		return rc ? rc : taken;
	}
}

int lease_row_release(struct store *s, const char *name, const char *holder, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(
	        s, &st, "UPDATE work_lease SET expires_at = 0 WHERE name = ? AND holder = ?", err);

	if (rc)
		return rc;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, holder);
	return store_run(st, err);
}

int lease_row_holder(struct store *s, const char *name, char *out, size_t outsz, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, "SELECT holder FROM work_lease WHERE name = ?", err);

	if (rc)
		return rc;
	out[0] = '\0';
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	if (rc == 1) {
		snprintf(out, outsz, "%s", store_col_text(st, 0) ? store_col_text(st, 0) : "");
		rc = KV_OK;
	}
	store_reset(st);
	return rc;
}

int lease_row_take_over(struct store *s, const char *name, const char *dead, const char *holder,
                        int64_t until, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "UPDATE work_lease SET holder = ?, expires_at = ?"
	                      " WHERE name = ? AND holder = ? RETURNING expires_at",
	                      err);

	if (rc)
		return rc;
	store_bind_text(st, 1, holder);
	store_bind_int(st, 2, until);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, dead);
	rc = store_run_returning(st, NULL, err);
	store_reset(st);
	return rc;
}
