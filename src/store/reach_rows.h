/* Persistence of the reach figures the platforms give for the account's own
 * posts (reactions, comments, shares, views, impressions, reach), as last
 * captured: one row per post, replaced by each capture that carries figures.
 * A figure the platform did not give is NULL, never 0. */
#ifndef KV_STORE_REACH_ROWS_H
#define KV_STORE_REACH_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Which figure; the order of the columns. */
enum reach_figure {
	REACH_REACTIONS = 0, /* likes, reactions, favourites */
	REACH_COMMENTS,      /* comments and replies as the platform counts them */
	REACH_SHARES,        /* shares, reposts, reblogs, quotes */
	REACH_VIEWS,         /* video views or plays */
	REACH_IMPRESSIONS,   /* times shown */
	REACH_REACH,         /* unique people reached */
	REACH_NFIGURES
};

/* The figures of one post; -1 = not given. */
struct reach_row {
	int64_t v[REACH_NFIGURES];
};

/* The name of figure f in JSON and CSV ("reactions", "comments", …). */
const char *reach_row_name(enum reach_figure f);

/* Sets every figure to -1. */
void reach_row_clear(struct reach_row *r);

/* Keeps r as item_id's figures captured at at, replacing earlier ones that
 * differ; the same figures again change nothing (at stays when they were
 * first seen). */
int reach_row_put(struct store *s, int64_t item_id, int64_t at, const struct reach_row *r,
                  struct err *err);

/* The sums over the account's own posts written in [from, to): posts is the
 * number of posts with any figure; sum.v[f] is -1 when no post gave f; given[f]
 * how many gave it; latest the newest capture time among them (0: none). */
struct reach_sum {
	int64_t posts;
	struct reach_row sum;
	int64_t given[REACH_NFIGURES];
	int64_t latest;
};
int reach_row_sum(struct store *s, int64_t account_id, int64_t from, int64_t to,
                  struct reach_sum *out, struct err *err);

#endif
