/* API: the mail outbox, webhook deliveries, the audit log and users. */
#include "http/api.h"
#include "http/api_admin.h"

#include "http/views.h"
#include "registry/users.h"
#include "workflow/browse.h"

#include <string.h>

static int m_row(void *arg, const struct outbox_row *m)
{
	return api_page_add(arg, views_mail_json(m));
}

int api_admin_mail(struct api_req *r)
{
	struct outbox_filter f = {0};
	struct api_page pg;
	int unsent = 0, rc = api_page_init(r, &pg);

	if (!rc)
		rc = api_query_flag(r, "unsent", &unsent);
	f.unsent_only = unsent;
	if (!rc)
		rc = browse_mail(&r->op, &f, m_row, &pg, r->err);
	if (!rc)
		return api_page_reply(r, &pg);
	api_page_done(&pg);
	return rc;
}

static int w_row(void *arg, const struct webhook_row *w)
{
	return api_page_add(arg, views_webhook_json(w));
}

int api_admin_webhooks(struct api_req *r)
{
	static const char *const states[] = {"pending", "done", "failed", NULL};
	const char *status = api_query(r, "status");
	struct webhook_filter f = {0};
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc && status) {
		size_t i = 0;

		while (states[i] && strcmp(states[i], status) != 0)
			i++;
		if (!states[i])
			rc = api_fail_field(
			        r,
			        err_set(r->err, KV_EINVAL,
			                "status: '%.40s' is not pending, done or failed", status),
			        "status");
		f.status = states[i];
	}
	if (!rc)
		rc = browse_webhooks(&r->op, &f, w_row, &pg, r->err);
	if (!rc)
		return api_page_reply(r, &pg);
	api_page_done(&pg);
	return rc;
}

static int e_row(void *arg, const struct audit_entry *e)
{
	return api_page_add(arg, views_audit_json(e));
}

int api_admin_audit(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = browse_audit(&r->op, e_row, &pg, r->err);
	if (!rc)
		return api_page_reply(r, &pg);
	api_page_done(&pg);
	return rc;
}

static int u_row(void *arg, const struct user_row *u, const struct principal *p)
{
	json_t *me = api_principal_json(p);
	json_t *j =
	        json_pack("{s:I,s:s,s:o,s:b,s:O,s:o}", "id", (json_int_t)u->id, "name", u->name,
	                  "person", u->person_email[0] ? json_string(u->person_email) : json_null(),
	                  "disabled", u->disabled, "grants", json_object_get(me, "grants"),
	                  "created_at", views_time(u->created_at));

	json_decref(me);
	return api_page_add(arg, j);
}

int api_admin_users(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = users_list(&r->op, u_row, &pg, r->err);
	if (!rc)
		return api_page_reply(r, &pg);
	api_page_done(&pg);
	return rc;
}
