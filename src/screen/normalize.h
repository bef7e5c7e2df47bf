/* Text normalisation for screening: NFKC-style compatibility mapping, case
 * folding that keeps å/ä/ö, undoing common obfuscations (leetspeak, stretched
 * letters, "i.d.i.o.t", homoglyphs) and a byte map back to the original.
 * It is not a tokenizer for search and does not stem; the lexicon matches on
 * its output, the structured detectors read the original text. */
#ifndef KV_SCREEN_NORMALIZE_H
#define KV_SCREEN_NORMALIZE_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

/* Longest input one call accepts; offsets fit in 32 bits. */
#define NORM_MAX_INPUT ((size_t)64 << 20)

/* The normalised form: words of lower-case letters and digits, each word
 * preceded and followed by exactly one space ("?" is a word of its own).
 * map[i] is the byte offset in the original text where the character that
 * produced out[i] begins; map[len] is the original length. A space maps to
 * the first separator byte after the previous word, so the original span of
 * the words out[a..b) (a after a space, b at a space) is map[a]..map[b]. */
struct norm {
	char *out;
	uint32_t *map;
	size_t len;
	size_t cap;
	int masked; /* out holds a '*' (only ever inside a word: "j*vla") */
};

/* Prepares an empty normaliser; its memory is reused by every normalize_text(). */
void normalize_init(struct norm *n);

/* Frees the memory. Accepts NULL. */
void normalize_done(struct norm *n);

/* Normalises text[0..len) into n (NUL-terminated). Invalid UTF-8 bytes become
 * separators. KV_EINVAL when len passes NORM_MAX_INPUT, KV_ENOMEM. */
int normalize_text(struct norm *n, const char *text, size_t len, struct err *err);

#endif
