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
	return api_page_finish(r, &pg, rc);
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
	return api_page_finish(r, &pg, rc);
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
	return api_page_finish(r, &pg, rc);
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

struct one_user {
	int64_t id;
	json_t *j;
};

static int u_one(void *arg, const struct user_row *u, const struct principal *p)
{
	struct one_user *o = arg;
	json_t *me;

	if (u->id != o->id)
		return 0;
	me = api_principal_json(p);
	o->j = json_pack("{s:I,s:s,s:o,s:b,s:O,s:o}", "id", (json_int_t)u->id, "name", u->name,
	                 "person", u->person_email[0] ? json_string(u->person_email) : json_null(),
	                 "disabled", u->disabled, "grants", json_object_get(me, "grants"),
	                 "created_at", views_time(u->created_at));
	json_decref(me);
	return 1;
}

static int reply_user(struct api_req *r, int64_t id, int status)
{
	struct one_user o = {id, NULL};
	int rc = users_list(&r->op, u_one, &o, r->err);

	if (!rc && !o.j)
		rc = err_set(r->err, KV_ENOTFOUND, "user %lld does not exist", (long long)id);
	return rc ? rc : api_reply(r, status, o.j);
}

int api_admin_user_add(struct api_req *r)
{
	static const char *const fields[] = {"name",  "role",     "person", "accounts",
	                                     "perms", "password", NULL};
	const char *name = NULL, *role = NULL, *person = NULL, *perms = NULL, *pw = NULL;
	const char *accounts[PRINCIPAL_ACCT_MAX];
	struct users_grant_input g;
	json_t *a;
	size_t n = 0;
	int64_t id = 0;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "name", 1, &name);
	if (!rc)
		rc = api_body_str(r, "role", 1, &role);
	if (!rc)
		rc = api_body_str(r, "person", 0, &person);
	if (!rc)
		rc = api_body_str(r, "perms", 0, &perms);
	if (!rc)
		rc = api_body_str(r, "password", 1, &pw);
	a = r->body ? json_object_get(r->body, "accounts") : NULL;
	if (!rc && a) {
		if (!json_is_array(a) || json_array_size(a) > PRINCIPAL_ACCT_MAX)
			return api_fail_field(r,
			                      err_set(r->err, KV_EINVAL,
			                              "accounts: a list of at most %d accounts",
			                              PRINCIPAL_ACCT_MAX),
			                      "accounts");
		for (n = 0; n < json_array_size(a); n++) {
			if (!json_is_string(json_array_get(a, n)))
				return api_fail_field(r,
				                      err_set(r->err, KV_EINVAL,
				                              "accounts[%zu]: not a string", n),
				                      "accounts");
			accounts[n] = json_string_value(json_array_get(a, n));
		}
	}
	g = (struct users_grant_input){role, perms, accounts, n};
	if (!rc)
		rc = users_add(&r->op, name, person, &g, pw, &r->api->kdf, &id, r->err);
	return rc ? rc : reply_user(r, id, 201);
}

int api_admin_user_disable(struct api_req *r)
{
	static const char *const fields[] = {NULL};
	struct user_row u;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	/* The name is looked up only for the feature call, which checks. */
	if (!rc)
		rc = user_rows_get(r->op.store, NULL, id, &u, r->err);
	if (rc == KV_ENOTFOUND)
		api_fail_field(r, rc, "id");
	if (!rc)
		rc = users_disable(&r->op, u.name, r->err);
	return rc ? rc : reply_user(r, id, 200);
}

int api_admin_roles(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	for (int k = 0; !rc && k < ROLE_COUNT; k++) {
		uint32_t perms = principal_role_perms((enum role)k);
		json_t *list = json_array();

		for (uint32_t bit = 1; bit && bit <= PERM_ALL; bit <<= 1)
			if (perms & bit)
				json_array_append_new(list, json_string(principal_perm_name(bit)));
		if (api_page_add(&pg, json_pack("{s:s,s:s,s:o}", "role",
		                                principal_role_name((enum role)k), "label",
		                                principal_role_label((enum role)k), "permissions",
		                                list)))
			break;
	}
	return api_page_finish(r, &pg, rc);
}

int api_admin_users(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = users_list(&r->op, u_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}
