/* The account's profile picture as the register knows it: setting it by
 * hand from a PNG or JPEG file (into the blob store, audited), and the
 * pictures known for an account, newest first (captured ones are noted by
 * capture/import and fetched by capture/media). Not the fetching, not the
 * snapshot that shows it (records/records_snapshot). */
#ifndef KV_REGISTRY_ACCOUNT_PICTURE_H
#define KV_REGISTRY_ACCOUNT_PICTURE_H

#include "base/err.h"

#include <jansson.h>
#include <stddef.h>

struct op_ctx;

/* Largest picture set by hand (bytes). */
#define ACCOUNT_PICTURE_MAX ((size_t)20 << 20)

/* Stores data (len bytes, read from the file called name, used in every
 * message) as account ref's ("ID|HANDLE|platform/handle") current profile
 * picture: it must be a PNG or JPEG (by its magic bytes) whose header can
 * be read, at most ACCOUNT_PICTURE_MAX bytes. Needs PERM_REGISTER_WRITE on
 * the account. Audited as account.picture. *out (new reference) is the
 * account's pictures as account_picture_list gives them. Errors:
 * KV_EINVAL (naming the file and why: empty, too large, not PNG or JPEG,
 * an unreadable header), KV_ENOTFOUND (no such account), KV_EDENIED,
 * KV_EIO; nothing is changed then. */
int account_picture_set(const struct op_ctx *op, const char *ref, const void *data, size_t len,
                        const char *name, json_t **out, struct err *err);

/* The pictures of account ref (PERM_REGISTER_READ): {"account",
 * "account_id", "current": the newest fetched one or null, "pictures":
 * every one newest first, each with source, noted_at, noted_by, sha256,
 * bytes, content_type, fetched_at, attempts, error}. *out a new
 * reference. KV_ENOTFOUND, KV_EDENIED. */
int account_picture_list(const struct op_ctx *op, const char *ref, json_t **out, struct err *err);

#endif
