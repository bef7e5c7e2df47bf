/* Hiding and deleting an item on its platform through the platform's API:
 * Meta Graph (hide or delete a Facebook or Instagram comment), YouTube Data
 * API (setModerationStatus, delete), X API v2 (hide a reply, delete an own
 * post), Mastodon (delete an own status) and LinkedIn (delete an own post).
 * Only the HTTP call and what it means; deciding whether an item may be
 * taken down (evidence, four eyes, registration) is workflow/cases, and
 * recording it is the caller's. */
#ifndef KV_CAPTURE_TAKEDOWN_H
#define KV_CAPTURE_TAKEDOWN_H

#include "base/err.h"
#include "capture/connector.h"
#include "model/register.h"

#include <stddef.h>

struct config;

enum takedown_action {
	TAKEDOWN_HIDE = 0,
	TAKEDOWN_REMOVE,
};

/* "hide" or "remove". */
const char *takedown_action_name(enum takedown_action a);

/* Where and with what a takedown is sent: the connector's settings for the
 * account, with the token replaced by moderation_token when that is set
 * (YouTube's moderation calls need an OAuth token where reading needs only
 * an API key; a Meta page token needs the pages_manage_engagement right). */
struct takedown_conf {
	struct connector_conf conn;
};

/* Reads the settings as connector_conf_load does, plus moderation_token
 * from the same account section. A platform without a connector is
 * KV_EINVAL ("no connector"); other errors as connector_conf_load. */
int takedown_conf_load(struct takedown_conf *out, const struct config *cfg, enum platform p,
                       const char *handle, const char *account_url, struct err *err);

/* 1 when the platform's API can carry out action on an item of that
 * platform: own is 1 for the account's own item, 0 for someone else's.
 * Facebook, Instagram and YouTube: hide and remove anyone's comment; X: hide
 * anyone's reply, delete only an own post; Mastodon: delete only an own
 * status (no API deletes a status on another instance); LinkedIn: delete
 * only an own post. Everything else is done by hand. */
int takedown_supported(enum platform p, enum takedown_action action, int own);

/* What was sent and what came back, for the record. */
struct takedown_outcome {
	long status;        /* HTTP status of the last attempt; 0 when none was made */
	char request[1200]; /* "DELETE https://graph.facebook.com/v19.0/1_2" (scrubbed) */
	char response[512]; /* the start of the response body, when there was one */
};

/* Carries out action on item platform_id through the API with conf.
 * KV_EINVAL when the platform cannot do it (takedown_supported is 0, or a
 * LinkedIn id that is not a post's), when
 * no token is configured, or for an empty id; KV_EDENIED when the platform
 * refuses the token; KV_EIO for a network failure, an HTTP error or an
 * answer that says it did not happen ({"success":false}, "hidden":false).
 * *out is filled in every case; no message and no field holds the token. */
int takedown_run(const struct takedown_conf *conf, enum platform p, enum takedown_action action,
                 const char *platform_id, int own, struct takedown_outcome *out, struct err *err);

#endif
