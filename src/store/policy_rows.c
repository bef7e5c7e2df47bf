/* Reads and writes of policy_setting. Plain rows keyed by organisation,
 * account (0 = the organisation) and key; no interpretation of values. */
#include "store/policy_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_old(struct store *s, int64_t org, int64_t account_id, const char *key, char **out,
                    struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT value FROM policy_setting WHERE org_id = ? AND account_id = ?"
	                  " AND key = ?",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_text(st, 3, key);
	rc = store_step(st, err);
	if (rc == 1) {
		*out = strdup(store_col_text(st, 0));
		rc = *out ? 1 : err_set(err, KV_ENOMEM, "out of memory");
	}
	store_reset(st);
	return rc;
}

int policy_row_put(struct store *s, int64_t org, int64_t account_id, const char *key,
                   const char *value, int64_t now, char **out_before, struct err *err)
{
	struct store_stmt *st = NULL;
	char *before = NULL;
	int rc;

	rc = read_old(s, org, account_id, key, &before, err);
	if (rc < 0)
		goto out;
	/* The account column is 0 for the organisation, so it cannot be a
	 * foreign key; an account row must exist when one is named. */
	if (account_id) {
		int64_t n = 0;
		char idbuf[32], orgbuf[32];
		const char *args[2] = {idbuf, orgbuf};

		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)account_id);
		snprintf(orgbuf, sizeof(orgbuf), "%lld", (long long)org);
		rc = store_query_int(s, &n, err,
		                     "SELECT COUNT(*) FROM account WHERE id = ? AND org_id = ?", 2,
		                     args);
		if (rc)
			goto out;
		if (n == 0) {
			rc = err_set(err, KV_ECONFLICT, "account %lld does not exist",
			             (long long)account_id);
			goto out;
		}
	}
	rc = store_cached(s, &st,
	                  "INSERT INTO policy_setting (org_id, account_id, key, value, updated_at)"
	                  " VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, account_id, key)"
	                  " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
	                  err);
	if (rc)
		goto out;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_text(st, 3, key);
	store_bind_text(st, 4, value);
	store_bind_int(st, 5, now);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		goto out;
	rc = KV_OK;
	if (out_before) {
		*out_before = before;
		before = NULL;
	}
out:
	free(before);
	return rc;
}

int policy_row_delete(struct store *s, int64_t org, int64_t account_id, const char *key,
                      char **out_before, struct err *err)
{
	struct store_stmt *st = NULL;
	char *before = NULL;
	int rc;

	rc = read_old(s, org, account_id, key, &before, err);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "'%s' is not set %s", key,
		             account_id ? "for this account" : "for the organisation");
		goto out;
	}
	rc = store_cached(
	        s, &st,
	        "DELETE FROM policy_setting WHERE org_id = ? AND account_id = ? AND key = ?", err);
	if (rc)
		goto out;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_text(st, 3, key);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		goto out;
	rc = KV_OK;
	if (out_before) {
		*out_before = before;
		before = NULL;
	}
out:
	free(before);
	return rc;
}

int policy_row_each(struct store *s, int64_t org, int64_t account_id, policy_setting_fn fn,
                    void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT account_id, key, value FROM policy_setting WHERE org_id = ?"
	                  " AND account_id IN (0, ?) ORDER BY account_id, key",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2));
		if (rc)
			break;
	}
	store_reset(st);
	return rc;
}
