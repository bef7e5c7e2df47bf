/* Hashing on libsodium: SHA-256, HMAC-SHA-256, constant-time compare. */
#include "base/hash.h"

#include "base/err.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((struct hash_sha256_ctx *)0)->opaque),
               "hash_sha256_ctx too small");

int hash_init(void)
{
	return sodium_init() < 0 ? KV_EINTERNAL : KV_OK;
}

void hash_sha256(uint8_t out[HASH_SHA256_LEN], const void *data, size_t len)
{
	/* One-shot hashes (every captured text, every audit entry) go through
	 * OpenSSL, which uses the CPU's SHA extensions where present: about
	 * twice as fast as libsodium's portable code for short texts. The
	 * result is the same SHA-256. */
	if (EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL) != 1)
		crypto_hash_sha256(out, data, len);
}

void hash_hex(char *out, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

void hash_sha256_hex(char out[HASH_SHA256_HEX_LEN + 1], const void *data, size_t len)
{
	uint8_t h[HASH_SHA256_LEN];

	hash_sha256(h, data, len);
	hash_hex(out, h, sizeof(h));
}

void hash_sha256_begin(struct hash_sha256_ctx *ctx)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)ctx->opaque);
}

void hash_sha256_update(struct hash_sha256_ctx *ctx, const void *data, size_t len)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)ctx->opaque, data, len);
}

void hash_sha256_end_hex(struct hash_sha256_ctx *ctx, char out[HASH_SHA256_HEX_LEN + 1])
{
	uint8_t h[HASH_SHA256_LEN];

	crypto_hash_sha256_final((crypto_hash_sha256_state *)ctx->opaque, h);
	hash_hex(out, h, sizeof(h));
}

void hash_hmac_sha256(uint8_t out[HASH_SHA256_LEN], const void *key, size_t keylen,
                      const void *data, size_t len)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, data, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

int hash_equal_ct(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}
