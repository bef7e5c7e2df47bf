/* The notify thread of `kanalvakt serve`. It sleeps on a condition variable
 * with a monotonic clock, so stopping it does not wait out the period. */
#include "http/notifier.h"

#include "model/op_ctx.h"
#include "model/principal.h"

#include "base/time.h"
#include "records/consent.h"
#include "records/gdpr.h"
#include "store/lease_rows.h"
#include "store/store.h"
#include "workflow/drafts.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct notifier {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop; /* guarded by lock */
	int started;
	struct store *s;
	int64_t org;
	int notify; /* run the notify pass */
	struct notify_settings set;
	int snapshots; /* take the snapshots that are due */
	struct snapshot_settings snap;
	const struct config *publish; /* publish the drafts that are due */
	int media;                    /* fetch pending media into the blob store */
	struct media_conf media_conf;
	char *actor;
	unsigned period_s;
	server_log_fn log;
	void *log_ctx;
	int has_tsa;
	struct timestamp_conf tsa;
	char holder[320]; /* "host:pid", this process's name on the lease */
	int held;         /* 1 holding the lease, 0 not, -1 not known yet */
};

/* Several serve processes on one database: the passes run in the one that
 * holds this lease, renewed each pass; another takes it once it lapses, or
 * at once when its holder was a process of this machine that has gone. */
#define NOTIFIER_LEASE "serve.background"

static void nlog(struct notifier *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void nlog(struct notifier *n, const char *fmt, ...)
{
	char line[1400], now[TIME_ISO_LEN];
	size_t len;
	va_list ap;

	if (!n->log)
		return;
	time_format_utc(now, time_now());
	len = (size_t)snprintf(line, sizeof(line), "%s notify: ", now);
	va_start(ap, fmt);
	vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	va_end(ap);
	n->log(n->log_ctx, line);
}

static void on_event(void *arg, const struct notify_event *ev)
{
	struct notifier *n = arg;

	/* Keys and addresses only: subjects and bodies stay in the outbox. */
	if (ev->error)
		nlog(n, "%s %s to %s: %s", ev->what, ev->key, ev->recipients, ev->error);
	else
		nlog(n, "%s %s%s%s", ev->what, ev->key, ev->recipients ? " to " : "",
		     ev->recipients ? ev->recipients : "");
}

static void on_snapshot(void *arg, const struct snapshot_event *ev)
{
	struct notifier *n = arg;

	if (ev->result)
		nlog(n, "snapshot %s %s (%s) taken: %s", ev->due->handle, ev->due->day,
		     ev->due->reason, ev->result->path);
	else
		nlog(n, "snapshot %s %s (%s) missed: %s", ev->due->handle, ev->due->day,
		     ev->due->reason, ev->error);
}

/* Artefacts left untimestamped while the TSA was down, and the audit
 * chain's head once a day. */
static void timestamps(struct notifier *n)
{
	struct principal who;
	struct op_ctx op;
	struct timestamp_result tr;
	struct err err;
	int stamped = 0, pending = 0, done = 0;

	principal_init_system(&who, n->actor);
	op_ctx_init(&op, n->s, n->org, &who, time_now());
	err_clear(&err);
	if (timestamp_retry_pending(&op, &n->tsa, &stamped, &pending, &err) != KV_OK)
		nlog(n, "timestamp retry failed: %s", err.msg);
	else if (stamped || pending)
		nlog(n, "timestamps: %d stamped, %d still pending", stamped, pending);
	err_clear(&err);
	if (timestamp_audit_head(&op, &n->tsa, &done, &tr, &err) != KV_OK)
		nlog(n, "audit head timestamp failed: %s", err.msg);
	else if (done && tr.stamped)
		nlog(n, "audit head timestamped at %s", tr.gen_time);
	else if (done)
		nlog(n, "audit head untimestamped: %s", tr.error);
}

static void on_draft(void *arg, const struct drafts_due_event *ev)
{
	struct notifier *n = arg;

	if (ev->done)
		nlog(n, "draft %lld published as %s", (long long)ev->id, ev->done->platform_id);
	else
		nlog(n, "draft %lld not published: %s", (long long)ev->id, ev->error);
}

/* 1 when holder ("host:pid") is a process of this machine that is gone. */
static int holder_gone(const char *holder)
{
	char host[256];
	const char *colon = strrchr(holder, ':');
	long pid;

	if (!colon || gethostname(host, sizeof(host)) != 0)
		return 0;
	host[sizeof(host) - 1] = '\0';
	if ((size_t)(colon - holder) != strlen(host) || strncmp(holder, host, strlen(host)) != 0)
		return 0;
	pid = strtol(colon + 1, NULL, 10);
	return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static int holds_lease(struct notifier *n)
{
	int64_t now = time_now(), lease = n->period_s * 3 > 120 ? n->period_s * 3 : 120;
	char cur[320];
	struct err err;
	int rc;

	err_clear(&err);
	rc = lease_row_take(n->s, NOTIFIER_LEASE, n->holder, now, now + lease, &err);
	if (rc == 0 && lease_row_holder(n->s, NOTIFIER_LEASE, cur, sizeof(cur), &err) == KV_OK &&
	    holder_gone(cur))
		rc = lease_row_take_over(n->s, NOTIFIER_LEASE, cur, n->holder, now + lease, &err);
	if (rc < 0) {
		nlog(n, "background lease: %s", err.msg);
		return 0;
	}
	if (rc != n->held)
		nlog(n,
		     rc ? "runs the background passes (%s)"
		        : "another serve process runs the background passes; this one waits (%s)",
		     n->holder);
	n->held = rc;
	return rc;
}

static void pass(struct notifier *n)
{
	struct notify_report rep;
	struct principal who;
	struct op_ctx op;
	struct err err;

	if (!holds_lease(n))
		return;
	err_clear(&err);
	principal_init_system(&who, n->actor);
	op_ctx_init(&op, n->s, n->org, &who, time_now());
	if (n->notify && notify_run(&op, &n->set, on_event, n, &rep, &err) != KV_OK)
		nlog(n, "pass failed: %s", err.msg);
	err_clear(&err);
	if (n->notify && (consent_check_expired(&op, NULL, &err) != KV_OK ||
	                  gdpr_requests_check(&op, NULL, &err) != KV_OK))
		nlog(n, "consent and GDPR deadline check failed: %s", err.msg);
	if (n->has_tsa)
		timestamps(n);
	err_clear(&err);
	if (n->snapshots &&
	    records_snapshot_run_due(&op, &n->snap, on_snapshot, n, NULL, NULL, &err) != KV_OK)
		nlog(n, "snapshot pass failed: %s", err.msg);
	err_clear(&err);
	op.now = time_now();
	if (n->publish &&
	    drafts_publish_due(&op, n->publish, on_draft, n, NULL, NULL, &err) != KV_OK)
		nlog(n, "publish pass failed: %s", err.msg);
	err_clear(&err);
	if (n->media) {
		struct media_report mr = {0};

		if (capture_media_fetch(n->s, n->org, NOTIFIER_MEDIA_BATCH, &n->media_conf, &mr,
		                        &err) != KV_OK)
			nlog(n, "media pass failed: %s", err.msg);
		else if (mr.fetched || mr.failed)
			nlog(n, "media: %lld fetched, %lld failed (%lld bytes)",
			     (long long)mr.fetched, (long long)mr.failed, (long long)mr.bytes);
	}
}

static void *notifier_main(void *arg)
{
	struct notifier *n = arg;

	pthread_mutex_lock(&n->lock);
	while (!n->stop) {
		struct timespec until;

		pthread_mutex_unlock(&n->lock);
		pass(n);
		pthread_mutex_lock(&n->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += n->period_s;
		while (!n->stop && pthread_cond_timedwait(&n->cond, &n->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

int notifier_start(struct notifier **out, const char *data_dir, int64_t org,
                   const struct notify_settings *set, const struct timestamp_conf *tsa,
                   const struct snapshot_settings *snap, const struct config *publish,
                   const struct media_conf *media, const char *actor, unsigned period_s,
                   server_log_fn log, void *log_ctx, struct err *err)
{
	struct notifier *n;
	pthread_condattr_t attr;
	int rc;

	n = calloc(1, sizeof(*n));
	if (!n)
		return err_set(err, KV_ENOMEM, "out of memory");
	pthread_mutex_init(&n->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&n->cond, &attr);
	pthread_condattr_destroy(&attr);
	n->org = org;
	if (set) {
		n->notify = 1;
		n->set = *set;
	}
	if (snap) {
		n->snapshots = 1;
		n->snap = *snap;
	}
	n->publish = publish;
	if (media) {
		n->media = 1;
		n->media_conf = *media;
	}
	n->period_s = period_s ? period_s : 1;
	n->log = log;
	n->log_ctx = log_ctx;
	if (tsa && tsa->url) {
		n->has_tsa = 1;
		n->tsa = *tsa;
	}
	n->actor = strdup(actor ? actor : "notify");
	if (!n->actor) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = store_open(&n->s, data_dir, err);
	if (rc)
		goto out;
	{
		char host[256];

		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		snprintf(n->holder, sizeof(n->holder), "%s:%ld", host, (long)getpid());
	}
	n->held = -1;
	if (pthread_create(&n->thread, NULL, notifier_main, n) != 0) {
		rc = err_set(err, KV_EIO, "cannot start the notify thread");
		goto out;
	}
	n->started = 1;
	*out = n;
	n = NULL;
out:
	notifier_free(n);
	return rc;
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	if (n->started) {
		pthread_mutex_lock(&n->lock);
		n->stop = 1;
		pthread_cond_signal(&n->cond);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->thread, NULL);
	}
	if (n->s && n->held == 1) {
		struct err err;

		err_clear(&err);
		lease_row_release(n->s, NOTIFIER_LEASE, n->holder, &err);
	}
	store_free(n->s);
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
	free(n->actor);
	free(n);
}
