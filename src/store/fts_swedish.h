/* An SQLite FTS5 tokenizer for Swedish text ("kv_swedish"): the unicode61
 * tokenizer with diacritics kept (å, ä, ö are letters of their own: "får" is
 * not "far"), case folded, each token indexed under its lemmas (base forms)
 * from the Swedish hunspell dictionary (libhunspell, Debian's hunspell-sv)
 * and under its Snowball stem (libstemmer), so that "badplats" finds
 * "badplatsen", "gå" finds "gick", and a word the dictionary does not know
 * is still found by its stem; a query word matches a text word when they
 * share one of these. Index and query go through the same tokenizer, so they agree as
 * long as the dictionary does not change; a database indexed with another
 * dictionary (or none) is rebuilt with `INSERT INTO item_fts(item_fts)
 * VALUES('rebuild')`. SQLite driver only. */
#ifndef KV_STORE_FTS_SWEDISH_H
#define KV_STORE_FTS_SWEDISH_H

#include <sqlite3.h>

/* The dictionary (without .aff/.dic); KV_SEARCH_DICTIONARY overrides it,
 * and "" there means none (Snowball only). */
#define FTS_SWEDISH_DICTIONARY "/usr/share/hunspell/sv_SE"

/* Registers the tokenizer on db. SQLITE_OK or an SQLite error code. */
int fts_swedish_register(sqlite3 *db);

/* 1 when the lemma dictionary is loaded (or loads now), 0 when only Snowball
 * is used. */
int fts_swedish_has_dictionary(void);

/* The lemmas of one lower-case UTF-8 word as the index stores them,
 * separated by spaces into out (NUL-terminated); their number, or -1 when
 * they do not fit. For tests and tools: the tokenizer goes through the same
 * code. */
int fts_swedish_lemmas(const char *word, int n, char *out, int cap);

#endif
