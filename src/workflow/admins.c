/* Too many administrators on an account. */
#include "workflow/admins.h"

#include "base/config.h"
#include "model/register.h"
#include "registry/registry.h"
#include "store/alert_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int admins_limit_load(int64_t *out, const struct config *cfg, struct err *err)
{
	const char *v = cfg ? config_get(cfg, "alerts", "max_admins", NULL) : NULL;
	char *end = NULL;
	long long n;

	*out = ADMINS_MAX_DEFAULT;
	if (!v)
		return KV_OK;
	n = strtoll(v, &end, 10);
	if (end == v || *end || n < 1 || n > 100)
		return err_set(err, KV_EINVAL,
		               "[alerts] max_admins: '%s' is not a number from 1 to 100", v);
	*out = n;
	return KV_OK;
}

int admins_check(const struct op_ctx *op, int64_t max, int64_t *out_new, struct err *err)
{
	int64_t *ids = NULL, raised = 0;
	size_t n = 0;
	int rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);

	if (!rc)
		rc = registry_account_ids(op, &ids, &n, err);
	if (!rc)
		rc = store_begin(op->store, err);
	for (size_t i = 0; !rc && i < n; i++) {
		struct account_rec *rec = NULL;
		char key[96], *detail = NULL;
		int64_t id = 0;

		rc = registry_account_get(op, ids[i], &rec, err);
		if (rc)
			break;
		if ((int64_t)rec->v.n_admins > max) {
			json_t *d = json_pack("{s:s,s:s,s:I,s:I}", "account",
			                      register_platform_name(rec->v.platform), "handle",
			                      rec->v.handle ? rec->v.handle : "", "admins",
			                      (json_int_t)rec->v.n_admins, "max", (json_int_t)max);

			detail = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
			json_decref(d);
			snprintf(key, sizeof(key), "admins:%lld:%zu", (long long)ids[i],
			         rec->v.n_admins);
			rc = detail ? alert_row_insert(op->store, op->org, ids[i], "admins", key,
			                               detail, op->now, &id, err)
			            : err_set(err, KV_ENOMEM, "out of memory");
			if (!rc && id)
				raised++;
		}
		free(detail);
		register_row_account_free(rec);
	}
	free(ids);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_new)
		*out_new = raised;
	return rc;
}
