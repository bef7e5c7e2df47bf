/* Standard texts (standardsvar): the organisation's answers to common
 * questions, for every account or for one, that an answer starts from. Read
 * by anyone who may work the inbox; added and removed with policy.write. */
#ifndef KV_WORKFLOW_STANDARD_TEXTS_H
#define KV_WORKFLOW_STANDARD_TEXTS_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/standard_text_rows.h"

#include <stdint.h>

#define STANDARD_TEXTS_TITLE_MAX 200
#define STANDARD_TEXTS_TEXT_MAX  5000

/* Adds a text (account 0: for every account); its id in *out_id.
 * KV_EINVAL for an empty or too long title or text, or one not UTF-8. */
int standard_texts_add(const struct op_ctx *op, int64_t account, const char *title,
                       const char *text, int64_t *out_id, struct err *err);

/* The texts for account (0: every text of the organisation), in title
 * order; with account 0 only those op may work on are listed. */
int standard_texts_list(const struct op_ctx *op, int64_t account, standard_text_row_fn fn,
                        void *ctx, struct err *err);

/* Removes text id. KV_ENOTFOUND when there is none. */
int standard_texts_remove(const struct op_ctx *op, int64_t id, struct err *err);

#endif
