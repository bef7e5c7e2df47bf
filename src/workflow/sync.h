/* The workflow's hook into capture: after items are imported, fetched or
 * received by webhook (and committed), workflow_sync() lets each part look
 * at what is new since its cursor (store/workflow_cursor): the inbox opens
 * and closes questions, the cases part opens moderation cases. Every part is
 * idempotent, so running the hook twice changes nothing. */
#ifndef KV_WORKFLOW_SYNC_H
#define KV_WORKFLOW_SYNC_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <stdint.h>

struct store;

/* What one run did; each part adds to its own counters. */
struct workflow_sync_report {
	int64_t questions_opened;
	int64_t questions_answered; /* closed by the account's own reply */
	int64_t questions_history;  /* recorded closed: captured long after they arrived */
	int64_t cases_opened;
	int64_t cases_reopened; /* kept items edited since, flagged again */
	int parts_failed;
};

/* Every part's sync has this shape: it handles the organisation's items
 * after its cursor, in its own transactions, moves the cursor with them,
 * and adds to *rep. It writes each state change to the audit chain as
 * actor. It returns KV_OK or a KV_E* code with err set. */
typedef int (*workflow_sync_fn)(const struct op_ctx *op, struct workflow_sync_report *rep,
                                struct err *err);

/* Runs every part over org's new items. A failing part does not stop the
 * others: the report counts it, and the first failure is returned (its code,
 * err naming the part). *out is filled either way. Callers at the edge
 * report a failure but do not fail the import that came before. */
int workflow_sync(const struct op_ctx *op, struct workflow_sync_report *out, struct err *err);

#endif
