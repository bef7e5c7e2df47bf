/* Normalisation for screening (see normalize.h). One pass over the input with
 * an ASCII fast path; utf8proc only for characters outside ASCII and the
 * Swedish letters. Memory is kept between calls, so screening an item does
 * not allocate once the buffers have grown. Not a general Unicode library. */
#include "screen/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { C_SEP = 0, C_LETTER, C_DIGIT, C_SPECIAL };

static unsigned char ascii_class[256];
static unsigned char ascii_lower[256];
static unsigned char ascii_stretch[256]; /* a run this long is cut: 2 vowels, 3 others */
static int tables_ready;

static void tables_init(void)
{
	/* Idempotent and race-free in practice: every thread writes the same
	 * values, so a second writer changes nothing. */
	for (int c = 0; c < 128; c++) {
		unsigned char cls = C_SEP, lo = (unsigned char)c;

		if (c >= 'a' && c <= 'z')
			cls = C_LETTER;
		else if (c >= 'A' && c <= 'Z') {
			cls = C_LETTER;
			lo = (unsigned char)(c - 'A' + 'a');
		} else if (c >= '0' && c <= '9')
			cls = C_DIGIT;
		else if (c == '?' || c == '@' || c == '$' || c == '*' || c == '!')
			cls = C_SPECIAL;
		ascii_class[c] = cls;
		ascii_lower[c] = lo;
		ascii_stretch[c] = strchr("aeiouy", c) && c ? 2 : 3;
	}
	tables_ready = 1;
}

void normalize_init(struct norm *n)
{
	memset(n, 0, sizeof(*n));
	if (!tables_ready)
		tables_init();
}

void normalize_done(struct norm *n)
{
	if (!n)
		return;
	free(n->out);
	free(n->map);
	memset(n, 0, sizeof(*n));
}

struct state {
	struct norm *n;
	int in_word;      /* the last thing emitted was part of a word */
	int need_space;   /* a separator was seen after a word */
	uint32_t sep_off; /* where that separator began */
	uint32_t last_cp; /* last letter emitted, for collapsing stretched runs */
	int run;          /* how many times last_cp was seen in a row */
	int last_letter;  /* the last word character was a letter (not a digit) */
};

static int grow(struct norm *n, size_t need)
{
	size_t cap = n->cap ? n->cap : 256;
	char *o;
	uint32_t *m;

	if (need <= n->cap)
		return KV_OK;
	while (cap < need)
		cap *= 2;
	o = realloc(n->out, cap);
	if (!o)
		return KV_ENOMEM;
	n->out = o;
	m = realloc(n->map, cap * sizeof(uint32_t));
	if (!m)
		return KV_ENOMEM;
	n->map = m;
	n->cap = cap;
	return KV_OK;
}

static inline void put(struct norm *n, char c, uint32_t off)
{
	n->out[n->len] = c;
	n->map[n->len] = off;
	n->len++;
}

static inline void separator(struct state *st, uint32_t off)
{
	if (st->in_word) {
		st->in_word = 0;
		st->need_space = 1;
		st->sep_off = off;
	}
	st->last_cp = 0;
	st->run = 0;
}

static inline int is_vowel(uint32_t cp)
{
	switch (cp) {
	case 'a':
	case 'e':
	case 'i':
	case 'o':
	case 'u':
	case 'y':
	case 0xE5:
	case 0xE4:
	case 0xF6:
		return 1;
	default:
		return 0;
	}
}

static inline void word_start(struct state *st)
{
	if (!st->in_word) {
		if (st->need_space)
			put(st->n, ' ', st->sep_off);
		st->need_space = 0;
		st->in_word = 1;
	}
}

/* Emits one word character (already folded). Caller guarantees room for
 * five bytes. Letters repeated to stretch a word are collapsed: a vowel is
 * kept once, a consonant at most twice ("jääävla" -> "jävla"). */
static void emit(struct state *st, uint32_t cp, uint32_t off, int letter)
{
	struct norm *n = st->n;

	word_start(st);
	if (letter) {
		if (cp == st->last_cp) {
			st->run++;
			if (st->run >= (is_vowel(cp) ? 2 : 3))
				return;
		} else {
			st->last_cp = cp;
			st->run = 1;
		}
	} else {
		st->last_cp = 0;
		st->run = 0;
	}
	st->last_letter = letter;
	if (cp < 0x80) {
		put(n, (char)cp, off);
	} else if (cp < 0x800) {
		put(n, (char)(0xC0 | (cp >> 6)), off);
		put(n, (char)(0x80 | (cp & 0x3F)), off);
	} else {
		utf8proc_uint8_t b[4];
		utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, b);

		for (utf8proc_ssize_t j = 0; j < k; j++)
			put(n, (char)b[j], off);
	}
}

/* Look-alike letters from Cyrillic and Greek, and the Nordic/Latin letters
 * that stand in for Swedish ones. 0 when cp is not in the table. */
static uint32_t fold_special(uint32_t cp)
{
	switch (cp) {
	case 0xE5: /* å */
	case 0xC5:
		return 0xE5;
	case 0xE4: /* ä */
	case 0xC4:
	case 0xE6: /* æ */
	case 0xC6:
		return 0xE4;
	case 0xF6: /* ö */
	case 0xD6:
	case 0xF8: /* ø */
	case 0xD8:
		return 0xF6;
	case 0x430:
	case 0x410:
	case 0x3B1:
	case 0x391:
		return 'a';
	case 0x432:
	case 0x412:
	case 0x392:
		return 'b';
	case 0x441:
	case 0x421:
		return 'c';
	case 0x435:
	case 0x415:
	case 0x3B5:
	case 0x395:
		return 'e';
	case 0x43D:
	case 0x41D:
	case 0x397:
		return 'h';
	case 0x456:
	case 0x406:
	case 0x3B9:
	case 0x399:
		return 'i';
	case 0x458:
	case 0x408:
		return 'j';
	case 0x43A:
	case 0x41A:
	case 0x3BA:
	case 0x39A:
		return 'k';
	case 0x43C:
	case 0x41C:
	case 0x39C:
		return 'm';
	case 0x39D:
		return 'n';
	case 0x43E:
	case 0x41E:
	case 0x3BF:
	case 0x39F:
		return 'o';
	case 0x440:
	case 0x420:
	case 0x3C1:
	case 0x3A1:
		return 'p';
	case 0x455:
	case 0x405:
		return 's';
	case 0x442:
	case 0x422:
	case 0x3C4:
	case 0x3A4:
		return 't';
	case 0x3C5:
		return 'u';
	case 0x3BD:
		return 'v';
	case 0x445:
	case 0x425:
	case 0x3A7:
		return 'x';
	case 0x443:
	case 0x423:
	case 0x3A5:
		return 'y';
	case 0x396:
		return 'z';
	default:
		return 0;
	}
}

/* Length of a letter at s[i] for the spaced-letters check: ASCII letters and
 * the two-byte forms of å/ä/ö (either case). 0 for anything else. */
static size_t letter_len(const char *s, size_t len, size_t i)
{
	unsigned char c, d;

	if (i >= len)
		return 0;
	c = (unsigned char)s[i];
	if (ascii_class[c] == C_LETTER && c < 0x80)
		return 1;
	if (c != 0xC3 || i + 1 >= len)
		return 0;
	d = (unsigned char)s[i + 1];
	return (d == 0xA5 || d == 0xA4 || d == 0xB6 || d == 0x85 || d == 0x84 || d == 0x96) ? 2 : 0;
}

static int is_joinsep(char c)
{
	return c == ' ' || c == '.' || c == '-' || c == '_';
}

/* "i d i o t", "i.d.i.o.t": three or more single letters, each followed by
 * one separator. Returns the offset after the last letter, or 0. */
static size_t spaced_run(const char *s, size_t len, size_t i)
{
	size_t count = 0, end = 0;

	for (;;) {
		size_t l = letter_len(s, len, i), j;

		if (!l)
			break;
		j = i + l;
		if (j < len && letter_len(s, len, j))
			break;
		count++;
		end = j;
		if (j + 1 < len && is_joinsep(s[j]) && letter_len(s, len, j + 1)) {
			i = j + 1;
			continue;
		}
		break;
	}
	return count >= 3 ? end : 0;
}

static int next_is_letter(const char *s, size_t len, size_t i)
{
	return i < len &&
	       (ascii_class[(unsigned char)s[i]] == C_LETTER || (unsigned char)s[i] >= 0x80);
}

/* One non-ASCII code point at offset off. */
static int non_ascii(struct state *st, uint32_t cp, uint32_t off, size_t rest)
{
	struct norm *n = st->n;
	utf8proc_int32_t dst[8];
	utf8proc_ssize_t k;
	int bound = 0;
	uint32_t f = fold_special(cp);

	/* Keep room for this character (at most 8 code points) and for the
	 * ASCII fast path's promise of two bytes per remaining input byte. */
	if (grow(n, n->len + 64 + 2 * rest) != KV_OK)
		return KV_ENOMEM;
	if (f) {
		emit(st, f, off, 1);
		return KV_OK;
	}
	/* A decomposed å/ä/ö: base letter followed by a combining mark. */
	if ((cp == 0x30A || cp == 0x308) && st->in_word && n->len > 0) {
		char last = n->out[n->len - 1];
		uint32_t comp = 0;

		if (cp == 0x30A && last == 'a')
			comp = 0xE5;
		else if (cp == 0x308 && last == 'a')
			comp = 0xE4;
		else if (cp == 0x308 && last == 'o')
			comp = 0xF6;
		if (comp) {
			uint32_t m = n->map[n->len - 1];

			n->len--;
			st->last_cp = 0;
			emit(st, comp, m, 1);
			return KV_OK;
		}
	}
	k = utf8proc_decompose_char((utf8proc_int32_t)cp, dst, 8,
	                            UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                                    UTF8PROC_STRIPMARK,
	                            &bound);
	if (k < 0 || k > 8) {
		separator(st, off);
		return KV_OK;
	}
	for (utf8proc_ssize_t j = 0; j < k; j++) {
		uint32_t c = (uint32_t)dst[j];
		utf8proc_category_t cat;

		if (c < 0x80) {
			unsigned char cls = ascii_class[c];

			if (cls == C_LETTER)
				emit(st, ascii_lower[c], off, 1);
			else if (cls == C_DIGIT)
				emit(st, c, off, 0);
			else
				separator(st, off);
			continue;
		}
		f = fold_special(c);
		if (f) {
			emit(st, f, off, 1);
			continue;
		}
		cat = utf8proc_category((utf8proc_int32_t)c);
		switch (cat) {
		case UTF8PROC_CATEGORY_LU:
		case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LT:
		case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_LO:
			emit(st, c, off, 1);
			break;
		case UTF8PROC_CATEGORY_ND:
		case UTF8PROC_CATEGORY_NL:
		case UTF8PROC_CATEGORY_NO:
			emit(st, c, off, 0);
			break;
		case UTF8PROC_CATEGORY_MN:
		case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_ME:
		case UTF8PROC_CATEGORY_CF:
			/* Invisible inside a word: zero-width spaces and soft
			 * hyphens are a common way to break up a word. */
			break;
		default:
			separator(st, off);
			break;
		}
	}
	return KV_OK;
}

/* The second byte of a lower-case å/ä/ö for the second byte of one in
 * either case after 0xC3, or 0. */
static inline unsigned char swedish_lower(unsigned char d)
{
	switch (d) {
	case 0xA5:
	case 0x85:
		return 0xA5;
	case 0xA4:
	case 0x84:
		return 0xA4;
	case 0xB6:
	case 0x96:
		return 0xB6;
	default:
		return 0;
	}
}

/* Emits the ASCII letters from text[i] on (at least one) and returns the
 * offset after them: emit() unrolled for the common case, with the same
 * collapsing of stretched letters. */
static size_t letter_run(struct state *st, const char *text, size_t len, size_t i)
{
	struct norm *n = st->n;
	char *o = n->out;
	uint32_t *m = n->map;
	size_t k = n->len;
	uint32_t last = st->last_cp;
	int run = st->run;

	word_start(st);
	k = n->len;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		unsigned char lo, d;

		if (c >= 0x80) {
			/* å, ä, ö inside the word: the same as emit() does for
			 * them (vowels, kept once when stretched), without
			 * leaving the loop. */
			if (c != 0xC3 || i + 1 >= len ||
			    !(d = swedish_lower((unsigned char)text[i + 1])))
				break;
			if (last == (0xE0u | (d & 0x1Fu))) {
				if (++run >= 2) {
					i += 2;
					continue;
				}
			} else {
				last = 0xE0u | (d & 0x1Fu);
				run = 1;
			}
			o[k] = (char)0xC3;
			o[k + 1] = (char)d;
			m[k] = m[k + 1] = (uint32_t)i;
			k += 2;
			i += 2;
			continue;
		}
		if (ascii_class[c] != C_LETTER)
			break;
		lo = ascii_lower[c];
		if (lo == last) {
			if (++run >= ascii_stretch[lo]) {
				i++;
				continue;
			}
		} else {
			last = lo;
			run = 1;
		}
		o[k] = (char)lo;
		m[k] = (uint32_t)i;
		k++;
		i++;
	}
	n->len = k;
	st->last_cp = last;
	st->run = run;
	st->last_letter = 1;
	return i;
}

static uint32_t leet(unsigned char c)
{
	switch (c) {
	case '0':
		return 'o';
	case '1':
	case '!':
		return 'i';
	case '3':
		return 'e';
	case '4':
	case '@':
		return 'a';
	case '$':
		return 's';
	default:
		return 0;
	}
}

int normalize_text(struct norm *n, const char *text, size_t len, struct err *err)
{
	struct state st = {0};
	size_t i = 0, join_until = 0;

	if (!tables_ready)
		tables_init();
	if (len > NORM_MAX_INPUT)
		return err_set(err, KV_EINVAL,
		               "text is %zu bytes, more than the %zu a screen accepts", len,
		               NORM_MAX_INPUT);
	n->len = 0;
	n->masked = 0;
	if (grow(n, 2 * len + 8) != KV_OK)
		return err_set(err, KV_ENOMEM, "out of memory normalising %zu bytes", len);
	st.n = n;
	put(n, ' ', 0);
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		uint32_t off = (uint32_t)i;

		if (c < 0x80) {
			unsigned char cls = ascii_class[c];

			if (cls == C_LETTER) {
				/* (spaced_run finds nothing when another letter,
				 * å/ä/ö too, follows.) */
				if (!st.in_word && i >= join_until &&
				    (i + 1 >= len ||
				     ascii_class[(unsigned char)text[i + 1]] != C_LETTER ||
				     (unsigned char)text[i + 1] >= 0x80) &&
				    !letter_len(text, len, i + 1))
					join_until = spaced_run(text, len, i);
				/* The fast path: a run of ASCII letters, the bulk of
				 * any Swedish text, without a call per byte. */
				i = letter_run(&st, text, len, i);
				continue;
			} else if (cls == C_DIGIT) {
				uint32_t l = leet(c);

				if (l && ((st.in_word && st.last_letter) ||
				          (!st.in_word && next_is_letter(text, len, i + 1))))
					emit(&st, l, off, 1);
				else
					emit(&st, c, off, 0);
			} else if (cls == C_SPECIAL) {
				if (c == '?') {
					separator(&st, off);
					if (!(n->len >= 2 && n->out[n->len - 1] == '?')) {
						emit(&st, '?', off, 0);
						separator(&st, off + 1);
					}
				} else if (c == '*' &&
				           (st.in_word || next_is_letter(text, len, i + 1))) {
					emit(&st, '*', off, 0);
					n->masked = 1;
				} else if (c == '!') {
					if (st.in_word && st.last_letter &&
					    next_is_letter(text, len, i + 1))
						emit(&st, 'i', off, 1);
					else
						separator(&st, off);
				} else if (c == '@' || c == '$') {
					if (st.in_word || next_is_letter(text, len, i + 1))
						emit(&st, leet(c), off, 1);
					else
						separator(&st, off);
				} else {
					separator(&st, off);
				}
			} else if (i < join_until && is_joinsep((char)c)) {
				/* Inside "i.d.i.o.t": the dots are not word breaks. */
			} else {
				separator(&st, off);
			}
			i++;
			continue;
		}
		if (c == 0xC3 && i + 1 < len && swedish_lower((unsigned char)text[i + 1])) {
			/* å, ä, ö in either case: common enough for a path of
			 * their own that skips utf8proc. */
			if (!st.in_word && i >= join_until && !letter_len(text, len, i + 2))
				join_until = spaced_run(text, len, i);
			emit(&st, 0xE0u | (swedish_lower((unsigned char)text[i + 1]) & 0x1Fu), off,
			     1);
			i += 2;
			continue;
		}
		{
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
			                                      (utf8proc_ssize_t)(len - i), &cp);

			if (k <= 0) {
				separator(&st, off);
				i++;
				continue;
			}
			if (!st.in_word && i >= join_until && letter_len(text, len, i) == 2 &&
			    !letter_len(text, len, i + 2))
				join_until = spaced_run(text, len, i);
			if (non_ascii(&st, (uint32_t)cp, off, len - i) != KV_OK)
				return err_set(err, KV_ENOMEM,
				               "out of memory normalising %zu bytes", len);
			i += (size_t)k;
		}
	}
	if (grow(n, n->len + 2) != KV_OK)
		return err_set(err, KV_ENOMEM, "out of memory normalising %zu bytes", len);
	if (n->len == 0 || n->out[n->len - 1] != ' ')
		put(n, ' ', st.in_word ? (uint32_t)len : st.sep_off);
	n->map[n->len] = (uint32_t)len;
	n->out[n->len] = '\0';
	return KV_OK;
}
