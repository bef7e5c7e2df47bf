/* One notify pass: raise the alerts due (workflow/alerts), queue one e-mail
 * for each overdue question, each moderation case near or past its deadline,
 * each account whose review is missing under its policy's review interval
 * (the last working day, or the shorter crisis interval) and each new surge
 * alert, then send the
 * due outbox (workflow/mail). Each notice has a dedup key, so it is queued and
 * sent exactly once however often the pass runs. Not a scheduler: the CLI
 * runs one pass, `kanalvakt serve` runs it periodically. */
#ifndef KV_WORKFLOW_NOTIFY_H
#define KV_WORKFLOW_NOTIFY_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "workflow/alerts.h"
#include "workflow/mail.h"

#include <stdint.h>

struct store;
struct config;

struct notify_settings {
	struct alert_settings alerts;
	struct mail_settings mail; /* strings borrowed from the configuration */
	int64_t max_admins;        /* [alerts] max_admins (workflow/admins) */
};

/* Reads [alerts] and [mail] from cfg (NULL = defaults, no mail server);
 * office hours and review intervals come from the policy (workflow/policy)
 * when the pass runs. The mail strings are borrowed:
 * cfg must outlive *out. KV_EINVAL naming the section and key. */
int notify_settings_load(struct notify_settings *out, const struct config *cfg, struct err *err);

/* One thing the pass did, for the caller to print or log. */
struct notify_event {
	const char *what; /* "queued", "sent", "failed", "gave_up", "no_recipient" */
	const char *key;  /* the dedup key */
	const char *recipients;
	const char *subject;
	const char *error; /* "failed" / "gave_up" */
};
typedef void (*notify_fn)(void *ctx, const struct notify_event *ev);

struct notify_report {
	struct alert_scan_report alerts;
	int64_t queued;       /* new mails in the outbox */
	int64_t no_recipient; /* notices nobody could be told about */
	struct mail_flush_report mail;
	int64_t admin_alerts; /* accounts newly found with too many administrators */
};

/* Runs one pass for org at now, acting (in the audit chain) as actor. fn
 * (may be NULL) hears about each queued mail and send attempt; new alerts
 * are counted in the report. A mail that cannot be sent stays in the outbox
 * for a later pass; that is not an error. KV_EIO when the store fails. */
int notify_run(const struct op_ctx *op, const struct notify_settings *set, notify_fn fn, void *ctx,
               struct notify_report *out, struct err *err);

#endif
