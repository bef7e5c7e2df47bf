/* SQL for the standard texts (standardsvar): titled texts of the
 * organisation, or of one account, that an answer starts from
 * (workflow/standard_texts). */
#ifndef KV_STORE_STANDARD_TEXT_ROWS_H
#define KV_STORE_STANDARD_TEXT_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

struct standard_text_row {
	int64_t id;
	int64_t account_id;  /* 0: for every account */
	const char *account; /* platform/handle, NULL for every account */
	const char *title;
	const char *text;
	const char *created_by;
	int64_t created_at;
};

/* Adds a standard text; its id in *out_id. */
int standard_text_row_add(struct store *s, int64_t org, const struct standard_text_row *r,
                          int64_t *out_id, struct err *err);

/* Calls fn for the texts of org in title order: all of them when account is
 * -1, else those for every account and those of account. A non-zero return
 * from fn stops the walk. The row is valid during the call only. */
typedef int (*standard_text_row_fn)(void *ctx, const struct standard_text_row *r);
int standard_text_row_each(struct store *s, int64_t org, int64_t account, int64_t id,
                           standard_text_row_fn fn, void *ctx, struct err *err);

/* Removes text id of org. KV_ENOTFOUND when there is none. */
int standard_text_row_remove(struct store *s, int64_t org, int64_t id, struct err *err);

#endif
