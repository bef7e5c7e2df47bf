/* Meta webhooks: the subscription check (GET with hub.mode, hub.verify_token,
 * hub.challenge), signed deliveries (POST with X-Hub-Signature-256, an
 * HMAC-SHA-256 of the raw body under the app secret, compared in constant
 * time), storing each delivery durably before it is acknowledged, and
 * importing stored deliveries (by a background worker, or on demand). Not the
 * parsing of the delivery's JSON (capture/parse_meta_webhook). */
#ifndef KV_HTTP_WEBHOOK_H
#define KV_HTTP_WEBHOOK_H

#include "base/err.h"
#include "base/hash.h"
#include "capture/import.h"
#include "http/server.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct webhook_worker;
struct capture_screener;

#define WEBHOOK_SIG_HEADER "X-Hub-Signature-256"
#define WEBHOOK_SIG_PREFIX "sha256="

/* Parses the value of X-Hub-Signature-256, "sha256=" followed by exactly 64
 * hex digits (either case), into the 32 bytes of the MAC. len is the
 * header's length (it need not be NUL-terminated). KV_EDENIED when the
 * header is missing (NULL or empty); KV_EINVAL when it is malformed, with
 * err saying how (prefix, length, the offset of a bad digit). */
int webhook_parse_signature(uint8_t out[HASH_SHA256_LEN], const char *header, size_t len,
                            struct err *err);

/* Checks header (a C string, NULL when the request had none) against
 * HMAC-SHA-256(body, secret). KV_OK when it matches; KV_EDENIED when the
 * header is missing, the secret is empty (nothing can be verified then) or
 * the MAC does not match; KV_EINVAL when the header is malformed. The
 * message never contains the expected MAC. Pure: no I/O. */
int webhook_verify_signature(const char *header, const char *secret, const void *body, size_t len,
                             struct err *err);

/* Compares a presented verify token with the configured one without an
 * early exit on the first differing byte. 1 when they match, 0 when not or
 * when either is NULL or the configured one is empty. */
int webhook_token_matches(const char *presented, const char *configured);

struct webhook_result {
	int ok;      /* 1 imported and marked done, 0 marked failed */
	int taken;   /* 0 when only_pending found it no longer pending */
	int64_t org; /* the delivery's organisation */
	struct import_report report;
	char error[ERR_MSG_MAX]; /* why it failed, when ok is 0 */
};

/* Imports stored delivery id into its organisation and marks it done, in one
 * transaction; when the import fails, marks it failed with the error (the
 * delivery stays for a retry). Returns KV_OK in both cases, with *out
 * telling which; a negative code only when the delivery cannot be read or
 * marked (KV_ENOTFOUND for an unknown id, KV_EIO). With only_pending (the
 * worker) the delivery is claimed first in that transaction: one that is no
 * longer pending — another serve process on the same database took it — is
 * left alone (out->taken 0, ok 1), so each delivery is imported once
 * however many processes run. */
int webhook_process(struct store *s, int64_t id, int only_pending, const char *actor,
                    struct capture_screener *screener, struct webhook_result *out, struct err *err);

/* The routes' shared state. Strings are borrowed for the server's life. */
struct webhook_ctx {
	int64_t org;                   /* deliveries are stored for this organisation */
	const char *app_secret;        /* [meta] app_secret */
	const char *verify_token;      /* [meta] verify_token; NULL/empty refuses GET */
	struct webhook_worker *worker; /* woken after a new delivery; may be NULL */
};

/* Route handlers for GET and POST /webhooks/meta (ctx is a webhook_ctx). */
int webhook_handle_verify(void *ctx, struct server_req *req, struct err *err);
int webhook_handle_delivery(void *ctx, struct server_req *req, struct err *err);

/* A background thread with its own store connection that imports pending
 * deliveries: all of them at start (so nothing acknowledged before a crash
 * is left behind), then whenever woken, and once a minute. *out owned by the
 * caller (webhook_worker_free). KV_EIO when the store cannot be opened. */
int webhook_worker_start(struct webhook_worker **out, const char *data_dir, const char *actor,
                         const char *rules_dir, server_log_fn log, void *log_ctx, struct err *err);

/* Asks the worker to look for pending deliveries now. Thread-safe. */
void webhook_worker_wake(struct webhook_worker *w);

/* Stops the worker after the delivery in hand, closes its store and frees
 * it. Accepts NULL. */
void webhook_worker_free(struct webhook_worker *w);

#endif
