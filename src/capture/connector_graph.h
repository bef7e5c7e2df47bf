/* Polling the Graph API for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_GRAPH_H
#define KV_CAPTURE_CONNECTOR_GRAPH_H

struct err;
struct run;

/* The Graph API polls: a Facebook Page's feed (instagram 0) or an
 * Instagram account's media (1), with the further pages of their comment
 * lists; and a Page's conversations with their messages. Each returns
 * connector_run_poll_result's code. */
int connector_graph_poll(struct run *run, int instagram, struct err *err);
int connector_graph_conv_poll(struct run *run, struct err *err);

#endif
