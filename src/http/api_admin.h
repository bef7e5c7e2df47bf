/* API handlers for the mail outbox, webhook deliveries, the audit log and users (see http/api.c for
 * the routes). Each answers through api_reply/api_problem, or returns a KV_E* code with r->err set.
 */
#ifndef KV_HTTP_API_ADMIN_H
#define KV_HTTP_API_ADMIN_H

struct api_req;

int api_admin_mail(struct api_req *r);
int api_admin_webhooks(struct api_req *r);
int api_admin_audit(struct api_req *r);
int api_admin_users(struct api_req *r);
int api_admin_user_add(struct api_req *r);
int api_admin_user_disable(struct api_req *r);
int api_admin_roles(struct api_req *r);

#endif
