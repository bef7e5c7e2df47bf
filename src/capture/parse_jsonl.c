/* The Kanalvakt JSON Lines import format (docs/formats/jsonl.md): one item or
 * event per line, read line by line in constant memory, each line parsed by
 * jansson. Not an export format and not a general JSON Lines reader. */
#include "capture/parse_jsonl.h"

#include "base/buf.h"
#include "base/timeutil.h"
#include "capture/json_arena.h"
#include "capture/parse.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const platforms[] = {"facebook", "instagram", "youtube", "x",    "mastodon",
                                        "blog",     "linkedin",  "tiktok",  "other"};

struct run {
	const char *name;
	const struct item_sink *sink;
	struct err *err;
	char where[48];
	struct json_arena arena;
};

static int known_platform(const char *p)
{
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (strcmp(p, platforms[i]) == 0)
			return 1;
	return 0;
}

static int get_time(struct run *r, const json_t *o, const char *key, int required, int64_t *out)
{
	return parse_json_time(o, key, required, out, r->name, r->where, r->err);
}

static int get_platform(struct run *r, const json_t *o, const char **out)
{
	int rc = parse_json_str(o, "platform", 1, out, r->name, r->where, r->err);

	if (!rc && !known_platform(*out))
		rc = err_set(r->err, KV_EINVAL,
		             "%s: %s: unknown platform \"%.40s\" (one of: facebook, instagram, "
		             "youtube, x, mastodon, blog, linkedin, tiktok, other)",
		             r->name, r->where, *out);
	return rc;
}

static int event_line(struct run *r, const json_t *o)
{
	struct item_event ev;
	const char *what;
	int rc;

	memset(&ev, 0, sizeof(ev));
	rc = parse_json_str(o, "event", 1, &what, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_id(o, "id", 1, &ev.platform_id, r->name, r->where, r->err);
	if (!rc)
		rc = get_platform(r, o, &ev.platform);
	if (!rc)
		rc = parse_json_str(o, "account", 0, &ev.account_ref, r->name, r->where, r->err);
	if (!rc)
		rc = get_time(r, o, "at", 0, &ev.at);
	if (rc)
		return rc;
	if (strcmp(what, "deleted") == 0)
		ev.kind = ITEM_EV_DELETED;
	else if (strcmp(what, "hidden") == 0)
		ev.kind = ITEM_EV_HIDDEN;
	else if (strcmp(what, "unhidden") == 0)
		ev.kind = ITEM_EV_UNHIDDEN;
	else
		return err_set(
		        r->err, KV_EINVAL,
		        "%s: %s: unknown event \"%.40s\" (one of: deleted, hidden, unhidden)",
		        r->name, r->where, what);
	ev.source = "jsonl";
	return r->sink->event(r->sink->ctx, &ev, r->err);
}

static int item_line(struct run *r, const json_t *o, const char *line)
{
	struct item it;
	json_t *author, *links, *media, *isacc;
	const char **lv = NULL;
	struct item_media *mv = NULL;
	const char *kind, *state;
	int rc;

	memset(&it, 0, sizeof(it));
	rc = parse_json_id(o, "id", 1, &it.platform_id, r->name, r->where, r->err);
	if (!rc)
		rc = get_platform(r, o, &it.platform);
	if (!rc)
		rc = parse_json_id(o, "parent_id", 0, &it.parent_id, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_id(o, "root_id", 0, &it.root_id, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(o, "account", 0, &it.account_ref, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(o, "kind", 0, &kind, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(o, "state", 0, &state, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(o, "text", 1, &it.text, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(o, "permalink", 0, &it.permalink, r->name, r->where, r->err);
	if (!rc)
		rc = get_time(r, o, "created_at", 1, &it.created_at);
	if (!rc)
		rc = get_time(r, o, "edited_at", 0, &it.version_at);
	if (!rc)
		rc = parse_json_object(o, "author", &author, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(author, "id", 0, &it.author_id, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_str(author, "name", 0, &it.author_name, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_array(o, "links", &links, r->name, r->where, r->err);
	if (!rc)
		rc = parse_json_array(o, "media", &media, r->name, r->where, r->err);
	if (rc)
		goto out;
	if (kind && item_kind_from_name(kind, &it.kind)) {
		rc = err_set(
		        r->err, KV_EINVAL,
		        "%s: %s: unknown kind \"%.40s\" (one of: post, comment, reply, message, "
		        "media)",
		        r->name, r->where, kind);
		goto out;
	}
	if (!kind)
		it.kind = it.parent_id ? ITEM_COMMENT : ITEM_POST;
	if (it.kind != ITEM_POST && it.kind != ITEM_MESSAGE && it.kind != ITEM_MEDIA &&
	    !it.parent_id) {
		rc = err_set(r->err, KV_EINVAL, "%s: %s: a %s needs 'parent_id'", r->name, r->where,
		             item_kind_name(it.kind));
		goto out;
	}
	if (state && item_state_from_name(state, &it.state)) {
		rc = err_set(r->err, KV_EINVAL,
		             "%s: %s: unknown state \"%.40s\" (one of: visible, hidden, deleted)",
		             r->name, r->where, state);
		goto out;
	}
	isacc = json_object_get(author, "is_account");
	it.author_is_account = -1;
	if (json_is_boolean(isacc))
		it.author_is_account = json_is_true(isacc);
	else if (isacc && !json_is_null(isacc)) {
		rc = err_set(r->err, KV_EINVAL, "%s: %s: expected boolean for 'is_account', got %s",
		             r->name, r->where, parse_json_type(isacc));
		goto out;
	}
	if (json_array_size(links) > 0) {
		lv = calloc(json_array_size(links), sizeof(*lv));
		if (!lv) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(links); i++) {
			const json_t *l = json_array_get(links, i);

			if (!json_is_string(l)) {
				rc = err_set(r->err, KV_EINVAL,
				             "%s: %s: expected string in 'links'[%zu], got %s",
				             r->name, r->where, i, parse_json_type(l));
				goto out;
			}
			lv[it.n_links++] = json_string_value(l);
		}
	}
	if (json_array_size(media) > 0) {
		mv = calloc(json_array_size(media), sizeof(*mv));
		if (!mv) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(media) && !rc; i++) {
			const json_t *m = json_array_get(media, i);
			struct item_media *im = &mv[it.n_media++];

			if (!json_is_object(m)) {
				rc = err_set(r->err, KV_EINVAL,
				             "%s: %s: expected object in 'media'[%zu], got %s",
				             r->name, r->where, i, parse_json_type(m));
				goto out;
			}
			rc = parse_json_str(m, "url", 0, &im->url, r->name, r->where, r->err);
			if (!rc)
				rc = parse_json_str(m, "type", 0, &im->type, r->name, r->where,
				                    r->err);
			if (!rc)
				rc = parse_json_str(m, "id", 0, &im->platform_id, r->name, r->where,
				                    r->err);
		}
		if (rc)
			goto out;
	}
	it.links = lv;
	it.media = mv;
	it.source = "jsonl";
	/* The line is our own format holding nothing beyond the item: keeping it
	 * again as raw evidence would only double the stored text. */
	it.raw_json = NULL;
	rc = r->sink->item(r->sink->ctx, &it, r->err);
out:
	free(lv);
	free(mv);
	return rc;
}

static int one_line(struct run *r, const char *line, size_t len, long long lineno)
{
	json_error_t je;
	json_t *o;
	int rc;
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == len)
		return KV_OK;
	snprintf(r->where, sizeof(r->where), "line %lld", lineno);
	o = json_arena_loadb(&r->arena, line, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		json_arena_release(&r->arena, NULL);
		return err_set(r->err, KV_EINVAL, "%s: line %lld, column %d: %s%s", r->name, lineno,
		               je.column, je.text,
		               strstr(je.text, "unable to decode byte") ? " (invalid UTF-8)" : "");
	}
	if (!json_is_object(o)) {
		rc = err_set(r->err, KV_EINVAL, "%s: line %lld: expected an object, got %s",
		             r->name, lineno, parse_json_type(o));
	} else if (json_object_get(o, "event")) {
		rc = event_line(r, o);
	} else {
		rc = item_line(r, o, line);
	}
	json_arena_release(&r->arena, o);
	return rc;
}

int parse_jsonl_stream(FILE *f, const char *name, const struct item_sink *sink, struct err *err)
{
	struct run r = {name ? name : "input", sink, err, "", {0}};
	struct buf line;
	char *chunk = malloc((size_t)1 << 16);
	long long lineno = 1;
	int rc = KV_OK;

	buf_init(&line, PARSE_JSONL_LINE_MAX);
	json_arena_init(&r.arena);
	if (!chunk) {
		rc = err_set(err, KV_ENOMEM, "%s: out of memory", r.name);
		goto out;
	}
	for (;;) {
		size_t n = fread(chunk, 1, (size_t)1 << 16, f), pos = 0;

		if (n == 0) {
			if (ferror(f)) {
				rc = err_set(err, KV_EIO, "%s: read failed at line %lld", r.name,
				             lineno);
				goto out;
			}
			break;
		}
		while (pos < n) {
			char *nl = memchr(chunk + pos, '\n', n - pos);
			size_t take = nl ? (size_t)(nl - (chunk + pos)) : n - pos;

			if (buf_put(&line, chunk + pos, take)) {
				rc = err_set(
				        err, KV_EINVAL,
				        "%s: line %lld is longer than 16 MiB; split the record",
				        r.name, lineno);
				goto out;
			}
			pos += take;
			if (!nl)
				break;
			pos++;
			rc = one_line(&r, buf_cstr(&line), line.len, lineno);
			if (rc)
				goto out;
			buf_clear(&line);
			lineno++;
		}
	}
	if (line.len > 0)
		rc = one_line(&r, buf_cstr(&line), line.len, lineno);
out:
	json_arena_done(&r.arena);
	free(chunk);
	buf_done(&line);
	return rc;
}
