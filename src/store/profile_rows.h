/* Persistence of the accounts' profile pictures: one row per picture an
 * account showed (a new source URL seen on capture, or a file set by hand),
 * kept as history, and once fetched the SHA-256 of its bytes in the blob
 * store. Not the fetching (capture/media) nor the checks on a file set by
 * hand (registry/account_picture). */
#ifndef KV_STORE_PROFILE_ROWS_H
#define KV_STORE_PROFILE_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* The source of a picture set by hand from a file. */
#define PROFILE_SOURCE_FILE "file"

struct profile_row {
	int64_t id;
	int64_t account_id;
	const char *url; /* the source URL, or PROFILE_SOURCE_FILE */
	int64_t noted_at;
	const char *noted_by;
	const char *sha256; /* NULL until fetched */
	int64_t bytes;
	const char *content_type; /* "image/png", "image/jpeg", ...; NULL until fetched */
	int64_t fetched_at;
	int64_t attempts;
	const char *error;
};

/* Strings in the row are borrowed for the call only. Return 0 to go on, a
 * positive value to stop (handed back), a negative KV_E* to fail. */
typedef int (*profile_fn)(void *ctx, const struct profile_row *p);

/* Notes url as account's picture unless the newest row of the account has
 * that URL already (the same picture): 1 with the new row's id in *out_id
 * (may be NULL), 0 when no row was added, a negative KV_E* on failure. A
 * URL that differs only in its query or fragment is the same picture
 * (CDNs sign picture URLs with an expiry there); a newest row not fetched
 * yet takes it as its URL. */
int profile_row_note(struct store *s, int64_t account_id, const char *url, const char *noted_by,
                     int64_t now, int64_t *out_id, struct err *err);

/* Adds a picture already in the blob store (set by hand: url is
 * PROFILE_SOURCE_FILE) as the account's newest; its id in *out_id (may be
 * NULL). */
int profile_row_add_stored(struct store *s, int64_t account_id, const char *url,
                           const char *noted_by, int64_t now, const char *sha256, int64_t bytes,
                           const char *content_type, int64_t *out_id, struct err *err);

/* Up to limit pictures of org's accounts not fetched yet and tried fewer
 * than max_attempts times, oldest first. */
int profile_row_pending(struct store *s, int64_t org, int64_t max_attempts, int64_t limit,
                        profile_fn fn, void *ctx, struct err *err);

/* Records a fetched picture, or a failed attempt with its error. */
int profile_row_fetched(struct store *s, int64_t id, const char *sha256, int64_t bytes,
                        const char *content_type, int64_t now, struct err *err);
int profile_row_failed(struct store *s, int64_t id, const char *error, int64_t now,
                       struct err *err);

/* Every picture of the account, newest first. */
int profile_row_each(struct store *s, int64_t account_id, profile_fn fn, void *ctx,
                     struct err *err);

/* The newest fetched picture of the account noted before until (until 0:
 * any), handed to fn once; fn is not called when there is none. Returns
 * 0 or a negative KV_E* (fn's own positive value is 0 here). */
int profile_row_latest(struct store *s, int64_t account_id, int64_t until, profile_fn fn, void *ctx,
                       struct err *err);

#endif
