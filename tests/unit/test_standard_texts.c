/* Tests for answering: the standard texts (who may read and change them,
 * which an account sees, bad input refused) and inbox_answer (closed as
 * answered by the one answering, the response time in working hours, the
 * text kept for the copy check, refusals that change nothing). */
#include "wf_fixture.h"

#include "model/principal.h"
#include "store/questions.h"
#include "workflow/answers.h"
#include "workflow/inbox.h"
#include "workflow/standard_texts.h"
#include "workflow/sync.h"

#include <stdlib.h>

/* An editor (inbox.work, no policy.write) on account only. */
static struct op_ctx editor_on(struct wf *fx, struct principal *p, int64_t account)
{
	struct op_ctx op = {0};
	struct err e = {0};

	principal_init_user(p, 7, 0, "eva", AUTH_PASSWORD);
	if (principal_grant_add(p, ROLE_EDITOR, 0, &account, 1, &e))
		test_fail(__FILE__, __LINE__, "grant: %s", e.msg);
	op.store = fx->s;
	op.org = fx->org;
	op.who = p;
	op.now = wf_at("2026-04-15T10:00");
	return op;
}

struct titles {
	int n;
	char t[8][64];
};

static int take(void *arg, const struct standard_text_row *r)
{
	struct titles *x = arg;

	if (x->n < 8)
		snprintf(x->t[x->n], sizeof(x->t[0]), "%s", r->title);
	x->n++;
	return 0;
}

static void texts_per_account(void)
{
	struct wf fx = wf_setup();
	struct principal eva;
	struct op_ctx op = editor_on(&fx, &eva, fx.fb);
	struct titles got = {0};
	struct err e = {0};
	int64_t a = 0, b = 0, c = 0, audits;
	char big[STANDARD_TEXTS_TEXT_MAX + 2];

	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), 0, "Öppettider",
	                             "Vi har öppet 8–17.", &a, &e),
	          KV_OK);
	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), fx.fb, "Avfall", "Kärlen töms.",
	                             &b, &e),
	          KV_OK);
	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), fx.x, "Bara X", "Följ oss.", &c,
	                             &e),
	          KV_OK);
	CHECK(a > 0 && b > a && c > b);
	audits = wf_count(&fx, "SELECT COUNT(*) FROM audit");
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'standard_text.add'"),
	          3);

	/* Bad input and a user without policy.write change nothing. */
	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), 0, "", "x", NULL, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "title");
	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), 0, "T", " \n", NULL, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "text");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), 0, "T", big, NULL, &e),
	          KV_EINVAL);
	CHECK_INT(standard_texts_add(test_op(fx.s, fx.org, "ali"), 0, "T", "\xff\xfe", NULL, &e),
	          KV_EINVAL);
	CHECK_INT(standard_texts_add(&op, fx.fb, "Egen", "Text", NULL, &e), KV_EDENIED);
	CHECK_INT(standard_texts_remove(&op, a, &e), KV_EDENIED);
	CHECK_INT(standard_texts_remove(test_op(fx.s, fx.org, "ali"), c + 10, &e), KV_ENOTFOUND);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit"), audits);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM standard_text"), 3);

	/* The editor of the Facebook account sees the shared text and its own,
	 * in title order, not X's; and may not ask for X's. */
	CHECK_INT(standard_texts_list(&op, fx.fb, take, &got, &e), KV_OK);
	CHECK_INT(got.n, 2);
	CHECK_STR(got.t[0], "Avfall");
	CHECK_STR(got.t[1], "Öppettider");
	memset(&got, 0, sizeof(got));
	CHECK_INT(standard_texts_list(&op, 0, take, &got, &e), KV_OK);
	CHECK_INT(got.n, 2);
	CHECK_INT(standard_texts_list(&op, fx.x, take, &got, &e), KV_EDENIED);
	memset(&got, 0, sizeof(got));
	CHECK_INT(standard_texts_list(test_op(fx.s, fx.org, "ali"), 0, take, &got, &e), KV_OK);
	CHECK_INT(got.n, 3);

	CHECK_INT(standard_texts_remove(test_op(fx.s, fx.org, "ali"), b, &e), KV_OK);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'standard_text.remove'"),
	          1);
	CHECK_INT(standard_texts_remove(test_op(fx.s, fx.org, "ali"), b, &e), KV_ENOTFOUND);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM standard_text"), 2);
	store_free(fx.s);
}

struct qgot {
	char state[16], closed_by[32];
	int64_t answered_at, response;
	int has_response;
};

static int qtake(void *arg, const struct question_row *r)
{
	struct qgot *g = arg;

	snprintf(g->state, sizeof(g->state), "%s", r->state);
	snprintf(g->closed_by, sizeof(g->closed_by), "%s", r->closed_by ? r->closed_by : "");
	g->answered_at = r->answered_at;
	g->response = r->response_seconds;
	g->has_response = r->has_response;
	return 0;
}

static int count_copy(void *arg, const struct answers_copy *c)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static void answer_closes_the_question(void)
{
	struct wf fx = wf_setup();
	struct workflow_sync_report r = {0};
	struct question_filter f = {0};
	struct principal eva, other;
	struct op_ctx op = editor_on(&fx, &eva, fx.fb);
	struct op_ctx op_x = editor_on(&fx, &other, fx.x);
	struct inbox_answer_result res = {0};
	struct qgot g = {0};
	struct err e = {0};
	int64_t id, audits;
	int copies = 0;
	char big[INBOX_ANSWER_MAX + 2];

	/* Monday 13 April 09:00; answered Wednesday 15 April 10:00. */
	wf_item(&fx, fx.fb, "c1", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:00", "question");
	wf_item(&fx, fx.fb, "c2", "p1", "p1", 0, ITEM_COMMENT, "2026-04-13T09:30", "question");
	CHECK_INT(inbox_sync(test_op(fx.s, fx.org, "sync"), &r, &e), KV_OK);
	id = wf_count(&fx, "SELECT MIN(id) FROM question");
	audits = wf_count(&fx, "SELECT COUNT(*) FROM audit");

	CHECK_INT(inbox_answer(&op, id, "", 0, &res, &e), KV_EINVAL);
	CHECK_INT(inbox_answer(&op, id, " \n\t", 0, &res, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "empty");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_INT(inbox_answer(&op, id, big, 0, &res, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "longer");
	CHECK_INT(inbox_answer(&op, id, "ok \xc3", 0, &res, &e), KV_EINVAL);
	CHECK_INT(inbox_answer(&op, id + 100, "Hej!", 0, &res, &e), KV_ENOTFOUND);
	CHECK_INT(inbox_answer(&op_x, id, "Hej!", 0, &res, &e), KV_EDENIED);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit"), audits);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM question WHERE state = 'open'"), 2);

	CHECK_INT(inbox_answer(&op, id, "Hej! Kärlen töms på tisdag.", 0, &res, &e), KV_OK);
	CHECK_INT(res.by_hand, 1);
	/* Monday 09:00–17:00, Tuesday 08:00–17:00, Wednesday 08:00–10:00. */
	CHECK_INT(res.response_seconds, (8 + 9 + 2) * 3600);
	f.org = fx.org;
	f.id = id;
	CHECK_INT(questions_each(fx.s, &f, qtake, &g, &e), KV_OK);
	CHECK_STR(g.state, "answered");
	CHECK_STR(g.closed_by, "eva");
	CHECK_INT(g.answered_at, wf_at("2026-04-15T10:00"));
	CHECK(g.has_response);
	CHECK_INT(g.response, res.response_seconds);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'question.answer'"
	                        " AND actor = 'eva'"),
	          1);
	/* Answered once: a second answer is refused. */
	CHECK_INT(inbox_answer(&op, id, "Igen", 1, &res, &e), KV_ECONFLICT);

	/* The text is kept: the same words to the next question are a copy. */
	CHECK_INT(
	        answers_check(&op, id + 1, "Hej! Kärlen töms på tisdag.", count_copy, &copies, &e),
	        KV_OK);
	CHECK_INT(copies, 1);
	store_free(fx.s);
}

TEST_MAIN(T(texts_per_account), T(answer_closes_the_question))
