/* Persistence of culling on the platform: the account's own posts the
 * culling looks at, its runs (proposed, running, done) and what became of
 * each post a run took up. Rows in, rows out, in the caller's transaction;
 * deciding what may be deleted is records/platcull. */
#ifndef KV_STORE_PLATCULL_ROWS_H
#define KV_STORE_PLATCULL_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* An own post still on the platform, and what keeps it there. Strings
 * borrowed for the call. */
struct platcull_post_row {
	int64_t id;
	const char *platform_id;
	const char *root;           /* its thread root's platform id (its own for a root) */
	int64_t at;                 /* created_at, else captured_at */
	int64_t case_id;            /* 0 = none */
	const char *question_state; /* NULL = not a question */
};
typedef int (*platcull_post_fn)(void *ctx, const struct platcull_post_row *r);
/* The upprättade posts of account on org not deleted on the platform and
 * written before cutoff, oldest first. */
int platcull_rows_posts(struct store *s, int64_t org, int64_t account, int64_t cutoff,
                        platcull_post_fn fn, void *ctx, struct err *err);

/* One run. */
struct platcull_run_row {
	int64_t id;
	int64_t account_id;
	int64_t months;
	int64_t as_of;
	int64_t cutoff;
	int by_hand;
	const char *state; /* proposed, running, done */
	const char *proposed_by;
	int64_t proposed_at;
	const char *confirmed_by; /* NULL when no second person was asked */
	int64_t finished_at;
	const char *list_sha256;
	const char *protokoll;
	const char *protokoll_pdf_sha256; /* the protokoll as PDF/A in the blob store; NULL until
	                                     done */
};
int platcull_rows_run_insert(struct store *s, int64_t org, const struct platcull_run_row *r,
                             int64_t *out_id, struct err *err);
/* Sets state, confirmed_by (when not NULL), finished_at, list hash and
 * protokoll (when not NULL) of run id. */
int platcull_rows_run_update(struct store *s, int64_t id, const char *state,
                             const char *confirmed_by, int64_t finished_at, const char *list_sha256,
                             const char *protokoll, struct err *err);
/* Notes the blob holding run id's protokoll as PDF/A. */
int platcull_rows_run_pdf(struct store *s, int64_t id, const char *sha256, struct err *err);

typedef int (*platcull_run_fn)(void *ctx, const struct platcull_run_row *r);
/* Run id of org (KV_ENOTFOUND "platform culling run N does not exist"), or
 * all its runs (id 0), oldest first. */
int platcull_rows_runs(struct store *s, int64_t org, int64_t id, platcull_run_fn fn, void *ctx,
                       struct err *err);

/* What became of one post in a run: proposed, deleted, failed, held,
 * action, not_archived. */
struct platcull_entry_row {
	int64_t item_id;
	const char *platform_id;
	int64_t item_at;
	const char *outcome;
	const char *detail; /* the request and answer, or the error; may be NULL */
	int64_t at;         /* when the outcome was reached; 0 = not yet */
};
/* Inserts or replaces the entry of (run, e->item_id). */
int platcull_rows_entry_put(struct store *s, int64_t run, const struct platcull_entry_row *e,
                            struct err *err);
typedef int (*platcull_entry_fn)(void *ctx, const struct platcull_entry_row *e);
/* The entries of run in platform id order. */
int platcull_rows_entries(struct store *s, int64_t run, platcull_entry_fn fn, void *ctx,
                          struct err *err);

#endif
