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

struct ifilter {
	const struct op_ctx *op;
	items_fn fn;
	void *ctx;
};

static int i_visible(void *arg, const struct item_row *r)
{
	struct ifilter *x = arg;

	if (!principal_can(x->op->who, PERM_ITEM_READ, r->account_id))
		return 0;
	return x->fn(x->ctx, r);
}

int browse_items(const struct op_ctx *op, struct item_filter *f, items_fn fn, void *ctx,
                 struct err *err)
{
	struct ifilter x = {op, fn, ctx};
	int rc = require_list(op, PERM_ITEM_READ, f->account_id, err);

	if (rc)
		return rc;
	f->org_id = op->org;
	/* A principal restricted to some accounts reads past the rows of the
	 * others, so the store's limit would cut the page short. */
	if (!principal_can_all(op->who, PERM_ITEM_READ) && !f->account_id)
		f->limit = 0;
	rc = items_each(op->store, f, i_visible, &x, err);
	return rc > 0 ? KV_OK : rc;
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

struct one {
	struct item_row row;
	int found;
	char root[512], pid[512];
};

static int take_one(void *arg, const struct item_row *r)
{
	struct one *o = arg;

	o->found = 1;
	o->row.account_id = r->account_id;
	snprintf(o->root, sizeof(o->root), "%s",
	         r->root_platform_id ? r->root_platform_id : r->platform_id);
	snprintf(o->pid, sizeof(o->pid), "%s", r->platform_id);
	return 1;
}

struct thread {
	const struct browse_show *b;
	int64_t id;
};

static int thread_row(void *arg, const struct item_row *r)
{
	struct thread *t = arg;

	return r->id == t->id ? 0 : t->b->thread(t->b->ctx, r);
}

int browse_item_show(const struct op_ctx *op, int64_t id, const struct browse_show *b,
                     struct err *err)
{
	struct item_filter f = {.org_id = op->org, .item_id = id, .limit = 1};
	struct one o;
	int rc;

	memset(&o, 0, sizeof(o));
	rc = items_each(op->store, &f, take_one, &o, err);
	if (rc < 0)
		return rc;
	if (!o.found)
		return err_set(err, KV_ENOTFOUND, "item %lld does not exist", (long long)id);
	rc = op_ctx_require(op, PERM_ITEM_READ, o.row.account_id, err);
	if (!rc && b->item)
		rc = items_each(op->store, &f, b->item, b->ctx, err);
	if (rc > 0)
		rc = KV_OK;
	if (!rc && b->version)
		rc = items_versions(op->store, id, b->version, b->ctx, err);
	if (!rc && b->event)
		rc = items_events(op->store, id, b->event, b->ctx, err);
	if (!rc && b->flag)
		rc = screening_row_flags(op->store, id, b->flag, b->ctx, err);
	if (!rc && b->thread) {
		struct item_filter tf = {.org_id = op->org,
		                         .account_id = o.row.account_id,
		                         .root = o.root,
		                         .limit = 500};
		struct thread t = {b, id};

		rc = items_each(op->store, &tf, thread_row, &t, err);
		if (rc > 0)
			rc = KV_OK;
	}
	return rc;
}

int browse_units(const struct op_ctx *op, reg_unit_fn fn, void *ctx, struct err *err)
{
	int rc = require_list(op, PERM_REGISTER_READ, 0, err);

	return rc ? rc : register_row_unit_each(op->store, op->org, fn, ctx, err);
}

int browse_people(const struct op_ctx *op, reg_person_fn fn, void *ctx, struct err *err)
{
	int rc = require_list(op, PERM_REGISTER_READ, 0, err);

	return rc ? rc : register_row_person_each(op->store, op->org, fn, ctx, err);
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

struct cfilter {
	const struct op_ctx *op;
	cases_fn fn;
	void *ctx;
};

static int c_visible(void *arg, const struct case_rec *c)
{
	struct cfilter *x = arg;

	if (!principal_can(x->op->who, PERM_CASE_READ, c->account_id))
		return 0;
	return x->fn(x->ctx, c);
}

int browse_cases(const struct op_ctx *op, struct case_filter *f, cases_fn fn, void *ctx,
                 struct err *err)
{
	struct cfilter x = {op, fn, ctx};
	int rc = require_list(op, PERM_CASE_READ, f->account_id, err);

	if (rc)
		return rc;
	f->org_id = op->org;
	rc = case_row_each(op->store, f, c_visible, &x, err);
	return rc > 0 ? KV_OK : rc;
}

int browse_case(const struct op_ctx *op, int64_t id, struct case_loaded **out, struct err *err)
{
	struct case_loaded *l = NULL;
	int rc = case_row_load(op->store, op->org, id, &l, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_CASE_READ, l->c.account_id, err);
	if (rc) {
		case_row_loaded_free(l);
		return rc;
	}
	*out = l;
	return KV_OK;
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

int browse_accounts(const struct op_ctx *op, int64_t **out, size_t *n, struct err *err)
{
	int64_t *ids = NULL;
	size_t m = 0, k = 0;
	int rc = require_list(op, PERM_REGISTER_READ, 0, err);

	if (!rc)
		rc = register_row_account_ids(op->store, op->org, &ids, &m, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < m; i++)
		if (principal_can(op->who, PERM_REGISTER_READ, ids[i]))
			ids[k++] = ids[i];
	*out = ids;
	*n = k;
	return KV_OK;
}

int browse_account(const struct op_ctx *op, int64_t id, struct account_rec **out, struct err *err)
{
	int rc = op_ctx_require(op, PERM_REGISTER_READ, id, err);

	return rc ? rc : register_row_account_load(op->store, id, out, err);
}
