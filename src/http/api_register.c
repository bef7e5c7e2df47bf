/* API: the organisation, its units and people, and the document itself. */
#include "http/api.h"
#include "http/api_register.h"

#include "base/arena.h"
#include "http/views.h"
#include "registry/registry.h"
#include "workflow/browse.h"
#include "http/server.h"
#include "workflow/policy.h"

int api_register_openapi(struct api_req *r)
{
	if (!r->api->openapi)
		return err_set(r->err, KV_ENOTFOUND, "no document");
	server_reply_header(r->req, "Cache-Control", "public, max-age=300");
	return server_reply(r->req, 200, "application/json", r->api->openapi, r->api->openapi_len);
}

int api_register_organisation(struct api_req *r)
{
	struct arena a;
	const char *name = NULL;
	int on = 0, rc;

	arena_init(&a);
	rc = browse_org_name(&r->op, &a, &name, r->err);
	if (!rc)
		rc = policy_crisis(r->op.store, r->op.org, &on, r->err);
	if (!rc)
		rc = api_reply(r, 200,
		               json_pack("{s:I,s:s,s:b}", "id", (json_int_t)r->op.org, "name", name,
		                         "crisis", on));
	arena_done(&a);
	return rc;
}

static int unit_row(void *arg, const struct unit_row *u)
{
	return api_page_add(arg, views_unit_json(u));
}

int api_register_units(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = registry_units_each(&r->op, unit_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int person_row(void *arg, const struct person_row *p)
{
	return api_page_add(arg, views_person_json(p));
}

int api_register_people(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = registry_people_each(&r->op, person_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}
