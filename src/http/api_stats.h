/* API handlers for the evaluation figures (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_STATS_H
#define KV_HTTP_API_STATS_H

struct api_req;

int api_stats_get(struct api_req *r);

#endif
