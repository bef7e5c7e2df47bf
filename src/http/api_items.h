/* API handlers for captured items and search (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_ITEMS_H
#define KV_HTTP_API_ITEMS_H

struct api_req;

int api_items_list(struct api_req *r);
int api_items_search(struct api_req *r);
int api_items_show(struct api_req *r);

#endif
