/* What the Meta parsers share: typed JSON field access whose errors name the
 * source and the element path, attachment lists, the evidence copy, the
 * Graph error envelope and paging, and the repair of Meta's mis-encoded
 * export text. The parsers themselves are parse_graph.c,
 * parse_meta_webhook.c and parse_meta_dyi.c. */
#include "capture/parse_meta.h"
#include "capture/parse_json.h"
#include "capture/parse_text.h"
#include "capture/parse_meta_int.h"

#include "base/time.h"
#include "base/utf8.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void parse_meta_run_init(struct meta_run *r, const char *name, const struct item_sink *sink,
                         struct err *err)
{
	memset(r, 0, sizeof(*r));
	r->name = name ? name : "(input)";
	r->sink = sink;
	r->err = err;
}

size_t parse_meta_path_push(struct meta_run *r, const char *fmt, ...)
{
	size_t mark = r->pathlen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->path + r->pathlen, sizeof(r->path) - r->pathlen, fmt, ap);
	va_end(ap);
	/* A path too long for the buffer is cut; messages stay readable. */
	if (n > 0)
		r->pathlen += (size_t)n < sizeof(r->path) - r->pathlen
		                      ? (size_t)n
		                      : sizeof(r->path) - 1 - r->pathlen;
	return mark;
}

void parse_meta_path_pop(struct meta_run *r, size_t mark)
{
	if (mark < sizeof(r->path)) {
		r->pathlen = mark;
		r->path[mark] = '\0';
	}
}

int parse_meta_fail(struct meta_run *r, int code, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->pathlen)
		return err_set(r->err, code, "%s: %s: %s", r->name, r->path, msg);
	return err_set(r->err, code, "%s: %s", r->name, msg);
}

int parse_meta_load(struct meta_run *r, const char *data, size_t len, json_t **out)
{
	json_error_t je;
	json_t *root;

	if (len > PARSE_DOC_MAX)
		return parse_meta_fail(r, KV_EINVAL,
		                       "document is %zu bytes, over the %zu MiB limit for one JSON "
		                       "document; convert it to JSON Lines and import that instead",
		                       len, PARSE_DOC_MAX >> 20);
	if (!data)
		return parse_meta_fail(r, KV_EINVAL, "no data");
	root = json_loadb(data, len, 0, &je);
	if (!root)
		return parse_meta_fail(
		        r, KV_EINVAL, "invalid JSON at line %d, column %d (byte %d): %s%s", je.line,
		        je.column, je.position, je.text,
		        json_error_code(&je) == json_error_invalid_utf8 ? " (invalid UTF-8)" : "");
	*out = root;
	return KV_OK;
}

int parse_meta_str(struct meta_run *r, const json_t *obj, const char *key, const char **out)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_string(v))
		return parse_meta_fail(r, KV_EINVAL, "expected string for '%s', got %s", key,
		                       parse_json_type(v));
	if (json_string_length(v) > PARSE_TEXT_MAX)
		return parse_meta_fail(r, KV_EINVAL, "'%s' is %zu bytes, over the %zu KiB limit",
		                       key, json_string_length(v), PARSE_TEXT_MAX >> 10);
	/* jansson decodes \u0000 only when asked to; a NUL here would cut the
	 * text short without anyone noticing, so it is refused. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return parse_meta_fail(r, KV_EINVAL, "'%s' contains a NUL character", key);
	*out = json_string_value(v);
	return KV_OK;
}

int parse_meta_id(struct meta_run *r, const json_t *obj, const char *key, char num[META_NUM_MAX],
                  const char **out)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (v && json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return parse_meta_fail(r, KV_EINVAL, "negative id in '%s'", key);
		snprintf(num, META_NUM_MAX, "%" PRId64, (int64_t)json_integer_value(v));
		*out = num;
		return KV_OK;
	}
	if (v && json_is_string(v) && json_string_length(v) == 0)
		return parse_meta_fail(r, KV_EINVAL, "empty id in '%s'", key);
	if (v && !json_is_string(v) && !json_is_null(v))
		return parse_meta_fail(r, KV_EINVAL,
		                       "expected string or integer id for '%s', got %s", key,
		                       parse_json_type(v));
	return parse_meta_str(r, obj, key, out);
}

int parse_meta_iso_time(struct meta_run *r, const json_t *obj, const char *key, int64_t *out)
{
	const char *s;
	int rc = parse_meta_str(r, obj, key, &s);

	*out = 0;
	if (rc || !s)
		return rc;
	if (time_parse_iso(s, out))
		return parse_meta_fail(r, KV_EINVAL, "'%s' is not an ISO 8601 instant: \"%.40s\"",
		                       key, s);
	return KV_OK;
}

int parse_meta_int(struct meta_run *r, const json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = 0;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_integer(v))
		return parse_meta_fail(r, KV_EINVAL, "expected integer for '%s', got %s", key,
		                       parse_json_type(v));
	*out = (int64_t)json_integer_value(v);
	return KV_OK;
}

int parse_meta_array(struct meta_run *r, const json_t *obj, const char *key, json_t **out)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_array(v))
		return parse_meta_fail(r, KV_EINVAL, "expected array for '%s', got %s", key,
		                       parse_json_type(v));
	*out = v;
	return KV_OK;
}

int parse_meta_object(struct meta_run *r, const json_t *obj, const char *key, json_t **out)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_object(v))
		return parse_meta_fail(r, KV_EINVAL, "expected object for '%s', got %s", key,
		                       parse_json_type(v));
	*out = v;
	return KV_OK;
}

int parse_meta_true(const json_t *obj, const char *key)
{
	return json_is_object(obj) && json_is_true(json_object_get(obj, key));
}

void parse_meta_attach_done(struct meta_attach *a)
{
	if (!a)
		return;
	free(a->links);
	free(a->media);
	memset(a, 0, sizeof(*a));
}

int parse_meta_attach_link(struct meta_attach *a, const char *url)
{
	if (!url || !*url)
		return KV_OK;
	for (size_t i = 0; i < a->n_links; i++)
		if (strcmp(a->links[i], url) == 0)
			return KV_OK;
	if (a->n_links == a->cap_links) {
		size_t cap = a->cap_links ? a->cap_links * 2 : 4;
		const char **p = realloc(a->links, cap * sizeof(*p));

		if (!p)
			return KV_ENOMEM;
		a->links = p;
		a->cap_links = cap;
	}
	a->links[a->n_links++] = url;
	return KV_OK;
}

int parse_meta_attach_media(struct meta_attach *a, const char *id, const char *type,
                            const char *url)
{
	if (!id && !url)
		return KV_OK;
	if (a->n_media == a->cap_media) {
		size_t cap = a->cap_media ? a->cap_media * 2 : 4;
		struct item_media *p = realloc(a->media, cap * sizeof(*p));

		if (!p)
			return KV_ENOMEM;
		a->media = p;
		a->cap_media = cap;
	}
	a->media[a->n_media].platform_id = id;
	a->media[a->n_media].type = type;
	a->media[a->n_media].url = url;
	a->n_media++;
	return KV_OK;
}

char *parse_meta_raw_json(const json_t *obj, const char *const *drop)
{
	json_t *copy;
	char *s;

	if (!obj)
		return NULL;
	if (!json_is_object(obj) || !drop)
		return json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
	/* A shallow copy shares the values, so leaving out the children costs
	 * one small object instead of a deep copy. */
	copy = json_copy((json_t *)obj);
	if (!copy)
		return NULL;
	for (size_t i = 0; drop[i]; i++) {
		/* The children's count ({"summary":{"total_count":N}}) stays:
		 * it is the platform's figure for the item, not a child. */
		json_t *summary = json_object_get(json_object_get(copy, drop[i]), "summary");

		if (summary)
			json_object_set_new(copy, drop[i], json_pack("{s:O}", "summary", summary));
		else
			json_object_del(copy, drop[i]);
	}
	s = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return s;
}

int parse_meta_emit(struct meta_run *r, const struct item *it)
{
	return r->sink->item(r->sink->ctx, it, r->err);
}

int parse_meta_emit_event(struct meta_run *r, const struct item_event *ev)
{
	return r->sink->event(r->sink->ctx, ev, r->err);
}

int parse_meta_skip(struct meta_run *r, const char *what, const char *reason)
{
	if (!r->sink->skip)
		return KV_OK;
	return r->sink->skip(r->sink->ctx, what, reason, r->err);
}

/* ---- mojibake ---- */

size_t parse_meta_repair_mojibake(char *s, size_t len)
{
	size_t i = 0, n = 0;
	int high = 0;

	if (!s || utf8_check(s, len) >= 0)
		return len;
	/* First pass: every code point must fit in a byte. */
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			i++;
		} else if ((c == 0xC2 || c == 0xC3) && i + 1 < len) {
			high = 1;
			i += 2;
		} else {
			return len;
		}
	}
	if (!high)
		return len;
	/* Second pass on a copy of the bytes those code points stand for: they
	 * replace s only when they are themselves valid UTF-8. */
	{
		char *bytes = malloc(len + 1);

		if (!bytes)
			return len;
		for (i = 0; i < len;) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x80) {
				bytes[n++] = (char)c;
				i++;
			} else {
				bytes[n++] = (char)(((c & 0x1F) << 6) |
				                    ((unsigned char)s[i + 1] & 0x3F));
				i += 2;
			}
		}
		if (utf8_check(bytes, n) < 0) {
			memcpy(s, bytes, n);
			s[n] = '\0';
		} else {
			n = len;
		}
		free(bytes);
	}
	return n;
}

/* ---- Graph error envelope and paging ---- */

static int error_fields(const json_t *root, int *code, int *subcode, char *msg, size_t msgsz,
                        const char **type)
{
	json_t *e = json_is_object(root) ? json_object_get(root, "error") : NULL;
	json_t *m;

	/* The envelope is an object "error" holding at least a message or a
	 * code; an item that merely has a field called error is not one. */
	if (!json_is_object(e))
		return 0;
	m = json_object_get(e, "message");
	if (!json_is_string(m) && !json_is_integer(json_object_get(e, "code")))
		return 0;
	*code = (int)json_integer_value(json_object_get(e, "code"));
	*subcode = (int)json_integer_value(json_object_get(e, "error_subcode"));
	if (msg && msgsz)
		snprintf(msg, msgsz, "%s", json_is_string(m) ? json_string_value(m) : "");
	*type = json_string_value(json_object_get(e, "type"));
	return 1;
}

int parse_meta_graph_error(const char *data, size_t len, int *out_code, int *out_subcode, char *msg,
                           size_t msgsz)
{
	json_error_t je;
	json_t *root;
	const char *type;
	int code = 0, subcode = 0, is;

	if (!data || len > PARSE_DOC_MAX)
		return 0;
	root = json_loadb(data, len, 0, &je);
	if (!root)
		return 0;
	is = error_fields(root, &code, &subcode, msg, msgsz, &type);
	json_decref(root);
	if (is) {
		*out_code = code;
		*out_subcode = subcode;
	}
	return is;
}

int parse_meta_graph_error_check(struct meta_run *r, const json_t *root)
{
	char msg[512];
	const char *type = NULL;
	int code, subcode;

	if (!error_fields(root, &code, &subcode, msg, sizeof(msg), &type))
		return KV_OK;
	return err_set(r->err, KV_EIO, "%s: Graph API error %d/%d (%s): %s", r->name, code, subcode,
	               type ? type : "unknown", msg);
}

int parse_meta_graph_next(const char *data, size_t len, char **out_next_url, struct err *err)
{
	struct meta_run r;
	json_t *root = NULL, *paging;
	const char *next = NULL;
	char *copy = NULL;
	int rc;

	parse_meta_run_init(&r, "Graph response", NULL, err);
	if ((rc = parse_meta_load(&r, data, len, &root)))
		goto out;
	if ((rc = parse_meta_graph_error_check(&r, root)))
		goto out;
	if ((rc = parse_meta_object(&r, root, "paging", &paging)))
		goto out;
	if ((rc = parse_meta_str(&r, paging, "next", &next)))
		goto out;
	if (next && *next && !(copy = strdup(next))) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	*out_next_url = copy;
out:
	json_decref(root);
	return rc;
}
