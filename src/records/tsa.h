/* RFC 3161 on the wire: builds a time-stamp query for a SHA-256 digest,
 * POSTs it to a TSA (libcurl, application/timestamp-query), and verifies the
 * reply (or a stored one) with OpenSSL's TS API against a CA bundle: status
 * granted, the signature and the signer's chain (EKU timeStamping), the
 * message imprint, and the nonce of the query. No store, no policy: which
 * artefacts are stamped and what happens when the TSA is down is
 * records/timestamp. A token is kept as the whole TimeStampResp (DER), the
 * ".tsr" file that `openssl ts -verify -in F.tsr -data F -CAfile CA` reads. */
#ifndef KV_RECORDS_TSA_H
#define KV_RECORDS_TSA_H

#include "base/buf.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

#define TSA_DIGEST_LEN      32 /* SHA-256 */
#define TSA_TIME_MAX        32 /* "2026-12-07T01:02:03Z" */
#define TSA_REPLY_MAX       ((size_t)1 << 20)
#define TSA_DEFAULT_TIMEOUT 20

/* Decodes 64 hex digits into a digest. KV_EINVAL when sha_hex is not one. */
int tsa_digest_from_hex(uint8_t out[TSA_DIGEST_LEN], const char *sha_hex, struct err *err);

/* Builds a DER TimeStampReq for digest with a random 64-bit nonce and
 * certReq set, appended to der. KV_EINTERNAL when OpenSSL fails. */
int tsa_query_build(struct buf *der, const uint8_t digest[TSA_DIGEST_LEN], struct err *err);

/* POSTs query to url and appends the reply body to reply (at most
 * TSA_REPLY_MAX bytes). KV_EIO naming the URL when the TSA cannot be reached,
 * answers with a status other than 200, or with another content type. */
int tsa_post(const char *url, const struct buf *query, long timeout_s, struct buf *reply,
             struct err *err);

/* What a verified reply says. */
struct tsa_info {
	char gen_time[TSA_TIME_MAX]; /* the TSA's time, ISO 8601 UTC */
	char serial[64];             /* the token's serial number (hex) */
};

/* Verifies reply against the query it answers (imprint and nonce) and the
 * CA bundle ca_file (PEM). KV_EDENIED saying why when the TSA refused or the
 * reply does not verify, KV_EINVAL when reply is not a TimeStampResp,
 * KV_EIO when ca_file cannot be read. info may be NULL. */
int tsa_reply_verify(const void *reply, size_t reply_len, const struct buf *query,
                     const char *ca_file, struct tsa_info *info, struct err *err);

/* Verifies a stored reply against the digest of the data it stamps (no
 * nonce: the query is gone). Errors as tsa_reply_verify. */
int tsa_token_verify(const void *reply, size_t reply_len, const uint8_t digest[TSA_DIGEST_LEN],
                     const char *ca_file, struct tsa_info *info, struct err *err);

/* The whole exchange: builds the query for digest, POSTs it to url, verifies
 * the reply against ca_file, and appends the reply (the token to keep) to
 * token. Errors of the steps above. */
int tsa_stamp(const char *url, const char *ca_file, long timeout_s,
              const uint8_t digest[TSA_DIGEST_LEN], struct buf *token, struct tsa_info *info,
              struct err *err);

#endif
