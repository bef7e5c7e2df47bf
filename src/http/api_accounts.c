/* API: the register of accounts, the start checklist, the checks and the
 * public list. */
#include "http/api.h"
#include "http/api_accounts.h"

#include "base/buf.h"
#include "http/server.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *account_json(struct api_req *r, int64_t id, int *rc)
{
	struct account_rec *rec = NULL;
	json_t *j;

	*rc = registry_account_get(&r->op, id, &rec, r->err);
	if (*rc)
		return NULL;
	j = registry_account_json(rec);
	register_row_account_free(rec);
	if (!j)
		*rc = err_set(r->err, KV_ENOMEM, "out of memory");
	return j;
}

int api_accounts_list(struct api_req *r)
{
	const char *status = api_query(r, "status");
	struct api_page pg;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = registry_account_ids(&r->op, &ids, &n, r->err);
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *j = account_json(r, ids[i], &rc);

		if (rc)
			break;
		if (status &&
		    strcmp(json_string_value(json_object_get(j, "status")), status) != 0) {
			json_decref(j);
			continue;
		}
		if (api_page_add(&pg, j))
			break;
	}
	free(ids);
	return api_page_finish(r, &pg, rc);
}

static int ref_id(struct api_req *r, int64_t *id)
{
	return api_account_ref(r, r->param[0], "ref", id);
}

int api_accounts_show(struct api_req *r)
{
	int64_t id = 0;
	json_t *j;
	int rc = ref_id(r, &id);

	if (rc)
		return rc;
	j = account_json(r, id, &rc);
	return rc ? rc : api_reply(r, 200, j);
}

static const char *str_member(struct api_req *r, const char *name, int *rc)
{
	const char *v = NULL;

	if (!*rc)
		*rc = api_body_str(r, name, 0, &v);
	return v;
}

int api_accounts_add(struct api_req *r)
{
	static const char *const fields[] = {"platform",     "handle",         "url",
	                                     "name",         "unit",           "purpose",
	                                     "goal",         "audience",       "responsible",
	                                     "deputy",       "decided_by",     "decided_on",
	                                     "decision_ref", "posts_per_week", "house_rules",
	                                     "admins",       "platform_id",    NULL};
	struct account_input in = {0};
	const char **admins = NULL;
	char ppw[24];
	json_t *v, *a;
	int64_t id = 0;
	int rc = api_body_only(r, fields);

	if (!rc && !r->body)
		rc = api_fail_field(
		        r, err_set(r->err, KV_EINVAL, "body: a JSON object is required"), "body");
	in.platform = str_member(r, "platform", &rc);
	in.handle = str_member(r, "handle", &rc);
	in.url = str_member(r, "url", &rc);
	in.name = str_member(r, "name", &rc);
	in.unit = str_member(r, "unit", &rc);
	in.purpose = str_member(r, "purpose", &rc);
	in.goal = str_member(r, "goal", &rc);
	in.audience = str_member(r, "audience", &rc);
	in.responsible = str_member(r, "responsible", &rc);
	in.deputy = str_member(r, "deputy", &rc);
	in.decided_by = str_member(r, "decided_by", &rc);
	in.decided_on = str_member(r, "decided_on", &rc);
	in.decision_ref = str_member(r, "decision_ref", &rc);
	in.house_rules = str_member(r, "house_rules", &rc);
	in.platform_id = str_member(r, "platform_id", &rc);
	v = r->body ? json_object_get(r->body, "posts_per_week") : NULL;
	if (!rc && v) {
		if (!json_is_integer(v))
			return api_fail_field(
			        r, err_set(r->err, KV_EINVAL, "posts_per_week: must be a number"),
			        "posts_per_week");
		snprintf(ppw, sizeof(ppw), "%lld", (long long)json_integer_value(v));
		in.posts_per_week = ppw;
	}
	a = r->body ? json_object_get(r->body, "admins") : NULL;
	if (!rc && a) {
		if (!json_is_array(a) || json_array_size(a) > 64)
			return api_fail_field(
			        r, err_set(r->err, KV_EINVAL, "admins: must be a list of e-mails"),
			        "admins");
		admins = calloc(json_array_size(a) + 1, sizeof(*admins));
		if (!admins)
			return err_set(r->err, KV_ENOMEM, "out of memory");
		for (size_t i = 0; i < json_array_size(a); i++) {
			if (!json_is_string(json_array_get(a, i))) {
				free(admins);
				return api_fail_field(r,
				                      err_set(r->err, KV_EINVAL,
				                              "admins[%zu]: must be an e-mail", i),
				                      "admins");
			}
			admins[i] = json_string_value(json_array_get(a, i));
		}
		in.admins = admins;
		in.n_admins = json_array_size(a);
		in.admins_given = 1;
	}
	if (!rc)
		rc = registry_account_add(&r->op, &in, &id, r->err);
	free(admins);
	if (!rc) {
		json_t *j = account_json(r, id, &rc);

		if (!rc)
			return api_reply(r, 201, j);
	}
	return rc;
}

static int reply_account(struct api_req *r, int64_t id)
{
	int rc;
	json_t *j = account_json(r, id, &rc);

	return rc ? rc : api_reply(r, 200, j);
}

int api_accounts_activate(struct api_req *r)
{
	struct check_problem *p = NULL;
	size_t n = 0;
	int64_t id = 0;
	int rc = ref_id(r, &id);

	if (!rc)
		rc = registry_account_activate(&r->op, r->param[0], &p, &n, r->err);
	free(p);
	return rc ? rc : reply_account(r, id);
}

int api_accounts_deactivate(struct api_req *r)
{
	int64_t id = 0;
	int rc = ref_id(r, &id);

	if (!rc)
		rc = registry_account_deactivate(&r->op, r->param[0], r->err);
	return rc ? rc : reply_account(r, id);
}

int api_accounts_checklist(struct api_req *r)
{
	static const char *const fields[] = {"answer", NULL};
	const char *answer = NULL;
	int64_t id = 0;
	int rc = ref_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "answer", 1, &answer);
	if (!rc)
		rc = registry_checklist_answer(&r->op, r->param[0], r->param[1], answer, r->err);
	return rc ? rc : reply_account(r, id);
}

static int checks_reply(struct api_req *r, const char *ref)
{
	struct registry_problem *p = NULL;
	struct api_page pg;
	size_t n = 0;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = registry_check(&r->op, ref, &p, &n, r->err);
	for (size_t i = 0; !rc && i < n; i++) {
		char detail[600];

		snprintf(detail, sizeof(detail), "%s%s%s", p[i].rule->message,
		         p[i].detail[0] ? ": " : "", p[i].detail);
		if (api_page_add(&pg, json_pack("{s:s,s:I,s:s,s:s}", "account", p[i].account,
		                                "account_id", (json_int_t)p[i].account_id, "check",
		                                p[i].rule->id, "detail", detail)))
			break;
	}
	free(p);
	return api_page_finish(r, &pg, rc);
}

int api_accounts_checks(struct api_req *r)
{
	int64_t id = 0;
	int rc = ref_id(r, &id);

	return rc ? rc : checks_reply(r, r->param[0]);
}

int api_accounts_checks_all(struct api_req *r)
{
	return checks_reply(r, NULL);
}

int api_accounts_public(struct api_req *r)
{
	struct buf b;
	int rc;

	buf_init(&b, (size_t)16 << 20);
	rc = registry_export_public(&r->op, REGISTRY_JSON, &b, r->err);
	if (!rc)
		rc = server_reply(r->req, 200, "application/json", b.ptr ? b.ptr : "[]",
		                  b.ptr ? b.len : 2);
	buf_done(&b);
	return rc;
}
