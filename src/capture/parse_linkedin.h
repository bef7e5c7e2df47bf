/* LinkedIn Community Management API responses: an organisation's posts
 * (Posts API, GET /rest/posts?q=author, a single post, a batch get) and the
 * comments on them (GET /rest/socialActions/{urn}/comments, on a post or on
 * a comment). The commentary's "little text format" becomes plain text. Not
 * the HTTP client and not reactions, statistics or the Images API. */
#ifndef KV_CAPTURE_PARSE_LINKEDIN_H
#define KV_CAPTURE_PARSE_LINKEDIN_H

#include "base/err.h"
#include "model/item.h"

#include <stddef.h>

/* Parses one response and hands each post and comment to sink with
 * platform "linkedin". A post (id urn:li:share:… or urn:li:ugcPost:…) is
 * ITEM_POST; lifecycleState DELETED gives ITEM_DELETED, an edit by the
 * author (lifecycleStateInfo.isEditedByAuthor, or PUBLISHED_EDITED) gives
 * lastModifiedAt as version_at. A comment is named by its commentUrn; one
 * with parentComment is ITEM_REPLY under that comment, the others
 * ITEM_COMMENT under post_urn, or, when post_urn is NULL, under the comment's
 * "object". root_id is post_urn, else the post the comment hangs under as
 * far as the document shows it. post_urn is the URN the comments were read
 * for: the API names the post in a comment by its activity URN, which is not
 * the post's own id. An organisation is named by its numeric id as the
 * register holds it (urn:li:organization:12345 → "12345"), a member by the
 * member's URN; a post's account_ref is its organisation's id; so
 * author_is_account is left to the importer (-1). Epoch milliseconds become
 * Unix seconds. Returns 0, KV_EINVAL for malformed input naming name and the
 * place (a LinkedIn error envelope included), KV_ENOMEM, or the sink's code. */
int parse_linkedin(const char *data, size_t len, const char *name, const char *post_urn,
                   const struct item_sink *sink, struct err *err);

/* Plain text from LinkedIn's little text format: backslash escapes undone,
 * a mention @[Name](urn:li:…) becomes Name, a hashtag {hashtag|\#|tag}
 * becomes #tag; anything else stays as written. *out is a heap string.
 * KV_ENOMEM. */
int parse_linkedin_little_text(char **out, const char *s);

#endif
