/* The blob store: files named by their SHA-256 under <data dir>/blobs.
 * Only files and hashes; what a blob means is up to its caller. */
#include "store/blob.h"

#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 4096

static int valid_sha(const char *sha)
{
	size_t i;

	if (!sha)
		return 0;
	for (i = 0; i < HASH_SHA256_HEX_LEN; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return 0;
	return sha[i] == '\0';
}

int blob_path(const struct store *s, const char *sha, char *out, size_t outsz, struct err *err)
{
	int n;

	if (!valid_sha(sha))
		return err_set(err, KV_EINVAL, "'%s' is not a SHA-256 (64 lower-case hex digits)",
		               sha ? sha : "(null)");
	n = snprintf(out, outsz, "%s/blobs/%.2s/%s", store_dir(s), sha, sha + 2);
	if (n < 0 || (size_t)n >= outsz)
		return err_set(err, KV_EINVAL, "blob path too long under %s", store_dir(s));
	return KV_OK;
}

/* Hashes the file at path into out. KV_ENOTFOUND, KV_EIO. */
static int hash_file(const char *path, char out[HASH_SHA256_HEX_LEN + 1], struct err *err)
{
	struct hash_sha256_ctx ctx;
	unsigned char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(err, errno == ENOENT ? KV_ENOTFOUND : KV_EIO, "%s: %s", path,
		               strerror(errno));
	hash_sha256_begin(&ctx);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
			close(fd);
			return KV_EIO;
		}
		hash_sha256_update(&ctx, chunk, (size_t)n);
	}
	close(fd);
	hash_sha256_end_hex(&ctx, out);
	return KV_OK;
}

static int fsync_dir(const char *dir, struct err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = KV_OK;

	if (fd < 0)
		return err_set(err, KV_EIO, "%s: %s", dir, strerror(errno));
	if (fsync(fd) != 0)
		rc = err_set(err, KV_EIO, "%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int blob_put(struct store *s, const void *data, size_t len, char out[HASH_SHA256_HEX_LEN + 1],
             struct err *err)
{
	char sha[HASH_SHA256_HEX_LEN + 1], have[HASH_SHA256_HEX_LEN + 1];
	char path[PATH_LEN], dir[PATH_LEN], tmp[PATH_LEN];
	struct err quiet = {0};
	int fd = -1, rc;

	hash_sha256_hex(sha, data, len);
	rc = blob_path(s, sha, path, sizeof(path), err);
	if (rc)
		return rc;
	/* Already there and whole: nothing to do (puts are idempotent). */
	if (hash_file(path, have, &quiet) == KV_OK && strcmp(have, sha) == 0) {
		memcpy(out, sha, sizeof(sha));
		return KV_OK;
	}
	snprintf(dir, sizeof(dir), "%s/blobs/%.2s", store_dir(s), sha);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(err, KV_EIO, "%s: %s", dir, strerror(errno));
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir) >= sizeof(tmp))
		return err_set(err, KV_EINVAL, "blob path too long under %s", store_dir(s));
	fd = mkstemp(tmp);
	if (fd < 0)
		return err_set(err, KV_EIO, "%s: %s", tmp, strerror(errno));
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = err_set(err, KV_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc != 0) {
		rc = err_set(err, KV_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		rc = err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	tmp[0] = '\0'; /* renamed: nothing to remove */
	rc = fsync_dir(dir, err);
	if (!rc)
		memcpy(out, sha, sizeof(sha));
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	return rc;
}

int blob_get(struct store *s, const char *sha, struct buf *out, size_t max, struct err *err)
{
	char path[PATH_LEN], chunk[65536];
	size_t start = out->len, limit = max ? max : BLOB_READ_MAX;
	ssize_t n;
	int fd, rc;

	rc = blob_path(s, sha, path, sizeof(path), err);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno == ENOENT ? KV_ENOTFOUND : KV_EIO, "blob %s: %s", sha,
		               strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		if (out->len - start + (size_t)n > limit) {
			rc = err_set(err, KV_EINVAL, "blob %s is larger than %zu bytes", sha,
			             limit);
			break;
		}
		rc = buf_put(out, chunk, (size_t)n);
		if (rc) {
			err_set(err, rc, "blob %s does not fit in the buffer", sha);
			break;
		}
	}
	close(fd);
	if (rc) {
		/* A failed read leaves the buffer as it was. */
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
	}
	return rc;
}

int blob_verify(struct store *s, const char *sha, struct err *err)
{
	char path[PATH_LEN], have[HASH_SHA256_HEX_LEN + 1];
	int rc;

	rc = blob_path(s, sha, path, sizeof(path), err);
	if (rc)
		return rc;
	rc = hash_file(path, have, err);
	if (rc == KV_ENOTFOUND)
		return err_set(err, KV_ENOTFOUND, "blob %s is missing (%s)", sha, path);
	if (rc)
		return rc;
	if (strcmp(have, sha) != 0)
		return err_set(err, KV_ECONFLICT,
		               "blob %s is damaged: its contents hash to %s (%s)", sha, have, path);
	return KV_OK;
}

int blob_remove(struct store *s, const char *sha, int64_t *bytes, struct err *err)
{
	char path[PATH_LEN];
	struct stat sb;
	int rc = blob_path(s, sha, path, sizeof(path), err);

	if (rc)
		return rc;
	if (stat(path, &sb) != 0)
		return errno == ENOENT ? KV_OK
		                       : err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(err, KV_EIO, "%s: cannot remove: %s", path, strerror(errno));
	*bytes += (int64_t)sb.st_size;
	return KV_OK;
}

const char *blob_image_type(const void *data, size_t len)
{
	const unsigned char *d = data;

	if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0))
		return "image/gif";
	if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}
