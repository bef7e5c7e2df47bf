/* API: the policy settings in force, and setting one. */
#include "http/api.h"
#include "http/api_policy.h"

#include "workflow/policy.h"

#include <string.h>

static int p_row(void *arg, const char *key, const char *value, const char *source)
{
	return api_page_add(
	        arg, json_pack("{s:s,s:s,s:s}", "key", key, "value", value, "source", source));
}

int api_policy_list(struct api_req *r)
{
	const char *acc = api_query(r, "account");
	struct api_page pg;
	int64_t account = 0;
	int rc = api_page_init(r, &pg);

	/* Every setting on one page: the list is short and fixed. */
	pg.limit = API_PAGE_MAX;
	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = policy_show(&r->op, account, p_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

struct find {
	const char *key;
	json_t *found;
};

static int p_find(void *arg, const char *key, const char *value, const char *source)
{
	struct find *f = arg;

	if (strcmp(key, f->key) == 0 && !f->found)
		f->found = json_pack("{s:s,s:s,s:s}", "key", key, "value", value, "source", source);
	return 0;
}

int api_policy_set(struct api_req *r)
{
	static const char *const fields[] = {"value", "account", NULL};
	const char *value = NULL, *acc = NULL;
	struct find f = {r->param[0], NULL};
	int64_t account = 0;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "value", 1, &value);
	if (!rc)
		rc = api_body_str(r, "account", 0, &acc);
	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = policy_set(&r->op, account, r->param[0], value, r->err);
	if (rc && !r->field[0] && rc == KV_EINVAL)
		api_fail_field(r, rc, "value");
	if (!rc)
		rc = policy_show(&r->op, account, p_find, &f, r->err);
	if (!rc && !f.found)
		f.found = json_pack("{s:s,s:s,s:s}", "key", r->param[0], "value", value, "source",
		                    account ? "account" : "organisation");
	return rc ? rc : api_reply(r, 200, f.found);
}
