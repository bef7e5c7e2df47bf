/* Legal and case holds: while a hold is active nothing it covers is culled
 * (an account, a case with its item and thread, an item, a thread). Adding
 * and releasing, both audited with a reason; the set of active holds as the
 * culling asks it. Not the culling (records/cull). */
#ifndef KV_RECORDS_HOLDS_H
#define KV_RECORDS_HOLDS_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/retention_rows.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum hold_kind {
	HOLD_ACCOUNT = 0,
	HOLD_CASE,
	HOLD_ITEM,
	HOLD_THREAD,
};

/* What a hold is put on: kind and ref ("exempelbykommun", "12", "2048_1001");
 * for a thread, account (may be NULL) says on which account when the
 * platform id is on several. */
struct hold_target {
	enum hold_kind kind;
	const char *ref;
	const char *account;
};

/* Adds a hold after checking that what it names exists (KV_ENOTFOUND naming
 * it otherwise; KV_EINVAL for an empty reason). Audited as hold.add. Needs
 * PERM_RECORDS. */
int holds_add(const struct op_ctx *op, const struct hold_target *t, const char *reason,
              int64_t *out_id, struct err *err);

/* Releases hold id with a reason, audited as hold.release. KV_ENOTFOUND,
 * KV_ECONFLICT when released before. */
int holds_release(const struct op_ctx *op, int64_t id, const char *reason, struct err *err);

/* Calls fn for each hold (active_only: not released), oldest first. */
int holds_list(const struct op_ctx *op, int active_only, hold_fn fn, void *ctx, struct err *err);

/* A hold as JSON (new reference): the view the CLI's --json and the API
 * print. */
json_t *holds_json(const struct hold_row *h);

/* Finds hold id (any state) and gives it to fn; KV_ENOTFOUND otherwise. */
int holds_show(const struct op_ctx *op, int64_t id, hold_fn fn, void *ctx, struct err *err);

/* The active holds, loaded for the culling. */
struct holds_set {
	struct holds_active {
		int64_t id;
		enum hold_kind kind;
		int64_t account_id;
		int64_t item_id;
		char root[160];
	} * h;
	size_t n;
};
int holds_load(const struct op_ctx *op, struct holds_set *out, struct err *err);
void holds_set_done(struct holds_set *hs);
/* The id of an active hold covering the item (account, item id, its
 * thread's root platform id), 0 when none. */
int64_t holds_covering(const struct holds_set *hs, int64_t account, int64_t item, const char *root);

#endif
