/* Tests for workflow/inbox: questions opened from screened items with due
 * times from the policy, closed by the account's own replies with the
 * response time, idempotent syncs, hand-made changes and their refusals,
 * and the overdue-first order. */
#include "wf_fixture.h"

#include "store/questions.h"
#include "workflow/inbox.h"
#include "workflow/policy.h"
#include "workflow/sync.h"

#include <stdlib.h>

static struct workflow_sync_report sync_now(struct wf *fx)
{
	struct workflow_sync_report r = {0};
	struct err e = {0};

	if (inbox_sync(test_op(fx->s, fx->org, "sync"), &r, &e))
		test_fail(__FILE__, __LINE__, "inbox_sync: %s", e.msg);
	return r;
}

struct got {
	int n;
	struct {
		int64_t id, item, due, answered_at, response, answer_item;
		int has_response, referral;
		char state[16], forwarded[64], assigned[64];
	} q[16];
};

static int grab(void *arg, const struct question_row *r)
{
	struct got *g = arg;

	if (g->n < 16) {
		g->q[g->n].id = r->id;
		g->q[g->n].item = r->item_id;
		g->q[g->n].due = r->due_at;
		g->q[g->n].answered_at = r->answered_at;
		g->q[g->n].response = r->response_seconds;
		g->q[g->n].has_response = r->has_response;
		g->q[g->n].answer_item = r->answer_item_id;
		g->q[g->n].referral = inbox_needs_referral(r);
		snprintf(g->q[g->n].state, sizeof(g->q[0].state), "%s", r->state);
		snprintf(g->q[g->n].forwarded, sizeof(g->q[0].forwarded), "%s",
		         r->forwarded_to ? r->forwarded_to : "");
		snprintf(g->q[g->n].assigned, sizeof(g->q[0].assigned), "%s",
		         r->assigned_to ? r->assigned_to : "");
	}
	g->n++;
	return 0;
}

static struct got list(struct wf *fx, const char *state, int64_t now)
{
	struct question_filter f = {.org = fx->org, .state = state, .now = now};
	struct got g;
	struct err e = {0};

	memset(&g, 0, sizeof(g));
	if (inbox_list(test_op(fx->s, fx->org, "t"), &f, grab, &g, &e))
		test_fail(__FILE__, __LINE__, "inbox_list: %s", e.msg);
	return g;
}

static void easter_question_and_reply(void)
{
	struct wf fx = wf_setup();
	struct workflow_sync_report r;
	struct got g;
	int64_t q, reply;

	wf_item(&fx, fx.fb, "p1", NULL, NULL, 1, ITEM_POST, "2026-04-01T09:00", NULL);
	q = wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T16:30", "question");
	wf_item(&fx, fx.fb, "c2", "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T17:00", "");
	r = sync_now(&fx);
	CHECK_INT(r.questions_opened, 1);
	CHECK_INT(r.questions_answered, 0);
	g = list(&fx, "open", wf_at("2026-04-02T17:00"));
	CHECK_INT(g.n, 1);
	CHECK_INT(g.q[0].item, q);
	CHECK_INT(g.q[0].due, wf_at("2026-04-07T16:30"));
	CHECK_INT(g.q[0].has_response, 0);

	reply = wf_item(&fx, fx.fb, "r1", "c1", "p1", 1, ITEM_REPLY, "2026-04-07T10:00", NULL);
	r = sync_now(&fx);
	CHECK_INT(r.questions_opened, 0);
	CHECK_INT(r.questions_answered, 1);
	g = list(&fx, NULL, wf_at("2026-04-07T10:00"));
	CHECK_INT(g.n, 1);
	CHECK_STR(g.q[0].state, "answered");
	CHECK_INT(g.q[0].answer_item, reply);
	CHECK_INT(g.q[0].answered_at, wf_at("2026-04-07T10:00"));
	CHECK(g.q[0].has_response);
	/* 16:30–17:00 Thursday and 08:00–10:00 Tuesday. */
	CHECK_INT(g.q[0].response, 2 * 3600 + 1800);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'question.answered' "
	                        "AND actor = 'sync'"),
	          1);
	store_free(fx.s);
}

static void sync_is_idempotent(void)
{
	struct wf fx = wf_setup();
	struct workflow_sync_report r;
	struct err e = {0};
	int64_t audits;

	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T16:30", "question");
	wf_item(&fx, fx.fb, "c2", "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T16:40", "question");
	wf_item(&fx, fx.fb, "r1", "c1", "p1", 1, ITEM_REPLY, "2026-04-03T10:00", NULL);
	r = sync_now(&fx);
	CHECK_INT(r.questions_opened, 2);
	CHECK_INT(r.questions_answered, 1);
	audits = wf_count(&fx, "SELECT COUNT(*) FROM audit");
	r = sync_now(&fx);
	CHECK_INT(r.questions_opened + r.questions_answered, 0);
	/* Even from the start, nothing is done twice. */
	CHECK_INT(store_exec(fx.s, "DELETE FROM workflow_cursor", &e), KV_OK);
	r = sync_now(&fx);
	CHECK_INT(r.questions_opened + r.questions_answered, 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM question"), 2);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit"), audits);
	/* workflow_sync runs the inbox too. */
	{
		struct workflow_sync_report w;

		wf_item(&fx, fx.fb, "c3", "p1", "p1", 0, ITEM_COMMENT, "2026-04-08T09:00",
		        "question");
		CHECK_INT(workflow_sync(test_op(fx.s, fx.org, "sync"), &w, &e), KV_OK);
		CHECK_INT(w.questions_opened, 1);
		CHECK_INT(w.parts_failed, 0);
	}
	store_free(fx.s);
}

static void reply_seen_before_question(void)
{
	struct wf fx = wf_setup();
	struct workflow_sync_report r;
	struct got g;

	/* A source listing newest first stores the reply before the question. */
	wf_item(&fx, fx.fb, "r1", "c1", "p1", 1, ITEM_REPLY, "2026-04-07T09:00", NULL);
	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T16:30", "question");
	r = sync_now(&fx);
	CHECK_INT(r.questions_opened, 1);
	CHECK_INT(r.questions_answered, 1);
	g = list(&fx, "answered", 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.q[0].response, 1800 + 3600);
	store_free(fx.s);
}

static void thread_rules(void)
{
	struct wf fx = wf_setup();
	struct got g;
	int64_t a, b, c;

	a = wf_item(&fx, fx.fb, "qa", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:00", "question");
	b = wf_item(&fx, fx.fb, "qb", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T10:00", "question");
	wf_item(&fx, fx.fb, "other", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T10:30", "");
	/* A reply to a comment that is not a question answers nothing. */
	wf_item(&fx, fx.fb, "r0", "other", "p1", 1, ITEM_REPLY, "2026-04-13T11:00", NULL);
	/* A reply under the post answers the oldest question before it. */
	wf_item(&fx, fx.fb, "r1", "p1", "p1", 1, ITEM_COMMENT, "2026-04-13T12:00", NULL);
	c = wf_item(&fx, fx.fb, "qc", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T13:00", "question");
	/* A reply on another thread, and one on another account, answer nothing here. */
	wf_item(&fx, fx.fb, "r2", "p2", "p2", 1, ITEM_COMMENT, "2026-04-13T14:00", NULL);
	wf_item(&fx, fx.x, "r3", "qb", "p1", 1, ITEM_REPLY, "2026-04-13T14:00", NULL);
	sync_now(&fx);
	g = list(&fx, NULL, wf_at("2026-04-13T15:00"));
	CHECK_INT(g.n, 3);
	for (int i = 0; i < g.n; i++) {
		if (g.q[i].item == a)
			CHECK_STR(g.q[i].state, "answered");
		else if (g.q[i].item == b || g.q[i].item == c)
			CHECK_STR(g.q[i].state, "open");
		else
			CHECK(0);
	}
	store_free(fx.s);
}

/* The same thread rules when a source lists the newest first: a reply under
 * the post, captured before the questions, still answers the oldest one
 * before it and only that (a conversation of private messages is such a
 * thread, with the conversation as root). */
static void thread_rules_newest_first(void)
{
	struct wf fx = wf_setup();
	struct got g;
	int64_t a, b;

	wf_item(&fx, fx.fb, "r1", "t1", "t1", 1, ITEM_MESSAGE, "2026-04-13T12:00", NULL);
	b = wf_item(&fx, fx.fb, "qb", "t1", "t1", 0, ITEM_MESSAGE, "2026-04-13T10:00", "question");
	a = wf_item(&fx, fx.fb, "qa", "t1", "t1", 0, ITEM_MESSAGE, "2026-04-13T09:00", "question");
	sync_now(&fx);
	g = list(&fx, NULL, wf_at("2026-04-13T15:00"));
	CHECK_INT(g.n, 2);
	for (int i = 0; i < g.n; i++) {
		if (g.q[i].item == a) {
			CHECK_STR(g.q[i].state, "answered");
			CHECK_INT(g.q[i].response, 3 * 3600);
		} else if (g.q[i].item == b) {
			CHECK_STR(g.q[i].state, "open");
		} else {
			CHECK(0);
		}
	}
	store_free(fx.s);
}

static void political_question_needs_referral(void)
{
	struct wf fx = wf_setup();
	struct got g;

	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:00",
	        "question,political");
	wf_item(&fx, fx.fb, "c2", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:10", "question");
	sync_now(&fx);
	g = list(&fx, "open", 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.q[0].referral, 1);
	CHECK_INT(g.q[1].referral, 0);
	store_free(fx.s);
}

static void overdue_first(void)
{
	struct wf fx = wf_setup();
	struct got g;
	struct err e = {0};

	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:00", "question");
	wf_item(&fx, fx.fb, "c2", "p1", "p1", 0, ITEM_COMMENT, "2026-04-14T09:00", "question");
	wf_item(&fx, fx.fb, "c3", "p1", "p1", 0, ITEM_COMMENT, "2026-04-14T15:00", "question");
	sync_now(&fx);
	g = list(&fx, NULL, wf_at("2026-04-15T10:00"));
	CHECK_INT(g.n, 3);
	/* Answer the first by hand: it has the earliest due time but is no
	 * longer overdue, so it moves behind the open overdue one. */
	CHECK_INT(inbox_close(test_op(fx.s, fx.org, "anna"), g.q[0].id, "answered", NULL, &e),
	          KV_OK);
	g = list(&fx, NULL, wf_at("2026-04-15T10:00"));
	CHECK_STR(g.q[0].state, "open");
	CHECK_INT(g.q[0].due, wf_at("2026-04-15T09:00"));
	CHECK_STR(g.q[1].state, "answered");
	CHECK_INT(g.q[2].due, wf_at("2026-04-15T15:00"));
	{
		struct question_filter f = {.org = fx.org, .overdue_at = wf_at("2026-04-15T10:00")};

		memset(&g, 0, sizeof(g));
		CHECK_INT(inbox_list(test_op(fx.s, fx.org, "t"), &f, grab, &g, &e), KV_OK);
		CHECK_INT(g.n, 1);
	}
	store_free(fx.s);
}

static void hand_made_changes(void)
{
	struct wf fx = wf_setup();
	struct person_input pi = {.name = "Bo Berg", .email = "bo@sjovik.se"};
	struct op_ctx op = {0};
	struct got g;
	struct err e = {0};
	int64_t id, audits;

	op.store = fx.s;
	op.org = fx.org;
	op.who = test_shell("t");
	CHECK_INT(registry_person_add(&op, &pi, NULL, &e), KV_OK);
	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:00", "question");
	sync_now(&fx);
	g = list(&fx, "open", 0);
	id = g.q[0].id;
	audits = wf_count(&fx, "SELECT COUNT(*) FROM audit");

	CHECK_INT(inbox_assign(test_op(fx.s, fx.org, "anna"), id, "nobody@sjovik.se", &e),
	          KV_ENOTFOUND);
	CHECK_INT(inbox_assign(test_op(fx.s, fx.org, "anna"), id + 100, "bo@sjovik.se", &e),
	          KV_ENOTFOUND);
	CHECK_INT(inbox_forward(test_op(fx.s, fx.org, "anna"), id, "Enhet", "", &e), KV_EINVAL);
	CHECK_INT(inbox_forward(test_op(fx.s, fx.org, "anna"), id, "Okänd", "note", &e),
	          KV_ENOTFOUND);
	CHECK_INT(inbox_forward(test_op(fx.s, fx.org, "anna"), id, "bo@", "note", &e), KV_EINVAL);
	CHECK_INT(inbox_close(test_op(fx.s, fx.org, "anna"), id, "referred", NULL, &e), KV_EINVAL);
	CHECK_INT(inbox_close(test_op(fx.s, fx.org, "anna"), id, "done", "x", &e), KV_EINVAL);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit"), audits);

	CHECK_INT(inbox_assign(test_op(fx.s, fx.org, "anna"), id, "bo@sjovik.se", &e), KV_OK);
	CHECK_INT(inbox_forward(test_op(fx.s, fx.org, "anna"), id, "Enhet", "Fråga enheten", &e),
	          KV_OK);
	g = list(&fx, "forwarded", 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.q[0].forwarded, "Enhet");
	CHECK_STR(g.q[0].assigned, "bo@sjovik.se");
	/* A forwarded question is still answered by the account's reply. */
	wf_item(&fx, fx.fb, "r1", "c1", "p1", 1, ITEM_REPLY, "2026-04-13T10:00", NULL);
	sync_now(&fx);
	g = list(&fx, "answered", 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.q[0].response, 3600);
	CHECK_INT(inbox_close(test_op(fx.s, fx.org, "anna"), id, "no_answer", "x", &e),
	          KV_ECONFLICT);
	CHECK_INT(inbox_assign(test_op(fx.s, fx.org, "anna"), id, "bo@sjovik.se", &e),
	          KV_ECONFLICT);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE actor = 'anna'"), 2);
	store_free(fx.s);
}

static void due_follows_account_policy(void)
{
	struct wf fx = wf_setup();
	struct got g;
	struct err e = {0};

	CHECK_INT(policy_set(test_op(fx.s, fx.org, "anna"), fx.fb, "answer_deadline", "48weekday-h",
	                     &e),
	          KV_OK);
	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T16:30", "question");
	wf_item(&fx, fx.x, "x1", "t1", "t1", 0, ITEM_REPLY, "2026-04-02T16:30", "question");
	sync_now(&fx);
	g = list(&fx, "open", 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.q[0].due, wf_at("2026-04-07T16:30")); /* x: the default */
	CHECK_INT(g.q[1].due, wf_at("2026-04-08T16:30")); /* facebook: Tibro's rule */
	store_free(fx.s);
}

TEST_MAIN(T(easter_question_and_reply), T(sync_is_idempotent), T(reply_seen_before_question),
          T(thread_rules_newest_first), T(thread_rules), T(political_question_needs_referral),
          T(overdue_first), T(hand_made_changes), T(due_follows_account_policy))
