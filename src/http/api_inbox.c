/* API: the question inbox: list (overdue first), one question, assign,
 * forward, close, answer (and the standard texts an answer starts from). */
#include "http/api.h"
#include "http/api_inbox.h"

#include "http/views.h"
#include "workflow/answers.h"
#include "workflow/inbox.h"
#include "workflow/standard_texts.h"

#include <stdlib.h>
#include <string.h>

struct qlist {
	struct api_page *pg;
	int64_t now;
	json_t *one;
};

static int q_row(void *arg, const struct question_row *q)
{
	struct qlist *l = arg;

	return api_page_add(l->pg, inbox_view_json(q, l->now));
}

int api_inbox_list(struct api_req *r)
{
	static const char *const states[] = {"open",     "answered", "forwarded", "no_answer",
	                                     "referred", "all",      NULL};
	struct question_filter f = {0};
	const char *acc = api_query(r, "account"), *state = api_query(r, "state");
	struct api_page pg;
	struct qlist l = {&pg, r->op.now, NULL};
	int overdue = 0, hit = 0, rc;

	/* The list is read far more often than the questions change: a reply
	 * made at the same data version, second and principal is sent again. */
	rc = api_cache_reply(r, &hit);
	if (hit)
		return rc;
	rc = api_page_init(r, &pg);

	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &f.account_id);
	if (!rc && state) {
		size_t i = 0;

		while (states[i] && strcmp(states[i], state) != 0)
			i++;
		if (!states[i])
			rc = api_fail_field(
			        r,
			        err_set(r->err, KV_EINVAL,
			                "state: '%.40s' is not open, answered, forwarded, "
			                "no_answer, referred or all",
			                state),
			        "state");
		else
			f.state = strcmp(states[i], "all") == 0 ? NULL : states[i];
	} else {
		f.state = "open";
	}
	if (!rc)
		rc = api_query_flag(r, "overdue", &overdue);
	if (overdue)
		f.overdue_at = r->op.now;
	f.now = r->op.now;
	f.limit = pg.offset + pg.limit + 1;
	if (!rc)
		rc = inbox_list(&r->op, &f, q_row, &l, r->err);
	if (rc > 0) /* the page is full */
		rc = KV_OK;
	return api_page_finish(r, &pg, rc);
}

static int q_one(void *arg, const struct question_row *q)
{
	struct qlist *l = arg;

	l->one = inbox_view_json(q, l->now);
	return 1;
}

static int reply_question(struct api_req *r, int64_t id)
{
	struct question_filter f = {.id = id, .now = r->op.now};
	struct qlist l = {NULL, r->op.now, NULL};
	int rc = inbox_list(&r->op, &f, q_one, &l, r->err);

	if (rc > 0)
		rc = KV_OK;
	if (!rc && !l.one)
		rc = err_set(r->err, KV_ENOTFOUND, "question %lld does not exist", (long long)id);
	return rc ? rc : api_reply(r, 200, l.one);
}

int api_inbox_show(struct api_req *r)
{
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	return rc ? rc : reply_question(r, id);
}

int api_inbox_assign(struct api_req *r)
{
	static const char *const fields[] = {"to", NULL};
	const char *to = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "to", 1, &to);
	if (!rc)
		rc = inbox_assign(&r->op, id, to, r->err);
	if (rc == KV_ENOTFOUND && !r->field[0] && strstr(r->err->msg, "person"))
		api_fail_field(r, rc, "to");
	return rc ? rc : reply_question(r, id);
}

int api_inbox_forward(struct api_req *r)
{
	static const char *const fields[] = {"to", "note", NULL};
	const char *to = NULL, *note = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "to", 1, &to);
	if (!rc)
		rc = api_body_str(r, "note", 1, &note);
	if (!rc)
		rc = inbox_forward(&r->op, id, to, note, r->err);
	return rc ? rc : reply_question(r, id);
}

int api_inbox_close(struct api_req *r)
{
	static const char *const fields[] = {"as", "reason", NULL};
	const char *as = NULL, *reason = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "as", 1, &as);
	if (!rc)
		rc = api_body_str(r, "reason", 0, &reason);
	if (!rc)
		rc = inbox_close(&r->op, id, as, reason, r->err);
	return rc ? rc : reply_question(r, id);
}

struct copies {
	json_t *list;
};

static int on_copy(void *arg, const struct answers_copy *c)
{
	struct copies *x = arg;

	json_array_append_new(x->list, json_pack("{s:I,s:o,s:s?,s:s,s:f}", "question",
	                                         (json_int_t)c->question, "answered_at",
	                                         views_time(c->answered_at), "answered_by", c->by,
	                                         "text", c->text, "similarity", c->similarity));
	return 0;
}

int api_inbox_answer_check(struct api_req *r)
{
	static const char *const fields[] = {"text", NULL};
	struct copies x = {json_array()};
	const char *text = NULL;
	int64_t id = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "text", 1, &text);
	if (!rc)
		rc = answers_check(&r->op, id, text, on_copy, &x, r->err);
	if (rc) {
		json_decref(x.list);
		return rc;
	}
	return api_reply(r, 200, json_pack("{s:o}", "copies", x.list));
}

int api_inbox_answer(struct api_req *r)
{
	static const char *const fields[] = {"text", "by_hand", NULL};
	const char *text = NULL;
	int64_t id = 0;
	int by_hand = 0;
	int rc = api_param_id(r, &id);

	if (!rc)
		rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "text", 1, &text);
	if (!rc)
		rc = api_body_bool(r, "by_hand", &by_hand);
	if (rc)
		return rc;
	{
		struct inbox_answer_opts o = {r->api->cfg, by_hand};

		rc = inbox_answer_via(&r->op, id, text, &o, NULL, r->err);
	}
	if (rc == KV_EINVAL)
		api_fail_field(r, 0, "text");
	return rc ? rc : reply_question(r, id);
}

static int st_row(void *arg, const struct standard_text_row *t)
{
	return api_page_add(arg, json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)t->id, "title",
	                                   t->title, "text", t->text, "account", t->account));
}

int api_inbox_standard_texts(struct api_req *r)
{
	const char *acc = api_query(r, "account");
	struct api_page pg;
	int64_t account = 0;
	int rc = api_page_init(r, &pg);

	/* Every text on one page: the list is short. */
	pg.limit = API_PAGE_MAX;
	if (!rc && acc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = standard_texts_list(&r->op, account, st_row, &pg, r->err);
	return api_page_finish(r, &pg, rc);
}
