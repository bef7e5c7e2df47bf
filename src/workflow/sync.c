/* The pipeline hook: runs each workflow part's sync in turn. A part is one
 * line in parts[]; each keeps its own cursor and transactions, so one
 * part's failure leaves the others' work committed. */
#include "workflow/sync.h"

#include "workflow/cases.h"
#include "workflow/inbox.h"

#include <string.h>

static const struct {
	const char *name;
	workflow_sync_fn fn;
} parts[] = {
        {"inbox", inbox_sync},
        {"cases", cases_sync},
};

int workflow_sync(const struct op_ctx *op, struct workflow_sync_report *out, struct err *err)
{
	struct workflow_sync_report rep;
	struct err perr;
	int first = KV_OK;

	memset(&rep, 0, sizeof(rep));
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int rc;

		err_clear(&perr);
		rc = parts[i].fn(op, &rep, &perr);
		if (rc == KV_OK)
			continue;
		rep.parts_failed++;
		if (first == KV_OK) {
			first = rc;
			err_set(err, rc, "workflow %s: %s", parts[i].name,
			        perr.msg[0] ? perr.msg : err_name(rc));
		}
	}
	*out = rep;
	return first;
}
