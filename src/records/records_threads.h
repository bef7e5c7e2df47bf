/* Captured items of a selection, loaded and put in reading order: each
 * thread's root (a post, or the earliest item of a thread whose root is not
 * in the selection) followed by its comments and replies in the order they
 * were written, each with its depth under the root. Shared by the snapshot
 * and the disclosure printouts. Not a query language: the selection is a
 * store item_filter. */
#ifndef KV_RECORDS_RECORDS_THREADS_H
#define KV_RECORDS_RECORDS_THREADS_H

#include "base/arena.h"
#include "base/err.h"
#include "store/items.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* One item, copied out of the store (strings in the set's arena). */
struct records_item {
	int64_t id;
	int64_t account_id;
	const char *platform_id, *kind, *parent_platform_id, *root_platform_id;
	const char *author_id, *author_name, *direction, *permalink, *state, *text;
	int64_t created_at, captured_at, versions;
	int depth;  /* 0 for a thread's root, 1 for a comment, 2+ for replies */
	int orphan; /* a root that is not a post: its post is not in the set */
};

struct records_threads {
	struct arena a;
	struct records_item *v; /* in reading order */
	size_t n;
};

/* Loads what f selects (f->newest_first and f->limit are ignored), only
 * the item ids in only[0..n_only) when n_only > 0, skipping private messages
 * when skip_messages. Threads follow each other newest first when
 * roots_newest_first (a page as it looks), else oldest first
 * (chronological). *out is filled; free with records_threads_done. */
int records_threads_load(struct store *s, const struct item_filter *f, const int64_t *only,
                         size_t n_only, int roots_newest_first, int skip_messages,
                         struct records_threads *out, struct err *err);
void records_threads_done(struct records_threads *t);

#endif
