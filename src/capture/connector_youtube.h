/* Polling the YouTube for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_YOUTUBE_H
#define KV_CAPTURE_CONNECTOR_YOUTUBE_H

struct err;
struct run;

/* A channel's comment threads with all replies of the threads that are new
 * or in the look-back window. Returns connector_run_poll_result's code. */
int connector_youtube_poll(struct run *run, struct err *err);

#endif
