/* One JSON view per entity, shared by the CLI's --json output and the API,
 * so both show an item, a question or a case the same way. Times are local
 * ISO 8601 (Europe/Stockholm); absent values are null. Each returns a new
 * reference (NULL when out of memory). Not the register's accounts
 * (registry_account_json), items (capture/item_view), questions (inbox_view_json) nor cases
 * (cases_view_json), whose views live beside their features. */
#ifndef KV_HTTP_VIEWS_H
#define KV_HTTP_VIEWS_H

#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/case_rows.h"
#include "store/outbox.h"
#include "store/questions.h"
#include "store/register_rows.h"
#include "store/webhooks.h"
#include "workflow/review.h"
#include "workflow/stats.h"

#include <jansson.h>
#include <stdint.h>

/* A time as a JSON string, or null for 0; a string or null. */
json_t *views_time(int64_t t);
json_t *views_str(const char *s);

json_t *views_review_json(const struct review_state *v);
json_t *views_alert_json(const struct alert_row *a);
json_t *views_mail_json(const struct outbox_row *m);
json_t *views_webhook_json(const struct webhook_row *w);
json_t *views_audit_json(const struct audit_entry *e);
json_t *views_unit_json(const struct unit_row *u);
json_t *views_person_json(const struct person_row *p);
/* The figures of one account (or the total) and of a whole report. */
json_t *views_stats_account_json(const struct stats_account *a);
json_t *views_stats_json(const struct stats_report *r);

#endif
