/* SQL for screening results. */
#include "store/screening_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>

int screening_row_put(struct store *s, int64_t item_id, int64_t version, const char *ruleset,
                      int question, const char *categories, const struct flag_row *flags, size_t n,
                      int64_t now, struct err *err)
{
	static const char del[] = "DELETE FROM item_flag WHERE item_id = ?";
	static const char put[] =
	        "INSERT INTO item_screening (item_id, version, ruleset, question, categories,"
	        " screened_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET"
	        " version = excluded.version, ruleset = excluded.ruleset,"
	        " question = excluded.question, categories = excluded.categories,"
	        " screened_at = excluded.screened_at";
	static const char ins[] = "INSERT INTO item_flag (item_id, version, category, score, rule,"
	                          " start_byte, end_byte, match) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st, del, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	rc = store_run(st, err);
	if (!rc)
		rc = store_cached(s, &st, put, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, version);
	store_bind_text(st, 3, ruleset);
	store_bind_int(st, 4, question ? 1 : 0);
	store_bind_text(st, 5, categories);
	store_bind_int(st, 6, now);
	rc = store_run(st, err);
	for (size_t i = 0; i < n && !rc; i++) {
		char score[32];

		rc = store_cached(s, &st, ins, err);
		if (rc)
			break;
		/* Scores are kept to four decimals: enough to explain, stable to compare. */
		snprintf(score, sizeof(score), "%.4f", flags[i].score);
		store_bind_int(st, 1, item_id);
		store_bind_int(st, 2, version);
		store_bind_text(st, 3, flags[i].category);
		store_bind_text(st, 4, score);
		store_bind_text(st, 5, flags[i].rule);
		store_bind_int(st, 6, flags[i].start);
		store_bind_int(st, 7, flags[i].end);
		store_bind_text(st, 8, flags[i].match);
		rc = store_run(st, err);
	}
	return rc;
}

int screening_row_flags(struct store *s, int64_t item_id, screening_flag_fn fn, void *ctx,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT category, score, rule, start_byte, end_byte, match FROM item_flag"
	        " WHERE item_id = ? ORDER BY start_byte, id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	while ((rc = store_step(st, err)) == 1) {
		const char *score = store_col_text(st, 1);
		struct flag_row f = {
		        .category = store_col_text(st, 0),
		        .score = score ? strtod(score, NULL) : 0,
		        .rule = store_col_text(st, 2),
		        .start = store_col_int(st, 3),
		        .end = store_col_int(st, 4),
		        .match = store_col_text(st, 5),
		};
		rc = fn(ctx, &f);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int screening_row_pending(struct store *s, int64_t org, const char *ruleset, int all,
                          int64_t after_id, int64_t limit, screening_item_fn fn, void *ctx,
                          struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT i.id, (SELECT MAX(v.version) FROM item_version v"
	                   "  WHERE v.item_id = i.id AND v.text = i.text), i.text FROM item i"
	                   " LEFT JOIN item_screening sc ON sc.item_id = i.id"
	                   " WHERE i.org_id = ? AND i.direction = 'inkommen' AND i.id > ?"
	                   " AND (? <> 0 OR sc.item_id IS NULL OR sc.ruleset <> ?)"
	                   " ORDER BY i.id LIMIT ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after_id);
	store_bind_int(st, 3, all ? 1 : 0);
	store_bind_text(st, 4, ruleset);
	store_bind_int(st, 5, limit);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_int(st, 0), store_col_int(st, 1), store_col_text(st, 2));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}
