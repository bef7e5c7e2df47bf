/* API handlers for the credentials vault: its metadata (which secrets each
 * account has, who is granted their use) and grants. No route reveals, adds
 * or rotates a secret: a secret does not travel through a browser; that is
 * done at the server's shell (`kanalvakt vault`). */
#ifndef KV_HTTP_API_VAULT_H
#define KV_HTTP_API_VAULT_H

struct api_req;

int api_vault_list(struct api_req *r);
int api_vault_show(struct api_req *r);
int api_vault_grant(struct api_req *r);
int api_vault_revoke(struct api_req *r);

#endif
