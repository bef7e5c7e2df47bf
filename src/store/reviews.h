/* Persistence of the daily review of accounts (table account_review: who
 * looked at an account and when) and the figures the activity checks read
 * from captured items: when the account itself posted. Only rows and
 * queries; the rules are in workflow/review and workflow/activity. */
#ifndef KV_STORE_REVIEWS_H
#define KV_STORE_REVIEWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Records that `by` reviewed account_id at `at` (in the caller's
 * transaction); *out_id gets the row id. KV_ECONFLICT when the account
 * does not exist. */
int reviews_insert(struct store *s, int64_t org, int64_t account_id, const char *by, int64_t at,
                   const char *note, int64_t *out_id, struct err *err);

/* An account with its latest review. Strings borrowed for the callback. */
struct review_account_row {
	int64_t id;
	const char *platform;
	const char *handle;
	const char *status;     /* proposed, active, inactive, closed */
	const char *opened_on;  /* YYYY-MM-DD or NULL */
	int64_t last_review_at; /* 0 = never reviewed */
	const char *last_review_by;
	const char *last_review_note;
};

/* Calls fn for each account of org (account_id 0) or the one account, in
 * register order (platform, handle). A non-zero return stops. */
typedef int (*review_account_fn)(void *ctx, const struct review_account_row *a);
int reviews_accounts_each(struct store *s, int64_t org, int64_t account_id, review_account_fn fn,
                          void *ctx, struct err *err);

/* Own posts: upprättad items of kind post or media. */

/* Times of the account's own posts at or after from, oldest first. */
typedef int (*review_time_fn)(void *ctx, int64_t at);
int reviews_own_posts(struct store *s, int64_t account_id, int64_t from, review_time_fn fn,
                      void *ctx, struct err *err);

/* The time of the account's latest own post (0 when none) and how many
 * items of any kind were ever captured for it. */
int reviews_activity(struct store *s, int64_t account_id, int64_t *out_last_post,
                     int64_t *out_items, struct err *err);

#endif
