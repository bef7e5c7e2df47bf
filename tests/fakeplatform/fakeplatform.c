/* A stand-in for the platforms' APIs in tests: serves files by a route table
 * on 127.0.0.1 (OS-chosen port, written to a file), can answer with errors
 * for the first N requests, and logs every request with its query and
 * Authorization header, so tests can see what a connector sent and where.
 * A test tool only: never built into kanalvakt.
 *
 * usage: fakeplatform DIR ROUTES PORTFILE LOGFILE
 * ROUTES lines:  PATH QUERY STATUS FILE [times=N] [retry_after=S] [method=M]
 *   QUERY  "-" or k=v pairs joined by '&' that must all be in the request
 *          ("k=*" only asks that k is present, "!k" that it is absent);
 *   FILE   under DIR, or "-" for an empty JSON object; "@BASE@" in a file
 *          becomes http://127.0.0.1:PORT; a file holding a NUL byte (an
 *          image) is served as it is;
 *   times  the line answers only its first N matches, then is passed over;
 *   method the line answers only requests with that method (any by default).
 * The first line that matches answers; none gives 404. A request body is
 * read whole and logged after the Authorization header as " body=<body>".
 * LinkedIn's paths (/rest/...) are checked for the versioned API's headers
 * first, in a block of their own (linkedin_check).
 * For the publishing endpoints (POST /{page}/feed, /api/v1/statuses,
 * /2/tweets ...), "@SEQ@" in a file becomes a number that grows with every
 * answer that holds it, so each post made gets an id of its own. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ROUTES   128
#define LINE_MAX_LEN 1024

struct route {
	char path[256];
	char query[512];
	unsigned status;
	char file[256];
	long times; /* < 0 = unlimited */
	long retry_after;
	char method[16]; /* "" = any */
	long hits;
};

/* A request's body, gathered over the calls MHD makes for one request. */
struct upload {
	char *data;
	size_t len;
};

static struct route routes[MAX_ROUTES];
static size_t n_routes;
static const char *dir;
static char base[64];
static FILE *log_file;
static volatile sig_atomic_t stop;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fakeplatform: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void load_routes(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];
	int lineno = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct route *r;
		char status[16], opt[3][64];
		char *end;
		int n;

		lineno++;
		if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
			continue;
		if (n_routes == MAX_ROUTES)
			die("%s:%d: more than %d routes", path, lineno, MAX_ROUTES);
		r = &routes[n_routes];
		memset(r, 0, sizeof(*r));
		opt[0][0] = opt[1][0] = opt[2][0] = '\0';
		n = sscanf(line, "%255s %511s %15s %255s %63s %63s %63s", r->path, r->query, status,
		           r->file, opt[0], opt[1], opt[2]);
		if (n < 4)
			die("%s:%d: expected PATH QUERY STATUS FILE [times=N] [retry_after=S] "
			    "[method=M]",
			    path, lineno);
		r->status = (unsigned)strtoul(status, &end, 10);
		if (*end || r->status < 100 || r->status > 599)
			die("%s:%d: bad status '%s'", path, lineno, status);
		r->times = -1;
		for (int i = 0; i < 3; i++) {
			if (!opt[i][0])
				continue;
			end = "";
			if (strncmp(opt[i], "method=", 7) == 0)
				snprintf(r->method, sizeof(r->method), "%s", opt[i] + 7);
			else if (strncmp(opt[i], "times=", 6) == 0)
				r->times = strtol(opt[i] + 6, &end, 10);
			else if (strncmp(opt[i], "retry_after=", 12) == 0)
				r->retry_after = strtol(opt[i] + 12, &end, 10);
			else
				die("%s:%d: unknown option '%s'", path, lineno, opt[i]);
			if (*end)
				die("%s:%d: bad number in '%s'", path, lineno, opt[i]);
		}
		n_routes++;
	}
	fclose(f);
}

struct qlog {
	char buf[4096];
	size_t len;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	struct qlog *q = cls;
	int n = snprintf(q->buf + q->len, sizeof(q->buf) - q->len, "%s%s=%s", q->len ? "&" : "",
	                 key, value ? value : "");

	if (n > 0 && (size_t)n < sizeof(q->buf) - q->len)
		q->len += (size_t)n;
	return MHD_YES;
}

/* Does every k=v of spec hold for the request? */
static int query_matches(struct MHD_Connection *c, const char *spec)
{
	char copy[512], *save = NULL, *tok;

	if (strcmp(spec, "-") == 0)
		return 1;
	snprintf(copy, sizeof(copy), "%s", spec);
	for (tok = strtok_r(copy, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		const char *v;

		if (tok[0] == '!') {
			if (MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, tok + 1))
				return 0;
			continue;
		}
		if (!eq)
			return 0;
		*eq = '\0';
		v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, tok);
		if (!v || (strcmp(eq + 1, "*") != 0 && strcmp(v, eq + 1) != 0))
			return 0;
	}
	return 1;
}

/* ---- publishing endpoints: a new id for each post made ---- */

static unsigned long seq;

/* Replaces every "@SEQ@" in data (heap, NUL-terminated) with the next
 * number, the same one throughout the answer. Returns data or a new heap
 * copy (data freed); NULL when out of memory. */
static char *number_posts(char *data)
{
	char num[32], *out, *p, *hit;
	size_t n = 0, nl, len = strlen(data);

	if (!strstr(data, "@SEQ@"))
		return data;
	nl = (size_t)snprintf(num, sizeof(num), "%lu", ++seq);
	out = malloc(len * 4 + 1);
	if (!out) {
		free(data);
		return NULL;
	}
	for (p = data; (hit = strstr(p, "@SEQ@")); p = hit + 5) {
		memcpy(out + n, p, (size_t)(hit - p));
		n += (size_t)(hit - p);
		memcpy(out + n, num, nl);
		n += nl;
	}
	memcpy(out + n, p, strlen(p) + 1);
	free(data);
	return out;
}

/* ---- answers ---- */

/* The file with @BASE@ replaced; heap, *len set. NULL when unreadable. */
static char *load_body(const char *file, size_t *len)
{
	char path[1024], *data = NULL, *out = NULL, *p, *hit;
	size_t n = 0, cap = 0, blen = strlen(base), olen = 0;
	FILE *f;

	if (strcmp(file, "-") == 0) {
		*len = 2;
		return strdup("{}");
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			char *d = realloc(data, cap + 65536);

			if (!d)
				break;
			data = d;
			cap += 65536;
		}
		size_t got = fread(data + n, 1, cap - n - 1, f);

		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	if (!data)
		return NULL;
	data[n] = '\0';
	/* Binary (a PNG or JPEG): the bytes as they are, no text replaced. */
	if (memchr(data, '\0', n)) {
		*len = n;
		return data;
	}
	out = malloc(n * 4 + blen + 1);
	if (!out) {
		free(data);
		return NULL;
	}
	for (p = data; (hit = strstr(p, "@BASE@")); p = hit + 6) {
		memcpy(out + olen, p, (size_t)(hit - p));
		olen += (size_t)(hit - p);
		memcpy(out + olen, base, blen);
		olen += blen;
	}
	memcpy(out + olen, p, strlen(p));
	olen += strlen(p);
	out[olen] = '\0';
	free(data);
	out = number_posts(out);
	*len = out ? strlen(out) : 0;
	return out;
}

/* ---- LinkedIn: the versioned API's headers ----
 * LinkedIn's versioned API (/rest/...) refuses a request without
 * LinkedIn-Version (400 VERSION_MISSING), with a version that is not YYYYMM
 * (426 NONEXISTENT_VERSION), or without X-Restli-Protocol-Version 2.0.0
 * (400). The headers are logged after the Authorization header as
 * " li-version=V restli=R" (into note), so tests can see them. Returns the
 * status of a refusal with its body in *body, or 0 to go on. */
static unsigned linkedin_check(struct MHD_Connection *c, const char *url, char *note, size_t n,
                               char **body)
{
	const char *ver, *restli;

	note[0] = '\0';
	if (strncmp(url, "/rest/", 6) != 0)
		return 0;
	ver = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "LinkedIn-Version");
	restli = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Restli-Protocol-Version");
	snprintf(note, n, " li-version=%s restli=%s", ver ? ver : "-", restli ? restli : "-");
	if (!ver) {
		*body = strdup("{\"status\":400,\"code\":\"VERSION_MISSING\",\"message\":\"A "
		               "version must be present. Please specify a version by adding the "
		               "LinkedIn-Version header.\"}");
		return 400;
	}
	if (strlen(ver) != 6 || strspn(ver, "0123456789") != 6) {
		*body = strdup("{\"status\":426,\"code\":\"NONEXISTENT_VERSION\",\"message\":"
		               "\"Requested version is not active\"}");
		return 426;
	}
	if (!restli || strcmp(restli, "2.0.0") != 0) {
		*body = strdup("{\"status\":400,\"code\":\"ILLEGAL_ARGUMENT\",\"message\":"
		               "\"X-Restli-Protocol-Version 2.0.0 is required\"}");
		return 400;
	}
	return 0;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
	struct MHD_Response *resp;
	struct qlog q = {.len = 0};
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	struct route *hit = NULL;
	struct upload *up = *req;
	char *body = NULL, li_note[160];
	size_t len = 0;
	unsigned status = 404, refused;
	enum MHD_Result ret;

	/* The first call only sets up; the body arrives in the next ones; the
	 * last call (nothing more to upload) answers. */
	if (!up) {
		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		*req = up;
		return MHD_YES;
	}
	if (*upload_size) {
		char *d = realloc(up->data, up->len + *upload_size + 1);

		if (!d)
			return MHD_NO;
		memcpy(d + up->len, upload, *upload_size);
		up->data = d;
		up->len += *upload_size;
		up->data[up->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	q.buf[0] = '\0';
	/* A file in a multipart body (an image) may hold NUL bytes: logged as
	 * '.', so the parts after it are in the log too. */
	for (size_t i = 0; i < up->len; i++)
		if (up->data[i] == '\0')
			up->data[i] = '.';
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	refused = linkedin_check(c, url, li_note, sizeof(li_note), &body);
	fprintf(log_file, "%s %s%s%s auth=%s%s%s%.*s\n", method, url, q.len ? "?" : "", q.buf,
	        auth ? auth : "-", li_note, up->len ? " body=" : "", (int)up->len,
	        up->data ? up->data : "");
	fflush(log_file);
	for (size_t i = 0; i < n_routes && !hit && !refused; i++) {
		struct route *r = &routes[i];

		if (strcmp(r->path, url) != 0 || !query_matches(c, r->query))
			continue;
		if (r->method[0] && strcmp(r->method, method) != 0)
			continue;
		if (r->times >= 0 && r->hits >= r->times)
			continue;
		r->hits++;
		hit = r;
	}
	if (refused) {
		status = refused;
		len = body ? strlen(body) : 0;
	} else if (hit) {
		status = hit->status;
		body = load_body(hit->file, &len);
		if (!body) {
			status = 500;
			body = strdup("{\"error\":\"fakeplatform: cannot read the route's file\"}");
			len = body ? strlen(body) : 0;
		}
	} else {
		body = strdup("{\"error\":\"fakeplatform: no route\"}");
		len = body ? strlen(body) : 0;
	}
	resp = MHD_create_response_from_buffer(len, body ? body : "", MHD_RESPMEM_MUST_COPY);
	free(body);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=UTF-8");
	if (hit && hit->retry_after > 0) {
		char ra[32];

		snprintf(ra, sizeof(ra), "%ld", hit->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req,
                         enum MHD_RequestTerminationCode toe)
{
	struct upload *up = *req;

	if (up) {
		free(up->data);
		free(up);
		*req = NULL;
	}
}

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	char tmp[1024];
	FILE *pf;

	if (argc != 5)
		die("usage: fakeplatform DIR ROUTES PORTFILE LOGFILE");
	dir = argv[1];
	load_routes(argv[2]);
	log_file = fopen(argv[4], "a");
	if (!log_file)
		die("%s: %s", argv[4], strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	                     answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!d)
		die("cannot listen on 127.0.0.1");
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || !info->port)
		die("cannot tell the port");
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", (unsigned)info->port);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[3]);
	pf = fopen(tmp, "w");
	if (!pf || fprintf(pf, "%u\n", (unsigned)info->port) < 0 || fclose(pf) != 0 ||
	    rename(tmp, argv[3]) != 0)
		die("%s: cannot write the port", argv[3]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	fclose(log_file);
	return 0;
}
