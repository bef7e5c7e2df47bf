/* API handlers for drafts (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_DRAFTS_H
#define KV_HTTP_API_DRAFTS_H

struct api_req;

int api_drafts_list(struct api_req *r);
int api_drafts_add(struct api_req *r);
int api_drafts_show(struct api_req *r);
int api_drafts_check(struct api_req *r);
int api_drafts_review(struct api_req *r);
int api_drafts_publish(struct api_req *r);

#endif
