/* Activity checks over what an account itself has posted (captured
 * upprättad posts): no own post within the weekly limit, none within the
 * inactivity limit (propose closing), fewer posts per week than the target,
 * more posts in a day than allowed. Named rules with Swedish messages, like
 * the register checks (model/register), reported by `account check`. */
#ifndef KV_WORKFLOW_ACTIVITY_H
#define KV_WORKFLOW_ACTIVITY_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "model/register.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* The activity rules in report order. They reuse struct check_rule for its
 * id, severity and message; test is NULL because they read captured items,
 * not the register entry, and are run by activity_check(). */
extern const struct check_rule activity_rules[];
extern const size_t activity_rule_count;

struct activity_problem {
	int64_t account_id;
	char account[160]; /* "platform/handle" */
	const struct check_rule *rule;
	char detail[256];
};

/* Runs the activity rules at instant now over the active accounts of org
 * (account_id 0) or one account. Accounts with no captured item at all are
 * skipped: there is nothing to judge their activity by. *out owned by the
 * caller (free()); *n how many problems. KV_EIO on a database failure,
 * KV_EINVAL when an account's policy does not parse. */
int activity_check(const struct op_ctx *op, int64_t account_id, struct activity_problem **out,
                   size_t *n, struct err *err);

#endif
