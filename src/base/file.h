/* Whole files: written so that a reader, or a crash, never sees half of
 * one, and read in one call. */
#ifndef KV_BASE_FILE_H
#define KV_BASE_FILE_H

#include "base/buf.h"
#include "base/err.h"

#include <stddef.h>
#include <sys/types.h>

/* Writes len bytes to path through a temporary file beside it (created with
 * mode), fsync and rename; the directory is synced after. On failure the
 * temporary file is removed, path is untouched and err names the file. */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err *err);

/* Appends the whole of path to out. KV_ENOTFOUND when it does not exist,
 * KV_EIO when it cannot be opened or read, KV_EINVAL when it passes out's
 * limit ("larger than N bytes"); err names the file. out may hold part of
 * the file after an error. */
int file_read_all(const char *path, struct buf *out, struct err *err);

#endif
