/* What every poll shares (capture/connector_run.h): cursors, pages, the
 * look-back window, nested pages and the paged-poll loop. Each platform is
 * one loop over its pages: fetch a page (and, for Mastodon and X, the replies of the statuses on it
 * that are new or in the look-back window; for the Graph API, the further pages of the comment
 * lists and message lists on it; for YouTube, all replies of its threads), then import all of it
 * and move the cursor in one transaction. The network is never waited on inside a transaction.
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
#include "capture/connector_run.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/import.h"
#include "store/cursors.h"
#include "store/store.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- cursors ---- */

static void cur_field(json_t *o, const char *key, char *dst, size_t n)
{
	json_t *v = json_object_get(o, key);

	dst[0] = '\0';
	if (json_is_string(v))
		snprintf(dst, n, "%s", json_string_value(v));
}

int connector_run_cur_load(struct run *run, const char *endpoint, struct cur *c, struct err *err)
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
int connector_run_num_cmp(const char *a, const char *b)
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

int connector_run_is_num(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

void connector_run_keep_max(char *dst, size_t n, const char *v)
{
	if (v && connector_run_is_num(v) && connector_run_num_cmp(v, dst) > 0)
		snprintf(dst, n, "%s", v);
}

/* The poll reached the end: what it saw becomes the new since, unless a
 * list it cut short holds it further back. */
static void cur_finish(struct cur *c)
{
	connector_run_keep_max(c->since, sizeof(c->since), c->pending);
	if (c->floor[0] && connector_run_num_cmp(c->floor, c->since) < 0)
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

void connector_run_parts_done(struct parts *p)
{
	parts_clear(p);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* GETs url and keeps the body as a part to import. The body stays owned by
 * parts; *out_body (may be NULL) borrows it. */
int connector_run_get_part(struct run *run, struct parts *p, const char *url, const char *bearer,
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
		io.subject = p->v[i].subject[0] ? p->v[i].subject : NULL;
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
int connector_run_get_json_page(struct run *run, struct parts *parts, const char *url,
                                const char *bearer, enum parse_format fmt, const char *name,
                                json_t **j, const struct part **out_part, struct err *err)
{
	const struct part *pt = NULL;
	int rc;

	rc = connector_run_get_part(run, parts, url, bearer, fmt, name, &pt, err);
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
int connector_run_end_page(struct run *run, const char *endpoint, struct parts *parts,
                           struct cur *c, int last, struct err *err)
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
int connector_run_poll_result(struct run *run, const char *endpoint, int rc, const struct err *err)
{
	if (rc)
		cursors_set_error(run->s, run->account_id, endpoint, err ? err->msg : "failed",
		                  time_now(), NULL);
	return rc;
}

/* Unix seconds of an ISO time as a decimal string into dst ("" when absent). */
void connector_run_iso_to_num(char *dst, size_t n, const char *iso)
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
int64_t connector_run_post_time(const char *iso)
{
	int64_t t;

	return iso && time_parse_iso(iso, &t) == KV_OK ? t : INT64_MIN;
}

/* The lower bound a poll asks the platform for: the cursor's since, or the
 * start of the look-back window when that reaches further back, so that
 * posts created in the last lookback_days are read again for new comments
 * ("" when the cursor has none yet: everything is read). */
void connector_run_lookback_since(const struct run *run, const char *since, char *out, size_t n)
{
	char s[32];

	snprintf(out, n, "%s", since);
	if (!since[0] || run->c->lookback_days <= 0)
		return;
	snprintf(s, sizeof(s), "%lld", (long long)window_start(run->c->lookback_days));
	if (connector_run_num_cmp(s, since) < 0)
		snprintf(out, n, "%s", s);
}

/* Starts a page: nothing seen on it yet. */
void connector_run_reach_page(struct reach *r)
{
	r->oldest[0] = '\0';
	r->oldest_t = INT64_MAX;
}

/* The window is lookback_days long; there is none on a first poll, which
 * reads everything. */
void connector_run_reach_init(struct reach *r, const struct run *run, const char *since)
{
	int64_t days = run->c->lookback_days;

	snprintf(r->since, sizeof(r->since), "%s", since);
	r->start = since[0] && days > 0 ? window_start(days) : INT64_MAX;
	connector_run_reach_page(r);
}

/* 1 when the poll reads past the cursor: the platform must not be asked
 * for since_id then, as that would hide the window's older posts. */
int connector_run_reach_window(const struct reach *r)
{
	return r->start != INT64_MAX;
}

/* A post on the page under way: key its since value, t its creation time
 * (INT64_MIN when unknown, which counts as old). */
void connector_run_reach_note(struct reach *r, const char *key, int64_t t)
{
	if (key && connector_run_is_num(key) &&
	    (!r->oldest[0] || connector_run_num_cmp(key, r->oldest) < 0))
		snprintf(r->oldest, sizeof(r->oldest), "%s", key);
	if (t < r->oldest_t)
		r->oldest_t = t;
}

/* 1 when a post's comments or replies are to be read: it is new, or it was
 * created in the window. */
int connector_run_reach_wants(const struct reach *r, const char *key, int64_t t)
{
	return connector_run_num_cmp(key, r->since) > 0 ||
	       (connector_run_reach_window(r) && t != INT64_MIN && t >= r->start);
}

/* 1 when the page under way reaches back to both the cursor's since and
 * the start of the window: it is the last one needed. */
int connector_run_reach_done(const struct reach *r)
{
	return r->since[0] && r->oldest[0] && connector_run_num_cmp(r->oldest, r->since) <= 0 &&
	       r->oldest_t <= r->start;
}

/* Removes every secret query parameter from url (tokens never go into the
 * cursor); a heap string, NULL when out of memory. */
char *connector_run_strip_secrets(const char *url)
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

void connector_run_nests_done(struct nests *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->v[i].url);
		json_decref(q->v[i].chain);
	}
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* Queues url; chain gets a reference of its own. */
int connector_run_nests_push(struct nests *q, const char *url, json_t *chain, size_t origin,
                             int page, struct err *err)
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

/* ---- one page of a nested list ---- */

int connector_run_nest_budget(struct run *run, const struct nests *q)
{
	if (run->comment_pages_left > 0)
		return 1;
	run->r->comment_lists_cut += (int64_t)(q->n - q->head);
	return 0;
}

int connector_run_nest_fetch(struct run *run, struct parts *parts, const char *url,
                             enum parse_format fmt, const char *name, json_t **j,
                             struct part **out_part, struct err *err)
{
	int rc;

	run->comment_pages_left--;
	rc = connector_run_get_json_page(run, parts, url, NULL, fmt, name, j, NULL, err);
	if (rc) {
		/* The URL alone would not say which list failed. */
		if (!strstr(err->msg, name))
			err_prefix(err, "%s: ", name);
		return rc;
	}
	*out_part = &parts->v[parts->n - 1];
	return KV_OK;
}

int connector_run_part_set(struct part *pt, char *doc, struct err *err)
{
	if (!doc)
		return err_set(err, KV_ENOMEM, "out of memory");
	free(pt->data);
	pt->data = doc;
	pt->len = strlen(doc);
	return KV_OK;
}

/* ---- the paged poll ---- */

int connector_run_paged_poll(struct run *run, const struct paged_ops *ops, struct err *err)
{
	struct paged pg = {.run = run, .ops = ops};
	int rc;

	buf_init(&pg.url, 1 << 20);
	run->comment_pages_left = run->c->max_comment_pages;
	rc = connector_run_cur_load(run, ops->endpoint, &pg.c, err);
	if (rc)
		goto out;
	connector_run_reach_init(&pg.reach, run, pg.c.since);
	run->r->complete = 0;
	for (pg.page = 1; pg.page <= run->c->max_pages; pg.page++) {
		connector_run_reach_page(&pg.reach);
		buf_clear(&pg.url);
		rc = ops->url(&pg, err);
		if (rc)
			goto out;
		snprintf(pg.name, sizeof(pg.name), "%s %s %s page %lld", ops->family, run->handle,
		         ops->label ? ops->label : ops->endpoint, (long long)pg.page);
		rc = connector_run_get_json_page(run, &pg.parts, buf_cstr(&pg.url),
		                                 ops->bearer ? run->c->token : NULL, ops->fmt,
		                                 pg.name, &pg.j, NULL, err);
		if (rc)
			goto out;
		rc = ops->page(&pg, err);
		if (rc)
			goto out;
		rc = connector_run_end_page(run, ops->endpoint, &pg.parts, &pg.c, !pg.c.next[0],
		                            err);
		if (rc)
			goto out;
		if (!pg.c.next[0])
			break;
	}
out:
	json_decref(pg.j);
	buf_done(&pg.url);
	connector_run_parts_done(&pg.parts);
	return connector_run_poll_result(run, ops->endpoint, rc, err);
}
