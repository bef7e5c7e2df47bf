/* API handlers for policy settings (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_POLICY_H
#define KV_HTTP_API_POLICY_H

struct api_req;

int api_policy_list(struct api_req *r);
int api_policy_set(struct api_req *r);

#endif
