/* The E-ARK SIP writer (see sip.h and docs/internals/sip.md). */
#include "records/sip.h"

#include "model/op_ctx.h"
#include "model/principal.h"
#include "store/archive_rows.h"

int sip_archived_in(const struct op_ctx *op, int64_t item_id, char objid_out[SIP_OBJID_MAX],
                    struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (rc)
		return rc;
	return archive_rows_archived_in(op->store, item_id, objid_out, err);
}

int sip_list(const struct op_ctx *op, archive_package_fn fn, void *ctx, struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (rc)
		return rc;
	return archive_rows_each(op->store, op->org, fn, ctx, err);
}
