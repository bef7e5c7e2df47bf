/* API handlers for the organisation, units, people and the OpenAPI document (see http/api.c for the
 * routes). Each answers through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_REGISTER_H
#define KV_HTTP_API_REGISTER_H

struct api_req;

int api_register_openapi(struct api_req *r);
int api_register_organisation(struct api_req *r);
int api_register_units(struct api_req *r);
int api_register_people(struct api_req *r);

#endif
