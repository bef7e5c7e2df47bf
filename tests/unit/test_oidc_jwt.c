/* http/oidc_jwt: RS256 ID tokens signed here with a fresh RSA key, checked
 * against a JWKS made from it; the algorithms that must be refused; the
 * claims; the PKCE challenge of RFC 7636's own example. */
#include "http/oidc_jwt.h"
#include "testlib.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>

static EVP_PKEY *key;

static void setup(void)
{
	if (!key)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	CHECK(key != NULL);
}

static char *b64(const void *p, size_t n)
{
	char *s = malloc(n * 2 + 8);

	CHECK_INT(oidc_jwt_b64url(s, n * 2 + 8, p, n), KV_OK);
	return s;
}

static json_t *jwks_of(EVP_PKEY *k, const char *kid)
{
	BIGNUM *n = NULL, *e = NULL;
	unsigned char nb[512], eb[8];
	int nl, el;
	char *n64, *e64;
	json_t *v;

	CHECK(EVP_PKEY_get_bn_param(k, "n", &n) && EVP_PKEY_get_bn_param(k, "e", &e));
	nl = BN_bn2bin(n, nb);
	el = BN_bn2bin(e, eb);
	n64 = b64(nb, (size_t)nl);
	e64 = b64(eb, (size_t)el);
	v = json_pack("{s:[{s:s,s:s,s:s,s:s}]}", "keys", "kty", "RSA", "kid", kid, "n", n64, "e",
	              e64);
	BN_free(n);
	BN_free(e);
	free(n64);
	free(e64);
	return v;
}

/* header.claims.signature, signed RS256 (or "none", or HS256 with secret). */
static char *make(const char *alg, const char *kid, const char *claims, const char *hs_secret)
{
	char head[128], *h64, *c64, *in, *sig64, *out;
	unsigned char sig[512];
	size_t siglen = sizeof(sig), len;

	snprintf(head, sizeof(head), "{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
	h64 = b64(head, strlen(head));
	c64 = b64(claims, strlen(claims));
	len = strlen(h64) + strlen(c64) + 2;
	in = malloc(len);
	snprintf(in, len, "%s.%s", h64, c64);
	if (hs_secret) {
		unsigned int ml = 0;

		HMAC(EVP_sha256(), hs_secret, (int)strlen(hs_secret), (unsigned char *)in,
		     strlen(in), sig, &ml);
		siglen = ml;
	} else if (strcmp(alg, "none") == 0) {
		siglen = 0;
	} else {
		EVP_MD_CTX *md = EVP_MD_CTX_new();

		CHECK(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1);
		CHECK(EVP_DigestSign(md, sig, &siglen, (unsigned char *)in, strlen(in)) == 1);
		EVP_MD_CTX_free(md);
	}
	sig64 = siglen ? b64(sig, siglen) : strdup("");
	out = malloc(len + strlen(sig64) + 1);
	snprintf(out, len + strlen(sig64) + 1, "%s.%s", in, sig64);
	free(h64);
	free(c64);
	free(in);
	free(sig64);
	return out;
}

#define CLAIMS                                                                                     \
	"{\"iss\":\"https://"                                                                      \
	"idp.example\",\"sub\":\"s1\",\"aud\":\"kv\",\"exp\":2000,\"iat\":1000,"                   \
	"\"nonce\":\"n1\"}"

static void rs256_verifies_and_gives_the_claims(void)
{
	struct err e = {0};
	json_t *jwks, *claims = NULL;
	char *t;

	setup();
	jwks = jwks_of(key, "k1");
	t = make("RS256", "k1", CLAIMS, NULL);
	CHECK_INT(oidc_jwt_verify(t, jwks, &claims, &e), KV_OK);
	CHECK_STR(json_string_value(json_object_get(claims, "sub")), "s1");
	json_decref(claims);
	free(t);
	json_decref(jwks);
}

static void a_changed_token_does_not_verify(void)
{
	struct err e = {0};
	json_t *jwks, *claims = NULL;
	char *t, *u, *dot;

	setup();
	jwks = jwks_of(key, "k1");
	t = make("RS256", "k1", CLAIMS, NULL);
	/* The claims of another token under this token's signature. */
	u = make("RS256", "k1", "{\"iss\":\"https://idp.example\",\"sub\":\"admin\"}", NULL);
	dot = strrchr(t, '.');
	{
		char *udot = strrchr(u, '.'), *forged = malloc(strlen(u) + strlen(dot) + 1);

		*udot = '\0';
		snprintf(forged, strlen(u) + strlen(dot) + 1, "%s%s", u, dot);
		CHECK_INT(oidc_jwt_verify(forged, jwks, &claims, &e), KV_EDENIED);
		CHECK_CONTAINS(e.msg, "signature");
		CHECK(claims == NULL);
		free(forged);
	}
	free(t);
	free(u);
	json_decref(jwks);
}

static void none_and_hs256_are_refused(void)
{
	struct err e = {0};
	json_t *jwks, *claims = NULL;
	char *n64, *t;

	setup();
	jwks = jwks_of(key, "k1");
	t = make("none", "k1", CLAIMS, NULL);
	CHECK_INT(oidc_jwt_verify(t, jwks, &claims, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "'none'");
	free(t);
	/* HMAC keyed with the public modulus as the JWKS gives it. */
	n64 = strdup(json_string_value(
	        json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "n")));
	t = make("HS256", "k1", CLAIMS, n64);
	CHECK_INT(oidc_jwt_verify(t, jwks, &claims, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "HS256");
	CHECK(claims == NULL);
	free(t);
	free(n64);
	json_decref(jwks);
}

static void another_key_or_kid_is_refused(void)
{
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	struct err e = {0};
	json_t *jwks, *claims = NULL;
	char *t;

	setup();
	jwks = jwks_of(other, "k1");
	t = make("RS256", "k1", CLAIMS, NULL);
	CHECK_INT(oidc_jwt_verify(t, jwks, &claims, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "signature");
	json_decref(jwks);
	jwks = jwks_of(key, "k1");
	free(t);
	t = make("RS256", "k2", CLAIMS, NULL);
	CHECK_INT(oidc_jwt_verify(t, jwks, &claims, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "'k2'");
	CHECK_INT(oidc_jwt_verify("a.b", jwks, &claims, &e), KV_EDENIED);
	CHECK_INT(oidc_jwt_verify("", jwks, &claims, &e), KV_EDENIED);
	free(t);
	json_decref(jwks);
	EVP_PKEY_free(other);
}

static int check(const char *claims, int64_t now, const char *nonce, struct err *e)
{
	json_t *c = json_loads(claims, 0, NULL);
	struct oidc_jwt_expect x = {"https://idp.example", "kv", nonce, now, 60};
	int rc;

	CHECK(c != NULL);
	rc = oidc_jwt_check(c, &x, e);
	json_decref(c);
	return rc;
}

static void claims_are_checked(void)
{
	struct err e = {0};

	CHECK_INT(check(CLAIMS, 1500, "n1", &e), KV_OK);
	CHECK_INT(check(CLAIMS, 2060, "n1", &e), KV_OK); /* within the leeway */
	CHECK_INT(check(CLAIMS, 2061, "n1", &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "expired");
	CHECK_INT(check(CLAIMS, 939, "n1", &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "future");
	CHECK_INT(check(CLAIMS, 1500, "n2", &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "nonce");
	CHECK_INT(
	        check("{\"iss\":\"https://evil.example\",\"aud\":\"kv\",\"exp\":2000,\"iat\":1000,"
	              "\"nonce\":\"n1\"}",
	              1500, "n1", &e),
	        KV_EDENIED);
	CHECK_CONTAINS(e.msg, "iss");
	CHECK_INT(check("{\"iss\":\"https://"
	                "idp.example\",\"aud\":\"other\",\"exp\":2000,\"iat\":1000,"
	                "\"nonce\":\"n1\"}",
	                1500, "n1", &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "aud");
	CHECK_INT(check("{\"iss\":\"https://idp.example\",\"aud\":[\"x\",\"kv\"],\"azp\":\"kv\","
	                "\"exp\":2000,\"iat\":1000,\"nonce\":\"n1\"}",
	                1500, "n1", &e),
	          KV_OK);
	CHECK_INT(check("{\"iss\":\"https://idp.example\",\"aud\":[\"x\",\"kv\"],\"exp\":2000,"
	                "\"iat\":1000,\"nonce\":\"n1\"}",
	                1500, "n1", &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "azp");
	CHECK_INT(check("{\"iss\":\"https://idp.example\",\"aud\":\"kv\",\"iat\":1000,\"nonce\":"
	                "\"n1\"}",
	                1500, "n1", &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "exp");
}

static void pkce_matches_rfc7636(void)
{
	char c[44];

	oidc_jwt_pkce_challenge(c, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	CHECK_STR(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_MAIN(T(rs256_verifies_and_gives_the_claims), T(a_changed_token_does_not_verify),
          T(none_and_hs256_are_refused), T(another_key_or_kid_is_refused), T(claims_are_checked),
          T(pkce_matches_rfc7636))
