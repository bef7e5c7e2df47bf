/* Alerts: a surge of critical or prohibited comments on one account (Tibro
 * 4.2: consult before answering), the same reply pasted to several people
 * (Östhammar: a personal answer, not a pasted one), and an organisation's
 * crisis mode. Alerts are created by a scan over captured items, once per
 * account and window (a dedup key), each with an audit entry. Mailing them is
 * workflow/notify's job; storage is store/alert_rows. */
#ifndef KV_WORKFLOW_ALERTS_H
#define KV_WORKFLOW_ALERTS_H

#include "base/buf.h"
#include "base/err.h"
#include "model/op_ctx.h"

#include <stdint.h>

struct store;
struct config;

#define ALERT_KIND_SURGE     "surge"
#define ALERT_KIND_IDENTICAL "identical_answer"

/* The rules' numbers; durations in seconds. */
struct alert_settings {
	int64_t surge_count;         /* flagged comments that make a surge (5) */
	int64_t surge_window;        /* ... within this long (2 h) */
	int64_t identical_count;     /* different people given the same reply (3) */
	int64_t identical_window;    /* ... within this long (7 days) */
	int64_t identical_min_chars; /* shorter normalised replies are ignored (40) */
	int64_t lookback;            /* a new alert may end at most this long ago (24 h) */
	int64_t case_warning;        /* notify: warn this long before a case is due (4 h) */
};

/* The defaults above. */
void alerts_settings_default(struct alert_settings *out);

/* Reads [alerts] from cfg (NULL = defaults only): surge_count, surge_window,
 * identical_count, identical_window, identical_min_chars, lookback,
 * case_warning. KV_EINVAL naming the key when a value
 * is not a positive number or duration; *out is untouched then. */
int alerts_settings_load(struct alert_settings *out, const struct config *cfg, struct err *err);

/* Parses a duration: a whole number with an optional unit s, m, h or d
 * ("90", "30m", "2h", "7d"). KV_EINVAL quoting the text for anything else,
 * zero, or more than 10 years. */
int alerts_parse_duration(const char *text, int64_t *out, struct err *err);

/* Appends to out the form of a reply that identical answers are compared
 * in: the signature removed (from a line starting with '/', '-', '–', or a
 * greeting such as "Vänliga hälsningar" to the end, or a trailing " /Name"
 * on the last line), case folded, runs of white space made one space, and
 * trimmed. KV_EINVAL for text that is not valid UTF-8; KV_ENOMEM. */
int alerts_normalise_answer(struct buf *out, const char *text, struct err *err);

struct alert_scan_report {
	int64_t surges;    /* new surge alerts */
	int64_t identical; /* new identical-answer alerts */
};

/* Looks at the items captured up to now and creates the alerts due: for each
 * account, a surge alert when surge_count flagged incoming items (any
 * category but question) fall within surge_window, and an identical-answer
 * alert when the account gave the same normalised reply to identical_count
 * different people within identical_window. A new alert of either kind on the
 * same account (and text) is raised no sooner than one window after the
 * previous one, so each burst alerts once; running the scan again changes
 * nothing. Each new alert is written to the audit chain as actor, in one
 * transaction. KV_EIO on database failure. */
int alerts_scan(const struct op_ctx *op, const struct alert_settings *set,
                struct alert_scan_report *out, struct err *err);

/* Acknowledges alert id (audit entry "alert.ack"). KV_ENOTFOUND,
 * KV_ECONFLICT when already acknowledged. */
int alerts_ack(const struct op_ctx *op, int64_t id, struct err *err);

/* Whether crisis mode is on for org (the organisation-wide policy setting
 * 'crisis', workflow/policy). In crisis the policy's crisis_* durations
 * replace the answer and removal deadlines and the review interval. */
int alerts_crisis_get(const struct op_ctx *op, int *on, struct err *err);

/* Switches crisis mode through the policy setting (audited there as
 * "policy.set" of 'crisis' by actor). *changed (may be NULL) is 1 when it
 * was switched, 0 when it already was so (nothing is written then). */
int alerts_crisis_set(const struct op_ctx *op, int on, int *changed, struct err *err);

#endif
