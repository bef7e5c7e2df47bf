/* SQL for the answers given before: the texts of the account's own replies
 * that answered questions, newest first, for the check against copying
 * (workflow/answers). Not the questions themselves (store/questions). */
#ifndef KV_STORE_ANSWER_ROWS_H
#define KV_STORE_ANSWER_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

typedef int (*answer_rows_fn)(void *ctx, int64_t question, int64_t account_id, int64_t answered_at,
                              const char *by, const char *text);

/* The last limit answered questions of org with the text of their answer.
 * A non-zero return from fn stops the walk. */
int answer_rows_each(struct store *s, int64_t org, int64_t limit, answer_rows_fn fn, void *ctx,
                     struct err *err);

#endif
