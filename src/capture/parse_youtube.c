/* YouTube Data API v3 comment responses into items. Reads commentThreads and
 * comments list responses and single resources; ids are YouTube's own, so a
 * comment seen in a thread and later by id is the same item. Not the
 * HTTP client and not videos. */
#include "capture/parse_youtube.h"

#include "base/time.h"
#include "capture/parse_json.h"
#include "capture/parse_text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
	const char *name;
	const char *account_ref;
	const struct item_sink *sink;
	struct err *err;
	json_t *noted; /* authors whose picture was offered, owned */
};

/* Where the comment sits, as the enclosing thread says. */
struct thread_ctx {
	const char *video_id;   /* may be NULL */
	const char *channel_id; /* may be NULL */
	const char *top_id;     /* the thread's top-level comment, for replies */
	int channel_thread;     /* a thread on a channel, not on a video */
};

static int looks_channel_id(const char *s)
{
	return s && strncmp(s, "UC", 2) == 0 && strlen(s) == 24;
}

static int get_time(struct run *r, const json_t *snip, const char *key, const char *where,
                    int64_t *out)
{
	return parse_json_time(snip, key, 0, out, r->name, where, r->err);
}

static int hidden_status(const char *st)
{
	return st && (strcmp(st, "heldForReview") == 0 || strcmp(st, "likelySpam") == 0 ||
	              strcmp(st, "rejected") == 0);
}

/* The author's picture (authorProfileImageUrl) once per author and
 * response, offered only when the author may be the channel itself; the
 * sink keeps it when the author is the account. */
static int emit_picture(struct run *r, const struct item *it, const json_t *snip, const char *where)
{
	const char *url = NULL;
	int rc;

	if (!r->sink->picture || !it->author_id || it->author_is_account == 0)
		return KV_OK;
	if (!r->noted)
		r->noted = json_object();
	if (!r->noted)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	if (json_object_get(r->noted, it->author_id))
		return KV_OK;
	json_object_set_new(r->noted, it->author_id, json_true());
	rc = parse_json_str(snip, "authorProfileImageUrl", 0, &url, r->name, where, r->err);
	if (!rc && url && *url)
		rc = r->sink->picture(r->sink->ctx, it, url, r->err);
	return rc;
}

static int emit_comment(struct run *r, const json_t *c, const struct thread_ctx *t,
                        const char *where)
{
	struct item it;
	struct parse_text_strs links;
	const char *id, *text_orig, *text_disp, *parent, *vid, *chan, *status, *acct;
	json_t *snip, *author;
	char *html_text = NULL, *raw = NULL, *parent_buf = NULL, permalink[256];
	char w[160];
	int64_t published, updated;
	int rc;

	parse_text_strs_init(&links);
	memset(&it, 0, sizeof(it));
	if (!json_is_object(c)) {
		rc = err_set(r->err, KV_EINVAL, "%s: %s: expected object for a comment, got %s",
		             r->name, where, parse_json_type(c));
		goto out;
	}
	rc = parse_json_id(c, "id", 1, &id, r->name, where, r->err);
	if (rc)
		goto out;
	snprintf(w, sizeof(w), "%s (comment %.60s)", where, id);
	rc = parse_json_object(c, "snippet", &snip, r->name, w, r->err);
	if (!rc && !snip)
		rc = err_set(r->err, KV_EINVAL, "%s: %s: missing 'snippet'", r->name, w);
	if (!rc)
		rc = parse_json_str(snip, "textOriginal", 0, &text_orig, r->name, w, r->err);
	if (!rc)
		rc = parse_json_str(snip, "textDisplay", 0, &text_disp, r->name, w, r->err);
	if (!rc)
		rc = parse_json_id(snip, "parentId", 0, &parent, r->name, w, r->err);
	if (!rc)
		rc = parse_json_id(snip, "videoId", 0, &vid, r->name, w, r->err);
	if (!rc)
		rc = parse_json_str(snip, "channelId", 0, &chan, r->name, w, r->err);
	if (!rc)
		rc = parse_json_str(snip, "moderationStatus", 0, &status, r->name, w, r->err);
	if (!rc)
		rc = parse_json_str(snip, "authorDisplayName", 0, &it.author_name, r->name, w,
		                    r->err);
	if (!rc)
		rc = get_time(r, snip, "publishedAt", w, &published);
	if (!rc)
		rc = get_time(r, snip, "updatedAt", w, &updated);
	if (rc)
		goto out;
	/* authorChannelId is {"value": "UC..."}; tolerate the bare string too. */
	author = json_object_get(snip, "authorChannelId");
	if (json_is_string(author))
		it.author_id = json_string_value(author);
	else if (json_is_object(author))
		rc = parse_json_str(author, "value", 0, &it.author_id, r->name, w, r->err);
	else if (author && !json_is_null(author))
		rc = err_set(r->err, KV_EINVAL,
		             "%s: %s: expected object for 'authorChannelId', got %s", r->name, w,
		             parse_json_type(author));
	if (rc)
		goto out;

	/* textDisplay is HTML; its links are the comment's links. textOriginal,
	 * when the API gives it, is the text as written. */
	if (text_disp) {
		rc = parse_text_html(&html_text, text_disp, strlen(text_disp), &links, r->name, w,
		                     "textDisplay", r->err);
		if (rc)
			goto out;
	}
	it.text = text_orig ? text_orig : html_text ? html_text : "";

	if (!vid)
		vid = t ? t->video_id : NULL;
	if (!chan)
		chan = t ? t->channel_id : NULL;
	/* A reply's id is "<parent id>.<suffix>": use it when parentId is absent
	 * (part=id responses) so the item lands under the same parent. */
	if (!parent && t && t->top_id && strcmp(t->top_id, id) != 0)
		parent = t->top_id;
	if (!parent) {
		const char *dot = strchr(id, '.');

		if (dot && dot > id) {
			parent_buf = strndup(id, (size_t)(dot - id));
			if (!parent_buf) {
				rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
				goto out;
			}
			parent = parent_buf;
		}
	}

	if (parent) {
		it.parent_id = parent;
		if (vid) {
			it.kind = ITEM_REPLY;
			it.root_id = vid;
		} else if (t && t->channel_thread) {
			it.kind = ITEM_COMMENT;
			it.root_id = parent;
		} else {
			it.kind = ITEM_REPLY;
		}
	} else if (vid) {
		it.kind = ITEM_COMMENT;
		it.parent_id = vid;
		it.root_id = vid;
	} else if (t && t->channel_thread) {
		it.kind = ITEM_POST;
	} else {
		it.kind = ITEM_COMMENT;
	}

	acct = r->account_ref ? r->account_ref : chan;
	it.account_ref = acct;
	it.author_is_account = -1;
	if (looks_channel_id(acct) && it.author_id)
		it.author_is_account = strcmp(acct, it.author_id) == 0;

	it.platform = "youtube";
	it.platform_id = id;
	it.created_at = published;
	it.version_at = updated > published ? updated : 0;
	it.state = hidden_status(status) ? ITEM_HIDDEN : ITEM_VISIBLE;
	if (vid) {
		snprintf(permalink, sizeof(permalink),
		         "https://www.youtube.com/watch?v=%.40s&lc=%.120s", vid, id);
		it.permalink = permalink;
	}
	it.links = (const char *const *)links.v;
	it.n_links = links.n;
	it.source = "youtube";
	raw = parse_json_raw(c);
	it.raw_json = raw;
	rc = r->sink->item(r->sink->ctx, &it, r->err);
	if (!rc)
		rc = emit_picture(r, &it, snip, w);
out:
	free(html_text);
	free(raw);
	free(parent_buf);
	parse_text_strs_done(&links);
	return rc;
}

static int emit_thread(struct run *r, const json_t *th, const char *where)
{
	struct thread_ctx t = {0};
	json_t *snip, *top, *replies, *list;
	const char *id;
	char w[160], w2[200];
	int rc;

	if (!json_is_object(th))
		return err_set(r->err, KV_EINVAL, "%s: %s: expected object for a thread, got %s",
		               r->name, where, parse_json_type(th));
	rc = parse_json_str(th, "id", 0, &id, r->name, where, r->err);
	if (rc)
		return rc;
	snprintf(w, sizeof(w), "%s (thread %.60s)", where, id ? id : "?");
	rc = parse_json_object(th, "snippet", &snip, r->name, w, r->err);
	if (!rc && !snip)
		rc = err_set(r->err, KV_EINVAL, "%s: %s: missing 'snippet'", r->name, w);
	if (!rc)
		rc = parse_json_id(snip, "videoId", 0, &t.video_id, r->name, w, r->err);
	if (!rc)
		rc = parse_json_str(snip, "channelId", 0, &t.channel_id, r->name, w, r->err);
	if (!rc)
		rc = parse_json_object(snip, "topLevelComment", &top, r->name, w, r->err);
	if (!rc && !top)
		rc = err_set(r->err, KV_EINVAL, "%s: %s: missing 'topLevelComment'", r->name, w);
	if (rc)
		return rc;
	t.channel_thread = t.video_id == NULL && json_object_get(top, "snippet") &&
	                   !json_object_get(json_object_get(top, "snippet"), "videoId");
	snprintf(w2, sizeof(w2), "%s.snippet.topLevelComment", where);
	rc = emit_comment(r, top, &t, w2);
	if (rc)
		return rc;
	t.top_id = json_string_value(json_object_get(top, "id"));
	rc = parse_json_object(th, "replies", &replies, r->name, w, r->err);
	if (!rc)
		rc = parse_json_array(replies, "comments", &list, r->name, w, r->err);
	if (rc || !list)
		return rc;
	for (size_t i = 0; i < json_array_size(list); i++) {
		snprintf(w2, sizeof(w2), "%s.replies.comments[%zu]", where, i);
		rc = emit_comment(r, json_array_get(list, i), &t, w2);
		if (rc)
			return rc;
	}
	return KV_OK;
}

int parse_youtube(const char *data, size_t len, const char *name, const char *account_ref,
                  const struct item_sink *sink, struct err *err)
{
	struct run r = {name ? name : "input", account_ref, sink, err, NULL};
	json_t *root = NULL, *items;
	const char *kind;
	int rc, threads;

	rc = parse_json_load(&root, data, len, r.name, err);
	if (rc)
		goto out;
	if (!json_is_object(root)) {
		rc = err_set(err, KV_EINVAL, "%s: expected a YouTube API response object, got %s",
		             r.name, parse_json_type(root));
		goto out;
	}
	if (json_is_object(json_object_get(root, "error"))) {
		const char *msg = json_string_value(
		        json_object_get(json_object_get(root, "error"), "message"));

		rc = err_set(err, KV_EINVAL, "%s: the response is a YouTube API error: %s", r.name,
		             msg ? msg : "(no message)");
		goto out;
	}
	rc = parse_json_str(root, "kind", 1, &kind, r.name, "top level", err);
	if (rc)
		goto out;
	if (strcmp(kind, "youtube#commentThread") == 0) {
		rc = emit_thread(&r, root, "top level");
		goto out;
	}
	if (strcmp(kind, "youtube#comment") == 0) {
		rc = emit_comment(&r, root, NULL, "top level");
		goto out;
	}
	threads = strcmp(kind, "youtube#commentThreadListResponse") == 0;
	if (!threads && strcmp(kind, "youtube#commentListResponse") != 0) {
		if (sink->skip)
			rc = sink->skip(sink->ctx, kind, "not a comment resource or list", err);
		goto out;
	}
	rc = parse_json_array(root, "items", &items, r.name, "top level", err);
	if (rc)
		goto out;
	for (size_t i = 0; i < json_array_size(items) && !rc; i++) {
		char w[48];

		snprintf(w, sizeof(w), "items[%zu]", i);
		if (threads)
			rc = emit_thread(&r, json_array_get(items, i), w);
		else
			rc = emit_comment(&r, json_array_get(items, i), NULL, w);
	}
out:
	json_decref(r.noted);
	json_decref(root);
	return rc;
}
