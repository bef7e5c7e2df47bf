/* The screening decision: per-category lexicon scores and a few features of
 * how the words are used (addressed to someone, about a group, quoted or
 * reported, about the writer, negated, admiring) combined by logistic
 * regression into "abusive" and into each abusive category. The weights and
 * thresholds are data (rules/<lang>/decision.weights), chosen by nested
 * k-fold cross-validation (decision_train, decision_cv). Pure computation:
 * no printing, no storage. */
#ifndef KV_SCREEN_DECISION_H
#define KV_SCREEN_DECISION_H

#include "base/err.h"

#include <stddef.h>

/* The features of one text, each 0..1 (screen.c computes them). */
enum decision_feature {
	DF_INSULT = 0, /* lexicon score per category, every hit */
	DF_HATE,
	DF_THREAT,
	DF_VIOLENCE,
	DF_SEXUAL,
	DF_INCITEMENT,
	DF_LOWERED,       /* score of the hits lowered by a reason (mention, self ...) */
	DF_SECOND,        /* "du", "dig", "ni" ... in the text */
	DF_GROUP,         /* a protected group named */
	DF_SEVERITY,      /* highest weight of a hit not lowered */
	DF_RULES,         /* distinct abusive rules hit, /4, at most 1 */
	DF_INSULT_SECOND, /* DF_INSULT * DF_SECOND: an insult aimed at the reader */
	DF_HATE_GROUP,    /* DF_HATE * DF_GROUP */
	DF_SELF,          /* a hit about the writer */
	DF_MENTION,       /* a hit quoted or reported */
	DF_NEGATED,       /* a hit negated */
	DF_ADMIRE,        /* a hit in an admiring idiom */
	DF_THIRD,         /* an insult about a third person ("han är en idiot"), not the reader */
	DECISION_NFEAT
};

/* What is decided: "any" abusive, and one head per evaluated category. */
enum decision_head {
	DH_ANY = 0,
	DH_INSULT,          /* defamation_insult */
	DH_HATE,            /* hate */
	DH_THREAT_VIOLENCE, /* threat and violence together */
	DH_SEXUAL,          /* sexual */
	DECISION_NHEAD
};

struct decision {
	double w[DECISION_NHEAD][DECISION_NFEAT + 1]; /* [0] is the bias */
	double threshold[DECISION_NHEAD];
	double l2[DECISION_NHEAD]; /* the regularisation chosen (for the record) */
};

/* Names as in the weights file ("insult", "any"); NULL when out of range. */
const char *decision_feature_name(int f);
const char *decision_head_name(int h);

/* Reads a weights file. KV_EINVAL naming file and line, KV_EIO. */
int decision_load(struct decision *out, const char *path, struct err *err);

/* Writes d to path (via a temporary file and rename), with the comment
 * lines given (each prefixed "# "). KV_EIO. */
int decision_save(const struct decision *d, const char *path, const char *const *comment,
                  size_t ncomment, struct err *err);

/* Probability of head h for features x. */
double decision_prob(const struct decision *d, int h, const double *x);

/* Predictions for features x: pred[h] for every head. A category head says
 * yes only when its category has lexicon evidence; "any" is its own head or
 * any category head. */
void decision_predict(const struct decision *d, const double *x, int pred[DECISION_NHEAD]);

/* Trains d on n items: for each head the L2 strength and the threshold are
 * chosen on out-of-fold predictions of a folds-fold split (shuffled by
 * seed), then the weights are fitted on all n items. y[i][h] is 0/1.
 * KV_EINVAL for fewer items than folds, KV_ENOMEM. */
int decision_train(struct decision *out, const double (*x)[DECISION_NFEAT],
                   const int (*y)[DECISION_NHEAD], size_t n, int folds, unsigned seed,
                   struct err *err);

/* Cross-validated quality of the procedure above: for each of repeats
 * shuffles (seed, seed+1 ...) and each outer fold, decision_train on the
 * other folds (with its own inner folds), then scored on the held-out
 * fold. Mean and standard deviation over all outer folds, and pooled over
 * every held-out prediction. */
struct decision_score {
	double p_mean, p_sd, r_mean, r_sd, f_mean, f_sd;
	double p_pooled, r_pooled, f_pooled;
	long support;
};

struct decision_cv {
	struct decision_score head[DECISION_NHEAD];
	int folds, repeats;
};

int decision_cross_validate(struct decision_cv *out, const double (*x)[DECISION_NFEAT],
                            const int (*y)[DECISION_NHEAD], size_t n, int folds, int repeats,
                            unsigned seed, struct err *err);

#endif
