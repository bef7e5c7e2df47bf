/* Benchmark of the whole screening engine (normalise, Hyperscan, structured
 * detectors, scoring) over generated Swedish corpora of at least 100 MB built
 * from our own templates. "realistic": most comments are ordinary (about 8 %
 * carry an insult, a threat, personal data or spam, and some ask a question);
 * "hit-heavy": nearly every comment has something to flag. Prints MB/s and
 * items/s per core (CPU time of one thread), and where the time goes; asserts
 * nothing. */
#include "screen/detect.h"
#include "screen/lexicon.h"
#include "screen/normalize.h"
#include "screen/screen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include <time.h>

#define CORPUS_BYTES ((size_t)105 << 20)
#define NELEM(a)     (sizeof(a) / sizeof((a)[0]))

/* Slots for ordinary comments to a kommun. */
static const char *const subj[] = {
        "Kommunen",
        "Skolan",
        "Förskolan på Ängsvägen",
        "Biblioteket",
        "Simhallen",
        "Vår granne",
        "Min dotter",
        "Hela familjen",
        "Personalen",
        "Fritidsgården",
        "Äldreboendet",
        "Föreningen",
        "Vi i kvarteret",
        "Min man",
        "Jag",
        "Bussbolaget",
        "Räddningstjänsten",
        "Kulturskolan",
        "Hemtjänsten",
        "Parkförvaltningen",
        "Idrottsplatsen",
        "Turistbyrån",
        "Återvinningscentralen",
        "Socialtjänsten",
};
static const char *const verb[] = {
        "har gjort ett fint jobb med",
        "har äntligen lagat",
        "tycker mycket om",
        "var på plats vid",
        "har skrivit om",
        "följer utvecklingen kring",
        "uppskattar verkligen",
        "har länge väntat på",
        "besökte i helgen",
        "vill tacka för",
        "har läst beslutet om",
        "deltog i mötet om",
        "planerar att gå på",
        "har fått information om",
        "såg fram emot",
        "hade en trevlig stund vid",
};
static const char *const obj[] = {
        "den nya cykelbanan",       "snöröjningen på Storgatan",    "lekplatsen vid sjön",
        "gatlyktorna längs ån",     "höstmarknaden på torget",      "sommarlovsaktiviteterna",
        "vattenledningen i Norrby", "den nya detaljplanen",         "busstidtabellen för vintern",
        "öppettiderna under julen", "utbyggnaden av fibernätet",    "renoveringen av badhuset",
        "konserten i stadsparken",  "sophämtningen i villaområdet", "trafiksäkerheten vid skolan",
        "brandövningen i fredags",  "vandringsleden runt berget",   "de nya parkbänkarna",
        "skolmaten den här veckan", "medborgardialogen om centrum",
};
static const char *const when[] = {
        "i går",         "förra veckan", "i morse",      "under sommaren",
        "i helgen",      "på tisdag",    "efter skolan", "under hela hösten",
        "sedan i våras", "varje morgon", "i kväll",      "nästa månad",
};
static const char *const close[] = {
        "Tack för ett bra arbete.",
        "Det blev riktigt bra.",
        "Fortsätt så!",
        "Hälsningar från en nöjd invånare.",
        "Det märks att ni har lagt ner tid på det.",
        "Bra information, precis vad vi behövde.",
        "Vi ses på nästa träff.",
        "Barnen var jätteglada.",
        "Det var mycket folk där men allt fungerade.",
        "Fint väder också, vilken tur!",
        "Ser fram emot fortsättningen.",
        "Hoppas det blir likadant nästa år.",
};

/* What a minority of comments carry (about 8 % in all); never real data. */
static const char *const special[] = {
        " Du är en jävla idiot och borde skämmas.",
        " Ni är ett gäng korrupta svin allihop.",
        " Jag ska döda dig om du kommer hit igen.",
        " Ring mig på 070-123 45 67 så pratar vi.",
        " Mejla mig på namn.efternamn@example.se om ni vet mer.",
        " Köp nu med rabattkod SOMMAR på vår webbshop!",
        " Adressen är Storgatan 12, 123 45 Småstad.",
        " Rösta på oss i valet!",
};
static const char *const questions[] = {
        " Hur gör jag för att anmäla mitt barn?",
        " När öppnar simhallen igen?",
        " Vem ska jag kontakta om det här?",
        " Går det att boka lokalen på helgen?",
};

/* The former hit-heavy corpus: random words, most items with a hit. */
static const char *const words[] = {
        "kommunen",    "och",       "att",          "det",       "är",        "som",       "en",
        "på",          "för",       "inte",         "med",       "har",       "vi",        "ni",
        "jag",         "du",        "skolan",       "förskolan", "vägen",     "bussen",    "parken",
        "biblioteket", "simhallen", "snöröjningen", "beslut",    "tack",      "bra",       "dåligt",
        "varför",      "när",       "hur",          "barnen",    "föräldrar", "gatlyktor", "kan",
        "ska",         "borde",     "verkligen",    "alltid",    "aldrig",    "jävla",     "idiot",
        "skandal",     "slöseri",   "äntligen",     "köer",
};
static const char *const tails[] = {
        "",
        " Ring mig på 070-123 45 67.",
        " Hur gör jag?",
        " Mejla svar till namn.efternamn@example.se",
        " Vilket slöseri med våra skattepengar!",
        " Du är en jävla idiot.",
        " Tack för snabbt svar!",
        " Adressen är Storgatan 12, 123 45 Småstad.",
};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

#define PICK(a) ((a)[next() % NELEM(a)])

struct corpus {
	char *text;
	size_t *starts;
	size_t n, len, cap;
};

static void put(struct corpus *c, const char *s)
{
	size_t l = strlen(s);

	memcpy(c->text + c->len, s, l);
	c->len += l;
}

static void realistic_item(struct corpus *c)
{
	int nsent = 1 + (int)(next() % 3);
	uint32_t roll = next() % 100;

	for (int k = 0; k < nsent; k++) {
		if (k)
			put(c, " ");
		put(c, PICK(subj));
		put(c, " ");
		put(c, PICK(verb));
		put(c, " ");
		put(c, PICK(obj));
		put(c, " ");
		put(c, PICK(when));
		put(c, ".");
	}
	if (next() % 2)
		put(c, " "), put(c, PICK(close));
	if (roll < 8)
		put(c, PICK(special));
	else if (roll < 14)
		put(c, PICK(questions));
}

static void heavy_item(struct corpus *c)
{
	int nw = 8 + (int)(next() % 40);

	for (int k = 0; k < nw; k++) {
		put(c, PICK(words));
		put(c, (k + 1) % 9 == 0 ? "." : " ");
	}
	put(c, PICK(tails));
}

static int build(struct corpus *c, void (*item)(struct corpus *))
{
	c->text = malloc(CORPUS_BYTES + 4096);
	c->cap = CORPUS_BYTES / 32;
	c->starts = malloc((c->cap + 1) * sizeof(*c->starts));
	c->n = c->len = 0;
	if (!c->text || !c->starts)
		return -1;
	while (c->len < CORPUS_BYTES && c->n < c->cap) {
		c->starts[c->n++] = c->len;
		item(c);
	}
	c->starts[c->n] = c->len;
	return 0;
}

/* CPU time of this thread: the figure is per core, and other programs on a
 * busy machine do not count against it. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, const struct corpus *c, double secs, size_t extra)
{
	printf("  %-22s %7.1f MB/s %9.0f items/s", what, (double)c->len / 1e6 / secs,
	       (double)c->n / secs);
	if (extra != (size_t)-1)
		printf("  (%zu)", extra);
	printf("\n");
}

static int on_event(unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                    void *ctx)
{
	(*(size_t *)ctx)++;
	return 0;
}

static int count_hit(void *ctx, int category, const char *rule, size_t start, size_t end)
{
	(*(size_t *)ctx)++;
	return 0;
}

static int run(const char *name, const struct corpus *c, struct screen_scratch *sc,
               const struct lexicon *lx)
{
	const struct screen_result *r;
	struct err e;
	struct norm n;
	hs_scratch_t *hs = NULL;
	size_t flags = 0, flagged = 0, events = 0, hits = 0;
	double t0;

	printf("%s corpus: %.1f MB, %zu items\n", name, (double)c->len / 1e6, c->n);
	t0 = now();
	for (size_t k = 0; k < c->n; k++) {
		if (screen_text(&r, sc, c->text + c->starts[k], c->starts[k + 1] - c->starts[k],
		                &e) != KV_OK) {
			fprintf(stderr, "bench_screen: %s\n", e.msg);
			return -1;
		}
		flags += r->nflags;
		flagged += r->nflags > 0;
	}
	report("whole engine", c, now() - t0, (size_t)-1);
	printf("  %zu flags; %.1f %% of items flagged\n", flags,
	       100.0 * (double)flagged / (double)c->n);

	/* Where the time goes: each stage alone over the same items. */
	normalize_init(&n);
	t0 = now();
	for (size_t k = 0; k < c->n; k++)
		normalize_text(&n, c->text + c->starts[k], c->starts[k + 1] - c->starts[k], &e);
	report("normalise only", c, now() - t0, (size_t)-1);
	if (hs_alloc_scratch(lx->db[0], &hs) != HS_SUCCESS)
		return -1;
	t0 = now();
	for (size_t k = 0; k < c->n; k++) {
		normalize_text(&n, c->text + c->starts[k], c->starts[k + 1] - c->starts[k], &e);
		hs_scan(lx->db[0], n.out, (unsigned)n.len, 0, hs, on_event, &events);
	}
	report("normalise + Hyperscan", c, now() - t0, events);
	t0 = now();
	for (size_t k = 0; k < c->n; k++)
		detect_all(c->text + c->starts[k], c->starts[k + 1] - c->starts[k], count_hit,
		           &hits);
	report("detectors only", c, now() - t0, hits);
	hs_free_scratch(hs);
	normalize_done(&n);
	return 0;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                       void *ctx)
{
	(*(size_t *)ctx)++;
	return 0;
}

/* End to end: `kanalvakt screen FILE > /dev/null` on the realistic corpus
 * written one comment a line, against raw Hyperscan scanning the same file
 * with 3,000 caseless literals (distinct words of the corpus, padded with
 * made-up ones). Wall time of both, in the same run. */
static int end_to_end(const struct corpus *c, const char *self)
{
	char path[4200], bin[4200], cmd[9000];
	char **lit = malloc(3000 * sizeof(*lit));
	unsigned *ids = malloc(3000 * sizeof(*ids)), *fl = malloc(3000 * sizeof(*fl));
	size_t nlit = 0, matches = 0;
	hs_database_t *db = NULL;
	hs_scratch_t *hsc = NULL;
	hs_compile_error_t *ce = NULL;
	FILE *f;
	double t0, t_hs, t_cli, c0, c_hs, c_cli;
	struct rusage ru0, ru1;
	const char *slash = strrchr(self, '/');
	int rc = -1;

	snprintf(bin, sizeof(bin), "%.*s/kanalvakt", slash ? (int)(slash - self) : 1,
	         slash ? self : ".");
	/* $KV_BENCH_KEEP names a file to write the corpus to and keep, for
	 * profiling `kanalvakt screen` on it. */
	if (getenv("KV_BENCH_KEEP"))
		snprintf(path, sizeof(path), "%s", getenv("KV_BENCH_KEEP"));
	else
		snprintf(path, sizeof(path), "/tmp/bench_screen.%ld.txt", (long)clock());
	if (!lit || !ids || !fl || !(f = fopen(path, "wb")))
		goto out;
	for (size_t k = 0; k < c->n; k++) {
		fwrite(c->text + c->starts[k], 1, c->starts[k + 1] - c->starts[k], f);
		fputc('\n', f);
	}
	fclose(f);
	for (size_t p = 0; p < c->len && nlit < 3000;) {
		size_t e = p;

		while (e < c->len && ((c->text[e] | 0x20) >= 'a' && (c->text[e] | 0x20) <= 'z'))
			e++;
		if (e - p >= 4) {
			size_t k;

			for (k = 0; k < nlit; k++)
				if (strlen(lit[k]) == e - p &&
				    strncasecmp(lit[k], c->text + p, e - p) == 0)
					break;
			if (k == nlit)
				lit[nlit++] = strndup(c->text + p, e - p);
		}
		p = e + 1;
	}
	while (nlit < 3000) {
		char w[32];

		snprintf(w, sizeof(w), "zqx%04zu", nlit);
		lit[nlit++] = strdup(w);
	}
	for (size_t k = 0; k < nlit; k++) {
		ids[k] = (unsigned)k;
		fl[k] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
	}
	if (hs_compile_multi((const char *const *)lit, fl, ids, (unsigned)nlit, HS_MODE_BLOCK, NULL,
	                     &db, &ce) != HS_SUCCESS ||
	    hs_alloc_scratch(db, &hsc) != HS_SUCCESS)
		goto out;
	t0 = wall();
	c0 = now();
	for (size_t k = 0; k < c->n; k++)
		hs_scan(db, c->text + c->starts[k], (unsigned)(c->starts[k + 1] - c->starts[k]), 0,
		        hsc, count_match, &matches);
	c_hs = now() - c0;
	t_hs = wall() - t0;
	snprintf(cmd, sizeof(cmd), "'%s' screen '%s' >/dev/null", bin, path);
	getrusage(RUSAGE_CHILDREN, &ru0);
	t0 = wall();
	if (system(cmd) != 0)
		goto out;
	t_cli = wall() - t0;
	getrusage(RUSAGE_CHILDREN, &ru1);
	c_cli = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
	        (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
	        (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	        (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	/* CPU time is the fair figure on a shared machine; wall time is what a
	 * user waits. The program's time includes loading the rules. */
	printf("end to end (plain text, %.1f MB, one comment a line):\n", (double)c->len / 1e6);
	printf("  raw Hyperscan, 3000 caseless literals, per line  %7.1f MB/s CPU %7.1f MB/s "
	       "wall\n",
	       (double)c->len / 1e6 / c_hs, (double)c->len / 1e6 / t_hs);
	printf("  kanalvakt screen FILE >/dev/null                 %7.1f MB/s CPU %7.1f MB/s "
	       "wall\n",
	       (double)c->len / 1e6 / c_cli, (double)c->len / 1e6 / t_cli);
	printf("  kanalvakt screen / raw Hyperscan                 %7.2fx CPU   %7.2fx wall\n",
	       c_hs / c_cli, t_hs / t_cli);
	rc = 0;
out:
	if (ce)
		hs_free_compile_error(ce);
	hs_free_scratch(hsc);
	if (db)
		hs_free_database(db);
	for (size_t k = 0; k < nlit; k++)
		free(lit[k]);
	free(lit);
	free(ids);
	free(fl);
	if (!getenv("KV_BENCH_KEEP"))
		remove(path);
	return rc;
}

int main(int argc, char **argv)
{
	const char *root = getenv("KV_SOURCE_DIR");
	char dir[4096];
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	struct lexicon lx;
	struct err e;
	struct corpus c = {0};
	int rc = 1;

	memset(&lx, 0, sizeof(lx));
	snprintf(dir, sizeof(dir), "%s/rules/sv", root ? root : KV_SOURCE_DIR);
	if (screen_new(&s, dir, &e) != KV_OK || screen_scratch_new(&sc, s, &e) != KV_OK ||
	    lexicon_load(&lx, dir, &e) != KV_OK) {
		fprintf(stderr, "bench_screen: %s\n", e.msg);
		goto out;
	}
	printf("%zu rules, %s\n", screen_rule_count(s), screen_rules_version(s));
	if (build(&c, realistic_item) != 0 || run("realistic", &c, sc, &lx) != 0)
		goto out;
	if (end_to_end(&c, argc > 0 ? argv[0] : "./bench_screen") != 0)
		printf("end to end: could not run kanalvakt next to this program\n");
	free(c.text);
	free(c.starts);
	if (build(&c, heavy_item) != 0 || run("hit-heavy", &c, sc, &lx) != 0)
		goto out;
	rc = 0;
out:
	free(c.text);
	free(c.starts);
	lexicon_done(&lx);
	screen_scratch_free(sc);
	screen_free(s);
	return rc;
}
