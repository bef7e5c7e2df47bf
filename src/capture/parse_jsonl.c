/* The Kanalvakt JSON Lines import format (docs/formats/jsonl.md): one item or
 * event per line, read in constant memory. Each line goes through yajl's
 * event parser straight into the fields the format knows, with no tree built
 * in between: this is the path for the largest imports, and a tree of every
 * line costs six times the parse. Not an export format and not a general
 * JSON Lines reader. */
#include "capture/parse_jsonl.h"

#include "base/buf.h"
#include "base/time.h"
#include "base/utf8.h"
#include "capture/parse_text.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

static const char *const platforms[] = {"facebook", "instagram", "youtube", "x",    "mastodon",
                                        "blog",     "linkedin",  "tiktok",  "other"};

/* The fields the format knows, in the three objects that have them. */
enum field {
	F_NONE = -1,
	/* the line */
	F_ID,
	F_PLATFORM,
	F_PARENT,
	F_ROOT,
	F_ACCOUNT,
	F_KIND,
	F_STATE,
	F_TEXT,
	F_PERMALINK,
	F_CREATED,
	F_EDITED,
	F_EVENT,
	F_AT,
	F_AUTHOR,
	F_LINKS,
	F_MEDIA,
	/* "author" */
	F_AUTHOR_ID,
	F_AUTHOR_NAME,
	F_AUTHOR_IS_ACCOUNT,
	/* an element of "media" */
	F_MEDIA_URL,
	F_MEDIA_TYPE,
	F_MEDIA_ID,
	N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
        "id",        "platform",   "parent_id",  "root_id", "account", "kind",   "state", "text",
        "permalink", "created_at", "edited_at",  "event",   "at",      "author", "links", "media",
        "id",        "name",       "is_account", "url",     "type",    "id"};

/* What a field held: absent (or null), a value of the right type, or
 * another type (named, for the message). */
enum slot_state { SLOT_ABSENT, SLOT_OK, SLOT_BAD };

struct slot {
	enum slot_state st;
	const char *got; /* the JSON type found, when SLOT_BAD */
	size_t off;      /* string: where its bytes start in run.strs */
	size_t len;
	int boolean; /* is_account */
};

struct media_slots {
	struct slot f[3]; /* url, type, id */
};

/* What one level of nesting is. */
enum frame_kind { FR_LINE, FR_AUTHOR, FR_LINKS, FR_MEDIA, FR_MEDIA_OBJ };

struct frame {
	enum frame_kind kind;
	enum field key;    /* the key whose value comes next (objects) */
	unsigned int seen; /* keys met so far, one bit per field (objects) */
};

struct run {
	const char *name;
	const struct item_sink *sink;
	struct err *err;
	char where[48];

	/* One line's parse. */
	struct frame stack[4];
	int depth;      /* frames in use */
	long skip;      /* nesting inside a value that is being passed over */
	int started;    /* the line's value has begun */
	int not_object; /* the line is a JSON value other than an object */
	const char *line_type;
	char dup[64]; /* a known key met twice, when not "" */
	struct slot f[F_MEDIA_ID + 1];
	struct buf strs; /* the line's strings, each NUL-terminated */
	struct media_slots *media;
	size_t n_media, cap_media;
	struct slot *links;
	size_t n_links, cap_links;
	long bad_elem;            /* first element of links/media of the wrong type, or -1 */
	enum field bad_elem_in;   /* F_LINKS or F_MEDIA */
	const char *bad_elem_got; /* its type */
	int nomem;
};

static int known_platform(const char *p)
{
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (strcmp(p, platforms[i]) == 0)
			return 1;
	return 0;
}

/* ---- the event parser's callbacks ---------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_OBJECT, J_ARRAY };

static const char *jtype_name(enum jtype t)
{
	static const char *const n[] = {"null", "boolean", "number", "string", "object", "array"};

	return n[t];
}

static enum field lookup(enum frame_kind k, const unsigned char *key, size_t len)
{
	int from, to;

	switch (k) {
	case FR_LINE:
		from = F_ID, to = F_MEDIA;
		break;
	case FR_AUTHOR:
		from = F_AUTHOR_ID, to = F_AUTHOR_IS_ACCOUNT;
		break;
	case FR_MEDIA_OBJ:
		from = F_MEDIA_URL, to = F_MEDIA_ID;
		break;
	default:
		return F_NONE;
	}
	for (int f = from; f <= to; f++)
		if (strlen(field_names[f]) == len && memcmp(field_names[f], key, len) == 0)
			return (enum field)f;
	return F_NONE;
}

static struct slot *slot_of(struct run *r, enum field f)
{
	if (f >= F_MEDIA_URL)
		return &r->media[r->n_media - 1].f[f - F_MEDIA_URL];
	return &r->f[f];
}

/* Keeps a string value; 0 when memory ran out. */
static int keep_string(struct run *r, const unsigned char *s, size_t len, size_t *out)
{
	*out = r->strs.len;
	if (buf_put(&r->strs, s, len) || buf_putc(&r->strs, '\0')) {
		r->nomem = 1;
		return 0;
	}
	return 1;
}

static void set_bad(struct slot *sl, enum jtype t)
{
	sl->st = SLOT_BAD;
	sl->got = jtype_name(t);
}

static int push(struct run *r, enum frame_kind k)
{
	r->stack[r->depth].kind = k;
	r->stack[r->depth].key = F_NONE;
	r->stack[r->depth].seen = 0;
	r->depth++;
	return 1;
}

/* A value in an array we collect (links, media) of the wrong type. */
static void bad_element(struct run *r, enum field in, size_t index, enum jtype t)
{
	if (r->bad_elem < 0) {
		r->bad_elem = (long)index;
		r->bad_elem_in = in;
		r->bad_elem_got = jtype_name(t);
	}
}

/* Every value comes through here: s/len for strings, b for booleans. An
 * object or array that is not wanted is passed over (skip). */
static int value(struct run *r, enum jtype t, const unsigned char *s, size_t len, int b)
{
	struct frame *fr;
	int opens = t == J_OBJECT || t == J_ARRAY;

	if (r->skip) {
		r->skip += opens;
		return 1;
	}
	if (r->depth == 0) {
		if (r->started) /* cannot happen: yajl allows one value per text */
			return 1;
		r->started = 1;
		if (t == J_OBJECT)
			return push(r, FR_LINE);
		r->not_object = 1;
		r->line_type = jtype_name(t);
		r->skip = opens;
		return 1;
	}
	fr = &r->stack[r->depth - 1];
	switch (fr->kind) {
	case FR_LINKS:
		if (t == J_STRING) {
			struct slot *sl;

			if (r->n_links == r->cap_links) {
				size_t cap = r->cap_links ? r->cap_links * 2 : 8;
				struct slot *v = realloc(r->links, cap * sizeof(*v));

				if (!v) {
					r->nomem = 1;
					return 0;
				}
				r->links = v;
				r->cap_links = cap;
			}
			sl = &r->links[r->n_links++];
			memset(sl, 0, sizeof(*sl));
			sl->st = SLOT_OK;
			sl->len = len;
			return keep_string(r, s, len, &sl->off);
		} else {
			bad_element(r, F_LINKS, r->n_links, t);
			r->skip = opens;
		}
		return 1;
	case FR_MEDIA:
		if (r->n_media == r->cap_media) {
			size_t cap = r->cap_media ? r->cap_media * 2 : 4;
			struct media_slots *v = realloc(r->media, cap * sizeof(*v));

			if (!v) {
				r->nomem = 1;
				return 0;
			}
			r->media = v;
			r->cap_media = cap;
		}
		memset(&r->media[r->n_media++], 0, sizeof(*r->media));
		if (t == J_OBJECT)
			return push(r, FR_MEDIA_OBJ);
		bad_element(r, F_MEDIA, r->n_media - 1, t);
		r->skip = opens;
		return 1;
	default:
		break;
	}
	/* A value in an object: the key says what it should be. */
	{
		enum field key = fr->key;
		struct slot *sl;

		fr->key = F_NONE;
		if (key == F_NONE) {
			r->skip = opens; /* a field the format does not know */
			return 1;
		}
		sl = slot_of(r, key);
		if (t == J_NULL) {
			sl->st = SLOT_ABSENT;
			return 1;
		}
		switch (key) {
		case F_AUTHOR:
			if (t == J_OBJECT) {
				sl->st = SLOT_OK;
				return push(r, FR_AUTHOR);
			}
			break;
		case F_LINKS:
			if (t == J_ARRAY) {
				sl->st = SLOT_OK;
				return push(r, FR_LINKS);
			}
			break;
		case F_MEDIA:
			if (t == J_ARRAY) {
				sl->st = SLOT_OK;
				return push(r, FR_MEDIA);
			}
			break;
		case F_AUTHOR_IS_ACCOUNT:
			if (t == J_BOOL) {
				sl->st = SLOT_OK;
				sl->boolean = b;
				return 1;
			}
			break;
		default:
			if (t == J_STRING) {
				sl->st = SLOT_OK;
				sl->len = len;
				return keep_string(r, s, len, &sl->off);
			}
			break;
		}
		set_bad(sl, t);
		r->skip = opens;
		return 1;
	}
}

static int cb_null(void *ctx)
{
	return value(ctx, J_NULL, NULL, 0, 0);
}

static int cb_bool(void *ctx, int b)
{
	return value(ctx, J_BOOL, NULL, 0, b);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	return value(ctx, J_NUMBER, NULL, 0, 0);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return value(ctx, J_STRING, s, len, 0);
}

static int cb_start_map(void *ctx)
{
	return value(ctx, J_OBJECT, NULL, 0, 0);
}

static int cb_start_array(void *ctx)
{
	return value(ctx, J_ARRAY, NULL, 0, 0);
}

static int cb_end(void *ctx)
{
	struct run *r = ctx;

	if (r->skip)
		r->skip--;
	else if (r->depth > 0)
		r->depth--;
	return 1;
}

static int cb_key(void *ctx, const unsigned char *key, size_t len)
{
	struct run *r = ctx;
	struct frame *fr;
	enum field f;

	if (r->skip || r->depth == 0)
		return 1;
	fr = &r->stack[r->depth - 1];
	f = lookup(fr->kind, key, len);
	fr->key = f;
	if (f == F_NONE)
		return 1;
	if (fr->seen & (1u << (f - (fr->kind == FR_LINE     ? F_ID
	                            : fr->kind == FR_AUTHOR ? F_AUTHOR_ID
	                                                    : F_MEDIA_URL)))) {
		if (!r->dup[0])
			snprintf(r->dup, sizeof(r->dup), "%s", field_names[f]);
		fr->key = F_NONE; /* the first one stands until the line is refused */
		return 1;
	}
	fr->seen |= 1u << (f - (fr->kind == FR_LINE     ? F_ID
	                        : fr->kind == FR_AUTHOR ? F_AUTHOR_ID
	                                                : F_MEDIA_URL));
	return 1;
}

static const yajl_callbacks callbacks = {
        cb_null,      cb_bool, NULL,   NULL,           cb_number, cb_string,
        cb_start_map, cb_key,  cb_end, cb_start_array, cb_end,
};

/* ---- what a line holds, checked ------------------------------------------ */

static const char *str_at(const struct run *r, const struct slot *sl)
{
	return r->strs.ptr + sl->off;
}

/* The string field f of slot sl (named key in messages): NULL when absent,
 * an error when required and absent, of another type, over the text limit,
 * not UTF-8 or holding U+0000. */
static int get_str(struct run *r, const struct slot *sl, const char *key, int required,
                   const char **out)
{
	*out = NULL;
	if (sl->st == SLOT_ABSENT) {
		if (required)
			return err_set(r->err, KV_EINVAL, "%s: %s: missing '%s'", r->name, r->where,
			               key);
		return KV_OK;
	}
	if (sl->st == SLOT_BAD)
		return err_set(r->err, KV_EINVAL, "%s: %s: expected string for '%s', got %s",
		               r->name, r->where, key, sl->got);
	if (sl->len > PARSE_TEXT_MAX)
		return err_set(r->err, KV_EINVAL, "%s: %s: '%s' is %zu bytes, over the 1 MiB limit",
		               r->name, r->where, key, sl->len);
	*out = str_at(r, sl);
	{
		/* yajl has checked the bytes' shape; U+0000, overlong forms and
		 * surrogates are refused here. Plain ASCII needs no look. */
		const unsigned char *p = (const unsigned char *)*out;
		size_t i = 0;

		while (i < sl->len && p[i] && p[i] < 0x80)
			i++;
		if (i < sl->len) {
			ssize_t bad = utf8_check(*out, sl->len);

			if (bad >= 0) {
				*out = NULL;
				return err_set(
				        r->err, KV_EINVAL, "%s: %s: '%s' holds %s at byte %zd",
				        r->name, r->where, key,
				        p[bad] ? "invalid UTF-8" : "U+0000 (not allowed)", bad);
			}
		}
	}
	return KV_OK;
}

static int get_id(struct run *r, enum field f, int required, const char **out)
{
	int rc = get_str(r, &r->f[f], field_names[f], required, out);

	if (!rc && *out && !**out)
		rc = err_set(r->err, KV_EINVAL, "%s: %s: '%s' is empty", r->name, r->where,
		             field_names[f]);
	return rc;
}

static int get_time(struct run *r, enum field f, int required, int64_t *out)
{
	const char *s;
	int rc = get_str(r, &r->f[f], field_names[f], required, &s);

	*out = 0;
	if (rc || !s)
		return rc;
	if (time_parse_iso(s, out))
		return err_set(r->err, KV_EINVAL,
		               "%s: %s: '%s' is not an ISO 8601 time (like 2026-03-01T10:15:30Z): "
		               "\"%.40s\"",
		               r->name, r->where, field_names[f], s);
	return KV_OK;
}

static int get_platform(struct run *r, const char **out)
{
	int rc = get_str(r, &r->f[F_PLATFORM], "platform", 1, out);

	if (!rc && !known_platform(*out))
		rc = err_set(r->err, KV_EINVAL,
		             "%s: %s: unknown platform \"%.40s\" (one of: facebook, instagram, "
		             "youtube, x, mastodon, blog, linkedin, tiktok, other)",
		             r->name, r->where, *out);
	return rc;
}

/* An object or array field of another type. */
static int check_container(struct run *r, enum field f, const char *want)
{
	if (r->f[f].st == SLOT_BAD)
		return err_set(r->err, KV_EINVAL, "%s: %s: expected %s for '%s', got %s", r->name,
		               r->where, want, field_names[f], r->f[f].got);
	return KV_OK;
}

static int event_line(struct run *r)
{
	struct item_event ev;
	const char *what;
	int rc;

	memset(&ev, 0, sizeof(ev));
	rc = get_str(r, &r->f[F_EVENT], "event", 1, &what);
	if (!rc)
		rc = get_id(r, F_ID, 1, &ev.platform_id);
	if (!rc)
		rc = get_platform(r, &ev.platform);
	if (!rc)
		rc = get_str(r, &r->f[F_ACCOUNT], "account", 0, &ev.account_ref);
	if (!rc)
		rc = get_time(r, F_AT, 0, &ev.at);
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

static int item_line(struct run *r)
{
	struct item it;
	const char **lv = NULL;
	struct item_media *mv = NULL;
	const char *kind, *state;
	int rc;

	memset(&it, 0, sizeof(it));
	rc = get_id(r, F_ID, 1, &it.platform_id);
	if (!rc)
		rc = get_platform(r, &it.platform);
	if (!rc)
		rc = get_id(r, F_PARENT, 0, &it.parent_id);
	if (!rc)
		rc = get_id(r, F_ROOT, 0, &it.root_id);
	if (!rc)
		rc = get_str(r, &r->f[F_ACCOUNT], "account", 0, &it.account_ref);
	if (!rc)
		rc = get_str(r, &r->f[F_KIND], "kind", 0, &kind);
	if (!rc)
		rc = get_str(r, &r->f[F_STATE], "state", 0, &state);
	if (!rc)
		rc = get_str(r, &r->f[F_TEXT], "text", 1, &it.text);
	if (!rc)
		rc = get_str(r, &r->f[F_PERMALINK], "permalink", 0, &it.permalink);
	if (!rc)
		rc = get_time(r, F_CREATED, 1, &it.created_at);
	if (!rc)
		rc = get_time(r, F_EDITED, 0, &it.version_at);
	if (!rc)
		rc = check_container(r, F_AUTHOR, "object");
	if (!rc)
		rc = get_str(r, &r->f[F_AUTHOR_ID], "id", 0, &it.author_id);
	if (!rc)
		rc = get_str(r, &r->f[F_AUTHOR_NAME], "name", 0, &it.author_name);
	if (!rc)
		rc = check_container(r, F_LINKS, "array");
	if (!rc)
		rc = check_container(r, F_MEDIA, "array");
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
	it.author_is_account = -1;
	if (r->f[F_AUTHOR_IS_ACCOUNT].st == SLOT_OK)
		it.author_is_account = r->f[F_AUTHOR_IS_ACCOUNT].boolean;
	else if (r->f[F_AUTHOR_IS_ACCOUNT].st == SLOT_BAD) {
		rc = err_set(r->err, KV_EINVAL, "%s: %s: expected boolean for 'is_account', got %s",
		             r->name, r->where, r->f[F_AUTHOR_IS_ACCOUNT].got);
		goto out;
	}
	if (r->bad_elem >= 0) {
		rc = err_set(r->err, KV_EINVAL, "%s: %s: expected %s in '%s'[%ld], got %s", r->name,
		             r->where, r->bad_elem_in == F_LINKS ? "string" : "object",
		             field_names[r->bad_elem_in], r->bad_elem, r->bad_elem_got);
		goto out;
	}
	if (r->n_links > 0) {
		lv = calloc(r->n_links, sizeof(*lv));
		if (!lv) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
			goto out;
		}
		for (size_t i = 0; i < r->n_links; i++) {
			rc = get_str(r, &r->links[i], "links", 0, &lv[i]);
			if (rc)
				goto out;
		}
		it.n_links = r->n_links;
	}
	if (r->n_media > 0) {
		mv = calloc(r->n_media, sizeof(*mv));
		if (!mv) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
			goto out;
		}
		for (size_t i = 0; i < r->n_media && !rc; i++) {
			struct media_slots *ms = &r->media[i];

			rc = get_str(r, &ms->f[0], "url", 0, &mv[i].url);
			if (!rc)
				rc = get_str(r, &ms->f[1], "type", 0, &mv[i].type);
			if (!rc)
				rc = get_str(r, &ms->f[2], "id", 0, &mv[i].platform_id);
		}
		if (rc)
			goto out;
		it.n_media = r->n_media;
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

static void line_reset(struct run *r)
{
	r->depth = 0;
	r->skip = 0;
	r->started = 0;
	r->not_object = 0;
	r->line_type = NULL;
	r->dup[0] = '\0';
	memset(r->f, 0, sizeof(r->f));
	buf_clear(&r->strs);
	r->n_media = 0;
	r->n_links = 0;
	r->bad_elem = -1;
	r->nomem = 0;
}

static int one_line(struct run *r, const char *line, size_t len, long long lineno)
{
	yajl_handle h;
	yajl_status st;
	size_t i = 0;
	int at_end = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == len)
		return KV_OK;
	snprintf(r->where, sizeof(r->where), "line %lld", lineno);
	line_reset(r);
	h = yajl_alloc(&callbacks, NULL, r);
	if (!h)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	st = yajl_parse(h, (const unsigned char *)line, len);
	if (st == yajl_status_ok) {
		at_end = 1;
		st = yajl_complete_parse(h);
	}
	if (st != yajl_status_ok) {
		int rc;

		if (r->nomem) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
		} else {
			unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
			/* The column in characters, not bytes: yajl has taken the
			 * offending character, so it is the last one counted; an
			 * error found only when the line ended is just after the
			 * line's last character. */
			size_t upto = at_end ? len : yajl_get_bytes_consumed(h);
			size_t col = at_end ? 1 : 0;

			while (at_end && upto > 0 && strchr(" \t\r", line[upto - 1]))
				upto--;
			for (size_t b = 0; b < upto && b < len; b++)
				col += ((unsigned char)line[b] & 0xC0) != 0x80;
			const char *m =
			        at_end ? "the line ends inside its JSON (an object or a string "
			                 "left open)"
			        : msg  ? (const char *)msg
			               : "malformed JSON";
			size_t mlen = strlen(m);

			while (mlen && (m[mlen - 1] == '\n' || m[mlen - 1] == ' '))
				mlen--;
			rc = err_set(r->err, KV_EINVAL, "%s: line %lld, column %zu: %.*s%s",
			             r->name, lineno, col, (int)mlen, m,
			             strstr(m, "UTF8") ? " (invalid UTF-8)" : "");
			yajl_free_error(h, msg);
		}
		yajl_free(h);
		return rc;
	}
	yajl_free(h);
	if (r->not_object)
		return err_set(r->err, KV_EINVAL, "%s: line %lld: expected an object, got %s",
		               r->name, lineno, r->line_type);
	if (r->dup[0])
		return err_set(r->err, KV_EINVAL, "%s: line %lld: '%s' is given twice", r->name,
		               lineno, r->dup);
	return r->f[F_EVENT].st != SLOT_ABSENT ? event_line(r) : item_line(r);
}

#define CHUNK ((size_t)256 << 10)

int parse_jsonl_stream(FILE *f, const char *name, const struct item_sink *sink, struct err *err)
{
	struct run r;
	struct buf line;
	char *chunk = malloc(CHUNK);
	long long lineno = 1;
	int rc = KV_OK;

	memset(&r, 0, sizeof(r));
	r.name = name ? name : "input";
	r.sink = sink;
	r.err = err;
	buf_init(&line, PARSE_JSONL_LINE_MAX);
	/* A line's strings are never longer than the line. */
	buf_init(&r.strs, PARSE_JSONL_LINE_MAX + 64);
	if (!chunk) {
		rc = err_set(err, KV_ENOMEM, "%s: out of memory", r.name);
		goto out;
	}
	for (;;) {
		size_t n = fread(chunk, 1, CHUNK, f), pos = 0;

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

			if (nl && line.len == 0) {
				/* The whole line is in the chunk: parse it where it is. */
				rc = one_line(&r, chunk + pos, take, lineno);
				if (rc)
					goto out;
				pos += take + 1;
				lineno++;
				continue;
			}
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
	free(chunk);
	free(r.media);
	free(r.links);
	buf_done(&r.strs);
	buf_done(&line);
	return rc;
}
