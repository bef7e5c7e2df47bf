/* Publishing through the platforms' APIs: which platform can publish a post
 * or a reply, the settings for it (the connector's, with publish_token),
 * sending it through the platform's publish function beside its connector,
 * and capturing what was published as the account's own item (upprättad)
 * through the import path. Not deciding whether a post may go out (the
 * checklist, the second reader: workflow/drafts) and never a retry: a post
 * that may have reached the platform is not sent twice. */
#ifndef KV_CAPTURE_PUBLISH_H
#define KV_CAPTURE_PUBLISH_H

#include "base/err.h"
#include "capture/connector_conf.h"
#include "capture/publish_post.h"
#include "model/register.h"

#include <stdint.h>

struct config;
struct store;

/* Where and with what a publish is sent: the connector's settings for the
 * account, the token replaced by publish_token when that is set (posting
 * needs a page token with pages_manage_posts, a user-context X token, an
 * OAuth token of the YouTube channel), and exactly one attempt. */
struct publish_conf {
	struct connector_conf conn;
};

/* Reads the settings as connector_conf_load does, plus publish_token from
 * the account's section. KV_EINVAL for a platform without a connector,
 * other errors as connector_conf_load. */
int publish_conf_load(struct publish_conf *out, const struct config *cfg, enum platform p,
                      const char *handle, const char *account_url, struct err *err);

/* 1 when the platform's API can publish: a post (reply 0) or a reply to a
 * comment (reply 1), with media when media is 1. Facebook: posts with
 * images, replies; Instagram: replies only; Mastodon: posts with media,
 * replies; X: text posts and replies; YouTube: replies only (community posts
 * have no public API). Everything else is published by hand. */
int publish_supported(enum platform p, int reply, int media);

/* Why the platform cannot publish it (English, for messages), or NULL when
 * it can. */
const char *publish_unsupported_reason(enum platform p, int reply, int media);

/* Sends post through the platform's API with conf, once. *out is filled in
 * every case: what was sent, the status, the new id. KV_EINVAL when the
 * platform cannot publish it, when no token is configured, or for an empty
 * text; KV_EDENIED when the platform refuses the token; KV_EIO for a
 * network failure or an HTTP error (then the post may or may not be on the
 * platform: the message says to look before trying again). No message holds
 * the token. */
int publish_run(const struct publish_conf *conf, enum platform p, const struct publish_post *post,
                struct publish_outcome *out, struct err *err);

/* What capture_publish_capture stores: the published text as the account's
 * own item. */
struct publish_capture {
	int64_t org;
	int64_t account_id;
	enum platform platform;
	const char *platform_id; /* the id the platform gave */
	const char *text;
	const char *reply_to; /* the item answered (its platform id), or NULL */
	const char *root;     /* the thread's top-level post, or NULL */
	const char *permalink;
	int64_t at;        /* when it was published */
	const char *actor; /* who published, for the import's audit entry */
};

/* Stores the published post through the import path (the JSON Lines
 * format, author the account itself: upprättad), in the caller's
 * transaction when one is open, and puts its row id in *out_item. The same
 * post captured again later by a poll is the same item. */
int publish_capture_item(struct store *s, const struct publish_capture *c, int64_t *out_item,
                         struct err *err);

#endif
