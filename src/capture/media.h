/* The media of captured items (photos, videos, attachments): the URLs are
 * noted when an item is captured, and fetched later into the blob store,
 * where they are kept by their SHA-256 as part of the record. Only https
 * URLs are fetched (http only to this machine, for tests): media URLs come
 * from what visitors post, so they must not reach into the local network. */
#ifndef KV_CAPTURE_MEDIA_H
#define KV_CAPTURE_MEDIA_H

#include "base/err.h"
#include "capture/fetch.h"

#include <stdint.h>

struct store;

/* Largest medium fetched; larger ones are refused and noted as failed. */
#define MEDIA_MAX_BYTES ((size_t)100 << 20)
/* Attempts before a medium is given up (it stays noted with its error). */
#define MEDIA_MAX_ATTEMPTS 3

struct media_report {
	int64_t fetched;
	int64_t failed;
	int64_t bytes;
};

/* Fetches up to limit pending media of org into the blob store. Each
 * outcome is committed on its own, so an interrupted run keeps what it got.
 * Failures of single media are counted, not returned. o may be NULL. */
int capture_media_fetch(struct store *s, int64_t org, int64_t limit, const struct fetch_opts *o,
                        struct media_report *out, struct err *err);

#endif
