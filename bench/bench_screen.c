/* Benchmark of the whole screening engine (normalise, Hyperscan, structured
 * detectors, scoring) over a generated Swedish corpus of at least 100 MB:
 * comments built from our own word list and templates, some with insults,
 * phone numbers and questions. Prints MB/s and items/s; asserts nothing. */
#include "screen/screen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CORPUS_BYTES ((size_t)110 << 20)

static const char *const words[] = {
        "kommunen",     "och",     "att",         "det",         "är",         "som",
        "en",           "på",      "för",         "inte",        "med",        "har",
        "vi",           "ni",      "jag",         "du",          "skolan",     "förskolan",
        "vägen",        "bussen",  "parken",      "biblioteket", "simhallen",  "snöröjningen",
        "äldreboendet", "bygglov", "avgiften",    "beslut",      "tack",       "bra",
        "dåligt",       "varför",  "när",         "hur",         "öppettider", "sommar",
        "vinter",       "barnen",  "föräldrar",   "gatlyktor",   "cykelbanan", "återvinning",
        "sophämtning",  "räkning", "blev",        "fick",        "kan",        "ska",
        "skulle",       "borde",   "verkligen",   "alltid",      "aldrig",     "mycket",
        "lite",         "här",     "där",         "också",       "men",        "eller",
        "så",           "nu",      "igen",        "idag",        "imorgon",    "veckan",
        "helgen",       "träffen", "mötet",       "politikerna", "medborgare", "invånare",
        "fin",          "trevlig", "snabbt",      "långsamt",    "jävla",      "idiot",
        "skandal",      "slöseri", "fantastiskt", "äntligen",    "köer",
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

/* CPU time of this thread: the figure is per core, and other programs on a
 * busy machine do not count against it. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	const char *root = getenv("KV_SOURCE_DIR");
	char dir[4096];
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	const struct screen_result *r;
	struct err e;
	char *corpus = NULL;
	size_t *starts = NULL, n = 0, cap = 1 << 20, len = 0, flags = 0;
	double t0, t1;
	int rc = 1;

	snprintf(dir, sizeof(dir), "%s/rules/sv", root ? root : KV_SOURCE_DIR);
	if (screen_new(&s, dir, &e) != KV_OK || screen_scratch_new(&sc, s, &e) != KV_OK) {
		fprintf(stderr, "bench_screen: %s\n", e.msg);
		goto out;
	}
	corpus = malloc(CORPUS_BYTES + 4096);
	starts = malloc((cap + 1) * sizeof(*starts));
	if (!corpus || !starts)
		goto out;
	while (len < CORPUS_BYTES && n < cap) {
		int nw = 8 + (int)(next() % 40);
		const char *tail = tails[next() % (sizeof(tails) / sizeof(tails[0]))];

		starts[n++] = len;
		for (int k = 0; k < nw; k++) {
			const char *w = words[next() % (sizeof(words) / sizeof(words[0]))];
			size_t wl = strlen(w);

			memcpy(corpus + len, w, wl);
			len += wl;
			corpus[len++] = (k + 1) % 9 == 0 ? '.' : ' ';
		}
		memcpy(corpus + len, tail, strlen(tail));
		len += strlen(tail);
	}
	starts[n] = len;
	printf("corpus: %.1f MB, %zu items, %zu rules\n", (double)len / 1e6, n,
	       screen_rule_count(s));
	t0 = now();
	for (size_t k = 0; k < n; k++) {
		if (screen_text(&r, sc, corpus + starts[k], starts[k + 1] - starts[k], &e) !=
		    KV_OK) {
			fprintf(stderr, "bench_screen: %s\n", e.msg);
			goto out;
		}
		flags += r->nflags;
	}
	t1 = now();
	printf("screen: %.1f MB/s, %.0f items/s per core (CPU time of one thread, %zu flags)\n",
	       (double)len / 1e6 / (t1 - t0), (double)n / (t1 - t0), flags);
	rc = 0;
out:
	free(corpus);
	free(starts);
	screen_scratch_free(sc);
	screen_free(s);
	return rc;
}
