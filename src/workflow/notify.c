/* The notify pass. Notices are written in Swedish for the people who get
 * them; they name the account, the deadline and the command to act with, and
 * never quote the comment itself (it may hold personal data the mail system
 * should not keep). */
#include "workflow/notify.h"

#include "workflow/admins.h"

#include "model/case_state.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/time.h"
#include "store/alert_rows.h"
#include "store/notices.h"
#include "store/store.h"
#include "workflow/policy.h"
#include "workflow/review.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SURGE_MAIL_AGE (7 * 86400) /* surge alerts older than this are not mailed */

int notify_settings_load(struct notify_settings *out, const struct config *cfg, struct err *err)
{
	struct notify_settings n;

	if (alerts_settings_load(&n.alerts, cfg, err) || mail_settings_load(&n.mail, cfg, err) ||
	    admins_limit_load(&n.max_admins, cfg, err))
		return KV_EINVAL;
	*out = n;
	return KV_OK;
}

struct pending {
	char *key, *to, *subject, *body;
};

struct pass {
	const struct op_ctx *op;
	struct store *s;
	int64_t org;
	const struct notify_settings *set;
	const char *actor;
	int64_t now;
	notify_fn fn;
	void *ctx;
	struct notify_report *rep;
	struct err *err;
	struct pending *pending;
	size_t n_pending, cap_pending;
};

static void emit(struct pass *p, const char *what, const char *key, const char *to,
                 const char *subject, const char *error)
{
	struct notify_event ev = {what, key, to, subject, error};

	if (p->fn)
		p->fn(p->ctx, &ev);
}

/* "2026-04-07 16:30" in Stockholm time. */
static void local_text(char out[32], int64_t t)
{
	struct calendar_local l;

	calendar_to_local(&l, t);
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", l.y, l.m, l.d, l.hour, l.min);
}

/* Adds addr to a comma list unless empty, unsafe or already there. */
static int add_recipient(struct buf *to, const char *addr)
{
	const char *p;
	size_t n;

	if (!addr || !mail_address_ok(addr))
		return 0;
	n = strlen(addr);
	for (p = buf_cstr(to); (p = strstr(p, addr)) != NULL; p += n)
		if ((p == to->ptr || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 0;
	if (to->len && buf_putc(to, ','))
		return KV_ENOMEM;
	return buf_puts(to, addr);
}

/* Notices are built while a query is being read and queued after it ends:
 * queueing opens a transaction, which must not happen in the middle of a
 * read on the same connection. */
static int queue(struct pass *p, const char *key, struct buf *to, const char *subject,
                 const char *body)
{
	struct pending *n;

	if (p->n_pending == p->cap_pending) {
		size_t ncap = p->cap_pending ? p->cap_pending * 2 : 16;
		struct pending *grown = realloc(p->pending, ncap * sizeof(*grown));

		if (!grown)
			return err_set(p->err, KV_ENOMEM, "out of memory");
		p->pending = grown;
		p->cap_pending = ncap;
	}
	n = &p->pending[p->n_pending];
	n->key = strdup(key);
	n->to = strdup(buf_cstr(to));
	n->subject = strdup(subject);
	n->body = strdup(body);
	p->n_pending++;
	if (!n->key || !n->to || !n->subject || !n->body)
		return err_set(p->err, KV_ENOMEM, "out of memory");
	return KV_OK;
}

static void pending_clear(struct pass *p)
{
	for (size_t i = 0; i < p->n_pending; i++) {
		free(p->pending[i].key);
		free(p->pending[i].to);
		free(p->pending[i].subject);
		free(p->pending[i].body);
	}
	p->n_pending = 0;
}

/* Queues the notices built so far; rc is the result of the query that built
 * them (nothing is queued after a failed query). */
static int queue_pending(struct pass *p, int rc)
{
	for (size_t i = 0; !rc && i < p->n_pending; i++) {
		const struct pending *n = &p->pending[i];
		int64_t id = 0;

		if (!*n->to) {
			p->rep->no_recipient++;
			emit(p, "no_recipient", n->key, "", n->subject, NULL);
			continue;
		}
		rc = mail_queue(p->s, p->org, n->key, n->to, n->subject, n->body, p->actor, p->now,
		                &id, p->err);
		if (!rc && id) {
			p->rep->queued++;
			emit(p, "queued", n->key, n->to, n->subject, NULL);
		}
	}
	pending_clear(p);
	return rc;
}

static int account_recipients(struct buf *to, const struct notice_account *a)
{
	int rc = add_recipient(to, a->responsible_email);

	return rc ? rc : add_recipient(to, a->deputy_email);
}

static int on_question(void *arg, const struct notice_question *q)
{
	struct pass *p = arg;
	struct buf to, subject, body;
	char key[64], due[32], arrived[32];
	int rc;

	buf_init(&to, 4096);
	buf_init(&subject, 1024);
	buf_init(&body, 8192);
	snprintf(key, sizeof(key), "overdue-question:%lld", (long long)q->id);
	local_text(due, q->due_at);
	local_text(arrived, q->arrived_at);
	rc = account_recipients(&to, &q->account);
	if (!rc)
		rc = add_recipient(&to, q->assigned_email);
	if (!rc)
		rc = buf_printf(&subject, "Försenad fråga på %s/%s (fråga %lld)",
		                q->account.platform, q->account.handle, (long long)q->id);
	if (!rc)
		rc = buf_printf(
		        &body,
		        "Hej!\n\nEn fråga på kontot %s/%s är inte besvarad och svarstiden har "
		        "gått ut.\n\n"
		        "Fråga:     %lld\nInkom:     %s\nSvar senast: %s\n%s%s%s\n"
		        "Svara i kanalen, eller markera frågan som vidarebefordrad eller "
		        "besvarad:\n  kanalvakt inbox list --overdue\n\n"
		        "Detta meddelande skickas en gång per fråga av Kanalvakt.\n",
		        q->account.platform, q->account.handle, (long long)q->id, arrived, due,
		        q->permalink ? "Länk:      " : "", q->permalink ? q->permalink : "",
		        q->permalink ? "\n" : "");
	if (!rc)
		rc = queue(p, key, &to, buf_cstr(&subject), buf_cstr(&body));
	else if (rc == KV_ENOMEM || rc == KV_EINVAL)
		rc = err_set(p->err, KV_ENOMEM, "out of memory writing a notice");
	buf_done(&to);
	buf_done(&subject);
	buf_done(&body);
	return rc;
}

static int on_case(void *arg, const struct notice_case *c)
{
	struct pass *p = arg;
	struct buf to, subject, body;
	char key[64], due[32], opened[32];
	/* The query lists open cases only. */
	int late = case_state_is_overdue(CASE_STATE_OPEN, c->due_at, p->now), rc;

	buf_init(&to, 4096);
	buf_init(&subject, 1024);
	buf_init(&body, 8192);
	snprintf(key, sizeof(key), "case-near-deadline:%lld", (long long)c->id);
	local_text(due, c->due_at);
	local_text(opened, c->opened_at);
	rc = account_recipients(&to, &c->account);
	if (!rc)
		rc = buf_printf(&subject, "%s: moderationsärende %lld på %s/%s",
		                late ? "Tiden har gått ut" : "Snart deadline", (long long)c->id,
		                c->account.platform, c->account.handle);
	if (!rc)
		rc = buf_printf(
		        &body,
		        "Hej!\n\nEtt moderationsärende på kontot %s/%s är inte avgjort%s.\n\n"
		        "Ärende:    %lld\nFlaggat för: %s\nÖppnat:    %s\nAvgörs senast: "
		        "%s\n%s%s%s\n"
		        "Spara bevis och besluta (behåll, dölj eller ta bort):\n"
		        "  kanalvakt case show %lld\n  kanalvakt case decide %lld ...\n\n"
		        "Detta meddelande skickas en gång per ärende av Kanalvakt.\n",
		        c->account.platform, c->account.handle,
		        late ? " och tiden har gått ut" : " och tiden går snart ut",
		        (long long)c->id, c->categories, opened, due,
		        c->permalink ? "Länk:      " : "", c->permalink ? c->permalink : "",
		        c->permalink ? "\n" : "", (long long)c->id, (long long)c->id);
	if (!rc)
		rc = queue(p, key, &to, buf_cstr(&subject), buf_cstr(&body));
	else if (rc == KV_ENOMEM || rc == KV_EINVAL)
		rc = err_set(p->err, KV_ENOMEM, "out of memory writing a notice");
	buf_done(&to);
	buf_done(&subject);
	buf_done(&body);
	return rc;
}

/* A missing review, copied out of review_status. */
struct unreviewed {
	struct pass *p;
	const struct review_state *r;
};

static int on_unreviewed(void *arg, const struct notice_account *a)
{
	struct unreviewed *u = arg;
	struct pass *p = u->p;
	const struct review_state *r = u->r;
	struct buf to, subject, body;
	char key[128], last[32] = "aldrig", period[64], when[32];
	int rc;

	buf_init(&to, 4096);
	buf_init(&subject, 1024);
	buf_init(&body, 8192);
	if (r->interval.unit == POLICY_WORKING_DAYS) {
		/* One reminder per missed working day: keyed by the day the
		 * window starts on. */
		struct calendar_local l;

		calendar_to_local(&l, r->since);
		snprintf(key, sizeof(key), "not-reviewed:%lld:%04d-%02d-%02d", (long long)a->id,
		         l.y, l.m, l.d);
		snprintf(period, sizeof(period), "sedan arbetsdagen %04d-%02d-%02d", l.y, l.m, l.d);
	} else {
		/* Hour intervals (crisis mode): one reminder per deadline passed. */
		snprintf(key, sizeof(key), "not-reviewed:%lld:due:%lld", (long long)a->id,
		         (long long)r->due_at);
		local_text(when, r->due_at);
		snprintf(period, sizeof(period), "%s%s", r->due_at ? "sedan " : "",
		         r->due_at ? when : "någon gång");
	}
	if (r->last_review_at)
		local_text(last, r->last_review_at);
	rc = account_recipients(&to, a);
	if (!rc)
		rc = buf_printf(&subject, "Kontot %s/%s har inte granskats %s", a->platform,
		                a->handle, period);
	if (!rc)
		rc = buf_printf(&body,
		                "Hej!\n\nKontot %s/%s ska bevakas enligt policyn, men ingen har "
		                "markerat det som granskat %s.\n\nSenast granskat: %s%s%s\n\n"
		                "Gå igenom kontot och markera det som granskat:\n"
		                "  kanalvakt review mark %s\n\n"
		                "Detta meddelande skickas av Kanalvakt.\n",
		                a->platform, a->handle, period, last,
		                r->last_review_by[0] ? " av " : "", r->last_review_by, a->handle);
	if (!rc)
		rc = queue(p, key, &to, buf_cstr(&subject), buf_cstr(&body));
	else if (rc == KV_ENOMEM || rc == KV_EINVAL)
		rc = err_set(p->err, KV_ENOMEM, "out of memory writing a notice");
	buf_done(&to);
	buf_done(&subject);
	buf_done(&body);
	return rc;
}

static int check_reviews(struct pass *p)
{
	struct review_state *v = NULL;
	struct policy pol;
	size_t n = 0;
	int rc;

	/* Reminders go out in office hours, when someone can act on them. */
	rc = policy_get(p->s, p->org, 0, &pol, p->err);
	if (rc)
		return rc;
	if (calendar_is_working_time(&pol.cal, p->now) != 1)
		return KV_OK;
	rc = review_status(p->op, &v, &n, p->err);
	for (size_t i = 0; !rc && i < n; i++) {
		struct unreviewed u = {p, &v[i]};

		if (!v[i].missing)
			continue;
		rc = notices_account(p->s, p->org, v[i].account_id, on_unreviewed, &u, p->err);
		rc = queue_pending(p, rc);
	}
	free(v);
	return rc;
}

/* An open surge alert, copied out of the alert query. */
struct surge {
	int64_t id;
	int64_t account_id;
	int64_t created_at;
	char *detail;
};

struct surges {
	struct surge *v;
	size_t n, cap;
};

struct surge_mail {
	struct pass *p;
	const struct surge *alert;
};

static int on_surge_account(void *arg, const struct notice_account *a)
{
	struct surge_mail *sm = arg;
	struct pass *p = sm->p;
	const struct surge *r = sm->alert;
	struct buf to, subject, body;
	json_t *d = json_loads(r->detail, 0, NULL);
	json_int_t count = json_integer_value(json_object_get(d, "count"));
	json_int_t window = json_integer_value(json_object_get(d, "window_seconds"));
	const char *first = json_string_value(json_object_get(d, "first"));
	const char *last = json_string_value(json_object_get(d, "last"));
	char key[64], created[32];
	int rc;

	buf_init(&to, 4096);
	buf_init(&subject, 1024);
	buf_init(&body, 8192);
	snprintf(key, sizeof(key), "surge:%lld", (long long)r->id);
	local_text(created, r->created_at);
	rc = account_recipients(&to, a);
	if (!rc)
		rc = buf_printf(&subject,
		                "Många kritiska kommentarer på %s/%s: samråd innan ni svarar",
		                a->platform, a->handle);
	if (!rc)
		rc = buf_printf(
		        &body,
		        "Hej!\n\nKontot %s/%s har fått %lld kritiska eller otillåtna "
		        "kommentarer inom %lld minuter (%s – %s).\n\n"
		        "Samråd med ansvarig chef och kommunikationsenheten innan "
		        "officiella kommentarer lämnas.\n\n"
		        "Larm:      %lld (skapat %s)\n"
		        "Kvittera larmet när ni har samrått:\n  kanalvakt alert ack %lld\n\n"
		        "Detta meddelande skickas en gång per larm av Kanalvakt.\n",
		        a->platform, a->handle, (long long)count, (long long)(window / 60),
		        first ? first : "?", last ? last : "?", (long long)r->id, created,
		        (long long)r->id);
	if (!rc)
		rc = queue(p, key, &to, buf_cstr(&subject), buf_cstr(&body));
	else if (rc == KV_ENOMEM || rc == KV_EINVAL)
		rc = err_set(p->err, KV_ENOMEM, "out of memory writing a notice");
	json_decref(d);
	buf_done(&to);
	buf_done(&subject);
	buf_done(&body);
	return rc;
}

static int collect_surge(void *arg, const struct alert_row *r)
{
	struct surges *s = arg;
	struct surge *n;

	if (!r->account_id)
		return 0;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct surge *grown = realloc(s->v, ncap * sizeof(*grown));

		if (!grown)
			return KV_ENOMEM;
		s->v = grown;
		s->cap = ncap;
	}
	n = &s->v[s->n];
	n->id = r->id;
	n->account_id = r->account_id;
	n->created_at = r->created_at;
	n->detail = strdup(r->detail);
	if (!n->detail)
		return KV_ENOMEM;
	s->n++;
	return 0;
}

static int mail_surges(struct pass *p)
{
	struct alert_filter f = {.org_id = p->org,
	                         .kind = ALERT_KIND_SURGE,
	                         .open_only = 1,
	                         .since = p->now - SURGE_MAIL_AGE};
	struct surges list = {0};
	int rc;

	rc = alert_row_each(p->s, &f, collect_surge, &list, p->err);
	if (rc == KV_ENOMEM && !p->err->msg[0])
		rc = err_set(p->err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < list.n; i++) {
		struct surge_mail sm = {p, &list.v[i]};

		rc = notices_account(p->s, p->org, list.v[i].account_id, on_surge_account, &sm,
		                     p->err);
		rc = queue_pending(p, rc);
	}
	pending_clear(p);
	for (size_t i = 0; i < list.n; i++)
		free(list.v[i].detail);
	free(list.v);
	return rc;
}

static void on_mail(void *arg, const struct mail_event *ev)
{
	struct pass *p = arg;

	emit(p,
	     ev->ok        ? "sent"
	     : ev->gave_up ? "gave_up"
	                   : "failed",
	     ev->dedup_key, ev->recipients, ev->subject, ev->error);
}

static int run_alerts(struct pass *p)
{
	return alerts_scan(p->op, &p->set->alerts, &p->rep->alerts, p->err);
}

int notify_run(const struct op_ctx *op, const struct notify_settings *set, notify_fn fn, void *ctx,
               struct notify_report *out, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	int64_t now = op->now;
	struct notify_report rep = {0};
	struct pass p = {op, s, org, set, actor, now, fn, ctx, &rep, err, NULL, 0, 0};
	int rc;

	err_clear(err);
	rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);
	if (!rc)
		rc = run_alerts(&p);
	if (!rc)
		rc = admins_check(op, set->max_admins ? set->max_admins : ADMINS_MAX_DEFAULT,
		                  &rep.admin_alerts, err);
	if (!rc)
		rc = queue_pending(&p,
		                   notices_overdue_questions(s, org, now, on_question, &p, err));
	if (!rc)
		rc = queue_pending(&p, notices_cases_due(s, org, now + set->alerts.case_warning,
		                                         on_case, &p, err));
	if (!rc)
		rc = check_reviews(&p);
	if (!rc)
		rc = mail_surges(&p);
	if (!rc)
		rc = mail_flush(op, &set->mail, on_mail, &p, &rep.mail, err);
	pending_clear(&p);
	free(p.pending);
	if (!rc)
		*out = rep;
	return rc;
}
