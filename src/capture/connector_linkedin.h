/* Polling LinkedIn for one organisation page, over a run set up by
 * capture/connector (see capture/connector_run.h), and the headers every
 * LinkedIn request carries. */
#ifndef KV_CAPTURE_CONNECTOR_LINKEDIN_H
#define KV_CAPTURE_CONNECTOR_LINKEDIN_H

struct connector_conf;
struct err;
struct fetch;
struct run;

/* The organisation's posts (Posts API, newest first, start/count paging),
 * and the comments and their replies (socialActions/comments) of those that
 * are new or in the look-back window. run->pid must be the organisation's
 * numeric id (KV_EINVAL otherwise). Returns connector_run_poll_result's
 * code. */
int connector_linkedin_poll(struct run *run, struct err *err);

/* Makes f send LinkedIn-Version (c->api_version) and
 * X-Restli-Protocol-Version: 2.0.0 with every request, as LinkedIn's
 * versioned API requires. KV_ENOMEM. */
int connector_linkedin_headers(struct fetch *f, const struct connector_conf *c, struct err *err);

#endif
