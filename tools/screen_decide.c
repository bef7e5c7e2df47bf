/* screen_decide: chooses the screening decision's weights and thresholds
 * (rules/<lang>/decision.weights) on a labelled JSON Lines file: the L2
 * strength and threshold of every head by k-fold cross-validation over the
 * file, then the weights fitted on all of it. Deterministic for a given
 * file, rules and seed: `make train` reproduces the shipped file. The
 * features come from the rules as they are, without any weights file in the
 * rules directory being used (the decision does not change them). */
#include "base/err.h"
#include "screen/decision.h"
#include "screen/labelled.h"
#include "screen/screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: screen_decide --rules DIR [--out FILE] [--folds N] [--seed N] "
	                "DATA.jsonl\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *rules = NULL, *out = NULL, *data = NULL, *base;
	int folds = 5;
	unsigned seed = 1;
	struct err err = {0};
	struct screen *s = NULL;
	struct labelled l = {0};
	struct decision d;
	double(*x)[DECISION_NFEAT] = NULL;
	int(*y)[DECISION_NHEAD] = NULL;
	char c1[600], c2[300], c3[300];
	const char *comment[6];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc)
			rules = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--folds") == 0 && i + 1 < argc)
			folds = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (argv[i][0] == '-' || data)
			return usage();
		else
			data = argv[i];
	}
	if (!rules || !data || folds < 2 || folds > 20)
		return usage();
	if ((rc = screen_new(&s, rules, &err)) != KV_OK ||
	    (rc = labelled_load(&l, s, data, &err)) != KV_OK ||
	    (rc = labelled_arrays(&l, &x, &y, &err)) != KV_OK ||
	    (rc = decision_train(&d, (const double(*)[DECISION_NFEAT])x,
	                         (const int(*)[DECISION_NHEAD])y, l.n, folds, seed, &err)) != KV_OK)
		goto out;
	base = strrchr(data, '/') ? strrchr(data, '/') + 1 : data;
	snprintf(c1, sizeof(c1), "trained by tools/screen_decide (make train) on %s, %zu items", base,
	         l.n);
	snprintf(c2, sizeof(c2), "L2 and thresholds chosen by %d-fold cross-validation, seed %u",
	         folds, seed);
	snprintf(c3, sizeof(c3), "features from the rules as shipped; retrain after changing them");
	comment[0] = "Screening decision: logistic regression per head (docs/screening.md).";
	comment[1] = c1;
	comment[2] = c2;
	comment[3] = c3;
	comment[4] = "p = 1 / (1 + exp(-(bias + sum of w * feature))); yes when p >= threshold";
	for (int h = 0; h < DECISION_NHEAD; h++) {
		printf("%-16s threshold %.3f  l2 %-5g bias %7.3f ", decision_head_name(h),
		       d.threshold[h], d.l2[h], d.w[h][0]);
		for (int f = 0; f < DECISION_NFEAT; f++)
			if (d.w[h][f + 1] != 0)
				printf(" %s=%.2f", decision_feature_name(f), d.w[h][f + 1]);
		printf("\n");
	}
	if (out && (rc = decision_save(&d, out, comment, 5, &err)) != KV_OK)
		goto out;
	if (out)
		printf("wrote %s\n", out);
out:
	if (rc != KV_OK)
		fprintf(stderr, "screen_decide: %s\n", err.msg);
	free(x);
	free(y);
	labelled_done(&l);
	screen_free(s);
	return rc == KV_OK ? 0 : 1;
}
