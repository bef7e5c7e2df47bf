/* Holds: checked targets, reasons, audit, and the lookup the culling makes
 * for every item. */
#include "records/holds.h"

#include "base/calendar.h"
#include "base/utf8.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 2000

static const char *const kind_names[] = {"account", "case", "item", "thread"};

static int parse_num(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);

	if (!end || end == s || *end || v <= 0)
		return KV_EINVAL;
	*out = v;
	return KV_OK;
}

static int check_reason(const char *reason, struct err *err)
{
	size_t n = reason ? strlen(reason) : 0;

	if (!n || n > REASON_MAX || utf8_check(reason, n) >= 0)
		return err_set(err, KV_EINVAL, "--reason: give a reason of 1 to %d bytes of UTF-8",
		               REASON_MAX);
	return KV_OK;
}

static int audit_json(const struct op_ctx *op, const char *action, int64_t id, json_t *j,
                      struct err *err)
{
	char idtext[32], *after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	json_decref(j);
	if (!after)
		return err_set(err, KV_ENOMEM, "out of memory");
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op), action, "hold", idtext, NULL,
	                  after, err);
	free(after);
	return rc;
}

/* Fills h from the target, checking that it exists. */
static int resolve(const struct op_ctx *op, const struct hold_target *t, struct hold_row *h,
                   char *root, size_t rootsz, struct err *err)
{
	int64_t id = 0, account = 0;
	int code;

	if (!t->ref || !*t->ref)
		return err_set(err, KV_EINVAL, "--%s: give what to hold", kind_names[t->kind]);
	switch (t->kind) {
	case HOLD_ACCOUNT:
		code = registry_account_find(op, t->ref, &h->account_id, err);
		return code ? err_prefix(err, "--account: ") : KV_OK;
	case HOLD_CASE:
		if (parse_num(t->ref, &id))
			return err_set(err, KV_EINVAL, "--case: '%s' is not a case number", t->ref);
		code = retention_rows_case_target(op->store, op->org, id, &h->account_id,
		                                  &h->item_id, root, rootsz, err);
		if (code)
			return err_prefix(err, "--case: ");
		h->thread_root = root;
		return KV_OK;
	case HOLD_ITEM:
		if (parse_num(t->ref, &id))
			return err_set(err, KV_EINVAL, "--item: '%s' is not an item id", t->ref);
		code = retention_rows_item_target(op->store, op->org, id, &h->account_id, err);
		if (code)
			return err_prefix(err, "--item: ");
		h->item_id = id;
		return KV_OK;
	case HOLD_THREAD:
		if (t->account) {
			code = registry_account_find(op, t->account, &account, err);
			if (code)
				return err_prefix(err, "--account: ");
		}
		code = retention_rows_thread_target(op->store, op->org, account, t->ref,
		                                    &h->account_id, err);
		if (code)
			return err_prefix(err, "--thread: ");
		snprintf(root, rootsz, "%s", t->ref);
		h->thread_root = root;
		return KV_OK;
	}
	return err_set(err, KV_EINVAL, "unknown hold kind");
}

int holds_add(const struct op_ctx *op, const struct hold_target *t, const char *reason,
              int64_t *out_id, struct err *err)
{
	struct hold_row h = {0};
	char root[160] = "";
	int64_t id = 0;
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (!rc)
		rc = check_reason(reason, err);
	if (!rc && t->ref && strlen(t->ref) >= sizeof(root))
		rc = err_set(err, KV_EINVAL, "--%s: longer than %zu bytes", kind_names[t->kind],
		             sizeof(root) - 1);
	if (rc)
		return rc;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = resolve(op, t, &h, root, sizeof(root), err);
	if (!rc) {
		h.kind = kind_names[t->kind];
		h.ref = t->ref;
		h.reason = reason;
		h.created_by = op_ctx_actor(op);
		h.created_at = op->now;
		rc = retention_rows_hold_insert(op->store, op->org, &h, &id, err);
	}
	if (!rc)
		rc = audit_json(op, "hold.add", id,
		                json_pack("{s:s,s:s,s:I,s:s?,s:s}", "kind", h.kind, "ref", t->ref,
		                          "account", (json_int_t)h.account_id, "thread",
		                          h.thread_root, "reason", reason),
		                err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc)
		*out_id = id;
	return rc;
}

int holds_release(const struct op_ctx *op, int64_t id, const char *reason, struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (!rc)
		rc = check_reason(reason, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = retention_rows_hold_release(op->store, op->org, id, op_ctx_actor(op), op->now, reason,
	                                 err);
	if (!rc)
		rc = audit_json(op, "hold.release", id, json_pack("{s:s}", "reason", reason), err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}

int holds_list(const struct op_ctx *op, int active_only, hold_fn fn, void *ctx, struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	return rc ? rc : retention_rows_holds(op->store, op->org, active_only, fn, ctx, err);
}

struct load_ctx {
	struct holds_set *hs;
	struct err *err;
};

static int got_hold(void *arg, const struct hold_row *h)
{
	struct load_ctx *l = arg;
	struct holds_active *grown, *a;

	grown = realloc(l->hs->h, (l->hs->n + 1) * sizeof(*grown));
	if (!grown)
		return err_set(l->err, KV_ENOMEM, "out of memory");
	l->hs->h = grown;
	a = &grown[l->hs->n++];
	memset(a, 0, sizeof(*a));
	a->id = h->id;
	for (int k = 0; k < 4; k++)
		if (strcmp(h->kind, kind_names[k]) == 0)
			a->kind = (enum hold_kind)k;
	a->account_id = h->account_id;
	a->item_id = h->item_id;
	snprintf(a->root, sizeof(a->root), "%s", h->thread_root ? h->thread_root : "");
	return 0;
}

int holds_load(const struct op_ctx *op, struct holds_set *out, struct err *err)
{
	struct holds_set hs = {0};
	struct load_ctx l = {&hs, err};
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (!rc)
		rc = retention_rows_holds(op->store, op->org, 1, got_hold, &l, err);
	if (rc) {
		holds_set_done(&hs);
		return rc;
	}
	*out = hs;
	return KV_OK;
}

void holds_set_done(struct holds_set *hs)
{
	if (!hs)
		return;
	free(hs->h);
	hs->h = NULL;
	hs->n = 0;
}

int64_t holds_covering(const struct holds_set *hs, int64_t account, int64_t item, const char *root)
{
	for (size_t i = 0; i < hs->n; i++) {
		const struct holds_active *h = &hs->h[i];

		switch (h->kind) {
		case HOLD_ACCOUNT:
			if (h->account_id == account)
				return h->id;
			break;
		case HOLD_ITEM:
			if (h->item_id == item)
				return h->id;
			break;
		case HOLD_CASE:
		case HOLD_THREAD:
			/* A case holds its item and the thread it stands in (the
			 * context its evidence shows). */
			if (h->item_id == item ||
			    (h->account_id == account && root && strcmp(h->root, root) == 0))
				return h->id;
			break;
		}
	}
	return 0;
}

json_t *holds_json(const struct hold_row *h)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:s?,s:s,s:s,s:o,s:b,s:s?,s:o,s:s?}", "id",
	                 (json_int_t)h->id, "kind", h->kind, "ref", h->ref, "account",
	                 (json_int_t)h->account_id, "thread", h->thread_root, "reason", h->reason,
	                 "created_by", h->created_by, "created_at",
	                 calendar_json_local(h->created_at), "active", h->released_at == 0,
	                 "released_by", h->released_by, "released_at",
	                 calendar_json_local(h->released_at), "release_reason", h->release_reason);
}

struct one_hold {
	int64_t id;
	hold_fn fn;
	void *ctx;
	int found;
};

static int one_hold(void *arg, const struct hold_row *h)
{
	struct one_hold *o = arg;

	if (h->id != o->id)
		return 0;
	o->found = 1;
	return o->fn(o->ctx, h);
}

int holds_show(const struct op_ctx *op, int64_t id, hold_fn fn, void *ctx, struct err *err)
{
	struct one_hold o = {id, fn, ctx, 0};
	int rc = holds_list(op, 0, one_hold, &o, err);

	if (!rc && !o.found)
		rc = err_set(err, KV_ENOTFOUND, "hold %lld does not exist", (long long)id);
	return rc;
}
