/* API: the figures per account and period (GET /stats). */
#include "http/api.h"
#include "http/api_stats.h"

#include "http/views.h"
#include "workflow/stats.h"

int api_stats_get(struct api_req *r)
{
	const char *acc = api_query(r, "account");
	struct stats_report rep;
	int64_t account = 0, from = 0, to = 0;
	int rc = KV_OK;

	if (acc)
		rc = api_account_ref(r, acc, "account", &account);
	if (!rc)
		rc = api_query_date(r, "from", &from);
	if (!rc)
		rc = api_query_date(r, "to", &to);
	if (rc)
		return rc;
	/* to is inclusive: the whole of its day counts. */
	to = to ? to + 86400 : r->op.now;
	if (!from)
		from = to - 365 * 86400;
	rc = stats_compute(&r->op, account, from, to, &rep, r->err);
	if (rc)
		return rc;
	rc = api_reply(r, 200, views_stats_json(&rep));
	stats_report_done(&rep);
	return rc;
}
