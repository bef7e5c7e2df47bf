/* The consent register for pictures and film of identifiable people (ÖS
 * "samtyckesblankett för bildanvändande"; NY "Foto och film"; TI 4.4): who
 * consented, for which accounts and period, the signed form (in the blob
 * store with its SHA-256), a guardian's signature for a minor, the own posts
 * that use the consent, and its withdrawal, which opens a case to take each
 * of those posts down. Personal data stays in the register's own rows: the
 * audit chain gets ids and hashes, never the name. Needs PERM_CONSENT on
 * the accounts concerned. Not the GDPR requests (records/gdpr). */
#ifndef KV_RECORDS_CONSENT_H
#define KV_RECORDS_CONSENT_H

#include "base/err.h"
#include "base/hash.h"
#include "model/op_ctx.h"
#include "store/consent_rows.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct config;

/* ÖS: "Är personen under 13 år måste målsman skriva under blanketten";
 * Tibro says 16 ([consent] guardian_age = 16). */
#define CONSENT_GUARDIAN_AGE_DEFAULT 13
#define CONSENT_NAME_MAX             200
#define CONSENT_REASON_MAX           2000
#define CONSENT_DOCUMENT_MAX         ((size_t)32 << 20)
#define CONSENT_SCOPE_MAX            64

/* The case categories a withdrawal opens takedown cases with: a picture of
 * an identifiable person is personal data, published without a basis once
 * the consent is gone. */
#define CONSENT_CASE_CATEGORIES "personal_id"

struct consent_opts {
	int guardian_age; /* under this age a guardian signs; [consent] guardian_age */
};

/* Reads [consent] from cfg (NULL: the defaults). KV_EINVAL naming the key
 * for a guardian_age that is not a whole number from 1 to 18. */
int consent_opts_load(struct consent_opts *out, const struct config *cfg, struct err *err);

struct consent_input {
	const char *person_name;
	const char *birth_date;   /* YYYY-MM-DD or NULL */
	const char *guardian;     /* NULL: the person signed */
	const char *const *scope; /* account references (id, handle, platform/handle) */
	size_t n_scope;
	const char *valid_from;    /* YYYY-MM-DD */
	const char *valid_to;      /* YYYY-MM-DD or NULL: until withdrawn */
	const char *document_name; /* the file's name, for the record */
	const void *document;      /* the signed form */
	size_t document_len;
};

/* Adds a consent: checks every field (KV_EINVAL naming it: an empty name, a
 * date that is not a real YYYY-MM-DD, a period ending before it starts, a
 * birth date after the start, an empty or too large document, no scope; a
 * minor by the birth date on the first day without a guardian), resolves
 * the scope (KV_ENOTFOUND naming the account), stores the document in the
 * blob store and the consent, audited as consent.add. Nothing is written
 * on any error. */
int consent_add(const struct op_ctx *op, const struct consent_opts *o,
                const struct consent_input *in, int64_t *out_id, struct err *err);

/* The consents matching f (f->org_id is op's) that op may see: those with
 * an account in their scope op holds PERM_CONSENT for. */
int consent_list(const struct op_ctx *op, const struct consent_filter *f, consent_row_fn fn,
                 void *ctx, struct err *err);

/* The JSON view of a consent as of now (active, expired), as the CLI and
 * the API print it. New reference; NULL when out of memory. */
json_t *consent_view_json(const struct consent_row *r, int64_t now);

/* Consent id with its posts: the view plus "posts", each post with its
 * account, state and case. KV_ENOTFOUND, KV_EDENIED. */
int consent_show(const struct op_ctx *op, int64_t id, json_t **out, struct err *err);

/* Links consent id to item (an upprättad post on an account of its scope,
 * published within its period). KV_EINVAL for a comment by others or a post
 * outside the scope or period, KV_ECONFLICT for a withdrawn consent,
 * KV_ENOTFOUND. *out_linked 0 when it was linked before. Audited. */
int consent_link(const struct op_ctx *op, int64_t id, int64_t item, int *out_linked,
                 struct err *err);

/* Withdraws consent id (reason required) and, in the same transaction,
 * opens a case (CONSENT_CASE_CATEGORIES, due by the account's removal
 * deadline from now) for each linked post still captured and not already
 * taken down. *out (owned) is {consent, posts: [{item, account, platform_id,
 * permalink, state, case, case_opened}]}. KV_ECONFLICT when withdrawn
 * before. Audited as consent.withdraw. */
int consent_withdraw(const struct op_ctx *op, int64_t id, const char *reason, json_t **out,
                     struct err *err);

/* The register check: an alert (kind consent_expired, once per consent and
 * post) for each post still up whose consent's period has ended. The number
 * of new alerts in *out_new. Needs PERM_ALERT_WORK. */
int consent_check_expired(const struct op_ctx *op, int64_t *out_new, struct err *err);

/* 1 for an item state that is off the platform (deleted, hidden). */
int consent_taken_down(const char *state);

/* Masks consent id under the GDPR (its name replaced by mask, birth date,
 * guardian and the form's hash cleared; period, scope and links kept) in
 * the caller's transaction, audited as consent.erase. The form's hash goes
 * to doc_sha ("" when there was none) so the caller can remove the blob
 * once committed. Needs PERM_GDPR. KV_ENOTFOUND. */
int consent_mask(const struct op_ctx *op, int64_t id, const char *mask,
                 char doc_sha[HASH_SHA256_HEX_LEN + 1], struct err *err);

/* Today's date (YYYY-MM-DD, Swedish local time) at t, into out. */
void consent_date_of(char out[11], int64_t t);

#endif
