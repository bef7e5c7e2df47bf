/* The benchmarks' corpus: Swedish posts, comments and replies in threads,
 * the same sequence every run (a fixed xorshift seed), written as JSON Lines
 * or as one Graph API response. Included by the bench programs only. */
#ifndef KV_BENCH_CORPUS_H
#define KV_BENCH_CORPUS_H

#include "base/time.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static const char *const words[] = {
        "kommunen",
        "förskolan",
        "skolan",
        "biblioteket",
        "badhuset",
        "vägen",
        "cykelbanan",
        "snöröjningen",
        "sophämtningen",
        "återvinningen",
        "parken",
        "lekplatsen",
        "bygglov",
        "detaljplan",
        "fullmäktige",
        "nämnden",
        "äldreomsorgen",
        "hemtjänsten",
        "vattnet",
        "avloppet",
        "gatlyktan",
        "busshållplatsen",
        "trafiken",
        "parkeringen",
        "evenemanget",
        "konserten",
        "utställningen",
        "simhallen",
        "idrottshallen",
        "föreningen",
        "synpunkt",
        "synpunkter",
        "fråga",
        "frågor",
        "svar",
        "tack",
        "hej",
        "varför",
        "när",
        "hur",
        "var",
        "vem",
        "öppnar",
        "stänger",
        "renoveras",
        "byggs",
        "flyttas",
        "ställs",
        "in",
        "på",
        "i",
        "och",
        "att",
        "det",
        "är",
        "som",
        "för",
        "med",
        "om",
        "till",
        "av",
        "inte",
        "bra",
        "dålig",
        "fantastisk",
        "äntligen",
        "snart",
        "igen",
        "idag",
        "imorgon",
        "helgen",
        "sommaren",
        "vintern",
        "hösten",
        "våren",
        "barnen",
        "föräldrarna",
        "grannarna",
        "invånarna",
        "personalen",
        "rektorn",
        "handläggaren",
        "avgiften",
        "taxan",
        "budgeten",
        "skatten",
        "höjs",
        "sänks",
        "ansökan",
        "beslut",
        "överklagande",
        "möte",
        "dialog",
        "information",
        "nyheter",
        "länk",
        "bild",
        "film",
        "ö",
        "åker",
        "älv",
        "sjön",
        "skogen",
        "stranden",
        "bryggan",
        "fisket",
        "jakten",
        "kyrkan",
        "torget",
        "marknaden",
        "caféet",
        "får",
        "far",
        "mår",
        "går",
        "gör",
        "säger",
        "tycker",
        "undrar",
        "önskar",
        "hoppas",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void sentence(FILE *f, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", words[next() % NWORDS]);
	fputs(next() % 3 == 0 ? "?" : ".", f);
}

static long write_corpus(const char *path, long n_items)
{
	FILE *f = fopen(path, "w");
	long written = 0, thread = 0;
	int64_t t = 1735689600; /* 2025-01-01 */

	if (!f)
		return -1;
	while (written < n_items) {
		long root = written;
		int comments = 3 + (int)(next() % 12);

		fprintf(f,
		        "{\"id\":\"p%ld\",\"platform\":\"facebook\",\"kind\":\"post\","
		        "\"author\":{\"id\":\"page\",\"name\":\"Benchby "
		        "kommun\",\"is_account\":true},"
		        "\"created_at\":\"",
		        root);
		{
			char iso[TIME_ISO_LEN];

			time_format_utc(iso, t);
			fprintf(f, "%s\",\"text\":\"", iso);
		}
		sentence(f, 12 + (int)(next() % 20));
		fputs("\"}\n", f);
		written++;
		for (int c = 0; c < comments && written < n_items; c++) {
			char iso[TIME_ISO_LEN];
			long parent = c > 0 && next() % 3 == 0 ? written - 1 : root;

			t += 1 + (int64_t)(next() % 300);
			time_format_utc(iso, t);
			fprintf(f,
			        "{\"id\":\"c%ld\",\"platform\":\"facebook\",\"kind\":\"%s\","
			        "\"parent_id\":\"%s%ld\",\"root_id\":\"p%ld\",\"author\":{\"id\":"
			        "\"u%lu\","
			        "\"name\":\"Invånare %lu\"},\"created_at\":\"%s\",\"text\":\"",
			        written, parent == root ? "comment" : "reply",
			        parent == root ? "p" : "c", parent, root,
			        (unsigned long)(next() % 50000), (unsigned long)(next() % 50000),
			        iso);
			sentence(f, 5 + (int)(next() % 25));
			fputs("\"}\n", f);
			written++;
		}
		thread++;
		t += 600;
	}
	/* Written to disk before anything is timed, so that the kernel's
	 * write-back of the corpus is not charged to the import. */
	fflush(f);
	fsync(fileno(f));
	fclose(f);
	return thread;
}

/* The same kind of corpus as one Graph API response of a Facebook Page's
 * feed (GET /{page}/feed?fields=id,message,created_time,from,permalink_url,
 * comments{id,message,created_time,from,comments{...}}): posts by the page,
 * with their comments nested under them and the replies under their comment.
 * Returns the number of threads, or -1. */
static inline long write_graph(const char *path, const char *page, long n_items)
{
	FILE *f = fopen(path, "w");
	long written = 0, thread = 0;
	int64_t t = 1735689600; /* 2025-01-01 */
	char when[32];

	if (!f)
		return -1;
	fputs("{\"data\":[", f);
	while (written < n_items) {
		long post = written;
		int comments = 3 + (int)(next() % 12), comment_open = 0, replies_open = 0;

		time_format_utc(when, t);
		fprintf(f,
		        "%s{\"id\":\"%s_%ld\",\"created_time\":\"%.19s+0000\","
		        "\"from\":{\"name\":\"Benchby kommun\",\"id\":\"%s\"},"
		        "\"permalink_url\":\"https://www.facebook.com/%s/posts/%ld/\","
		        "\"message\":\"",
		        thread ? "," : "", page, post, when, page, page, post);
		sentence(f, 12 + (int)(next() % 20));
		fputs("\"", f);
		written++;
		for (int c = 0; c < comments && written < n_items; c++) {
			int reply = c > 0 && next() % 3 == 0;

			t += 1 + (int64_t)(next() % 300);
			time_format_utc(when, t);
			if (reply) {
				/* under the comment before, after its other replies */
				fputs(replies_open ? "}," : ",\"comments\":{\"data\":[", f);
				replies_open = 1;
			} else {
				fputs(replies_open   ? "}]}},"
				      : comment_open ? "},"
				                     : ",\"comments\":{\"data\":[",
				      f);
				replies_open = 0;
				comment_open = 1;
			}
			fprintf(f,
			        "{\"id\":\"%ld_%ld\",\"created_time\":\"%.19s+0000\","
			        "\"from\":{\"name\":\"Invånare %lu\",\"id\":\"%lu\"},"
			        "\"message\":\"",
			        post, written, when, (unsigned long)(next() % 50000),
			        (unsigned long)(1000 + next() % 50000));
			sentence(f, 5 + (int)(next() % 25));
			fputs("\"", f);
			written++;
		}
		fputs(replies_open ? "}]}}]}}" : comment_open ? "}]}}" : "}", f);
		thread++;
		t += 600;
	}
	fputs("],\"paging\":{\"cursors\":{\"before\":\"QVFI\",\"after\":\"QVFJ\"}}}\n", f);
	fflush(f);
	fsync(fileno(f));
	fclose(f);
	return thread;
}

#endif
