/* Tests for workflow/ingest: sources captured in order and each result told
 * at once, a failed source not stopping the others, the workflow run once
 * afterwards (also when every source failed), its failure a warning that
 * leaves the capture stored, and a principal without capture rights
 * refused before anything is captured. */
#include "wf_fixture.h"

#include "base/time.h"
#include "model/op_ctx.h"
#include "workflow/ingest.h"

#include <stdio.h>
#include <stdlib.h>

/* What the edge side of a run saw. */
struct edge {
	struct wf *fx;
	const char **paths; /* INGEST_FILE sources, then steps */
	size_t n_paths, i;
	int steps, steps_run;
	int step_rc;
	struct import_opts o;
	int n_done;
	int done_rc[8];
	int64_t done_new[8];
	char done_msg[8][ERR_MSG_MAX];
};

/* A step that stores one screened question, as a webhook delivery would. */
static int put_question(void *ctx, const struct op_ctx *op, struct err *err)
{
	struct edge *e = ctx;
	char id[32];

	(void)op;
	e->steps_run++;
	if (e->step_rc)
		return err_set(err, e->step_rc, "step %d refused", e->steps_run);
	snprintf(id, sizeof(id), "q%d", e->steps_run);
	wf_item(e->fx, e->fx->fb, id, "p1", "p1", 0, ITEM_COMMENT, "2026-04-02T16:30", "question");
	return KV_OK;
}

static int next(void *ctx, struct ingest_source *src)
{
	struct edge *e = ctx;

	if (e->i < e->n_paths) {
		src->kind = INGEST_FILE;
		src->path = e->paths[e->i++];
		src->opts = &e->o;
		return 1;
	}
	if (e->steps > 0) {
		e->steps--;
		src->kind = INGEST_STEP;
		src->step = put_question;
		src->step_ctx = e;
		return 1;
	}
	return 0;
}

static void done(void *ctx, const struct ingest_source *src, const struct ingest_result *res)
{
	struct edge *e = ctx;

	(void)src;
	if (e->n_done < 8) {
		e->done_rc[e->n_done] = res->rc;
		e->done_new[e->n_done] = res->import.new_items;
		snprintf(e->done_msg[e->n_done], sizeof(e->done_msg[0]), "%s", res->err.msg);
	}
	e->n_done++;
}

static const char *write_tmp(const char *name, const char *data)
{
	static char paths[4][4096];
	static int n;
	char *p = paths[n++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", test_tmpdir(), name);
	test_write_file(p, data, strlen(data));
	return p;
}

static void run(struct wf *fx, const struct principal *who, struct edge *e,
                struct ingest_report *rep)
{
	struct ingest_ops ops = {.next = next, .done = done, .ctx = e};
	struct op_ctx op;

	op_ctx_init(&op, fx->s, fx->org, who, time_now());
	ingest_run(&op, &ops, rep);
}

static void files_in_order_then_one_workflow(void)
{
	struct wf fx = wf_setup();
	struct principal who;
	struct ingest_report rep;
	struct edge e = {.fx = &fx};
	const char *paths[3];

	paths[0] =
	        write_tmp("a.jsonl", "{\"id\":\"a1\",\"platform\":\"facebook\",\"kind\":\"post\","
	                             "\"created_at\":\"2026-04-01T09:00:00Z\",\"text\":\"Hej\"}\n");
	paths[1] = write_tmp("bad.jsonl", "{\"id\":\n");
	paths[2] = write_tmp("b.jsonl",
	                     "{\"id\":\"b1\",\"platform\":\"facebook\",\"kind\":\"post\","
	                     "\"created_at\":\"2026-04-01T10:00:00Z\",\"text\":\"Hej igen\"}\n"
	                     "{\"id\":\"b2\",\"platform\":\"facebook\",\"kind\":\"comment\","
	                     "\"parent_id\":\"b1\",\"root_id\":\"b1\","
	                     "\"created_at\":\"2026-04-01T10:05:00Z\",\"text\":\"Svar\"}\n");
	e.paths = paths;
	e.n_paths = 3;
	e.o.account_id = fx.fb;
	e.o.format = PARSE_JSONL;
	e.steps = 1;
	principal_init_shell(&who, "operator");
	run(&fx, &who, &e, &rep);

	CHECK_INT(rep.sources, 4);
	CHECK_INT(rep.failed, 1);
	CHECK_INT(e.n_done, 4);
	CHECK_INT(e.done_rc[0], KV_OK);
	CHECK_INT(e.done_new[0], 1);
	CHECK_INT(e.done_rc[1], KV_EINVAL);
	CHECK_CONTAINS(e.done_msg[1], "bad.jsonl");
	CHECK_INT(e.done_rc[2], KV_OK);
	CHECK_INT(e.done_new[2], 2);
	CHECK_INT(e.done_rc[3], KV_OK);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 4);
	/* The imports are written as the operation's principal. */
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'capture.import' AND "
	                        "actor = 'operator'"),
	          2);
	/* The workflow ran after the sources and saw the step's question. */
	CHECK_INT(rep.sync_rc, KV_OK);
	CHECK_INT(rep.sync.questions_opened, 1);
	CHECK_INT(rep.sync.parts_failed, 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM question"), 1);
	store_free(fx.s);
}

static void workflow_failure_is_a_warning(void)
{
	struct wf fx = wf_setup();
	struct principal who;
	struct ingest_report rep;
	struct edge e = {.fx = &fx, .steps = 1};
	struct err err = {0};

	/* A trigger refusing every question, in each engine's own form. */
	const char *refuse =
	        store_database()
	                ? "-- postgresql\nCREATE FUNCTION no_questions_fn() RETURNS trigger"
	                  " LANGUAGE plpgsql AS $kv$ BEGIN RAISE EXCEPTION 'questions refused'"
	                  " USING ERRCODE = '23000'; END $kv$;"
	                  " CREATE TRIGGER no_questions BEFORE INSERT ON question"
	                  " FOR EACH ROW EXECUTE FUNCTION no_questions_fn()"
	                : "CREATE TRIGGER no_questions BEFORE INSERT ON question BEGIN "
	                  "SELECT RAISE(ABORT, 'questions refused'); END";
	const char *allow = store_database()
	                            ? "-- postgresql\nDROP TRIGGER no_questions ON question"
	                            : "DROP TRIGGER no_questions";

	CHECK_INT(store_exec(fx.s, refuse, &err), KV_OK);
	principal_init_system(&who, "worker");
	run(&fx, &who, &e, &rep);
	CHECK_INT(rep.sources, 1);
	CHECK_INT(rep.failed, 0);
	CHECK_INT(e.done_rc[0], KV_OK);
	CHECK(rep.sync_rc != KV_OK);
	CHECK_INT(rep.sync.parts_failed, 1);
	CHECK_CONTAINS(rep.sync_err.msg, "workflow inbox");
	/* What was captured stays. */
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 1);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM question"), 0);

	/* The next run (every source failing) still lets the workflow see it. */
	CHECK_INT(store_exec(fx.s, allow, &err), KV_OK);
	e.steps = 1;
	e.step_rc = KV_EIO;
	e.n_done = 0;
	run(&fx, &who, &e, &rep);
	CHECK_INT(rep.failed, 1);
	CHECK_INT(e.done_rc[0], KV_EIO);
	CHECK_CONTAINS(e.done_msg[0], "refused");
	CHECK_INT(rep.sync_rc, KV_OK);
	CHECK_INT(rep.sync.questions_opened, 1);
	store_free(fx.s);
}

static void capture_needs_the_permission(void)
{
	struct wf fx = wf_setup();
	struct principal who;
	struct ingest_report rep;
	struct edge e = {.fx = &fx, .steps = 1};
	const char *paths[1];
	struct err err = {0};

	paths[0] =
	        write_tmp("a.jsonl", "{\"id\":\"a1\",\"platform\":\"facebook\",\"kind\":\"post\","
	                             "\"created_at\":\"2026-04-01T09:00:00Z\",\"text\":\"Hej\"}\n");
	e.paths = paths;
	e.n_paths = 1;
	e.o.account_id = fx.fb;
	e.o.format = PARSE_JSONL;
	/* A reader may read items but not capture them. */
	principal_init_user(&who, 7, 0, "reader", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&who, ROLE_CUSTOM, PERM_ITEM_READ, NULL, 0, &err), KV_OK);
	run(&fx, &who, &e, &rep);
	CHECK_INT(rep.sources, 2);
	CHECK_INT(rep.failed, 2);
	CHECK_INT(e.done_rc[0], KV_EDENIED);
	CHECK_INT(e.done_rc[1], KV_EDENIED);
	CHECK_CONTAINS(e.done_msg[0], "reader may not");
	CHECK_INT(e.steps_run, 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 0);

	/* Capture rights on the account let the file in; the step, which has no
	 * account, needs them on the whole organisation. */
	principal_init_user(&who, 7, 0, "editor", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&who, ROLE_CUSTOM, PERM_CAPTURE, &fx.fb, 1, &err), KV_OK);
	e.i = 0;
	e.steps = 1;
	e.n_done = 0;
	run(&fx, &who, &e, &rep);
	CHECK_INT(e.done_rc[0], KV_OK);
	CHECK_INT(e.done_rc[1], KV_EDENIED);
	CHECK_INT(e.steps_run, 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 1);
	store_free(fx.s);
}

TEST_MAIN(T(files_in_order_then_one_workflow), T(workflow_failure_is_a_warning),
          T(capture_needs_the_permission))
