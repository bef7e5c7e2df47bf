/* GDPR benchmark: a store with one account's posts and N comments by a
 * thousand authors, every hundredth with a phone number (screened as
 * contact), every tenth edited once, all in the search index; then finding
 * one person by name, by phone number and by personnummer, and a dry-run
 * erasure under a plan that lets comments go at once. Prints figures;
 * asserts nothing. KV_BENCH_ITEMS sets the number of comments (default
 * 200,000). */
#include "base/hash.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/gdpr.h"
#include "records/retention.h"
#include "registry/registry.h"
#include "store/items.h"
#include "store/screening_rows.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int put(struct store *s, int64_t org, int64_t account, const struct items_batch *b,
               const char *id, const char *parent, const char *author, int64_t at, const char *text,
               int64_t *out, struct err *e)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .parent_id = parent,
	                  .root_id = parent,
	                  .kind = parent ? ITEM_COMMENT : ITEM_POST,
	                  .author_id = author,
	                  .author_name = author,
	                  .author_is_account = parent == NULL,
	                  .created_at = at,
	                  .text = text,
	                  .source = "bench"};
	struct item_write w = {.org_id = org,
	                       .account_id = account,
	                       .it = &it,
	                       .upprattad = parent == NULL,
	                       .captured_at = at + 60,
	                       .batch = b};
	struct item_put_result r;
	int rc = items_put(s, &w, &r, e);

	*out = r.id;
	return rc;
}

static int timed(const char *what, const struct op_ctx *op, const struct gdpr_subject *subj)
{
	struct err e = {0};
	json_t *res = NULL;
	double t0 = now_s(), t1;

	if (gdpr_find(op, subj, 0, &res, &e)) {
		fprintf(stderr, "bench_gdpr: %s\n", e.msg);
		return 1;
	}
	t1 = now_s();
	printf("gdpr find %s: %lld places in %.3f s\n", what,
	       (long long)json_integer_value(json_object_get(res, "total")), t1 - t0);
	json_decref(res);
	return 0;
}

int main(void)
{
	const char *env = getenv("KV_BENCH_ITEMS");
	long n = env ? strtol(env, NULL, 10) : 200000;
	char dir[] = "/tmp/kvbench-gdpr.XXXXXX", data[512];
	struct account_input in = {.platform = "facebook", .handle = "benchby", .unit = "K"};
	struct gdpr_subject by_name = {.name = "Person 77"}, by_phone = {.phone = "070-100 07 70"},
	                    by_pnr = {.personnummer = "811228-9874"};
	struct gdpr_erase_opts dry = {.reason = "bench", .dry_run = 1};
	struct store *s = NULL;
	struct err e = {0};
	struct principal who;
	struct op_ctx op;
	struct items_batch b;
	int64_t account = 0, version = 0, id = 0, t = 1767225600; /* 2026-01-01 */
	char pid[32], parent[32], author[32], text[200];
	json_t *res = NULL;
	double t0, t1;
	static const char plan[] = "[organisation]\n"
	                           "upprattade | bevaras | nej | bench\n"
	                           "inkomna | gallras omedelbart | nej | bench\n";

	if (n <= 0 || !mkdtemp(dir) || hash_init())
		return 1;
	snprintf(data, sizeof(data), "%s/var", dir);
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
			snprintf(text, sizeof(text), "Nytt från kommunen, del %ld", i / 10);
			if (put(s, op.org, account, &b, parent, NULL, "benchby", t + i, text, &id,
			        &e))
				goto fail;
		}
		snprintf(pid, sizeof(pid), "c%ld", i);
		snprintf(author, sizeof(author), "Person %ld", i % 1000);
		if (i % 100 == 0)
			snprintf(text, sizeof(text),
			         "Ring mig på 070-100 %02ld %02ld, hälsningar %s", (i / 100) % 100,
			         i % 1000 / 10, author);
		else
			snprintf(text, sizeof(text), "Synpunkt %ld om parken och biblioteket", i);
		if (put(s, op.org, account, &b, pid, parent, author, t + i, text, &id, &e))
			goto fail;
		if (i % 100 == 0) {
			struct flag_row f = {"contact", 1.0, "detect.phone", 12, 26, "070-100"};

			if (screening_row_put(s, id, 1, "bench", 0, "contact", &f, 1, t, &e))
				goto fail;
		}
	}
	if (items_batch_end(s, &b, &e) ||
	    store_exec(s,
	               "INSERT INTO item_version_more (item_id, version, text, sha256, captured_at)"
	               " SELECT id, 2, text || ' (ändrad)', v1_sha256, captured_at FROM item"
	               " WHERE kind = 'comment' AND id % 10 = 0;"
	               "UPDATE item SET v1_text = text, versions = 2"
	               " WHERE kind = 'comment' AND id % 10 = 0;",
	               &e) ||
	    store_commit(s, &e))
		goto fail;
	store_set_cache(s, STORE_CACHE_DEFAULT, &e);
	t1 = now_s();
	printf("gdpr corpus: %ld comments by 1000 authors and %ld posts stored in %.1f s\n", n,
	       (n + 9) / 10, t1 - t0);
	if (timed("--name", &op, &by_name) || timed("--phone", &op, &by_phone) ||
	    timed("--personnummer", &op, &by_pnr))
		goto fail;
	if (retention_load(&op, "bench-plan", plan, strlen(plan), &version, &e))
		goto fail;
	t0 = now_s();
	if (gdpr_erase(&op, &by_name, &dry, &res, &e))
		goto fail;
	t1 = now_s();
	printf("gdpr erase --name --dry-run: %zu would go, %zu stay, %.3f s\n",
	       json_array_size(json_object_get(res, "erased")),
	       json_array_size(json_object_get(res, "kept")), t1 - t0);
	json_decref(res);
	store_free(s);
	return 0;
fail:
	fprintf(stderr, "bench_gdpr: %s\n", e.msg);
	store_free(s);
	return 1;
}
