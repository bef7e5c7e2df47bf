/* The feature calls that do not take an operation context yet, with the
 * context and the permission check in front: each checks the principal of op
 * for the account the call touches (a question's, a case's, an alert's) and
 * then calls the feature function as it is, acting as op's principal. Lists
 * show only the rows of the accounts the principal holds the permission for.
 * A call moves out of here once the feature function itself takes a
 * const struct op_ctx * and checks (the same name without "guard_"). */
#ifndef KV_WORKFLOW_GUARD_H
#define KV_WORKFLOW_GUARD_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "registry/registry.h"
#include "store/alerts.h"
#include "store/cases.h"
#include "store/questions.h"
#include "workflow/cases.h"
#include "workflow/policy.h"
#include "workflow/review.h"

#include <stddef.h>
#include <stdint.h>

/* Lists: fn sees only the rows op may read (item.read, case.read ...); a
 * positive return from fn stops the walk and is not an error. KV_EDENIED
 * when op may read none, or f names an account op may not read. */
int guard_inbox_list(const struct op_ctx *op, struct question_filter *f, questions_fn fn, void *ctx,
                     struct err *err);
int guard_inbox_assign(const struct op_ctx *op, int64_t id, const char *email, struct err *err);
int guard_inbox_forward(const struct op_ctx *op, int64_t id, const char *to, const char *note,
                        struct err *err);
int guard_inbox_close(const struct op_ctx *op, int64_t id, const char *as, const char *reason,
                      struct err *err);

int guard_cases_list(const struct op_ctx *op, struct case_filter *f, cases_fn fn, void *ctx,
                     struct err *err);
/* Loads case id for reading (case.read on its account). */
int guard_case_load(const struct op_ctx *op, int64_t id, struct case_loaded **out, struct err *err);
int guard_case_evidence(const struct op_ctx *op, int64_t id, char out[HASH_SHA256_HEX_LEN + 1],
                        struct err *err);
int guard_case_decide(const struct op_ctx *op, int64_t id, enum case_decision d, const char *reason,
                      const struct cases_opts *opts, const struct cases_takedown *t,
                      struct cases_outcome *out, struct err *err);
/* Four eyes: the decision's author (a principal's name) may not confirm. */
int guard_case_confirm(const struct op_ctx *op, int64_t id, const struct cases_opts *opts,
                       const struct cases_takedown *t, struct cases_outcome *out, struct err *err);
int guard_case_register(const struct op_ctx *op, int64_t id, int series, const char *external_ref,
                        const struct cases_opts *opts, char out[CASES_REG_MAX + 1],
                        struct err *err);

/* The review state of the accounts op may read items of (owned: free()). */
int guard_review_status(const struct op_ctx *op, struct review_state **out, size_t *n,
                        struct err *err);
int guard_review_mark(const struct op_ctx *op, int64_t account_id, const char *note,
                      int64_t *out_id, struct err *err);

int guard_alerts_list(const struct op_ctx *op, const struct alert_filter *f, alerts_fn fn,
                      void *ctx, struct err *err);
int guard_alert_ack(const struct op_ctx *op, int64_t id, struct err *err);
int guard_crisis_get(const struct op_ctx *op, int *on, struct err *err);
int guard_crisis_set(const struct op_ctx *op, int on, int *changed, struct err *err);

int guard_policy_show(const struct op_ctx *op, int64_t account_id, policy_show_fn fn, void *ctx,
                      struct err *err);
int guard_policy_set(const struct op_ctx *op, int64_t account_id, const char *key,
                     const char *value, struct err *err);

/* The register. account_load: register.read on the account (owned:
 * reg_account_free). accounts: the ids op may read, in register order
 * (owned: free()). */
int guard_accounts(const struct op_ctx *op, int64_t **out, size_t *n, struct err *err);
int guard_account_load(const struct op_ctx *op, int64_t id, struct account_rec **out,
                       struct err *err);
int guard_account_add(const struct op_ctx *op, const struct account_input *in, int64_t *out_id,
                      struct err *err);
int guard_account_activate(const struct op_ctx *op, int64_t id, struct check_problem **out_problems,
                           size_t *out_n, struct err *err);
int guard_account_deactivate(const struct op_ctx *op, int64_t id, struct err *err);
int guard_checklist_answer(const struct op_ctx *op, int64_t id, const char *key, const char *answer,
                           struct err *err);
/* The checks of one account (id) or of every account op may read (0). */
int guard_check(const struct op_ctx *op, int64_t id, struct registry_problem **out, size_t *n,
                struct err *err);
int guard_export_public(const struct op_ctx *op, struct buf *out, struct err *err);

#endif
