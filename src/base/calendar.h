/* Swedish working days: public holidays (Lag 1989:253), the de facto days off,
 * weekends, office hours and Europe/Stockholm local time, with deadline
 * arithmetic on top. It knows nothing of questions, accounts or policies:
 * callers choose the rule and pass a config. The deadline rule, the time zone
 * rule and worked examples are in docs/internals/calendar.md. */
#ifndef KV_BASE_CALENDAR_H
#define KV_BASE_CALENDAR_H

#include "base/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The holiday rules implemented are those in force since 1953; earlier years
 * are refused. Instants must fall in local years MIN..MAX, and so must results. */
#define CALENDAR_YEAR_MIN 1953
#define CALENDAR_YEAR_MAX 9999

/* "2026-04-07T16:30:00+02:00" plus NUL fits with room to spare. */
#define CALENDAR_ISO_LEN 32

/* At most this many named days in one year (13 public + 3 de facto today). */
#define CALENDAR_HOLIDAYS_MAX 24

/* Extra closed dates a config can hold (a kommun's own klämdagar and the like). */
#define CALENDAR_CLOSED_MAX 64

/* Largest amount (days or hours) any add function accepts: far beyond any
 * policy, and a bound on the work one call can be made to do. */
#define CALENDAR_AMOUNT_MAX 100000

enum calendar_kind {
	CALENDAR_PUBLIC = 1,   /* allmän helgdag by law */
	CALENDAR_DE_FACTO = 2, /* midsommarafton, julafton, nyårsafton */
};

/* The de facto days off, as bits of calendar_config.de_facto_off. */
enum {
	CALENDAR_MIDSOMMARAFTON = 1 << 0,
	CALENDAR_JULAFTON = 1 << 1,
	CALENDAR_NYARSAFTON = 1 << 2,
	CALENDAR_DE_FACTO_ALL = 7,
};

struct calendar_day {
	int y, m, d;
	const char *name; /* Swedish, as the law spells it; static storage */
	enum calendar_kind kind;
	unsigned de_facto; /* the CALENDAR_* bit of a de facto day, 0 for public */
};

/* Per-organisation settings. Weekends and public holidays are always closed;
 * the rest is configurable. Plain data: copy it freely. */
struct calendar_config {
	int open_min;          /* office opens, minutes after local midnight (480) */
	int close_min;         /* office closes (1020); open_min < close_min <= 1440 */
	unsigned de_facto_off; /* which de facto days are days off (all three) */
	size_t n_closed;
	int64_t closed[CALENDAR_CLOSED_MAX]; /* extra closed days, time_days_from_civil() */
};

/* Local Stockholm wall-clock time of an instant. */
struct calendar_local {
	int y, m, d, hour, min, sec;
	int weekday;    /* 1 = Monday … 7 = Sunday */
	int utc_offset; /* seconds east of UTC: 3600 (CET) or 7200 (CEST) */
};

/* Office 08:00–17:00, all three de facto days off, no extra closed days. */
void calendar_config_default(struct calendar_config *out);

/* 0 when cfg is usable; KV_EINVAL with the reason otherwise (hours out of
 * order or out of range, unknown de facto bits, too many closed days). Every
 * function below that takes a config checks it the same way. */
int calendar_config_check(const struct calendar_config *cfg, struct err *err);

/* Sets office hours from "HH:MM-HH:MM" (close may be "24:00"). KV_EINVAL,
 * naming the problem, when the text is malformed or close is not after open;
 * cfg is unchanged then. */
int calendar_config_set_hours(struct calendar_config *cfg, const char *spec, struct err *err);

/* Adds y-m-d to the extra closed days (a second add of the same day is a
 * no-op). KV_EINVAL for a date that does not exist or is out of range, or
 * when CALENDAR_CLOSED_MAX days are already set. */
int calendar_config_add_closed(struct calendar_config *cfg, int y, int m, int d, struct err *err);

/* Easter Sunday of a Gregorian year as a day number (time_days_from_civil). */
int64_t calendar_easter_sunday(int year);

/* The named days of year, in date order, into out (room for
 * CALENDAR_HOLIDAYS_MAX); *n is set to how many. Public holidays and the
 * three de facto days off, whatever a config says about the latter; public
 * holidays that fall on a Sunday (påskdagen, pingstdagen) are listed too.
 * KV_EINVAL for a year outside CALENDAR_YEAR_MIN..MAX. */
int calendar_holidays(struct calendar_day *out, size_t *n, int year, struct err *err);

/* The Swedish name of the public holiday or de facto day on y-m-d, or NULL
 * for an ordinary day or a date out of range. When kind is not NULL it
 * receives the kind of a named day. The string is static. */
const char *calendar_holiday_name(int y, int m, int d, enum calendar_kind *kind);

/* 1 when y-m-d is a working day under cfg (not a weekend, public holiday,
 * de facto day off or extra closed day), 0 when it is not. KV_EINVAL for an
 * invalid config or a date that does not exist or is out of range. */
int calendar_is_working_day(const struct calendar_config *cfg, int y, int m, int d);

/* UTC offset in Stockholm at instant t, in seconds: 7200 in summer time,
 * 3600 otherwise. The rule is computed, not read from the system's tzdata:
 * since 1996 CEST runs from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC; 1980–1995 followed the older Swedish rules. */
int calendar_utc_offset(int64_t t);

/* Stockholm wall-clock time of instant t. */
void calendar_to_local(struct calendar_local *out, int64_t t);

/* The instant at which Stockholm clocks show y-m-d hh:mi:ss. A time that
 * does not exist (the hour skipped in spring) is read with the offset in
 * force before the switch, so 02:30 gives 03:30 CEST; a time shown twice
 * (autumn) gives the first occurrence, in CEST. KV_EINVAL for fields out of
 * range or a year outside CALENDAR_YEAR_MIN..MAX. */
int calendar_from_local(int64_t *out, int y, int mo, int d, int hh, int mi, int ss);

/* Formats t as Stockholm local time with its offset:
 * "2026-04-07T16:30:00+02:00". */
void calendar_format_local(char out[CALENDAR_ISO_LEN], int64_t t);
/* The same as a JSON string (new reference), or JSON null for t == 0 (a time
 * not set): how the JSON views give times. */
json_t *calendar_json_local(int64_t t);

/* Parses an instant: ISO 8601 with Z or an offset (see time_parse_iso), or,
 * without either, Stockholm local time "YYYY-MM-DDTHH:MM[:SS]" (read as
 * calendar_from_local does) or a date "YYYY-MM-DD" (local midnight).
 * KV_EINVAL with a message quoting the text when it is none of these or out
 * of range. */
int calendar_parse_instant(int64_t *out, const char *s, struct err *err);

/* 1 when t falls in office hours of a working day (opening time included,
 * closing time excluded), 0 when not. KV_EINVAL for a bad config or an
 * instant out of range. */
int calendar_is_working_time(const struct calendar_config *cfg, int64_t t);

/* The deadline rule: n working days after t. When t is in working time the
 * result is the same clock time n working days later; otherwise counting
 * starts at the next opening (that day's when t is before opening on a
 * working day, else the next working day's), and the result is that opening
 * time n working days later. n = 0 gives that starting point. KV_EINVAL for a
 * bad config, t out of range, n outside 0..CALENDAR_AMOUNT_MAX, or a result
 * beyond CALENDAR_YEAR_MAX; *out is untouched then. */
int calendar_add_working_days(int64_t *out, const struct calendar_config *cfg, int64_t t, int n,
                              struct err *err);

/* The earliest instant u >= t with exactly `seconds` of working time (office
 * hours of working days) between t and u: a count that runs out at closing
 * time ends at closing time. Errors as calendar_add_working_days; seconds
 * may be at most CALENDAR_AMOUNT_MAX hours. */
int calendar_add_working_seconds(int64_t *out, const struct calendar_config *cfg, int64_t t,
                                 int64_t seconds, struct err *err);

/* Like calendar_add_working_seconds, but every hour of a working day counts
 * (00:00–24:00 local), while weekends, holidays and closed days do not: "48
 * hours on weekdays". Office hours in cfg are ignored. */
int calendar_add_weekday_seconds(int64_t *out, const struct calendar_config *cfg, int64_t t,
                                 int64_t seconds, struct err *err);

/* Plain calendar hours: t + hours * 3600, whatever the day (a day with a
 * daylight-saving switch has 23 or 25 of them). KV_EINVAL for t or the
 * result out of range or hours outside 0..CALENDAR_AMOUNT_MAX. */
int calendar_add_hours(int64_t *out, int64_t t, int64_t hours, struct err *err);

/* Seconds of working time (as calendar_add_working_seconds counts it) in
 * [a, b); negative when b is before a. KV_EINVAL for a bad config or an
 * instant out of range. */
int calendar_working_seconds_between(int64_t *out, const struct calendar_config *cfg, int64_t a,
                                     int64_t b, struct err *err);

/* Seconds of working days' time (as calendar_add_weekday_seconds counts it)
 * in [a, b); negative when b is before a. Errors as above. */
int calendar_weekday_seconds_between(int64_t *out, const struct calendar_config *cfg, int64_t a,
                                     int64_t b, struct err *err);

#endif
