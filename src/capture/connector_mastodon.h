/* Polling the Mastodon for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_MASTODON_H
#define KV_CAPTURE_CONNECTOR_MASTODON_H

struct connector_conf;
struct err;
struct fetch;
struct publish_outcome;
struct publish_post;
struct run;

/* An account's statuses and the replies of those that are new or in the
 * look-back window. Returns connector_run_poll_result's code. */
int connector_mastodon_poll(struct run *run, struct err *err);

/* Publishes post as a status of the account (POST /api/v1/statuses), its
 * media uploaded first with their alt text as description (POST
 * /api/v2/media), a reply with in_reply_to_id. out names the status.
 * Errors as fetch_request; KV_EIO when an answer holds no id. */
int connector_mastodon_publish(struct fetch *f, const struct connector_conf *c,
                               const struct publish_post *post, struct publish_outcome *out,
                               struct err *err);

#endif
