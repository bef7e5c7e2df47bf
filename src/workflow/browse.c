/* Checked reads. */
#include "workflow/browse.h"

#include "store/item_refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int require_list(const struct op_ctx *op, uint32_t perm, int64_t account, struct err *err)
{
	if (account)
		return op_ctx_require(op, perm, account, err);
	if (principal_can_any(op->who, perm))
		return KV_OK;
	return op_ctx_require(op, perm, 0, err);
}

int browse_item_ref(const struct op_ctx *op, const char *ref, int64_t *out, struct err *err)
{
	size_t n = strspn(ref, "0123456789");

	if (n > 0 && n < 19 && ref[n] == '\0') {
		int64_t v = 0;

		for (size_t i = 0; i < n; i++)
			v = v * 10 + (ref[i] - '0');
		*out = v;
		return KV_OK;
	}
	return item_refs_find(op->store, op->org, ref, out, err);
}

int browse_org_name(const struct op_ctx *op, struct arena *a, const char **out, struct err *err)
{
	int rc = require_list(op, PERM_REGISTER_READ, 0, err);

	return rc ? rc : register_row_org_name(op->store, op->org, a, out, err);
}

int browse_audit(const struct op_ctx *op, audit_visit_fn fn, void *ctx, struct err *err)
{
	int rc = op_ctx_require(op, PERM_AUDIT_READ, 0, err);

	if (!rc)
		rc = audit_list(op->store, op->org, fn, ctx, err);
	return rc > 0 ? KV_OK : rc;
}

int browse_mail(const struct op_ctx *op, struct outbox_filter *f, outbox_fn fn, void *ctx,
                struct err *err)
{
	int rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);

	f->org_id = op->org;
	if (!rc)
		rc = outbox_each(op->store, f, fn, ctx, err);
	return rc > 0 ? KV_OK : rc;
}

int browse_webhooks(const struct op_ctx *op, struct webhook_filter *f, webhooks_fn fn, void *ctx,
                    struct err *err)
{
	int rc = op_ctx_require(op, PERM_CAPTURE, 0, err);

	f->org_id = op->org;
	if (!rc)
		rc = webhooks_each(op->store, f, fn, ctx, err);
	return rc > 0 ? KV_OK : rc;
}

struct afilter {
	const struct op_ctx *op;
	alerts_fn fn;
	void *ctx;
};

static int a_visible(void *arg, const struct alert_row *a)
{
	struct afilter *x = arg;

	/* An alert for the whole organisation (account 0) is seen by
	 * everyone who reads items at all. */
	if (a->account_id && !principal_can(x->op->who, PERM_ITEM_READ, a->account_id))
		return 0;
	return x->fn(x->ctx, a);
}

int browse_alerts(const struct op_ctx *op, const struct alert_filter *f, alerts_fn fn, void *ctx,
                  struct err *err)
{
	struct afilter x = {op, fn, ctx};
	struct alert_filter g = *f;
	int rc = require_list(op, PERM_ITEM_READ, 0, err);

	if (rc)
		return rc;
	g.org_id = op->org;
	rc = alert_row_each(op->store, &g, a_visible, &x, err);
	return rc > 0 ? KV_OK : rc;
}
