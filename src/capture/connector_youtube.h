/* Polling the YouTube for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_YOUTUBE_H
#define KV_CAPTURE_CONNECTOR_YOUTUBE_H

struct connector_conf;
struct err;
struct fetch;
struct publish_outcome;
struct publish_post;
struct run;

/* A channel's comment threads with all replies of the threads that are new
 * or in the look-back window. Returns connector_run_poll_result's code. */
int connector_youtube_poll(struct run *run, struct err *err);

/* Replies to the comment post->reply_to (comments.insert); a post is
 * refused with KV_EINVAL: community posts have no public API. Needs an
 * OAuth token of the channel. Errors as fetch_request. */
int connector_youtube_publish(struct fetch *f, const struct connector_conf *c,
                              const struct publish_post *post, struct publish_outcome *out,
                              struct err *err);

#endif
