/* Reading what Kanalvakt holds, as a principal may: captured items (lists,
 * search, one item with its versions, events, flags and thread), the units
 * and people of the register, the audit log, the mail outbox and webhook
 * deliveries. Each call checks op's permission and shows only the rows of
 * the accounts it holds the permission for. Not changes (the features). */
#ifndef KV_WORKFLOW_BROWSE_H
#define KV_WORKFLOW_BROWSE_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/case_rows.h"
#include "store/items.h"
#include "store/outbox.h"
#include "store/register_rows.h"
#include "store/screening_rows.h"
#include "store/webhooks.h"

#include <stddef.h>
#include <stdint.h>

/* Items of f (f->org_id is set to op's); fn as items_each, only rows op may
 * read (item.read). A positive return from fn stops without error. */
int browse_items(const struct op_ctx *op, struct item_filter *f, items_fn fn, void *ctx,
                 struct err *err);

/* An item named by its row id (digits) or its platform id. KV_ENOTFOUND,
 * KV_ECONFLICT for a platform id on several accounts. Checks nothing (the
 * calls below do). */
int browse_item_ref(const struct op_ctx *op, const char *ref, int64_t *out, struct err *err);

/* One item and what belongs to it; any callback may be NULL. KV_ENOTFOUND,
 * KV_EDENIED without item.read on its account. */
struct browse_show {
	items_fn item;
	items_version_fn version;
	items_event_fn event;
	screening_flag_fn flag;
	items_fn thread; /* the other items of its thread, oldest first */
	void *ctx;
};
int browse_item_show(const struct op_ctx *op, int64_t id, const struct browse_show *b,
                     struct err *err);

/* Cases of f (case.read, per account); f->org_id is set to op's. */
int browse_cases(const struct op_ctx *op, struct case_filter *f, cases_fn fn, void *ctx,
                 struct err *err);
/* Case id (case.read on its account); *out owned (case_row_loaded_free). */
int browse_case(const struct op_ctx *op, int64_t id, struct case_loaded **out, struct err *err);
/* Alerts of f that op may see (item.read on the account; organisation-wide
 * alerts to everyone who reads items). */
int browse_alerts(const struct op_ctx *op, const struct alert_filter *f, alerts_fn fn, void *ctx,
                  struct err *err);
/* The ids of the accounts op may read, in register order (owned: free()). */
int browse_accounts(const struct op_ctx *op, int64_t **out, size_t *n, struct err *err);
/* Account id (register.read on it); owned (register_row_account_free). */
int browse_account(const struct op_ctx *op, int64_t id, struct account_rec **out, struct err *err);

int browse_units(const struct op_ctx *op, reg_unit_fn fn, void *ctx, struct err *err);
int browse_people(const struct op_ctx *op, reg_person_fn fn, void *ctx, struct err *err);
/* The organisation's name (borrowed from a; register.read). */
int browse_org_name(const struct op_ctx *op, struct arena *a, const char **out, struct err *err);
/* audit.read for the whole organisation. */
int browse_audit(const struct op_ctx *op, audit_visit_fn fn, void *ctx, struct err *err);
/* alert.work for the whole organisation. */
int browse_mail(const struct op_ctx *op, struct outbox_filter *f, outbox_fn fn, void *ctx,
                struct err *err);
/* capture for the whole organisation. */
int browse_webhooks(const struct op_ctx *op, struct webhook_filter *f, webhooks_fn fn, void *ctx,
                    struct err *err);

#endif
