/* ID tokens of OpenID Connect: a JWT signed RS256 (RFC 7515/7518) checked
 * against the provider's JWKS with OpenSSL's EVP (any other "alg", "none"
 * and HS256 included, is refused), and its claims checked: iss, aud (and
 * azp when there are several audiences), exp and iat with a small leeway,
 * nonce. Also the PKCE S256 challenge of a verifier (RFC 7636). No I/O. */
#ifndef KV_HTTP_OIDC_JWT_H
#define KV_HTTP_OIDC_JWT_H

#include "base/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Checks jwt's signature with the key of jwks ({"keys":[…]}) that its header
 * names by "kid" (or the only RSA key when it names none) and gives its
 * claims (*claims a new reference). KV_EDENIED naming what is wrong. */
int oidc_jwt_verify(const char *jwt, const json_t *jwks, json_t **claims, struct err *err);

struct oidc_jwt_expect {
	const char *issuer;
	const char *audience; /* our client_id */
	const char *nonce;
	int64_t now;
	int64_t leeway_s;
};

/* KV_EDENIED naming the claim that does not hold. */
int oidc_jwt_check(const json_t *claims, const struct oidc_jwt_expect *x, struct err *err);

/* base64url without padding of n bytes into out (cap bytes); KV_EINVAL when
 * it does not fit. */
int oidc_jwt_b64url(char *out, size_t cap, const unsigned char *in, size_t n);

/* The S256 code challenge of verifier: base64url(SHA-256(verifier)). */
void oidc_jwt_pkce_challenge(char out[44], const char *verifier);

#endif
