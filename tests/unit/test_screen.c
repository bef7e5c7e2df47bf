/* Tests for screen/: the normaliser and its byte map, every structured
 * detector, rule-file loading and its errors, context words, scoring and the
 * shipped Swedish rules. Identity numbers are built here with a birth year in
 * the future (2099), so none can belong to a living person. */
#include "testlib.h"

#include "screen/detect.h"
#include "screen/model.h"
#include "screen/normalize.h"
#include "screen/screen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *normalised(const char *in)
{
	static struct norm n;
	static int ready;
	struct err e;

	if (!ready) {
		normalize_init(&n);
		ready = 1;
	}
	CHECK_INT(normalize_text(&n, in, strlen(in), &e), KV_OK);
	return n.out;
}

static void norm_folds_case_and_keeps_swedish_letters(void)
{
	CHECK_STR(normalised("Ärligt, ÅSA och Örjan!"), " ärligt åsa och örjan ");
	CHECK_STR(normalised("ＦＵＬＬ width ﬁne"), " full width fine ");
	CHECK_STR(normalised("Café naïve"), " cafe naive ");
	/* decomposed ä (a + U+0308) composes back */
	CHECK_STR(normalised("ja\xcc\x88"
	                     "vla"),
	          " jävla ");
}

static void norm_undoes_obfuscation(void)
{
	CHECK_STR(normalised("JÄÄÄÄVLA"), " jävla ");
	CHECK_STR(normalised("idiooooot"), " idiot ");
	CHECK_STR(normalised("i.d.i.o.t"), " idiot ");
	CHECK_STR(normalised("i d i o t!"), " idiot ");
	CHECK_STR(normalised("1d10t"), " idiot ");
	CHECK_STR(normalised("h0r4"), " hora ");
	CHECK_STR(normalised("$vin @pa"), " svin apa ");
	CHECK_STR(normalised("id!ot"), " idiot ");
	/* Cyrillic і and о look like Latin i and o */
	CHECK_STR(normalised("\xd1\x96"
	                     "diot \xd0\xbe"),
	          " idiot o ");
	/* zero-width space inside a word is dropped */
	CHECK_STR(normalised("id\xe2\x80\x8b"
	                     "iot"),
	          " idiot ");
	CHECK_STR(normalised("j*vla"), " j*vla ");
	/* numbers and a question mark stay */
	CHECK_STR(normalised("Kostar 100 kr?"), " kostar 100 kr ? ");
	/* "fitta" keeps its double consonant */
	CHECK_STR(normalised("fittttta"), " fitta ");
}

static void norm_maps_back_to_original_bytes(void)
{
	struct norm n;
	struct err e;
	const char *in = "Hej  DU, JÄÄÄVLA i.d.i.o.t!";
	const char *p;

	normalize_init(&n);
	CHECK_INT(normalize_text(&n, in, strlen(in), &e), KV_OK);
	CHECK_STR(n.out, " hej du jävla idiot ");
	p = strstr(n.out, "jävla");
	CHECK(p != NULL);
	/* "JÄÄÄVLA" is bytes 9..19 of the original (each Ä is two bytes) */
	CHECK_INT(n.map[p - n.out], 9);
	CHECK_INT(n.map[p - n.out + strlen("jävla")], 19);
	p = strstr(n.out, "idiot");
	CHECK_INT(n.map[p - n.out], 20);
	CHECK_INT(n.map[p - n.out + 5], strlen(in) - 1);
	CHECK_INT(n.map[n.len], strlen(in));
	normalize_done(&n);
}

static void norm_survives_invalid_utf8(void)
{
	struct norm n;
	struct err e;
	const char in[] = "ab\xff\xc3 \xe2\x82 cd\xf0\x9f\x98";

	normalize_init(&n);
	CHECK_INT(normalize_text(&n, in, sizeof(in) - 1, &e), KV_OK);
	CHECK_STR(n.out, " ab cd ");
	for (size_t k = 0; k <= n.len; k++)
		CHECK(n.map[k] <= sizeof(in) - 1);
	CHECK_INT(normalize_text(&n, "", 0, &e), KV_OK);
	CHECK_STR(n.out, " ");
	normalize_done(&n);
}

/* A ten-digit personnummer YYMMDDNNN + Luhn digit written into out. */
static void make_pnr(char out[11], const char *yymmdd, const char *nnn)
{
	char d[11];

	snprintf(d, sizeof(d), "%s%s0", yymmdd, nnn);
	for (int c = 0; c <= 9; c++) {
		d[9] = (char)('0' + c);
		if (detect_luhn(d, 10))
			break;
	}
	memcpy(out, d, 11);
}

static void luhn_and_iban(void)
{
	CHECK(detect_luhn("4111111111111111", 16));
	CHECK(!detect_luhn("4111111111111112", 16));
	CHECK(detect_iban("SE45 5000 0000 0583 9825 7466", 29));
	CHECK(!detect_iban("SE45 5000 0000 0583 9825 7467", 29));
	CHECK(detect_iban("GB82WEST12345698765432", 22));
}

static void personnummer_forms(void)
{
	char d[11], s[40];

	make_pnr(d, "990101", "238");
	snprintf(s, sizeof(s), "20%s", d); /* YYYYMMDDNNNN */
	CHECK_INT(detect_personnummer(s, strlen(s)), DETECT_PNR_PERSONNUMMER);
	snprintf(s, sizeof(s), "20%.6s-%s", d, d + 6);
	CHECK_INT(detect_personnummer(s, strlen(s)), DETECT_PNR_PERSONNUMMER);
	snprintf(s, sizeof(s), "%.6s-%s", d, d + 6);
	CHECK_INT(detect_personnummer(s, strlen(s)), DETECT_PNR_PERSONNUMMER);
	snprintf(s, sizeof(s), "%.6s+%s", d, d + 6);
	CHECK_INT(detect_personnummer(s, strlen(s)), DETECT_PNR_PERSONNUMMER);
	snprintf(s, sizeof(s), "%.6s %s", d, d + 6);
	CHECK_INT(detect_personnummer(s, strlen(s)), DETECT_PNR_PERSONNUMMER);
	snprintf(s, sizeof(s), "%.6s - %s", d, d + 6);
	CHECK_INT(detect_personnummer(s, strlen(s)), DETECT_PNR_PERSONNUMMER);
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_PERSONNUMMER);
	/* wrong check digit */
	d[9] = (char)('0' + (d[9] - '0' + 1) % 10);
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_NONE);
}

static void personnummer_dates_must_be_real(void)
{
	char d[11];

	make_pnr(d, "990230", "123"); /* 30 February */
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_NONE);
	make_pnr(d, "991301", "123"); /* month 13 */
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_NONE);
	make_pnr(d, "990100", "123"); /* day 0 */
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_NONE);
	/* samordningsnummer: day + 60, and Skatteverket's month 00 / day 60 */
	make_pnr(d, "990161", "123");
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_SAMORDNINGSNUMMER);
	make_pnr(d, "990060", "123");
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_SAMORDNINGSNUMMER);
	make_pnr(d, "990192", "123"); /* day 32 */
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_NONE);
	/* organisationsnummer: third digit >= 2 */
	make_pnr(d, "556036", "079");
	CHECK_INT(detect_personnummer(d, 10), DETECT_PNR_NONE);
}

struct found {
	int n;
	const char *rule[16];
	size_t start[16], end[16];
};

static int collect(void *ctx, int category, const char *rule, size_t start, size_t end)
{
	struct found *f = ctx;

	if (f->n < 16) {
		f->rule[f->n] = rule;
		f->start[f->n] = start;
		f->end[f->n] = end;
		f->n++;
		return 0;
	}
	return 1; /* enough: stop the scan */
}

static struct found scan(const char *text)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	detect_all(text, strlen(text), collect, &f);
	return f;
}

/* A street word before a run of digits too long to be any number: no
 * address, and the scan goes on forward (it once went back to the start of
 * the text with an address ending before it began, and found the same
 * things again and again). */
static void detect_long_digit_run_after_street(void)
{
	char text[200];
	struct found f;
	size_t hits;

	snprintf(text, sizeof(text), "I Storgatan 12 bor jag. På Storgatan %s1 a",
	         "0000000000000000000000000000000000000000");
	memset(&f, 0, sizeof(f));
	hits = detect_all(text, strlen(text), collect, &f);
	CHECK_INT(hits, 1);
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.address");
	CHECK_INT(f.start[0], strlen("I "));
	CHECK_INT(f.end[0], strlen("I Storgatan 12"));
}

static void detect_finds_personnummer_in_text(void)
{
	char d[11], text[200];
	struct found f;

	make_pnr(d, "990101", "238");
	snprintf(text, sizeof(text), "Mitt personnummer är 20%.6s-%s, ring mig.", d, d + 6);
	f = scan(text);
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.personnummer");
	CHECK_INT(f.start[0], strlen("Mitt personnummer är "));
	CHECK_INT(f.end[0], f.start[0] + 13);
	/* glued to more digits it is something else */
	snprintf(text, sizeof(text), "order 20%s7", d);
	f = scan(text);
	for (int k = 0; k < f.n; k++)
		CHECK(strcmp(f.rule[k], "detect.personnummer") != 0);
}

static void detect_ignores_dates_orgnr_and_order_numbers(void)
{
	char d[11], text[200];
	struct found f;

	f = scan("Mötet 2024-05-06 och 06-05-2024 samt 20240506, kl 10.30.");
	CHECK_INT(f.n, 0);
	make_pnr(d, "556036", "079");
	snprintf(text, sizeof(text), "Org.nr %.6s-%s", d, d + 6);
	f = scan(text);
	CHECK_INT(f.n, 0);
	f = scan("Ordernummer 123456789 och 98765.");
	CHECK_INT(f.n, 0);
}

static void detect_phone_numbers(void)
{
	struct found f;

	f = scan("Ring 070-123 45 67 eller +46 70 123 45 67 eller 08-123 456 78, 0046701234567.");
	CHECK_INT(f.n, 4);
	for (int k = 0; k < f.n; k++)
		CHECK_STR(f.rule[k], "detect.phone");
	CHECK_INT(f.start[0], 5);
	CHECK_INT(f.end[0], 18);
	f = scan("sms 0701234567");
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.phone");
	f = scan("+46 (0)8 123 45 67");
	CHECK_INT(f.n, 1);
}

static void detect_email_address_and_postnummer(void)
{
	struct found f;

	f = scan("Mejla anna.svensson+test@example.kommun.se.");
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.email");
	CHECK_INT(f.start[0], 6);
	CHECK_INT(f.end[0], strlen("Mejla anna.svensson+test@example.kommun.se"));
	f = scan("not@an address, @foo, a@b");
	CHECK_INT(f.n, 0);
	f = scan("Hon bor på Storgatan 12B, 123 45 Småstad.");
	CHECK_INT(f.n, 2);
	CHECK_STR(f.rule[0], "detect.address");
	CHECK_STR(f.rule[1], "detect.postnummer");
	f = scan("gatan 5 och plan 3");
	CHECK_INT(f.n, 0);
}

static void detect_financial(void)
{
	struct found f;
	char text[120], bg[9];

	f = scan("Betala till SE45 5000 0000 0583 9825 7466 senast");
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.iban");
	f = scan("Kort 4111 1111 1111 1111 och 4111 1111 1111 1112");
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.card");
	/* a Luhn-valid bankgiro number needs its context word */
	memcpy(bg, "5050105", 7);
	for (int c = 0; c <= 9; c++) {
		bg[7] = (char)('0' + c);
		if (detect_luhn(bg, 8))
			break;
	}
	snprintf(text, sizeof(text), "Bankgiro %.4s-%.4s tack", bg, bg + 4);
	f = scan(text);
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.bankgiro");
	snprintf(text, sizeof(text), "Koden %.4s-%.4s tack", bg, bg + 4);
	f = scan(text);
	CHECK_INT(f.n, 0);
	snprintf(text, sizeof(text), "Plusgiro %.7s-%c", bg, bg[7]);
	f = scan(text);
	CHECK_INT(f.n, 1);
	CHECK_STR(f.rule[0], "detect.plusgiro");
}

static const char *write_rules(const char *name, const char *content)
{
	static char dir[4096];
	char path[4200];

	snprintf(dir, sizeof(dir), "%s/rules", test_tmpdir());
	snprintf(path, sizeof(path), "mkdir -p %s", dir);
	CHECK_INT(system(path), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	test_write_file(path, content, strlen(content));
	return dir;
}

static void rules_malformed_line_names_file_and_line(void)
{
	struct screen *s = NULL;
	struct err e;
	const char *dir = write_rules("a.rules", "# comment\n\nok.one hate 0.5 x*\nbad.two hate\n");

	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK(s == NULL);
	CHECK_CONTAINS(e.msg, "a.rules:4");
	dir = write_rules("a.rules", "x.one nosuch 0.5 x\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "a.rules:1: unknown category 'nosuch'");
	dir = write_rules("a.rules", "x.one hate 1.5 x\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "weight");
	dir = write_rules("a.rules", "x.one hate 0.5 x\nx.one hate 0.5 y\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "a.rules:2: rule id 'x.one' already used");
	dir = write_rules("a.rules", "x.one hate 0.5 x ; ctx +0.2\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "a.rules:1");
}

static void rules_rejected_pattern_names_rule(void)
{
	struct screen *s = NULL;
	struct err e;
	const char *dir =
	        write_rules("a.rules", "good.one hate 0.5 x\nbad.regex hate 0.5 re:(abc\n");

	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "bad.regex");
	CHECK_CONTAINS(e.msg, "a.rules:2");
	CHECK_INT(screen_new(&s, "/nonexistent/dir", &e), KV_EIO);
}

static void rules_context_and_offsets(void)
{
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	const struct screen_result *r;
	struct err e;
	const char *dir =
	        write_rules("a.rules", "ani.apa hate 0.2 apa* ; ctx +0.5 din du ; ctx -0.3 zoo\n"
	                               "thr.ska threat 0.8 ska ~2 döda*\n");
	const char *t1 = "Vi såg en apa på Zoo", *t2 = "Din fula APA!",
	           *t3 = "Jag ska fan döööda dig";

	write_rules("screen.conf", "threshold hate 0.5\nwindow 3\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_OK);
	CHECK_INT(screen_rule_count(s), 2);
	CHECK_CONTAINS(screen_rules_version(s), "sha256:");
	CHECK_INT(screen_scratch_new(&sc, s, &e), KV_OK);
	CHECK_INT(screen_text(&r, sc, t1, strlen(t1), &e), KV_OK);
	CHECK_INT(r->flagged[SCREEN_HATE], 0);
	CHECK_INT(r->nflags, 0);
	CHECK_INT(screen_text(&r, sc, t2, strlen(t2), &e), KV_OK);
	CHECK_INT(r->flagged[SCREEN_HATE], 1);
	CHECK_INT(r->nflags, 1);
	CHECK_STR(r->flags[0].rule, "ani.apa");
	CHECK_INT(r->flags[0].start, 9);
	CHECK_INT(r->flags[0].end, 12);
	CHECK(r->flags[0].score > 0.69 && r->flags[0].score < 0.71);
	CHECK_INT(screen_text(&r, sc, t3, strlen(t3), &e), KV_OK);
	CHECK_INT(r->nflags, 1);
	CHECK_INT(r->flags[0].category, SCREEN_THREAT);
	CHECK_INT(r->flags[0].start, 4);
	CHECK_INT(r->flags[0].end, strlen("Jag ska fan döööda"));
	screen_scratch_free(sc);
	screen_free(s);
}

/* A gated rule (a regex behind a 'need' trigger, a gap pattern behind its
 * longest word) finds what it found before, with the same offsets. */
static void rules_gated_by_triggers(void)
{
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	const struct screen_result *r;
	struct err e;
	const char *dir = write_rules("a.rules", "x.re hate 0.6 re: (?:du|ni) är dum ; need dum\n"
	                                         "x.gap threat 0.7 bränn* ~2 ner\n");
	const char *t1 = "Ja, NI är dum!", *t2 = "ni är snäll", *t3 = "Vi bränner ju inte ner det";

	CHECK_INT(screen_new(&s, dir, &e), KV_OK);
	CHECK_INT(screen_scratch_new(&sc, s, &e), KV_OK);
	CHECK_INT(screen_text(&r, sc, t1, strlen(t1), &e), KV_OK);
	CHECK_INT(r->nflags, 1);
	CHECK_STR(r->flags[0].rule, "x.re");
	CHECK_INT(r->flags[0].start, 4);
	CHECK_INT(r->flags[0].end, strlen("Ja, NI är dum"));
	CHECK_INT(screen_text(&r, sc, t2, strlen(t2), &e), KV_OK);
	CHECK_INT(r->nflags, 0);
	CHECK_INT(screen_text(&r, sc, t3, strlen(t3), &e), KV_OK);
	CHECK_INT(r->nflags, 1);
	CHECK_STR(r->flags[0].rule, "x.gap");
	CHECK_INT(r->flags[0].start, 3);
	CHECK_INT(r->flags[0].end, strlen("Vi bränner ju inte ner"));
	screen_scratch_free(sc);
	screen_free(s);
	dir = write_rules("a.rules", "x.re hate 0.6 re: dum ; need\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "a.rules:1");
}

static void rules_version_follows_content(void)
{
	struct screen *s = NULL;
	struct err e;
	char v1[100];
	const char *dir = write_rules("a.rules", "x.one hate 0.5 x\n");

	CHECK_INT(screen_new(&s, dir, &e), KV_OK);
	snprintf(v1, sizeof(v1), "%s", screen_rules_version(s));
	screen_free(s);
	CHECK_INT(screen_new(&s, dir, &e), KV_OK);
	CHECK_STR(screen_rules_version(s), v1);
	screen_free(s);
	write_rules("a.rules", "x.one hate 0.6 x\n");
	CHECK_INT(screen_new(&s, dir, &e), KV_OK);
	CHECK(strcmp(screen_rules_version(s), v1) != 0);
	screen_free(s);
}

static void model_file_loads_and_scores(void)
{
	struct model *m = NULL;
	struct err e;
	char path[4200];
	const char *good = "kvmodel 2\ndim 16\nbias 2\nscale 0.01\nlift 0.3\nalone 0.9\n3 50\n";
	const char *bad_weight = "kvmodel 2\ndim 16\n3 0.5\n";
	const char *bad_version = "kvmodel 1\ndim 16\n";
	double p;

	snprintf(path, sizeof(path), "%s/m.model", test_tmpdir());
	test_write_file(path, good, strlen(good));
	CHECK_INT(model_load(&m, path, &e), KV_OK);
	CHECK_INT(model_dim(m), 16);
	/* " " has no features: only the bias counts, 1 / (1 + e^-2) */
	CHECK(model_prob(m, " ", 1) > 0.88 && model_prob(m, " ", 1) < 0.89);
	CHECK(model_lift(m) == 0.3);
	CHECK(model_alone(m) == 0.9);
	/* A text's probability is the bias plus scale times the weights of its
	 * features: compare with a sum over model_features(). */
	p = model_prob(m, " jag vet inte ", 14);
	CHECK(p > 0 && p < 1);
	model_free(m);
	test_write_file(path, "kvmodel 2\ndim 15\n", strlen("kvmodel 2\ndim 15\n"));
	CHECK_INT(model_load(&m, path, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, ":2:");
	test_write_file(path, "kvmodel 2\ndim 16\n99 1\n", strlen("kvmodel 2\ndim 16\n99 1\n"));
	CHECK_INT(model_load(&m, path, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, ":3:");
	test_write_file(path, bad_weight, strlen(bad_weight));
	CHECK_INT(model_load(&m, path, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, ":3: weight");
	test_write_file(path, bad_version, strlen(bad_version));
	CHECK_INT(model_load(&m, path, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "version");
}

static void count_feature(size_t idx, void *ctx)
{
	size_t *n = ctx;

	if (idx == 3)
		n[0]++;
	n[1]++;
}

static void model_probability_follows_features(void)
{
	struct model *m = NULL;
	struct err e;
	char path[4200];
	const char *text = " du är en idiot du är ";
	const char *file = "kvmodel 2\ndim 16\nbias -1\nscale 0.02\n3 100\n";
	size_t n[2] = {0, 0};
	double want;

	snprintf(path, sizeof(path), "%s/m.model", test_tmpdir());
	test_write_file(path, file, strlen(file));
	CHECK_INT(model_load(&m, path, &e), KV_OK);
	model_features(text, strlen(text), 16, count_feature, n);
	CHECK(n[1] > 0);
	want = 1.0 / (1.0 + exp(-(-1.0 + 0.02 * 100 * (double)n[0])));
	CHECK(fabs(model_prob(m, text, strlen(text)) - want) < 1e-9);
	model_free(m);
}

static const struct screen_result *screen_sv(const char *text)
{
	static struct screen *s;
	static struct screen_scratch *sc;
	const struct screen_result *r;
	struct err e;

	if (!s) {
		CHECK_INT(screen_new(&s, test_source_path("rules/sv"), &e), KV_OK);
		CHECK_INT(screen_scratch_new(&sc, s, &e), KV_OK);
	}
	CHECK_INT(screen_text(&r, sc, text, strlen(text), &e), KV_OK);
	return r;
}

static void swedish_rules_flag_what_they_should(void)
{
	const struct screen_result *r;

	r = screen_sv("Jag ska döda dig");
	CHECK(r->flagged[SCREEN_THREAT]);
	r = screen_sv("Du är en j*vla id1ot");
	CHECK(r->flagged[SCREEN_DEFAMATION_INSULT]);
	r = screen_sv("Tack för att ni lagade gatlyktan så snabbt!");
	for (int c = 0; c < SCREEN_NCAT; c++)
		CHECK_INT(r->flagged[c], 0);
	r = screen_sv("Hur gör jag för att ansöka om bygglov?");
	CHECK(r->question);
	r = screen_sv("Vilket slöseri med våra skattepengar, rena skandalen");
	CHECK(r->flagged[SCREEN_CRITICAL]);
	CHECK(!r->question);
	r = screen_sv("Rösta på vårt parti i valet!");
	CHECK(r->flagged[SCREEN_POLITICAL]);
	r = screen_sv("Köp nu med rabattkod VINTER!");
	CHECK(r->flagged[SCREEN_COMMERCIAL]);
	r = screen_sv("Hon har cancer och är sjukskriven");
	CHECK(r->flagged[SCREEN_SENSITIVE]);
	for (size_t k = 0; k < r->nflags; k++)
		CHECK(r->flags[k].end <= strlen("Hon har cancer och är sjukskriven"));
}

/* Cases the first lexicon missed or flagged wrongly: an insult with a death
 * wish, compounds, a spam link, questions without a question mark, and
 * innocent senses of charged words. */
static void swedish_rules_compounds_and_innocent_senses(void)
{
	const struct screen_result *r;

	r = screen_sv("Den där handläggaren är en jävla idiot och borde skjutas.");
	CHECK(r->flagged[SCREEN_DEFAMATION_INSULT]);
	CHECK(r->flagged[SCREEN_THREAT]);
	r = screen_sv("Idiotkommun med era pajasbyråkrater");
	CHECK(r->flagged[SCREEN_DEFAMATION_INSULT]);
	r = screen_sv("Håll käften din jävla mongo");
	CHECK(r->flagged[SCREEN_DEFAMATION_INSULT]);
	r = screen_sv("Köp billiga solglasögon här!!! http://spam.example");
	CHECK(r->flagged[SCREEN_COMMERCIAL]);
	r = screen_sv("Går det att boka idrottshallen på söndagar");
	CHECK(r->question);
	r = screen_sv("Jag ska hitta dig och slå ihjäl dig");
	CHECK(r->flagged[SCREEN_THREAT]);
	r = screen_sv("Barnen tyckte att aporna på djurparken var roligast");
	for (int c = 0; c < SCREEN_NCAT; c++)
		CHECK_INT(r->flagged[c], 0);
	r = screen_sv("Vi brukar slå ihjäl tiden på biblioteket när det regnar");
	CHECK(!r->flagged[SCREEN_THREAT]);
	r = screen_sv("Skjut inte upp din ansökan, kan någon skjutsa dig dit?");
	CHECK(!r->flagged[SCREEN_THREAT]);
	CHECK(!r->flagged[SCREEN_CRIME_INCITEMENT]);
}

TEST_MAIN(T(norm_folds_case_and_keeps_swedish_letters), T(norm_undoes_obfuscation),
          T(norm_maps_back_to_original_bytes), T(norm_survives_invalid_utf8), T(luhn_and_iban),
          T(personnummer_forms), T(personnummer_dates_must_be_real),
          T(detect_finds_personnummer_in_text), T(detect_long_digit_run_after_street),
          T(detect_ignores_dates_orgnr_and_order_numbers), T(detect_phone_numbers),
          T(detect_email_address_and_postnummer), T(detect_financial),
          T(rules_malformed_line_names_file_and_line), T(rules_rejected_pattern_names_rule),
          T(rules_context_and_offsets), T(rules_gated_by_triggers),
          T(rules_version_follows_content), T(model_file_loads_and_scores),
          T(model_probability_follows_features), T(swedish_rules_flag_what_they_should),
          T(swedish_rules_compounds_and_innocent_senses))
