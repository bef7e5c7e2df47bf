/* Persistence of webhook deliveries: the raw signed body of every accepted
 * delivery, stored durably before it is acknowledged, recognised again by the
 * SHA-256 of its body (a repeated delivery is one row), and its processing
 * status (pending, done, failed with the error). Not the signature check
 * (http/webhook) and not the import of the items (capture/import). */
#ifndef KV_STORE_WEBHOOKS_H
#define KV_STORE_WEBHOOKS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* Stores a delivery unless one with the same body is stored already, and
 * commits it durably (on SQLite with synchronous=FULL for this write, so it
 * survives a power loss; a WAL commit with NORMAL may not). Must be called
 * outside a transaction. *out_id is the delivery's row id (the earlier one
 * for a repeat); *out_new is 1 when the row was added, 0 when the body was
 * seen before, in which case nothing changes. org 0 stores no organisation.
 * KV_EIO on database failure. */
int webhooks_insert(struct store *s, int64_t org, const char *source, const void *body, size_t len,
                    const char *signature, int64_t received_at, int64_t *out_id, int *out_new,
                    struct err *err);

struct webhook_filter {
	int64_t org_id;     /* 0 = all */
	int64_t id;         /* 0 = all */
	const char *status; /* "pending", "done", "failed" or NULL = all */
	int with_body;      /* 1 to read the body into the rows */
	int64_t limit;      /* 0 = no limit */
};

struct webhook_row {
	int64_t id;
	int64_t org_id; /* 0 when none */
	const char *source;
	const char *sha256;
	int64_t received_at;
	const char *signature; /* may be NULL */
	const void *body;      /* NULL unless with_body */
	size_t body_len;       /* always set */
	const char *status;
	const char *error;    /* may be NULL */
	int64_t processed_at; /* 0 when never */
};

/* Calls fn for each delivery matching f, oldest first. The row's strings and
 * body are borrowed for the call only. A non-zero return from fn stops the
 * walk and is returned. */
typedef int (*webhooks_fn)(void *ctx, const struct webhook_row *r);
int webhooks_each(struct store *s, const struct webhook_filter *f, webhooks_fn fn, void *ctx,
                  struct err *err);

/* The ids of the deliveries matching f, oldest first. *out is a heap array
 * owned by the caller (free()); NULL when *n is 0. */
int webhooks_ids(struct store *s, const struct webhook_filter *f, int64_t **out, size_t *n,
                 struct err *err);

/* Claims pending delivery id for the caller's transaction: 1 when it was
 * pending (its row is then locked until the transaction ends, so a second
 * process claiming it waits, and then finds it done), 0 when it is not
 * pending (done or failed by then), or a negative code. */
int webhooks_claim(struct store *s, int64_t id, struct err *err);

/* Records the outcome of processing delivery id: status "done" (error NULL),
 * "failed" with the error text, or "pending" to queue it again. Runs in the caller's transaction
 * when one is open. KV_ENOTFOUND when there is no such delivery, KV_EINVAL for another status. */
int webhooks_mark(struct store *s, int64_t id, const char *status, const char *error, int64_t at,
                  struct err *err);

#endif
