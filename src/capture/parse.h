/* Import formats: naming them, telling them apart from a file's first bytes,
 * and running the right parser over a file (streamed or read whole). Also the
 * small helpers every JSON/HTML parser shares: typed field access with
 * errors that name the source, the text limit, HTML to plain text.
 * Not a parser itself and not storage: items go to the caller's sink. */
#ifndef KV_CAPTURE_PARSE_H
#define KV_CAPTURE_PARSE_H

#include "base/buf.h"
#include "base/err.h"
#include "model/item.h"

#include <jansson.h>
#include <stdio.h>

enum parse_format {
	PARSE_AUTO = 0,
	PARSE_GRAPH,
	PARSE_META_WEBHOOK,
	PARSE_META_DYI,
	PARSE_YOUTUBE,
	PARSE_X_ARCHIVE,
	PARSE_X_API,
	PARSE_MASTODON,
	PARSE_FEED,
	PARSE_JSONL,
};

/* Largest single text field (message, content, title ...) a parser accepts. */
#define PARSE_TEXT_MAX ((size_t)1 << 20)
/* Largest document read whole into memory; larger input must be JSON Lines. */
#define PARSE_DOC_MAX ((size_t)256 << 20)
/* How many bytes parse_detect() wants to see. */
#define PARSE_HEAD_LEN ((size_t)64 << 10)

/* The format's command-line name ("graph", "x-archive" ...; "auto"). Static. */
const char *parse_format_name(enum parse_format fmt);

/* Looks a command-line name up. KV_EINVAL (err not set; the caller knows the
 * context) when s is not one of the names. */
int parse_format_from_name(const char *s, enum parse_format *out);

/* Tells the format of a file from its first bytes (head, len; up to
 * PARSE_HEAD_LEN, may end mid-document) and its name (may be NULL).
 * KV_EINVAL with "cannot tell the format of <name>; give --format (one of:
 * ...)" when no rule matches. */
int parse_detect(const char *head, size_t len, const char *filename, enum parse_format *out,
                 struct err *err);

/* Parses the whole of f (not closed) as fmt, detecting it first when fmt is
 * PARSE_AUTO, and hands what it finds to sink. X archives and JSON Lines are
 * streamed in constant memory; every other format is read whole, refusing
 * documents over PARSE_DOC_MAX before reading them when f is a regular file.
 * name names the source in messages. account_ref (may be NULL) is the account
 * whose space the file belongs to, where the format needs to be told.
 * Returns 0, KV_EINVAL for bad input (err names file and position), KV_EIO for
 * a read failure, or whatever the sink returned. */
int parse_file(FILE *f, const char *name, enum parse_format fmt, const char *account_ref,
               const struct item_sink *sink, struct err *err);

/* ---- helpers shared by the parsers in capture/ ---- */

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

/* As parse_json_str, for an id: also KV_EINVAL when the string is empty. */
/* An ISO 8601 instant in obj[key] as Unix seconds (0 when absent and not
 * required). KV_EINVAL naming name, where and key when it is not one. */
int parse_json_time(const json_t *obj, const char *key, int required, int64_t *out,
                    const char *name, const char *where, struct err *err);

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

/* Checks a text of len bytes against PARSE_TEXT_MAX and UTF-8 validity.
 * KV_EINVAL naming name, where and field (and the byte offset for bad UTF-8). */
int parse_text_check(const char *s, size_t len, const char *name, const char *where,
                     const char *field, struct err *err);

/* A list of owned strings (links found in a text, for instance). */
struct parse_strs {
	char **v;
	size_t n;
	size_t cap;
};

void parse_strs_init(struct parse_strs *s);
void parse_strs_done(struct parse_strs *s);
/* Appends a copy of str unless it is already there. KV_ENOMEM. */
int parse_strs_add(struct parse_strs *s, const char *str);

/* Turns an HTML fragment into plain text with libxml2's HTML parser: text
 * kept, tags dropped, entities decoded, runs of white space folded, a line
 * break for <br>, a blank line between paragraphs (</p>, </div>, headings,
 * list items), script and style dropped. When links is not NULL the href of
 * each <a> that is not a mention or hashtag (class "mention"/"hashtag"/"u-url")
 * is added to it. *out is a heap string (free it). KV_EINVAL when the text
 * would pass PARSE_TEXT_MAX (naming name, where, field), KV_ENOMEM. */
int parse_html_text(char **out, const char *html, size_t len, struct parse_strs *links,
                    const char *name, const char *where, const char *field, struct err *err);

/* Serialises obj compactly (for item.raw_json). Heap string or NULL when
 * obj is NULL or memory runs out (the evidence copy is then absent, which the
 * caller tolerates). */
char *parse_json_raw(const json_t *obj);

#endif
