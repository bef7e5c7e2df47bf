/* API: the retention plan, holds, culling runs (local and on the platform),
 * the snapshot and disclosure registers and the delivered packages. */
#include "http/api.h"
#include "http/api_records.h"

#include "records/cull.h"
#include "records/holds.h"
#include "records/platcull.h"
#include "records/platcull_view.h"
#include "records/records_disclose.h"
#include "records/records_snapshot.h"
#include "records/retention.h"
#include "records/sip.h"
#include "workflow/browse.h"

#include <stdint.h>
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

/* A protokoll kept as JSON text, answered as it is. */
static int reply_protokoll(struct api_req *r, int64_t id, char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	free(text);
	if (!v)
		return err_set(r->err, KV_EINTERNAL, "the protokoll of run %lld is not JSON",
		               (long long)id);
	return api_reply(r, 200, v);
}

int api_records_cull_show(struct api_req *r)
{
	char *text = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = cull_protokoll(&r->op, id, &text, r->err);
	return rc ? rc : reply_protokoll(r, id, text);
}

int api_records_retention(struct api_req *r)
{
	struct retention_plan p = {0};
	int64_t version = 0;
	json_t *v;
	int rc = api_query_int(r, "version", 0, 1, INT64_MAX, &version);

	if (!rc)
		rc = retention_get(&r->op, version, &p, r->err);
	if (rc)
		return rc;
	v = retention_plan_json(&p);
	retention_plan_done(&p);
	return v ? api_reply(r, 200, v) : err_set(r->err, KV_ENOMEM, "out of memory");
}

static int s_row(void *arg, const struct snapshot_row *row, const struct snapshot_stamp *ts)
{
	json_t *j = records_snapshot_json(row, ts);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_records_snapshots(struct api_req *r)
{
	const char *acc = api_query(r, "account");
	struct api_page pg;
	int64_t account = 0;
	int rc = api_page_init(r, &pg);

	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = records_snapshot_list(&r->op, account, s_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int d_row(void *arg, const struct disclosure_row *row)
{
	json_t *j = records_disclose_json(row);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_records_disclosures(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = records_disclose_list(&r->op, d_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int p_row(void *arg, const struct archive_package_row *row)
{
	json_t *j = sip_package_json(row);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_records_packages(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = sip_list(&r->op, p_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int pc_row(void *arg, const struct platcull_run_row *row)
{
	json_t *j = platcull_view_json(row);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_records_platculls(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = platcull_list(&r->op, pc_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

int api_records_platcull_show(struct api_req *r)
{
	char *text = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = platcull_protokoll(&r->op, id, &text, r->err);
	return rc ? rc : reply_protokoll(r, id, text);
}
