/* Before an answer goes out: is it a copy of answers given before? The
 * forms compared are those of the identical-answers alert (signature off,
 * case folded, white space made one); a copy is an earlier answer whose
 * words mostly are the same (Jaccard similarity of the word sets, 1 for the
 * same text). Shown to the one answering, who may still send it: ÖS warns
 * against answering many people with the same words, it does not forbid it. */
#ifndef KV_WORKFLOW_ANSWERS_H
#define KV_WORKFLOW_ANSWERS_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <stdint.h>

#define ANSWERS_SIMILAR  0.8 /* from here on an earlier answer counts as a copy */
#define ANSWERS_LOOKBACK 2000

struct answers_copy {
	int64_t question;
	int64_t answered_at;
	const char *by; /* may be NULL */
	const char *text;
	double similarity;
};

typedef int (*answers_fn)(void *ctx, const struct answers_copy *c);

/* Calls fn for each of the last ANSWERS_LOOKBACK answers of the
 * organisation that text copies (inbox.work on question id's account; only
 * answers on accounts op may read are compared). KV_ENOTFOUND for an unknown
 * question, KV_EINVAL for text that is empty or not UTF-8. */
int answers_check(const struct op_ctx *op, int64_t question, const char *text, answers_fn fn,
                  void *ctx, struct err *err);

/* The similarity of two normalised texts: 1 when equal, else the Jaccard
 * index of their sets of words (0 when either has none). */
double answers_similarity(const char *a, const char *b);

#endif
