/* Daily review of accounts: marking, and the status under each account's
 * review interval. For working days the rule is "reviewed on the last N
 * working days or today"; for hour-based intervals (crisis mode) it is "the
 * last review is less than the interval ago". */
#include "workflow/review.h"

#include "base/calendar.h"
#include "base/time.h"
#include "store/audit.h"
#include "store/reviews.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mark_ctx {
	int found;
	char status[16];
};

static int grab(void *arg, const struct review_account_row *a)
{
	struct mark_ctx *m = arg;

	m->found = 1;
	snprintf(m->status, sizeof(m->status), "%s", a->status);
	return 0;
}

int review_mark(const struct op_ctx *op, int64_t account_id, const char *note, int64_t *out_id,
                struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct mark_ctx m = {0};
	char idtext[32], *after = NULL, when[CALENDAR_ISO_LEN];
	int64_t id = 0, now = op->now;
	json_t *j;
	int rc = op_ctx_require(op, PERM_REVIEW, account_id, err);

	if (rc)
		return rc;
	if (note && strlen(note) > 2000)
		return err_set(err, KV_EINVAL, "--note is longer than 2000 bytes");
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = reviews_accounts_each(s, org, account_id, grab, &m, err);
	if (!rc && !m.found)
		rc = err_set(err, KV_ENOTFOUND, "account %lld does not exist",
		             (long long)account_id);
	if (!rc && strcmp(m.status, "closed") == 0)
		rc = err_set(err, KV_ECONFLICT, "account %lld is closed", (long long)account_id);
	if (!rc)
		rc = reviews_insert(s, org, account_id, actor, now, note && *note ? note : NULL,
		                    &id, err);
	if (!rc) {
		calendar_format_local(when, now);
		j = json_pack("{s:I,s:s,s:s?}", "account", (json_int_t)account_id, "reviewed_at",
		              when, "note", note && *note ? note : NULL);
		after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		rc = after ? audit_append(s, NULL, org, actor, "review.mark", "account_review",
		                          idtext, NULL, after, err)
		           : err_set(err, KV_ENOMEM, "out of memory");
	}
	free(after);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

/* Local midnight at the start of the n-th working day before the day of
 * now (today itself not counted). */
static int window_start(int64_t *out, const struct calendar_config *cal, int64_t now, int64_t n,
                        struct err *err)
{
	struct calendar_local l;
	int64_t day;
	int y, m, d, found = 0;

	calendar_to_local(&l, now);
	day = time_days_from_civil(l.y, l.m, l.d);
	/* A year and a half holds far more working days than any interval a
	 * policy gives; the bound keeps a broken calendar from looping. */
	for (int i = 0; i < 600 && found < n; i++) {
		int w;

		day--;
		time_civil_from_days(day, &y, &m, &d);
		w = calendar_is_working_day(cal, y, m, d);
		if (w < 0)
			return err_set(err, KV_EINVAL, "calendar: %04d-%02d-%02d out of range", y,
			               m, d);
		found += w;
	}
	if (found < n)
		return err_set(err, KV_EINVAL, "review interval: no %lld working days found",
		               (long long)n);
	return calendar_from_local(out, y, m, d, 0, 0, 0);
}

struct status_ctx {
	struct store *s;
	int64_t org;
	int64_t now;
	struct review_state *v;
	size_t n, cap;
	struct err *err;
};

static int one(void *arg, const struct review_account_row *a)
{
	struct status_ctx *c = arg;
	struct review_state r;
	struct policy p;
	int rc;

	if (strcmp(a->status, "active") != 0)
		return 0;
	rc = policy_get(c->s, c->org, a->id, &p, c->err);
	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	r.account_id = a->id;
	snprintf(r.account, sizeof(r.account), "%s/%s", a->platform, a->handle);
	r.last_review_at = a->last_review_at;
	snprintf(r.last_review_by, sizeof(r.last_review_by), "%s",
	         a->last_review_by ? a->last_review_by : "");
	r.interval = p.review_interval;
	if (p.review_interval.unit == POLICY_WORKING_DAYS) {
		rc = window_start(&r.since, &p.cal, c->now, p.review_interval.amount, c->err);
		if (rc)
			return rc;
		r.missing = a->last_review_at < r.since;
	} else if (a->last_review_at) {
		rc = policy_due(&r.due_at, &p.cal, &p.review_interval, a->last_review_at, c->err);
		if (rc)
			return rc;
		r.missing = r.due_at <= c->now;
	} else {
		r.missing = 1;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct review_state *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return err_set(c->err, KV_ENOMEM, "out of memory");
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = r;
	return 0;
}

int review_status(const struct op_ctx *op, struct review_state **out, size_t *n, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	int64_t now = op->now;
	struct status_ctx c = {.s = s, .org = org, .now = now, .err = err};
	int rc = reviews_accounts_each(s, org, 0, one, &c, err);

	size_t k = 0;

	if (rc) {
		free(c.v);
		return rc;
	}
	/* Only the accounts the principal may read. */
	for (size_t i = 0; i < c.n; i++)
		if (principal_can(op->who, PERM_REGISTER_READ, c.v[i].account_id))
			c.v[k++] = c.v[i];
	*out = c.v;
	*n = k;
	return KV_OK;
}
