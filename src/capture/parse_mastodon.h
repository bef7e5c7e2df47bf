/* Mastodon API statuses: a Status, an array of them (timelines), a Context
 * (ancestors and descendants) and a status's edit history (StatusEdit[]).
 * Content is HTML and becomes plain text. Not the HTTP client; reblogs are
 * reported as skipped, since the boosted status belongs to someone else. */
#ifndef KV_CAPTURE_PARSE_MASTODON_H
#define KV_CAPTURE_PARSE_MASTODON_H

#include "base/err.h"
#include "model/item.h"

#include <stddef.h>

/* Parses one response and hands each status to sink with platform
 * "mastodon". Parent is in_reply_to_id; the root is found by following
 * parents inside the document (for a Context, the first ancestor or the
 * status the descendants answer), NULL when it cannot be seen. Kind: no
 * parent → ITEM_POST, parent is the root → ITEM_COMMENT, deeper →
 * ITEM_REPLY (ITEM_COMMENT when the depth cannot be seen); visibility
 * "direct" → ITEM_MESSAGE. edited_at gives version_at. An array of StatusEdit
 * (no ids) is taken as an edit history of the status named by the file name
 * (see parse_mastodon_history). author_is_account is 1/0 when account_ref is
 * given (compared with account id, acct and username), -1 otherwise. Returns
 * 0, KV_EINVAL for malformed input naming name and position, KV_ENOMEM, or the
 * sink's code. */
int parse_mastodon(const char *data, size_t len, const char *name, const char *account_ref,
                   const struct item_sink *sink, struct err *err);

/* Parses GET /api/v1/statuses/:id/history (StatusEdit[]): each revision
 * becomes a version of status_id, oldest first, with created_at the first
 * revision's time and version_at the revision's. The history does not say
 * where the status sits in a thread, so the items are ITEM_POST without
 * parent; the store must not let that override what a Status said. When
 * status_id is NULL it is taken from name: ".../statuses/<id>/history[.json]"
 * or "<id>.history.json" / "<id>-history.json" / "<id>_history.json";
 * KV_EINVAL when neither gives it. Other errors as parse_mastodon. */
int parse_mastodon_history(const char *data, size_t len, const char *name, const char *status_id,
                           const struct item_sink *sink, struct err *err);

#endif
