/* API: requests under the GDPR (finding a person, the register of
 * requests). Extract and erase are CLI-only: they write files and cull
 * records, and are done by the archivist at the console. */
#include "http/api.h"
#include "http/api_gdpr.h"

#include "http/api_consent.h"
#include "records/gdpr.h"

#include <string.h>

int api_gdpr_find(struct api_req *r)
{
	struct gdpr_subject s = {api_query(r, "name"), api_query(r, "email"), api_query(r, "phone"),
	                         api_query(r, "personnummer"), api_query(r, "handle")};
	struct gdpr_subject_buf b;
	const char *req = api_query(r, "request");
	json_t *res = NULL;
	int64_t request = 0;
	int rc = KV_OK;

	if (req) {
		rc = api_query_int(r, "request", 0, 1, INT64_MAX, &request);
		if (!rc)
			rc = gdpr_request_subject(&r->op, request, &b, r->err);
		if (rc)
			return api_fail_field(r, rc, "request");
		s = b.s;
	}
	rc = api_consent_field_of(r, gdpr_find(&r->op, &s, request, &res, r->err));
	return rc ? rc : api_reply(r, 200, res);
}

struct page_now {
	struct api_page pg;
	int64_t now;
};

static int g_row(void *arg, const struct gdpr_request_row *g)
{
	struct page_now *p = arg;

	return api_page_add(&p->pg, gdpr_request_view_json(g, p->now));
}

int api_gdpr_requests(struct api_req *r)
{
	struct gdpr_request_filter f = {0};
	struct page_now p = {.now = r->op.now};
	int open = 0, overdue = 0, rc = api_page_init(r, &p.pg);

	if (!rc)
		rc = api_query_flag(r, "open", &open);
	if (!rc)
		rc = api_query_flag(r, "overdue", &overdue);
	f.open_only = open;
	f.due_before = overdue ? r->op.now : 0;
	if (!rc)
		rc = gdpr_request_list(&r->op, &f, g_row, &p, r->err);
	if (!rc)
		return api_page_reply(r, &p.pg);
	api_page_done(&p.pg);
	return rc;
}

static int g_one(void *arg, const struct gdpr_request_row *g)
{
	struct page_now *p = arg;

	p->pg.items = gdpr_request_view_json(g, p->now);
	return 1;
}

static int reply_request(struct api_req *r, int status, int64_t id)
{
	struct gdpr_request_filter f = {.id = id};
	struct page_now p = {.now = r->op.now};
	int rc = gdpr_request_list(&r->op, &f, g_one, &p, r->err);

	if (!rc && !p.pg.items)
		rc = err_set(r->err, KV_ENOTFOUND, "request %lld does not exist", (long long)id);
	return rc ? rc : api_reply(r, status, p.pg.items);
}

int api_gdpr_request_add(struct api_req *r)
{
	static const char *const fields[] = {"kind",   "name",     "email", "phone", "personnummer",
	                                     "handle", "received", "note",  NULL};
	struct gdpr_subject s = {0};
	const char *kind = NULL, *received = NULL, *note = NULL;
	int64_t id = 0;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "kind", 1, &kind);
	if (!rc)
		rc = api_body_str(r, "received", 1, &received);
	if (!rc)
		rc = api_body_str(r, "note", 0, &note);
	if (!rc)
		rc = api_body_str(r, "name", 0, &s.name);
	if (!rc)
		rc = api_body_str(r, "email", 0, &s.email);
	if (!rc)
		rc = api_body_str(r, "phone", 0, &s.phone);
	if (!rc)
		rc = api_body_str(r, "personnummer", 0, &s.personnummer);
	if (!rc)
		rc = api_body_str(r, "handle", 0, &s.handle);
	if (!rc)
		rc = api_consent_field_of(
		        r, gdpr_request_add(&r->op, kind, &s, received, note, &id, r->err));
	return rc ? rc : reply_request(r, 201, id);
}

int api_gdpr_request_close(struct api_req *r)
{
	static const char *const fields[] = {"outcome", NULL};
	const char *outcome = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "outcome", 1, &outcome);
	if (!rc)
		rc = api_consent_field_of(r, gdpr_request_close(&r->op, id, outcome, r->err));
	return rc ? rc : reply_request(r, 200, id);
}
