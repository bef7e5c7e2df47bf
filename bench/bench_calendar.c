/* How fast deadlines are computed: calendar_add_working_days (1 and 10
 * days), calendar_add_working_seconds (8 hours) and a year of
 * calendar_working_seconds_between, from start times spread over 2026. Prints
 * figures; asserts nothing. */
#include "base/calendar.h"
#include "base/time.h"

#include <stdio.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct calendar_config cfg;
	const int64_t t0 = time_days_from_civil(2026, 1, 1) * 86400;
	const int n = 1000000;
	int64_t out;
	int64_t sink = 0; /* printed, so the loops are not optimised away */
	double t;

	calendar_config_default(&cfg);
	for (int days = 1; days <= 10; days += 9) {
		t = now_s();
		for (int i = 0; i < n; i++)
			if (calendar_add_working_days(&out, &cfg, t0 + (int64_t)i * 31, days,
			                              NULL) == KV_OK)
				sink += out;
		t = now_s() - t;
		printf("add_working_days(%2d):      %10.0f per second\n", days, n / t);
	}
	t = now_s();
	for (int i = 0; i < n; i++)
		if (calendar_add_working_seconds(&out, &cfg, t0 + (int64_t)i * 31, 8 * 3600,
		                                 NULL) == KV_OK)
			sink += out;
	t = now_s() - t;
	printf("add_working_seconds(8 h):  %10.0f per second\n", n / t);
	t = now_s();
	for (int i = 0; i < 10000; i++)
		if (calendar_working_seconds_between(&out, &cfg, t0 + i * 61,
		                                     t0 + i * 61 + 365 * 86400, NULL) == KV_OK)
			sink += out;
	t = now_s() - t;
	printf("working_seconds_between(1 year): %6.0f per second\n", 10000 / t);
	printf("(checksum %lld)\n", (long long)sink);
	return 0;
}
