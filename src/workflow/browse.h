/* Reading what Kanalvakt holds that no feature reads for a principal yet:
 * items by their platform id, alerts, the organisation's name, the audit
 * log, the mail outbox and webhook deliveries. Each call checks op's permission and shows only the
 * rows of the accounts it holds the permission for. Not changes (the features). */
#ifndef KV_WORKFLOW_BROWSE_H
#define KV_WORKFLOW_BROWSE_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/register_rows.h"
#include "store/webhooks.h"

#include <stddef.h>
#include <stdint.h>

/* An item named by its row id (digits) or its platform id. KV_ENOTFOUND,
 * KV_ECONFLICT for a platform id on several accounts. Checks nothing: the
 * feature reading the item (capture/item_view) does. */
int browse_item_ref(const struct op_ctx *op, const char *ref, int64_t *out, struct err *err);

/* Alerts of f that op may see (item.read on the account; organisation-wide
 * alerts to everyone who reads items). */
int browse_alerts(const struct op_ctx *op, const struct alert_filter *f, alerts_fn fn, void *ctx,
                  struct err *err);
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
