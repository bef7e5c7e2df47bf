/* API handlers for the consent register (see http/api.c for the routes). Each answers
 * through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_CONSENT_H
#define KV_HTTP_API_CONSENT_H

struct api_req;

int api_consent_list(struct api_req *r);
int api_consent_add(struct api_req *r);
int api_consent_show(struct api_req *r);
int api_consent_withdraw(struct api_req *r);
int api_consent_link(struct api_req *r);

/* The field a feature's message names ("--person-name: …" → person_name)
 * set on r for a KV_EINVAL; returns rc. Shared by the people handlers. */
int api_consent_field_of(struct api_req *r, int rc);

#endif
