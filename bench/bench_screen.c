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

int main(void)
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
