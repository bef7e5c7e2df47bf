/* SQL for requests under the GDPR (records/gdpr): the register of requests
 * (access, erasure) with their deadlines, and the reads that find where a
 * person occurs that no other table module offers (authorship, older
 * versions, texts with personal data, questions, the mail outbox). Rows in,
 * rows out, in the caller's transaction; what matches is decided in
 * records/gdpr. */
#ifndef KV_STORE_GDPR_ROWS_H
#define KV_STORE_GDPR_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* A request. Strings borrowed for a callback's duration; NULL for SQL NULL. */
struct gdpr_request_row {
	int64_t id;
	const char *kind; /* access, erasure */
	const char *name;
	const char *email;
	const char *phone;
	const char *personnummer;
	const char *handle;
	const char *received; /* YYYY-MM-DD */
	int64_t due_at;
	const char *state; /* open, closed */
	const char *note;
	const char *created_by;
	int64_t created_at;
	const char *last_action; /* JSON: the last find, extract or erase made for it */
	const char *closed_by;
	int64_t closed_at;
	const char *outcome;
};

/* Inserts r (state open); its id in *out_id. */
int gdpr_row_request_insert(struct store *s, int64_t org, const struct gdpr_request_row *r,
                            int64_t *out_id, struct err *err);

struct gdpr_request_filter {
	int64_t org_id;
	int64_t id;         /* 0 = all */
	int open_only;      /* state open */
	int64_t due_before; /* > 0: open requests due before this instant (overdue) */
};

typedef int (*gdpr_request_fn)(void *ctx, const struct gdpr_request_row *r);

/* Matching requests, open ones first by deadline, then the closed newest
 * first. A non-zero return from fn stops the walk. */
int gdpr_row_request_each(struct store *s, const struct gdpr_request_filter *f, gdpr_request_fn fn,
                          void *ctx, struct err *err);

/* Closes request id with outcome. KV_ENOTFOUND, KV_ECONFLICT when closed. */
int gdpr_row_request_close(struct store *s, int64_t org, int64_t id, const char *by, int64_t at,
                           const char *outcome, struct err *err);

/* Records the last action (JSON) made for request id. KV_ENOTFOUND. */
int gdpr_row_request_action(struct store *s, int64_t org, int64_t id, const char *action_json,
                            struct err *err);

/* Items of org written by author_id handle or by author_name name (either
 * may be NULL; names compared without regard to ASCII case). */
typedef int (*gdpr_item_fn)(void *ctx, int64_t item_id);
int gdpr_row_authored(struct store *s, int64_t org, const char *name, const char *handle,
                      gdpr_item_fn fn, void *ctx, struct err *err);

/* Texts of org's items to scan: with pii set, every version of the items
 * whose screening found personal data (contact, personal_id) and of the
 * account's own items (which are not screened); else the versions the
 * search index no longer holds (all but each item's current text). */
typedef int (*gdpr_text_fn)(void *ctx, int64_t item_id, int64_t version, const char *text);
int gdpr_row_texts(struct store *s, int64_t org, int pii, gdpr_text_fn fn, void *ctx,
                   struct err *err);
/* The current text of each of org's items, for an engine without the
 * search index (store_has_search). */
int gdpr_row_current_texts(struct store *s, int64_t org, gdpr_text_fn fn, void *ctx,
                           struct err *err);

/* The free texts of org's questions (note, forwarded_to, answer_text). */
struct gdpr_question_row {
	int64_t id;
	int64_t item_id;
	const char *state;
	const char *note;
	const char *forwarded_to;
	const char *answer_text;
};
typedef int (*gdpr_question_fn)(void *ctx, const struct gdpr_question_row *q);
int gdpr_row_questions(struct store *s, int64_t org, gdpr_question_fn fn, void *ctx,
                       struct err *err);

/* The mail outbox of org. */
struct gdpr_mail_row {
	int64_t id;
	const char *recipients;
	const char *subject;
	const char *body;
	int64_t created_at;
	int64_t sent_at; /* 0: not sent */
};
typedef int (*gdpr_mail_fn)(void *ctx, const struct gdpr_mail_row *m);
int gdpr_row_mail(struct store *s, int64_t org, gdpr_mail_fn fn, void *ctx, struct err *err);

#endif
