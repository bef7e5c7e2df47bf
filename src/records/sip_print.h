/* The PDF/A printout of an e-archive package's records
 * (representations/rep1/data/printout.pdf), drawn as the periodic snapshot
 * draws an account (records_snapshot_printout): every item of the period in
 * time order, replies indented, versions, deletions and images. A printout
 * is for people, and a document of a million items is not: above a limit
 * the printout is left out (the records file holds everything). */
#ifndef KV_RECORDS_SIP_PRINT_H
#define KV_RECORDS_SIP_PRINT_H

#include "base/err.h"
#include "store/archive_rows.h"

#include <stdint.h>

struct op_ctx;

#define SIP_PRINT_MAX_DEFAULT 10000

struct sip_print_ctx {
	int64_t max_items; /* more items than this: no printout (0: the default) */
	const char *font;  /* NULL: the writer's default */
	int64_t left_out;  /* out: the package's item count when the printout was left out */
	int pages;         /* out: the printout's page count */
};

/* A sip_printout_fn (ctx is a struct sip_print_ctx): writes the printout of
 * scope to path, or, above ctx->max_items, writes nothing and sets
 * ctx->left_out. Needs PERM_RECORDS on the account. Errors of the PDF/A
 * writer (a font not installed, Ghostscript failing), KV_EIO. */
int sip_print_records(void *ctx, const struct op_ctx *op, const struct archive_scope *scope,
                      const char *path, struct err *err);

#endif
