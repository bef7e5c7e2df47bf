/* SHA-256 (OpenSSL, libsodium), HMAC-SHA-256 and constant-time comparison (libsodium).
 * Used for the audit chain, the blob store and webhook signatures. */
#ifndef KV_BASE_HASH_H
#define KV_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256_LEN     32
#define HASH_SHA256_HEX_LEN 64

/* Initialises the crypto library; idempotent. 0 or KV_EINTERNAL. */
int hash_init(void);

void hash_sha256(uint8_t out[HASH_SHA256_LEN], const void *data, size_t len);

/* Hex SHA-256 of data into out (65 bytes with the NUL). */
void hash_sha256_hex(char out[HASH_SHA256_HEX_LEN + 1], const void *data, size_t len);

/* Incremental SHA-256 for streams; the state is opaque storage. */
struct hash_sha256_ctx {
	_Alignas(16) unsigned char opaque[128];
};
void hash_sha256_begin(struct hash_sha256_ctx *ctx);
void hash_sha256_update(struct hash_sha256_ctx *ctx, const void *data, size_t len);
void hash_sha256_end_hex(struct hash_sha256_ctx *ctx, char out[HASH_SHA256_HEX_LEN + 1]);

void hash_hmac_sha256(uint8_t out[HASH_SHA256_LEN], const void *key, size_t keylen,
                      const void *data, size_t len);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hash_hex(char *out, const uint8_t *bytes, size_t n);

/* Constant-time equality of two byte strings of length n: 1 equal, 0 not. */
int hash_equal_ct(const void *a, const void *b, size_t n);

#endif
