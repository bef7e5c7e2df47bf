/* screen_train: trains the screening model (rules/<lang>/screen.model, a
 * logistic regression over the hashed features of src/screen/model.c) on a
 * labelled JSON Lines file, and reports honest k-fold cross-validated F1 for
 * the lexicon alone, the model alone and the two combined. The model's two
 * combination parameters (lift, alone) are chosen inside each training fold,
 * never on the fold being scored. A development tool: not run by the tests,
 * not installed. See docs/internals/screen.md, "Retraining the model". */
#include "base/err.h"
#include "screen/model.h"
#include "screen/normalize.h"
#include "screen/screen.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	uint32_t *feat; /* hashed feature indices, with repeats */
	size_t nfeat;
	int gold;                    /* any abusive */
	double lexicon[SCREEN_NCAT]; /* lexicon scores, no model */
};

struct opts {
	const char *rules, *data, *out;
	int folds, epochs, bits;
	double l2, rate;
	unsigned seed;
};

struct params {
	double lift, alone;
};

static const double lifts[] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0};
static const double alones[] = {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.1};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

struct fvec {
	uint32_t *v;
	size_t n, cap;
	int oom;
};

static void add_feature(size_t idx, void *ctx)
{
	struct fvec *f = ctx;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		uint32_t *v = realloc(f->v, cap * sizeof(*v));

		if (!v) {
			f->oom = 1;
			return;
		}
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n++] = (uint32_t)idx;
}

static double annotation(json_t *ann, const char *key)
{
	json_t *v = json_object_get(ann, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

/* Reads RTP-LX (Prompt, mean Toxicity >= 2.5) or {"text", "labels"} lines. */
static int load(struct item **out, size_t *nout, const struct opts *o, struct screen *s,
                struct err *err)
{
	FILE *f = fopen(o->data, "rb");
	struct screen_scratch *sc = NULL;
	struct norm nm;
	char *line = NULL;
	size_t cap = 0, n = 0, icap = 0;
	ssize_t got;
	long lineno = 0;
	struct item *items = NULL;
	int rc = KV_OK;

	normalize_init(&nm);
	if (!f)
		return err_set(err, KV_EIO, "cannot open %s: %s", o->data, strerror(errno));
	if ((rc = screen_scratch_new(&sc, s, err)) != KV_OK)
		goto out;
	while ((got = getline(&line, &cap, f)) >= 0) {
		json_error_t je;
		json_t *doc, *ann, *labels, *t;
		const char *text;
		const struct screen_result *r;
		struct item *it;
		struct fvec fv = {0};

		lineno++;
		if (got <= 1)
			continue;
		doc = json_loadb(line, (size_t)got, 0, &je);
		if (!json_is_object(doc)) {
			rc = err_set(err, KV_EINVAL, "%s:%ld: not a JSON object", o->data, lineno);
			json_decref(doc);
			goto out;
		}
		if (n == icap) {
			struct item *ni;

			icap = icap ? icap * 2 : 256;
			ni = realloc(items, icap * sizeof(*ni));
			if (!ni) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				json_decref(doc);
				goto out;
			}
			items = ni;
		}
		it = &items[n];
		memset(it, 0, sizeof(*it));
		ann = json_object_get(doc, "Annotations");
		labels = json_object_get(doc, "labels");
		if (json_is_object(ann) && json_is_string(t = json_object_get(doc, "Prompt"))) {
			it->gold = annotation(ann, "Toxicity") >= 2.5;
		} else if (json_is_string(t = json_object_get(doc, "text")) &&
		           json_is_array(labels)) {
			size_t k;
			json_t *l;

			json_array_foreach(labels, k, l)
			{
				if (json_is_string(l) && lexicon_category_abusive(lexicon_category_id(
				                                 json_string_value(l))))
					it->gold = 1;
			}
		} else {
			rc = err_set(err, KV_EINVAL,
			             "%s:%ld: expected RTP-LX (Prompt, Annotations) or "
			             "{\"text\", \"labels\"}",
			             o->data, lineno);
			json_decref(doc);
			goto out;
		}
		text = json_string_value(t);
		if ((rc = screen_text(&r, sc, text, json_string_length(t), err)) != KV_OK ||
		    (rc = normalize_text(&nm, text, json_string_length(t), err)) != KV_OK) {
			json_decref(doc);
			goto out;
		}
		memcpy(it->lexicon, r->lexicon, sizeof(it->lexicon));
		model_features(nm.out, nm.len, (size_t)1 << o->bits, add_feature, &fv);
		json_decref(doc);
		if (fv.oom) {
			free(fv.v);
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		it->feat = fv.v;
		it->nfeat = fv.n;
		n++;
	}
	*out = items;
	*nout = n;
	items = NULL;
out:
	if (items)
		for (size_t k = 0; k < n; k++)
			free(items[k].feat);
	free(items);
	free(line);
	fclose(f);
	normalize_done(&nm);
	screen_scratch_free(sc);
	return rc;
}

/* Quantises weights as the shipped file stores them: scale * int8. */
static double quantise(float *w, size_t dim, int8_t *q)
{
	double mx = 0, scale;

	for (size_t k = 0; k < dim; k++)
		if (fabs(w[k]) > mx)
			mx = fabs(w[k]);
	scale = mx > 0 ? mx / 127 : 1.0 / 127;
	for (size_t k = 0; k < dim; k++)
		q[k] = (int8_t)lrint(w[k] / scale);
	return scale;
}

struct model_w {
	float *w;
	int8_t *q;
	double bias, scale;
};

/* Logistic regression by AdaGrad over the items in idx[0..n), L2 on the
 * weights, then quantised. */
static void train(struct model_w *m, const struct item *items, const size_t *idx, size_t n,
                  const struct opts *o, float *g2)
{
	size_t dim = (size_t)1 << o->bits, *order = malloc(n * sizeof(*order));
	double gb2 = 1e-8;

	if (!order) {
		fprintf(stderr, "screen_train: out of memory\n");
		exit(1);
	}
	memset(m->w, 0, dim * sizeof(float));
	for (size_t k = 0; k < dim; k++)
		g2[k] = 1e-8f;
	m->bias = 0;
	memcpy(order, idx, n * sizeof(*order));
	for (int ep = 0; ep < o->epochs; ep++) {
		for (size_t k = n; k > 1; k--) {
			size_t j = rnd() % k, t = order[k - 1];

			order[k - 1] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < n; k++) {
			const struct item *it = &items[order[k]];
			double z = m->bias, p, g;

			for (size_t f = 0; f < it->nfeat; f++)
				z += m->w[it->feat[f]];
			p = 1.0 / (1.0 + exp(-z));
			g = p - it->gold;
			gb2 += g * g;
			m->bias -= o->rate * g / sqrt(gb2);
			for (size_t f = 0; f < it->nfeat; f++) {
				uint32_t i = it->feat[f];
				double gi = g + o->l2 * m->w[i];

				g2[i] += (float)(gi * gi);
				m->w[i] -= (float)(o->rate * gi / sqrt(g2[i]));
			}
		}
	}
	m->scale = quantise(m->w, dim, m->q);
	free(order);
}

static double predict(const struct model_w *m, const struct item *it)
{
	long acc = 0;

	for (size_t f = 0; f < it->nfeat; f++)
		acc += m->q[it->feat[f]];
	return 1.0 / (1.0 + exp(-(m->bias + m->scale * (double)acc)));
}

/* The same decision as screen.c: the model moves the abusive lexicon scores
 * by lift * (p - 0.5) and flags alone at p >= alone when they are all 0. */
static int combined(const struct item *it, double p, const struct params *pr,
                    const struct screen *s)
{
	int any = 0;

	for (int c = 0; c < SCREEN_NCAT; c++) {
		double v;

		if (!lexicon_category_abusive(c) || it->lexicon[c] <= 0)
			continue;
		any = 1;
		v = it->lexicon[c] + (p < 0 ? 0 : pr->lift * (p - 0.5));
		v = v < 0.001 ? 0.001 : v > 1 ? 1 : v;
		if (v >= screen_threshold(s, c))
			return 1;
	}
	return !any && p >= 0 && p >= pr->alone;
}

struct prf {
	long tp, fp, fn;
};

static void tally(struct prf *c, int gold, int pred)
{
	c->tp += gold && pred;
	c->fp += !gold && pred;
	c->fn += gold && !pred;
}

static double f1(const struct prf *c)
{
	return c->tp ? 2.0 * (double)c->tp / (double)(2 * c->tp + c->fp + c->fn) : 0;
}

/* Picks lift and alone for the best F1 over items idx with probabilities p. */
static struct params choose(const struct item *items, const size_t *idx, const double *p, size_t n,
                            const struct screen *s, double *best_alone_thr)
{
	struct params best = {0, 1.1}, pr;
	double bf = -1, ba = -1;

	for (size_t a = 0; a < NELEM(alones); a++)
		for (size_t l = 0; l < NELEM(lifts); l++) {
			struct prf c = {0};

			pr.lift = lifts[l];
			pr.alone = alones[a];
			for (size_t k = 0; k < n; k++)
				tally(&c, items[idx[k]].gold,
				      combined(&items[idx[k]], p[k], &pr, s));
			if (f1(&c) > bf) {
				bf = f1(&c);
				best = pr;
			}
		}
	/* The model alone: one threshold on p. */
	*best_alone_thr = 0.5;
	for (size_t a = 0; a < NELEM(alones); a++) {
		struct prf c = {0};

		for (size_t k = 0; k < n; k++)
			tally(&c, items[idx[k]].gold, p[k] >= alones[a]);
		if (f1(&c) > ba) {
			ba = f1(&c);
			*best_alone_thr = alones[a];
		}
	}
	return best;
}

/* Out-of-fold probabilities for idx[0..n) by k-fold inside them. */
static void oof(double *p, const struct item *items, const size_t *idx, size_t n,
                const struct opts *o, struct model_w *m, float *g2, size_t *tr)
{
	for (int f = 0; f < o->folds; f++) {
		size_t nt = 0;

		for (size_t k = 0; k < n; k++)
			if ((int)(k % (size_t)o->folds) != f)
				tr[nt++] = idx[k];
		train(m, items, tr, nt, o, g2);
		for (size_t k = 0; k < n; k++)
			if ((int)(k % (size_t)o->folds) == f)
				p[k] = predict(m, &items[idx[k]]);
	}
}

static int write_model(const char *path, const struct model_w *m, size_t dim,
                       const struct params *pr, size_t nitems, struct err *err)
{
	FILE *f = fopen(path, "w");
	size_t nz = 0;

	if (!f)
		return err_set(err, KV_EIO, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "kvmodel 2\n");
	fprintf(f, "# Trained by tools/screen_train on %zu items; see docs/internals/screen.md.\n",
	        nitems);
	fprintf(f, "dim %zu\nbias %.6f\nscale %.9g\nlift %.2f\nalone %.2f\n", dim, m->bias,
	        m->scale, pr->lift, pr->alone);
	for (size_t k = 0; k < dim; k++)
		if (m->q[k]) {
			fprintf(f, "%zu %d\n", k, m->q[k]);
			nz++;
		}
	if (fclose(f) != 0)
		return err_set(err, KV_EIO, "cannot write %s", path);
	fprintf(stderr, "wrote %s: %zu non-zero weights of %zu\n", path, nz, dim);
	return KV_OK;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: screen_train --rules DIR [--folds K] [--epochs N] [--bits B] "
	                "[--l2 X] [--rate X] [--seed N] [--out FILE] DATA.jsonl\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = {.folds = 5, .epochs = 12, .bits = 18, .l2 = 1e-3, .rate = 0.2, .seed = 1};
	struct screen *s = NULL;
	struct item *items = NULL;
	size_t n = 0, dim, *idx = NULL, *tr = NULL, *te = NULL, *inner = NULL;
	double *p_in = NULL;
	float *g2 = NULL;
	struct model_w m = {0};
	struct err e;
	struct prf lex = {0}, alone = {0}, comb = {0}, lex_in = {0};
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		long v;
		char *end;

		if (i + 1 < argc && strcmp(argv[i], "--rules") == 0)
			o.rules = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--out") == 0)
			o.out = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--folds") == 0 &&
		         parse_int(argv[i + 1], 2, 50, &v) == 0 && ++i)
			o.folds = (int)v;
		else if (i + 1 < argc && strcmp(argv[i], "--epochs") == 0 &&
		         parse_int(argv[i + 1], 1, 1000, &v) == 0 && ++i)
			o.epochs = (int)v;
		else if (i + 1 < argc && strcmp(argv[i], "--bits") == 0 &&
		         parse_int(argv[i + 1], 8, 24, &v) == 0 && ++i)
			o.bits = (int)v;
		else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0 &&
		         parse_int(argv[i + 1], 0, 1L << 30, &v) == 0 && ++i)
			o.seed = (unsigned)v;
		else if (i + 1 < argc && strcmp(argv[i], "--l2") == 0)
			o.l2 = strtod(argv[++i], &end);
		else if (i + 1 < argc && strcmp(argv[i], "--rate") == 0)
			o.rate = strtod(argv[++i], &end);
		else if (argv[i][0] != '-' && !o.data)
			o.data = argv[i];
		else
			return usage();
	}
	if (!o.rules || !o.data)
		return usage();
	rng_state = 0x9E3779B97F4A7C15ull ^ o.seed;
	dim = (size_t)1 << o.bits;
	/* The lexicon alone: an engine without any model file. */
	if (screen_new(&s, o.rules, &e) != KV_OK || load(&items, &n, &o, s, &e) != KV_OK) {
		fprintf(stderr, "screen_train: %s\n", e.msg);
		goto out;
	}
	if (screen_has_model(s))
		fprintf(stderr,
		        "note: %s has a screen.model; lexicon scores below are taken "
		        "before it, as if it were absent\n",
		        o.rules);
	idx = malloc(n * sizeof(*idx));
	tr = malloc(n * sizeof(*tr));
	te = malloc(n * sizeof(*te));
	inner = malloc(n * sizeof(*inner));
	p_in = malloc(n * sizeof(*p_in));
	g2 = malloc(dim * sizeof(*g2));
	m.w = malloc(dim * sizeof(*m.w));
	m.q = malloc(dim);
	if (!idx || !tr || !te || !inner || !p_in || !g2 || !m.w || !m.q || n < (size_t)o.folds) {
		fprintf(stderr, "screen_train: out of memory or too few items (%zu)\n", n);
		goto out;
	}
	/* A fixed shuffle, so folds are the same from run to run. */
	for (size_t k = 0; k < n; k++)
		idx[k] = k;
	for (size_t k = n; k > 1; k--) {
		size_t j = rnd() % k, t = idx[k - 1];

		idx[k - 1] = idx[j];
		idx[j] = t;
	}
	for (size_t k = 0; k < n; k++) {
		struct params none = {0, 2};

		tally(&lex_in, items[k].gold, combined(&items[k], -1, &none, s));
	}
	/* Nested cross-validation: the outer folds are scored; lift, alone and
	 * the model-alone threshold are chosen on out-of-fold predictions made
	 * inside the training part only. */
	for (int f = 0; f < o.folds; f++) {
		size_t nt = 0, ne = 0;
		struct params pr, none = {0, 2};
		double thr;

		for (size_t k = 0; k < n; k++) {
			if ((int)(k % (size_t)o.folds) == f)
				te[ne++] = idx[k];
			else
				tr[nt++] = idx[k];
		}
		oof(p_in, items, tr, nt, &o, &m, g2, inner);
		pr = choose(items, tr, p_in, nt, s, &thr);
		train(&m, items, tr, nt, &o, g2);
		for (size_t k = 0; k < ne; k++) {
			const struct item *it = &items[te[k]];
			double p = predict(&m, it);

			tally(&lex, it->gold, combined(it, -1, &none, s));
			tally(&alone, it->gold, p >= thr);
			tally(&comb, it->gold, combined(it, p, &pr, s));
		}
		fprintf(stderr, "fold %d: lift %.2f alone %.2f, model-alone threshold %.2f\n", f,
		        pr.lift, pr.alone, thr);
	}
	printf("items %zu, positives %ld, %d-fold nested cross-validation, %zu buckets\n", n,
	       lex_in.tp + lex_in.fn, o.folds, dim);
	printf("%-22s %5s %5s %5s  %6s\n", "any abusive", "tp", "fp", "fn", "F1");
	printf("%-22s %5ld %5ld %5ld  %6.3f\n", "lexicon (in-sample)", lex_in.tp, lex_in.fp,
	       lex_in.fn, f1(&lex_in));
	printf("%-22s %5ld %5ld %5ld  %6.3f\n", "lexicon (CV)", lex.tp, lex.fp, lex.fn, f1(&lex));
	printf("%-22s %5ld %5ld %5ld  %6.3f\n", "model alone (CV)", alone.tp, alone.fp, alone.fn,
	       f1(&alone));
	printf("%-22s %5ld %5ld %5ld  %6.3f\n", "combined (CV)", comb.tp, comb.fp, comb.fn,
	       f1(&comb));
	if (o.out) {
		struct params pr;
		double thr;

		/* The shipped model: parameters from out-of-fold predictions over
		 * all items, weights from all items. */
		oof(p_in, items, idx, n, &o, &m, g2, tr);
		pr = choose(items, idx, p_in, n, s, &thr);
		train(&m, items, idx, n, &o, g2);
		if (write_model(o.out, &m, dim, &pr, n, &e) != KV_OK) {
			fprintf(stderr, "screen_train: %s\n", e.msg);
			goto out;
		}
	}
	rc = 0;
out:
	for (size_t k = 0; k < n; k++)
		free(items[k].feat);
	free(items);
	free(idx);
	free(tr);
	free(te);
	free(inner);
	free(p_in);
	free(g2);
	free(m.w);
	free(m.q);
	screen_free(s);
	return rc;
}
