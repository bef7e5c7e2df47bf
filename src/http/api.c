/* The API's dispatcher: routing with path parameters, authentication,
 * CSRF, body limits, problem+json errors, pages and ETags. */
#include "http/api.h"

#include "base/calendar.h"
#include "base/config.h"
#include "base/hash.h"
#include "base/time.h"
#include "http/api_accounts.h"
#include "http/api_admin.h"
#include "http/api_alerts.h"
#include "http/api_cases.h"
#include "http/api_consent.h"
#include "http/api_gdpr.h"
#include "http/api_drafts.h"
#include "http/api_inbox.h"
#include "http/api_items.h"
#include "http/api_policy.h"
#include "http/api_policydoc.h"
#include "http/api_house.h"
#include "http/api_vault.h"
#include "http/api_records.h"
#include "http/api_register.h"
#include "http/api_review.h"
#include "http/api_oidc.h"
#include "http/api_session.h"
#include "http/api_stats.h"
#include "http/server.h"
#include "http/webhook.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A reply kept by the reply cache (api_cache_reply). */
struct api_cache_slot {
	char *key;
	uint64_t ver; /* the data version (of one store connection) it was made at */
	char *body;
	size_t len;
	char tag[40];
};

/* ---- the route table ---- */

#define R(m, p, f, a, perm, any)                                                                   \
	{                                                                                          \
		m, p, f, a, perm, any                                                              \
	}

const struct api_route api_routes[] = {
        R("POST", "/session", api_session_login, API_PUBLIC, 0, 0),
        R("GET", "/session", api_session_get, API_LOGIN, 0, 0),
        R("DELETE", "/session", api_session_logout, API_LOGIN, 0, 0),
        R("GET", "/session/methods", api_session_methods, API_PUBLIC, 0, 0),
        R("GET", "/session/oidc", api_oidc_start, API_PUBLIC, 0, 0),
        R("GET", "/session/oidc/callback", api_oidc_callback, API_PUBLIC, 0, 0),
        R("GET", "/openapi.json", api_register_openapi, API_PUBLIC, 0, 0),
        R("GET", "/organisation", api_register_organisation, API_LOGIN, PERM_REGISTER_READ, 1),
        R("GET", "/units", api_register_units, API_LOGIN, PERM_REGISTER_READ, 1),
        R("GET", "/people", api_register_people, API_LOGIN, PERM_REGISTER_READ, 1),
        R("GET", "/accounts", api_accounts_list, API_LOGIN, PERM_REGISTER_READ, 1),
        R("POST", "/accounts", api_accounts_add, API_LOGIN, PERM_REGISTER_WRITE, 0),
        R("GET", "/accounts/{ref}", api_accounts_show, API_LOGIN, PERM_REGISTER_READ, 0),
        R("POST", "/accounts/{ref}/activate", api_accounts_activate, API_LOGIN,
          PERM_ACCOUNT_LIFECYCLE, 0),
        R("POST", "/accounts/{ref}/deactivate", api_accounts_deactivate, API_LOGIN,
          PERM_ACCOUNT_LIFECYCLE, 0),
        R("PUT", "/accounts/{ref}/checklist/{key}", api_accounts_checklist, API_LOGIN,
          PERM_REGISTER_WRITE, 0),
        R("GET", "/accounts/{ref}/checks", api_accounts_checks, API_LOGIN, PERM_REGISTER_READ, 0),
        R("GET", "/checks", api_accounts_checks_all, API_LOGIN, PERM_REGISTER_READ, 1),
        R("GET", "/public/accounts", api_accounts_public, API_LOGIN, PERM_REGISTER_READ, 1),
        R("GET", "/items", api_items_list, API_LOGIN, PERM_ITEM_READ, 1),
        R("GET", "/items/{ref}", api_items_show, API_LOGIN, PERM_ITEM_READ, 0),
        R("GET", "/search", api_items_search, API_LOGIN, PERM_ITEM_READ, 1),
        R("GET", "/inbox", api_inbox_list, API_LOGIN, PERM_ITEM_READ, 1),
        R("GET", "/inbox/{id}", api_inbox_show, API_LOGIN, PERM_ITEM_READ, 0),
        R("POST", "/inbox/{id}/assign", api_inbox_assign, API_LOGIN, PERM_INBOX_WORK, 0),
        R("POST", "/inbox/{id}/forward", api_inbox_forward, API_LOGIN, PERM_INBOX_WORK, 0),
        R("POST", "/inbox/{id}/close", api_inbox_close, API_LOGIN, PERM_INBOX_WORK, 0),
        R("POST", "/inbox/{id}/answer/check", api_inbox_answer_check, API_LOGIN, PERM_INBOX_WORK,
          0),
        R("POST", "/inbox/{id}/answer", api_inbox_answer, API_LOGIN, PERM_INBOX_WORK, 0),
        R("GET", "/standard-texts", api_inbox_standard_texts, API_LOGIN, PERM_INBOX_WORK, 1),
        R("GET", "/cases", api_cases_list, API_LOGIN, PERM_CASE_READ, 1),
        R("POST", "/cases", api_cases_open, API_LOGIN, PERM_CASE_DECIDE, 0),
        R("GET", "/cases/{id}", api_cases_show, API_LOGIN, PERM_CASE_READ, 0),
        R("POST", "/cases/{id}/evidence", api_cases_evidence, API_LOGIN, PERM_CASE_DECIDE, 0),
        R("POST", "/cases/{id}/decide", api_cases_decide, API_LOGIN, PERM_CASE_DECIDE, 0),
        R("POST", "/cases/{id}/confirm", api_cases_confirm, API_LOGIN, PERM_CASE_DECIDE, 0),
        R("POST", "/cases/{id}/register", api_cases_register, API_LOGIN, PERM_CASE_REGISTER, 0),
        R("GET", "/removed", api_cases_removed, API_LOGIN, PERM_CASE_READ, 1),
        R("GET", "/review", api_review_list, API_LOGIN, 0, 1),
        R("POST", "/review/{ref}", api_review_mark, API_LOGIN, PERM_REVIEW, 0),
        R("GET", "/alerts", api_alerts_list, API_LOGIN, PERM_ITEM_READ, 1),
        R("POST", "/alerts/{id}/ack", api_alerts_ack, API_LOGIN, PERM_ALERT_WORK, 0),
        R("GET", "/crisis", api_alerts_crisis, API_LOGIN, 0, 0),
        R("PUT", "/crisis", api_alerts_crisis_set, API_LOGIN, PERM_POLICY_WRITE, 0),
        R("GET", "/policy", api_policy_list, API_LOGIN, PERM_REGISTER_READ, 1),
        R("PUT", "/policy/{key}", api_policy_set, API_LOGIN, PERM_POLICY_WRITE, 0),
        R("GET", "/mail", api_admin_mail, API_LOGIN, PERM_ALERT_WORK, 0),
        R("GET", "/webhooks", api_admin_webhooks, API_LOGIN, PERM_CAPTURE, 0),
        R("GET", "/audit", api_admin_audit, API_LOGIN, PERM_AUDIT_READ, 0),
        R("GET", "/users", api_admin_users, API_LOGIN, PERM_USER_ADMIN, 0),
        R("POST", "/users", api_admin_user_add, API_LOGIN, PERM_USER_ADMIN, 0),
        R("POST", "/users/{id}/disable", api_admin_user_disable, API_LOGIN, PERM_USER_ADMIN, 0),
        R("GET", "/roles", api_admin_roles, API_LOGIN, 0, 0),
        R("GET", "/stats", api_stats_get, API_LOGIN, PERM_STATS_READ, 1),
        R("GET", "/consents", api_consent_list, API_LOGIN, PERM_CONSENT, 1),
        R("POST", "/consents", api_consent_add, API_LOGIN, PERM_CONSENT, 0),
        R("GET", "/consents/{id}", api_consent_show, API_LOGIN, PERM_CONSENT, 1),
        R("POST", "/consents/{id}/link", api_consent_link, API_LOGIN, PERM_CONSENT, 0),
        R("POST", "/consents/{id}/withdraw", api_consent_withdraw, API_LOGIN, PERM_CONSENT, 0),
        R("GET", "/gdpr/find", api_gdpr_find, API_LOGIN, PERM_GDPR, 0),
        R("GET", "/gdpr/requests", api_gdpr_requests, API_LOGIN, PERM_GDPR, 0),
        R("POST", "/gdpr/requests", api_gdpr_request_add, API_LOGIN, PERM_GDPR, 0),
        R("POST", "/gdpr/requests/{id}/close", api_gdpr_request_close, API_LOGIN, PERM_GDPR, 0),
        R("GET", "/drafts", api_drafts_list, API_LOGIN, PERM_PUBLISH, 1),
        R("POST", "/drafts", api_drafts_add, API_LOGIN, PERM_PUBLISH, 0),
        R("GET", "/drafts/{id}", api_drafts_show, API_LOGIN, PERM_PUBLISH, 0),
        R("POST", "/drafts/{id}/check", api_drafts_check, API_LOGIN, PERM_PUBLISH, 0),
        R("POST", "/drafts/{id}/review", api_drafts_review, API_LOGIN, PERM_PUBLISH, 0),
        R("POST", "/drafts/{id}/publish", api_drafts_publish, API_LOGIN, PERM_PUBLISH, 0),
        R("GET", "/policydocs", api_policydoc_list, API_LOGIN, PERM_REGISTER_READ, 1),
        R("POST", "/policydocs", api_policydoc_add, API_LOGIN, PERM_POLICY_WRITE, 0),
        R("GET", "/policydocs/{id}", api_policydoc_show, API_LOGIN, PERM_REGISTER_READ, 0),
        R("POST", "/policydocs/{id}/review", api_policydoc_review, API_LOGIN, PERM_POLICY_WRITE, 0),
        R("POST", "/policydocs/{id}/retire", api_policydoc_retire, API_LOGIN, PERM_POLICY_WRITE, 0),
        R("POST", "/policydocs/{id}/apply", api_policydoc_apply, API_LOGIN, PERM_REGISTER_WRITE, 0),
        R("GET", "/house-rules", api_house_template, API_LOGIN, PERM_REGISTER_READ, 0),
        R("PUT", "/house-rules", api_house_template_load, API_LOGIN, PERM_POLICY_WRITE, 0),
        R("GET", "/accounts/{ref}/rules", api_house_rules, API_LOGIN, PERM_REGISTER_READ, 0),
        R("GET", "/accounts/{ref}/about", api_house_about, API_LOGIN, PERM_REGISTER_READ, 0),
        R("PUT", "/accounts/{ref}/about", api_house_about_set, API_LOGIN, PERM_REGISTER_WRITE, 0),
        R("GET", "/holds", api_records_holds, API_LOGIN, PERM_RECORDS, 0),
        R("POST", "/holds", api_records_hold_add, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/holds/{id}", api_records_hold_show, API_LOGIN, PERM_RECORDS, 0),
        R("POST", "/holds/{id}/release", api_records_hold_release, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/culls", api_records_culls, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/culls/{id}", api_records_cull_show, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/platform-culls", api_records_platculls, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/platform-culls/{id}", api_records_platcull_show, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/retention", api_records_retention, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/snapshots", api_records_snapshots, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/disclosures", api_records_disclosures, API_LOGIN, PERM_DISCLOSE, 0),
        R("GET", "/packages", api_records_packages, API_LOGIN, PERM_RECORDS, 0),
        R("GET", "/vault", api_vault_list, API_LOGIN, PERM_VAULT, 1),
        R("GET", "/vault/{id}", api_vault_show, API_LOGIN, PERM_VAULT, 0),
        R("POST", "/vault/{id}/grant", api_vault_grant, API_LOGIN, PERM_VAULT, 0),
        R("POST", "/vault/{id}/revoke", api_vault_revoke, API_LOGIN, PERM_VAULT, 0),
        {0},
};

/* ---- setup ---- */

static int duration(const struct config *cfg, const char *key, int64_t def, int64_t *out,
                    struct err *err)
{
	const char *v = cfg ? config_get(cfg, "auth", key, NULL) : NULL;
	char *end = NULL;
	long long n;

	*out = def;
	if (!v)
		return KV_OK;
	n = strtoll(v, &end, 10);
	if (end == v || n <= 0)
		return err_set(err, KV_EINVAL, "[auth] %s: '%s' is not a positive duration", key,
		               v);
	if (strcmp(end, "s") == 0 || !*end)
		*out = n;
	else if (strcmp(end, "min") == 0 || strcmp(end, "m") == 0)
		*out = n * 60;
	else if (strcmp(end, "h") == 0)
		*out = n * 3600;
	else
		return err_set(err, KV_EINVAL, "[auth] %s: '%s': use s, min or h", key, v);
	return KV_OK;
}

int api_ctx_init(struct api_ctx *a, const struct config *cfg, int64_t org, struct err *err)
{
	int64_t failures = 5;
	int rc;

	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->org = org;
	rc = users_kdf_load(&a->kdf, cfg, err);
	if (!rc)
		rc = cases_opts_load(&a->cases, cfg, err);
	if (!rc)
		rc = duration(cfg, "session_idle", 30 * 60, &a->idle_s, err);
	if (!rc)
		rc = duration(cfg, "session_max", 10 * 3600, &a->absolute_s, err);
	if (!rc)
		rc = duration(cfg, "login_lockout", 15 * 60, &a->lockout_s, err);
	if (!rc && cfg && config_get(cfg, "auth", "login_failures", NULL)) {
		const char *v = config_get(cfg, "auth", "login_failures", NULL);
		char *end = NULL;

		failures = strtoll(v, &end, 10);
		if (end == v || *end || failures < 1 || failures > 1000)
			rc = err_set(err, KV_EINVAL,
			             "[auth] login_failures: '%s' is not a number from 1 to 1000",
			             v);
	}
	if (!rc)
		rc = api_oidc_init(&a->oidc, cfg, err);
	if (rc)
		return rc;
	a->max_failures = (int)failures;
	a->cache = calloc(API_CACHE_SLOTS, sizeof(*a->cache));
	if (!a->cache) {
		api_oidc_free(a->oidc);
		a->oidc = NULL;
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->cache_lock, NULL);
	return KV_OK;
}

void api_ctx_done(struct api_ctx *a)
{
	if (!a)
		return;
	free(a->throttle);
	a->throttle = NULL;
	for (size_t i = 0; a->cache && i < API_CACHE_SLOTS; i++) {
		free(a->cache[i].key);
		free(a->cache[i].body);
	}
	free(a->cache);
	a->cache = NULL;
	api_oidc_free(a->oidc);
	a->oidc = NULL;
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->cache_lock);
}

static int health(void *ctx, struct server_req *req, struct err *err)
{
	(void)ctx;
	(void)err;
	return server_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

size_t api_server_routes(struct server_route *out, size_t cap, struct api_ctx *api,
                         struct webhook_ctx *wc)
{
	const struct server_route all[] = {
	        {"GET", "/health", health, NULL},
	        {"GET", "/webhooks/meta", webhook_handle_verify, wc},
	        {"POST", "/webhooks/meta", webhook_handle_delivery, wc},
	        {"GET", API_PREFIX, api_handle, api},
	        {"POST", API_PREFIX, api_handle, api},
	        {"PUT", API_PREFIX, api_handle, api},
	        {"PATCH", API_PREFIX, api_handle, api},
	        {"DELETE", API_PREFIX, api_handle, api},
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && n < cap; i++) {
		if (!api && strncmp(all[i].prefix, API_PREFIX, strlen(API_PREFIX)) == 0)
			continue;
		out[n++] = all[i];
	}
	return n;
}

/* ---- problems ---- */

static const char *status_title(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 429:
		return "Too Many Requests";
	default:
		return status >= 500 ? "Internal Server Error" : "Error";
	}
}

int api_problem(struct api_req *r, int status, const char *code, const char *field,
                const char *detail)
{
	char type[96];
	json_t *j;
	char *s;
	int rc;

	snprintf(type, sizeof(type), "urn:kanalvakt:problem:%s", code);
	j = json_pack("{s:s,s:s,s:i,s:s}", "type", type, "title", status_title(status), "status",
	              status, "detail", detail);
	if (j && field && *field)
		json_object_set_new(j, "field", json_string(field));
	s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!s)
		return KV_ENOMEM;
	server_reply_headers_clear(r->req);
	rc = server_reply(r->req, status, "application/problem+json", s, strlen(s));
	free(s);
	return rc;
}

/* The field an error message names: "--unit: …", "unit: …", "account 'x' …"
 * are written by the feature layers with the field first. */
static void field_of(const char *msg, char *out, size_t cap)
{
	const char *p = msg;
	size_t n = 0;

	out[0] = '\0';
	while (*p == '-')
		p++;
	while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '_' || (n && p[n] >= '0' && p[n] <= '9'))
		n++;
	if (n == 0 || n >= cap || p[n] != ':')
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void fail(struct api_req *r, int rc)
{
	int status = err_http_status(rc);
	const char *msg = r->err->msg[0] ? r->err->msg : err_name(rc);

	if (status >= 500) {
		server_req_note(r->req, "%s", msg);
		api_problem(r, status, err_name(rc), NULL, "internal error");
		return;
	}
	if (!r->field[0])
		field_of(msg, r->field, sizeof(r->field));
	api_problem(r, status, err_name(rc), r->field, msg);
}

int api_fail_field(struct api_req *r, int rc, const char *field)
{
	snprintf(r->field, sizeof(r->field), "%s", field ? field : "");
	return rc;
}

/* ---- replies ---- */

static int etag_matches(const char *inm, const char *tag)
{
	size_t n = strlen(tag);

	if (!inm)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	for (const char *p = inm; (p = strstr(p, tag)) != NULL; p += n)
		if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/* Sends the 200 reply of a GET with its tag, or 304 when If-None-Match
 * names the tag. */
static int reply_tagged(struct api_req *r, const char *s, size_t len, const char *tag)
{
	server_reply_header(r->req, "ETag", tag);
	server_reply_header(r->req, "Cache-Control", "private, no-cache");
	if (etag_matches(server_req_header(r->req, "If-None-Match"), tag))
		return server_reply(r->req, 304, "application/json", NULL, 0);
	return server_reply(r->req, 200, "application/json", s, len);
}

/* ---- the reply cache ---- */

struct keybuf {
	char *p;
	size_t len, cap;
	int full;
};

static void key_add(struct keybuf *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void key_add(struct keybuf *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (k->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(k->p + k->len, k->cap - k->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= k->cap - k->len)
		k->full = 1;
	else
		k->len += (size_t)n;
}

static int key_query(void *ctx, const char *key, const char *value)
{
	/* Lengths first, so that no value can pass for another split. */
	key_add(ctx, "%zu:%s=%zu:%s&", strlen(key), key, value ? strlen(value) : 0,
	        value ? value : "");
	return 0;
}

/* What the reply may depend on besides the database: the path and query,
 * the organisation, the principal (all its grants) and the second. */
static char *cache_key(struct api_req *r)
{
	char buf[2048];
	struct keybuf k = {buf, 0, sizeof(buf), 0};
	const struct principal *p = &r->who;

	key_add(&k, "%lld|%lld|%zu:%s?", (long long)r->op.org, (long long)r->op.now,
	        strlen(server_req_path(r->req)), server_req_path(r->req));
	server_req_each_query(r->req, key_query, &k);
	key_add(&k, "|u%lld,p%lld,a%d,%zu:%s", (long long)p->user_id, (long long)p->person_id,
	        (int)p->auth, strlen(p->name), p->name);
	for (size_t i = 0; i < p->n_grants; i++) {
		const struct principal_grant *g = &p->grants[i];

		key_add(&k, "|g%d,%lu,%d:", (int)g->role, (unsigned long)g->perms, g->all_accounts);
		for (size_t a = 0; a < g->n_accounts; a++)
			key_add(&k, "%lld,", (long long)g->accounts[a]);
	}
	return k.full ? NULL : strdup(buf);
}

int api_cache_reply(struct api_req *r, int *hit)
{
	struct api_ctx *a = r->api;
	struct err ignore = {0};
	char *body = NULL, tag[40] = "";
	size_t len = 0;
	uint64_t ver;
	int rc;

	*hit = 0;
	if (!a->cache || strcmp(server_req_method(r->req), "GET") != 0 ||
	    store_data_version(r->op.store, &ver, &ignore) != KV_OK)
		return KV_OK;
	free(r->cache_key);
	r->cache_key = cache_key(r);
	if (!r->cache_key)
		return KV_OK;
	r->cache_ver = ver;
	pthread_mutex_lock(&a->cache_lock);
	for (size_t i = 0; i < API_CACHE_SLOTS; i++) {
		struct api_cache_slot *c = &a->cache[i];

		if (c->key && c->ver == ver && strcmp(c->key, r->cache_key) == 0) {
			body = malloc(c->len + 1);
			if (body) {
				memcpy(body, c->body, c->len);
				len = c->len;
				memcpy(tag, c->tag, sizeof(tag));
			}
			break;
		}
	}
	pthread_mutex_unlock(&a->cache_lock);
	if (!body)
		return KV_OK;
	*hit = 1;
	free(r->cache_key);
	r->cache_key = NULL;
	rc = reply_tagged(r, body, len, tag);
	free(body);
	return rc;
}

/* Keeps a reply made on a miss, if the database is as it was when the
 * key was looked up: then the reply is what that data version gives. */
static void cache_keep(struct api_req *r, const char *s, size_t len, const char *tag)
{
	struct api_ctx *a = r->api;
	struct api_cache_slot *c;
	struct err ignore = {0};
	char *body, *key = r->cache_key;
	uint64_t ver;

	r->cache_key = NULL;
	if (store_data_version(r->op.store, &ver, &ignore) != KV_OK || ver != r->cache_ver ||
	    !(body = malloc(len + 1))) {
		free(key);
		return;
	}
	memcpy(body, s, len);
	pthread_mutex_lock(&a->cache_lock);
	c = &a->cache[a->cache_next];
	a->cache_next = (a->cache_next + 1) % API_CACHE_SLOTS;
	free(c->key);
	free(c->body);
	c->key = key;
	c->ver = ver;
	c->body = body;
	c->len = len;
	memcpy(c->tag, tag, sizeof(c->tag));
	pthread_mutex_unlock(&a->cache_lock);
}

int api_reply(struct api_req *r, int status, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc;

	json_decref(v);
	if (!s)
		return err_set(r->err, KV_ENOMEM, "out of memory");
	if (status == 200 && strcmp(server_req_method(r->req), "GET") == 0) {
		char sha[HASH_SHA256_HEX_LEN + 1], tag[40];
		size_t len = strlen(s);

		/* A weak validator is enough: the tag names the bytes sent, and
		 * a list unchanged since the last look is not sent again. */
		hash_sha256_hex(sha, s, len);
		snprintf(tag, sizeof(tag), "\"%.32s\"", sha);
		if (r->cache_key)
			cache_keep(r, s, len, tag);
		rc = reply_tagged(r, s, len, tag);
		free(s);
		return rc;
	}
	rc = server_reply(r->req, status, "application/json", s, strlen(s));
	free(s);
	return rc;
}

int api_reply_empty(struct api_req *r)
{
	return server_reply(r->req, 204, "application/json", NULL, 0);
}

/* ---- queries and bodies ---- */

int api_param_id(struct api_req *r, int64_t *out)
{
	char *end = NULL;
	long long v = r->param[0] ? strtoll(r->param[0], &end, 10) : 0;

	if (v <= 0 || !end || *end) {
		api_fail_field(r, 0, "id");
		return err_set(r->err, KV_ENOTFOUND, "id: '%.40s' is not an id",
		               r->param[0] ? r->param[0] : "");
	}
	*out = v;
	return KV_OK;
}

const char *api_query(struct api_req *r, const char *name)
{
	return server_req_query(r->req, name);
}

int api_query_int(struct api_req *r, const char *name, int64_t def, int64_t min, int64_t max,
                  int64_t *out)
{
	const char *v = api_query(r, name);
	char *end = NULL;
	long long n;

	if (!v) {
		*out = def;
		return KV_OK;
	}
	n = strtoll(v, &end, 10);
	if (!*v || *end || n < min || n > max) {
		api_fail_field(r, 0, name);
		return err_set(r->err, KV_EINVAL, "%s: '%.40s' is not a number from %lld to %lld",
		               name, v, (long long)min, (long long)max);
	}
	*out = n;
	return KV_OK;
}

int api_query_flag(struct api_req *r, const char *name, int *out)
{
	const char *v = api_query(r, name);

	*out = 0;
	if (!v)
		return KV_OK;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || !*v)
		*out = 1;
	else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0) {
		api_fail_field(r, 0, name);
		return err_set(r->err, KV_EINVAL, "%s: '%.40s' is not 1 or 0", name, v);
	}
	return KV_OK;
}

int api_date_parse(const char *v, int64_t *out)
{
	int y = 0, m = 0, d = 0;

	if (strlen(v) != 10 || time_parse_date(v, &y, &m, &d) != KV_OK || y < 1970 || y > 2200)
		return KV_EINVAL;
	return calendar_from_local(out, y, m, d, 0, 0, 0) == KV_OK ? KV_OK : KV_EINVAL;
}

int api_query_date(struct api_req *r, const char *name, int64_t *out)
{
	const char *v = api_query(r, name);

	*out = 0;
	if (!v)
		return KV_OK;
	if (api_date_parse(v, out) != KV_OK) {
		api_fail_field(r, 0, name);
		return err_set(r->err, KV_EINVAL, "%s: '%.40s' is not a date YYYY-MM-DD", name, v);
	}
	return KV_OK;
}

int api_body_str(struct api_req *r, const char *name, int required, const char **out)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return KV_OK;
		api_fail_field(r, 0, name);
		return err_set(r->err, KV_EINVAL, "%s: required", name);
	}
	if (!json_is_string(v)) {
		api_fail_field(r, 0, name);
		return err_set(r->err, KV_EINVAL, "%s: must be a string", name);
	}
	*out = json_string_value(v);
	return KV_OK;
}

int api_body_bool(struct api_req *r, const char *name, int *out)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;

	*out = 0;
	if (!v)
		return KV_OK;
	if (!json_is_boolean(v)) {
		api_fail_field(r, 0, name);
		return err_set(r->err, KV_EINVAL, "%s: must be true or false", name);
	}
	*out = json_is_true(v);
	return KV_OK;
}

int api_body_only(struct api_req *r, const char *const *names)
{
	const char *key;
	json_t *v;

	if (!r->body)
		return KV_OK;
	json_object_foreach(r->body, key, v)
	{
		size_t i = 0;

		(void)v;
		while (names[i] && strcmp(names[i], key) != 0)
			i++;
		if (!names[i]) {
			api_fail_field(r, 0, key);
			return err_set(r->err, KV_EINVAL, "%.60s: not a field of this request",
			               key);
		}
	}
	return KV_OK;
}

/* The deepest nesting of arrays and objects in a JSON text (strings
 * skipped), so a deep body is refused before it is parsed. */
static int json_depth_over(const char *s, size_t len, int max, size_t *at)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[') {
			if (++depth > max) {
				*at = i;
				return 1;
			}
		} else if (c == '}' || c == ']')
			depth--;
	}
	return 0;
}

static int read_body(struct api_req *r)
{
	size_t len = 0;
	const char *b = server_req_body(r->req, &len);
	const char *ct = server_req_header(r->req, "Content-Type");
	int rc;

	if (len == 0)
		return KV_OK;
	if (len > API_BODY_MAX)
		return KV_ENOMEM; /* 413, answered by the caller */
	if (ct && strncasecmp(ct, "application/json", 16) != 0) {
		api_fail_field(r, 0, "body");
		return err_set(r->err, KV_EINVAL, "body: send application/json, not %.60s", ct);
	}
	rc = api_json_body(b, len, &r->body, r->err);
	if (rc)
		api_fail_field(r, 0, "body");
	return rc;
}

int api_json_body(const char *b, size_t len, json_t **out, struct err *err)
{
	json_error_t je;
	size_t at = 0;
	json_t *j;

	if (json_depth_over(b, len, API_DEPTH_MAX, &at))
		return err_set(err, KV_EINVAL, "body: nested deeper than %d levels at byte %zu",
		               API_DEPTH_MAX, at);
	j = json_loadb(b, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return err_set(err, KV_EINVAL, "body: line %d column %d: %s", je.line, je.column,
		               je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(err, KV_EINVAL, "body: must be a JSON object");
	}
	*out = j;
	return KV_OK;
}

/* ---- pages ---- */

int api_cursor_parse(const char *s, int64_t *out)
{
	char *end = NULL;
	long long off;

	if (s[0] != 'o' || s[1] < '0' || s[1] > '9')
		return KV_EINVAL;
	off = strtoll(s + 1, &end, 10);
	if (off < 0 || off == LLONG_MAX || *end)
		return KV_EINVAL;
	*out = off;
	return KV_OK;
}

int api_page_init(struct api_req *r, struct api_page *pg)
{
	const char *cur = api_query(r, "cursor");
	int rc;

	memset(pg, 0, sizeof(*pg));
	rc = api_query_int(r, "limit", API_PAGE_DEF, 1, API_PAGE_MAX, &pg->limit);
	if (rc)
		return rc;
	if (cur && api_cursor_parse(cur, &pg->offset) != KV_OK) {
		api_fail_field(r, 0, "cursor");
		return err_set(r->err, KV_EINVAL, "cursor: '%.40s' is not a cursor this API gave",
		               cur);
	}
	pg->items = json_array();
	return pg->items ? KV_OK : err_set(r->err, KV_ENOMEM, "out of memory");
}

int api_page_add(struct api_page *pg, json_t *row)
{
	int64_t i = pg->seen++;

	if (i < pg->offset) {
		json_decref(row);
		return 0;
	}
	if (i >= pg->offset + pg->limit) {
		json_decref(row);
		pg->more = 1;
		return 1;
	}
	json_array_append_new(pg->items, row);
	return 0;
}

int api_page_reply(struct api_req *r, struct api_page *pg)
{
	char next[32];
	json_t *j;

	snprintf(next, sizeof(next), "o%lld", (long long)(pg->offset + pg->limit));
	j = json_pack("{s:o,s:s?}", "items", pg->items, "next", pg->more ? next : NULL);
	pg->items = NULL;
	return api_reply(r, 200, j);
}

int api_page_finish(struct api_req *r, struct api_page *pg, int rc)
{
	if (rc > 0)
		rc = KV_OK;
	if (!rc)
		return api_page_reply(r, pg);
	api_page_done(pg);
	return rc;
}

void api_page_done(struct api_page *pg)
{
	json_decref(pg->items);
	pg->items = NULL;
}

/* ---- principals ---- */

static json_t *perm_list(uint32_t perms)
{
	json_t *a = json_array();

	for (uint32_t bit = 1; bit && bit <= PERM_ALL; bit <<= 1)
		if (perms & bit)
			json_array_append_new(a, json_string(principal_perm_name(bit)));
	return a;
}

json_t *api_principal_json(const struct principal *p)
{
	static const char *const auth[] = {"none", "shell", "system", "password", "token", "oidc"};
	json_t *grants = json_array();
	uint32_t any = 0;

	for (size_t i = 0; i < p->n_grants; i++) {
		const struct principal_grant *g = &p->grants[i];
		json_t *acc = json_array();

		for (size_t k = 0; k < g->n_accounts; k++)
			json_array_append_new(acc, json_integer(g->accounts[k]));
		if (g->all_accounts || g->n_accounts)
			any |= g->perms;
		json_array_append_new(grants, json_pack("{s:s,s:s,s:b,s:o,s:o}", "role",
		                                        principal_role_name(g->role), "label",
		                                        principal_role_label(g->role),
		                                        "all_accounts", g->all_accounts, "accounts",
		                                        acc, "permissions", perm_list(g->perms)));
	}
	return json_pack("{s:I,s:s,s:o,s:s,s:o,s:o}", "id", (json_int_t)p->user_id, "name", p->name,
	                 "person", p->person_id ? json_integer(p->person_id) : json_null(), "auth",
	                 (unsigned)p->auth < 6 ? auth[p->auth] : "none", "grants", grants,
	                 "permissions", perm_list(any));
}

int api_account_ref(struct api_req *r, const char *ref, const char *field, int64_t *out)
{
	int rc = register_row_account_find(r->op.store, r->op.org, ref, out, r->err);

	return rc ? api_fail_field(r, rc, field) : KV_OK;
}

/* ---- routing ---- */

/* Matches path (below the prefix) against pattern; fills the parameters. */
static int match(const char *pattern, const char *path, const char *param[API_PARAMS_MAX],
                 char *buf, size_t cap)
{
	size_t used = 0, np = 0;
	const char *p = pattern, *q = path;

	while (*p && *q) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t n = strcspn(q, "/");

			if (!pe || n == 0 || np >= API_PARAMS_MAX || used + n + 1 > cap)
				return 0;
			memcpy(buf + used, q, n);
			buf[used + n] = '\0';
			param[np++] = buf + used;
			used += n + 1;
			p = pe + 1;
			q += n;
			continue;
		}
		if (*p != *q)
			return 0;
		p++;
		q++;
	}
	return *p == '\0' && *q == '\0';
}

int api_route_find(const char *method, const char *path, const struct api_route **out,
                   const char *param[API_PARAMS_MAX], char *buf, size_t cap)
{
	int known = 0;

	for (size_t i = 0; api_routes[i].method; i++) {
		if (!match(api_routes[i].pattern, path, param, buf, cap))
			continue;
		known = 1;
		if (strcmp(api_routes[i].method, method) == 0) {
			/* Matched again so the parameters are this route's. */
			match(api_routes[i].pattern, path, param, buf, cap);
			*out = &api_routes[i];
			return 0;
		}
	}
	return known ? 405 : 404;
}

static int state_changing(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

int api_handle(void *ctx, struct server_req *req, struct err *err)
{
	struct api_ctx *api = ctx;
	const char *full = server_req_path(req), *path, *method = server_req_method(req);
	const struct api_route *route = NULL;
	struct api_req *r;
	int known, rc = KV_OK;

	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(err, KV_ENOMEM, "out of memory");
	r->req = req;
	r->api = api;
	r->err = err;
	path = full + strlen(API_PREFIX);
	if (!*path)
		path = "/";
	known = api_route_find(method, path, &route, r->param, r->param_buf, sizeof(r->param_buf));
	if (known) {
		if (known == 405)
			rc = api_problem(r, 405, "method_not_allowed", NULL,
			                 "this resource does not take that method");
		else
			rc = api_problem(r, 404, "not_found", NULL, "no such resource");
		goto out;
	}
	r->op.store = server_req_store(req, err);
	if (!r->op.store) {
		rc = err->code ? err->code : KV_EIO;
		goto out;
	}
	op_ctx_init(&r->op, r->op.store, api->org, &r->who, time_now());
	rc = api_session_authenticate(r);
	if (rc == KV_EDENIED) {
		/* A session that ended or a token that is wrong: as if nobody. */
		rc = api_problem(r, 401, "unauthorized", NULL, err->msg[0] ? err->msg : "log in");
		goto out;
	}
	if (rc)
		goto fail;
	if (route->auth == API_LOGIN && r->who.auth == AUTH_NONE) {
		rc = api_problem(r, 401, "unauthorized", NULL,
		                 "log in first (POST /api/v1/session)");
		goto out;
	}
	/* Logging in needs no token (it makes the session the token belongs
	 * to); everything else a session changes does. */
	if (state_changing(method) && r->session[0] && route->auth == API_LOGIN) {
		const char *tok = server_req_header(req, "X-CSRF-Token");

		if (!tok || strlen(tok) != strlen(r->csrf) ||
		    !hash_equal_ct(tok, r->csrf, strlen(r->csrf))) {
			rc = api_problem(r, 403, "csrf", "X-CSRF-Token",
			                 "X-CSRF-Token is missing or not this session's");
			goto out;
		}
	}
	rc = read_body(r);
	if (rc == KV_ENOMEM) {
		char msg[80];

		snprintf(msg, sizeof(msg), "the body is larger than %zu bytes", API_BODY_MAX);
		rc = api_problem(r, 413, "too_large", "body", msg);
		goto out;
	}
	if (!rc)
		rc = route->fn(r);
fail:
	if (rc) {
		fail(r, rc);
		rc = KV_OK;
	}
out:
	json_decref(r->body);
	free(r->cache_key);
	explicit_bzero(r->csrf, sizeof(r->csrf));
	free(r);
	return rc;
}
