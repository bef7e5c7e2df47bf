/* The question inbox: every inkommen item screened as a question becomes an
 * open question due within the account's answer deadline; the account's own
 * reply in the thread answers it by itself and stores the response time in
 * working seconds; people assign, forward and close questions by hand. Each
 * change is audited. The rules are in docs/workflow.md. Not the screening
 * (capture/screening) and not reminders by mail. */
#ifndef KV_WORKFLOW_INBOX_H
#define KV_WORKFLOW_INBOX_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/questions.h"
#include "workflow/sync.h"

#include <jansson.h>
#include <stdint.h>

struct config;
struct store;

/* The inbox part of workflow_sync (see workflow_sync_fn): opens questions
 * for new question items after the "inbox" cursor and answers open ones
 * with the account's new replies. Idempotent. KV_EIO on a database failure,
 * KV_EINVAL when an account's policy no longer parses. */
int inbox_sync(const struct op_ctx *op, struct workflow_sync_report *rep, struct err *err);

/* Lists questions (questions_each with its order: overdue first). */
int inbox_list(const struct op_ctx *op, const struct question_filter *f, questions_fn fn, void *ctx,
               struct err *err);

/* 1 when a question's item was also flagged political: it is to be referred
 * to the parties rather than answered (Tibro 4.2, Nykvarn). */
int inbox_needs_referral(const struct question_row *q);

/* 1 when q waits in the inbox past its deadline (model/question_state). */
int inbox_is_overdue(const struct question_row *q, int64_t now);

/* The JSON view of a question, as the CLI, the API and the archive print it
 * (new reference; NULL when out of memory). */
json_t *inbox_view_json(const struct question_row *q, int64_t now);

/* 1 for the states in which a question is finished (answered, no_answer,
 * referred); open and forwarded are not. */
int inbox_state_closed(const char *state);

/* Assigns question id to the person with e-mail email. KV_ENOTFOUND for an
 * unknown question or person, KV_ECONFLICT when the question is closed. */
int inbox_assign(const struct op_ctx *op, int64_t id, const char *email, struct err *err);

/* Forwards question id to a person (an e-mail address) or a unit (its name)
 * with a note (required). The question leaves the overdue list but is still
 * answered by the account's reply. KV_EINVAL for a bad address or an empty
 * note, KV_ENOTFOUND for an unknown question or unit, KV_ECONFLICT when the
 * question is closed. */
int inbox_forward(const struct op_ctx *op, int64_t id, const char *to, const char *note,
                  struct err *err);

/* Closes question id as "answered" (answered elsewhere: the response time
 * runs to now), "no_answer" or "referred"; reason is required for the last
 * two. KV_EINVAL for another state or a missing reason, KV_ENOTFOUND,
 * KV_ECONFLICT when already closed. */
int inbox_close(const struct op_ctx *op, int64_t id, const char *as, const char *reason,
                struct err *err);

#define INBOX_ANSWER_MAX 5000 /* bytes; Graph allows 8000 characters, Mastodon 500 by default */

struct inbox_answer_result {
	int by_hand;              /* 1: recorded as posted on the platform by hand */
	int64_t response_seconds; /* in working hours, as inbox_close counts them */
	int64_t item_id;          /* the reply as captured, when it went through the API */
	char platform_id[256];    /* the reply's id on the platform; "" by hand */
	char detail[1200];        /* the request sent, or why it was recorded by hand */
};

/* inbox_answer_via with no configuration: the answer is recorded as posted
 * by hand. */
int inbox_answer(const struct op_ctx *op, int64_t id, const char *text, int by_hand,
                 struct inbox_answer_result *out, struct err *err);

struct inbox_answer_opts {
	const struct config *cfg; /* the accounts' connector settings; NULL: none */
	int by_hand;              /* record it as posted by hand, whatever the account has */
};

/* Answers question id with text: when the account's platform can reply
 * through its API (capture/publish) and a token is configured, the reply is
 * posted there (Graph POST /{comment-id}/comments, Mastodon with
 * in_reply_to_id, YouTube comments.insert, X with in_reply_to_tweet_id),
 * captured as the account's own reply in the thread, and its platform id
 * recorded; otherwise (or with o->by_hand) the answer is recorded as posted
 * by hand. Either way the question is closed as answered by op's principal
 * now, the response time counted, the text kept for the copy check
 * (workflow/answers), all audited ("question.answer", with "via"). A
 * platform failure leaves the question open, is audited
 * ("question.answer_failed") and returned (KV_EIO, KV_EDENIED, KV_EINVAL).
 * KV_EINVAL for an empty, too long or non-UTF-8 text, KV_ENOTFOUND,
 * KV_ECONFLICT when already closed. */
int inbox_answer_via(const struct op_ctx *op, int64_t id, const char *text,
                     const struct inbox_answer_opts *o, struct inbox_answer_result *out,
                     struct err *err);

#endif
