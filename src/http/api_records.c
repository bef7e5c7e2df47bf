/* API: holds and culling runs. */
#include "http/api.h"
#include "http/api_records.h"

#include "records/cull.h"
#include "records/holds.h"
#include "workflow/browse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int h_row(void *arg, const struct hold_row *h)
{
	json_t *j = holds_json(h);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_records_holds(struct api_req *r)
{
	struct api_page pg;
	int all = 0, rc = api_page_init(r, &pg);

	if (!rc)
		rc = api_query_flag(r, "all", &all);
	if (!rc)
		rc = holds_list(&r->op, !all, h_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int h_one(void *arg, const struct hold_row *h)
{
	json_t **out = arg;

	*out = holds_json(h);
	return *out ? 0 : KV_ENOMEM;
}

static int reply_hold(struct api_req *r, int status, int64_t id)
{
	json_t *v = NULL;
	int rc = holds_show(&r->op, id, h_one, &v, r->err);

	if (rc) {
		json_decref(v);
		return rc;
	}
	return api_reply(r, status, v);
}

int api_records_hold_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_hold(r, 200, id);
}

int api_records_hold_add(struct api_req *r)
{
	static const char *const fields[] = {"kind", "ref", "account", "reason", NULL};
	static const char *const kinds[] = {"account", "case", "item", "thread"};
	struct hold_target t = {0};
	const char *kind = NULL, *reason = NULL;
	char item_id[24];
	int64_t id = 0, item = 0;
	size_t k = 0;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "kind", 1, &kind);
	while (!rc && k < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kind, kinds[k]) != 0)
		k++;
	if (!rc && k == sizeof(kinds) / sizeof(kinds[0]))
		rc = api_fail_field(
		        r,
		        err_set(r->err, KV_EINVAL,
		                "kind: '%.40s' is not one of account, case, item, thread", kind),
		        "kind");
	t.kind = (enum hold_kind)k;
	if (!rc)
		rc = api_body_str(r, "ref", 1, &t.ref);
	if (!rc)
		rc = api_body_str(r, "account", 0, &t.account);
	if (!rc && t.account && t.kind != HOLD_THREAD)
		rc = api_fail_field(
		        r, err_set(r->err, KV_EINVAL, "account: goes with kind thread only"),
		        "account");
	if (!rc)
		rc = api_body_str(r, "reason", 1, &reason);
	/* An item is named by its platform id or its row id, as elsewhere. */
	if (!rc && t.kind == HOLD_ITEM) {
		rc = browse_item_ref(&r->op, t.ref, &item, r->err);
		if (rc)
			api_fail_field(r, rc, "ref");
		snprintf(item_id, sizeof(item_id), "%lld", (long long)item);
		t.ref = item_id;
	}
	if (!rc) {
		rc = holds_add(&r->op, &t, reason, &id, r->err);
		if (rc == KV_ENOTFOUND || rc == KV_EINVAL)
			api_fail_field(r, rc,
			               strncmp(r->err->msg, "--reason", 8) == 0 ? "reason" : "ref");
	}
	return rc ? rc : reply_hold(r, 201, id);
}

int api_records_hold_release(struct api_req *r)
{
	static const char *const fields[] = {"reason", NULL};
	const char *reason = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "reason", 1, &reason);
	if (!rc) {
		rc = holds_release(&r->op, id, reason, r->err);
		if (rc == KV_EINVAL)
			api_fail_field(r, rc, "reason");
	}
	return rc ? rc : reply_hold(r, 200, id);
}

static int c_row(void *arg, const struct cull_run_info *ri)
{
	json_t *j = cull_run_json(ri);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_records_culls(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = cull_list(&r->op, c_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

int api_records_cull_show(struct api_req *r)
{
	char *text = NULL;
	json_t *v;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = cull_protokoll(&r->op, id, &text, r->err);
	if (rc)
		return rc;
	v = json_loads(text, 0, NULL);
	free(text);
	if (!v)
		return err_set(r->err, KV_EINTERNAL, "the protokoll of run %lld is not JSON",
		               (long long)id);
	return api_reply(r, 200, v);
}
