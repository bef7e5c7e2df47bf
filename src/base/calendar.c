/* Swedish public holidays, de facto days off, office hours and Stockholm
 * local time, computed from the rules (no tables, no tzdata, no TZ), and the
 * deadline arithmetic built on them. Not a general time-zone library: it knows
 * one zone. See docs/internals/calendar.md for the rules and examples. */
#include "base/calendar.h"

#include "base/time.h"

#include <stdio.h>
#include <string.h>

#define CET  3600
#define CEST 7200

/* The holidays of one year as day numbers, rebuilt when a walk over days
 * crosses into another year, so that Easter is not recomputed per day. */
struct year_info {
	int year;
	int64_t first, end; /* day numbers: [first, end) is the year */
	size_t n;
	struct calendar_day days[CALENDAR_HOLIDAYS_MAX];
	int64_t dayno[CALENDAR_HOLIDAYS_MAX];
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t day_min(void)
{
	return time_days_from_civil(CALENDAR_YEAR_MIN, 1, 1);
}

static int64_t day_max(void)
{
	return time_days_from_civil(CALENDAR_YEAR_MAX, 12, 31);
}

/* The first and last instants whose local date is in the supported range;
 * Stockholm is on CET at both ends. */
static int64_t t_min(void)
{
	return day_min() * 86400 - CET;
}

static int64_t t_max(void)
{
	return (day_max() + 1) * 86400 - CET - 1;
}

static int check_instant(int64_t t, struct err *err)
{
	if (t < t_min() || t > t_max())
		return err_set(err, KV_EINVAL,
		               "time %lld is outside the years %d-%d the calendar covers",
		               (long long)t, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
	return KV_OK;
}

/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
int64_t calendar_easter_sunday(int year)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return time_days_from_civil(year, month, day);
}

/* The day number of the given ISO weekday (1..7) in the week-long window
 * starting at y-m-d: "the Saturday between 20 and 26 June". */
static int64_t weekday_from(int y, int m, int d, int weekday)
{
	int64_t day = time_days_from_civil(y, m, d);

	return day + (weekday - time_weekday(day) + 7) % 7;
}

static void add_day(struct year_info *yi, int64_t dayno, const char *name, enum calendar_kind kind,
                    unsigned de_facto)
{
	struct calendar_day *cd = &yi->days[yi->n];
	size_t i = yi->n;

	time_civil_from_days(dayno, &cd->y, &cd->m, &cd->d);
	cd->name = name;
	cd->kind = kind;
	cd->de_facto = de_facto;
	yi->dayno[yi->n++] = dayno;
	/* Insertion keeps date order and, for two names on one date (Kristi
	 * himmelsfärdsdag on första maj in 2008), the order they were added. */
	while (i > 0 && yi->dayno[i - 1] > dayno) {
		struct calendar_day tmp = yi->days[i - 1];
		int64_t tn = yi->dayno[i - 1];

		yi->days[i - 1] = yi->days[i];
		yi->dayno[i - 1] = yi->dayno[i];
		yi->days[i] = tmp;
		yi->dayno[i] = tn;
		i--;
	}
}

/* The rules of Lag (1989:253) om allmänna helgdagar, with the changes since
 * 1953 so that older records are judged by the rules of their time:
 * Marie bebådelsedag was a holiday on a Sunday in late March until
 * 1989, annandag pingst until 2004, nationaldagen from 2005. */
static void build_year(struct year_info *yi, int y)
{
	int64_t easter = calendar_easter_sunday(y);

	yi->year = y;
	yi->first = time_days_from_civil(y, 1, 1);
	yi->end = time_days_from_civil(y + 1, 1, 1);
	yi->n = 0;
	add_day(yi, time_days_from_civil(y, 1, 1), "nyårsdagen", CALENDAR_PUBLIC, 0);
	add_day(yi, time_days_from_civil(y, 1, 6), "trettondedag jul", CALENDAR_PUBLIC, 0);
	if (y <= 1989) {
		/* The Sunday between 22 and 28 March, unless that is palm
		 * Sunday or Easter Sunday: then the Sunday before palm Sunday. */
		int64_t sun = weekday_from(y, 3, 22, 7);

		if (sun == easter || sun == easter - 7)
			sun = easter - 14;
		add_day(yi, sun, "Marie bebådelsedag", CALENDAR_PUBLIC, 0);
	}
	add_day(yi, easter - 2, "långfredagen", CALENDAR_PUBLIC, 0);
	add_day(yi, easter, "påskdagen", CALENDAR_PUBLIC, 0);
	add_day(yi, easter + 1, "annandag påsk", CALENDAR_PUBLIC, 0);
	add_day(yi, time_days_from_civil(y, 5, 1), "första maj", CALENDAR_PUBLIC, 0);
	add_day(yi, easter + 39, "Kristi himmelsfärdsdag", CALENDAR_PUBLIC, 0);
	add_day(yi, easter + 49, "pingstdagen", CALENDAR_PUBLIC, 0);
	if (y <= 2004)
		add_day(yi, easter + 50, "annandag pingst", CALENDAR_PUBLIC, 0);
	else
		add_day(yi, time_days_from_civil(y, 6, 6), "nationaldagen", CALENDAR_PUBLIC, 0);
	add_day(yi, weekday_from(y, 6, 19, 5), "midsommarafton", CALENDAR_DE_FACTO,
	        CALENDAR_MIDSOMMARAFTON);
	add_day(yi, weekday_from(y, 6, 20, 6), "midsommardagen", CALENDAR_PUBLIC, 0);
	add_day(yi, weekday_from(y, 10, 31, 6), "alla helgons dag", CALENDAR_PUBLIC, 0);
	add_day(yi, time_days_from_civil(y, 12, 24), "julafton", CALENDAR_DE_FACTO,
	        CALENDAR_JULAFTON);
	add_day(yi, time_days_from_civil(y, 12, 25), "juldagen", CALENDAR_PUBLIC, 0);
	add_day(yi, time_days_from_civil(y, 12, 26), "annandag jul", CALENDAR_PUBLIC, 0);
	add_day(yi, time_days_from_civil(y, 12, 31), "nyårsafton", CALENDAR_DE_FACTO,
	        CALENDAR_NYARSAFTON);
}

static int year_ok(int y)
{
	return y >= CALENDAR_YEAR_MIN && y <= CALENDAR_YEAR_MAX;
}

int calendar_holidays(struct calendar_day *out, size_t *n, int year, struct err *err)
{
	struct year_info yi;

	if (!year_ok(year))
		return err_set(err, KV_EINVAL, "year %d: the calendar covers %d-%d", year,
		               CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
	build_year(&yi, year);
	memcpy(out, yi.days, yi.n * sizeof(yi.days[0]));
	*n = yi.n;
	return KV_OK;
}

const char *calendar_holiday_name(int y, int m, int d, enum calendar_kind *kind)
{
	struct year_info yi;
	int64_t day;

	if (!year_ok(y) || !time_date_valid(y, m, d))
		return NULL;
	build_year(&yi, y);
	day = time_days_from_civil(y, m, d);
	for (size_t i = 0; i < yi.n; i++)
		if (yi.dayno[i] == day) {
			if (kind)
				*kind = yi.days[i].kind;
			return yi.days[i].name;
		}
	return NULL;
}

void calendar_config_default(struct calendar_config *out)
{
	memset(out, 0, sizeof(*out));
	out->open_min = 8 * 60;
	out->close_min = 17 * 60;
	out->de_facto_off = CALENDAR_DE_FACTO_ALL;
}

int calendar_config_check(const struct calendar_config *cfg, struct err *err)
{
	if (!cfg)
		return err_set(err, KV_EINVAL, "calendar: no configuration given");
	if (cfg->open_min < 0 || cfg->open_min >= 1440 || cfg->close_min <= cfg->open_min ||
	    cfg->close_min > 1440)
		return err_set(err, KV_EINVAL,
		               "calendar: office hours %d-%d (minutes after midnight) are not an "
		               "interval within one day",
		               cfg->open_min, cfg->close_min);
	if (cfg->de_facto_off & ~(unsigned)CALENDAR_DE_FACTO_ALL)
		return err_set(err, KV_EINVAL, "calendar: unknown de facto day bits 0x%x",
		               cfg->de_facto_off);
	if (cfg->n_closed > CALENDAR_CLOSED_MAX)
		return err_set(err, KV_EINVAL, "calendar: %zu closed days, at most %d",
		               cfg->n_closed, CALENDAR_CLOSED_MAX);
	for (size_t i = 0; i < cfg->n_closed; i++)
		if (cfg->closed[i] < day_min() || cfg->closed[i] > day_max())
			return err_set(err, KV_EINVAL, "calendar: closed day %zu is out of range",
			               i + 1);
	return KV_OK;
}

/* "H:MM" or "HH:MM" as minutes after midnight, 00:00..24:00; the end of the
 * parse in *end. -1 when malformed. */
static int parse_clock(const char *s, const char **end)
{
	int h = 0, m = 0, nd = 0;

	while (*s >= '0' && *s <= '9' && nd < 2) {
		h = h * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0 || *s != ':')
		return -1;
	s++;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	*end = s + 2;
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

int calendar_config_set_hours(struct calendar_config *cfg, const char *spec, struct err *err)
{
	const char *p = spec;
	int open, close;

	if (!spec)
		return err_set(err, KV_EINVAL, "office hours: none given");
	open = parse_clock(p, &p);
	if (open < 0 || *p != '-')
		return err_set(err, KV_EINVAL,
		               "office hours '%.40s': expected HH:MM-HH:MM, e.g. 08:00-17:00",
		               spec);
	p++;
	close = parse_clock(p, &p);
	if (close < 0 || *p)
		return err_set(err, KV_EINVAL,
		               "office hours '%.40s': expected HH:MM-HH:MM, e.g. 08:00-17:00",
		               spec);
	if (open >= 1440 || close <= open)
		return err_set(
		        err, KV_EINVAL,
		        "office hours '%.40s': closing must come after opening on the same day",
		        spec);
	cfg->open_min = open;
	cfg->close_min = close;
	return KV_OK;
}

int calendar_config_add_closed(struct calendar_config *cfg, int y, int m, int d, struct err *err)
{
	int64_t day;

	if (!year_ok(y) || !time_date_valid(y, m, d))
		return err_set(err, KV_EINVAL, "closed day %04d-%02d-%02d: not a date in %d-%d", y,
		               m, d, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
	day = time_days_from_civil(y, m, d);
	for (size_t i = 0; i < cfg->n_closed; i++)
		if (cfg->closed[i] == day)
			return KV_OK;
	if (cfg->n_closed >= CALENDAR_CLOSED_MAX)
		return err_set(err, KV_EINVAL, "closed day %04d-%02d-%02d: at most %d closed days",
		               y, m, d, CALENDAR_CLOSED_MAX);
	cfg->closed[cfg->n_closed++] = day;
	return KV_OK;
}

/* The working-day test on a day number; yi caches the holidays of the year
 * last looked at (year 0 = nothing cached). */
static int working_day(const struct calendar_config *cfg, struct year_info *yi, int64_t day)
{
	if (time_weekday(day) >= 6)
		return 0;
	if (yi->year == 0 || day < yi->first || day >= yi->end) {
		int y, m, d;

		time_civil_from_days(day, &y, &m, &d);
		build_year(yi, y);
	}
	for (size_t i = 0; i < yi->n; i++) {
		if (yi->dayno[i] != day)
			continue;
		if (yi->days[i].kind == CALENDAR_PUBLIC ||
		    (yi->days[i].de_facto & cfg->de_facto_off))
			return 0;
	}
	for (size_t i = 0; i < cfg->n_closed; i++)
		if (cfg->closed[i] == day)
			return 0;
	return 1;
}

int calendar_is_working_day(const struct calendar_config *cfg, int y, int m, int d)
{
	struct year_info yi = {0};

	if (calendar_config_check(cfg, NULL) != KV_OK || !year_ok(y) || !time_date_valid(y, m, d))
		return KV_EINVAL;
	return working_day(cfg, &yi, time_days_from_civil(y, m, d));
}

static int64_t last_sunday(int y, int m, int last_dom)
{
	int64_t day = time_days_from_civil(y, m, last_dom);

	return day - time_weekday(day) % 7;
}

/* Summer time of UTC year y as [start, end) in Unix seconds; 0 when the year
 * had none. The switch is at 01:00 UTC in every rule since 1980. Sweden kept
 * no summer time from 1953 (the first year covered) to 1979; 1980 began on the
 * first Sunday of April;
 * until 1995 it ended on the last Sunday of September; since 1996 the EU rule
 * (Directive 2000/84/EC and its predecessors) ends it in October. */
static int dst_bounds(int y, int64_t *start, int64_t *end)
{
	int64_t s, e;

	if (y < 1980)
		return 0;
	if (y == 1980)
		s = weekday_from(1980, 4, 1, 7);
	else
		s = last_sunday(y, 3, 31);
	e = y <= 1995 ? last_sunday(y, 9, 30) : last_sunday(y, 10, 31);
	*start = s * 86400 + 3600;
	*end = e * 86400 + 3600;
	return 1;
}

int calendar_utc_offset(int64_t t)
{
	int64_t start, end;
	int y, m, d;

	time_civil_from_days(floor_div(t, 86400), &y, &m, &d);
	if (dst_bounds(y, &start, &end) && t >= start && t < end)
		return CEST;
	return CET;
}

/* Local wall-clock seconds (local days * 86400 + seconds of the day) to the
 * instant; the choice for skipped and repeated times is documented in the
 * header. */
static int64_t from_wall(int64_t wall)
{
	int64_t summer = wall - CEST, winter = wall - CET;

	if (calendar_utc_offset(summer) == CEST)
		return summer; /* also the first of two occurrences in autumn */
	/* Winter time, or the hour skipped in spring read with the offset in
	 * force before the switch. */
	return winter;
}

static int64_t to_wall(int64_t t)
{
	return t + calendar_utc_offset(t);
}

void calendar_to_local(struct calendar_local *out, int64_t t)
{
	int off = calendar_utc_offset(t);
	int64_t wall = t + off, day = floor_div(wall, 86400), sec = wall - day * 86400;

	time_civil_from_days(day, &out->y, &out->m, &out->d);
	out->hour = (int)(sec / 3600);
	out->min = (int)(sec / 60 % 60);
	out->sec = (int)(sec % 60);
	out->weekday = time_weekday(day);
	out->utc_offset = off;
}

int calendar_from_local(int64_t *out, int y, int mo, int d, int hh, int mi, int ss)
{
	if (!year_ok(y) || !time_date_valid(y, mo, d) || hh < 0 || hh > 23 || mi < 0 || mi > 59 ||
	    ss < 0 || ss > 59)
		return KV_EINVAL;
	*out = from_wall(time_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss);
	return KV_OK;
}

void calendar_format_local(char out[CALENDAR_ISO_LEN], int64_t t)
{
	struct calendar_local l;

	calendar_to_local(&l, t);
	snprintf(out, CALENDAR_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", l.y, l.m, l.d,
	         l.hour, l.min, l.sec, l.utc_offset / 3600);
}

int calendar_parse_instant(int64_t *out, const char *s, struct err *err)
{
	char tmp[48];
	int64_t t = 0;
	int y, m, d, found = 0, in_range = 1;

	if (!s || !*s)
		return err_set(err, KV_EINVAL, "time: empty");
	if (time_parse_iso(s, &t) == KV_OK) {
		found = 1;
	} else if (time_parse_date(s, &y, &m, &d) == KV_OK) {
		found = 1;
		in_range = calendar_from_local(&t, y, m, d, 0, 0, 0) == KV_OK;
	} else if (strlen(s) < sizeof(tmp) - 1) {
		/* Without an offset the text is Stockholm wall-clock time: read it
		 * as if it were UTC to get the wall-clock fields, then place it. */
		snprintf(tmp, sizeof(tmp), "%sZ", s);
		if (time_parse_iso(tmp, &t) == KV_OK) {
			found = 1;
			time_civil_from_days(floor_div(t, 86400), &y, &m, &d);
			in_range = year_ok(y);
			if (in_range)
				t = from_wall(t);
		}
	}
	if (!found)
		return err_set(err, KV_EINVAL,
		               "time '%.60s': expected ISO 8601 such as 2026-04-02T16:30:00+02:00, "
		               "2026-04-02T16:30 (Stockholm time) or 2026-04-02",
		               s);
	if (!in_range || check_instant(t, NULL) != KV_OK)
		return err_set(err, KV_EINVAL,
		               "time '%.60s': outside the years %d-%d the calendar covers", s,
		               CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
	*out = t;
	return KV_OK;
}

static int check_args(const struct calendar_config *cfg, int64_t t, struct err *err)
{
	int rc = calendar_config_check(cfg, err);

	if (rc == KV_OK)
		rc = check_instant(t, err);
	return rc;
}

int calendar_is_working_time(const struct calendar_config *cfg, int64_t t)
{
	struct year_info yi = {0};
	int64_t wall, day, sec;

	if (check_args(cfg, t, NULL) != KV_OK)
		return KV_EINVAL;
	wall = to_wall(t);
	day = floor_div(wall, 86400);
	sec = wall - day * 86400;
	return working_day(cfg, &yi, day) && sec >= cfg->open_min * 60 && sec < cfg->close_min * 60;
}

static int beyond_range(struct err *err)
{
	return err_set(err, KV_EINVAL, "the result would fall after the year %d",
	               CALENDAR_YEAR_MAX);
}

/* Working days are never the Sundays on which the clocks change, so the
 * wall-clock time of day and the instant agree on every day this walks. */
int calendar_add_working_days(int64_t *out, const struct calendar_config *cfg, int64_t t, int n,
                              struct err *err)
{
	struct year_info yi = {0};
	int64_t wall, day, sec, dmax = day_max();
	int rc;

	rc = check_args(cfg, t, err);
	if (rc != KV_OK)
		goto out;
	if (n < 0 || n > CALENDAR_AMOUNT_MAX) {
		rc = err_set(err, KV_EINVAL, "working days: %d is outside 0-%d", n,
		             CALENDAR_AMOUNT_MAX);
		goto out;
	}
	wall = to_wall(t);
	day = floor_div(wall, 86400);
	sec = wall - day * 86400;
	if (!working_day(cfg, &yi, day) || sec >= cfg->close_min * 60) {
		/* Outside working time after opening: count from the next
		 * working day's opening. */
		do {
			if (++day > dmax) {
				rc = beyond_range(err);
				goto out;
			}
		} while (!working_day(cfg, &yi, day));
		sec = cfg->open_min * 60;
	} else if (sec < cfg->open_min * 60) {
		sec = cfg->open_min * 60; /* before opening: from today's opening */
	}
	for (int i = 0; i < n; i++) {
		do {
			if (++day > dmax) {
				rc = beyond_range(err);
				goto out;
			}
		} while (!working_day(cfg, &yi, day));
	}
	*out = from_wall(day * 86400 + sec);
out:
	return rc;
}

/* Adds seconds counted only inside [open, close) minutes of each working day. */
static int add_in_hours(int64_t *out, const struct calendar_config *cfg, int open, int close,
                        int64_t t, int64_t seconds, struct err *err)
{
	struct year_info yi = {0};
	int64_t day, dmax = day_max();

	if (seconds < 0 || seconds > (int64_t)CALENDAR_AMOUNT_MAX * 3600)
		return err_set(err, KV_EINVAL, "%lld seconds is outside 0-%d hours",
		               (long long)seconds, CALENDAR_AMOUNT_MAX);
	if (seconds == 0) {
		*out = t;
		return KV_OK;
	}
	for (day = floor_div(to_wall(t), 86400); day <= dmax; day++) {
		int64_t a, b, start;

		if (!working_day(cfg, &yi, day))
			continue;
		a = from_wall(day * 86400 + open * 60);
		b = from_wall(day * 86400 + close * 60);
		if (t >= b)
			continue;
		start = t > a ? t : a;
		if (seconds <= b - start) {
			if (start + seconds > t_max() + 1)
				break;
			*out = start + seconds;
			return KV_OK;
		}
		seconds -= b - start;
	}
	return beyond_range(err);
}

/* Seconds inside [open, close) of working days in [a, b). */
static int64_t between_in_hours(const struct calendar_config *cfg, int open, int close, int64_t a,
                                int64_t b)
{
	struct year_info yi = {0};
	int64_t sum = 0, sign = 1, last;

	if (b < a) {
		int64_t tmp = a;

		a = b;
		b = tmp;
		sign = -1;
	}
	last = floor_div(to_wall(b), 86400);
	for (int64_t day = floor_div(to_wall(a), 86400); day <= last; day++) {
		int64_t lo, hi;

		if (!working_day(cfg, &yi, day))
			continue;
		lo = from_wall(day * 86400 + open * 60);
		hi = from_wall(day * 86400 + close * 60);
		if (lo < a)
			lo = a;
		if (hi > b)
			hi = b;
		if (hi > lo)
			sum += hi - lo;
	}
	return sign * sum;
}

int calendar_add_working_seconds(int64_t *out, const struct calendar_config *cfg, int64_t t,
                                 int64_t seconds, struct err *err)
{
	int rc = check_args(cfg, t, err);

	if (rc == KV_OK)
		rc = add_in_hours(out, cfg, cfg->open_min, cfg->close_min, t, seconds, err);
	return rc;
}

int calendar_add_weekday_seconds(int64_t *out, const struct calendar_config *cfg, int64_t t,
                                 int64_t seconds, struct err *err)
{
	int rc = check_args(cfg, t, err);

	if (rc == KV_OK)
		rc = add_in_hours(out, cfg, 0, 1440, t, seconds, err);
	return rc;
}

int calendar_add_hours(int64_t *out, int64_t t, int64_t hours, struct err *err)
{
	int rc = check_instant(t, err);

	if (rc != KV_OK)
		return rc;
	if (hours < 0 || hours > CALENDAR_AMOUNT_MAX)
		return err_set(err, KV_EINVAL, "hours: %lld is outside 0-%d", (long long)hours,
		               CALENDAR_AMOUNT_MAX);
	if (t + hours * 3600 > t_max())
		return beyond_range(err);
	*out = t + hours * 3600;
	return KV_OK;
}

int calendar_working_seconds_between(int64_t *out, const struct calendar_config *cfg, int64_t a,
                                     int64_t b, struct err *err)
{
	int rc = check_args(cfg, a, err);

	if (rc == KV_OK)
		rc = check_instant(b, err);
	if (rc == KV_OK)
		*out = between_in_hours(cfg, cfg->open_min, cfg->close_min, a, b);
	return rc;
}

int calendar_weekday_seconds_between(int64_t *out, const struct calendar_config *cfg, int64_t a,
                                     int64_t b, struct err *err)
{
	int rc = check_args(cfg, a, err);

	if (rc == KV_OK)
		rc = check_instant(b, err);
	if (rc == KV_OK)
		*out = between_in_hours(cfg, 0, 1440, a, b);
	return rc;
}

json_t *calendar_json_local(int64_t t)
{
	char b[CALENDAR_ISO_LEN];

	if (!t)
		return json_null();
	calendar_format_local(b, t);
	return json_string(b);
}
