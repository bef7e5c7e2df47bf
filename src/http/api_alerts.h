/* API handlers for alerts and crisis mode (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_ALERTS_H
#define KV_HTTP_API_ALERTS_H

struct api_req;

int api_alerts_list(struct api_req *r);
int api_alerts_ack(struct api_req *r);
int api_alerts_crisis(struct api_req *r);
int api_alerts_crisis_set(struct api_req *r);

#endif
