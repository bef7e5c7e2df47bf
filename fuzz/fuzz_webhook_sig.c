/* libFuzzer target for the X-Hub-Signature-256 parser and check: the input is
 * a header value, a newline, then a body. Whatever the bytes, no crash; a
 * parsed MAC round-trips to the same hex; a check passes only when the header
 * is the HMAC of the body under the fuzz secret. */
#include "base/hash.h"
#include "http/webhook.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "fuzz-secret"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size;
	const uint8_t *body = nl ? nl + 1 : data + size;
	size_t blen = size - hlen - (nl ? 1 : 0);
	uint8_t mac[HASH_SHA256_LEN], want[HASH_SHA256_LEN];
	char hex[HASH_SHA256_HEX_LEN + 1];
	char *header;
	struct err e;
	int rc;

	if (hash_init() != KV_OK)
		abort();
	rc = webhook_parse_signature(mac, (const char *)data, hlen, &e);
	if (rc == KV_OK) {
		if (hlen != 7 + HASH_SHA256_HEX_LEN || memcmp(data, "sha256=", 7) != 0)
			abort();
		hash_hex(hex, mac, sizeof(mac));
		for (size_t i = 0; i < HASH_SHA256_HEX_LEN; i++) {
			char c = (char)data[7 + i];

			if (c >= 'A' && c <= 'F')
				c = (char)(c - 'A' + 'a');
			if (c != hex[i])
				abort();
		}
	} else if (rc != KV_EINVAL && rc != KV_EDENIED) {
		abort();
	}
	header = malloc(hlen + 1);
	if (!header)
		return 0;
	memcpy(header, data, hlen);
	header[hlen] = '\0';
	rc = webhook_verify_signature(header, SECRET, body, blen, &e);
	if (rc == KV_OK) {
		hash_hmac_sha256(want, SECRET, strlen(SECRET), body, blen);
		if (webhook_parse_signature(mac, header, strlen(header), &e) != KV_OK ||
		    memcmp(mac, want, sizeof(mac)) != 0)
			abort();
	}
	free(header);
	return 0;
}
