/* SQL for the figures of an account over a period (workflow/stats): own
 * posts, questions with their deadlines and response times, incoming
 * comments with their screening categories, takedowns. Periods are
 * [from, to) in Unix seconds, by the time the platform gave (or the capture
 * time when it gave none). */
#ifndef KV_STORE_STATS_ROWS_H
#define KV_STORE_STATS_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Posts the account itself wrote (upprättad, kind post). */
int stats_rows_posts(struct store *s, int64_t account_id, int64_t from, int64_t to, int64_t *out,
                     struct err *err);

struct stats_question {
	const char *state;
	int64_t arrived_at, due_at, answered_at; /* answered_at 0 = not answered */
	int has_response;
	int64_t response_seconds; /* working seconds */
};
typedef int (*stats_question_fn)(void *ctx, const struct stats_question *q);
/* Questions that arrived in the period. */
int stats_rows_questions(struct store *s, int64_t account_id, int64_t from, int64_t to,
                         stats_question_fn fn, void *ctx, struct err *err);

/* Incoming items that are not posts (comments, replies, messages), with
 * their flagged categories (NULL when not screened or none). */
typedef int (*stats_comment_fn)(void *ctx, const char *categories);
int stats_rows_comments(struct store *s, int64_t account_id, int64_t from, int64_t to,
                        stats_comment_fn fn, void *ctx, struct err *err);

/* Cases whose item was hidden or removed within the period. */
int stats_rows_takedowns(struct store *s, int64_t account_id, int64_t from, int64_t to,
                         int64_t *hidden, int64_t *removed, struct err *err);

#endif
