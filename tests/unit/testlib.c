/* The unit-test runner: fork per test, time limit, summary line. */
#define _GNU_SOURCE
#include "testlib.h"

#include "base/time.h"
#include "model/op_ctx.h"
#include "store/store.h"

#include <libpq-fe.h>

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_TIMEOUT_S 120

static char tmpdir[4096];

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

const char *test_tmpdir(void)
{
	return tmpdir;
}

static char pathbuf[8][4096];
static int pathslot;

const char *test_source_path(const char *rel)
{
	const char *root = getenv("KV_SOURCE_DIR");
	char *p = pathbuf[pathslot++ % 8];

	snprintf(p, 4096, "%s/%s", root ? root : KV_SOURCE_DIR, rel);
	return p;
}

const char *test_shared_path(const char *rel)
{
	const char *root = getenv("KV_SHARED_DATA");
	char *p = pathbuf[pathslot++ % 8];
	struct stat st;

	snprintf(p, 4096, "%s/%s", root ? root : KV_SOURCE_DIR "/../shared/data", rel);
	return stat(p, &st) == 0 ? p : NULL;
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n + 1);
		if (data && fread(data, 1, (size_t)n, f) == (size_t)n) {
			data[n] = '\0';
			if (len)
				*len = (size_t)n;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

void test_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len)
		test_fail(__FILE__, __LINE__, "cannot write %s: %s", path, strerror(errno));
	fclose(f);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* With KANALVAKT_TEST_DATABASE=postgresql://…/postgres?… (the server
 * tests/pg/pgctl.sh starts), each test runs on a database of its own,
 * created before it and dropped after it, so tests run in parallel. */
static int pg_admin(const char *sql)
{
	const char *base = getenv("KANALVAKT_TEST_DATABASE");
	PGconn *c;
	PGresult *r;
	int ok;

	c = PQconnectdb(base);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "test database: %s", PQerrorMessage(c));
		PQfinish(c);
		return 0;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "test database: %s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return ok;
}

/* base with its database name replaced by name. */
static void pg_url(char *out, size_t n, const char *base, const char *name)
{
	const char *p = strstr(base, "://"), *slash, *q;

	p = p ? p + 3 : base;
	slash = strchr(p, '/');
	if (!slash) {
		snprintf(out, n, "%s/%s", base, name);
		return;
	}
	q = strchr(slash, '?');
	snprintf(out, n, "%.*s/%s%s", (int)(slash - base), base, name, q ? q : "");
}

static int run_one(const struct test_case *tc)
{
	const char *pg = getenv("KANALVAKT_TEST_DATABASE");
	char dbname[64], sql[128];
	const char *base = getenv("TMPDIR");
	pid_t pid;
	int status;

	snprintf(tmpdir, sizeof(tmpdir), "%s/kvtest.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "cannot create temp dir: %s\n", strerror(errno));
		return 0;
	}
	snprintf(dbname, sizeof(dbname), "kvt_%ld_%s", (long)getpid(), strrchr(tmpdir, '.') + 1);
	for (char *c = dbname; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (pg && *pg) {
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
		if (!pg_admin(sql)) {
			printf("FAIL %s (no test database)\n", tc->name);
			return 0;
		}
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(TEST_TIMEOUT_S);
		if (pg && *pg) {
			char url[4096];

			pg_url(url, sizeof(url), pg, dbname);
			store_set_database(url);
		}
		tc->fn();
		fflush(NULL);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "cannot run %s: %s\n", tc->name, strerror(errno));
		return 0;
	}
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (pg && *pg) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
		pg_admin(sql);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok   %s\n", tc->name);
		return 1;
	}
	if (WIFSIGNALED(status))
		printf("FAIL %s (signal %d%s)\n", tc->name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? ", time limit" : "");
	else
		printf("FAIL %s\n", tc->name);
	return 0;
}

int test_main(int argc, char **argv, const struct test_case *cases, size_t n)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < n; i++) {
		int selected = argc < 2;

		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], cases[i].name) == 0)
				selected = 1;
		if (!selected)
			continue;
		if (run_one(&cases[i]))
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}

const struct principal *test_shell(const char *actor)
{
	static struct principal who[32];
	static size_t n;

	for (size_t i = 0; i < n; i++)
		if (strcmp(who[i].name, actor) == 0)
			return &who[i];
	if (n == sizeof(who) / sizeof(who[0]))
		abort();
	principal_init_shell(&who[n], actor);
	return &who[n++];
}

const struct op_ctx *test_op_at(struct store *s, int64_t org, const char *actor, int64_t now)
{
	static struct op_ctx op[8];
	static unsigned next;
	unsigned i = next++ % 8;

	op_ctx_init(&op[i], s, org, test_shell(actor), now);
	return &op[i];
}

const struct op_ctx *test_op(struct store *s, int64_t org, const char *actor)
{
	return test_op_at(s, org, actor, time_now());
}
