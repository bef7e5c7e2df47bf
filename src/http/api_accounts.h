/* API handlers for the register of accounts, the checklist, checks and the public list (see
 * http/api.c for the routes). Each answers through api_reply/api_problem, or returns a KV_E* code
 * with r->err set. */
#ifndef KV_HTTP_API_ACCOUNTS_H
#define KV_HTTP_API_ACCOUNTS_H

struct api_req;

int api_accounts_list(struct api_req *r);
int api_accounts_show(struct api_req *r);
int api_accounts_add(struct api_req *r);
int api_accounts_activate(struct api_req *r);
int api_accounts_deactivate(struct api_req *r);
int api_accounts_checklist(struct api_req *r);
int api_accounts_checks(struct api_req *r);
int api_accounts_checks_all(struct api_req *r);
int api_accounts_public(struct api_req *r);

#endif
