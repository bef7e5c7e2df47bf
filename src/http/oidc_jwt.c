/* RS256 ID tokens checked with OpenSSL 3 (EVP_PKEY_fromdata for the JWK's
 * modulus and exponent, EVP_DigestVerify); base64url by libsodium. */
#include "http/oidc_jwt.h"

#include "base/hash.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define JWT_MAX ((size_t)16 << 10)

int oidc_jwt_b64url(char *out, size_t cap, const unsigned char *in, size_t n)
{
	if (cap < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return KV_EINVAL;
	sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return KV_OK;
}

void oidc_jwt_pkce_challenge(char out[44], const char *verifier)
{
	uint8_t d[HASH_SHA256_LEN];

	hash_sha256(d, verifier, strlen(verifier));
	oidc_jwt_b64url(out, 44, d, sizeof(d));
}

/* Decodes a base64url part into a new buffer (*out, NUL-terminated). */
static int unb64(const char *s, size_t len, unsigned char **out, size_t *n)
{
	unsigned char *b = malloc(len + 1);

	if (!b)
		return KV_ENOMEM;
	if (sodium_base642bin(b, len + 1, s, len, NULL, n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		free(b);
		return KV_EINVAL;
	}
	b[*n] = '\0';
	*out = b;
	return KV_OK;
}

static json_t *part_json(const char *s, size_t len)
{
	unsigned char *b = NULL;
	size_t n = 0;
	json_t *v;

	if (unb64(s, len, &b, &n))
		return NULL;
	v = json_loadb((const char *)b, n, JSON_REJECT_DUPLICATES, NULL);
	free(b);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

static const json_t *find_key(const json_t *jwks, const char *kid)
{
	const json_t *keys = json_object_get(jwks, "keys"), *k, *only = NULL;
	size_t i, n_rsa = 0;

	json_array_foreach(keys, i, k)
	{
		const char *kty = json_string_value(json_object_get(k, "kty"));
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *id = json_string_value(json_object_get(k, "kid"));

		if (!kty || strcmp(kty, "RSA") != 0 || (use && strcmp(use, "sig") != 0))
			continue;
		if (kid && id && strcmp(kid, id) == 0)
			return k;
		n_rsa++;
		only = k;
	}
	return !kid && n_rsa == 1 ? only : NULL;
}

static BIGNUM *jwk_bn(const json_t *k, const char *name)
{
	const char *v = json_string_value(json_object_get(k, name));
	unsigned char *b = NULL;
	size_t n = 0;
	BIGNUM *bn;

	if (!v || unb64(v, strlen(v), &b, &n) || n == 0) {
		free(b);
		return NULL;
	}
	bn = BN_bin2bn(b, (int)n, NULL);
	free(b);
	return bn;
}

static EVP_PKEY *jwk_key(const json_t *k)
{
	BIGNUM *n = jwk_bn(k, "n"), *e = jwk_bn(k, "e");
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (n && e && bld && BN_num_bits(n) >= 2048 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return key;
}

static int verify_rs256(EVP_PKEY *key, const char *signed_part, size_t len,
                        const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	         EVP_DigestVerify(md, sig, siglen, (const unsigned char *)signed_part, len) == 1;

	EVP_MD_CTX_free(md);
	return ok;
}

int oidc_jwt_verify(const char *jwt, const json_t *jwks, json_t **claims, struct err *err)
{
	const char *d1, *d2, *alg, *kid;
	json_t *head = NULL, *body = NULL;
	unsigned char *sig = NULL;
	const json_t *jwk;
	EVP_PKEY *key = NULL;
	size_t siglen = 0, len;
	int rc = KV_OK;

	*claims = NULL;
	len = jwt ? strlen(jwt) : 0;
	if (len == 0 || len > JWT_MAX)
		return err_set(err, KV_EDENIED, "id_token: missing or longer than %zu bytes",
		               JWT_MAX);
	d1 = strchr(jwt, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d1 || !d2 || strchr(d2 + 1, '.'))
		return err_set(err, KV_EDENIED, "id_token: not a signed JWT (three parts)");
	head = part_json(jwt, (size_t)(d1 - jwt));
	if (!head) {
		rc = err_set(err, KV_EDENIED, "id_token: the header is not base64url JSON");
		goto out;
	}
	alg = json_string_value(json_object_get(head, "alg"));
	if (!alg || strcmp(alg, "RS256") != 0) {
		rc = err_set(err, KV_EDENIED, "id_token: alg '%s' is refused: only RS256 is taken",
		             alg ? alg : "(none)");
		goto out;
	}
	if (json_object_get(head, "crit")) {
		rc = err_set(err, KV_EDENIED, "id_token: the header has critical extensions");
		goto out;
	}
	kid = json_string_value(json_object_get(head, "kid"));
	jwk = find_key(jwks, kid);
	if (!jwk) {
		rc = err_set(err, KV_EDENIED, "id_token: the provider's JWKS has no RSA key '%s'",
		             kid ? kid : "(no kid)");
		goto out;
	}
	key = jwk_key(jwk);
	if (!key) {
		rc = err_set(err, KV_EDENIED,
		             "id_token: key '%s' of the JWKS is not a usable RSA key",
		             kid ? kid : "(no kid)");
		goto out;
	}
	if (unb64(d2 + 1, strlen(d2 + 1), &sig, &siglen) || siglen == 0 ||
	    !verify_rs256(key, jwt, (size_t)(d2 - jwt), sig, siglen)) {
		rc = err_set(err, KV_EDENIED, "id_token: the signature does not verify");
		goto out;
	}
	body = part_json(d1 + 1, (size_t)(d2 - d1 - 1));
	if (!body) {
		rc = err_set(err, KV_EDENIED, "id_token: the claims are not base64url JSON");
		goto out;
	}
	*claims = body;
out:
	free(sig);
	EVP_PKEY_free(key);
	json_decref(head);
	return rc;
}

static int time_claim(const json_t *claims, const char *name, int64_t *out)
{
	const json_t *v = json_object_get(claims, name);

	if (json_is_integer(v))
		*out = json_integer_value(v);
	else if (json_is_real(v))
		*out = (int64_t)json_real_value(v);
	else
		return 0;
	return 1;
}

int oidc_jwt_check(const json_t *claims, const struct oidc_jwt_expect *x, struct err *err)
{
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *nonce = json_string_value(json_object_get(claims, "nonce"));
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	const json_t *aud = json_object_get(claims, "aud"), *a;
	int64_t exp = 0, iat = 0;
	int found = 0;
	size_t i;

	if (!iss || strcmp(iss, x->issuer) != 0)
		return err_set(err, KV_EDENIED, "id_token: iss '%s' is not the issuer '%s'",
		               iss ? iss : "(none)", x->issuer);
	if (json_is_string(aud)) {
		found = strcmp(json_string_value(aud), x->audience) == 0;
	} else if (json_is_array(aud)) {
		json_array_foreach(aud, i, a) found |=
		        json_is_string(a) && strcmp(json_string_value(a), x->audience) == 0;
		if (found && json_array_size(aud) > 1 && (!azp || strcmp(azp, x->audience) != 0))
			return err_set(err, KV_EDENIED,
			               "id_token: several audiences and azp is not our client");
	}
	if (!found)
		return err_set(err, KV_EDENIED, "id_token: aud does not name our client_id");
	if (!time_claim(claims, "exp", &exp))
		return err_set(err, KV_EDENIED, "id_token: exp is missing");
	if (exp + x->leeway_s < x->now)
		return err_set(err, KV_EDENIED, "id_token: expired (exp %lld, now %lld)",
		               (long long)exp, (long long)x->now);
	if (!time_claim(claims, "iat", &iat))
		return err_set(err, KV_EDENIED, "id_token: iat is missing");
	if (iat - x->leeway_s > x->now)
		return err_set(err, KV_EDENIED, "id_token: issued in the future (iat %lld)",
		               (long long)iat);
	if (!nonce || !x->nonce || strlen(nonce) != strlen(x->nonce) ||
	    !hash_equal_ct(nonce, x->nonce, strlen(nonce)))
		return err_set(err, KV_EDENIED, "id_token: nonce is not the one this login sent");
	return KV_OK;
}
