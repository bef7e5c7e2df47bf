/* Polling the platforms. Each platform is one loop over its pages: fetch a
 * page (and, for Mastodon and X, the replies of the statuses on it that are
 * new or in the look-back window; for the Graph API, the further pages of
 * the comment lists and message lists on it; for YouTube, all replies of
 * its threads), then import all of it and move the cursor in
 * one transaction. The network is never waited on inside a transaction.
 *
 * A cursor is a small JSON object kept per endpoint:
 *   since    where the last complete poll ended (a Unix time for Graph and
 *            YouTube, a status id for Mastodon and X), used as since= /
 *            since_id= next time, or as where paging may stop; polls reach
 *            further back when the look-back window starts earlier;
 *   pending  the newest value seen by a poll still under way;
 *   next     where that poll stopped (a Graph next URL without its token, a
 *            YouTube page token, a Mastodon max_id, an X pagination token).
 *   floor    conversations only: how far since may move at most, held
 *            below a conversation whose messages were cut short.
 * When a poll reaches the end, pending becomes since and next goes. */
#include "capture/connector.h"
#include "capture/connector_int.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/time.h"
#include "capture/import.h"
#include "capture/parse_meta.h"
#include "store/cursors.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int connector_supported(enum platform p)
{
	return p == PLATFORM_FACEBOOK || p == PLATFORM_INSTAGRAM || p == PLATFORM_YOUTUBE ||
	       p == PLATFORM_MASTODON || p == PLATFORM_X;
}

static int conf_int(const struct config *cfg, const char *section, const char *key, int64_t def,
                    int64_t min, int64_t max, int64_t *out, struct err *err)
{
	int rc = config_get_int(cfg, section, key, def, out, err);

	if (rc)
		return rc;
	if (*out < min || *out > max)
		return err_set(err, KV_EINVAL, "[%s] %s: %lld is out of range (%lld..%lld)",
		               section, key, (long long)*out, (long long)min, (long long)max);
	return KV_OK;
}

int connector_conf_load(struct connector_conf *out, const struct config *cfg, enum platform p,
                        const char *handle, const char *account_url, struct err *err)
{
	struct connector_conf c = {0};
	char sec[300], sec2[300];
	const char *section = NULL, *base = NULL;
	struct config *empty = NULL;
	int64_t v;
	size_t n;
	int rc;

	if (!connector_supported(p))
		return err_set(err, KV_EINVAL, "no connector for %s accounts yet",
		               register_platform_name(p));
	if (!cfg) {
		empty = config_new();
		if (!empty)
			return err_set(err, KV_ENOMEM, "out of memory");
		cfg = empty;
	}
	snprintf(sec, sizeof(sec), "account %s/%s", register_platform_name(p), handle);
	snprintf(sec2, sizeof(sec2), "account %s", handle);
	section = config_get(cfg, sec, "token", NULL) || config_get(cfg, sec, "base_url", NULL) ||
	                          config_get(cfg, sec, "max_pages", NULL) ||
	                          config_get(cfg, sec, "lookback_days", NULL) ||
	                          config_get(cfg, sec, "max_comment_pages", NULL) ||
	                          config_get(cfg, sec, "messages", NULL)
	                  ? sec
	                  : sec2;
	c.token = config_get(cfg, section, "token", NULL);
	if (c.token && !*c.token)
		c.token = NULL;
	if ((rc = conf_int(cfg, "fetch", "max_pages", CONNECTOR_DEFAULT_MAX_PAGES, 1, 1000000, &v,
	                   err)))
		goto out;
	if ((rc = conf_int(cfg, section, "max_pages", v, 1, 1000000, &c.max_pages, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "lookback_days", CONNECTOR_DEFAULT_LOOKBACK_DAYS, 0, 3650,
	                   &v, err)))
		goto out;
	if ((rc = conf_int(cfg, section, "lookback_days", v, 0, 3650, &c.lookback_days, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "max_comment_pages", CONNECTOR_DEFAULT_MAX_COMMENT_PAGES,
	                   0, 1000000, &v, err)))
		goto out;
	if ((rc = conf_int(cfg, section, "max_comment_pages", v, 0, 1000000, &c.max_comment_pages,
	                   err)))
		goto out;
	if ((rc = config_get_bool(cfg, "fetch", "messages", 0, &c.messages, err)))
		goto out;
	if ((rc = config_get_bool(cfg, section, "messages", c.messages, &c.messages, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "backoff_ms", 1000, 1, 3600000, &c.fetch.backoff_ms, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "max_attempts", 5, 1, 100, &v, err)))
		goto out;
	c.fetch.max_attempts = (int)v;
	if ((rc = conf_int(cfg, "fetch", "timeout_s", 60, 1, 3600, &v, err)))
		goto out;
	c.fetch.timeout_s = (long)v;
	if ((rc = conf_int(cfg, "fetch", "max_wait_s", 300, 1, 86400, &c.fetch.max_wait_s, err)))
		goto out;
	base = config_get(cfg, section, "base_url", NULL);
	if (!base) {
		switch (p) {
		case PLATFORM_FACEBOOK:
		case PLATFORM_INSTAGRAM:
			base = "https://graph.facebook.com/v19.0";
			break;
		case PLATFORM_YOUTUBE:
			base = "https://www.googleapis.com/youtube/v3";
			break;
		case PLATFORM_X:
			base = "https://api.twitter.com";
			break;
		default:
			/* Mastodon: the instance the account lives on. */
			if (!account_url || fetch_url_origin(c.base_url, sizeof(c.base_url),
			                                     account_url) != KV_OK) {
				rc = err_set(
				        err, KV_EINVAL,
				        "[%s] base_url: not set, and the account has no URL to "
				        "take the Mastodon instance from",
				        section);
				goto out;
			}
			/* The port is spelt out by fetch_url_origin; the default one
			 * is dropped again so messages read naturally. */
			n = strlen(c.base_url);
			if (n > 4 && strncmp(c.base_url, "https:", 6) == 0 &&
			    strcmp(c.base_url + n - 4, ":443") == 0)
				c.base_url[n - 4] = '\0';
			base = c.base_url;
			break;
		}
	}
	if (base != c.base_url &&
	    (size_t)snprintf(c.base_url, sizeof(c.base_url), "%s", base) >= sizeof(c.base_url)) {
		rc = err_set(err, KV_EINVAL, "[%s] base_url: longer than %zu bytes", section,
		             sizeof(c.base_url) - 1);
		goto out;
	}
	n = strlen(c.base_url);
	while (n > 0 && c.base_url[n - 1] == '/')
		c.base_url[--n] = '\0';
	{
		char origin[600];

		if (fetch_url_origin(origin, sizeof(origin), c.base_url) != KV_OK ||
		    strchr(c.base_url, '?') || strchr(c.base_url, '#')) {
			rc = err_set(err, KV_EINVAL,
			             "[%s] base_url: '%s' is not an http(s) URL without query",
			             section, c.base_url);
			goto out;
		}
		if (!fetch_url_secure(c.base_url)) {
			rc = err_set(err, KV_EINVAL,
			             "[%s] base_url: '%s' must be https (http only to a loopback "
			             "address), since the token is sent there",
			             section, c.base_url);
			goto out;
		}
	}
	*out = c;
	rc = KV_OK;
out:
	config_free(empty);
	return rc;
}

/* ---- cursors ---- */

static void cur_field(json_t *o, const char *key, char *dst, size_t n)
{
	json_t *v = json_object_get(o, key);

	dst[0] = '\0';
	if (json_is_string(v))
		snprintf(dst, n, "%s", json_string_value(v));
}

int connector_cur_load(struct run *run, const char *endpoint, struct cur *c, struct err *err)
{
	struct cursor_row row = {0};
	json_t *o;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = cursors_get(run->s, run->account_id, endpoint, &row, err);
	if (rc == KV_ENOTFOUND)
		return KV_OK;
	if (rc)
		return rc;
	if (row.cursor) {
		o = json_loads(row.cursor, 0, NULL);
		/* A cursor we cannot read is dropped: the next poll starts over,
		 * which imports nothing twice. */
		if (json_is_object(o)) {
			cur_field(o, "since", c->since, sizeof(c->since));
			cur_field(o, "pending", c->pending, sizeof(c->pending));
			cur_field(o, "next", c->next, sizeof(c->next));
			cur_field(o, "floor", c->floor, sizeof(c->floor));
		}
		json_decref(o);
	}
	cursors_row_done(&row);
	return KV_OK;
}

static char *cur_dump(const struct cur *c)
{
	json_t *o = json_object();
	char *s;

	if (!o)
		return NULL;
	if (c->since[0])
		json_object_set_new(o, "since", json_string(c->since));
	if (c->pending[0])
		json_object_set_new(o, "pending", json_string(c->pending));
	if (c->next[0])
		json_object_set_new(o, "next", json_string(c->next));
	if (c->floor[0])
		json_object_set_new(o, "floor", json_string(c->floor));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* Compares two decimal numbers written as strings (ids, Unix times) of any
 * length; "" is smallest. */
int connector_num_cmp(const char *a, const char *b)
{
	size_t la, lb;

	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

int connector_is_num(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

void connector_keep_max(char *dst, size_t n, const char *v)
{
	if (v && connector_is_num(v) && connector_num_cmp(v, dst) > 0)
		snprintf(dst, n, "%s", v);
}

/* The poll reached the end: what it saw becomes the new since, unless a
 * list it cut short holds it further back. */
static void cur_finish(struct cur *c)
{
	connector_keep_max(c->since, sizeof(c->since), c->pending);
	if (c->floor[0] && connector_num_cmp(c->floor, c->since) < 0)
		snprintf(c->since, sizeof(c->since), "%s", c->floor);
	c->pending[0] = '\0';
	c->next[0] = '\0';
	c->floor[0] = '\0';
}

/* ---- pages ---- */

static void parts_clear(struct parts *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].data);
	p->n = 0;
}

void connector_parts_done(struct parts *p)
{
	parts_clear(p);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* GETs url and keeps the body as a part to import. The body stays owned by
 * parts; *out_body (may be NULL) borrows it. */
int connector_get_part(struct run *run, struct parts *p, const char *url, const char *bearer,
                       enum parse_format fmt, const char *name, const struct part **out_part,
                       struct err *err)
{
	struct fetch_result res;
	struct part *pt;
	int rc;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct part *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return err_set(err, KV_ENOMEM, "out of memory");
		p->v = v;
		p->cap = cap;
	}
	fetch_result_init(&res);
	run->r->requests++;
	rc = fetch_get(run->f, url, bearer, &res, err);
	if (rc) {
		fetch_result_done(&res);
		return rc;
	}
	pt = &p->v[p->n];
	memset(pt, 0, sizeof(*pt));
	pt->len = res.body.len;
	pt->data = buf_detach(&res.body);
	fetch_result_done(&res);
	if (!pt->data) {
		/* An empty 2xx body: nothing to import, but a valid answer. */
		pt->data = strdup("");
		if (!pt->data)
			return err_set(err, KV_ENOMEM, "out of memory");
	}
	pt->fmt = fmt;
	snprintf(pt->name, sizeof(pt->name), "%s", name);
	p->n++;
	if (out_part)
		*out_part = pt;
	return KV_OK;
}

/* a - b, but never below 0. */
static int64_t less(int64_t a, int64_t b)
{
	return a > b ? a - b : 0;
}

/* Imports the parts and stores the cursor in one transaction. */
static int commit(struct run *run, const char *endpoint, struct parts *p, const struct cur *c,
                  struct err *err)
{
	struct connector_report sum = {0};
	char *cursor = cur_dump(c);
	int rc;

	if (!cursor)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = store_begin(run->s, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < p->n && !rc; i++) {
		struct import_report ir;
		struct import_opts io = run->io;

		if (p->v[i].len == 0)
			continue;
		io.format = p->v[i].fmt;
		rc = capture_import_buffer(run->s, &io, p->v[i].data, p->v[i].len, p->v[i].name,
		                           &ir, err);
		if (rc)
			break;
		sum.pages++;
		sum.new_items += ir.new_items;
		sum.updated += ir.updated;
		sum.unchanged += less(ir.unchanged, p->v[i].echoed);
		sum.skipped += less(ir.skipped, p->v[i].followed) + p->v[i].cut;
		sum.events += ir.events;
	}
	if (!rc)
		rc = cursors_set(run->s, run->account_id, endpoint, cursor, time_now(), err);
	if (!rc)
		rc = store_commit(run->s, err);
	else
		store_rollback(run->s);
	if (!rc) {
		run->r->pages += sum.pages;
		run->r->new_items += sum.new_items;
		run->r->updated += sum.updated;
		run->r->unchanged += sum.unchanged;
		run->r->skipped += sum.skipped;
		run->r->events += sum.events;
	}
out:
	free(cursor);
	parts_clear(p);
	return rc;
}

static int load_json(json_t **out, const struct part *pt, struct err *err)
{
	json_error_t je;
	json_t *j = json_loadb(pt->data, pt->len, 0, &je);

	if (!j)
		return err_set(err, KV_EINVAL, "%s: not JSON: %s (line %d, byte %d)", pt->name,
		               je.text, je.line, je.position);
	*out = j;
	return KV_OK;
}

/* GETs one page as a part to import and parses it into *j, which drops the
 * previous page's JSON; the part stays owned by parts, *out_part (may be
 * NULL) borrows it. */
int connector_get_json_page(struct run *run, struct parts *parts, const char *url,
                            const char *bearer, enum parse_format fmt, const char *name, json_t **j,
                            const struct part **out_part, struct err *err)
{
	const struct part *pt = NULL;
	int rc;

	rc = connector_get_part(run, parts, url, bearer, fmt, name, &pt, err);
	if (rc)
		return rc;
	if (out_part)
		*out_part = pt;
	json_decref(*j);
	*j = NULL;
	return load_json(j, pt, err);
}

/* Ends a page: on the last one the cursor moves on and the run is complete;
 * either way the page's parts and the cursor are committed together. */
int connector_end_page(struct run *run, const char *endpoint, struct parts *parts, struct cur *c,
                       int last, struct err *err)
{
	int rc;

	if (last)
		cur_finish(c);
	rc = commit(run, endpoint, parts, c, err);
	if (!rc && last)
		run->r->complete = 1;
	return rc;
}

/* A failed poll leaves its reason on the cursor, for the register to show. */
int connector_poll_result(struct run *run, const char *endpoint, int rc, const struct err *err)
{
	if (rc)
		cursors_set_error(run->s, run->account_id, endpoint, err ? err->msg : "failed",
		                  time_now(), NULL);
	return rc;
}

/* Unix seconds of an ISO time as a decimal string into dst ("" when absent). */
void connector_iso_to_num(char *dst, size_t n, const char *iso)
{
	int64_t t;

	dst[0] = '\0';
	if (iso && time_parse_iso(iso, &t) == KV_OK)
		snprintf(dst, n, "%lld", (long long)t);
}

/* Start of a look-back window of days counted back from now (Unix
 * seconds, never before 1970). */
static int64_t window_start(int64_t days)
{
	int64_t start = time_now() - days * 86400;

	return start > 0 ? start : 0;
}

/* Unix seconds of an ISO time; INT64_MIN when absent or unreadable. */
int64_t connector_post_time(const char *iso)
{
	int64_t t;

	return iso && time_parse_iso(iso, &t) == KV_OK ? t : INT64_MIN;
}

/* The lower bound a poll asks the platform for: the cursor's since, or the
 * start of the look-back window when that reaches further back, so that
 * posts created in the last lookback_days are read again for new comments
 * ("" when the cursor has none yet: everything is read). */
void connector_lookback_since(const struct run *run, const char *since, char *out, size_t n)
{
	char s[32];

	snprintf(out, n, "%s", since);
	if (!since[0] || run->c->lookback_days <= 0)
		return;
	snprintf(s, sizeof(s), "%lld", (long long)window_start(run->c->lookback_days));
	if (connector_num_cmp(s, since) < 0)
		snprintf(out, n, "%s", s);
}

/* Starts a page: nothing seen on it yet. */
void connector_reach_page(struct reach *r)
{
	r->oldest[0] = '\0';
	r->oldest_t = INT64_MAX;
}

/* The window is lookback_days long; there is none on a first poll, which
 * reads everything. */
void connector_reach_init(struct reach *r, const struct run *run, const char *since)
{
	int64_t days = run->c->lookback_days;

	snprintf(r->since, sizeof(r->since), "%s", since);
	r->start = since[0] && days > 0 ? window_start(days) : INT64_MAX;
	connector_reach_page(r);
}

/* 1 when the poll reads past the cursor: the platform must not be asked
 * for since_id then, as that would hide the window's older posts. */
int connector_reach_window(const struct reach *r)
{
	return r->start != INT64_MAX;
}

/* A post on the page under way: key its since value, t its creation time
 * (INT64_MIN when unknown, which counts as old). */
void connector_reach_note(struct reach *r, const char *key, int64_t t)
{
	if (key && connector_is_num(key) &&
	    (!r->oldest[0] || connector_num_cmp(key, r->oldest) < 0))
		snprintf(r->oldest, sizeof(r->oldest), "%s", key);
	if (t < r->oldest_t)
		r->oldest_t = t;
}

/* 1 when a post's comments or replies are to be read: it is new, or it was
 * created in the window. */
int connector_reach_wants(const struct reach *r, const char *key, int64_t t)
{
	return connector_num_cmp(key, r->since) > 0 ||
	       (connector_reach_window(r) && t != INT64_MIN && t >= r->start);
}

/* 1 when the page under way reaches back to both the cursor's since and
 * the start of the window: it is the last one needed. */
int connector_reach_done(const struct reach *r)
{
	return r->since[0] && r->oldest[0] && connector_num_cmp(r->oldest, r->since) <= 0 &&
	       r->oldest_t <= r->start;
}

/* Removes every secret query parameter from url (tokens never go into the
 * cursor); a heap string, NULL when out of memory. */
char *connector_strip_secrets(const char *url)
{
	CURLU *u = curl_url();
	char *query = NULL, *res = NULL, *out = NULL;
	struct buf b;
	const char *p;

	buf_init(&b, 1 << 20);
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
		for (p = query; *p;) {
			size_t len = strcspn(p, "&");
			size_t k = strcspn(p, "=&");
			int secret = (k == 12 && strncmp(p, "access_token", 12) == 0) ||
			             (k == 3 && strncmp(p, "key", 3) == 0) ||
			             (k == 15 && strncmp(p, "appsecret_proof", 15) == 0);

			if (!secret && len) {
				if (b.len)
					buf_putc(&b, '&');
				buf_put(&b, p, len);
			}
			p += len;
			if (*p == '&')
				p++;
		}
		if (curl_url_set(u, CURLUPART_QUERY, b.len ? buf_cstr(&b) : NULL, 0) != CURLUE_OK)
			goto out;
	}
	if (curl_url_get(u, CURLUPART_URL, &res, 0) != CURLUE_OK)
		goto out;
	out = strdup(res);
out:
	curl_free(query);
	curl_free(res);
	curl_url_cleanup(u);
	buf_done(&b);
	return out;
}

/* ---- nested pages, read breadth first ---- */

void connector_nests_done(struct nests *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->v[i].url);
		json_decref(q->v[i].chain);
	}
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* Queues url; chain gets a reference of its own. */
int connector_nests_push(struct nests *q, const char *url, json_t *chain, size_t origin, int page,
                         struct err *err)
{
	struct nest *e;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct nest *v = realloc(q->v, cap * sizeof(*v));

		if (!v)
			return err_set(err, KV_ENOMEM, "out of memory");
		q->v = v;
		q->cap = cap;
	}
	e = &q->v[q->n];
	e->url = strdup(url);
	if (!e->url)
		return err_set(err, KV_ENOMEM, "out of memory");
	e->chain = json_incref(chain);
	e->origin = origin;
	e->page = page;
	q->n++;
	return KV_OK;
}

int connector_poll(struct store *s, int64_t org, const char *actor, int64_t account_id,
                   const struct connector_conf *conf, struct capture_screener *screener,
                   struct connector_report *out, struct err *err)
{
	struct account_rec *acc = NULL;
	struct run run = {0};
	struct connector_report r = {0};
	int rc;

	run.r = &r;
	rc = register_row_account_load(s, account_id, &acc, err);
	if (rc)
		goto out;
	run.s = s;
	run.c = conf;
	run.account_id = account_id;
	run.pid = acc->platform_account_id;
	run.handle = acc->v.handle;
	run.platform = register_platform_name(acc->v.platform);
	run.io.org = org;
	run.io.account_id = account_id;
	run.io.actor = actor;
	run.io.screener = screener;
	if (!connector_supported(acc->v.platform)) {
		rc = err_set(err, KV_EINVAL, "%s/%s: no connector for %s accounts yet",
		             run.platform, run.handle, run.platform);
		goto out;
	}
	if (!conf->token) {
		rc = err_set(err, KV_EINVAL,
		             "%s/%s: no token configured (key 'token' in section [account %s])",
		             run.platform, run.handle, run.handle);
		goto out;
	}
	if (!run.pid || !*run.pid) {
		rc = err_set(err, KV_EINVAL,
		             "%s/%s: the platform's id of the account is not in the register "
		             "(set it with --platform-id)",
		             run.platform, run.handle);
		goto out;
	}
	if (strspn(run.pid, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.") !=
	    strlen(run.pid)) {
		rc = err_set(err, KV_EINVAL,
		             "%s/%s: platform id '%s' has characters an id cannot have",
		             run.platform, run.handle, run.pid);
		goto out;
	}
	if (fetch_url_origin(run.origin, sizeof(run.origin), conf->base_url) != KV_OK) {
		rc = err_set(err, KV_EINVAL, "%s/%s: base_url is not an http(s) URL", run.platform,
		             run.handle);
		goto out;
	}
	run.tok_esc = curl_easy_escape(NULL, conf->token, 0);
	if (!run.tok_esc) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = fetch_new(&run.f, &conf->fetch, err);
	if (rc)
		goto out;
	switch (acc->v.platform) {
	case PLATFORM_FACEBOOK:
		rc = connector_graph_poll(&run, 0, err);
		/* The inbox is read even when the feed failed (its cursor keeps
		 * its own place), but not with a token the platform refused. */
		if (conf->messages && rc != KV_EDENIED && rc != KV_ENOMEM) {
			struct err conv_err;
			int feed_complete = r.complete, crc;

			crc = connector_conv_poll(&run, rc ? &conv_err : err);
			r.complete = feed_complete && r.complete;
			if (!rc)
				rc = crc;
		}
		break;
	case PLATFORM_INSTAGRAM:
		rc = connector_graph_poll(&run, 1, err);
		break;
	case PLATFORM_YOUTUBE:
		rc = connector_youtube_poll(&run, err);
		break;
	case PLATFORM_MASTODON:
		rc = connector_mastodon_poll(&run, err);
		break;
	default:
		rc = connector_x_poll(&run, err);
		break;
	}
	if (rc)
		err_prefix(err, "%s/%s: ", run.platform, run.handle);
out:
	if (run.tok_esc)
		curl_free(run.tok_esc);
	fetch_free(run.f);
	register_row_account_free(acc);
	*out = r;
	return rc;
}
