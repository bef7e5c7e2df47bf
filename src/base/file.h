/* Whole files written so that a reader, or a crash, never sees half of one. */
#ifndef KV_BASE_FILE_H
#define KV_BASE_FILE_H

#include "base/err.h"

#include <stddef.h>
#include <sys/types.h>

/* Writes len bytes to path through a temporary file beside it (created with
 * mode), fsync and rename; the directory is synced after. On failure the
 * temporary file is removed, path is untouched and err names the file. */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err *err);

#endif
