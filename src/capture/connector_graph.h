/* Polling the Graph API for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_GRAPH_H
#define KV_CAPTURE_CONNECTOR_GRAPH_H

struct connector_conf;
struct err;
struct fetch;
struct publish_outcome;
struct publish_post;
struct run;

/* The Graph API polls: a Facebook Page's feed (instagram 0) or an
 * Instagram account's media (1), with the further pages of their comment
 * lists; and a Page's conversations with their messages. Each returns
 * connector_run_poll_result's code. */
int connector_graph_poll(struct run *run, int instagram, struct err *err);
int connector_graph_conv_poll(struct run *run, struct err *err);

/* Publishes post on the Facebook Page post->account_pid: text with POST
 * /{page}/feed, one image with POST /{page}/photos (alt_text_custom), more
 * with unpublished photos attached to the feed post; a reply with POST
 * /{comment}/comments (Instagram: /{comment}/replies). Instagram posts and
 * Facebook videos are refused with KV_EINVAL (by hand). The token goes in
 * the query, as the connectors send it. Errors as fetch_request; KV_EIO when
 * the answer holds no id. */
int connector_graph_publish(struct fetch *f, const struct connector_conf *c, int instagram,
                            const struct publish_post *post, struct publish_outcome *out,
                            struct err *err);

#endif
