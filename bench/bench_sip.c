/* Benchmark: an e-archive package (E-ARK SIP) of one account with many
 * items (KV_BENCH_SIP_ITEMS, default 1,000,000; some edited, deleted,
 * screened). The items are put straight into the database with one SQL
 * statement (the import path has its own benchmark); the package is then
 * written in a child process, whose time and peak RSS are printed, and
 * checked with the validator's requirement checks and checksums. */
#include "base/hash.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/sip.h"
#include "records/sip_validate.h"
#include "registry/registry.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fill(struct store *s, int64_t org, int64_t account, long n, struct err *e)
{
	char sql[4096];

	/* Times spread over the first half of 2026; texts of a realistic length. */
	snprintf(sql, sizeof(sql),
	         "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < %ld)"
	         " INSERT INTO item (org_id, account_id, platform, platform_id, kind,"
	         " parent_platform_id, root_platform_id, author_id, author_name, direction,"
	         " created_at, captured_at, text, v1_sha256)"
	         " SELECT %lld, %lld, 'facebook', 'p' || n, CASE WHEN n %% 20 = 0 THEN 'post' ELSE"
	         " 'comment' END, CASE WHEN n %% 20 = 0 THEN NULL ELSE 'p' || (n - n %% 20) END,"
	         " CASE WHEN n %% 20 = 0 THEN NULL ELSE 'p' || (n - n %% 20) END, 'u' || (n %% "
	         "5000),"
	         " 'Person ' || (n %% 5000), CASE WHEN n %% 20 = 0 THEN 'upprattad' ELSE"
	         " 'inkommen' END, 1767225600 + n * (15552000 / %ld), 1767225600 + n * (15552000 /"
	         " %ld) + 60, 'Hej! Undrar när badhuset öppnar igen efter renoveringen, och om det"
	         " blir kvällsöppet i sommar? Tack för svar. #' || n, hex(randomblob(32)) FROM c;"
	         "INSERT INTO item_version_more (item_id, version, text, sha256, version_at,"
	         " captured_at) SELECT id, 2, text || ' (ändrad)', hex(randomblob(32)),"
	         " created_at + 600, created_at + 660 FROM item WHERE id %% 100 = 0;"
	         "UPDATE item SET versions = 2, v1_text = text, text = text || ' (ändrad)'"
	         " WHERE id %% 100 = 0;"
	         "INSERT INTO item_event (item_id, kind, at, captured_at) SELECT id, 'deleted',"
	         " created_at + 3600, created_at + 3660 FROM item WHERE id %% 200 = 7;"
	         "INSERT INTO item_screening (item_id, version, ruleset, question, categories,"
	         " screened_at) SELECT id, 1, 'rules-1', id %% 3 = 0, CASE WHEN id %% 50 = 0 THEN"
	         " 'personnummer' ELSE '' END, captured_at FROM item WHERE direction = 'inkommen';",
	         n, (long long)org, (long long)account, n, n);
	if (store_begin(s, e))
		return -1;
	if (store_exec(s, sql, e)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

int main(void)
{
	const char *env = getenv("KV_BENCH_SIP_ITEMS");
	long n = env ? strtol(env, NULL, 10) : 1000000;
	char dir[] = "/tmp/kvbench-sip.XXXXXX", data[512], out[512];
	struct account_input in = {.platform = "facebook", .handle = "sjovik", .unit = "Enhet"};
	struct principal boss;
	struct op_ctx op0 = {0};
	struct store *s = NULL;
	struct err e = {0};
	int64_t org = 0, account = 0;
	double t0, t1;
	pid_t pid;
	int status = 0;
	struct rusage ru;

	if (n <= 0 || !mkdtemp(dir) || hash_init())
		return 1;
	snprintf(data, sizeof(data), "%s/var", dir);
	snprintf(out, sizeof(out), "%s/sjovik-2026-1", dir);
	/* Setup in a child of its own, so that its memory is not counted in the
	 * RSS of the child that writes the package. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		t0 = now_s();
		principal_init_shell(&boss, "bench");
		if (store_open(&s, data, &e))
			goto fail;
		op_ctx_init(&op0, s, 0, &boss, time(NULL));
		if (registry_init(&op0, "Sjövik", &org, &e))
			goto fail;
		op_ctx_init(&op0, s, org, &boss, time(NULL));
		if (registry_unit_add(&op0, "Enhet", NULL, NULL, &e) ||
		    registry_account_add(&op0, &in, &account, &e) || fill(s, org, account, n, &e))
			goto fail;
		printf("sip: %ld items put in %.1f s (setup)\n", n, now_s() - t0);
		fflush(stdout);
		store_free(s);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 1;

	t0 = now_s();
	pid = fork();
	if (pid == 0) {
		struct principal who;
		struct op_ctx op;
		struct sip_opts o = {
		        .account = "sjovik", .from = "2026-01-01", .to = "2026-06-30", .out = out};
		struct sip_result r;

		principal_init_shell(&who, "bench");
		if (store_open(&s, data, &e) || register_row_org_find(s, NULL, &org, &e))
			_exit(2);
		op_ctx_init(&op, s, org, &who, 1782864000);
		if (sip_write(&op, &o, &r, &e)) {
			fprintf(stderr, "bench_sip: %s\n", e.msg);
			_exit(1);
		}
		printf("sip: package of %lld items, %.1f MB of records\n", (long long)r.items,
		       (double)r.bytes / 1e6);
		fflush(stdout);
		store_free(s);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_sip: writing the package failed\n");
		return 1;
	}
	t1 = now_s();
	printf("sip: written in %.1f s (%.0f items/s), peak RSS %.1f MB (goal < 5 min, < 200 MB)\n",
	       t1 - t0, (double)n / (t1 - t0), (double)ru.ru_maxrss / 1024.0);

	{
		struct principal who;
		struct op_ctx op;
		struct sip_report rep;

		if (store_open(&s, data, &e) || register_row_org_find(s, NULL, &org, &e))
			goto fail;
		principal_init_shell(&who, "bench");
		op_ctx_init(&op, s, org, &who, 1782864000);
		t0 = now_s();
		if (sip_validate(&op, out, NULL, &rep, &e))
			goto fail;
		printf("sip: validated (requirement checks and checksums) in %.1f s: %zu errors, "
		       "%zu warnings\n",
		       now_s() - t0, rep.errors, rep.warnings);
		sip_validate_report_done(&rep);
	}
	store_free(s);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_sip: could not remove %s\n", dir);
	}
	return 0;
fail:
	fprintf(stderr, "bench_sip: %s\n", e.msg);
	store_free(s);
	exit(1);
}
