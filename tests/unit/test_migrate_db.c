/* The migration's content hash: the same rows in any order hash alike; a
 * changed, missing or added row, a NULL for an empty string and values
 * moved across a column boundary do not. The URL's password masked; a
 * source without a database and a URL that is not PostgreSQL's refused
 * before anything is opened. */
#include "testlib.h"

#include "store/migrate_db.h"

#include <string.h>

static void hash_rows(char out[HASH_SHA256_HEX_LEN + 1], const char *const (*rows)[2], int n)
{
	struct migrate_db_hash h;

	migrate_db_hash_init(&h);
	for (int i = 0; i < n; i++) {
		size_t lens[2] = {rows[i][0] ? strlen(rows[i][0]) : 0,
		                  rows[i][1] ? strlen(rows[i][1]) : 0};

		CHECK_INT(migrate_db_hash_row(&h, rows[i], lens, 2), KV_OK);
	}
	CHECK(h.n == n);
	migrate_db_hash_hex(&h, out);
	migrate_db_hash_done(&h);
}

static void same_rows_any_order_hash_alike(void)
{
	const char *const a[][2] = {{"1", "Åsa Öberg"}, {"2", NULL}, {"3", "Bo"}};
	const char *const b[][2] = {{"3", "Bo"}, {"1", "Åsa Öberg"}, {"2", NULL}};
	char ha[65], hb[65];

	hash_rows(ha, a, 3);
	hash_rows(hb, b, 3);
	CHECK_STR(ha, hb);
	CHECK(strlen(ha) == 64);
}

static void a_changed_copy_is_caught(void)
{
	const char *const src[][2] = {{"1", "Åsa Öberg"}, {"2", ""}, {"3", "ab"}};
	const char *const edited[][2] = {{"1", "Åsa Oberg"}, {"2", ""}, {"3", "ab"}};
	const char *const nulled[][2] = {{"1", "Åsa Öberg"}, {"2", NULL}, {"3", "ab"}};
	const char *const shifted[][2] = {{"1", "Åsa Öberg"}, {"2", ""}, {"3a", "b"}};
	const char *const missing[][2] = {{"1", "Åsa Öberg"}, {"2", ""}};
	const char *const doubled[][2] = {{"1", "Åsa Öberg"}, {"2", ""}, {"3", "ab"}, {"3", "ab"}};
	char h0[65], h[65];

	hash_rows(h0, src, 3);
	hash_rows(h, edited, 3);
	CHECK(strcmp(h0, h) != 0);
	hash_rows(h, nulled, 3);
	CHECK(strcmp(h0, h) != 0);
	hash_rows(h, shifted, 3);
	CHECK(strcmp(h0, h) != 0);
	hash_rows(h, missing, 2);
	CHECK(strcmp(h0, h) != 0);
	hash_rows(h, doubled, 4);
	CHECK(strcmp(h0, h) != 0);
}

static void empty_table_hash_is_sha256_of_nothing(void)
{
	struct migrate_db_hash h;
	char out[65];

	migrate_db_hash_init(&h);
	migrate_db_hash_hex(&h, out);
	migrate_db_hash_done(&h);
	migrate_db_hash_done(&h);
	CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void password_is_masked(void)
{
	char out[256];

	migrate_db_redact("postgresql://kanalvakt:hemligt@db.kommun.se/kv", out, sizeof(out));
	CHECK_STR(out, "postgresql://kanalvakt:***@db.kommun.se/kv");
	migrate_db_redact("postgresql:///kv?host=/run/postgresql", out, sizeof(out));
	CHECK_STR(out, "postgresql:///kv?host=/run/postgresql");
}

static void bad_source_or_url_is_refused(void)
{
	struct migrate_db_report r;
	struct err e = {0};

	CHECK_INT(migrate_db_run(test_tmpdir(), "postgresql://u:p@/nosuch?host=/nonexistent", "t",
	                         &r, &e),
	          KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "holds no SQLite database");
	migrate_db_report_done(&r);
	CHECK_INT(migrate_db_run(test_tmpdir(), "mysql://u:p@h/db", "t", &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "not a PostgreSQL URL");
	migrate_db_report_done(&r);
	migrate_db_report_done(NULL);
}

TEST_MAIN(T(same_rows_any_order_hash_alike), T(a_changed_copy_is_caught),
          T(empty_table_hash_is_sha256_of_nothing), T(password_is_masked),
          T(bad_source_or_url_is_refused))
