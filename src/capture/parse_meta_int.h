/* Private to the Meta parsers (parse_graph.c, parse_meta_webhook.c,
 * parse_meta_dyi.c, parse_meta.c): the state of one parse run with the path
 * of the element being read (for messages), typed field access, and the
 * lists of links and media an item carries. Not for other modules. */
#ifndef KV_CAPTURE_PARSE_META_INT_H
#define KV_CAPTURE_PARSE_META_INT_H

#include "base/err.h"
#include "model/item.h"

#include <jansson.h>
#include <stdint.h>

#define META_PATH_MAX 256
/* Ids printed from JSON integers fit in this. */
#define META_NUM_MAX 24
/* Comments nested deeper than this are refused (Graph nests two levels). */
#define META_DEPTH_MAX 16

struct meta_run {
	const char *name; /* source name for messages */
	const struct item_sink *sink;
	struct err *err;
	char path[META_PATH_MAX]; /* "data[3].comments.data[1]" */
	size_t pathlen;
};

void parse_meta_run_init(struct meta_run *r, const char *name, const struct item_sink *sink,
                         struct err *err);

/* Appends a printf-formatted step to the path; returns the mark to give
 * parse_meta_path_pop to go back. */
size_t parse_meta_path_push(struct meta_run *r, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void parse_meta_path_pop(struct meta_run *r, size_t mark);

/* Sets err to "<name>: <path>: <message>" and returns code. */
int parse_meta_fail(struct meta_run *r, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Loads a whole JSON document (object or array) of at most PARSE_DOC_MAX
 * bytes; *out is a new reference. KV_EINVAL naming line, column, byte. */
int parse_meta_load(struct meta_run *r, const char *data, size_t len, json_t **out);

/* obj[key] as a string (borrowed), NULL when absent or null; KV_EINVAL for
 * another type or more than PARSE_TEXT_MAX bytes. */
int parse_meta_str(struct meta_run *r, const json_t *obj, const char *key, const char **out);

/* obj[key] as an id: a string (borrowed) or a non-negative integer printed
 * into num. NULL when absent or null; KV_EINVAL for other types. */
int parse_meta_id(struct meta_run *r, const json_t *obj, const char *key, char num[META_NUM_MAX],
                  const char **out);

/* obj[key] as an ISO 8601 instant (Graph's "2026-03-01T10:15:30+0000") into
 * Unix seconds; 0 when absent or null; KV_EINVAL when malformed. */
int parse_meta_iso_time(struct meta_run *r, const json_t *obj, const char *key, int64_t *out);

/* obj[key] as an integer (Unix seconds or milliseconds); 0 when absent or
 * null; KV_EINVAL for another type. */
int parse_meta_int(struct meta_run *r, const json_t *obj, const char *key, int64_t *out);

/* obj[key] as an array / object (borrowed); NULL when absent or null;
 * KV_EINVAL for another type. */
int parse_meta_array(struct meta_run *r, const json_t *obj, const char *key, json_t **out);
int parse_meta_object(struct meta_run *r, const json_t *obj, const char *key, json_t **out);

/* 1 when obj[key] is true. */
int parse_meta_true(const json_t *obj, const char *key);

/* The links and media of one item, borrowed strings in growing arrays. */
struct meta_attach {
	const char **links;
	size_t n_links, cap_links;
	struct item_media *media;
	size_t n_media, cap_media;
};

void parse_meta_attach_done(struct meta_attach *a);
/* Adds a link (ignored when NULL, empty or already there). KV_ENOMEM. */
int parse_meta_attach_link(struct meta_attach *a, const char *url);
/* Adds a media entry (ignored when url and id are both NULL). KV_ENOMEM. */
int parse_meta_attach_media(struct meta_attach *a, const char *id, const char *type,
                            const char *url);

/* The compact JSON of obj without the keys in drop (NULL-terminated list):
 * the item's own evidence without its nested children (a dropped key's
 * "summary", the platform's count of them, is kept). Heap string or NULL
 * when memory runs out (the item then goes without it). */
char *parse_meta_raw_json(const json_t *obj, const char *const *drop);

/* Hands an item / event / skip notice to the sink; returns what it returned
 * (a skip notice is dropped when the sink has no skip callback). */
int parse_meta_emit(struct meta_run *r, const struct item *it);
int parse_meta_emit_event(struct meta_run *r, const struct item_event *ev);
int parse_meta_skip(struct meta_run *r, const char *what, const char *reason);

/* KV_EIO with "<name>: Graph API error <code>/<subcode> (<type>): <message>"
 * when root is a Graph error envelope, else 0. */
int parse_meta_graph_error_check(struct meta_run *r, const json_t *root);

#endif
