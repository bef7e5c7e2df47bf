/* The reads behind the periodic notices: overdue questions, moderation cases
 * near or past their deadline, and who is to be told about an account. Read-only; what is sent and
 * when is decided in workflow/notify. Addresses are of active people only; NULL when unset. */
#ifndef KV_STORE_NOTICES_H
#define KV_STORE_NOTICES_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Who answers for an account. */
struct notice_account {
	int64_t id;
	const char *platform;
	const char *handle;
	const char *responsible_email;
	const char *deputy_email;
};

struct notice_question {
	int64_t id;
	struct notice_account account;
	int64_t arrived_at;
	int64_t due_at;
	const char *permalink;
	const char *assigned_email;
};

struct notice_case {
	int64_t id;
	struct notice_account account;
	const char *categories;
	const char *state;
	int64_t opened_at;
	int64_t due_at;
	const char *permalink;
};

typedef int (*notices_question_fn)(void *ctx, const struct notice_question *q);
typedef int (*notices_case_fn)(void *ctx, const struct notice_case *c);
typedef int (*notices_account_fn)(void *ctx, const struct notice_account *a);

/* Open questions of org with due_at < now, oldest deadline first. Rows are
 * borrowed for the call; a non-zero return from fn stops and is returned
 * (likewise below). */
int notices_overdue_questions(struct store *s, int64_t org, int64_t now, notices_question_fn fn,
                              void *ctx, struct err *err);

/* Undecided cases of org (open or waiting for confirmation) with
 * due_at <= before, earliest deadline first. */
int notices_cases_due(struct store *s, int64_t org, int64_t before, notices_case_fn fn, void *ctx,
                      struct err *err);

/* Account id of org. KV_ENOTFOUND when there is none. */
int notices_account(struct store *s, int64_t org, int64_t id, notices_account_fn fn, void *ctx,
                    struct err *err);

#endif
