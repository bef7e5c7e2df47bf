/* The states of a question in the inbox and the one definition of "open"
 * and "overdue" for questions. A forwarded question is still open (the
 * account's reply answers it) but has left the overdue list: someone else
 * holds it. The SQL in store/questions.c mirrors this (state = 'open'
 * AND due_at < now). */
#ifndef KV_MODEL_QUESTION_STATE_H
#define KV_MODEL_QUESTION_STATE_H

#include "base/err.h"

#include <stdint.h>

enum question_state {
	QUESTION_STATE_OPEN = 0,
	QUESTION_STATE_ANSWERED,
	QUESTION_STATE_FORWARDED,
	QUESTION_STATE_NO_ANSWER,
	QUESTION_STATE_REFERRED,
};

/* "open", "answered", "forwarded", "no_answer", "referred". */
const char *question_state_name(enum question_state s);
/* KV_EINVAL for an unknown name. */
int question_state_from_name(const char *name, enum question_state *out, struct err *err);

/* 1 while the question is not closed (open or forwarded). */
int question_state_is_open(enum question_state s);
/* 1 when the question waits in the inbox and now > due_at. */
int question_state_is_overdue(enum question_state s, int64_t due_at, int64_t now);

#endif
