/* API: the policy documents and their reviews. */
#include "http/api.h"
#include "http/api_consent.h"
#include "http/api_policydoc.h"

#include "registry/policydoc.h"

static int d_row(void *arg, json_t *doc)
{
	return api_page_add(arg, doc);
}

int api_policydoc_list(struct api_req *r)
{
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = policydoc_list(&r->op, 0, d_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int d_one(void *arg, json_t *doc)
{
	json_t **out = arg;

	json_decref(*out);
	*out = doc;
	return 0;
}

static int reply_doc(struct api_req *r, int status, int64_t id)
{
	json_t *v = NULL;
	int rc = policydoc_list(&r->op, id, d_one, &v, r->err);

	if (!rc && !v)
		rc = err_set(r->err, KV_ENOTFOUND, "no policy document %lld", (long long)id);
	if (rc) {
		json_decref(v);
		return rc;
	}
	return api_reply(r, status, v);
}

int api_policydoc_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_doc(r, 200, id);
}

int api_policydoc_add(struct api_req *r)
{
	static const char *const fields[] = {"title",     "adopted",     "by", "review_every",
	                                     "review_on", "responsible", NULL};
	struct policydoc_input in = {0};
	int64_t id = 0;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "title", 1, &in.title);
	if (!rc)
		rc = api_body_str(r, "adopted", 1, &in.adopted);
	if (!rc)
		rc = api_body_str(r, "by", 1, &in.adopted_by);
	if (!rc)
		rc = api_body_str(r, "review_every", 0, &in.every);
	if (!rc)
		rc = api_body_str(r, "review_on", 0, &in.review_on);
	if (!rc)
		rc = api_body_str(r, "responsible", 0, &in.responsible);
	if (!rc) {
		rc = api_consent_field_of(r, policydoc_add(&r->op, &in, &id, r->err));
		/* "give one of …" names no option: the period is what is missing. */
		if (rc == KV_EINVAL && !r->field[0])
			api_fail_field(r, rc, "review_every");
		if (rc == KV_ENOTFOUND)
			api_fail_field(r, rc, "responsible");
	}
	return rc ? rc : reply_doc(r, 201, id);
}

int api_policydoc_review(struct api_req *r)
{
	static const char *const fields[] = {"on", "next", NULL};
	const char *on = NULL, *next = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "on", 1, &on);
	if (!rc)
		rc = api_body_str(r, "next", 0, &next);
	if (!rc) {
		rc = api_consent_field_of(r, policydoc_review(&r->op, id, on, next, r->err));
		if (rc == KV_EINVAL && !r->field[0])
			api_fail_field(r, rc, "next");
	}
	return rc ? rc : reply_doc(r, 200, id);
}

int api_policydoc_retire(struct api_req *r)
{
	static const char *const fields[] = {NULL};
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = policydoc_retire(&r->op, id, r->err);
	return rc ? rc : reply_doc(r, 200, id);
}

int api_policydoc_apply(struct api_req *r)
{
	static const char *const fields[] = {"account", NULL};
	const char *acc = NULL;
	int64_t id = 0, account = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "account", 1, &acc);
	if (!rc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = policydoc_apply(&r->op, id, acc, r->err);
	return rc ? rc : reply_doc(r, 200, id);
}
