/* Import formats: naming them, telling them apart from a file's first bytes,
 * and running the right parser over a file (streamed or read whole). The
 * helpers the parsers share are capture/parse_json (typed JSON fields) and
 * capture/parse_text (limits, UTF-8, HTML to plain text); the parsers never
 * include this dispatcher. Not a parser itself and not storage: items go to
 * the caller's sink. */
#ifndef KV_CAPTURE_PARSE_H
#define KV_CAPTURE_PARSE_H

#include "base/err.h"
#include "capture/parse_text.h"
#include "model/item.h"

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
	PARSE_LINKEDIN,
	PARSE_FEED,
	PARSE_JSONL,
};

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

/* As parse_file, with subject: the platform id of the item the document's
 * records answer where the document itself does not say it (LinkedIn
 * comments: the post they were read for); NULL when it does. Formats that
 * need no subject ignore it. */
int parse_file_about(FILE *f, const char *name, enum parse_format fmt, const char *account_ref,
                     const char *subject, const struct item_sink *sink, struct err *err);

#endif
