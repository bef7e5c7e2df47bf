/* Spelling for texts the kommun writes itself: the words of a text that the
 * Swedish hunspell dictionary (libhunspell, Debian's hunspell-sv) does not
 * know, with its first suggestion, and how many dictionary words a word
 * (a hashtag) is made of. Addresses, e-mail, @names, #tags, words with
 * digits and all-capital abbreviations are not spell-checked. Not the
 * screening of incoming text (screen/screen) and not a grammar checker. */
#ifndef KV_SCREEN_SPELL_H
#define KV_SCREEN_SPELL_H

#include "base/err.h"

#include <stddef.h>

/* The dictionary used when none is named (without .aff/.dic). */
#define SPELL_DEFAULT_DICTIONARY "/usr/share/hunspell/sv_SE"

struct spell;

/* Loads the dictionary at path (without .aff/.dic; NULL: the default).
 * *out owned by the caller (spell_free). KV_ENOTFOUND naming the files when
 * they are not there, KV_ENOMEM. */
int spell_new(struct spell **out, const char *path, struct err *err);
void spell_free(struct spell *sp);

/* Called for each unknown word: [start, end) are byte offsets in the text,
 * suggestion the dictionary's first one (NULL when it has none). Return
 * non-zero to stop. */
typedef int (*spell_fn)(void *ctx, size_t start, size_t end, const char *suggestion);

/* Checks text[0..len) (UTF-8) word by word. At most max_suggest unknown
 * words get a suggestion (suggesting is slow); the rest get NULL. Returns
 * the number of unknown words reported. Safe from several threads. */
size_t spell_check(struct spell *sp, const char *text, size_t len, size_t max_suggest, spell_fn fn,
                   void *ctx);

/* How many dictionary words the word w[0..n) (UTF-8, letters only) is
 * made of, compounds with a linking s included: 1 for a plain word, 2 or
 * more for a compound ("stadsbyggnadskontoret": stads|byggnads|kontoret is
 * 3), 0 when it cannot be split into known words. When parts is not NULL,
 * the split is written there as the words joined by '|' (NUL-terminated,
 * cap bytes). */
int spell_parts(struct spell *sp, const char *w, size_t n, char *parts, size_t cap);

#endif
