/* Tests for workflow/activity and workflow/review: the activity rules over
 * an account's own posts (a week without posts, a year, below the weekly
 * target, too many in a day), which accounts they judge, and the daily
 * review across weekends and Easter. */
#include "wf_fixture.h"

#include "workflow/activity.h"
#include "workflow/policy.h"
#include "workflow/review.h"

#include <stdlib.h>

static void activate(struct wf *fx, int64_t account, const char *opened_on)
{
	struct err e = {0};

	if (register_row_account_set_status(fx->s, account, ACCOUNT_ACTIVE, opened_on, NULL, NULL,
	                                    &e))
		test_fail(__FILE__, __LINE__, "activate: %s", e.msg);
}

/* The rule ids found, as "id,id,". */
static void rules_at(struct wf *fx, int64_t account, const char *now, char *out, size_t n)
{
	struct activity_problem *p = NULL;
	size_t np = 0, used = 0;
	struct err e = {0};

	if (activity_check(test_op_at(fx->s, fx->org, "t", wf_at(now)), account, &p, &np, &e))
		test_fail(__FILE__, __LINE__, "activity_check: %s", e.msg);
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		CHECK_INT(p[i].account_id, account);
		used += (size_t)snprintf(out + used, n - used, "%s,", p[i].rule->id);
		CHECK(used < n);
	}
	free(p);
}

static void post(struct wf *fx, int64_t account, const char *id, const char *when)
{
	wf_item(fx, account, id, NULL, NULL, 1, ITEM_POST, when, NULL);
}

static void week_without_posts(void)
{
	struct wf fx = wf_setup();
	char r[256];

	activate(&fx, fx.x, "2026-01-01");
	post(&fx, fx.x, "p1", "2026-04-13T09:00");
	rules_at(&fx, fx.x, "2026-04-19T23:00", r, sizeof(r));
	CHECK_STR(r, "");
	rules_at(&fx, fx.x, "2026-04-20T09:00", r, sizeof(r));
	CHECK_STR(r, "no_post_week,");
	/* A reply by the account is not a post of its own. */
	wf_item(&fx, fx.x, "r1", "c1", "p1", 1, ITEM_REPLY, "2026-04-19T10:00", NULL);
	rules_at(&fx, fx.x, "2026-04-20T09:00", r, sizeof(r));
	CHECK_STR(r, "no_post_week,");
	post(&fx, fx.x, "p2", "2026-04-19T10:00");
	rules_at(&fx, fx.x, "2026-04-20T09:00", r, sizeof(r));
	CHECK_STR(r, "");
	store_free(fx.s);
}

static void a_year_proposes_closing(void)
{
	struct wf fx = wf_setup();
	struct activity_problem *p = NULL;
	size_t n = 0;
	struct err e = {0};
	char r[256];

	activate(&fx, fx.x, "2024-01-01");
	post(&fx, fx.x, "p1", "2025-04-01T09:00");
	rules_at(&fx, fx.x, "2026-03-31T09:00", r, sizeof(r));
	CHECK_STR(r, "no_post_week,");
	rules_at(&fx, fx.x, "2026-04-02T09:00", r, sizeof(r));
	CHECK_STR(r, "inactive_year,");
	CHECK_INT(activity_check(test_op_at(fx.s, fx.org, "t", wf_at("2026-04-02T09:00")), fx.x, &p,
	                         &n, &e),
	          KV_OK);
	CHECK_INT(n, 1);
	CHECK_CONTAINS(p[0].detail, "2025-04-01");
	CHECK_CONTAINS(p[0].rule->message, "avslutas");
	free(p);
	store_free(fx.s);
}

static void below_target_and_too_many_a_day(void)
{
	struct wf fx = wf_setup();
	struct activity_problem *p = NULL;
	size_t n = 0;
	struct err e = {0};
	char r[256];

	/* Facebook account: target 3 a week (register), at most 2 a day. */
	activate(&fx, fx.fb, "2026-01-01");
	/* Four complete weeks before Monday 2026-04-27: 30 March to 26 April. */
	post(&fx, fx.fb, "a1", "2026-03-30T09:00");
	post(&fx, fx.fb, "a2", "2026-04-08T09:00");
	post(&fx, fx.fb, "a3", "2026-04-16T08:00");
	post(&fx, fx.fb, "a4", "2026-04-16T12:00");
	post(&fx, fx.fb, "a5", "2026-04-16T23:30");
	post(&fx, fx.fb, "a6", "2026-04-25T10:00");
	rules_at(&fx, fx.fb, "2026-04-27T09:00", r, sizeof(r));
	CHECK_STR(r, "posts_below_target,too_many_posts_per_day,");
	CHECK_INT(activity_check(test_op_at(fx.s, fx.org, "t", wf_at("2026-04-27T09:00")), fx.fb,
	                         &p, &n, &e),
	          KV_OK);
	CHECK_INT(n, 2);
	CHECK_CONTAINS(p[0].detail, "6 inlägg");
	CHECK_CONTAINS(p[1].detail, "3 inlägg 2026-04-16");
	free(p);
	/* Meeting the target: twelve posts over the four weeks, two a day. */
	for (int d = 0; d < 6; d++) {
		char id[16], when[32];

		snprintf(id, sizeof(id), "b%d", d);
		snprintf(when, sizeof(when), "2026-04-%02dT09:00", 1 + d);
		post(&fx, fx.fb, id, when);
	}
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "max_posts_per_day", "3", &e),
	          KV_OK);
	rules_at(&fx, fx.fb, "2026-04-27T09:00", r, sizeof(r));
	CHECK_STR(r, "");
	store_free(fx.s);
}

static void only_active_accounts_with_captures(void)
{
	struct wf fx = wf_setup();
	char r[256];

	/* Proposed: not judged, whatever was captured. */
	post(&fx, fx.x, "p1", "2025-01-01T09:00");
	rules_at(&fx, fx.x, "2026-04-20T09:00", r, sizeof(r));
	CHECK_STR(r, "");
	/* Active but nothing captured: nothing to judge by. */
	activate(&fx, fx.fb, "2026-01-01");
	rules_at(&fx, fx.fb, "2026-04-20T09:00", r, sizeof(r));
	CHECK_STR(r, "");
	/* Only visitors' comments captured: the clock runs from the opening,
	 * and no post at all is below the register's target of 3 a week. */
	wf_item(&fx, fx.fb, "c1", "x", "x", 0, ITEM_COMMENT, "2026-04-10T09:00", "");
	rules_at(&fx, fx.fb, "2026-04-20T09:00", r, sizeof(r));
	CHECK_STR(r, "no_post_week,posts_below_target,");
	store_free(fx.s);
}

static struct review_state status_at(struct wf *fx, const char *now)
{
	struct review_state *v = NULL, out;
	size_t n = 0;
	struct err e = {0};

	if (review_status(test_op_at(fx->s, fx->org, "t", wf_at(now)), &v, &n, &e))
		test_fail(__FILE__, __LINE__, "review_status: %s", e.msg);
	CHECK_INT(n, 1); /* only the active account */
	out = v[0];
	free(v);
	return out;
}

static void review_across_easter_and_weekend(void)
{
	struct wf fx = wf_setup();
	struct review_state st;
	struct err e = {0};
	int64_t id = 0;

	activate(&fx, fx.fb, "2026-01-01");
	st = status_at(&fx, "2026-04-02T10:00");
	CHECK(st.missing);
	CHECK_INT(st.last_review_at, 0);
	setenv("KANALVAKT_NOW", "2026-04-02T15:00:00+02:00", 1);
	CHECK_INT(review_mark(test_op(fx.s, fx.org, "anna"), fx.fb, "ok", &id, &e), KV_OK);
	CHECK(id > 0);
	/* Tuesday after Easter: Thursday was the last working day. */
	st = status_at(&fx, "2026-04-07T16:00");
	CHECK(!st.missing);
	CHECK_INT(st.since, wf_at("2026-04-02T00:00"));
	CHECK_STR(st.last_review_by, "anna");
	/* Wednesday: Tuesday had no review. */
	st = status_at(&fx, "2026-04-08T08:00");
	CHECK(st.missing);
	setenv("KANALVAKT_NOW", "2026-04-10T16:00:00+02:00", 1);
	CHECK_INT(review_mark(test_op(fx.s, fx.org, "bo"), fx.fb, NULL, NULL, &e), KV_OK);
	/* Monday: Friday counts. */
	st = status_at(&fx, "2026-04-13T07:00");
	CHECK(!st.missing);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'review.mark'"), 2);
	CHECK_INT(review_mark(test_op(fx.s, fx.org, "bo"), 9999, NULL, NULL, &e), KV_ENOTFOUND);
	store_free(fx.s);
}

static void review_in_crisis_counts_hours(void)
{
	struct wf fx = wf_setup();
	struct review_state st;
	struct err e = {0};

	activate(&fx, fx.fb, "2026-01-01");
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), 0, "crisis", "on", &e), KV_OK);
	setenv("KANALVAKT_NOW", "2026-04-14T09:00:00+02:00", 1);
	CHECK_INT(review_mark(test_op(fx.s, fx.org, "anna"), fx.fb, NULL, NULL, &e), KV_OK);
	st = status_at(&fx, "2026-04-14T12:59");
	CHECK(!st.missing);
	CHECK_INT(st.due_at, wf_at("2026-04-14T13:00"));
	st = status_at(&fx, "2026-04-14T13:00");
	CHECK(st.missing);
	store_free(fx.s);
}

TEST_MAIN(T(week_without_posts), T(a_year_proposes_closing), T(below_target_and_too_many_a_day),
          T(only_active_accounts_with_captures), T(review_across_easter_and_weekend),
          T(review_in_crisis_counts_hours))
