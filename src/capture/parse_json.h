/* Typed access to JSON documents (jansson) for the parsers in capture/:
 * each read names the source, the place and the key when the value is not
 * what the format says. Not a parser and not the format dispatcher. */
#ifndef KV_CAPTURE_PARSE_JSON_H
#define KV_CAPTURE_PARSE_JSON_H

#include "base/err.h"
#include "capture/parse_text.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a JSON document (objects or arrays only) of at most PARSE_DOC_MAX
 * bytes. *out is a new reference (json_decref it). KV_EINVAL naming name,
 * line, column and byte offset, or the size limit. */
int parse_json_load(json_t **out, const char *data, size_t len, const char *name, struct err *err);

/* "string", "number", "object" ... for messages. Static. */
const char *parse_json_type(const json_t *v);

/* Reads obj[key] as a string into *out (borrowed from obj). Missing or null:
 * *out = NULL, and KV_EINVAL when required. Another type, or more than
 * PARSE_TEXT_MAX bytes: KV_EINVAL. Messages read "<name>: <where>: expected
 * string for '<key>', got number". obj that is not an object counts as
 * missing. */
int parse_json_str(const json_t *obj, const char *key, int required, const char **out,
                   const char *name, const char *where, struct err *err);

/* An ISO 8601 instant in obj[key] as Unix seconds (0 when absent and not
 * required). KV_EINVAL naming name, where and key when it is not one. */
int parse_json_time(const json_t *obj, const char *key, int required, int64_t *out,
                    const char *name, const char *where, struct err *err);

/* As parse_json_str, for an id: also KV_EINVAL when the string is empty. */
int parse_json_id(const json_t *obj, const char *key, int required, const char **out,
                  const char *name, const char *where, struct err *err);

/* Reads obj[key] as an array (borrowed; NULL when missing or null).
 * KV_EINVAL for another type. */
int parse_json_array(const json_t *obj, const char *key, json_t **out, const char *name,
                     const char *where, struct err *err);

/* Reads obj[key] as an object (borrowed; NULL when missing or null).
 * KV_EINVAL for another type. */
int parse_json_object(const json_t *obj, const char *key, json_t **out, const char *name,
                      const char *where, struct err *err);

/* Serialises obj compactly (for item.raw_json). Heap string or NULL when
 * obj is NULL or memory runs out (the evidence copy is then absent, which the
 * caller tolerates). */
char *parse_json_raw(const json_t *obj);

#endif
