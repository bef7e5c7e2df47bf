/* OpenID Connect login: [oidc] settings, the logins in progress (in memory,
 * bound to a pre-session cookie, ten minutes), the redirect to the provider
 * and the callback. */
#include "http/api_oidc.h"

#include "base/config.h"
#include "base/hash.h"
#include "capture/fetch.h"
#include "http/api.h"
#include "http/api_session.h"
#include "http/oidc_jwt.h"
#include "http/server.h"
#include "registry/users.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OIDC_COOKIE     "kv_oidc"
#define OIDC_PATH       API_PREFIX "/session/oidc"
#define OIDC_PENDING    256
#define OIDC_TTL_S      600
#define OIDC_URL_MAX    1024
#define OIDC_SECRET_MAX 512

struct pending {
	char key[HASH_SHA256_HEX_LEN + 1]; /* SHA-256 of the cookie value; "" = free */
	char state[65];
	char nonce[65];
	char verifier[64];
	int64_t expires;
};

struct api_oidc {
	char issuer[OIDC_URL_MAX];
	char client_id[256];
	char secret[OIDC_SECRET_MAX];
	char redirect_uri[OIDC_URL_MAX];
	char scopes[256];
	char roles_claim[64];
	char name_claim[64];
	int provision;
	int64_t leeway_s;
	const struct config *cfg; /* the role.<value> mappings */
	pthread_mutex_t lock;     /* guards the endpoints and pending */
	char authorize_ep[OIDC_URL_MAX];
	char token_ep[OIDC_URL_MAX];
	char jwks_uri[OIDC_URL_MAX];
	struct pending pending[OIDC_PENDING];
};

/* ---- settings ---- */

static int copy_key(const struct config *cfg, const char *key, const char *def, char *out,
                    size_t cap, int required, struct err *err)
{
	const char *v = config_get(cfg, "oidc", key, def);

	if (!v || !*v) {
		if (required)
			return err_set(err, KV_EINVAL, "[oidc] %s: required for single sign-on",
			               key);
		out[0] = '\0';
		return KV_OK;
	}
	if (strlen(v) >= cap)
		return err_set(err, KV_EINVAL, "[oidc] %s: at most %zu bytes", key, cap - 1);
	snprintf(out, cap, "%s", v);
	return KV_OK;
}

/* client_secret, or client_secret_file (its first line), or client_secret_env
 * (an environment variable's name). */
static int load_secret(struct api_oidc *o, const struct config *cfg, struct err *err)
{
	const char *v = config_get(cfg, "oidc", "client_secret", NULL);
	const char *file = config_get(cfg, "oidc", "client_secret_file", NULL);
	const char *env = config_get(cfg, "oidc", "client_secret_env", NULL);
	int given = (v != NULL) + (file != NULL) + (env != NULL);

	if (given != 1)
		return err_set(err, KV_EINVAL,
		               "[oidc] client_secret: give exactly one of client_secret, "
		               "client_secret_file and client_secret_env");
	if (env) {
		v = getenv(env);
		if (!v || !*v)
			return err_set(err, KV_EINVAL,
			               "[oidc] client_secret_env: the variable '%s' is not set",
			               env);
	}
	if (file) {
		FILE *f = fopen(file, "r");
		size_t n;

		if (!f)
			return err_set(err, KV_EINVAL,
			               "[oidc] client_secret_file: cannot read '%s'", file);
		if (!fgets(o->secret, sizeof(o->secret), f))
			o->secret[0] = '\0';
		fclose(f);
		n = strcspn(o->secret, "\r\n");
		o->secret[n] = '\0';
		if (!n)
			return err_set(err, KV_EINVAL, "[oidc] client_secret_file: '%s' is empty",
			               file);
		return KV_OK;
	}
	if (!*v || strlen(v) >= sizeof(o->secret))
		return err_set(err, KV_EINVAL, "[oidc] client_secret: empty or too long");
	snprintf(o->secret, sizeof(o->secret), "%s", v);
	return KV_OK;
}

/* A role mapping "ROLE" or "ROLE:account,account". */
static int check_mapping(void *ctx, const char *name, const char *value)
{
	struct err *err = ctx;
	char role[64];
	size_t n = strcspn(value, ":");
	enum role r;

	if (!*name)
		return err_set(err, KV_EINVAL,
		               "[oidc] role.: a claim value is required after 'role.'");
	snprintf(role, sizeof(role), "%.*s", (int)(n < 63 ? n : 63), value);
	if (principal_role_from_name(role, &r, err))
		return err_prefix(err, "[oidc] role.%s: ", name);
	if (r == ROLE_CUSTOM)
		return err_set(err, KV_EINVAL,
		               "[oidc] role.%s: a custom role cannot be mapped; use a named role",
		               name);
	if (value[n] == ':' && !value[n + 1])
		return err_set(err, KV_EINVAL, "[oidc] role.%s: no accounts after ':'", name);
	return KV_OK;
}

int api_oidc_init(struct api_oidc **out, const struct config *cfg, struct err *err)
{
	struct api_oidc *o;
	int64_t leeway = 60;
	int rc;

	*out = NULL;
	if (!cfg || !config_get(cfg, "oidc", "issuer", NULL))
		return KV_OK;
	o = calloc(1, sizeof(*o));
	if (!o)
		return err_set(err, KV_ENOMEM, "out of memory");
	o->cfg = cfg;
	rc = copy_key(cfg, "issuer", NULL, o->issuer, sizeof(o->issuer), 1, err);
	if (!rc && !fetch_url_secure(o->issuer))
		rc = err_set(err, KV_EINVAL, "[oidc] issuer: '%s' is not https (nor loopback http)",
		             o->issuer);
	if (!rc)
		rc = copy_key(cfg, "client_id", NULL, o->client_id, sizeof(o->client_id), 1, err);
	if (!rc)
		rc = load_secret(o, cfg, err);
	if (!rc)
		rc = copy_key(cfg, "redirect_uri", NULL, o->redirect_uri, sizeof(o->redirect_uri),
		              1, err);
	if (!rc)
		rc = copy_key(cfg, "scopes", "openid profile email", o->scopes, sizeof(o->scopes),
		              1, err);
	if (!rc && strncmp(o->scopes, "openid", 6) != 0 && !strstr(o->scopes, " openid"))
		rc = err_set(err, KV_EINVAL, "[oidc] scopes: must include openid");
	if (!rc)
		rc = copy_key(cfg, "roles_claim", "groups", o->roles_claim, sizeof(o->roles_claim),
		              1, err);
	if (!rc)
		rc = copy_key(cfg, "username_claim", "preferred_username", o->name_claim,
		              sizeof(o->name_claim), 1, err);
	if (!rc)
		rc = config_get_bool(cfg, "oidc", "provision", 0, &o->provision, err);
	if (!rc)
		rc = config_get_int(cfg, "oidc", "leeway_s", 60, &leeway, err);
	if (!rc && (leeway < 0 || leeway > 600))
		rc = err_set(err, KV_EINVAL, "[oidc] leeway_s: from 0 to 600 seconds");
	if (!rc)
		rc = config_each_key(cfg, "oidc", "role.", check_mapping, err);
	if (rc) {
		sodium_memzero(o->secret, sizeof(o->secret));
		free(o);
		return rc;
	}
	o->leeway_s = leeway;
	pthread_mutex_init(&o->lock, NULL);
	*out = o;
	return KV_OK;
}

void api_oidc_free(struct api_oidc *o)
{
	if (!o)
		return;
	pthread_mutex_destroy(&o->lock);
	sodium_memzero(o, sizeof(*o));
	free(o);
}

/* ---- talking to the provider ---- */

static int provider_json(const char *method, const char *url, const char *form, json_t **out,
                         struct err *err)
{
	struct fetch_opts fo = {.timeout_s = 15, .max_attempts = 1, .max_bytes = (size_t)1 << 20};
	struct fetch_result res;
	struct fetch *f = NULL;
	int rc;

	*out = NULL;
	rc = fetch_new(&f, &fo, err);
	if (rc)
		return rc;
	fetch_result_init(&res);
	rc = fetch_request(f, method, url, NULL, form ? "application/x-www-form-urlencoded" : NULL,
	                   form, form ? strlen(form) : 0, &res, err);
	if (!rc) {
		*out = json_loadb(res.body.ptr ? res.body.ptr : "", res.body.len, 0, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			rc = err_set(err, KV_EIO,
			             "the identity provider's answer is not a JSON object");
		}
	}
	fetch_result_done(&res);
	fetch_free(f);
	return rc;
}

static int endpoint(const json_t *doc, const char *name, char *out, size_t cap, struct err *err)
{
	const char *v = json_string_value(json_object_get(doc, name));

	if (!v || !*v || strlen(v) >= cap || !fetch_url_secure(v))
		return err_set(err, KV_EIO,
		               "the discovery document has no %s that is https (or loopback http)",
		               name);
	snprintf(out, cap, "%s", v);
	return KV_OK;
}

/* The endpoints from the discovery document, fetched once (again after a
 * failure). */
static int discover(struct api_oidc *o, struct err *err)
{
	char url[OIDC_URL_MAX + 64];
	const char *iss;
	json_t *doc = NULL;
	int rc;

	pthread_mutex_lock(&o->lock);
	rc = o->jwks_uri[0] ? KV_OK : -1;
	pthread_mutex_unlock(&o->lock);
	if (rc == KV_OK)
		return KV_OK;
	snprintf(url, sizeof(url), "%s%s.well-known/openid-configuration", o->issuer,
	         o->issuer[strlen(o->issuer) - 1] == '/' ? "" : "/");
	rc = provider_json("GET", url, NULL, &doc, err);
	if (rc)
		return err_prefix(err, "discovery: ");
	iss = json_string_value(json_object_get(doc, "issuer"));
	if (!iss || strcmp(iss, o->issuer) != 0)
		rc = err_set(err, KV_EIO, "discovery: the document's issuer '%s' is not '%s'",
		             iss ? iss : "(none)", o->issuer);
	pthread_mutex_lock(&o->lock);
	if (!rc)
		rc = endpoint(doc, "authorization_endpoint", o->authorize_ep,
		              sizeof(o->authorize_ep), err);
	if (!rc)
		rc = endpoint(doc, "token_endpoint", o->token_ep, sizeof(o->token_ep), err);
	if (!rc)
		rc = endpoint(doc, "jwks_uri", o->jwks_uri, sizeof(o->jwks_uri), err);
	if (rc)
		o->jwks_uri[0] = '\0';
	pthread_mutex_unlock(&o->lock);
	json_decref(doc);
	return rc;
}

/* ---- the logins in progress ---- */

static void random_hex(char *out, size_t bytes)
{
	unsigned char b[32];

	randombytes_buf(b, bytes);
	hash_hex(out, b, bytes);
	sodium_memzero(b, sizeof(b));
}

static int pending_add(struct api_oidc *o, const struct pending *p, int64_t now)
{
	struct pending *slot = NULL;

	pthread_mutex_lock(&o->lock);
	for (size_t i = 0; i < OIDC_PENDING; i++) {
		if (o->pending[i].key[0] && o->pending[i].expires < now)
			sodium_memzero(&o->pending[i], sizeof(o->pending[i]));
		if (!slot && !o->pending[i].key[0])
			slot = &o->pending[i];
	}
	if (slot)
		*slot = *p;
	pthread_mutex_unlock(&o->lock);
	return slot ? KV_OK : KV_ECONFLICT;
}

/* Takes (removes) the login the cookie names; 0 when found and not expired. */
static int pending_take(struct api_oidc *o, const char *cookie, int64_t now, struct pending *out)
{
	char key[HASH_SHA256_HEX_LEN + 1];
	int found = 0;

	hash_sha256_hex(key, cookie, strlen(cookie));
	pthread_mutex_lock(&o->lock);
	for (size_t i = 0; i < OIDC_PENDING && !found; i++) {
		if (!o->pending[i].key[0] || strcmp(o->pending[i].key, key) != 0)
			continue;
		found = o->pending[i].expires >= now;
		*out = o->pending[i];
		sodium_memzero(&o->pending[i], sizeof(o->pending[i]));
		if (!found)
			break;
	}
	pthread_mutex_unlock(&o->lock);
	return found ? KV_OK : KV_ENOTFOUND;
}

/* ---- the two routes ---- */

static int not_configured(struct api_req *r)
{
	return api_problem(r, 404, "sso_off", NULL,
	                   "single sign-on is not configured ([oidc] issuer is not set)");
}

/* Appends "&name=value" (URL-escaped) to s. */
static int append_param(char *s, size_t cap, const char *name, const char *value)
{
	char *e = curl_easy_escape(NULL, value, 0);
	size_t len = strlen(s);
	int n;

	if (!e)
		return KV_ENOMEM;
	n = snprintf(s + len, cap - len, "%s%s=%s", len ? "&" : "", name, e);
	curl_free(e);
	return n < 0 || (size_t)n >= cap - len ? KV_EINVAL : KV_OK;
}

static void cookie_header(struct api_req *r, const char *value, int64_t max_age)
{
	char c[256];

	/* Lax: the provider sends the browser back with a top-level GET from
	 * its own site; the session cookie itself stays Strict. */
	snprintf(c, sizeof(c), "%s=%s; Path=%s; HttpOnly; SameSite=Lax; Max-Age=%lld%s",
	         OIDC_COOKIE, value, OIDC_PATH, (long long)max_age,
	         server_req_tls(r->req) ? "; Secure" : "");
	server_reply_header(r->req, "Set-Cookie", c);
}

int api_oidc_start(struct api_req *r)
{
	struct api_oidc *o = r->api->oidc;
	char query[2048] = "", url[OIDC_URL_MAX + 2048], cookie[65], challenge[44];
	unsigned char vb[32];
	struct pending p;
	int rc;

	if (!o)
		return not_configured(r);
	rc = discover(o, r->err);
	if (rc) {
		server_req_note(r->req, "oidc: %s", r->err->msg);
		return api_problem(r, 502, "sso_provider", NULL, r->err->msg);
	}
	memset(&p, 0, sizeof(p));
	random_hex(cookie, 32);
	hash_sha256_hex(p.key, cookie, strlen(cookie));
	random_hex(p.state, 32);
	random_hex(p.nonce, 32);
	randombytes_buf(vb, sizeof(vb));
	oidc_jwt_b64url(p.verifier, sizeof(p.verifier), vb, sizeof(vb));
	sodium_memzero(vb, sizeof(vb));
	oidc_jwt_pkce_challenge(challenge, p.verifier);
	p.expires = r->op.now + OIDC_TTL_S;
	if (pending_add(o, &p, r->op.now) != KV_OK)
		return api_problem(r, 503, "sso_busy", NULL,
		                   "too many logins in progress: try again in a few minutes");
	rc = append_param(query, sizeof(query), "response_type", "code");
	if (!rc)
		rc = append_param(query, sizeof(query), "client_id", o->client_id);
	if (!rc)
		rc = append_param(query, sizeof(query), "redirect_uri", o->redirect_uri);
	if (!rc)
		rc = append_param(query, sizeof(query), "scope", o->scopes);
	if (!rc)
		rc = append_param(query, sizeof(query), "state", p.state);
	if (!rc)
		rc = append_param(query, sizeof(query), "nonce", p.nonce);
	if (!rc)
		rc = append_param(query, sizeof(query), "code_challenge", challenge);
	if (!rc)
		rc = append_param(query, sizeof(query), "code_challenge_method", "S256");
	sodium_memzero(&p, sizeof(p));
	if (rc)
		return err_set(r->err, rc, "the authorization request does not fit");
	pthread_mutex_lock(&o->lock);
	snprintf(url, sizeof(url), "%s%s%s", o->authorize_ep,
	         strchr(o->authorize_ep, '?') ? "&" : "?", query);
	pthread_mutex_unlock(&o->lock);
	cookie_header(r, cookie, OIDC_TTL_S);
	sodium_memzero(cookie, sizeof(cookie));
	server_reply_header(r->req, "Location", url);
	return server_reply(r->req, 302, "text/plain; charset=utf-8", "", 0);
}

/* The grants of the role.<value> mappings for the claim's values (a string
 * or an array of strings). */
struct grants {
	struct users_grant_input g[PRINCIPAL_GRANT_MAX];
	char role[PRINCIPAL_GRANT_MAX][64];
	char acct_buf[PRINCIPAL_GRANT_MAX][1024];
	const char *acct[PRINCIPAL_GRANT_MAX][PRINCIPAL_ACCT_MAX];
	size_t n;
};

static void grant_from(struct grants *gs, const char *mapping)
{
	size_t k = gs->n, rl = strcspn(mapping, ":");
	struct users_grant_input *g;
	char *p;

	if (k >= PRINCIPAL_GRANT_MAX)
		return;
	g = &gs->g[k];
	memset(g, 0, sizeof(*g));
	snprintf(gs->role[k], sizeof(gs->role[k]), "%.*s", (int)(rl < 63 ? rl : 63), mapping);
	g->role = gs->role[k];
	if (mapping[rl] == ':') {
		snprintf(gs->acct_buf[k], sizeof(gs->acct_buf[k]), "%s", mapping + rl + 1);
		for (p = gs->acct_buf[k]; *p && g->n_accounts < PRINCIPAL_ACCT_MAX;) {
			size_t n = strcspn(p, ",");
			char *next = p[n] ? p + n + 1 : p + n;

			p[n] = '\0';
			while (*p == ' ')
				p++;
			for (size_t e = strlen(p); e && p[e - 1] == ' '; e--)
				p[e - 1] = '\0';
			if (*p)
				gs->acct[k][g->n_accounts++] = p;
			p = next;
		}
		g->accounts = gs->acct[k];
	}
	gs->n++;
}

static void map_claim(const struct api_oidc *o, const json_t *claims, struct grants *gs)
{
	const json_t *v = json_object_get(claims, o->roles_claim), *e;
	char key[320];
	size_t i;

	gs->n = 0;
	if (json_is_string(v)) {
		snprintf(key, sizeof(key), "role.%s", json_string_value(v));
		if (config_get(o->cfg, "oidc", key, NULL))
			grant_from(gs, config_get(o->cfg, "oidc", key, NULL));
		return;
	}
	json_array_foreach(v, i, e)
	{
		const char *m;

		if (!json_is_string(e))
			continue;
		snprintf(key, sizeof(key), "role.%s", json_string_value(e));
		m = config_get(o->cfg, "oidc", key, NULL);
		if (m)
			grant_from(gs, m);
	}
}

static int refuse(struct api_req *r, int status, const char *code, const char *why)
{
	char detail[400];
	json_t *j = json_pack("{s:s,s:s}", "method", "oidc", "reason", why);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	snprintf(detail, sizeof(detail), "%s", s ? s : "{\"method\":\"oidc\"}");
	free(s);
	json_decref(j);
	server_req_note(r->req, "oidc refused: %s", why);
	api_session_audit_failure(r, detail);
	return api_problem(r, status, code, NULL, why);
}

static int exchange(struct api_req *r, const struct pending *p, const char *code, json_t **claims)
{
	struct api_oidc *o = r->api->oidc;
	char form[4096] = "", token_ep[OIDC_URL_MAX], jwks_uri[OIDC_URL_MAX];
	json_t *tok = NULL, *jwks = NULL;
	const char *idt;
	int rc;

	pthread_mutex_lock(&o->lock);
	snprintf(token_ep, sizeof(token_ep), "%s", o->token_ep);
	snprintf(jwks_uri, sizeof(jwks_uri), "%s", o->jwks_uri);
	pthread_mutex_unlock(&o->lock);
	rc = append_param(form, sizeof(form), "grant_type", "authorization_code");
	if (!rc)
		rc = append_param(form, sizeof(form), "code", code);
	if (!rc)
		rc = append_param(form, sizeof(form), "redirect_uri", o->redirect_uri);
	if (!rc)
		rc = append_param(form, sizeof(form), "client_id", o->client_id);
	if (!rc)
		rc = append_param(form, sizeof(form), "client_secret", o->secret);
	if (!rc)
		rc = append_param(form, sizeof(form), "code_verifier", p->verifier);
	if (rc) {
		sodium_memzero(form, sizeof(form));
		return err_set(r->err, KV_EINVAL, "code: too long");
	}
	/* fetch never puts the body (the secret) in a message. */
	rc = provider_json("POST", token_ep, form, &tok, r->err);
	sodium_memzero(form, sizeof(form));
	if (rc)
		return err_prefix(r->err, "token exchange: ");
	idt = json_string_value(json_object_get(tok, "id_token"));
	if (!idt) {
		json_decref(tok);
		return err_set(r->err, KV_EDENIED, "token exchange: the answer has no id_token");
	}
	rc = provider_json("GET", jwks_uri, NULL, &jwks, r->err);
	if (rc) {
		json_decref(tok);
		return err_prefix(r->err, "jwks: ");
	}
	rc = oidc_jwt_verify(idt, jwks, claims, r->err);
	if (!rc) {
		struct oidc_jwt_expect x = {o->issuer, o->client_id, p->nonce, r->op.now,
		                            o->leeway_s};

		rc = oidc_jwt_check(*claims, &x, r->err);
		if (rc) {
			json_decref(*claims);
			*claims = NULL;
		}
	}
	json_decref(jwks);
	json_decref(tok);
	return rc;
}

int api_oidc_callback(struct api_req *r)
{
	struct api_oidc *o = r->api->oidc;
	const char *cookie = server_req_cookie(r->req, OIDC_COOKIE);
	const char *state = api_query(r, "state"), *code = api_query(r, "code");
	const char *perr = api_query(r, "error");
	json_t *claims = NULL;
	struct grants *gs = NULL;
	struct users_sso in;
	struct pending p;
	char msg[600];
	int rc, found;

	if (!o)
		return not_configured(r);
	found = cookie && strlen(cookie) == 64 && pending_take(o, cookie, r->op.now, &p) == KV_OK;
	if (!found)
		return refuse(r, 400, "sso_state",
		              "no single sign-on login is in progress in this browser (or it took "
		              "longer than ten minutes): start again at /api/v1/session/oidc");
	if (!state || strlen(state) != strlen(p.state) ||
	    !hash_equal_ct(state, p.state, strlen(p.state))) {
		sodium_memzero(&p, sizeof(p));
		return refuse(r, 400, "sso_state", "state: not the one this login sent");
	}
	if (perr) {
		snprintf(msg, sizeof(msg), "the identity provider refused the login: %.200s", perr);
		sodium_memzero(&p, sizeof(p));
		return refuse(r, 401, "sso_refused", msg);
	}
	if (!code || !*code) {
		sodium_memzero(&p, sizeof(p));
		return refuse(r, 400, "sso_code", "code: the provider sent no authorization code");
	}
	rc = discover(o, r->err);
	if (!rc)
		rc = exchange(r, &p, code, &claims);
	sodium_memzero(&p, sizeof(p));
	if (rc) {
		snprintf(msg, sizeof(msg), "%.590s", r->err->msg);
		err_clear(r->err);
		return refuse(r,
		              rc == KV_EDENIED  ? 401
		              : rc == KV_EINVAL ? 400
		                                : 502,
		              "sso_token", msg);
	}
	gs = calloc(1, sizeof(*gs));
	if (!gs) {
		json_decref(claims);
		return err_set(r->err, KV_ENOMEM, "out of memory");
	}
	map_claim(o, claims, gs);
	memset(&in, 0, sizeof(in));
	in.issuer = o->issuer;
	in.subject = json_string_value(json_object_get(claims, "sub"));
	in.name = json_string_value(json_object_get(claims, o->name_claim));
	in.grants = gs->g;
	in.n_grants = gs->n;
	in.provision = o->provision;
	if (!in.name) {
		snprintf(msg, sizeof(msg), "%s: the ID token has no such claim (the user name)",
		         o->name_claim);
		rc = KV_EDENIED;
	} else {
		rc = users_sso_login(&r->op, &in, &r->who, r->err);
		if (rc)
			snprintf(msg, sizeof(msg), "%.590s", r->err->msg);
	}
	free(gs);
	json_decref(claims);
	if (rc == KV_EDENIED || rc == KV_EINVAL || rc == KV_ENOTFOUND) {
		memset(&r->who, 0, sizeof(r->who));
		err_clear(r->err);
		return refuse(r, 403, "sso_denied", msg);
	}
	if (rc)
		return rc;
	rc = api_session_begin(r, "{\"method\":\"oidc\"}");
	if (rc)
		return rc;
	cookie_header(r, "", 0);
	server_reply_header(r->req, "Location", "/");
	return server_reply(r->req, 302, "text/plain; charset=utf-8", "", 0);
}
