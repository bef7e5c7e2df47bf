/* Serving the web UI's built files. Every path is checked before it touches
 * the file system, and the file found is checked again to lie under the root
 * after symlinks are resolved, so nothing outside web/dist can be read. */
#include "http/static_files.h"

#include "http/server.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct static_files {
	char *root; /* resolved, without a trailing slash */
	size_t root_len;
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
};

const char *static_files_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *slash = strrchr(name, '/');

	if (dot && (!slash || dot > slash)) {
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot, types[i].ext) == 0)
				return types[i].type;
	}
	return "application/octet-stream";
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int static_files_open(struct static_files **out, const char *root, struct err *err)
{
	struct static_files *sf;
	char real[PATH_MAX], index[PATH_MAX + 16];

	if (!root || !*root || !realpath(root, real) || !is_dir(real))
		return err_set(err, KV_ENOTFOUND, "web UI directory '%s' does not exist",
		               root ? root : "");
	snprintf(index, sizeof(index), "%s/index.html", real);
	if (!is_file(index))
		return err_set(err, KV_ECONFLICT,
		               "web UI directory '%s' has no index.html (is the UI built?)", real);
	sf = calloc(1, sizeof(*sf));
	if (!sf || !(sf->root = strdup(real))) {
		free(sf);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	sf->root_len = strlen(sf->root);
	while (sf->root_len > 1 && sf->root[sf->root_len - 1] == '/')
		sf->root[--sf->root_len] = '\0';
	*out = sf;
	return KV_OK;
}

const char *static_files_root(const struct static_files *sf)
{
	return sf->root;
}

void static_files_free(struct static_files *sf)
{
	if (!sf)
		return;
	free(sf->root);
	free(sf);
}

/* Checks each segment of an absolute path: no empty, ".", ".." or hidden
 * segment (".git", ".env"), no backslash, no control bytes. */
static int path_ok(const char *path)
{
	const char *p = path;

	if (*p != '/')
		return 0;
	while (*p) {
		const char *seg = ++p;

		while (*p && *p != '/') {
			if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
				return 0;
			p++;
		}
		if (p > seg && seg[0] == '.')
			return 0;
		if (p == seg && *p == '/')
			return 0; /* "//" */
	}
	return 1;
}

static int under_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

/* The last segment has a dot: it names a file (an asset), never a screen. */
static int looks_like_file(const char *path)
{
	const char *last = strrchr(path, '/');

	return last && strchr(last, '.') != NULL;
}

int static_files_resolve(const struct static_files *sf, const char *path, char *out, size_t cap,
                         const char **ctype, struct err *err)
{
	char cand[PATH_MAX], real[PATH_MAX];
	int n;

	if (!path || !path_ok(path))
		return err_set(err, KV_EINVAL, "path '%.100s' is not allowed", path ? path : "");
	if (under_api(path))
		return err_set(err, KV_ENOTFOUND, "no such resource");
	n = snprintf(cand, sizeof(cand), "%s%s", sf->root, path);
	if (n < 0 || (size_t)n >= sizeof(cand))
		return err_set(err, KV_EINVAL, "path is too long");
	if (path[strlen(path) - 1] == '/' && (size_t)n + 10 < sizeof(cand))
		snprintf(cand + n, sizeof(cand) - (size_t)n, "index.html");
	if (is_file(cand) && realpath(cand, real) && strncmp(real, sf->root, sf->root_len) == 0 &&
	    real[sf->root_len] == '/') {
		if (strlen(real) >= cap)
			return err_set(err, KV_EINVAL, "path is too long");
		snprintf(out, cap, "%s", real);
		*ctype = static_files_type(real);
		return KV_OK;
	}
	if (looks_like_file(path))
		return err_set(err, KV_ENOTFOUND, "no such file");
	n = snprintf(out, cap, "%s/index.html", sf->root);
	if (n < 0 || (size_t)n >= cap)
		return err_set(err, KV_EINVAL, "path is too long");
	*ctype = static_files_type(out);
	return KV_OK;
}

static int read_file(const char *path, char **out, size_t *len, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size;
	int rc = KV_OK;

	if (!f)
		return err_set(err, errno == ENOENT ? KV_ENOTFOUND : KV_EIO, "cannot open %s: %s",
		               path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		rc = err_set(err, KV_EIO, "cannot read %s", path);
		goto out;
	}
	if ((size_t)size > STATIC_FILES_MAX) {
		rc = err_set(err, KV_EIO, "%s is larger than %zu bytes", path, STATIC_FILES_MAX);
		goto out;
	}
	data = malloc((size_t)size + 1);
	if (!data) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	if (size && fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		data = NULL;
		rc = err_set(err, KV_EIO, "cannot read %s", path);
		goto out;
	}
	*out = data;
	*len = (size_t)size;
out:
	fclose(f);
	return rc;
}

int static_files_handle(void *ctx, struct server_req *req, struct err *err)
{
	const struct static_files *sf = ctx;
	char file[PATH_MAX];
	const char *ctype = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (!sf)
		return server_reply_error(req, 404, "not_found",
		                          "the web UI is not installed on this server");
	rc = static_files_resolve(sf, server_req_path(req), file, sizeof(file), &ctype, err);
	if (rc == KV_EINVAL) {
		/* Said as "not found": a probe learns nothing about the tree. */
		err_clear(err);
		return server_reply_error(req, 404, "not_found", "no such resource");
	}
	if (rc)
		return rc;
	rc = read_file(file, &data, &len, err);
	if (rc)
		return rc;
	rc = server_reply(req, 200, ctype, data, len);
	free(data);
	/* Vite names every file under /assets/ by a hash of its content, so a
	 * browser may keep it; the page itself is always asked for again. */
	if (!rc && strncmp(server_req_path(req), "/assets/", 8) == 0)
		rc = server_reply_header(req, "Cache-Control",
		                         "public, max-age=31536000, immutable");
	return rc;
}
