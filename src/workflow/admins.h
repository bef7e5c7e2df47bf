/* ÖS: "restriktiva med ... administratör": an alert when an account has
 * more administrators (the people with admin rights on the platform account,
 * as the register lists them) than the policy allows ([alerts] max_admins,
 * default 2). Run by the notify pass. Not the users of Kanalvakt itself. */
#ifndef KV_WORKFLOW_ADMINS_H
#define KV_WORKFLOW_ADMINS_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <stdint.h>

struct config;

#define ADMINS_MAX_DEFAULT 2

/* [alerts] max_admins: a number from 1 to 100; the default when unset.
 * KV_EINVAL naming the key. */
int admins_limit_load(int64_t *out, const struct config *cfg, struct err *err);

/* Raises an "admins" alert for each account op may read that has more than
 * max administrators (once per account and count). *out_new (may be NULL)
 * receives the number of new alerts. Needs alert.work. */
int admins_check(const struct op_ctx *op, int64_t max, int64_t *out_new, struct err *err);

#endif
