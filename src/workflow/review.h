/* The daily review: someone looks at every account on every working day
 * (Tibro 2: "Bevakning ska ske dagligen alla vardagar") and marks it as
 * reviewed; the status lists the accounts whose review is missing under
 * their policy's review interval. Not the activity checks (workflow/activity)
 * and not reminders by mail. */
#ifndef KV_WORKFLOW_REVIEW_H
#define KV_WORKFLOW_REVIEW_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "workflow/policy.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* Records that actor reviewed account_id now, with an optional note, in one
 * transaction with its audit entry. *out_id (may be NULL) gets the review's
 * id. KV_ENOTFOUND when the account does not exist in org, KV_ECONFLICT
 * when it is closed, KV_EINVAL for a note over 2000 bytes. */
int review_mark(const struct op_ctx *op, int64_t account_id, const char *note, int64_t *out_id,
                struct err *err);

struct review_state {
	int64_t account_id;
	char account[160];      /* "platform/handle" */
	int64_t last_review_at; /* 0 = never */
	char last_review_by[128];
	struct policy_duration interval;
	/* For an interval in working days: a review at or after `since` (the
	 * start of the earliest working day that still counts) is on time.
	 * For other intervals: the next review is due at due_at (0 = never
	 * reviewed). */
	int64_t since;
	int64_t due_at;
	int missing; /* 1 when the review is missing */
};

/* The review state of each active account of org at instant now, in
 * register order. *out owned by the caller (free()); *n how many. */
int review_status(const struct op_ctx *op, struct review_state **out, size_t *n, struct err *err);

#endif
