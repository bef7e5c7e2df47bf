/* Persistence of alerts (a surge of critical or prohibited comments on an
 * account, the same answer pasted to several people), plus the reads the
 * alert rules scan: flagged
 * incoming items and the accounts' own replies in a time range. Plain reads
 * and writes; the rules and the audit entries are in workflow/alerts. */
#ifndef KV_STORE_ALERT_ROWS_H
#define KV_STORE_ALERT_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

struct alert_row {
	int64_t id;
	int64_t account_id; /* 0 = the whole organisation */
	const char *account_handle;
	const char *platform;
	const char *kind;
	const char *dedup_key;
	const char *detail; /* JSON object */
	int64_t created_at;
	const char *acknowledged_by; /* NULL while open */
	int64_t acknowledged_at;
};

/* Inserts an alert unless one with dedup_key exists (in the caller's
 * transaction). *out_id receives the new id, or 0 when the key was already
 * taken and nothing was written. KV_EIO on database failure. */
int alert_row_insert(struct store *s, int64_t org, int64_t account_id, const char *kind,
                     const char *dedup_key, const char *detail, int64_t created_at, int64_t *out_id,
                     struct err *err);

struct alert_filter {
	int64_t org_id;
	int64_t id;       /* 0 = all */
	const char *kind; /* NULL = all */
	int open_only;    /* only alerts not acknowledged */
	int64_t since;    /* created_at >= since; 0 = all */
};

typedef int (*alerts_fn)(void *ctx, const struct alert_row *r);

/* Calls fn for each matching alert, newest first (rows borrowed for the
 * call). A non-zero return from fn stops the walk and is returned. */
int alert_row_each(struct store *s, const struct alert_filter *f, alerts_fn fn, void *ctx,
                   struct err *err);

/* Marks alert id of org acknowledged by `by` at `at`. KV_ENOTFOUND when there
 * is no such alert, KV_ECONFLICT when it was acknowledged before (err says
 * by whom). */
int alert_row_ack(struct store *s, int64_t org, int64_t id, const char *by, int64_t at,
                  struct err *err);

/* The dedup key of the newest alert of org whose key starts with prefix,
 * copied into out (cap bytes). KV_ENOTFOUND when there is none. */
int alert_row_last_key(struct store *s, int64_t org, const char *prefix, char *out, size_t cap,
                       struct err *err);

/* An incoming item whose screening flagged at least one category. */
struct alert_flagged {
	int64_t item_id;
	int64_t account_id;
	int64_t at;             /* created on the platform, else captured */
	const char *categories; /* comma list, as item_screening holds it */
};
typedef int (*alerts_flagged_fn)(void *ctx, const struct alert_flagged *r);

/* The screened incoming items of org with a non-empty category list whose
 * time is in [from, to), ordered by account, time, id. */
int alert_row_flagged_items(struct store *s, int64_t org, int64_t from, int64_t to,
                            alerts_flagged_fn fn, void *ctx, struct err *err);

/* A reply written by the account itself to someone else's item. */
struct alert_reply {
	int64_t item_id;
	int64_t account_id;
	int64_t at;
	const char *text;
	/* who was answered: the parent's author id (or name); when the parent
	 * was never captured, "parent:" and its platform id stands in */
	const char *addressee;
};
typedef int (*alerts_reply_fn)(void *ctx, const struct alert_reply *r);

/* The upprättad replies of org whose time is in [from, to) and whose parent
 * is not the account's own item, ordered by account, time, id. */
int alert_row_replies(struct store *s, int64_t org, int64_t from, int64_t to, alerts_reply_fn fn,
                      void *ctx, struct err *err);

#endif
