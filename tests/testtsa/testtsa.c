/* A tiny RFC 3161 time-stamp authority for the tests: listens on 127.0.0.1
 * with a port the system picks (written to a file), answers POSTs of
 * application/timestamp-query with a reply made by OpenSSL's TS_RESP_CTX,
 * signed by the certificate and key given. Not a TSA: no policy, no HSM.
 *
 *     testtsa SIGNER_CERT SIGNER_KEY CA_CERT PORTFILE [LOGFILE]
 *
 * The certificates are made by tests/testtsa/make-certs.sh. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QUERY_MAX 65536

static volatile sig_atomic_t stop;
static TS_RESP_CTX *tsctx;
static FILE *log_file;
static long next_serial = 1;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("testtsa: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static ASN1_INTEGER *serial_cb(TS_RESP_CTX *ctx, void *data)
{
	ASN1_INTEGER *n = ASN1_INTEGER_new();

	if (n)
		ASN1_INTEGER_set(n, next_serial++);
	return n;
}

struct upload {
	char *data;
	size_t len;
	int over;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const void *body, size_t len)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **req)
{
	struct upload *up = *req;
	const char *ctype;
	unsigned char *der = NULL;
	TS_RESP *resp = NULL;
	BIO *in;
	int n;
	enum MHD_Result ret;

	if (!up) {
		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		*req = up;
		return MHD_YES;
	}
	if (*size) {
		if (up->len + *size > QUERY_MAX) {
			up->over = 1;
		} else {
			char *p = realloc(up->data, up->len + *size);

			if (!p)
				return MHD_NO;
			memcpy(p + up->len, data, *size);
			up->data = p;
			up->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "POST") != 0)
		return reply(c, 405, "text/plain", "POST only\n", 10);
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (!ctype || strcmp(ctype, "application/timestamp-query") != 0 || up->over)
		return reply(c, 400, "text/plain", "bad request\n", 12);
	in = BIO_new_mem_buf(up->data ? up->data : "", (int)up->len);
	resp = in ? TS_RESP_create_response(tsctx, in) : NULL;
	BIO_free(in);
	n = resp ? i2d_TS_RESP(resp, &der) : -1;
	if (log_file) {
		fprintf(log_file, "POST %s %zu bytes -> %d\n", url, up->len, n);
		fflush(log_file);
	}
	if (n <= 0)
		ret = reply(c, 500, "text/plain", "cannot answer\n", 14);
	else
		ret = reply(c, 200, "application/timestamp-reply", der, (size_t)n);
	OPENSSL_free(der);
	TS_RESP_free(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req,
                         enum MHD_RequestTerminationCode toe)
{
	struct upload *up = *req;

	if (up) {
		free(up->data);
		free(up);
		*req = NULL;
	}
}

static void on_signal(int sig)
{
	stop = 1;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	if (!x)
		die("%s: not a PEM certificate", path);
	return x;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *signer, *ca;
	EVP_PKEY *key;
	FILE *f;
	char tmp[1024];

	if (argc != 5 && argc != 6)
		die("usage: testtsa SIGNER_CERT SIGNER_KEY CA_CERT PORTFILE [LOGFILE]");
	signer = read_cert(argv[1]);
	ca = read_cert(argv[3]);
	f = fopen(argv[2], "r");
	key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (!key)
		die("%s: not a PEM private key", argv[2]);
	if (argc == 6 && !(log_file = fopen(argv[5], "a")))
		die("%s: %s", argv[5], strerror(errno));
	sk_X509_push(chain, ca);
	tsctx = TS_RESP_CTX_new();
	if (!tsctx || !TS_RESP_CTX_set_signer_cert(tsctx, signer) ||
	    !TS_RESP_CTX_set_signer_key(tsctx, key) || !TS_RESP_CTX_set_certs(tsctx, chain) ||
	    !TS_RESP_CTX_set_def_policy(tsctx, OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1)) ||
	    !TS_RESP_CTX_add_md(tsctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_signer_digest(tsctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(tsctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_accuracy(tsctx, 1, 0, 0))
		die("cannot set up the TS_RESP_CTX");
	TS_RESP_CTX_set_serial_cb(tsctx, serial_cb, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	                     answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!d)
		die("cannot listen on 127.0.0.1");
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || !info->port)
		die("cannot tell the port");
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[4]);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", (unsigned)info->port) < 0 || fclose(f) != 0 ||
	    rename(tmp, argv[4]) != 0)
		die("%s: cannot write the port", argv[4]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	TS_RESP_CTX_free(tsctx);
	X509_free(signer);
	X509_free(ca);
	sk_X509_free(chain);
	EVP_PKEY_free(key);
	if (log_file)
		fclose(log_file);
	return 0;
}
