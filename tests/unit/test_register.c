/* Tests for model/register: every named check fires on exactly the defect it
 * names, and field validation names the field. */
#include "testlib.h"

#include "model/register.h"

#include <stdio.h>

static struct person_ref admins_ok[2] = {{.id = 11, .exists = 1, .active = 1, .name = "A"},
                                         {.id = 12, .exists = 1, .active = 1, .name = "B"}};
static unsigned char all_answered[64];

/* An account that passes every check. */
static struct account_view good(void)
{
	struct account_view a = {
	        .id = 1,
	        .platform = PLATFORM_FACEBOOK,
	        .handle = "exempelby",
	        .url = "https://www.facebook.com/exempelby",
	        .status = ACCOUNT_PROPOSED,
	        .unit_id = 3,
	        .unit_exists = 1,
	        .purpose = "Informera invånare",
	        .goal = "Fler nöjda invånare",
	        .audience = "Invånare",
	        .responsible = {.id = 11, .exists = 1, .active = 1, .name = "A"},
	        .deputy = {.id = 12, .exists = 1, .active = 1, .name = "B"},
	        .decided_by = {.id = 13, .exists = 1, .active = 1, .name = "C"},
	        .decided_on = "2026-01-15",
	        .decision_ref = "KS 2026/0001",
	        .posts_per_week = 3,
	        .house_rules = "Håll god ton.",
	        .policydoc_id = 1,
	        .admins = admins_ok,
	        .n_admins = 2,
	};
	for (size_t i = 0; i < register_checklist_count; i++)
		all_answered[i] = 1;
	a.answered = all_answered;
	return a;
}

/* Asserts that a breaks exactly the rule named id. */
static void expect_only(const struct account_view *a, const char *id)
{
	struct check_problem p[32];
	size_t n = register_check_account(a, p, 32);

	if (n != 1) {
		for (size_t i = 0; i < n && i < 32; i++)
			fprintf(stderr, "    got %s\n", p[i].rule->id);
		test_fail(__FILE__, __LINE__, "expected only %s, got %zu problems", id, n);
	}
	CHECK_STR(p[0].rule->id, id);
}

static void good_account_passes(void)
{
	struct account_view a = good();
	struct check_problem p[32];

	CHECK_INT(register_check_account(&a, p, 32), 0);
}

static void rule_no_purpose(void)
{
	struct account_view a = good();

	a.purpose = "  ";
	expect_only(&a, "no_purpose");
	a.purpose = NULL;
	expect_only(&a, "no_purpose");
}

static void rule_no_goal(void)
{
	struct account_view a = good();

	a.goal = NULL;
	expect_only(&a, "no_goal");
}

static void rule_no_audience(void)
{
	struct account_view a = good();

	a.audience = "";
	expect_only(&a, "no_audience");
}

static void rule_no_url(void)
{
	struct account_view a = good();

	a.url = NULL;
	expect_only(&a, "no_url");
}

static void rule_unit_missing_or_closed(void)
{
	struct account_view a = good();

	a.unit_id = 0;
	expect_only(&a, "unit_missing");
	a = good();
	a.unit_exists = 0;
	expect_only(&a, "unit_missing");
	a = good();
	a.unit_closed = 1;
	expect_only(&a, "unit_missing");
}

static void rule_no_responsible(void)
{
	struct account_view a = good();

	a.responsible = (struct person_ref){0};
	expect_only(&a, "no_responsible");
}

static void rule_no_deputy(void)
{
	struct account_view a = good();

	a.deputy = (struct person_ref){0};
	expect_only(&a, "no_deputy");
}

static void rule_deputy_is_responsible(void)
{
	struct account_view a = good();

	a.deputy = a.responsible;
	expect_only(&a, "deputy_is_responsible");
}

static void rule_too_few_admins(void)
{
	struct account_view a = good();
	struct person_ref one_gone[2] = {admins_ok[0], admins_ok[1]};

	a.n_admins = 1;
	expect_only(&a, "too_few_admins");
	a.n_admins = 0;
	expect_only(&a, "too_few_admins");
	/* Two listed, but one has left: only one can administer, and the person
	 * rule names who left. */
	one_gone[1].active = 0;
	a.admins = one_gone;
	a.n_admins = 2;
	{
		struct check_problem p[32];
		size_t n = register_check_account(&a, p, 32);

		CHECK_INT(n, 2);
		CHECK_STR(p[0].rule->id, "too_few_admins");
		CHECK_STR(p[1].rule->id, "person_inactive");
		CHECK_CONTAINS(p[1].detail, "administratör B");
	}
}

static void rule_person_inactive(void)
{
	struct account_view a = good();

	a.deputy.active = 0;
	expect_only(&a, "person_inactive");
	a = good();
	a.responsible.exists = 0;
	expect_only(&a, "person_inactive");
}

static void rule_no_decision(void)
{
	struct account_view a = good();

	a.decided_by = (struct person_ref){0};
	expect_only(&a, "no_decision");
	a = good();
	a.decided_on = NULL;
	expect_only(&a, "no_decision");
}

static void rule_no_decision_ref(void)
{
	struct account_view a = good();

	a.decision_ref = NULL;
	expect_only(&a, "no_decision_ref");
}

static void rule_checklist_incomplete(void)
{
	struct account_view a = good();
	unsigned char some[64] = {0};
	struct check_problem p[4];

	for (size_t i = 0; i < register_checklist_count; i++)
		some[i] = 1;
	some[register_checklist_find("risker")] = 0;
	a.answered = some;
	expect_only(&a, "checklist_incomplete");
	CHECK_INT(register_check_account(&a, p, 4), 1);
	CHECK_CONTAINS(p[0].detail, "risker");
	a.answered = NULL;
	expect_only(&a, "checklist_incomplete");
}

static void rule_no_house_rules(void)
{
	struct account_view a = good();

	a.house_rules = NULL;
	expect_only(&a, "no_house_rules");
}

static void rule_no_posting_target(void)
{
	struct account_view a = good();

	a.posts_per_week = -1;
	expect_only(&a, "no_posting_target");
}

static void closed_accounts_are_not_checked(void)
{
	struct account_view a = good();
	struct check_problem p[4];

	a.status = ACCOUNT_CLOSED;
	a.purpose = NULL;
	CHECK_INT(register_check_account(&a, p, 4), 0);
}

static void rule_ids_are_unique_and_messages_swedish(void)
{
	for (size_t i = 0; i < register_check_rule_count; i++) {
		CHECK(register_check_rules[i].message[0] != '\0');
		for (size_t j = i + 1; j < register_check_rule_count; j++)
			CHECK(strcmp(register_check_rules[i].id, register_check_rules[j].id) != 0);
	}
}

static void checklist_has_the_policy_items(void)
{
	const char *keys[] = {"syfte",
	                      "mal",
	                      "budskap",
	                      "malgrupp",
	                      "kanal",
	                      "kontotyp",
	                      "avtal",
	                      "funktion_och_teknik",
	                      "resurser",
	                      "bevakning",
	                      "avsandare",
	                      "risker",
	                      "diarieforing_gallring_arkivering",
	                      "kriskommunikation",
	                      "marknadsforing",
	                      "informationskrav"};

	CHECK_INT(register_checklist_count, sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK(register_checklist_find(keys[i]) >= 0);
	CHECK_INT(register_checklist_find("Mål"), register_checklist_find("mal"));
	CHECK_INT(register_checklist_find("nonsense"), -1);
}

static void platforms_round_trip(void)
{
	enum platform p;

	for (int i = 0; i < PLATFORM_COUNT; i++) {
		CHECK_INT(register_platform_from_name(register_platform_name((enum platform)i), &p),
		          KV_OK);
		CHECK_INT(p, i);
	}
	CHECK_INT(register_platform_from_name("myspace", &p), KV_EINVAL);
	CHECK_INT(register_platform_from_name("Facebook", &p), KV_OK);
}

static void validation_names_the_field(void)
{
	struct err e;
	char big[REG_FIELD_MAX + 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(register_validate_text("--purpose", big, REG_FIELD_MAX, 0, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--purpose: too long");
	CHECK_INT(register_validate_text("--goal", "bad \xff utf", 100, 0, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--goal: invalid UTF-8 at byte 4");
	CHECK_INT(register_validate_text("--name", "", 100, 1, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--name: a value is required");
	CHECK_INT(register_validate_date("--decided-on", "2026-02-29", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--decided-on");
	CHECK_INT(register_validate_date("--decided-on", "2028-02-29", &e), KV_OK);
	CHECK_INT(register_validate_email("--email", "no-at-sign", &e), KV_EINVAL);
	CHECK_INT(register_validate_email("--email", "a@b.se", &e), KV_OK);
	CHECK_INT(register_validate_url("--url", "javascript:alert(1)", &e), KV_EINVAL);
	CHECK_INT(register_validate_url("--url", "https://x.se/a", &e), KV_OK);
}

TEST_MAIN(T(good_account_passes), T(rule_no_purpose), T(rule_no_goal), T(rule_no_audience),
          T(rule_no_url), T(rule_unit_missing_or_closed), T(rule_no_responsible), T(rule_no_deputy),
          T(rule_deputy_is_responsible), T(rule_too_few_admins), T(rule_person_inactive),
          T(rule_no_decision), T(rule_no_decision_ref), T(rule_checklist_incomplete),
          T(rule_no_house_rules), T(rule_no_posting_target), T(closed_accounts_are_not_checked),
          T(rule_ids_are_unique_and_messages_swedish), T(checklist_has_the_policy_items),
          T(platforms_round_trip), T(validation_names_the_field))
