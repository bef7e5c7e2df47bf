/* Logistic regression for the screening decision (see decision.h): fitted
 * by Newton's method with an L2 penalty (the bias is not penalised),
 * thresholds chosen for the best F1 on out-of-fold predictions, and nested
 * cross-validation around the whole procedure so that the reported figure
 * never comes from items the weights or thresholds were chosen on. */
#include "screen/decision.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define D          (DECISION_NFEAT + 1)
#define NEWTON_MAX 12

static const char *const feat_names[DECISION_NFEAT] = {
        "insult",     "hate",   "threat",  "violence", "sexual", "incitement",
        "lowered",    "second", "group",   "severity", "rules",  "insult_second",
        "hate_group", "self",   "mention", "negated",  "admire", "third"};

static const char *const head_names[DECISION_NHEAD] = {"any", "insult", "hate", "threat_violence",
                                                       "sexual"};

/* The L2 strengths tried; the one with the best out-of-fold F1 is kept. */
static const double l2_grid[] = {0.03, 0.3, 3.0};
#define NL2 (sizeof(l2_grid) / sizeof(l2_grid[0]))

const char *decision_feature_name(int f)
{
	return f >= 0 && f < DECISION_NFEAT ? feat_names[f] : NULL;
}

const char *decision_head_name(int h)
{
	return h >= 0 && h < DECISION_NHEAD ? head_names[h] : NULL;
}

static double sigmoid(double z)
{
	return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

static double dot(const double *w, const double *x)
{
	double z = w[0];

	for (int f = 0; f < DECISION_NFEAT; f++)
		z += w[f + 1] * x[f];
	return z;
}

double decision_prob(const struct decision *d, int h, const double *x)
{
	return sigmoid(dot(d->w[h], x));
}

/* A category head needs lexicon evidence of its own category. */
static int has_evidence(int h, const double *x)
{
	switch (h) {
	case DH_INSULT:
		return x[DF_INSULT] > 0;
	case DH_HATE:
		return x[DF_HATE] > 0;
	case DH_THREAT_VIOLENCE:
		return x[DF_THREAT] > 0 || x[DF_VIOLENCE] > 0;
	case DH_SEXUAL:
		return x[DF_SEXUAL] > 0;
	default:
		return 1;
	}
}

void decision_predict(const struct decision *d, const double *x, int pred[DECISION_NHEAD])
{
	pred[DH_ANY] = decision_prob(d, DH_ANY, x) >= d->threshold[DH_ANY];
	for (int h = 1; h < DECISION_NHEAD; h++) {
		pred[h] = has_evidence(h, x) && decision_prob(d, h, x) >= d->threshold[h];
		pred[DH_ANY] |= pred[h];
	}
}

/* Solves a x = b for a symmetric positive definite a (Cholesky, in place).
 * Returns -1 when a is not positive definite. */
static int solve(double a[D][D], double *b)
{
	for (int j = 0; j < D; j++) {
		double s = a[j][j];

		for (int k = 0; k < j; k++)
			s -= a[j][k] * a[j][k];
		if (s <= 1e-12)
			return -1;
		a[j][j] = sqrt(s);
		for (int i = j + 1; i < D; i++) {
			double t = a[i][j];

			for (int k = 0; k < j; k++)
				t -= a[i][k] * a[j][k];
			a[i][j] = t / a[j][j];
		}
	}
	for (int i = 0; i < D; i++) {
		double t = b[i];

		for (int k = 0; k < i; k++)
			t -= a[i][k] * b[k];
		b[i] = t / a[i][i];
	}
	for (int i = D - 1; i >= 0; i--) {
		double t = b[i];

		for (int k = i + 1; k < D; k++)
			t -= a[k][i] * b[k];
		b[i] = t / a[i][i];
	}
	return 0;
}

/* Fits w (D weights) on the items idx[0..m) for head h. */
static void fit(double *w, const double (*x)[DECISION_NFEAT], const int (*y)[DECISION_NHEAD],
                const size_t *idx, size_t m, int h, double l2)
{
	memset(w, 0, D * sizeof(*w));
	for (int it = 0; it < NEWTON_MAX; it++) {
		double hess[D][D], g[D], step = 0;

		memset(hess, 0, sizeof(hess));
		memset(g, 0, sizeof(g));
		for (size_t k = 0; k < m; k++) {
			const double *xi = x[idx[k]];
			double v[D], p = sigmoid(dot(w, xi)), s = p * (1 - p);

			v[0] = 1;
			memcpy(v + 1, xi, DECISION_NFEAT * sizeof(double));
			for (int i = 0; i < D; i++) {
				if (v[i] == 0)
					continue;
				g[i] += (p - y[idx[k]][h]) * v[i];
				for (int j = 0; j <= i; j++)
					hess[i][j] += s * v[i] * v[j];
			}
		}
		for (int i = 0; i < D; i++) {
			for (int j = 0; j < i; j++)
				hess[j][i] = hess[i][j];
			if (i > 0) {
				hess[i][i] += l2;
				g[i] += l2 * w[i];
			} else {
				hess[0][0] += 1e-6;
			}
		}
		if (solve(hess, g) != 0)
			break;
		for (int i = 0; i < D; i++) {
			w[i] -= g[i];
			step += fabs(g[i]);
		}
		if (step < 1e-6)
			break;
	}
}

struct prf {
	long tp, fp, fn;
};

static double f1_of(const struct prf *c)
{
	return c->tp ? 2.0 * (double)c->tp / (double)(2 * c->tp + c->fp + c->fn) : 0;
}

static void tally(struct prf *c, int gold, int pred)
{
	c->tp += gold && pred;
	c->fp += !gold && pred;
	c->fn += gold && !pred;
}

/* The threshold (0.05 .. 0.95) with the best F1 for probabilities p over
 * items idx (extra[k], when given, also counts as a yes: the category
 * heads for "any"). Ties go to the middle of the best run. */
static double best_threshold(const double *p, const int *gold, const int *evidence,
                             const int *extra, size_t m, double *best_f)
{
	double bf = -1, lo = 0.5, hi = 0.5;

	for (int t100 = 5; t100 <= 95; t100++) {
		double t = t100 / 100.0, f;
		struct prf c = {0};

		for (size_t k = 0; k < m; k++)
			tally(&c, gold[k], (evidence[k] && p[k] >= t) || (extra && extra[k]));
		f = f1_of(&c);
		if (f > bf + 1e-12) {
			bf = f;
			lo = hi = t;
		} else if (f > bf - 1e-12 && hi == t - 0.01) {
			hi = t;
		}
	}
	*best_f = bf;
	return (lo + hi) / 2;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Items 0..n shuffled by seed; fold of item k is k % folds. */
static void shuffle(size_t *perm, size_t n, unsigned seed)
{
	uint64_t s = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed * 0x2545F4914F6CDD1Dull);

	for (size_t k = 0; k < n; k++)
		perm[k] = k;
	for (int k = 0; k < 8; k++)
		rng_next(&s);
	for (size_t k = n; k > 1; k--) {
		size_t j = (size_t)(rng_next(&s) % k), t = perm[k - 1];

		perm[k - 1] = perm[j];
		perm[j] = t;
	}
}

/* decision_train over the items sub[0..m) (indices into x, y). */
static int train_on(struct decision *out, const double (*x)[DECISION_NFEAT],
                    const int (*y)[DECISION_NHEAD], const size_t *sub, size_t m, int folds,
                    unsigned seed)
{
	size_t *perm = malloc(m * sizeof(*perm)), *tr = malloc(m * sizeof(*tr));
	double *oof = malloc(NL2 * DECISION_NHEAD * m * sizeof(*oof));
	int *gold = malloc(m * sizeof(int)), *ev = malloc(m * sizeof(int));
	int *catpred = malloc(m * sizeof(int));
	int rc = KV_ENOMEM;

	if (!perm || !tr || !oof || !gold || !ev || !catpred)
		goto out;
	shuffle(perm, m, seed);
	/* Out-of-fold probabilities for every head and L2 strength;
	 * oof[(l * NHEAD + h) * m + k] belongs to item sub[k]. */
	for (int fo = 0; fo < folds; fo++) {
		size_t nt = 0;

		for (size_t k = 0; k < m; k++)
			if ((int)(k % (size_t)folds) != fo)
				tr[nt++] = sub[perm[k]];
		for (size_t l = 0; l < NL2; l++)
			for (int h = 0; h < DECISION_NHEAD; h++) {
				double w[D];

				fit(w, x, y, tr, nt, h, l2_grid[l]);
				for (size_t k = 0; k < m; k++)
					if ((int)(k % (size_t)folds) == fo)
						oof[(l * DECISION_NHEAD + (size_t)h) * m +
						    perm[k]] = sigmoid(dot(w, x[sub[perm[k]]]));
			}
	}
	memset(out, 0, sizeof(*out));
	memset(catpred, 0, m * sizeof(int));
	/* Category heads first: "any" counts their yes as its own. */
	for (int h = DECISION_NHEAD - 1; h >= 0; h--) {
		double bf = -1;
		size_t bl = 0;

		for (size_t k = 0; k < m; k++) {
			gold[k] = y[sub[k]][h];
			ev[k] = has_evidence(h, x[sub[k]]);
		}
		for (size_t l = 0; l < NL2; l++) {
			double f, t;

			t = best_threshold(oof + (l * DECISION_NHEAD + (size_t)h) * m, gold, ev,
			                   h == DH_ANY ? catpred : NULL, m, &f);
			if (f > bf + 1e-12) {
				bf = f;
				bl = l;
				out->threshold[h] = t;
			}
		}
		out->l2[h] = l2_grid[bl];
		if (h != DH_ANY)
			for (size_t k = 0; k < m; k++)
				catpred[k] |=
				        ev[k] && oof[(bl * DECISION_NHEAD + (size_t)h) * m + k] >=
				                         out->threshold[h];
		fit(out->w[h], x, y, sub, m, h, out->l2[h]);
	}
	rc = KV_OK;
out:
	free(perm);
	free(tr);
	free(oof);
	free(gold);
	free(ev);
	free(catpred);
	return rc;
}

int decision_train(struct decision *out, const double (*x)[DECISION_NFEAT],
                   const int (*y)[DECISION_NHEAD], size_t n, int folds, unsigned seed,
                   struct err *err)
{
	size_t *all;
	int rc;

	if (folds < 2 || n < (size_t)folds * 2)
		return err_set(err, KV_EINVAL, "need at least %d items for %d folds, got %zu",
		               folds * 2, folds, n);
	if (!(all = malloc(n * sizeof(*all))))
		return err_set(err, KV_ENOMEM, "out of memory");
	for (size_t k = 0; k < n; k++)
		all[k] = k;
	rc = train_on(out, x, y, all, n, folds, seed);
	free(all);
	return rc == KV_OK ? rc : err_set(err, rc, "out of memory");
}

static void prf_of(const struct prf *c, double *p, double *r, double *f)
{
	*p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
	*r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
	*f = f1_of(c);
}

int decision_cross_validate(struct decision_cv *out, const double (*x)[DECISION_NFEAT],
                            const int (*y)[DECISION_NHEAD], size_t n, int folds, int repeats,
                            unsigned seed, struct err *err)
{
	size_t *perm = NULL, *tr = NULL, nouter = (size_t)folds * (size_t)repeats, o = 0;
	double(*fold_prf)[DECISION_NHEAD][3] = NULL;
	struct prf pooled[DECISION_NHEAD];
	int rc = KV_OK;

	memset(out, 0, sizeof(*out));
	memset(pooled, 0, sizeof(pooled));
	if (folds < 2 || repeats < 1 || n < (size_t)folds * (size_t)folds * 2)
		return err_set(
		        err, KV_EINVAL,
		        "need at least %d items for nested %d-fold cross-validation, got %zu",
		        folds * folds * 2, folds, n);
	perm = malloc(n * sizeof(*perm));
	tr = malloc(n * sizeof(*tr));
	fold_prf = calloc(nouter, sizeof(*fold_prf));
	if (!perm || !tr || !fold_prf) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (int rep = 0; rep < repeats; rep++) {
		shuffle(perm, n, seed + (unsigned)rep);
		for (int fo = 0; fo < folds; fo++, o++) {
			struct decision d;
			struct prf c[DECISION_NHEAD];
			size_t nt = 0;

			for (size_t k = 0; k < n; k++)
				if ((int)(k % (size_t)folds) != fo)
					tr[nt++] = perm[k];
			/* The inner split gets its own seed: nothing of the
			 * outer fold being scored is seen. */
			if (train_on(&d, x, y, tr, nt, folds, seed * 7919u + (unsigned)o + 1) !=
			    KV_OK) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			memset(c, 0, sizeof(c));
			for (size_t k = 0; k < n; k++) {
				int pred[DECISION_NHEAD];
				size_t i = perm[k];

				if ((int)(k % (size_t)folds) != fo)
					continue;
				decision_predict(&d, x[i], pred);
				for (int h = 0; h < DECISION_NHEAD; h++) {
					tally(&c[h], y[i][h], pred[h]);
					tally(&pooled[h], y[i][h], pred[h]);
				}
			}
			for (int h = 0; h < DECISION_NHEAD; h++)
				prf_of(&c[h], &fold_prf[o][h][0], &fold_prf[o][h][1],
				       &fold_prf[o][h][2]);
		}
	}
	for (int h = 0; h < DECISION_NHEAD; h++) {
		struct decision_score *s = &out->head[h];
		double mean[3] = {0}, var[3] = {0};

		for (size_t k = 0; k < nouter; k++)
			for (int j = 0; j < 3; j++)
				mean[j] += fold_prf[k][h][j] / (double)nouter;
		for (size_t k = 0; k < nouter; k++)
			for (int j = 0; j < 3; j++)
				var[j] += (fold_prf[k][h][j] - mean[j]) *
				          (fold_prf[k][h][j] - mean[j]);
		for (int j = 0; j < 3; j++)
			var[j] = nouter > 1 ? sqrt(var[j] / (double)(nouter - 1)) : 0;
		s->p_mean = mean[0];
		s->r_mean = mean[1];
		s->f_mean = mean[2];
		s->p_sd = var[0];
		s->r_sd = var[1];
		s->f_sd = var[2];
		prf_of(&pooled[h], &s->p_pooled, &s->r_pooled, &s->f_pooled);
		s->support = (pooled[h].tp + pooled[h].fn) / repeats;
	}
	out->folds = folds;
	out->repeats = repeats;
out:
	free(perm);
	free(tr);
	free(fold_prf);
	return rc;
}

static int feature_id(const char *name)
{
	if (strcmp(name, "bias") == 0)
		return -1;
	for (int f = 0; f < DECISION_NFEAT; f++)
		if (strcmp(feat_names[f], name) == 0)
			return f;
	return -2;
}

static int head_id(const char *name)
{
	for (int h = 0; h < DECISION_NHEAD; h++)
		if (strcmp(head_names[h], name) == 0)
			return h;
	return -1;
}

int decision_load(struct decision *out, const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char line[512];
	int lineno = 0, seen[DECISION_NHEAD] = {0}, rc = KV_OK;

	if (!f)
		return err_set(err, KV_EIO, "cannot open %s: %s", path, strerror(errno));
	memset(out, 0, sizeof(*out));
	while (fgets(line, sizeof(line), f)) {
		char a[64], b[64], c[64], extra[8];
		int n, h, ft;
		double v;
		char *end;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = err_set(err, KV_EINVAL, "%s:%d: line too long", path, lineno);
			goto out;
		}
		n = sscanf(line, "%63s %63s %63s %7s", a, b, c, extra);
		if (n <= 0 || a[0] == '#')
			continue;
		if ((strcmp(a, "threshold") == 0 || strcmp(a, "l2") == 0) && n == 3) {
			errno = 0;
			v = strtod(c, &end);
			if ((h = head_id(b)) < 0 || errno || *end || v < 0 ||
			    (a[0] == 't' && v > 1)) {
				rc = err_set(err, KV_EINVAL, "%s:%d: expected '%s <head> <number>'",
				             path, lineno, a);
				goto out;
			}
			if (a[0] == 't') {
				out->threshold[h] = v;
				seen[h] = 1;
			} else {
				out->l2[h] = v;
			}
			continue;
		}
		if (strcmp(a, "w") == 0 && n == 4) {
			char *q = strchr(line, ' ');

			/* "w <head> <feature> <value>" */
			if (sscanf(q, "%63s %63s %63s", a, b, c) != 3) {
				rc = err_set(err, KV_EINVAL, "%s:%d: bad weight line", path,
				             lineno);
				goto out;
			}
			errno = 0;
			v = strtod(c, &end);
			if ((h = head_id(a)) < 0 || (ft = feature_id(b)) < -1 || errno || *end ||
			    !isfinite(v)) {
				rc = err_set(err, KV_EINVAL,
				             "%s:%d: expected 'w <head> <feature> <number>' "
				             "(unknown head '%s' or feature '%s'?)",
				             path, lineno, a, b);
				goto out;
			}
			out->w[h][ft + 1] = v;
			continue;
		}
		rc = err_set(err, KV_EINVAL, "%s:%d: expected 'threshold', 'l2' or 'w' line", path,
		             lineno);
		goto out;
	}
	for (int h = 0; h < DECISION_NHEAD; h++)
		if (!seen[h]) {
			rc = err_set(err, KV_EINVAL, "%s: no threshold for head '%s'", path,
			             head_names[h]);
			goto out;
		}
out:
	fclose(f);
	return rc;
}

int decision_save(const struct decision *d, const char *path, const char *const *comment,
                  size_t ncomment, struct err *err)
{
	char tmp[4200];
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (!(f = fopen(tmp, "wb")))
		return err_set(err, KV_EIO, "cannot write %s: %s", tmp, strerror(errno));
	for (size_t k = 0; k < ncomment; k++)
		fprintf(f, "# %s\n", comment[k]);
	for (int h = 0; h < DECISION_NHEAD; h++) {
		fprintf(f, "\nthreshold %s %.4f\nl2 %s %g\nw %s bias %.6f\n", head_names[h],
		        d->threshold[h], head_names[h], d->l2[h], head_names[h], d->w[h][0]);
		for (int ft = 0; ft < DECISION_NFEAT; ft++)
			fprintf(f, "w %s %s %.6f\n", head_names[h], feat_names[ft],
			        d->w[h][ft + 1]);
	}
	ok = !ferror(f);
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		remove(tmp);
		return err_set(err, KV_EIO, "cannot write %s", path);
	}
	return KV_OK;
}
