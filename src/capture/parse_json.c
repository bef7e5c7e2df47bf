/* Typed access to JSON documents for the parsers in capture/ (jansson):
 * loading a document within the size limit, reading a field as a string,
 * id, time, array or object with errors that name the source and the place.
 * Not a parser itself and not the format dispatcher (capture/parse). */
#include "capture/parse_json.h"

#include "base/time.h"

#include <string.h>

int parse_json_load(json_t **out, const char *data, size_t len, const char *name, struct err *err)
{
	json_error_t je;
	json_t *root;

	if (len > PARSE_DOC_MAX)
		return err_set(err, KV_EINVAL,
		               "%s: document is %zu bytes; documents over 256 MiB must be imported "
		               "as JSON Lines",
		               name, len);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return err_set(err, KV_EINVAL, "%s: line %d, column %d (byte %d): %s%s", name,
		               je.line, je.column, je.position, je.text,
		               strstr(je.text, "unable to decode byte") ? " (invalid UTF-8)" : "");
	*out = root;
	return KV_OK;
}

const char *parse_json_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

int parse_json_str(const json_t *obj, const char *key, int required, const char **out,
                   const char *name, const char *where, struct err *err)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(err, KV_EINVAL, "%s: %s: missing '%s'", name, where, key);
		return KV_OK;
	}
	if (!json_is_string(v))
		return err_set(err, KV_EINVAL, "%s: %s: expected string for '%s', got %s", name,
		               where, key, parse_json_type(v));
	if (json_string_length(v) > PARSE_TEXT_MAX)
		return err_set(err, KV_EINVAL, "%s: %s: '%s' is %zu bytes, over the 1 MiB limit",
		               name, where, key, json_string_length(v));
	*out = json_string_value(v);
	return KV_OK;
}

int parse_json_time(const json_t *obj, const char *key, int required, int64_t *out,
                    const char *name, const char *where, struct err *err)
{
	const char *s;
	int rc = parse_json_str(obj, key, required, &s, name, where, err);

	*out = 0;
	if (rc || !s)
		return rc;
	if (time_parse_iso(s, out))
		return err_set(err, KV_EINVAL,
		               "%s: %s: '%s' is not an ISO 8601 time (like 2026-03-01T10:15:30Z): "
		               "\"%.40s\"",
		               name, where, key, s);
	return KV_OK;
}

int parse_json_id(const json_t *obj, const char *key, int required, const char **out,
                  const char *name, const char *where, struct err *err)
{
	int rc = parse_json_str(obj, key, required, out, name, where, err);

	if (!rc && *out && !**out)
		rc = err_set(err, KV_EINVAL, "%s: %s: '%s' is empty", name, where, key);
	return rc;
}

int parse_json_array(const json_t *obj, const char *key, json_t **out, const char *name,
                     const char *where, struct err *err)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_array(v))
		return err_set(err, KV_EINVAL, "%s: %s: expected array for '%s', got %s", name,
		               where, key, parse_json_type(v));
	*out = v;
	return KV_OK;
}

int parse_json_object(const json_t *obj, const char *key, json_t **out, const char *name,
                      const char *where, struct err *err)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return KV_OK;
	if (!json_is_object(v))
		return err_set(err, KV_EINVAL, "%s: %s: expected object for '%s', got %s", name,
		               where, key, parse_json_type(v));
	*out = v;
	return KV_OK;
}

char *parse_json_raw(const json_t *obj)
{
	return obj ? json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}
