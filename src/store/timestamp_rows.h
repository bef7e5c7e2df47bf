/* Persistence of RFC 3161 time-stamp tokens (table timestamp_token): one row
 * per artefact stamped or waiting to be, and the head of the audit chain as
 * the thing a daily token stamps. Only rows; the policy (what is stamped,
 * retries, alerts) is records/timestamp. */
#ifndef KV_STORE_TIMESTAMP_ROWS_H
#define KV_STORE_TIMESTAMP_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

struct timestamp_row {
	int64_t id;
	int64_t org_id;
	const char
	        *kind; /* "package", "snapshot", "protokoll", "disclosure", "file", "audit-head" */
	const char *ref;    /* what is stamped: OBJID, path, "seq:N" */
	const char *path;   /* the file stamped, or NULL (audit head) */
	const char *sha256; /* the digest stamped, hex */
	const char *state;  /* "pending" or "stamped" */
	const void *token;  /* DER TimeStampResp, NULL while pending */
	size_t token_len;
	const char *tsa_url;
	const char *gen_time;
	int64_t attempts;
	const char *last_error;
	int64_t created_at;
	int64_t stamped_at;
};

/* Inserts r as a new row, or, when (org, kind, ref, sha256) is there already,
 * updates its state, token, time and error (in the caller's transaction).
 * *out_id gets the row id. */
int timestamp_row_put(struct store *s, const struct timestamp_row *r, int64_t *out_id,
                      struct err *err);

/* Calls fn for each row of org (0 = every organisation) in state (NULL =
 * all), oldest first; kind NULL = every kind. Rows borrowed for the call. */
typedef int (*timestamp_row_fn)(void *ctx, const struct timestamp_row *r);
int timestamp_row_each(struct store *s, int64_t org, const char *state, const char *kind,
                       timestamp_row_fn fn, void *ctx, struct err *err);

/* The newest row of org for path (any state), handed to fn. KV_ENOTFOUND
 * when the file was never stamped. */
int timestamp_row_for_path(struct store *s, int64_t org, const char *path, timestamp_row_fn fn,
                           void *ctx, struct err *err);

/* The head of the audit chain: its last sequence number and hash (65 bytes).
 * KV_ENOTFOUND when the chain is empty. */
int timestamp_row_audit_head(struct store *s, int64_t *seq, char hash[65], struct err *err);

/* The hash of audit entry seq (65 bytes). KV_ENOTFOUND when absent. */
int timestamp_row_audit_hash(struct store *s, int64_t seq, char hash[65], struct err *err);

/* 1 when org has a row of kind created at or after since, 0 when not. */
int timestamp_row_since(struct store *s, int64_t org, const char *kind, int64_t since,
                        struct err *err);

#endif
