/* API: alerts (list, acknowledge) and crisis mode. */
#include "http/api.h"
#include "http/api_alerts.h"

#include "http/views.h"
#include "workflow/alerts.h"
#include "workflow/browse.h"

static int a_row(void *arg, const struct alert_row *a)
{
	return api_page_add(arg, views_alert_json(a));
}

int api_alerts_list(struct api_req *r)
{
	struct alert_filter f = {0};
	struct api_page pg;
	int open = 0, rc = api_page_init(r, &pg);

	if (!rc)
		rc = api_query_flag(r, "open", &open);
	f.open_only = open;
	if (!rc)
		rc = browse_alerts(&r->op, &f, a_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int a_one(void *arg, const struct alert_row *a)
{
	*(json_t **)arg = views_alert_json(a);
	return 1;
}

int api_alerts_ack(struct api_req *r)
{
	struct alert_filter f = {0};
	json_t *j = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = alerts_ack(&r->op, id, r->err);
	f.id = id;
	if (!rc)
		rc = browse_alerts(&r->op, &f, a_one, &j, r->err);
	if (!rc && !j)
		rc = err_set(r->err, KV_ENOTFOUND, "alert %lld does not exist", (long long)id);
	return rc ? rc : api_reply(r, 200, j);
}

int api_alerts_crisis(struct api_req *r)
{
	int on = 0, rc = alerts_crisis_get(&r->op, &on, r->err);

	return rc ? rc : api_reply(r, 200, json_pack("{s:b}", "on", on));
}

int api_alerts_crisis_set(struct api_req *r)
{
	static const char *const fields[] = {"on", NULL};
	int on = 0, changed = 0, rc = api_body_only(r, fields);

	if (!rc && (!r->body || !json_is_boolean(json_object_get(r->body, "on"))))
		rc = api_fail_field(r, err_set(r->err, KV_EINVAL, "on: true or false is required"),
		                    "on");
	if (!rc)
		rc = api_body_bool(r, "on", &on);
	if (!rc)
		rc = alerts_crisis_set(&r->op, on, &changed, r->err);
	return rc ? rc : api_reply(r, 200, json_pack("{s:b,s:b}", "on", on, "changed", changed));
}
