/* Persistence of the inbox: one question row per inkommen item that asks
 * something (table question), its state, due time, assignment, forwarding
 * and how it was closed; plus the item lookups the inbox needs to open and
 * close questions from captured threads. Only rows and queries: the rules
 * (when a question opens, what closes it, the audit) are in workflow/inbox. */
#ifndef KV_STORE_QUESTIONS_H
#define KV_STORE_QUESTIONS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* A question as listed: the row joined with its item, account and people.
 * Strings are borrowed for the callback; NULL when not set. */
struct question_row {
	int64_t id;
	int64_t account_id;
	const char *account; /* "platform/handle" */
	int64_t item_id;
	const char *state; /* open, answered, forwarded, no_answer, referred */
	int64_t arrived_at;
	int64_t due_at;
	const char *assigned_to; /* the person's e-mail */
	const char *forwarded_to;
	const char *note;
	int64_t answer_item_id; /* 0 = none */
	int64_t answered_at;    /* 0 = not answered */
	int64_t response_seconds;
	int has_response; /* response_seconds is set */
	const char *closed_by;
	int64_t updated_at;
	const char *author;
	const char *text;
	const char *permalink;
	const char *categories; /* the item's flagged screening categories, comma list */
	const char *item_platform_id;
	const char *item_root;  /* the item's thread root (platform id), NULL for a root */
	const char *answer_via; /* how an answer given in Kanalvakt went out: "api", "hand" */
};

struct question_filter {
	int64_t org;
	int64_t account_id; /* 0 = all */
	int64_t id;         /* 0 = all */
	const char *state;  /* a state name, or NULL for all */
	int64_t overdue_at; /* when not 0: only open questions due before this */
	int64_t now;        /* overdue open questions first, by due time */
	int64_t limit;      /* at most this many (0 = all) */
};

typedef int (*questions_fn)(void *ctx, const struct question_row *q);

/* Calls fn for each matching question: open ones due before f->now first,
 * then by due time, then by id. A non-zero return stops and is returned. */
int questions_each(struct store *s, const struct question_filter *f, questions_fn fn, void *ctx,
                   struct err *err);

/* A new question. answer_item_id 0 = still open. */
struct question_new {
	int64_t org;
	int64_t account_id;
	int64_t item_id;
	int64_t arrived_at;
	int64_t due_at;
	int64_t answer_item_id;
	int64_t answered_at;
	int64_t response_seconds;
	const char *closed_by;
	/* A question recorded closed as needing no answer (history), with the
	 * reason in note; 0 for an open (or answered) one. */
	int no_answer;
	const char *note;
	int64_t now;
};

/* Inserts a question (in the caller's transaction); *out_id gets its id.
 * KV_ECONFLICT when the item already has one. */
int questions_insert(struct store *s, const struct question_new *q, int64_t *out_id,
                     struct err *err);

/* Whether item_id already has a question (*out 1 or 0). */
int questions_exists(struct store *s, int64_t item_id, int *out, struct err *err);

/* A change of state. Fields left 0/NULL are kept as they are, except that
 * state is always written. */
struct question_change {
	const char *state;
	int64_t assigned_to; /* person id */
	const char *forwarded_to;
	const char *note;
	int64_t answer_item_id;
	int64_t answered_at;
	int64_t response_seconds;
	int set_response; /* write response_seconds */
	const char *closed_by;
	const char *answer_text; /* an answer given in Kanalvakt */
	const char *answer_via;  /* "api" (posted through the platform's API) or "hand" */
	int64_t now;
};

/* Applies c to question id of org (in the caller's transaction).
 * KV_ENOTFOUND (err set) when there is no such question. */
int questions_update(struct store *s, int64_t org, int64_t id, const struct question_change *c,
                     struct err *err);

/* One captured item as the inbox reads it. */
struct qitem {
	int64_t id;
	int64_t account_id;
	const char *platform_id;
	const char *parent; /* platform id or NULL */
	const char *root;   /* platform id or NULL */
	int upprattad;
	int64_t at;          /* created_at, or captured_at when the platform gave none */
	int64_t captured_at; /* when Kanalvakt captured it */
	int question;        /* screened as a question */
	const char *categories;
};

/* Up to limit items of org with an id above after, in id order. */
typedef int (*qitem_fn)(void *ctx, const struct qitem *it);
int questions_scan_items(struct store *s, int64_t org, int64_t after, int64_t limit, qitem_fn fn,
                         void *ctx, struct err *err);

/* The inkommen items of org with an id up to upto that were screened (again:
 * a rescreen, or an edit) at or after since as questions and have no
 * question yet, in id order; *out_max_screened is the latest screening time
 * among them (since when there are none). */
int questions_scan_rescreened(struct store *s, int64_t org, int64_t since, int64_t upto,
                              qitem_fn fn, void *ctx, int64_t *out_max_screened, struct err *err);

/* The earliest upprättad item of account whose parent is platform_id (an
 * item in thread root; NULL when the item is itself a thread root) and that
 * is not older than since: its id and time (KV_ENOTFOUND, err not set, when
 * none). */
int questions_find_reply(struct store *s, int64_t account_id, const char *platform_id,
                         const char *root, int64_t since, int64_t *out_item, int64_t *out_at,
                         struct err *err);

/* With parent: the unclosed (open or forwarded) question of account whose
 * item has platform id parent. Without (parent NULL): the oldest unclosed
 * question in thread root that arrived at or before `before`.
 * Its id and arrival (KV_ENOTFOUND, err not set, when none). */
int questions_find_unanswered(struct store *s, int64_t account_id, const char *parent,
                              const char *root, int64_t before, int64_t *out_id,
                              int64_t *out_arrived, struct err *err);

#endif
