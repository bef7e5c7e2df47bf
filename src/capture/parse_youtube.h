/* YouTube Data API v3 comment responses: commentThreads.list (top-level
 * comments with the replies YouTube includes), comments.list (replies by
 * parentId, comments by id) and the single commentThread / comment resources
 * that insert returns. Not the videos themselves and not the HTTP client. */
#ifndef KV_CAPTURE_PARSE_YOUTUBE_H
#define KV_CAPTURE_PARSE_YOUTUBE_H

#include "base/err.h"
#include "model/item.h"

#include <stddef.h>

/* Parses one response (data, len) and hands each comment to sink as an item
 * with platform "youtube": a top-level comment has the video as parent and
 * root (ITEM_COMMENT); a reply has its parentId as parent and the video as
 * root (ITEM_REPLY). A thread on a channel without a video (channel
 * discussion) is a root: ITEM_POST. updatedAt later than publishedAt gives
 * version_at; moderationStatus heldForReview / rejected / likelySpam gives
 * ITEM_HIDDEN. author_is_account is 1/0 when the channel is known (account_ref,
 * else the thread's channelId), -1 otherwise. name names the source in
 * messages. Returns 0, KV_EINVAL for malformed input (message names name and
 * position or item index), KV_ENOMEM, or the sink's code. */
int parse_youtube(const char *data, size_t len, const char *name, const char *account_ref,
                  const struct item_sink *sink, struct err *err);

#endif
