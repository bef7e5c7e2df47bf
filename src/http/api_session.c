/* Logins and sessions: POST /session checks the password (throttled per
 * user name and per address), makes a new random session id (never one the
 * client brought: the id is rotated on every login) and a CSRF token; only
 * the SHA-256 of the id is stored. The cookie is HttpOnly, SameSite=Strict,
 * Secure under TLS. Each request is authenticated here: by the session
 * cookie (idle and absolute expiry) or by an API token (Authorization:
 * Bearer). Every login, failed login and logout is audited. */
#include "http/api.h"
#include "http/api_session.h"

#include "base/hash.h"
#include "base/time.h"
#include "http/server.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/user_rows.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THROTTLE_MAX 4096

struct api_throttle {
	char key[96]; /* "u:NAME" or "a:ADDRESS" */
	int failures;
	int64_t since; /* the first failure of the window */
};

static struct api_throttle *throttle_find(struct api_ctx *a, const char *key, int make)
{
	struct api_throttle *t = NULL;

	for (size_t i = 0; i < a->n_throttle; i++)
		if (strcmp(a->throttle[i].key, key) == 0)
			return &a->throttle[i];
	if (!make)
		return NULL;
	if (a->n_throttle % 64 == 0) {
		size_t cap = a->n_throttle + 64;
		struct api_throttle *g;

		if (cap > THROTTLE_MAX)
			return NULL;
		g = realloc(a->throttle, cap * sizeof(*g));
		if (!g)
			return NULL;
		a->throttle = g;
	}
	t = &a->throttle[a->n_throttle++];
	memset(t, 0, sizeof(*t));
	snprintf(t->key, sizeof(t->key), "%s", key);
	return t;
}

/* 1 when key is locked out now (too many failures within the lockout). */
static int throttled(struct api_ctx *a, const char *key, int64_t now)
{
	struct api_throttle *t;
	int locked = 0;

	pthread_mutex_lock(&a->lock);
	t = throttle_find(a, key, 0);
	if (t && now - t->since >= a->lockout_s) {
		t->failures = 0;
		t->since = now;
	}
	if (t && t->failures >= a->max_failures)
		locked = 1;
	pthread_mutex_unlock(&a->lock);
	return locked;
}

static void throttle_note(struct api_ctx *a, const char *key, int64_t now, int failed)
{
	struct api_throttle *t;

	pthread_mutex_lock(&a->lock);
	t = throttle_find(a, key, failed);
	if (t && failed) {
		if (t->failures == 0)
			t->since = now;
		t->failures++;
	} else if (t) {
		t->failures = 0;
	}
	pthread_mutex_unlock(&a->lock);
}

static int audit_session(struct api_req *r, const char *actor, const char *action,
                         const char *detail)
{
	struct err e;

	err_clear(&e);
	return audit_append(r->op.store, NULL, r->op.org, actor, action, "session", NULL, NULL,
	                    detail, &e);
}

static void set_cookie(struct api_req *r, const char *value, int64_t max_age)
{
	char c[256];

	snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
	         API_COOKIE, value, (long long)max_age, server_req_tls(r->req) ? "; Secure" : "");
	server_reply_header(r->req, "Set-Cookie", c);
}

static json_t *session_json(struct api_req *r, int64_t created)
{
	char exp[TIME_ISO_LEN];

	time_format_utc(exp, created + r->api->absolute_s);
	return json_pack("{s:s,s:o,s:s}", "csrf", r->csrf, "user", api_principal_json(&r->who),
	                 "expires_at", exp);
}

int api_session_login(struct api_req *r)
{
	static const char *const fields[] = {"username", "password", NULL};
	char addr[64], kuser[96], kaddr[96], detail[200];
	const char *user = NULL, *pw = NULL;
	int64_t org = 0;
	int rc;

	rc = api_body_only(r, fields);
	if (!rc)
		rc = api_body_str(r, "username", 1, &user);
	if (!rc)
		rc = api_body_str(r, "password", 1, &pw);
	if (rc)
		return rc;
	server_req_client(r->req, addr, sizeof(addr));
	snprintf(kuser, sizeof(kuser), "u:%.80s", user);
	snprintf(kaddr, sizeof(kaddr), "a:%s", addr);
	if (throttled(r->api, kuser, r->op.now) || throttled(r->api, kaddr, r->op.now)) {
		snprintf(r->field, sizeof(r->field), "username");
		server_req_note(r->req, "login throttled");
		return api_problem(r, 429, "throttled", "username",
		                   "too many failed logins: wait a while and try again");
	}
	rc = users_login(r->op.store, user, pw, &r->who, &org, r->err);
	if (rc == KV_EDENIED || (!rc && org != r->api->org)) {
		throttle_note(r->api, kuser, r->op.now, 1);
		throttle_note(r->api, kaddr, r->op.now, 1);
		snprintf(detail, sizeof(detail), "{\"address\":\"%s\"}", addr);
		audit_session(r, "anonymous", "session.login_failed", detail);
		memset(&r->who, 0, sizeof(r->who));
		err_clear(r->err);
		return api_problem(r, 401, "unauthorized", NULL, "wrong user name or password");
	}
	if (rc)
		return rc;
	throttle_note(r->api, kuser, r->op.now, 0);
	rc = api_session_begin(r, NULL);
	if (rc)
		return rc;
	return api_reply(r, 200, session_json(r, r->op.now));
}

int api_session_begin(struct api_req *r, const char *detail)
{
	unsigned char raw[32], craw[24];
	char id[65], sha[HASH_SHA256_HEX_LEN + 1];
	int rc;

	/* A new id on every login: whatever session the client held ends. */
	if (r->session[0])
		user_rows_session_delete(r->op.store, r->session, r->err);
	r->session[0] = '\0';
	randombytes_buf(raw, sizeof(raw));
	randombytes_buf(craw, sizeof(craw));
	hash_hex(id, raw, sizeof(raw));
	hash_hex(r->csrf, craw, sizeof(craw));
	hash_sha256_hex(sha, id, strlen(id));
	sodium_memzero(raw, sizeof(raw));
	rc = user_rows_session_insert(r->op.store, sha, r->who.user_id, r->csrf, r->op.now, r->err);
	if (!rc)
		rc = audit_session(r, r->who.name, "session.login", detail);
	if (rc)
		return rc;
	set_cookie(r, id, r->api->absolute_s);
	sodium_memzero(id, sizeof(id));
	return KV_OK;
}

void api_session_audit_failure(struct api_req *r, const char *detail)
{
	audit_session(r, "anonymous", "session.login_failed", detail);
}

int api_session_get(struct api_req *r)
{
	if (!r->session[0])
		return api_reply(r, 200,
		                 json_pack("{s:s,s:o,s:s}", "csrf", "", "user",
		                           api_principal_json(&r->who), "expires_at", ""));
	return api_reply(r, 200, session_json(r, r->session_created));
}

int api_session_methods(struct api_req *r)
{
	return api_reply(r, 200,
	                 json_pack("{s:b,s:b}", "password", 1, "sso", r->api->oidc != NULL));
}

int api_session_logout(struct api_req *r)
{
	int rc;

	if (!r->session[0])
		return err_set(r->err, KV_EINVAL, "a token is not a session: nothing to log out");
	rc = user_rows_session_delete(r->op.store, r->session, r->err);
	if (!rc)
		rc = audit_session(r, r->who.name, "session.logout", NULL);
	if (rc)
		return rc;
	set_cookie(r, "", 0);
	return api_reply_empty(r);
}

int api_session_authenticate(struct api_req *r)
{
	const char *authz = server_req_header(r->req, "Authorization");
	const char *cookie = server_req_cookie(r->req, API_COOKIE);
	int64_t uid = 0, created = 0, seen = 0, org = 0;
	char sha[HASH_SHA256_HEX_LEN + 1];
	struct err ignore;
	int rc;

	if (authz) {
		if (strncmp(authz, "Bearer ", 7) != 0)
			return err_set(r->err, KV_EDENIED, "Authorization: use Bearer TOKEN");
		rc = users_token_principal(r->op.store, authz + 7, &r->who, &org, r->err);
		if (!rc && org != r->api->org)
			rc = err_set(r->err, KV_EDENIED, "the token is not valid");
		return rc;
	}
	if (!cookie || !*cookie)
		return KV_OK;
	if (strlen(cookie) != 64)
		return KV_OK; /* not ours: as if there were none */
	hash_sha256_hex(sha, cookie, strlen(cookie));
	if (user_rows_session_get(r->op.store, sha, &uid, r->csrf, sizeof(r->csrf), &created, &seen,
	                          &ignore) != KV_OK)
		return err_set(r->err, KV_EDENIED, "the session has ended: log in again");
	if (r->op.now - seen > r->api->idle_s || r->op.now - created > r->api->absolute_s) {
		user_rows_session_delete(r->op.store, sha, &ignore);
		return err_set(r->err, KV_EDENIED, "the session has expired: log in again");
	}
	rc = users_principal(r->op.store, uid, AUTH_PASSWORD, &r->who, &org, r->err);
	if (rc)
		return rc;
	/* The last-seen time is written at most once a minute, so reading
	 * lists costs no write per request. */
	if (r->op.now - seen >= 60)
		user_rows_session_touch(r->op.store, sha, r->op.now, &ignore);
	memcpy(r->session, sha, sizeof(sha));
	r->session_created = created;
	return KV_OK;
}
