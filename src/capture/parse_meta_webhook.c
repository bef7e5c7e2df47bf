/* Meta webhook deliveries to items and events: Page feed changes (posts,
 * statuses, photos, videos, shares, comments × add, edited, remove, hide,
 * unhide), Page mentions, Instagram comments, live comments and mentions,
 * and Messenger / Instagram messaging. Checking the X-Hub-Signature-256 of a
 * delivery is the HTTP edge's job, not this parser's. */
#include "capture/parse_meta.h"
#include "capture/parse_meta_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hook {
	struct meta_run r;
	const char *platform; /* "facebook" for object page, "instagram" */
	const char *entry_id; /* the page or Instagram account the entry is for */
	int64_t entry_time;   /* Unix seconds */
};

/* Entry times and messaging timestamps come in milliseconds in some
 * deliveries and seconds in others; no real instant in seconds is this big. */
static int64_t to_seconds(int64_t t)
{
	return t > 100000000000LL ? t / 1000 : t;
}

static int is(const char *s, const char *v)
{
	return s && strcmp(s, v) == 0;
}

/* A skip notice naming what was skipped: "<field> <item> <verb> <id>". */
static int skip_change(struct hook *h, const char *field, const char *item, const char *verb,
                       const char *id, const char *reason)
{
	char what[256];

	snprintf(what, sizeof(what), "%s%s%s%s%s%s%s", field, item ? " " : "", item ? item : "",
	         verb ? " " : "", verb ? verb : "", id ? " " : "", id ? id : "");
	return parse_meta_skip(&h->r, what, reason);
}

static int event(struct hook *h, const char *id, enum item_event_kind kind, int64_t at)
{
	struct item_event ev = {0};

	ev.platform = h->platform;
	ev.platform_id = id;
	ev.account_ref = h->entry_id;
	ev.kind = kind;
	ev.at = h->entry_time ? h->entry_time : at;
	ev.source = "webhook";
	return parse_meta_emit_event(&h->r, &ev);
}

/* Media a feed change carries: "photo"/"video" (URL of a comment's
 * attachment), "photos" (URLs of a status), "link" (the photo or video file
 * for those items, the shared URL for a share). */
static int feed_media(struct hook *h, const json_t *v, const char *item, const char *item_id,
                      struct meta_attach *a)
{
	struct meta_run *r = &h->r;
	const char *photo, *video, *link;
	json_t *photos, *p;
	size_t i;
	int rc;

	if ((rc = parse_meta_str(r, v, "photo", &photo)) ||
	    (rc = parse_meta_str(r, v, "video", &video)) ||
	    (rc = parse_meta_str(r, v, "link", &link)) ||
	    (rc = parse_meta_array(r, v, "photos", &photos)))
		return rc;
	if (parse_meta_attach_media(a, NULL, "photo", photo) ||
	    parse_meta_attach_media(a, NULL, "video", video))
		return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	json_array_foreach(photos, i, p)
	{
		if (!json_is_string(p))
			return parse_meta_fail(r, KV_EINVAL,
			                       "expected string in 'photos', got another type");
		if (parse_meta_attach_media(a, NULL, "photo", json_string_value(p)))
			return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	}
	if (is(item, "photo") || is(item, "video")) {
		if (parse_meta_attach_media(a, item_id, item, link))
			return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	} else if (parse_meta_attach_link(a, link)) {
		return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	}
	return KV_OK;
}

/* A feed (or mention) change with content: a post or comment as it now is. */
static int feed_item(struct hook *h, const json_t *v, const char *item, const char *verb,
                     const char *post_id, const char *comment_id, int mention)
{
	struct meta_run *r = &h->r;
	struct meta_attach a = {0};
	struct item it = {0};
	json_t *from;
	char pnum[META_NUM_MAX], fnum[META_NUM_MAX], snum[META_NUM_MAX], inum[META_NUM_MAX];
	const char *parent, *message, *sender_id, *sender_name, *media_id = NULL;
	char *raw = NULL;
	int64_t created;
	int edited = is(verb, "edited") || is(verb, "edit");
	int rc;

	if ((rc = parse_meta_str(r, v, "message", &message)) ||
	    (rc = parse_meta_id(r, v, "parent_id", pnum, &parent)) ||
	    (rc = parse_meta_object(r, v, "from", &from)) ||
	    (rc = parse_meta_id(r, from, "id", fnum, &it.author_id)) ||
	    (rc = parse_meta_str(r, from, "name", &it.author_name)) ||
	    (rc = parse_meta_id(r, v, "sender_id", snum, &sender_id)) ||
	    (rc = parse_meta_str(r, v, "sender_name", &sender_name)) ||
	    (rc = parse_meta_int(r, v, "created_time", &created)))
		goto out;
	/* An edit or mention without the text says only that something
	 * changed; an empty text would overwrite what we have. */
	if (!message && (edited || mention)) {
		rc = skip_change(h, mention ? "mention" : "feed", item, verb,
		                 comment_id ? comment_id : post_id,
		                 mention ? "mention without text: fetch via API"
		                         : "edit without text: fetch via API");
		goto out;
	}
	if (is(item, "photo") && (rc = parse_meta_id(r, v, "photo_id", inum, &media_id)))
		goto out;
	if (is(item, "video") && (rc = parse_meta_id(r, v, "video_id", inum, &media_id)))
		goto out;
	if ((rc = feed_media(h, v, item, media_id, &a)))
		goto out;
	it.platform = "facebook";
	it.source = "webhook";
	it.account_ref = h->entry_id;
	if (comment_id) {
		it.platform_id = comment_id;
		it.root_id = post_id;
		it.parent_id = parent ? parent : post_id;
		it.kind = post_id && strcmp(it.parent_id, post_id) != 0 ? ITEM_REPLY : ITEM_COMMENT;
	} else {
		it.platform_id = post_id;
		it.kind = ITEM_POST;
	}
	if (!it.author_id)
		it.author_id = sender_id;
	if (!it.author_name)
		it.author_name = sender_name;
	it.author_is_account =
	        it.author_id && h->entry_id ? strcmp(it.author_id, h->entry_id) == 0 : -1;
	it.created_at = created ? created : edited ? 0 : h->entry_time;
	it.version_at = edited ? (h->entry_time ? h->entry_time : created) : 0;
	it.text = message ? message : "";
	it.state = parse_meta_true(v, "is_hidden") ? ITEM_HIDDEN : ITEM_VISIBLE;
	it.links = a.links;
	it.n_links = a.n_links;
	it.media = a.media;
	it.n_media = a.n_media;
	it.raw_json = raw = parse_meta_raw_json(v, NULL);
	rc = parse_meta_emit(r, &it);
out:
	free(raw);
	parse_meta_attach_done(&a);
	return rc;
}

static int feed_change(struct hook *h, const json_t *v, int mention)
{
	struct meta_run *r = &h->r;
	const char *field = mention ? "mention" : "feed";
	const char *item, *verb, *post_id, *comment_id, *target;
	char pnum[META_NUM_MAX], cnum[META_NUM_MAX];
	int64_t created;
	int rc;

	if ((rc = parse_meta_str(r, v, "item", &item)) ||
	    (rc = parse_meta_str(r, v, "verb", &verb)) ||
	    (rc = parse_meta_id(r, v, "post_id", pnum, &post_id)) ||
	    (rc = parse_meta_id(r, v, "comment_id", cnum, &comment_id)) ||
	    (rc = parse_meta_int(r, v, "created_time", &created)))
		return rc;
	if (!item || !verb)
		return skip_change(h, field, item, verb, NULL, "change without 'item' and 'verb'");
	if (is(item, "reaction") || is(item, "like"))
		return skip_change(h, field, item, verb, comment_id ? comment_id : post_id,
		                   "reactions and likes are not captured");
	if (is(item, "comment")) {
		if (!comment_id)
			return parse_meta_fail(r, KV_EINVAL, "comment change without 'comment_id'");
		target = comment_id;
	} else if (is(item, "post") || is(item, "status") || is(item, "photo") ||
	           is(item, "video") || is(item, "share")) {
		comment_id = NULL;
		target = post_id;
	} else {
		return skip_change(h, field, item, verb, post_id,
		                   "not captured (album photos arrive as their own photo "
		                   "changes; events and other objects are not posts)");
	}
	if (!target)
		return skip_change(h, field, item, verb, NULL,
		                   "change without 'post_id' (a blocked or muted video): nothing "
		                   "to attach it to");
	if (is(verb, "add") || is(verb, "edited") || is(verb, "edit"))
		return feed_item(h, v, item, verb, post_id, comment_id, mention);
	if (mention)
		return skip_change(h, field, item, verb, target,
		                   "only added mentions are captured");
	if (is(verb, "remove"))
		return event(h, target, ITEM_EV_DELETED, created);
	if (is(verb, "hide"))
		return event(h, target, ITEM_EV_HIDDEN, created);
	if (is(verb, "unhide"))
		return event(h, target, ITEM_EV_UNHIDDEN, created);
	return skip_change(h, field, item, verb, target,
	                   "verb not captured (block, unblock and mute concern the author or the "
	                   "video, not the content)");
}

/* Emits it with text, v as its evidence, and the entry's time: an
 * Instagram change has no time of its own. */
static int emit_at_entry(struct hook *h, struct item *it, const char *text, const json_t *v)
{
	char *raw = parse_meta_raw_json(v, NULL);
	int rc;

	it->created_at = h->entry_time;
	it->text = text;
	it->raw_json = raw;
	rc = parse_meta_emit(&h->r, it);
	free(raw);
	return rc;
}

static int ig_comment_change(struct hook *h, const json_t *v, const char *field)
{
	struct meta_run *r = &h->r;
	struct item it = {0};
	json_t *from, *media;
	char num[META_NUM_MAX], fnum[META_NUM_MAX], mnum[META_NUM_MAX], pnum[META_NUM_MAX];
	const char *id, *text, *media_id, *parent;
	int rc;

	if ((rc = parse_meta_id(r, v, "id", num, &id)) ||
	    (rc = parse_meta_str(r, v, "text", &text)) ||
	    (rc = parse_meta_object(r, v, "from", &from)) ||
	    (rc = parse_meta_id(r, from, "id", fnum, &it.author_id)) ||
	    (rc = parse_meta_str(r, from, "username", &it.author_name)) ||
	    (rc = parse_meta_object(r, v, "media", &media)) ||
	    (rc = parse_meta_id(r, media, "id", mnum, &media_id)) ||
	    (rc = parse_meta_id(r, v, "parent_id", pnum, &parent)))
		return rc;
	if (!id)
		return parse_meta_fail(r, KV_EINVAL, "%s change without 'id'", field);
	if (!text)
		return skip_change(h, field, NULL, NULL, id, "comment without text: fetch via API");
	it.platform = "instagram";
	it.platform_id = id;
	it.source = "webhook";
	it.account_ref = h->entry_id;
	it.root_id = media_id;
	it.parent_id = parent ? parent : media_id;
	it.kind = parent ? ITEM_REPLY : ITEM_COMMENT;
	it.author_is_account =
	        it.author_id && h->entry_id ? strcmp(it.author_id, h->entry_id) == 0 : -1;
	return emit_at_entry(h, &it, text, v);
}

static int ig_mention(struct hook *h, const json_t *v)
{
	struct meta_run *r = &h->r;
	struct item it = {0};
	char cnum[META_NUM_MAX], mnum[META_NUM_MAX];
	const char *comment_id, *media_id, *text;
	int rc;

	if ((rc = parse_meta_id(r, v, "comment_id", cnum, &comment_id)) ||
	    (rc = parse_meta_id(r, v, "media_id", mnum, &media_id)) ||
	    (rc = parse_meta_str(r, v, "text", &text)))
		return rc;
	if (!text || !(comment_id || media_id))
		return skip_change(h, "mentions", NULL, NULL, comment_id ? comment_id : media_id,
		                   "mention without text: fetch via API");
	it.platform = "instagram";
	it.platform_id = comment_id ? comment_id : media_id;
	it.kind = comment_id ? ITEM_COMMENT : ITEM_POST;
	it.root_id = comment_id ? media_id : NULL;
	it.parent_id = comment_id ? media_id : NULL;
	it.source = "webhook";
	it.account_ref = h->entry_id;
	it.author_is_account = 0;
	return emit_at_entry(h, &it, text, v);
}

static int messaging(struct hook *h, const json_t *m)
{
	struct meta_run *r = &h->r;
	struct meta_attach a = {0};
	struct item it = {0};
	json_t *sender, *msg, *atts, *att, *payload;
	char snum[META_NUM_MAX];
	const char *mid, *text, *type, *url;
	char *raw = NULL;
	int64_t ts;
	size_t i;
	int rc;

	if ((rc = parse_meta_object(r, m, "sender", &sender)) ||
	    (rc = parse_meta_id(r, sender, "id", snum, &it.author_id)) ||
	    (rc = parse_meta_int(r, m, "timestamp", &ts)) ||
	    (rc = parse_meta_object(r, m, "message", &msg)))
		goto out;
	if (!msg) {
		rc = parse_meta_skip(r, "messaging event",
		                     "not a message (read receipts, deliveries, reactions and "
		                     "postbacks are not captured)");
		goto out;
	}
	if ((rc = parse_meta_str(r, msg, "mid", &mid)) ||
	    (rc = parse_meta_str(r, msg, "text", &text)) ||
	    (rc = parse_meta_array(r, msg, "attachments", &atts)))
		goto out;
	if (!mid || !*mid) {
		rc = parse_meta_fail(r, KV_EINVAL, "message without 'mid' (or with an empty one)");
		goto out;
	}
	if (parse_meta_true(msg, "is_deleted")) {
		rc = event(h, mid, ITEM_EV_DELETED, to_seconds(ts));
		goto out;
	}
	json_array_foreach(atts, i, att)
	{
		size_t mark = parse_meta_path_push(r, ".message.attachments[%zu]", i);

		if ((rc = parse_meta_str(r, att, "type", &type)) ||
		    (rc = parse_meta_object(r, att, "payload", &payload)) ||
		    (rc = parse_meta_str(r, payload, "url", &url)))
			goto out;
		if (parse_meta_attach_media(&a, NULL, type, url)) {
			rc = parse_meta_fail(r, KV_ENOMEM, "out of memory");
			goto out;
		}
		parse_meta_path_pop(r, mark);
	}
	it.platform = h->platform;
	it.platform_id = mid;
	it.kind = ITEM_MESSAGE;
	it.source = "webhook";
	it.account_ref = h->entry_id;
	it.author_is_account =
	        parse_meta_true(msg, "is_echo") ||
	        (it.author_id && h->entry_id && strcmp(it.author_id, h->entry_id) == 0);
	if (!it.author_id && !parse_meta_true(msg, "is_echo"))
		it.author_is_account = -1;
	it.created_at = ts ? to_seconds(ts) : h->entry_time;
	it.text = text ? text : "";
	it.media = a.media;
	it.n_media = a.n_media;
	it.raw_json = raw = parse_meta_raw_json(m, NULL);
	rc = parse_meta_emit(r, &it);
out:
	free(raw);
	parse_meta_attach_done(&a);
	return rc;
}

static int one_change(struct hook *h, const json_t *c)
{
	struct meta_run *r = &h->r;
	const char *field;
	json_t *v;
	int rc;

	if (!json_is_object(c))
		return parse_meta_fail(r, KV_EINVAL, "expected object, got another type");
	if ((rc = parse_meta_str(r, c, "field", &field)) ||
	    (rc = parse_meta_object(r, c, "value", &v)))
		return rc;
	if (!field)
		return parse_meta_fail(r, KV_EINVAL, "change without 'field'");
	if (!v)
		return skip_change(h, field, NULL, NULL, NULL, "change without a value");
	if (is(h->platform, "facebook") && is(field, "feed"))
		return feed_change(h, v, 0);
	if (is(h->platform, "facebook") && is(field, "mention"))
		return feed_change(h, v, 1);
	if (is(h->platform, "instagram") && (is(field, "comments") || is(field, "live_comments")))
		return ig_comment_change(h, v, field);
	if (is(h->platform, "instagram") && is(field, "mentions"))
		return ig_mention(h, v);
	return skip_change(h, field, NULL, NULL, NULL, "webhook field not captured");
}

static int one_entry(struct hook *h, const json_t *e)
{
	struct meta_run *r = &h->r;
	json_t *changes, *msgs, *v;
	char num[META_NUM_MAX];
	int64_t t;
	size_t i;
	int rc;

	if (!json_is_object(e))
		return parse_meta_fail(r, KV_EINVAL, "expected object, got another type");
	if ((rc = parse_meta_id(r, e, "id", num, &h->entry_id)) ||
	    (rc = parse_meta_int(r, e, "time", &t)) ||
	    (rc = parse_meta_array(r, e, "changes", &changes)) ||
	    (rc = parse_meta_array(r, e, "messaging", &msgs)))
		return rc;
	h->entry_time = to_seconds(t);
	json_array_foreach(changes, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".changes[%zu]", i);

		if ((rc = one_change(h, v)))
			return rc;
		parse_meta_path_pop(r, mark);
	}
	json_array_foreach(msgs, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".messaging[%zu]", i);

		if (!json_is_object(v))
			return parse_meta_fail(r, KV_EINVAL, "expected object, got another type");
		if ((rc = messaging(h, v)))
			return rc;
		parse_meta_path_pop(r, mark);
	}
	if (json_object_get(e, "standby"))
		return parse_meta_skip(r, "standby",
		                       "messages for another app in a handover are not captured");
	return KV_OK;
}

int parse_meta_webhook(const char *data, size_t len, const char *name, const struct item_sink *sink,
                       struct err *err)
{
	struct hook h;
	json_t *root = NULL, *entries, *e;
	const char *object;
	size_t i;
	int rc;

	memset(&h, 0, sizeof(h));
	parse_meta_run_init(&h.r, name, sink, err);
	if ((rc = parse_meta_load(&h.r, data, len, &root)))
		goto out;
	if (!json_is_object(root)) {
		rc = parse_meta_fail(&h.r, KV_EINVAL,
		                     "expected a JSON object (a webhook delivery)");
		goto out;
	}
	if ((rc = parse_meta_str(&h.r, root, "object", &object)) ||
	    (rc = parse_meta_array(&h.r, root, "entry", &entries)))
		goto out;
	if (!object || !entries) {
		rc = parse_meta_fail(&h.r, KV_EINVAL,
		                     "not a webhook delivery: expected 'object' and 'entry'");
		goto out;
	}
	if (is(object, "page")) {
		h.platform = "facebook";
	} else if (is(object, "instagram")) {
		h.platform = "instagram";
	} else {
		rc = parse_meta_skip(&h.r, object,
		                     "only page and instagram deliveries are captured");
		goto out;
	}
	json_array_foreach(entries, i, e)
	{
		size_t mark = parse_meta_path_push(&h.r, "entry[%zu]", i);

		if ((rc = one_entry(&h, e)))
			goto out;
		parse_meta_path_pop(&h.r, mark);
	}
out:
	json_decref(root);
	return rc;
}
