/* Text as the parsers in capture/ hand it on: the size limits, the length
 * and UTF-8 check, lists of strings, HTML fragments as plain text (libxml2).
 * Not a parser and not the format dispatcher. */
#ifndef KV_CAPTURE_PARSE_TEXT_H
#define KV_CAPTURE_PARSE_TEXT_H

#include "base/err.h"

#include <stddef.h>

/* Largest single text field (message, content, title ...) a parser accepts. */
#define PARSE_TEXT_MAX ((size_t)1 << 20)
/* Largest document read whole into memory; larger input must be JSON Lines. */
#define PARSE_DOC_MAX ((size_t)256 << 20)

/* Checks a text of len bytes against PARSE_TEXT_MAX and UTF-8 validity.
 * KV_EINVAL naming name, where and field (and the byte offset for bad UTF-8). */
int parse_text_check(const char *s, size_t len, const char *name, const char *where,
                     const char *field, struct err *err);

/* A list of owned strings (links found in a text, for instance). */
struct parse_text_strs {
	char **v;
	size_t n;
	size_t cap;
};

void parse_text_strs_init(struct parse_text_strs *s);
void parse_text_strs_done(struct parse_text_strs *s);
/* Appends a copy of str unless it is already there. KV_ENOMEM. */
int parse_text_strs_add(struct parse_text_strs *s, const char *str);

/* Turns an HTML fragment into plain text with libxml2's HTML parser: text
 * kept, tags dropped, entities decoded, runs of white space folded, a line
 * break for <br>, a blank line between paragraphs (</p>, </div>, headings,
 * list items), script and style dropped. When links is not NULL the href of
 * each <a> that is not a mention or hashtag (class "mention"/"hashtag"/"u-url")
 * is added to it. *out is a heap string (free it). KV_EINVAL when the text
 * would pass PARSE_TEXT_MAX (naming name, where, field), KV_ENOMEM. */
int parse_text_html(char **out, const char *html, size_t len, struct parse_text_strs *links,
                    const char *name, const char *where, const char *field, struct err *err);

#endif
