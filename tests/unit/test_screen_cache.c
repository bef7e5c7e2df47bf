/* Tests for the cache of compiled screening rules: a second load uses the
 * cache and screens the same; a damaged cache file is compiled again; a
 * changed rule is never served from an old cache entry; the cache is pruned
 * to its newest entries. */
#include "testlib.h"

#include "screen/screen.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char rules[] = "ins.idiot defamation_insult 0.9 idiot*\n"
                            "thr.doda threat 0.9 döda dig\n";

static void write_rules(const char *dir, const char *extra)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/test.rules", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs(rules, f);
	if (extra)
		fputs(extra, f);
	fclose(f);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static int flags_for(const char *rules_dir, const char *text)
{
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	const struct screen_result *r = NULL;
	struct err e = {0};
	int n;

	if (screen_new(&s, rules_dir, &e) || screen_scratch_new(&sc, s, &e))
		test_fail(__FILE__, __LINE__, "load: %s", e.msg);
	CHECK_INT(screen_text(&r, sc, text, strlen(text), &e), KV_OK);
	n = (int)r->nflags;
	screen_scratch_free(sc);
	screen_free(s);
	return n;
}

static void second_load_uses_the_cache(void)
{
	char rdir[4200], cdir[4200];

	snprintf(rdir, sizeof(rdir), "%s/rules", test_tmpdir());
	snprintf(cdir, sizeof(cdir), "%s/cache", test_tmpdir());
	CHECK(mkdir(rdir, 0700) == 0);
	setenv("KANALVAKT_CACHE", cdir, 1);
	write_rules(rdir, NULL);
	CHECK_INT(flags_for(rdir, "din idiot"), 1);
	CHECK(count_files(cdir) >= 1);
	CHECK_INT(flags_for(rdir, "din idiot"), 1);
	CHECK_INT(flags_for(rdir, "hej kommunen"), 0);
}

static void damaged_cache_is_compiled_again(void)
{
	char rdir[4200], cdir[4200], path[8500];
	DIR *d;
	struct dirent *e;

	snprintf(rdir, sizeof(rdir), "%s/rules", test_tmpdir());
	snprintf(cdir, sizeof(cdir), "%s/cache", test_tmpdir());
	CHECK(mkdir(rdir, 0700) == 0);
	setenv("KANALVAKT_CACHE", cdir, 1);
	write_rules(rdir, NULL);
	CHECK_INT(flags_for(rdir, "din idiot"), 1);
	d = opendir(cdir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", cdir, e->d_name);
		test_write_file(path, "not a database", 14);
	}
	closedir(d);
	CHECK_INT(flags_for(rdir, "din idiot"), 1);
	CHECK_INT(flags_for(rdir, "jag ska döda dig"), 1);
}

static void changed_rules_are_not_served_from_cache(void)
{
	char rdir[4200], cdir[4200];

	snprintf(rdir, sizeof(rdir), "%s/rules", test_tmpdir());
	snprintf(cdir, sizeof(cdir), "%s/cache", test_tmpdir());
	CHECK(mkdir(rdir, 0700) == 0);
	setenv("KANALVAKT_CACHE", cdir, 1);
	write_rules(rdir, NULL);
	CHECK_INT(flags_for(rdir, "en pajas"), 0);
	write_rules(rdir, "ins.pajas defamation_insult 0.9 pajas\n");
	CHECK_INT(flags_for(rdir, "en pajas"), 1);
}

/* Files named screen-*.hsdb in dir (and, when names is given, their names
 * in it, up to 64). */
static int count_dbs(const char *dir, char names[][256])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 11 && strncmp(e->d_name, "screen-", 7) == 0 &&
		    strcmp(e->d_name + len - 5, ".hsdb") == 0) {
			if (names && n < 64)
				snprintf(names[n], 256, "%s", e->d_name);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void set_age(const char *dir, const char *name, long seconds)
{
	char path[4500];
	struct timespec t[2];

	CHECK(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= seconds;
	t[1] = t[0];
	CHECK(utimensat(AT_FDCWD, path, t, 0) == 0);
}

static int exists_in(const char *dir, const char *name)
{
	char path[4500];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0;
}

/* The cache keeps its newest databases, by last use, and clears a dead
 * writer's temporary files; other files are left alone. */
static void cache_is_pruned_to_its_newest(void)
{
	char rdir[4200], cdir[4200], path[4500], first[64][256], name[64];
	int n_first;

	snprintf(rdir, sizeof(rdir), "%s/rules", test_tmpdir());
	snprintf(cdir, sizeof(cdir), "%s/cache", test_tmpdir());
	CHECK(mkdir(rdir, 0700) == 0);
	setenv("KANALVAKT_CACHE", cdir, 1);
	write_rules(rdir, NULL);
	CHECK_INT(flags_for(rdir, "din idiot"), 1);
	n_first = count_dbs(cdir, first);
	CHECK(n_first >= 1 && n_first <= 8);
	/* The first rule set was compiled a year ago and is used again now. */
	for (int i = 0; i < n_first; i++)
		set_age(cdir, first[i], 365L * 86400);
	CHECK_INT(flags_for(rdir, "din idiot"), 1);
	/* Forty databases of rule sets long gone, written a minute ago. */
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "screen-old%02d.hsdb", i);
		snprintf(path, sizeof(path), "%s/%s", cdir, name);
		test_write_file(path, "old", 3);
		set_age(cdir, name, 60 + i);
	}
	snprintf(path, sizeof(path), "%s/screen-x.hsdb.123.tmp", cdir);
	test_write_file(path, "dead writer", 11);
	set_age(cdir, "screen-x.hsdb.123.tmp", 7200);
	snprintf(path, sizeof(path), "%s/screen-y.hsdb.124.tmp", cdir);
	test_write_file(path, "writing now", 11);
	snprintf(path, sizeof(path), "%s/README", cdir);
	test_write_file(path, "mine", 4);
	/* A changed rule set is compiled and stored: the cache is pruned. */
	write_rules(rdir, "ins.pajas defamation_insult 0.9 pajas\n");
	CHECK_INT(flags_for(rdir, "en pajas"), 1);
	CHECK_INT(count_dbs(cdir, NULL), 24);
	for (int i = 0; i < n_first; i++)
		CHECK(exists_in(cdir, first[i]));
	CHECK(exists_in(cdir, "screen-old00.hsdb"));
	CHECK(!exists_in(cdir, "screen-old39.hsdb"));
	CHECK(!exists_in(cdir, "screen-x.hsdb.123.tmp"));
	CHECK(exists_in(cdir, "screen-y.hsdb.124.tmp"));
	CHECK(exists_in(cdir, "README"));
}

TEST_MAIN(T(second_load_uses_the_cache), T(damaged_cache_is_compiled_again),
          T(changed_rules_are_not_served_from_cache), T(cache_is_pruned_to_its_newest))
