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

#include "base/buf.h"
#include "base/config.h"
#include "base/timeutil.h"
#include "capture/import.h"
#include "capture/parse_meta.h"
#include "store/cursors.h"
#include "store/register.h"
#include "store/store.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define GRAPH_FEED_FIELDS                                                                          \
	"id,message,created_time,updated_time,from,permalink_url,status_type,is_hidden,"           \
	"attachments,comments.limit(100){id,message,created_time,from,permalink_url,is_hidden,"    \
	"parent,attachment,comments.limit(100){id,message,created_time,from,permalink_url,"        \
	"is_hidden,parent,attachment}}"
#define GRAPH_MEDIA_FIELDS                                                                         \
	"id,caption,media_type,media_url,permalink,timestamp,username,owner,children{id,"          \
	"media_type,media_url},comments.limit(100){id,text,timestamp,username,from,hidden,"        \
	"parent_id,replies{id,text,timestamp,username,from,hidden,parent_id}}"
#define GRAPH_CONVERSATION_FIELDS                                                                  \
	"id,updated_time,messages.limit(100){id,message,created_time,from,to,attachments}"
#define X_TWEET_FIELDS                                                                             \
	"tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets," \
	"edit_history_tweet_ids,entities&expansions=author_id&user.fields=username"
#define MASTODON_LIMIT 40

struct cur {
	char since[64];
	char pending[64];
	char next[2048];
	/* Conversations only: the since the poll may at most move to, below a
	 * conversation whose message list was cut short ("" when none was). */
	char floor[64];
};

/* One response body waiting to be imported. */
struct part {
	char *data;
	size_t len;
	enum parse_format fmt;
	char name[256];
	/* What the import of this part counts that the poll has dealt with:
	 * nested comment lists on it whose next page was read (the parser
	 * notes each as a skip, "more comments than this response holds"), and
	 * the objects repeated above a nested page to give it its place (each
	 * counted as unchanged). */
	int64_t followed;
	int64_t echoed;
	/* Lists on it left unread that the parser does not note (YouTube
	 * threads whose replies, conversations whose messages were not all
	 * read), counted as skipped. */
	int64_t cut;
};

struct parts {
	struct part *v;
	size_t n;
	size_t cap;
};

struct run {
	struct store *s;
	struct fetch *f;
	const struct connector_conf *c;
	int64_t account_id;
	const char *pid;    /* the platform's id of the account */
	const char *handle; /* for messages */
	const char *platform;
	char *tok_esc;              /* the token, URL-escaped */
	int64_t comment_pages_left; /* nested comment pages this poll may still read */
	struct import_opts io;
	struct connector_report *r;
	char origin[600]; /* scheme://host:port of base_url */
};

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
		               platform_name(p));
	if (!cfg) {
		empty = config_new();
		if (!empty)
			return err_set(err, KV_ENOMEM, "out of memory");
		cfg = empty;
	}
	snprintf(sec, sizeof(sec), "account %s/%s", platform_name(p), handle);
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

static int cur_load(struct run *run, const char *endpoint, struct cur *c, struct err *err)
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
static int num_cmp(const char *a, const char *b)
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

static int is_num(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void keep_max(char *dst, size_t n, const char *v)
{
	if (v && is_num(v) && num_cmp(v, dst) > 0)
		snprintf(dst, n, "%s", v);
}

/* The poll reached the end: what it saw becomes the new since, unless a
 * list it cut short holds it further back. */
static void cur_finish(struct cur *c)
{
	keep_max(c->since, sizeof(c->since), c->pending);
	if (c->floor[0] && num_cmp(c->floor, c->since) < 0)
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

static void parts_done(struct parts *p)
{
	parts_clear(p);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* GETs url and keeps the body as a part to import. The body stays owned by
 * parts; *out_body (may be NULL) borrows it. */
static int get_part(struct run *run, struct parts *p, const char *url, const char *bearer,
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
static int get_json_page(struct run *run, struct parts *parts, const char *url, const char *bearer,
                         enum parse_format fmt, const char *name, json_t **j,
                         const struct part **out_part, struct err *err)
{
	const struct part *pt = NULL;
	int rc;

	rc = get_part(run, parts, url, bearer, fmt, name, &pt, err);
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
static int end_page(struct run *run, const char *endpoint, struct parts *parts, struct cur *c,
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
static int poll_result(struct run *run, const char *endpoint, int rc, const struct err *err)
{
	if (rc)
		cursors_set_error(run->s, run->account_id, endpoint, err ? err->msg : "failed",
		                  time_now(), NULL);
	return rc;
}

/* Unix seconds of an ISO time as a decimal string into dst ("" when absent). */
static void iso_to_num(char *dst, size_t n, const char *iso)
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
static int64_t post_time(const char *iso)
{
	int64_t t;

	return iso && time_parse_iso(iso, &t) == KV_OK ? t : INT64_MIN;
}

/* The lower bound a poll asks the platform for: the cursor's since, or the
 * start of the look-back window when that reaches further back, so that
 * posts created in the last lookback_days are read again for new comments
 * ("" when the cursor has none yet: everything is read). */
static void lookback_since(const struct run *run, const char *since, char *out, size_t n)
{
	char s[32];

	snprintf(out, n, "%s", since);
	if (!since[0] || run->c->lookback_days <= 0)
		return;
	snprintf(s, sizeof(s), "%lld", (long long)window_start(run->c->lookback_days));
	if (num_cmp(s, since) < 0)
		snprintf(out, n, "%s", s);
}

/* How far back a poll reads when the platform lists posts newest first and
 * cannot be asked for "since T" (YouTube, Mastodon, X): everything newer
 * than the cursor's since (new posts), and every post created since the
 * start of the look-back window, whose comments and replies are read again
 * for the ones written since. The poll pages on until a page's oldest post
 * lies behind both; the posts on the pages it reads are compared with the
 * cursor by their since value (a time for YouTube, an id for Mastodon and
 * X) and with the window by their creation time. */
struct reach {
	char since[64];   /* the cursor's since; "" reads everything */
	int64_t start;    /* start of the window; INT64_MAX when there is none */
	char oldest[64];  /* the smallest since value on the page under way */
	int64_t oldest_t; /* the earliest creation time on it (INT64_MIN: unknown) */
};

/* Starts a page: nothing seen on it yet. */
static void reach_page(struct reach *r)
{
	r->oldest[0] = '\0';
	r->oldest_t = INT64_MAX;
}

/* The window is lookback_days long; there is none on a first poll, which
 * reads everything. */
static void reach_init(struct reach *r, const struct run *run, const char *since)
{
	int64_t days = run->c->lookback_days;

	snprintf(r->since, sizeof(r->since), "%s", since);
	r->start = since[0] && days > 0 ? window_start(days) : INT64_MAX;
	reach_page(r);
}

/* 1 when the poll reads past the cursor: the platform must not be asked
 * for since_id then, as that would hide the window's older posts. */
static int reach_window(const struct reach *r)
{
	return r->start != INT64_MAX;
}

/* A post on the page under way: key its since value, t its creation time
 * (INT64_MIN when unknown, which counts as old). */
static void reach_note(struct reach *r, const char *key, int64_t t)
{
	if (key && is_num(key) && (!r->oldest[0] || num_cmp(key, r->oldest) < 0))
		snprintf(r->oldest, sizeof(r->oldest), "%s", key);
	if (t < r->oldest_t)
		r->oldest_t = t;
}

/* 1 when a post's comments or replies are to be read: it is new, or it was
 * created in the window. */
static int reach_wants(const struct reach *r, const char *key, int64_t t)
{
	return num_cmp(key, r->since) > 0 || (reach_window(r) && t != INT64_MIN && t >= r->start);
}

/* 1 when the page under way reaches back to both the cursor's since and
 * the start of the window: it is the last one needed. */
static int reach_done(const struct reach *r)
{
	return r->since[0] && r->oldest[0] && num_cmp(r->oldest, r->since) <= 0 &&
	       r->oldest_t <= r->start;
}

/* Removes every secret query parameter from url (tokens never go into the
 * cursor); a heap string, NULL when out of memory. */
static char *strip_secrets(const char *url)
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

/* ---- Graph API: Facebook Page feed, Instagram media ---- */

/* How deep nested comment lists are followed: a post's (or a media's)
 * comments, and each comment's replies. The fields asked for hold no
 * deeper lists. */
#define GRAPH_NEST_DEPTH 2

/* A nested comment list with a further page still to read. */
struct nest {
	char *url;     /* its paging.next as Graph gave it */
	json_t *chain; /* the objects the list hangs under, outermost first, without children */
	size_t origin; /* the part whose import notes the list as cut short */
	int page;      /* the page of the list that url reads */
};

struct nests {
	struct nest *v;
	size_t n;
	size_t cap;
	size_t head; /* the next one to read */
};

static void nests_done(struct nests *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->v[i].url);
		json_decref(q->v[i].chain);
	}
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* Queues url; chain gets a reference of its own. */
static int nests_push(struct nests *q, const char *url, json_t *chain, size_t origin, int page,
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

/* The key of the nested list of an object at depth (0 = a post or media):
 * Facebook comments hold comments, Instagram comments hold replies. */
static const char *nest_key(int instagram, size_t depth)
{
	return instagram && depth > 0 ? "replies" : "comments";
}

/* chain with o appended, as a new array; o is copied shallowly without its
 * children (comments, replies), which travel in the pages instead. */
static json_t *chain_push(const json_t *chain, json_t *o)
{
	json_t *c = json_array(), *copy = json_copy(o);
	size_t i;
	json_t *v;

	if (!c || !copy)
		goto fail;
	json_object_del(copy, "comments");
	json_object_del(copy, "replies");
	json_array_foreach((json_t *)chain, i, v)
	{
		if (json_array_append(c, v))
			goto fail;
	}
	if (json_array_append_new(c, copy)) {
		json_decref(c);
		return NULL;
	}
	return c;
fail:
	json_decref(copy);
	json_decref(c);
	return NULL;
}

/* Queues the nested lists of the objects in data (at depth under chain)
 * that have a further page, and looks into the lists' own objects. The
 * parser notes each such list as cut short in the import of part origin;
 * only objects with an id are followed, as only they are imported. */
static int nests_scan(struct nests *q, json_t *data, json_t *chain, size_t depth, int instagram,
                      size_t origin, struct err *err)
{
	size_t i;
	json_t *o;
	int rc = KV_OK;

	if (depth >= GRAPH_NEST_DEPTH)
		return KV_OK;
	json_array_foreach(data, i, o)
	{
		json_t *list = json_object_get(o, nest_key(instagram, depth));
		json_t *sub;
		const char *next;

		if (!json_is_object(list) || !json_is_string(json_object_get(o, "id")))
			continue;
		sub = chain_push(chain, o);
		if (!sub)
			return err_set(err, KV_ENOMEM, "out of memory");
		next = json_string_value(json_object_get(json_object_get(list, "paging"), "next"));
		if (next && *next)
			rc = nests_push(q, next, sub, origin, 2, err);
		if (!rc)
			rc = nests_scan(q, json_object_get(list, "data"), sub, depth + 1, instagram,
			                origin, err);
		json_decref(sub);
		if (rc)
			return rc;
	}
	return KV_OK;
}

/* The document a nested page is imported as: the page inside copies of the
 * objects it hangs under, {"data":[post{comments:{"data":[comment{comments:
 * page}]}}]}, the shape of the feed page it was found on. The parser then
 * gives each comment its parent and root as on the feed page; the objects
 * above it are the same as there, so they are stored unchanged. Imported
 * bare, a /{id}/comments page would leave parent and root to what the
 * permalinks spell out, which pfbid links do not. */
static char *nest_wrap(const json_t *chain, json_t *page, int instagram)
{
	json_t *inner = json_incref(page);
	char *out = NULL;

	for (size_t i = json_array_size(chain); inner && i-- > 0;) {
		json_t *o = json_copy(json_array_get(chain, i));
		json_t *list = json_array(), *doc = json_object();

		if (!o || !list || !doc || json_object_set(o, nest_key(instagram, i), inner) ||
		    json_array_append(list, o) || json_object_set(doc, "data", list)) {
			json_decref(doc);
			doc = NULL;
		}
		json_decref(inner);
		json_decref(o);
		json_decref(list);
		inner = doc;
	}
	if (inner)
		out = json_dumps(inner, JSON_COMPACT);
	json_decref(inner);
	return out;
}

/* Checks a Graph paging.next before it is followed: only to the origin of
 * base_url, so that the token goes nowhere else. *out is next without any
 * secret Graph echoed in it (a heap string, for the cursor and the request). */
static int graph_next_check(struct run *run, const char *next, const char *name, char **out,
                            struct err *err)
{
	char origin[600], shown[600];
	char *stripped;

	if (fetch_url_origin(origin, sizeof(origin), next) != KV_OK ||
	    strcmp(origin, run->origin) != 0) {
		fetch_scrub_url(shown, sizeof(shown), next);
		return err_set(err, KV_EIO,
		               "%s: paging.next points at another host (%s); not followed, so that "
		               "the token goes only to %s",
		               name, shown, run->origin);
	}
	stripped = strip_secrets(next);
	if (!stripped)
		return err_set(err, KV_ENOMEM, "out of memory");
	*out = stripped;
	return KV_OK;
}

/* Appends the configured token to url as access_token=. */
static int graph_add_token(struct run *run, struct buf *url, struct err *err)
{
	if (buf_printf(url, "%saccess_token=%s", strchr(buf_cstr(url), '?') ? "&" : "?",
	               run->tok_esc) != KV_OK)
		return err_set(err, KV_ENOMEM, "out of memory");
	return KV_OK;
}

/* Reads the further pages of the nested comment lists on a feed page (the
 * last part in parts, parsed as page), and of the lists those pages show,
 * each as a part of its own to import with the feed page. Breadth first,
 * so every post gets its second page of comments before any gets its
 * third, until the poll's max_comment_pages is spent; lists left unread
 * then stay noted as cut short. */
static int graph_nested(struct run *run, struct parts *parts, json_t *page, int instagram,
                        const char *feed_name, struct err *err)
{
	struct nests q = {0};
	struct buf url;
	json_t *j = NULL, *root = json_array();
	char *stripped = NULL, *next = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	if (!root) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = nests_scan(&q, json_object_get(page, "data"), root, 0, instagram, parts->n - 1, err);
	for (; !rc && q.head < q.n; q.head++) {
		struct nest *e = &q.v[q.head];
		json_t *chain = e->chain;
		size_t depth = json_array_size(chain), origin = e->origin;
		int npage = e->page;
		const char *parent =
		        json_string_value(json_object_get(json_array_get(chain, depth - 1), "id"));
		struct part *pt;
		char name[256];
		char *doc;

		if (run->comment_pages_left <= 0) {
			run->r->comment_lists_cut += (int64_t)(q.n - q.head);
			break;
		}
		snprintf(name, sizeof(name), "%.160s, %s of %.64s page %d", feed_name,
		         nest_key(instagram, depth - 1), parent ? parent : "?", npage);
		free(stripped);
		stripped = NULL;
		rc = graph_next_check(run, e->url, name, &stripped, err);
		if (rc)
			break;
		buf_clear(&url);
		buf_puts(&url, stripped);
		if ((rc = graph_add_token(run, &url, err)))
			break;
		/* e points into q, which the pushes below may move: what is
		 * needed of it was copied above. */
		run->comment_pages_left--;
		rc = get_json_page(run, parts, buf_cstr(&url), NULL, PARSE_GRAPH, name, &j, NULL,
		                   err);
		if (rc) {
			/* The URL alone would not say which comment list failed. */
			if (!strstr(err->msg, name))
				err_prefix(err, "%s: ", name);
			break;
		}
		pt = &parts->v[parts->n - 1];
		free(next);
		next = NULL;
		rc = parse_graph_next(pt->data, pt->len, &next, err);
		if (rc) {
			err_prefix(err, "%s: ", name);
			break;
		}
		doc = nest_wrap(chain, j, instagram);
		if (!doc) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		free(pt->data);
		pt->data = doc;
		pt->len = strlen(doc);
		pt->echoed = (int64_t)depth;
		parts->v[origin].followed++;
		if (next)
			rc = nests_push(&q, next, chain, parts->n - 1, npage + 1, err);
		if (!rc)
			rc = nests_scan(&q, json_object_get(j, "data"), chain, depth, instagram,
			                parts->n - 1, err);
	}
out:
	json_decref(j);
	json_decref(root);
	free(stripped);
	free(next);
	nests_done(&q);
	buf_done(&url);
	return rc;
}

static int graph_poll(struct run *run, int instagram, struct err *err)
{
	const char *endpoint = instagram ? "media" : "feed";
	const char *time_key = instagram ? "timestamp" : "created_time";
	struct parts parts = {0};
	struct cur c;
	struct buf url;
	char *fields = NULL, *next = NULL, *stripped = NULL;
	json_t *j = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	run->comment_pages_left = run->c->max_comment_pages;
	rc = cur_load(run, endpoint, &c, err);
	if (rc)
		goto out;
	fields = curl_easy_escape(NULL, instagram ? GRAPH_MEDIA_FIELDS : GRAPH_FEED_FIELDS, 0);
	if (!fields) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	if (c.next[0]) {
		char origin[600];

		/* base_url may have moved since the cursor was written: the token
		 * goes only to the host configured now, so start over there. */
		if (fetch_url_origin(origin, sizeof(origin), c.next) != KV_OK ||
		    strcmp(origin, run->origin) != 0)
			c.next[0] = '\0';
	}
	if (c.next[0])
		buf_puts(&url, c.next);
	else {
		char since[64];

		buf_printf(&url, "%s/%s/%s?fields=%s&limit=25", run->c->base_url, run->pid,
		           endpoint, fields);
		lookback_since(run, c.since, since, sizeof(since));
		if (since[0])
			buf_printf(&url, "&since=%s", since);
	}
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		const struct part *pt = NULL;
		json_t *data;
		size_t i;
		char name[256];

		if ((rc = graph_add_token(run, &url, err)))
			goto out;
		snprintf(name, sizeof(name), "%s %s %s/%s page %lld", run->platform, run->handle,
		         run->pid, endpoint, (long long)page);
		rc = get_json_page(run, &parts, buf_cstr(&url), NULL, PARSE_GRAPH, name, &j, &pt,
		                   err);
		if (rc)
			goto out;
		data = json_object_get(j, "data");
		for (i = 0; json_is_array(data) && i < json_array_size(data); i++) {
			char t[64];
			json_t *tv = json_object_get(json_array_get(data, i), time_key);

			iso_to_num(t, sizeof(t), json_string_value(tv));
			keep_max(c.pending, sizeof(c.pending), t);
		}
		free(next);
		next = NULL;
		rc = parse_graph_next(pt->data, pt->len, &next, err);
		if (rc) {
			err_prefix(err, "%s: ", name);
			goto out;
		}
		free(stripped);
		stripped = NULL;
		if (next && (rc = graph_next_check(run, next, name, &stripped, err)))
			goto out;
		if (stripped &&
		    (size_t)snprintf(c.next, sizeof(c.next), "%s", stripped) >= sizeof(c.next)) {
			rc = err_set(err, KV_EIO, "%s: paging.next is longer than %zu bytes", name,
			             sizeof(c.next) - 1);
			goto out;
		}
		/* pt is not used past here: the nested pages grow parts. */
		rc = graph_nested(run, &parts, j, instagram, name, err);
		if (rc)
			goto out;
		rc = end_page(run, endpoint, &parts, &c, !next, err);
		if (rc)
			goto out;
		if (!next)
			break;
		buf_clear(&url);
		buf_puts(&url, stripped);
	}
out:
	json_decref(j);
	free(next);
	free(stripped);
	curl_free(fields);
	buf_done(&url);
	parts_done(&parts);
	return poll_result(run, endpoint, rc, err);
}

/* ---- Graph API: Facebook Page conversations (private messages) ---- */

/* Holds the cursor's since below a conversation whose message list was cut
 * short (updated is its updated_time in Unix seconds), so that the next
 * poll finds it updated and reads its messages again. */
static void conv_hold(struct cur *c, const char *updated)
{
	char v[32];
	long long t;
	char *end;

	if (!is_num(updated))
		return;
	t = strtoll(updated, &end, 10);
	if (*end || t <= 0)
		return;
	snprintf(v, sizeof(v), "%lld", t - 1);
	if (!c->floor[0] || num_cmp(v, c->floor) < 0)
		snprintf(c->floor, sizeof(c->floor), "%s", v);
}

/* The conversations on a page as the parser should read them: each
 * conversation's id with its messages, without the paging the poll follows
 * itself (conv_messages), so the parser neither counts those lists as cut
 * short nor loses which conversation a message belongs to. cid with data
 * (a further /{conversation}/messages page's messages) gives one such
 * conversation. A heap string, NULL when out of memory. */
static char *conv_doc(json_t *data, const char *cid)
{
	json_t *convs = json_array(), *conv, *doc = NULL;
	char *out = NULL;
	size_t i;

	if (!convs)
		return NULL;
	if (cid) {
		if (json_array_append_new(
		            convs, json_pack("{s:s,s:{s:O}}", "id", cid, "messages", "data", data)))
			goto out;
	} else {
		json_array_foreach(data, i, conv)
		{
			json_t *id = json_object_get(conv, "id");
			json_t *msgs = json_object_get(json_object_get(conv, "messages"), "data");

			if (json_is_string(id) && json_is_array(msgs) &&
			    json_array_append_new(convs, json_pack("{s:O,s:{s:O}}", "id", id,
			                                           "messages", "data", msgs)))
				goto out;
		}
	}
	doc = json_pack("{s:O}", "data", convs);
	if (doc)
		out = json_dumps(doc, JSON_COMPACT);
out:
	json_decref(convs);
	json_decref(doc);
	return out;
}

/* Reads the further pages of the message lists of the conversations
 * queued in q (breadth first, each page a part of its own, imported as
 * Graph gives it: a /{conversation}/messages page, which the parser reads),
 * until the poll's max_comment_pages is spent; the lists left then are
 * counted as cut short and hold the cursor below their conversations. */
static int conv_messages(struct run *run, struct parts *parts, struct nests *q, struct cur *c,
                         const char *page_name, struct err *err)
{
	struct buf url;
	json_t *j = NULL;
	char *stripped = NULL, *next = NULL;
	int rc = KV_OK;

	buf_init(&url, 1 << 20);
	for (; q->head < q->n; q->head++) {
		/* What is needed of the entry is copied: the push below may
		 * move it. */
		json_t *conv = q->v[q->head].chain;
		const char *link = q->v[q->head].url;
		int npage = q->v[q->head].page;
		const char *cid = json_string_value(json_object_get(conv, "id"));
		const struct part *pt = NULL;
		char name[256];

		if (run->comment_pages_left <= 0) {
			run->r->comment_lists_cut += (int64_t)(q->n - q->head);
			for (size_t i = q->head; i < q->n; i++) {
				parts->v[q->v[i].origin].cut++;
				conv_hold(c, json_string_value(
				                     json_object_get(q->v[i].chain, "updated")));
			}
			break;
		}
		snprintf(name, sizeof(name), "%.160s, messages of %.64s page %d", page_name,
		         cid ? cid : "?", npage);
		free(stripped);
		stripped = NULL;
		rc = graph_next_check(run, link, name, &stripped, err);
		if (rc)
			break;
		buf_clear(&url);
		buf_puts(&url, stripped);
		if ((rc = graph_add_token(run, &url, err)))
			break;
		run->comment_pages_left--;
		rc = get_json_page(run, parts, buf_cstr(&url), NULL, PARSE_GRAPH, name, &j, &pt,
		                   err);
		if (rc) {
			if (!strstr(err->msg, name))
				err_prefix(err, "%s: ", name);
			break;
		}
		free(next);
		next = NULL;
		rc = parse_graph_next(pt->data, pt->len, &next, err);
		if (rc) {
			err_prefix(err, "%s: ", name);
			break;
		}
		if (next && (rc = nests_push(q, next, conv, parts->n - 1, npage + 1, err)))
			break;
		/* The messages are read with their conversation, as on the
		 * conversations page. */
		{
			struct part *last = &parts->v[parts->n - 1];
			json_t *msgs = json_object_get(j, "data");
			char *doc;

			if (!json_is_array(msgs) || !cid) {
				rc = err_set(err, KV_EINVAL, "%s: expected a list of messages",
				             name);
				break;
			}
			doc = conv_doc(msgs, cid);
			if (!doc) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			free(last->data);
			last->data = doc;
			last->len = strlen(doc);
		}
	}
	json_decref(j);
	free(stripped);
	free(next);
	buf_done(&url);
	return rc;
}

/* A Page's conversations, most recently updated first, each with its
 * newest 100 messages and a paging.next to the older ones. Graph cannot be
 * asked for "updated since T" here, so the poll pages on until a page
 * reaches back to the cursor's since (the newest updated_time of the last
 * complete poll). The message lists of conversations updated since then
 * are read to their end (max_comment_pages permitting); the messages of
 * the others on the last page are imported again, which changes nothing. */
static int conv_poll(struct run *run, struct err *err)
{
	const char *endpoint = "conversations";
	struct parts parts = {0};
	struct nests q = {0};
	struct cur c;
	struct buf url;
	char *fields = NULL, *next = NULL, *stripped = NULL;
	json_t *j = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	run->comment_pages_left = run->c->max_comment_pages;
	rc = cur_load(run, endpoint, &c, err);
	if (rc)
		goto out;
	fields = curl_easy_escape(NULL, GRAPH_CONVERSATION_FIELDS, 0);
	if (!fields) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	if (c.next[0]) {
		char origin[600];

		/* As for the feed: the token goes only to the host configured
		 * now. */
		if (fetch_url_origin(origin, sizeof(origin), c.next) != KV_OK ||
		    strcmp(origin, run->origin) != 0)
			c.next[0] = '\0';
	}
	if (c.next[0])
		buf_puts(&url, c.next);
	else
		buf_printf(&url, "%s/%s/conversations?fields=%s&limit=25", run->c->base_url,
		           run->pid, fields);
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		struct part *pt;
		const struct part *cpt = NULL;
		json_t *data, *conv;
		char name[256], oldest[64] = "";
		size_t i, origin;
		char *doc;

		if ((rc = graph_add_token(run, &url, err)))
			goto out;
		snprintf(name, sizeof(name), "%s %s %s/%s page %lld", run->platform, run->handle,
		         run->pid, endpoint, (long long)page);
		rc = get_json_page(run, &parts, buf_cstr(&url), NULL, PARSE_GRAPH, name, &j, &cpt,
		                   err);
		if (rc)
			goto out;
		free(next);
		next = NULL;
		rc = parse_graph_next(cpt->data, cpt->len, &next, err);
		if (rc) {
			err_prefix(err, "%s: ", name);
			goto out;
		}
		data = json_object_get(j, "data");
		if (!json_is_array(data)) {
			rc = err_set(err, KV_EINVAL,
			             "%s: expected a list of conversations ('data')", name);
			goto out;
		}
		origin = parts.n - 1;
		json_array_foreach(data, i, conv)
		{
			const char *link = json_string_value(json_object_get(
			        json_object_get(json_object_get(conv, "messages"), "paging"),
			        "next"));
			const char *cid = json_string_value(json_object_get(conv, "id"));
			json_t *key;
			char t[64];

			iso_to_num(t, sizeof(t),
			           json_string_value(json_object_get(conv, "updated_time")));
			keep_max(c.pending, sizeof(c.pending), t);
			if (t[0] && (!oldest[0] || num_cmp(t, oldest) < 0))
				snprintf(oldest, sizeof(oldest), "%s", t);
			/* Older messages of a conversation not updated since the
			 * last complete poll were read then. */
			if (!link || !*link || !cid ||
			    (c.since[0] && t[0] && num_cmp(t, c.since) <= 0))
				continue;
			key = json_pack("{s:s,s:s}", "id", cid, "updated", t);
			if (!key) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			rc = nests_push(&q, link, key, origin, 2, err);
			json_decref(key);
			if (rc)
				goto out;
		}
		doc = conv_doc(data, NULL);
		if (!doc) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		pt = &parts.v[origin];
		free(pt->data);
		pt->data = doc;
		pt->len = strlen(doc);
		/* Conversations come most recently updated first: a page that
		 * reaches back to the cursor is the last one needed. */
		free(stripped);
		stripped = NULL;
		if (next && !(c.since[0] && oldest[0] && num_cmp(oldest, c.since) <= 0)) {
			if ((rc = graph_next_check(run, next, name, &stripped, err)))
				goto out;
			if ((size_t)snprintf(c.next, sizeof(c.next), "%s", stripped) >=
			    sizeof(c.next)) {
				rc = err_set(err, KV_EIO,
				             "%s: paging.next is longer than %zu bytes", name,
				             sizeof(c.next) - 1);
				goto out;
			}
		} else
			c.next[0] = '\0';
		rc = conv_messages(run, &parts, &q, &c, name, err);
		nests_done(&q);
		if (rc)
			goto out;
		rc = end_page(run, endpoint, &parts, &c, !c.next[0], err);
		if (rc)
			goto out;
		if (!c.next[0])
			break;
		buf_clear(&url);
		buf_puts(&url, stripped);
	}
out:
	json_decref(j);
	free(next);
	free(stripped);
	curl_free(fields);
	buf_done(&url);
	nests_done(&q);
	parts_done(&parts);
	return poll_result(run, endpoint, rc, err);
}

/* ---- YouTube Data API v3: commentThreads ---- */

/* The document a comments.list page of a thread's replies is imported as:
 * the replies inside a copy of the thread, {"kind":
 * "youtube#commentThreadListResponse","items":[thread{replies:{comments:
 * items}}]}, the shape of the page the thread was found on. A comment
 * resource does not name its video, so only so do the replies get the
 * thread's video as root, as the inline ones do; the top-level comment
 * repeated is stored unchanged. A heap string, NULL when out of memory. */
static char *youtube_wrap(json_t *thread, json_t *items)
{
	json_t *copy = json_copy(thread), *doc = NULL;
	char *out = NULL;

	if (!copy || json_object_set_new(copy, "replies", json_pack("{s:O}", "comments", items)))
		goto out;
	doc = json_pack("{s:s,s:[O]}", "kind", "youtube#commentThreadListResponse", "items", copy);
	if (doc)
		out = json_dumps(doc, JSON_COMPACT);
out:
	json_decref(copy);
	json_decref(doc);
	return out;
}

/* Reads all replies of the threads on a commentThreads page (the last part
 * in parts, parsed as page) that hold fewer replies than their
 * snippet.totalReplyCount says, with comments.list?parentId=, each page a
 * part of its own to import with the thread page. Only threads that are new
 * or in the look-back window are read (the others were read when they
 * were). Breadth first, so every thread gets its first page before any gets
 * its second, until the poll's max_comment_pages is spent; the threads left
 * then are counted as cut short. */
static int youtube_replies(struct run *run, struct parts *parts, json_t *page,
                           const struct reach *reach, const char *page_name, struct err *err)
{
	struct nests q = {0};
	struct buf url;
	json_t *items = json_object_get(page, "items"), *th, *j = NULL;
	size_t i, origin = parts->n - 1;
	char *esc = NULL;
	int rc = KV_OK;

	buf_init(&url, 1 << 20);
	json_array_foreach(items, i, th)
	{
		json_t *sn = json_object_get(th, "snippet");
		json_t *total = json_object_get(sn, "totalReplyCount");
		const char *pub = json_string_value(json_object_get(
		        json_object_get(json_object_get(sn, "topLevelComment"), "snippet"),
		        "publishedAt"));
		size_t shown = json_array_size(
		        json_object_get(json_object_get(th, "replies"), "comments"));
		char t[64];

		if (!json_is_string(json_object_get(th, "id")) || !json_is_integer(total) ||
		    json_integer_value(total) <= (json_int_t)shown)
			continue;
		iso_to_num(t, sizeof(t), pub);
		if (t[0] && !reach_wants(reach, t, post_time(pub)))
			continue;
		if ((rc = nests_push(&q, "", th, origin, 1, err)))
			goto out;
	}
	for (; q.head < q.n; q.head++) {
		/* What is needed of the entry is copied: the push below may
		 * move it (the strings and the thread stay where they are). */
		json_t *thread = q.v[q.head].chain;
		const char *token = q.v[q.head].url;
		int npage = q.v[q.head].page;
		const char *tid = json_string_value(json_object_get(thread, "id"));
		json_t *list, *tok;
		struct part *pt;
		char name[256];
		char *doc;

		if (run->comment_pages_left <= 0) {
			int64_t left = (int64_t)(q.n - q.head);

			run->r->comment_lists_cut += left;
			parts->v[origin].cut += left;
			break;
		}
		snprintf(name, sizeof(name), "%.160s, replies of %.64s page %d", page_name, tid,
		         npage);
		buf_clear(&url);
		esc = curl_easy_escape(NULL, tid, 0);
		if (!esc) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		buf_printf(&url, "%s/comments?part=snippet&parentId=%s&maxResults=100",
		           run->c->base_url, esc);
		curl_free(esc);
		esc = NULL;
		if (*token) {
			esc = curl_easy_escape(NULL, token, 0);
			if (!esc) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			buf_printf(&url, "&pageToken=%s", esc);
			curl_free(esc);
			esc = NULL;
		}
		if (buf_printf(&url, "&key=%s", run->tok_esc) != KV_OK) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		run->comment_pages_left--;
		rc = get_json_page(run, parts, buf_cstr(&url), NULL, PARSE_YOUTUBE, name, &j, NULL,
		                   err);
		if (rc) {
			/* The URL alone would not say which thread failed. */
			if (!strstr(err->msg, name))
				err_prefix(err, "%s: ", name);
			break;
		}
		list = json_object_get(j, "items");
		if (!json_is_array(list)) {
			rc = err_set(err, KV_EINVAL, "%s: expected a list of comments ('items')",
			             name);
			break;
		}
		doc = youtube_wrap(thread, list);
		if (!doc) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		pt = &parts->v[parts->n - 1];
		free(pt->data);
		pt->data = doc;
		pt->len = strlen(doc);
		pt->echoed = 1;
		tok = json_object_get(j, "nextPageToken");
		if (json_is_string(tok) && json_string_length(tok) > 0 &&
		    (rc = nests_push(&q, json_string_value(tok), thread, origin, npage + 1, err)))
			break;
	}
out:
	json_decref(j);
	buf_done(&url);
	nests_done(&q);
	return rc;
}

static int youtube_poll(struct run *run, struct err *err)
{
	const char *endpoint = "commentThreads";
	struct parts parts = {0};
	struct cur c;
	struct reach reach;
	struct buf url;
	json_t *j = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	run->comment_pages_left = run->c->max_comment_pages;
	rc = cur_load(run, endpoint, &c, err);
	if (rc)
		goto out;
	reach_init(&reach, run, c.since);
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		json_t *items, *tok;
		char name[256];
		int reached;
		char *esc_tok = NULL;

		reach_page(&reach);
		buf_clear(&url);
		buf_printf(&url,
		           "%s/commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=%s"
		           "&maxResults=100&order=time",
		           run->c->base_url, run->pid);
		if (c.next[0]) {
			esc_tok = curl_easy_escape(NULL, c.next, 0);
			if (!esc_tok) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			buf_printf(&url, "&pageToken=%s", esc_tok);
			curl_free(esc_tok);
		}
		if (buf_printf(&url, "&key=%s", run->tok_esc) != KV_OK) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(name, sizeof(name), "youtube %s commentThreads page %lld", run->handle,
		         (long long)page);
		rc = get_json_page(run, &parts, buf_cstr(&url), NULL, PARSE_YOUTUBE, name, &j, NULL,
		                   err);
		if (rc)
			goto out;
		items = json_object_get(j, "items");
		for (size_t i = 0; json_is_array(items) && i < json_array_size(items); i++) {
			json_t *sn = json_object_get(
			        json_object_get(
			                json_object_get(json_object_get(json_array_get(items, i),
			                                                "snippet"),
			                                "topLevelComment"),
			                "snippet"),
			        "publishedAt");
			char t[64];

			iso_to_num(t, sizeof(t), json_string_value(sn));
			if (!t[0])
				continue;
			keep_max(c.pending, sizeof(c.pending), t);
			reach_note(&reach, t, post_time(json_string_value(sn)));
		}
		/* Threads come newest first: a page reaching back to the last
		 * poll's newest thread and to the start of the look-back window
		 * (threads started since, read again with their new replies) is
		 * the last one needed. */
		reached = reach_done(&reach);
		tok = json_object_get(j, "nextPageToken");
		if (!reached && json_is_string(tok) && json_string_length(tok) > 0 &&
		    json_string_length(tok) < sizeof(c.next))
			snprintf(c.next, sizeof(c.next), "%s", json_string_value(tok));
		else
			c.next[0] = '\0';
		rc = youtube_replies(run, &parts, j, &reach, name, err);
		if (rc)
			goto out;
		rc = end_page(run, endpoint, &parts, &c, !c.next[0], err);
		if (rc)
			goto out;
		if (!c.next[0])
			break;
	}
out:
	json_decref(j);
	buf_done(&url);
	parts_done(&parts);
	return poll_result(run, endpoint, rc, err);
}

/* ---- Mastodon: the account's statuses and the replies to each ---- */

static int mastodon_poll(struct run *run, struct err *err)
{
	const char *endpoint = "statuses";
	struct parts parts = {0};
	struct cur c;
	struct reach reach;
	struct buf url;
	json_t *j = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	rc = cur_load(run, endpoint, &c, err);
	if (rc)
		goto out;
	reach_init(&reach, run, c.since);
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		char name[256];
		size_t n;

		reach_page(&reach);
		buf_clear(&url);
		buf_printf(&url, "%s/api/v1/accounts/%s/statuses?limit=%d", run->c->base_url,
		           run->pid, MASTODON_LIMIT);
		if (c.since[0] && !reach_window(&reach))
			buf_printf(&url, "&since_id=%s", c.since);
		if (c.next[0])
			buf_printf(&url, "&max_id=%s", c.next);
		snprintf(name, sizeof(name), "mastodon %s statuses page %lld", run->handle,
		         (long long)page);
		rc = get_json_page(run, &parts, buf_cstr(&url), run->c->token, PARSE_MASTODON, name,
		                   &j, NULL, err);
		if (rc)
			goto out;
		if (!json_is_array(j)) {
			rc = err_set(err, KV_EINVAL, "%s: expected an array of statuses, got %s",
			             name, json_is_object(j) ? "an object" : "another value");
			goto out;
		}
		n = json_array_size(j);
		for (size_t i = 0; i < n; i++) {
			json_t *st = json_array_get(j, i);
			const char *id = json_string_value(json_object_get(st, "id"));
			json_t *reblog = json_object_get(st, "reblog");
			int64_t t = post_time(json_string_value(json_object_get(st, "created_at")));
			char cname[256];

			if (!id || !is_num(id))
				continue;
			keep_max(c.pending, sizeof(c.pending), id);
			reach_note(&reach, id, t);
			if (reblog && !json_is_null(reblog))
				continue; /* the boosted status's replies are someone else's */
			/* Replies are read for new statuses and, for the replies
			 * written since, for those created in the window. */
			if (!reach_wants(&reach, id, t))
				continue;
			buf_clear(&url);
			buf_printf(&url, "%s/api/v1/statuses/%s/context", run->c->base_url, id);
			snprintf(cname, sizeof(cname), "mastodon %s status %s context", run->handle,
			         id);
			rc = get_part(run, &parts, buf_cstr(&url), run->c->token, PARSE_MASTODON,
			              cname, NULL, err);
			if (rc) {
				/* The page's statuses are named by the request
				 * for their replies that failed. */
				err_prefix(err, "%s: ", cname);
				goto out;
			}
		}
		/* Statuses come newest first: the next page is older than this
		 * one's oldest, until a page is empty or reaches back to the
		 * cursor and to the start of the window. */
		if (n > 0 && reach.oldest[0] && !reach_done(&reach))
			snprintf(c.next, sizeof(c.next), "%s", reach.oldest);
		else
			c.next[0] = '\0';
		rc = end_page(run, endpoint, &parts, &c, !c.next[0], err);
		if (rc)
			goto out;
		if (!c.next[0])
			break;
	}
out:
	json_decref(j);
	buf_done(&url);
	parts_done(&parts);
	return poll_result(run, endpoint, rc, err);
}

/* ---- X API v2: the user's tweets and the conversations they start ---- */

static int x_poll(struct run *run, struct err *err)
{
	const char *endpoint = "tweets";
	struct parts parts = {0};
	struct cur c;
	struct reach reach;
	struct buf url;
	json_t *j = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	rc = cur_load(run, endpoint, &c, err);
	if (rc)
		goto out;
	/* Recent search returns the replies of the last 7 days, whenever the
	 * conversation started: searching a conversation of the window finds
	 * its new replies as long as polls come at least weekly. */
	reach_init(&reach, run, c.since);
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		json_t *data, *meta, *tok;
		char name[256];

		reach_page(&reach);
		buf_clear(&url);
		buf_printf(&url, "%s/2/users/%s/tweets?max_results=100&" X_TWEET_FIELDS,
		           run->c->base_url, run->pid);
		if (c.since[0] && !reach_window(&reach))
			buf_printf(&url, "&since_id=%s", c.since);
		if (c.next[0]) {
			char *e = curl_easy_escape(NULL, c.next, 0);

			if (!e) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			buf_printf(&url, "&pagination_token=%s", e);
			curl_free(e);
		}
		snprintf(name, sizeof(name), "x %s tweets page %lld", run->handle, (long long)page);
		rc = get_json_page(run, &parts, buf_cstr(&url), run->c->token, PARSE_X_API, name,
		                   &j, NULL, err);
		if (rc)
			goto out;
		data = json_object_get(j, "data");
		meta = json_object_get(j, "meta");
		keep_max(c.pending, sizeof(c.pending),
		         json_string_value(json_object_get(meta, "newest_id")));
		for (size_t i = 0; json_is_array(data) && i < json_array_size(data); i++) {
			json_t *tw = json_array_get(data, i);
			const char *id = json_string_value(json_object_get(tw, "id"));
			const char *conv =
			        json_string_value(json_object_get(tw, "conversation_id"));
			int64_t t = post_time(json_string_value(json_object_get(tw, "created_at")));
			char cname[256];

			if (!id || !is_num(id))
				continue;
			keep_max(c.pending, sizeof(c.pending), id);
			reach_note(&reach, id, t);
			/* Only a tweet that starts a conversation is searched: the
			 * account's replies in others' threads would repeat them. */
			if (conv && strcmp(conv, id) != 0)
				continue;
			/* New tweets and those in the window are searched. */
			if (!reach_wants(&reach, id, t))
				continue;
			buf_clear(&url);
			buf_printf(&url,
			           "%s/2/tweets/search/recent?query=conversation_id%%3A%s"
			           "&max_results=100&" X_TWEET_FIELDS,
			           run->c->base_url, id);
			snprintf(cname, sizeof(cname), "x %s conversation %s", run->handle, id);
			rc = get_part(run, &parts, buf_cstr(&url), run->c->token, PARSE_X_API,
			              cname, NULL, err);
			if (rc) {
				/* The page's statuses are named by the request
				 * for their replies that failed. */
				err_prefix(err, "%s: ", cname);
				goto out;
			}
		}
		tok = json_object_get(meta, "next_token");
		if (!reach_done(&reach) && json_is_string(tok) && json_string_length(tok) > 0 &&
		    json_string_length(tok) < sizeof(c.next))
			snprintf(c.next, sizeof(c.next), "%s", json_string_value(tok));
		else
			c.next[0] = '\0';
		rc = end_page(run, endpoint, &parts, &c, !c.next[0], err);
		if (rc)
			goto out;
		if (!c.next[0])
			break;
	}
out:
	json_decref(j);
	buf_done(&url);
	parts_done(&parts);
	return poll_result(run, endpoint, rc, err);
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
	rc = reg_account_load(s, account_id, &acc, err);
	if (rc)
		goto out;
	run.s = s;
	run.c = conf;
	run.account_id = account_id;
	run.pid = acc->platform_account_id;
	run.handle = acc->v.handle;
	run.platform = platform_name(acc->v.platform);
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
		rc = graph_poll(&run, 0, err);
		/* The inbox is read even when the feed failed (its cursor keeps
		 * its own place), but not with a token the platform refused. */
		if (conf->messages && rc != KV_EDENIED && rc != KV_ENOMEM) {
			struct err conv_err;
			int feed_complete = r.complete, crc;

			crc = conv_poll(&run, rc ? &conv_err : err);
			r.complete = feed_complete && r.complete;
			if (!rc)
				rc = crc;
		}
		break;
	case PLATFORM_INSTAGRAM:
		rc = graph_poll(&run, 1, err);
		break;
	case PLATFORM_YOUTUBE:
		rc = youtube_poll(&run, err);
		break;
	case PLATFORM_MASTODON:
		rc = mastodon_poll(&run, err);
		break;
	default:
		rc = x_poll(&run, err);
		break;
	}
	if (rc)
		err_prefix(err, "%s/%s: ", run.platform, run.handle);
out:
	if (run.tok_esc)
		curl_free(run.tok_esc);
	fetch_free(run.f);
	reg_account_free(acc);
	*out = r;
	return rc;
}
