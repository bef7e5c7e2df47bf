/* Persistence of the media of captured items: each media URL an item
 * carried, and once fetched, the SHA-256 of its bytes in the blob store. */
#ifndef KV_STORE_MEDIA_ROWS_H
#define KV_STORE_MEDIA_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Notes a media URL of an item (nothing when already noted). */
int media_row_add(struct store *s, int64_t item_id, const char *url, const char *type,
                  struct err *err);

struct media_row {
	int64_t id;
	int64_t item_id;
	const char *url;
	const char *type;
	const char *sha256; /* NULL until fetched */
	int64_t bytes;
	int64_t fetched_at;
	int64_t attempts;
	const char *error;
};

typedef int (*media_fn)(void *ctx, const struct media_row *m);

/* Up to limit media of org not fetched yet and tried fewer than max_attempts
 * times, oldest first. */
int media_row_pending(struct store *s, int64_t org, int64_t max_attempts, int64_t limit,
                      media_fn fn, void *ctx, struct err *err);

/* The media of one item (item_id > 0) or of org (item_id 0). */
int media_row_each(struct store *s, int64_t org, int64_t item_id, media_fn fn, void *ctx,
                   struct err *err);

/* Records a fetched medium, or a failed attempt with its error. */
int media_row_fetched(struct store *s, int64_t id, const char *sha256, int64_t bytes, int64_t now,
                      struct err *err);
int media_row_failed(struct store *s, int64_t id, const char *error, int64_t now, struct err *err);

#endif
