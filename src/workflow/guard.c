/* Checked entry points in front of the feature calls without an op_ctx. */
#include "workflow/guard.h"

#include "store/register.h"
#include "store/store.h"
#include "workflow/alerts.h"
#include "workflow/inbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* For lists: KV_EDENIED unless op holds perm for some account, or for the
 * account named. */
static int require_list(const struct op_ctx *op, uint32_t perm, int64_t account, struct err *err)
{
	if (account)
		return op_ctx_require(op, perm, account, err);
	if (principal_can_any(op->who, perm))
		return KV_OK;
	return op_ctx_require(op, perm, 0, err);
}

static void idref(char out[24], int64_t id)
{
	snprintf(out, 24, "%lld", (long long)id);
}

static struct registry_ctx reg(const struct op_ctx *op)
{
	struct registry_ctx c = {op->store, op->org, op_ctx_actor(op)};

	return c;
}

/* ---- inbox ---- */

struct qfilter {
	const struct op_ctx *op;
	questions_fn fn;
	void *ctx;
	int64_t account; /* filled by find_question */
	int found;
};

static int q_visible(void *arg, const struct question_row *q)
{
	struct qfilter *x = arg;

	if (!principal_can(x->op->who, PERM_ITEM_READ, q->account_id))
		return 0;
	return x->fn(x->ctx, q);
}

int guard_inbox_list(const struct op_ctx *op, struct question_filter *f, questions_fn fn, void *ctx,
                     struct err *err)
{
	struct qfilter x = {op, fn, ctx, 0, 0};
	int rc = require_list(op, PERM_ITEM_READ, f->account_id, err);

	if (rc)
		return rc;
	f->org = op->org;
	if (!f->now)
		f->now = op->now;
	rc = inbox_list(op->store, f, q_visible, &x, err);
	return rc > 0 ? KV_OK : rc;
}

static int q_found(void *arg, const struct question_row *q)
{
	struct qfilter *x = arg;

	x->account = q->account_id;
	x->found = 1;
	return 1;
}

static int question_account(const struct op_ctx *op, int64_t id, int64_t *out, struct err *err)
{
	struct question_filter f = {.org = op->org, .id = id, .now = op->now};
	struct qfilter x = {op, NULL, NULL, 0, 0};
	int rc = questions_each(op->store, &f, q_found, &x, err);

	if (rc < 0)
		return rc;
	if (!x.found)
		return err_set(err, KV_ENOTFOUND, "question %lld does not exist", (long long)id);
	*out = x.account;
	return KV_OK;
}

int guard_inbox_assign(const struct op_ctx *op, int64_t id, const char *email, struct err *err)
{
	int64_t acc = 0;
	int rc = question_account(op, id, &acc, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_INBOX_WORK, acc, err);
	return rc ? rc : inbox_assign(op->store, op->org, id, email, op_ctx_actor(op), err);
}

int guard_inbox_forward(const struct op_ctx *op, int64_t id, const char *to, const char *note,
                        struct err *err)
{
	int64_t acc = 0;
	int rc = question_account(op, id, &acc, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_INBOX_WORK, acc, err);
	return rc ? rc : inbox_forward(op->store, op->org, id, to, note, op_ctx_actor(op), err);
}

int guard_inbox_close(const struct op_ctx *op, int64_t id, const char *as, const char *reason,
                      struct err *err)
{
	int64_t acc = 0;
	int rc = question_account(op, id, &acc, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_INBOX_WORK, acc, err);
	return rc ? rc : inbox_close(op->store, op->org, id, as, reason, op_ctx_actor(op), err);
}

/* ---- cases ---- */

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

int guard_cases_list(const struct op_ctx *op, struct case_filter *f, cases_fn fn, void *ctx,
                     struct err *err)
{
	struct cfilter x = {op, fn, ctx};
	int rc = require_list(op, PERM_CASE_READ, f->account_id, err);

	if (rc)
		return rc;
	f->org_id = op->org;
	rc = cases_each(op->store, f, c_visible, &x, err);
	return rc > 0 ? KV_OK : rc;
}

static int case_account(const struct op_ctx *op, int64_t id, uint32_t perm, struct err *err)
{
	struct case_loaded *l = NULL;
	int rc = cases_load(op->store, op->org, id, &l, err);

	if (!rc)
		rc = op_ctx_require(op, perm, l->c.account_id, err);
	cases_loaded_free(l);
	return rc;
}

int guard_case_load(const struct op_ctx *op, int64_t id, struct case_loaded **out, struct err *err)
{
	struct case_loaded *l = NULL;
	int rc = cases_load(op->store, op->org, id, &l, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_CASE_READ, l->c.account_id, err);
	if (rc) {
		cases_loaded_free(l);
		return rc;
	}
	*out = l;
	return KV_OK;
}

int guard_case_evidence(const struct op_ctx *op, int64_t id, char out[HASH_SHA256_HEX_LEN + 1],
                        struct err *err)
{
	int rc = case_account(op, id, PERM_CASE_DECIDE, err);

	return rc ? rc : cases_evidence_save(op->store, op->org, id, op_ctx_actor(op), out, err);
}

int guard_case_decide(const struct op_ctx *op, int64_t id, enum case_decision d, const char *reason,
                      const struct cases_opts *opts, const struct cases_takedown *t,
                      struct cases_outcome *out, struct err *err)
{
	int rc = case_account(op, id, PERM_CASE_DECIDE, err);

	return rc ? rc
	          : cases_decide(op->store, op->org, id, d, reason, op_ctx_actor(op), opts, t, out,
	                         err);
}

int guard_case_confirm(const struct op_ctx *op, int64_t id, const struct cases_opts *opts,
                       const struct cases_takedown *t, struct cases_outcome *out, struct err *err)
{
	int rc = case_account(op, id, PERM_CASE_DECIDE, err);

	/* cases_confirm compares the actor with the decision's author; the
	 * actor is the principal's name, unique per user, so two logins of
	 * one person cannot pass for two. */
	return rc ? rc : cases_confirm(op->store, op->org, id, op_ctx_actor(op), opts, t, out, err);
}

int guard_case_register(const struct op_ctx *op, int64_t id, int series, const char *external_ref,
                        const struct cases_opts *opts, char out[CASES_REG_MAX + 1], struct err *err)
{
	int rc = case_account(op, id, PERM_CASE_REGISTER, err);

	return rc ? rc
	          : cases_register(op->store, op->org, id, series, external_ref, op_ctx_actor(op),
	                           opts, out, err);
}

/* ---- review, alerts, crisis, policy ---- */

int guard_review_status(const struct op_ctx *op, struct review_state **out, size_t *n,
                        struct err *err)
{
	struct review_state *v = NULL;
	size_t m = 0, k = 0;
	int rc = require_list(op, PERM_ITEM_READ, 0, err);

	if (!rc)
		rc = review_status(op->store, op->org, op->now, &v, &m, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < m; i++)
		if (principal_can(op->who, PERM_ITEM_READ, v[i].account_id))
			v[k++] = v[i];
	*out = v;
	*n = k;
	return KV_OK;
}

int guard_review_mark(const struct op_ctx *op, int64_t account_id, const char *note,
                      int64_t *out_id, struct err *err)
{
	int rc = op_ctx_require(op, PERM_REVIEW, account_id, err);

	return rc ? rc
	          : review_mark(op->store, op->org, account_id, note, op_ctx_actor(op), out_id,
	                        err);
}

struct afilter {
	const struct op_ctx *op;
	alerts_fn fn;
	void *ctx;
	int64_t account;
	int found;
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

int guard_alerts_list(const struct op_ctx *op, const struct alert_filter *f, alerts_fn fn,
                      void *ctx, struct err *err)
{
	struct afilter x = {op, fn, ctx, 0, 0};
	struct alert_filter g = *f;
	int rc = require_list(op, PERM_ITEM_READ, 0, err);

	if (rc)
		return rc;
	g.org_id = op->org;
	rc = alerts_each(op->store, &g, a_visible, &x, err);
	return rc > 0 ? KV_OK : rc;
}

static int a_found(void *arg, const struct alert_row *a)
{
	struct afilter *x = arg;

	x->account = a->account_id;
	x->found = 1;
	return 1;
}

int guard_alert_ack(const struct op_ctx *op, int64_t id, struct err *err)
{
	struct alert_filter f = {.org_id = op->org, .id = id};
	struct afilter x = {op, NULL, NULL, 0, 0};
	int rc = alerts_each(op->store, &f, a_found, &x, err);

	if (rc < 0)
		return rc;
	if (!x.found)
		return err_set(err, KV_ENOTFOUND, "alert %lld does not exist", (long long)id);
	rc = op_ctx_require(op, PERM_ALERT_WORK, x.account, err);
	return rc ? rc : alert_ack(op->store, op->org, id, op_ctx_actor(op), op->now, err);
}

int guard_crisis_get(const struct op_ctx *op, int *on, struct err *err)
{
	int rc = require_list(op, PERM_ITEM_READ, 0, err);

	return rc ? rc : alert_crisis_get(op->store, op->org, on, err);
}

int guard_crisis_set(const struct op_ctx *op, int on, int *changed, struct err *err)
{
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, 0, err);

	return rc ? rc : alert_crisis_set(op->store, op->org, on, op_ctx_actor(op), changed, err);
}

int guard_policy_show(const struct op_ctx *op, int64_t account_id, policy_show_fn fn, void *ctx,
                      struct err *err)
{
	int rc = require_list(op, PERM_REGISTER_READ, account_id, err);

	return rc ? rc : policy_show(op->store, op->org, account_id, fn, ctx, err);
}

int guard_policy_set(const struct op_ctx *op, int64_t account_id, const char *key,
                     const char *value, struct err *err)
{
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, account_id, err);

	return rc ? rc
	          : policy_set(op->store, op->org, account_id, key, value, op_ctx_actor(op), err);
}

/* ---- the register ---- */

int guard_accounts(const struct op_ctx *op, int64_t **out, size_t *n, struct err *err)
{
	int64_t *ids = NULL;
	size_t m = 0, k = 0;
	int rc = require_list(op, PERM_REGISTER_READ, 0, err);

	if (!rc)
		rc = reg_account_ids(op->store, op->org, &ids, &m, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < m; i++)
		if (principal_can(op->who, PERM_REGISTER_READ, ids[i]))
			ids[k++] = ids[i];
	*out = ids;
	*n = k;
	return KV_OK;
}

int guard_account_load(const struct op_ctx *op, int64_t id, struct account_rec **out,
                       struct err *err)
{
	int rc = op_ctx_require(op, PERM_REGISTER_READ, id, err);

	return rc ? rc : reg_account_load(op->store, id, out, err);
}

int guard_account_add(const struct op_ctx *op, const struct account_input *in, int64_t *out_id,
                      struct err *err)
{
	struct registry_ctx c = reg(op);
	int rc = op_ctx_require(op, PERM_REGISTER_WRITE, 0, err);

	return rc ? rc : registry_account_add(&c, in, out_id, err);
}

int guard_account_activate(const struct op_ctx *op, int64_t id, struct check_problem **out_problems,
                           size_t *out_n, struct err *err)
{
	struct registry_ctx c = reg(op);
	char ref[24];
	int rc = op_ctx_require(op, PERM_ACCOUNT_LIFECYCLE, id, err);

	idref(ref, id);
	return rc ? rc : registry_account_activate(&c, ref, out_problems, out_n, err);
}

int guard_account_deactivate(const struct op_ctx *op, int64_t id, struct err *err)
{
	struct registry_ctx c = reg(op);
	char ref[24];
	int rc = op_ctx_require(op, PERM_ACCOUNT_LIFECYCLE, id, err);

	idref(ref, id);
	return rc ? rc : registry_account_deactivate(&c, ref, err);
}

int guard_checklist_answer(const struct op_ctx *op, int64_t id, const char *key, const char *answer,
                           struct err *err)
{
	struct registry_ctx c = reg(op);
	char ref[24];
	int rc = op_ctx_require(op, PERM_REGISTER_WRITE, id, err);

	idref(ref, id);
	return rc ? rc : registry_checklist_answer(&c, ref, key, answer, err);
}

int guard_check(const struct op_ctx *op, int64_t id, struct registry_problem **out, size_t *n,
                struct err *err)
{
	struct registry_ctx c = reg(op);
	struct registry_problem *p = NULL;
	size_t m = 0, k = 0;
	char ref[24];
	int rc;

	if (id) {
		rc = op_ctx_require(op, PERM_REGISTER_READ, id, err);
		idref(ref, id);
		if (!rc)
			rc = registry_check(&c, ref, &p, &m, err);
	} else {
		rc = require_list(op, PERM_REGISTER_READ, 0, err);
		if (!rc)
			rc = registry_check(&c, NULL, &p, &m, err);
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < m; i++)
		if (principal_can(op->who, PERM_REGISTER_READ, p[i].account_id))
			p[k++] = p[i];
	*out = p;
	*n = k;
	return KV_OK;
}

int guard_export_public(const struct op_ctx *op, struct buf *out, struct err *err)
{
	struct registry_ctx c = reg(op);
	int rc = require_list(op, PERM_REGISTER_READ, 0, err);

	/* The public list is published as a whole; reading it here needs only
	 * the right to read some of the register. */
	return rc ? rc : registry_export_public(&c, REGISTRY_JSON, out, err);
}
