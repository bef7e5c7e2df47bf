/* Tests for http/static_files: how a request path maps to a file of the
 * built web UI (the SPA fallback, assets, refused paths, symlinks out of the
 * root) and the content types. Serving over HTTP: tests/e2e/web.sh. */
#include "testlib.h"

#include "http/static_files.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];

/* A small built tree: index.html, an asset, a nested index, a secret beside
 * the root and a symlink pointing at it. */
static struct static_files *fixture(void)
{
	struct static_files *sf = NULL;
	char p[PATH_MAX + 64];
	struct err e;

	snprintf(root, sizeof(root), "%s/dist", test_tmpdir());
	CHECK(mkdir(root, 0755) == 0);
	snprintf(p, sizeof(p), "%s/assets", root);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/docs", root);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/index.html", root);
	test_write_file(p, "<!doctype html>", 15);
	snprintf(p, sizeof(p), "%s/assets/app-1.js", root);
	test_write_file(p, "x", 1);
	snprintf(p, sizeof(p), "%s/docs/index.html", root);
	test_write_file(p, "d", 1);
	snprintf(p, sizeof(p), "%s/secret.txt", test_tmpdir());
	test_write_file(p, "s", 1);
	{
		char link[PATH_MAX + 64];

		snprintf(link, sizeof(link), "%s/leak.txt", root);
		CHECK(symlink(p, link) == 0);
	}
	err_clear(&e);
	CHECK_INT(static_files_open(&sf, root, &e), KV_OK);
	return sf;
}

static int resolve(struct static_files *sf, const char *path, char *out, const char **ctype)
{
	struct err e;

	err_clear(&e);
	return static_files_resolve(sf, path, out, PATH_MAX, ctype, &e);
}

static const char *tail_of(const char *path, const char *name)
{
	size_t n = strlen(path), m = strlen(name);

	return n >= m ? path + n - m : path;
}

static void files_and_types(void)
{
	struct static_files *sf = fixture();
	char out[PATH_MAX];
	const char *ct = NULL;

	CHECK_INT(resolve(sf, "/assets/app-1.js", out, &ct), KV_OK);
	CHECK_STR(tail_of(out, "/dist/assets/app-1.js"), "/dist/assets/app-1.js");
	CHECK_STR(ct, "text/javascript; charset=utf-8");
	CHECK_INT(resolve(sf, "/", out, &ct), KV_OK);
	CHECK_STR(tail_of(out, "/dist/index.html"), "/dist/index.html");
	CHECK_STR(ct, "text/html; charset=utf-8");
	CHECK_INT(resolve(sf, "/docs/", out, &ct), KV_OK);
	CHECK_STR(tail_of(out, "/dist/docs/index.html"), "/dist/docs/index.html");
	CHECK_STR(static_files_type("a/b/style.CSS"), "text/css; charset=utf-8");
	CHECK_STR(static_files_type("icon.svg"), "image/svg+xml");
	CHECK_STR(static_files_type("x.woff2"), "font/woff2");
	CHECK_STR(static_files_type("dir.d/README"), "application/octet-stream");
	static_files_free(sf);
}

static void screens_fall_back_to_index(void)
{
	struct static_files *sf = fixture();
	char out[PATH_MAX];
	const char *ct = NULL;

	CHECK_INT(resolve(sf, "/inkorg", out, &ct), KV_OK);
	CHECK_STR(tail_of(out, "/dist/index.html"), "/dist/index.html");
	CHECK_INT(resolve(sf, "/arenden/12", out, &ct), KV_OK);
	CHECK_STR(tail_of(out, "/dist/index.html"), "/dist/index.html");
	CHECK_INT(resolve(sf, "/sök", out, &ct), KV_OK);
	CHECK_STR(ct, "text/html; charset=utf-8");
	static_files_free(sf);
}

static void missing_assets_and_api_are_not_found(void)
{
	struct static_files *sf = fixture();
	char out[PATH_MAX];
	const char *ct = NULL;

	CHECK_INT(resolve(sf, "/assets/gone-2.js", out, &ct), KV_ENOTFOUND);
	CHECK_INT(resolve(sf, "/robots.txt", out, &ct), KV_ENOTFOUND);
	CHECK_INT(resolve(sf, "/api/v1/nothing", out, &ct), KV_ENOTFOUND);
	CHECK_INT(resolve(sf, "/api", out, &ct), KV_ENOTFOUND);
	/* A screen whose name merely starts like the API is a screen. */
	CHECK_INT(resolve(sf, "/apis", out, &ct), KV_OK);
	static_files_free(sf);
}

static void bad_paths_refused(void)
{
	struct static_files *sf = fixture();
	char out[PATH_MAX];
	const char *ct = NULL;
	static const char *const bad[] = {
	        "/../secret.txt",
	        "/assets/../../secret.txt",
	        "/./index.html",
	        "/.git/config",
	        "/assets//app-1.js",
	        "/a\\b",
	        "/a\x01",
	        "relative",
	        "",
	        "/assets/.hidden.js",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(resolve(sf, bad[i], out, &ct), KV_EINVAL);
	static_files_free(sf);
}

static void symlink_out_of_root_not_served(void)
{
	struct static_files *sf = fixture();
	char out[PATH_MAX];
	const char *ct = NULL;

	/* leak.txt exists but points outside: treated as no file, and as it
	 * looks like a file name it is not found (never the secret). */
	CHECK_INT(resolve(sf, "/leak.txt", out, &ct), KV_ENOTFOUND);
	static_files_free(sf);
}

static void open_needs_a_built_tree(void)
{
	struct static_files *sf = NULL;
	char p[PATH_MAX];
	struct err e;

	err_clear(&e);
	snprintf(p, sizeof(p), "%s/nowhere", test_tmpdir());
	CHECK_INT(static_files_open(&sf, p, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "does not exist");
	CHECK(sf == NULL);
	CHECK_INT(static_files_open(&sf, test_tmpdir(), &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "no index.html");
	CHECK(sf == NULL);
	static_files_free(NULL);
}

TEST_MAIN(T(files_and_types), T(screens_fall_back_to_index),
          T(missing_assets_and_api_are_not_found), T(bad_paths_refused),
          T(symlink_out_of_root_not_served), T(open_needs_a_built_tree))
