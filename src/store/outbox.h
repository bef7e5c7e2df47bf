/* Persistence of the mail outbox: each notice is queued once under a dedup
 * key, then sent, retried with a growing delay, or given up on. A row moves
 * queued -> sending (claimed) -> sent, or back to queued after a failed
 * attempt; a row found sending whose lease ran out was being sent when its
 * sender died (in doubt: see workflow/mail). Rows are
 * never deleted, so the outbox is also the record of what was sent. Not the
 * sending itself (workflow/mail) and not the audit entries. */
#ifndef KV_STORE_OUTBOX_H
#define KV_STORE_OUTBOX_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

struct outbox_row {
	int64_t id;
	const char *dedup_key;
	const char *recipients; /* comma-separated addresses */
	const char *subject;
	const char *body;
	int64_t created_at;
	int64_t attempts;
	int64_t next_attempt_at;
	int64_t sent_at; /* 0 while unsent */
	const char *last_error;
	const char *state;      /* "queued", "sending" or "sent" */
	const char *message_id; /* NULL until first claimed */
};

/* Queues a mail unless one with dedup_key exists (in the caller's
 * transaction); due at once. *out_id receives the new id, or 0 when the key
 * was taken and nothing was written. KV_EIO on database failure. */
int outbox_enqueue(struct store *s, int64_t org, const char *dedup_key, const char *recipients,
                   const char *subject, const char *body, int64_t now, int64_t *out_id,
                   struct err *err);

struct outbox_filter {
	int64_t org_id;
	int64_t id;      /* 0 = all */
	int unsent_only; /* only rows without sent_at */
};

typedef int (*outbox_fn)(void *ctx, const struct outbox_row *r);

/* Calls fn for each matching row in id order (borrowed for the call). A
 * non-zero return from fn stops the walk and is returned. */
int outbox_each(struct store *s, const struct outbox_filter *f, outbox_fn fn, void *ctx,
                struct err *err);

/* Ids of the unsent rows of org due at now (next_attempt_at <= now) with
 * fewer than max_attempts attempts, oldest first. *out owned by the caller
 * (free()); NULL when n is 0. */
int outbox_due(struct store *s, int64_t org, int64_t now, int64_t max_attempts, int64_t **out,
               size_t *n, struct err *err);

/* Claims row id for sending (in the caller's transaction, which must be
 * committed before the mail is sent): when it is unsent and due at now, sets
 * it sending with message_id (kept when it had one), moves its next attempt
 * to lease_until (so a second sender running at the same time skips it) and
 * sets *claimed to 1, and *in_doubt to 1 when it was already sending (its
 * sender died mid-attempt); otherwise *claimed is 0. */
int outbox_claim(struct store *s, int64_t id, int64_t now, int64_t lease_until,
                 const char *message_id, int *claimed, int *in_doubt, struct err *err);

/* Records a successful attempt: sent_at, one more attempt, no error. */
int outbox_mark_sent(struct store *s, int64_t id, int64_t at, struct err *err);

/* Records a failed attempt: one more attempt, the error, the next try. */
int outbox_mark_failed(struct store *s, int64_t id, const char *error, int64_t next_attempt_at,
                       struct err *err);

#endif
