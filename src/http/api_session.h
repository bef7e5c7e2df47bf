/* API handlers for logins, logouts and the authentication of each request (see http/api.c for the
 * routes). Each answers through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_SESSION_H
#define KV_HTTP_API_SESSION_H

struct api_req;

int api_session_login(struct api_req *r);
int api_session_get(struct api_req *r);
int api_session_logout(struct api_req *r);
/* Authenticates the request (cookie or token) into r->who; KV_EDENIED for an
 * ended session or a wrong token (answered 401). */
int api_session_authenticate(struct api_req *r);

#endif
