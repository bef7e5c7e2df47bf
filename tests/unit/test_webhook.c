/* Tests for http/webhook (signature and token checks, processing a stored
 * delivery), store/webhooks (insert once, list, mark) and the listen address
 * parser of http/server. */
#include "testlib.h"

#include "base/hash.h"
#include "http/server.h"
#include "http/webhook.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store/webhooks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* RFC 4231 test case 2: an HMAC-SHA-256 computed elsewhere. */
#define RFC_KEY  "Jefe"
#define RFC_DATA "what do ya want for nothing?"
#define RFC_MAC  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

static void signature_good(void)
{
	struct err e;

	CHECK_INT(hash_init(), KV_OK);
	err_clear(&e);
	CHECK_INT(webhook_verify_signature("sha256=" RFC_MAC, RFC_KEY, RFC_DATA, strlen(RFC_DATA),
	                                   &e),
	          KV_OK);
}

static void signature_uppercase_hex_accepted(void)
{
	char header[80];
	struct err e;

	snprintf(header, sizeof(header), "sha256=%s", RFC_MAC);
	for (char *p = header + 7; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	CHECK_INT(webhook_verify_signature(header, RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e), KV_OK);
}

static void signature_forged(void)
{
	char header[80];
	struct err e;

	/* One flipped digit. */
	snprintf(header, sizeof(header), "sha256=%s", RFC_MAC);
	header[20] = header[20] == '0' ? '1' : '0';
	CHECK_INT(webhook_verify_signature(header, RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "does not match");
	/* The right MAC under another secret, and over another body. */
	CHECK_INT(
	        webhook_verify_signature("sha256=" RFC_MAC, "Jeff", RFC_DATA, strlen(RFC_DATA), &e),
	        KV_EDENIED);
	CHECK_INT(webhook_verify_signature("sha256=" RFC_MAC, RFC_KEY, RFC_DATA,
	                                   strlen(RFC_DATA) - 1, &e),
	          KV_EDENIED);
	/* The message never reveals the expected MAC. */
	CHECK(strstr(e.msg, RFC_MAC) == NULL);
}

static void signature_missing(void)
{
	struct err e;

	CHECK_INT(webhook_verify_signature(NULL, RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "no X-Hub-Signature-256");
	CHECK_INT(webhook_verify_signature("", RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EDENIED);
}

static void signature_malformed(void)
{
	struct err e;
	uint8_t mac[HASH_SHA256_LEN];

	CHECK_INT(webhook_verify_signature("sha256=zz", RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected 64 hex digits");
	CHECK_INT(webhook_verify_signature(RFC_MAC, RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "does not start with");
	CHECK_INT(
	        webhook_verify_signature("sha1=" RFC_MAC, RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	        KV_EINVAL);
	CHECK_INT(webhook_verify_signature("SHA256=" RFC_MAC, RFC_KEY, RFC_DATA, strlen(RFC_DATA),
	                                   &e),
	          KV_EINVAL);
	/* 64 characters, one of them not hex: the offset is named. */
	CHECK_INT(webhook_parse_signature(mac,
	                                  "sha256=5bdcc146bf60754e6a042426089575c75a003f089d27"
	                                  "39839dec58b964ec38zz",
	                                  71, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "byte 69 is not a hex digit");
	/* A NUL inside the counted length is not a digit either. */
	CHECK_INT(webhook_parse_signature(mac, "sha256=\0" RFC_MAC, 71, &e), KV_EINVAL);
}

static void signature_wrong_length(void)
{
	struct err e;

	CHECK_INT(webhook_verify_signature("sha256=" RFC_MAC "00", RFC_KEY, RFC_DATA,
	                                   strlen(RFC_DATA), &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "66 characters");
	CHECK_INT(webhook_verify_signature("sha256=5bdcc146", RFC_KEY, RFC_DATA, strlen(RFC_DATA),
	                                   &e),
	          KV_EINVAL);
	CHECK_INT(webhook_verify_signature("sha256=", RFC_KEY, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EINVAL);
	/* A header with trailing space is not silently trimmed. */
	CHECK_INT(webhook_verify_signature("sha256=" RFC_MAC " ", RFC_KEY, RFC_DATA,
	                                   strlen(RFC_DATA), &e),
	          KV_EINVAL);
}

static void signature_needs_a_secret(void)
{
	struct err e;
	uint8_t mac[HASH_SHA256_LEN];
	char header[80], hex[65];

	/* With an empty secret even a MAC computed with the empty key fails. */
	hash_hmac_sha256(mac, "", 0, RFC_DATA, strlen(RFC_DATA));
	hash_hex(hex, mac, sizeof(mac));
	snprintf(header, sizeof(header), "sha256=%s", hex);
	CHECK_INT(webhook_verify_signature(header, "", RFC_DATA, strlen(RFC_DATA), &e), KV_EDENIED);
	CHECK_INT(webhook_verify_signature(header, NULL, RFC_DATA, strlen(RFC_DATA), &e),
	          KV_EDENIED);
}

static void parse_signature_bytes(void)
{
	uint8_t mac[HASH_SHA256_LEN];
	char hex[65];
	struct err e;

	CHECK_INT(webhook_parse_signature(mac, "sha256=" RFC_MAC, 71, &e), KV_OK);
	hash_hex(hex, mac, sizeof(mac));
	CHECK_STR(hex, RFC_MAC);
}

static void verify_token(void)
{
	CHECK(webhook_token_matches("abc-123", "abc-123"));
	CHECK(!webhook_token_matches("abc-124", "abc-123"));
	CHECK(!webhook_token_matches("abc-12", "abc-123"));
	CHECK(!webhook_token_matches(NULL, "abc-123"));
	CHECK(!webhook_token_matches("", ""));
	CHECK(!webhook_token_matches("x", NULL));
}

static void listen_addresses(void)
{
	char host[64];
	unsigned port = 1;
	struct err e;

	CHECK_INT(server_parse_listen("127.0.0.1:8080", host, sizeof(host), &port, &e), KV_OK);
	CHECK_STR(host, "127.0.0.1");
	CHECK_INT(port, 8080);
	CHECK_INT(server_parse_listen("[::1]:0", host, sizeof(host), &port, &e), KV_OK);
	CHECK_STR(host, "::1");
	CHECK_INT(port, 0);
	CHECK_INT(server_parse_listen("localhost", host, sizeof(host), &port, &e), KV_EINVAL);
	CHECK_INT(server_parse_listen("127.0.0.1:65536", host, sizeof(host), &port, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "0 to 65535");
	CHECK_INT(server_parse_listen("127.0.0.1:", host, sizeof(host), &port, &e), KV_EINVAL);
	CHECK_INT(server_parse_listen(":80", host, sizeof(host), &port, &e), KV_EINVAL);
	CHECK_INT(server_parse_listen("[::1:80", host, sizeof(host), &port, &e), KV_EINVAL);
	CHECK_INT(server_parse_listen("1.2.3.4:8x", host, sizeof(host), &port, &e), KV_EINVAL);
}

/* ---- the store and processing ---- */

struct collected {
	int n;
	char status[16];
	char error[256];
	size_t len;
	int body_ok;
};

static int collect(void *arg, const struct webhook_row *r)
{
	struct collected *c = arg;

	c->n++;
	snprintf(c->status, sizeof(c->status), "%s", r->status);
	snprintf(c->error, sizeof(c->error), "%s", r->error ? r->error : "");
	c->len = r->body_len;
	c->body_ok = r->body != NULL;
	return 0;
}

static struct store *open_org(int64_t *org, int with_account)
{
	struct store *s = NULL;
	struct err e;

	CHECK_INT(hash_init(), KV_OK);
	CHECK_INT(store_open(&s, test_tmpdir(), &e), KV_OK);
	CHECK_INT(registry_init(test_op(s, 0, "test"), "Exempelby kommun", org, &e), KV_OK);
	if (with_account) {
		struct op_ctx op = *test_op(s, *org, "test");
		struct account_input in = {.platform = "facebook",
		                           .handle = "exempelby",
		                           .unit = "Enheten",
		                           .platform_id = "104857392011234"};
		int64_t id;

		CHECK_INT(registry_unit_add(&op, "Enheten", NULL, &id, &e), KV_OK);
		CHECK_INT(registry_account_add(&op, &in, &id, &e), KV_OK);
	}
	return s;
}

static void store_insert_once(void)
{
	struct store *s;
	struct webhook_filter f = {0};
	struct collected c = {0};
	int64_t org = 0, id1 = 0, id2 = 0, id3 = 0;
	int added = -1;
	struct err e;

	s = open_org(&org, 0);
	CHECK_INT(
	        webhooks_insert(s, org, "meta", "{\"a\":1}", 7, "sha256=x", 100, &id1, &added, &e),
	        KV_OK);
	CHECK_INT(added, 1);
	CHECK_INT(
	        webhooks_insert(s, org, "meta", "{\"a\":1}", 7, "sha256=y", 200, &id2, &added, &e),
	        KV_OK);
	CHECK_INT(added, 0);
	CHECK_INT(id2, id1);
	CHECK_INT(webhooks_insert(s, org, "meta", "{\"a\":2}", 7, NULL, 300, &id3, &added, &e),
	          KV_OK);
	CHECK_INT(added, 1);
	CHECK(id3 != id1);
	f.org_id = org;
	CHECK_INT(webhooks_each(s, &f, collect, &c, &e), KV_OK);
	CHECK_INT(c.n, 2);
	CHECK_STR(c.status, "pending");
	CHECK(!c.body_ok);
	/* Inside a transaction durability cannot be promised: refused. */
	CHECK_INT(store_begin(s, &e), KV_OK);
	CHECK_INT(webhooks_insert(s, org, "meta", "{}", 2, NULL, 1, &id3, &added, &e),
	          KV_EINTERNAL);
	store_rollback(s);
	store_free(s);
}

static void store_mark_and_ids(void)
{
	struct store *s;
	struct webhook_filter f = {0};
	struct collected c = {0};
	int64_t org = 0, id = 0, *ids = NULL;
	size_t n = 9;
	int added;
	struct err e;

	s = open_org(&org, 0);
	CHECK_INT(webhooks_insert(s, org, "meta", "one", 3, NULL, 1, &id, &added, &e), KV_OK);
	CHECK_INT(webhooks_insert(s, org, "meta", "two", 3, NULL, 2, &id, &added, &e), KV_OK);
	CHECK_INT(webhooks_mark(s, id, "failed", "broken", 5, &e), KV_OK);
	f.status = "pending";
	CHECK_INT(webhooks_ids(s, &f, &ids, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	CHECK(ids[0] != id);
	free(ids);
	f.status = "failed";
	f.with_body = 1;
	CHECK_INT(webhooks_each(s, &f, collect, &c, &e), KV_OK);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.error, "broken");
	CHECK_INT(c.len, 3);
	CHECK(c.body_ok);
	CHECK_INT(webhooks_mark(s, 999, "done", NULL, 5, &e), KV_ENOTFOUND);
	CHECK_INT(webhooks_mark(s, id, "lost", NULL, 5, &e), KV_EINVAL);
	store_free(s);
}

static void process_imports_and_marks(void)
{
	struct store *s;
	struct webhook_result r;
	struct webhook_filter f = {.status = "done"};
	struct collected c = {0};
	int64_t org = 0, id = 0, count = 0;
	int added;
	size_t len = 0;
	char *body = test_read_file(
	        test_source_path("tests/fixtures/meta/webhook_page_comments.json"), &len);
	struct err e;

	CHECK(body != NULL);
	s = open_org(&org, 1);
	CHECK_INT(webhooks_insert(s, org, "meta", body, len, NULL, 1, &id, &added, &e), KV_OK);
	CHECK_INT(webhook_process(s, id, 0, "test", NULL, &r, &e), KV_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.report.new_items, 3);
	CHECK_INT(webhooks_each(s, &f, collect, &c, &e), KV_OK);
	CHECK_INT(c.n, 1);
	/* Processing again is harmless: nothing new. */
	CHECK_INT(webhook_process(s, id, 0, "test", NULL, &r, &e), KV_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.report.new_items, 0);
	CHECK_INT(store_query_int(s, &count, &e, "SELECT count(*) FROM item", 0, NULL), KV_OK);
	CHECK_INT(count, 3);
	CHECK_INT(webhook_process(s, id + 100, 0, "test", NULL, &r, &e), KV_ENOTFOUND);
	free(body);
	store_free(s);
}

/* Two serve processes' workers on one database, each with its own
 * connection, take up the same pending deliveries at once: each delivery is
 * imported by one of them, the other finds it done and leaves it. */
struct racer {
	struct store *s;
	const int64_t *ids;
	int n;
	int64_t taken, new_items, errors;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct webhook_result res;
	struct err e = {0};

	for (int i = 0; i < r->n; i++) {
		if (webhook_process(r->s, r->ids[i], 1, "racer", NULL, &res, &e) != KV_OK ||
		    !res.ok) {
			r->errors++;
			continue;
		}
		r->taken += res.taken;
		r->new_items += res.report.new_items;
	}
	return NULL;
}

static void pending_deliveries_are_taken_once(void)
{
	struct store *s, *s2 = NULL;
	struct webhook_result r;
	int64_t org = 0, ids[8], count = 0;
	int added;
	size_t len = 0;
	char *body = test_read_file(
	        test_source_path("tests/fixtures/meta/webhook_page_comments.json"), &len);
	struct racer a = {0}, b = {0};
	pthread_t ta, tb;
	struct err e;

	CHECK(body != NULL);
	s = open_org(&org, 1);
	/* Eight deliveries of the same shape, each about a post of its own
	 * (580001 becomes 581000, 581001 …). */
	for (int i = 0; i < 8; i++) {
		char *copy = malloc(len + 1), *p;

		CHECK(copy != NULL);
		memcpy(copy, body, len + 1);
		for (p = copy; (p = strstr(p, "580001")) != NULL; p += 6) {
			char num[8];

			snprintf(num, sizeof(num), "58%04d", 1000 + i);
			memcpy(p, num, 6);
		}
		CHECK_INT(webhooks_insert(s, org, "meta", copy, len, NULL, 1, &ids[i], &added, &e),
		          KV_OK);
		free(copy);
	}
	CHECK_INT(store_open(&s2, test_tmpdir(), &e), KV_OK);
	a = (struct racer){.s = s, .ids = ids, .n = 8};
	b = (struct racer){.s = s2, .ids = ids, .n = 8};
	CHECK_INT(pthread_create(&ta, NULL, race, &a), 0);
	CHECK_INT(pthread_create(&tb, NULL, race, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK_INT(a.errors + b.errors, 0);
	CHECK_INT(a.taken + b.taken, 8);
	CHECK_INT(a.new_items + b.new_items, 24);
	CHECK_INT(store_query_int(s, &count, &e, "SELECT count(*) FROM item", 0, NULL), KV_OK);
	CHECK_INT(count, 24);
	CHECK_INT(store_query_int(s, &count, &e,
	                          "SELECT count(*) FROM webhook_delivery WHERE status = 'done'", 0,
	                          NULL),
	          KV_OK);
	CHECK_INT(count, 8);
	/* A worker finds a done delivery no longer pending and leaves it. */
	CHECK_INT(webhook_process(s, ids[0], 1, "test", NULL, &r, &e), KV_OK);
	CHECK_INT(r.ok, 1);
	CHECK_INT(r.taken, 0);
	CHECK_INT(r.report.new_items + r.report.unchanged, 0);
	store_free(s2);
	store_free(s);
	free(body);
}

static void process_failure_is_recorded(void)
{
	struct store *s;
	struct webhook_result r;
	struct webhook_filter f = {.status = "failed"};
	struct collected c = {0};
	int64_t org = 0, id = 0, count = -1;
	int added;
	struct err e;

	s = open_org(&org, 1);
	CHECK_INT(webhooks_insert(s, org, "meta", "{\"object\":", 10, NULL, 1, &id, &added, &e),
	          KV_OK);
	CHECK_INT(webhook_process(s, id, 0, "test", NULL, &r, &e), KV_OK);
	CHECK_INT(r.ok, 0);
	CHECK_CONTAINS(r.error, "webhook delivery");
	CHECK_INT(webhooks_each(s, &f, collect, &c, &e), KV_OK);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.error, r.error);
	CHECK_INT(store_query_int(s, &count, &e, "SELECT count(*) FROM item", 0, NULL), KV_OK);
	CHECK_INT(count, 0);
	store_free(s);
}

TEST_MAIN(T(signature_good), T(signature_uppercase_hex_accepted), T(signature_forged),
          T(signature_missing), T(signature_malformed), T(signature_wrong_length),
          T(signature_needs_a_secret), T(parse_signature_bytes), T(verify_token),
          T(listen_addresses), T(store_insert_once), T(store_mark_and_ids),
          T(process_imports_and_marks), T(pending_deliveries_are_taken_once),
          T(process_failure_is_recorded))
