/* The states of a moderation case and the one definition of "open" and
 * "overdue" for cases. The SQL in store/case_rows.c that lists open or
 * overdue cases mirrors these (state IN open/pending, due_at < now). */
#ifndef KV_MODEL_CASE_STATE_H
#define KV_MODEL_CASE_STATE_H

#include "base/err.h"

#include <stdint.h>

enum case_state {
	CASE_STATE_OPEN = 0,
	CASE_STATE_PENDING_CONFIRMATION, /* hide or remove proposed, waits for a second person */
	CASE_STATE_KEPT,
	CASE_STATE_HIDDEN,
	CASE_STATE_REMOVED,
};

/* "open", "pending_confirmation", "kept", "hidden", "removed". */
const char *case_state_name(enum case_state s);
/* KV_EINVAL for an unknown name. */
int case_state_from_name(const char *name, enum case_state *out, struct err *err);

/* 1 while the case waits for a decision or its confirmation. */
int case_state_is_open(enum case_state s);
/* 1 when the case is open and its deadline has passed: now > due_at (a case
 * due at 16:00 is not late at 16:00:00, it is at 16:00:01). */
int case_state_is_overdue(enum case_state s, int64_t due_at, int64_t now);

#endif
