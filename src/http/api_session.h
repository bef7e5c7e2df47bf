/* API handlers for logins, logouts and the authentication of each request (see http/api.c for the
 * routes). Each answers through api_reply/api_problem, or returns a KV_E* code with r->err set. */
#ifndef KV_HTTP_API_SESSION_H
#define KV_HTTP_API_SESSION_H

struct api_req;

int api_session_login(struct api_req *r);
int api_session_get(struct api_req *r);
/* Public: how one may log in ({"password": true, "sso": bool}), so the
 * login page offers single sign-on only when [oidc] is configured. */
int api_session_methods(struct api_req *r);
int api_session_logout(struct api_req *r);
/* Starts a session for r->who (a password or single sign-on login): ends
 * the session the client held, makes a new random id and CSRF token, stores
 * the id's SHA-256, sets the cookie and audits session.login as the user with
 * detail (JSON or NULL). */
int api_session_begin(struct api_req *r, const char *detail);
/* Audits session.login_failed as anonymous with detail (JSON). */
void api_session_audit_failure(struct api_req *r, const char *detail);
/* Authenticates the request (cookie or token) into r->who; KV_EDENIED for an
 * ended session or a wrong token (answered 401). */
int api_session_authenticate(struct api_req *r);

#endif
