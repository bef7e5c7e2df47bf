/* Tests for the screening decision (screen/decision.c), the reasons that
 * lower a hit (marks), defines, compound members (screen/compound.c), the
 * ten-digit personnummer and the shipped frames. */
#include "testlib.h"

#include "screen/decision.h"
#include "screen/screen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *rules_dir(const char *sub)
{
	static char dir[4096];
	char cmd[4200];

	snprintf(dir, sizeof(dir), "%s/%s", test_tmpdir(), sub);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", dir);
	CHECK_INT(system(cmd), 0);
	return dir;
}

static void put(const char *dir, const char *name, const char *content)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	test_write_file(path, content, strlen(content));
}

struct eng {
	struct screen *s;
	struct screen_scratch *sc;
};

static void eng_open(struct eng *e, const char *dir)
{
	struct err err;

	CHECK_INT(screen_new(&e->s, dir, &err), KV_OK);
	CHECK_INT(screen_scratch_new(&e->sc, e->s, &err), KV_OK);
}

static const struct screen_result *run(struct eng *e, const char *text)
{
	const struct screen_result *r;
	struct err err;

	CHECK_INT(screen_text(&r, e->sc, text, strlen(text), &err), KV_OK);
	return r;
}

static unsigned reasons_of(const struct screen_result *r, const char *rule)
{
	for (size_t k = 0; k < r->nflags; k++)
		if (strcmp(r->flags[k].rule, rule) == 0)
			return r->flags[k].reasons;
	CHECK(!"rule not flagged");
	return 0;
}

static const char *marks = "x.idiot defamation_insult 0.9 idiot\n"
                           "mk.m mark.mention 1 re: (?:ordet|kallade)[ ]\n"
                           "mk.s mark.self 1 re: (?:jag är)[ ]\n"
                           "mk.n mark.negation 1 re: (?:inte)[ ]\n"
                           "mk.a mark.admire 1 re: (?:grym)[ ]\n"
                           "mk.y mark.second 1 re: (?:du)[ ]\n";

static void reasons_are_in_the_flag(void)
{
	const char *dir = rules_dir("r1");
	struct eng e;
	const struct screen_result *r;

	put(dir, "a.rules", marks);
	eng_open(&e, dir);
	r = run(&e, "du är en idiot");
	CHECK_INT(reasons_of(r, "x.idiot"), 0);
	CHECK(r->abusive);
	CHECK(r->feature[DF_SECOND] == 1);
	r = run(&e, "Han sa ordet idiot på mötet");
	CHECK(reasons_of(r, "x.idiot") & SCREEN_REASON_MENTION);
	CHECK(r->feature[DF_MENTION] == 1);
	r = run(&e, "jag är en sån idiot ibland");
	CHECK(reasons_of(r, "x.idiot") & SCREEN_REASON_SELF);
	r = run(&e, "hon är inte idiot");
	CHECK(reasons_of(r, "x.idiot") & SCREEN_REASON_NEGATED);
	r = run(&e, "Skylten sa \xe2\x80\x9cidiot\xe2\x80\x9d med stora bokst\xc3\xa4ver");
	CHECK(reasons_of(r, "x.idiot") & SCREEN_REASON_QUOTED);
	r = run(&e, "en grym idiot");
	CHECK(reasons_of(r, "x.idiot") & SCREEN_REASON_ADMIRE);
	CHECK(r->feature[DF_LOWERED] > 0.8);
	CHECK(r->feature[DF_SEVERITY] == 0);
	/* Marks are never flags of their own. */
	r = run(&e, "jag är inte du");
	CHECK_INT(r->nflags, 0);
	CHECK(!r->abusive);
	CHECK_STR(screen_reason_name(0), "quoted");
	screen_scratch_free(e.sc);
	screen_free(e.s);
}

static void defines_expand_and_unknown_ones_fail(void)
{
	const char *dir = rules_dir("r2");
	struct eng e;
	struct screen *s = NULL;
	struct err err;

	put(dir, "a.rules",
	    "define VERB slå* sparka_ihjäl\nx.t threat 0.8 re: ska {VERB} dig[ ] ; need ska\n");
	eng_open(&e, dir);
	CHECK(run(&e, "jag ska slåss dig")->flagged[SCREEN_THREAT]);
	CHECK(run(&e, "jag ska sparka ihjäl dig")->flagged[SCREEN_THREAT]);
	CHECK(!run(&e, "jag ska sparka dig")->flagged[SCREEN_THREAT]);
	screen_scratch_free(e.sc);
	screen_free(e.s);
	put(dir, "a.rules", "x.t threat 0.8 re: ska {NOSUCH} dig ; need ska\n");
	CHECK_INT(screen_new(&s, dir, &err), KV_EINVAL);
	CHECK(strstr(err.msg, "a.rules:1") && strstr(err.msg, "{NOSUCH} is not defined"));
	put(dir, "a.rules", "define lower x\nx.t threat 0.8 x\n");
	CHECK_INT(screen_new(&s, dir, &err), KV_EINVAL);
	CHECK(strstr(err.msg, "a.rules:1"));
}

static void compounds_split_by_the_dictionary(void)
{
	const char *dir = rules_dir("r3");
	struct eng e;

	put(dir, "a.rules",
	    "c.idiot defamation_insult 0.9 cmp:idiot\nc.hor defamation_insult 0.9 cmp:hor\n");
	put(dir, "compound.guard", "# guard\nidiotsäker\n");
	eng_open(&e, dir);
	if (!screen_has_dictionary(e.s)) {
		printf("skip: no hunspell dictionary\n");
	} else {
		const struct screen_result *r = run(&e, "Ni politikeridioter");

		CHECK(r->flagged[SCREEN_DEFAMATION_INSULT]);
		CHECK(reasons_of(r, "c.idiot") & SCREEN_REASON_COMPOUND);
		CHECK(run(&e, "rena horkommunen")->flagged[SCREEN_DEFAMATION_INSULT]);
		CHECK(!run(&e, "vid horisonten och hormonerna")->flagged[SCREEN_DEFAMATION_INSULT]);
		CHECK(!run(&e, "en idiotsäker lösning")->flagged[SCREEN_DEFAMATION_INSULT]);
		/* The word alone is not a compound. */
		CHECK(!run(&e, "idioten")->flagged[SCREEN_DEFAMATION_INSULT]);
	}
	screen_scratch_free(e.sc);
	screen_free(e.s);
}

static void weights_file_loads_and_refuses_bad_lines(void)
{
	const char *dir = rules_dir("r4");
	char path[4300];
	struct decision d, back;
	struct err err;
	const char *c[1] = {"test"};
	double x[DECISION_NFEAT] = {0};

	memset(&d, 0, sizeof(d));
	for (int h = 0; h < DECISION_NHEAD; h++) {
		d.threshold[h] = 0.5;
		d.w[h][0] = -2;
		d.w[h][1 + DF_INSULT] = 4;
	}
	snprintf(path, sizeof(path), "%s/decision.weights", dir);
	CHECK_INT(decision_save(&d, path, c, 1, &err), KV_OK);
	CHECK_INT(decision_load(&back, path, &err), KV_OK);
	CHECK(fabs(back.w[DH_INSULT][1 + DF_INSULT] - 4) < 1e-9);
	x[DF_INSULT] = 1;
	CHECK(decision_prob(&back, DH_ANY, x) > 0.8);
	x[DF_INSULT] = 0;
	CHECK(decision_prob(&back, DH_ANY, x) < 0.2);
	put(dir, "decision.weights", "threshold any 0.5\nw any nosuch 1\n");
	CHECK_INT(decision_load(&back, path, &err), KV_EINVAL);
	CHECK(strstr(err.msg, "decision.weights:2"));
	put(dir, "decision.weights", "threshold any 0.5\n");
	CHECK_INT(decision_load(&back, path, &err), KV_EINVAL);
	CHECK(strstr(err.msg, "no threshold for head 'insult'"));
	/* An engine with the weights uses them; a broken file stops it. */
	put(dir, "a.rules", "x.idiot defamation_insult 0.3 idiot\n");
	{
		struct screen *s = NULL;

		CHECK_INT(screen_new(&s, dir, &err), KV_EINVAL);
		CHECK_INT(decision_save(&d, path, c, 1, &err), KV_OK);
		CHECK_INT(screen_new(&s, dir, &err), KV_OK);
		CHECK(screen_has_decision(s));
		screen_free(s);
	}
}

/* Items where feature 0 decides the label, feature 1 is noise. */
static void training_finds_the_signal_and_cv_is_honest(void)
{
	enum { N = 200 };
	static double x[N][DECISION_NFEAT];
	static int y[N][DECISION_NHEAD], yr[N][DECISION_NHEAD];
	struct decision d;
	struct decision_cv cv, cvr;
	struct err err;
	unsigned s = 12345;

	for (int i = 0; i < N; i++) {
		s = s * 1103515245u + 12345u;
		x[i][DF_INSULT] = (i % 2) ? 0.7 : 0.1;
		x[i][DF_HATE] = (double)((s >> 16) % 100) / 100.0;
		for (int h = 0; h < DECISION_NHEAD; h++) {
			y[i][h] = i % 2;
			yr[i][h] = (s >> 20) % 2; /* unrelated to any feature */
		}
	}
	CHECK_INT(decision_train(&d, (const double(*)[DECISION_NFEAT])x,
	                         (const int(*)[DECISION_NHEAD])y, N, 5, 1, &err),
	          KV_OK);
	CHECK(d.w[DH_ANY][1 + DF_INSULT] > 1);
	CHECK(fabs(d.w[DH_ANY][1 + DF_HATE]) < fabs(d.w[DH_ANY][1 + DF_INSULT]));
	CHECK_INT(decision_cross_validate(&cv, (const double(*)[DECISION_NFEAT])x,
	                                  (const int(*)[DECISION_NHEAD])y, N, 5, 2, 1, &err),
	          KV_OK);
	CHECK(cv.head[DH_ANY].f_mean > 0.95);
	CHECK(cv.head[DH_ANY].f_sd >= 0);
	CHECK_INT(decision_cross_validate(&cvr, (const double(*)[DECISION_NFEAT])x,
	                                  (const int(*)[DECISION_NHEAD])yr, N, 5, 2, 1, &err),
	          KV_OK);
	/* Random labels: cross-validation must not find a signal. */
	CHECK(cvr.head[DH_INSULT].f_mean < 0.8);
	CHECK_INT(decision_cross_validate(&cv, (const double(*)[DECISION_NFEAT])x,
	                                  (const int(*)[DECISION_NHEAD])y, 20, 5, 1, 1, &err),
	          KV_EINVAL);
}

static struct eng sv;

static const struct screen_result *run_sv(const char *text)
{
	if (!sv.s)
		eng_open(&sv, test_source_path("rules/sv"));
	return run(&sv, text);
}

static void ten_digit_personnummer_from_zero(void)
{
	const struct screen_result *r = run_sv("Mitt personnummer är 0606162386");

	CHECK(r->flagged[SCREEN_PERSONAL_ID]);
	CHECK(!r->flagged[SCREEN_CONTACT]);
	r = run_sv("0606162386");
	CHECK(r->flagged[SCREEN_PERSONAL_ID]);
	/* The words around decide the rest: after "ring" it is a phone too. */
	r = run_sv("Ring mig på 0606162386");
	CHECK(r->flagged[SCREEN_PERSONAL_ID]);
	CHECK(r->flagged[SCREEN_CONTACT]);
	/* A wrong check digit: only a phone number. */
	r = run_sv("Ring mig på 0606162387");
	CHECK(!r->flagged[SCREEN_PERSONAL_ID]);
	CHECK(r->flagged[SCREEN_CONTACT]);
}

static void shipped_frames_and_idioms(void)
{
	static const char *const abusive[] = {
	        "må du ruttna i helvetet",    "jag hoppas att du blir påkörd",
	        "jag skulle krossa dig",      "ska jag döda er alla",
	        "muslimer borde utvisas",     "alla invandrare är parasiter",
	        "judar borde inte få finnas", "ni är några jävla politikeridioter",
	        "you are a fucking dumbass",  "din jävla kraftidiot",
	};
	static const char *const quiet[] = {
	        "Vi får skjuta upp mötet till nästa vecka",
	        "Det gäller att döda myten om busstrafiken",
	        "Vi kan slå ihop grupperna på fritids",
	        "Akta er för halkan vid skolan",
	        "Laget kommer att krossa rekordet",
	        "Slutet på vägen är lagat, tack",
	};

	for (size_t k = 0; k < sizeof(abusive) / sizeof(*abusive); k++) {
		const struct screen_result *r = run_sv(abusive[k]);

		if (!r->abusive)
			printf("not abusive: %s\n", abusive[k]);
		CHECK(r->abusive);
	}
	for (size_t k = 0; k < sizeof(quiet) / sizeof(*quiet); k++) {
		const struct screen_result *r = run_sv(quiet[k]);

		if (r->abusive)
			printf("abusive: %s\n", quiet[k]);
		CHECK(!r->abusive);
	}
}

TEST_MAIN(T(reasons_are_in_the_flag), T(defines_expand_and_unknown_ones_fail),
          T(compounds_split_by_the_dictionary), T(weights_file_loads_and_refuses_bad_lines),
          T(training_finds_the_signal_and_cv_is_honest), T(ten_digit_personnummer_from_zero),
          T(shipped_frames_and_idioms))
