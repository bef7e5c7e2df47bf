/* The web UI's built files (web/dist), served by `serve` at /: a path maps
 * to a file under the root with its content type, a path that names no file
 * and no asset gets index.html (the single-page app routes it), and paths
 * under /api/ or with dot segments are never files. Not the API itself and
 * not the security headers (http/server). */
#ifndef KV_HTTP_STATIC_FILES_H
#define KV_HTTP_STATIC_FILES_H

#include "base/err.h"

#include <stddef.h>

struct server_req;
struct static_files;

/* The largest file served (the built bundle is far below it). */
#define STATIC_FILES_MAX ((size_t)16 << 20)

/* Opens the directory root (resolved once, symlinks included). *out owned by
 * the caller (static_files_free). KV_ENOTFOUND when root is not a directory;
 * KV_ECONFLICT when it holds no index.html (the UI is not built). */
int static_files_open(struct static_files **out, const char *root, struct err *err);

/* The resolved root directory. Borrowed. */
const char *static_files_root(const struct static_files *sf);

/* Accepts NULL. */
void static_files_free(struct static_files *sf);

/* Maps a request path (already percent-decoded) to the file to send: out
 * gets its full path, *ctype its Content-Type. A path naming no file gets
 * index.html unless its last segment looks like a file name (has a dot) or
 * it lies under /api/: then KV_ENOTFOUND. KV_EINVAL for a path that is not
 * absolute, has "." or ".." or hidden segments, a backslash or control
 * bytes, or is longer than cap. */
int static_files_resolve(const struct static_files *sf, const char *path, char *out, size_t cap,
                         const char **ctype, struct err *err);

/* The Content-Type for a file name, by its extension
 * ("application/octet-stream" when unknown). */
const char *static_files_type(const char *name);

/* A server_handler (ctx: struct static_files *) for GET and HEAD. */
int static_files_handle(void *ctx, struct server_req *req, struct err *err);

#endif
