/* Tests for workflow/policy: durations, their arithmetic on the Swedish
 * calendar, defaults by platform and register, organisation and account
 * settings, crisis mode, refused values and the audit. */
#include "wf_fixture.h"

#include "workflow/policy.h"

static void durations_parse_and_format(void)
{
	static const struct {
		const char *text;
		enum policy_unit unit;
		int64_t amount;
	} good[] = {{"1wd", POLICY_WORKING_DAYS, 1},
	            {"48wh", POLICY_WORKING_HOURS, 48},
	            {"48h", POLICY_HOURS, 48},
	            {"48weekday-h", POLICY_WEEKDAY_HOURS, 48},
	            {"365d", POLICY_DAYS, 365}};
	static const char *const bad[] = {"",     "0wd",  "wd",       "5",  "5years",
	                                  "-1wd", "1 wd", "999999wd", "1WD"};
	struct policy_duration d;
	char back[POLICY_DUR_LEN];
	struct err e = {0};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_INT(policy_duration_parse(&d, good[i].text, &e), KV_OK);
		CHECK_INT(d.unit, good[i].unit);
		CHECK_INT(d.amount, good[i].amount);
		policy_duration_format(back, &d);
		CHECK_STR(back, good[i].text);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		CHECK_INT(policy_duration_parse(&d, bad[i], &e), KV_EINVAL);
		CHECK(e.msg[0] != '\0');
	}
}

static void due_in_each_unit_over_easter(void)
{
	static const struct {
		const char *dur, *due;
	} cases[] = {
	        {"1wd", "2026-04-07T16:30:00+02:00"},         /* the deadline rule */
	        {"48weekday-h", "2026-04-08T16:30:00+02:00"}, /* Tibro */
	        {"48h", "2026-04-04T16:30:00+02:00"},         /* plain hours */
	        {"2wh", "2026-04-07T09:30:00+02:00"},         /* 30 min Thu, 1.5 h Tue */
	        {"1d", "2026-04-03T16:30:00+02:00"},
	};
	struct calendar_config cal;
	struct policy_duration d;
	char iso[CALENDAR_ISO_LEN];
	struct err e = {0};
	int64_t due = 0;

	calendar_config_default(&cal);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(policy_duration_parse(&d, cases[i].dur, &e), KV_OK);
		CHECK_INT(policy_due(&due, &cal, &d, wf_at("2026-04-02T16:30"), &e), KV_OK);
		calendar_format_local(iso, due);
		CHECK_STR(iso, cases[i].due);
	}
}

static void defaults_follow_platform_and_register(void)
{
	struct wf fx = wf_setup();
	struct policy p;
	struct err e = {0};

	CHECK_INT(policy_get(fx.s, fx.org, 0, &p, &e), KV_OK);
	CHECK_INT(p.answer_deadline.unit, POLICY_WORKING_DAYS);
	CHECK_INT(p.answer_deadline.amount, 1);
	CHECK_INT(p.removal_deadline.unit, POLICY_HOURS);
	CHECK_INT(p.removal_deadline.amount, 48);
	CHECK_INT(p.inactivity_limit.amount, 365);
	CHECK_INT(p.weekly_limit.amount, 7);
	CHECK_INT(p.four_eyes, 0);
	CHECK_INT(p.crisis, 0);
	CHECK_INT(p.cal.open_min, 8 * 60);
	CHECK_INT(p.cal.close_min, 17 * 60);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.max_posts_per_day, 2);
	CHECK_INT(p.posts_per_week, 3);
	CHECK_INT(policy_get(fx.s, fx.org, fx.x, &p, &e), KV_OK);
	CHECK_INT(p.max_posts_per_day, -1);
	CHECK_INT(p.posts_per_week, -1);
	CHECK_INT(policy_get(fx.s, fx.org, 9999, &p, &e), KV_ENOTFOUND);
	store_free(fx.s);
}

static void account_overrides_organisation(void)
{
	struct wf fx = wf_setup();
	struct policy p;
	struct err e = {0};
	int64_t audits = wf_count(&fx, "SELECT COUNT(*) FROM audit");

	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), 0, "answer_deadline", "2wd", &e),
	          KV_OK);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "answer_deadline", "8wh", &e),
	          KV_OK);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), 0, "office_hours", "07:30-16:00", &e),
	          KV_OK);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.answer_deadline.unit, POLICY_WORKING_HOURS);
	CHECK_INT(p.answer_deadline.amount, 8);
	CHECK_INT(p.cal.open_min, 7 * 60 + 30);
	CHECK_INT(policy_get(fx.s, fx.org, fx.x, &p, &e), KV_OK);
	CHECK_INT(p.answer_deadline.unit, POLICY_WORKING_DAYS);
	CHECK_INT(p.answer_deadline.amount, 2);
	CHECK_INT(policy_unset(test_op(fx.s, fx.org, "anna"), fx.fb, "answer_deadline", &e), KV_OK);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.answer_deadline.amount, 2);
	CHECK_INT(policy_unset(test_op(fx.s, fx.org, "anna"), fx.fb, "answer_deadline", &e),
	          KV_ENOTFOUND);
	/* Four changes, each audited with the person. */
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit"), audits + 4);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE actor = 'anna' AND action LIKE "
	                        "'policy.%'"),
	          4);
	store_free(fx.s);
}

static void crisis_shortens_deadlines(void)
{
	struct wf fx = wf_setup();
	struct policy p;
	struct err e = {0};
	int crisis = -1;

	CHECK_INT(policy_crisis(fx.s, fx.org, &crisis, &e), KV_OK);
	CHECK_INT(crisis, 0);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "crisis", "on", &e), KV_EINVAL);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), 0, "crisis", "on", &e), KV_OK);
	CHECK_INT(policy_crisis(fx.s, fx.org, &crisis, &e), KV_OK);
	CHECK_INT(crisis, 1);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.crisis, 1);
	CHECK_INT(p.answer_deadline.unit, POLICY_WORKING_HOURS);
	CHECK_INT(p.answer_deadline.amount, 4);
	CHECK_INT(p.removal_deadline.amount, 24);
	CHECK_INT(p.review_interval.unit, POLICY_WORKING_HOURS);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), 0, "crisis_answer_deadline", "2wh", &e),
	          KV_OK);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.answer_deadline.amount, 2);
	store_free(fx.s);
}

static void bad_values_change_nothing(void)
{
	static const char *const bad[][2] = {
	        {"answer_deadline", "tomorrow"}, {"posts_per_week", "-1"},
	        {"max_posts_per_day", "0"},      {"four_eyes", "maybe"},
	        {"office_hours", "9-5"},         {"closed_days", "2026-02-30"},
	        {"de_facto_off", "påsk"},        {"nonsense", "1"},
	};
	struct wf fx = wf_setup();
	struct err e = {0};
	int64_t audits = wf_count(&fx, "SELECT COUNT(*) FROM audit");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		CHECK_INT(
		        policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, bad[i][0], bad[i][1], &e),
		        KV_EINVAL);
		CHECK_CONTAINS(e.msg, bad[i][0]);
	}
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM policy_setting"), 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit"), audits);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "closed_days",
	                     "2026-04-30, 2026-05-15", &e),
	          KV_OK);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "signature_template",
	                     "/{namn}, Sjöviks kommun", &e),
	          KV_OK);
	{
		struct policy p;

		CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
		CHECK_INT(p.cal.n_closed, 2);
		CHECK_STR(p.signature_template, "/{namn}, Sjöviks kommun");
	}
	store_free(fx.s);
}

struct shown {
	int n;
	char answer[32], answer_source[32];
};

static int collect(void *arg, const char *key, const char *value, const char *source)
{
	struct shown *s = arg;

	s->n++;
	if (strcmp(key, "answer_deadline") == 0) {
		snprintf(s->answer, sizeof(s->answer), "%s", value);
		snprintf(s->answer_source, sizeof(s->answer_source), "%s", source);
	}
	return 0;
}

static void show_names_the_source(void)
{
	struct wf fx = wf_setup();
	struct shown sh = {0};
	struct err e = {0};

	CHECK_INT(policy_show(test_op(fx.s, fx.org, "t"), fx.fb, collect, &sh, &e), KV_OK);
	CHECK_INT(sh.n, (int)policy_key_count);
	CHECK_STR(sh.answer, "1wd");
	CHECK_STR(sh.answer_source, "default");
	CHECK_INT(
	        policy_set(test_op(fx.s, fx.org, "anna"), 0, "answer_deadline", "48weekday-h", &e),
	        KV_OK);
	memset(&sh, 0, sizeof(sh));
	CHECK_INT(policy_show(test_op(fx.s, fx.org, "t"), fx.fb, collect, &sh, &e), KV_OK);
	CHECK_STR(sh.answer, "48weekday-h");
	CHECK_STR(sh.answer_source, "organisation");
	store_free(fx.s);
}

static void platform_keep_months(void)
{
	struct wf fx = wf_setup();
	struct policy p;
	struct err e = {0};
	static const char *const bad[] = {"-1", "18m", "", "1201", "1.5", "arton"};

	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.platform_keep_months, 0);
	CHECK_INT(
	        policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "platform_keep_months", "18", &e),
	        KV_OK);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.platform_keep_months, 18);
	/* The organisation's own policy is untouched by the account's. */
	CHECK_INT(policy_get(fx.s, fx.org, 0, &p, &e), KV_OK);
	CHECK_INT(p.platform_keep_months, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "platform_keep_months",
		                     bad[i], &e),
		          KV_EINVAL);
		CHECK(strstr(e.msg, "platform_keep_months") != NULL);
	}
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.platform_keep_months, 18);
	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "platform_keep_months", "none",
	                     &e),
	          KV_OK);
	CHECK_INT(policy_get(fx.s, fx.org, fx.fb, &p, &e), KV_OK);
	CHECK_INT(p.platform_keep_months, 0);
	store_free(fx.s);
}

TEST_MAIN(T(durations_parse_and_format), T(due_in_each_unit_over_easter),
          T(defaults_follow_platform_and_register), T(account_overrides_organisation),
          T(crisis_shortens_deadlines), T(bad_values_change_nothing), T(show_names_the_source),
          T(platform_keep_months))
