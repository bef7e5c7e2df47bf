/* One run of "capture, then the workflow": each source the edge hands over
 * is captured by the capture layer's own call, and workflow_sync() follows
 * once at the end. The edge only says what to capture and prints. */
#include "workflow/ingest.h"

#include "model/op_ctx.h"
#include "model/principal.h"

#include <string.h>

static int capture_one(const struct op_ctx *op, const struct ingest_source *src,
                       struct ingest_result *res)
{
	struct import_opts o;
	int rc;

	switch (src->kind) {
	case INGEST_FILE:
		o = *src->opts;
		o.org = op->org;
		o.actor = op_ctx_actor(op);
		rc = op_ctx_require(op, PERM_CAPTURE, o.account_id, &res->err);
		if (!rc)
			rc = capture_import_file(op->store, &o, src->path, &res->import, &res->err);
		return rc;
	case INGEST_POLL:
		rc = op_ctx_require(op, PERM_CAPTURE, src->account_id, &res->err);
		if (!rc)
			rc = connector_poll(op->store, op->org, op_ctx_actor(op), src->account_id,
			                    src->conf, src->screener, &res->poll, &res->err);
		return rc;
	case INGEST_STEP:
		rc = op_ctx_require(op, PERM_CAPTURE, 0, &res->err);
		if (!rc)
			rc = src->step(src->step_ctx, op, &res->err);
		return rc;
	}
	return err_set(&res->err, KV_EINTERNAL, "unknown kind of source %d", (int)src->kind);
}

void ingest_run(const struct op_ctx *op, const struct ingest_ops *ops, struct ingest_report *out)
{
	struct ingest_report rep;
	struct ingest_source src;
	struct ingest_result res;

	memset(&rep, 0, sizeof(rep));
	for (;;) {
		memset(&src, 0, sizeof(src));
		if (!ops->next(ops->ctx, &src))
			break;
		memset(&res, 0, sizeof(res));
		res.rc = capture_one(op, &src, &res);
		rep.sources++;
		if (res.rc)
			rep.failed++;
		if (ops->done)
			ops->done(ops->ctx, &src, &res);
	}
	err_clear(&rep.sync_err);
	rep.sync_rc = workflow_sync(op, &rep.sync, &rep.sync_err);
	*out = rep;
}
