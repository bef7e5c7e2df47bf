/* ISO 8601 instants and Gregorian date arithmetic, without the C library's
 * locale- and TZ-dependent functions. */
#include "base/time.h"

#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int time_date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* Howard Hinnant's days_from_civil algorithm. */
int64_t time_days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

int time_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t w = (days + 3) % 7;

	if (w < 0)
		w += 7;
	return (int)w + 1;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int time_parse_date(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return KV_EINVAL;
	if (digits(s, 4, &yy) || digits(s + 5, 2, &mm) || digits(s + 8, 2, &dd))
		return KV_EINVAL;
	if (!time_date_valid(yy, mm, dd))
		return KV_EINVAL;
	*y = yy;
	*m = mm;
	*d = dd;
	return KV_OK;
}

int time_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 1;
	const char *p;
	char date[11];

	if (!s || strlen(s) < 16)
		return KV_EINVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (time_parse_date(date, &y, &mo, &d))
		return KV_EINVAL;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return KV_EINVAL;
	if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi))
		return KV_EINVAL;
	p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &sec))
			return KV_EINVAL;
		p += 3;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return KV_EINVAL;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return KV_EINVAL;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh))
			return KV_EINVAL;
		p += 3;
		if (*p == ':')
			p++;
		if (*p) {
			if (digits(p, 2, &om))
				return KV_EINVAL;
			p += 2;
		}
		if (oh > 23 || om > 59)
			return KV_EINVAL;
	} else {
		return KV_EINVAL; /* an instant without an offset is ambiguous */
	}
	if (*p)
		return KV_EINVAL;
	*out = time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return KV_OK;
}

void time_format_utc(char out[TIME_ISO_LEN], int64_t t)
{
	int64_t days = t / 86400, rem = t % 86400;
	int y, m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	snprintf(out, TIME_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600),
	         (int)(rem / 60 % 60), (int)(rem % 60));
}

int64_t time_now(void)
{
	const char *fixed = getenv("KANALVAKT_NOW");
	int64_t t;

	if (fixed && *fixed && time_parse_iso(fixed, &t) == KV_OK)
		return t;
	return (int64_t)time(NULL);
}
