/* Swedish compounds: whether a word the lexicon does not list is a compound
 * with a given member ("kommunidioter" has "idiot", "horkommun" has "hor",
 * "horisont" has none), decided with the hunspell dictionary (libhunspell
 * and Debian's hunspell-sv). Internal to screen/; not a stemmer. */
#ifndef KV_SCREEN_COMPOUND_H
#define KV_SCREEN_COMPOUND_H

#include "base/err.h"

#include <stddef.h>

struct compound;

/* A splitter over the dictionary at path (without .aff/.dic). The dictionary
 * is loaded on first use, so an engine that never meets a candidate never
 * pays for it. KV_ENOMEM. */
int compound_new(struct compound **out, const char *path, struct err *err);

/* Frees the splitter. Accepts NULL. */
void compound_free(struct compound *c);

/* 1 when the dictionary's files exist (compound_has_part can say yes). */
int compound_available(const struct compound *c);

/* 1 when the normalised word w[0..n) is a compound one of whose members is
 * stem[0..sn) (the form a word takes in compounds: "idiot", "hor", "fitt"),
 * possibly inflected. A word the dictionary knows as a word of its own and
 * does not split is not a compound. Safe to call from several threads. */
int compound_has_part(struct compound *c, const char *w, size_t n, const char *stem, size_t sn);

#endif
