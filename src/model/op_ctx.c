/* The operation context: a small struct built at the edge and passed down. */
#include "model/op_ctx.h"

void op_ctx_init(struct op_ctx *op, struct store *s, int64_t org, const struct principal *who,
                 int64_t now)
{
	op->store = s;
	op->org = org;
	op->who = who;
	op->now = now;
}

const char *op_ctx_actor(const struct op_ctx *op)
{
	return op->who && op->who->name[0] ? op->who->name : "system";
}

int op_ctx_require(const struct op_ctx *op, uint32_t perm, int64_t account, struct err *err)
{
	return principal_require(op->who, perm, account, err);
}
