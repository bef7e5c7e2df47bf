/* The figures for the yearly evaluation (FÄ, NY), per account and period:
 * own posts per week against the account's target, questions answered
 * within the deadline, the median and 90th percentile of the time to answer
 * in working hours, incoming comments by screening category, takedowns, and
 * the reach figures the platforms gave for the own posts as last captured.
 * Shared by `kanalvakt stats` and GET /api/v1/stats. Needs stats.read;
 * shows only the accounts the principal holds it for. */
#ifndef KV_WORKFLOW_STATS_H
#define KV_WORKFLOW_STATS_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/reach_rows.h"

#include <stddef.h>
#include <stdint.h>

#define STATS_CATS_MAX 24

struct stats_account {
	int64_t account_id; /* 0 for the total */
	char account[160];  /* "platform/handle", or "total" */
	double weeks;       /* length of the period in weeks */
	int64_t posts;
	double posts_per_week;
	int64_t target;    /* the register's posts_per_week; -1 = none */
	int64_t questions; /* arrived in the period, not closed as history */
	int64_t answered;
	int64_t answered_in_time;
	double in_time_pct;  /* -1 when there were no questions */
	double median_hours; /* -1 when nothing was answered */
	double p90_hours;    /* -1 when nothing was answered */
	int64_t comments;    /* incoming comments, replies and messages */
	size_t n_cats;       /* comments by flagged category */
	struct {
		char name[32];
		int64_t n;
	} cats[STATS_CATS_MAX];
	int64_t hidden, removed; /* takedowns */
	struct reach_sum reach;  /* the figures the platforms gave for the own posts */
};

struct stats_report {
	int64_t from, to; /* [from, to) */
	struct stats_account total;
	struct stats_account *accounts;
	size_t n;
};

/* Computes the figures for account_id (0: every account op may see) over
 * [from, to). KV_EINVAL when to is not after from, KV_EDENIED without
 * stats.read. out is filled; free with stats_report_done. */
int stats_compute(const struct op_ctx *op, int64_t account_id, int64_t from, int64_t to,
                  struct stats_report *out, struct err *err);
void stats_report_done(struct stats_report *r);

/* The value of the p-th percentile (0..100) of the n sorted values, by
 * linear interpolation between the closest ranks. n > 0. */
double stats_percentile(const int64_t *sorted, size_t n, double p);

#endif
