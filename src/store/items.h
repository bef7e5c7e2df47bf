/* Persistence of captured items: items (one row per platform item, holding
 * the current text), their versions (every text ever seen, each hashed) and
 * platform events (deleted, hidden, unhidden). Writes are idempotent: the
 * same item twice changes nothing, a new text adds a version. Nothing here
 * deletes an item. Search uses the full-text index (store/fts_swedish). */
#ifndef KV_STORE_ITEMS_H
#define KV_STORE_ITEMS_H

#include "base/err.h"
#include "model/item.h"

#include <stdint.h>

/* The search index is keyed by time: an item's fts_key is its platform time
 * (else capture time) shifted left ITEMS_FTS_SHIFT bits, or-ed with the low
 * bits of its row id (the column is defined in store_sqlite.c's migration 2
 * with this same shift). */
#define ITEMS_FTS_SHIFT 24

/* The smallest fts_key at Unix time t (clamped to 0 and to what fits). */
int64_t items_fts_key_at(int64_t t);

struct store;

enum item_outcome {
	ITEM_OUT_NEW = 0,
	ITEM_OUT_UPDATED, /* a new version or a new state */
	ITEM_OUT_UNCHANGED,
};

/* A batch of writes in one transaction whose full-text indexing is done at
 * the end, in one statement: indexing row by row costs several times more
 * than the rest of storing an item. Items created in the batch are found
 * in search only after items_batch_end(). */
/* Longest full-text query accepted, in bytes. */
#define ITEMS_QUERY_MAX 2000

struct items_batch {
	int64_t base; /* the highest item id before the batch */
};

int items_batch_begin(struct store *s, struct items_batch *b, struct err *err);
int items_batch_end(struct store *s, struct items_batch *b, struct err *err);

/* An item resolved for storing: which organisation and account it belongs
 * to and on which side of the law it stands. */
struct item_write {
	int64_t org_id;
	int64_t account_id;
	const struct item *it;
	int upprattad; /* 1 written by the account itself, 0 inkommen */
	int64_t captured_at;
	const char *links_json;          /* JSON array or NULL */
	const char *media_json;          /* JSON array or NULL */
	const struct items_batch *batch; /* NULL: index at once */
};

struct item_put_result {
	enum item_outcome outcome;
	int64_t id;       /* the item's row id */
	int text_changed; /* the item's current text is new (a new item or a newer version) */
	int64_t version;  /* the number of the item's current version, when text_changed */
};

/* Stores one item version and says what changed in *out. Runs in the
 * caller's transaction. */
int items_put(struct store *s, const struct item_write *w, struct item_put_result *out,
              struct err *err);

/* Records a platform event for the item with platform id ev->platform_id on
 * account_id. KV_ENOTFOUND (err set) when that item was never captured;
 * ITEM_OUT_UNCHANGED when the same event was recorded before. */
int items_event(struct store *s, int64_t account_id, const struct item_event *ev,
                int64_t captured_at, enum item_outcome *out_outcome, struct err *err);

struct item_filter {
	int64_t org_id;
	int64_t account_id;    /* 0 = all */
	int64_t item_id;       /* 0 = all */
	const char *root;      /* platform id of a thread root: the thread; NULL = all */
	const char *direction; /* "inkommen", "upprattad" or NULL */
	const char *kind;      /* item kind name or NULL */
	const char *state;     /* item state name or NULL */
	int64_t from, to;      /* created_at range [from, to); 0 = open */
	const char *query;     /* full-text query (docs/search.md); NULL = none */
	const char *category;  /* only items flagged with this screening category */
	int flagged;           /* only items flagged with a violation category */
	int newest_first;
	int64_t limit; /* 0 = no limit */
};

struct item_row {
	int64_t id;
	int64_t account_id;
	const char *account_handle;
	const char *platform;
	const char *platform_id;
	const char *kind;
	const char *parent_platform_id;
	const char *root_platform_id;
	const char *author_id;
	const char *author_name;
	const char *direction;
	int64_t created_at;
	int64_t captured_at;
	const char *permalink;
	const char *state;
	int64_t versions;
	const char *text;
	const char *categories; /* flagged screening categories, comma-separated; NULL when
	                           not screened */
	const char *snippet;    /* with the hits in [ ], when searching */
};

typedef int (*items_fn)(void *ctx, const struct item_row *r);

/* Calls fn for each matching item (rows borrowed for the call). A query with
 * no searchable word is KV_EINVAL. */
int items_each(struct store *s, const struct item_filter *f, items_fn fn, void *ctx,
               struct err *err);

struct item_version_row {
	int64_t version;
	const char *text;
	const char *sha256;
	int64_t version_at;
	int64_t captured_at;
	const char *source;
	const char *links;
	const char *media;
};
typedef int (*items_version_fn)(void *ctx, const struct item_version_row *v);
int items_versions(struct store *s, int64_t item_id, items_version_fn fn, void *ctx,
                   struct err *err);

struct item_event_row {
	const char *kind;
	int64_t at;
	int64_t captured_at;
	const char *source;
};
typedef int (*items_event_fn)(void *ctx, const struct item_event_row *e);
int items_events(struct store *s, int64_t item_id, items_event_fn fn, void *ctx, struct err *err);

/* Finds the account whose platform account id or handle is ref on platform.
 * KV_ENOTFOUND when none. */
int items_account_by_ref(struct store *s, int64_t org, const char *platform, const char *ref,
                         int64_t *out_account, struct err *err);

#endif
