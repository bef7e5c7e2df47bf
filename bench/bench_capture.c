/* Capture benchmark: generates a corpus of Swedish posts, comments and
 * replies in threads as JSON Lines, imports it through the real path (parser,
 * import sink, store with full-text indexing, one transaction), then measures
 * search latency over it. Prints figures; asserts nothing.
 * KV_BENCH_ITEMS sets the corpus size (default 1,000,000). */
#include "corpus.h"
#include "base/hash.h"
#include "base/time.h"
#include "capture/import.h"
#include "registry/registry.h"
#include "store/items.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Threads in the corpus: one post per thread. */
static long count_threads(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	long n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "\"kind\":\"post\"") != NULL;
	if (f)
		fclose(f);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int count_item(void *ctx, const struct item *it, struct err *err)
{
	(*(long *)ctx)++;
	return 0;
}

static int count_row(void *ctx, const struct item_row *r)
{
	(*(long *)ctx)++;
	return 0;
}

/* A new database with the bench organisation and its account; o is set to
 * import into it. */
static int open_store(struct store **out, const char *data, struct import_opts *o, struct err *e)
{
	static struct principal who;
	struct op_ctx op = {0};
	struct account_input in = {0};

	principal_init_shell(&who, "bench");
	op.who = &who;
	if (store_open(out, data, e))
		return -1;
	op.store = *out;
	if (registry_init(&op, "Benchby kommun", &op.org, e))
		return -1;
	in.platform = "facebook";
	in.handle = "benchby";
	in.unit = "Kommunikation";
	if (registry_unit_add(&op, "Kommunikation", NULL, NULL, e) ||
	    registry_account_add(&op, &in, &o->account_id, e))
		return -1;
	o->org = op.org;
	o->actor = "bench";
	o->format = PARSE_JSONL;
	return 0;
}

/* Writes the lines of src to dst last first: the same items as a source
 * that lists the newest first (most exports and API pages do). */
static int write_reversed(const char *src, const char *dst)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	char *data = NULL;
	long n;
	int rc = -1;

	if (!in || !out || fseek(in, 0, SEEK_END) || (n = ftell(in)) <= 0 || fseek(in, 0, SEEK_SET))
		goto done;
	data = malloc((size_t)n);
	if (!data || fread(data, 1, (size_t)n, in) != (size_t)n)
		goto done;
	for (long end = n; end > 0;) {
		long start = end - 1;

		while (start > 0 && data[start - 1] != '\n')
			start--;
		fwrite(data + start, 1, (size_t)(end - start), out);
		end = start;
	}
	rc = fflush(out) || fsync(fileno(out)) ? -1 : 0;
done:
	free(data);
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	return rc;
}

int main(void)
{
	const char *env = getenv("KV_BENCH_ITEMS");
	long n_items = env ? strtol(env, NULL, 10) : 1000000;
	char dir[] = "/tmp/kvbench.XXXXXX", corpus[512], data[512];
	struct import_opts o = {0};
	struct import_report r;
	struct store *s = NULL;
	struct err e = {0};
	double t0, t1, lat[400];
	long threads, bytes;
	FILE *f;

	if (n_items <= 0 || !mkdtemp(dir) || hash_init())
		return 1;
	snprintf(corpus, sizeof(corpus), "%s/corpus.jsonl", dir);
	snprintf(data, sizeof(data), "%s/var", dir);
	/* The corpus is written by a child process: writing 300 MB in this
	 * process measurably slowed what it did next, and that cost belongs to
	 * making the corpus, not to importing it. */
	{
		pid_t pid = fork();
		int status = 0;

		if (pid == 0)
			_exit(write_corpus(corpus, n_items) < 0 ? 1 : 0);
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_capture: cannot write the corpus\n");
			return 1;
		}
		threads = count_threads(corpus);
	}
	f = fopen(corpus, "rb");
	fseek(f, 0, SEEK_END);
	bytes = ftell(f);
	fclose(f);
	printf("capture corpus: %ld items in %ld threads, %.1f MB of JSON Lines\n", n_items,
	       threads, bytes / 1e6);

	if (open_store(&s, data, &o, &e))
		goto fail;

	{
		long parsed = 0;
		struct item_sink sink = {count_item, NULL, NULL, &parsed, NULL, NULL};

		f = fopen(corpus, "rb");
		t0 = now_s();
		if (!f || parse_file(f, corpus, PARSE_JSONL, NULL, &sink, &e))
			goto fail;
		t1 = now_s();
		fclose(f);
		printf("parse only: %ld items in %.2f s: %.0f items/s, %.1f MB/s\n", parsed,
		       t1 - t0, parsed / (t1 - t0), bytes / 1e6 / (t1 - t0));
	}
	t0 = now_s();
	if (capture_import_file(s, &o, corpus, &r, &e))
		goto fail;
	t1 = now_s();
	printf("import: %lld new in %.2f s: %.0f items/s, %.1f MB/s (parse + store + FTS index, "
	       "one core)\n",
	       (long long)r.new_items, t1 - t0, r.new_items / (t1 - t0), bytes / 1e6 / (t1 - t0));

	{
		/* What an archivist needs to plan for: the database (with its
		 * write-ahead log) per million items, search index included. */
		char db[600];
		struct stat st_db, st_wal;

		snprintf(db, sizeof(db), "%s/kanalvakt.db", data);
		if (stat(db, &st_db) == 0) {
			snprintf(db, sizeof(db), "%s/kanalvakt.db-wal", data);
			if (stat(db, &st_wal) != 0)
				st_wal.st_size = 0;
			printf("database after import: %.0f MB (%.0f bytes per item; write-ahead "
			       "log %.0f "
			       "MB)\n",
			       st_db.st_size / 1e6, (double)st_db.st_size / (double)r.new_items,
			       st_wal.st_size / 1e6);
		}
	}

	t0 = now_s();
	if (capture_import_file(s, &o, corpus, &r, &e))
		goto fail;
	t1 = now_s();
	printf("re-import (idempotent): %lld unchanged in %.2f s: %.0f items/s\n",
	       (long long)r.unchanged, t1 - t0, r.unchanged / (t1 - t0));

	for (size_t k = 0; k < 2; k++) {
		int nq = 200;
		long hits = 0;

		for (int i = 0; i < nq; i++) {
			struct item_filter fl = {.org_id = o.org, .newest_first = 1, .limit = 20};
			char q[128];
			long rows = 0;

			if (k == 0)
				snprintf(q, sizeof(q), "%s", words[next() % NWORDS]);
			else
				snprintf(q, sizeof(q), "%s %s", words[next() % NWORDS],
				         words[next() % NWORDS]);
			fl.query = q;
			if (i % 2)
				fl.direction = "inkommen";
			t0 = now_s();
			if (items_each(s, &fl, count_row, &rows, &e))
				goto fail;
			lat[i] = (now_s() - t0) * 1000;
			hits += rows;
		}
		qsort(lat, (size_t)nq, sizeof(double), cmp_double);
		printf("search over %ld items, %s, newest 20: p50 %.2f ms, p95 %.2f ms, max %.2f "
		       "ms "
		       "(%ld rows returned)\n",
		       n_items, k == 0 ? "one word" : "two words", lat[nq / 2], lat[nq * 95 / 100],
		       lat[nq - 1], hits);
	}
	store_free(s);
	s = NULL;

	/* The same million listed newest first, into a new database: the
	 * search index must then be fed in time order, not in id order. */
	{
		char reversed[600], data2[600];
		pid_t pid;
		int status = 0;

		snprintf(reversed, sizeof(reversed), "%s/reversed.jsonl", dir);
		snprintf(data2, sizeof(data2), "%s/var2", dir);
		pid = fork();
		if (pid == 0)
			_exit(write_reversed(corpus, reversed) ? 1 : 0);
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_capture: cannot write the reversed corpus\n");
			return 1;
		}
		if (open_store(&s, data2, &o, &e))
			goto fail;
		t0 = now_s();
		if (capture_import_file(s, &o, reversed, &r, &e))
			goto fail;
		t1 = now_s();
		printf("import, the same items listed newest first: %lld new in %.2f s: %.0f "
		       "items/s\n",
		       (long long)r.new_items, t1 - t0, r.new_items / (t1 - t0));
		store_free(s);
	}
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
fail:
	fprintf(stderr, "bench_capture: %s\n", e.msg);
	store_free(s);
	return 1;
}
