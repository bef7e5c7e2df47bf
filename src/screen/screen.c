/* The screening entry point (see screen.h): normalise, one Hyperscan pass
 * for every lexicon rule and context word, the structured detectors over the
 * original bytes, the optional trained model, then scores per category and
 * the flags that explain them. All per-text memory lives in the scratch and is
 * reused; nothing here prints or stores. */
#include "screen/screen.h"

#include "screen/compound.h"
#include "screen/decision.h"
#include "screen/detect.h"
#include "screen/lexicon.h"
#include "screen/model.h"
#include "screen/normalize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_EVENTS 4096
#define MAX_HITS   1024
#define MAX_QUOTES 256

_Static_assert(SCREEN_NFEATURES == DECISION_NFEAT, "screen.h and decision.h agree");

struct screen {
	struct lexicon lx;
	struct model *model;
	struct decision dec;
	int has_dec;
	int pred0[DECISION_NHEAD]; /* the decision for a text without evidence */
	double p0;
	struct compound *cmp;
};

struct event {
	unsigned id;
	uint32_t from, to;
};

struct hit {
	int category; /* enum screen_category, or a mark (enum lex_mark) */
	int rule;     /* index into lx.rules, -1 for a detector */
	const char *name;
	double weight;
	size_t start, end;
	uint32_t ns, ne; /* in the normalised text (rules only) */
	unsigned reasons;
};

struct screen_scratch {
	const struct screen *s;
	hs_scratch_t *hs;
	struct norm norm;
	struct event *ev;
	size_t nev;
	struct hit *hits;
	size_t nhits;
	struct screen_flag *flags;
	double *rule_best;           /* per rule: best weight in this text, -1 when unseen */
	uint32_t quotes[MAX_QUOTES]; /* offsets of quotation marks (set_reasons) */
	int need_aux;                /* a hit needs context words or its start */
	int aux_pass;                /* scanning the auxiliary database */
	struct screen_result res;
};

int screen_new(struct screen **out, const char *rules_dir, struct err *err)
{
	struct screen *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return err_set(err, KV_ENOMEM, "out of memory");
	if ((rc = lexicon_load(&s->lx, rules_dir, err)) != KV_OK)
		goto out;
	if (s->lx.model_path && (rc = model_load(&s->model, s->lx.model_path, err)) != KV_OK)
		goto out;
	if (s->lx.decision_path) {
		double zero[DECISION_NFEAT] = {0};

		if ((rc = decision_load(&s->dec, s->lx.decision_path, err)) != KV_OK)
			goto out;
		s->has_dec = 1;
		decision_predict(&s->dec, zero, s->pred0);
		s->p0 = decision_prob(&s->dec, DH_ANY, zero);
	}
	if (s->lx.dictionary && (rc = compound_new(&s->cmp, s->lx.dictionary, err)) != KV_OK)
		goto out;
	*out = s;
	s = NULL;
out:
	screen_free(s);
	return rc;
}

void screen_free(struct screen *s)
{
	if (!s)
		return;
	lexicon_done(&s->lx);
	model_free(s->model);
	compound_free(s->cmp);
	free(s);
}

const char *screen_rules_version(const struct screen *s)
{
	return s->lx.version;
}

size_t screen_rule_count(const struct screen *s)
{
	return s->lx.nrules;
}

double screen_threshold(const struct screen *s, int cat)
{
	return cat >= 0 && cat < SCREEN_NCAT ? s->lx.threshold[cat] : 1.0;
}

int screen_has_model(const struct screen *s)
{
	return s->model != NULL;
}

int screen_has_decision(const struct screen *s)
{
	return s->has_dec;
}

const struct decision *screen_decision(const struct screen *s)
{
	return s->has_dec ? &s->dec : NULL;
}

int screen_has_dictionary(const struct screen *s)
{
	return compound_available(s->cmp);
}

static const char *const reason_names[SCREEN_NREASONS] = {"quoted",  "mention", "self",    "admire",
                                                          "negated", "idiom",   "compound"};

const char *screen_reason_name(int k)
{
	return k >= 0 && k < SCREEN_NREASONS ? reason_names[k] : NULL;
}

int screen_scratch_new(struct screen_scratch **out, const struct screen *s, struct err *err)
{
	struct screen_scratch *sc = calloc(1, sizeof(*sc));
	int rc = KV_OK;

	if (!sc)
		return err_set(err, KV_ENOMEM, "out of memory");
	sc->s = s;
	normalize_init(&sc->norm);
	sc->ev = malloc(MAX_EVENTS * sizeof(*sc->ev));
	sc->hits = malloc(MAX_HITS * sizeof(*sc->hits));
	sc->flags = malloc(MAX_HITS * sizeof(*sc->flags));
	sc->rule_best = malloc((s->lx.nrules + 1) * sizeof(double));
	if (!sc->ev || !sc->hits || !sc->flags || !sc->rule_best) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < s->lx.nrules; k++)
		sc->rule_best[k] = -1;
	for (int k = 0; k < 4; k++)
		if (hs_alloc_scratch(s->lx.db[k], &sc->hs) != HS_SUCCESS) {
			rc = err_set(err, KV_EINTERNAL, "cannot allocate Hyperscan scratch");
			goto out;
		}
	*out = sc;
	sc = NULL;
out:
	screen_scratch_free(sc);
	return rc;
}

void screen_scratch_free(struct screen_scratch *sc)
{
	if (!sc)
		return;
	if (sc->hs)
		hs_free_scratch(sc->hs);
	normalize_done(&sc->norm);
	free(sc->ev);
	free(sc->hits);
	free(sc->flags);
	free(sc->rule_best);
	free(sc);
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
	struct screen_scratch *sc = ctx;
	const struct lexicon *lx = &sc->s->lx;

	if (id < LEX_CTX_ID) {
		unsigned r = id & ~(LEX_SOM_BIT | LEX_TRIG_BIT);

		if (r >= lx->nrules)
			return 0;
		if (id & LEX_TRIG_BIT) {
			/* Not evidence: only a reason to scan the auxiliary
			 * database, where the rule itself is. */
			sc->need_aux = 1;
			return 0;
		}
		/* An abusive hit also wants the marks (how it is used). */
		if (!sc->aux_pass && (lx->rules[r].nctx || lx->rules[r].som ||
		                      lexicon_category_abusive(lx->rules[r].category)))
			sc->need_aux = 1;
	}
	if (sc->nev >= MAX_EVENTS)
		return 1; /* enough evidence; stop rather than grow without bound */
	sc->ev[sc->nev].id = id;
	sc->ev[sc->nev].from = (uint32_t)from;
	sc->ev[sc->nev].to = (uint32_t)to;
	sc->nev++;
	return 0;
}

static int on_detect(void *ctx, int category, const char *rule, size_t start, size_t end)
{
	struct screen_scratch *sc = ctx;
	struct hit *h;

	if (sc->nhits >= MAX_HITS)
		return 1;
	h = &sc->hits[sc->nhits++];
	h->category = category;
	h->rule = -1;
	h->name = rule;
	h->weight = 1.0;
	h->start = start;
	h->end = end;
	h->ns = h->ne = 0;
	h->reasons = 0;
	return 0;
}

/* Words between normalised offsets a <= b (spaces counted), capped. */
static int words_between(const char *o, uint32_t a, uint32_t b, int cap)
{
	int n = 0;

	for (uint32_t k = a; k < b && n <= cap; k++)
		n += o[k] == ' ';
	return n;
}

static double context_delta(const struct screen_scratch *sc, const struct lex_rule *r, uint32_t S,
                            uint32_t E)
{
	const struct lexicon *lx = &sc->s->lx;
	const char *o = sc->norm.out;
	double d = 0;

	for (int c = 0; c < r->nctx; c++) {
		unsigned id = LEX_CTX_ID + (unsigned)(r->ctx_first + c);

		for (size_t k = 0; k < sc->nev; k++) {
			const struct event *ev = &sc->ev[k];
			int dist;

			if (ev->id != id)
				continue;
			if (lx->window == 0)
				dist = 0;
			else if (ev->to <= S + 1)
				dist = words_between(o, ev->to, S, lx->window);
			else if (ev->to > E + 1)
				dist = words_between(o, E + 1, ev->to - 1, lx->window);
			else
				dist = 0;
			if (dist <= lx->window) {
				d += lx->ctx[r->ctx_first + c].delta;
				break;
			}
		}
	}
	return d;
}

/* Where a raw-regex hit begins: from its start-of-match twin, else the
 * word it ends in. */
static uint32_t som_start(const struct screen_scratch *sc, const struct event *ev)
{
	for (size_t k = 0; k < sc->nev; k++)
		if (sc->ev[k].id == (ev->id | LEX_SOM_BIT) && sc->ev[k].to == ev->to)
			return sc->ev[k].from;
	return ev->to > 0 ? ev->to - 1 : 0;
}

/* For a pattern with gaps: the leftmost word start, at most span words back
 * from E, where the pattern's first word stands. UINT32_MAX when not found
 * (a masked vowel, say); the caller then counts words back instead. */
static uint32_t gap_start(const char *o, uint32_t E, const struct lex_rule *r)
{
	uint32_t p = E, best = UINT32_MAX;
	size_t fl = strlen(r->first);

	for (int wd = 0; wd < r->span && p > 0; wd++) {
		uint32_t b = p;

		while (b > 0 && o[b - 1] != ' ')
			b--;
		if (p - b >= fl && memcmp(o + b, r->first, fl) == 0 &&
		    (r->first_prefix || p - b == fl))
			best = b;
		p = b > 0 ? b - 1 : 0;
	}
	return best;
}

static void rule_hits(struct screen_scratch *sc)
{
	const struct lexicon *lx = &sc->s->lx;
	const char *o = sc->norm.out;
	const uint32_t *map = sc->norm.map;
	size_t nlen = sc->norm.len;

	for (size_t k = 0; k < sc->nev && sc->nhits < MAX_HITS; k++) {
		const struct event *ev = &sc->ev[k];
		const struct lex_rule *r;
		uint32_t S, E, p;
		double w;
		struct hit *h;

		if (ev->id >= LEX_CTX_ID || (ev->id & LEX_SOM_BIT))
			continue;
		r = &lx->rules[ev->id];
		E = ev->to;
		if (E > 0 && o[E - 1] == ' ')
			E--;
		while (E < nlen && o[E] != ' ')
			E++;
		if (r->som) {
			S = som_start(sc, ev);
			while (S < E && o[S] == ' ')
				S++;
			while (S > 0 && o[S - 1] != ' ')
				S--;
		} else if (r->span > r->nwords && (S = gap_start(o, E, r)) != UINT32_MAX) {
			/* found where the first word is */
		} else {
			p = E;
			for (int wd = 0; wd < r->nwords; wd++) {
				while (p > 0 && o[p - 1] != ' ')
					p--;
				if (wd + 1 < r->nwords && p > 0)
					p--;
			}
			S = p;
		}
		if (S >= E)
			continue;
		if (r->part) {
			/* "cmp:" found a stem somewhere inside a word: keep it only
			 * when the word is a compound with it as a member. */
			size_t sl = strlen(r->first);

			if (E - S <= sl || lexicon_guarded(lx, o + S, E - S) ||
			    !compound_has_part(sc->s->cmp, o + S, E - S, r->first, sl))
				continue;
		}
		w = r->weight + (r->nctx ? context_delta(sc, r, S, E) : 0);
		if (w < 0)
			w = 0;
		if (w > 1)
			w = 1;
		if (w > sc->rule_best[ev->id])
			sc->rule_best[ev->id] = w;
		h = &sc->hits[sc->nhits++];
		h->category = r->category;
		h->rule = (int)ev->id;
		h->name = r->id;
		h->weight = w;
		h->start = map[S];
		h->end = map[E];
		h->ns = S;
		h->ne = E;
		h->reasons = r->part ? SCREEN_REASON_COMPOUND : 0;
		/* A word made only of skipped bytes can map past its end. */
		if (h->end < h->start)
			h->end = h->start;
	}
}

/* The model moves the lexicon's abusive scores up or down; on its own, when
 * it is sure and the lexicon found nothing, it flags the whole text. */
static void model_combine(struct screen_scratch *sc, struct screen_result *res, size_t len)
{
	const struct model *m = sc->s->model;
	double p = model_prob(m, sc->norm.out, sc->norm.len), lift = model_lift(m);
	int any = 0;

	res->model_p = p;
	for (int c = 0; c < SCREEN_NCAT; c++) {
		double v;

		if (!lexicon_category_abusive(c) || res->score[c] <= 0)
			continue;
		v = res->score[c] + lift * (p - 0.5);
		res->score[c] = v < 0.001 ? 0.001 : v > 1 ? 1 : v;
		any = 1;
	}
	if (!any && p >= model_alone(m) && sc->nhits < MAX_HITS) {
		struct hit *h = &sc->hits[sc->nhits++];

		h->category = SCREEN_DEFAMATION_INSULT;
		h->rule = -1;
		h->name = "model.toxicity";
		h->weight = p;
		h->start = 0;
		h->end = len;
		res->score[SCREEN_DEFAMATION_INSULT] = p;
	}
}

/* Reasons that lower a hit (a compound is found, not lowered). */
#define LOWERING                                                                                   \
	(SCREEN_REASON_QUOTED | SCREEN_REASON_MENTION | SCREEN_REASON_SELF |                       \
	 SCREEN_REASON_ADMIRE | SCREEN_REASON_NEGATED | SCREEN_REASON_IDIOM)

/* A compound member found where another rule of the same category already
 * matched the same words is not more evidence. */
static void drop_covered_parts(struct screen_scratch *sc)
{
	const struct lexicon *lx = &sc->s->lx;
	size_t out = 0;

	for (size_t k = 0; k < sc->nhits; k++) {
		const struct hit *h = &sc->hits[k];
		int covered = 0;

		if (h->rule >= 0 && lx->rules[h->rule].part)
			for (size_t j = 0; j < sc->nhits && !covered; j++) {
				const struct hit *g = &sc->hits[j];

				covered = j != k && g->rule >= 0 && !lx->rules[g->rule].part &&
				          g->category == h->category && g->ns <= h->ns &&
				          g->ne >= h->ne;
			}
		if (!covered)
			sc->hits[out++] = *h;
	}
	/* rule_best of a dropped part rule: recomputed from what is kept. */
	for (size_t k = 0; k < sc->nhits; k++) {
		const struct hit *h = &sc->hits[k];

		if (h->rule >= 0 && lx->rules[h->rule].part)
			sc->rule_best[h->rule] = -1;
	}
	sc->nhits = out;
	for (size_t k = 0; k < out; k++) {
		const struct hit *h = &sc->hits[k];

		if (h->rule >= 0 && lx->rules[h->rule].part && h->weight > sc->rule_best[h->rule])
			sc->rule_best[h->rule] = h->weight;
	}
}

/* Is a mark of kind m within `before` words before hit h, `after` words
 * after it, or overlapping it? Distances count spaces between the spans. */
static int mark_near(const struct screen_scratch *sc, int m, const struct hit *h, int before,
                     int after)
{
	const char *o = sc->norm.out;

	for (size_t k = 0; k < sc->nhits; k++) {
		const struct hit *g = &sc->hits[k];

		if (g->category != m)
			continue;
		if (g->ne <= h->ns) {
			if (before > 0 && words_between(o, g->ne, h->ns, before) <= before)
				return 1;
		} else if (g->ns >= h->ne) {
			if (after > 0 && words_between(o, h->ne, g->ns, after) <= after)
				return 1;
		} else {
			return 1;
		}
	}
	return 0;
}

static int is_quote_at(const unsigned char *t, size_t k, size_t len, size_t *w)
{
	if (t[k] == '"') {
		*w = 1;
		return 1;
	}
	/* “ ” „ (E2 80 9C/9D/9E) and « » (C2 AB/BB) */
	if (t[k] == 0xE2 && k + 2 < len && t[k + 1] == 0x80 &&
	    (t[k + 2] == 0x9C || t[k + 2] == 0x9D || t[k + 2] == 0x9E)) {
		*w = 3;
		return 1;
	}
	if (t[k] == 0xC2 && k + 1 < len && (t[k + 1] == 0xAB || t[k + 1] == 0xBB)) {
		*w = 2;
		return 1;
	}
	*w = 1;
	return 0;
}

/* Where the quotation marks of a text are, found once per text that has an
 * abusive hit (at most MAX_QUOTES; a text with more is not read for them). */
static size_t find_quotes(struct screen_scratch *sc, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t n = 0, w;

	for (size_t k = 0; k < len; k += w)
		if (is_quote_at(t, k, len, &w)) {
			if (n == MAX_QUOTES)
				return 0;
			sc->quotes[n++] = (uint32_t)k;
		}
	return n;
}

/* Inside quotation marks: an odd number of them before the hit and one
 * after it. */
static int quoted(const struct screen_scratch *sc, size_t nq, size_t start, size_t end)
{
	size_t before = 0, after = 0;

	for (size_t k = 0; k < nq; k++) {
		if (sc->quotes[k] < start)
			before++;
		else if (sc->quotes[k] >= end)
			after++;
	}
	return (before & 1) && after > 0;
}

/* Why each abusive hit may count for less: quoted, reported, about the
 * writer, admiring, negated, an idiom. Only texts with an abusive hit get
 * here with marks at all (the marks are in the auxiliary scan). */
static void set_reasons(struct screen_scratch *sc, const char *text, size_t len)
{
	size_t nq = 0;
	int looked = 0;

	for (size_t k = 0; k < sc->nhits; k++) {
		struct hit *h = &sc->hits[k];

		if (h->rule < 0 || !lexicon_category_abusive(h->category))
			continue;
		if (!looked) {
			nq = find_quotes(sc, text, len);
			looked = 1;
		}
		if (quoted(sc, nq, h->start, h->end))
			h->reasons |= SCREEN_REASON_QUOTED;
		if (mark_near(sc, LEX_MARK_MENTION, h, 4, 2))
			h->reasons |= SCREEN_REASON_MENTION;
		if (mark_near(sc, LEX_MARK_SELF, h, 3, 2) &&
		    !mark_near(sc, LEX_MARK_SECOND, h, 3, 3))
			h->reasons |= SCREEN_REASON_SELF;
		if (mark_near(sc, LEX_MARK_ADMIRE, h, 2, 2))
			h->reasons |= SCREEN_REASON_ADMIRE;
		if (mark_near(sc, LEX_MARK_NEGATION, h, 2, 0))
			h->reasons |= SCREEN_REASON_NEGATED;
		if (mark_near(sc, LEX_MARK_IDIOM, h, 1, 1))
			h->reasons |= SCREEN_REASON_IDIOM;
	}
}

/* Category scores (1 - prod(1 - w), each rule once with its best hit) and
 * the decision's features. */
static void score_hits(struct screen_scratch *sc, struct screen_result *res)
{
	double miss[SCREEN_NCAT], lowered = 1, sev = 0, *x = res->feature;
	int rules = 0, second = 0, group = 0, third = 0;
	unsigned why = 0;

	for (int c = 0; c < SCREEN_NCAT; c++)
		miss[c] = 1.0;
	for (size_t k = 0; k < sc->nhits; k++) {
		struct hit *h = &sc->hits[k];

		if (h->category >= SCREEN_NCAT) {
			sc->rule_best[h->rule] = -1; /* never scored: ready for the next text */
			second |= h->category == LEX_MARK_SECOND;
			group |= h->category == LEX_MARK_GROUP;
			third |= h->category == LEX_MARK_THIRD;
			continue;
		}
		if (lexicon_category_abusive(h->category) && h->rule >= 0) {
			if (h->reasons & LOWERING) {
				lowered *= 1.0 - h->weight;
				why |= h->reasons;
			} else if (h->weight > sev) {
				sev = h->weight;
			}
		}
		if (h->rule < 0) {
			miss[h->category] *= 1.0 - h->weight;
		} else if (sc->rule_best[h->rule] >= 0) {
			/* Each rule counts once, with its best hit. */
			miss[h->category] *= 1.0 - sc->rule_best[h->rule];
			sc->rule_best[h->rule] = -1;
			rules += lexicon_category_abusive(h->category);
		}
	}
	for (int c = 0; c < SCREEN_NCAT; c++)
		res->lexicon[c] = res->score[c] = 1.0 - miss[c];
	x[DF_INSULT] = res->score[SCREEN_DEFAMATION_INSULT];
	x[DF_HATE] = res->score[SCREEN_HATE];
	x[DF_THREAT] = res->score[SCREEN_THREAT];
	x[DF_VIOLENCE] = res->score[SCREEN_VIOLENCE];
	x[DF_SEXUAL] = res->score[SCREEN_SEXUAL];
	x[DF_INCITEMENT] = res->score[SCREEN_CRIME_INCITEMENT];
	x[DF_LOWERED] = 1.0 - lowered;
	x[DF_SECOND] = second;
	x[DF_GROUP] = group;
	x[DF_SEVERITY] = sev;
	x[DF_RULES] = rules >= 4 ? 1.0 : rules / 4.0;
	x[DF_INSULT_SECOND] = x[DF_INSULT] * second;
	x[DF_HATE_GROUP] = x[DF_HATE] * group;
	x[DF_SELF] = (why & SCREEN_REASON_SELF) != 0;
	x[DF_MENTION] = (why & (SCREEN_REASON_QUOTED | SCREEN_REASON_MENTION)) != 0;
	x[DF_NEGATED] = (why & SCREEN_REASON_NEGATED) != 0;
	x[DF_ADMIRE] = (why & (SCREEN_REASON_ADMIRE | SCREEN_REASON_IDIOM)) != 0;
	x[DF_THIRD] = third && !second;
}

/* With decision weights, the abusive categories are flagged by their heads
 * (crime_incitement, which has no head, by its threshold when the text is
 * abusive); without, a text is abusive when one of them reached its
 * threshold. */
static void decide(struct screen_scratch *sc, struct screen_result *res)
{
	const struct screen *s = sc->s;
	int pred[DECISION_NHEAD], any = 0;

	if (!s->has_dec) {
		for (int c = 0; c < SCREEN_NCAT; c++)
			any |= res->flagged[c] && lexicon_category_abusive(c);
		res->abusive = any;
		return;
	}
	int zero = 1;

	for (int f = 0; f < DECISION_NFEAT && zero; f++)
		zero = res->feature[f] == 0;
	if (zero) {
		/* No abusive evidence at all (most texts): every feature is 0,
		 * and so is the answer computed once when the engine loaded. */
		memcpy(pred, s->pred0, sizeof(pred));
		res->p_abusive = s->p0;
	} else {
		decision_predict(&s->dec, res->feature, pred);
		res->p_abusive = decision_prob(&s->dec, DH_ANY, res->feature);
	}
	res->abusive = pred[DH_ANY];
	res->flagged[SCREEN_DEFAMATION_INSULT] = pred[DH_INSULT];
	res->flagged[SCREEN_HATE] = pred[DH_HATE];
	res->flagged[SCREEN_THREAT] = pred[DH_THREAT_VIOLENCE] && res->score[SCREEN_THREAT] > 0;
	res->flagged[SCREEN_VIOLENCE] = pred[DH_THREAT_VIOLENCE] && res->score[SCREEN_VIOLENCE] > 0;
	res->flagged[SCREEN_SEXUAL] = pred[DH_SEXUAL];
	res->flagged[SCREEN_CRIME_INCITEMENT] &= res->abusive;
	if (res->abusive) {
		/* Abusive with no category of its own: show the strongest. */
		int best = -1;

		for (int c = 0; c < SCREEN_NCAT; c++)
			if (lexicon_category_abusive(c) && res->flagged[c])
				return;
		for (int c = 0; c < SCREEN_NCAT; c++)
			if (lexicon_category_abusive(c) && res->score[c] > 0 &&
			    (best < 0 || res->score[c] > res->score[best]))
				best = c;
		if (best >= 0)
			res->flagged[best] = 1;
	}
}

static int cmp_flag(const void *a, const void *b)
{
	const struct screen_flag *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->category != y->category)
		return x->category - y->category;
	return strcmp(x->rule, y->rule);
}

int screen_text(const struct screen_result **out, struct screen_scratch *sc, const char *text,
                size_t len, struct err *err)
{
	const struct screen *s = sc->s;
	const struct lexicon *lx = &s->lx;
	struct screen_result *res = &sc->res;
	size_t nflags = 0;
	int rc, masked;

	sc->nev = 0;
	sc->nhits = 0;
	if ((rc = normalize_text(&sc->norm, text, len, err)) != KV_OK)
		return rc;
	/* A '*' only survives normalisation inside a word ("j*vla"). */
	masked = sc->norm.masked ? 2 : 0;
	sc->need_aux = 0;
	sc->aux_pass = 0;
	if (hs_scan(lx->db[masked], sc->norm.out, (unsigned)sc->norm.len, 0, sc->hs, on_match,
	            sc) != HS_SUCCESS &&
	    sc->nev < MAX_EVENTS)
		return err_set(err, KV_EINTERNAL, "Hyperscan scan failed");
	if (sc->need_aux) {
		sc->aux_pass = 1;
		if (hs_scan(lx->db[masked + 1], sc->norm.out, (unsigned)sc->norm.len, 0, sc->hs,
		            on_match, sc) != HS_SUCCESS &&
		    sc->nev < MAX_EVENTS)
			return err_set(err, KV_EINTERNAL, "Hyperscan scan failed");
	}
	rule_hits(sc);
	detect_all(text, len, on_detect, sc);
	drop_covered_parts(sc);
	set_reasons(sc, text, len);

	memset(res, 0, sizeof(*res));
	score_hits(sc, res);
	res->model_p = -1;
	res->p_abusive = -1;
	if (s->model)
		model_combine(sc, res, len);
	for (int c = 0; c < SCREEN_NCAT; c++)
		res->flagged[c] = res->score[c] > 0 && res->score[c] >= lx->threshold[c];
	decide(sc, res);
	for (size_t k = 0; k < sc->nhits; k++) {
		const struct hit *h = &sc->hits[k];
		struct screen_flag *f;

		if (h->category >= SCREEN_NCAT || !res->flagged[h->category] || h->weight <= 0)
			continue;
		f = &sc->flags[nflags++];
		f->category = h->category;
		f->score = res->score[h->category];
		f->weight = h->weight;
		f->rule = h->name;
		f->start = h->start;
		f->end = h->end;
		f->reasons = h->reasons;
	}
	qsort(sc->flags, nflags, sizeof(*sc->flags), cmp_flag);
	res->flags = sc->flags;
	res->nflags = nflags;
	res->question = res->flagged[SCREEN_QUESTION];
	res->rules_version = lx->version;
	*out = res;
	return KV_OK;
}

static int has_rules(const char *dir)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/screen.conf", dir);
	return stat(path, &st) == 0;
}

const char *screen_rules_dir(const char *opt, char *buf, size_t n)
{
	const char *env = getenv("KANALVAKT_RULES");
	const char *cands[4] = {opt, env && *env ? env : NULL, "rules", KV_SOURCE_DIR "/rules"};
	struct stat st;

	for (int k = 0; k < 4; k++) {
		if (!cands[k] || stat(cands[k], &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		snprintf(buf, n, "%s/sv", cands[k]);
		if (has_rules(buf))
			return buf;
		if (k == 0 || has_rules(cands[k]))
			return cands[k];
	}
	return opt ? opt : KV_SOURCE_DIR "/rules/sv";
}
