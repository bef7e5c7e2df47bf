/* The operation context every feature call takes: which store, which
 * organisation, who acts (the principal) and when. Built once at the edge
 * (a CLI command, an HTTP request, a scheduler pass) and passed down, so a
 * feature never takes the actor or the clock as loose parameters. */
#ifndef KV_MODEL_OP_CTX_H
#define KV_MODEL_OP_CTX_H

#include "model/principal.h"

#include <stdint.h>

struct store;

struct op_ctx {
	struct store *store;
	int64_t org;
	const struct principal *who;
	int64_t now; /* Unix seconds; the clock for this operation */
};

/* Fills op. who is borrowed and must outlive op. */
void op_ctx_init(struct op_ctx *op, struct store *s, int64_t org, const struct principal *who,
                 int64_t now);

/* The name written to the audit chain for this operation. */
const char *op_ctx_actor(const struct op_ctx *op);

/* principal_require() for op's principal. */
int op_ctx_require(const struct op_ctx *op, uint32_t perm, int64_t account, struct err *err);

#endif
