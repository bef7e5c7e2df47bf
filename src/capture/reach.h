/* The reach figures in a captured post's own JSON, as each platform gives
 * them: Graph (Facebook) reactions/likes, comments and shares summaries and
 * post insights; Instagram like_count, comments_count and media insights;
 * X public_metrics (and the archive's favorite_count/retweet_count);
 * Mastodon favourites, replies and reblogs; YouTube statistics; LinkedIn
 * social-action summaries. Only what the JSON holds: nothing is asked of the
 * platform here. */
#ifndef KV_CAPTURE_REACH_H
#define KV_CAPTURE_REACH_H

#include "store/reach_rows.h"

/* Fills out from raw_json (the item's JSON as received) of a post on
 * platform ("facebook", "instagram", "x", "mastodon", "youtube",
 * "linkedin"). Returns 1 when any figure was found, 0 when none (or the
 * JSON does not parse). */
int reach_parse(const char *platform, const char *raw_json, struct reach_row *out);

#endif
