/* API: moderation cases (list, open, one case, evidence, decide, confirm
 * with four eyes, register) and the register of removed content. */
#include "http/api.h"
#include "http/api_cases.h"

#include "http/views.h"
#include "workflow/browse.h"
#include "workflow/cases.h"

#include <string.h>

struct clist {
	struct api_page *pg;
	int64_t now;
};

static int c_row(void *arg, const struct case_rec *c)
{
	struct clist *l = arg;

	return api_page_add(l->pg, cases_view_json(c, l->now));
}

static int list(struct api_req *r, int removed)
{
	struct case_filter f = {0};
	const char *acc = api_query(r, "account");
	struct api_page pg;
	struct clist l = {&pg, r->op.now};
	int open = 0, rc = api_page_init(r, &pg);

	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &f.account_id);
	if (!rc && !removed)
		rc = api_query_flag(r, "open", &open);
	f.open_only = open;
	f.taken_down = removed;
	if (!rc)
		rc = cases_list(&r->op, &f, c_row, &l, r->err);
	if (rc > 0) /* the page is full */
		rc = KV_OK;
	return api_page_finish(r, &pg, rc);
}

int api_cases_list(struct api_req *r)
{
	return list(r, 0);
}

int api_cases_removed(struct api_req *r)
{
	return list(r, 1);
}

static int reply_case(struct api_req *r, int64_t id, int status)
{
	struct cases_shown sh;
	int rc = cases_show(&r->op, id, &sh, r->err);
	json_t *j;

	if (rc)
		return rc;
	j = cases_view_json(&sh.l->c, r->op.now);
	case_row_loaded_free(sh.l);
	return api_reply(r, status, j);
}

int api_cases_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_case(r, id, 200);
}

int api_cases_open(struct api_req *r)
{
	static const char *const fields[] = {"item", "categories", NULL};
	const char *cats = NULL;
	json_t *item;
	int64_t item_id = 0, id = 0;
	int rc = api_body_only(r, fields);

	item = r->body ? json_object_get(r->body, "item") : NULL;
	if (!rc && !item)
		rc = api_fail_field(r, err_set(r->err, KV_EINVAL, "item: required"), "item");
	if (!rc && json_is_integer(item))
		item_id = json_integer_value(item);
	else if (!rc && json_is_string(item))
		rc = browse_item_ref(&r->op, json_string_value(item), &item_id, r->err);
	else if (!rc)
		rc = err_set(r->err, KV_EINVAL, "item: a row id or a platform id");
	if (!rc)
		rc = api_body_str(r, "categories", 0, &cats);
	if (!rc)
		rc = cases_open(&r->op, item_id, cats, &id, r->err);
	if (rc)
		return r->field[0] ? rc
		                   : api_fail_field(r, rc,
		                                    strncmp(r->err->msg, "categories", 10) == 0
		                                            ? "categories"
		                                            : "item");
	return reply_case(r, id, 201);
}

int api_cases_evidence(struct api_req *r)
{
	char sha[HASH_SHA256_HEX_LEN + 1];
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = cases_evidence_save(&r->op, id, sha, r->err);
	return rc ? rc : reply_case(r, id, 200);
}

static int outcome(struct api_req *r, int64_t id, const struct cases_outcome *o)
{
	struct cases_shown sh;
	int rc = cases_show(&r->op, id, &sh, r->err);
	json_t *j;

	if (rc)
		return rc;
	j = json_pack("{s:o,s:b,s:b,s:s}", "case", cases_view_json(&sh.l->c, r->op.now), "done",
	              o->done, "via_api", o->via_api, "detail", o->detail);
	case_row_loaded_free(sh.l);
	return api_reply(r, 200, j);
}

int api_cases_decide(struct api_req *r)
{
	static const char *const fields[] = {"decision", "reason", "by_hand", NULL};
	struct cases_takedown t = {r->api->cfg, 0};
	struct cases_outcome o;
	enum case_decision d;
	const char *dec = NULL, *reason = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "decision", 1, &dec);
	if (!rc && cases_decision_from_name(dec, &d) != KV_OK)
		rc = api_fail_field(r,
		                    err_set(r->err, KV_EINVAL,
		                            "decision: '%.40s' is not keep, hide or remove", dec),
		                    "decision");
	if (!rc)
		rc = api_body_str(r, "reason", 0, &reason);
	if (!rc)
		rc = api_body_bool(r, "by_hand", &t.by_hand);
	if (!rc)
		rc = cases_decide(&r->op, id, d, reason, &r->api->cases, &t, &o, r->err);
	return rc ? rc : outcome(r, id, &o);
}

int api_cases_confirm(struct api_req *r)
{
	static const char *const fields[] = {"by_hand", NULL};
	struct cases_takedown t = {r->api->cfg, 0};
	struct cases_outcome o;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_bool(r, "by_hand", &t.by_hand);
	if (!rc)
		rc = cases_confirm(&r->op, id, &r->api->cases, &t, &o, r->err);
	return rc ? rc : outcome(r, id, &o);
}

int api_cases_register(struct api_req *r)
{
	static const char *const fields[] = {"series", "external_ref", NULL};
	char reg[CASES_REG_MAX + 1];
	const char *ext = NULL;
	int64_t id = 0;
	int series = 0, rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_bool(r, "series", &series);
	if (!rc)
		rc = api_body_str(r, "external_ref", 0, &ext);
	if (!rc && !series && !ext)
		rc = api_fail_field(r,
		                    err_set(r->err, KV_EINVAL,
		                            "series: give series (a number from the series) or "
		                            "external_ref"),
		                    "series");
	if (!rc)
		rc = cases_register(&r->op, id, series, ext, &r->api->cases, reg, r->err);
	return rc ? rc : reply_case(r, id, 200);
}
