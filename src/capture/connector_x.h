/* Polling the X API v2 for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_X_H
#define KV_CAPTURE_CONNECTOR_X_H

struct connector_conf;
struct err;
struct fetch;
struct publish_outcome;
struct publish_post;
struct run;

/* A user's tweets and the conversations started by those that are new or
 * in the look-back window. Returns connector_run_poll_result's code. */
int connector_x_poll(struct run *run, struct err *err);

/* Publishes post (text only; media are refused with KV_EINVAL) with POST
 * /2/tweets, a reply with reply.in_reply_to_tweet_id; the token must be a
 * user-context one. out names the post. Errors as fetch_request; KV_EIO when
 * the answer holds no id. */
int connector_x_publish(struct fetch *f, const struct connector_conf *c,
                        const struct publish_post *post, struct publish_outcome *out,
                        struct err *err);

#endif
