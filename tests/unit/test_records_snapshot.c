/* The periodic snapshot in the records layer: permissions, what is due on
 * the boundary days, the settings, and that a refused snapshot leaves
 * nothing behind. */
#include "base/calendar.h"
#include "base/config.h"
#include "model/op_ctx.h"
#include "records/records_snapshot.h"
#include "registry/registry.h"
#include "store/store.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct principal shell;

static struct store *setup(struct op_ctx *op, int64_t *acct)
{
	struct store *s = NULL;
	struct err e = {0};
	struct account_input in = {0};
	char dir[4200];

	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	CHECK_INT(store_open(&s, dir, &e), 0);
	principal_init_shell(&shell, "test");
	op_ctx_init(op, s, 0, &shell, 0);
	CHECK_INT(registry_init(op, "Exempelby kommun", &op->org, &e), 0);
	CHECK_INT(registry_unit_add(op, "Kultur", NULL, NULL, &e), 0);
	in.platform = "facebook";
	in.handle = "kultur";
	in.name = "Kulturhuset";
	in.unit = "Kultur";
	CHECK_INT(registry_account_add(op, &in, acct, &e), 0);
	return s;
}

static int64_t at(int y, int m, int d)
{
	int64_t t = 0;
	CHECK_INT(calendar_from_local(&t, y, m, d, 12, 0, 0), 0);
	return t;
}

static void permission_is_checked_in_the_layer(void)
{
	struct op_ctx op, as_editor, as_archivist;
	struct principal ed, ar;
	struct snapshot_result res;
	struct err e = {0};
	int64_t acct = 0, other = 999;
	char out[4200];
	struct store *s = setup(&op, &acct);

	snprintf(out, sizeof(out), "%s/out", test_tmpdir());
	principal_init_user(&ed, 5, 0, "redaktör", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&ed, ROLE_EDITOR, 0, NULL, 0, &e), 0);
	op_ctx_init(&as_editor, s, op.org, &ed, at(2026, 7, 1));
	CHECK_INT(records_snapshot_take(&as_editor, acct, "2026-06-30", out, "manual", NULL, &res,
	                                &e),
	          KV_EDENIED);
	CHECK(access(out, F_OK) != 0);

	/* An archivist for another account only: refused for this one. */
	principal_init_user(&ar, 6, 0, "arkivarie", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&ar, ROLE_ARCHIVIST, 0, &other, 1, &e), 0);
	op_ctx_init(&as_archivist, s, op.org, &ar, at(2026, 7, 1));
	CHECK_INT(records_snapshot_take(&as_archivist, acct, "2026-06-30", out, "manual", NULL,
	                                &res, &e),
	          KV_EDENIED);

	/* For this account: taken, named from the register's name. */
	principal_init_user(&ar, 6, 0, "arkivarie", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&ar, ROLE_ARCHIVIST, 0, &acct, 1, &e), 0);
	int rc = records_snapshot_take(&as_archivist, acct, "2026-06-30", out, "manual", NULL, &res,
	                               &e);
	if (rc)
		test_fail(__FILE__, __LINE__, "take: %s", e.msg);
	CHECK_STR(res.file_name, "Facebook Kulturhuset 2026-06-30 periodiskt uttag.pdf");
	CHECK_INT(res.items, 0);
	CHECK(access(res.path, F_OK) == 0);
	store_free(s);
}

static void due_on_the_boundary_days(void)
{
	struct op_ctx op;
	struct snapshot_settings set;
	struct snapshot_due *due = NULL;
	struct err e = {0};
	int64_t acct = 0;
	size_t n = 0;
	struct store *s = setup(&op, &acct);

	CHECK_INT(records_snapshot_settings(NULL, "/data", &set, &e), 0);
	CHECK_INT(set.n_dates, 2);
	CHECK_STR(set.out_dir, "/data/snapshots");
	/* A proposed account needs none. */
	op.now = at(2026, 7, 1);
	CHECK_INT(records_snapshot_due(&op, &set, &due, &n, &e), 0);
	CHECK_INT(n, 0);
	free(due);
	CHECK_INT(
	        store_exec(s, "UPDATE account SET status = 'active', opened_on = '2025-11-01'", &e),
	        0);
	/* The day before 30 June: the last one due is 31 December. */
	op.now = at(2026, 6, 29);
	CHECK_INT(records_snapshot_due(&op, &set, &due, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(due[0].day, "2025-12-31");
	CHECK_STR(due[0].reason, "scheduled");
	free(due);
	/* On 30 June itself (Stockholm time): that day. */
	op.now = at(2026, 6, 30);
	CHECK_INT(records_snapshot_due(&op, &set, &due, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(due[0].day, "2026-06-30");
	free(due);
	/* Opened after the last date: nothing due yet. */
	CHECK_INT(store_exec(s, "UPDATE account SET opened_on = '2026-07-01'", &e), 0);
	op.now = at(2026, 7, 2);
	CHECK_INT(records_snapshot_due(&op, &set, &due, &n, &e), 0);
	CHECK_INT(n, 0);
	free(due);
	/* Closed: the final one, as of the closing day. */
	CHECK_INT(
	        store_exec(s, "UPDATE account SET status = 'closed', closed_on = '2026-07-02'", &e),
	        0);
	CHECK_INT(records_snapshot_due(&op, &set, &due, &n, &e), 0);
	CHECK_INT(n, 1);
	CHECK_STR(due[0].day, "2026-07-02");
	CHECK_STR(due[0].reason, "final");
	free(due);
	/* Taking it clears it. */
	snprintf(set.out_dir, sizeof(set.out_dir), "%s/auto", test_tmpdir());
	int taken = 0, failed = 0;
	CHECK_INT(records_snapshot_run_due(&op, &set, NULL, NULL, &taken, &failed, &e), 0);
	CHECK_INT(taken, 1);
	CHECK_INT(failed, 0);
	CHECK_INT(records_snapshot_due(&op, &set, &due, &n, &e), 0);
	CHECK_INT(n, 0);
	free(due);
	store_free(s);
}

static void settings_are_checked(void)
{
	struct snapshot_settings set;
	struct err e = {0};
	struct config *c = config_new();

	CHECK(c);
	config_set(c, "records", "snapshot_dates", "03-31, 09-30,02-29");
	CHECK_INT(records_snapshot_settings(c, "/d", &set, &e), 0);
	CHECK_INT(set.n_dates, 3);
	CHECK_INT(set.month[2], 2);
	CHECK_INT(set.day[2], 29);
	config_set(c, "records", "snapshot_dates", "6-30");
	CHECK_INT(records_snapshot_settings(c, "/d", &set, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "snapshot_dates");
	config_set(c, "records", "snapshot_dates", "06-31");
	CHECK_INT(records_snapshot_settings(c, "/d", &set, &e), KV_EINVAL);
	config_set(c, "records", "snapshot_dates", "");
	CHECK_INT(records_snapshot_settings(c, "/d", &set, &e), KV_EINVAL);
	config_free(c);
}

TEST_MAIN(T(permission_is_checked_in_the_layer), T(due_on_the_boundary_days),
          T(settings_are_checked))
