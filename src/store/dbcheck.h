/* Consistency checks over the whole database, for `kanalvakt check` and the
 * crash tests: the engine's own integrity and foreign-key checks, the
 * full-text index against the items it indexes (tokenised again with the
 * project's tokenizer, which the sqlite3 shell lacks), and one item per
 * (organisation, platform, platform id). Read-only; it repairs nothing. */
#ifndef KV_STORE_DBCHECK_H
#define KV_STORE_DBCHECK_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Called once per problem found: kind is a short name ("integrity",
 * "foreign_key", "search_index", "duplicate_item"), detail a sentence.
 * Returns 0 to go on, or a negative KV_E* code to stop the check with it. */
typedef int (*dbcheck_cb)(void *arg, const char *kind, const char *detail);

struct dbcheck_counts {
	int64_t items;    /* items in the database */
	int64_t problems; /* problems reported */
	int engine;       /* 1 when the driver ran its own checks */
};

/* Runs every check, reporting each problem to cb. Returns KV_OK when the
 * checks could run (problems, if any, went to cb and are counted in *out),
 * KV_EIO when the database could not be read. */
int dbcheck_run(struct store *s, dbcheck_cb cb, void *arg, struct dbcheck_counts *out,
                struct err *err);

#endif
