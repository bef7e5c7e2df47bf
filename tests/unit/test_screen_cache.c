/* Tests for the cache of compiled screening rules: a second load uses the
 * cache and screens the same; a damaged cache file is compiled again; a
 * changed rule is never served from an old cache entry. */
#include "testlib.h"

#include "screen/screen.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

TEST_MAIN(T(second_load_uses_the_cache), T(damaged_cache_is_compiled_again),
          T(changed_rules_are_not_served_from_cache))
