/* API: the consent register (list, add with the signed form in base64,
 * show, link, withdraw). */
#include "http/api.h"
#include "http/api_consent.h"

#include "records/consent.h"
#include "workflow/browse.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int api_consent_field_of(struct api_req *r, int rc)
{
	const char *m = r->err->msg;
	size_t n = 0;

	if (rc != KV_EINVAL || strncmp(m, "--", 2) != 0)
		return rc;
	m += 2;
	while (m[n] && m[n] != ':' && m[n] != ' ' && n + 1 < sizeof(r->field)) {
		r->field[n] = m[n] == '-' ? '_' : m[n];
		n++;
	}
	r->field[n] = '\0';
	return rc;
}

struct page_now {
	struct api_page pg;
	int64_t now;
};

static int c_row_now(void *arg, const struct consent_row *c)
{
	struct page_now *p = arg;

	return api_page_add(&p->pg, consent_view_json(c, p->now));
}

int api_consent_list(struct api_req *r)
{
	struct consent_filter f = {0};
	struct page_now p = {.now = r->op.now};
	const char *acc = api_query(r, "account");
	char today[11];
	int active = 0, rc = api_page_init(r, &p.pg);

	if (!rc)
		rc = api_query_flag(r, "active", &active);
	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &f.account_id);
	consent_date_of(today, r->op.now);
	if (active)
		f.active_on = today;
	if (!rc)
		rc = consent_list(&r->op, &f, c_row_now, &p, r->err);
	if (!rc)
		return api_page_reply(r, &p.pg);
	api_page_done(&p.pg);
	return rc;
}

static int reply_consent(struct api_req *r, int status, int64_t id)
{
	json_t *v = NULL;
	int rc = consent_show(&r->op, id, &v, r->err);

	return rc ? rc : api_reply(r, status, v);
}

int api_consent_add(struct api_req *r)
{
	static const char *const fields[] = {
	        "person_name", "birth_date",    "guardian",        "scope", "from",
	        "to",          "document_name", "document_base64", NULL};
	const char *scope[CONSENT_SCOPE_MAX], *b64 = NULL;
	struct consent_input in = {0};
	struct consent_opts o;
	unsigned char *doc = NULL;
	size_t doc_len = 0;
	json_t *sc, *v;
	int64_t id = 0;
	size_t i;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "person_name", 1, &in.person_name);
	if (!rc)
		rc = api_body_str(r, "birth_date", 0, &in.birth_date);
	if (!rc)
		rc = api_body_str(r, "guardian", 0, &in.guardian);
	if (!rc)
		rc = api_body_str(r, "from", 1, &in.valid_from);
	if (!rc)
		rc = api_body_str(r, "to", 0, &in.valid_to);
	if (!rc)
		rc = api_body_str(r, "document_name", 1, &in.document_name);
	if (!rc)
		rc = api_body_str(r, "document_base64", 1, &b64);
	sc = r->body ? json_object_get(r->body, "scope") : NULL;
	if (!rc && (!json_is_array(sc) || json_array_size(sc) == 0 ||
	            json_array_size(sc) > CONSENT_SCOPE_MAX))
		rc = api_fail_field(
		        r,
		        err_set(r->err, KV_EINVAL,
		                "scope: a list of 1 to %d account references is required",
		                CONSENT_SCOPE_MAX),
		        "scope");
	json_array_foreach(rc ? NULL : sc, i, v)
	{
		if (!json_is_string(v)) {
			rc = api_fail_field(
			        r, err_set(r->err, KV_EINVAL, "scope: %zu is not a string", i),
			        "scope");
			break;
		}
		scope[in.n_scope++] = json_string_value(v);
	}
	in.scope = scope;
	if (!rc) {
		doc = malloc(strlen(b64) + 1);
		if (!doc)
			rc = err_set(r->err, KV_ENOMEM, "out of memory");
		else if (sodium_base642bin(doc, strlen(b64) + 1, b64, strlen(b64), " \r\n",
		                           &doc_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			rc = api_fail_field(
			        r, err_set(r->err, KV_EINVAL, "document_base64: not valid base64"),
			        "document_base64");
	}
	in.document = doc;
	in.document_len = doc_len;
	if (!rc)
		rc = consent_opts_load(&o, r->api->cfg, r->err);
	if (!rc)
		rc = api_consent_field_of(r, consent_add(&r->op, &o, &in, &id, r->err));
	free(doc);
	return rc ? rc : reply_consent(r, 201, id);
}

int api_consent_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_consent(r, 200, id);
}

int api_consent_withdraw(struct api_req *r)
{
	static const char *const fields[] = {"reason", NULL};
	const char *reason = NULL;
	json_t *res = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "reason", 1, &reason);
	if (!rc)
		rc = api_consent_field_of(r, consent_withdraw(&r->op, id, reason, &res, r->err));
	return rc ? rc : api_reply(r, 200, res);
}

int api_consent_link(struct api_req *r)
{
	static const char *const fields[] = {"item", NULL};
	const char *item_ref = NULL;
	int64_t id = 0, item = 0;
	int linked = 0, rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "item", 1, &item_ref);
	if (!rc) {
		rc = browse_item_ref(&r->op, item_ref, &item, r->err);
		if (rc)
			api_fail_field(r, rc, "item");
	}
	if (!rc)
		rc = api_consent_field_of(r, consent_link(&r->op, id, item, &linked, r->err));
	return rc ? rc
	          : api_reply(r, 200,
	                      json_pack("{s:I,s:I,s:b}", "consent", (json_int_t)id, "item",
	                                (json_int_t)item, "linked", linked));
}
