/* An SQLite FTS5 tokenizer for Swedish text ("kv_swedish"): the unicode61
 * tokenizer with diacritics kept (å, ä, ö are letters of their own: "får" is
 * not "far"), case folded, each token reduced by the Snowball Swedish stemmer
 * (libstemmer) so that "synpunkter" finds "synpunkt". SQLite driver only. */
#ifndef KV_STORE_FTS_SWEDISH_H
#define KV_STORE_FTS_SWEDISH_H

#include <sqlite3.h>

/* Registers the tokenizer on db. SQLITE_OK or an SQLite error code. */
int fts_swedish_register(sqlite3 *db);

#endif
