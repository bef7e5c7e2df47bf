/* Graph API responses (Facebook Pages and Instagram professional accounts)
 * to items: posts with their nested comments and replies, comment lists,
 * Instagram media with comments and replies, single and multi-id objects.
 * Pure: it reads one response page and never follows paging URLs; the
 * connector does that with parse_meta_graph_next. */
#include "capture/parse_meta.h"
#include "capture/parse_meta_int.h"

#include <stdlib.h>
#include <string.h>

enum gkind {
	G_SKIP,
	G_FB_POST,
	G_FB_COMMENT,
	G_FB_MESSAGE,
	G_FB_CONVERSATION,
	G_IG_MEDIA,
	G_IG_COMMENT
};
enum ghint { H_NONE, H_POSTS, H_COMMENTS, H_REPLIES, H_MEDIA };

/* What a comment inherits from the object it hangs under. */
struct gparent {
	const char *parent_id;      /* the direct parent, NULL when not nested */
	const char *root_id;        /* the thread's post or media */
	const char *account_ref;    /* whose space this is */
	const char *owner_username; /* Instagram: the media owner's handle */
	int parent_is_comment;      /* nested under a comment: a reply */
	int depth;
};

struct graph {
	struct meta_run r;
	const char *account_ref; /* as the caller gave it; may be NULL */
	enum ghint hint;
	json_t *noted; /* authors whose picture was offered, owned */
};

/* Keys left out of an item's evidence copy: they hold its children, which
 * are items of their own with their own copy. */
static const char *const children_keys[] = {"comments", "replies", NULL};

static int has(const json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL;
}

/* The part of a Facebook id before '_' ("{page}_{post}" → page) into out;
 * NULL when there is none or it does not fit. */
static const char *id_prefix(const char *id, char *out, size_t outsz)
{
	const char *us = id ? strchr(id, '_') : NULL;
	size_t n;

	if (!us || us == id)
		return NULL;
	n = (size_t)(us - id);
	if (n >= outsz)
		return NULL;
	memcpy(out, id, n);
	out[n] = '\0';
	return out;
}

static int digits_at(const char *s, const char **end)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	*end = p;
	return p > s;
}

/* Reads the ids a Facebook comment permalink spells out:
 * ".../{page}/posts/{post}/?comment_id={c}[&reply_comment_id={r}]". The
 * comment's own id is then "{post}_{r or c}", its parent "{post}_{c}" for a
 * reply or the post "{page}_{post}" otherwise. Returns 0 when the URL has
 * another form (new pfbid links, photo comments ...), 1 for a comment, 2 for
 * a reply. */
static int permalink_ids(const char *url, char *root, char *id, char *parent, size_t sz)
{
	const char *p, *a, *ae, *post, *pe, *c, *ce, *rp, *re = NULL;
	int reply;

	if (!url || !(p = strstr(url, "facebook.com/")))
		return 0;
	a = p + strlen("facebook.com/");
	if (!digits_at(a, &ae) || strncmp(ae, "/posts/", 7) != 0)
		return 0;
	post = ae + 7;
	if (!digits_at(post, &pe))
		return 0;
	c = strstr(pe, "?comment_id=");
	if (!c)
		c = strstr(pe, "&comment_id=");
	if (!c)
		return 0;
	c += strlen("?comment_id=");
	if (!digits_at(c, &ce))
		return 0;
	rp = strstr(ce, "reply_comment_id=");
	reply = rp && digits_at(rp + strlen("reply_comment_id="), &re);
	if (reply)
		rp += strlen("reply_comment_id=");
	if (snprintf(root, sz, "%.*s_%.*s", (int)(ae - a), a, (int)(pe - post), post) >= (int)sz)
		return 0;
	if (reply) {
		if (snprintf(id, sz, "%.*s_%.*s", (int)(pe - post), post, (int)(re - rp), rp) >=
		            (int)sz ||
		    snprintf(parent, sz, "%.*s_%.*s", (int)(pe - post), post, (int)(ce - c), c) >=
		            (int)sz)
			return 0;
		return 2;
	}
	if (snprintf(id, sz, "%.*s_%.*s", (int)(pe - post), post, (int)(ce - c), c) >= (int)sz)
		return 0;
	snprintf(parent, sz, "%s", root);
	return 1;
}

/* The last path segment of a paging URL says what the list holds. */
static enum ghint hint_from_paging(const json_t *root)
{
	json_t *paging = json_object_get(root, "paging");
	const char *url = json_string_value(json_object_get(paging, "next"));
	const char *q, *seg;
	size_t n;

	if (!url)
		url = json_string_value(json_object_get(paging, "previous"));
	if (!url)
		return H_NONE;
	q = strchr(url, '?');
	if (!q)
		q = url + strlen(url);
	seg = q;
	while (seg > url && seg[-1] != '/')
		seg--;
	n = (size_t)(q - seg);
#define SEG(s) (n == strlen(s) && strncmp(seg, s, n) == 0)
	if (SEG("comments"))
		return H_COMMENTS;
	if (SEG("replies"))
		return H_REPLIES;
	if (SEG("feed") || SEG("posts") || SEG("published_posts") || SEG("visitor_posts") ||
	    SEG("tagged"))
		return H_POSTS;
	if (SEG("media") || SEG("tags"))
		return H_MEDIA;
#undef SEG
	return H_NONE;
}

/* Decides what an object is from the fields it carries (Graph returns only
 * the fields asked for, so no single field is always there). */
static enum gkind classify(const json_t *o, enum ghint hint, const char *account_ref)
{
	const char *permalink = json_string_value(json_object_get(o, "permalink_url"));
	const char *id = json_string_value(json_object_get(o, "id"));

	/* Named objects (pages, users, groups, events, albums, businesses)
	 * and the photo and video objects behind posts are not items: the
	 * posts that show them are read from /feed. */
	if ((has(o, "name") && !has(o, "message") && !has(o, "caption") && !has(o, "text")) ||
	    has(o, "images") || has(o, "embed_html") || has(o, "fan_count") || has(o, "category") ||
	    has(o, "member_count") || has(o, "start_time"))
		return G_SKIP;
	if (has(o, "to") && id && strncmp(id, "m_", 2) == 0)
		return G_FB_MESSAGE;
	if (has(o, "messages") && id && strncmp(id, "t_", 2) == 0)
		return G_FB_CONVERSATION;
	if (has(o, "text") || has(o, "replies") || has(o, "parent_id") || has(o, "user") ||
	    has(o, "hidden") || json_is_object(json_object_get(o, "media")))
		return G_IG_COMMENT;
	if (has(o, "media_type") || has(o, "media_url") || has(o, "caption") ||
	    has(o, "thumbnail_url") || has(o, "shortcode") || has(o, "media_product_type") ||
	    has(o, "children") || has(o, "owner") || (has(o, "permalink") && !permalink))
		return G_IG_MEDIA;
	if (has(o, "comment_count") || has(o, "parent") || has(o, "attachment") ||
	    has(o, "can_hide") || has(o, "can_remove") || has(o, "can_reply_privately") ||
	    has(o, "object") || (permalink && strstr(permalink, "comment_id=")))
		return G_FB_COMMENT;
	if (has(o, "status_type") || has(o, "attachments") || has(o, "story") ||
	    has(o, "full_picture") || has(o, "shares") || has(o, "is_published") ||
	    has(o, "privacy") || permalink)
		return G_FB_POST;
	if (has(o, "created_time") || has(o, "message") || has(o, "from") || has(o, "is_hidden")) {
		char pre[128];
		const char *p;

		if (hint == H_COMMENTS || hint == H_REPLIES)
			return G_FB_COMMENT;
		if (hint == H_POSTS)
			return G_FB_POST;
		/* Page post ids start with the page id; comment ids with the
		 * post's own number. */
		p = id_prefix(id, pre, sizeof(pre));
		if (account_ref && p && strcmp(p, account_ref) != 0)
			return G_FB_COMMENT;
		return G_FB_POST;
	}
	if (has(o, "timestamp") || has(o, "username"))
		return hint == H_COMMENTS || hint == H_REPLIES ? G_IG_COMMENT : G_IG_MEDIA;
	return G_SKIP;
}

static const char *media_kind(const char *type)
{
	if (!type)
		return NULL;
	if (strstr(type, "video") || strcmp(type, "VIDEO") == 0 || strcmp(type, "REELS") == 0)
		return "video";
	if (strstr(type, "photo") || strcmp(type, "IMAGE") == 0)
		return "photo";
	if (strcmp(type, "CAROUSEL_ALBUM") == 0 || strcmp(type, "album") == 0)
		return "album";
	if (strcmp(type, "share") == 0 || strcmp(type, "link") == 0)
		return "link";
	return type;
}

/* One Facebook attachment (and its subattachments): a photo or video
 * becomes media, a shared link a link. */
static int fb_attachment(struct graph *g, const json_t *att, struct meta_attach *a, int depth)
{
	struct meta_run *r = &g->r;
	json_t *media, *image, *target, *sub, *subdata, *v;
	const char *type, *url, *unshimmed, *src, *source, *tid;
	char num[META_NUM_MAX];
	size_t i;
	int rc;

	if (!json_is_object(att))
		return parse_meta_fail(r, KV_EINVAL,
		                       "expected object for attachment, got another type");
	if ((rc = parse_meta_str(r, att, "type", &type)) ||
	    (rc = parse_meta_str(r, att, "url", &url)) ||
	    (rc = parse_meta_str(r, att, "unshimmed_url", &unshimmed)) ||
	    (rc = parse_meta_object(r, att, "media", &media)) ||
	    (rc = parse_meta_object(r, media, "image", &image)) ||
	    (rc = parse_meta_str(r, image, "src", &src)) ||
	    (rc = parse_meta_str(r, media, "source", &source)) ||
	    (rc = parse_meta_object(r, att, "target", &target)) ||
	    (rc = parse_meta_id(r, target, "id", num, &tid)))
		return rc;
	/* num is this frame's buffer; a numeric target id cannot outlive it
	 * (Graph sends them as strings). */
	if (tid == num)
		tid = NULL;
	if (type && (strcmp(type, "share") == 0 || strcmp(type, "link") == 0)) {
		/* A shared link's image is only its preview. */
		if (parse_meta_attach_link(a, unshimmed ? unshimmed : url))
			return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	} else if (src || source) {
		if (parse_meta_attach_media(a, tid, media_kind(type), source ? source : src))
			return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	} else if (!type || strcmp(type, "album") != 0) {
		if (parse_meta_attach_link(a, unshimmed ? unshimmed : url))
			return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	}
	if (depth > 1)
		return KV_OK;
	if ((rc = parse_meta_object(r, att, "subattachments", &sub)) ||
	    (rc = parse_meta_array(r, sub, "data", &subdata)))
		return rc;
	json_array_foreach(subdata, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".subattachments.data[%zu]", i);

		if ((rc = fb_attachment(g, v, a, depth + 1)))
			return rc;
		parse_meta_path_pop(r, mark);
	}
	return KV_OK;
}

static int fb_attachments(struct graph *g, const json_t *o, struct meta_attach *a)
{
	struct meta_run *r = &g->r;
	json_t *atts, *data, *single, *v;
	const char *link;
	size_t i;
	int rc;

	if ((rc = parse_meta_object(r, o, "attachments", &atts)) ||
	    (rc = parse_meta_array(r, atts, "data", &data)) ||
	    (rc = parse_meta_object(r, o, "attachment", &single)) ||
	    (rc = parse_meta_str(r, o, "link", &link)))
		return rc;
	json_array_foreach(data, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".attachments.data[%zu]", i);

		if ((rc = fb_attachment(g, v, a, 1)))
			return rc;
		parse_meta_path_pop(r, mark);
	}
	if (single && (rc = fb_attachment(g, single, a, 1)))
		return rc;
	if (parse_meta_attach_link(a, link))
		return parse_meta_fail(r, KV_ENOMEM, "out of memory");
	return KV_OK;
}

static int fb_comment(struct graph *g, const json_t *o, const struct gparent *p);
static int ig_comment(struct graph *g, const json_t *o, const struct gparent *p);

/* The children under o[key] ({data:[...], paging:{next}}), each parsed with
 * fn. A paging.next there means the response holds only the first page of
 * them; the sink hears of it so nothing is silently missing. */
static int children(struct graph *g, const json_t *o, const char *key, const struct gparent *p,
                    int (*fn)(struct graph *, const json_t *, const struct gparent *))
{
	struct meta_run *r = &g->r;
	json_t *list, *data, *paging, *v;
	const char *next;
	size_t i;
	int rc;

	if ((rc = parse_meta_object(r, o, key, &list)) ||
	    (rc = parse_meta_array(r, list, "data", &data)) ||
	    (rc = parse_meta_object(r, list, "paging", &paging)) ||
	    (rc = parse_meta_str(r, paging, "next", &next)))
		return rc;
	if (data && p->depth > META_DEPTH_MAX)
		return parse_meta_fail(r, KV_EINVAL, "%s nested deeper than %d levels", key,
		                       META_DEPTH_MAX);
	json_array_foreach(data, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".%s.data[%zu]", key, i);

		if (!json_is_object(v))
			return parse_meta_fail(r, KV_EINVAL, "expected object, got another type");
		if ((rc = fn(g, v, p)))
			return rc;
		parse_meta_path_pop(r, mark);
	}
	if (next && *next)
		return parse_meta_skip(
		        r, p->parent_id,
		        strcmp(key, "messages") == 0
		                ? "more messages than this response holds: fetch the next "
		                  "page of /{conversation}/messages"
		                : "more comments than this response holds: fetch the next "
		                  "page of /{id}/comments for this object");
	return KV_OK;
}

/* Emits it with a's links and media and o's own JSON (without its children)
 * as evidence; *raw receives that JSON, for the caller to free. */
/* A picture field: {"data": {"url": ...}} as Graph gives it (the string
 * of older API versions tolerated) into *url (borrowed, NULL when absent). */
static int picture_url(struct graph *g, const json_t *o, const char **url)
{
	struct meta_run *r = &g->r;
	json_t *v = json_object_get(o, "picture"), *data = NULL;
	int rc;

	*url = NULL;
	if (json_is_string(v)) {
		*url = json_string_value(v);
		return KV_OK;
	}
	if ((rc = parse_meta_object(r, o, "picture", &v)) ||
	    (rc = parse_meta_object(r, v, "data", &data)))
		return rc;
	return parse_meta_str(r, data, "url", url);
}

/* The picture of the author (o's from.picture, or the page's own picture
 * when o is the page) once per author and response, offered only when the
 * author may be the account; the sink keeps it when the author is. */
static int emit_picture(struct graph *g, const struct item *it, const json_t *o)
{
	const char *url = NULL;
	int rc;

	if (!g->r.sink->picture || !it->author_id || it->author_is_account == 0)
		return KV_OK;
	if (!g->noted)
		g->noted = json_object();
	if (!g->noted)
		return parse_meta_fail(&g->r, KV_ENOMEM, "out of memory");
	if (json_object_get(g->noted, it->author_id))
		return KV_OK;
	rc = picture_url(g, o, &url);
	if (rc || !url || !*url)
		return rc;
	json_object_set_new(g->noted, it->author_id, json_true());
	return g->r.sink->picture(g->r.sink->ctx, it, url, g->r.err);
}

static int emit_attached(struct meta_run *r, struct item *it, const struct meta_attach *a,
                         const json_t *o, char **raw)
{
	it->links = a->links;
	it->n_links = a->n_links;
	it->media = a->media;
	it->n_media = a->n_media;
	it->raw_json = *raw = parse_meta_raw_json(o, children_keys);
	return parse_meta_emit(r, it);
}

static int fb_post(struct graph *g, const json_t *o)
{
	struct meta_run *r = &g->r;
	struct meta_attach a = {0};
	struct item it = {0};
	struct gparent child = {0};
	json_t *from;
	char num[META_NUM_MAX], fnum[META_NUM_MAX], pre[128];
	char *raw = NULL;
	const char *id, *message;
	int rc;

	if ((rc = parse_meta_id(r, o, "id", num, &id)))
		goto out;
	if (!id) {
		rc = parse_meta_skip(r, r->path[0] ? r->path : "facebook post",
		                     "facebook post without 'id': request fields=id,...");
		goto out;
	}
	it.platform = "facebook";
	it.platform_id = id;
	it.kind = ITEM_POST;
	it.source = "graph";
	it.account_ref = g->account_ref ? g->account_ref : id_prefix(id, pre, sizeof(pre));
	if ((rc = parse_meta_object(r, o, "from", &from)) ||
	    (rc = parse_meta_id(r, from, "id", fnum, &it.author_id)) ||
	    (rc = parse_meta_str(r, from, "name", &it.author_name)) ||
	    (rc = parse_meta_iso_time(r, o, "created_time", &it.created_at)) ||
	    (rc = parse_meta_str(r, o, "message", &message)) ||
	    (rc = parse_meta_str(r, o, "permalink_url", &it.permalink)) ||
	    (rc = fb_attachments(g, o, &a)))
		goto out;
	it.text = message ? message : "";
	it.author_is_account =
	        it.author_id && it.account_ref ? strcmp(it.author_id, it.account_ref) == 0 : -1;
	it.state = parse_meta_true(o, "is_hidden") ? ITEM_HIDDEN : ITEM_VISIBLE;
	if ((rc = emit_attached(r, &it, &a, o, &raw)) || (rc = emit_picture(g, &it, from)))
		goto out;
	child.parent_id = id;
	child.root_id = id;
	child.account_ref = it.account_ref;
	child.depth = 1;
	rc = children(g, o, "comments", &child, fb_comment);
out:
	free(raw);
	parse_meta_attach_done(&a);
	return rc;
}

static int fb_comment(struct graph *g, const json_t *o, const struct gparent *p)
{
	struct meta_run *r = &g->r;
	struct meta_attach a = {0};
	struct item it = {0};
	struct gparent child = {0};
	json_t *from, *parent;
	char num[META_NUM_MAX], fnum[META_NUM_MAX], pnum[META_NUM_MAX];
	char pl_root[128], pl_id[128], pl_parent[128], pre[128], root_buf[260];
	char *raw = NULL;
	const char *id, *message, *parent_field = NULL, *acct;
	int rc, pl, reply;

	if ((rc = parse_meta_id(r, o, "id", num, &id)) ||
	    (rc = parse_meta_str(r, o, "permalink_url", &it.permalink)) ||
	    (rc = parse_meta_object(r, o, "parent", &parent)) ||
	    (rc = parse_meta_id(r, parent, "id", pnum, &parent_field)))
		goto out;
	pl = permalink_ids(it.permalink, pl_root, pl_id, pl_parent, sizeof(pl_root));
	if (!id && pl)
		id = pl_id;
	if (!id) {
		rc = parse_meta_skip(r, r->path[0] ? r->path : "facebook comment",
		                     "facebook comment without 'id' or a permalink_url to read it "
		                     "from: request fields=id,...");
		goto out;
	}
	it.platform = "facebook";
	it.platform_id = id;
	it.source = "graph";
	acct = p->account_ref ? p->account_ref : g->account_ref;
	it.root_id = p->root_id ? p->root_id : pl ? pl_root : NULL;
	if (!it.root_id && acct && id_prefix(id, pre, sizeof(pre)) &&
	    snprintf(root_buf, sizeof(root_buf), "%s_%s", acct, pre) < (int)sizeof(root_buf))
		it.root_id = root_buf; /* comment "{post}_{n}" under post "{page}_{post}" */
	it.parent_id = p->parent_id   ? p->parent_id
	               : parent_field ? parent_field
	               : pl           ? pl_parent
	                              : it.root_id;
	reply = p->parent_is_comment || (!p->parent_id && (parent_field || pl == 2)) ||
	        (g->hint == H_REPLIES && !p->parent_id);
	it.kind = reply ? ITEM_REPLY : ITEM_COMMENT;
	it.account_ref = acct ? acct : id_prefix(it.root_id, pre, sizeof(pre));
	if ((rc = parse_meta_object(r, o, "from", &from)) ||
	    (rc = parse_meta_id(r, from, "id", fnum, &it.author_id)) ||
	    (rc = parse_meta_str(r, from, "name", &it.author_name)) ||
	    (rc = parse_meta_iso_time(r, o, "created_time", &it.created_at)) ||
	    (rc = parse_meta_str(r, o, "message", &message)) || (rc = fb_attachments(g, o, &a)))
		goto out;
	it.text = message ? message : "";
	it.author_is_account =
	        it.author_id && it.account_ref ? strcmp(it.author_id, it.account_ref) == 0 : -1;
	it.state = parse_meta_true(o, "is_hidden") ? ITEM_HIDDEN : ITEM_VISIBLE;
	if ((rc = emit_attached(r, &it, &a, o, &raw)) || (rc = emit_picture(g, &it, from)))
		goto out;
	child.parent_id = id;
	child.root_id = it.root_id;
	child.account_ref = it.account_ref;
	child.parent_is_comment = 1;
	child.depth = p->depth + 1;
	rc = children(g, o, "comments", &child, fb_comment);
out:
	free(raw);
	parse_meta_attach_done(&a);
	return rc;
}

/* A Messenger message from /{conversation}/messages: {id "m_...", message,
 * created_time, from, to{data}, attachments{data[{image_data{url},
 * file_url}]}}. Within a conversation (p->root_id) the conversation is its
 * thread: the Page's message in it answers a visitor's question there. */
static int fb_message(struct graph *g, const json_t *o, const struct gparent *p)
{
	struct meta_run *r = &g->r;
	struct meta_attach a = {0};
	struct item it = {0};
	json_t *from, *atts, *data, *v, *img;
	char num[META_NUM_MAX], fnum[META_NUM_MAX];
	char *raw = NULL;
	const char *message, *url, *file_url, *mime;
	size_t i;
	int rc;

	if ((rc = parse_meta_id(r, o, "id", num, &it.platform_id)) ||
	    (rc = parse_meta_object(r, o, "from", &from)) ||
	    (rc = parse_meta_id(r, from, "id", fnum, &it.author_id)) ||
	    (rc = parse_meta_str(r, from, "name", &it.author_name)) ||
	    (rc = parse_meta_iso_time(r, o, "created_time", &it.created_at)) ||
	    (rc = parse_meta_str(r, o, "message", &message)) ||
	    (rc = parse_meta_object(r, o, "attachments", &atts)) ||
	    (rc = parse_meta_array(r, atts, "data", &data)))
		goto out;
	json_array_foreach(data, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".attachments.data[%zu]", i);

		if ((rc = parse_meta_object(r, v, "image_data", &img)) ||
		    (rc = parse_meta_str(r, img, "url", &url)) ||
		    (rc = parse_meta_str(r, v, "file_url", &file_url)) ||
		    (rc = parse_meta_str(r, v, "mime_type", &mime)))
			goto out;
		if (parse_meta_attach_media(&a, NULL, url ? "photo" : mime, url ? url : file_url)) {
			rc = parse_meta_fail(r, KV_ENOMEM, "out of memory");
			goto out;
		}
		parse_meta_path_pop(r, mark);
	}
	it.platform = "facebook";
	it.kind = ITEM_MESSAGE;
	it.root_id = p->root_id;
	it.source = "graph";
	it.account_ref = g->account_ref;
	it.author_is_account =
	        it.author_id && it.account_ref ? strcmp(it.author_id, it.account_ref) == 0 : -1;
	it.text = message ? message : "";
	it.media = a.media;
	it.n_media = a.n_media;
	it.raw_json = raw = parse_meta_raw_json(o, NULL);
	rc = parse_meta_emit(r, &it);
out:
	free(raw);
	parse_meta_attach_done(&a);
	return rc;
}

/* A conversation from /{page-id}/conversations: {id "t_...", updated_time,
 * messages{data[message...], paging}}. Not an item itself; its messages
 * are, with the conversation as their thread. */
static int fb_conversation(struct graph *g, const json_t *o)
{
	struct gparent child = {0};
	char num[META_NUM_MAX];
	int rc;

	if ((rc = parse_meta_id(&g->r, o, "id", num, &child.root_id)))
		return rc;
	child.parent_id = child.root_id;
	child.account_ref = g->account_ref;
	child.depth = 2;
	return children(g, o, "messages", &child, fb_message);
}

static int ig_media(struct graph *g, const json_t *o)
{
	struct meta_run *r = &g->r;
	struct meta_attach a = {0};
	struct item it = {0};
	struct gparent child = {0};
	json_t *owner, *kids, *kdata, *v;
	char num[META_NUM_MAX], onum[META_NUM_MAX];
	char *raw = NULL;
	const char *id, *caption, *type, *url;
	size_t i;
	int rc;

	if ((rc = parse_meta_id(r, o, "id", num, &id)))
		goto out;
	if (!id) {
		rc = parse_meta_skip(r, r->path[0] ? r->path : "instagram media",
		                     "instagram media without 'id': request fields=id,...");
		goto out;
	}
	it.platform = "instagram";
	it.platform_id = id;
	/* The account's own media are its posts in the feed (counted against
	 * the posting target, screened, answered under); ITEM_MEDIA is kept
	 * for media captured on their own. */
	it.kind = ITEM_POST;
	it.source = "graph";
	if ((rc = parse_meta_object(r, o, "owner", &owner)) ||
	    (rc = parse_meta_id(r, owner, "id", onum, &it.author_id)) ||
	    (rc = parse_meta_str(r, o, "username", &it.author_name)) ||
	    (rc = parse_meta_iso_time(r, o, "timestamp", &it.created_at)) ||
	    (rc = parse_meta_str(r, o, "caption", &caption)) ||
	    (rc = parse_meta_str(r, o, "permalink", &it.permalink)) ||
	    (rc = parse_meta_str(r, o, "media_type", &type)) ||
	    (rc = parse_meta_str(r, o, "media_url", &url)))
		goto out;
	it.account_ref = g->account_ref ? g->account_ref
	                 : it.author_id ? it.author_id
	                                : it.author_name;
	/* /{ig-user}/media lists the account's own media; only an owner that
	 * differs from the account says otherwise. */
	it.author_is_account =
	        it.author_id && g->account_ref ? strcmp(it.author_id, g->account_ref) == 0 : 1;
	it.text = caption ? caption : "";
	if (url && parse_meta_attach_media(&a, id, media_kind(type), url)) {
		rc = parse_meta_fail(r, KV_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = parse_meta_object(r, o, "children", &kids)) ||
	    (rc = parse_meta_array(r, kids, "data", &kdata)))
		goto out;
	json_array_foreach(kdata, i, v)
	{
		size_t mark = parse_meta_path_push(r, ".children.data[%zu]", i);
		const char *kid, *ktype, *kurl;
		char knum[META_NUM_MAX];

		if ((rc = parse_meta_id(r, v, "id", knum, &kid)) ||
		    (rc = parse_meta_str(r, v, "media_type", &ktype)) ||
		    (rc = parse_meta_str(r, v, "media_url", &kurl)))
			goto out;
		/* knum is a stack buffer; only string ids can be kept. */
		if (kid == knum)
			kid = NULL;
		if (parse_meta_attach_media(&a, kid, media_kind(ktype), kurl)) {
			rc = parse_meta_fail(r, KV_ENOMEM, "out of memory");
			goto out;
		}
		parse_meta_path_pop(r, mark);
	}
	if ((rc = emit_attached(r, &it, &a, o, &raw)))
		goto out;
	child.parent_id = id;
	child.root_id = id;
	child.account_ref = it.account_ref;
	child.owner_username = it.author_name;
	child.depth = 1;
	rc = children(g, o, "comments", &child, ig_comment);
out:
	free(raw);
	parse_meta_attach_done(&a);
	return rc;
}

static int all_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int ig_comment(struct graph *g, const json_t *o, const struct gparent *p)
{
	struct meta_run *r = &g->r;
	struct item it = {0};
	struct gparent child = {0};
	json_t *from, *user, *media;
	char num[META_NUM_MAX], fnum[META_NUM_MAX], unum[META_NUM_MAX], mnum[META_NUM_MAX],
	        pnum[META_NUM_MAX];
	char *raw = NULL;
	const char *id, *text, *parent_field, *media_id, *user_id, *username, *acct, *owner;
	int rc;

	if ((rc = parse_meta_id(r, o, "id", num, &id)))
		goto out;
	if (!id) {
		rc = parse_meta_skip(r, r->path[0] ? r->path : "instagram comment",
		                     "instagram comment without 'id': request fields=id,...");
		goto out;
	}
	if ((rc = parse_meta_object(r, o, "from", &from)) ||
	    (rc = parse_meta_id(r, from, "id", fnum, &it.author_id)) ||
	    (rc = parse_meta_str(r, from, "username", &it.author_name)) ||
	    (rc = parse_meta_object(r, o, "user", &user)) ||
	    (rc = parse_meta_id(r, user, "id", unum, &user_id)) ||
	    (rc = parse_meta_str(r, o, "username", &username)) ||
	    (rc = parse_meta_object(r, o, "media", &media)) ||
	    (rc = parse_meta_id(r, media, "id", mnum, &media_id)) ||
	    (rc = parse_meta_id(r, o, "parent_id", pnum, &parent_field)) ||
	    (rc = parse_meta_iso_time(r, o, "timestamp", &it.created_at)) ||
	    (rc = parse_meta_str(r, o, "text", &text)))
		goto out;
	it.platform = "instagram";
	it.platform_id = id;
	it.source = "graph";
	it.root_id = p->root_id ? p->root_id : media_id;
	it.parent_id = p->parent_id ? p->parent_id : parent_field ? parent_field : it.root_id;
	it.kind = p->parent_is_comment || (!p->parent_id && parent_field) ||
	                          (g->hint == H_REPLIES && !p->parent_id)
	                  ? ITEM_REPLY
	                  : ITEM_COMMENT;
	if (!it.author_id)
		it.author_id = user_id;
	if (!it.author_name)
		it.author_name = username;
	acct = p->account_ref ? p->account_ref : g->account_ref;
	it.account_ref = acct;
	owner = p->owner_username;
	it.author_is_account = -1;
	if ((it.author_id && acct && strcmp(it.author_id, acct) == 0) ||
	    (it.author_name && owner && strcmp(it.author_name, owner) == 0) ||
	    (it.author_name && acct && strcmp(it.author_name, acct) == 0))
		it.author_is_account = 1;
	else if ((it.author_id && all_digits(acct)) || (it.author_name && owner))
		it.author_is_account = 0;
	it.text = text ? text : "";
	it.state = parse_meta_true(o, "hidden") ? ITEM_HIDDEN : ITEM_VISIBLE;
	it.raw_json = raw = parse_meta_raw_json(o, children_keys);
	if ((rc = parse_meta_emit(r, &it)))
		goto out;
	child.parent_id = id;
	child.root_id = it.root_id;
	child.account_ref = acct;
	child.owner_username = owner;
	child.parent_is_comment = 1;
	child.depth = p->depth + 1;
	rc = children(g, o, "replies", &child, ig_comment);
out:
	free(raw);
	return rc;
}

static int one_object(struct graph *g, const json_t *o)
{
	struct gparent top = {0};
	char num[META_NUM_MAX];
	const char *id;

	top.depth = 1;
	switch (classify(o, g->hint, g->account_ref)) {
	case G_FB_POST:
		return fb_post(g, o);
	case G_FB_COMMENT:
		return fb_comment(g, o, &top);
	case G_FB_MESSAGE:
		return fb_message(g, o, &top);
	case G_FB_CONVERSATION:
		return fb_conversation(g, o);
	case G_IG_MEDIA:
		return ig_media(g, o);
	case G_IG_COMMENT:
		return ig_comment(g, o, &top);
	default:
		break;
	}
	if (parse_meta_id(&g->r, o, "id", num, &id) || !id) {
		id = g->r.path[0] ? g->r.path : "graph object";
	} else if (json_object_get(o, "picture") &&
	           (!g->account_ref || strcmp(g->account_ref, id) == 0)) {
		/* The page itself (/{page-id}?fields=name,picture): not an item,
		 * but its picture is the account's when the page is. */
		struct item page = {0};
		int rc;

		page.platform = "facebook";
		page.platform_id = id;
		page.account_ref = id;
		page.author_id = id;
		page.author_name = json_string_value(json_object_get(o, "name"));
		page.author_is_account = g->account_ref ? 1 : -1;
		page.text = "";
		page.source = "graph";
		rc = emit_picture(g, &page, o);
		if (rc)
			return rc;
	}
	return parse_meta_skip(&g->r, id,
	                       "not a post, comment or media (pages, insights, users and other "
	                       "objects are not captured)");
}

/* A ?ids= response: {"<id>": {...}, ...}, every value an object with an id. */
static int is_multi(const json_t *root)
{
	const char *key;
	json_t *v;

	if (json_object_size(root) == 0)
		return 0;
	json_object_foreach((json_t *)root, key, v)
	{
		if (!json_is_object(v) || !json_object_get(v, "id"))
			return 0;
	}
	return 1;
}

int parse_graph(const char *data, size_t len, const char *name, const char *account_ref,
                const struct item_sink *sink, struct err *err)
{
	struct graph g;
	json_t *root = NULL, *list, *v;
	const char *key;
	size_t i;
	int rc;

	memset(&g, 0, sizeof(g));
	parse_meta_run_init(&g.r, name, sink, err);
	g.account_ref = account_ref && *account_ref ? account_ref : NULL;
	if ((rc = parse_meta_load(&g.r, data, len, &root)))
		goto out;
	if (!json_is_object(root)) {
		rc = parse_meta_fail(&g.r, KV_EINVAL,
		                     "expected a JSON object (a Graph API response)");
		goto out;
	}
	if ((rc = parse_meta_graph_error_check(&g.r, root)))
		goto out;
	if ((rc = parse_meta_array(&g.r, root, "data", &list)))
		goto out;
	if (list) {
		g.hint = hint_from_paging(root);
		json_array_foreach(list, i, v)
		{
			size_t mark = parse_meta_path_push(&g.r, "data[%zu]", i);

			if (!json_is_object(v)) {
				rc = parse_meta_fail(&g.r, KV_EINVAL,
				                     "expected object, got another type");
				goto out;
			}
			if ((rc = one_object(&g, v)))
				goto out;
			parse_meta_path_pop(&g.r, mark);
		}
	} else if (json_object_get(root, "id")) {
		rc = one_object(&g, root);
	} else if (is_multi(root)) {
		json_object_foreach(root, key, v)
		{
			size_t mark = parse_meta_path_push(&g.r, "%.64s", key);

			if ((rc = one_object(&g, v)))
				goto out;
			parse_meta_path_pop(&g.r, mark);
		}
	} else {
		rc = parse_meta_fail(&g.r, KV_EINVAL,
		                     "not a Graph API response: expected 'data', 'id' or 'error'");
	}
out:
	json_decref(g.noted);
	json_decref(root);
	return rc;
}
