/* Culling benchmark: a store with one account's posts (kept) and N comments
 * (culled), every tenth comment edited once, all in the search index; then
 * the dry run and the real cull by a plan that lets the comments go at once.
 * Prints figures; asserts nothing. KV_BENCH_ITEMS sets the number of comments
 * (default 1,000,000); there is one post per ten comments. */
#include "base/hash.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/cull.h"
#include "records/retention.h"
#include "registry/registry.h"
#include "store/items.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long)sb.st_size : 0;
}

static int put(struct store *s, int64_t org, int64_t account, const struct items_batch *b,
               const char *id, const char *parent, int own, int64_t at, const char *text,
               struct err *e)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .parent_id = parent,
	                  .root_id = parent,
	                  .kind = parent ? ITEM_COMMENT : ITEM_POST,
	                  .author_is_account = own,
	                  .created_at = at,
	                  .text = text,
	                  .source = "bench"};
	struct item_write w = {.org_id = org,
	                       .account_id = account,
	                       .it = &it,
	                       .upprattad = own,
	                       .captured_at = at + 60,
	                       .batch = b};
	struct item_put_result r;

	return items_put(s, &w, &r, e);
}

int main(void)
{
	static const char *const words[] = {"kommunen",      "förskolan", "biblioteket",
	                                    "snöröjningen",  "bygglov",   "parken",
	                                    "äldreomsorgen", "trafiken"};
	const char *env = getenv("KV_BENCH_ITEMS");
	long n = env ? strtol(env, NULL, 10) : 1000000;
	char dir[] = "/tmp/kvbench-cull.XXXXXX", data[512], db[600];
	struct account_input in = {.platform = "facebook", .handle = "benchby", .unit = "K"};
	struct store *s = NULL;
	struct err e = {0};
	struct principal who;
	struct op_ctx op;
	struct cull_opts o = {0};
	struct cull_report rep = {0};
	struct items_batch b;
	int64_t account = 0, version = 0, t = 1767225600; /* 2026-01-01 */
	char id[32], parent[32], text[200];
	double t0, t1;
	static const char plan[] = "[organisation]\n"
	                           "upprattade | bevaras | nej | bench\n"
	                           "inkomna | gallras omedelbart | nej | bench\n";

	if (n <= 0 || !mkdtemp(dir) || hash_init())
		return 1;
	snprintf(data, sizeof(data), "%s/var", dir);
	snprintf(db, sizeof(db), "%s/kanalvakt.db", data);
	principal_init_shell(&who, "bench");
	if (store_open(&s, data, &e))
		goto fail;
	op_ctx_init(&op, s, 0, &who, time_now());
	if (registry_init(&op, "Benchby kommun", &op.org, &e) ||
	    registry_unit_add(&op, "K", NULL, NULL, &e) ||
	    registry_account_add(&op, &in, &account, &e))
		goto fail;
	t0 = now_s();
	store_set_cache(s, (int64_t)1 << 30, &e);
	if (store_begin(s, &e) || items_batch_begin(s, &b, &e))
		goto fail;
	for (long i = 0; i < n; i++) {
		if (i % 10 == 0) {
			snprintf(parent, sizeof(parent), "p%ld", i / 10);
			snprintf(text, sizeof(text), "Nytt om %s", words[(i / 10) % 8]);
			if (put(s, op.org, account, &b, parent, NULL, 1, t + i, text, &e))
				goto fail;
		}
		snprintf(id, sizeof(id), "c%ld", i);
		snprintf(text, sizeof(text), "Synpunkt %ld om %s och %s", i, words[i % 8],
		         words[(i / 8) % 8]);
		if (put(s, op.org, account, &b, id, parent, 0, t + i, text, &e))
			goto fail;
	}
	if (items_batch_end(s, &b, &e))
		goto fail;
	/* Every tenth comment with a second version, written as rows: an edit
	 * through items_put reads the item_version view, which costs a pass
	 * over the item table per edit on this version of the store. */
	if (store_exec(s,
	               "INSERT INTO item_version_more (item_id, version, text, sha256, captured_at)"
	               " SELECT id, 2, text, v1_sha256, captured_at FROM item"
	               " WHERE kind = 'comment' AND id % 10 = 0;"
	               "UPDATE item SET versions = 2 WHERE kind = 'comment' AND id % 10 = 0;",
	               &e) ||
	    store_commit(s, &e))
		goto fail;
	store_set_cache(s, STORE_CACHE_DEFAULT, &e);
	t1 = now_s();
	printf("cull corpus: %ld comments (%ld edited) and %ld posts stored in %.1f s; database "
	       "%.0f MB\n",
	       n, (n + 9) / 10, (n + 9) / 10, t1 - t0, file_size(db) / 1e6);

	op.now = t + n + 86400;
	if (retention_load(&op, "bench-plan", plan, strlen(plan), &version, &e))
		goto fail;
	o.dry_run = 1;
	t0 = now_s();
	if (cull_run(&op, &o, &rep, &e))
		goto fail;
	t1 = now_s();
	printf("cull --dry-run: %lld of %ld items would go, %.1f s (%.0f items/s read and "
	       "classified)\n",
	       (long long)rep.removed, n + (n + 9) / 10, t1 - t0, (n + (n + 9) / 10) / (t1 - t0));
	cull_report_done(&rep);
	o.dry_run = 0;
	t0 = now_s();
	if (cull_run(&op, &o, &rep, &e))
		goto fail;
	t1 = now_s();
	printf("cull: %lld items, %lld versions, %lld search entries removed in %lld batches of "
	       "1000, %.1f s (%.0f items/s); database %.0f MB (pages are reused, not returned)\n",
	       (long long)rep.removed, (long long)rep.versions, (long long)rep.fts,
	       (long long)rep.batches, t1 - t0, rep.removed / (t1 - t0), file_size(db) / 1e6);
	cull_report_done(&rep);
	store_free(s);
	return 0;
fail:
	fprintf(stderr, "bench_cull: %s\n", e.msg);
	store_free(s);
	return 1;
}
