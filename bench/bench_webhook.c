/* Benchmark of the webhook path without the network: checking
 * X-Hub-Signature-256 over a typical delivery, storing deliveries durably
 * (synchronous=FULL, one commit each), recognising repeats, and importing
 * stored deliveries. Prints figures; asserts nothing. Wall-clock time for the
 * store (fsync is the cost), CPU time for the signature check. */
#include "base/hash.h"
#include "http/webhook.h"
#include "base/time.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store/webhooks.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SECRET "bench-app-secret"
#define PAGE   "104857392011234"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One comment delivery in Meta's shape; i makes each body distinct. */
static int delivery(char *out, size_t cap, long i)
{
	return snprintf(out, cap,
	                "{\"object\":\"page\",\"entry\":[{\"id\":\"" PAGE "\",\"time\":%ld,"
	                "\"changes\":[{\"field\":\"feed\",\"value\":{\"from\":{\"id\":\"7%06ld\","
	                "\"name\":\"Invånare %ld\"},\"post\":{\"status_type\":\"added_photos\","
	                "\"is_published\":true,\"updated_time\":\"2026-01-10T09:20:00+0000\","
	                "\"permalink_url\":\"https://www.facebook.com/" PAGE "/posts/580001\","
	                "\"promotion_status\":\"inactive\",\"id\":\"" PAGE "_580001\"},"
	                "\"message\":\"Hej! När öppnar återvinningscentralen i helgen? Och tar ni "
	                "emot trädgårdsavfall även på söndagar? Tack på förhand. (%ld)\","
	                "\"post_id\":\"" PAGE "_580001\",\"comment_id\":\"580001_%ld\","
	                "\"created_time\":%ld,\"item\":\"comment\",\"parent_id\":\"" PAGE
	                "_580001\",\"verb\":\"add\"}}]}]}",
	                1767000000 + i, i, i, i, 100000 + i, 1767000000 + i);
}

int main(void)
{
	char dir[] = "/tmp/kv-bench-webhook.XXXXXX";
	char body[4096], header[80], hex[HASH_SHA256_HEX_LEN + 1];
	uint8_t mac[HASH_SHA256_LEN];
	struct principal who;
	struct op_ctx op;
	struct store *s = NULL;
	struct err e;
	int64_t org = 0, id = 0, acc = 0;
	int added, len;
	const long n_verify = 200000, n_store = 1000, n_import = 1000;
	double t0, t1;
	long ok = 0;

	if (hash_init() || !mkdtemp(dir))
		return 1;

	/* Signature check of one delivery, repeated. */
	len = delivery(body, sizeof(body), 1);
	hash_hmac_sha256(mac, SECRET, strlen(SECRET), body, (size_t)len);
	hash_hex(hex, mac, sizeof(mac));
	snprintf(header, sizeof(header), "sha256=%s", hex);
	t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	for (long i = 0; i < n_verify; i++)
		ok += webhook_verify_signature(header, SECRET, body, (size_t)len, &e) == KV_OK;
	t1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	printf("signature check, %d-byte body: %.0f checks/s (%.2f us each, %ld ok), CPU time\n",
	       len, (double)n_verify / (t1 - t0), (t1 - t0) / (double)n_verify * 1e6, ok);

	principal_init_shell(&who, "bench");
	if (store_open(&s, dir, &e))
		goto fail;
	op_ctx_init(&op, s, 0, &who, time_now());
	if (registry_init(&op, "Benchby kommun", &org, &e))
		goto fail;
	op.org = org;
	{
		struct account_input in = {.platform = "facebook",
		                           .handle = "benchby",
		                           .unit = "Enheten",
		                           .platform_id = PAGE};

		if (registry_unit_add(&op, "Enheten", NULL, &acc, &e) ||
		    registry_account_add(&op, &in, &acc, &e))
			goto fail;
	}

	/* Durable inserts: each one commits with an fsync of the WAL. */
	t0 = clock_s(CLOCK_MONOTONIC);
	for (long i = 0; i < n_store; i++) {
		len = delivery(body, sizeof(body), i);
		if (webhooks_insert(s, org, "meta", body, (size_t)len, header, 1767000000 + i, &id,
		                    &added, &e))
			goto fail;
	}
	t1 = clock_s(CLOCK_MONOTONIC);
	printf("durable insert (synchronous=FULL, %s): %.0f deliveries/s (%.2f ms each)\n", dir,
	       (double)n_store / (t1 - t0), (t1 - t0) / (double)n_store * 1e3);

	/* Repeats: recognised by the body's SHA-256, nothing written. */
	t0 = clock_s(CLOCK_MONOTONIC);
	for (long i = 0; i < n_store; i++) {
		len = delivery(body, sizeof(body), i);
		if (webhooks_insert(s, org, "meta", body, (size_t)len, header, 1767000000 + i, &id,
		                    &added, &e) ||
		    added)
			goto fail;
	}
	t1 = clock_s(CLOCK_MONOTONIC);
	printf("repeated delivery recognised: %.0f/s (%.2f ms each)\n", (double)n_store / (t1 - t0),
	       (t1 - t0) / (double)n_store * 1e3);

	/* Importing stored deliveries, as the worker does. */
	{
		struct webhook_result *r = malloc(sizeof(*r));
		long done = 0;

		if (!r)
			goto fail;
		t0 = clock_s(CLOCK_MONOTONIC);
		for (int64_t d = 1; d <= n_import; d++) {
			if (webhook_process(s, d, 1, "bench", NULL, r, &e)) {
				free(r);
				goto fail;
			}
			done += r->ok;
		}
		t1 = clock_s(CLOCK_MONOTONIC);
		free(r);
		printf("import of stored deliveries: %.0f deliveries/s (%.2f ms each, %ld ok)\n",
		       (double)n_import / (t1 - t0), (t1 - t0) / (double)n_import * 1e3, done);
	}
	store_free(s);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
fail:
	fprintf(stderr, "bench_webhook: %s\n", e.msg);
	store_free(s);
	return 1;
}
