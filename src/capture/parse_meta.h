/* Parsers for Meta's formats: Graph API responses (Facebook Pages and
 * Instagram), webhook deliveries (Page feed, Instagram comments and mentions,
 * Messenger), and "Download your information" export files. Each turns the
 * bytes of one document into items, events and skip notices for a sink.
 * Pure: no network, no storage, no printing. docs/formats/meta.md says what
 * is read from each shape, how ids are formed and what is skipped. */
#ifndef KV_CAPTURE_PARSE_META_H
#define KV_CAPTURE_PARSE_META_H

#include "base/err.h"
#include "model/item.h"

#include <stddef.h>

/* Parses one Graph API response page: Page /feed or /posts (data[] of posts
 * with nested comments{data, paging} and their comments), /{id}/comments,
 * Instagram /media (with comments and replies), /{media-id}/comments and
 * /{comment-id}/replies, a single post, comment or media object, or a
 * multi-id (?ids=) response. The platform is told from each object's shape.
 * account_ref (may be NULL) is the page id or Instagram user id the response
 * belongs to; for Facebook it is otherwise taken from the post id prefix.
 * name names the source in messages. Returns 0; KV_EINVAL for bad input (err
 * names name and the position or element path, and why); KV_EIO when the body
 * is a Graph error envelope (message as for parse_meta_graph_next); or what the
 * sink returned. */
int parse_graph(const char *data, size_t len, const char *name, const char *account_ref,
                const struct item_sink *sink, struct err *err);

/* Finds paging.next of a Graph response: *out_next_url is a heap string the
 * caller frees, or NULL when the response is the last page. KV_EIO with
 * "Graph API error <code>/<subcode> (<type>): <message>" when the body is a
 * Graph error envelope; KV_EINVAL when it is not JSON or paging.next is not a
 * string; KV_ENOMEM. *out_next_url is untouched on failure. */
int parse_meta_graph_next(const char *data, size_t len, char **out_next_url, struct err *err);

/* Returns 1 when data is a Graph error envelope ({"error":{"message", "type",
 * "code", "error_subcode", "fbtrace_id"}}) and fills *out_code and
 * *out_subcode (0 when absent) and msg (msgsz bytes, truncated, may be NULL)
 * with the message; 0 when it is not (outputs untouched). */
int parse_meta_graph_error(const char *data, size_t len, int *out_code, int *out_subcode, char *msg,
                           size_t msgsz);

/* Parses one webhook delivery body ({"object":"page"|"instagram",
 * "entry":[...]}): Page feed changes become items (add, edited) or events
 * (remove, hide, unhide); reactions, likes and other fields are skipped with
 * a reason. Instagram comments, live_comments and mentions with text become
 * items; messaging entries become messages. Returns 0, KV_EINVAL naming name
 * and the entry/change index and why, or what the sink returned. */
int parse_meta_webhook(const char *data, size_t len, const char *name, const struct item_sink *sink,
                       struct err *err);

/* Parses one "Download your information" JSON file: Facebook your_posts_N.json,
 * comments.json, Messenger message_N.json, and the Instagram post_comments,
 * posts and messages files. Every string is repaired with
 * parse_meta_repair_mojibake. Items get a derived id "dyi:<hex SHA-256>" (see
 * docs/formats/meta.md) so that importing the same file again names the same
 * items. Files of other kinds (friends, profile ...) are skipped with a
 * reason. Returns 0, KV_EINVAL naming name and the element and why, or what
 * the sink returned. */
int parse_meta_dyi(const char *data, size_t len, const char *name, const struct item_sink *sink,
                   struct err *err);

/* Repairs, in place, text whose UTF-8 bytes were written as "\u00XX" escapes
 * (one Latin-1 code point per byte, as Meta's export does): when s[0..len) is
 * valid UTF-8, every code point is below 256, some are above 127, and those
 * code points taken as bytes are valid UTF-8, s is replaced by those bytes
 * and NUL-terminated if there is room. Otherwise s is left alone, so correct
 * text such as "é" stays. Returns the new length. */
size_t parse_meta_repair_mojibake(char *s, size_t len);

#endif
