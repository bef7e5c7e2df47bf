/* Persistence of e-archive packages: the packages written (archive_package),
 * the items each one delivered (archive_package_item), and the reads the
 * package writer streams (items as JSON Lines, media, preservation events).
 * Only rows and queries; the package itself is written by records/sip. */
#ifndef KV_STORE_ARCHIVE_ROWS_H
#define KV_STORE_ARCHIVE_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

#define ARCHIVE_OBJID_MAX 80 /* "kanalvakt-" + a UUID, with room to spare */

/* Which items a package holds: one account, items whose platform time (or,
 * without one, capture time) is in [from, to) in Unix seconds, and no item
 * id above max_id (the items present when the package was begun, so the
 * mark written afterwards covers exactly what was written). */
struct archive_scope {
	int64_t org;
	int64_t account_id;
	int64_t from, to;
	int64_t max_id;
};

/* Sets the connection up for one pass over many rows (on 1): a small page
 * cache and no memory-mapped reads, whose pages would count as the
 * process's own (a package of a million items reads a gigabyte or more);
 * on 0 restores the store's defaults. */
int archive_row_streaming(struct store *s, int on, struct err *err);

/* The highest item id now stored (0 for none) into *out. */
int archive_row_max_item(struct store *s, int64_t *out, struct err *err);

/* Calls fn with each item of scope as one JSON object (one line of the
 * records file: the item, its versions, events, screening and media),
 * ordered by time then id. line is borrowed for the call; a non-zero return
 * stops the walk and is returned. */
typedef int (*archive_line_fn)(void *ctx, int64_t item_id, const char *line, size_t len);
int archive_row_items_each(struct store *s, const struct archive_scope *scope, archive_line_fn fn,
                           void *ctx, struct err *err);

/* Calls fn with each distinct media blob (SHA-256 hex, MIME-ish type or
 * NULL) fetched for an item of scope, ordered by hash. */
typedef int (*archive_media_fn)(void *ctx, const char *sha256, const char *type);
int archive_row_media_each(struct store *s, const struct archive_scope *scope, archive_media_fn fn,
                           void *ctx, struct err *err);

/* One preservation event over the scope. Strings borrowed for the call. */
struct archive_event_row {
	const char *kind;   /* "capture", "screening", "edit", "deletion", "hidden", "takedown" */
	int64_t at;         /* Unix seconds */
	int64_t item_id;    /* 0 for an event over many items */
	const char *ref;    /* platform id of the item, or the day / rule set */
	int64_t count;      /* items the event covers (1 for one item) */
	const char *agent;  /* who or what acted, NULL when the platform did */
	const char *detail; /* free text, may be NULL */
};
typedef int (*archive_event_fn)(void *ctx, const struct archive_event_row *e);

/* Calls fn for each event over scope, oldest first: capture grouped per day,
 * screening per rule set, each later version (edit), each deletion or
 * hiding the platform reported, each takedown of a moderation case. */
int archive_row_events_each(struct store *s, const struct archive_scope *scope, archive_event_fn fn,
                            void *ctx, struct err *err);

/* A delivered package. */
struct archive_package_row {
	int64_t id;
	int64_t org_id;
	const char *objid;
	int64_t account_id;
	const char *account_handle; /* filled by reads */
	const char *period_from;    /* YYYY-MM-DD */
	const char *period_to;      /* YYYY-MM-DD (inclusive) */
	const char *path;
	int64_t items, files, bytes;
	const char *mets_sha256;
	const char *created_by;
	int64_t created_at;
};

/* Records package r and marks every item of scope as delivered in it, in one
 * transaction of the caller's. *out_id gets the row id. KV_ECONFLICT when
 * the OBJID is taken. */
int archive_row_insert(struct store *s, const struct archive_package_row *r,
                       const struct archive_scope *scope, int64_t *out_id, struct err *err);

/* The OBJID of the first package that delivered item_id, copied into
 * objid_out. KV_ENOTFOUND when no package holds the item. */
int archive_row_archived_in(struct store *s, int64_t item_id, char objid_out[ARCHIVE_OBJID_MAX],
                            struct err *err);

/* Calls fn for each package of org, oldest first (rows borrowed). */
typedef int (*archive_package_fn)(void *ctx, const struct archive_package_row *r);
int archive_row_each(struct store *s, int64_t org, archive_package_fn fn, void *ctx,
                     struct err *err);

/* Loads the package with objid (strings borrowed until the next call on s
 * through fn: the row is handed to fn). KV_ENOTFOUND when absent. */
int archive_row_find(struct store *s, int64_t org, const char *objid, archive_package_fn fn,
                     void *ctx, struct err *err);

#endif
