/* Persistence of screening results: for each screened item, which version
 * was screened with which rule set, whether it is a question, and its flags
 * (category, score, rule, byte offsets, matched text). A new screening of an
 * item replaces the old one. */
#ifndef KV_STORE_SCREENING_ROWS_H
#define KV_STORE_SCREENING_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

struct flag_row {
	const char *category;
	double score;
	const char *rule;
	int64_t start, end; /* byte offsets in the version's text, end exclusive */
	const char *match;
};

/* Replaces the screening of item_id (in the caller's transaction). */
int screening_row_put(struct store *s, int64_t item_id, int64_t version, const char *ruleset,
                      int question, const char *categories, const struct flag_row *flags, size_t n,
                      int64_t now, struct err *err);

typedef int (*screening_flag_fn)(void *ctx, const struct flag_row *f);
/* The flags of item_id, in text order. */
int screening_row_flags(struct store *s, int64_t item_id, screening_flag_fn fn, void *ctx,
                        struct err *err);

/* Up to limit inkommen items of org with an id above after_id that were not
 * screened with ruleset (all of them when all is 1), in id order: their id,
 * current version and text go to fn. */
typedef int (*screening_item_fn)(void *ctx, int64_t item_id, int64_t version, const char *text);
int screening_row_pending(struct store *s, int64_t org, const char *ruleset, int all,
                          int64_t after_id, int64_t limit, screening_item_fn fn, void *ctx,
                          struct err *err);

#endif
