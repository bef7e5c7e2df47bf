/* A trained linear model (logistic regression over hashed word and character
 * n-grams of the normalised text) shipped as data (rules/<lang>/screen.model).
 * It gives the probability that a moderator must look at a text; screen.c
 * combines it with the lexicon. Not a trainer: tools/screen_train.c is. */
#ifndef KV_SCREEN_MODEL_H
#define KV_SCREEN_MODEL_H

#include "base/err.h"

#include <stddef.h>

struct model;

/* Loads a model file. *out is freed with model_free. KV_EINVAL naming file and
 * line for a malformed file, KV_EIO, KV_ENOMEM. */
int model_load(struct model **out, const char *path, struct err *err);

/* Frees the model. Accepts NULL. */
void model_free(struct model *m);

/* Probability (0..1) for a normalised text (struct norm's out/len). */
double model_prob(const struct model *m, const char *norm, size_t len);

/* How much the model may raise or lower a lexicon category score: the
 * combined score is lex + lift * (p - 0.5) when the lexicon found something,
 * and p * alone for the "model only" flag. Read from the file. */
double model_lift(const struct model *m);
double model_alone(const struct model *m);

/* Number of hashed feature dimensions (a power of two). */
size_t model_dim(const struct model *m);

/* Calls fn(index, ctx) for every feature of a normalised text; the trainer
 * and model_prob() share this so features are the same in both. */
void model_features(const char *norm, size_t len, size_t dim, void (*fn)(size_t idx, void *ctx),
                    void *ctx);

#endif
