/* SQL for drafts (table draft): the text, its media, what its writer said
 * about it, the last check and the answers to the publishing checklist, the
 * second reading, and how and where it was published. Rows only; the rules
 * (who may, what a publish needs, the audit) are in workflow/drafts. */
#ifndef KV_STORE_DRAFT_ROWS_H
#define KV_STORE_DRAFT_ROWS_H

#include "base/arena.h"
#include "base/err.h"

#include <stdint.h>

struct store;

/* One draft. Strings are NULL when not set; in a loaded draft they live in
 * its arena. */
struct draft_rec {
	int64_t id;
	int64_t org_id;
	int64_t account_id;
	const char *account;  /* "platform/handle" (read only) */
	const char *platform; /* the account's platform name (read only) */
	const char *text;
	const char *media; /* JSON array: [{"sha256","name","type","bytes","alt"}] */
	int shows_people;
	int sensitive;      /* marked sensitive by its writer */
	int64_t publish_at; /* 0: not scheduled */
	const char *state;  /* draft, publishing, published, cancelled */
	int64_t version;
	const char *check_json; /* the last check's result (JSON object) */
	int64_t check_version;  /* the version it was made for; 0: none */
	const char *checked_by;
	int64_t checked_at;
	int flagged;         /* the last check found it sensitive */
	const char *answers; /* JSON object: checklist key → "yes" | "no" */
	int64_t answers_version;
	const char *review; /* none, approved, rejected */
	int64_t review_version;
	const char *reviewed_by;
	int64_t reviewed_at;
	const char *review_reason;
	const char *created_by;
	int64_t created_person; /* the writer's person in the register; 0: none known */
	int64_t created_at;
	int64_t updated_at;
	const char *publish_error;
	int64_t published_at;
	const char *published_by;
	const char *published_via; /* api, hand */
	const char *platform_id;
	int64_t item_id;
};

struct draft_loaded {
	struct draft_rec d;
	struct arena arena;
};

/* Inserts r (its id, account and platform ignored); the new id in *out_id.
 * KV_ECONFLICT when the account does not exist. */
int draft_row_insert(struct store *s, const struct draft_rec *r, int64_t *out_id, struct err *err);

/* Writes every changeable column of r over draft r->id of r->org_id, only if
 * its updated_at is still expected_updated (someone else's change in the
 * meantime is KV_ECONFLICT). KV_ENOTFOUND when there is no such draft. */
int draft_row_update(struct store *s, const struct draft_rec *r, int64_t expected_updated,
                     struct err *err);

/* Loads draft id of org. *out owned by the caller (draft_row_loaded_free).
 * KV_ENOTFOUND naming the id. */
int draft_row_load(struct store *s, int64_t org, int64_t id, struct draft_loaded **out,
                   struct err *err);
void draft_row_loaded_free(struct draft_loaded *l);

struct draft_filter {
	int64_t org;
	int64_t account_id; /* 0: all */
	const char *state;  /* NULL: all */
	int64_t due_at;     /* not 0: only drafts scheduled at or before this,
	                       not failed, still in state draft */
};

/* Calls fn for each matching draft, newest first (due ones: earliest
 * first). The row is borrowed for the call; a non-zero return stops the
 * walk and is returned. */
typedef int (*draft_row_fn)(void *ctx, const struct draft_rec *d);
int draft_row_each(struct store *s, const struct draft_filter *f, draft_row_fn fn, void *ctx,
                   struct err *err);

/* Moves draft id from state draft to publishing when it is still at
 * updated_at (one caller wins: the others get 0). Returns 1 when claimed, 0
 * when not, a negative KV_E* on failure. */
int draft_row_claim(struct store *s, int64_t org, int64_t id, int64_t updated_at, int64_t now,
                    struct err *err);

/* The draft an item was published from: its id in *out, 0 when none. */
int draft_row_of_item(struct store *s, int64_t item_id, int64_t *out, struct err *err);

/* The number of the account's own posts (upprättad, no parent) written in
 * [from, to). */
int draft_row_own_posts(struct store *s, int64_t account_id, int64_t from, int64_t to, int64_t *out,
                        struct err *err);

/* 1 when the database holds a table named name (the consent register is
 * one, when installed), 0 when not, a negative KV_E* on failure. */
int draft_row_table_exists(struct store *s, const char *name, struct err *err);

#endif
