/* A small OpenID Connect provider for tests, on 127.0.0.1 (OS-chosen port,
 * written to PORTFILE): the discovery document, /authorize (approves the one
 * configured user at once and sends the browser back with code and state),
 * /token (checks the client secret, the redirect_uri and the PKCE verifier
 * against the S256 challenge; a code is good once) and /jwks. It makes an
 * RSA key at start and signs RS256 ID tokens. A test tool only: never built
 * into kanalvakt.
 *
 * usage: fakeidp PORTFILE CLIENT_ID CLIENT_SECRET SUB USERNAME GROUPS
 *   GROUPS  comma list for the "groups" claim ("-" for none)
 * GET /knob?mode=M sets how the next ID tokens misbehave: ok, wrong_aud,
 * wrong_iss, expired, future_iat, bad_sig, wrong_nonce, alg_none, hs256,
 * no_nonce, unknown_kid; GET /knob?user=NAME&sub=S&groups=G changes the
 * user approved. */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CODES 64

struct code {
	char code[65];
	char challenge[128];
	char nonce[256];
	char redirect[512];
	int used;
};

static EVP_PKEY *key;
static char issuer[64], client_id[128], client_secret[128];
static char sub[128], username[128], groups[512], mode[32] = "ok";
static struct code codes[MAX_CODES];
static size_t n_codes;

static void b64url(char *out, size_t cap, const unsigned char *in, size_t n)
{
	sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static char *b64url_new(const unsigned char *in, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(cap);

	if (s)
		b64url(s, cap, in, n);
	return s;
}

static char *bn_b64(const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	int n;

	if (!EVP_PKEY_get_bn_param(key, name, &bn))
		return NULL;
	n = BN_bn2bin(bn, buf);
	BN_free(bn);
	return b64url_new(buf, (size_t)n);
}

static int reply(struct MHD_Connection *c, unsigned status, const char *type, const char *body)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	int ret;

	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static int reply_json(struct MHD_Connection *c, unsigned status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);
	int ret = reply(c, status, "application/json", s ? s : "{}");

	free(s);
	json_decref(v);
	return ret;
}

static int oauth_error(struct MHD_Connection *c, unsigned status, const char *code, const char *d)
{
	return reply_json(c, status, json_pack("{s:s,s:s}", "error", code, "error_description", d));
}

static int discovery(struct MHD_Connection *c)
{
	char a[128], t[128], j[128];

	snprintf(a, sizeof(a), "%s/authorize", issuer);
	snprintf(t, sizeof(t), "%s/token", issuer);
	snprintf(j, sizeof(j), "%s/jwks", issuer);
	return reply_json(c, 200,
	                  json_pack("{s:s,s:s,s:s,s:s,s:[s],s:[s],s:[s],s:[s]}", "issuer", issuer,
	                            "authorization_endpoint", a, "token_endpoint", t, "jwks_uri", j,
	                            "response_types_supported", "code",
	                            "id_token_signing_alg_values_supported", "RS256",
	                            "code_challenge_methods_supported", "S256",
	                            "token_endpoint_auth_methods_supported", "client_secret_post"));
}

static int jwks(struct MHD_Connection *c)
{
	char *n = bn_b64("n"), *e = bn_b64("e");
	json_t *v = json_pack("{s:[{s:s,s:s,s:s,s:s,s:s,s:s}]}", "keys", "kty", "RSA", "kid", "k1",
	                      "use", "sig", "alg", "RS256", "n", n, "e", e);

	free(n);
	free(e);
	return reply_json(c, 200, v);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static int authorize(struct MHD_Connection *c)
{
	const char *rt = arg(c, "response_type"), *cid = arg(c, "client_id");
	const char *redirect = arg(c, "redirect_uri"), *state = arg(c, "state");
	const char *nonce = arg(c, "nonce"), *ch = arg(c, "code_challenge");
	const char *method = arg(c, "code_challenge_method"), *scope = arg(c, "scope");
	unsigned char raw[32];
	char loc[2048];
	struct MHD_Response *r;
	struct code *k;
	int ret;

	if (!rt || strcmp(rt, "code") != 0 || !cid || strcmp(cid, client_id) != 0 || !redirect ||
	    !state || !ch || !method || strcmp(method, "S256") != 0 || !scope ||
	    !strstr(scope, "openid"))
		return reply(c, 400, "text/plain", "bad authorization request\n");
	if (n_codes == MAX_CODES)
		n_codes = 0;
	k = &codes[n_codes++];
	memset(k, 0, sizeof(*k));
	RAND_bytes(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(k->code + 2 * i, 3, "%02x", raw[i]);
	snprintf(k->challenge, sizeof(k->challenge), "%s", ch);
	snprintf(k->nonce, sizeof(k->nonce), "%s", nonce ? nonce : "");
	snprintf(k->redirect, sizeof(k->redirect), "%s", redirect);
	if (strlen(redirect) + strlen(state) > 1024)
		return reply(c, 400, "text/plain", "too long\n");
	snprintf(loc, sizeof(loc), "%.512s%scode=%.64s&state=%.256s", redirect,
	         strchr(redirect, '?') ? "&" : "?", k->code, state);
	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Location", loc);
	ret = MHD_queue_response(c, 302, r);
	MHD_destroy_response(r);
	return ret;
}

/* The value of name in a form body (URL-decoded into out). */
static int form_get(const char *body, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	for (const char *p = body; p && *p;) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = len - nl - 1;

			if (vl >= cap)
				return 0;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			for (char *q = out; *q; q++)
				if (*q == '+')
					*q = ' ';
			MHD_http_unescape(out);
			return 1;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static char *sign(const char *alg, const json_t *claims)
{
	json_t *h = json_pack("{s:s,s:s,s:s}", "alg", alg, "typ", "JWT", "kid",
	                      strcmp(mode, "unknown_kid") == 0 ? "k9" : "k1");
	char *hs = json_dumps(h, JSON_COMPACT), *cs = json_dumps(claims, JSON_COMPACT);
	char *h64 = b64url_new((unsigned char *)hs, strlen(hs));
	char *c64 = b64url_new((unsigned char *)cs, strlen(cs));
	size_t in_len = strlen(h64) + 1 + strlen(c64);
	char *input = malloc(in_len + 1), *out = NULL, *s64 = NULL;
	unsigned char sig[512];
	size_t siglen = sizeof(sig);

	snprintf(input, in_len + 1, "%s.%s", h64, c64);
	if (strcmp(alg, "none") == 0) {
		siglen = 0;
	} else if (strcmp(alg, "HS256") == 0) {
		/* The classic confusion: the public key's PEM as an HMAC secret. */
		BIO *b = BIO_new(BIO_s_mem());
		char *pem = NULL;
		long pl;
		unsigned int ml = 0;

		PEM_write_bio_PUBKEY(b, key);
		pl = BIO_get_mem_data(b, &pem);
		HMAC(EVP_sha256(), pem, (int)pl, (unsigned char *)input, in_len, sig, &ml);
		siglen = ml;
		BIO_free(b);
	} else {
		EVP_MD_CTX *md = EVP_MD_CTX_new();

		EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key);
		EVP_DigestSign(md, sig, &siglen, (unsigned char *)input, in_len);
		EVP_MD_CTX_free(md);
		if (strcmp(mode, "bad_sig") == 0)
			sig[siglen / 2] ^= 0x55;
	}
	s64 = siglen ? b64url_new(sig, siglen) : strdup("");
	out = malloc(in_len + strlen(s64) + 2);
	snprintf(out, in_len + strlen(s64) + 2, "%s.%s", input, s64);
	free(s64);
	free(input);
	free(h64);
	free(c64);
	free(hs);
	free(cs);
	json_decref(h);
	return out;
}

static int token(struct MHD_Connection *c, const char *body)
{
	char gt[64], code[128], redirect[512], cid[128], secret[128], verifier[256], ch[64];
	unsigned char d[SHA256_DIGEST_LENGTH];
	struct code *k = NULL;
	time_t now = time(NULL);
	json_t *claims, *g;
	char *idt;

	if (!form_get(body, "grant_type", gt, sizeof(gt)) || strcmp(gt, "authorization_code") != 0)
		return oauth_error(c, 400, "unsupported_grant_type", "authorization_code only");
	if (!form_get(body, "client_id", cid, sizeof(cid)) ||
	    !form_get(body, "client_secret", secret, sizeof(secret)) ||
	    strcmp(cid, client_id) != 0 || strcmp(secret, client_secret) != 0)
		return oauth_error(c, 401, "invalid_client", "client authentication failed");
	if (!form_get(body, "code", code, sizeof(code)))
		return oauth_error(c, 400, "invalid_request", "code missing");
	for (size_t i = 0; i < n_codes && !k; i++)
		if (strcmp(codes[i].code, code) == 0)
			k = &codes[i];
	if (!k || k->used)
		return oauth_error(c, 400, "invalid_grant", "unknown or used code");
	k->used = 1;
	if (!form_get(body, "redirect_uri", redirect, sizeof(redirect)) ||
	    strcmp(redirect, k->redirect) != 0)
		return oauth_error(c, 400, "invalid_grant", "redirect_uri differs");
	if (!form_get(body, "code_verifier", verifier, sizeof(verifier)) || strlen(verifier) < 43)
		return oauth_error(c, 400, "invalid_grant", "code_verifier missing");
	SHA256((unsigned char *)verifier, strlen(verifier), d);
	b64url(ch, sizeof(ch), d, sizeof(d));
	if (strcmp(ch, k->challenge) != 0)
		return oauth_error(c, 400, "invalid_grant", "code_verifier does not match");

	claims = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "iss",
	                   strcmp(mode, "wrong_iss") == 0 ? "http://127.0.0.1:1" : issuer, "sub",
	                   sub, "aud", strcmp(mode, "wrong_aud") == 0 ? "someone-else" : client_id,
	                   "preferred_username", username, "iat",
	                   (json_int_t)(strcmp(mode, "future_iat") == 0 ? now + 3600 : now), "exp",
	                   (json_int_t)(strcmp(mode, "expired") == 0 ? now - 3600 : now + 300));
	if (strcmp(mode, "no_nonce") != 0)
		json_object_set_new(
		        claims, "nonce",
		        json_string(strcmp(mode, "wrong_nonce") == 0 ? "not-the-nonce" : k->nonce));
	g = json_array();
	if (strcmp(groups, "-") != 0) {
		char buf[512];

		snprintf(buf, sizeof(buf), "%s", groups);
		for (char *p = buf; p && *p;) {
			char *comma = strchr(p, ',');

			if (comma)
				*comma = '\0';
			json_array_append_new(g, json_string(p));
			p = comma ? comma + 1 : NULL;
		}
	}
	json_object_set_new(claims, "groups", g);
	idt = sign(strcmp(mode, "alg_none") == 0 ? "none"
	           : strcmp(mode, "hs256") == 0  ? "HS256"
	                                         : "RS256",
	           claims);
	json_decref(claims);
	{
		json_t *v = json_pack("{s:s,s:s,s:i,s:s}", "access_token", "fake-access-token",
		                      "token_type", "Bearer", "expires_in", 300, "id_token", idt);

		free(idt);
		return reply_json(c, 200, v);
	}
}

static int knob(struct MHD_Connection *c)
{
	const char *m = arg(c, "mode"), *u = arg(c, "user"), *s = arg(c, "sub"),
	           *g = arg(c, "groups");

	if (m)
		snprintf(mode, sizeof(mode), "%s", m);
	if (u)
		snprintf(username, sizeof(username), "%s", u);
	if (s)
		snprintf(sub, sizeof(sub), "%s", s);
	if (g)
		snprintf(groups, sizeof(groups), "%s", g);
	return reply(c, 200, "text/plain", "ok\n");
}

struct upload {
	char *data;
	size_t len;
};

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **con_cls)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)version;
	if (!up) {
		up = calloc(1, sizeof(*up));
		*con_cls = up;
		return MHD_YES;
	}
	if (*size) {
		char *g = realloc(up->data, up->len + *size + 1);

		if (!g)
			return MHD_NO;
		memcpy(g + up->len, data, *size);
		up->len += *size;
		g[up->len] = '\0';
		up->data = g;
		*size = 0;
		return MHD_YES;
	}
	fprintf(stderr, "fakeidp: %s %s\n", method, url);
	if (strcmp(url, "/.well-known/openid-configuration") == 0)
		return discovery(c) == MHD_YES ? MHD_YES : MHD_NO;
	if (strcmp(url, "/jwks") == 0)
		return jwks(c) == MHD_YES ? MHD_YES : MHD_NO;
	if (strcmp(url, "/authorize") == 0)
		return authorize(c) == MHD_YES ? MHD_YES : MHD_NO;
	if (strcmp(url, "/token") == 0 && strcmp(method, "POST") == 0)
		return token(c, up->data ? up->data : "") == MHD_YES ? MHD_YES : MHD_NO;
	if (strcmp(url, "/knob") == 0)
		return knob(c) == MHD_YES ? MHD_YES : MHD_NO;
	return reply(c, 404, "text/plain", "not found\n") == MHD_YES ? MHD_YES : MHD_NO;
}

static void done(void *cls, struct MHD_Connection *c, void **con_cls,
                 enum MHD_RequestTerminationCode toe)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (up) {
		free(up->data);
		free(up);
	}
	*con_cls = NULL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	FILE *f;

	if (argc != 7) {
		fprintf(stderr,
		        "usage: fakeidp PORTFILE CLIENT_ID CLIENT_SECRET SUB USERNAME GROUPS\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	snprintf(client_id, sizeof(client_id), "%s", argv[2]);
	snprintf(client_secret, sizeof(client_secret), "%s", argv[3]);
	snprintf(sub, sizeof(sub), "%s", argv[4]);
	snprintf(username, sizeof(username), "%s", argv[5]);
	snprintf(groups, sizeof(groups), "%s", argv[6]);
	key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (!key) {
		fprintf(stderr, "fakeidp: cannot make an RSA key\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, NULL,
	                     MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
	                     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "fakeidp: cannot listen\n");
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(issuer, sizeof(issuer), "http://127.0.0.1:%u", (unsigned)info->port);
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%u\n", (unsigned)info->port);
	fclose(f);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	EVP_PKEY_free(key);
	return 0;
}
