/* API benchmark: a store of KV_BENCH_ITEMS captured items (default
 * 1,000,000) with a kommun-sized inbox (500 open questions, 5,000 closed),
 * `serve`'s API in this process on loopback, and wrk (Debian) against
 * GET /api/v1/inbox?limit=50 as a logged-in user; then nginx (nginx-light,
 * its own config in a temp dir) serving the same bytes as a static file,
 * measured the same way in the same run. Prints requests/s and p99 for
 * both and their ratio; asserts nothing. Skips (exit 0) when wrk or nginx
 * is missing. */
#include "base/hash.h"
#include "base/time.h"
#include "capture/import.h"
#include "http/api.h"
#include "http/server.h"
#include "registry/registry.h"
#include "registry/users.h"
#include "store/questions.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PW "bench-password-1"

/* A free loopback port for nginx (bound once by us, then let go). */
static unsigned free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Posts with threads of comments, JSON Lines as the Facebook export parser
 * reads them; created in the year before 2026-12-01. */
static int write_corpus(const char *path, long n)
{
	static const char *const texts[] = {
	        "Tack för informationen om sophämtningen!",
	        "Bra jobbat med snöröjningen i morse.",
	        "Varför är cykelbanan vid skolan inte plogad?",
	        "Hur länge är biblioteket öppet i helgen?",
	        "Konserten i parken var fantastisk.",
	        "När kommer bygglovet för lekplatsen att beslutas?",
	};
	FILE *f = fopen(path, "wb");
	long post = 0;

	if (!f)
		return -1;
	for (long i = 0; i < n; i++) {
		long t = 1764540000L - (n - i) * 30;
		char when[32];

		time_format_utc(when, t);
		if (i % 50 == 0) {
			post = i;
			fprintf(f,
			        "{\"id\":\"100_%ld\",\"platform\":\"facebook\",\"kind\":\"post\","
			        "\"author\":{\"id\":\"100\",\"name\":\"Benchby kommun\","
			        "\"is_account\":true},\"created_at\":\"%s\",\"text\":\"Nyheter "
			        "från kommunen, vecka %ld.\"}\n",
			        post, when, i % 52 + 1);
			continue;
		}
		fprintf(f,
		        "{\"id\":\"100_%ld_%ld\",\"platform\":\"facebook\",\"kind\":\"comment\","
		        "\"parent_id\":\"100_%ld\",\"root_id\":\"100_%ld\",\"author\":{\"id\":\"u%"
		        "ld\","
		        "\"name\":\"Invånare %ld\"},\"created_at\":\"%s\",\"text\":\"%s\"}\n",
		        post, i, post, post, i % 9973, i % 9973, when, texts[i % 6]);
	}
	return fclose(f) ? -1 : 0;
}

struct sink {
	char *buf;
	size_t len;
};

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct sink *s = arg;
	char *g = realloc(s->buf, s->len + sz * n + 1);

	if (!g)
		return 0;
	memcpy(g + s->len, p, sz * n);
	s->len += sz * n;
	g[s->len] = '\0';
	s->buf = g;
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
	char *cookie = arg;

	if (sz * n > 23 && strncasecmp(p, "Set-Cookie: kv_session=", 23) == 0)
		sscanf(p + 12, "%127[^;]", cookie);
	return sz * n;
}

/* Runs wrk against url; fills requests/s and p99 in ms. */
static int run_wrk(const char *url, const char *cookie, double *rps, double *p99)
{
	char cmd[1024], line[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "wrk -t2 -c32 -d5s --latency %s%s%s '%s' 2>&1",
	         cookie ? "-H 'Cookie: " : "", cookie ? cookie : "", cookie ? "'" : "", url);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	*rps = *p99 = -1;
	while (fgets(line, sizeof(line), p)) {
		double v;
		char unit[8];

		if (sscanf(line, " Requests/sec: %lf", &v) == 1)
			*rps = v;
		if (sscanf(line, " 99%% %lf%7s", &v, unit) == 2)
			*p99 = strcmp(unit, "us") == 0  ? v / 1000
			       : strcmp(unit, "s") == 0 ? v * 1000
			                                : v;
		if (strstr(line, "Non-2xx"))
			fprintf(stderr, "bench_api: %s", line);
	}
	return pclose(p) == 0 && *rps > 0 ? 0 : -1;
}

int main(void)
{
	const char *env = getenv("KV_BENCH_ITEMS");
	long n_items = env ? strtol(env, NULL, 10) : 1000000;
	char dir[] = "/tmp/kvbenchapi.XXXXXX", path[600], url[256], cookie[128] = "";
	static struct principal who;
	struct op_ctx op = {0};
	struct account_input in = {0};
	struct import_opts o = {0};
	struct import_report rep;
	struct store *s = NULL;
	struct server *srv = NULL;
	struct api_ctx api;
	struct server_route routes[16];
	struct users_kdf kdf = {1, 8192};
	struct users_grant_input g = {"moderator", NULL, NULL, 0};
	struct sink body = {0};
	struct err e = {0};
	double t0, rps = 0, p99 = 0, nrps = 0, np99 = 0;
	pid_t nginx = -1;
	unsigned nport;
	CURL *c;
	FILE *f;

	if (system("command -v wrk >/dev/null && test -x /usr/sbin/nginx") != 0) {
		printf("bench_api: wrk or nginx is not installed; skipped\n");
		return 0;
	}
	if (n_items <= 0 || !mkdtemp(dir) || hash_init())
		return 1;
	snprintf(path, sizeof(path), "%s/corpus.jsonl", dir);
	if (write_corpus(path, n_items))
		return 1;
	principal_init_shell(&who, "bench");
	op.who = &who;
	snprintf(path, sizeof(path), "%s/var", dir);
	if (store_open(&s, path, &e))
		goto fail;
	op.store = s;
	op.now = time_now();
	in.platform = "facebook";
	in.handle = "benchby";
	in.unit = "Kommunikation";
	if (registry_init(&op, "Benchby kommun", &op.org, &e) ||
	    registry_unit_add(&op, "Kommunikation", NULL, NULL, &e) ||
	    registry_account_add(&op, &in, &o.account_id, &e))
		goto fail;
	o.org = op.org;
	o.actor = "bench";
	o.format = PARSE_JSONL;
	snprintf(path, sizeof(path), "%s/corpus.jsonl", dir);
	t0 = now_s();
	if (capture_import_file(s, &o, path, &rep, &e))
		goto fail;
	printf("store: %lld items imported in %.1f s\n", (long long)rep.new_items, now_s() - t0);
	unlink(path);
	/* The inbox: questions on comments spread over the year, half of the
	 * open ones overdue, most questions long since answered. */
	if (store_begin(s, &e))
		goto fail;
	for (long k = 0; k < 5500; k++) {
		int64_t item = 2 + k * (n_items / 5600 > 1 ? n_items / 5600 : 1), id = 0;
		struct question_new q = {.org = op.org,
		                         .account_id = o.account_id,
		                         .item_id = item,
		                         .arrived_at = op.now - 86400 * (k % 300) - 3600,
		                         .due_at = op.now + (k % 2 ? 86400 : -86400),
		                         .now = op.now};

		if (k >= 500) {
			q.answer_item_id = item + 1;
			q.answered_at = q.arrived_at + 7200;
			q.response_seconds = 7200;
			q.closed_by = "bench";
		}
		if (item > n_items || questions_insert(s, &q, &id, &e))
			break;
	}
	if (store_commit(s, &e))
		goto fail;
	if (users_add(&op, "bench", NULL, &g, PW, &kdf, NULL, &e))
		goto fail;
	store_free(s);
	s = NULL;

	if (api_ctx_init(&api, NULL, op.org, &e))
		goto fail;
	{
		struct server_opts so = {.listen = "127.0.0.1:0",
		                         .data_dir = path,
		                         .routes = routes,
		                         .max_conns = 128,
		                         .n_routes = api_server_routes(routes, 16, &api, NULL)};

		snprintf(path, sizeof(path), "%s/var", dir);
		so.data_dir = path;
		if (server_start(&srv, &so, &e))
			goto fail;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/v1/session", server_port(srv));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	{
		struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");

		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		                 "{\"username\":\"bench\",\"password\":\"" PW "\"}");
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, cookie);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
		curl_easy_perform(c);
		curl_slist_free_all(h);
	}
	free(body.buf);
	body.buf = NULL;
	body.len = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/v1/inbox?limit=50", server_port(srv));
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	if (!cookie[0] || curl_easy_perform(c) != CURLE_OK || !body.buf) {
		fprintf(stderr, "bench_api: cannot log in or read the inbox\n");
		return 1;
	}
	curl_easy_cleanup(c);
	printf("inbox page: %zu bytes (50 questions)\n", body.len);

	/* nginx: the same bytes as a static file. */
	/* nginx's workers may run as another user (nobody, under root). */
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/www", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/www/inbox.json", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(body.buf, 1, body.len, f) != body.len || fclose(f))
		return 1;
	chmod(path, 0644);
	nport = free_port();
	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	f = fopen(path, "wb");
	if (!f)
		return 1;
	fprintf(f,
	        "daemon off; worker_processes 1; pid %s/nginx.pid; error_log %s/error.log;\n"
	        "events { worker_connections 256; }\n"
	        "http { access_log off; client_body_temp_path %s/t1; proxy_temp_path %s/t2;\n"
	        " fastcgi_temp_path %s/t3; uwsgi_temp_path %s/t4; scgi_temp_path %s/t5;\n"
	        " server { listen 127.0.0.1:%u; root %s/www;\n"
	        "  location / { default_type application/json; } } }\n",
	        dir, dir, dir, dir, dir, dir, dir, nport, dir);
	fclose(f);
	nginx = fork();
	if (nginx == 0) {
		execl("/usr/sbin/nginx", "nginx", "-p", dir, "-c", path, (char *)NULL);
		_exit(127);
	}
	usleep(500000);

	if (run_wrk(url, cookie, &rps, &p99))
		fprintf(stderr, "bench_api: wrk against the API failed\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/inbox.json", nport);
	if (run_wrk(url, NULL, &nrps, &np99))
		fprintf(stderr, "bench_api: wrk against nginx failed\n");
	printf("api GET /api/v1/inbox?limit=50 (logged in, %ld items in the store): %.0f "
	       "requests/s, p99 %.2f ms\n",
	       n_items, rps, p99);
	printf("nginx, the same %zu bytes as a static file: %.0f requests/s, p99 %.2f ms\n",
	       body.len, nrps, np99);
	if (nrps > 0)
		printf("api / nginx: %.2fx requests/s (goal >= 0.3x), p99 %.2f ms (goal < 20 ms)\n",
		       rps / nrps, p99);
	if (nginx > 0) {
		kill(nginx, SIGQUIT);
		waitpid(nginx, NULL, 0);
	}
	server_free(srv);
	api_ctx_done(&api);
	free(body.buf);
	if (getenv("KV_BENCH_KEEP"))
		return 0;
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return 0;
fail:
	fprintf(stderr, "bench_api: %s\n", e.msg);
	store_free(s);
	return 1;
}
