/* LinkedIn posts and comments into items. A document is a list page
 * ({"paging", "elements"}), a batch get ({"results": {urn: …}}) or one
 * post or comment; each element is told by its own shape, so a page of posts
 * and a page of comments go through the same code. Not the HTTP client. */
#include "capture/parse_linkedin.h"

#include "base/buf.h"
#include "capture/parse_json.h"
#include "capture/parse_text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG_PREFIX "urn:li:organization:"

struct run {
	const char *name;
	const char *post_urn;
	const struct item_sink *sink;
	struct err *err;
};

static int nomem(struct run *r)
{
	return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
}

/* obj[key] as epoch milliseconds, in Unix seconds (0 when absent). */
static int get_ms(struct run *r, const json_t *obj, const char *key, const char *where,
                  int64_t *out)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = 0;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return err_set(r->err, KV_EINVAL,
		               "%s: %s: expected epoch milliseconds for '%s', got %s", r->name,
		               where, key, parse_json_type(v));
	*out = (int64_t)(json_integer_value(v) / 1000);
	return KV_OK;
}

/* An author as the register names it: an organisation by its id, anyone
 * else by the URN. Borrowed from urn. */
static const char *author_ref(const char *urn)
{
	if (urn && strncmp(urn, ORG_PREFIX, strlen(ORG_PREFIX)) == 0 && urn[strlen(ORG_PREFIX)])
		return urn + strlen(ORG_PREFIX);
	return urn;
}

static int is_post(const json_t *o)
{
	const char *id = json_string_value(json_object_get(o, "id"));

	if (id &&
	    (strncmp(id, "urn:li:share:", 13) == 0 || strncmp(id, "urn:li:ugcPost:", 15) == 0))
		return 1;
	return json_object_get(o, "author") &&
	       (json_object_get(o, "commentary") || json_object_get(o, "lifecycleState"));
}

static int is_comment(const json_t *o)
{
	return json_object_get(o, "actor") && json_object_get(o, "message") &&
	       (json_object_get(o, "object") || json_object_get(o, "commentUrn"));
}

/* ---- the little text format ---- */

/* The end of a run that ends at close (a byte), skipping escaped bytes;
 * NULL when close never comes. */
static const char *find_close(const char *p, char close)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == close)
			return p;
	}
	return NULL;
}

/* Appends n bytes of s with their escapes undone. */
static int put_unescaped(struct buf *b, const char *s, size_t n)
{
	int rc = KV_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		rc = buf_putc(b, s[i]);
	}
	return rc;
}

int parse_linkedin_little_text(char **out, const char *s)
{
	struct buf b;
	const char *p = s;
	int rc = KV_OK;

	buf_init(&b, PARSE_TEXT_MAX * 2);
	while (*p && !rc) {
		const char *name_end, *urn_end, *tag_end;

		if (*p == '\\' && p[1]) {
			rc = buf_putc(&b, p[1]);
			p += 2;
		} else if (p[0] == '@' && p[1] == '[' && (name_end = find_close(p + 2, ']')) &&
		           name_end[1] == '(' && (urn_end = find_close(name_end + 2, ')'))) {
			/* @[Name](urn:li:person:…): the name as it shows. */
			rc = put_unescaped(&b, p + 2, (size_t)(name_end - p - 2));
			p = urn_end + 1;
		} else if (strncmp(p, "{hashtag|", 9) == 0 && (tag_end = find_close(p + 9, '}'))) {
			/* {hashtag|\#|tag}: the mark, then the tag. */
			const char *q = p + 9;

			if (*q == '\\')
				q++;
			if (*q == '#' && q[1] == '|' && q + 2 < tag_end) {
				rc = buf_putc(&b, '#');
				if (!rc)
					rc = put_unescaped(&b, q + 2, (size_t)(tag_end - q - 2));
				p = tag_end + 1;
			} else {
				rc = buf_putc(&b, *p++);
			}
		} else {
			rc = buf_putc(&b, *p++);
		}
	}
	if (!rc)
		*out = strdup(buf_cstr(&b));
	buf_done(&b);
	if (rc || !*out)
		return KV_ENOMEM;
	return KV_OK;
}

/* ---- posts ---- */

/* "photo", "video", "document" from a media URN. */
static const char *media_type(const char *urn)
{
	if (!urn)
		return NULL;
	if (strncmp(urn, "urn:li:image:", 13) == 0 ||
	    strncmp(urn, "urn:li:digitalmediaAsset:", 25) == 0)
		return "photo";
	if (strncmp(urn, "urn:li:video:", 13) == 0)
		return "video";
	if (strncmp(urn, "urn:li:document:", 16) == 0)
		return "document";
	return NULL;
}

/* The media and links of a post's content: media (one), multiImage
 * (several), article (a link). */
static int post_content(struct run *r, const json_t *post, const char *where,
                        struct item_media **out, size_t *n, struct parse_text_strs *links)
{
	json_t *content, *media, *multi, *article, *images = NULL;
	const char *src = NULL;
	size_t cap;
	int rc;

	*out = NULL;
	*n = 0;
	rc = parse_json_object(post, "content", &content, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(content, "media", &media, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(content, "multiImage", &multi, r->name, where, r->err);
	if (!rc)
		rc = parse_json_array(multi, "images", &images, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(content, "article", &article, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(article, "source", 0, &src, r->name, where, r->err);
	if (rc)
		return rc;
	if (src && *src && parse_text_strs_add(links, src))
		return nomem(r);
	cap = (media ? 1 : 0) + json_array_size(images);
	if (!cap)
		return KV_OK;
	*out = calloc(cap, sizeof(**out));
	if (!*out)
		return nomem(r);
	if (media) {
		rc = parse_json_str(media, "id", 0, &(*out)[*n].platform_id, r->name, where,
		                    r->err);
		(*out)[*n].type = media_type((*out)[*n].platform_id);
		(*n)++;
	}
	for (size_t i = 0; !rc && i < json_array_size(images); i++) {
		rc = parse_json_str(json_array_get(images, i), "id", 0, &(*out)[*n].platform_id,
		                    r->name, where, r->err);
		(*out)[*n].type = media_type((*out)[*n].platform_id);
		(*n)++;
	}
	return rc;
}

static int emit_post(struct run *r, const json_t *post, const char *where0)
{
	struct item it;
	struct parse_text_strs links;
	struct item_media *media = NULL;
	const char *id, *author, *commentary, *state;
	json_t *info;
	char *text = NULL, *raw = NULL, *permalink = NULL, where[160];
	int64_t created, published, modified;
	int edited, rc;

	memset(&it, 0, sizeof(it));
	parse_text_strs_init(&links);
	rc = parse_json_id(post, "id", 1, &id, r->name, where0, r->err);
	if (rc)
		goto out;
	snprintf(where, sizeof(where), "%s (post %.80s)", where0, id);
	rc = parse_json_str(post, "author", 0, &author, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(post, "commentary", 0, &commentary, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(post, "lifecycleState", 0, &state, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(post, "lifecycleStateInfo", &info, r->name, where, r->err);
	if (!rc)
		rc = get_ms(r, post, "createdAt", where, &created);
	if (!rc)
		rc = get_ms(r, post, "publishedAt", where, &published);
	if (!rc)
		rc = get_ms(r, post, "lastModifiedAt", where, &modified);
	if (!rc)
		rc = post_content(r, post, where, &media, &it.n_media, &links);
	if (rc)
		goto out;
	if (parse_linkedin_little_text(&text, commentary ? commentary : "")) {
		rc = nomem(r);
		goto out;
	}
	rc = parse_text_check(text, strlen(text), r->name, where, "commentary", r->err);
	if (rc)
		goto out;
	/* A draft has never been on the platform. */
	if (state && strcmp(state, "DRAFT") == 0) {
		if (r->sink->skip)
			rc = r->sink->skip(r->sink->ctx, id, "a draft, never published", r->err);
		goto out;
	}
	edited = (state && strcmp(state, "PUBLISHED_EDITED") == 0) ||
	         json_is_true(json_object_get(info, "isEditedByAuthor"));
	permalink = malloc(strlen(id) + 40);
	if (!permalink) {
		rc = nomem(r);
		goto out;
	}
	snprintf(permalink, strlen(id) + 40, "https://www.linkedin.com/feed/update/%s/", id);
	it.platform = "linkedin";
	it.platform_id = id;
	it.kind = ITEM_POST;
	it.author_id = author_ref(author);
	it.account_ref = author && it.author_id != author ? it.author_id : NULL;
	it.author_is_account = -1;
	it.created_at = created ? created : published;
	it.version_at = edited && modified > it.created_at ? modified : 0;
	it.text = text;
	it.permalink = permalink;
	it.links = (const char *const *)links.v;
	it.n_links = links.n;
	it.media = media;
	it.state = state && strcmp(state, "DELETED") == 0 ? ITEM_DELETED : ITEM_VISIBLE;
	it.source = "linkedin";
	raw = parse_json_raw(post);
	it.raw_json = raw;
	rc = r->sink->item(r->sink->ctx, &it, r->err);
out:
	free(text);
	free(raw);
	free(media);
	free(permalink);
	parse_text_strs_done(&links);
	return rc;
}

/* ---- comments ---- */

/* The post a comment URN hangs under: urn:li:comment:(POST,ID) → POST, as a
 * heap string; NULL when urn is not one. */
static char *post_of_comment(const char *urn)
{
	const char *open, *comma;

	if (!urn || strncmp(urn, "urn:li:comment:(", 16) != 0)
		return NULL;
	open = urn + 16;
	comma = strrchr(open, ',');
	if (!comma || comma == open)
		return NULL;
	return strndup(open, (size_t)(comma - open));
}

/* Images attached to a comment: content[] with a url. */
static int comment_media(struct run *r, const json_t *c, const char *where, struct item_media **out,
                         size_t *n)
{
	json_t *list;
	int rc = parse_json_array(c, "content", &list, r->name, where, r->err);

	*out = NULL;
	*n = 0;
	if (rc || !list || !json_array_size(list))
		return rc;
	*out = calloc(json_array_size(list), sizeof(**out));
	if (!*out)
		return nomem(r);
	for (size_t i = 0; i < json_array_size(list) && !rc; i++) {
		const json_t *m = json_array_get(list, i);
		struct item_media *im = &(*out)[*n];
		const char *type = NULL;
		json_t *entity = NULL;

		if (!json_is_object(m))
			continue;
		rc = parse_json_str(m, "url", 0, &im->url, r->name, where, r->err);
		if (!rc)
			rc = parse_json_str(m, "type", 0, &type, r->name, where, r->err);
		if (!rc)
			rc = parse_json_object(m, "entity", &entity, r->name, where, r->err);
		if (!rc)
			rc = parse_json_str(entity, "image", 0, &im->platform_id, r->name, where,
			                    r->err);
		im->type =
		        type && strcmp(type, "IMAGE") == 0 ? "photo" : media_type(im->platform_id);
		(*n)++;
	}
	return rc;
}

/* The author's name where the request asked for it (projection actor~). */
static void actor_name(const json_t *c, struct buf *b)
{
	json_t *d = json_object_get(c, "actor~");
	const char *org = json_string_value(json_object_get(d, "localizedName"));
	const char *first = json_string_value(json_object_get(d, "localizedFirstName"));
	const char *last = json_string_value(json_object_get(d, "localizedLastName"));

	if (org)
		buf_puts(b, org);
	else if (first || last)
		buf_printf(b, "%s%s%s", first ? first : "", first && last ? " " : "",
		           last ? last : "");
}

static int emit_comment(struct run *r, const json_t *c, const char *where0)
{
	struct item it;
	struct item_media *media = NULL;
	struct buf urn_buf, name;
	const char *id, *curn, *object, *parent, *actor, *text;
	json_t *created, *modified, *message;
	char *raw = NULL, *post = NULL, where[200];
	int64_t created_at, modified_at;
	int rc;

	memset(&it, 0, sizeof(it));
	buf_init(&urn_buf, 4096);
	buf_init(&name, 4096);
	rc = parse_json_id(c, "id", 0, &id, r->name, where0, r->err);
	if (!rc)
		rc = parse_json_id(c, "commentUrn", 0, &curn, r->name, where0, r->err);
	if (!rc && !curn)
		rc = parse_json_id(c, "$URN", 0, &curn, r->name, where0, r->err);
	if (!rc)
		rc = parse_json_id(c, "object", 0, &object, r->name, where0, r->err);
	if (rc)
		goto out;
	/* The comment URN names it across posts; an old response without
	 * one has the parts to build it from. */
	if (!curn) {
		if (!id || !object) {
			rc = err_set(r->err, KV_EINVAL,
			             "%s: %s: a comment needs 'commentUrn', or 'id' and 'object'",
			             r->name, where0);
			goto out;
		}
		if (buf_printf(&urn_buf, "urn:li:comment:(%s,%s)", object, id)) {
			rc = nomem(r);
			goto out;
		}
		curn = buf_cstr(&urn_buf);
	}
	snprintf(where, sizeof(where), "%s (comment %.120s)", where0, curn);
	rc = parse_json_id(c, "parentComment", 0, &parent, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(c, "actor", 0, &actor, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(c, "message", &message, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(message, "text", 0, &text, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(c, "created", &created, r->name, where, r->err);
	if (!rc)
		rc = get_ms(r, created, "time", where, &created_at);
	if (!rc)
		rc = parse_json_object(c, "lastModified", &modified, r->name, where, r->err);
	if (!rc)
		rc = get_ms(r, modified, "time", where, &modified_at);
	if (!rc)
		rc = comment_media(r, c, where, &media, &it.n_media);
	if (rc)
		goto out;
	if (parent) {
		it.kind = ITEM_REPLY;
		it.parent_id = parent;
		post = post_of_comment(parent);
		it.root_id = r->post_urn ? r->post_urn : post;
	} else {
		it.kind = ITEM_COMMENT;
		it.parent_id = r->post_urn ? r->post_urn : object;
		if (!it.parent_id)
			it.parent_id = post = post_of_comment(curn);
		it.root_id = it.parent_id;
	}
	actor_name(c, &name);
	it.platform = "linkedin";
	it.platform_id = curn;
	it.author_id = author_ref(actor);
	it.author_name = name.len ? buf_cstr(&name) : NULL;
	it.author_is_account = -1;
	it.created_at = created_at;
	it.version_at = modified_at > created_at ? modified_at : 0;
	it.text = text ? text : "";
	it.media = media;
	it.state = ITEM_VISIBLE;
	it.source = "linkedin";
	raw = parse_json_raw(c);
	it.raw_json = raw;
	rc = r->sink->item(r->sink->ctx, &it, r->err);
out:
	free(raw);
	free(post);
	free(media);
	buf_done(&urn_buf);
	buf_done(&name);
	return rc;
}

static int emit_one(struct run *r, const json_t *o, const char *where)
{
	if (!json_is_object(o))
		return err_set(r->err, KV_EINVAL, "%s: %s: expected an object, got %s", r->name,
		               where, parse_json_type(o));
	if (is_comment(o))
		return emit_comment(r, o, where);
	if (is_post(o))
		return emit_post(r, o, where);
	if (r->sink->skip) {
		const char *id = json_string_value(json_object_get(o, "id"));

		return r->sink->skip(r->sink->ctx, id ? id : where, "neither a post nor a comment",
		                     r->err);
	}
	return KV_OK;
}

int parse_linkedin(const char *data, size_t len, const char *name, const char *post_urn,
                   const struct item_sink *sink, struct err *err)
{
	struct run r = {name ? name : "input", post_urn && *post_urn ? post_urn : NULL, sink, err};
	json_t *root = NULL, *elements, *results;
	int rc = parse_json_load(&root, data, len, r.name, err);

	if (rc)
		goto out;
	if (!json_is_object(root)) {
		rc = err_set(err, KV_EINVAL, "%s: expected a LinkedIn response object, got %s",
		             r.name, parse_json_type(root));
		goto out;
	}
	if (json_is_integer(json_object_get(root, "status")) &&
	    json_is_string(json_object_get(root, "message")) && !json_object_get(root, "id")) {
		const char *code = json_string_value(json_object_get(root, "code"));

		rc = err_set(err, KV_EINVAL,
		             "%s: the response is a LinkedIn API error: %lld %s%s%s", r.name,
		             (long long)json_integer_value(json_object_get(root, "status")),
		             code ? code : "", code ? ": " : "",
		             json_string_value(json_object_get(root, "message")));
		goto out;
	}
	rc = parse_json_array(root, "elements", &elements, r.name, "response", err);
	if (!rc)
		rc = parse_json_object(root, "results", &results, r.name, "response", err);
	if (rc)
		goto out;
	if (elements) {
		for (size_t i = 0; i < json_array_size(elements) && !rc; i++) {
			char w[48];

			snprintf(w, sizeof(w), "elements[%zu]", i);
			rc = emit_one(&r, json_array_get(elements, i), w);
		}
	} else if (results) {
		const char *key;
		json_t *v;

		json_object_foreach(results, key, v)
		{
			char w[160];

			snprintf(w, sizeof(w), "results[%.120s]", key);
			rc = emit_one(&r, v, w);
			if (rc)
				break;
		}
	} else {
		rc = emit_one(&r, root, "response");
	}
out:
	json_decref(root);
	return rc;
}
