/* API handlers for moderation cases and the register of removed content (see http/api.c for the
 * routes). Each answers through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_CASES_H
#define KV_HTTP_API_CASES_H

struct api_req;

int api_cases_list(struct api_req *r);
int api_cases_removed(struct api_req *r);
int api_cases_show(struct api_req *r);
int api_cases_open(struct api_req *r);
int api_cases_evidence(struct api_req *r);
int api_cases_decide(struct api_req *r);
int api_cases_confirm(struct api_req *r);
int api_cases_register(struct api_req *r);

#endif
