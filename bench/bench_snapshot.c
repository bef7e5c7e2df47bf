/* The periodic snapshot of an account with 10,000 captured items (posts with
 * three comments each, every tenth post with a JPEG): time to write the
 * PDF/A-1b, its pages and size, and whether Apache PDFBox Preflight accepts
 * it (goal: under 30 s, valid). KV_BENCH_SNAPSHOT_ITEMS changes the count.
 * Prints figures; asserts nothing. */
#include "base/buf.h"
#include "base/hash.h"
#include "capture/import.h"
#include "model/op_ctx.h"
#include "records/records_snapshot.h"
#include "registry/registry.h"
#include "store/blob.h"
#include "store/media_rows.h"
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

static const char *iso(long t, char *out)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

static int write_corpus(const char *path, long n)
{
	char ts[32];

	FILE *f = fopen(path, "w");
	long posts = n / 4, k = 0;

	if (!f)
		return -1;
	for (long p = 0; p < posts && k < n; p++) {
		long t = 1767225600 + p * 3600; /* from 2026-01-01, one post an hour */
		char media[128] = "";
		if (p % 10 == 0)
			snprintf(media, sizeof(media),
			         ",\"media\":[{\"url\":\"https://media.example/%ld.jpg\",\"type\":"
			         "\"photo\"}]",
			         p);
		fprintf(f,
		        "{\"id\":\"p%ld\",\"platform\":\"facebook\",\"kind\":\"post\",\"author\":{"
		        "\"id\":"
		        "\"page\",\"name\":\"Benchby "
		        "kommun\",\"is_account\":true},\"created_at\":\"%s\","
		        "\"text\":\"Inlägg %ld: välkommen till höstens öppna förskola på "
		        "Ängsvägen, "
		        "vi bjuder på kaffe och bullar.\"%s}\n",
		        p, iso(t, ts), p, media);
		k++;
		for (int c = 0; c < 3 && k < n; c++, k++)
			fprintf(f,
			        "{\"id\":\"c%ld_%d\",\"platform\":\"facebook\",\"kind\":\"%s\","
			        "\"parent_id\":\"%s%ld%s\",\"root_id\":\"p%ld\",\"author\":{\"id\":"
			        "\"u%ld\","
			        "\"name\":\"Person "
			        "%ld\"},\"created_at\":\"%s\",\"text\":\"Kommentar %d: "
			        "när öppnar ni på lördagar? Vi är många som undrar över "
			        "tiderna.\"}\n",
			        p, c, c == 2 ? "reply" : "comment", c == 2 ? "c" : "p", p,
			        c == 2 ? "_0" : "", p, (p * 3 + c) % 997, (p * 3 + c) % 997,
			        iso(t + 600 * (c + 1), ts), c);
	}
	return fclose(f);
}

struct fetch_ctx {
	struct store *s;
	const char *sha;
	int64_t bytes;
	int n;
};

static int mark_fetched(void *ctx, const struct media_row *m)
{
	struct fetch_ctx *c = ctx;
	struct err e = {0};

	c->n++;
	return media_row_fetched(c->s, m->id, c->sha, c->bytes, 1, &e);
}

int main(void)
{
	const char *env = getenv("KV_BENCH_SNAPSHOT_ITEMS");
	long n = env ? strtol(env, NULL, 10) : 10000;
	char dir[] = "/tmp/kvbench-snap.XXXXXX", corpus[512], data[512], out[600], cmd[8192];
	struct principal who;
	struct op_ctx op = {0};
	struct account_input in = {0};
	struct import_opts o = {0};
	struct import_report r;
	struct snapshot_result res;
	struct store *s = NULL;
	struct err e = {0};
	int64_t acct = 0;
	char sha[65];
	struct buf jpg;

	if (n <= 0 || !mkdtemp(dir) || hash_init())
		return 1;
	snprintf(corpus, sizeof(corpus), "%s/corpus.jsonl", dir);
	snprintf(data, sizeof(data), "%s/var", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	if (write_corpus(corpus, n))
		return 1;
	principal_init_shell(&who, "bench");
	op.who = &who;
	if (store_open(&s, data, &e))
		goto fail;
	op.store = s;
	in.platform = "facebook";
	in.handle = "benchby";
	in.name = "Benchby";
	in.unit = "Kommunikation";
	if (registry_init(&op, "Benchby kommun", &op.org, &e) ||
	    registry_unit_add(&op, "Kommunikation", NULL, NULL, &e) ||
	    registry_account_add(&op, &in, &acct, &e))
		goto fail;
	o.org = op.org;
	o.account_id = acct;
	o.actor = "bench";
	o.format = PARSE_JSONL;
	if (capture_import_file(s, &o, corpus, &r, &e))
		goto fail;
	/* The pictures, as media fetch would have stored them. */
	{
		FILE *f = fopen(KV_SOURCE_DIR "/tests/fixtures/images/gradient.jpg", "rb");
		char chunk[4096];
		size_t got;
		buf_init(&jpg, 1 << 20);
		while (f && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_put(&jpg, chunk, got);
		if (f)
			fclose(f);
		struct fetch_ctx fc = {s, sha, (int64_t)jpg.len, 0};
		if (blob_put(s, jpg.ptr, jpg.len, sha, &e) ||
		    media_row_pending(s, op.org, 5, 1000000, mark_fetched, &fc, &e))
			goto fail;
		buf_done(&jpg);
	}
	op.now = 1782864000; /* 2026-07-01 */
	double t0 = now_s();
	if (records_snapshot_take(&op, acct, "2026-06-30", out, "manual", NULL, &res, &e))
		goto fail;
	double t = now_s() - t0;
	printf("snapshot of %lld items: %.2f s (goal < 30 s), %d pages, %.1f MB\n",
	       (long long)res.items, t, res.pages, res.bytes / 1e6);
	snprintf(cmd, sizeof(cmd), "%s/scripts/pdfa-preflight '%s' >/dev/null 2>&1", KV_SOURCE_DIR,
	         res.path);
	t0 = now_s();
	int valid = system(cmd) == 0;
	printf("Preflight PDF/A-1b: %s (%.1f s to check)\n", valid ? "valid" : "NOT VALID",
	       now_s() - t0);
	store_free(s);
	/* KV_BENCH_KEEP leaves the directory for a look at the file. */
	if (getenv("KV_BENCH_KEEP")) {
		printf("kept %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
fail:
	fprintf(stderr, "bench_snapshot: %s\n", e.msg);
	store_free(s);
	return 1;
}
