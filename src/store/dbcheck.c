/* Consistency checks over the whole database: the driver's engine-level
 * checks (store_int.h, `check`), then what portable SQL can see. Nothing
 * here writes. */
#include "store/dbcheck.h"

#include "store/store_int.h"

#include <stdio.h>

struct counting {
	dbcheck_cb cb;
	void *arg;
	int64_t n;
};

static int count_problem(void *arg, const char *kind, const char *detail)
{
	struct counting *c = arg;

	c->n++;
	return c->cb(c->arg, kind, detail);
}

/* An item captured twice: the same platform id under one organisation and
 * platform more than once (the unique key and the trigger should make that
 * impossible; an import that duplicated would show here). */
static int check_duplicates(struct store *s, struct counting *c, struct err *err)
{
	struct store_stmt *st = NULL;
	char detail[512];
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT org_id, platform, platform_id, COUNT(*) FROM item"
	                   " GROUP BY org_id, platform, platform_id HAVING COUNT(*) > 1",
	                   err);
	if (rc)
		goto out;
	while ((rc = store_step(st, err)) == 1) {
		const char *platform = store_col_text(st, 1), *id = store_col_text(st, 2);

		snprintf(detail, sizeof(detail),
		         "item %s/%s of organisation %lld is stored %lld times (once expected)",
		         platform ? platform : "?", id ? id : "?", (long long)store_col_int(st, 0),
		         (long long)store_col_int(st, 3));
		rc = count_problem(c, "duplicate_item", detail);
		if (rc)
			goto out;
	}
out:
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int dbcheck_run(struct store *s, dbcheck_cb cb, void *arg, struct dbcheck_counts *out,
                struct err *err)
{
	struct counting c = {cb, arg, 0};
	struct dbcheck_counts r = {0};
	int rc = KV_OK;

	if (s->drv->check) {
		rc = s->drv->check(s, count_problem, &c, err);
		if (rc)
			goto out;
		r.engine = 1;
	}
	rc = check_duplicates(s, &c, err);
	if (rc)
		goto out;
	rc = store_query_int(s, &r.items, err, "SELECT COUNT(*) FROM item", 0, NULL);
	if (rc)
		goto out;
	r.problems = c.n;
	*out = r;
out:
	return rc;
}
