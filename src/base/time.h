/* Instants (Unix seconds, UTC) and their ISO 8601 text form; calendar dates.
 * Local Swedish time and working days live in base/calendar, not here. */
#ifndef KV_BASE_TIME_H
#define KV_BASE_TIME_H

#include <stdint.h>

#define TIME_ISO_LEN 32

/* The current instant. When the environment variable KANALVAKT_NOW holds an
 * ISO 8601 instant, that instant is returned instead: tests and demos pin the
 * clock with it. */
int64_t time_now(void);

/* Parses "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH[:MM])" (a space may replace T;
 * "+0000" forms too) into Unix seconds. KV_EINVAL on anything else. */
int time_parse_iso(const char *s, int64_t *out);

/* "YYYY-MM-DDTHH:MM:SSZ". */
void time_format_utc(char out[TIME_ISO_LEN], int64_t t);

/* Parses a date "YYYY-MM-DD" that exists in the calendar. KV_EINVAL otherwise. */
int time_parse_date(const char *s, int *y, int *m, int *d);

/* 1 if y-m-d is a real calendar date (years 1..9999). */
int time_date_valid(int y, int m, int d);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);

/* ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
int time_weekday(int64_t days);

#endif
