/* The JSON API under /api/v1: the route table (method, path pattern,
 * handler, whether a login is needed, and the permission the feature layer
 * checks, for the document and the authorisation tests), authentication of
 * each request (session cookie with CSRF token, or API token) into the
 * principal of its op_ctx, request bodies (size and depth limits), errors as
 * application/problem+json naming the field, cursor pages and ETags. The
 * handlers live in api_<resource>.c; the permission checks in the feature
 * layers they call, never here. */
#ifndef KV_HTTP_API_H
#define KV_HTTP_API_H

#include "base/err.h"
#include "base/hash.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "registry/users.h"
#include "workflow/cases.h"

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct api_oidc;
struct config;
struct server_req;
struct server_route;
struct webhook_ctx;

#define API_PREFIX     "/api/v1"
#define API_BODY_MAX   ((size_t)64 << 10)
#define API_DEPTH_MAX  16
#define API_PARAMS_MAX 3
#define API_PAGE_MAX   500
#define API_PAGE_DEF   50
#define API_COOKIE     "kv_session"

/* What every API handler shares; set up once by serve. */
struct api_ctx {
	const struct config *cfg;
	int64_t org;
	struct users_kdf kdf;
	struct cases_opts cases;
	int64_t idle_s;     /* [auth] session_idle, default 30 min */
	int64_t absolute_s; /* [auth] session_max, default 10 h */
	int max_failures;   /* [auth] login_failures: per user and per address, default 5 */
	int64_t lockout_s;  /* [auth] login_lockout, default 15 min */
	const char *openapi;
	size_t openapi_len;
	const char *rules_dir; /* the screening rules, for checking drafts; NULL: none */
	struct api_oidc *oidc; /* [oidc]; NULL when single sign-on is off */
	pthread_mutex_t lock;  /* guards the throttle table */
	struct api_throttle *throttle;
	size_t n_throttle;
	pthread_mutex_t cache_lock;   /* guards the reply cache */
	struct api_cache_slot *cache; /* API_CACHE_SLOTS replies of lists (api_cache_reply) */
	size_t cache_next;
};

/* Replies of GET lists kept for reuse (api_cache_reply). */
#define API_CACHE_SLOTS 32

/* Reads [auth] (and the case options) from cfg. KV_EINVAL naming the key. */
int api_ctx_init(struct api_ctx *a, const struct config *cfg, int64_t org, struct err *err);
void api_ctx_done(struct api_ctx *a);

/* One request as handlers see it. */
struct api_req {
	struct server_req *req;
	struct api_ctx *api;
	struct principal who; /* AUTH_NONE when nobody is logged in */
	struct op_ctx op;
	const char *param[API_PARAMS_MAX]; /* {…} of the path, in order */
	char param_buf[512];
	json_t *body;                          /* the JSON body (an object), or NULL */
	char session[HASH_SHA256_HEX_LEN + 1]; /* the session's key, when by cookie */
	char csrf[65];
	int64_t session_created;
	struct err *err;
	char field[64];     /* the field a problem names */
	char *cache_key;    /* set by api_cache_reply on a miss: api_reply keeps the reply */
	uint64_t cache_ver; /* the store's data version the key was looked up at */
};

typedef int (*api_fn)(struct api_req *r);

enum api_auth { API_PUBLIC = 0, API_LOGIN };

struct api_route {
	const char *method;
	const char *pattern; /* below API_PREFIX: "/inbox/{id}/assign" */
	api_fn fn;
	enum api_auth auth;
	uint32_t perm;   /* what the feature layer checks (0: none), for tests */
	int any_account; /* 1 when held for one account is enough (lists) */
};

/* The OpenAPI document (docs/api/openapi.json, built into the program). */
extern const char api_openapi_doc[];
extern const size_t api_openapi_doc_len;

/* The API's routes, ending with a zeroed entry. */
extern const struct api_route api_routes[];

/* The server handler for everything under API_PREFIX (ctx: struct
 * api_ctx). */
int api_handle(void *ctx, struct server_req *req, struct err *err);

/* The server's whole route table (health, webhooks, the API); n set. */
size_t api_server_routes(struct server_route *out, size_t cap, struct api_ctx *api,
                         struct webhook_ctx *wc);

/* ---- request parsing (also for the fuzz target) ---- */

/* The route for method and path (below API_PREFIX), its parameters into
 * param (pointing into buf). 0 when found, else 404 (no such path) or 405
 * (the path takes other methods). */
int api_route_find(const char *method, const char *path, const struct api_route **out,
                   const char *param[API_PARAMS_MAX], char *buf, size_t cap);
/* A request body: a JSON object no deeper than API_DEPTH_MAX, without
 * duplicate keys. *out is a new reference. KV_EINVAL naming the place. */
int api_json_body(const char *b, size_t len, json_t **out, struct err *err);
/* A page cursor as the API gives it ("o" and an offset); KV_EINVAL. */
int api_cursor_parse(const char *s, int64_t *out);
/* A date YYYY-MM-DD as the Unix time of its local midnight; KV_EINVAL. */
int api_date_parse(const char *s, int64_t *out);

/* ---- for the handlers ---- */

/* The reply cache, for GET handlers whose reply is a function of the
 * database, the path and query, the principal and the current second (the
 * inbox list). Looks for a reply made for the same key at the same data
 * version of this request's store connection (store_data_version: it
 * changes with any commit, by any process); on a hit sends it (with its
 * ETag, or 304 when If-None-Match names it) and sets *hit. On a miss the
 * handler goes on as usual and api_reply keeps its 200 reply, but only if
 * the data version is still the same after the handler read the database.
 * Failure to look up is not an error: the request is served uncached.
 * Returns what sending the kept reply returned, KV_OK on a miss. */
int api_cache_reply(struct api_req *r, int *hit);

/* Answers v (consumed) with status; for GET, with an ETag, and 304 when
 * If-None-Match names it. */
int api_reply(struct api_req *r, int status, json_t *v);
/* Answers application/problem+json (RFC 9457) with status, a code
 * ("urn:kanalvakt:problem:CODE"), the field named (may be NULL) and the
 * detail. */
int api_problem(struct api_req *r, int status, const char *code, const char *field,
                const char *detail);
/* Answers 204 with no body. */
int api_reply_empty(struct api_req *r);
/* Sets the field a failing call names and returns rc (to return it). */
int api_fail_field(struct api_req *r, int rc, const char *field);

/* The first path parameter as a positive row id; KV_ENOTFOUND naming id. */
int api_param_id(struct api_req *r, int64_t *out);

/* A query argument (NULL when absent). */
const char *api_query(struct api_req *r, const char *name);
/* An integer query argument in [min, max]; def when absent. KV_EINVAL
 * naming it otherwise. */
int api_query_int(struct api_req *r, const char *name, int64_t def, int64_t min, int64_t max,
                  int64_t *out);
/* A flag "1"/"0"/"true"/"false"; 0 when absent. */
int api_query_flag(struct api_req *r, const char *name, int *out);
/* A date YYYY-MM-DD as the Unix time of its local midnight; 0 when absent. */
int api_query_date(struct api_req *r, const char *name, int64_t *out);

/* Body fields: a string (NULL when absent and !required), a boolean, an
 * integer. KV_EINVAL naming the field (and setting r->field) when missing
 * or of the wrong type. */
int api_body_str(struct api_req *r, const char *name, int required, const char **out);
int api_body_bool(struct api_req *r, const char *name, int *out);
/* KV_EINVAL naming the first member of the body that is not one of names. */
int api_body_only(struct api_req *r, const char *const *names);

/* A page of a list: ?limit= and ?cursor=. Rows are offered in order with
 * api_page_add, which returns 1 once the page is full (stop the walk). */
struct api_page {
	int64_t limit, offset, seen;
	json_t *items;
	int more;
};
int api_page_init(struct api_req *r, struct api_page *pg);
int api_page_add(struct api_page *pg, json_t *row);
/* Answers {items, next} and frees the page. */
int api_page_reply(struct api_req *r, struct api_page *pg);
void api_page_done(struct api_page *pg);
/* The end of a list handler: rc from the walk (a positive rc is the page
 * filling up, not an error) answers the page, or frees it and returns rc. */
int api_page_finish(struct api_req *r, struct api_page *pg, int rc);

/* The principal as JSON (the Me schema). */
json_t *api_principal_json(const struct principal *p);

/* Resolves an account reference (id, handle, platform/handle) in op's
 * organisation. KV_ENOTFOUND naming field. */
int api_account_ref(struct api_req *r, const char *ref, const char *field, int64_t *out);

#endif
