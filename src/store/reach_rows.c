/* The reach figures' rows. */
#include "store/reach_rows.h"

#include "store/store.h"

#include <string.h>

static const char *const names[REACH_NFIGURES] = {"reactions", "comments",    "shares",
                                                  "views",     "impressions", "reach"};

const char *reach_row_name(enum reach_figure f)
{
	return f < REACH_NFIGURES ? names[f] : "?";
}

void reach_row_clear(struct reach_row *r)
{
	for (int f = 0; f < REACH_NFIGURES; f++)
		r->v[f] = -1;
}

/* 1 when item_id's kept figures are r's, 0 when not (or none kept). */
static int same_as_kept(struct store *s, int64_t item_id, const struct reach_row *r,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st,
	                      "SELECT reactions, comments, shares, views, impressions, reach"
	                      " FROM item_reach WHERE item_id = ?",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	rc = store_step(st, err);
	if (rc == 1)
		for (int f = 0; f < REACH_NFIGURES && rc == 1; f++)
			rc = (store_col_is_null(st, f) ? -1 : store_col_int(st, f)) == r->v[f];
	store_reset(st);
	return rc;
}

int reach_row_put(struct store *s, int64_t item_id, int64_t at, const struct reach_row *r,
                  struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = same_as_kept(s, item_id, r, err);

	if (rc)
		return rc < 0 ? rc : KV_OK;
	rc = store_cached(s, &st,
	                  "INSERT OR REPLACE INTO item_reach (item_id, captured_at, reactions,"
	                  " comments, shares, views, impressions, reach)"
	                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                  err);

	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, at);
	for (int f = 0; f < REACH_NFIGURES; f++)
		if (r->v[f] >= 0)
			store_bind_int(st, 3 + f, r->v[f]);
		else
			store_bind_null(st, 3 + f);
	return store_run(st, err);
}

int reach_row_sum(struct store *s, int64_t account_id, int64_t from, int64_t to,
                  struct reach_sum *out, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT count(*), COALESCE(max(r.captured_at), 0),"
	                       " sum(r.reactions), sum(r.comments), sum(r.shares), sum(r.views),"
	                       " sum(r.impressions), sum(r.reach),"
	                       " count(r.reactions), count(r.comments), count(r.shares),"
	                       " count(r.views), count(r.impressions), count(r.reach)"
	                       " FROM item_reach r JOIN item i ON i.id = r.item_id"
	                       " WHERE i.account_id = ? AND i.direction = 'upprattad'"
	                       " AND i.kind = 'post'"
	                       " AND COALESCE(i.created_at, i.captured_at) >= ?"
	                       " AND COALESCE(i.created_at, i.captured_at) < ?",
	                       err);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	reach_row_clear(&out->sum);
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	rc = store_step(st, err);
	if (rc == 1) {
		out->posts = store_col_int(st, 0);
		out->latest = store_col_int(st, 1);
		for (int f = 0; f < REACH_NFIGURES; f++) {
			out->given[f] = store_col_int(st, 8 + f);
			if (out->given[f])
				out->sum.v[f] = store_col_int(st, 2 + f);
		}
		rc = KV_OK;
	}
	store_stmt_free(st);
	return rc;
}
