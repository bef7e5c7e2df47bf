/* API: drafts (list, add, one draft, the check with the checklist's
 * answers, the second reading, publishing). Media are added with the CLI
 * (draft add --media); the API takes the text. */
#include "http/api.h"
#include "http/api_drafts.h"

#include "base/calendar.h"
#include "capture/screener.h"
#include "workflow/drafts.h"

#include <string.h>
#include <time.h>

static int d_row(void *arg, const struct draft_rec *d)
{
	struct api_page *pg = arg;

	return api_page_add(pg, drafts_view_json(d, time(NULL)));
}

int api_drafts_list(struct api_req *r)
{
	struct draft_filter f = {0};
	const char *acc = api_query(r, "account");
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	f.state = api_query(r, "state");
	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &f.account_id);
	if (!rc && f.state && strcmp(f.state, "draft") && strcmp(f.state, "publishing") &&
	    strcmp(f.state, "published") && strcmp(f.state, "cancelled"))
		rc = api_fail_field(
		        r,
		        err_set(r->err, KV_EINVAL,
		                "state: one of draft, publishing, published, cancelled"),
		        "state");
	if (!rc)
		rc = drafts_list(&r->op, &f, d_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}

static int reply_draft(struct api_req *r, int64_t id, int status)
{
	struct draft_loaded *l = NULL;
	int rc = drafts_get(&r->op, id, &l, r->err);
	json_t *j;

	if (rc)
		return rc;
	j = drafts_view_json(&l->d, r->op.now);
	draft_row_loaded_free(l);
	return api_reply(r, status, j);
}

int api_drafts_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_draft(r, id, 200);
}

int api_drafts_add(struct api_req *r)
{
	static const char *const fields[] = {"account",   "text",       "shows_people",
	                                     "sensitive", "publish_at", NULL};
	struct drafts_input in = {0};
	const char *acc = NULL, *at = NULL;
	int64_t id = 0;
	int rc = api_body_only(r, fields);

	if (!rc)
		rc = api_body_str(r, "account", 1, &acc);
	if (!rc)
		rc = api_account_ref(r, acc, "account", &in.account_id);
	if (!rc)
		rc = api_body_str(r, "text", 1, &in.text);
	if (!rc)
		rc = api_body_bool(r, "shows_people", &in.shows_people);
	if (!rc)
		rc = api_body_bool(r, "sensitive", &in.sensitive);
	if (!rc)
		rc = api_body_str(r, "publish_at", 0, &at);
	if (!rc && at && calendar_parse_instant(&in.publish_at, at, r->err) != KV_OK)
		rc = api_fail_field(r, KV_EINVAL, "publish_at");
	if (rc)
		return rc;
	rc = drafts_add(&r->op, &in, &id, r->err);
	if (rc == KV_EINVAL)
		return api_fail_field(r, rc,
		                      strncmp(r->err->msg, "--at", 4) == 0 ? "publish_at" : "text");
	return rc ? rc : reply_draft(r, id, 201);
}

int api_drafts_check(struct api_req *r)
{
	static const char *const fields[] = {"answers", NULL};
	struct drafts_answer ans[32];
	struct drafts_check_opts o = {r->api->cfg, NULL};
	struct capture_screener *sc = NULL;
	struct err se = {0};
	json_t *answers, *v, *out = NULL;
	const char *key;
	size_t n = 0;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	answers = r->body ? json_object_get(r->body, "answers") : NULL;
	if (!rc && answers && !json_is_object(answers))
		rc = api_fail_field(
		        r,
		        err_set(r->err, KV_EINVAL,
		                "answers: an object of question keys to \"yes\" or \"no\""),
		        "answers");
	json_object_foreach(answers, key, v)
	{
		const char *a = json_string_value(v);

		if (rc)
			break;
		if (n == sizeof(ans) / sizeof(ans[0]))
			rc = err_set(r->err, KV_EINVAL, "answers: too many");
		else if (!a || (strcmp(a, "yes") && strcmp(a, "no")))
			rc = err_set(r->err, KV_EINVAL, "answers.%s: \"yes\" or \"no\"", key);
		else
			ans[n++] = (struct drafts_answer){key, strcmp(a, "yes") == 0};
		if (rc)
			api_fail_field(r, rc, "answers");
	}
	if (rc)
		return rc;
	/* The screening rules are compiled for the check; without them the
	 * check says the text was not screened. */
	if (r->api->rules_dir && capture_screener_new(&sc, r->api->rules_dir, &se) == KV_OK)
		o.screener = sc;
	rc = drafts_check(&r->op, id, &o, ans, n, &out, r->err);
	capture_screener_free(sc);
	if (rc == KV_EINVAL)
		return api_fail_field(r, rc, "answers");
	return rc ? rc : api_reply(r, 200, out);
}

int api_drafts_review(struct api_req *r)
{
	static const char *const fields[] = {"approve", "reason", NULL};
	const char *reason = NULL;
	int64_t id = 0;
	int approve = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc && !json_object_get(r->body, "approve"))
		rc = api_fail_field(r, err_set(r->err, KV_EINVAL, "approve: required"), "approve");
	if (!rc)
		rc = api_body_bool(r, "approve", &approve);
	if (!rc)
		rc = api_body_str(r, "reason", 0, &reason);
	if (!rc)
		rc = drafts_review(&r->op, id, approve, reason, r->err);
	if (rc == KV_EINVAL && !r->field[0])
		api_fail_field(r, rc, "reason");
	return rc ? rc : reply_draft(r, id, 200);
}

int api_drafts_publish(struct api_req *r)
{
	static const char *const fields[] = {"by_hand", "platform_id", NULL};
	struct drafts_publish_opts o = {r->api->cfg, 0, NULL};
	struct drafts_published res;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_bool(r, "by_hand", &o.by_hand);
	if (!rc)
		rc = api_body_str(r, "platform_id", 0, &o.platform_id);
	if (!rc && o.platform_id && !o.by_hand)
		rc = api_fail_field(r, err_set(r->err, KV_EINVAL, "platform_id: only with by_hand"),
		                    "platform_id");
	if (!rc)
		rc = drafts_publish(&r->op, id, &o, &res, r->err);
	return rc ? rc : reply_draft(r, id, 200);
}
