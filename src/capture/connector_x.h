/* Polling the X API v2 for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_X_H
#define KV_CAPTURE_CONNECTOR_X_H

struct err;
struct run;

/* A user's tweets and the conversations started by those that are new or
 * in the look-back window. Returns connector_run_poll_result's code. */
int connector_x_poll(struct run *run, struct err *err);

#endif
