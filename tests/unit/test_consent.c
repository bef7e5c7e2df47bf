/* The consent register: the guardian's age by policy, what a consent needs
 * (refused input writes nothing), the signed form in the blob store, links
 * only to own posts in scope and period, withdrawal opening one takedown
 * case per post still up, who sees which consents, and the expiry alert. */
#include "testlib.h"
#include "wf_fixture.h"

#include "base/config.h"
#include "base/hash.h"
#include "records/consent.h"
#include "store/blob.h"

#include <stdlib.h>
#include <string.h>

static const char form[] = "%PDF-1.4 samtyckesblankett, underskriven";

static struct consent_input input(const char *name, const char *born, const char *guardian,
                                  const char *const *scope, size_t n, const char *from,
                                  const char *to)
{
	struct consent_input in = {.person_name = name,
	                           .birth_date = born,
	                           .guardian = guardian,
	                           .scope = scope,
	                           .n_scope = n,
	                           .valid_from = from,
	                           .valid_to = to,
	                           .document_name = "/tmp/blankett.pdf",
	                           .document = form,
	                           .document_len = sizeof(form) - 1};

	return in;
}

static void guardian_age_is_policy(void)
{
	struct consent_opts o;
	struct config *cfg = config_new();
	struct err e = {0};

	CHECK_INT(consent_opts_load(&o, NULL, &e), KV_OK);
	CHECK_INT(o.guardian_age, 13);
	config_set(cfg, "consent", "guardian_age", "16");
	CHECK_INT(consent_opts_load(&o, cfg, &e), KV_OK);
	CHECK_INT(o.guardian_age, 16);
	config_set(cfg, "consent", "guardian_age", "sexton");
	CHECK_INT(consent_opts_load(&o, cfg, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "guardian_age");
	config_set(cfg, "consent", "guardian_age", "0");
	CHECK_INT(consent_opts_load(&o, cfg, &e), KV_EINVAL);
	config_free(cfg);
}

static void bad_input_writes_nothing(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op(fx.s, fx.org, "eva");
	const char *scope[] = {"sjovik"}, *unknown[] = {"sjovik", "nosuch"};
	struct consent_opts o = {13}, tibro = {16};
	struct consent_input in;
	struct err e = {0};
	int64_t id = 0;

	/* A minor by the birth date on the first day, without a guardian. */
	in = input("Elsa Ek", "2016-05-01", NULL, scope, 1, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "9 years old");
	CHECK_CONTAINS(e.msg, "--guardian");
	/* 14 years: no guardian under ÖS's 13, one under Tibro's 16. */
	in = input("Omar Ali", "2012-02-28", NULL, scope, 1, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &tibro, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "14 years old");
	/* The day before the 13th birthday is still 12. */
	in = input("Ida Lund", "2013-03-02", NULL, scope, 1, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "12 years old");
	in = input("Bo", NULL, NULL, scope, 1, "2026-03-01", "2026-02-28");
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "before it starts");
	in = input("Bo", NULL, NULL, scope, 1, "2026-02-30", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--from");
	in = input("Bo", "2030-01-01", NULL, scope, 1, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "after the first day");
	in = input("Bo", NULL, NULL, unknown, 2, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "--scope");
	in = input("Bo", NULL, NULL, scope, 0, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	in = input("  ", NULL, NULL, scope, 1, "2026-03-01", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	in = input("Bo", NULL, NULL, scope, 1, "2026-03-01", NULL);
	in.document_len = 0;
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "empty");
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM consent"), 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action LIKE 'consent.%'"), 0);
	store_free(fx.s);
}

static void the_form_is_kept_by_its_hash(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op(fx.s, fx.org, "eva");
	const char *scope[] = {"sjovik", "sjovik_x", "sjovik"};
	struct consent_opts o = {13};
	struct consent_input in =
	        input("Elsa Ek", "2016-05-01", "Karin Ek", scope, 3, "2026-03-01", "2026-12-31");
	char sha[HASH_SHA256_HEX_LEN + 1];
	struct buf b;
	struct err e = {0};
	json_t *v = NULL;
	int64_t id = 0;

	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_OK);
	CHECK(id > 0);
	hash_sha256_hex(sha, form, sizeof(form) - 1);
	CHECK_INT(consent_show(op, id, &v, &e), KV_OK);
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "document"), "sha256")),
	          sha);
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "document"), "name")),
	          "blankett.pdf");
	CHECK_INT(json_array_size(json_object_get(v, "scope")), 2);
	CHECK_STR(json_string_value(json_object_get(v, "guardian")), "Karin Ek");
	json_decref(v);
	buf_init(&b, 1 << 20);
	CHECK_INT(blob_get(fx.s, sha, &b, 0, &e), KV_OK);
	CHECK_INT(b.len, sizeof(form) - 1);
	CHECK(memcmp(b.ptr, form, b.len) == 0);
	buf_done(&b);
	/* The audit chain has the hash and the facts, never the name. */
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'consent.add'"), 1);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE after LIKE '%Elsa%'"
	                        " OR after LIKE '%Karin%'"),
	          0);
	store_free(fx.s);
}

static void links_only_own_posts_in_scope_and_period(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op(fx.s, fx.org, "eva");
	const char *scope[] = {"sjovik"};
	struct consent_opts o = {13};
	struct consent_input in =
	        input("Alva Lind", NULL, NULL, scope, 1, "2026-03-01", "2026-03-31");
	int64_t id = 0, post, comment, early, xpost;
	struct err e = {0};
	int linked = -1;

	post = wf_item_text(&fx, "p1", 1, "2026-03-10T10:00", "sjovik", "Bild från skolan");
	comment = wf_item_text(&fx, "c1", 0, "2026-03-10T11:00", "anna", "Fin bild");
	early = wf_item_text(&fx, "p0", 1, "2026-02-10T10:00", "sjovik", "Gammal bild");
	xpost = wf_item(&fx, fx.x, "x1", NULL, NULL, 1, ITEM_POST, "2026-03-10T10:00", NULL);
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_OK);
	CHECK_INT(consent_link(op, id, comment, &linked, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "inkommen");
	CHECK_INT(consent_link(op, id, xpost, &linked, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "outside the consent's scope");
	CHECK_INT(consent_link(op, id, early, &linked, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "outside the consent's period");
	CHECK_INT(consent_link(op, id, 9999, &linked, &e), KV_ENOTFOUND);
	CHECK_INT(consent_link(op, 77, post, &linked, &e), KV_ENOTFOUND);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM consent_item"), 0);
	CHECK_INT(consent_link(op, id, post, &linked, &e), KV_OK);
	CHECK_INT(linked, 1);
	CHECK_INT(consent_link(op, id, post, &linked, &e), KV_OK);
	CHECK_INT(linked, 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'consent.link'"), 1);
	store_free(fx.s);
}

static void withdrawal_opens_a_case_per_post_up(void)
{
	struct wf fx = wf_setup();
	int64_t now = wf_at("2026-04-06T10:00");
	const struct op_ctx *op = test_op_at(fx.s, fx.org, "eva", now);
	const char *scope[] = {"sjovik"};
	struct consent_opts o = {13};
	struct consent_input in = input("Alva Lind", NULL, NULL, scope, 1, "2026-03-01", NULL);
	struct item_event ev = {
	        .platform = "facebook", .platform_id = "p3", .kind = ITEM_EV_DELETED};
	enum item_outcome outcome;
	int64_t id = 0, p1, p2, p3, due;
	struct err e = {0};
	json_t *res = NULL;
	int linked;

	p1 = wf_item_text(&fx, "p1", 1, "2026-03-10T10:00", "sjovik", "Bild 1");
	p2 = wf_item_text(&fx, "p2", 1, "2026-03-11T10:00", "sjovik", "Film 2");
	p3 = wf_item_text(&fx, "p3", 1, "2026-03-12T10:00", "sjovik", "Bild 3");
	CHECK_INT(consent_add(op, &o, &in, &id, &e), KV_OK);
	CHECK_INT(consent_link(op, id, p1, &linked, &e), KV_OK);
	CHECK_INT(consent_link(op, id, p2, &linked, &e), KV_OK);
	CHECK_INT(consent_link(op, id, p3, &linked, &e), KV_OK);
	/* p3 is already gone from the platform: nothing to take down. */
	CHECK_INT(items_event(fx.s, fx.fb, &ev, now, &outcome, &e), KV_OK);
	CHECK_INT(consent_withdraw(op, id, "", &res, &e), KV_EINVAL);
	CHECK_INT(consent_withdraw(op, id, "Vårdnadshavaren ringde", &res, &e), KV_OK);
	CHECK_INT(json_array_size(json_object_get(res, "posts")), 3);
	CHECK_INT(json_integer_value(json_object_get(res, "cases_opened")), 2);
	CHECK(json_is_null(
	        json_object_get(json_array_get(json_object_get(res, "posts"), 2), "case")));
	json_decref(res);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM mod_case WHERE categories = 'personal_id'"
	                        " AND state = 'open'"),
	          2);
	/* Due by the removal deadline (48 hours) from the withdrawal, not from
	 * when the post was published. */
	due = wf_count(&fx, "SELECT MIN(due_at) FROM mod_case");
	CHECK_INT(due, now + 48 * 3600);
	CHECK_INT(consent_withdraw(op, id, "Igen", &res, &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "withdrawn before");
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM mod_case"), 2);
	/* A withdrawn consent covers no new post. */
	CHECK_INT(consent_link(op, id, p1, &linked, &e), KV_ECONFLICT);
	store_free(fx.s);
}

static int count_row(void *arg, const struct consent_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void each_sees_the_consents_of_its_accounts(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op(fx.s, fx.org, "eva");
	const char *fb[] = {"sjovik"}, *x[] = {"sjovik_x"};
	struct consent_opts o = {13};
	struct consent_input a = input("A", NULL, NULL, fb, 1, "2026-03-01", NULL);
	struct consent_input b = input("B", NULL, NULL, x, 1, "2026-03-01", NULL);
	struct consent_filter f = {0};
	struct principal kultur, analyst;
	struct op_ctx ok, no;
	struct err e = {0};
	int64_t ia = 0, ib = 0;
	json_t *v = NULL;
	int n = 0;

	CHECK_INT(consent_add(op, &o, &a, &ia, &e), KV_OK);
	CHECK_INT(consent_add(op, &o, &b, &ib, &e), KV_OK);
	principal_init_user(&kultur, 7, 0, "kultur", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&kultur, ROLE_EDITOR, 0, &fx.fb, 1, &e), KV_OK);
	principal_init_user(&analyst, 8, 0, "ana", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&analyst, ROLE_ANALYST, 0, NULL, 0, &e), KV_OK);
	op_ctx_init(&ok, fx.s, fx.org, &kultur, op->now);
	op_ctx_init(&no, fx.s, fx.org, &analyst, op->now);
	CHECK_INT(consent_list(&ok, &f, count_row, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	CHECK_INT(consent_show(&ok, ia, &v, &e), KV_OK);
	json_decref(v);
	CHECK_INT(consent_show(&ok, ib, &v, &e), KV_EDENIED);
	CHECK_INT(consent_add(&ok, &o, &b, &ib, &e), KV_EDENIED);
	CHECK_INT(consent_list(&no, &f, count_row, &n, &e), KV_EDENIED);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM consent"), 2);
	store_free(fx.s);
}

static void an_ended_consent_alerts_once(void)
{
	struct wf fx = wf_setup();
	int64_t now = wf_at("2026-04-06T10:00");
	const struct op_ctx *op = test_op_at(fx.s, fx.org, "eva", now);
	const char *scope[] = {"sjovik"};
	struct consent_opts o = {13};
	struct consent_input ended = input("A", NULL, NULL, scope, 1, "2026-03-01", "2026-03-31");
	struct consent_input open = input("B", NULL, NULL, scope, 1, "2026-03-01", NULL);
	struct consent_filter active = {.active_on = "2026-04-06"};
	int64_t a = 0, b = 0, p1, p2, raised = -1;
	struct err e = {0};
	int linked, n = 0;

	p1 = wf_item_text(&fx, "p1", 1, "2026-03-10T10:00", "sjovik", "Bild 1");
	p2 = wf_item_text(&fx, "p2", 1, "2026-03-11T10:00", "sjovik", "Bild 2");
	CHECK_INT(consent_add(op, &o, &ended, &a, &e), KV_OK);
	CHECK_INT(consent_add(op, &o, &open, &b, &e), KV_OK);
	CHECK_INT(consent_link(op, a, p1, &linked, &e), KV_OK);
	CHECK_INT(consent_link(op, b, p2, &linked, &e), KV_OK);
	CHECK_INT(consent_list(op, &active, count_row, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	CHECK_INT(consent_check_expired(op, &raised, &e), KV_OK);
	CHECK_INT(raised, 1);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM alert WHERE kind = 'consent_expired'"
	                        " AND dedup_key = 'consent-expired:1:1'"),
	          1);
	CHECK_INT(consent_check_expired(op, &raised, &e), KV_OK);
	CHECK_INT(raised, 0);
	store_free(fx.s);
}

TEST_MAIN(T(guardian_age_is_policy), T(bad_input_writes_nothing), T(the_form_is_kept_by_its_hash),
          T(links_only_own_posts_in_scope_and_period), T(withdrawal_opens_a_case_per_post_up),
          T(each_sees_the_consents_of_its_accounts), T(an_ended_consent_alerts_once))
