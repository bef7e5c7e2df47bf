/* Connector cursors: a row is created on first write, updated in place,
 * errors are recorded beside the cursor without losing it. */
#include "testlib.h"

#include "store/cursors.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <stdlib.h>

static struct store *open_with_account(int64_t *account)
{
	struct store *s = NULL;
	struct account_row row = {0};
	struct err e = {0};
	int64_t org = 0, unit = 0;

	if (store_open(&s, test_tmpdir(), &e) != KV_OK)
		test_fail(__FILE__, __LINE__, "store_open: %s", e.msg);
	CHECK_INT(register_row_org_create(s, "Exempelby kommun", &org, &e), KV_OK);
	CHECK_INT(register_row_unit_insert(s, org, "Kommunikation", 0, &unit, &e), KV_OK);
	row.platform = PLATFORM_FACEBOOK;
	row.handle = "exempelby";
	row.unit_id = unit;
	row.posts_per_week = -1;
	CHECK_INT(register_row_account_insert(s, org, &row, account, &e), KV_OK);
	return s;
}

static void cursor_missing_is_not_found(void)
{
	int64_t acc = 0;
	struct store *s = open_with_account(&acc);
	struct cursor_row r = {0};
	struct err e = {0};

	CHECK_INT(cursors_get(s, acc, "feed", &r, &e), KV_ENOTFOUND);
	CHECK(r.cursor == NULL);
	store_free(s);
}

static void cursor_set_then_get(void)
{
	int64_t acc = 0;
	struct store *s = open_with_account(&acc);
	struct cursor_row r = {0};
	struct err e = {0};

	CHECK_INT(cursors_set(s, acc, "feed", "{\"since\":\"100\"}", 1000, &e), KV_OK);
	CHECK_INT(cursors_set(s, acc, "media", "m", 1001, &e), KV_OK);
	CHECK_INT(cursors_set(s, acc, "feed", "{\"since\":\"200\"}", 2000, &e), KV_OK);
	CHECK_INT(cursors_get(s, acc, "feed", &r, &e), KV_OK);
	CHECK_STR(r.cursor, "{\"since\":\"200\"}");
	CHECK_INT(r.last_polled_at, 2000);
	CHECK(r.last_error == NULL);
	cursors_row_done(&r);
	CHECK_INT(cursors_get(s, acc, "media", &r, &e), KV_OK);
	CHECK_STR(r.cursor, "m");
	cursors_row_done(&r);
	store_free(s);
}

static void cursor_error_keeps_cursor(void)
{
	int64_t acc = 0;
	struct store *s = open_with_account(&acc);
	struct cursor_row r = {0};
	struct err e = {0};

	CHECK_INT(cursors_set(s, acc, "feed", "c1", 1000, &e), KV_OK);
	CHECK_INT(cursors_set_error(s, acc, "feed", "HTTP 500", 1100, &e), KV_OK);
	CHECK_INT(cursors_get(s, acc, "feed", &r, &e), KV_OK);
	CHECK_STR(r.cursor, "c1");
	CHECK_STR(r.last_error, "HTTP 500");
	CHECK_INT(r.last_polled_at, 1100);
	cursors_row_done(&r);
	/* A good poll clears the error. */
	CHECK_INT(cursors_set(s, acc, "feed", "c2", 1200, &e), KV_OK);
	CHECK_INT(cursors_get(s, acc, "feed", &r, &e), KV_OK);
	CHECK_STR(r.cursor, "c2");
	CHECK(r.last_error == NULL);
	cursors_row_done(&r);
	/* An error on an endpoint never polled creates the row without cursor. */
	CHECK_INT(cursors_set_error(s, acc, "media", "timeout", 1300, &e), KV_OK);
	CHECK_INT(cursors_get(s, acc, "media", &r, &e), KV_OK);
	CHECK(r.cursor == NULL);
	CHECK_STR(r.last_error, "timeout");
	cursors_row_done(&r);
	cursors_row_done(NULL);
	store_free(s);
}

static void cursor_unknown_account_refused(void)
{
	int64_t acc = 0;
	struct store *s = open_with_account(&acc);
	struct err e = {0};

	CHECK_INT(cursors_set(s, acc + 100, "feed", "x", 1, &e), KV_ECONFLICT);
	store_free(s);
}

TEST_MAIN(T(cursor_missing_is_not_found), T(cursor_set_then_get), T(cursor_error_keeps_cursor),
          T(cursor_unknown_account_refused))
