/* Tests for store/: opening a data directory, migrations, transactions,
 * the audit chain and its verification against direct tampering. */
#include "testlib.h"

#include "base/hash.h"
#include "store/audit.h"
#include "store/lease_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static struct store *open_tmp(void)
{
	struct store *s = NULL;
	struct err e = {0};
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/data/nested", test_tmpdir());
	if (store_open(&s, dir, &e) != KV_OK)
		test_fail(__FILE__, __LINE__, "store_open: %s", e.msg);
	return s;
}

static void opens_creates_dirs_and_migrates(void)
{
	struct store *s = open_tmp();
	struct stat st;
	char path[4096];
	int64_t v = 0;
	struct err e;

	CHECK(store_schema_version(s) >= 1);
	snprintf(path, sizeof(path), "%s/blobs", store_dir(s));
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	if (!store_database()) { /* PostgreSQL enforces foreign keys always */
		CHECK_INT(store_query_int(s, &v, &e, "PRAGMA foreign_keys", 0, NULL), KV_OK);
		CHECK_INT(v, 1);
	}
	store_free(s);
	/* Opening again applies nothing twice. */
	s = open_tmp();
	CHECK_INT(store_query_int(s, &v, &e, "SELECT COUNT(*) FROM schema_migrations", 0, NULL),
	          KV_OK);
	CHECK_INT(v, store_schema_version(s));
	store_free(s);
}

static void wal_is_on(void)
{
	struct store *s = open_tmp();
	struct store_stmt *st = NULL;
	struct err e;

	CHECK_INT(store_prepare(s, &st, "PRAGMA journal_mode", &e), KV_OK);
	CHECK_INT(store_step(st, &e), 1);
	CHECK_STR(store_col_text(st, 0), "wal");
	store_stmt_free(st);
	store_free(s);
}

static void nested_rollback_keeps_outer_work(void)
{
	struct store *s = open_tmp();
	struct err e;
	int64_t n = 0, org = 0;

	CHECK_INT(store_begin(s, &e), KV_OK);
	CHECK_INT(register_row_org_create(s, "Ett", &org, &e), KV_OK);
	CHECK_INT(store_begin(s, &e), KV_OK);
	CHECK_INT(register_row_org_create(s, "Två", &org, &e), KV_OK);
	store_rollback(s);
	CHECK_INT(store_commit(s, &e), KV_OK);
	CHECK_INT(store_query_int(s, &n, &e, "SELECT COUNT(*) FROM org", 0, NULL), KV_OK);
	CHECK_INT(n, 1);
	store_free(s);
}

static void unique_violation_is_conflict(void)
{
	struct store *s = open_tmp();
	struct err e;
	int64_t org = 0;

	CHECK_INT(register_row_org_create(s, "Ett", &org, &e), KV_OK);
	CHECK_INT(register_row_org_create(s, "Ett", &org, &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "already exists");
	store_free(s);
}

/* A parameter that only `? IS NULL` would type, alone (PostgreSQL: no type)
 * or also compared (its uses disagree): read as SQLite reads it. */
static void untyped_parameters_are_read_as_text(void)
{
	struct store *s = open_tmp();
	const char *name[] = {"Ett"}, *none[] = {NULL};
	struct err e;
	int64_t org = 0, n = -1;

	CHECK_INT(register_row_org_create(s, "Ett", &org, &e), KV_OK);
	CHECK_INT(register_row_org_create(s, "Två", &org, &e), KV_OK);
	CHECK_INT(store_query_int(s, &n, &e, "SELECT COUNT(*) FROM org WHERE ?1 IS NULL", 1, none),
	          KV_OK);
	CHECK_INT(n, 2);
	CHECK_INT(store_query_int(s, &n, &e, "SELECT COUNT(*) FROM org WHERE ?1 IS NULL", 1, name),
	          KV_OK);
	CHECK_INT(n, 0);
	CHECK_INT(store_query_int(s, &n, &e,
	                          "SELECT COUNT(*) FROM org WHERE (?1 IS NULL OR name = ?1)", 1,
	                          name),
	          KV_OK);
	CHECK_INT(n, 1);
	CHECK_INT(store_query_int(s, &n, &e,
	                          "SELECT COUNT(*) FROM org WHERE (?1 IS NULL OR name = ?1)", 1,
	                          none),
	          KV_OK);
	CHECK_INT(n, 2);
	store_free(s);
}

static void unopenable_dir_is_io_error(void)
{
	struct store *s = NULL;
	struct err e = {0};
	char path[4096];

	snprintf(path, sizeof(path), "%s/file", test_tmpdir());
	test_write_file(path, "x", 1);
	snprintf(path, sizeof(path), "%s/file/sub", test_tmpdir());
	CHECK_INT(store_open(&s, path, &e), KV_EIO);
	CHECK(s == NULL);
	CHECK_CONTAINS(e.msg, "cannot create");
}

/* Appends n entries and closes the store; returns the database path. */
static const char *chain_of(int n)
{
	static char db[4096];
	struct store *s = open_tmp();
	struct err e;

	for (int i = 1; i <= n; i++) {
		char after[64];

		snprintf(after, sizeof(after), "{\"n\":%d}", i);
		CHECK_INT(audit_append(s, NULL, 1, "tester", "test.step", "thing", "7", NULL, after,
		                       &e),
		          KV_OK);
	}
	snprintf(db, sizeof(db), "%s/kanalvakt.db", store_dir(s));
	store_free(s);
	return db;
}

/* Runs SQL on the database file directly, as someone with file access would
 * (on PostgreSQL: as someone with the database's password would). */
static void tamper(const char *db, const char *sql)
{
	sqlite3 *h = NULL;

	if (store_database()) {
		struct store *s = open_tmp();
		struct err e;

		CHECK_INT(store_exec(s, sql, &e), KV_OK);
		store_free(s);
		return;
	}
	CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
	CHECK_INT(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static struct audit_report verify(void)
{
	struct store *s = open_tmp();
	struct audit_report r = {0};
	struct err e;

	CHECK_INT(audit_verify(s, &r, &e), KV_OK);
	store_free(s);
	return r;
}

static void audit_intact_chain_verifies(void)
{
	struct audit_report r;

	CHECK_INT(hash_init(), KV_OK);
	chain_of(5);
	r = verify();
	CHECK_INT(r.checked, 5);
	CHECK_INT(r.n_problems, 0);
	audit_report_done(&r);
}

/* Two writers, each with its own connection (as two serve processes have),
 * appending at once: one chain, nothing lost, nothing forked. */
static void *append_many(void *arg)
{
	struct store *s = arg;
	struct err e = {0};
	intptr_t bad = 0;

	for (int i = 0; i < 100; i++)
		if (audit_append(s, NULL, 1, "racer", "test.race", "thing", "1", NULL, "{}", &e))
			bad++;
	return (void *)bad;
}

static void audit_appends_race_to_one_chain(void)
{
	struct store *a = open_tmp(), *b = open_tmp();
	struct audit_report r = {0};
	pthread_t ta, tb;
	void *ra = NULL, *rb = NULL;
	struct err e = {0};
	int64_t n = 0;

	CHECK_INT(hash_init(), KV_OK);
	/* The chain's first entry exists before the race, as after init. */
	CHECK_INT(audit_append(a, NULL, 1, "tester", "test.start", "thing", "1", NULL, "{}", &e),
	          KV_OK);
	CHECK_INT(pthread_create(&ta, NULL, append_many, a), 0);
	CHECK_INT(pthread_create(&tb, NULL, append_many, b), 0);
	pthread_join(ta, &ra);
	pthread_join(tb, &rb);
	CHECK_INT((int)(intptr_t)ra, 0);
	CHECK_INT((int)(intptr_t)rb, 0);
	CHECK_INT(store_query_int(a, &n, &e, "SELECT COUNT(*) FROM audit", 0, NULL), KV_OK);
	CHECK_INT(n, 201);
	CHECK_INT(audit_verify(a, &r, &e), KV_OK);
	CHECK_INT(r.checked, 201);
	CHECK_INT(r.n_problems, 0);
	audit_report_done(&r);
	store_free(a);
	store_free(b);
}

/* Leases on background work: one holder at a time, renewed by it, taken
 * by another only once it lapses or is released, or from a holder known
 * to be gone. */
static void leases_have_one_holder(void)
{
	struct store *a = open_tmp(), *b = open_tmp();
	struct err e = {0};
	char who[64];

	CHECK_INT(lease_row_take(a, "pass", "h:1", 1000, 1100, &e), 1);
	CHECK_INT(lease_row_take(b, "pass", "h:2", 1001, 1101, &e), 0);
	CHECK_INT(lease_row_take(a, "pass", "h:1", 1050, 1150, &e), 1); /* renewed */
	CHECK_INT(lease_row_take(b, "pass", "h:2", 1149, 1249, &e), 0);
	CHECK_INT(lease_row_holder(b, "pass", who, sizeof(who), &e), KV_OK);
	CHECK_STR(who, "h:1");
	CHECK_INT(lease_row_take(b, "pass", "h:2", 1150, 1250, &e), 1); /* lapsed */
	CHECK_INT(lease_row_take(a, "pass", "h:1", 1160, 1260, &e), 0);
	CHECK_INT(lease_row_release(a, "pass", "h:1", &e), KV_OK); /* not its: nothing */
	CHECK_INT(lease_row_take(a, "pass", "h:1", 1161, 1261, &e), 0);
	CHECK_INT(lease_row_release(b, "pass", "h:2", &e), KV_OK);
	CHECK_INT(lease_row_take(a, "pass", "h:1", 1162, 1262, &e), 1);
	CHECK_INT(lease_row_take_over(b, "pass", "h:9", "h:2", 1300, &e), 0);
	CHECK_INT(lease_row_take_over(b, "pass", "h:1", "h:2", 1300, &e), 1);
	CHECK_INT(lease_row_holder(a, "pass", who, sizeof(who), &e), KV_OK);
	CHECK_STR(who, "h:2");
	/* Another lease is another row. */
	CHECK_INT(lease_row_take(a, "other", "h:1", 1163, 1263, &e), 1);
	CHECK_INT(lease_row_holder(a, "none", who, sizeof(who), &e), KV_OK);
	CHECK_STR(who, "");
	store_free(a);
	store_free(b);
}

static void audit_detects_edited_entry(void)
{
	struct audit_report r;

	tamper(chain_of(5), "UPDATE audit SET after = '{\"n\":99}' WHERE seq = 3");
	r = verify();
	CHECK_INT(r.n_problems, 1);
	CHECK_INT(r.problems[0].seq, 3);
	CHECK_STR(r.problems[0].kind, "edited");
	audit_report_done(&r);
}

static void audit_detects_deleted_entry(void)
{
	struct audit_report r;

	tamper(chain_of(5), "DELETE FROM audit WHERE seq = 2");
	r = verify();
	CHECK(r.n_problems >= 1);
	CHECK_INT(r.problems[0].seq, 3);
	CHECK_STR(r.problems[0].kind, "deleted");
	CHECK_CONTAINS(r.problems[0].detail, "2 to 2");
	audit_report_done(&r);
}

static void audit_detects_deleted_last_entry(void)
{
	struct audit_report r;

	tamper(chain_of(5), "DELETE FROM audit WHERE seq = 5");
	r = verify();
	CHECK_INT(r.n_problems, 1);
	CHECK_STR(r.problems[0].kind, "deleted");
	audit_report_done(&r);
}

static void audit_detects_swapped_entries(void)
{
	struct audit_report r;

	tamper(chain_of(5), "UPDATE audit SET seq = -1 WHERE seq = 3;"
	                    "UPDATE audit SET seq = 3 WHERE seq = 4;"
	                    "UPDATE audit SET seq = 4 WHERE seq = -1;");
	r = verify();
	CHECK(r.n_problems >= 1);
	CHECK_INT(r.problems[0].seq, 3);
	CHECK_STR(r.problems[0].kind, "reordered");
	for (size_t i = 0; i < r.n_problems; i++)
		CHECK(strcmp(r.problems[i].kind, "edited") != 0);
	audit_report_done(&r);
}

static void audit_detects_rewritten_hash(void)
{
	struct audit_report r;

	/* Someone who edits an entry and recomputes nothing else: the next
	 * entry no longer follows. */
	tamper(chain_of(4), "UPDATE audit SET actor = 'x', hash = 'abc' WHERE seq = 2");
	r = verify();
	CHECK(r.n_problems >= 2);
	CHECK_STR(r.problems[0].kind, "edited");
	CHECK_INT(r.problems[1].seq, 3);
	audit_report_done(&r);
}

TEST_MAIN(T(opens_creates_dirs_and_migrates), T(wal_is_on), T(nested_rollback_keeps_outer_work),
          T(unique_violation_is_conflict), T(untyped_parameters_are_read_as_text),
          T(unopenable_dir_is_io_error), T(audit_intact_chain_verifies),
          T(audit_appends_race_to_one_chain), T(leases_have_one_holder),
          T(audit_detects_edited_entry), T(audit_detects_deleted_entry),
          T(audit_detects_deleted_last_entry), T(audit_detects_swapped_entries),
          T(audit_detects_rewritten_hash))
