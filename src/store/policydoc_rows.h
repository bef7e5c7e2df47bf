/* SQL for policy documents (registry/policydoc) and the one each account
 * follows. Rows in, rows out, in the caller's transaction. */
#ifndef KV_STORE_POLICYDOC_ROWS_H
#define KV_STORE_POLICYDOC_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Strings borrowed for a callback's duration; dates YYYY-MM-DD. */
struct policydoc_row {
	int64_t id;
	const char *title;
	const char *adopted;
	const char *adopted_by;
	int64_t review_every_months; /* 0: a date given instead */
	const char *next_review;
	const char *last_review; /* NULL: never reviewed */
	int64_t responsible_id;  /* 0: none */
	const char *responsible; /* e-mail, NULL: none */
	const char *state;       /* active, retired */
	const char *accounts;    /* platform/handle of the accounts following it, comma separated */
	const char *created_by;
	int64_t created_at;
};

int policydoc_row_insert(struct store *s, int64_t org, const struct policydoc_row *r,
                         int64_t *out_id, struct err *err);
typedef int (*policydoc_fn)(void *ctx, const struct policydoc_row *r);
/* The documents of org (id 0: all), in id order. */
int policydoc_row_each(struct store *s, int64_t org, int64_t id, policydoc_fn fn, void *ctx,
                       struct err *err);
/* Records a review on `on` with the next one due `next`. KV_ENOTFOUND. */
int policydoc_row_review(struct store *s, int64_t org, int64_t id, const char *on, const char *next,
                         struct err *err);
int policydoc_row_retire(struct store *s, int64_t org, int64_t id, struct err *err);
/* Account account_id follows document id from now on. */
int policydoc_row_apply(struct store *s, int64_t id, int64_t account_id, struct err *err);
/* The document account_id follows: 0 in *out_id when none. */
int policydoc_row_of_account(struct store *s, int64_t account_id, int64_t *out_id, struct err *err);

#endif
