/* Tests for moderation cases (workflow/cases with store/cases): opening by
 * the sync with the removal deadline, idempotency, evidence before removal,
 * the evidence document and its hash in the audit chain, registration
 * numbers that are never reused, four eyes, and takedowns recorded by hand
 * with an item event. Takedowns through the APIs are in tests/e2e/cases.sh. */
#include "testlib.h"

#include "base/time.h"
#include "model/op_ctx.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/config.h"
#include "base/hash.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/case_rows.h"
#include "store/items.h"
#include "store/screening_rows.h"
#include "store/store.h"
#include "workflow/cases.h"
#include "workflow/policy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

struct fixture {
	struct store *s;
	int64_t org, account;
	struct cases_opts opts;
};

static int64_t at(const char *iso)
{
	int64_t t = 0;
	struct err e = {0};

	if (calendar_parse_instant(&t, iso, &e))
		test_fail(__FILE__, __LINE__, "%s", e.msg);
	return t;
}

static struct fixture setup(void)
{
	struct fixture fx = {0};
	struct op_ctx op = {0};
	struct account_input in = {.platform = "facebook", .handle = "sjovik", .unit = "Enhet"};
	struct err e = {0};
	char dir[4096];

	setenv("KANALVAKT_NOW", "2026-04-02T16:35:00+02:00", 1);
	CHECK_INT(hash_init(), KV_OK);
	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	if (store_open(&fx.s, dir, &e) ||
	    registry_init(test_op(fx.s, 0, "t"), "Sjövik", &fx.org, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	op.store = fx.s;
	op.org = fx.org;
	op.who = test_shell("t");
	if (registry_unit_add(&op, "Enhet", NULL, NULL, &e) ||
	    registry_account_add(&op, &in, &fx.account, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	CHECK_INT(cases_opts_load(&fx.opts, NULL, &e), KV_OK);
	return fx;
}

/* Stores an item (upprattad: the account's own) and its screening. */
static int64_t put(struct fixture *fx, const char *id, const char *parent, const char *text,
                   int upprattad, const char *categories, int64_t created)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .kind = parent ? ITEM_COMMENT : ITEM_POST,
	                  .root_id = parent ? "post1" : NULL,
	                  .parent_id = parent,
	                  .author_id = upprattad ? "page" : "u-77",
	                  .author_name = upprattad ? "Sjövik" : "Örjan Ek",
	                  .author_is_account = upprattad,
	                  .created_at = created,
	                  .text = text,
	                  .source = "test",
	                  .raw_json = "{\"id\":\"raw\"}"};
	struct item_write w = {.org_id = fx->org,
	                       .account_id = fx->account,
	                       .it = &it,
	                       .upprattad = upprattad,
	                       .captured_at = created + 60};
	struct item_put_result out = {0};
	struct flag_row flag = {.category = categories ? categories : "",
	                        .score = 0.9,
	                        .rule = "test.rule",
	                        .start = 0,
	                        .end = 3,
	                        .match = "Hot"};
	struct err e = {0};

	if (store_begin(fx->s, &e) || items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "put %s: %s", id, e.msg);
	if (!upprattad && categories &&
	    screening_row_put(fx->s, out.id, out.version, "test-1", 0, categories, &flag,
	                      categories[0] ? 1 : 0, created + 60, &e))
		test_fail(__FILE__, __LINE__, "screen %s: %s", id, e.msg);
	if (store_commit(fx->s, &e))
		test_fail(__FILE__, __LINE__, "%s", e.msg);
	return out.id;
}

static int64_t sync(struct fixture *fx)
{
	struct workflow_sync_report rep = {0};
	struct err e = {0};

	if (cases_sync(test_op(fx->s, fx->org, "sync"), &rep, &e))
		test_fail(__FILE__, __LINE__, "sync: %s", e.msg);
	return rep.cases_opened;
}

static int64_t case_of(struct fixture *fx, int64_t item)
{
	int64_t id = 0;
	struct err e = {0};
	char arg[32];
	const char *args[] = {arg};

	snprintf(arg, sizeof(arg), "%lld", (long long)item);
	if (store_query_int(fx->s, &id, &e, "SELECT id FROM mod_case WHERE item_id = ?", 1, args))
		return 0;
	return id;
}

static struct case_loaded *load(struct fixture *fx, int64_t id)
{
	struct case_loaded *l = NULL;
	struct err e = {0};

	if (case_row_load(fx->s, fx->org, id, &l, &e))
		test_fail(__FILE__, __LINE__, "load: %s", e.msg);
	return l;
}

struct audit_find {
	const char *action;
	int n;
	char after[2048];
};

static int find_audit(void *arg, const struct audit_entry *en)
{
	struct audit_find *f = arg;

	if (strcmp(en->action, f->action) == 0) {
		f->n++;
		snprintf(f->after, sizeof(f->after), "%s", en->after ? en->after : "");
	}
	return 0;
}

static struct audit_find audit_of(struct fixture *fx, const char *action)
{
	struct audit_find f = {.action = action};
	struct err e = {0};

	CHECK_INT(audit_list(fx->s, fx->org, find_audit, &f, &e), KV_OK);
	return f;
}

static void sync_opens_cases_for_violations_only(void)
{
	struct fixture fx = setup();
	int64_t t = at("2026-04-02T16:30:00+02:00");
	int64_t threat, question, own, clean;
	struct case_loaded *l;
	char due[CALENDAR_ISO_LEN];

	put(&fx, "post1", NULL, "Välkommen till påskmarknaden!", 1, NULL, t - 3600);
	threat = put(&fx, "post1_1", "post1", "Hot mot dig", 0, "threat", t);
	question = put(&fx, "post1_2", "post1", "När öppnar ni?", 0, "question", t);
	clean = put(&fx, "post1_3", "post1", "Tack!", 0, "", t);
	own = put(&fx, "post1_4", "post1", "Hot", 1, NULL, t);
	CHECK_INT(sync(&fx), 1);
	CHECK(case_of(&fx, threat) > 0);
	CHECK_INT(case_of(&fx, question), 0);
	CHECK_INT(case_of(&fx, clean), 0);
	CHECK_INT(case_of(&fx, own), 0);
	l = load(&fx, case_of(&fx, threat));
	CHECK_STR(l->c.state, "open");
	CHECK_STR(l->c.categories, "threat");
	/* 48 calendar hours by default, counted from the comment's creation. */
	calendar_format_local(due, l->c.due_at);
	CHECK_STR(due, "2026-04-04T16:30:00+02:00");
	CHECK_INT(l->c.opened_at, at("2026-04-02T16:35:00+02:00"));
	case_row_loaded_free(l);
	/* Running again changes nothing. */
	CHECK_INT(sync(&fx), 0);
	CHECK_INT(audit_of(&fx, "case.open").n, 1);
	store_free(fx.s);
}

static void sync_keeps_only_violation_categories_and_follows_policy(void)
{
	struct fixture fx = setup();
	struct err e = {0};
	int64_t t = at("2026-04-02T16:30:00+02:00"), item;
	struct case_loaded *l;
	char due[CALENDAR_ISO_LEN];

	CHECK_INT(policy_set(test_op(fx.s, fx.org, "admin"), fx.account, "removal_deadline", "1wd",
	                     &e),
	          KV_OK);
	item = put(&fx, "post1_9", "post1", "Hot, fråga", 0, "threat,commercial,question,critical",
	           t);
	CHECK_INT(sync(&fx), 1);
	l = load(&fx, case_of(&fx, item));
	CHECK_STR(l->c.categories, "threat,commercial");
	/* One working day after Thursday before Easter is the Tuesday after. */
	calendar_format_local(due, l->c.due_at);
	CHECK_STR(due, "2026-04-07T16:30:00+02:00");
	case_row_loaded_free(l);
	store_free(fx.s);
}

static void sync_sees_an_edit_that_adds_a_violation(void)
{
	struct fixture fx = setup();
	int64_t t = at("2026-04-02T16:30:00+02:00"), item;

	item = put(&fx, "post1_5", "post1", "Fin dag", 0, "", t);
	CHECK_INT(sync(&fx), 0);
	CHECK_INT(put(&fx, "post1_5", "post1", "Hot nu", 0, "threat", t), item);
	CHECK_INT(sync(&fx), 1);
	CHECK(case_of(&fx, item) > 0);
	store_free(fx.s);
}

static void removal_refused_without_evidence(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct err e = {0};
	int64_t id;
	struct case_loaded *l;

	id = put(&fx, "post1_1", "post1", "Hot mot dig", 0, "threat", at("2026-04-02T16:30:00"));
	sync(&fx);
	id = case_of(&fx, id);
	CHECK(id > 0);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_REMOVE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "evidence is not saved");
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_HIDE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	l = load(&fx, id);
	CHECK_STR(l->c.state, "open");
	case_row_loaded_free(l);
	store_free(fx.s);
}

static void evidence_document_holds_everything_and_is_logged(void)
{
	struct fixture fx = setup();
	struct err e = {0};
	char sha[65], path[4096];
	int64_t t = at("2026-04-02T16:30:00+02:00"), item, id;
	json_t *doc;
	json_error_t je;
	struct case_loaded *l;

	put(&fx, "post1", NULL, "Välkommen till påskmarknaden!", 1, NULL, t - 3600);
	put(&fx, "post1_1", "post1", "Hot", 0, "threat", t - 60);
	item = put(&fx, "post1_1", "post1", "Hot mot dig", 0, "threat", t - 60);
	put(&fx, "post1_2", "post1", "Lugna ner dig", 0, "", t);
	sync(&fx);
	id = case_of(&fx, item);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha, &e), KV_OK);
	l = load(&fx, id);
	CHECK_STR(l->c.evidence_sha256, sha);
	case_row_loaded_free(l);
	CHECK_INT(blob_verify(fx.s, sha, &e), KV_OK);
	CHECK_INT(blob_path(fx.s, sha, path, sizeof(path), &e), KV_OK);
	doc = json_load_file(path, 0, &je);
	CHECK(doc != NULL);
	CHECK_STR(json_string_value(json_object_get(doc, "format")), "kanalvakt-evidence/1");
	CHECK_STR(json_string_value(json_object_get(doc, "saved_by")), "anna");
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "sender"), "name")),
	          "Örjan Ek");
	CHECK_INT(json_array_size(json_object_get(doc, "versions")), 2);
	CHECK_STR(json_string_value(json_object_get(
	                  json_array_get(json_object_get(doc, "versions"), 1), "text")),
	          "Hot mot dig");
	CHECK(json_object_get(json_array_get(json_object_get(doc, "versions"), 0), "raw") != NULL);
	/* The whole thread: the post, the comment and the answer to it. */
	CHECK_INT(json_array_size(json_object_get(doc, "thread")), 3);
	CHECK_INT(json_array_size(json_object_get(doc, "flags")), 1);
	CHECK_STR(json_string_value(json_object_get(
	                  json_array_get(json_object_get(doc, "flags"), 0), "rule")),
	          "test.rule");
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "item"), "created_at")),
	          "2026-04-02T16:29:00+02:00");
	json_decref(doc);
	CHECK_CONTAINS(audit_of(&fx, "case.evidence").after, sha);
	store_free(fx.s);
}

static void registration_numbers_count_up_and_are_never_reused(void)
{
	struct fixture fx = setup();
	struct err e = {0};
	char reg[CASES_REG_MAX + 1];
	int64_t t = at("2026-04-02T16:30:00+02:00"), a, b, c, n = 0;

	a = put(&fx, "post1_1", "post1", "Hot 1", 0, "threat", t);
	b = put(&fx, "post1_2", "post1", "Hot 2", 0, "threat", t);
	c = put(&fx, "post1_3", "post1", "Hot 3", 0, "hate", t);
	sync(&fx);
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "reg"), case_of(&fx, a), 1, NULL, &fx.opts,
	                         reg, &e),
	          KV_OK);
	CHECK_STR(reg, "KS 2026/0001");
	/* A number taken in a transaction that is rolled back is not used up. */
	CHECK_INT(store_begin(fx.s, &e), KV_OK);
	CHECK_INT(case_row_series_next(fx.s, fx.org, "KS", 2026, &n, &e), KV_OK);
	CHECK_INT(n, 2);
	store_rollback(fx.s);
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "reg"), case_of(&fx, b), 1, NULL, &fx.opts,
	                         reg, &e),
	          KV_OK);
	CHECK_STR(reg, "KS 2026/0002");
	/* A case is registered once. */
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "reg"), case_of(&fx, a), 1, NULL, &fx.opts,
	                         reg, &e),
	          KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "KS 2026/0001");
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "reg"), case_of(&fx, c), 0, "", &fx.opts,
	                         reg, &e),
	          KV_EINVAL);
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "reg"), case_of(&fx, c), 0, "ÄR-2026-17",
	                         &fx.opts, reg, &e),
	          KV_OK);
	CHECK_STR(reg, "ÄR-2026-17");
	/* A new year starts at 1 again; another prefix is its own series. */
	setenv("KANALVAKT_NOW", "2027-01-04T09:00:00+01:00", 1);
	c = put(&fx, "post1_4", "post1", "Hot 4", 0, "threat", at("2027-01-04T08:00:00"));
	sync(&fx);
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "reg"), case_of(&fx, c), 1, NULL, &fx.opts,
	                         reg, &e),
	          KV_OK);
	CHECK_STR(reg, "KS 2027/0001");
	CHECK_CONTAINS(audit_of(&fx, "case.register").after, "KS 2027/0001");
	store_free(fx.s);
}

static int count_events(void *arg, const struct item_event_row *ev)
{
	int *n = arg;

	if (strcmp(ev->kind, "deleted") == 0 && strcmp(ev->source, "kanalvakt") == 0)
		(*n)++;
	return 0;
}

static void removal_needs_registration_then_is_recorded_by_hand(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct audit_report rep = {0};
	struct err e = {0};
	char sha[65], reg[CASES_REG_MAX + 1];
	int64_t item, id;
	int events = 0;
	struct case_loaded *l;

	item = put(&fx, "post1_1", "post1", "Hot mot dig", 0, "threat", at("2026-04-02T16:30"));
	sync(&fx);
	id = case_of(&fx, item);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha, &e), KV_OK);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_REMOVE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "registered");
	CHECK_INT(cases_register(test_op(fx.s, fx.org, "anna"), id, 1, NULL, &fx.opts, reg, &e),
	          KV_OK);
	/* No platform settings: recorded as done by hand, by whom and when. */
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_REMOVE, "olaga hot",
	                       &fx.opts, NULL, &out, &e),
	          KV_OK);
	CHECK_STR(out.state, "removed");
	CHECK_INT(out.done, 1);
	CHECK_INT(out.via_api, 0);
	l = load(&fx, id);
	CHECK_STR(l->c.state, "removed");
	CHECK_STR(l->c.takedown_via, "hand");
	CHECK_STR(l->c.takedown_by, "anna");
	CHECK_INT(l->c.takedown_at, at("2026-04-02T16:35:00+02:00"));
	CHECK_STR(l->c.item_state, "deleted");
	CHECK_STR(l->c.registration, "KS 2026/0001");
	case_row_loaded_free(l);
	CHECK_INT(items_events(fx.s, item, count_events, &events, &e), KV_OK);
	CHECK_INT(events, 1);
	/* A closed case takes no more decisions or evidence. */
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "bo"), id, CASE_HIDE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "bo"), id, sha, &e), KV_ECONFLICT);
	CHECK_INT(audit_of(&fx, "case.takedown").n, 1);
	CHECK_INT(audit_verify(fx.s, &rep, &e), KV_OK);
	CHECK_INT(rep.n_problems, 0);
	audit_report_done(&rep);
	store_free(fx.s);
}

static void reklam_is_removed_without_registration(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct err e = {0};
	char sha[65];
	int64_t id;

	id = put(&fx, "post1_1", "post1", "Köp solglasögon på rea", 0, "commercial",
	         at("2026-04-02T16:30"));
	sync(&fx);
	id = case_of(&fx, id);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_REMOVE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "evidence");
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha, &e), KV_OK);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_REMOVE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_OK);
	CHECK_STR(out.state, "removed");
	store_free(fx.s);
}

static void keep_needs_a_reason(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct err e = {0};
	int64_t id;
	struct case_loaded *l;

	id = put(&fx, "post1_1", "post1", "Idiotiskt beslut", 0, "defamation_insult",
	         at("2026-04-02T16:30"));
	sync(&fx);
	id = case_of(&fx, id);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_KEEP, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "reason");
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_KEEP,
	                       "kritik av beslut, inte personangrepp", &fx.opts, NULL, &out, &e),
	          KV_OK);
	l = load(&fx, id);
	CHECK_STR(l->c.state, "kept");
	CHECK_STR(l->c.reason, "kritik av beslut, inte personangrepp");
	CHECK_STR(l->c.item_state, "visible");
	case_row_loaded_free(l);
	store_free(fx.s);
}

static void four_eyes_needs_another_person(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct cases_takedown by_hand = {.by_hand = 1};
	struct err e = {0};
	char sha[65];
	int64_t id;
	struct case_loaded *l;

	CHECK_INT(policy_set(test_op(fx.s, fx.org, "admin"), 0, "four_eyes", "yes", &e), KV_OK);
	id = put(&fx, "post1_1", "post1", "Hot mot dig", 0, "threat", at("2026-04-02T16:30"));
	sync(&fx);
	id = case_of(&fx, id);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha, &e), KV_OK);
	CHECK_INT(cases_confirm(test_op(fx.s, fx.org, "bo"), id, &fx.opts, &by_hand, &out, &e),
	          KV_ECONFLICT);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_HIDE, "hot", &fx.opts,
	                       &by_hand, &out, &e),
	          KV_OK);
	CHECK_STR(out.state, "pending_confirmation");
	CHECK_INT(out.done, 0);
	l = load(&fx, id);
	CHECK_STR(l->c.item_state, "visible");
	case_row_loaded_free(l);
	CHECK_INT(cases_confirm(test_op(fx.s, fx.org, "anna"), id, &fx.opts, &by_hand, &out, &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "cannot also confirm");
	CHECK_INT(cases_confirm(test_op(fx.s, fx.org, "bo"), id, &fx.opts, &by_hand, &out, &e),
	          KV_OK);
	CHECK_STR(out.state, "hidden");
	l = load(&fx, id);
	CHECK_STR(l->c.decided_by, "anna");
	CHECK_STR(l->c.confirmed_by, "bo");
	CHECK_STR(l->c.takedown_by, "bo");
	CHECK_STR(l->c.item_state, "hidden");
	case_row_loaded_free(l);
	store_free(fx.s);
}

static void an_edit_after_the_evidence_needs_new_evidence(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct err e = {0};
	char sha[65], sha2[65];
	int64_t item, id;

	item = put(&fx, "post1_1", "post1", "Hot", 0, "threat", at("2026-04-02T16:00"));
	sync(&fx);
	id = case_of(&fx, item);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha, &e), KV_OK);
	/* The new version is captured after the evidence was saved. */
	setenv("KANALVAKT_NOW", "2026-04-02T17:00:00+02:00", 1);
	put(&fx, "post1_1", "post1", "Hot, ändrat", 0, "threat", at("2026-04-02T16:59"));
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_HIDE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "newer than the saved evidence");
	setenv("KANALVAKT_NOW", "2026-04-02T17:05:00+02:00", 1);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha2, &e), KV_OK);
	CHECK(strcmp(sha, sha2) != 0);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_HIDE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_OK);
	store_free(fx.s);
}

static void damaged_evidence_blocks_removal(void)
{
	struct fixture fx = setup();
	struct cases_outcome out;
	struct err e = {0};
	char sha[65], path[4096];
	int64_t id;

	id = put(&fx, "post1_1", "post1", "Hot", 0, "threat", at("2026-04-02T16:00"));
	sync(&fx);
	id = case_of(&fx, id);
	CHECK_INT(cases_evidence_save(test_op(fx.s, fx.org, "anna"), id, sha, &e), KV_OK);
	CHECK_INT(blob_path(fx.s, sha, path, sizeof(path), &e), KV_OK);
	CHECK_INT(remove(path), 0);
	CHECK_INT(cases_decide(test_op(fx.s, fx.org, "anna"), id, CASE_HIDE, NULL, &fx.opts, NULL,
	                       &out, &e),
	          KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "does not verify");
	store_free(fx.s);
}

static void options_are_checked(void)
{
	struct cases_opts o;
	struct err e = {0};
	struct config *cfg = config_new();

	CHECK_INT(cases_opts_load(&o, NULL, &e), KV_OK);
	CHECK_STR(o.series_prefix, "KS");
	CHECK_INT(o.require_registration, 1);
	config_set(cfg, "cases", "series_prefix", "BUN");
	config_set(cfg, "cases", "require_registration", "no");
	CHECK_INT(cases_opts_load(&o, cfg, &e), KV_OK);
	CHECK_STR(o.series_prefix, "BUN");
	CHECK_INT(o.require_registration, 0);
	config_set(cfg, "cases", "series_prefix", "K S/");
	CHECK_INT(cases_opts_load(&o, cfg, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "series_prefix");
	config_set(cfg, "cases", "series_prefix", "KS");
	config_set(cfg, "cases", "require_registration", "kanske");
	CHECK_INT(cases_opts_load(&o, cfg, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "require_registration");
	config_free(cfg);
}

static int64_t count(struct fixture *fx, const char *sql)
{
	int64_t n = -1;
	struct err e = {0};
	const char *none[1] = {NULL};

	if (store_query_int(fx->s, &n, &e, sql, 0, none))
		test_fail(__FILE__, __LINE__, "%s: %s", sql, e.msg);
	return n;
}

/* Permissions are checked in the feature: a redaktör may not decide, a
 * moderator only on the accounts the role names, and four eyes holds
 * between two stored users. A refusal changes nothing. */
static void decisions_follow_the_principals_roles(void)
{
	struct fixture fx = setup();
	struct principal editor, mod_other, mod_here, mod_two;
	struct op_ctx op;
	struct cases_outcome out;
	struct cases_takedown by_hand = {.by_hand = 1};
	struct err e = {0};
	int64_t other = fx.account + 1000, audits, id;
	char sha[65];
	struct case_loaded *l;

	principal_init_user(&editor, 7, 0, "eva", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&editor, ROLE_EDITOR, 0, NULL, 0, &e), KV_OK);
	principal_init_user(&mod_other, 8, 0, "mats", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&mod_other, ROLE_MODERATOR, 0, &other, 1, &e), KV_OK);
	principal_init_user(&mod_here, 9, 0, "maja", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&mod_here, ROLE_MODERATOR, 0, &fx.account, 1, &e), KV_OK);
	principal_init_user(&mod_two, 10, 0, "mira", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&mod_two, ROLE_MODERATOR, 0, NULL, 0, &e), KV_OK);

	CHECK_INT(policy_set(test_op(fx.s, fx.org, "admin"), 0, "four_eyes", "yes", &e), KV_OK);
	id = put(&fx, "post1_9", "post1", "Hot mot dig", 0, "threat", at("2026-04-02T16:30"));
	sync(&fx);
	id = case_of(&fx, id);
	audits = count(&fx, "SELECT COUNT(*) FROM audit");

	op_ctx_init(&op, fx.s, fx.org, &editor, time_now());
	CHECK_INT(cases_evidence_save(&op, id, sha, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "eva may not case.decide");
	op.who = &mod_other;
	CHECK_INT(cases_evidence_save(&op, id, sha, &e), KV_EDENIED);
	CHECK_INT(count(&fx, "SELECT COUNT(*) FROM audit"), audits);
	l = load(&fx, id);
	CHECK(l->c.evidence_sha256 == NULL);
	case_row_loaded_free(l);

	op.who = &mod_here;
	CHECK_INT(cases_evidence_save(&op, id, sha, &e), KV_OK);
	CHECK_INT(cases_decide(&op, id, CASE_HIDE, "hot", &fx.opts, &by_hand, &out, &e), KV_OK);
	CHECK_STR(out.state, "pending_confirmation");
	CHECK_INT(cases_confirm(&op, id, &fx.opts, &by_hand, &out, &e), KV_EDENIED);
	op.who = &editor;
	CHECK_INT(cases_confirm(&op, id, &fx.opts, &by_hand, &out, &e), KV_EDENIED);
	op.who = &mod_two;
	CHECK_INT(cases_confirm(&op, id, &fx.opts, &by_hand, &out, &e), KV_OK);
	CHECK_STR(out.state, "hidden");
	l = load(&fx, id);
	CHECK_STR(l->c.confirmed_by, "mira");
	CHECK_STR(l->c.decided_by, "maja");
	case_row_loaded_free(l);
	store_free(fx.s);
}

TEST_MAIN(T(sync_opens_cases_for_violations_only), T(decisions_follow_the_principals_roles),
          T(sync_keeps_only_violation_categories_and_follows_policy),
          T(sync_sees_an_edit_that_adds_a_violation), T(removal_refused_without_evidence),
          T(evidence_document_holds_everything_and_is_logged),
          T(registration_numbers_count_up_and_are_never_reused),
          T(removal_needs_registration_then_is_recorded_by_hand),
          T(reklam_is_removed_without_registration), T(keep_needs_a_reason),
          T(four_eyes_needs_another_person), T(an_edit_after_the_evidence_needs_new_evidence),
          T(damaged_evidence_blocks_removal), T(options_are_checked))
