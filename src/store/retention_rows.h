/* Persistence of the records rules: retention plans (every version loaded is
 * kept, with its text and its rules), legal and case holds, and the accounts
 * as the culling sees them. Rows in, rows out, in the caller's transaction;
 * what a plan means and what may be culled is records/. */
#ifndef KV_STORE_RETENTION_ROWS_H
#define KV_STORE_RETENTION_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* One rule of a plan: a record class for the organisation (account_id 0)
 * or one account. action is "keep", "after" (months after the item's time)
 * or "closed" (once the account is closed). */
struct retention_rule_row {
	int64_t account_id;
	const char *class_name;
	const char *action;
	int64_t months;
	int archive_first;
	const char *source;
	int64_t line;
};

struct retention_plan_row {
	int64_t id;
	int64_t version;
	const char *name;
	const char *file;
	const char *sha256;
	const char *body;
	const char *loaded_by;
	int64_t loaded_at;
};

/* Stores a new plan version (one more than the organisation's highest) and
 * returns its id and version. */
int retention_rows_plan_insert(struct store *s, int64_t org, const char *name, const char *file,
                               const char *sha256, const char *body, const char *loaded_by,
                               int64_t loaded_at, int64_t *out_id, int64_t *out_version,
                               struct err *err);
int retention_rows_rule_insert(struct store *s, int64_t plan_id, const struct retention_rule_row *r,
                               struct err *err);

/* The plan of version (0 = the newest) of org, to fn (strings borrowed for
 * the call). KV_ENOTFOUND "no retention plan is loaded" / "no plan version N". */
typedef int (*retention_plan_fn)(void *ctx, const struct retention_plan_row *p);
int retention_rows_plan_get(struct store *s, int64_t org, int64_t version, retention_plan_fn fn,
                            void *ctx, struct err *err);
/* Every plan version of org, oldest first. */
int retention_rows_plan_each(struct store *s, int64_t org, retention_plan_fn fn, void *ctx,
                             struct err *err);
typedef int (*retention_rule_fn)(void *ctx, const struct retention_rule_row *r);
/* The rules of plan_id, organisation rules first, then by account and line. */
int retention_rows_rules(struct store *s, int64_t plan_id, retention_rule_fn fn, void *ctx,
                         struct err *err);

/* An account as the culling sees it. */
struct retention_account_row {
	int64_t id;
	const char *platform;
	const char *handle;
	const char *status;
	const char *closed_on; /* YYYY-MM-DD or NULL */
};
typedef int (*retention_account_fn)(void *ctx, const struct retention_account_row *a);
int retention_rows_accounts(struct store *s, int64_t org, retention_account_fn fn, void *ctx,
                            struct err *err);

/* A hold. kind is account, case, item or thread; account_id, item_id and
 * thread_root say what it covers (0/NULL where not given). */
struct hold_row {
	int64_t id;
	const char *kind;
	const char *ref;
	int64_t account_id;
	int64_t item_id;
	const char *thread_root;
	const char *reason;
	const char *created_by;
	int64_t created_at;
	const char *released_by;
	int64_t released_at;
	const char *release_reason;
};
int retention_rows_hold_insert(struct store *s, int64_t org, const struct hold_row *h,
                               int64_t *out_id, struct err *err);
/* Marks hold id released. KV_ENOTFOUND "hold N does not exist",
 * KV_ECONFLICT "hold N was released on ..." when released before. */
int retention_rows_hold_release(struct store *s, int64_t org, int64_t id, const char *by,
                                int64_t at, const char *reason, struct err *err);
typedef int (*hold_fn)(void *ctx, const struct hold_row *h);
/* Holds of org, oldest first; active_only leaves out released ones. */
int retention_rows_holds(struct store *s, int64_t org, int active_only, hold_fn fn, void *ctx,
                         struct err *err);

/* What a case, an item or a thread is, for a hold on it. KV_ENOTFOUND
 * naming it when it does not exist in org. */
int retention_rows_case_target(struct store *s, int64_t org, int64_t case_id, int64_t *out_account,
                               int64_t *out_item, char *root, size_t rootsz, struct err *err);
int retention_rows_item_target(struct store *s, int64_t org, int64_t item_id, int64_t *out_account,
                               struct err *err);
/* The account of the thread whose root has platform id root (limited to
 * account when not 0). KV_ENOTFOUND when no item has it as root or id,
 * KV_ECONFLICT when it is found on more than one account. */
int retention_rows_thread_target(struct store *s, int64_t org, int64_t account, const char *root,
                                 int64_t *out_account, struct err *err);

/* The cases of org registered (diarieförda: case.register in the audit
 * chain) at from <= at < to (ISO 8601 UTC, as the chain writes them), in
 * the order they were registered. For the diarieföring export. */
typedef int (*retention_case_fn)(void *ctx, int64_t case_id);
int retention_rows_cases_registered(struct store *s, int64_t org, const char *from, const char *to,
                                    retention_case_fn fn, void *ctx, struct err *err);

#endif
