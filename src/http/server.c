/* The HTTP server on libmicrohttpd: request state, body limits, routing,
 * replies, the per-request log line and the pool of store connections.
 * struct store is not thread-safe, so a connection is handed to one request
 * at a time and returned to the pool when the request is over. */
#include "http/server.h"

#include "base/buf.h"
#include "base/time.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define POOL_MAX 64

struct server {
	struct MHD_Daemon *mhd;
	struct server_route *routes;
	size_t n_routes;
	size_t max_body;
	char *data_dir;
	server_log_fn log;
	void *log_ctx;
	server_handler fallback;
	void *fallback_ctx;
	unsigned port;
	int tls;
	char *tls_cert, *tls_key;
	pthread_mutex_t lock; /* guards the pool */
	struct store *idle[POOL_MAX];
	int n_idle;
};

struct server_req {
	struct server *srv;
	struct MHD_Connection *conn;
	char method[16];
	char path[256]; /* for the log line; routing uses the full path */
	const char *full_path;
	struct buf body;
	int too_large;
	struct store *store;
	int status; /* 0 until a reply is set */
	char ctype[64];
	struct buf resp;
	char note[200];
	struct timespec started;
	char *hdr_name[SERVER_HEADERS_MAX];
	char *hdr_value[SERVER_HEADERS_MAX];
	size_t n_hdr;
};

static void logf_line(struct server *srv, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void logf_line(struct server *srv, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!srv->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	srv->log(srv->log_ctx, line);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	struct server *srv = cls;
	char msg[512];
	size_t n;

	if (!srv->log)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	logf_line(srv, "httpd: %s", msg);
}

/* Copies s for a log line: printable ASCII only, so a hostile path cannot
 * forge log lines or smuggle terminal escapes. */
static void log_safe(char *out, size_t cap, const char *s)
{
	size_t i = 0;

	for (; s && *s && i + 1 < cap; s++)
		out[i++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[i] = '\0';
}

/* ---- the pool of store connections ---- */

static struct store *pool_take(struct server *srv, struct err *err)
{
	struct store *s = NULL;

	pthread_mutex_lock(&srv->lock);
	if (srv->n_idle > 0)
		s = srv->idle[--srv->n_idle];
	pthread_mutex_unlock(&srv->lock);
	if (!s && store_open(&s, srv->data_dir, err) != KV_OK)
		return NULL;
	return s;
}

static void pool_give(struct server *srv, struct store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&srv->lock);
	if (srv->n_idle < POOL_MAX) {
		srv->idle[srv->n_idle++] = s;
		s = NULL;
	}
	pthread_mutex_unlock(&srv->lock);
	store_free(s);
}

/* ---- what handlers see ---- */

struct qwalk {
	server_query_fn fn;
	void *ctx;
};

static enum MHD_Result query_visit(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct qwalk *w = cls;

	(void)kind;
	return w->fn(w->ctx, key, value) ? MHD_NO : MHD_YES;
}

const char *server_req_method(const struct server_req *req)
{
	return req->method;
}

const char *server_req_path(const struct server_req *req)
{
	return req->full_path;
}

const char *server_req_header(const struct server_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *server_req_query(const struct server_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *server_req_body(const struct server_req *req, size_t *len)
{
	*len = req->body.len;
	return buf_cstr(&req->body);
}

struct store *server_req_store(struct server_req *req, struct err *err)
{
	if (!req->store)
		req->store = pool_take(req->srv, err);
	return req->store;
}

void server_req_note(struct server_req *req, const char *fmt, ...)
{
	char note[sizeof(req->note)];
	size_t have = strlen(req->note);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	snprintf(req->note + have, sizeof(req->note) - have, "%s%s", have ? "; " : "", note);
}

int server_reply_header(struct server_req *req, const char *name, const char *value)
{
	if (req->n_hdr >= SERVER_HEADERS_MAX)
		return KV_ENOMEM;
	req->hdr_name[req->n_hdr] = strdup(name);
	req->hdr_value[req->n_hdr] = strdup(value);
	if (!req->hdr_name[req->n_hdr] || !req->hdr_value[req->n_hdr]) {
		free(req->hdr_name[req->n_hdr]);
		free(req->hdr_value[req->n_hdr]);
		return KV_ENOMEM;
	}
	req->n_hdr++;
	return KV_OK;
}

void server_reply_headers_clear(struct server_req *req)
{
	for (size_t i = 0; i < req->n_hdr; i++) {
		free(req->hdr_name[i]);
		free(req->hdr_value[i]);
	}
	req->n_hdr = 0;
}

int server_req_tls(const struct server_req *req)
{
	return req->srv->tls;
}

void server_req_client(const struct server_req *req, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(out, cap, "-");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET,
		          &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
		          out, (socklen_t)cap);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
		          out, (socklen_t)cap);
}

const char *server_req_cookie(const struct server_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

int server_req_each_query(const struct server_req *req, server_query_fn fn, void *ctx)
{
	struct qwalk w = {fn, ctx};

	return MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_visit, &w);
}

int server_reply(struct server_req *req, int status, const char *content_type, const void *body,
                 size_t len)
{
	buf_clear(&req->resp);
	if (len && buf_put(&req->resp, body, len) != KV_OK)
		return KV_ENOMEM;
	req->status = status;
	snprintf(req->ctype, sizeof(req->ctype), "%s", content_type);
	return KV_OK;
}

int server_reply_json(struct server_req *req, int status, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc;

	json_decref(v);
	if (!s)
		return KV_ENOMEM;
	rc = server_reply(req, status, "application/json", s, strlen(s));
	free(s);
	return rc;
}

int server_reply_error(struct server_req *req, int status, const char *code, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return server_reply_json(req, status,
	                         json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

/* ---- routing ---- */

static int prefix_matches(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0)
		return 0;
	return path[n] == '\0' || path[n] == '/' || (n > 0 && prefix[n - 1] == '/');
}

/* Runs a handler and turns a failure into the error reply. */
static void run_handler(struct server_req *req, server_handler fn, void *ctx)
{
	struct err err;
	int rc;

	err_clear(&err);
	rc = fn(ctx, req, &err);
	if (rc) {
		int status = err_http_status(rc);

		if (status >= 500) {
			/* The details (paths, database messages) go to the log,
			 * not to the client. */
			server_req_note(req, "%s", err.msg[0] ? err.msg : err_name(rc));
			server_reply_error(req, status, err_name(rc), "internal error");
		} else {
			server_reply_error(req, status, err_name(rc), "%s",
			                   err.msg[0] ? err.msg : err_name(rc));
		}
	} else if (!req->status) {
		server_req_note(req, "handler gave no reply");
		server_reply_error(req, 500, "internal", "internal error");
	}
}

static void dispatch(struct server *srv, struct server_req *req)
{
	const struct server_route *route = NULL;
	int path_known = 0;

	for (size_t i = 0; i < srv->n_routes && !route; i++) {
		if (!prefix_matches(req->full_path, srv->routes[i].prefix))
			continue;
		path_known = 1;
		if (strcmp(req->method, srv->routes[i].method) == 0)
			route = &srv->routes[i];
	}
	if (route) {
		run_handler(req, route->fn, route->ctx);
		return;
	}
	if (!path_known && srv->fallback &&
	    (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
		run_handler(req, srv->fallback, srv->fallback_ctx);
		return;
	}
	if (path_known)
		server_reply_error(req, 405, "method_not_allowed", "method %s is not allowed here",
		                   req->method);
	else
		server_reply_error(req, 404, "not_found", "no such resource");
}

static enum MHD_Result send_reply(struct server_req *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (!req->status)
		server_reply_error(req, 500, "internal", "internal error");
	resp = MHD_create_response_from_buffer(req->resp.len, req->resp.ptr ? req->resp.ptr : "",
	                                       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        req->ctype[0] ? req->ctype : "application/octet-stream");
	/* Security headers on every response: the UI loads no inline script
	 * and may not be framed; nothing is sniffed, no referrer leaves. */
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'self'; script-src 'self'; style-src 'self'; "
	                        "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
	                        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (req->srv->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	{
		int cache_set = 0;

		for (size_t i = 0; i < req->n_hdr; i++) {
			MHD_add_response_header(resp, req->hdr_name[i], req->hdr_value[i]);
			if (strcasecmp(req->hdr_name[i], "Cache-Control") == 0)
				cache_set = 1;
		}
		if (!cache_set)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	ok = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void too_large(struct server_req *req)
{
	server_reply_error(req, 413, "too_large", "the request body is larger than %zu bytes",
	                   req->srv->max_body);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct server_req *req = *con_cls;

	if (!req) {
		const char *clen;

		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		req->srv = srv;
		req->conn = conn;
		clock_gettime(CLOCK_MONOTONIC, &req->started);
		snprintf(req->method, sizeof(req->method), "%s", method);
		log_safe(req->path, sizeof(req->path), url);
		buf_init(&req->body, srv->max_body);
		buf_init(&req->resp, 0);
		*con_cls = req;
		clen = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                   MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (clen) {
			char *end = NULL;
			unsigned long long n = strtoull(clen, &end, 10);

			if (end && !*end && n > srv->max_body) {
				/* Refused before reading: MHD answers without the
				 * body and closes the connection. */
				req->too_large = 1;
				too_large(req);
				return send_reply(req);
			}
		}
		return MHD_YES;
	}
	req->full_path = url;
	if (*upload_data_size) {
		if (!req->too_large &&
		    buf_put(&req->body, upload_data, *upload_data_size) != KV_OK) {
			req->too_large = 1;
			buf_done(&req->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->too_large)
		too_large(req);
	else
		dispatch(srv, req);
	return send_reply(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct server_req *req = *con_cls;
	const union MHD_ConnectionInfo *ci;
	char remote[INET6_ADDRSTRLEN] = "-", now[TIME_ISO_LEN];
	struct timespec end;
	long long ms;

	if (!req)
		return;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)(const void *)sa)->sin_addr, remote,
			          sizeof(remote));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			          remote, sizeof(remote));
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (long long)(end.tv_sec - req->started.tv_sec) * 1000 +
	     (end.tv_nsec - req->started.tv_nsec) / 1000000;
	time_format_utc(now, time_now());
	logf_line(srv, "%s %s %s %s %d %zu %lldms%s%s%s", now, remote, req->method, req->path,
	          req->status, req->resp.len, ms,
	          toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)",
	          req->note[0] ? " " : "", req->note);
	pool_give(srv, req->store);
	server_reply_headers_clear(req);
	buf_done(&req->body);
	buf_done(&req->resp);
	free(req);
	*con_cls = NULL;
}

/* ---- start and stop ---- */

int server_parse_listen(const char *listen, char *host, size_t hostcap, unsigned *port,
                        struct err *err)
{
	const char *colon, *h = listen, *hend;
	char *end = NULL;
	long p;

	if (!listen || !*listen)
		return err_set(err, KV_EINVAL, "listen address is empty");
	if (*listen == '[') {
		hend = strchr(listen, ']');
		if (!hend || hend[1] != ':')
			return err_set(err, KV_EINVAL,
			               "listen address '%s': expected [ADDRESS]:PORT", listen);
		h = listen + 1;
		colon = hend + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return err_set(err, KV_EINVAL, "listen address '%s': expected ADDRESS:PORT",
			               listen);
		hend = colon;
	}
	if (hend == h)
		return err_set(err, KV_EINVAL, "listen address '%s': the address is missing",
		               listen);
	if ((size_t)(hend - h) >= hostcap)
		return err_set(err, KV_EINVAL, "listen address '%s': the address is too long",
		               listen);
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || !end || *end || p < 0 || p > 65535)
		return err_set(err, KV_EINVAL,
		               "listen address '%s': the port must be a number from 0 to 65535",
		               listen);
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	*port = (unsigned)p;
	return KV_OK;
}

unsigned server_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* Twice the cores, so that a request waiting on the disk or on a
	 * writer's lock does not stall the connections it shares a thread
	 * with, and at least 4. */
	n = n > 0 ? 2 * n : 4;
	return n < 4 ? 4u : n > 64 ? 64u : (unsigned)n;
}

/* Why the daemon could not listen on addr: a bind of our own, the way the
 * daemon binds (SO_REUSEADDR), finds the reason, and the message says which
 * setting changes the address. */
static int listen_failed(const char *listen, const struct addrinfo *ai, struct err *err)
{
	int fd = socket(ai->ai_family, SOCK_STREAM, 0), one = 1, e = 0;

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0)
			e = errno;
		close(fd);
	}
	if (e == EADDRINUSE)
		return err_set(
		        err, KV_EIO,
		        "cannot listen on %s: the address is already in use (another "
		        "kanalvakt serve, or another program); choose another with "
		        "`kanalvakt serve --listen 127.0.0.1:PORT` or `listen =` under [server] "
		        "in kanalvakt.conf",
		        listen);
	if (e == EACCES)
		return err_set(err, KV_EIO,
		               "cannot listen on %s: not permitted (a port below 1024 needs "
		               "privileges); choose another with `kanalvakt serve --listen "
		               "127.0.0.1:PORT` or `listen =` under [server] in kanalvakt.conf",
		               listen);
	if (e == EADDRNOTAVAIL)
		return err_set(
		        err, KV_EIO,
		        "cannot listen on %s: no interface of this machine has that address; "
		        "choose another with `kanalvakt serve --listen ADDR:PORT` or `listen =` "
		        "under [server] in kanalvakt.conf",
		        listen);
	return err_set(err, KV_EIO, "cannot listen on %s%s%s", listen, e ? ": " : "",
	               e ? strerror(e) : "");
}

int server_start(struct server **out, const struct server_opts *o, struct err *err)
{
	struct server *srv = NULL;
	struct addrinfo hints = {0}, *ai = NULL;
	char host[256], portstr[16];
	unsigned port, flags, threads;
	const union MHD_DaemonInfo *di;
	int rc, gai;

	rc = server_parse_listen(o->listen, host, sizeof(host), &port, err);
	if (rc)
		return rc;
	snprintf(portstr, sizeof(portstr), "%u", port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	gai = getaddrinfo(host, portstr, &hints, &ai);
	if (gai != 0)
		return err_set(err, KV_EINVAL, "listen address '%s': %s", o->listen,
		               gai_strerror(gai));
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	pthread_mutex_init(&srv->lock, NULL);
	srv->max_body = o->max_body ? o->max_body : SERVER_MAX_BODY_DEFAULT;
	srv->log = o->log;
	srv->log_ctx = o->log_ctx;
	srv->fallback = o->fallback;
	srv->fallback_ctx = o->fallback_ctx;
	srv->data_dir = strdup(o->data_dir ? o->data_dir : ".");
	srv->routes = calloc(o->n_routes ? o->n_routes : 1, sizeof(*srv->routes));
	if (!srv->data_dir || !srv->routes) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(srv->routes, o->routes, o->n_routes * sizeof(*srv->routes));
	srv->n_routes = o->n_routes;
	if (o->tls_cert || o->tls_key) {
		if (!o->tls_cert || !o->tls_key) {
			rc = err_set(err, KV_EINVAL,
			             "TLS needs both a certificate and a key ([server] tls_cert, "
			             "tls_key)");
			goto out;
		}
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			rc = err_set(err, KV_EINVAL, "this libmicrohttpd was built without TLS");
			goto out;
		}
		srv->tls = 1;
		srv->tls_cert = strdup(o->tls_cert);
		srv->tls_key = strdup(o->tls_key);
		if (!srv->tls_cert || !srv->tls_key) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
	}
	/* A fixed pool of threads, each polling its share of the connections
	 * (epoll where there is one), rather than a thread per connection:
	 * under many keep-alive clients the cores are not spent switching
	 * between threads. */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	threads = o->threads ? o->threads : server_default_threads();
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* The logger comes first so that MHD reports nothing on its own. */
	if (srv->tls)
		srv->mhd = MHD_start_daemon(
		        flags | MHD_USE_TLS, (uint16_t)port, NULL, NULL, on_request, srv,
		        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv, MHD_OPTION_SOCK_ADDR,
		        ai->ai_addr, MHD_OPTION_CONNECTION_TIMEOUT,
		        o->timeout_s ? o->timeout_s : 30u, MHD_OPTION_CONNECTION_LIMIT,
		        o->max_conns ? o->max_conns : 64u, MHD_OPTION_THREAD_POOL_SIZE, threads,
		        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_HTTPS_MEM_KEY,
		        srv->tls_key, MHD_OPTION_HTTPS_MEM_CERT, srv->tls_cert, MHD_OPTION_END);
	else
		srv->mhd = MHD_start_daemon(
		        flags, (uint16_t)port, NULL, NULL, on_request, srv,
		        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv, MHD_OPTION_SOCK_ADDR,
		        ai->ai_addr, MHD_OPTION_CONNECTION_TIMEOUT,
		        o->timeout_s ? o->timeout_s : 30u, MHD_OPTION_CONNECTION_LIMIT,
		        o->max_conns ? o->max_conns : 64u, MHD_OPTION_THREAD_POOL_SIZE, threads,
		        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
	if (!srv->mhd) {
		rc = listen_failed(o->listen, ai, err);
		goto out;
	}
	di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : port;
	*out = srv;
	srv = NULL;
	rc = KV_OK;
out:
	freeaddrinfo(ai);
	server_free(srv);
	return rc;
}

unsigned server_port(const struct server *srv)
{
	return srv->port;
}

void server_free(struct server *srv)
{
	if (!srv)
		return;
	/* Joins the connection threads, so no request holds a store after. */
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd);
	for (int i = 0; i < srv->n_idle; i++)
		store_free(srv->idle[i]);
	pthread_mutex_destroy(&srv->lock);
	free(srv->routes);
	free(srv->data_dir);
	free(srv->tls_cert);
	if (srv->tls_key)
		explicit_bzero(srv->tls_key, strlen(srv->tls_key));
	free(srv->tls_key);
	free(srv);
}
