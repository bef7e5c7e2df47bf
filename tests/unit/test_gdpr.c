/* GDPR requests: identifiers checked by the screening detectors; a person
 * found by authorship, in the search index, in an earlier version only, by
 * phone number and personnummer however written; erasure that culls only
 * what the retention plan lets go (never without a plan, never what led to
 * an open case) and says why; the one-month deadline and its alert. */
#include "testlib.h"
#include "wf_fixture.h"

#include "records/gdpr.h"
#include "records/retention.h"
#include "store/case_rows.h"

#include <stdlib.h>
#include <string.h>

/* The ids of the places of kind in res, as "1,4". */
static void ids_of(json_t *res, const char *kind, char *out, size_t cap)
{
	json_t *p;
	size_t i, len = 0;

	out[0] = '\0';
	json_array_foreach(json_object_get(res, "places"), i, p)
	{
		if (strcmp(json_string_value(json_object_get(p, "kind")), kind) == 0)
			len += (size_t)snprintf(
			        out + len, cap - len, "%s%lld", len ? "," : "",
			        (long long)json_integer_value(json_object_get(p, "id")));
	}
}

static void identifiers_are_checked(void)
{
	struct gdpr_subject none = {0}, mail = {.email = "anna(at)example.se"},
	                    phone = {.phone = "12345"}, pnr = {.personnummer = "811228-9875"},
	                    good = {.email = "anna@example.se",
	                            .phone = "070-123 45 67",
	                            .personnummer = "19811228-9874"};
	struct err e = {0};

	CHECK_INT(gdpr_subject_check(&none, &e), KV_EINVAL);
	CHECK_INT(gdpr_subject_check(&mail, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--email");
	CHECK_INT(gdpr_subject_check(&phone, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--phone");
	CHECK_INT(gdpr_subject_check(&pnr, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "check digit");
	CHECK_INT(gdpr_subject_check(&good, &e), KV_OK);
}

static void finds_every_place(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op(fx.s, fx.org, "arkiv");
	struct gdpr_subject name = {.name = "anna svensson"}, phone = {.phone = "+46 70 123 45 67"},
	                    pnr = {.personnummer = "198112289874"};
	struct err e = {0};
	char ids[256];
	json_t *res = NULL;
	int64_t a, b, c, d;

	a = wf_item_text(&fx, "c1", 0, "2026-03-10T12:00", "Anna Svensson", "Fint!");
	b = wf_item_text(&fx, "c2", 0, "2026-03-10T12:05", "Per Holm",
	                 "Hälsa Anna Svensson från mig.");
	c = wf_item_text(&fx, "c3", 0, "2026-03-10T12:10", "Lisa Berg", "Anna Svensson var där.");
	/* c3 is edited: the name is in its first version only. */
	wf_item_text(&fx, "c3", 0, "2026-03-10T12:10", "Lisa Berg", "Någon var där.");
	d = wf_item_text(
	        &fx, "p1", 1, "2026-03-10T10:00", "sjovik",
	        "Frågor? Ring 070-123 45 67, eller personnummer 811228-9874 på blanketten.");
	wf_item_text(&fx, "c4", 0, "2026-03-10T12:20", "Bo", "Ring 070-999 88 77.");
	CHECK_INT(gdpr_find(op, &name, 0, &res, &e), KV_OK);
	ids_of(res, "item", ids, sizeof(ids));
	{
		char want[64];

		snprintf(want, sizeof(want), "%lld,%lld,%lld", (long long)a, (long long)b,
		         (long long)c);
		CHECK_STR(ids, want);
	}
	json_decref(res);
	CHECK_INT(gdpr_find(op, &phone, 0, &res, &e), KV_OK);
	ids_of(res, "item", ids, sizeof(ids));
	{
		char want[32];

		snprintf(want, sizeof(want), "%lld", (long long)d);
		CHECK_STR(ids, want);
	}
	json_decref(res);
	CHECK_INT(gdpr_find(op, &pnr, 0, &res, &e), KV_OK);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(res, "counts"), "item")), 1);
	json_decref(res);
	/* The audit chain records that a search was made, not for whom. */
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'gdpr.find'"), 3);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'gdpr.find'"
	                        " AND (after LIKE '%anna%' OR after LIKE '%9874%')"),
	          0);
	store_free(fx.s);
}

static const char plan[] = "plan: Prov\n"
                           "[organisation]\n"
                           "upprattade | bevaras | nej | DHP 1.1\n"
                           "inkomna | gallras omedelbart | nej | DHP 1.2\n";

static const char *kept_code(json_t *res, int64_t item)
{
	json_t *k;
	size_t i;

	json_array_foreach(json_object_get(res, "kept"), i, k)
	{
		if (strcmp(json_string_value(json_object_get(k, "kind")), "item") == 0 &&
		    json_integer_value(json_object_get(k, "id")) == item)
			return json_string_value(json_object_get(k, "code"));
	}
	return NULL;
}

static void erasure_follows_the_plan(void)
{
	struct wf fx = wf_setup();
	int64_t now = wf_at("2026-04-06T10:00");
	const struct op_ctx *op = test_op_at(fx.s, fx.org, "arkiv", now);
	struct gdpr_subject s = {.name = "Anna Svensson"};
	struct gdpr_erase_opts dry = {.reason = "Begäran 1", .dry_run = 1},
	                       real = {.reason = "Begäran 1"};
	int64_t plain, flagged, own, version = 0, case_id = 0;
	struct err e = {0};
	json_t *res = NULL;

	plain = wf_item_text(&fx, "c1", 0, "2026-03-10T12:00", "Anna Svensson", "Fint!");
	flagged = wf_item_text(&fx, "c2", 0, "2026-03-10T12:05", "Anna Svensson", "Ni är idioter.");
	own = wf_item_text(&fx, "p1", 1, "2026-03-10T10:00", "sjovik",
	                   "Tack Anna Svensson för bilden!");
	CHECK_INT(case_row_insert(fx.s, fx.org, fx.fb, flagged, "defamation_insult", now,
	                          now + 3600, 0, &case_id, &e),
	          KV_OK);
	/* No plan: nothing may be culled, whatever is asked. */
	CHECK_INT(gdpr_erase(op, &s, &real, &res, &e), KV_OK);
	CHECK_INT(json_array_size(json_object_get(res, "erased")), 0);
	CHECK_STR(kept_code(res, plain), "no_plan");
	CHECK_CONTAINS(json_string_value(json_object_get(res, "statement")),
	               "Offentlighetsprincipen går före");
	json_decref(res);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 3);
	CHECK_INT(retention_load(op, "plan.txt", plan, sizeof(plan) - 1, &version, &e), KV_OK);
	/* A dry run says what would go and changes nothing. */
	CHECK_INT(gdpr_erase(op, &s, &dry, &res, &e), KV_OK);
	CHECK_INT(json_array_size(json_object_get(res, "erased")), 1);
	CHECK(json_is_true(json_object_get(res, "dry_run")));
	json_decref(res);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 3);
	CHECK_INT(gdpr_erase(op, &s, &real, &res, &e), KV_OK);
	CHECK_INT(json_array_size(json_object_get(res, "erased")), 1);
	CHECK_INT(json_integer_value(
	                  json_object_get(json_array_get(json_object_get(res, "erased"), 0), "id")),
	          plain);
	/* Kept: the comment that led to an open case, the own post by the plan. */
	CHECK_STR(kept_code(res, flagged), "action");
	CHECK_STR(kept_code(res, own), "rule");
	CHECK(json_is_integer(json_object_get(res, "cull_run")));
	/* Proposed for takedown: her comments still up on the page. */
	CHECK_INT(json_array_size(json_object_get(res, "proposed_takedowns")), 2);
	json_decref(res);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item WHERE platform_id = 'c1'"), 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM item"), 2);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM cull_run WHERE state = 'done'"), 1);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'gdpr.erase'"), 2);
	store_free(fx.s);
}

static void a_month_to_answer(void)
{
	struct wf fx = wf_setup();
	int64_t now = wf_at("2026-03-02T10:00"), due = 0, id = 0, raised = -1;
	const struct op_ctx *op = test_op_at(fx.s, fx.org, "arkiv", now);
	struct gdpr_subject s = {.name = "Anna Svensson"};
	struct err e = {0};

	CHECK_INT(gdpr_due("2026-01-31", &due, &e), KV_OK);
	CHECK_INT(due, wf_at("2026-02-28T23:59:59"));
	CHECK_INT(gdpr_due("2026-12-15", &due, &e), KV_OK);
	CHECK_INT(due, wf_at("2027-01-15T23:59:59"));
	CHECK_INT(gdpr_due("2026-02-29", &due, &e), KV_EINVAL);
	CHECK_INT(gdpr_request_add(op, "rectification", &s, "2026-01-31", NULL, &id, &e),
	          KV_EINVAL);
	CHECK_INT(gdpr_request_add(op, "access", &s, "2026-03-05", NULL, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "future");
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM gdpr_request"), 0);
	CHECK_INT(gdpr_request_add(op, "access", &s, "2026-01-31", "Per brev", &id, &e), KV_OK);
	CHECK_INT(gdpr_request_add(op, "erasure", &s, "2026-02-20", NULL, &id, &e), KV_OK);
	/* 2026-03-02: the first is past 2026-02-28, the second due 2026-03-20. */
	CHECK_INT(gdpr_requests_check(op, &raised, &e), KV_OK);
	CHECK_INT(raised, 1);
	CHECK_INT(gdpr_requests_check(op, &raised, &e), KV_OK);
	CHECK_INT(raised, 0);
	CHECK_INT(gdpr_request_close(op, 1, "", &e), KV_EINVAL);
	CHECK_INT(gdpr_request_close(op, 1, "Registerutdrag skickat", &e), KV_OK);
	CHECK_INT(gdpr_request_close(op, 1, "Igen", &e), KV_ECONFLICT);
	CHECK_INT(gdpr_request_close(op, 9, "Igen", &e), KV_ENOTFOUND);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action LIKE 'gdpr.request.%'"
	                        " AND after LIKE '%Anna%'"),
	          0);
	store_free(fx.s);
}

TEST_MAIN(T(identifiers_are_checked), T(finds_every_place), T(erasure_follows_the_plan),
          T(a_month_to_answer))
