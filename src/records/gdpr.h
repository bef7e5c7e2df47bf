/* Requests from a person under the GDPR: where they occur (art. 15: items
 * and their versions, cases, questions, consents, the mail outbox, the
 * register of people, the audit chain), the register extract (JSON and
 * PDF/A), erasure (art. 17) of what may go and the reason for what may not,
 * and the register of requests with its one-month deadline (art. 12.3).
 * Public-records law goes first: an allmän handling is destroyed only as
 * the retention plan says (records/cull decides, under its holds and open
 * cases), so an erasure is a culling run limited to the person's items.
 * Needs PERM_GDPR (an erasure also PERM_RECORDS). Not the platforms: the
 * person's comments on our pages are proposed for takedown, never taken
 * down from here. */
#ifndef KV_RECORDS_GDPR_H
#define KV_RECORDS_GDPR_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/gdpr_rows.h"

#include <jansson.h>
#include <stdint.h>

#define GDPR_FIELD_MAX 200
#define GDPR_NOTE_MAX  2000

/* Who a request is about; any of the identifiers, at least one. */
struct gdpr_subject {
	const char *name;
	const char *email;
	const char *phone;
	const char *personnummer;
	const char *handle;
};

/* KV_EINVAL naming the option when no identifier is given or one is not
 * what it says (an e-mail, phone number or personnummer the screening
 * detectors do not read as one; an empty or too long name or handle). */
int gdpr_subject_check(const struct gdpr_subject *s, struct err *err);

/* Every place the subject occurs, as {subject, places: [...], counts}
 * (docs/people.md lists the kinds). *out owned by the caller. Audited as
 * gdpr.find (which identifiers, how many places; never the identifiers). */
int gdpr_find(const struct op_ctx *op, const struct gdpr_subject *s, int64_t request, json_t **out,
              struct err *err);

/* The register extract (registerutdrag) into out_dir (created; must be
 * empty or absent): registerutdrag.json (the places with every version of
 * every item) and registerutdrag.pdf (PDF/A-1b), and a manifest of their
 * SHA-256 in *out. Audited as gdpr.extract. */
int gdpr_extract(const struct op_ctx *op, const struct gdpr_subject *s, int64_t request,
                 const char *out_dir, json_t **out, struct err *err);

struct gdpr_erase_opts {
	const char *reason; /* required */
	int dry_run;
	int64_t request; /* the request it answers, 0 for none */
};

/* Erases what may go: the subject's items that the retention plan lets go
 * now (a culling run limited to them, with its gallringsprotokoll) and the
 * consents no longer needed (masked); lists what stays with its reason in
 * Swedish (allmän handling kept by the plan, a hold, an open case, the audit
 * chain ...), and proposes the takedown of the subject's comments still up
 * on our accounts. *out = {erased, kept, proposed_takedowns, statement,
 * statement_en, dry_run, cull_run}. A dry run changes nothing. Audited as
 * gdpr.erase. */
int gdpr_erase(const struct op_ctx *op, const struct gdpr_subject *s,
               const struct gdpr_erase_opts *o, json_t **out, struct err *err);

/* ---- the register of requests ---- */

/* The deadline of a request received on date (YYYY-MM-DD): the end of the
 * same day one month later (the last day of a shorter month), Swedish time.
 * KV_EINVAL for a date that is not one. */
int gdpr_due(const char *received, int64_t *out, struct err *err);

/* Adds a request of kind "access" or "erasure" (KV_EINVAL otherwise, or for
 * a bad subject, date or a received date in the future). Audited without
 * the identifiers. */
int gdpr_request_add(const struct op_ctx *op, const char *kind, const struct gdpr_subject *s,
                     const char *received, const char *note, int64_t *out_id, struct err *err);

/* The requests matching f (org_id is op's). */
int gdpr_request_list(const struct op_ctx *op, const struct gdpr_request_filter *f,
                      gdpr_request_fn fn, void *ctx, struct err *err);

/* The JSON view of a request at now (overdue, days left). New reference. */
json_t *gdpr_request_view_json(const struct gdpr_request_row *r, int64_t now);

/* Closes request id with an outcome text (required). KV_ENOTFOUND,
 * KV_ECONFLICT when closed before. Audited. */
int gdpr_request_close(const struct op_ctx *op, int64_t id, const char *outcome, struct err *err);

/* The subject of request id, copied into buf (strings of out point there). */
struct gdpr_subject_buf {
	struct gdpr_subject s;
	char name[GDPR_FIELD_MAX + 1], email[GDPR_FIELD_MAX + 1], phone[GDPR_FIELD_MAX + 1],
	        personnummer[GDPR_FIELD_MAX + 1], handle[GDPR_FIELD_MAX + 1];
};
int gdpr_request_subject(const struct op_ctx *op, int64_t id, struct gdpr_subject_buf *out,
                         struct err *err);

/* An alert (kind gdpr_overdue, once per request) for each open request past
 * its deadline; the number of new ones in *out_new. PERM_ALERT_WORK. */
int gdpr_requests_check(const struct op_ctx *op, int64_t *out_new, struct err *err);

#endif
