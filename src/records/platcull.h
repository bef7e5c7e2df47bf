/* Culling on the platform (ÖS: own posts stay at most 18 months on Facebook
 * and Instagram, then are deleted there): the account's upprättade posts
 * older than its policy's platform_keep_months, checked as the local cull
 * checks (under a hold, led to an action, archived first), deleted through
 * the platform's API (capture/takedown) or recorded as deleted by hand, each
 * deletion an item event from kanalvakt and an audit entry; under four eyes
 * a run is proposed by one person and carried out when another confirms.
 * Every run keeps its own protokoll (docs/records.md). Not the local
 * culling (records/cull). */
#ifndef KV_RECORDS_PLATCULL_H
#define KV_RECORDS_PLATCULL_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/platcull_rows.h"

#include <stddef.h>
#include <stdint.h>

struct config;

struct platcull_opts {
	int64_t account_id;
	int64_t as_of;            /* the instant the limit is applied at; 0 = op->now */
	int dry_run;              /* list only */
	int by_hand;              /* the posts were deleted on the platform by hand: record that */
	const struct config *cfg; /* the account's connector settings (token, base_url) */
};

/* One post a run took up. */
struct platcull_post {
	int64_t item_id;
	char platform_id[160];
	int64_t at;
	const char *outcome; /* due (dry run), proposed, deleted, failed, held, action,
	                      * not_archived, gone */
	char detail[1400];
};

struct platcull_report {
	int64_t run_id;    /* 0 in a dry run */
	const char *state; /* "dry_run", "proposed", "done" */
	char account[200];
	int64_t months;
	int64_t as_of;
	int64_t cutoff; /* posts written before this are due */
	int four_eyes;
	char proposed_by[128];
	int64_t deleted, failed, kept;
	char list_sha256[65];
	size_t n;
	struct platcull_post *posts; /* owned; platcull_report_done */
};
void platcull_report_done(struct platcull_report *r);

/* Runs the culling on the platform for o->account_id. KV_EINVAL when the
 * account's platform_keep_months is 0 (not culled there) or, unless by
 * hand, no token is configured; KV_ENOTFOUND for an unknown account. A dry
 * run changes nothing. Under four eyes (the policy's four_eyes) the run is
 * only proposed: state "proposed", nothing sent. Otherwise each due post
 * is deleted; a platform failure leaves the post as it was, is recorded
 * and audited, and the rest go on. Needs PERM_RECORDS. */
int platcull_run(const struct op_ctx *op, const struct platcull_opts *o,
                 struct platcull_report *out, struct err *err);

/* Carries out proposed run id (o: cfg and by_hand; the rest is the
 * proposal's), checking each post again. KV_EDENIED when op's principal
 * proposed it; KV_ECONFLICT when it is not waiting for confirmation. */
int platcull_confirm(const struct op_ctx *op, int64_t id, const struct platcull_opts *o,
                     struct platcull_report *out, struct err *err);

/* The runs of op's organisation, oldest first. */
int platcull_list(const struct op_ctx *op, platcull_run_fn fn, void *ctx, struct err *err);

/* Run id's protokoll as JSON (made from its entries while it is not done),
 * *out owned by the caller (free()). */
int platcull_protokoll(const struct op_ctx *op, int64_t id, char **out, struct err *err);

/* The SHA-256 of done run id's protokoll as PDF/A-1b in the blob store
 * (written when the run is done). KV_ENOTFOUND for an unknown run or one not
 * done. Needs PERM_RECORDS. */
int platcull_protokoll_pdf(const struct op_ctx *op, int64_t id, char sha[65], struct err *err);

#endif
