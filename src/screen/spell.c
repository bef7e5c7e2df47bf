/* Spelling with hunspell. One handle per struct spell; hunspell does not
 * document its handles as thread-safe, so calls are serialised. */
#include "screen/spell.h"

#include <hunspell/hunspell.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#define WORD_MAX  128 /* bytes of one word looked up; longer ones are passed over */
#define PART_MIN  3   /* code points of the first part of a compound */
#define RIGHT_MIN 4   /* code points of each later part ("ret" in "kontoret" is none) */
#define DEPTH_MAX 6

struct spell {
	Hunhandle *h;
	pthread_mutex_t lock;
};

int spell_new(struct spell **out, const char *path, struct err *err)
{
	char aff[4200], dic[4200];
	struct spell *sp;

	if (!path || !*path)
		path = SPELL_DEFAULT_DICTIONARY;
	snprintf(aff, sizeof(aff), "%s.aff", path);
	snprintf(dic, sizeof(dic), "%s.dic", path);
	if (access(aff, R_OK) != 0 || access(dic, R_OK) != 0)
		return err_set(err, KV_ENOTFOUND,
		               "no spelling dictionary at %s (.aff/.dic; Debian: hunspell-sv)",
		               path);
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return err_set(err, KV_ENOMEM, "out of memory");
	sp->h = Hunspell_create(aff, dic);
	if (!sp->h) {
		free(sp);
		return err_set(err, KV_ENOMEM, "cannot load the dictionary %s", path);
	}
	pthread_mutex_init(&sp->lock, NULL);
	*out = sp;
	return KV_OK;
}

void spell_free(struct spell *sp)
{
	if (!sp)
		return;
	Hunspell_destroy(sp->h);
	pthread_mutex_destroy(&sp->lock);
	free(sp);
}

/* The code point at s[i..len) into *cp; its length in bytes (1 for a bad byte,
 * then *cp is -1). */
static size_t next_cp(const char *s, size_t i, size_t len, int32_t *cp)
{
	utf8proc_int32_t c = -1;
	utf8proc_ssize_t k =
	        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);

	if (k <= 0) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return (size_t)k;
}

static int is_letter(int32_t cp)
{
	if (cp < 0)
		return 0;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return 1;
	default:
		return 0;
	}
}

static int is_space(int32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	       (cp > 127 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS);
}

/* 1 when the whitespace-separated token [a, b) is an address, e-mail, @name
 * or #tag, which are not words to spell-check. */
static int not_prose(const char *s, size_t a, size_t b)
{
	if (s[a] == '#' || s[a] == '@')
		return 1;
	for (size_t i = a; i < b; i++) {
		if (s[i] == '@')
			return 1;
		if (i + 3 <= b && memcmp(s + i, "://", 3) == 0)
			return 1;
		if (i + 4 <= b && (memcmp(s + i, "www.", 4) == 0 || memcmp(s + i, "WWW.", 4) == 0))
			return 1;
	}
	return 0;
}

static int known(struct spell *sp, const char *w)
{
	return Hunspell_spell(sp->h, w) != 0;
}

/* 1 when the word w[0..n) is all capitals (an abbreviation: "KS", "GDPR"). */
static int all_caps(const char *w, size_t n)
{
	int upper = 0;

	for (size_t i = 0; i < n;) {
		int32_t cp;

		i += next_cp(w, i, n, &cp);
		if (cp < 0)
			return 0;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LL)
			return 0;
		upper++;
	}
	return upper > 0;
}

size_t spell_check(struct spell *sp, const char *text, size_t len, size_t max_suggest, spell_fn fn,
                   void *ctx)
{
	size_t i = 0, found = 0;

	pthread_mutex_lock(&sp->lock);
	while (i < len) {
		size_t tok, tend;
		int32_t cp;

		/* One whitespace-separated token. */
		while (i < len) {
			size_t k = next_cp(text, i, len, &cp);

			if (!is_space(cp))
				break;
			i += k;
		}
		tok = i;
		while (i < len) {
			size_t k = next_cp(text, i, len, &cp);

			if (is_space(cp))
				break;
			i += k;
		}
		tend = i;
		if (tok == tend || not_prose(text, tok, tend))
			continue;
		/* The words inside it: runs of letters, with a hyphen or an
		 * apostrophe between letters kept inside. */
		for (size_t j = tok; j < tend;) {
			size_t ws, we, k = next_cp(text, j, tend, &cp);
			int digit_next = 0, prev_digit;
			char w[WORD_MAX + 1];

			if (!is_letter(cp)) {
				j += k;
				continue;
			}
			prev_digit = j > tok && text[j - 1] >= '0' && text[j - 1] <= '9';
			ws = j;
			while (j < tend) {
				size_t k2 = next_cp(text, j, tend, &cp);

				if (is_letter(cp)) {
					j += k2;
					continue;
				}
				if ((cp == '-' || cp == '\'') && j + k2 < tend) {
					int32_t after;

					next_cp(text, j + k2, tend, &after);
					if (is_letter(after)) {
						j += k2;
						continue;
					}
				}
				digit_next = cp >= '0' && cp <= '9';
				break;
			}
			we = j;
			if (prev_digit || digit_next || we - ws > WORD_MAX)
				continue;
			memcpy(w, text + ws, we - ws);
			w[we - ws] = '\0';
			if (we - ws < 2 || all_caps(w, we - ws) || known(sp, w))
				continue;
			{
				char **list = NULL;
				const char *sugg = NULL;
				int n = 0, stop;

				if (found < max_suggest) {
					n = Hunspell_suggest(sp->h, &list, w);
					if (n > 0)
						sugg = list[0];
				}
				found++;
				stop = fn(ctx, ws, we, sugg);
				if (n > 0 || list)
					Hunspell_free_list(sp->h, &list, n);
				if (stop) {
					pthread_mutex_unlock(&sp->lock);
					return found;
				}
			}
		}
	}
	pthread_mutex_unlock(&sp->lock);
	return found;
}

/* Lower-cases w[0..n) into out (cap bytes); its length, or 0 when it does
 * not fit or holds something other than letters. */
static size_t lower(const char *w, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		int32_t cp;

		i += next_cp(w, i, n, &cp);
		if (!is_letter(cp) || o + 5 > cap)
			return 0;
		o += (size_t)utf8proc_encode_char(utf8proc_tolower(cp),
		                                  (utf8proc_uint8_t *)out + o);
	}
	out[o] = '\0';
	return o;
}

/* 1 when w[0..n) is a word on its own, or one with a linking s
 * ("stads" of "stadsbyggnad"). */
static int part_known(struct spell *sp, const char *w, size_t n)
{
	char b[WORD_MAX + 1];

	if (n > WORD_MAX)
		return 0;
	memcpy(b, w, n);
	b[n] = '\0';
	if (known(sp, b))
		return 1;
	if (n > 1 && b[n - 1] == 's') {
		b[n - 1] = '\0';
		return known(sp, b);
	}
	return 0;
}

static size_t cps(const char *w, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)w[i] & 0xC0) != 0x80;
	return c;
}

/* The number of parts w[0..n) splits into (0: none), the split written to
 * out as "a|b|c". The longest known first part is tried first, so a word
 * splits into as few parts as the dictionary allows. */
static int split(struct spell *sp, const char *w, size_t n, int depth, char *out, size_t cap)
{
	if (depth < DEPTH_MAX && cps(w, n) >= PART_MIN + RIGHT_MIN) {
		for (size_t i = n - 1; i > 0; i--) {
			int r;

			if (((unsigned char)w[i] & 0xC0) == 0x80)
				continue; /* not a code point boundary */
			if (cps(w, i) < PART_MIN || cps(w + i, n - i) < RIGHT_MIN)
				continue;
			if (!part_known(sp, w, i))
				continue;
			if (i + 2 > cap)
				break;
			memcpy(out, w, i);
			out[i] = '|';
			r = split(sp, w + i, n - i, depth + 1, out + i + 1, cap - i - 1);
			if (r > 0)
				return r + 1;
		}
	}
	if (n + 1 <= cap && part_known(sp, w, n)) {
		memcpy(out, w, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

int spell_parts(struct spell *sp, const char *w, size_t n, char *parts, size_t cap)
{
	char low[WORD_MAX + 8], tmp[2 * WORD_MAX + 16];
	size_t m = lower(w, n, low, sizeof(low));
	int r;

	if (!m)
		return 0;
	pthread_mutex_lock(&sp->lock);
	r = split(sp, low, m, 0, tmp, sizeof(tmp));
	pthread_mutex_unlock(&sp->lock);
	if (parts && cap) {
		if (r > 0)
			snprintf(parts, cap, "%s", tmp);
		else
			parts[0] = '\0';
	}
	return r;
}
