/* Headless Chromium as a child process: a fresh profile in a temporary
 * directory, no background networking (this machine's network is closed to
 * anything but the page), a hard timeout, and the PNG read back. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "records/records_screenshot.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PNG_MAX (32u << 20)

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static int read_png(const char *path, unsigned char **out, size_t *len, struct err *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long n = 0;
	int rc = KV_OK;

	if (!f)
		return err_set(err, KV_EIO, "screenshot: the browser wrote no picture");
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 8 || (unsigned long)n > PNG_MAX ||
	    fseek(f, 0, SEEK_SET) != 0)
		rc = err_set(err, KV_EIO, "screenshot: the picture is empty or too large");
	if (!rc && !(b = malloc((size_t)n)))
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc && fread(b, 1, (size_t)n, f) != (size_t)n)
		rc = err_set(err, KV_EIO, "screenshot: cannot read the picture");
	if (!rc && memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0)
		rc = err_set(err, KV_EIO, "screenshot: the browser wrote no PNG");
	fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	*out = b;
	*len = (size_t)n;
	return KV_OK;
}

/* Waits for pid up to the timeout, then kills it. 0 when it exited 0. */
static int wait_for(pid_t pid)
{
	struct timespec pause = {0, 100 * 1000 * 1000};
	int status = 0;

	for (int i = 0; i < RECORDS_SCREENSHOT_TIMEOUT * 10; i++) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		nanosleep(&pause, NULL);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -2;
}

/* Whether the page answers at all, before a browser is started: a browser
 * shoots its own error page for an address that cannot be reached. */
static int reachable(const char *url, struct err *err)
{
	CURL *c = curl_easy_init();
	CURLcode cc;
	long status = 0;

	if (!c)
		return err_set(err, KV_ENOMEM, "out of memory");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK)
		return err_set(err, KV_EIO, "screenshot: %s cannot be reached: %s", url,
		               curl_easy_strerror(cc));
	if (status >= 400)
		return err_set(err, KV_EIO, "screenshot: %s answers %ld", url, status);
	return KV_OK;
}

int records_screenshot_take(const char *chromium, const char *url, unsigned char **png, size_t *len,
                            struct err *err)
{
	char dir[] = "/tmp/kv-shot-XXXXXX", profile[64], shot[64], shot_arg[80], prof_arg[96];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid = 0;
	int rc = KV_OK, w;

	if (!chromium)
		chromium = RECORDS_SCREENSHOT_CHROMIUM;
	if (!url || (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0))
		return err_set(err, KV_EINVAL, "screenshot: '%s' is not an http(s) address",
		               url ? url : "");
	if (access(chromium, X_OK) != 0)
		return err_set(err, KV_ENOTFOUND,
		               "screenshot: %s is not installed (Debian package chromium)",
		               chromium);
	rc = reachable(url, err);
	if (rc)
		return rc;
	if (!mkdtemp(dir))
		return err_set(err, KV_EIO, "screenshot: cannot make a temporary folder: %s",
		               strerror(errno));
	snprintf(profile, sizeof(profile), "%s/profile", dir);
	snprintf(shot, sizeof(shot), "%s/shot.png", dir);
	snprintf(shot_arg, sizeof(shot_arg), "--screenshot=%s", shot);
	snprintf(prof_arg, sizeof(prof_arg), "--user-data-dir=%s", profile);
	{
		char *argv[] = {(char *)chromium,
		                "--headless",
		                "--no-sandbox",
		                "--disable-gpu",
		                "--disable-quic",
		                "--no-first-run",
		                "--disable-background-networking",
		                "--disable-component-update",
		                "--disable-sync",
		                "--hide-scrollbars",
		                "--window-size=1280,1600",
		                prof_arg,
		                shot_arg,
		                (char *)url,
		                NULL};

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		posix_spawnattr_init(&attr);
		/* Its own process group, so a timeout ends its helpers too. */
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&attr, 0);
		if (posix_spawn(&pid, chromium, &fa, &attr, argv, environ) != 0)
			rc = err_set(err, KV_EIO, "screenshot: cannot start %s", chromium);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	if (!rc) {
		w = wait_for(pid);
		if (w == -2)
			rc = err_set(err, KV_EIO, "screenshot: %s did not answer within %d s", url,
			             RECORDS_SCREENSHOT_TIMEOUT);
		else
			rc = read_png(shot, png, len, err);
		if (rc && w == -1)
			err_prefix(err, "%s: ", url);
	}
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
