/* SQL for the consent register: consents to pictures and film of an
 * identifiable person (records/consent), the accounts each covers and the
 * own posts that use it. Rows in, rows out, in the caller's transaction;
 * the rules (guardians, periods, withdrawal) are in records/consent. */
#ifndef KV_STORE_CONSENT_ROWS_H
#define KV_STORE_CONSENT_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* One consent. Strings borrowed for a callback's duration; NULL for SQL
 * NULL. Dates are YYYY-MM-DD. */
struct consent_row {
	int64_t id;
	const char *person_name;
	const char *birth_date; /* NULL: not given */
	const char *guardian;   /* who signed for a minor; NULL: the person */
	const char *valid_from;
	const char *valid_to; /* NULL: until withdrawn */
	const char *document_name;
	const char *document_sha256; /* NULL once erased */
	int64_t document_bytes;
	const char *state; /* active, withdrawn */
	const char *created_by;
	int64_t created_at;
	const char *withdrawn_by;
	int64_t withdrawn_at;
	const char *withdraw_reason;
	int64_t erased_at;    /* 0: not erased (masked under the GDPR) */
	const char *accounts; /* "facebook/exempelbykommun,instagram/..." in id order */
	int64_t items;        /* linked posts still captured */
};

/* Inserts r (id, state and the withdrawal ignored) with the n accounts it
 * covers; its id in *out_id. KV_ECONFLICT when an account does not exist. */
int consent_row_insert(struct store *s, int64_t org, const struct consent_row *r,
                       const int64_t *accounts, size_t n, int64_t *out_id, struct err *err);

struct consent_filter {
	int64_t org_id;
	int64_t id;            /* 0 = all */
	int64_t account_id;    /* 0 = all: else those covering the account */
	const char *active_on; /* YYYY-MM-DD: only consents active that day; NULL = all */
	int64_t item_id;       /* 0 = all: else those linked to the item */
};

typedef int (*consent_row_fn)(void *ctx, const struct consent_row *r);

/* Calls fn for each matching consent, in id order. A non-zero return from
 * fn stops the walk (and is not an error). */
int consent_row_each(struct store *s, const struct consent_filter *f, consent_row_fn fn, void *ctx,
                     struct err *err);

/* The ids of the accounts consent id covers, in id order. */
typedef int (*consent_account_fn)(void *ctx, int64_t account_id);
int consent_row_accounts(struct store *s, int64_t id, consent_account_fn fn, void *ctx,
                         struct err *err);

/* A post linked to a consent, with its item when it is still captured
 * (found 0 once culled or erased: only the ids are left). */
struct consent_item_row {
	int64_t consent_id;
	int64_t item_id;
	const char *linked_by;
	int64_t linked_at;
	int found;
	int64_t account_id;
	const char *account; /* platform/handle */
	const char *platform_id;
	const char *kind;
	const char *state; /* the item's state on the platform (visible, hidden, deleted) */
	const char *permalink;
	int64_t created_at;
	int64_t case_id; /* 0: no case */
	const char *case_state;
};

typedef int (*consent_item_fn)(void *ctx, const struct consent_item_row *r);

/* The posts linked to consent id (0: to any consent of org), in item order. */
int consent_row_items(struct store *s, int64_t org, int64_t id, consent_item_fn fn, void *ctx,
                      struct err *err);

/* Links item to consent id: 1 when linked now, 0 when it was before. */
int consent_row_link(struct store *s, int64_t id, int64_t item, const char *by, int64_t at,
                     struct err *err);

/* Marks consent id withdrawn. KV_ENOTFOUND, KV_ECONFLICT when withdrawn
 * before (err says when and by whom). */
int consent_row_withdraw(struct store *s, int64_t org, int64_t id, const char *by, int64_t at,
                         const char *reason, struct err *err);

/* Masks consent id under the GDPR: the name becomes mask, the birth date,
 * the guardian and the document hash are cleared, erased_at set. The
 * accounts, the period and the links stay (what was published under which
 * consent). KV_ENOTFOUND. */
int consent_row_mask(struct store *s, int64_t org, int64_t id, const char *mask, int64_t at,
                     struct err *err);

/* 1 when a consent still refers to blob sha, 0 when not. */
int consent_row_blob_referenced(struct store *s, const char *sha, struct err *err);

#endif
