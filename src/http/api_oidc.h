/* Single sign-on with OpenID Connect (authorization code flow with PKCE
 * S256) against the kommun's identity provider, configured in [oidc]:
 * GET /session/oidc sends the browser to the provider (state, nonce and a
 * code challenge; the verifier stays here, bound to a short-lived pre-session
 * cookie); GET /session/oidc/callback exchanges the code, checks the ID token
 * (http/oidc_jwt), maps the configured claim to grants, and starts a session
 * as a password login does. The provider's discovery document and JWKS are
 * fetched with capture/fetch (libcurl). */
#ifndef KV_HTTP_API_OIDC_H
#define KV_HTTP_API_OIDC_H

#include "base/err.h"

struct api_oidc;
struct api_req;
struct config;

/* Reads [oidc] (*out NULL when there is no issuer: SSO is off). KV_EINVAL
 * naming the key. The client secret is never logged nor put in a message. */
int api_oidc_init(struct api_oidc **out, const struct config *cfg, struct err *err);
void api_oidc_free(struct api_oidc *o);

int api_oidc_start(struct api_req *r);
int api_oidc_callback(struct api_req *r);

#endif
