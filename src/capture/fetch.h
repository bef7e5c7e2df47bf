/* HTTP for the connectors, the takedowns and the media, over libcurl: TLS
 * verified, no redirects, a time limit and a size limit, a retry policy for
 * rate limits and server errors (exponential backoff with jitter, honouring
 * Retry-After), and optionally no connection to private/internal addresses.
 * Knows the platforms' error envelopes well enough to name the error; does
 * not know what a platform's pages mean (capture/connector does that). */
#ifndef KV_CAPTURE_FETCH_H
#define KV_CAPTURE_FETCH_H

#include "base/buf.h"
#include "base/err.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Largest response body kept by default. */
#define FETCH_BODY_MAX ((size_t)64 << 20)

/* Sleeps ms milliseconds; injectable so tests need not wait. */
typedef void (*fetch_sleep_fn)(void *ctx, int64_t ms);

struct fetch_opts {
	long timeout_s;          /* whole request, connect included; 0 = 60 */
	int max_attempts;        /* tries per request, >= 1; 0 = 5 */
	int64_t backoff_ms;      /* first retry delay, doubled per retry; 0 = 1000 */
	int64_t max_wait_s;      /* longest Retry-After honoured; longer gives up; 0 = 300 */
	size_t max_bytes;        /* body limit; 0 = FETCH_BODY_MAX */
	fetch_sleep_fn sleep_fn; /* NULL = nanosleep */
	void *sleep_ctx;
	/* Connect only to public addresses (fetch_addr_is_public), checked on
	 * every address libcurl is about to connect to, after name resolution;
	 * no proxy is used, not even one named in the environment. For URLs
	 * that come from outside (media), so they cannot reach the local
	 * network. */
	int public_only;
};

struct fetch;

/* A client with one connection cache; *out owned by the caller (fetch_free).
 * o is copied. KV_ENOMEM when libcurl cannot be set up. */
int fetch_new(struct fetch **out, const struct fetch_opts *o, struct err *err);
void fetch_free(struct fetch *f);

struct fetch_result {
	long status;     /* HTTP status of the last attempt */
	int attempts;    /* tries made */
	struct buf body; /* the body of a successful response */
};

/* GETs url, sending "Authorization: Bearer <bearer>" when bearer is not NULL.
 * A 2xx response is success: out->body holds the body (initialise out with
 * fetch_result_init; the caller frees it with fetch_result_done). 429, 5xx
 * and Graph API rate-limit errors (codes 4, 17, 32, 613) are retried up to
 * max_attempts with backoff; Retry-After (seconds or an HTTP date) is
 * honoured when longer than the backoff. Errors, with the URL in every
 * message scrubbed of tokens (fetch_scrub_url):
 *   KV_EDENIED  401, or Graph error 190 (the token is refused);
 *   KV_EIO      network failure, timeout, other 4xx / 5xx / 3xx, a Graph
 *               error envelope ("Graph API error <code>/<subcode>: <message>"),
 *               retries exhausted, a Retry-After beyond max_wait_s;
 *   KV_EINVAL   a body larger than max_bytes, a URL that is not http(s),
 *               with public_only, a request that could not connect because
 *               an address was not public ("<url>: refused: <addr> is a
 *               private/internal address"; nothing is sent, no retry);
 *   KV_ENOMEM. */
int fetch_get(struct fetch *f, const char *url, const char *bearer, struct fetch_result *out,
              struct err *err);

/* Like fetch_get with another method: "POST", "PUT", "DELETE" or "HEAD"
 * (or "GET"; HEAD asks for no body). body (body_len bytes; NULL = no body) is sent with the header
 * "Content-Type: <content_type>" when content_type is not NULL. The same
 * retries apply, so only idempotent requests belong here (hiding and
 * deleting are). Messages begin with the method and the scrubbed URL; the
 * body is never put in a message. KV_EINVAL for another method. */
int fetch_request(struct fetch *f, const char *method, const char *url, const char *bearer,
                  const char *content_type, const char *body, size_t body_len,
                  struct fetch_result *out, struct err *err);

/* Sends the header line ("Name: value") with every later request of f,
 * after those fetch_request sets itself (LinkedIn's LinkedIn-Version and
 * X-Restli-Protocol-Version). The line is copied. KV_EINVAL for a line
 * without a name and a colon or with a line break; KV_ENOMEM. */
int fetch_add_header(struct fetch *f, const char *line, struct err *err);
/* One part of a multipart/form-data body: name, the bytes (len of them),
 * and for a file its name and content type (NULL otherwise). */
struct fetch_part {
	const char *name;
	const char *data;
	size_t len;
	const char *filename;
	const char *type;
};

/* POSTs the n parts as multipart/form-data (media uploads), otherwise as
 * fetch_request. The retry policy of the client applies, so a caller that
 * must not send twice sets max_attempts to 1. */
int fetch_post_form(struct fetch *f, const char *url, const char *bearer,
                    const struct fetch_part *parts, size_t n, struct fetch_result *out,
                    struct err *err);

void fetch_result_init(struct fetch_result *r);
void fetch_result_done(struct fetch_result *r);

/* Copies url into out (outsz bytes, truncated, NUL-terminated) with the
 * values of the query parameters access_token, key, token, client_secret,
 * password, appsecret_proof and api_key replaced by "***", and any user
 * information before the host removed. Safe for messages and logs. */
void fetch_scrub_url(char *out, size_t outsz, const char *url);

/* Writes "scheme://host[:port]" of url into out. KV_EINVAL when url is not
 * an absolute http or https URL (err not set). */
int fetch_url_origin(char *out, size_t outsz, const char *url);

/* Returns 1 when url may carry a token: https, or http to a loopback host
 * (127.0.0.0/8, ::1, localhost) for tests. */
int fetch_url_secure(const char *url);

/* Returns 1 when sa is a public unicast address: AF_INET outside 0/8, 10/8,
 * 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24,
 * 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24 and
 * 224/3 (multicast, reserved, broadcast); AF_INET6 within global unicast
 * 2000::/3 but outside 2001::/23, 2001:db8::/32 and 3fff::/20. IPv6 that
 * carries an IPv4 address (::ffff:0:0/96, 64:ff9b::/96, 6to4 2002::/16) is
 * judged by that address. 0 for everything else, other families included. */
int fetch_addr_is_public(const struct sockaddr *sa);

/* The delay before retry number retry (1 = first retry): backoff_ms * 2^(retry-1),
 * capped at 60 s, plus up to half of that again as jitter (rand01 in [0,1)),
 * and at least retry_after_ms. Exposed for tests. */
int64_t fetch_backoff_ms(int64_t backoff_ms, int retry, int64_t retry_after_ms, double rand01);

#endif
