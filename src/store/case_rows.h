/* Persistence of moderation cases (mod_case) and of the organisations'
 * registration series (registration_series): rows in, rows out, in the
 * caller's transaction. The rules (when a case opens, what a decision needs,
 * four eyes, registration, takedown, audit) are in workflow/cases. Also the
 * reads the evidence needs that store/items does not offer (raw versions,
 * the screening row). */
#ifndef KV_STORE_CASE_ROWS_H
#define KV_STORE_CASE_ROWS_H

#include "base/arena.h"
#include "base/err.h"

#include <stdint.h>

struct store;

/* One case with what is shown about its item and account. Strings are
 * borrowed (for a callback's duration, or from the arena of a loaded
 * case); NULL for SQL NULL. */
struct case_rec {
	int64_t id;
	int64_t org_id;
	int64_t account_id;
	int64_t item_id;
	const char *categories; /* comma list of violation categories */
	const char *state;      /* open, pending_confirmation, kept, hidden, removed */
	int64_t opened_at;
	int64_t due_at;
	const char *decision; /* keep, hide, remove; NULL while undecided */
	const char *reason;
	const char *decided_by;
	int64_t decided_at; /* 0 = not yet */
	const char *confirmed_by;
	int64_t confirmed_at;
	const char *evidence_sha256;
	int64_t evidence_at;
	const char *registration; /* "KS 2026/0001" */
	const char *external_ref;
	const char *takedown_via; /* "api" or "hand" */
	const char *takedown_by;
	int64_t takedown_at;
	const char *takedown_result;
	int64_t updated_at;
	/* From the item and the account (read only). */
	const char *platform;
	const char *account_handle;
	const char *account_url;
	const char *item_platform_id;
	const char *item_kind;
	const char *item_state;
	const char *author_id;
	const char *author_name;
	const char *text;
	int64_t item_created_at;
	int64_t item_captured_at;
	int history;  /* opened for an item captured long after it arrived */
	int item_own; /* the item is the account's own (upprättad) */
};

/* A loaded case: the record and the arena its strings live in. */
struct case_loaded {
	struct case_rec c;
	struct arena arena;
};

struct case_filter {
	int64_t org_id;
	int64_t account_id; /* 0 = all */
	int64_t case_id;    /* 0 = all */
	int open_only;      /* open or pending_confirmation */
	int64_t due_before; /* > 0: open cases due before this instant (overdue) */
	int taken_down;     /* hidden or removed: the register of removed content */
};

typedef int (*cases_fn)(void *ctx, const struct case_rec *c);

/* Calls fn for each matching case, most urgent first (open ones by due time,
 * then the rest newest first; the register of removed content by takedown
 * time). A non-zero return from fn stops the walk and is returned. */
int case_row_each(struct store *s, const struct case_filter *f, cases_fn fn, void *ctx,
                  struct err *err);

/* Loads case id of org. *out owned by the caller (case_row_loaded_free).
 * KV_ENOTFOUND "case N does not exist" when absent. */
int case_row_load(struct store *s, int64_t org, int64_t id, struct case_loaded **out,
                  struct err *err);
void case_row_loaded_free(struct case_loaded *l);

/* Opens a case for item_id unless it has one (history: the item is from an
 * archive, see workflow/cases). *out_id is the new case's id, or 0 when the
 * item already had a case (nothing written). */
int case_row_insert(struct store *s, int64_t org, int64_t account_id, int64_t item_id,
                    const char *categories, int64_t opened_at, int64_t due_at, int history,
                    int64_t *out_id, struct err *err);

/* Writes the mutable columns of c (state through takedown_result) to case
 * c->id, with updated_at = now. KV_ENOTFOUND when the case is gone. */
int case_row_update(struct store *s, const struct case_rec *c, int64_t now, struct err *err);

/* Takes the next number of the organisation's series prefix for year: 1 for
 * the first, then one more each time. Runs in the caller's transaction, so a
 * rollback gives the number back and a commit makes it used for good. */
int case_row_series_next(struct store *s, int64_t org, const char *prefix, int year, int64_t *out,
                         struct err *err);

/* An inkommen item whose screening flagged a category, not yet a case. */
struct case_candidate {
	int64_t item_id;
	int64_t account_id;
	const char *categories; /* item_screening.categories */
	int64_t created_at;     /* 0 when unknown */
	int64_t captured_at;
};
typedef int (*cases_candidate_fn)(void *ctx, const struct case_candidate *c);

/* Calls fn, in item order, for each inkommen item of org without a case
 * that has a flag row with an id above after_flag and a non-empty category
 * list, and sets *out_max_flag to the highest flag id there is (the next
 * call's after_flag). Flags rather than items are followed so that an edit
 * or a rescreen that flags an old item is seen too. */
int case_row_candidates(struct store *s, int64_t org, int64_t after_flag, cases_candidate_fn fn,
                        void *ctx, int64_t *out_max_flag, struct err *err);

/* The raw source JSON of each version of item_id, in version order (raw may
 * be NULL). */
typedef int (*cases_raw_fn)(void *ctx, int64_t version, const char *raw);
int case_row_item_raw(struct store *s, int64_t item_id, cases_raw_fn fn, void *ctx,
                      struct err *err);

/* The screening row of item_id: version screened, rule set, categories and
 * time. KV_ENOTFOUND when the item was never screened. Strings borrowed for
 * the call of fn. */
typedef int (*cases_screening_fn)(void *ctx, int64_t version, const char *ruleset,
                                  const char *categories, int64_t screened_at);
int case_row_item_screening(struct store *s, int64_t item_id, cases_screening_fn fn, void *ctx,
                            struct err *err);

/* A kept case whose item was edited after the decision and flagged again. */
struct case_edited {
	int64_t case_id;
	int64_t item_id;
	int64_t account_id;
	int64_t version;     /* the item's newest version */
	int64_t version_at;  /* when it was edited (0: unknown) */
	int64_t captured_at; /* when the edit was captured */
	const char *categories;
	const char *decided_by;
	int64_t decided_at;
	const char *reason;
};
typedef int (*cases_edited_fn)(void *ctx, const struct case_edited *e);

/* Calls fn for each kept case of org whose item has a flag row with an id in
 * (after_flag, max_flag] and a newest version captured after the decision:
 * an edit the moderator has not seen. A rescreen of the version that was
 * judged does not count. In case order. */
int case_row_kept_edited(struct store *s, int64_t org, int64_t after_flag, int64_t max_flag,
                         cases_edited_fn fn, void *ctx, struct err *err);

/* Opens kept case id again for categories, due at due_at: the decision,
 * its reason and its confirmation are cleared (the audit chain keeps them);
 * the evidence and the registration stay. KV_ENOTFOUND when the case is not
 * kept (any more). */
int case_row_reopen(struct store *s, int64_t id, const char *categories, int64_t due_at,
                    int64_t now, struct err *err);

#endif
