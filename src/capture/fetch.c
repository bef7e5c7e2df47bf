/* The connectors' HTTP client. One curl easy handle per struct fetch keeps
 * connections alive between pages. Tokens travel in URLs (Graph, YouTube)
 * or in an Authorization header (Mastodon, X); neither is ever put in a
 * message: every URL is scrubbed first, and redirects are not followed so a
 * token cannot be carried to another host. With public_only, each socket is
 * opened here (CURLOPT_OPENSOCKETFUNCTION) only after its address is judged,
 * so the address actually connected to is the one checked, whatever DNS
 * answered before. */
#include "capture/fetch.h"

#include "capture/parse_meta.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct fetch {
	CURL *h;
	struct fetch_opts o;
	char errbuf[CURL_ERROR_SIZE];
	char refused[INET6_ADDRSTRLEN]; /* the first address refused in this attempt */
	struct curl_slist *extra;       /* header lines sent with every request */
};

struct sink {
	struct buf *b;
	int too_big;
};

static const char *const secret_params[] = {
        "access_token",    "key",     "token",       "client_secret", "password",
        "appsecret_proof", "api_key", "input_token",
};

static void default_sleep(void *ctx, int64_t ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
	                      .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int fetch_new(struct fetch **out, const struct fetch_opts *o, struct err *err)
{
	struct fetch *f = calloc(1, sizeof(*f));

	if (!f)
		return err_set(err, KV_ENOMEM, "out of memory");
	f->o = *o;
	if (f->o.timeout_s <= 0)
		f->o.timeout_s = 60;
	if (f->o.max_attempts <= 0)
		f->o.max_attempts = 5;
	if (f->o.backoff_ms <= 0)
		f->o.backoff_ms = 1000;
	if (f->o.max_wait_s <= 0)
		f->o.max_wait_s = 300;
	if (f->o.max_bytes == 0)
		f->o.max_bytes = FETCH_BODY_MAX;
	if (!f->o.sleep_fn)
		f->o.sleep_fn = default_sleep;
	f->h = curl_easy_init();
	if (!f->h) {
		free(f);
		return err_set(err, KV_ENOMEM, "cannot set up the HTTP client (libcurl)");
	}
	*out = f;
	return KV_OK;
}

void fetch_free(struct fetch *f)
{
	if (!f)
		return;
	curl_easy_cleanup(f->h);
	curl_slist_free_all(f->extra);
	free(f);
}

int fetch_add_header(struct fetch *f, const char *line, struct err *err)
{
	struct curl_slist *l;
	size_t name = strcspn(line, ":");

	if (name == 0 || !line[name] || strpbrk(line, "\r\n") || strcspn(line, " \t") < name)
		return err_set(err, KV_EINVAL, "header '%.100s' is not one line of 'Name: value'",
		               line);
	l = curl_slist_append(f->extra, line);
	if (!l)
		return err_set(err, KV_ENOMEM, "out of memory");
	f->extra = l;
	return KV_OK;
}

void fetch_result_init(struct fetch_result *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
}

void fetch_result_done(struct fetch_result *r)
{
	if (r)
		buf_done(&r->body);
}

static int is_secret(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(secret_params) / sizeof(secret_params[0]); i++)
		if (strlen(secret_params[i]) == n && strncasecmp(name, secret_params[i], n) == 0)
			return 1;
	return 0;
}

void fetch_scrub_url(char *out, size_t outsz, const char *url)
{
	struct buf b;
	const char *p = url, *q, *at, *host;

	if (!outsz)
		return;
	out[0] = '\0';
	if (!url)
		return;
	buf_init(&b, 1 << 20);
	/* user:password@ before the host goes. */
	host = strstr(url, "://");
	host = host ? host + 3 : url;
	at = host + strcspn(host, "/?#@");
	if (*at == '@') {
		buf_put(&b, url, (size_t)(host - url));
		p = at + 1;
	}
	q = strchr(p, '?');
	if (!q) {
		buf_puts(&b, p);
	} else {
		buf_put(&b, p, (size_t)(q - p) + 1);
		p = q + 1;
		while (*p && *p != '#') {
			size_t n = strcspn(p, "&#");
			size_t k = strcspn(p, "=&#");

			if (k < n && is_secret(p, k)) {
				buf_put(&b, p, k);
				buf_puts(&b, "=***");
			} else {
				buf_put(&b, p, n);
			}
			p += n;
			if (*p == '&')
				buf_putc(&b, *p++);
		}
		buf_puts(&b, p);
	}
	snprintf(out, outsz, "%s", buf_cstr(&b));
	buf_done(&b);
}

int fetch_url_origin(char *out, size_t outsz, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = KV_EINVAL;

	if (!u)
		return KV_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
		goto out;
	/* The default port is spelt out so that :443 and no port compare equal. */
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	for (char *c = host; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if ((size_t)snprintf(out, outsz, "%s://%s:%s", scheme, host, port) >= outsz)
		goto out;
	rc = KV_OK;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static int is_loopback(const char *host)
{
	struct in_addr a;

	if (inet_pton(AF_INET, host, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return strcmp(host, "[::1]") == 0 || strcasecmp(host, "localhost") == 0;
}

int fetch_url_secure(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ok = 0;

	if (!u)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (strcasecmp(scheme, "https") == 0)
			ok = 1;
		else if (strcasecmp(scheme, "http") == 0)
			ok = is_loopback(host);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

/* IPv4 blocks that are not public: the special-purpose registry (RFC 6890
 * and its successors) and everything from 224.0.0.0 up. */
static const struct {
	uint32_t net;
	int bits;
} v4_internal[] = {
        {0x00000000, 8},  /* "this network", 0.0.0.0 */
        {0x0a000000, 8},  /* private (RFC 1918) */
        {0x64400000, 10}, /* carrier-grade NAT (RFC 6598) */
        {0x7f000000, 8},  /* loopback */
        {0xa9fe0000, 16}, /* link-local, cloud metadata at 169.254.169.254 */
        {0xac100000, 12}, /* private */
        {0xc0000000, 24}, /* IETF protocol assignments */
        {0xc0000200, 24}, /* documentation (TEST-NET-1) */
        {0xc0586300, 24}, /* 6to4 relay anycast */
        {0xc0a80000, 16}, /* private */
        {0xc6120000, 15}, /* benchmarking */
        {0xc6336400, 24}, /* documentation (TEST-NET-2) */
        {0xcb007100, 24}, /* documentation (TEST-NET-3) */
        {0xe0000000, 3},  /* multicast, reserved, broadcast */
};

static int v4_public(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4_internal) / sizeof(v4_internal[0]); i++) {
		uint32_t mask = 0xffffffffu << (32 - v4_internal[i].bits);

		if ((a & mask) == v4_internal[i].net)
			return 0;
	}
	return 1;
}

static uint32_t load32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int v6_public(const unsigned char *b)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};

	/* Addresses that carry an IPv4 address reach that address. */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return v4_public(load32(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_public(load32(b + 2));
	/* Only global unicast is public: this leaves out ::, ::1, unique-local
	 * fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8
	 * and the rest of the reserved space. */
	if ((b[0] & 0xe0) != 0x20)
		return 0;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02)
		return 0; /* 2001::/23: Teredo, benchmarking, ORCHID */
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return 0; /* 2001:db8::/32, documentation */
	if (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0)
		return 0; /* 3fff::/20, documentation */
	return 1;
}

int fetch_addr_is_public(const struct sockaddr *sa)
{
	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		return v4_public(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		return v6_public(in6->sin6_addr.s6_addr);
	}
	return 0;
}

/* CURLOPT_OPENSOCKETFUNCTION under public_only: libcurl calls this for each
 * address it is about to connect to, after resolving the name and for every
 * address it tries, so a name that resolves to an internal address, or
 * resolves differently the second time, is caught here. A refused address
 * gets no socket; libcurl then tries the next address or fails. */
static curl_socket_t open_public(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch *f = ctx;
	size_t need = a->family == AF_INET    ? sizeof(struct sockaddr_in)
	              : a->family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                      : (size_t)-1;

	if (purpose == CURLSOCKTYPE_IPCXN && a->addrlen >= need && a->addr.sa_family == a->family &&
	    fetch_addr_is_public(&a->addr))
		return socket(a->family, a->socktype, a->protocol);
	if (!f->refused[0]) {
		const void *raw = NULL;

		if (a->family == AF_INET && a->addrlen >= need)
			raw = &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;
		else if (a->family == AF_INET6 && a->addrlen >= need)
			raw = &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr;
		if (!raw || !inet_ntop(a->family, raw, f->refused, sizeof(f->refused)))
			snprintf(f->refused, sizeof(f->refused), "an address of family %d",
			         a->family);
	}
	return CURL_SOCKET_BAD;
}

int64_t fetch_backoff_ms(int64_t backoff_ms, int retry, int64_t retry_after_ms, double rand01)
{
	int64_t d = backoff_ms > 0 ? backoff_ms : 1;

	for (int i = 1; i < retry && d < 60000; i++)
		d *= 2;
	if (d > 60000)
		d = 60000;
	d += (int64_t)((double)d * 0.5 * rand01);
	return d < retry_after_ms ? retry_after_ms : d;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;

	if (buf_put(s->b, data, size * n) != KV_OK) {
		s->too_big = 1;
		return 0;
	}
	return size * n;
}

/* Retry-After in milliseconds (0 when absent or unreadable). */
static int64_t retry_after_ms(CURL *h)
{
	struct curl_header *hdr = NULL;
	char *end = NULL;
	long long v;
	time_t when;

	if (curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr)
		return 0;
	errno = 0;
	v = strtoll(hdr->value, &end, 10);
	if (!errno && end != hdr->value && *end == '\0')
		return v > 0 ? (int64_t)v * 1000 : 0;
	when = curl_getdate(hdr->value, NULL);
	if (when == (time_t)-1)
		return 0;
	when -= time(NULL);
	return when > 0 ? (int64_t)when * 1000 : 0;
}

/* A short message from an error body: YouTube/Google {"error":{"message"}},
 * Mastodon {"error": "..."}, X {"detail"} / {"title"}, LinkedIn {"code",
 * "message"}. "" when none. */
static void body_message(char *out, size_t outsz, const char *data, size_t len)
{
	json_t *root, *e, *m = NULL;

	out[0] = '\0';
	root = json_loadb(data, len < ((size_t)1 << 20) ? len : 0, 0, NULL);
	if (!json_is_object(root))
		goto out;
	e = json_object_get(root, "error");
	if (json_is_object(e))
		m = json_object_get(e, "message");
	else if (json_is_string(e))
		m = e;
	if (!json_is_string(m))
		m = json_object_get(root, "detail");
	if (!json_is_string(m))
		m = json_object_get(root, "title");
	if (!json_is_string(m) && json_is_string(json_object_get(root, "message"))) {
		const char *code = json_string_value(json_object_get(root, "code"));

		snprintf(out, outsz, "%s%s%s", code ? code : "", code ? ": " : "",
		         json_string_value(json_object_get(root, "message")));
		goto out;
	}
	if (json_is_string(m))
		snprintf(out, outsz, "%s", json_string_value(m));
out:
	json_decref(root);
}

static int is_graph_rate_limit(int code)
{
	return code == 4 || code == 17 || code == 32 || code == 613;
}

/* Google's error bodies are {"error":{"code","message"}} too; Graph's alone
 * carry "type" or "fbtrace_id". */
static int graph_shaped(const struct buf *body)
{
	json_t *root =
	        json_loadb(body->ptr, body->len < ((size_t)1 << 20) ? body->len : 0, 0, NULL);
	json_t *e = json_object_get(root, "error");
	int yes = json_is_object(e) && (json_is_string(json_object_get(e, "type")) ||
	                                json_is_string(json_object_get(e, "fbtrace_id")));

	json_decref(root);
	return yes;
}

enum verdict { V_OK, V_RETRY, V_FAIL };

/* Judges one finished attempt. On V_FAIL err and *code are set. */
static enum verdict judge(long status, const struct buf *body, const char *where, int *out_code,
                          struct err *err)
{
	char msg[512], detail[600];
	int code = 0, subcode = 0;
	int graph = 0;

	/* Graph sends its envelope with 4xx/5xx; a small 2xx body is looked at
	 * too, since an envelope must never be taken for a page. */
	if (body->len && (status >= 300 || body->len < 4096) && graph_shaped(body))
		graph = parse_meta_graph_error(body->ptr, body->len, &code, &subcode, msg,
		                               sizeof(msg));
	if (graph) {
		if (is_graph_rate_limit(code))
			return V_RETRY;
		*out_code = err_set(err, code == 190 ? KV_EDENIED : KV_EIO,
		                    "%s: Graph API error %d/%d: %s", where, code, subcode, msg);
		return V_FAIL;
	}
	if (status >= 200 && status < 300)
		return V_OK;
	if (status == 429 || status >= 500)
		return V_RETRY;
	body_message(msg, sizeof(msg), buf_cstr(body), body->len);
	detail[0] = '\0';
	if (msg[0])
		snprintf(detail, sizeof(detail), ": %s", msg);
	if (status >= 300 && status < 400)
		*out_code = err_set(err, KV_EIO,
		                    "%s: HTTP %ld redirect refused (redirects are not followed)%s",
		                    where, status, detail);
	else
		*out_code = err_set(err, status == 401 ? KV_EDENIED : KV_EIO, "%s: HTTP %ld%s",
		                    where, status, detail);
	return V_FAIL;
}

/* What one request sends besides its URL and headers. */
struct request {
	const char *method; /* "GET", "HEAD", "POST", "PUT", "DELETE" */
	const char *body;   /* NULL = none */
	size_t body_len;
	curl_mime *form; /* a multipart/form-data body instead (POST) */
};

static int setup(struct fetch *f, const char *url, struct curl_slist *headers,
                 const struct request *rq, struct sink *s)
{
	CURL *h = f->h;
	CURLcode c = CURLE_OK;

	curl_easy_reset(h);
#define SET(opt, val)                                                                              \
	do {                                                                                       \
		if (c == CURLE_OK)                                                                 \
			c = curl_easy_setopt(h, opt, val);                                         \
	} while (0)
	SET(CURLOPT_URL, url);
	if (strcmp(rq->method, "GET") == 0) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (strcmp(rq->method, "HEAD") == 0) {
		SET(CURLOPT_NOBODY, 1L);
	} else if (rq->form) {
		SET(CURLOPT_MIMEPOST, rq->form);
	} else {
		/* A body (possibly empty) is sent as POST data under the method's
		 * name; DELETE without a body sends none. */
		if (rq->body || strcmp(rq->method, "DELETE") != 0) {
			SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
			SET(CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		}
		SET(CURLOPT_CUSTOMREQUEST, rq->method);
	}
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_TIMEOUT, f->o.timeout_s);
	SET(CURLOPT_CONNECTTIMEOUT, f->o.timeout_s < 15 ? f->o.timeout_s : 15L);
	SET(CURLOPT_USERAGENT, "Kanalvakt/" KV_VERSION);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_bytes);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, s);
	SET(CURLOPT_ERRORBUFFER, f->errbuf);
	if (f->o.public_only) {
		SET(CURLOPT_OPENSOCKETFUNCTION, open_public);
		SET(CURLOPT_OPENSOCKETDATA, f);
		/* A proxy would connect for us, to addresses never shown here;
		 * "" also overrides http_proxy, https_proxy and all_proxy. */
		SET(CURLOPT_PROXY, "");
	}
#undef SET
	return c == CURLE_OK ? KV_OK : KV_EINTERNAL;
}

int fetch_get(struct fetch *f, const char *url, const char *bearer, struct fetch_result *out,
              struct err *err)
{
	return fetch_request(f, "GET", url, bearer, NULL, NULL, 0, out, err);
}

static int method_known(const char *m)
{
	return m && (strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
	             strcmp(m, "DELETE") == 0 || strcmp(m, "HEAD") == 0);
}

static int perform(struct fetch *f, const struct request *rqp, const char *url, const char *bearer,
                   const char *content_type, struct fetch_result *out, struct err *err);

int fetch_request(struct fetch *f, const char *method, const char *url, const char *bearer,
                  const char *content_type, const char *body, size_t body_len,
                  struct fetch_result *out, struct err *err)
{
	const struct request rq = {method, body, body_len, NULL};

	return perform(f, &rq, url, bearer, content_type, out, err);
}

int fetch_post_form(struct fetch *f, const char *url, const char *bearer,
                    const struct fetch_part *parts, size_t n, struct fetch_result *out,
                    struct err *err)
{
	struct request rq = {"POST", NULL, 0, NULL};
	int rc = KV_OK;

	rq.form = curl_mime_init(f->h);
	if (!rq.form)
		return err_set(err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		curl_mimepart *p = curl_mime_addpart(rq.form);
		CURLcode c = p ? curl_mime_name(p, parts[i].name) : CURLE_OUT_OF_MEMORY;

		if (c == CURLE_OK)
			c = curl_mime_data(p, parts[i].data, parts[i].len);
		if (c == CURLE_OK && parts[i].filename)
			c = curl_mime_filename(p, parts[i].filename);
		if (c == CURLE_OK && parts[i].type)
			c = curl_mime_type(p, parts[i].type);
		if (c != CURLE_OK)
			rc = err_set(err, KV_ENOMEM, "cannot build the form part '%s'",
			             parts[i].name);
	}
	if (!rc)
		rc = perform(f, &rq, url, bearer, NULL, out, err);
	curl_mime_free(rq.form);
	return rc;
}

static int perform(struct fetch *f, const struct request *rqp, const char *url, const char *bearer,
                   const char *content_type, struct fetch_result *out, struct err *err)
{
	struct curl_slist *headers = NULL, *tmp;
	const char *method = rqp->method;
	const struct request rq = *rqp;
	struct buf auth;
	char where[1100];
	int rc = KV_OK;
	int64_t wait_ms = 0;

	buf_init(&auth, 0);
	if (!method_known(method)) {
		rc = err_set(err, KV_EINVAL,
		             "HTTP method '%s' is not one of GET, HEAD, POST, PUT, DELETE",
		             method ? method : "(null)");
		goto out;
	}
	/* Messages name the method too, except for GET (as they always have). */
	if (strcmp(method, "GET") == 0) {
		fetch_scrub_url(where, sizeof(where), url);
	} else {
		size_t n = (size_t)snprintf(where, sizeof(where), "%s ", method);

		fetch_scrub_url(where + n, sizeof(where) - n, url);
	}
	if (!fetch_url_secure(url)) {
		rc = err_set(err, KV_EINVAL,
		             "%s: refused: a token may only be sent over https (or http to "
		             "a loopback address)",
		             where);
		goto out;
	}
	headers = curl_slist_append(NULL, "Accept: application/json");
	if (headers && bearer) {
		if (buf_printf(&auth, "Authorization: Bearer %s", bearer) != KV_OK) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		tmp = curl_slist_append(headers, buf_cstr(&auth));
		if (!tmp)
			goto nomem;
		headers = tmp;
	}
	if (headers && content_type) {
		struct buf ct;

		buf_init(&ct, 1024);
		if (buf_printf(&ct, "Content-Type: %s", content_type) != KV_OK) {
			buf_done(&ct);
			goto nomem;
		}
		tmp = curl_slist_append(headers, buf_cstr(&ct));
		buf_done(&ct);
		if (!tmp)
			goto nomem;
		headers = tmp;
	}
	for (const struct curl_slist *x = f->extra; headers && x; x = x->next) {
		tmp = curl_slist_append(headers, x->data);
		if (!tmp)
			goto nomem;
		headers = tmp;
	}
	if (!headers)
		goto nomem;
	for (int attempt = 1;; attempt++) {
		struct sink s = {&out->body, 0};
		enum verdict v;
		int code = KV_EIO;
		CURLcode c;
		int64_t after;

		buf_done(&out->body);
		buf_init(&out->body, f->o.max_bytes);
		out->attempts = attempt;
		f->errbuf[0] = '\0';
		f->refused[0] = '\0';
		if (setup(f, url, headers, &rq, &s) != KV_OK) {
			rc = err_set(err, KV_EINTERNAL, "%s: cannot set up the request", where);
			goto out;
		}
		c = curl_easy_perform(f->h);
		out->status = 0;
		curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &out->status);
		if (s.too_big || c == CURLE_FILESIZE_EXCEEDED) {
			rc = err_set(err, KV_EINVAL, "%s: response larger than %zu bytes", where,
			             f->o.max_bytes);
			goto out;
		}
		if (c != CURLE_OK && f->refused[0]) {
			/* Not a passing failure: asking again reaches the same place. */
			rc = err_set(err, KV_EINVAL,
			             "%s: refused: %s is a private/internal address", where,
			             f->refused);
			goto out;
		}
		after = 0;
		if (c != CURLE_OK) {
			/* A dead network is retried like a 5xx: it is often brief. */
			v = V_RETRY;
			err_set(err, KV_EIO, "%s: %s", where,
			        f->errbuf[0] ? f->errbuf : curl_easy_strerror(c));
		} else {
			v = judge(out->status, &out->body, where, &code, err);
			if (v == V_RETRY) {
				after = retry_after_ms(f->h);
				err_set(err, KV_EIO,
				        "%s: HTTP %ld, still failing after %d attempts", where,
				        out->status, attempt);
			}
		}
		if (v == V_OK) {
			err_clear(err);
			rc = KV_OK;
			goto out;
		}
		if (v == V_FAIL) {
			rc = code;
			goto out;
		}
		if (attempt >= f->o.max_attempts) {
			rc = KV_EIO;
			goto out;
		}
		if (after > f->o.max_wait_s * 1000) {
			rc = err_set(
			        err, KV_EIO,
			        "%s: rate limited; the platform asks to wait %lld s, more than "
			        "max_wait_s (%lld s)",
			        where, (long long)(after / 1000), (long long)f->o.max_wait_s);
			goto out;
		}
		wait_ms = fetch_backoff_ms(f->o.backoff_ms, attempt, after,
		                           (double)randombytes_uniform(1000) / 1000.0);
		f->o.sleep_fn(f->o.sleep_ctx, wait_ms);
	}
nomem:
	rc = err_set(err, KV_ENOMEM, "out of memory");
out:
	/* The header held the token: wipe it before the memory is reused. */
	if (auth.ptr)
		sodium_memzero(auth.ptr, auth.len);
	buf_done(&auth);
	curl_slist_free_all(headers);
	if (rc != KV_OK)
		buf_done(&out->body);
	return rc;
}
