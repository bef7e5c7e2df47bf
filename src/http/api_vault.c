/* API: the credentials vault's metadata and grants (never a secret). */
#include "http/api.h"
#include "http/api_vault.h"

#include "vault/vault.h"

static int v_row(void *arg, const struct vault_secret_row *row)
{
	json_t *j = vault_secret_json(row);

	return j ? api_page_add(arg, j) : KV_ENOMEM;
}

int api_vault_list(struct api_req *r)
{
	const char *acc = api_query(r, "account");
	struct api_page pg;
	int64_t account = 0;
	int rc = api_page_init(r, &pg);

	/* An unknown account is a 404 naming the parameter, not an empty list. */
	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = vault_list(&r->op, acc, v_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int reply_secret(struct api_req *r, int64_t id)
{
	json_t *v = NULL;
	int rc = vault_show(&r->op, id, &v, r->err);

	return rc ? rc : api_reply(r, 200, v);
}

int api_vault_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_secret(r, id);
}

static int grant(struct api_req *r, int on)
{
	static const char *const fields[] = {"person", NULL};
	const char *person = NULL;
	json_t *v = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "person", 1, &person);
	/* The secret first (404 or 403 for the path), so that what the grant
	 * itself refuses is the person's fault. */
	if (!rc)
		rc = vault_show(&r->op, id, &v, r->err);
	json_decref(v);
	if (!rc) {
		rc = on ? vault_grant(&r->op, id, person, r->err)
		        : vault_revoke(&r->op, id, person, r->err);
		if (rc == KV_EINVAL || rc == KV_ENOTFOUND)
			api_fail_field(r, rc, "person");
	}
	return rc ? rc : reply_secret(r, id);
}

int api_vault_grant(struct api_req *r)
{
	return grant(r, 1);
}

int api_vault_revoke(struct api_req *r)
{
	return grant(r, 0);
}
