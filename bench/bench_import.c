/* What the user waits for: the wall-clock time of the whole `kanalvakt
 * import` command (start-up, parse, screening, store, search index, workflow
 * sync, commit) on a generated source, as JSON Lines and as one Graph API
 * response, with and without screening. The command is run as its own
 * process, as a communicator runs it; its CPU time (user + system, all
 * threads) and peak memory are printed beside the wall time. Prints figures;
 * asserts nothing.
 * KV_BENCH_ITEMS sets the corpus size (default 1,000,000);
 * KV_BENCH_KANALVAKT the program (default: kanalvakt beside this one). */
#include "corpus.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_ID "104857392011234"

struct run_figures {
	double wall, cpu, rss_mb;
	int status;
};

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs argv with its output thrown away; fills in the figures. */
static int run(char *const argv[], struct run_figures *out)
{
	struct rusage ru;
	double t0 = wall_s();
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return -1;
	out->wall = wall_s() - t0;
	out->cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	           ru.ru_stime.tv_usec / 1e6;
	out->rss_mb = ru.ru_maxrss / 1024.0;
	out->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return out->status == 0 ? 0 : -1;
}

/* A new data directory with the bench organisation and its Page. */
static int make_data(const char *k, const char *data)
{
	char *init[] = {(char *)k, "--data-dir",     (char *)data, "init",
	                "--org",   "Benchby kommun", NULL};
	char *unit[] = {(char *)k, "--data-dir", (char *)data,    "unit",
	                "add",     "--name",     "Kommunikation", NULL};
	char *acct[] = {(char *)k,    "--data-dir", (char *)data,    "account", "add",
	                "--platform", "facebook",   "--handle",      "benchby", "--platform-id",
	                PAGE_ID,      "--unit",     "Kommunikation", NULL};
	struct run_figures f;

	return run(init, &f) || run(unit, &f) || run(acct, &f) ? -1 : 0;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int import_once(const char *k, const char *dir, const char *what, const char *file,
                       int screen, long n_items)
{
	char data[PATH_MAX], cmd[PATH_MAX + 16];
	char *argv[] = {(char *)k,
	                "--data-dir",
	                data,
	                "import",
	                "--account",
	                "benchby",
	                screen ? (char *)file : "--no-screen",
	                screen ? NULL : (char *)file,
	                NULL};
	struct run_figures f = {0};
	int rc;

	snprintf(data, sizeof(data), "%s/var", dir);
	if (make_data(k, data)) {
		fprintf(stderr, "bench_import: cannot set up %s\n", data);
		return -1;
	}
	sync(); /* the set-up's own writes are not the import's */
	rc = run(argv, &f);
	if (rc)
		printf("import %-10s %-16s FAILED (exit %d)\n", what,
		       screen ? "with screening" : "without screening", f.status);
	else
		printf("import %-10s %-17s %7.2f s wall: %7.0f items/s  (CPU %6.2f s, %.0f%% of "
		       "wall; peak %5.0f MB)\n",
		       what, screen ? "with screening" : "no screening", f.wall, n_items / f.wall,
		       f.cpu, 100 * f.cpu / f.wall, f.rss_mb);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data);
	if (system(cmd) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	const char *env = getenv("KV_BENCH_ITEMS");
	const char *kenv = getenv("KV_BENCH_KANALVAKT");
	long n_items = env ? strtol(env, NULL, 10) : 1000000;
	char dir[] = "/tmp/kvbench_import.XXXXXX", jsonl[512], graph[512], k[PATH_MAX], cmd[600];
	int rc = 0;

	if (kenv)
		snprintf(k, sizeof(k), "%s", kenv);
	else {
		ssize_t n = readlink("/proc/self/exe", k, sizeof(k) - 16);
		char *slash;

		if (n <= 0)
			return 1;
		k[n] = '\0';
		slash = strrchr(k, '/');
		memcpy(slash ? slash + 1 : k, "kanalvakt", sizeof("kanalvakt"));
	}
	if (argc > 1 || n_items <= 0 || access(k, X_OK) != 0 || !mkdtemp(dir)) {
		fprintf(stderr, "bench_import: no %s, or KV_BENCH_ITEMS is not a count\n", k);
		return 1;
	}
	snprintf(jsonl, sizeof(jsonl), "%s/corpus.jsonl", dir);
	snprintf(graph, sizeof(graph), "%s/feed.json", dir);
	if (write_corpus(jsonl, n_items) < 0 || (rng = 0x9e3779b97f4a7c15ULL, 0) ||
	    write_graph(graph, PAGE_ID, n_items) < 0) {
		fprintf(stderr, "bench_import: cannot write the corpus in %s\n", dir);
		return 1;
	}
	printf("import corpus: %ld items, %.1f MB of JSON Lines, %.1f MB of Graph JSON; %s\n",
	       n_items, file_size(jsonl) / 1e6, file_size(graph) / 1e6, k);
	fflush(stdout);
	rc |= import_once(k, dir, "JSON Lines", jsonl, 1, n_items);
	rc |= import_once(k, dir, "JSON Lines", jsonl, 0, n_items);
	rc |= import_once(k, dir, "Graph JSON", graph, 1, n_items);
	rc |= import_once(k, dir, "Graph JSON", graph, 0, n_items);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = -1;
	return rc ? 1 : 0;
}
