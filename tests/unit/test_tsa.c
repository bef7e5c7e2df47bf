/* Tests for RFC 3161 timestamps: the query (records/tsa) as OpenSSL reads
 * it back, a whole exchange with the test TSA (tests/testtsa) and the checks
 * a token must pass (data, CA bundle, reply format), and records/timestamp:
 * a TSA that is down leaves the artefact pending with an alert and nothing
 * lost, a retry stamps it, the audit head once a day, and the [tsa] settings. */
#include "testlib.h"
#include "wf_fixture.h"

#include "base/buf.h"
#include "base/config.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/timestamp.h"
#include "records/tsa.h"

#include <openssl/ts.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char pki[4096];

static void make_pki(void)
{
	char cmd[9000];
	const char *src = getenv("KV_SOURCE_DIR");

	snprintf(pki, sizeof(pki), "%s/pki", test_tmpdir());
	snprintf(cmd, sizeof(cmd), "bash '%s/tests/testtsa/make-certs.sh' '%s'",
	         src ? src : KV_SOURCE_DIR, pki);
	CHECK_INT(system(cmd), 0);
}

static char *pki_file(const char *name)
{
	static char p[8][4200];
	static int k;
	char *out = p[k++ % 8];

	snprintf(out, sizeof(p[0]), "%s/%s", pki, name);
	return out;
}

/* Starts the test TSA; its URL into url. */
static pid_t start_tsa(char *url, size_t cap)
{
	const char *bin = getenv("KANALVAKT_BIN");
	char tsa[4200], portfile[4200], *dir, *port = NULL;
	pid_t pid;

	CHECK(bin != NULL);
	dir = strdup(bin);
	*strrchr(dir, '/') = '\0';
	snprintf(tsa, sizeof(tsa), "%s/testtsa", dir);
	free(dir);
	snprintf(portfile, sizeof(portfile), "%s/tsa.port", test_tmpdir());
	unlink(portfile);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execl(tsa, tsa, pki_file("tsa.pem"), pki_file("tsa.key"), pki_file("ca.pem"),
		      portfile, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !port; i++) {
		port = test_read_file(portfile, NULL);
		if (!port)
			usleep(20000);
	}
	CHECK(port != NULL);
	port[strcspn(port, "\n")] = '\0';
	snprintf(url, cap, "http://127.0.0.1:%s/", port);
	free(port);
	return pid;
}

static void stop_tsa(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void query_carries_digest_nonce_and_cert_request(void)
{
	uint8_t digest[TSA_DIGEST_LEN];
	struct buf q1, q2;
	const unsigned char *p;
	TS_REQ *req;
	TS_MSG_IMPRINT *mi;
	ASN1_OCTET_STRING *msg;
	struct err e = {0};

	CHECK_INT(tsa_digest_from_hex(
	                  digest,
	                  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", &e),
	          KV_OK);
	CHECK_INT(digest[0], 0x9f);
	CHECK_INT(digest[31], 0x08);
	CHECK_INT(tsa_digest_from_hex(digest, "9f86", &e), KV_EINVAL);
	buf_init(&q1, 4096);
	buf_init(&q2, 4096);
	CHECK_INT(tsa_query_build(&q1, digest, &e), KV_OK);
	CHECK_INT(tsa_query_build(&q2, digest, &e), KV_OK);
	p = (const unsigned char *)q1.ptr;
	req = d2i_TS_REQ(NULL, &p, (long)q1.len);
	CHECK(req != NULL);
	CHECK_INT(TS_REQ_get_version(req), 1);
	CHECK_INT(TS_REQ_get_cert_req(req), 1);
	CHECK(TS_REQ_get_nonce(req) != NULL);
	mi = TS_REQ_get_msg_imprint(req);
	msg = TS_MSG_IMPRINT_get_msg(mi);
	CHECK_INT(ASN1_STRING_length(msg), TSA_DIGEST_LEN);
	CHECK(memcmp(ASN1_STRING_get0_data(msg), digest, TSA_DIGEST_LEN) == 0);
	CHECK_INT(OBJ_obj2nid(TS_MSG_IMPRINT_get_algo(mi)->algorithm), NID_sha256);
	/* two queries differ by their nonce */
	CHECK(q1.len != q2.len || memcmp(q1.ptr, q2.ptr, q1.len) != 0);
	TS_REQ_free(req);
	buf_done(&q1);
	buf_done(&q2);
}

static void exchange_with_the_test_tsa_and_token_checks(void)
{
	uint8_t digest[TSA_DIGEST_LEN], other[TSA_DIGEST_LEN];
	struct tsa_info info;
	struct buf tok;
	struct err e = {0};
	char url[200];
	pid_t pid;

	make_pki();
	pid = start_tsa(url, sizeof(url));
	memset(digest, 0xab, sizeof(digest));
	memset(other, 0xcd, sizeof(other));
	buf_init(&tok, TSA_REPLY_MAX);
	CHECK_INT(tsa_stamp(url, pki_file("ca.pem"), 5, digest, &tok, &info, &e), KV_OK);
	CHECK(strlen(info.gen_time) == 20);
	CHECK(info.serial[0] != '\0');
	CHECK_INT(tsa_token_verify(tok.ptr, tok.len, digest, pki_file("ca.pem"), &info, &e), KV_OK);
	CHECK_INT(tsa_token_verify(tok.ptr, tok.len, other, pki_file("ca.pem"), NULL, &e),
	          KV_EDENIED);
	CHECK_CONTAINS(e.msg, "does not verify");
	CHECK_INT(tsa_token_verify(tok.ptr, tok.len, digest, pki_file("other-ca.pem"), NULL, &e),
	          KV_EDENIED);
	CHECK_INT(tsa_token_verify("garbage", 7, digest, pki_file("ca.pem"), NULL, &e), KV_EINVAL);
	CHECK_INT(tsa_token_verify(tok.ptr, tok.len, digest, pki_file("missing.pem"), NULL, &e),
	          KV_EIO);
	/* a reply is checked against its own query: another query's nonce fails */
	{
		struct buf q;

		buf_init(&q, 4096);
		CHECK_INT(tsa_query_build(&q, digest, &e), KV_OK);
		CHECK_INT(tsa_reply_verify(tok.ptr, tok.len, &q, pki_file("ca.pem"), NULL, &e),
		          KV_EDENIED);
		buf_done(&q);
	}
	/* a signer cert for the CA but the TSA's own certificate as CA is not enough */
	CHECK_INT(tsa_token_verify(tok.ptr, tok.len, digest, pki_file("tsa.pem"), NULL, &e),
	          KV_EDENIED);
	stop_tsa(pid);
	buf_clear(&tok);
	CHECK_INT(tsa_stamp(url, pki_file("ca.pem"), 5, digest, &tok, &info, &e), KV_EIO);
	CHECK_CONTAINS(e.msg, url);
	buf_done(&tok);
}

static void settings_are_checked(void)
{
	struct config *c = config_new();
	struct timestamp_conf tc;
	struct err e = {0};

	CHECK_INT(timestamp_conf_load(NULL, &tc, &e), KV_OK);
	CHECK(tc.url == NULL);
	config_set(c, "tsa", "url", "http://tsa.example/");
	CHECK_INT(timestamp_conf_load(c, &tc, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[tsa] url is set but ca is not");
	config_set(c, "tsa", "ca", "/etc/ssl/tsa.pem");
	config_set(c, "tsa", "timeout", "0");
	CHECK_INT(timestamp_conf_load(c, &tc, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "timeout");
	config_set(c, "tsa", "timeout", "7");
	CHECK_INT(timestamp_conf_load(c, &tc, &e), KV_OK);
	CHECK_INT(tc.timeout_s, 7);
	CHECK_STR(tc.ca_file, "/etc/ssl/tsa.pem");
	config_free(c);
}

static void tsa_down_keeps_the_artefact_pending_until_a_retry(void)
{
	struct wf fx = wf_setup();
	struct principal who;
	struct op_ctx op;
	struct timestamp_conf tc = {.timeout_s = 5};
	struct timestamp_result r;
	struct timestamp_check chk;
	struct err e = {0};
	char url[200], file[4200], tsr[4300];
	struct stat st;
	int stamped = -1, pending = -1, done = 0;
	pid_t pid;

	make_pki();
	principal_init_shell(&who, "arkivarie");
	op_ctx_init(&op, fx.s, fx.org, &who, wf_at("2026-08-01 09:00"));
	snprintf(file, sizeof(file), "%s/protokoll.json", test_tmpdir());
	snprintf(tsr, sizeof(tsr), "%s.tsr", file);
	test_write_file(file, "{\"gallrat\":3}\n", 14);
	tc.url = "http://127.0.0.1:1/";
	tc.ca_file = pki_file("ca.pem");
	CHECK_INT(timestamp_file(&op, &tc, file, TIMESTAMP_KIND_PROTOKOLL, "1", &r, &e), KV_OK);
	CHECK_INT(r.stamped, 0);
	CHECK_CONTAINS(r.error, "127.0.0.1:1");
	CHECK(stat(tsr, &st) != 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM timestamp_token WHERE state = 'pending'"), 1);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM alert WHERE kind = 'timestamp.missing'"), 1);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'timestamp.pending'"),
	          1);
	CHECK_INT(timestamp_check_file(&op, &tc, file, &chk, &e), KV_OK);
	CHECK_INT(chk.ok, 0);
	CHECK_CONTAINS(chk.problem, "untimestamped");
	CHECK_INT(timestamp_retry_pending(&op, &tc, &stamped, &pending, &e), KV_OK);
	CHECK_INT(stamped, 0);
	CHECK_INT(pending, 1);

	pid = start_tsa(url, sizeof(url));
	tc.url = url;
	CHECK_INT(timestamp_retry_pending(&op, &tc, &stamped, &pending, &e), KV_OK);
	CHECK_INT(stamped, 1);
	CHECK_INT(pending, 0);
	CHECK_INT(stat(tsr, &st), 0);
	CHECK_INT(wf_count(&fx, "SELECT COUNT(*) FROM timestamp_token WHERE state = 'stamped'"), 1);
	CHECK_INT(timestamp_check_file(&op, &tc, file, &chk, &e), KV_OK);
	CHECK_INT(chk.ok, 1);
	/* a changed file no longer matches its token */
	test_write_file(file, "{\"gallrat\":4}\n", 14);
	CHECK_INT(timestamp_check_file(&op, &tc, file, &chk, &e), KV_OK);
	CHECK_INT(chk.ok, 0);

	/* the audit head: once per day */
	CHECK_INT(timestamp_audit_head(&op, &tc, &done, &r, &e), KV_OK);
	CHECK_INT(done, 1);
	CHECK_INT(r.stamped, 1);
	CHECK_INT(timestamp_audit_head(&op, &tc, &done, &r, &e), KV_OK);
	CHECK_INT(done, 0);
	CHECK_INT(timestamp_check_audit(&op, &tc, &chk, &e), KV_OK);
	CHECK_INT(chk.ok, 1);
	op.now += 86400;
	CHECK_INT(timestamp_audit_head(&op, &tc, &done, &r, &e), KV_OK);
	CHECK_INT(done, 1);
	stop_tsa(pid);
	store_free(fx.s);
}

TEST_MAIN(T(query_carries_digest_nonce_and_cert_request),
          T(exchange_with_the_test_tsa_and_token_checks), T(settings_are_checked),
          T(tsa_down_keeps_the_artefact_pending_until_a_retry))
