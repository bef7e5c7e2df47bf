/* Atomic whole-file writes (temporary file, fsync, rename, directory fsync)
 * and whole-file reads. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Syncs the directory holding path, so the rename survives a power loss. */
static void sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err *err)
{
	char tmp[PATH_MAX + 32];
	const char *p = data;
	size_t done = 0;
	int rc = KV_OK;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
		return err_set(err, KV_EINVAL, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return err_set(err, KV_EIO, "cannot write %s: %s", tmp, strerror(errno));
	while (done < len && !rc) {
		ssize_t w = write(fd, p + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = err_set(err, KV_EIO, "cannot write %s: %s", tmp,
			             w < 0 ? strerror(errno) : "nothing written");
		else
			done += (size_t)w;
	}
	if (!rc && fsync(fd) != 0)
		rc = err_set(err, KV_EIO, "cannot write %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = err_set(err, KV_EIO, "cannot write %s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path) != 0)
		rc = err_set(err, KV_EIO, "cannot write %s: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	else
		sync_dir(path);
	return rc;
}

int file_read_all(const char *path, struct buf *out, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = KV_OK;

	if (!f)
		return err_set(err, errno == ENOENT ? KV_ENOTFOUND : KV_EIO, "cannot open %s: %s",
		               path, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_put(out, chunk, n) != KV_OK)
			rc = err_set(err, KV_EINVAL, "%s: larger than %zu bytes", path, out->max);
	if (!rc && ferror(f))
		rc = err_set(err, KV_EIO, "cannot read %s", path);
	fclose(f);
	return rc;
}
