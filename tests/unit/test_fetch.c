/* The connectors' HTTP client against an in-process server on 127.0.0.1:
 * retries for 429 / 5xx / Graph rate limits with the injected sleep (so no
 * test waits), no retry for other 4xx, the size limit, refused redirects,
 * no token in any message, and no connection to internal addresses under
 * public_only. Also URL scrubbing, the backoff curve and the address
 * classifier. */
#include "testlib.h"

#include "capture/fetch.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the server does, per path. */
static struct {
	int hits;
	int fail_first; /* answer the failure status this many times */
	char last_auth[256];
	char last_agent[256];
	char last_query_token[256];
	char last_li_version[64];
	char last_method[16];
	char last_ctype[256];
} srv;

static char base[64];

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body,
                             const char *retry_after, const char *location)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (retry_after)
		MHD_add_response_header(r, "Retry-After", retry_after);
	if (location)
		MHD_add_response_header(r, "Location", location);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
	const char *v;
	int failing;

	srv.hits++;
	failing = srv.hits <= srv.fail_first;
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	snprintf(srv.last_auth, sizeof(srv.last_auth), "%s", v ? v : "");
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
	snprintf(srv.last_agent, sizeof(srv.last_agent), "%s", v ? v : "");
	snprintf(srv.last_method, sizeof(srv.last_method), "%s", method);
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	snprintf(srv.last_ctype, sizeof(srv.last_ctype), "%s", v ? v : "");
	v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "access_token");
	snprintf(srv.last_query_token, sizeof(srv.last_query_token), "%s", v ? v : "");
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "LinkedIn-Version");
	snprintf(srv.last_li_version, sizeof(srv.last_li_version), "%s", v ? v : "");
	if (strcmp(url, "/li-401") == 0)
		return reply(c, 401,
		             "{\"status\":401,\"serviceErrorCode\":65600,\"code\":"
		             "\"INVALID_ACCESS_TOKEN\",\"message\":\"Invalid access token\"}",
		             NULL, NULL);
	if (strcmp(url, "/ok") == 0)
		return reply(c, 200, "{\"data\":[]}", NULL, NULL);
	if (strcmp(url, "/429") == 0)
		return failing ? reply(c, 429, "{}", "2", NULL)
		               : reply(c, 200, "{\"n\":1}", NULL, NULL);
	if (strcmp(url, "/429-long") == 0)
		return reply(c, 429, "{}", "3600", NULL);
	if (strcmp(url, "/500") == 0)
		return failing ? reply(c, 503, "oops", NULL, NULL)
		               : reply(c, 200, "{}", NULL, NULL);
	if (strcmp(url, "/graph-limit") == 0)
		return failing ? reply(c, 403,
		                       "{\"error\":{\"message\":\"(#613) Calls to this api have "
		                       "exceeded the rate limit.\",\"type\":\"OAuthException\","
		                       "\"code\":613,\"fbtrace_id\":\"AbC\"}}",
		                       NULL, NULL)
		               : reply(c, 200, "{\"data\":[]}", NULL, NULL);
	if (strcmp(url, "/graph-190") == 0)
		return reply(
		        c, 400,
		        "{\"error\":{\"message\":\"Error validating access token: Session has "
		        "expired\",\"type\":\"OAuthException\",\"code\":190,\"error_subcode\":463,"
		        "\"fbtrace_id\":\"AbC\"}}",
		        NULL, NULL);
	if (strcmp(url, "/graph-200") == 0)
		return reply(c, 200,
		             "{\"error\":{\"message\":\"Unsupported get request.\",\"type\":"
		             "\"GraphMethodException\",\"code\":100,\"error_subcode\":33,"
		             "\"fbtrace_id\":\"AbC\"}}",
		             NULL, NULL);
	if (strcmp(url, "/404") == 0)
		return reply(c, 404, "{\"error\":\"Record not found\"}", NULL, NULL);
	if (strcmp(url, "/401") == 0)
		return reply(c, 401, "{\"title\":\"Unauthorized\",\"detail\":\"Unauthorized\"}",
		             NULL, NULL);
	if (strcmp(url, "/google-403") == 0)
		return reply(
		        c, 403,
		        "{\"error\":{\"code\":403,\"message\":\"The request cannot be completed "
		        "because you have exceeded your quota.\",\"errors\":[{\"reason\":"
		        "\"quotaExceeded\"}]}}",
		        NULL, NULL);
	if (strcmp(url, "/redirect") == 0)
		return reply(c, 302, "", NULL, "http://127.0.0.2:1/elsewhere");
	if (strcmp(url, "/big") == 0) {
		static char big[8192];

		memset(big, 'x', sizeof(big) - 1);
		return reply(c, 200, big, NULL, NULL);
	}
	return reply(c, 404, "{}", NULL, NULL);
}

static struct MHD_Daemon *start(void)
{
	struct sockaddr_in sa = {0};
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
	                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_END);
	CHECK(d != NULL);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	CHECK(info && info->port);
	snprintf(base, sizeof(base), "http://127.0.0.1:%u", (unsigned)info->port);
	return d;
}

static struct {
	int n;
	int64_t ms[16];
} slept;

static void fake_sleep(void *ctx, int64_t ms)
{
	if (slept.n < 16)
		slept.ms[slept.n] = ms;
	slept.n++;
}

static struct fetch *client_with(int attempts, size_t max_bytes, int public_only)
{
	struct fetch_opts o = {.timeout_s = 10,
	                       .max_attempts = attempts,
	                       .backoff_ms = 10,
	                       .max_bytes = max_bytes,
	                       .sleep_fn = fake_sleep,
	                       .public_only = public_only};
	struct fetch *f = NULL;
	struct err e = {0};

	CHECK_INT(fetch_new(&f, &o, &e), KV_OK);
	return f;
}

static struct fetch *client(int attempts, size_t max_bytes)
{
	return client_with(attempts, max_bytes, 0);
}

static int get(struct fetch *f, const char *path, const char *bearer, struct fetch_result *r,
               struct err *e)
{
	char url[256];

	snprintf(url, sizeof(url), "%s%s", base, path);
	fetch_result_init(r);
	return fetch_get(f, url, bearer, r, e);
}

static void fetch_ok_sends_agent_and_bearer(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(3, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/ok", "s3cret-bearer", &r, &e), KV_OK);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.attempts, 1);
	CHECK_STR(buf_cstr(&r.body), "{\"data\":[]}");
	CHECK_STR(srv.last_auth, "Bearer s3cret-bearer");
	CHECK(strncmp(srv.last_agent, "Kanalvakt/", 10) == 0);
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_extra_headers_and_linkedin_errors(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(3, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(fetch_add_header(f, "LinkedIn-Version: 202505", &e), KV_OK);
	CHECK_INT(fetch_add_header(f, "X-Restli-Protocol-Version: 2.0.0", &e), KV_OK);
	CHECK_INT(fetch_add_header(f, "no colon", &e), KV_EINVAL);
	CHECK_INT(fetch_add_header(f, "A: b\r\nX-Evil: 1", &e), KV_EINVAL);
	CHECK_INT(fetch_add_header(f, ": empty name", &e), KV_EINVAL);
	CHECK_INT(get(f, "/ok", "tok", &r, &e), KV_OK);
	CHECK_STR(srv.last_li_version, "202505");
	fetch_result_done(&r);
	/* Sent on every request, and LinkedIn's error names code and message. */
	CHECK_INT(get(f, "/li-401", "tok", &r, &e), KV_EDENIED);
	CHECK_STR(srv.last_li_version, "202505");
	CHECK_CONTAINS(e.msg, "HTTP 401: INVALID_ACCESS_TOKEN: Invalid access token");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_429_honours_retry_after(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(5, 0);
	struct fetch_result r;
	struct err e = {0};

	srv.fail_first = 2;
	CHECK_INT(get(f, "/429", NULL, &r, &e), KV_OK);
	CHECK_INT(r.attempts, 3);
	CHECK_INT(slept.n, 2);
	/* Retry-After: 2 is longer than the 10 ms backoff, so it wins. */
	CHECK(slept.ms[0] >= 2000);
	CHECK(slept.ms[1] >= 2000);
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_retry_after_beyond_limit_gives_up(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(5, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/429-long", NULL, &r, &e), KV_EIO);
	CHECK_INT(srv.hits, 1);
	CHECK_INT(slept.n, 0);
	CHECK_CONTAINS(e.msg, "3600 s");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_5xx_retried_then_exhausted(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(3, 0);
	struct fetch_result r;
	struct err e = {0};

	srv.fail_first = 100;
	CHECK_INT(get(f, "/500?access_token=TOPSECRET&x=1", NULL, &r, &e), KV_EIO);
	CHECK_INT(srv.hits, 3);
	CHECK_INT(slept.n, 2);
	/* Exponential: the second wait is at least twice the base again. */
	CHECK(slept.ms[0] >= 10 && slept.ms[0] < 20);
	CHECK(slept.ms[1] >= 20 && slept.ms[1] < 40);
	CHECK_CONTAINS(e.msg, "HTTP 503");
	CHECK_CONTAINS(e.msg, "3 attempts");
	CHECK_CONTAINS(e.msg, "access_token=***&x=1");
	CHECK(strstr(e.msg, "TOPSECRET") == NULL);
	CHECK_STR(srv.last_query_token, "TOPSECRET");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_graph_rate_limit_retried(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(4, 0);
	struct fetch_result r;
	struct err e = {0};

	srv.fail_first = 1;
	CHECK_INT(get(f, "/graph-limit", NULL, &r, &e), KV_OK);
	CHECK_INT(r.attempts, 2);
	CHECK_INT(slept.n, 1);
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_graph_error_named(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(4, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/graph-190?access_token=TOPSECRET", NULL, &r, &e), KV_EDENIED);
	CHECK_INT(srv.hits, 1);
	CHECK_CONTAINS(e.msg, "Graph API error 190/463: Error validating access token");
	CHECK(strstr(e.msg, "TOPSECRET") == NULL);
	fetch_result_done(&r);
	/* An envelope is never taken for a page, whatever the status. */
	CHECK_INT(get(f, "/graph-200", NULL, &r, &e), KV_EIO);
	CHECK_CONTAINS(e.msg, "Graph API error 100/33: Unsupported get request.");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_4xx_not_retried(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(4, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/404", "s3cret-bearer", &r, &e), KV_EIO);
	CHECK_INT(srv.hits, 1);
	CHECK_INT(slept.n, 0);
	CHECK_CONTAINS(e.msg, "HTTP 404: Record not found");
	CHECK(strstr(e.msg, "s3cret") == NULL);
	fetch_result_done(&r);
	CHECK_INT(get(f, "/401", NULL, &r, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "HTTP 401: Unauthorized");
	fetch_result_done(&r);
	CHECK_INT(get(f, "/google-403", NULL, &r, &e), KV_EIO);
	CHECK_CONTAINS(e.msg, "HTTP 403: The request cannot be completed");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_redirect_not_followed(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(4, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/redirect?access_token=TOPSECRET", NULL, &r, &e), KV_EIO);
	CHECK_INT(srv.hits, 1);
	CHECK_CONTAINS(e.msg, "redirect refused");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_size_limit(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(4, 1000);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/big", NULL, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "larger than 1000 bytes");
	CHECK(r.body.ptr == NULL);
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void fetch_insecure_url_refused(void)
{
	struct fetch *f = client(4, 0);
	struct fetch_result r;
	struct err e = {0};

	fetch_result_init(&r);
	CHECK_INT(fetch_get(f, "http://graph.example.net/v19.0/1/feed?access_token=TOPSECRET", NULL,
	                    &r, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "https");
	CHECK(strstr(e.msg, "TOPSECRET") == NULL);
	fetch_result_done(&r);
	fetch_free(f);
}

static void fetch_connection_refused(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(2, 0);
	struct fetch_result r;
	struct err e = {0};
	char url[128];

	/* A port that was just free: start a daemon, note its port, stop it. */
	snprintf(url, sizeof(url), "%s/ok?key=TOPSECRET", base);
	MHD_stop_daemon(d);
	fetch_result_init(&r);
	CHECK_INT(fetch_get(f, url, NULL, &r, &e), KV_EIO);
	CHECK_INT(slept.n, 1);
	CHECK_CONTAINS(e.msg, "key=***");
	CHECK(strstr(e.msg, "TOPSECRET") == NULL);
	fetch_result_done(&r);
	fetch_free(f);
}

/* The server is on 127.0.0.1: under public_only nothing reaches it, the
 * refusal is not retried, and the message names the address. */
static void fetch_public_only_refuses_loopback(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client_with(4, 0, 1);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/ok?access_token=TOPSECRET", NULL, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg,
	               "/ok?access_token=***: refused: 127.0.0.1 is a private/internal address");
	CHECK(strstr(e.msg, "TOPSECRET") == NULL);
	CHECK_INT(srv.hits, 0);
	CHECK_INT(r.attempts, 1);
	CHECK_INT(slept.n, 0);
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

/* A name is judged by what it resolves to, not by how it is spelt. */
static void fetch_public_only_refuses_names_and_literals(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client_with(3, 0, 1);
	struct fetch_result r;
	struct err e = {0};
	const char *port = strrchr(base, ':');
	char url[128];

	snprintf(url, sizeof(url), "http://localhost%s/ok", port);
	fetch_result_init(&r);
	CHECK_INT(fetch_get(f, url, NULL, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "is a private/internal address");
	fetch_result_done(&r);

	fetch_result_init(&r);
	CHECK_INT(fetch_get(f, "https://10.20.30.40/inside.jpg", NULL, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "https://10.20.30.40/inside.jpg: refused: 10.20.30.40 is a "
	                      "private/internal address");
	fetch_result_done(&r);

	fetch_result_init(&r);
	CHECK_INT(fetch_get(f, "https://[::ffff:169.254.169.254]/latest/meta-data/", NULL, &r, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "refused: ::ffff:169.254.169.254 is a private/internal address");
	fetch_result_done(&r);

	fetch_result_init(&r);
	CHECK_INT(fetch_get(f, "https://[fd00::1]/x", NULL, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "refused: fd00::1 is a private/internal address");
	fetch_result_done(&r);

	CHECK_INT(srv.hits, 0);
	CHECK_INT(slept.n, 0);
	fetch_free(f);
	MHD_stop_daemon(d);
}

/* Without public_only the same client reaches loopback as before. */
static void fetch_loopback_allowed_without_public_only(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client_with(1, 0, 0);
	struct fetch_result r;
	struct err e = {0};

	CHECK_INT(get(f, "/ok", NULL, &r, &e), KV_OK);
	CHECK_INT(srv.hits, 1);
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static int classify(const char *text)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
	} else {
		CHECK_INT(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return fetch_addr_is_public((const struct sockaddr *)&ss);
}

/* HEAD asks for no body (the link check of drafts); a form is sent as
 * multipart/form-data (media uploads); other methods are refused. */
static void fetch_head_and_form(void)
{
	struct MHD_Daemon *d = start();
	struct fetch *f = client(1, 0);
	struct fetch_result r;
	struct fetch_part parts[2] = {{"file", "\x89PNG", 4, "bild.png", "image/png"},
	                              {"description", "Badplatsen", 10, NULL, NULL}};
	struct err e = {0};
	char url[256];

	snprintf(url, sizeof(url), "%s/ok", base);
	fetch_result_init(&r);
	CHECK_INT(fetch_request(f, "HEAD", url, NULL, NULL, NULL, 0, &r, &e), KV_OK);
	CHECK_INT(r.status, 200);
	CHECK_INT(r.body.len, 0);
	CHECK_STR(srv.last_method, "HEAD");
	fetch_result_done(&r);
	fetch_result_init(&r);
	CHECK_INT(fetch_post_form(f, url, "tok", parts, 2, &r, &e), KV_OK);
	CHECK_STR(srv.last_method, "POST");
	CHECK(strncmp(srv.last_ctype, "multipart/form-data; boundary=", 30) == 0);
	CHECK_STR(srv.last_auth, "Bearer tok");
	fetch_result_done(&r);
	fetch_result_init(&r);
	CHECK_INT(fetch_request(f, "PATCH", url, NULL, NULL, NULL, 0, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "HEAD");
	fetch_result_done(&r);
	fetch_free(f);
	MHD_stop_daemon(d);
}

static void addr_classifier(void)
{
	static const struct {
		const char *addr;
		int public;
	} cases[] = {
	        /* IPv4: public */
	        {"8.8.8.8", 1},
	        {"1.1.1.1", 1},
	        {"157.240.1.35", 1},
	        {"9.255.255.255", 1},
	        {"11.0.0.0", 1},
	        {"100.63.255.255", 1},
	        {"100.128.0.0", 1},
	        {"126.255.255.255", 1},
	        {"128.0.0.1", 1},
	        {"169.253.255.255", 1},
	        {"169.255.0.0", 1},
	        {"172.15.255.255", 1},
	        {"172.32.0.0", 1},
	        {"192.0.1.1", 1},
	        {"192.167.255.255", 1},
	        {"192.169.0.0", 1},
	        {"198.17.255.255", 1},
	        {"198.20.0.0", 1},
	        {"223.255.255.255", 1},
	        /* IPv4: internal */
	        {"0.0.0.0", 0},
	        {"0.1.2.3", 0},
	        {"10.0.0.1", 0},
	        {"10.255.255.255", 0},
	        {"100.64.0.1", 0},
	        {"100.127.255.255", 0},
	        {"127.0.0.1", 0},
	        {"127.255.255.254", 0},
	        {"169.254.169.254", 0},
	        {"169.254.0.1", 0},
	        {"172.16.0.1", 0},
	        {"172.31.255.255", 0},
	        {"192.0.0.8", 0},
	        {"192.0.2.10", 0},
	        {"192.88.99.1", 0},
	        {"192.168.0.1", 0},
	        {"192.168.255.255", 0},
	        {"198.18.0.1", 0},
	        {"198.19.255.255", 0},
	        {"198.51.100.7", 0},
	        {"203.0.113.9", 0},
	        {"224.0.0.1", 0},
	        {"239.255.255.250", 0},
	        {"240.0.0.1", 0},
	        {"255.255.255.255", 0},
	        /* IPv6: public */
	        {"2a03:2880:f10d:83:face:b00c:0:25de", 1},
	        {"2001:4860:4860::8888", 1},
	        {"2001:200::1", 1},
	        {"2600::1", 1},
	        {"3ffe::1", 1},
	        {"3fff:1000::1", 1},
	        {"::ffff:8.8.8.8", 1},
	        {"64:ff9b::808:808", 1},
	        {"2002:808:808::1", 1},
	        /* IPv6: internal */
	        {"::", 0},
	        {"::1", 0},
	        {"::127.0.0.1", 0},
	        {"::ffff:127.0.0.1", 0},
	        {"::ffff:10.0.0.1", 0},
	        {"::ffff:169.254.169.254", 0},
	        {"::ffff:192.168.1.1", 0},
	        {"64:ff9b::a00:1", 0},
	        {"2002:a00:1::1", 0},
	        {"2002:7f00:1::", 0},
	        {"fc00::1", 0},
	        {"fd12:3456:789a::1", 0},
	        {"fe80::1", 0},
	        {"febf:ffff::1", 0},
	        {"fec0::1", 0},
	        {"ff02::1", 0},
	        {"ff0e::1", 0},
	        {"100::1", 0},
	        {"2001::1", 0},
	        {"2001:0:4136:e378:8000:63bf:3fff:fdd2", 0},
	        {"2001:2::1", 0},
	        {"2001:1ff::1", 0},
	        {"2001:db8::1", 0},
	        {"3fff::1", 0},
	        {"3fff:fff::1", 0},
	        {"4000::1", 0},
	        {"1fff:ffff::1", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = classify(cases[i].addr);

		if (got != cases[i].public)
			fprintf(stderr, "%s: got %d, wanted %d\n", cases[i].addr, got,
			        cases[i].public);
		CHECK_INT(got, cases[i].public);
	}
	{
		struct sockaddr un = {.sa_family = AF_UNIX};

		CHECK_INT(fetch_addr_is_public(&un), 0);
		CHECK_INT(fetch_addr_is_public(NULL), 0);
	}
}

static void scrub_removes_tokens(void)
{
	char out[512];

	fetch_scrub_url(out, sizeof(out),
	                "https://graph.facebook.com/v19.0/1/feed?fields=a%2Cb&access_token=EAAB1"
	                "&after=QQ&appsecret_proof=abc#frag");
	CHECK_STR(out, "https://graph.facebook.com/v19.0/1/feed?fields=a%2Cb&access_token=***"
	               "&after=QQ&appsecret_proof=***#frag");
	fetch_scrub_url(out, sizeof(out), "https://user:pw@example.org/x?key=AIza&keyword=k");
	CHECK_STR(out, "https://example.org/x?key=***&keyword=k");
	fetch_scrub_url(out, sizeof(out), "https://example.org/x");
	CHECK_STR(out, "https://example.org/x");
	fetch_scrub_url(out, 10, "https://example.org/x?access_token=secret");
	CHECK_STR(out, "https://e");
}

static void origin_and_secure(void)
{
	char o[128];

	CHECK_INT(fetch_url_origin(o, sizeof(o), "https://Graph.Facebook.com/v19.0/x?y=1"), KV_OK);
	CHECK_STR(o, "https://graph.facebook.com:443");
	CHECK_INT(fetch_url_origin(o, sizeof(o), "https://graph.facebook.com:443/v19.0"), KV_OK);
	CHECK_STR(o, "https://graph.facebook.com:443");
	CHECK_INT(fetch_url_origin(o, sizeof(o), "http://127.0.0.1:8080/"), KV_OK);
	CHECK_STR(o, "http://127.0.0.1:8080");
	CHECK_INT(fetch_url_origin(o, sizeof(o), "ftp://example.org/"), KV_EINVAL);
	CHECK_INT(fetch_url_origin(o, sizeof(o), "not a url"), KV_EINVAL);
	CHECK(fetch_url_secure("https://graph.facebook.com/v19.0"));
	CHECK(fetch_url_secure("http://127.0.0.1:1234/"));
	CHECK(fetch_url_secure("http://localhost/"));
	CHECK(!fetch_url_secure("http://graph.facebook.com/"));
	CHECK(!fetch_url_secure("http://127.0.0.1.example.net/"));
	CHECK(!fetch_url_secure("file:///etc/passwd"));
}

static void backoff_curve(void)
{
	CHECK_INT(fetch_backoff_ms(100, 1, 0, 0.0), 100);
	CHECK_INT(fetch_backoff_ms(100, 2, 0, 0.0), 200);
	CHECK_INT(fetch_backoff_ms(100, 4, 0, 0.0), 800);
	CHECK_INT(fetch_backoff_ms(100, 4, 0, 0.999), 800 + 399);
	CHECK_INT(fetch_backoff_ms(1000, 30, 0, 0.0), 60000);
	CHECK_INT(fetch_backoff_ms(100, 1, 5000, 0.5), 5000);
}

TEST_MAIN(T(fetch_head_and_form), T(fetch_ok_sends_agent_and_bearer),
          T(fetch_extra_headers_and_linkedin_errors), T(fetch_429_honours_retry_after),
          T(fetch_retry_after_beyond_limit_gives_up), T(fetch_5xx_retried_then_exhausted),
          T(fetch_graph_rate_limit_retried), T(fetch_graph_error_named), T(fetch_4xx_not_retried),
          T(fetch_redirect_not_followed), T(fetch_size_limit), T(fetch_insecure_url_refused),
          T(fetch_connection_refused), T(fetch_public_only_refuses_loopback),
          T(fetch_public_only_refuses_names_and_literals),
          T(fetch_loopback_allowed_without_public_only), T(scrub_removes_tokens),
          T(origin_and_secure), T(backoff_curve), T(addr_classifier))
