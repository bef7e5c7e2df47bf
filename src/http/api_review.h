/* API handlers for the daily review (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_REVIEW_H
#define KV_HTTP_API_REVIEW_H

struct api_req;

int api_review_list(struct api_req *r);
int api_review_mark(struct api_req *r);

#endif
