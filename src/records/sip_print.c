/* The e-archive package's PDF/A printout: the same drawing as the periodic
 * snapshot (records_snapshot_printout), left out above a number of items,
 * since a printout of a million comments helps nobody. */
#include "records/sip_print.h"

#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/records_snapshot.h"

struct counter {
	int64_t n, max;
};

static int count_line(void *arg, int64_t item_id, const char *line, size_t len)
{
	struct counter *c = arg;

	(void)item_id;
	(void)line;
	(void)len;
	return ++c->n > c->max ? 1 : 0; /* 1: enough counted, stop */
}

int sip_print_records(void *ctx, const struct op_ctx *op, const struct archive_scope *scope,
                      const char *path, struct err *err)
{
	struct sip_print_ctx *pc = ctx;
	struct counter c = {0, pc && pc->max_items > 0 ? pc->max_items : SIP_PRINT_MAX_DEFAULT};
	int pages = 0;
	int rc = op_ctx_require(op, PERM_RECORDS, scope->account_id, err);

	if (!rc)
		rc = archive_row_items_each(op->store, scope, count_line, &c, err);
	if (rc < 0)
		return rc;
	if (c.n > c.max) {
		if (pc)
			pc->left_out = c.n; /* at least this many */
		return KV_OK;
	}
	rc = records_snapshot_printout(op, scope->account_id, scope->from, scope->to, path,
	                               pc ? pc->font : NULL, &pages, err);
	if (!rc && pc)
		pc->pages = pages;
	return rc;
}
