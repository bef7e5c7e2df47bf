/* Compound splitting with hunspell (see compound.h). Hunspell's analysis of
 * a compound names its members ("pa:kommun pa:idioter"); a word it does not
 * know at all ("fittkommun") is tried at the stem's place: the stem must sit
 * between dictionary words (a linking s or a allowed), or at either end. A
 * handle is not documented as thread-safe, so calls are serialised; they are
 * rare (only words that contain a listed stem and matched no rule). */
#define _GNU_SOURCE /* memmem */
#include "screen/compound.h"

#include <hunspell/hunspell.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_WORD    96
#define CACHE_SLOTS 1024
#define CACHE_WORD  40

/* Recent answers: the same words come back in text after text. */
struct slot {
	char key[CACHE_WORD]; /* word '|' stem, NUL-terminated; empty = free */
	int answer;
};

struct compound {
	pthread_mutex_t lock;
	struct slot cache[CACHE_SLOTS];
	Hunhandle *h;
	int tried; /* loading was attempted */
	int available;
	char aff[4200], dic[4200];
};

int compound_new(struct compound **out, const char *path, struct err *err)
{
	struct compound *c = calloc(1, sizeof(*c));

	if (!c)
		return err_set(err, KV_ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	snprintf(c->aff, sizeof(c->aff), "%s.aff", path);
	snprintf(c->dic, sizeof(c->dic), "%s.dic", path);
	c->available = access(c->aff, R_OK) == 0 && access(c->dic, R_OK) == 0;
	*out = c;
	return KV_OK;
}

void compound_free(struct compound *c)
{
	if (!c)
		return;
	if (c->h)
		Hunspell_destroy(c->h);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int compound_available(const struct compound *c)
{
	return c && c->available;
}

/* Endings an inflected member may have after its stem. */
static int is_ending(const char *s, size_t n)
{
	static const char *const endings[] = {"",   "a",   "an",   "ar",    "arna", "arnas", "as",
	                                      "en", "ens", "er",   "erna",  "ers",  "et",    "ets",
	                                      "na", "or",  "orna", "ornas", "s"};

	for (size_t k = 0; k < sizeof(endings) / sizeof(*endings); k++)
		if (strlen(endings[k]) == n && memcmp(endings[k], s, n) == 0)
			return 1;
	return 0;
}

static int spell(struct compound *c, const char *s, size_t n)
{
	char w[MAX_WORD + 1];

	if (n < 3 || n > MAX_WORD)
		return 0;
	memcpy(w, s, n);
	w[n] = '\0';
	return Hunspell_spell(c->h, w) != 0;
}

/* A dictionary word, possibly followed (left side) or preceded (right side)
 * by a linking letter. */
static int word_left(struct compound *c, const char *s, size_t n)
{
	return n == 0 || spell(c, s, n) ||
	       (n > 3 && (s[n - 1] == 's' || s[n - 1] == 'a') && spell(c, s, n - 1));
}

static int word_right(struct compound *c, const char *s, size_t n)
{
	return is_ending(s, n) || spell(c, s, n) ||
	       (n > 3 && (s[0] == 's' || s[0] == 'a') && spell(c, s + 1, n - 1));
}

/* From an analysis "pa:kommun st:kommun pa:idioter st:idiot": does a
 * member start with the stem and go on only by an ending? *split says the
 * analysis had members at all. */
static int analysis_has(const char *a, const char *stem, size_t sn, int *split)
{
	const char *p = a;
	int members = 0, found = 0;

	while ((p = strstr(p, "pa:")) != NULL) {
		const char *v = p + 3, *e = v;

		while (*e && *e != ' ')
			e++;
		members++;
		if ((size_t)(e - v) >= sn && memcmp(v, stem, sn) == 0 &&
		    is_ending(v + sn, (size_t)(e - v) - sn))
			found = 1;
		p = e;
	}
	if (members >= 2)
		*split = 1;
	return members >= 2 && found;
}

static int has_part_locked(struct compound *c, const char *w, size_t n, const char *stem, size_t sn)
{
	char word[MAX_WORD + 1];
	char **list = NULL;
	int na, split = 0, found = 0;

	memcpy(word, w, n);
	word[n] = '\0';
	na = Hunspell_analyze(c->h, &list, word);
	for (int k = 0; k < na && !found; k++)
		found = analysis_has(list[k], stem, sn, &split);
	if (na > 0)
		Hunspell_free_list(c->h, &list, na);
	if (found || split || Hunspell_spell(c->h, word))
		return found; /* the dictionary knows this word: its split decides */
	for (const char *p = w; (p = memmem(p, (size_t)(w + n - p), stem, sn)) != NULL; p++) {
		size_t left = (size_t)(p - w), right = n - left - sn;

		if (left == 0 && is_ending(p + sn, right))
			continue; /* the stem itself, inflected: not a compound */
		if (word_left(c, w, left) && word_right(c, p + sn, right))
			return 1;
	}
	return 0;
}

int compound_has_part(struct compound *c, const char *w, size_t n, const char *stem, size_t sn)
{
	char key[CACHE_WORD];
	struct slot *slot = NULL;
	int r = 0;

	if (!c || !c->available || n > MAX_WORD || sn == 0 || sn >= n)
		return 0;
	/* The stem itself, inflected ("jävla", "idioten"): not a compound,
	 * and no reason to ask the dictionary. */
	if (memcmp(w, stem, sn) == 0 && is_ending(w + sn, n - sn))
		return 0;
	if (n + sn + 2 <= sizeof(key)) {
		uint32_t h = 2166136261u;

		memcpy(key, w, n);
		key[n] = '|';
		memcpy(key + n + 1, stem, sn);
		key[n + 1 + sn] = '\0';
		for (size_t k = 0; key[k]; k++)
			h = (h ^ (unsigned char)key[k]) * 16777619u;
		slot = &c->cache[h % CACHE_SLOTS];
	}
	pthread_mutex_lock(&c->lock);
	if (slot && strcmp(slot->key, key) == 0) {
		r = slot->answer;
		pthread_mutex_unlock(&c->lock);
		return r;
	}
	if (!c->tried) {
		c->tried = 1;
		c->h = Hunspell_create(c->aff, c->dic);
		if (!c->h)
			c->available = 0;
	}
	if (c->h)
		r = has_part_locked(c, w, n, stem, sn);
	if (slot && c->h) {
		memcpy(slot->key, key, strlen(key) + 1);
		slot->answer = r;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}
