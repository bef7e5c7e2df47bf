/* Tests for base/calendar: holidays 2015–2030 against dates worked out here
 * from a typed-in table of Easter Sundays and the rules of the law, both
 * daylight-saving switches, the deadline rule and working-time arithmetic. */
#include "testlib.h"

#include "base/calendar.h"
#include "base/err.h"
#include "base/time.h"

#include <stdio.h>

/* Easter Sunday, 2015–2030, typed in from published church calendars. */
static const int easter_tab[][3] = {
        {2015, 4, 5},  {2016, 3, 27}, {2017, 4, 16}, {2018, 4, 1},  {2019, 4, 21}, {2020, 4, 12},
        {2021, 4, 4},  {2022, 4, 17}, {2023, 4, 9},  {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},
        {2027, 3, 28}, {2028, 4, 16}, {2029, 4, 1},  {2030, 4, 21},
};
#define N_YEARS (sizeof(easter_tab) / sizeof(easter_tab[0]))

static int64_t day_of(int y, int m, int d)
{
	return time_days_from_civil(y, m, d);
}

/* The day in [y-m-d, y-m-d + 6] with ISO weekday wd, found by looking. */
static int64_t in_window(int y, int m, int d, int wd)
{
	for (int64_t day = day_of(y, m, d); day < day_of(y, m, d) + 7; day++)
		if (time_weekday(day) == wd)
			return day;
	return -1;
}

/* The expected name of a day of 2015–2030, from the rules stated in the
 * law, computed independently of the module. */
static const char *expected_name(int year, int64_t easter, int64_t day, enum calendar_kind *kind)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	*kind = CALENDAR_PUBLIC;
	if (m == 1 && d == 1)
		return "nyårsdagen";
	if (m == 1 && d == 6)
		return "trettondedag jul";
	if (day == easter - 2)
		return "långfredagen";
	if (day == easter)
		return "påskdagen";
	if (day == easter + 1)
		return "annandag påsk";
	if (m == 5 && d == 1)
		return "första maj";
	if (day == easter + 39)
		return "Kristi himmelsfärdsdag";
	if (day == easter + 49)
		return "pingstdagen";
	if (m == 6 && d == 6)
		return "nationaldagen";
	if (day == in_window(year, 6, 20, 6))
		return "midsommardagen";
	if (day == in_window(year, 10, 31, 6))
		return "alla helgons dag";
	if (m == 12 && d == 25)
		return "juldagen";
	if (m == 12 && d == 26)
		return "annandag jul";
	*kind = CALENDAR_DE_FACTO;
	if (day == in_window(year, 6, 20, 6) - 1)
		return "midsommarafton";
	if (m == 12 && d == 24)
		return "julafton";
	if (m == 12 && d == 31)
		return "nyårsafton";
	return NULL;
}

static void easter_2015_2030(void)
{
	for (size_t i = 0; i < N_YEARS; i++) {
		const int *e = easter_tab[i];

		CHECK_INT(calendar_easter_sunday(e[0]), day_of(e[0], e[1], e[2]));
		CHECK_INT(time_weekday(calendar_easter_sunday(e[0])), 7);
	}
}

static void every_day_2015_2030(void)
{
	for (size_t i = 0; i < N_YEARS; i++) {
		int year = easter_tab[i][0];
		int64_t easter = day_of(year, easter_tab[i][1], easter_tab[i][2]);
		int named = 0;

		for (int64_t day = day_of(year, 1, 1); day < day_of(year + 1, 1, 1); day++) {
			enum calendar_kind want_kind, got_kind = 0;
			const char *want = expected_name(year, easter, day, &want_kind);
			const char *got;
			int y, m, d;

			time_civil_from_days(day, &y, &m, &d);
			got = calendar_holiday_name(y, m, d, &got_kind);
			if (!want) {
				if (got)
					test_fail(__FILE__, __LINE__, "%04d-%02d-%02d named '%s'",
					          y, m, d, got);
				continue;
			}
			named++;
			CHECK_STR(got, want);
			CHECK_INT(got_kind, want_kind);
		}
		/* No two named days share a date in these years. */
		CHECK_INT(named, 16);
	}
}

static void listing_is_sorted_and_complete(void)
{
	struct calendar_day days[CALENDAR_HOLIDAYS_MAX];
	struct err err;
	size_t n = 0;
	int pub = 0;

	CHECK_INT(calendar_holidays(days, &n, 2026, &err), KV_OK);
	CHECK_INT(n, 16);
	for (size_t i = 0; i < n; i++) {
		pub += days[i].kind == CALENDAR_PUBLIC;
		CHECK_STR(calendar_holiday_name(days[i].y, days[i].m, days[i].d, NULL),
		          days[i].name);
		if (i > 0)
			CHECK(day_of(days[i - 1].y, days[i - 1].m, days[i - 1].d) <
			      day_of(days[i].y, days[i].m, days[i].d));
	}
	CHECK_INT(pub, 13);
	CHECK_STR(days[2].name, "långfredagen");
	CHECK_INT(days[2].m, 4);
	CHECK_INT(days[2].d, 3);
	CHECK_INT(calendar_holidays(days, &n, 1952, &err), KV_EINVAL);
	CHECK_CONTAINS(err.msg, "1952");
	CHECK_INT(calendar_holidays(days, &n, 10000, &err), KV_EINVAL);
}

static void earlier_rules(void)
{
	/* Annandag pingst was a holiday until 2004 and nationaldagen since 2005. */
	CHECK_STR(calendar_holiday_name(2004, 5, 31, NULL), "annandag pingst");
	CHECK(calendar_holiday_name(2004, 6, 6, NULL) == NULL);
	CHECK(calendar_holiday_name(2005, 5, 16, NULL) == NULL);
	CHECK_STR(calendar_holiday_name(2005, 6, 6, NULL), "nationaldagen");
	/* 1967: Easter fell on 26 March, the Sunday the feast would have had,
	 * so it moved to the Sunday before palm Sunday. */
	CHECK_STR(calendar_holiday_name(1967, 3, 12, NULL), "Marie bebådelsedag");
	CHECK(calendar_holiday_name(1990, 3, 25, NULL) == NULL);
	/* 2008: Kristi himmelsfärdsdag on första maj; both are listed. */
	{
		struct calendar_day days[CALENDAR_HOLIDAYS_MAX];
		size_t n, on_may1 = 0;

		CHECK_INT(calendar_holidays(days, &n, 2008, NULL), KV_OK);
		for (size_t i = 0; i < n; i++)
			on_may1 += days[i].m == 5 && days[i].d == 1;
		CHECK_INT(on_may1, 2);
	}
	CHECK(calendar_holiday_name(1952, 1, 1, NULL) == NULL);
	CHECK(calendar_holiday_name(2026, 2, 30, NULL) == NULL);
}

static void working_days(void)
{
	struct calendar_config cfg;

	calendar_config_default(&cfg);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 4, 2), 1);  /* skärtorsdagen */
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 4, 3), 0);  /* långfredagen */
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 4, 6), 0);  /* annandag påsk */
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 4, 11), 0); /* Saturday */
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 4, 12), 0); /* Sunday */
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 6, 19), 0); /* midsommarafton */
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 12, 24), 0);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 12, 31), 0);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 12, 30), 1);
	cfg.de_facto_off = CALENDAR_JULAFTON;
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 6, 19), 1);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 12, 24), 0);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 12, 31), 1);
	CHECK_INT(calendar_config_add_closed(&cfg, 2026, 5, 15, NULL), KV_OK); /* klämdag */
	CHECK_INT(calendar_config_add_closed(&cfg, 2026, 5, 15, NULL), KV_OK);
	CHECK_INT(cfg.n_closed, 1);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 5, 15), 0);
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 2, 30), KV_EINVAL);
	cfg.open_min = 1000;
	cfg.close_min = 900;
	CHECK_INT(calendar_is_working_day(&cfg, 2026, 5, 15), KV_EINVAL);
}

/* The instant shown as local wall time with a given offset in hours. */
static int64_t at(int y, int mo, int d, int h, int mi, int off)
{
	return day_of(y, mo, d) * 86400 + h * 3600 + mi * 60 - off * 3600;
}

/* A macro so that a failure names the line of the case, not of a helper. */
#define FMT_EQ(t, want)                                                                            \
	do {                                                                                       \
		char s_[CALENDAR_ISO_LEN];                                                         \
                                                                                                   \
		calendar_format_local(s_, (t));                                                    \
		CHECK_STR(s_, want);                                                               \
	} while (0)

static void dst_switches_2015_2030(void)
{
	for (int y = 2015; y <= 2030; y++) {
		/* The last Sundays of March and October, by looking. */
		int64_t spring = in_window(y, 3, 25, 7), autumn = in_window(y, 10, 25, 7);
		int64_t s = spring * 86400 + 3600, a = autumn * 86400 + 3600;

		CHECK_INT(calendar_utc_offset(s - 1), 3600);
		CHECK_INT(calendar_utc_offset(s), 7200);
		CHECK_INT(calendar_utc_offset(a - 1), 7200);
		CHECK_INT(calendar_utc_offset(a), 3600);
		CHECK_INT(calendar_utc_offset(day_of(y, 1, 15) * 86400), 3600);
		CHECK_INT(calendar_utc_offset(day_of(y, 7, 15) * 86400), 7200);
	}
	FMT_EQ(at(2026, 3, 29, 0, 59, 0) + 59, "2026-03-29T01:59:59+01:00");
	FMT_EQ(at(2026, 3, 29, 1, 0, 0), "2026-03-29T03:00:00+02:00");
	FMT_EQ(at(2026, 10, 25, 0, 59, 0) + 59, "2026-10-25T02:59:59+02:00");
	FMT_EQ(at(2026, 10, 25, 1, 0, 0), "2026-10-25T02:00:00+01:00");
	FMT_EQ(at(2026, 4, 7, 16, 30, 2), "2026-04-07T16:30:00+02:00");
}

static void local_times_in_gap_and_overlap(void)
{
	struct calendar_local l;
	struct err err;
	int64_t t;

	/* Spring: 02:30 does not exist; read with the winter offset. */
	CHECK_INT(calendar_from_local(&t, 2026, 3, 29, 2, 30, 0), KV_OK);
	CHECK_INT(t, at(2026, 3, 29, 2, 30, 1));
	FMT_EQ(t, "2026-03-29T03:30:00+02:00");
	/* Autumn: 02:30 happens twice; the first (summer time) is taken. */
	CHECK_INT(calendar_from_local(&t, 2026, 10, 25, 2, 30, 0), KV_OK);
	CHECK_INT(t, at(2026, 10, 25, 2, 30, 2));
	CHECK_INT(calendar_parse_instant(&t, "2026-10-25T02:30", &err), KV_OK);
	CHECK_INT(t, at(2026, 10, 25, 2, 30, 2));
	CHECK_INT(calendar_parse_instant(&t, "2026-10-25T02:30:00+01:00", &err), KV_OK);
	FMT_EQ(t, "2026-10-25T02:30:00+01:00");
	CHECK_INT(calendar_parse_instant(&t, "2026-04-02", &err), KV_OK);
	FMT_EQ(t, "2026-04-02T00:00:00+02:00");
	CHECK_INT(calendar_parse_instant(&t, "2026-01-02T10:00:00Z", &err), KV_OK);
	FMT_EQ(t, "2026-01-02T11:00:00+01:00");
	calendar_to_local(&l, t);
	CHECK_INT(l.weekday, 5);
	CHECK_INT(l.hour, 11);
	CHECK_INT(l.utc_offset, 3600);
	CHECK_INT(calendar_parse_instant(&t, "2026-02-30T10:00", &err), KV_EINVAL);
	CHECK_CONTAINS(err.msg, "2026-02-30T10:00");
	CHECK_INT(calendar_parse_instant(&t, "yesterday", &err), KV_EINVAL);
	CHECK_CONTAINS(err.msg, "yesterday");
	CHECK_INT(calendar_parse_instant(&t, "1900-01-01T00:00Z", &err), KV_EINVAL);
	CHECK_CONTAINS(err.msg, "outside");
	CHECK_INT(calendar_parse_instant(&t, "", &err), KV_EINVAL);
	CHECK_INT(calendar_from_local(&t, 2026, 1, 1, 24, 0, 0), KV_EINVAL);
}

static int64_t due_days(const struct calendar_config *cfg, int64_t t, int n)
{
	int64_t out = -1;
	struct err err;

	if (calendar_add_working_days(&out, cfg, t, n, &err) != KV_OK)
		test_fail(__FILE__, __LINE__, "add_working_days: %s", err.msg);
	return out;
}

static void easter_question(void)
{
	struct calendar_config cfg;

	calendar_config_default(&cfg);
	/* The case in the requirement: Thursday 16:30 before Easter. */
	FMT_EQ(due_days(&cfg, at(2026, 4, 2, 16, 30, 2), 1), "2026-04-07T16:30:00+02:00");
	/* Every year: skärtorsdagen 16:30 is due on the Tuesday after Easter. */
	for (size_t i = 0; i < N_YEARS; i++) {
		int64_t easter = day_of(easter_tab[i][0], easter_tab[i][1], easter_tab[i][2]);
		int64_t thu = easter - 3, tue = easter + 2;
		int y, m, d, yy, mm, dd;
		int64_t t, want;

		time_civil_from_days(thu, &y, &m, &d);
		time_civil_from_days(tue, &yy, &mm, &dd);
		CHECK_INT(calendar_from_local(&t, y, m, d, 16, 30, 0), KV_OK);
		CHECK_INT(calendar_from_local(&want, yy, mm, dd, 16, 30, 0), KV_OK);
		CHECK_INT(due_days(&cfg, t, 1), want);
	}
}

static void deadline_edges(void)
{
	struct calendar_config cfg;
	struct err err;
	int64_t out = 42;

	calendar_config_default(&cfg);
	/* Friday 2026-04-17 after closing: counts from Monday 08:00. */
	FMT_EQ(due_days(&cfg, at(2026, 4, 17, 17, 30, 2), 1), "2026-04-21T08:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 17, 17, 0, 2), 1), "2026-04-21T08:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 17, 16, 59, 2) + 59, 1), "2026-04-20T16:59:59+02:00");
	/* Weekend arrivals. */
	FMT_EQ(due_days(&cfg, at(2026, 4, 18, 12, 0, 2), 1), "2026-04-21T08:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 19, 23, 59, 2), 1), "2026-04-21T08:00:00+02:00");
	/* Before opening: that day's opening is the start. */
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 7, 0, 2), 1), "2026-04-23T08:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 8, 0, 2), 1), "2026-04-23T08:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 0, 0, 2), 1), "2026-04-23T08:00:00+02:00");
	/* Zero days: the start of the count. */
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 10, 15, 2), 0), "2026-04-22T10:15:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 18, 0, 2), 0), "2026-04-23T08:00:00+02:00");
	/* Midsommar and Christmas; de facto days configurable. */
	FMT_EQ(due_days(&cfg, at(2026, 6, 18, 10, 0, 2), 1), "2026-06-22T10:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 12, 23, 12, 0, 1), 1), "2026-12-28T12:00:00+01:00");
	FMT_EQ(due_days(&cfg, at(2026, 12, 30, 12, 0, 1), 1), "2027-01-04T12:00:00+01:00");
	cfg.de_facto_off = 0;
	FMT_EQ(due_days(&cfg, at(2026, 6, 18, 10, 0, 2), 1), "2026-06-19T10:00:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 12, 30, 12, 0, 1), 1), "2026-12-31T12:00:00+01:00");
	/* Across the autumn switch: same clock time, new offset. */
	calendar_config_default(&cfg);
	FMT_EQ(due_days(&cfg, at(2026, 10, 23, 9, 0, 2), 1), "2026-10-26T09:00:00+01:00");
	/* Other office hours. */
	CHECK_INT(calendar_config_set_hours(&cfg, "09:30-16:00", &err), KV_OK);
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 16, 0, 2), 1), "2026-04-24T09:30:00+02:00");
	FMT_EQ(due_days(&cfg, at(2026, 4, 22, 9, 0, 2), 2), "2026-04-24T09:30:00+02:00");
	/* Errors leave out untouched. */
	CHECK_INT(calendar_add_working_days(&out, &cfg, at(2026, 4, 22, 9, 0, 2), -1, &err),
	          KV_EINVAL);
	CHECK_INT(calendar_add_working_days(&out, &cfg, at(9999, 12, 30, 9, 0, 1), 5, &err),
	          KV_EINVAL);
	CHECK_CONTAINS(err.msg, "9999");
	CHECK_INT(calendar_add_working_days(&out, &cfg, at(1950, 1, 2, 9, 0, 1), 1, &err),
	          KV_EINVAL);
	cfg.close_min = 2000;
	CHECK_INT(calendar_add_working_days(&out, &cfg, at(2026, 4, 22, 9, 0, 2), 1, &err),
	          KV_EINVAL);
	CHECK_CONTAINS(err.msg, "office hours");
	CHECK_INT(out, 42);
}

static void working_time(void)
{
	struct calendar_config cfg;

	calendar_config_default(&cfg);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 4, 22, 8, 0, 2)), 1);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 4, 22, 7, 59, 2) + 59), 0);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 4, 22, 16, 59, 2) + 59), 1);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 4, 22, 17, 0, 2)), 0);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 4, 25, 10, 0, 2)), 0);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 4, 3, 10, 0, 2)), 0);
	/* 07:30 UTC is 08:30 in winter and 09:30 in summer. */
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 1, 14, 7, 30, 0)), 1);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 1, 14, 16, 30, 0)), 0);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 7, 15, 15, 30, 0)), 0);
	CHECK_INT(calendar_is_working_time(&cfg, at(2026, 7, 15, 14, 30, 0)), 1);
	CHECK_INT(calendar_is_working_time(&cfg, at(1900, 1, 3, 10, 0, 1)), KV_EINVAL);
}

static int64_t add_wh(const struct calendar_config *cfg, int64_t t, int64_t secs)
{
	int64_t out = -1;
	struct err err;

	if (calendar_add_working_seconds(&out, cfg, t, secs, &err) != KV_OK)
		test_fail(__FILE__, __LINE__, "add_working_seconds: %s", err.msg);
	return out;
}

static int64_t between(const struct calendar_config *cfg, int64_t a, int64_t b)
{
	int64_t out = -1;
	struct err err;

	if (calendar_working_seconds_between(&out, cfg, a, b, &err) != KV_OK)
		test_fail(__FILE__, __LINE__, "working_seconds_between: %s", err.msg);
	return out;
}

static void working_hours(void)
{
	struct calendar_config cfg;
	int64_t out;

	calendar_config_default(&cfg);
	FMT_EQ(add_wh(&cfg, at(2026, 4, 17, 16, 0, 2), 3600), "2026-04-17T17:00:00+02:00");
	FMT_EQ(add_wh(&cfg, at(2026, 4, 17, 16, 30, 2), 3600), "2026-04-20T08:30:00+02:00");
	FMT_EQ(add_wh(&cfg, at(2026, 4, 18, 9, 0, 2), 2 * 3600), "2026-04-20T10:00:00+02:00");
	FMT_EQ(add_wh(&cfg, at(2026, 4, 22, 7, 0, 2), 9 * 3600), "2026-04-22T17:00:00+02:00");
	FMT_EQ(add_wh(&cfg, at(2026, 4, 22, 7, 0, 2), 9 * 3600 + 1), "2026-04-23T08:00:01+02:00");
	FMT_EQ(add_wh(&cfg, at(2026, 4, 22, 20, 0, 2), 0), "2026-04-22T20:00:00+02:00");
	/* 2016: Easter Sunday was also the spring switch. Thursday 16:00 CET
	 * plus three working hours: one on Thursday, then långfredagen, the
	 * weekend with the switch and annandag påsk pass, two on Tuesday. */
	FMT_EQ(add_wh(&cfg, at(2016, 3, 24, 16, 0, 1), 3 * 3600), "2016-03-29T10:00:00+02:00");
	CHECK_INT(between(&cfg, at(2016, 3, 24, 16, 0, 1), at(2016, 3, 29, 10, 0, 2)), 3 * 3600);
	CHECK_INT(between(&cfg, at(2016, 3, 29, 10, 0, 2), at(2016, 3, 24, 16, 0, 1)), -3 * 3600);
	/* One working day over the same span keeps the clock time. */
	FMT_EQ(due_days(&cfg, at(2016, 3, 24, 16, 0, 1), 1), "2016-03-29T16:00:00+02:00");
	/* Autumn switch. */
	FMT_EQ(add_wh(&cfg, at(2026, 10, 23, 16, 0, 2), 2 * 3600), "2026-10-26T09:00:00+01:00");
	CHECK_INT(between(&cfg, at(2026, 10, 23, 0, 0, 2), at(2026, 10, 27, 0, 0, 1)), 18 * 3600);
	/* Holy week 2026 has 4 days × 9 hours (långfredagen is off), and so
	 * has the week after (annandag påsk is off). */
	CHECK_INT(between(&cfg, at(2026, 3, 30, 0, 0, 2), at(2026, 4, 6, 0, 0, 2)), 4 * 9 * 3600);
	CHECK_INT(between(&cfg, at(2026, 3, 30, 0, 0, 2), at(2026, 4, 13, 0, 0, 2)), 8 * 9 * 3600);
	/* Adding and measuring agree over a year of starting points. */
	for (int64_t t = at(2026, 1, 1, 0, 0, 1); t < at(2027, 1, 1, 0, 0, 1);
	     t += 7 * 3600 + 779) {
		int64_t s = (t / 3600) % 60 * 1800 + t % 97;

		out = add_wh(&cfg, t, s);
		CHECK(out >= t);
		CHECK_INT(between(&cfg, t, out), s);
		/* And out is the earliest such instant. */
		if (s > 0)
			CHECK_INT(between(&cfg, t, out - 1), s - 1);
	}
	CHECK_INT(calendar_add_working_seconds(&out, &cfg, at(2026, 1, 1, 0, 0, 1), -5, NULL),
	          KV_EINVAL);
}

static void weekday_and_calendar_hours(void)
{
	struct calendar_config cfg;
	struct err err;
	int64_t out = 0;

	calendar_config_default(&cfg);
	/* 48 hours on working days from Thursday 16:30 before Easter 2026:
	 * 7.5 on Thursday, 24 on Tuesday, 16.5 on Wednesday. */
	CHECK_INT(calendar_add_weekday_seconds(&out, &cfg, at(2026, 4, 2, 16, 30, 2), 48 * 3600,
	                                       &err),
	          KV_OK);
	FMT_EQ(out, "2026-04-08T16:30:00+02:00");
	CHECK_INT(calendar_add_weekday_seconds(&out, &cfg, at(2026, 4, 11, 10, 0, 2), 48 * 3600,
	                                       &err),
	          KV_OK);
	FMT_EQ(out, "2026-04-15T00:00:00+02:00");
	CHECK_INT(calendar_weekday_seconds_between(&out, &cfg, at(2026, 4, 2, 16, 30, 2),
	                                           at(2026, 4, 8, 16, 30, 2), &err),
	          KV_OK);
	CHECK_INT(out, 48 * 3600);
	/* Calendar hours: the spring night has 23 hours. */
	CHECK_INT(calendar_add_hours(&out, at(2026, 3, 28, 12, 0, 1), 24, &err), KV_OK);
	FMT_EQ(out, "2026-03-29T13:00:00+02:00");
	CHECK_INT(calendar_add_hours(&out, at(2026, 3, 28, 12, 0, 1), -1, &err), KV_EINVAL);
	CHECK_INT(calendar_add_hours(&out, at(9999, 12, 31, 12, 0, 1), 48, &err), KV_EINVAL);
}

static void config_parsing(void)
{
	struct calendar_config cfg;
	struct err err;

	calendar_config_default(&cfg);
	CHECK_INT(calendar_config_check(&cfg, &err), KV_OK);
	CHECK_INT(cfg.open_min, 480);
	CHECK_INT(cfg.close_min, 1020);
	CHECK_INT(calendar_config_set_hours(&cfg, "7:45-24:00", &err), KV_OK);
	CHECK_INT(cfg.open_min, 465);
	CHECK_INT(cfg.close_min, 1440);
	CHECK_INT(calendar_config_set_hours(&cfg, "17:00-08:00", &err), KV_EINVAL);
	CHECK_CONTAINS(err.msg, "17:00-08:00");
	CHECK_INT(calendar_config_set_hours(&cfg, "08:00", &err), KV_EINVAL);
	CHECK_INT(calendar_config_set_hours(&cfg, "08:60-17:00", &err), KV_EINVAL);
	CHECK_INT(calendar_config_set_hours(&cfg, "08:00-17:00x", &err), KV_EINVAL);
	CHECK_INT(calendar_config_set_hours(&cfg, "24:00-24:00", &err), KV_EINVAL);
	CHECK_INT(cfg.open_min, 465);
	CHECK_INT(calendar_config_add_closed(&cfg, 2026, 2, 29, &err), KV_EINVAL);
	for (int i = 0; i < CALENDAR_CLOSED_MAX; i++)
		CHECK_INT(calendar_config_add_closed(&cfg, 2027, 1 + i / 28, 1 + i % 28, &err),
		          KV_OK);
	CHECK_INT(calendar_config_add_closed(&cfg, 2028, 1, 1, &err), KV_EINVAL);
	CHECK_CONTAINS(err.msg, "at most");
	cfg.de_facto_off = 8;
	CHECK_INT(calendar_config_check(&cfg, &err), KV_EINVAL);
	CHECK_INT(calendar_config_check(NULL, &err), KV_EINVAL);
}

TEST_MAIN(T(easter_2015_2030), T(every_day_2015_2030), T(listing_is_sorted_and_complete),
          T(earlier_rules), T(working_days), T(dst_switches_2015_2030),
          T(local_times_in_gap_and_overlap), T(easter_question), T(deadline_edges), T(working_time),
          T(working_hours), T(weekday_and_calendar_hours), T(config_parsing))
