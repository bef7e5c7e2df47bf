/* The API's handlers, one module per resource (api_<resource>.c); the route
 * table in api.c names them. Each reads its request, calls the feature layer
 * with the request's op_ctx (where the permission is checked) and answers
 * with a view (http/views). */
#ifndef KV_HTTP_API_HANDLERS_H
#define KV_HTTP_API_HANDLERS_H

struct api_req;

int api_session_login(struct api_req *r);
int api_session_get(struct api_req *r);
int api_session_logout(struct api_req *r);
int api_openapi(struct api_req *r);
int api_organisation(struct api_req *r);
int api_units(struct api_req *r);
int api_people(struct api_req *r);
int api_accounts(struct api_req *r);
int api_account_add(struct api_req *r);
int api_account(struct api_req *r);
int api_account_activate(struct api_req *r);
int api_account_deactivate(struct api_req *r);
int api_account_checklist(struct api_req *r);
int api_account_checks(struct api_req *r);
int api_checks(struct api_req *r);
int api_public_accounts(struct api_req *r);
int api_items(struct api_req *r);
int api_item(struct api_req *r);
int api_search(struct api_req *r);
int api_inbox(struct api_req *r);
int api_question(struct api_req *r);
int api_inbox_assign(struct api_req *r);
int api_inbox_forward(struct api_req *r);
int api_inbox_close(struct api_req *r);
int api_cases(struct api_req *r);
int api_case_open(struct api_req *r);
int api_case(struct api_req *r);
int api_case_evidence(struct api_req *r);
int api_case_decide(struct api_req *r);
int api_case_confirm(struct api_req *r);
int api_case_register(struct api_req *r);
int api_removed(struct api_req *r);
int api_review(struct api_req *r);
int api_review_mark(struct api_req *r);
int api_alerts(struct api_req *r);
int api_alert_ack(struct api_req *r);
int api_crisis(struct api_req *r);
int api_crisis_set(struct api_req *r);
int api_policy(struct api_req *r);
int api_policy_set(struct api_req *r);
int api_mail(struct api_req *r);
int api_webhooks(struct api_req *r);
int api_audit(struct api_req *r);
int api_users(struct api_req *r);
int api_stats(struct api_req *r);

#endif
