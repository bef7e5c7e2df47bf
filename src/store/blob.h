/* The content-addressed blob store beside the database: each blob is a file
 * named by the SHA-256 of its bytes, <data dir>/blobs/ab/cdef... (the first
 * two hex digits make the folder). Writing is atomic and idempotent; a blob
 * is never changed here, and deleted only by blob_remove (culling, once
 * nothing refers to it). Large files (evidence, media, exports)
 * live here; the database only records their hashes. */
#ifndef KV_STORE_BLOB_H
#define KV_STORE_BLOB_H

#include "base/buf.h"
#include "base/err.h"
#include "base/hash.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* Largest blob blob_get reads unless told otherwise. */
#define BLOB_READ_MAX ((size_t)256 << 20)

/* Stores len bytes and writes their lower-case hex SHA-256 into out. The
 * bytes go to a temporary file in the blob's folder, are fsync'ed and renamed
 * into place, and the folder is fsync'ed, so a crash leaves either the whole
 * blob or none. A blob already present with the right contents is left
 * alone; one present with other contents (damaged) is replaced. KV_EIO
 * naming the path on a file-system failure. */
int blob_put(struct store *s, const void *data, size_t len, char out[HASH_SHA256_HEX_LEN + 1],
             struct err *err);

/* Writes the path of blob sha into out (outsz bytes). KV_EINVAL when sha is
 * not 64 lower-case hex digits or the path does not fit. The file may not
 * exist. */
int blob_path(const struct store *s, const char *sha, char *out, size_t outsz, struct err *err);

/* Reads blob sha into out (appended; out's own limit applies too, and max
 * when not 0). KV_EINVAL for a malformed hash or a blob larger than the
 * limit, KV_ENOTFOUND when there is no such blob, KV_EIO when it cannot be
 * read. The contents are not checked against the hash (blob_verify does). */
int blob_get(struct store *s, const char *sha, struct buf *out, size_t max, struct err *err);

/* Re-hashes blob sha from disk. KV_OK when it hashes to sha; KV_ECONFLICT
 * when it does not (the message gives both hashes), KV_ENOTFOUND when the
 * blob is missing, KV_EINVAL for a malformed hash, KV_EIO when unreadable. */
int blob_verify(struct store *s, const char *sha, struct err *err);

/* Deletes blob sha (culling: the caller has checked that nothing refers to
 * it) and adds its size to *bytes. A blob already gone is not an error (a
 * cull cut short is finished this way). KV_EINVAL for a malformed hash,
 * KV_EIO when it cannot be removed. */
int blob_remove(struct store *s, const char *sha, int64_t *bytes, struct err *err);

/* The image type data begins with, by its magic bytes: "image/png",
 * "image/jpeg", "image/gif" or "image/webp"; NULL for anything else. A
 * static string. */
const char *blob_image_type(const void *data, size_t len);

#endif
