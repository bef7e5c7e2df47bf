/* records/retention, records/holds, records/cull: the plan format, rule
 * lookup, hold coverage, and culls over a real store (search index
 * consistency, shared blobs, classes, permissions). */
#include "testlib.h"
#include "wf_fixture.h"

#include "records/cull.h"
#include "records/holds.h"
#include "records/retention.h"
#include "store/blob.h"
#include "store/profile_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char plan_text[] = "# comment\n"
                                "plan: Testplan\n"
                                "[organisation]\n"
                                "inkomna | gallras efter 6 månader | ja | TI 4.3\n"
                                "skrap | gallras omedelbart | nej | AL\n"
                                "upprattade | bevaras | nej | NY\n"
                                "webhooks | gallras efter 1 år | nej | TI\n"
                                "\n"
                                "[konto sjovik]\n"
                                "inkomna | gallras när kanalen läggs ned | nej | TI 4.3\n";

static int fake_resolve(void *ctx, const char *ref, int64_t *out, struct err *err)
{
	(void)ctx;
	if (strcmp(ref, "sjovik") == 0) {
		*out = 7;
		return KV_OK;
	}
	return err_set(err, KV_ENOTFOUND, "no account with id or handle '%s'", ref);
}

static void plan_parses(void)
{
	struct retention_plan p = {0};
	struct err e = {0};
	const struct retention_rule *r;
	char text[80];

	CHECK_INT(retention_plan_parse(&p, plan_text, strlen(plan_text), "p.txt", fake_resolve,
	                               NULL, &e),
	          KV_OK);
	CHECK_STR(p.name, "Testplan");
	CHECK_INT(p.n_accounts, 1);
	CHECK_INT(p.accounts[0].account_id, 7);
	r = retention_plan_rule(&p, 0, RC_INKOMNA);
	CHECK_INT(r->action, RETAIN_AFTER);
	CHECK_INT(r->months, 6);
	CHECK_INT(r->archive_first, 1);
	CHECK_INT(r->line, 4);
	CHECK_STR(r->source, "TI 4.3");
	/* The account's override, and the organisation's rule for the rest. */
	r = retention_plan_rule(&p, 7, RC_INKOMNA);
	CHECK_INT(r->action, RETAIN_CLOSED);
	CHECK_INT(r->line, 10);
	CHECK_INT(retention_plan_rule(&p, 7, RC_SKRAP)->line, 5);
	CHECK_INT(retention_plan_rule(&p, 0, RC_WEBHOOKS)->months, 12);
	/* A class not in the plan is kept. */
	r = retention_plan_rule(&p, 7, RC_MEDDELANDEN);
	CHECK_INT(r->set, 0);
	retention_rule_text(r, text, sizeof(text));
	CHECK_STR(text, "bevaras");
	retention_rule_text(retention_plan_rule(&p, 0, RC_WEBHOOKS), text, sizeof(text));
	CHECK_STR(text, "gallras efter 1 år");
	retention_rule_text(retention_plan_rule(&p, 0, RC_SKRAP), text, sizeof(text));
	CHECK_STR(text, "gallras omedelbart");
	CHECK_INT(strlen(p.sha256), 64);
	retention_plan_done(&p);
}

static void expect_bad(const char *text, const char *msg)
{
	struct retention_plan p = {0};
	struct err e = {0};

	if (retention_plan_parse(&p, text, strlen(text), "p.txt", fake_resolve, NULL, &e) !=
	    KV_EINVAL)
		test_fail(__FILE__, __LINE__, "accepted: %s", text);
	if (!strstr(e.msg, msg))
		test_fail(__FILE__, __LINE__, "'%s' does not say '%s'", e.msg, msg);
	CHECK_INT(p.n_accounts, 0);
}

static void plan_errors_name_the_line(void)
{
	expect_bad("[organisation]\nfoo | bevaras | nej | x\n", "p.txt:2: unknown class 'foo'");
	expect_bad("[organisation]\n\ninkomna | gallras efter | nej | x\n",
	           "p.txt:3: 'gallras efter' needs a period");
	expect_bad("[organisation]\ninkomna | gallras efter 6 veckor | nej | x\n",
	           "p.txt:2: 'veckor' is not a unit");
	expect_bad("[organisation]\ninkomna | gallras efter sex månader | nej | x\n",
	           "'sex' is not a period length");
	expect_bad("[organisation]\ninkomna | gallras | nej | x\n", "p.txt:2: unknown rule");
	expect_bad("[organisation]\ninkomna | bevaras | kanske | x\n", "'ja' or 'nej'");
	expect_bad("[organisation]\ninkomna | bevaras | nej |  \n", "needs its source");
	expect_bad("[organisation]\ninkomna | bevaras | nej\n", "four fields");
	expect_bad("inkomna | bevaras | nej | x\n", "p.txt:1: a rule before any section");
	expect_bad("[organisation]\ninkomna | bevaras | nej | x\ninkomna | bevaras | nej | y\n",
	           "p.txt:3: class 'inkomna' has a rule in this section already (line 2)");
	expect_bad("[konto okänd]\ninkomna | bevaras | nej | x\n", "p.txt:1: [konto okänd]");
	expect_bad("[konto sjovik]\nwebhooks | bevaras | nej | x\n", "not kept per account");
	expect_bad("[organisation]\nloggar | gallras när kanalen läggs ned | nej | x\n",
	           "belongs to no account");
	expect_bad("[organisation]\nwebhooks | bevaras | ja | x\n", "cannot be checked");
	expect_bad("[organisation]\n", "the plan has no rules");
	expect_bad("[organisation]\ninkomna | bevaras | nej | \xff\n", "not UTF-8");
	expect_bad("[organisation]\n[organisation]\n", "appears twice");
}

static void class_names_round_trip(void)
{
	struct err e = {0};
	enum records_class c;

	for (int i = 0; i < RC_COUNT; i++) {
		CHECK_INT(retention_class_from_name(retention_class_name((enum records_class)i), &c,
		                                    &e),
		          KV_OK);
		CHECK_INT(c, i);
	}
	CHECK_INT(retention_class_from_name("spam", &c, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "known: upprattade, inkomna");
}

static void holds_cover_what_they_name(void)
{
	struct holds_active h[] = {
	        {.id = 1, .kind = HOLD_ACCOUNT, .account_id = 2},
	        {.id = 2, .kind = HOLD_ITEM, .account_id = 1, .item_id = 40},
	        {.id = 3, .kind = HOLD_THREAD, .account_id = 1, .root = "t1"},
	        {.id = 4, .kind = HOLD_CASE, .account_id = 1, .item_id = 50, .root = "t2"},
	};
	struct holds_set hs = {h, 4};

	CHECK_INT(holds_covering(&hs, 2, 99, "x"), 1);
	CHECK_INT(holds_covering(&hs, 1, 40, "x"), 2);
	CHECK_INT(holds_covering(&hs, 1, 41, "t1"), 3);
	CHECK_INT(holds_covering(&hs, 3, 41, "t1"), 0); /* same root, other account */
	CHECK_INT(holds_covering(&hs, 1, 50, "zz"), 4);
	CHECK_INT(holds_covering(&hs, 1, 51, "t2"), 4); /* the case's thread */
	CHECK_INT(holds_covering(&hs, 1, 60, "t9"), 0);
}

/* ---- culls over a store ---- */

struct rec {
	struct wf fx;
	struct principal who;
	struct op_ctx op;
};

static struct rec *rec_setup(const char *plan)
{
	static struct rec r;
	struct err e = {0};
	int64_t v = 0;

	r.fx = wf_setup();
	principal_init_shell(&r.who, "arkivarie");
	op_ctx_init(&r.op, r.fx.s, r.fx.org, &r.who, wf_at("2026-12-01T10:00:00"));
	if (retention_load(&r.op, "plan", plan, strlen(plan), &v, &e))
		test_fail(__FILE__, __LINE__, "load: %s", e.msg);
	return &r;
}

static void run_cull(struct rec *r, int dry, struct cull_report *rep)
{
	struct cull_opts o = {.dry_run = dry, .batch = 3};
	struct err e = {0};

	if (cull_run(&r->op, &o, rep, &e))
		test_fail(__FILE__, __LINE__, "cull: %s", e.msg);
}

static int64_t search_count(struct wf *fx, const char *query)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM item_fts WHERE item_fts MATCH '%s'",
	         query);
	return wf_count(fx, sql);
}

static void cull_keeps_the_index_consistent(void)
{
	struct rec *r = rec_setup("[organisation]\ninkomna | gallras efter 1 månad | nej | x\n");
	struct cull_report rep = {0};
	struct err e = {0};

	for (int i = 0; i < 10; i++) {
		char id[32];

		snprintf(id, sizeof(id), "c%d", i);
		wf_item(&r->fx, r->fx.fb, id, "p", "p", 0, ITEM_COMMENT,
		        i < 7 ? "2026-05-01T10:00:00" : "2026-11-20T10:00:00", "");
	}
	wf_item(&r->fx, r->fx.fb, "p", NULL, NULL, 1, ITEM_POST, "2026-05-01T09:00:00", NULL);
	CHECK_INT(search_count(&r->fx, "text"), 11);
	run_cull(r, 1, &rep);
	CHECK_INT(rep.removed, 7);
	CHECK_INT(rep.run_id, 0);
	CHECK_INT(wf_count(&r->fx, "SELECT COUNT(*) FROM item"), 11);
	cull_report_done(&rep);
	run_cull(r, 0, &rep);
	CHECK_INT(rep.removed, 7);
	CHECK_INT(rep.batches, 3); /* batches of three records read: 3, 3, then 1 */
	CHECK_INT(rep.fts, 7);
	CHECK_INT(wf_count(&r->fx, "SELECT COUNT(*) FROM item"), 4);
	CHECK_INT(search_count(&r->fx, "text"), 4);
	CHECK_INT(store_exec(r->fx.s, "INSERT INTO item_fts (item_fts) VALUES ('integrity-check')",
	                     &e),
	          KV_OK);
	cull_report_done(&rep);
	/* Nothing more is due: a second run removes nothing and still writes
	 * its protokoll. */
	run_cull(r, 0, &rep);
	CHECK_INT(rep.removed, 0);
	CHECK_INT(rep.run_id, 2);
	CHECK_INT(wf_count(&r->fx, "SELECT COUNT(*) FROM cull_run WHERE state = 'done'"), 2);
	cull_report_done(&rep);
}

static void put_media(struct wf *fx, int64_t item, const char *url, const char *sha)
{
	char sql[400];
	struct err e = {0};

	snprintf(sql, sizeof(sql),
	         "INSERT INTO item_media (item_id, url, sha256, bytes, fetched_at)"
	         " VALUES (%lld, '%s', '%s', 5, 1)",
	         (long long)item, url, sha);
	if (store_exec(fx->s, sql, &e))
		test_fail(__FILE__, __LINE__, "%s", e.msg);
}

static void shared_blobs_stay_until_unreferenced(void)
{
	struct rec *r = rec_setup("[konto sjovik]\ninkomna | gallras efter 1 månad | nej | x\n");
	struct cull_report rep = {0};
	struct err e = {0};
	char sha[65], path[4096];
	int64_t a, b;

	CHECK_INT(blob_put(r->fx.s, "bild!", 5, sha, &e), KV_OK);
	CHECK_INT(blob_path(r->fx.s, sha, path, sizeof(path), &e), KV_OK);
	a = wf_item(&r->fx, r->fx.fb, "a", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00", "");
	b = wf_item(&r->fx, r->fx.x, "b", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00", "");
	put_media(&r->fx, a, "https://e/1.jpg", sha);
	put_media(&r->fx, b, "https://e/1.jpg", sha);
	run_cull(r, 0, &rep);
	/* Only the Facebook account's comments go (the override); the file is
	 * still used by the X item. */
	CHECK_INT(rep.removed, 1);
	CHECK_INT(rep.bytes, 0);
	CHECK(access(path, F_OK) == 0);
	cull_report_done(&rep);
	CHECK_INT(store_exec(r->fx.s, "DELETE FROM item_media WHERE url = 'https://e/1.jpg'", &e),
	          KV_OK);
	put_media(&r->fx, b, "https://e/2.jpg", sha);
	CHECK_INT(store_exec(r->fx.s,
	                     "INSERT INTO retention_rule SELECT id, 0, 'inkomna', 'after', 1, 0,"
	                     " 'x', 9 FROM retention_plan",
	                     &e),
	          KV_OK);
	run_cull(r, 0, &rep);
	CHECK_INT(rep.removed, 1);
	CHECK_INT(rep.bytes, 5);
	CHECK(access(path, F_OK) != 0);
	cull_report_done(&rep);
}

/* A file a consent's signed form or a draft also uses stays when the
 * culled item that used it goes. */
static void blobs_of_consents_and_drafts_stay(void)
{
	struct rec *r = rec_setup("[organisation]\ninkomna | gallras efter 1 månad | nej | x\n");
	struct cull_report rep = {0};
	struct err e = {0};
	char sha[65], sha2[65], path[4096], path2[4096], sql[600];
	int64_t a, b;

	CHECK_INT(blob_put(r->fx.s, "blankett", 8, sha, &e), KV_OK);
	CHECK_INT(blob_put(r->fx.s, "utkastbild", 10, sha2, &e), KV_OK);
	CHECK_INT(blob_path(r->fx.s, sha, path, sizeof(path), &e), KV_OK);
	CHECK_INT(blob_path(r->fx.s, sha2, path2, sizeof(path2), &e), KV_OK);
	a = wf_item(&r->fx, r->fx.fb, "a", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00", "");
	b = wf_item(&r->fx, r->fx.fb, "b", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00", "");
	put_media(&r->fx, a, "https://e/form.jpg", sha);
	put_media(&r->fx, b, "https://e/draft.jpg", sha2);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO consent (org_id, person_name, valid_from, document_sha256,"
	         " document_bytes, created_by, created_at) VALUES (%lld, 'Eva', '2026-01-01',"
	         " '%s', 8, 't', 1);"
	         "INSERT INTO draft (org_id, account_id, text, media, state, created_by,"
	         " created_at, updated_at) VALUES (%lld, %lld, 'x',"
	         " '[{\"sha256\":\"%s\",\"name\":\"b.jpg\"}]', 'draft', 't', 1, 1)",
	         (long long)r->fx.org, sha, (long long)r->fx.org, (long long)r->fx.fb, sha2);
	CHECK_INT(store_exec(r->fx.s, sql, &e), KV_OK);
	run_cull(r, 0, &rep);
	CHECK_INT(rep.removed, 2);
	CHECK_INT(rep.bytes, 0);
	CHECK(access(path, F_OK) == 0);
	CHECK(access(path2, F_OK) == 0);
	cull_report_done(&rep);
}

/* A file that is an account's profile picture as well as a culled item's
 * medium stays: the picture still refers to it. */
static void profile_picture_blobs_stay(void)
{
	struct rec *r = rec_setup("[konto sjovik]\ninkomna | gallras efter 1 månad | nej | x\n");
	struct cull_report rep = {0};
	struct err e = {0};
	char sha[65], path[4096];
	int64_t a;

	CHECK_INT(blob_put(r->fx.s, "bild!", 5, sha, &e), KV_OK);
	CHECK_INT(blob_path(r->fx.s, sha, path, sizeof(path), &e), KV_OK);
	a = wf_item(&r->fx, r->fx.fb, "a", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00", "");
	put_media(&r->fx, a, "https://e/1.jpg", sha);
	CHECK_INT(profile_row_add_stored(r->fx.s, r->fx.x, PROFILE_SOURCE_FILE, "t", 1, sha, 5,
	                                 "image/png", NULL, &e),
	          KV_OK);
	run_cull(r, 0, &rep);
	CHECK_INT(rep.removed, 1);
	CHECK_INT(rep.bytes, 0);
	CHECK(access(path, F_OK) == 0);
	cull_report_done(&rep);
}

static void classes_and_actions(void)
{
	struct rec *r = rec_setup("[organisation]\n"
	                          "inkomna | gallras omedelbart | nej | x\n"
	                          "upprattade | gallras omedelbart | nej | x\n"
	                          "meddelanden | bevaras | nej | x\n"
	                          "skrap | gallras omedelbart | nej | x\n");
	struct cull_report rep = {0};
	int64_t q;
	char sql[300];
	struct err e = {0};

	wf_item(&r->fx, r->fx.fb, "own", NULL, NULL, 1, ITEM_POST, "2026-05-01T10:00:00", NULL);
	wf_item(&r->fx, r->fx.fb, "dm", NULL, NULL, 0, ITEM_MESSAGE, "2026-05-01T10:00:00", "");
	wf_item(&r->fx, r->fx.fb, "ad", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00",
	        "commercial");
	q = wf_item(&r->fx, r->fx.fb, "ask", NULL, NULL, 0, ITEM_COMMENT, "2026-05-01T10:00:00",
	            "question");
	snprintf(sql, sizeof(sql),
	         "INSERT INTO question (org_id, account_id, item_id, state, arrived_at, due_at,"
	         " updated_at) VALUES (%lld, %lld, %lld, 'forwarded', 1, 2, 3)",
	         (long long)r->fx.org, (long long)r->fx.fb, (long long)q);
	CHECK_INT(store_exec(r->fx.s, sql, &e), KV_OK);
	run_cull(r, 0, &rep);
	CHECK_INT(rep.removed, 2); /* the own post and the spam */
	for (size_t i = 0; i < rep.n_lines; i++) {
		const struct cull_line *l = &rep.lines[i];

		if (l->cls == RC_MEDDELANDEN)
			CHECK_INT(l->keep[KEEP_RULE], 1);
		else if (l->cls == RC_INKOMNA)
			CHECK_INT(l->keep[KEEP_ACTION], 1);
		else if (l->cls == RC_SKRAP || l->cls == RC_UPPRATTADE)
			CHECK_INT(l->go, 1);
		else
			test_fail(__FILE__, __LINE__, "unexpected class %s",
			          retention_class_name(l->cls));
	}
	CHECK_INT(wf_count(&r->fx, "SELECT COUNT(*) FROM item WHERE platform_id IN ('dm','ask')"),
	          2);
	cull_report_done(&rep);
}

static void records_need_the_permission(void)
{
	struct rec *r = rec_setup("[organisation]\ninkomna | bevaras | nej | x\n");
	struct principal editor;
	struct op_ctx op;
	struct cull_opts o = {.dry_run = 1};
	struct cull_report rep = {0};
	struct hold_target t = {.kind = HOLD_ACCOUNT, .ref = "sjovik"};
	struct err e = {0};
	int64_t id = 0, v = 0;

	principal_init_user(&editor, 5, 0, "redaktör", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&editor, ROLE_EDITOR, 0, NULL, 0, &e), KV_OK);
	op_ctx_init(&op, r->fx.s, r->fx.org, &editor, r->op.now);
	CHECK_INT(cull_run(&op, &o, &rep, &e), KV_EDENIED);
	CHECK_INT(holds_add(&op, &t, "x", &id, &e), KV_EDENIED);
	CHECK_INT(retention_load(&op, "p", "[organisation]\ninkomna | bevaras | nej | x\n", 41, &v,
	                         &e),
	          KV_EDENIED);
	CHECK_INT(holds_add(&r->op, &t, "Tvist", &id, &e), KV_OK);
	CHECK_INT(id, 1);
}

TEST_MAIN(T(plan_parses), T(plan_errors_name_the_line), T(class_names_round_trip),
          T(holds_cover_what_they_name), T(cull_keeps_the_index_consistent),
          T(shared_blobs_stay_until_unreferenced), T(blobs_of_consents_and_drafts_stay),
          T(profile_picture_blobs_stay), T(classes_and_actions), T(records_need_the_permission))
