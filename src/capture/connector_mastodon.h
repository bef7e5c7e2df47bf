/* Polling the Mastodon for one account, over a run set up by capture/connector
 * (see capture/connector_run.h). */
#ifndef KV_CAPTURE_CONNECTOR_MASTODON_H
#define KV_CAPTURE_CONNECTOR_MASTODON_H

struct err;
struct run;

/* An account's statuses and the replies of those that are new or in the
 * look-back window. Returns connector_run_poll_result's code. */
int connector_mastodon_poll(struct run *run, struct err *err);

#endif
