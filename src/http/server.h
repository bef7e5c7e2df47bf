/* A small HTTP server on libmicrohttpd: one thread per connection (bounded),
 * a route table (method + path prefix -> handler), request bodies read into a
 * limited buffer (413 past it), JSON error bodies, one log line per request
 * (method, path without the query string, status, size: never headers, query
 * values or bodies, which may hold secrets), and a pool of store connections
 * so each request uses a connection no other thread holds. Not the handlers
 * themselves (http/webhook) and not the signal handling (cli/cmd_serve). */
#ifndef KV_HTTP_SERVER_H
#define KV_HTTP_SERVER_H

#include "base/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct server;
struct server_req;
struct store;

#define SERVER_MAX_BODY_DEFAULT ((size_t)8 << 20)
#define SERVER_HEADERS_MAX      8

/* A handler answers with one of the server_reply* calls and returns KV_OK,
 * or returns a negative KV_E* code with err set, and the server answers with
 * a JSON error whose status is err_http_status(code). */
typedef int (*server_handler)(void *ctx, struct server_req *req, struct err *err);

struct server_route {
	const char *method; /* "GET", "POST" ... */
	const char *prefix; /* matches the path itself or the path below it */
	server_handler fn;
	void *ctx;
};

/* Receives each log line (no newline). Called from any server thread. */
typedef void (*server_log_fn)(void *ctx, const char *line);

struct server_opts {
	const char *listen;   /* "ADDR:PORT", "[V6ADDR]:PORT"; port 0 picks a free one */
	const char *data_dir; /* for the pool of store connections */
	size_t max_body;      /* 0 = SERVER_MAX_BODY_DEFAULT */
	unsigned timeout_s;   /* idle connection timeout; 0 = 30 */
	unsigned max_conns;   /* concurrent connections; 0 = 64 */
	const struct server_route *routes;
	size_t n_routes;
	server_log_fn log; /* NULL = no logging */
	void *log_ctx;
	const char *tls_cert; /* PEM text of the certificate chain; NULL = plain HTTP */
	const char *tls_key;  /* PEM text of the private key (copied, wiped on free) */
	/* Answers the GET and HEAD requests whose path no route knows (the
	 * web UI's files, http/static_files); NULL: 404 for those too. */
	server_handler fallback;
	void *fallback_ctx;
};

/* Binds and starts serving in background threads. The routes are copied;
 * their ctx pointers must outlive the server. *out owned by the caller
 * (server_free). KV_EINVAL for a listen address that cannot be parsed, KV_EIO
 * when it cannot be bound. */
int server_start(struct server **out, const struct server_opts *o, struct err *err);

/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *srv);

/* Stops accepting, waits for the requests in progress to finish, closes the
 * store connections and frees the server. Accepts NULL. */
void server_free(struct server *srv);

/* Parses "ADDR:PORT" / "[V6ADDR]:PORT" into host (NUL-terminated, at most
 * hostcap bytes with the NUL) and port. KV_EINVAL naming what is wrong. */
int server_parse_listen(const char *listen, char *host, size_t hostcap, unsigned *port,
                        struct err *err);

/* What a handler can read about its request; all strings are borrowed until
 * the handler returns. Lookups of headers are case-insensitive; NULL when
 * absent. The body is NUL-terminated (len excludes the NUL). */
const char *server_req_method(const struct server_req *req);
const char *server_req_path(const struct server_req *req);
const char *server_req_header(const struct server_req *req, const char *name);
const char *server_req_query(const struct server_req *req, const char *name);
const char *server_req_body(const struct server_req *req, size_t *len);

/* The value of cookie name, or NULL. */
const char *server_req_cookie(const struct server_req *req, const char *name);

/* Calls fn for each query argument in order (value NULL for "?flag");
 * a non-zero return stops. Returns the number visited. */
typedef int (*server_query_fn)(void *ctx, const char *key, const char *value);
int server_req_each_query(const struct server_req *req, server_query_fn fn, void *ctx);

/* The client's address as text ("-" when unknown). */
void server_req_client(const struct server_req *req, char *out, size_t cap);

/* 1 when the server speaks TLS (cookies are then Secure). */
int server_req_tls(const struct server_req *req);

/* A store connection for this request only (from the pool, opened on first
 * use). Borrowed until the request ends; NULL with err set on failure. */
struct store *server_req_store(struct server_req *req, struct err *err);

/* Adds a short note to the request's log line ("delivery 12 new"). Never
 * pass secrets. */
void server_req_note(struct server_req *req, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Sets the response. A second reply replaces the first. KV_ENOMEM. */
int server_reply(struct server_req *req, int status, const char *content_type, const void *body,
                 size_t len);
/* Adds a response header (Set-Cookie, ETag ...), at most
 * SERVER_HEADERS_MAX; KV_ENOMEM past it. The security headers
 * (Content-Security-Policy, nosniff, frame and referrer policy) and
 * Cache-Control: no-store (unless one is set here) go on every response. */
int server_reply_header(struct server_req *req, const char *name, const char *value);
/* Drops the headers added so far (a handler that fails after adding some). */
void server_reply_headers_clear(struct server_req *req);
/* Answers with v as JSON; consumes the reference. */
int server_reply_json(struct server_req *req, int status, json_t *v);
/* Answers {"error": {"code": code, "message": ...}} with status. */
int server_reply_error(struct server_req *req, int status, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif
