/* Meta "Download your information" JSON files to items: Facebook posts and
 * comments, Messenger threads, Instagram comments, posts and message threads.
 * The export writes each UTF-8 byte as a Latin-1 escape; every string is
 * repaired before use. Items have no platform ids there, so a stable one is
 * derived (see dyi_id). Other export files are skipped with a reason. */
#include "capture/parse_meta.h"
#include "capture/parse_text.h"
#include "capture/parse_meta_int.h"

#include "base/buf.h"
#include "base/hash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dyi {
	struct meta_run r;
	const char *platform;
	/* Repaired copies of the strings of the item being built. */
	char **pool;
	size_t n_pool, cap_pool;
};

static void pool_clear(struct dyi *d)
{
	for (size_t i = 0; i < d->n_pool; i++)
		free(d->pool[i]);
	d->n_pool = 0;
}

/* A repaired heap copy of s (NULL stays NULL), freed by pool_clear. */
static int fixed(struct dyi *d, const char *s, const char **out)
{
	char *copy;
	size_t len;

	*out = NULL;
	if (!s)
		return KV_OK;
	if (d->n_pool == d->cap_pool) {
		size_t cap = d->cap_pool ? d->cap_pool * 2 : 16;
		char **p = realloc(d->pool, cap * sizeof(*p));

		if (!p)
			return parse_meta_fail(&d->r, KV_ENOMEM, "out of memory");
		d->pool = p;
		d->cap_pool = cap;
	}
	len = strlen(s);
	if (!(copy = malloc(len + 1)))
		return parse_meta_fail(&d->r, KV_ENOMEM, "out of memory");
	memcpy(copy, s, len + 1);
	parse_meta_repair_mojibake(copy, len);
	d->pool[d->n_pool++] = copy;
	*out = copy;
	return KV_OK;
}

/* obj[key] as a repaired string. */
static int fstr(struct dyi *d, const json_t *obj, const char *key, const char **out)
{
	const char *s;
	int rc = parse_meta_str(&d->r, obj, key, &s);

	*out = NULL;
	return rc ? rc : fixed(d, s, out);
}

/* The id of an item the export gives none for: "dyi:" and the hex SHA-256
 * of what identifies it and does not change when it is edited or exported
 * again: platform, kind, where it lives (thread path, media owner), when it
 * was written, and who wrote it or the first file attached. The text is
 * left out so that an edit becomes a new version of the same item. */
static int dyi_id(struct dyi *d, const char *kind, const char *scope, int64_t t, const char *who,
                  const char **out)
{
	char hex[HASH_SHA256_HEX_LEN + 1], id[4 + HASH_SHA256_HEX_LEN + 1];
	struct hash_sha256_ctx ctx;
	char ts[32];

	snprintf(ts, sizeof(ts), "%" PRId64, t);
	hash_sha256_begin(&ctx);
	hash_sha256_update(&ctx, d->platform, strlen(d->platform) + 1);
	hash_sha256_update(&ctx, kind, strlen(kind) + 1);
	hash_sha256_update(&ctx, scope ? scope : "", strlen(scope ? scope : "") + 1);
	hash_sha256_update(&ctx, ts, strlen(ts) + 1);
	hash_sha256_update(&ctx, who ? who : "", strlen(who ? who : ""));
	hash_sha256_end_hex(&ctx, hex);
	snprintf(id, sizeof(id), "dyi:%s", hex);
	return fixed(d, id, out);
}

static int emit(struct dyi *d, struct item *it, const json_t *raw_obj, const struct meta_attach *a)
{
	char *raw = parse_meta_raw_json(raw_obj, NULL);
	int rc;

	it->platform = d->platform;
	it->source = "dyi";
	if (!it->text)
		it->text = "";
	if (a) {
		it->links = a->links;
		it->n_links = a->n_links;
		it->media = a->media;
		it->n_media = a->n_media;
	}
	it->raw_json = raw;
	rc = parse_meta_emit(&d->r, it);
	free(raw);
	return rc;
}

/* Messenger attachments: lists of {uri} under photos, videos, gifs,
 * audio_files, files; a shared link under share.link. */
static int message_media(struct dyi *d, const json_t *m, struct meta_attach *a)
{
	static const struct {
		const char *key, *type;
	} lists[] = {{"photos", "photo"},      {"videos", "video"}, {"gifs", "gif"},
	             {"audio_files", "audio"}, {"files", "file"},   {"sticker", "sticker"}};
	struct meta_run *r = &d->r;
	json_t *share, *list, *v;
	const char *uri, *link;
	size_t i;
	int rc;

	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		json_t *one = json_object_get(m, lists[k].key);

		if (json_is_object(one)) { /* a sticker is one object */
			if ((rc = fstr(d, one, "uri", &uri)))
				return rc;
			if (parse_meta_attach_media(a, NULL, lists[k].type, uri))
				return parse_meta_fail(r, KV_ENOMEM, "out of memory");
			continue;
		}
		if ((rc = parse_meta_array(r, m, lists[k].key, &list)))
			return rc;
		json_array_foreach(list, i, v)
		{
			if ((rc = fstr(d, v, "uri", &uri)))
				return rc;
			if (parse_meta_attach_media(a, NULL, lists[k].type, uri))
				return parse_meta_fail(r, KV_ENOMEM, "out of memory");
		}
	}
	if ((rc = parse_meta_object(r, m, "share", &share)) || (rc = fstr(d, share, "link", &link)))
		return rc;
	if (parse_meta_attach_link(a, link))
		return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	return KV_OK;
}

static int thread(struct dyi *d, const json_t *root)
{
	struct meta_run *r = &d->r;
	json_t *msgs, *m;
	const char *path_raw, *title_raw, *scope;
	size_t i;
	int rc;

	if ((rc = parse_meta_array(r, root, "messages", &msgs)) ||
	    (rc = parse_meta_str(r, root, "thread_path", &path_raw)) ||
	    (rc = parse_meta_str(r, root, "title", &title_raw)))
		return rc;
	/* Messages of one conversation share the thread path (or the title
	 * in exports without one) across the message_N.json parts. */
	scope = path_raw ? path_raw : title_raw;
	json_array_foreach(msgs, i, m)
	{
		size_t mark = parse_meta_path_push(r, "messages[%zu]", i);
		struct meta_attach a = {0};
		struct item it = {0};
		const char *sender, *fscope;
		int64_t ms;

		if (!json_is_object(m))
			return parse_meta_fail(r, KV_EINVAL, "expected object, got another type");
		if ((rc = fstr(d, m, "sender_name", &sender)) ||
		    (rc = parse_meta_int(r, m, "timestamp_ms", &ms)) ||
		    (rc = fstr(d, m, "content", &it.text)) || (rc = fixed(d, scope, &fscope)) ||
		    (rc = message_media(d, m, &a)))
			goto next;
		if (!ms) {
			rc = parse_meta_fail(r, KV_EINVAL, "message without 'timestamp_ms'");
			goto next;
		}
		if ((rc = dyi_id(d, "message", fscope, ms, sender, &it.platform_id)))
			goto next;
		it.kind = ITEM_MESSAGE;
		it.author_name = sender;
		it.author_is_account = -1;
		it.created_at = ms / 1000;
		it.state = parse_meta_true(m, "is_unsent") ? ITEM_DELETED : ITEM_VISIBLE;
		rc = emit(d, &it, m, &a);
	next:
		parse_meta_attach_done(&a);
		pool_clear(d);
		if (rc)
			return rc;
		parse_meta_path_pop(r, mark);
	}
	return KV_OK;
}

/* Facebook post and comment entries: {timestamp, data:[{post}|{comment:{}}|
 * {update_timestamp}], attachments:[{data:[{media:{uri}}|{external_context:
 * {url}}]}], title}. */
static int fb_attachments(struct dyi *d, const json_t *e, struct meta_attach *a)
{
	struct meta_run *r = &d->r;
	json_t *atts, *att, *data, *v, *media, *ext;
	const char *uri, *url;
	size_t i, j;
	int rc;

	if ((rc = parse_meta_array(r, e, "attachments", &atts)))
		return rc;
	json_array_foreach(atts, i, att)
	{
		if ((rc = parse_meta_array(r, att, "data", &data)))
			return rc;
		json_array_foreach(data, j, v)
		{
			if ((rc = parse_meta_object(r, v, "media", &media)) ||
			    (rc = fstr(d, media, "uri", &uri)) ||
			    (rc = parse_meta_object(r, v, "external_context", &ext)) ||
			    (rc = fstr(d, ext, "url", &url)))
				return rc;
			if (parse_meta_attach_media(a, NULL, NULL, uri) ||
			    parse_meta_attach_link(a, url))
				return parse_meta_fail(r, KV_ENOMEM, "out of memory");
		}
	}
	return KV_OK;
}

static int fb_entry(struct dyi *d, const json_t *e, int comment)
{
	struct meta_run *r = &d->r;
	struct meta_attach a = {0};
	struct item it = {0};
	struct buf text;
	json_t *data, *v, *c;
	const char *s, *author = NULL, *first = NULL;
	int64_t t, upd = 0, ct;
	size_t i;
	int rc;

	buf_init(&text, PARSE_TEXT_MAX);
	if ((rc = parse_meta_int(r, e, "timestamp", &t)) ||
	    (rc = parse_meta_array(r, e, "data", &data)) || (rc = fb_attachments(d, e, &a)))
		goto out;
	json_array_foreach(data, i, v)
	{
		int64_t u;

		if ((rc = parse_meta_object(r, v, "comment", &c)) ||
		    (rc = parse_meta_int(r, v, "update_timestamp", &u)))
			goto out;
		if (u)
			upd = u;
		s = NULL;
		if (c) {
			if ((rc = fstr(d, c, "comment", &s)) ||
			    (rc = fstr(d, c, "author", &author)) ||
			    (rc = parse_meta_int(r, c, "timestamp", &ct)))
				goto out;
			if (ct)
				t = ct;
		} else if ((rc = fstr(d, v, "post", &s))) {
			goto out;
		}
		if (!s)
			continue;
		/* Several text parts are rare; they are joined by a blank line. */
		if (!first) {
			first = s;
			continue;
		}
		if ((!text.len && buf_puts(&text, first)) || buf_puts(&text, "\n\n") ||
		    buf_puts(&text, s)) {
			rc = parse_meta_fail(r, KV_EINVAL,
			                     "text over the %zu KiB limit or out of memory",
			                     PARSE_TEXT_MAX >> 10);
			goto out;
		}
	}
	if (!t) {
		rc = parse_meta_fail(r, KV_EINVAL, "entry without 'timestamp'");
		goto out;
	}
	if (comment)
		rc = dyi_id(d, "comment", NULL, t, author, &it.platform_id);
	else
		rc = dyi_id(d, "post", NULL, t,
		            a.n_media   ? a.media[0].url
		            : a.n_links ? a.links[0]
		                        : NULL,
		            &it.platform_id);
	if (rc)
		goto out;
	it.kind = comment ? ITEM_COMMENT : ITEM_POST;
	it.author_name = author;
	/* Posts and comments in a download are the account's own. */
	it.author_is_account = 1;
	it.created_at = t;
	it.version_at = upd > t ? upd : 0;
	it.text = text.len ? buf_cstr(&text) : first;
	rc = emit(d, &it, e, &a);
out:
	buf_done(&text);
	parse_meta_attach_done(&a);
	pool_clear(d);
	return rc;
}

static int fb_list(struct dyi *d, const json_t *list, const char *key, int comment)
{
	json_t *e;
	size_t i;
	int rc;

	json_array_foreach(list, i, e)
	{
		size_t mark = parse_meta_path_push(&d->r, "%s[%zu]", key, i);

		if (!json_is_object(e))
			return parse_meta_fail(&d->r, KV_EINVAL,
			                       "expected object, got another type");
		if ((rc = fb_entry(d, e, comment)))
			return rc;
		parse_meta_path_pop(&d->r, mark);
	}
	return KV_OK;
}

/* Instagram comments: [{string_map_data:{Comment:{value}, "Media Owner":
 * {value}, Time:{timestamp}}}] (2024 layout) or {title: owner,
 * string_list_data:[{value, timestamp}]} (older). */
static int ig_comment(struct dyi *d, const json_t *e)
{
	struct meta_run *r = &d->r;
	struct item it = {0};
	json_t *map, *f, *list;
	const char *owner = NULL;
	int64_t t = 0;
	int rc;

	if ((rc = parse_meta_object(r, e, "string_map_data", &map)) ||
	    (rc = parse_meta_array(r, e, "string_list_data", &list)))
		goto out;
	if (map) {
		if ((rc = parse_meta_object(r, map, "Comment", &f)) ||
		    (rc = fstr(d, f, "value", &it.text)) ||
		    (rc = parse_meta_object(r, map, "Media Owner", &f)) ||
		    (rc = fstr(d, f, "value", &owner)) ||
		    (rc = parse_meta_object(r, map, "Time", &f)) ||
		    (rc = parse_meta_int(r, f, "timestamp", &t)))
			goto out;
	} else if (list && json_array_size(list) > 0) {
		f = json_array_get(list, 0);
		if ((rc = fstr(d, f, "value", &it.text)) ||
		    (rc = parse_meta_int(r, f, "timestamp", &t)) ||
		    (rc = fstr(d, e, "title", &owner)))
			goto out;
	}
	if (!t) {
		rc = parse_meta_fail(r, KV_EINVAL, "comment without a time");
		goto out;
	}
	if ((rc = dyi_id(d, "comment", owner, t, NULL, &it.platform_id)))
		goto out;
	it.kind = ITEM_COMMENT;
	it.author_is_account = 1;
	it.created_at = t;
	rc = emit(d, &it, e, NULL);
out:
	pool_clear(d);
	return rc;
}

/* Instagram posts: [{media:[{uri, creation_timestamp, title}], title,
 * creation_timestamp}]; a single-photo post has only media[0]. */
static int ig_post(struct dyi *d, const json_t *e)
{
	struct meta_run *r = &d->r;
	struct meta_attach a = {0};
	struct item it = {0};
	json_t *media, *m;
	const char *uri, *title;
	int64_t t, mt;
	size_t i;
	int rc;

	if ((rc = parse_meta_array(r, e, "media", &media)) ||
	    (rc = fstr(d, e, "title", &it.text)) ||
	    (rc = parse_meta_int(r, e, "creation_timestamp", &t)))
		goto out;
	json_array_foreach(media, i, m)
	{
		if ((rc = fstr(d, m, "uri", &uri)) || (rc = fstr(d, m, "title", &title)) ||
		    (rc = parse_meta_int(r, m, "creation_timestamp", &mt)))
			goto out;
		if (!t)
			t = mt;
		if ((!it.text || !*it.text) && title)
			it.text = title;
		if (parse_meta_attach_media(&a, NULL, NULL, uri)) {
			rc = parse_meta_fail(r, KV_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (!t) {
		rc = parse_meta_fail(r, KV_EINVAL, "post without 'creation_timestamp'");
		goto out;
	}
	if ((rc = dyi_id(d, "post", NULL, t, a.n_media ? a.media[0].url : NULL, &it.platform_id)))
		goto out;
	it.kind = ITEM_POST;
	it.author_is_account = 1;
	it.created_at = t;
	rc = emit(d, &it, e, &a);
out:
	parse_meta_attach_done(&a);
	pool_clear(d);
	return rc;
}

static int top_array(struct dyi *d, const json_t *list, const char *key)
{
	const json_t *first = json_array_get(list, 0);
	int (*fn)(struct dyi *, const json_t *) = NULL;
	json_t *e;
	size_t i;
	int rc;

	if (!first)
		return KV_OK;
	if (json_object_get(first, "string_map_data") || json_object_get(first, "string_list_data"))
		fn = ig_comment;
	else if (json_is_array(json_object_get(first, "media")) && !json_object_get(first, "data"))
		fn = ig_post;
	else if (json_object_get(first, "timestamp") &&
	         (json_object_get(first, "data") || json_object_get(first, "attachments")))
		return fb_list(d, list, key, 0);
	/* string_map_data and media[] lists are only in Instagram's files. */
	if (fn)
		d->platform = "instagram";
	if (!fn)
		return parse_meta_skip(
		        &d->r, d->r.name,
		        "not a posts, comments or messages file of a download (friends, "
		        "likes, profile and settings are not captured)");
	json_array_foreach(list, i, e)
	{
		size_t mark = parse_meta_path_push(&d->r, "%s[%zu]", key, i);

		if (!json_is_object(e))
			return parse_meta_fail(&d->r, KV_EINVAL,
			                       "expected object, got another type");
		if ((rc = fn(d, e)))
			return rc;
		parse_meta_path_pop(&d->r, mark);
	}
	return KV_OK;
}

int parse_meta_dyi(const char *data, size_t len, const char *name, const struct item_sink *sink,
                   struct err *err)
{
	struct dyi d;
	json_t *root = NULL, *list;
	int rc;

	memset(&d, 0, sizeof(d));
	parse_meta_run_init(&d.r, name, sink, err);
	/* Instagram's and Facebook's files share shapes (message_1.json);
	 * the export's folder names tell them apart. */
	d.platform = name && strstr(name, "instagram") ? "instagram" : "facebook";
	if ((rc = hash_init()) || (rc = parse_meta_load(&d.r, data, len, &root)))
		goto out;
	if (json_is_array(root)) {
		rc = top_array(&d, root, "");
	} else if (json_is_array(json_object_get(root, "messages"))) {
		rc = thread(&d, root);
	} else if ((list = json_object_get(root, "comments_v2")) && json_is_array(list)) {
		rc = fb_list(&d, list, "comments_v2", 1);
	} else if ((list = json_object_get(root, "comments")) && json_is_array(list)) {
		rc = fb_list(&d, list, "comments", 1);
	} else if ((list = json_object_get(root, "comments_media_comments")) &&
	           json_is_array(list)) {
		d.platform = "instagram";
		rc = top_array(&d, list, "comments_media_comments");
	} else if ((list = json_object_get(root, "status_updates_v2")) && json_is_array(list)) {
		rc = fb_list(&d, list, "status_updates_v2", 0);
	} else {
		rc = parse_meta_skip(
		        &d.r, d.r.name,
		        "not a posts, comments or messages file of a download (friends, "
		        "likes, profile and settings are not captured)");
	}
out:
	pool_clear(&d);
	free(d.pool);
	json_decref(root);
	return rc;
}
