/* Connectors: polling one account's platform API page by page and importing
 * each page as it arrives (Facebook Page feed and Instagram media through the
 * Graph API with the further pages of their comments, Facebook Page
 * conversations with their messages, YouTube commentThreads with all their
 * replies, Mastodon statuses with their replies, X API v2 timelines with
 * their conversations, LinkedIn organisation posts with their comments and
 * replies). A cursor per account and endpoint (store/cursors) lets the
 * next poll continue where the last one stopped; a look-back window re-reads
 * recent posts for new comments. The settings and the report are
 * capture/connector_conf (included here). Not the HTTP client (capture/fetch)
 * and not the parsers. */
#ifndef KV_CAPTURE_CONNECTOR_H
#define KV_CAPTURE_CONNECTOR_H

#include "base/err.h"
#include "capture/connector_conf.h"

#include <stdint.h>

struct store;
struct capture_screener;

/* Polls account_id (of org) with conf and imports what it finds, one
 * transaction per page (with the further pages of its comment lists)
 * together with the cursor, so a failure leaves the earlier pages stored and
 * the cursor at the last good page; the failure is also written to the
 * cursor row's last_error. actor names who polled in the
 * audit log. *out is filled even on failure (what was done until then).
 * Errors: KV_EINVAL for a missing token or platform account id, or a page
 * the parser refuses (err names the page); KV_EDENIED when the platform
 * refuses the token; KV_EIO for network and platform errors (a paging link to
 * another host included); KV_ENOTFOUND for an unknown account; KV_ENOMEM.
 * No message ever holds the token. */
int connector_poll(struct store *s, int64_t org, const char *actor, int64_t account_id,
                   const struct connector_conf *conf, struct capture_screener *screener,
                   struct connector_report *out, struct err *err);

#endif
