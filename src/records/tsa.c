/* RFC 3161 query, POST and verification (see tsa.h). OpenSSL's TS API does
 * the ASN.1 and the checks; this file only wires it to our buffers and
 * errors. */
#include "records/tsa.h"

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The most specific OpenSSL message waiting, cleared. */
static const char *ssl_reason(char *out, size_t cap)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (!last)
		return "unknown reason";
	ERR_error_string_n(last, out, cap);
	return out;
}

int tsa_digest_from_hex(uint8_t out[TSA_DIGEST_LEN], const char *sha_hex, struct err *err)
{
	if (!sha_hex || strlen(sha_hex) != 2 * TSA_DIGEST_LEN)
		return err_set(err, KV_EINVAL, "not a SHA-256 digest: '%s'",
		               sha_hex ? sha_hex : "");
	for (size_t i = 0; i < TSA_DIGEST_LEN; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = sha_hex[2 * i + (size_t)k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return err_set(err, KV_EINVAL, "not a SHA-256 digest: '%s'",
				               sha_hex);
		}
		out[i] = (uint8_t)v;
	}
	return KV_OK;
}

int tsa_query_build(struct buf *der, const uint8_t digest[TSA_DIGEST_LEN], struct err *err)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIGNUM *bn = BN_new();
	ASN1_INTEGER *nonce = NULL;
	unsigned char *p = NULL;
	char why[256];
	int n, rc = KV_EINTERNAL;

	if (!req || !mi || !alg || !bn)
		goto out;
	if (!X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, alg) ||
	    !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, TSA_DIGEST_LEN) ||
	    !TS_REQ_set_version(req, 1) || !TS_REQ_set_msg_imprint(req, mi))
		goto out;
	if (!BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) || !TS_REQ_set_nonce(req, nonce) ||
	    !TS_REQ_set_cert_req(req, 1))
		goto out;
	n = i2d_TS_REQ(req, &p);
	if (n <= 0)
		goto out;
	rc = buf_put(der, p, (size_t)n);
	if (rc)
		rc = err_set(err, rc, "time-stamp query does not fit its buffer");
out:
	if (rc == KV_EINTERNAL)
		err_set(err, rc, "cannot build a time-stamp query: %s",
		        ssl_reason(why, sizeof(why)));
	OPENSSL_free(p);
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return rc;
}

struct sink {
	struct buf *b;
	int over;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	if (buf_put(s->b, data, size * n) != KV_OK) {
		s->over = 1;
		return 0;
	}
	return size * n;
}

int tsa_post(const char *url, const struct buf *query, long timeout_s, struct buf *reply,
             struct err *err)
{
	struct buf body;
	struct sink sink = {&body, 0};
	struct curl_slist *hdr = NULL;
	char cerr[CURL_ERROR_SIZE] = "";
	const char *ctype = NULL;
	long status = 0;
	CURL *c;
	CURLcode cc;
	int rc = KV_OK;

	if (!url || !*url)
		return err_set(err, KV_EINVAL, "no TSA configured ([tsa] url)");
	buf_init(&body, TSA_REPLY_MAX);
	c = curl_easy_init();
	hdr = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
	if (!c || !hdr) {
		rc = err_set(err, KV_ENOMEM, "out of memory for the TSA request");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, query->ptr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)query->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s > 0 ? timeout_s : TSA_DEFAULT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		rc = err_set(err, KV_EIO, "TSA %s: %s", url,
		             sink.over ? "reply too large"
		             : cerr[0] ? cerr
		                       : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
	if (status != 200) {
		rc = err_set(err, KV_EIO, "TSA %s answered HTTP %ld", url, status);
		goto out;
	}
	if (!ctype || strncmp(ctype, "application/timestamp-reply", 27) != 0) {
		rc = err_set(err, KV_EIO,
		             "TSA %s answered with content type '%s', not "
		             "application/timestamp-reply",
		             url, ctype ? ctype : "");
		goto out;
	}
	rc = buf_put(reply, body.ptr ? body.ptr : "", body.len);
	if (rc)
		rc = err_set(err, rc, "TSA %s: reply too large", url);
out:
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	buf_done(&body);
	return rc;
}

static void fill_info(TS_RESP *resp, struct tsa_info *info)
{
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	const ASN1_GENERALIZEDTIME *t;
	const ASN1_INTEGER *serial;
	struct tm tm;

	memset(info, 0, sizeof(*info));
	if (!tst)
		return;
	t = TS_TST_INFO_get_time(tst);
	if (t && ASN1_TIME_to_tm(t, &tm))
		strftime(info->gen_time, sizeof(info->gen_time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	serial = TS_TST_INFO_get_serial(tst);
	if (serial) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;

		if (hex)
			snprintf(info->serial, sizeof(info->serial), "%s", hex);
		OPENSSL_free(hex);
		BN_free(bn);
	}
}

/* Verifies resp with ctx (which this consumes), after giving it the store. */
static int verify_with(TS_VERIFY_CTX *ctx, const void *reply, size_t reply_len, const char *ca_file,
                       struct tsa_info *info, struct err *err)
{
	const unsigned char *p = reply;
	X509_STORE *store = NULL;
	TS_RESP *resp = NULL;
	char why[256];
	int rc = KV_OK;

	ERR_clear_error();
	resp = d2i_TS_RESP(NULL, &p, (long)reply_len);
	if (!resp) {
		rc = err_set(err, KV_EINVAL, "not an RFC 3161 time-stamp reply (%s)",
		             ssl_reason(why, sizeof(why)));
		goto out;
	}
	if (!ca_file || !*ca_file) {
		rc = err_set(err, KV_EINVAL, "no CA bundle configured for the TSA ([tsa] ca)");
		goto out;
	}
	store = X509_STORE_new();
	if (!store || !X509_STORE_load_file(store, ca_file)) {
		rc = err_set(err, KV_EIO, "cannot read the TSA CA bundle %s: %s", ca_file,
		             ssl_reason(why, sizeof(why)));
		X509_STORE_free(store);
		goto out;
	}
	TS_VERIFY_CTX_set_store(ctx, store); /* ctx owns the store now */
	if (TS_RESP_verify_response(ctx, resp) != 1) {
		rc = err_set(err, KV_EDENIED, "time-stamp does not verify: %s",
		             ssl_reason(why, sizeof(why)));
		goto out;
	}
	if (info)
		fill_info(resp, info);
out:
	TS_RESP_free(resp);
	TS_VERIFY_CTX_free(ctx);
	return rc;
}

int tsa_reply_verify(const void *reply, size_t reply_len, const struct buf *query,
                     const char *ca_file, struct tsa_info *info, struct err *err)
{
	const unsigned char *p = (const unsigned char *)query->ptr;
	TS_VERIFY_CTX *ctx;
	TS_REQ *req;
	char why[256];

	ERR_clear_error();
	req = d2i_TS_REQ(NULL, &p, (long)query->len);
	if (!req)
		return err_set(err, KV_EINVAL, "not a time-stamp query (%s)",
		               ssl_reason(why, sizeof(why)));
	/* Checks version, signature, the imprint and the nonce of the query. */
	ctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
	TS_REQ_free(req);
	if (!ctx)
		return err_set(err, KV_EINTERNAL, "cannot set up time-stamp verification: %s",
		               ssl_reason(why, sizeof(why)));
	return verify_with(ctx, reply, reply_len, ca_file, info, err);
}

int tsa_token_verify(const void *reply, size_t reply_len, const uint8_t digest[TSA_DIGEST_LEN],
                     const char *ca_file, struct tsa_info *info, struct err *err)
{
	TS_VERIFY_CTX *ctx = TS_VERIFY_CTX_new();
	unsigned char *imprint = OPENSSL_memdup(digest, TSA_DIGEST_LEN);

	if (!ctx || !imprint) {
		TS_VERIFY_CTX_free(ctx);
		OPENSSL_free(imprint);
		return err_set(err, KV_ENOMEM, "out of memory verifying a time-stamp");
	}
	TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
	TS_VERIFY_CTX_set_imprint(ctx, imprint, TSA_DIGEST_LEN); /* ctx owns it */
	return verify_with(ctx, reply, reply_len, ca_file, info, err);
}

int tsa_stamp(const char *url, const char *ca_file, long timeout_s,
              const uint8_t digest[TSA_DIGEST_LEN], struct buf *token, struct tsa_info *info,
              struct err *err)
{
	struct buf query, reply;
	int rc;

	buf_init(&query, 4096);
	buf_init(&reply, TSA_REPLY_MAX);
	rc = tsa_query_build(&query, digest, err);
	if (!rc)
		rc = tsa_post(url, &query, timeout_s, &reply, err);
	if (!rc)
		rc = tsa_reply_verify(reply.ptr, reply.len, &query, ca_file, info, err);
	if (!rc && buf_put(token, reply.ptr, reply.len) != KV_OK)
		rc = err_set(err, KV_ENOMEM, "time-stamp token does not fit its buffer");
	buf_done(&query);
	buf_done(&reply);
	return rc;
}
