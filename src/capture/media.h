/* The media of captured items (photos, videos, attachments): the URLs are
 * noted when an item is captured, and fetched later into the blob store,
 * where they are kept by their SHA-256 as part of the record. Media URLs come
 * from what visitors post, so they must not reach into the local network:
 * only https URLs are fetched, and only from public addresses, checked on
 * the address connected to ([media] allow_internal lifts the address check,
 * and lets plain http reach this machine, for tests). */
#ifndef KV_CAPTURE_MEDIA_H
#define KV_CAPTURE_MEDIA_H

#include "base/err.h"
#include "capture/fetch.h"

#include <stdint.h>

struct config;
struct store;

/* Largest medium fetched; larger ones are refused and noted as failed. */
#define MEDIA_MAX_BYTES ((size_t)100 << 20)
/* Attempts before a medium is given up (it stays noted with its error). */
#define MEDIA_MAX_ATTEMPTS 3

struct media_report {
	int64_t fetched; /* media and profile pictures */
	int64_t failed;
	int64_t bytes;
	int64_t pictures; /* of the fetched, the accounts' profile pictures */
};

/* How media are fetched: the HTTP client's settings and where from. */
struct media_conf {
	struct fetch_opts fetch; /* max_bytes and public_only are set by capture_media_fetch */
	int allow_internal;      /* fetch from private/internal addresses too */
};

/* Fills out from section [media] of cfg (NULL = an empty configuration):
 * allow_internal = yes|no (also true/false, on/off, 1/0; default no). Every
 * caller that fetches media reads its settings here, so they all behave
 * alike. KV_EINVAL naming the key for a value that is not one of those;
 * out is then untouched. */
int capture_media_conf_load(struct media_conf *out, const struct config *cfg, struct err *err);

/* Fetches up to limit pending profile pictures (store/profile_rows; first)
 * and media of org into the blob store, under the same rules: https only,
 * public addresses, MEDIA_MAX_BYTES, MEDIA_MAX_ATTEMPTS. A profile picture
 * must be an image (blob_image_type) or it counts as failed. Each
 * outcome is committed on its own, so an interrupted run keeps what it got.
 * Failures of single media (a refused address among them) are counted and
 * noted on the medium with their error, not returned. conf may be NULL (the
 * defaults: public addresses only). */
int capture_media_fetch(struct store *s, int64_t org, int64_t limit, const struct media_conf *conf,
                        struct media_report *out, struct err *err);

#endif
