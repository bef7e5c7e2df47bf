/* Principals, the permission table, and the one definition of open and
 * overdue for cases and questions, tested at the boundary. */
#include "testlib.h"

#include "model/case_state.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "model/question_state.h"

static void roles_follow_the_table(void)
{
	struct principal p;
	struct err e = {0};
	int64_t kultur = 3;

	principal_init_user(&p, 1, 0, "eva", AUTH_PASSWORD);
	CHECK_INT(principal_can(&p, PERM_ITEM_READ, kultur), 0);
	CHECK_INT(principal_grant_add(&p, ROLE_EDITOR, 0, &kultur, 1, &e), KV_OK);
	CHECK_INT(principal_can(&p, PERM_INBOX_WORK, kultur), 1);
	CHECK_INT(principal_can(&p, PERM_INBOX_WORK, 4), 0);
	CHECK_INT(principal_can(&p, PERM_INBOX_WORK, 0), 0);
	CHECK_INT(principal_can_any(&p, PERM_INBOX_WORK), 1);
	CHECK_INT(principal_can_all(&p, PERM_INBOX_WORK), 0);
	CHECK_INT(principal_can(&p, PERM_CASE_DECIDE, kultur), 0);
	CHECK_INT(principal_require(&p, PERM_CASE_DECIDE, kultur, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "eva may not case.decide on account 3");
	CHECK_INT(principal_role_perms(ROLE_ADMIN), PERM_ALL);
	CHECK_INT(principal_role_perms(ROLE_ARCHIVIST) & PERM_RECORDS, PERM_RECORDS);
	CHECK_INT(principal_role_perms(ROLE_ANALYST) & PERM_CASE_DECIDE, 0);
}

static void custom_roles_name_their_permissions(void)
{
	struct principal p;
	struct err e = {0};
	uint32_t set = 0;
	enum role r;

	CHECK_INT(principal_perms_parse("item.read,stats.read", &set, &e), KV_OK);
	CHECK_INT(set, PERM_ITEM_READ | PERM_STATS_READ);
	CHECK_INT(principal_perms_parse("item.read,fly", &set, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'fly'");
	principal_init_user(&p, 2, 0, "ann", AUTH_TOKEN);
	CHECK_INT(principal_grant_add(&p, ROLE_CUSTOM, PERM_STATS_READ, NULL, 0, &e), KV_OK);
	CHECK_INT(principal_can(&p, PERM_STATS_READ, 9), 1);
	CHECK_INT(principal_can(&p, PERM_ITEM_READ, 9), 0);
	CHECK_INT(principal_role_from_name("redaktör", &r, &e), KV_OK);
	CHECK_INT(r, ROLE_EDITOR);
	CHECK_INT(principal_role_from_name("arkivarie", &r, &e), KV_OK);
	CHECK_INT(r, ROLE_ARCHIVIST);
	CHECK_INT(principal_role_from_name("chef", &r, &e), KV_EINVAL);
}

static void nobody_may_do_anything(void)
{
	struct principal p;
	struct op_ctx op;
	struct err e = {0};

	CHECK_INT(principal_can(NULL, PERM_ITEM_READ, 0), 0);
	principal_init_shell(&p, "anna");
	CHECK_INT(principal_can(&p, PERM_ALL, 0), 1);
	p.auth = AUTH_NONE;
	CHECK_INT(principal_can(&p, PERM_ITEM_READ, 0), 0);
	principal_init_system(&p, "kanalvakt");
	op_ctx_init(&op, NULL, 1, &p, 100);
	CHECK_STR(op_ctx_actor(&op), "kanalvakt");
	CHECK_INT(op_ctx_require(&op, PERM_RECORDS, 5, &e), KV_OK);
	CHECK_INT(principal_is(&p, "kanalvakt"), 1);
	CHECK_INT(principal_is(&p, "anna"), 0);
	CHECK_INT(principal_is(&p, NULL), 0);
}

static void overdue_means_after_the_deadline(void)
{
	int64_t due = 1000;

	CHECK_INT(case_state_is_overdue(CASE_STATE_OPEN, due, due - 1), 0);
	CHECK_INT(case_state_is_overdue(CASE_STATE_OPEN, due, due), 0);
	CHECK_INT(case_state_is_overdue(CASE_STATE_OPEN, due, due + 1), 1);
	CHECK_INT(case_state_is_overdue(CASE_STATE_PENDING_CONFIRMATION, due, due + 1), 1);
	CHECK_INT(case_state_is_overdue(CASE_STATE_HIDDEN, due, due + 1), 0);
	CHECK_INT(case_state_is_open(CASE_STATE_KEPT), 0);
	CHECK_INT(question_state_is_overdue(QUESTION_STATE_OPEN, due, due), 0);
	CHECK_INT(question_state_is_overdue(QUESTION_STATE_OPEN, due, due + 1), 1);
	/* Forwarded: still open (the reply answers it), but off the overdue list. */
	CHECK_INT(question_state_is_open(QUESTION_STATE_FORWARDED), 1);
	CHECK_INT(question_state_is_overdue(QUESTION_STATE_FORWARDED, due, due + 1), 0);
	CHECK_INT(question_state_is_open(QUESTION_STATE_ANSWERED), 0);
}

static void state_names_round_trip(void)
{
	struct err e = {0};
	enum case_state c;
	enum question_state q;

	for (int i = CASE_STATE_OPEN; i <= CASE_STATE_REMOVED; i++) {
		CHECK_INT(case_state_from_name(case_state_name((enum case_state)i), &c, &e), KV_OK);
		CHECK_INT(c, i);
	}
	for (int i = QUESTION_STATE_OPEN; i <= QUESTION_STATE_REFERRED; i++) {
		CHECK_INT(question_state_from_name(question_state_name((enum question_state)i), &q,
		                                   &e),
		          KV_OK);
		CHECK_INT(q, i);
	}
	CHECK_INT(case_state_from_name("closed", &c, &e), KV_EINVAL);
	CHECK_INT(question_state_from_name("", &q, &e), KV_EINVAL);
}

TEST_MAIN(T(roles_follow_the_table), T(custom_roles_name_their_permissions),
          T(nobody_may_do_anything), T(overdue_means_after_the_deadline), T(state_names_round_trip))
