/* Policy documents: the kommun's social-media policy and guidelines, who
 * adopted them and when, when each must be reviewed (FÄ "var fjärde år", TI
 * "Tidpunkt för aktualisering"), who answers for the review, and which one
 * each account follows. The check (run by `notify run`) raises an alert and
 * mails the responsible person once when a review comes within warn_days,
 * and once when it is overdue. */
#ifndef KV_REGISTRY_POLICYDOC_H
#define KV_REGISTRY_POLICYDOC_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <jansson.h>
#include <stdint.h>

struct policydoc_row;

#define POLICYDOC_WARN_DAYS_DEFAULT 60

struct policydoc_input {
	const char *title;
	const char *adopted;     /* YYYY-MM-DD */
	const char *adopted_by;  /* the body: "Kommunfullmäktige", "Kommundirektören" */
	const char *every;       /* "4y", "18m" or NULL */
	const char *review_on;   /* YYYY-MM-DD or NULL; one of every and review_on */
	const char *responsible; /* e-mail of a person in the register, or NULL */
};

/* Adds a document. KV_EINVAL naming the option for a bad date, a review
 * before the adoption, neither or both of every and review_on; KV_ENOTFOUND
 * for an unknown person. Nothing is written then. */
int policydoc_add(const struct op_ctx *op, const struct policydoc_input *in, int64_t *out_id,
                  struct err *err);

/* Records a review on `on`; the next is due `every` later, or on next (one
 * of them must be known). KV_EINVAL for a date before the adoption. */
int policydoc_review(const struct op_ctx *op, int64_t id, const char *on, const char *next,
                     struct err *err);
int policydoc_retire(const struct op_ctx *op, int64_t id, struct err *err);

/* The account (id, handle or platform/handle) follows document id. */
int policydoc_apply(const struct op_ctx *op, int64_t id, const char *account, struct err *err);

/* The documents as JSON objects, one per call of fn (fn takes the reference). */
typedef int (*policydoc_json_fn)(void *ctx, json_t *doc);
int policydoc_list(const struct op_ctx *op, int64_t id, policydoc_json_fn fn, void *ctx,
                   struct err *err);

/* A comma-separated list of names as a JSON array of strings (the lists
 * the store's group_concat gives: accounts, people). An empty array for NULL. */
json_t *policydoc_names_json(const char *list);

/* Alerts and mail for reviews due within warn_days and overdue, each once. */
int policydoc_check(const struct op_ctx *op, int64_t warn_days, int64_t *out_alerts,
                    struct err *err);

#endif
