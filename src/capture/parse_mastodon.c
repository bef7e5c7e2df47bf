/* Mastodon statuses into items: single statuses, timelines, contexts and
 * edit histories. Threads are put together from in_reply_to_id inside the
 * one document; content HTML becomes text with its links kept. Not the
 * HTTP client and not notifications or accounts. */
#include "capture/parse_mastodon.h"

#include "base/time.h"
#include "capture/parse_json.h"
#include "capture/parse_text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct run {
	const char *name;
	const char *account_ref;
	const struct item_sink *sink;
	struct err *err;
	json_t *parents; /* id -> parent id (string) or null, for every status seen */
	json_t *noted;   /* author ids whose note went to the sink */
};

static int get_time(struct run *r, const json_t *o, const char *key, const char *where,
                    int64_t *out)
{
	return parse_json_time(o, key, 0, out, r->name, where, r->err);
}

/* The root of id's thread as far as this document shows it; NULL when the
 * chain leaves the document. Bounded so that a cycle cannot loop. */
static const char *thread_root(struct run *r, const char *id)
{
	const char *cur = id;

	for (size_t steps = 0; steps <= json_object_size(r->parents); steps++) {
		json_t *p = json_object_get(r->parents, cur);

		if (!p)
			return NULL;
		if (!json_is_string(p))
			return cur;
		cur = json_string_value(p);
	}
	return NULL;
}

/* Records a status's parent in the map (before any item goes out, so roots
 * can be found for every status of the document). */
static int note_status(struct run *r, const json_t *st)
{
	const char *id = json_string_value(json_object_get(st, "id"));
	json_t *p = json_object_get(st, "in_reply_to_id");

	if (!id)
		return KV_OK; /* reported when the status is read */
	if (json_object_set_new(r->parents, id, json_is_string(p) ? json_copy(p) : json_null()))
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	return KV_OK;
}

static int author_matches(const char *ref, const json_t *account)
{
	const char *keys[] = {"id", "acct", "username"};

	if (*ref == '@')
		ref++;
	for (size_t i = 0; i < 3; i++) {
		const char *v = json_string_value(json_object_get(account, keys[i]));

		if (v && strcasecmp(v, ref) == 0)
			return 1;
	}
	return 0;
}

/* Text of a status or revision: the content warning, a blank line, the
 * content. *out is a heap string. */
static int status_text(struct run *r, const json_t *st, const char *where,
                       struct parse_text_strs *links, char **out)
{
	const char *content, *spoiler;
	char *body = NULL, *cw = NULL;
	int rc;

	*out = NULL;
	rc = parse_json_str(st, "content", 0, &content, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(st, "spoiler_text", 0, &spoiler, r->name, where, r->err);
	if (!rc)
		rc = parse_text_html(&body, content ? content : "", content ? strlen(content) : 0,
		                     links, r->name, where, "content", r->err);
	if (!rc && spoiler && *spoiler)
		rc = parse_text_html(&cw, spoiler, strlen(spoiler), NULL, r->name, where,
		                     "spoiler_text", r->err);
	if (rc)
		goto out;
	if (cw && *cw) {
		size_t n = strlen(cw) + strlen(body) + 3;

		*out = malloc(n);
		if (!*out) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
			goto out;
		}
		snprintf(*out, n, "%s\n\n%s", cw, body);
	} else {
		*out = body;
		body = NULL;
	}
out:
	free(body);
	free(cw);
	return rc;
}

static int collect_media(struct run *r, const json_t *st, const char *where,
                         struct item_media **out, size_t *n)
{
	json_t *list;
	int rc = parse_json_array(st, "media_attachments", &list, r->name, where, r->err);

	*out = NULL;
	*n = 0;
	if (rc || !list || json_array_size(list) == 0)
		return rc;
	*out = calloc(json_array_size(list), sizeof(**out));
	if (!*out)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	for (size_t i = 0; i < json_array_size(list) && !rc; i++) {
		const json_t *m = json_array_get(list, i);
		struct item_media *im = &(*out)[*n];

		if (!json_is_object(m))
			continue;
		rc = parse_json_str(m, "id", 0, &im->platform_id, r->name, where, r->err);
		if (!rc)
			rc = parse_json_str(m, "type", 0, &im->type, r->name, where, r->err);
		if (!rc)
			rc = parse_json_str(m, "url", 0, &im->url, r->name, where, r->err);
		(*n)++;
	}
	return rc;
}

/* The author's note (the profile text, HTML) and avatar (the profile
 * picture's URL) once per author and document: the same account rides
 * along with each of their statuses. The sink keeps them when the author
 * is the account. */
static int emit_about(struct run *r, const struct item *it, const json_t *account,
                      const char *where)
{
	const char *note = NULL, *avatar = NULL;
	char *text = NULL;
	int rc;

	if ((!r->sink->about && !r->sink->picture) || !it->author_id)
		return KV_OK;
	if (!r->noted)
		r->noted = json_object();
	if (!r->noted)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	if (json_object_get(r->noted, it->author_id))
		return KV_OK;
	json_object_set_new(r->noted, it->author_id, json_true());
	rc = parse_json_str(account, "note", 0, &note, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(account, "avatar", 0, &avatar, r->name, where, r->err);
	if (!rc && (!avatar || !*avatar))
		rc = parse_json_str(account, "avatar_static", 0, &avatar, r->name, where, r->err);
	if (!rc && r->sink->about && note && *note)
		rc = parse_text_html(&text, note, strlen(note), NULL, r->name, where,
		                     "account.note", r->err);
	if (!rc && text && *text)
		rc = r->sink->about(r->sink->ctx, it, text, r->err);
	if (!rc && r->sink->picture && avatar && *avatar)
		rc = r->sink->picture(r->sink->ctx, it, avatar, r->err);
	free(text);
	return rc;
}

static int emit_status(struct run *r, const json_t *st, const char *where0)
{
	struct item it;
	struct parse_text_strs links;
	struct item_media *media = NULL;
	json_t *account, *reblog, *card;
	const char *id, *vis, *url, *uri, *card_url;
	char *text = NULL, *raw = NULL, where[128];
	int64_t edited;
	int rc;

	memset(&it, 0, sizeof(it));
	parse_text_strs_init(&links);
	if (!json_is_object(st)) {
		rc = err_set(r->err, KV_EINVAL, "%s: %s: expected object for a status, got %s",
		             r->name, where0, parse_json_type(st));
		goto out;
	}
	rc = parse_json_id(st, "id", 1, &id, r->name, where0, r->err);
	if (rc)
		goto out;
	snprintf(where, sizeof(where), "%s (status %.40s)", where0, id);
	rc = parse_json_object(st, "reblog", &reblog, r->name, where, r->err);
	if (rc)
		goto out;
	if (reblog) {
		if (r->sink->skip)
			rc = r->sink->skip(r->sink->ctx, id,
			                   "a reblog (boost); the boosted status is someone else's",
			                   r->err);
		goto out;
	}
	rc = parse_json_id(st, "in_reply_to_id", 0, &it.parent_id, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(st, "visibility", 0, &vis, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(st, "url", 0, &url, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(st, "uri", 0, &uri, r->name, where, r->err);
	if (!rc)
		rc = get_time(r, st, "created_at", where, &it.created_at);
	if (!rc)
		rc = get_time(r, st, "edited_at", where, &edited);
	if (!rc)
		rc = parse_json_object(st, "account", &account, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(account, "id", 0, &it.author_id, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(account, "acct", 0, &it.author_name, r->name, where, r->err);
	if (!rc)
		rc = parse_json_object(st, "card", &card, r->name, where, r->err);
	if (!rc)
		rc = parse_json_str(card, "url", 0, &card_url, r->name, where, r->err);
	if (!rc)
		rc = status_text(r, st, where, &links, &text);
	if (!rc && card_url)
		rc = parse_text_strs_add(&links, card_url)
		             ? err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name)
		             : KV_OK;
	if (!rc)
		rc = collect_media(r, st, where, &media, &it.n_media);
	if (rc)
		goto out;

	if (it.parent_id) {
		const char *root = thread_root(r, id);

		it.root_id = root;
		if (root && strcmp(root, it.parent_id) != 0)
			it.kind = ITEM_REPLY;
		else
			it.kind = ITEM_COMMENT;
	} else {
		it.kind = ITEM_POST;
	}
	if (vis && strcmp(vis, "direct") == 0)
		it.kind = ITEM_MESSAGE;
	it.platform = "mastodon";
	it.platform_id = id;
	it.account_ref = r->account_ref;
	it.author_is_account = r->account_ref ? author_matches(r->account_ref, account) : -1;
	it.version_at = edited > it.created_at ? edited : 0;
	it.text = text;
	it.permalink = url ? url : uri;
	it.links = (const char *const *)links.v;
	it.n_links = links.n;
	it.media = media;
	it.state = ITEM_VISIBLE;
	it.source = "mastodon";
	raw = parse_json_raw(st);
	it.raw_json = raw;
	rc = r->sink->item(r->sink->ctx, &it, r->err);
	if (!rc && it.author_is_account != 0)
		rc = emit_about(r, &it, account, where);
out:
	free(text);
	free(raw);
	free(media);
	parse_text_strs_done(&links);
	return rc;
}

static int emit_list(struct run *r, const json_t *arr, const char *what)
{
	int rc = KV_OK;

	for (size_t i = 0; i < json_array_size(arr) && !rc; i++) {
		char w[64];

		snprintf(w, sizeof(w), "%s[%zu]", what, i);
		rc = emit_status(r, json_array_get(arr, i), w);
	}
	return rc;
}

/* ---- edit history ---- */

/* The status id from the file name convention, into out (size n). */
static int id_from_name(const char *name, char *out, size_t n)
{
	const char *base = strrchr(name, '/');
	size_t len;

	base = base ? base + 1 : name;
	if (strncmp(base, "history", 7) == 0 && base > name + 1) {
		/* ".../statuses/<id>/history[.json]": the directory names it. */
		const char *end = base - 1, *start = end;

		while (start > name && start[-1] != '/')
			start--;
		len = (size_t)(end - start);
		base = start;
	} else {
		len = strcspn(base, ".-_");
		if (base[len] == '\0' || strncmp(base + len + 1, "history", 7) != 0)
			return KV_EINVAL;
	}
	if (len == 0 || len >= n)
		return KV_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!((base[i] >= '0' && base[i] <= '9') || (base[i] >= 'a' && base[i] <= 'z') ||
		      (base[i] >= 'A' && base[i] <= 'Z')))
			return KV_EINVAL;
	memcpy(out, base, len);
	out[len] = '\0';
	return KV_OK;
}

struct revision {
	const json_t *edit;
	int64_t at;
	size_t index;
};

static int cmp_revision(const void *x, const void *y)
{
	const struct revision *a = x, *b = y;

	if (a->at != b->at)
		return (a->at > b->at) - (a->at < b->at);
	return (a->index > b->index) - (a->index < b->index);
}

static int history(struct run *r, const json_t *arr, const char *status_id)
{
	struct revision *revs =
	        calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*revs));
	size_t n = json_array_size(arr);
	int rc = KV_OK;

	if (!revs)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	for (size_t i = 0; i < n && !rc; i++) {
		char w[64];

		snprintf(w, sizeof(w), "revision %zu", i);
		revs[i].edit = json_array_get(arr, i);
		revs[i].index = i;
		if (!json_is_object(revs[i].edit))
			rc = err_set(r->err, KV_EINVAL, "%s: %s: expected object, got %s", r->name,
			             w, parse_json_type(revs[i].edit));
		else
			rc = get_time(r, revs[i].edit, "created_at", w, &revs[i].at);
	}
	if (!rc)
		qsort(revs, n, sizeof(*revs), cmp_revision);
	for (size_t i = 0; i < n && !rc; i++) {
		struct item it;
		struct parse_text_strs links;
		struct item_media *media = NULL;
		json_t *account = NULL;
		char *text = NULL, *raw = NULL, w[64];

		memset(&it, 0, sizeof(it));
		parse_text_strs_init(&links);
		snprintf(w, sizeof(w), "revision %zu", revs[i].index);
		rc = parse_json_object(revs[i].edit, "account", &account, r->name, w, r->err);
		if (!rc)
			rc = parse_json_str(account, "id", 0, &it.author_id, r->name, w, r->err);
		if (!rc)
			rc = parse_json_str(account, "acct", 0, &it.author_name, r->name, w,
			                    r->err);
		if (!rc)
			rc = status_text(r, revs[i].edit, w, &links, &text);
		if (!rc)
			rc = collect_media(r, revs[i].edit, w, &media, &it.n_media);
		if (!rc) {
			it.platform = "mastodon";
			it.platform_id = status_id;
			it.kind = ITEM_POST;
			it.account_ref = r->account_ref;
			it.author_is_account =
			        r->account_ref ? author_matches(r->account_ref, account) : -1;
			it.created_at = revs[0].at;
			it.version_at = revs[i].at;
			it.text = text;
			it.links = (const char *const *)links.v;
			it.n_links = links.n;
			it.media = media;
			it.source = "mastodon-history";
			raw = parse_json_raw(revs[i].edit);
			it.raw_json = raw;
			rc = r->sink->item(r->sink->ctx, &it, r->err);
		}
		free(text);
		free(raw);
		free(media);
		parse_text_strs_done(&links);
	}
	free(revs);
	return rc;
}

static int run_history(struct run *r, const json_t *arr, const char *status_id)
{
	char idbuf[128];

	if (!status_id) {
		if (id_from_name(r->name, idbuf, sizeof(idbuf)))
			return err_set(r->err, KV_EINVAL,
			               "%s: an edit history does not say which status it belongs "
			               "to; name the file <status id>.history.json",
			               r->name);
		status_id = idbuf;
	}
	return history(r, arr, status_id);
}

static int is_history(const json_t *arr)
{
	const json_t *first = json_array_get(arr, 0);

	return json_is_object(first) && !json_object_get(first, "id") &&
	       json_object_get(first, "content") && json_object_get(first, "created_at");
}

static int load(struct run *r, const char *data, size_t len, json_t **root)
{
	int rc = parse_json_load(root, data, len, r->name, r->err);

	if (rc)
		return rc;
	if (json_is_object(*root) && json_is_string(json_object_get(*root, "error")))
		return err_set(r->err, KV_EINVAL, "%s: the response is a Mastodon API error: %s",
		               r->name, json_string_value(json_object_get(*root, "error")));
	return KV_OK;
}

int parse_mastodon_history(const char *data, size_t len, const char *name, const char *status_id,
                           const struct item_sink *sink, struct err *err)
{
	struct run r = {name ? name : "input", NULL, sink, err, NULL, NULL};
	json_t *root = NULL;
	int rc = load(&r, data, len, &root);

	if (rc)
		goto out;
	if (!json_is_array(root)) {
		rc = err_set(err, KV_EINVAL, "%s: expected an array of revisions, got %s", r.name,
		             parse_json_type(root));
		goto out;
	}
	rc = run_history(&r, root, status_id);
out:
	json_decref(root);
	return rc;
}

int parse_mastodon(const char *data, size_t len, const char *name, const char *account_ref,
                   const struct item_sink *sink, struct err *err)
{
	struct run r = {name ? name : "input", account_ref, sink, err, NULL, NULL};
	json_t *root = NULL, *anc, *desc;
	int rc = load(&r, data, len, &root);

	if (rc)
		goto out;
	r.parents = json_object();
	if (!r.parents) {
		rc = err_set(err, KV_ENOMEM, "%s: out of memory", r.name);
		goto out;
	}
	if (json_is_array(root)) {
		if (is_history(root)) {
			rc = run_history(&r, root, NULL);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(root) && !rc; i++)
			rc = note_status(&r, json_array_get(root, i));
		if (!rc)
			rc = emit_list(&r, root, "statuses");
		goto out;
	}
	if (!json_is_object(root)) {
		rc = err_set(err, KV_EINVAL,
		             "%s: expected a Mastodon status, context or list, got %s", r.name,
		             parse_json_type(root));
		goto out;
	}
	if (json_object_get(root, "ancestors") || json_object_get(root, "descendants")) {
		const char *focus;

		rc = parse_json_array(root, "ancestors", &anc, r.name, "context", err);
		if (!rc)
			rc = parse_json_array(root, "descendants", &desc, r.name, "context", err);
		for (size_t i = 0; !rc && i < json_array_size(anc); i++)
			rc = note_status(&r, json_array_get(anc, i));
		for (size_t i = 0; !rc && i < json_array_size(desc); i++)
			rc = note_status(&r, json_array_get(desc, i));
		if (rc)
			goto out;
		/* The context leaves out the status it was asked about; the first
		 * descendant answers it, and it answers the last ancestor. */
		focus = json_string_value(
		        json_object_get(json_array_get(desc, 0), "in_reply_to_id"));
		if (focus && !json_object_get(r.parents, focus)) {
			json_t *last = json_object_get(
			        json_array_get(anc, json_array_size(anc) - 1), "id");

			if (json_object_set_new(r.parents, focus,
			                        json_is_string(last) ? json_copy(last)
			                                             : json_null())) {
				rc = err_set(err, KV_ENOMEM, "%s: out of memory", r.name);
				goto out;
			}
		}
		rc = emit_list(&r, anc, "ancestors");
		if (!rc)
			rc = emit_list(&r, desc, "descendants");
		goto out;
	}
	rc = note_status(&r, root);
	if (!rc)
		rc = emit_status(&r, root, "status");
out:
	json_decref(r.parents);
	json_decref(r.noted);
	json_decref(root);
	return rc;
}
