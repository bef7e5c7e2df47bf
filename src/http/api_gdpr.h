/* API handlers for requests under the GDPR (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_GDPR_H
#define KV_HTTP_API_GDPR_H

struct api_req;

int api_gdpr_find(struct api_req *r);
int api_gdpr_requests(struct api_req *r);
int api_gdpr_request_add(struct api_req *r);
int api_gdpr_request_close(struct api_req *r);

#endif
