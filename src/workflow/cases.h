/* Moderation cases: an inkommen item flagged with a violation opens a case
 * due at the removal deadline; the evidence (every version, the sender, the
 * times, the thread, the flags) is saved to the blob store and its hash to
 * the audit chain; then the case is decided: keep (with a reason), hide or
 * remove. Hide and remove are refused until the evidence is saved, may need
 * a second person (four eyes) and, for removal, a registration number; the
 * takedown goes through the platform's API where it can, else it is recorded
 * as done by hand. Not the HTTP (capture/takedown), not the SQL (store/case_rows).
 * Every call takes the operation context: the actor is its principal (four
 * eyes compares principals), the clock its now; saving evidence, deciding and
 * confirming need PERM_CASE_DECIDE on the case's account, registering
 * PERM_CASE_REGISTER, the sync PERM_CASE (the system's passes hold it). */
#ifndef KV_WORKFLOW_CASES_H
#define KV_WORKFLOW_CASES_H

#include "base/err.h"
#include "base/hash.h"
#include "model/op_ctx.h"
#include "store/case_rows.h"
#include "workflow/sync.h"

#include <jansson.h>
#include <stdint.h>

struct config;
struct store;

#define CASES_PREFIX_MAX 32
#define CASES_REG_MAX    200

struct case_rec;

/* 1 when case c is open past its deadline (model/case_state). */
int cases_is_overdue(const struct case_rec *c, int64_t now);

/* The JSON view of a case, as the CLI, the API and the archive print it
 * (new reference; NULL when out of memory). */
json_t *cases_view_json(const struct case_rec *c, int64_t now);

/* Calls fn for each case matching f (f->org_id is op's) on an account the
 * principal may read (PERM_CASE_READ); KV_EDENIED when it reads none. */
int cases_list(const struct op_ctx *op, const struct case_filter *f, cases_fn fn, void *ctx,
               struct err *err);

/* One case as shown to a person: the case and whether its saved evidence
 * still hashes to what was recorded. */
struct cases_shown {
	struct case_loaded *l; /* owned: case_row_loaded_free */
	int evidence_verified; /* -1 no evidence saved, 0 damaged or gone, 1 intact */
	char evidence_path[4096];
	char evidence_problem[ERR_MSG_MAX];
};

/* Loads case id for the principal (PERM_CASE_READ on its account) and checks
 * its evidence. KV_ENOTFOUND for an unknown case. */
int cases_show(const struct op_ctx *op, int64_t id, struct cases_shown *out, struct err *err);

/* cases_view_json of a shown case with evidence_verified, evidence_path and
 * (when damaged) evidence_problem. */
json_t *cases_shown_json(const struct cases_shown *sh, int64_t now);

/* Settings from the configuration file's [cases] section. */
struct cases_opts {
	char series_prefix[CASES_PREFIX_MAX]; /* series_prefix, default "KS" */
	int require_registration;             /* require_registration, default yes: a removal
	                                         (not of reklam alone) needs a number first */
};

/* Reads [cases] from cfg (NULL: the defaults). KV_EINVAL naming the key for
 * a prefix that is empty, too long or not letters, digits, '-' and '.', or
 * a require_registration that is not yes/no. */
int cases_opts_load(struct cases_opts *out, const struct config *cfg, struct err *err);

/* The workflow part (see workflow/sync.h): opens a case for each inkommen
 * item of org with a violation category in its screening that has none,
 * looking at flags written since its cursor ("cases" in workflow_cursor,
 * which for this part holds an item_flag id). Due at the account's removal
 * deadline (policy) counted from the item's creation time (its capture time
 * when the platform gave none). Each opening is audited ("case.open"). */
int cases_sync(const struct op_ctx *op, struct workflow_sync_report *rep, struct err *err);

/* Builds the evidence document of case id (JSON, see docs/workflow.md),
 * writes it to the blob store and records its SHA-256 in the case and in
 * the audit chain ("case.evidence"), all as actor. The hash goes to out.
 * KV_ENOTFOUND for an unknown case, KV_ECONFLICT for a case already decided
 * (keep, hidden, removed), KV_EIO when the blob cannot be written. */
int cases_evidence_save(const struct op_ctx *op, int64_t id, char out[HASH_SHA256_HEX_LEN + 1],
                        struct err *err);

/* Opens a case for item_id by hand (case.decide on its account), for the
 * violation categories given (a comma list) or, when NULL, those the item
 * was flagged with. The removal deadline runs as for a case the sync
 * opens. KV_ENOTFOUND for an unknown item, KV_EINVAL naming categories when
 * there is no violation category, KV_ECONFLICT when the item has a case. */
int cases_open(const struct op_ctx *op, int64_t item_id, const char *categories, int64_t *out_id,
               struct err *err);

/* Opens a case to take item_id down for a reason that arose at since (a
 * withdrawn consent: records/consent), for the violation categories given;
 * its removal deadline runs from since as for any case. Needs PERM_CONSENT
 * on the item's account. The item's case in *out_id, *out_opened 1 when it
 * was opened now, 0 when the item had one already (that case is the one to
 * work). Runs inside the caller's transaction when one is open. KV_ENOTFOUND
 * for an unknown item, KV_EINVAL when categories name no violation. */
int cases_open_takedown(const struct op_ctx *op, int64_t item_id, const char *categories,
                        int64_t since, int64_t *out_id, int *out_opened, struct err *err);

enum case_decision {
	CASE_KEEP = 0,
	CASE_HIDE,
	CASE_REMOVE,
};

/* "keep", "hide", "remove" and back; -1 / KV_EINVAL for anything else. */
const char *cases_decision_name(enum case_decision d);
int cases_decision_from_name(const char *s, enum case_decision *out);

/* How a takedown is carried out. */
struct cases_takedown {
	const struct config *cfg; /* platform settings (tokens, base URLs); may be NULL */
	int by_hand;              /* record it as done by hand, without the API */
};

/* What a decision or confirmation led to. */
struct cases_outcome {
	char state[24];    /* the case's new state */
	int done;          /* 1 when the item was hidden or removed now */
	int via_api;       /* 1 through the platform's API, 0 by hand */
	char detail[1400]; /* the request sent and its status, or why by hand */
};

/* Decides case id as actor. keep needs a reason (KV_EINVAL without) and
 * closes the case. hide and remove are refused with KV_ECONFLICT until the
 * evidence is saved (and still verifies, and covers the item's newest
 * version); remove of anything but reklam alone is refused with KV_ECONFLICT
 * until the case is registered, when opts require it. With four eyes on for
 * the account (policy), hide and remove only propose: the case waits in
 * pending_confirmation for cases_confirm by someone else. Otherwise the
 * takedown runs now (see cases_confirm). A pending case may be decided
 * anew. KV_ECONFLICT for a case already closed. */
int cases_decide(const struct op_ctx *op, int64_t id, enum case_decision d, const char *reason,
                 const struct cases_opts *opts, const struct cases_takedown *t,
                 struct cases_outcome *out, struct err *err);

/* Confirms the hide or remove proposed on case id and carries it out.
 * KV_EDENIED when actor is the one who proposed it, KV_ECONFLICT when the
 * case is not pending confirmation or is no longer ready (evidence,
 * registration). The takedown goes through the platform's API when the
 * platform can do it and a token is configured, unless t->by_hand; else it
 * is recorded as done by hand by actor. An API failure (KV_EIO, KV_EDENIED)
 * leaves the case as it was, records the failure in the case and the audit
 * chain, and says so in err. On success the item gets a hidden or deleted
 * event (source "kanalvakt") and every change is audited. */
int cases_confirm(const struct op_ctx *op, int64_t id, const struct cases_opts *opts,
                  const struct cases_takedown *t, struct cases_outcome *out, struct err *err);

/* Registers case id as actor: with series 1 the next number of the
 * organisation's series for the current year ("KS 2026/0001"; a number
 * once committed is never given again, and a failed registration does not
 * use one up), else the external reference external_ref (an ärende number
 * in another system). The registration goes to out. KV_ECONFLICT when the
 * case is already registered, KV_EINVAL for an empty or overlong reference. */
int cases_register(const struct op_ctx *op, int64_t id, int series, const char *external_ref,
                   const struct cases_opts *opts, char out[CASES_REG_MAX + 1], struct err *err);

#endif
