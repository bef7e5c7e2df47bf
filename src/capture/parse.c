/* The format dispatcher for `kanalvakt import` (names, detection, reading a
 * file whole or streaming it). The helpers the parsers share are in
 * parse_json.c and parse_text.c, so no parser includes this file's header. Detection
 * looks at the first 64 KiB only, so it never reads a huge file to decide.
 * The parsers themselves live in parse_<format>.c. */
#define _GNU_SOURCE
#include "capture/parse.h"

#include "base/buf.h"
#include "capture/parse_feed.h"
#include "capture/parse_jsonl.h"
#include "capture/parse_linkedin.h"
#include "capture/parse_mastodon.h"
#include "capture/parse_meta.h"
#include "capture/parse_x.h"
#include "capture/parse_youtube.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const format_names[] = {
        [PARSE_AUTO] = "auto",
        [PARSE_GRAPH] = "graph",
        [PARSE_META_WEBHOOK] = "meta-webhook",
        [PARSE_META_DYI] = "meta-dyi",
        [PARSE_YOUTUBE] = "youtube",
        [PARSE_X_ARCHIVE] = "x-archive",
        [PARSE_X_API] = "x-api",
        [PARSE_MASTODON] = "mastodon",
        [PARSE_LINKEDIN] = "linkedin",
        [PARSE_FEED] = "feed",
        [PARSE_JSONL] = "jsonl",
};

#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))
#define FORMAT_LIST                                                                                \
	"graph, meta-webhook, meta-dyi, youtube, x-archive, x-api, mastodon, linkedin, feed, "     \
	"jsonl"

const char *parse_format_name(enum parse_format fmt)
{
	return (unsigned)fmt < N_FORMATS ? format_names[fmt] : "?";
}

int parse_format_from_name(const char *s, enum parse_format *out)
{
	for (size_t i = 0; s && i < N_FORMATS; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum parse_format)i;
			return KV_OK;
		}
	return KV_EINVAL;
}

/* ---- detection ---- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* True when "key" : "prefix... occurs in the text, or with prefix NULL,
 * "key" followed by a colon: a cheap test for a key in a document that may
 * be cut off at the end of the head. */
static int has_key_value_prefix(const char *head, size_t len, const char *key, const char *prefix)
{
	char pat[64];
	int n = snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *p = head, *end = head + len;
	size_t plen = prefix ? strlen(prefix) : 0;

	if (n <= 0 || (size_t)n >= sizeof(pat))
		return 0;
	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), pat, (size_t)n);

		if (!hit)
			return 0;
		hit = skip_ws(hit + n, end);
		if (hit < end && *hit == ':') {
			if (!prefix)
				return 1;
			hit = skip_ws(hit + 1, end);
			if (hit < end && *hit == '"' && (size_t)(end - hit - 1) >= plen &&
			    memcmp(hit + 1, prefix, plen) == 0)
				return 1;
		}
		p = hit;
	}
	return 0;
}

static int has_key(const char *head, size_t len, const char *key)
{
	return has_key_value_prefix(head, len, key, NULL);
}

static int obj_has(const json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL;
}

static int looks_graph_object(const json_t *o)
{
	return json_is_object(o) &&
	       (obj_has(o, "created_time") || obj_has(o, "media_type") || obj_has(o, "caption") ||
	        (obj_has(o, "message") && obj_has(o, "from")));
}

static int looks_mastodon_status(const json_t *o)
{
	return json_is_object(o) && obj_has(o, "content") && obj_has(o, "account") &&
	       (obj_has(o, "uri") || (obj_has(o, "created_at") && !obj_has(o, "id")));
}

/* A LinkedIn post (its id is a share or ugcPost URN, or it has an author
 * with commentary or a lifecycle state) or comment (actor, message and the
 * object it is on). */
static int looks_linkedin(const json_t *o)
{
	const char *id;

	if (!json_is_object(o))
		return 0;
	id = json_string_value(json_object_get(o, "id"));
	if (id &&
	    (strncmp(id, "urn:li:share:", 13) == 0 || strncmp(id, "urn:li:ugcPost:", 15) == 0))
		return 1;
	if (obj_has(o, "author") && (obj_has(o, "commentary") || obj_has(o, "lifecycleState")))
		return 1;
	return obj_has(o, "actor") && obj_has(o, "message") &&
	       (obj_has(o, "object") || obj_has(o, "commentUrn"));
}

/* A LinkedIn collection: elements of posts or comments, or none at all
 * with LinkedIn's paging ({"start", "count"}); or a batch get's results. */
static int looks_linkedin_page(const json_t *root)
{
	const json_t *el = json_object_get(root, "elements");
	const json_t *paging = json_object_get(root, "paging");
	const json_t *results = json_object_get(root, "results");

	if (json_is_array(el))
		return json_array_size(el) ? looks_linkedin(json_array_get(el, 0))
		                           : obj_has(paging, "start") && obj_has(paging, "count");
	if (json_is_object(results)) {
		void *it = json_object_iter((json_t *)results);

		return it && looks_linkedin(json_object_iter_value(it));
	}
	return 0;
}

static int looks_dyi(const json_t *o)
{
	if (!json_is_object(o))
		return 0;
	if (obj_has(o, "comments_v2") || obj_has(o, "string_map_data") ||
	    obj_has(o, "string_list_data") ||
	    (obj_has(o, "participants") && obj_has(o, "messages")))
		return 1;
	return obj_has(o, "timestamp") && json_is_array(json_object_get(o, "data"));
}

/* Decides from a complete JSON document. */
static int classify_json(const json_t *root, enum parse_format *out)
{
	if (json_is_array(root)) {
		const json_t *first = json_array_get(root, 0);

		if (looks_mastodon_status(first)) {
			*out = PARSE_MASTODON;
			return 1;
		}
		if (looks_dyi(first)) {
			*out = PARSE_META_DYI;
			return 1;
		}
		return 0;
	}
	if (!json_is_object(root))
		return 0;
	{
		const json_t *kind = json_object_get(root, "kind");
		const json_t *data = json_object_get(root, "data");
		const json_t *meta = json_object_get(root, "meta");

		if (obj_has(root, "object") && json_is_array(json_object_get(root, "entry"))) {
			*out = PARSE_META_WEBHOOK;
			return 1;
		}
		if (json_is_string(kind) && strncmp(json_string_value(kind), "youtube#", 8) == 0) {
			*out = PARSE_YOUTUBE;
			return 1;
		}
		if (data) {
			const json_t *first = json_is_array(data) ? json_array_get(data, 0) : data;

			if (obj_has(first, "edit_history_tweet_ids") || obj_has(root, "includes") ||
			    obj_has(meta, "result_count")) {
				*out = PARSE_X_API;
				return 1;
			}
			if (looks_graph_object(first) ||
			    (json_is_array(data) && obj_has(root, "paging"))) {
				*out = PARSE_GRAPH;
				return 1;
			}
		}
		if (obj_has(root, "ancestors") && obj_has(root, "descendants")) {
			*out = PARSE_MASTODON;
			return 1;
		}
		if (looks_linkedin_page(root) || looks_linkedin(root)) {
			*out = PARSE_LINKEDIN;
			return 1;
		}
		if (looks_mastodon_status(root)) {
			*out = PARSE_MASTODON;
			return 1;
		}
		if (looks_dyi(root)) {
			*out = PARSE_META_DYI;
			return 1;
		}
		if (obj_has(root, "id") && looks_graph_object(root)) {
			*out = PARSE_GRAPH;
			return 1;
		}
	}
	return 0;
}

/* Decides from the text of a document cut off at the end of the head. */
static int classify_text(const char *h, size_t n, enum parse_format *out)
{
	if (has_key(h, n, "object") && has_key(h, n, "entry"))
		*out = PARSE_META_WEBHOOK;
	else if (has_key_value_prefix(h, n, "kind", "youtube#"))
		*out = PARSE_YOUTUBE;
	else if (has_key(h, n, "edit_history_tweet_ids") ||
	         (has_key(h, n, "data") && has_key(h, n, "result_count")))
		*out = PARSE_X_API;
	else if ((has_key(h, n, "ancestors") && has_key(h, n, "descendants")) ||
	         (has_key(h, n, "uri") && has_key(h, n, "content") && has_key(h, n, "account")))
		*out = PARSE_MASTODON;
	else if ((has_key(h, n, "elements") &&
	          (has_key(h, n, "commentary") || has_key(h, n, "lifecycleState") ||
	           has_key(h, n, "commentUrn"))) ||
	         has_key_value_prefix(h, n, "id", "urn:li:share:") ||
	         has_key_value_prefix(h, n, "id", "urn:li:ugcPost:"))
		*out = PARSE_LINKEDIN;
	else if (has_key(h, n, "comments_v2") || has_key(h, n, "string_map_data") ||
	         (has_key(h, n, "participants") && has_key(h, n, "messages")))
		*out = PARSE_META_DYI;
	else if (has_key(h, n, "data") &&
	         (has_key(h, n, "created_time") || has_key(h, n, "media_type")))
		*out = PARSE_GRAPH;
	else if (has_key(h, n, "timestamp") && has_key(h, n, "data"))
		*out = PARSE_META_DYI;
	/* A single Graph object (GET /{post-id}?fields=…), too big to be seen
	 * whole: created_time is Graph's alone (the others say created_at or
	 * publishedAt). */
	else if (has_key(h, n, "id") && has_key(h, n, "created_time"))
		*out = PARSE_GRAPH;
	else
		return 0;
	return 1;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* JSON Lines: the first line is a whole JSON object and another line
 * starting with '{' follows. */
static int looks_jsonl(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	json_t *first;
	int ok;

	if (!nl)
		return 0;
	first = json_loadb(p, (size_t)(nl - p), 0, NULL);
	ok = json_is_object(first);
	json_decref(first);
	if (!ok)
		return 0;
	p = skip_ws(nl + 1, end);
	return p < end && *p == '{';
}

int parse_detect(const char *head, size_t len, const char *filename, enum parse_format *out,
                 struct err *err)
{
	const char *p = head, *end = head + len;
	const char *name = filename ? filename : "input";
	enum parse_format fmt = PARSE_AUTO;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	p = skip_ws(p, end);
	if ((size_t)(end - p) >= 11 && memcmp(p, "window.YTD.", 11) == 0) {
		fmt = PARSE_X_ARCHIVE;
	} else if (p < end && *p == '<') {
		if (memmem(p, (size_t)(end - p), "<rss", 4) ||
		    memmem(p, (size_t)(end - p), "<feed", 5))
			fmt = PARSE_FEED;
	} else if (filename &&
	           (ends_with_ci(filename, ".jsonl") || ends_with_ci(filename, ".ndjson"))) {
		fmt = PARSE_JSONL;
	} else if (p < end && (*p == '{' || *p == '[')) {
		json_t *root;

		if (*p == '{' && looks_jsonl(p, end)) {
			fmt = PARSE_JSONL;
		} else if ((root = json_loadb(p, (size_t)(end - p), 0, NULL))) {
			if (!classify_json(root, &fmt))
				fmt = PARSE_AUTO;
			json_decref(root);
		} else if (!classify_text(p, (size_t)(end - p), &fmt)) {
			fmt = PARSE_AUTO;
		}
	}
	if (fmt == PARSE_AUTO)
		return err_set(err, KV_EINVAL,
		               "cannot tell the format of %s; give --format (one of: %s)", name,
		               FORMAT_LIST);
	*out = fmt;
	return KV_OK;
}

/* ---- reading files ---- */

/* A FILE that yields the bytes already read for detection, then the rest of
 * the underlying stream: detection never needs to seek, so pipes work. */
struct prefixed {
	const char *head;
	size_t len;
	size_t pos;
	FILE *rest;
};

static ssize_t prefixed_read(void *cookie, char *out, size_t n)
{
	struct prefixed *p = cookie;

	if (p->pos < p->len) {
		size_t k = p->len - p->pos < n ? p->len - p->pos : n;

		memcpy(out, p->head + p->pos, k);
		p->pos += k;
		return (ssize_t)k;
	}
	{
		size_t k = fread(out, 1, n, p->rest);

		if (k == 0 && ferror(p->rest))
			return -1;
		return (ssize_t)k;
	}
}

static int run_doc(enum parse_format fmt, const char *data, size_t len, const char *name,
                   const char *account_ref, const char *subject, const struct item_sink *sink,
                   struct err *err)
{
	switch (fmt) {
	case PARSE_GRAPH:
		return parse_graph(data, len, name, account_ref, sink, err);
	case PARSE_META_WEBHOOK:
		return parse_meta_webhook(data, len, name, sink, err);
	case PARSE_META_DYI:
		return parse_meta_dyi(data, len, name, sink, err);
	case PARSE_YOUTUBE:
		return parse_youtube(data, len, name, account_ref, sink, err);
	case PARSE_X_API:
		return parse_x_api(data, len, name, account_ref, sink, err);
	case PARSE_MASTODON:
		return parse_mastodon(data, len, name, account_ref, sink, err);
	case PARSE_LINKEDIN:
		return parse_linkedin(data, len, name, subject, sink, err);
	case PARSE_FEED:
		return parse_feed(data, len, name, account_ref, sink, err);
	default:
		return err_set(err, KV_EINTERNAL, "%s: format %s is not read whole", name,
		               parse_format_name(fmt));
	}
}

int parse_file(FILE *f, const char *name, enum parse_format fmt, const char *account_ref,
               const struct item_sink *sink, struct err *err)
{
	return parse_file_about(f, name, fmt, account_ref, NULL, sink, err);
}

int parse_file_about(FILE *f, const char *name, enum parse_format fmt, const char *account_ref,
                     const char *subject, const struct item_sink *sink, struct err *err)
{
	char *head = NULL;
	size_t hlen;
	struct buf doc;
	struct stat st;
	off_t start = ftello(f);
	int regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
	int rc = KV_OK;

	buf_init(&doc, PARSE_DOC_MAX);
	if (!name)
		name = "input";
	head = malloc(PARSE_HEAD_LEN);
	if (!head) {
		rc = err_set(err, KV_ENOMEM, "%s: out of memory", name);
		goto out;
	}
	hlen = fread(head, 1, PARSE_HEAD_LEN, f);
	if (ferror(f)) {
		rc = err_set(err, KV_EIO, "%s: read failed", name);
		goto out;
	}
	/* A UTF-8 byte order mark (editors on Windows write one) is no part of
	 * the JSON. */
	if (hlen >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
		memmove(head, head + 3, hlen - 3);
		hlen -= 3;
		if (!feof(f)) {
			size_t more = fread(head + hlen, 1, 3, f);

			hlen += more;
		}
	}
	if (hlen == 0 && feof(f)) {
		rc = err_set(err, KV_EINVAL, "%s: the file is empty", name);
		goto out;
	}
	if (fmt == PARSE_AUTO) {
		rc = parse_detect(head, hlen, name, &fmt, err);
		if (rc)
			goto out;
	}
	if (fmt == PARSE_X_ARCHIVE || fmt == PARSE_JSONL) {
		struct prefixed pre = {head, hlen, 0, f};
		cookie_io_functions_t io = {.read = prefixed_read};
		FILE *g = fopencookie(&pre, "r", io);

		if (!g) {
			rc = err_set(err, KV_ENOMEM, "%s: out of memory", name);
			goto out;
		}
		if (fmt == PARSE_X_ARCHIVE)
			rc = parse_x_archive_stream(g, name, account_ref, sink, err);
		else
			rc = parse_jsonl_stream(g, name, sink, err);
		fclose(g);
		goto out;
	}
	if (regular && start >= 0 && st.st_size - start > (off_t)PARSE_DOC_MAX) {
		rc = err_set(err, KV_EINVAL,
		             "%s: file is %lld bytes; documents over 256 MiB must be imported as "
		             "JSON Lines",
		             name, (long long)(st.st_size - start));
		goto out;
	}
	rc = buf_put(&doc, head, hlen);
	while (rc == KV_OK && hlen == PARSE_HEAD_LEN) {
		hlen = fread(head, 1, PARSE_HEAD_LEN, f);
		if (ferror(f)) {
			rc = err_set(err, KV_EIO, "%s: read failed", name);
			goto out;
		}
		rc = buf_put(&doc, head, hlen);
	}
	if (rc == KV_EINVAL) {
		rc = err_set(err, KV_EINVAL,
		             "%s: file is over 256 MiB; documents over 256 MiB must be imported "
		             "as JSON Lines",
		             name);
		goto out;
	}
	if (rc) {
		rc = err_set(err, rc, "%s: out of memory reading the file", name);
		goto out;
	}
	rc = run_doc(fmt, doc.ptr ? doc.ptr : "", doc.len, name, account_ref, subject, sink, err);
out:
	free(head);
	buf_done(&doc);
	return rc;
}
