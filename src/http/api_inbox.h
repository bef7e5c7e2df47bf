/* API handlers for the question inbox (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_INBOX_H
#define KV_HTTP_API_INBOX_H

struct api_req;

int api_inbox_list(struct api_req *r);
int api_inbox_show(struct api_req *r);
int api_inbox_assign(struct api_req *r);
int api_inbox_forward(struct api_req *r);
int api_inbox_close(struct api_req *r);
int api_inbox_answer_check(struct api_req *r);

#endif
