/* X (Twitter) into items: the account archive streamed from a FILE (a small
 * scanner finds each element of the top-level array; jansson parses it) and
 * API v2 responses. Edited tweets map onto the id of their first version.
 * Not the HTTP client; archive files other than tweets are skipped. */
#include "capture/parse_x.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_json.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One archive element may not be larger than this. */
#define ELEMENT_MAX ((size_t)16 << 20)
/* Twitter's snowflake ids carry their creation time (ms since this epoch). */
#define SNOWFLAKE_EPOCH_MS 1288834974657LL

int parse_x_date(const char *s, int64_t *out)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char wday[4], mon[4], zone[6];
	int d, hh, mm, ss, y, used = -1, m = 0, off;

	if (!s ||
	    sscanf(s, "%3s %3s %2d %2d:%2d:%2d %5s %4d%n", wday, mon, &d, &hh, &mm, &ss, zone, &y,
	           &used) != 8 ||
	    used < 0 || s[used] != '\0')
		return KV_EINVAL;
	for (int i = 0; i < 12; i++)
		if (strcmp(mon, months[i]) == 0)
			m = i + 1;
	if (!m || !time_date_valid(y, m, d) || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 ||
	    ss < 0)
		return KV_EINVAL;
	if ((zone[0] != '+' && zone[0] != '-') || strlen(zone) != 5)
		return KV_EINVAL;
	for (int i = 1; i < 5; i++)
		if (!isdigit((unsigned char)zone[i]))
			return KV_EINVAL;
	off = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 3600 +
	      ((zone[3] - '0') * 10 + (zone[4] - '0')) * 60;
	if (zone[0] == '-')
		off = -off;
	*out = time_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - off;
	return KV_OK;
}

/* The creation time hidden in a snowflake id; 0 when s is not one. */
static int64_t snowflake_time(const char *s)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < (1ULL << 32))
		return 0;
	return (int64_t)(((long long)(v >> 22) + SNOWFLAKE_EPOCH_MS) / 1000);
}

/* X escapes &, < and > in tweet text as HTML entities; nothing else. */
static char *unescape_text(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		if (*s == '&' && strncmp(s, "&amp;", 5) == 0) {
			*o++ = '&';
			s += 5;
		} else if (*s == '&' && strncmp(s, "&lt;", 4) == 0) {
			*o++ = '<';
			s += 4;
		} else if (*s == '&' && strncmp(s, "&gt;", 4) == 0) {
			*o++ = '>';
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static int is_handle(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 1;
	return 0;
}

/* Links and media of one tweet; strings borrowed from the tweet's JSON. */
struct tweet_parts {
	const char **links;
	size_t n_links;
	struct item_media *media;
	size_t n_media;
};

static void tweet_parts_done(struct tweet_parts *p)
{
	free(p->links);
	free(p->media);
	memset(p, 0, sizeof(*p));
}

static int collect_urls(const json_t *tweet, const char *name, const char *where,
                        struct tweet_parts *p, struct err *err)
{
	json_t *ent, *urls;
	int rc = parse_json_object(tweet, "entities", &ent, name, where, err);

	if (!rc)
		rc = parse_json_array(ent, "urls", &urls, name, where, err);
	if (rc || !urls || json_array_size(urls) == 0)
		return rc;
	p->links = calloc(json_array_size(urls), sizeof(*p->links));
	if (!p->links)
		return err_set(err, KV_ENOMEM, "%s: out of memory", name);
	for (size_t i = 0; i < json_array_size(urls); i++) {
		const json_t *u = json_array_get(urls, i);
		const char *url;

		rc = parse_json_str(u, "expanded_url", 0, &url, name, where, err);
		if (!rc && !url)
			rc = parse_json_str(u, "url", 0, &url, name, where, err);
		if (rc)
			return rc;
		if (url)
			p->links[p->n_links++] = url;
	}
	return KV_OK;
}

/* ---- the archive ---- */

struct pending {
	char *key;      /* first id of the edit chain */
	size_t expect;  /* versions the chain lists */
	json_t **v;     /* tweet objects, own references */
	size_t *index;  /* element index of each, for messages */
	int64_t *times; /* created_at of each */
	size_t n;
};

struct archive {
	const char *name;
	const char *account_ref;
	const struct item_sink *sink;
	struct err *err;
	int deleted_file; /* deleted-tweets.js: every tweet is gone */
	struct pending *chains;
	size_t n_chains;
	size_t cap_chains;
};

static void pending_free(struct pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		json_decref(p->v[i]);
	free(p->v);
	free(p->index);
	free(p->times);
	free(p->key);
}

/* Emits one tweet. chain_key / chain_created are set for a version of an
 * edited tweet. */
static int emit_tweet(struct archive *a, const json_t *tw, size_t index, const char *chain_key,
                      int64_t chain_created)
{
	struct item it;
	struct tweet_parts parts = {0};
	json_t *ext, *ent, *media;
	const char *id, *text, *date, *deleted_at;
	char *clean = NULL, *raw = NULL, where[96], permalink[256];
	int64_t created = 0;
	int rc;

	memset(&it, 0, sizeof(it));
	snprintf(where, sizeof(where), "element %zu", index);
	rc = parse_json_id(tw, "id_str", 0, &id, a->name, where, a->err);
	if (!rc && !id)
		rc = parse_json_id(tw, "id", 1, &id, a->name, where, a->err);
	if (rc)
		goto out;
	snprintf(where, sizeof(where), "element %zu (tweet %.30s)", index, id);
	rc = parse_json_str(tw, "full_text", 0, &text, a->name, where, a->err);
	if (!rc && !text)
		rc = parse_json_str(tw, "text", 0, &text, a->name, where, a->err);
	if (!rc)
		rc = parse_json_str(tw, "created_at", 0, &date, a->name, where, a->err);
	if (!rc)
		rc = parse_json_id(tw, "in_reply_to_status_id_str", 0, &it.parent_id, a->name,
		                   where, a->err);
	if (!rc)
		rc = parse_json_str(tw, "deleted_at", 0, &deleted_at, a->name, where, a->err);
	if (rc)
		goto out;
	if (date && parse_x_date(date, &created) && time_parse_iso(date, &created)) {
		rc = err_set(a->err, KV_EINVAL, "%s: %s: 'created_at' is not a date: \"%.40s\"",
		             a->name, where, date);
		goto out;
	}
	clean = unescape_text(text ? text : "");
	if (!clean) {
		rc = err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
		goto out;
	}
	rc = collect_urls(tw, a->name, where, &parts, a->err);
	if (!rc)
		rc = parse_json_object(tw, "extended_entities", &ext, a->name, where, a->err);
	if (!rc)
		rc = parse_json_object(tw, "entities", &ent, a->name, where, a->err);
	if (!rc)
		rc = parse_json_array(ext ? ext : ent, "media", &media, a->name, where, a->err);
	if (rc)
		goto out;
	if (media && json_array_size(media) > 0) {
		parts.media = calloc(json_array_size(media), sizeof(*parts.media));
		if (!parts.media) {
			rc = err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(media) && !rc; i++) {
			const json_t *m = json_array_get(media, i);
			struct item_media *im = &parts.media[parts.n_media];

			rc = parse_json_str(m, "id_str", 0, &im->platform_id, a->name, where,
			                    a->err);
			if (!rc)
				rc = parse_json_str(m, "type", 0, &im->type, a->name, where,
				                    a->err);
			if (!rc)
				rc = parse_json_str(m, "media_url_https", 0, &im->url, a->name,
				                    where, a->err);
			if (!rc && !im->url)
				rc = parse_json_str(m, "media_url", 0, &im->url, a->name, where,
				                    a->err);
			if (!rc && json_is_object(m))
				parts.n_media++;
		}
		if (rc)
			goto out;
	}

	it.platform = "x";
	it.platform_id = chain_key ? chain_key : id;
	it.kind = it.parent_id ? ITEM_COMMENT : ITEM_POST;
	it.account_ref = a->account_ref;
	it.author_name = is_handle(a->account_ref) ? a->account_ref : NULL;
	it.author_is_account = 1;
	it.created_at = chain_key ? chain_created : created;
	it.version_at = chain_key ? created : 0;
	it.text = clean;
	snprintf(permalink, sizeof(permalink), "https://x.com/%s/status/%s",
	         is_handle(a->account_ref) ? a->account_ref : "i/web", it.platform_id);
	it.permalink = permalink;
	it.links = parts.links;
	it.n_links = parts.n_links;
	it.media = parts.media;
	it.n_media = parts.n_media;
	it.state = (a->deleted_file || deleted_at) ? ITEM_DELETED : ITEM_VISIBLE;
	it.source = "x-archive";
	raw = parse_json_raw(tw);
	it.raw_json = raw;
	rc = a->sink->item(a->sink->ctx, &it, a->err);
out:
	free(clean);
	free(raw);
	tweet_parts_done(&parts);
	return rc;
}

static int cmp_version(const void *x, const void *y)
{
	const int64_t *a = x, *b = y;

	return (*a > *b) - (*a < *b);
}

/* Emits a chain's versions oldest first and forgets the chain. */
static int flush_chain(struct archive *a, size_t ci)
{
	struct pending p = a->chains[ci];
	int64_t first = snowflake_time(p.key);
	int rc = KV_OK;
	struct order {
		int64_t t;
		size_t i;
	} *ord = calloc(p.n ? p.n : 1, sizeof(*ord));

	a->chains[ci] = a->chains[--a->n_chains];
	if (!ord) {
		rc = err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
		goto out;
	}
	for (size_t i = 0; i < p.n; i++) {
		const char *id = json_string_value(json_object_get(p.v[i], "id_str"));

		ord[i].t = p.times[i];
		ord[i].i = i;
		if (id && strcmp(id, p.key) == 0 && p.times[i])
			first = p.times[i];
	}
	/* Sorting on the time alone keeps it simple: equal times cannot be told
	 * apart anyway. */
	qsort(ord, p.n, sizeof(*ord), cmp_version);
	if (!first && p.n)
		first = ord[0].t;
	for (size_t i = 0; i < p.n && !rc; i++)
		rc = emit_tweet(a, p.v[ord[i].i], p.index[ord[i].i], p.key, first);
out:
	free(ord);
	pending_free(&p);
	return rc;
}

/* Reads edit_info: *key is the chain's first id (NULL when the tweet was
 * never edited), *expect the number of versions listed. */
static int edit_chain(struct archive *a, const json_t *tw, const char *where, const char **key,
                      size_t *expect)
{
	json_t *ei, *initial, *edit, *ctl = NULL, *ids = NULL;
	const char *init_id = NULL;
	int rc;

	*key = NULL;
	*expect = 0;
	rc = parse_json_object(tw, "edit_info", &ei, a->name, where, a->err);
	if (!rc)
		rc = parse_json_object(ei, "initial", &initial, a->name, where, a->err);
	if (!rc)
		rc = parse_json_object(ei, "edit", &edit, a->name, where, a->err);
	if (rc || !ei)
		return rc;
	if (initial) {
		rc = parse_json_array(initial, "editTweetIds", &ids, a->name, where, a->err);
	} else if (edit) {
		rc = parse_json_id(edit, "initialTweetId", 0, &init_id, a->name, where, a->err);
		if (!rc)
			rc = parse_json_object(edit, "editControlInitial", &ctl, a->name, where,
			                       a->err);
		if (!rc)
			rc = parse_json_array(ctl, "editTweetIds", &ids, a->name, where, a->err);
	}
	if (rc)
		return rc;
	if (ids && json_array_size(ids) > 0 &&
	    (!json_is_string(json_array_get(ids, 0)) ||
	     json_string_length(json_array_get(ids, 0)) == 0))
		return err_set(a->err, KV_EINVAL,
		               "%s: %s: expected non-empty strings in 'editTweetIds', got %s",
		               a->name, where, parse_json_type(json_array_get(ids, 0)));
	if (!init_id && ids && json_array_size(ids) > 1)
		init_id = json_string_value(json_array_get(ids, 0));
	if (!init_id)
		return KV_OK;
	*key = init_id;
	*expect = ids ? json_array_size(ids) : 0;
	return KV_OK;
}

static int add_to_chain(struct archive *a, json_t *tw, size_t index, const char *key, size_t expect,
                        int64_t t)
{
	struct pending *p = NULL;
	size_t ci;

	for (ci = 0; ci < a->n_chains; ci++)
		if (strcmp(a->chains[ci].key, key) == 0) {
			p = &a->chains[ci];
			break;
		}
	if (!p) {
		if (a->n_chains == a->cap_chains) {
			size_t cap = a->cap_chains ? a->cap_chains * 2 : 8;
			struct pending *c = realloc(a->chains, cap * sizeof(*c));

			if (!c)
				return err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
			a->chains = c;
			a->cap_chains = cap;
		}
		p = &a->chains[a->n_chains];
		memset(p, 0, sizeof(*p));
		p->key = strdup(key);
		if (!p->key)
			return err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
		ci = a->n_chains++;
	}
	{
		json_t **v = realloc(p->v, (p->n + 1) * sizeof(*v));
		size_t *ix;
		int64_t *ts;

		if (v)
			p->v = v;
		ix = v ? realloc(p->index, (p->n + 1) * sizeof(*ix)) : NULL;
		if (ix)
			p->index = ix;
		ts = ix ? realloc(p->times, (p->n + 1) * sizeof(*ts)) : NULL;
		if (!ts)
			return err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
		p->times = ts;
		p->v[p->n] = json_incref(tw);
		p->index[p->n] = index;
		p->times[p->n] = t;
		p->n++;
	}
	if (expect > p->expect)
		p->expect = expect;
	if (p->expect && p->n >= p->expect)
		return flush_chain(a, ci);
	return KV_OK;
}

static int handle_element(struct archive *a, json_t *el, size_t index)
{
	json_t *tw;
	const char *key, *date;
	size_t expect;
	int64_t t = 0;
	char where[64];
	int rc;

	snprintf(where, sizeof(where), "element %zu", index);
	if (!json_is_object(el))
		return err_set(a->err, KV_EINVAL, "%s: %s: expected object, got %s", a->name, where,
		               parse_json_type(el));
	tw = json_object_get(el, "tweet");
	if (!tw) {
		const char *what =
		        json_object_size(el) ? json_object_iter_key(json_object_iter(el)) : "empty";

		if (a->sink->skip)
			return a->sink->skip(a->sink->ctx, what,
			                     "an archive record that is not a tweet", a->err);
		return KV_OK;
	}
	if (!json_is_object(tw))
		return err_set(a->err, KV_EINVAL, "%s: %s: expected object for 'tweet', got %s",
		               a->name, where, parse_json_type(tw));
	rc = edit_chain(a, tw, where, &key, &expect);
	if (rc)
		return rc;
	if (!key)
		return emit_tweet(a, tw, index, NULL, 0);
	rc = parse_json_str(tw, "created_at", 0, &date, a->name, where, a->err);
	if (rc)
		return rc;
	if (date && parse_x_date(date, &t) && time_parse_iso(date, &t))
		return err_set(a->err, KV_EINVAL, "%s: %s: 'created_at' is not a date: \"%.40s\"",
		               a->name, where, date);
	return add_to_chain(a, tw, index, key, expect, t);
}

/* A byte reader that counts lines and bytes for messages. */
struct reader {
	FILE *f;
	unsigned char chunk[1 << 16];
	size_t len;
	size_t pos;
	long long offset; /* bytes consumed */
	long long line;   /* 1-based line of the next byte */
	int error;
};

static int rd_get(struct reader *r)
{
	int c;

	if (r->pos == r->len) {
		r->len = fread(r->chunk, 1, sizeof(r->chunk), r->f);
		r->pos = 0;
		if (r->len == 0) {
			r->error = ferror(r->f);
			return EOF;
		}
	}
	c = r->chunk[r->pos++];
	r->offset++;
	if (c == '\n')
		r->line++;
	return c;
}

static int rd_skip_ws(struct reader *r)
{
	int c;

	do
		c = rd_get(r);
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
	return c;
}

/* Reads one JSON value that starts with c ('{' or '[', already consumed)
 * into b: the scanner only tracks nesting and strings; jansson judges the
 * contents. It works on whole spans of the read chunk, not byte by byte. */
static int read_element(struct reader *r, int c, struct buf *b, const char *name, size_t index,
                        struct err *err)
{
	int depth = 1, in_str = 0, esc = 0;
	long long start_line = r->line, start = r->offset - 1;
	char first = (char)c;

	buf_clear(b);
	if (buf_put(b, &first, 1))
		return err_set(err, KV_ENOMEM, "%s: out of memory", name);
	for (;;) {
		size_t i, span;
		int done = 0;

		if (r->pos == r->len) {
			r->len = fread(r->chunk, 1, sizeof(r->chunk), r->f);
			r->pos = 0;
			if (r->len == 0) {
				r->error = ferror(r->f);
				return err_set(
				        err, r->error ? KV_EIO : KV_EINVAL,
				        r->error ? "%s: read failed in element %zu (line %lld)"
				                 : "%s: element %zu (from line %lld) is cut off at "
				                   "the end of the file",
				        name, index, start_line);
			}
		}
		for (i = r->pos; i < r->len && !done; i++) {
			unsigned char ch = r->chunk[i];

			if (ch == '\n')
				r->line++;
			if (in_str) {
				if (esc)
					esc = 0;
				else if (ch == '\\')
					esc = 1;
				else if (ch == '"')
					in_str = 0;
			} else if (ch == '"') {
				in_str = 1;
			} else if (ch == '{' || ch == '[') {
				depth++;
			} else if ((ch == '}' || ch == ']') && --depth == 0) {
				done = 1;
			}
		}
		span = i - r->pos;
		if (buf_put(b, r->chunk + r->pos, span))
			return err_set(err, KV_EINVAL,
			               "%s: element %zu (line %lld, byte %lld) is over 16 MiB",
			               name, index, start_line, start);
		r->pos = i;
		r->offset += (long long)span;
		if (done)
			return KV_OK;
	}
}

int parse_x_archive_stream(FILE *f, const char *name, const char *account_ref,
                           const struct item_sink *sink, struct err *err)
{
	struct archive a = {name ? name : "input", account_ref, sink, err, 0, NULL, 0, 0};
	struct reader *r = calloc(1, sizeof(*r));
	struct buf el;
	char global[128];
	size_t glen = 0, index = 0;
	int c, rc = KV_OK;
	static const char prefix[] = "window.YTD.";

	buf_init(&el, ELEMENT_MAX);
	if (!r) {
		rc = err_set(err, KV_ENOMEM, "%s: out of memory", a.name);
		goto out;
	}
	r->f = f;
	r->line = 1;
	c = rd_skip_ws(r);
	if (c == 0xEF && rd_get(r) == 0xBB && rd_get(r) == 0xBF)
		c = rd_skip_ws(r);
	for (size_t i = 0; i < sizeof(prefix) - 1; i++, c = rd_get(r))
		if (c != prefix[i]) {
			rc = err_set(
			        err, KV_EINVAL,
			        "%s: byte %lld: not an X archive file (expected it to start with "
			        "\"window.YTD.\")",
			        a.name, r->offset > 0 ? r->offset - 1 : 0);
			goto out;
		}
	while (c != EOF && (isalnum(c) || c == '_' || c == '.') && glen < sizeof(global) - 1) {
		global[glen++] = (char)c;
		c = rd_get(r);
	}
	global[glen] = '\0';
	a.deleted_file = strncmp(global, "deleted_tweets", 14) == 0;
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		c = rd_get(r);
	if (c == '=')
		c = rd_skip_ws(r);
	if (c != '[') {
		rc = err_set(err, KV_EINVAL,
		             "%s: line %lld, byte %lld: expected \"= [\" after %s%s", a.name,
		             r->line, r->offset, prefix, global);
		goto out;
	}
	c = rd_skip_ws(r);
	while (c != ']') {
		json_error_t je;
		json_t *j;
		long long line = r->line, start = r->offset - 1;

		if (c != '{' && c != '[') {
			rc = err_set(
			        err, KV_EINVAL,
			        c == EOF ? "%s: line %lld: the array is cut off at the end of "
			                   "the file"
			                 : "%s: line %lld, byte %lld: expected an element or ']'",
			        a.name, r->line, start);
			if (c == EOF && r->error)
				rc = err_set(err, KV_EIO, "%s: read failed", a.name);
			goto out;
		}
		rc = read_element(r, c, &el, a.name, index, err);
		if (rc)
			goto out;
		j = json_loadb(el.ptr, el.len, JSON_REJECT_DUPLICATES, &je);
		if (!j) {
			rc = err_set(
			        err, KV_EINVAL,
			        "%s: element %zu: line %lld, column %d (byte %lld): %s%s", a.name,
			        index, line + je.line - 1, je.column, start + je.position, je.text,
			        strstr(je.text, "unable to decode byte") ? " (invalid UTF-8)" : "");
			goto out;
		}
		rc = handle_element(&a, j, index);
		json_decref(j);
		if (rc)
			goto out;
		index++;
		c = rd_skip_ws(r);
		if (c == ',')
			c = rd_skip_ws(r);
		else if (c != ']') {
			rc = err_set(
			        err,
			        c == EOF && !r->error ? KV_EINVAL
			        : c == EOF            ? KV_EIO
			                              : KV_EINVAL,
			        "%s: line %lld, byte %lld: expected ',' or ']' after element %zu",
			        a.name, r->line, r->offset, index - 1);
			goto out;
		}
	}
	c = rd_skip_ws(r);
	if (c == ';')
		c = rd_skip_ws(r);
	if (c != EOF) {
		rc = err_set(err, KV_EINVAL,
		             "%s: line %lld, byte %lld: unexpected data after the array", a.name,
		             r->line, r->offset - 1);
		goto out;
	}
	/* Chains whose other versions are not in this file: what is here. */
	while (a.n_chains > 0 && !rc)
		rc = flush_chain(&a, a.n_chains - 1);
out:
	for (size_t i = 0; i < a.n_chains; i++)
		pending_free(&a.chains[i]);
	free(a.chains);
	free(r);
	buf_done(&el);
	return rc;
}

/* ---- API v2 ---- */

struct api {
	const char *name;
	const char *account_ref;
	const struct item_sink *sink;
	struct err *err;
	json_t *users; /* includes.users, borrowed */
	json_t *media; /* includes.media, borrowed */
	json_t *noted; /* authors whose profile text was offered, owned */
};

static const json_t *find_by(const json_t *arr, const char *key, const char *val)
{
	for (size_t i = 0; val && i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		const char *v = json_string_value(json_object_get(o, key));

		if (v && strcmp(v, val) == 0)
			return o;
	}
	return NULL;
}

static int same_account(const char *ref, const char *id, const char *username)
{
	if (*ref == '@')
		ref++;
	return (id && strcmp(ref, id) == 0) || (username && strcasecmp(ref, username) == 0);
}

/* The author's profile text (includes.users description) and picture
 * (profile_image_url) once per author and response; the sink keeps them
 * when the author is the account. */
static int emit_api_about(struct api *a, const struct item *it)
{
	const json_t *u = find_by(a->users, "id", it->author_id);
	const char *desc = json_string_value(json_object_get(u, "description"));
	const char *pic = json_string_value(json_object_get(u, "profile_image_url"));
	char *clean = NULL;
	int rc = KV_OK;

	if (!u || (!a->sink->about && !a->sink->picture))
		return KV_OK;
	if (!a->noted)
		a->noted = json_object();
	if (!a->noted)
		return err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
	if (json_object_get(a->noted, it->author_id))
		return KV_OK;
	json_object_set_new(a->noted, it->author_id, json_true());
	if (a->sink->about && desc && *desc) {
		clean = unescape_text(desc);
		if (!clean)
			return err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
		if (*clean)
			rc = a->sink->about(a->sink->ctx, it, clean, a->err);
		free(clean);
	}
	if (!rc && a->sink->picture && pic && *pic)
		rc = a->sink->picture(a->sink->ctx, it, pic, a->err);
	return rc;
}

static int emit_api_tweet(struct api *a, const json_t *tw, const char *where0)
{
	struct item it;
	struct tweet_parts parts = {0};
	json_t *refs, *hist, *att, *keys, *note;
	const char *id, *text, *date, *conv, *username = NULL, *orig;
	char *clean = NULL, *raw = NULL, where[96], permalink[256];
	int64_t created = 0;
	int rc;

	memset(&it, 0, sizeof(it));
	if (!json_is_object(tw))
		return err_set(a->err, KV_EINVAL, "%s: %s: expected object for a tweet, got %s",
		               a->name, where0, parse_json_type(tw));
	rc = parse_json_id(tw, "id", 1, &id, a->name, where0, a->err);
	if (rc)
		goto out;
	snprintf(where, sizeof(where), "%s (tweet %.30s)", where0, id);
	rc = parse_json_str(tw, "text", 0, &text, a->name, where, a->err);
	if (!rc)
		rc = parse_json_object(tw, "note_tweet", &note, a->name, where, a->err);
	if (!rc && note) {
		const char *long_text;

		rc = parse_json_str(note, "text", 0, &long_text, a->name, where, a->err);
		if (long_text)
			text = long_text;
	}
	if (!rc)
		rc = parse_json_str(tw, "created_at", 0, &date, a->name, where, a->err);
	if (!rc)
		rc = parse_json_str(tw, "author_id", 0, &it.author_id, a->name, where, a->err);
	if (!rc)
		rc = parse_json_id(tw, "conversation_id", 0, &conv, a->name, where, a->err);
	if (!rc)
		rc = parse_json_array(tw, "referenced_tweets", &refs, a->name, where, a->err);
	if (!rc)
		rc = parse_json_array(tw, "edit_history_tweet_ids", &hist, a->name, where, a->err);
	if (rc)
		goto out;
	if (date && time_parse_iso(date, &created)) {
		rc = err_set(a->err, KV_EINVAL, "%s: %s: 'created_at' is not an ISO 8601 time",
		             a->name, where);
		goto out;
	}
	orig = id;
	if (hist && json_array_size(hist) > 0) {
		if (!json_is_string(json_array_get(hist, 0)) ||
		    json_string_length(json_array_get(hist, 0)) == 0) {
			rc = err_set(
			        a->err, KV_EINVAL,
			        "%s: %s: expected non-empty strings in 'edit_history_tweet_ids', "
			        "got %s",
			        a->name, where, parse_json_type(json_array_get(hist, 0)));
			goto out;
		}
		orig = json_string_value(json_array_get(hist, 0));
	}
	for (size_t i = 0; i < json_array_size(refs); i++) {
		const json_t *ref = json_array_get(refs, i);
		const char *type, *rid;

		rc = parse_json_str(ref, "type", 0, &type, a->name, where, a->err);
		if (!rc)
			rc = parse_json_id(ref, "id", 0, &rid, a->name, where, a->err);
		if (rc)
			goto out;
		if (type && rid && strcmp(type, "replied_to") == 0)
			it.parent_id = rid;
	}
	if (conv && strcmp(conv, orig) != 0 && strcmp(conv, id) != 0)
		it.root_id = conv;
	if (!it.parent_id)
		it.kind = ITEM_POST;
	else if (!it.root_id || strcmp(it.parent_id, it.root_id) == 0)
		it.kind = ITEM_COMMENT;
	else
		it.kind = ITEM_REPLY;

	username = json_string_value(
	        json_object_get(find_by(a->users, "id", it.author_id), "username"));
	it.author_name = username;
	it.author_is_account =
	        a->account_ref ? same_account(a->account_ref, it.author_id, username) : -1;
	it.account_ref = a->account_ref;

	clean = unescape_text(text ? text : "");
	if (!clean) {
		rc = err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
		goto out;
	}
	rc = collect_urls(tw, a->name, where, &parts, a->err);
	if (!rc)
		rc = parse_json_object(tw, "attachments", &att, a->name, where, a->err);
	if (!rc)
		rc = parse_json_array(att, "media_keys", &keys, a->name, where, a->err);
	if (rc)
		goto out;
	if (keys && json_array_size(keys) > 0) {
		parts.media = calloc(json_array_size(keys), sizeof(*parts.media));
		if (!parts.media) {
			rc = err_set(a->err, KV_ENOMEM, "%s: out of memory", a->name);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(keys); i++) {
			const char *k = json_string_value(json_array_get(keys, i));
			const json_t *m = find_by(a->media, "media_key", k);
			struct item_media *im = &parts.media[parts.n_media++];

			im->platform_id = k;
			im->type = json_string_value(json_object_get(m, "type"));
			im->url = json_string_value(json_object_get(m, "url"));
			if (!im->url)
				im->url =
				        json_string_value(json_object_get(m, "preview_image_url"));
		}
	}

	it.platform = "x";
	it.platform_id = orig;
	if (strcmp(orig, id) != 0) {
		/* A later version: its created_at is the edit's time; the original's
		 * time is in its snowflake id. */
		it.version_at = created;
		it.created_at = snowflake_time(orig);
	} else {
		it.created_at = created;
	}
	it.text = clean;
	snprintf(permalink, sizeof(permalink), "https://x.com/%s/status/%s",
	         username ? username : "i/web", id);
	it.permalink = permalink;
	it.links = parts.links;
	it.n_links = parts.n_links;
	it.media = parts.media;
	it.n_media = parts.n_media;
	it.state = ITEM_VISIBLE;
	it.source = "x-api";
	raw = parse_json_raw(tw);
	it.raw_json = raw;
	rc = a->sink->item(a->sink->ctx, &it, a->err);
	if (!rc && it.author_is_account != 0)
		rc = emit_api_about(a, &it);
out:
	free(clean);
	free(raw);
	tweet_parts_done(&parts);
	return rc;
}

int parse_x_api(const char *data, size_t len, const char *name, const char *account_ref,
                const struct item_sink *sink, struct err *err)
{
	struct api a = {name ? name : "input", account_ref, sink, err, NULL, NULL, NULL};
	json_t *root = NULL, *d, *inc, *errors, *tweets;
	int rc;

	rc = parse_json_load(&root, data, len, a.name, err);
	if (rc)
		goto out;
	if (!json_is_object(root)) {
		rc = err_set(err, KV_EINVAL, "%s: expected an X API response object, got %s",
		             a.name, parse_json_type(root));
		goto out;
	}
	rc = parse_json_object(root, "includes", &inc, a.name, "top level", err);
	if (!rc)
		rc = parse_json_array(inc, "users", &a.users, a.name, "includes", err);
	if (!rc)
		rc = parse_json_array(inc, "media", &a.media, a.name, "includes", err);
	if (!rc)
		rc = parse_json_array(inc, "tweets", &tweets, a.name, "includes", err);
	if (!rc)
		rc = parse_json_array(root, "errors", &errors, a.name, "top level", err);
	if (rc)
		goto out;
	d = json_object_get(root, "data");
	if (!d || json_is_null(d)) {
		if (json_array_size(errors) > 0) {
			const json_t *e0 = json_array_get(errors, 0);
			const char *msg = json_string_value(json_object_get(e0, "detail"));

			if (!msg)
				msg = json_string_value(json_object_get(e0, "message"));
			rc = err_set(err, KV_EINVAL, "%s: the response is an X API error: %s",
			             a.name, msg ? msg : "(no detail)");
		}
		goto out;
	}
	if (json_is_object(d)) {
		rc = emit_api_tweet(&a, d, "data");
	} else if (json_is_array(d)) {
		for (size_t i = 0; i < json_array_size(d) && !rc; i++) {
			char w[48];

			snprintf(w, sizeof(w), "data[%zu]", i);
			rc = emit_api_tweet(&a, json_array_get(d, i), w);
		}
	} else {
		rc = err_set(err, KV_EINVAL, "%s: top level: expected array for 'data', got %s",
		             a.name, parse_json_type(d));
	}
	for (size_t i = 0; !rc && sink->skip && i < json_array_size(tweets); i++) {
		const char *tid =
		        json_string_value(json_object_get(json_array_get(tweets, i), "id"));

		rc = sink->skip(
		        sink->ctx, tid ? tid : "includes.tweets",
		        "a referenced tweet in includes; fetch its own thread to capture it", err);
	}
out:
	json_decref(a.noted);
	json_decref(root);
	return rc;
}
