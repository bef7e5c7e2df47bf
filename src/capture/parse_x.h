/* X (Twitter): the account archive's tweets.js / tweet.js
 * (`window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`), streamed element
 * by element, and API v2 tweet lookups / timelines ({data, includes, meta}).
 * Not the HTTP client and not the other archive files (likes, followers),
 * which are reported as skipped. */
#ifndef KV_CAPTURE_PARSE_X_H
#define KV_CAPTURE_PARSE_X_H

#include "base/err.h"
#include "model/item.h"

#include <stdint.h>
#include <stdio.h>

/* Parses an archive file from f (read to the end, not closed) in constant
 * memory: one array element at a time (at most 16 MiB each), parsed by
 * jansson. Tweets become items with platform "x", author_is_account 1 and
 * account_ref as given (may be NULL). Versions of an edited tweet (linked by
 * edit_info) all get the first tweet id of the chain as platform_id and their
 * own created_at as version_at; they are held until the chain is complete
 * (or the file ends) and then emitted oldest first, so memory grows only with
 * the edited tweets whose versions are far apart in the file. Other archive
 * records (like, follower, account ...) go to sink->skip. Returns 0,
 * KV_EINVAL for malformed input naming name, element index, line and byte,
 * KV_EIO on a read error, KV_ENOMEM, or the sink's code. */
int parse_x_archive_stream(FILE *f, const char *name, const char *account_ref,
                           const struct item_sink *sink, struct err *err);

/* Parses an API v2 response (data as an array or a single tweet). The
 * platform_id of a tweet is the first id of edit_history_tweet_ids (the
 * original), so every version maps onto the same item; version_at is the
 * version's created_at when it is a later version. The parent is the
 * "replied_to" reference, the root the conversation_id. author_is_account is
 * 1/0 when account_ref is given (compared with author_id and username), -1
 * otherwise. includes.tweets are skipped (they belong to other threads).
 * Same errors as parse_x_archive_stream. */
int parse_x_api(const char *data, size_t len, const char *name, const char *account_ref,
                const struct item_sink *sink, struct err *err);

/* Parses the archive's date form "Wed Oct 10 20:19:24 +0000 2018" into Unix
 * seconds. KV_EINVAL on anything else. */
int parse_x_date(const char *s, int64_t *out);

#endif
