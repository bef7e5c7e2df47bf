/* The activity rules: each reads the account's own posts and its policy.
 * Weeks are ISO weeks in Stockholm local time (Monday to Sunday); "the last
 * four complete weeks" end at the Monday 00:00 that starts this week. */
#include "workflow/activity.h"

#include "base/calendar.h"
#include "base/time.h"
#include "store/reviews.h"
#include "workflow/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_WEEKS 4

const struct check_rule activity_rules[] = {
        {"inactive_year", CHECK_WARNING,
         "Inget eget inlägg på över ett år – föreslå att kontot avslutas", NULL},
        {"no_post_week", CHECK_WARNING, "Inget eget inlägg den senaste veckan", NULL},
        {"posts_below_target", CHECK_WARNING, "Färre inlägg per vecka än målet", NULL},
        {"too_many_posts_per_day", CHECK_WARNING, "Fler inlägg per dag än tillåtet", NULL},
};
const size_t activity_rule_count = sizeof(activity_rules) / sizeof(activity_rules[0]);

enum { R_YEAR = 0, R_WEEK, R_TARGET, R_PER_DAY };

struct run {
	struct store *s;
	int64_t org;
	int64_t now;
	struct activity_problem *v;
	size_t n, cap;
	struct err *err;
};

#define DATE_LEN 24

static void local_date(char out[DATE_LEN], int64_t t)
{
	struct calendar_local l;

	calendar_to_local(&l, t);
	snprintf(out, DATE_LEN, "%04d-%02d-%02d", l.y, l.m, l.d);
}

static int add(struct run *r, int64_t account_id, const char *account, int rule, const char *detail)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct activity_problem *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return err_set(r->err, KV_ENOMEM, "out of memory");
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].account_id = account_id;
	snprintf(r->v[r->n].account, sizeof(r->v[r->n].account), "%s", account);
	r->v[r->n].rule = &activity_rules[rule];
	snprintf(r->v[r->n].detail, sizeof(r->v[r->n].detail), "%s", detail);
	r->n++;
	return KV_OK;
}

/* Posts per local day over a window, kept as a sorted list of day counts:
 * the window is a few weeks, so a linear pass is enough. */
struct days {
	int64_t from;
	int64_t target_to; /* end of the complete weeks */
	int64_t in_weeks;  /* posts in [from, target_to) */
	int64_t day[64];
	int64_t count[64];
	size_t n;
};

static int count_post(void *arg, int64_t at)
{
	struct days *d = arg;
	struct calendar_local l;
	int64_t day;

	if (at < d->target_to)
		d->in_weeks++;
	calendar_to_local(&l, at);
	day = time_days_from_civil(l.y, l.m, l.d);
	if (d->n && d->day[d->n - 1] == day) {
		d->count[d->n - 1]++;
		return 0;
	}
	if (d->n == sizeof(d->day) / sizeof(d->day[0])) {
		/* More distinct days than the window holds cannot happen for a
		 * window of under nine weeks; drop the oldest to stay safe. */
		memmove(d->day, d->day + 1, (d->n - 1) * sizeof(d->day[0]));
		memmove(d->count, d->count + 1, (d->n - 1) * sizeof(d->count[0]));
		d->n--;
	}
	d->day[d->n] = day;
	d->count[d->n] = 1;
	d->n++;
	return 0;
}

static int64_t opened_at(const char *opened_on)
{
	int y, m, d;
	int64_t t = 0;

	if (!opened_on || time_parse_date(opened_on, &y, &m, &d) != KV_OK)
		return 0;
	if (calendar_from_local(&t, y, m, d, 0, 0, 0) != KV_OK)
		return 0;
	return t;
}

static int check_one(void *arg, const struct review_account_row *a)
{
	struct run *r = arg;
	struct policy p;
	struct days days;
	struct calendar_local l;
	char account[160], detail[256], date[DATE_LEN];
	int64_t last = 0, items = 0, due = 0, opened = opened_at(a->opened_on), week_start;
	int rc, year_rule = 0;

	if (strcmp(a->status, "active") != 0)
		return 0;
	rc = reviews_activity(r->s, a->id, &last, &items, r->err);
	if (rc || items == 0)
		return rc;
	rc = policy_get(r->s, r->org, a->id, &p, r->err);
	if (rc)
		return rc;
	snprintf(account, sizeof(account), "%s/%s", a->platform, a->handle);

	/* No own post for the inactivity limit: propose closing (Östhammar:
	 * "Alla konton som har varit inaktiva i över ett år ska avslutas"). The
	 * clock starts at the last post, or at the opening when none. */
	if (last || opened) {
		rc = policy_due(&due, &p.cal, &p.inactivity_limit, last ? last : opened, r->err);
		if (rc)
			return rc;
		if (due <= r->now) {
			if (last) {
				local_date(date, last);
				snprintf(detail, sizeof(detail), "senaste egna inlägg %s", date);
			} else {
				snprintf(detail, sizeof(detail),
				         "inga egna inlägg sedan öppnandet");
			}
			year_rule = 1;
			rc = add(r, a->id, account, R_YEAR, detail);
			if (rc)
				return rc;
		}
	}
	/* No own post within the weekly limit (Tibro 2: "helst minst en gång
	 * per vecka"); implied by the year rule, so not repeated. */
	if (!year_rule && (last || opened)) {
		rc = policy_due(&due, &p.cal, &p.weekly_limit, last ? last : opened, r->err);
		if (rc)
			return rc;
		if (due <= r->now) {
			if (last) {
				local_date(date, last);
				snprintf(detail, sizeof(detail), "senaste egna inlägg %s", date);
			} else {
				snprintf(detail, sizeof(detail),
				         "inga egna inlägg sedan öppnandet");
			}
			rc = add(r, a->id, account, R_WEEK, detail);
			if (rc)
				return rc;
		}
	}

	/* The window: the last four complete weeks and this week so far. */
	calendar_to_local(&l, r->now);
	{
		int64_t today = time_days_from_civil(l.y, l.m, l.d);
		int64_t monday = today - (l.weekday - 1);
		int y, m, d;

		time_civil_from_days(monday, &y, &m, &d);
		rc = calendar_from_local(&week_start, y, m, d, 0, 0, 0);
		if (!rc) {
			time_civil_from_days(monday - 7 * TARGET_WEEKS, &y, &m, &d);
			rc = calendar_from_local(&days.from, y, m, d, 0, 0, 0);
		}
		if (rc)
			return err_set(r->err, KV_EINVAL,
			               "activity: the date of now is out of range");
	}
	days.target_to = week_start;
	days.in_weeks = 0;
	days.n = 0;
	rc = reviews_own_posts(r->s, a->id, days.from, count_post, &days, r->err);
	if (rc)
		return rc;

	/* Posts per week below the target (Nykvarn "Periodicitet"), over four
	 * complete weeks the account was open for. */
	if (p.posts_per_week > 0 && (!opened || opened <= days.from) &&
	    days.in_weeks < p.posts_per_week * TARGET_WEEKS) {
		snprintf(
		        detail, sizeof(detail),
		        "%lld inlägg de senaste %d hela veckorna (%lld,%02lld per vecka), mål %lld "
		        "per vecka",
		        (long long)days.in_weeks, TARGET_WEEKS,
		        (long long)(days.in_weeks / TARGET_WEEKS),
		        (long long)(days.in_weeks * 100 / TARGET_WEEKS % 100),
		        (long long)p.posts_per_week);
		rc = add(r, a->id, account, R_TARGET, detail);
		if (rc)
			return rc;
	}

	/* More posts in one day than allowed (Östhammar "Max 1-2 inlägg per
	 * dag"): the latest such day is named, with how many there were. */
	if (p.max_posts_per_day > 0) {
		size_t over = 0, latest = 0;

		for (size_t i = 0; i < days.n; i++)
			if (days.count[i] > p.max_posts_per_day) {
				over++;
				latest = i;
			}
		if (over) {
			int y, m, d;

			time_civil_from_days(days.day[latest], &y, &m, &d);
			local_date(date, days.from);
			snprintf(detail, sizeof(detail),
			         "%lld inlägg %04d-%02d-%02d, högst %lld per dag; %zu sådana dagar "
			         "sedan %s",
			         (long long)days.count[latest], y, m, d,
			         (long long)p.max_posts_per_day, over, date);
			rc = add(r, a->id, account, R_PER_DAY, detail);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int activity_check(const struct op_ctx *op, int64_t account_id, struct activity_problem **out,
                   size_t *n, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	int64_t now = op->now;
	struct run r = {.s = s, .org = org, .now = now, .err = err};
	int rc = account_id ? op_ctx_require(op, PERM_REGISTER_READ, account_id, err)
	                    : op_ctx_require(op, PERM_REGISTER_READ, 0, err);

	if (!rc)
		rc = reviews_accounts_each(s, org, account_id, check_one, &r, err);

	if (rc) {
		free(r.v);
		return rc;
	}
	*out = r.v;
	*n = r.n;
	return KV_OK;
}
