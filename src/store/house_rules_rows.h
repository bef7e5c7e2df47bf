/* SQL for house rules (registry/house_rules): the versions of the
 * organisation's template and the about texts known for each account.
 * Rows in, rows out, in the caller's transaction. */
#ifndef KV_STORE_HOUSE_RULES_ROWS_H
#define KV_STORE_HOUSE_RULES_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Strings borrowed for a callback's duration. */
struct house_rules_row {
	int64_t version; /* 1, 2, … per organisation */
	const char *body;
	const char *sha256; /* of body, lower-case hex */
	const char *loaded_by;
	int64_t loaded_at;
};

/* Appends a version (the next number) of org's template; its number in
 * *out_version. */
int house_rules_row_insert(struct store *s, int64_t org, const char *body, const char *sha256,
                           const char *loaded_by, int64_t loaded_at, int64_t *out_version,
                           struct err *err);
typedef int (*house_rules_fn)(void *ctx, const struct house_rules_row *r);
/* The versions of org's template, oldest first; a non-zero return of fn
 * stops the walk and is returned. */
int house_rules_row_each(struct store *s, int64_t org, house_rules_fn fn, void *ctx,
                         struct err *err);

struct house_about_row {
	int64_t id;
	const char *body;
	const char *source; /* "hand" or "capture" */
	const char *recorded_by;
	int64_t recorded_at;
};

int house_rules_row_about_insert(struct store *s, int64_t account_id,
                                 const struct house_about_row *r, int64_t *out_id, struct err *err);
typedef int (*house_about_fn)(void *ctx, const struct house_about_row *r);
/* The newest about text of the account, given to fn; nothing when none is
 * known (fn is not called). */
int house_rules_row_about_latest(struct store *s, int64_t account_id, house_about_fn fn, void *ctx,
                                 struct err *err);
/* The account's own visible posts as captured, newest first, at most limit,
 * each given to fn as a row (id: the item, body: its text, source "post",
 * recorded_by: its platform id, recorded_at: when it was published); fn
 * returns 1 to stop. A post that holds the house rules is the pinned post a
 * platform does not flag. */
int house_rules_row_own_posts(struct store *s, int64_t account_id, int64_t limit, house_about_fn fn,
                              void *ctx, struct err *err);

#endif
