/* API: the house rules template, each account's rules text and about text. */
#include "http/api.h"
#include "http/api_house.h"

#include "registry/house_rules.h"

#include <string.h>

int api_house_template(struct api_req *r)
{
	json_t *v = NULL;
	int rc = house_rules_template_show(&r->op, &v, r->err);

	return rc ? rc : api_reply(r, 200, v);
}

int api_house_template_load(struct api_req *r)
{
	static const char *const fields[] = {"text", NULL};
	const char *text = NULL;
	json_t *res = NULL, *v = NULL;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "text", 1, &text);
	if (!rc) {
		rc = house_rules_template_load(&r->op, text, strlen(text), &res, r->err);
		if (rc == KV_EINVAL)
			api_fail_field(r, rc, "text");
	}
	if (!rc)
		rc = house_rules_template_show(&r->op, &v, r->err);
	if (!rc)
		json_object_set(v, "new", json_object_get(res, "new"));
	json_decref(res);
	return rc ? rc : api_reply(r, 200, v);
}

int api_house_rules(struct api_req *r)
{
	json_t *v = NULL;
	int rc = house_rules_account_text(&r->op, r->param[0], &v, r->err);

	return rc ? rc : api_reply(r, 200, v);
}

int api_house_about(struct api_req *r)
{
	json_t *v = NULL;
	int rc = house_rules_about(&r->op, r->param[0], NULL, 0, &v, r->err);

	return rc ? rc : api_reply(r, 200, v);
}

int api_house_about_set(struct api_req *r)
{
	static const char *const fields[] = {"text", NULL};
	const char *text = NULL;
	json_t *v = NULL;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "text", 1, &text);
	if (!rc) {
		rc = house_rules_about(&r->op, r->param[0], text, strlen(text), &v, r->err);
		if (rc == KV_EINVAL)
			api_fail_field(r, rc, "text");
	}
	return rc ? rc : api_reply(r, 200, v);
}
