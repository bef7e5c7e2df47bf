/* Labelled screening data for evaluation and training: RTP-LX JSON Lines
 * ("Prompt" and mean "Annotations"; a mean of 2.5 or more is a yes) or
 * {"text": ..., "labels": [category, ...]}, each item screened by an engine
 * and kept with its gold labels, the engine's own flags and the decision's
 * features. Reads a file; prints nothing. */
#ifndef KV_SCREEN_LABELLED_H
#define KV_SCREEN_LABELLED_H

#include "base/err.h"
#include "screen/decision.h"
#include "screen/screen.h"

#include <stddef.h>

struct labelled_item {
	int gold[SCREEN_NCAT]; /* generic files: the labels given */
	int y[DECISION_NHEAD]; /* gold per decision head */
	int flagged[SCREEN_NCAT];
	int abusive;
	double x[DECISION_NFEAT];
};

struct labelled {
	struct labelled_item *items;
	size_t n;
	int rtp; /* RTP-LX ratings (only the four rated categories are known) */
};

/* Reads and screens every item of path with s. KV_EINVAL naming file and
 * line for a line that is neither format or a label that is not a category,
 * KV_EIO, KV_ENOMEM. On failure out is empty. */
int labelled_load(struct labelled *out, struct screen *s, const char *path, struct err *err);

/* Frees the items. Accepts NULL. */
void labelled_done(struct labelled *l);

/* The items' features and head labels as the arrays decision.h takes;
 * both freed by the caller with free(). KV_ENOMEM. */
int labelled_arrays(const struct labelled *l, double (**x)[DECISION_NFEAT],
                    int (**y)[DECISION_NHEAD], struct err *err);

#endif
