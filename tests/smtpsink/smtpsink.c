/* A local SMTP sink for the mail tests: listens on 127.0.0.1 with a port the
 * system picks (written to a file), speaks enough SMTP for libcurl (EHLO/HELO,
 * optional AUTH PLAIN, optional STARTTLS with OpenSSL, MAIL FROM, RCPT TO,
 * DATA, RSET, NOOP, QUIT) and writes each message to its own file in a
 * directory, with the envelope in X-Sink-* lines on top. One connection at a
 * time; not a mail server.
 *
 *     smtpsink OUTDIR PORTFILE [--auth USER:PASSWORD] [--tls CERT KEY]
 *              [--stall-quit SECONDS]
 *
 * --tls offers STARTTLS and refuses MAIL before it; --stall-quit waits that
 * long before answering QUIT (a client killed then has had its message
 * accepted but not yet closed the connection).
 */
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_LEN 4096
#define MESSAGE_MAX  (8 << 20)
#define RCPT_MAX     100

struct conn {
	int fd;
	SSL *ssl; /* after STARTTLS */
	char in[8192];
	size_t have, pos;
};

static const char *outdir;
static const char *auth_user, *auth_pass;
static unsigned counter;
static SSL_CTX *tls_ctx;
static unsigned stall_quit;

static ssize_t conn_write(struct conn *c, const char *s, size_t n)
{
	if (c->ssl) {
		int w = SSL_write(c->ssl, s, (int)n);
		return w > 0 ? w : -1;
	}
	return write(c->fd, s, n);
}

static ssize_t conn_read(struct conn *c, char *buf, size_t n)
{
	if (c->ssl) {
		int r = SSL_read(c->ssl, buf, (int)n);
		return r > 0 ? r : -1;
	}
	return read(c->fd, buf, n);
}

static int send_str(struct conn *c, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = conn_write(c, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one line without its CRLF into line. 0 ok, -1 closed or too long. */
static int read_line(struct conn *c, char *line, size_t cap)
{
	size_t n = 0;

	for (;;) {
		if (c->pos == c->have) {
			ssize_t r = conn_read(c, c->in, sizeof(c->in));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			c->have = (size_t)r;
			c->pos = 0;
		}
		char ch = c->in[c->pos++];

		if (ch == '\n') {
			if (n && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			return 0;
		}
		if (n + 1 >= cap)
			return -1;
		line[n++] = ch;
	}
}

static int starts_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The address between < and > after a command. */
static void address_of(const char *arg, char *out, size_t cap)
{
	const char *lt = strchr(arg, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt)
		snprintf(out, cap, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, cap, "%s", arg);
}

static int check_plain(const char *b64)
{
	unsigned char bin[512];
	size_t len = 0;
	char want[512];
	size_t wlen;

	if (sodium_base642bin(bin, sizeof(bin), b64, strlen(b64), NULL, &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	wlen = (size_t)snprintf(want, sizeof(want), "%c%s%c%s", 0, auth_user, 0, auth_pass);
	return len == wlen && memcmp(bin, want, len) == 0;
}

static int write_message(const char *from, char rcpt[][256], int n_rcpt, const char *who, int tls,
                         const char *data, size_t len)
{
	char tmp[4096], path[4096];
	FILE *f;

	counter++;
	/* The pid keeps the names of a restarted sink apart. */
	snprintf(tmp, sizeof(tmp), "%s/.msg-%ld-%04u.tmp", outdir, (long)getpid(), counter);
	snprintf(path, sizeof(path), "%s/msg-%ld-%04u.eml", outdir, (long)getpid(), counter);
	f = fopen(tmp, "wb");
	if (!f)
		return -1;
	fprintf(f, "X-Sink-Mail-From: %s\r\n", from);
	for (int i = 0; i < n_rcpt; i++)
		fprintf(f, "X-Sink-Rcpt-To: %s\r\n", rcpt[i]);
	if (who)
		fprintf(f, "X-Sink-Auth: %s\r\n", who);
	if (tls)
		fprintf(f, "X-Sink-TLS: yes\r\n");
	fwrite(data, 1, len, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

static void session(struct conn *c)
{
	static char rcpt[RCPT_MAX][256];
	char line[LINE_MAX_LEN], from[256] = "";
	char *data = NULL;
	int n_rcpt = 0, have_from = 0, authed = 0;

	if (send_str(c, "220 smtpsink ready\r\n"))
		return;
	while (read_line(c, line, sizeof(line)) == 0) {
		if (starts_ci(line, "EHLO")) {
			send_str(c, "250-smtpsink\r\n250-8BITMIME\r\n");
			if (tls_ctx && !c->ssl)
				send_str(c, "250-STARTTLS\r\n");
			if (auth_user)
				send_str(c, "250-AUTH PLAIN\r\n");
			send_str(c, "250 SIZE 8388608\r\n");
		} else if (starts_ci(line, "STARTTLS")) {
			if (!tls_ctx || c->ssl) {
				send_str(c, "502 5.5.1 STARTTLS not offered\r\n");
				continue;
			}
			send_str(c, "220 2.0.0 Ready to start TLS\r\n");
			c->ssl = SSL_new(tls_ctx);
			if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_accept(c->ssl) != 1) {
				ERR_print_errors_fp(stderr);
				break;
			}
			/* RFC 3207: everything said before is forgotten. */
			c->have = c->pos = 0;
			have_from = 0;
			n_rcpt = 0;
			authed = 0;
		} else if (starts_ci(line, "HELO")) {
			send_str(c, "250 smtpsink\r\n");
		} else if (starts_ci(line, "AUTH PLAIN")) {
			const char *arg = line + 10;
			char resp[LINE_MAX_LEN];

			while (*arg == ' ')
				arg++;
			if (!*arg) {
				send_str(c, "334 \r\n");
				if (read_line(c, resp, sizeof(resp)))
					break;
				arg = resp;
			}
			authed = auth_user && check_plain(arg);
			send_str(c, authed ? "235 2.7.0 Authentication successful\r\n"
			                   : "535 5.7.8 Authentication credentials invalid\r\n");
		} else if (starts_ci(line, "MAIL FROM:")) {
			if (tls_ctx && !c->ssl) {
				send_str(c, "530 5.7.0 Must issue a STARTTLS command first\r\n");
				continue;
			}
			if (auth_user && !authed) {
				send_str(c, "530 5.7.0 Authentication required\r\n");
				continue;
			}
			address_of(line + 10, from, sizeof(from));
			have_from = 1;
			n_rcpt = 0;
			send_str(c, "250 2.1.0 Ok\r\n");
		} else if (starts_ci(line, "RCPT TO:")) {
			if (!have_from) {
				send_str(c, "503 5.5.1 MAIL first\r\n");
			} else if (n_rcpt == RCPT_MAX) {
				send_str(c, "452 4.5.3 Too many recipients\r\n");
			} else {
				address_of(line + 8, rcpt[n_rcpt++], sizeof(rcpt[0]));
				send_str(c, "250 2.1.5 Ok\r\n");
			}
		} else if (starts_ci(line, "DATA")) {
			size_t len = 0;
			int ok = 1;

			if (!have_from || n_rcpt == 0) {
				send_str(c, "503 5.5.1 MAIL and RCPT first\r\n");
				continue;
			}
			send_str(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
			free(data);
			data = malloc(MESSAGE_MAX);
			if (!data)
				break;
			for (;;) {
				const char *l = line;
				size_t n;

				if (read_line(c, line, sizeof(line))) {
					ok = -1;
					break;
				}
				if (strcmp(line, ".") == 0)
					break;
				if (line[0] == '.')
					l++; /* dot-stuffing */
				n = strlen(l);
				if (len + n + 2 > MESSAGE_MAX) {
					ok = 0;
					continue;
				}
				memcpy(data + len, l, n);
				memcpy(data + len + n, "\r\n", 2);
				len += n + 2;
			}
			if (ok < 0)
				break;
			if (ok && write_message(from, rcpt, n_rcpt, authed ? auth_user : NULL,
			                        c->ssl != NULL, data, len) == 0)
				send_str(c, "250 2.0.0 Ok: queued\r\n");
			else
				send_str(c, "552 5.3.4 Message not stored\r\n");
			have_from = 0;
			n_rcpt = 0;
		} else if (starts_ci(line, "RSET")) {
			have_from = 0;
			n_rcpt = 0;
			send_str(c, "250 2.0.0 Ok\r\n");
		} else if (starts_ci(line, "NOOP")) {
			send_str(c, "250 2.0.0 Ok\r\n");
		} else if (starts_ci(line, "QUIT")) {
			if (stall_quit)
				sleep(stall_quit);
			send_str(c, "221 2.0.0 Bye\r\n");
			break;
		} else {
			send_str(c, "502 5.5.2 Command not recognised\r\n");
		}
	}
	free(data);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = {0};
	socklen_t alen = sizeof(addr);
	char tmp[4096];
	FILE *pf;
	int fd, one = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: smtpsink OUTDIR PORTFILE [--auth USER:PASSWORD] "
		                "[--tls CERT KEY] [--stall-quit SECONDS]\n");
		return 2;
	}
	outdir = argv[1];
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--auth") == 0 && i + 1 < argc) {
			char *colon = strchr(argv[++i], ':');

			if (!colon) {
				fprintf(stderr, "smtpsink: --auth wants USER:PASSWORD\n");
				return 2;
			}
			*colon = '\0';
			auth_user = argv[i];
			auth_pass = colon + 1;
		} else if (strcmp(argv[i], "--tls") == 0 && i + 2 < argc) {
			tls_ctx = SSL_CTX_new(TLS_server_method());
			if (!tls_ctx ||
			    SSL_CTX_use_certificate_chain_file(tls_ctx, argv[i + 1]) != 1 ||
			    SSL_CTX_use_PrivateKey_file(tls_ctx, argv[i + 2], SSL_FILETYPE_PEM) !=
			            1) {
				ERR_print_errors_fp(stderr);
				return 1;
			}
			i += 2;
		} else if (strcmp(argv[i], "--stall-quit") == 0 && i + 1 < argc) {
			stall_quit = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "smtpsink: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &alen) != 0) {
		perror("smtpsink");
		return 1;
	}
	/* The port file appears whole or not at all. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	pf = fopen(tmp, "w");
	if (!pf || fprintf(pf, "%u\n", ntohs(addr.sin_port)) < 0 || fclose(pf) != 0 ||
	    rename(tmp, argv[2]) != 0) {
		perror("smtpsink: port file");
		return 1;
	}
	for (;;) {
		struct conn c = {0};

		c.fd = accept(fd, NULL, NULL);
		if (c.fd < 0) {
			if (errno == EINTR)
				continue;
			perror("smtpsink: accept");
			return 1;
		}
		session(&c);
		if (c.ssl) {
			SSL_shutdown(c.ssl);
			SSL_free(c.ssl);
		}
		close(c.fd);
	}
}
