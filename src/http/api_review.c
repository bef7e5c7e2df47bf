/* API: the daily review of each account (bevakning). */
#include "http/api.h"
#include "http/api_review.h"

#include "http/views.h"
#include "workflow/review.h"

#include <stdlib.h>

int api_review_list(struct api_req *r)
{
	struct review_state *v = NULL;
	struct api_page pg;
	size_t n = 0;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = review_status(&r->op, &v, &n, r->err);
	for (size_t i = 0; !rc && i < n; i++)
		if (api_page_add(&pg, views_review_json(&v[i])))
			break;
	free(v);
	return api_page_finish(r, &pg, rc);
}

int api_review_mark(struct api_req *r)
{
	static const char *const fields[] = {"note", NULL};
	struct review_state *v = NULL;
	const char *note = NULL;
	int64_t acc = 0, id = 0;
	json_t *j = NULL;
	size_t n = 0;
	int rc = api_account_ref(r, r->param[0], "ref", &acc);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "note", 0, &note);
	if (!rc)
		rc = review_mark(&r->op, acc, note, &id, r->err);
	if (!rc)
		rc = review_status(&r->op, &v, &n, r->err);
	for (size_t i = 0; !rc && i < n && !j; i++)
		if (v[i].account_id == acc)
			j = views_review_json(&v[i]);
	free(v);
	/* Only active accounts are under review; for another the review is
	 * recorded all the same, and the answer says just that. */
	if (!rc && !j)
		j = json_pack("{s:s,s:I,s:b,s:o,s:s,s:s,s:n,s:n}", "account", r->param[0],
		              "account_id", (json_int_t)acc, "missing", 0, "last_review_at",
		              views_time(r->op.now), "last_review_by", op_ctx_actor(&r->op),
		              "interval", "", "reviewed_since", "due_at");
	return rc ? rc : api_reply(r, 200, j);
}
