/* Meta webhooks: signature and token checks (pure functions, unit-tested),
 * the two route handlers, and the import of stored deliveries by a worker
 * thread. A delivery is acknowledged only after it is committed durably;
 * importing it happens afterwards, so a crash in between loses nothing: the
 * row stays pending and the worker takes it up at the next start. */
#include "http/webhook.h"

#include "model/op_ctx.h"

#include "base/time.h"
#include "capture/screener.h"
#include "store/store.h"
#include "store/webhooks.h"
#include "workflow/ingest.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHALLENGE_MAX   1024
#define WORKER_PERIOD_S 60

/* ---- checks ---- */

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int webhook_parse_signature(uint8_t out[HASH_SHA256_LEN], const char *header, size_t len,
                            struct err *err)
{
	const size_t plen = sizeof(WEBHOOK_SIG_PREFIX) - 1;
	uint8_t mac[HASH_SHA256_LEN];
	const char *hex;

	if (!header || len == 0)
		return err_set(err, KV_EDENIED, "the request has no " WEBHOOK_SIG_HEADER " header");
	if (len < plen || memcmp(header, WEBHOOK_SIG_PREFIX, plen) != 0)
		return err_set(err, KV_EINVAL,
		               WEBHOOK_SIG_HEADER " does not start with \"" WEBHOOK_SIG_PREFIX
		                                  "\"");
	if (len - plen != HASH_SHA256_HEX_LEN)
		return err_set(err, KV_EINVAL,
		               WEBHOOK_SIG_HEADER " has %zu characters after \"" WEBHOOK_SIG_PREFIX
		                                  "\", expected %d hex digits",
		               len - plen, HASH_SHA256_HEX_LEN);
	hex = header + plen;
	for (size_t i = 0; i < HASH_SHA256_LEN; i++) {
		int hi = hexval((unsigned char)hex[2 * i]);
		int lo = hexval((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return err_set(err, KV_EINVAL,
			               WEBHOOK_SIG_HEADER ": byte %zu is not a hex digit",
			               plen + 2 * i + (hi < 0 ? 0 : 1));
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(out, mac, sizeof(mac));
	return KV_OK;
}

int webhook_verify_signature(const char *header, const char *secret, const void *body, size_t len,
                             struct err *err)
{
	uint8_t got[HASH_SHA256_LEN], want[HASH_SHA256_LEN];
	int rc;

	if (!secret || !*secret)
		return err_set(err, KV_EDENIED,
		               "no app secret is configured, so no delivery can be verified");
	rc = webhook_parse_signature(got, header, header ? strlen(header) : 0, err);
	if (rc)
		return rc;
	hash_hmac_sha256(want, secret, strlen(secret), body, len);
	if (!hash_equal_ct(got, want, sizeof(want)))
		return err_set(err, KV_EDENIED, WEBHOOK_SIG_HEADER " does not match the body");
	return KV_OK;
}

int webhook_token_matches(const char *presented, const char *configured)
{
	uint8_t a[HASH_SHA256_LEN], b[HASH_SHA256_LEN];

	if (!presented || !configured || !*configured)
		return 0;
	/* Comparing digests takes the same time whatever the lengths. */
	hash_sha256(a, presented, strlen(presented));
	hash_sha256(b, configured, strlen(configured));
	return hash_equal_ct(a, b, sizeof(a));
}

/* ---- processing stored deliveries ---- */

struct loaded {
	int found;
	int nomem;
	int64_t org;
	char source[32];
	char *body;
	size_t len;
};

static int load_row(void *ctx, const struct webhook_row *r)
{
	struct loaded *ld = ctx;

	ld->found = 1;
	ld->org = r->org_id;
	snprintf(ld->source, sizeof(ld->source), "%s", r->source ? r->source : "");
	ld->body = malloc(r->body_len + 1);
	if (!ld->body) {
		ld->nomem = 1;
		return 1;
	}
	if (r->body_len)
		memcpy(ld->body, r->body, r->body_len);
	ld->body[r->body_len] = '\0';
	ld->len = r->body_len;
	return 1;
}

int webhook_process(struct store *s, int64_t id, int only_pending, const char *actor,
                    struct capture_screener *screener, struct webhook_result *out, struct err *err)
{
	struct webhook_filter f = {.id = id, .with_body = 1};
	struct loaded ld = {0};
	struct webhook_result *res = NULL;
	struct import_opts o = {0};
	struct err ierr;
	char name[64];
	int rc, irc;

	res = calloc(1, sizeof(*res));
	if (!res)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = webhooks_each(s, &f, load_row, &ld, err);
	if (rc < 0)
		goto out;
	if (ld.nomem) {
		rc = err_set(err, KV_ENOMEM, "out of memory reading webhook delivery %lld",
		             (long long)id);
		goto out;
	}
	if (!ld.found) {
		rc = err_set(err, KV_ENOTFOUND, "no webhook delivery with id %lld", (long long)id);
		goto out;
	}
	snprintf(name, sizeof(name), "webhook delivery %lld", (long long)id);
	err_clear(&ierr);
	if (ld.org <= 0) {
		irc = err_set(&ierr, KV_EINVAL, "%s: stored without an organisation", name);
	} else if (strcmp(ld.source, "meta") != 0) {
		irc = err_set(&ierr, KV_EINVAL, "%s: unknown source '%s'", name, ld.source);
	} else {
		o.org = ld.org;
		o.format = PARSE_META_WEBHOOK;
		o.actor = actor;
		o.screener = screener;
		/* The import and the status change commit together, so a
		 * delivery is never imported yet still pending, or the reverse. */
		irc = store_begin(s, &ierr);
		res->taken = 1;
		if (!irc && only_pending) {
			int claimed = webhooks_claim(s, id, &ierr);

			if (claimed <= 0) {
				store_rollback(s);
				if (claimed < 0) {
					rc = claimed;
					*err = ierr;
					goto out;
				}
				res->taken = 0;
				res->ok = 1;
				res->org = ld.org;
				memcpy(out, res, sizeof(*out));
				rc = KV_OK;
				goto out;
			}
		}
		if (!irc) {
			irc = capture_import_buffer(s, &o, ld.body, ld.len, name, &res->report,
			                            &ierr);
			if (!irc)
				irc = webhooks_mark(s, id, "done", NULL, time_now(), &ierr);
			if (!irc)
				irc = store_commit(s, &ierr);
			else
				store_rollback(s);
		}
	}
	if (irc) {
		res->ok = 0;
		snprintf(res->error, sizeof(res->error), "%s",
		         ierr.msg[0] ? ierr.msg : err_name(irc));
		rc = webhooks_mark(s, id, "failed", res->error, time_now(), err);
		if (rc)
			goto out;
	} else {
		res->ok = 1;
	}
	res->org = ld.org;
	memcpy(out, res, sizeof(*out));
	rc = KV_OK;
out:
	free(ld.body);
	free(res);
	return rc;
}

/* ---- route handlers ---- */

int webhook_handle_verify(void *ctx, struct server_req *req, struct err *err)
{
	const struct webhook_ctx *wc = ctx;
	const char *mode = server_req_query(req, "hub.mode");
	const char *token = server_req_query(req, "hub.verify_token");
	const char *challenge = server_req_query(req, "hub.challenge");

	if (!wc->verify_token || !*wc->verify_token) {
		server_req_note(req, "verification refused: no verify_token configured");
		return server_reply_error(req, 403, "forbidden",
		                          "webhook verification is not configured");
	}
	if (!mode || strcmp(mode, "subscribe") != 0)
		return server_reply_error(req, 403, "forbidden", "hub.mode must be \"subscribe\"");
	if (!webhook_token_matches(token, wc->verify_token)) {
		server_req_note(req, "verification refused: wrong verify token");
		return server_reply_error(req, 403, "forbidden", "hub.verify_token does not match");
	}
	if (!challenge || !*challenge)
		return server_reply_error(req, 400, "invalid", "hub.challenge is missing");
	if (strlen(challenge) > CHALLENGE_MAX)
		return server_reply_error(req, 400, "invalid",
		                          "hub.challenge is longer than %d bytes", CHALLENGE_MAX);
	server_req_note(req, "subscription verified");
	return server_reply(req, 200, "text/plain; charset=utf-8", challenge, strlen(challenge));
}

int webhook_handle_delivery(void *ctx, struct server_req *req, struct err *err)
{
	const struct webhook_ctx *wc = ctx;
	const char *sig = server_req_header(req, WEBHOOK_SIG_HEADER);
	struct store *s;
	struct err serr;
	const char *body;
	size_t len;
	int64_t id = 0;
	int added = 0, rc;

	body = server_req_body(req, &len);
	err_clear(&serr);
	rc = webhook_verify_signature(sig, wc->app_secret, body, len, &serr);
	if (rc) {
		/* The reason is safe to log and to tell: it never holds the
		 * expected MAC or the secret. */
		server_req_note(req, "refused: %s", serr.msg);
		return server_reply_error(req, 401, "unauthorized", "%s", serr.msg);
	}
	if (len == 0)
		return server_reply_error(req, 400, "invalid", "the request body is empty");
	s = server_req_store(req, err);
	if (!s)
		return err->code ? err->code : KV_EIO;
	rc = webhooks_insert(s, wc->org, "meta", body, len, sig, time_now(), &id, &added, err);
	if (rc)
		return rc;
	server_req_note(req, "delivery %lld %s", (long long)id, added ? "stored" : "repeated");
	if (added && wc->worker)
		webhook_worker_wake(wc->worker);
	return server_reply_json(req, 200,
	                         json_pack("{s:b,s:I,s:b}", "received", 1, "delivery",
	                                   (json_int_t)id, "new", added));
}

/* ---- the worker ---- */

struct webhook_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int kicked; /* guarded by lock */
	int stop;   /* guarded by lock */
	int started;
	struct store *s;
	char *actor;
	struct capture_screener *screener; /* used by the worker thread only */
	server_log_fn log;
	void *log_ctx;
};

static void wlog(struct webhook_worker *w, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void wlog(struct webhook_worker *w, const char *fmt, ...)
{
	char line[1400], now[TIME_ISO_LEN];
	size_t n;
	va_list ap;

	if (!w->log)
		return;
	time_format_utc(now, time_now());
	n = (size_t)snprintf(line, sizeof(line), "%s worker: ", now);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	w->log(w->log_ctx, line);
}

static int stopping(struct webhook_worker *w)
{
	int stop;

	pthread_mutex_lock(&w->lock);
	stop = w->stop;
	pthread_mutex_unlock(&w->lock);
	return stop;
}

/* One delivery of a worker pass, as ingest_run's one source. */
struct delivery_run {
	struct webhook_worker *w;
	int64_t id;
	int handed; /* the source was handed over */
	struct webhook_result *res;
};

static int delivery_step(void *arg, const struct op_ctx *op, struct err *err)
{
	struct delivery_run *d = arg;

	return webhook_process(op->store, d->id, 1, op_ctx_actor(op), d->w->screener, d->res, err);
}

static int delivery_next(void *arg, struct ingest_source *src)
{
	struct delivery_run *d = arg;

	if (d->handed)
		return 0;
	d->handed = 1;
	src->kind = INGEST_STEP;
	src->step = delivery_step;
	src->step_ctx = d;
	return 1;
}

static void delivery_done(void *arg, const struct ingest_source *src, const struct ingest_result *r)
{
	struct delivery_run *d = arg;
	const struct webhook_result *res = d->res;

	(void)src;
	if (r->rc) {
		wlog(d->w, "delivery %lld: %s", (long long)d->id, r->err.msg);
		return;
	}
	if (!res->ok) {
		wlog(d->w, "delivery %lld failed: %s", (long long)d->id, res->error);
		return;
	}
	wlog(d->w,
	     "delivery %lld imported: %lld new, %lld updated, %lld unchanged, %lld "
	     "skipped, %lld events",
	     (long long)d->id, (long long)res->report.new_items, (long long)res->report.updated,
	     (long long)res->report.unchanged, (long long)res->report.skipped,
	     (long long)res->report.events);
}

static int org_of_row(void *ctx, const struct webhook_row *r)
{
	*(int64_t *)ctx = r->org_id;
	return 1;
}

/* The organisation delivery id was stored for (0 when none), read without
 * its body. KV_ENOTFOUND for an unknown id. */
static int delivery_org(struct store *s, int64_t id, int64_t *out, struct err *err)
{
	struct webhook_filter f = {.id = id};
	int64_t org = -1;
	int rc = webhooks_each(s, &f, org_of_row, &org, err);

	if (rc < 0)
		return rc;
	if (org < 0)
		return err_set(err, KV_ENOTFOUND, "no webhook delivery with id %lld",
		               (long long)id);
	*out = org;
	return KV_OK;
}

/* Each delivery is imported and then looked at by the workflow (questions,
 * cases) in one ingest_run; the workflow's failure is logged and leaves the
 * delivery imported. */
static void run_pending(struct webhook_worker *w)
{
	struct webhook_filter f = {.status = "pending"};
	struct webhook_result *res = NULL;
	struct principal who;
	int64_t *ids = NULL;
	size_t n = 0;
	struct err err;

	err_clear(&err);
	if (webhooks_ids(w->s, &f, &ids, &n, &err) != KV_OK) {
		wlog(w, "cannot list pending deliveries: %s", err.msg);
		return;
	}
	principal_init_system(&who, w->actor);
	res = n ? malloc(sizeof(*res)) : NULL;
	for (size_t i = 0; i < n && res && !stopping(w); i++) {
		struct delivery_run d = {.w = w, .id = ids[i], .res = res};
		struct ingest_ops ops = {.next = delivery_next, .done = delivery_done, .ctx = &d};
		struct ingest_report rep;
		struct op_ctx op;
		int64_t org = 0;

		/* The workflow runs over the organisation the delivery was
		 * stored for. */
		err_clear(&err);
		if (delivery_org(w->s, ids[i], &org, &err) != KV_OK) {
			wlog(w, "delivery %lld: %s", (long long)ids[i], err.msg);
			continue;
		}
		memset(res, 0, sizeof(*res));
		op_ctx_init(&op, w->s, org, &who, time_now());
		ingest_run(&op, &ops, &rep);
		if (rep.sync_rc != KV_OK)
			wlog(w, "workflow after a delivery: %s", rep.sync_err.msg);
	}
	free(res);
	free(ids);
}

static void *worker_main(void *arg)
{
	struct webhook_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		if (!w->kicked) {
			struct timespec until;

			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += WORKER_PERIOD_S;
			pthread_cond_timedwait(&w->cond, &w->lock, &until);
		}
		if (w->stop)
			break;
		w->kicked = 0;
		pthread_mutex_unlock(&w->lock);
		run_pending(w);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int webhook_worker_start(struct webhook_worker **out, const char *data_dir, const char *actor,
                         const char *rules_dir, server_log_fn log, void *log_ctx, struct err *err)
{
	struct webhook_worker *w;
	pthread_condattr_t attr;
	int rc;

	w = calloc(1, sizeof(*w));
	if (!w)
		return err_set(err, KV_ENOMEM, "out of memory");
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	w->log = log;
	w->log_ctx = log_ctx;
	w->kicked = 1; /* deliveries left pending by an earlier run */
	w->actor = strdup(actor ? actor : "webhook");
	if (!w->actor) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = store_open(&w->s, data_dir, err);
	if (!rc)
		rc = capture_screener_new(&w->screener, rules_dir, err);
	if (rc)
		goto out;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		rc = err_set(err, KV_EIO, "cannot start the webhook worker thread");
		goto out;
	}
	w->started = 1;
	*out = w;
	w = NULL;
out:
	webhook_worker_free(w);
	return rc;
}

void webhook_worker_wake(struct webhook_worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->kicked = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void webhook_worker_free(struct webhook_worker *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		w->stop = 1;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
	}
	store_free(w->s);
	capture_screener_free(w->screener);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->actor);
	free(w);
}
