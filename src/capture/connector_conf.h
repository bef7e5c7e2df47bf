/* A connector's settings for one account (token, base URL, how far a poll
 * reads) as the configuration file gives them, which platforms have a
 * connector, and the report a poll fills. Shared by capture/connector (the
 * poll of one account) and capture/connector_run (what every platform's
 * poll uses). */
#ifndef KV_CAPTURE_CONNECTOR_CONF_H
#define KV_CAPTURE_CONNECTOR_CONF_H

#include "base/err.h"
#include "capture/fetch.h"
#include "model/register.h"

#include <stdint.h>

struct config;

#define CONNECTOR_DEFAULT_MAX_PAGES         100
#define CONNECTOR_DEFAULT_LOOKBACK_DAYS     14
#define CONNECTOR_DEFAULT_MAX_COMMENT_PAGES 100
/* The LinkedIn API version (YYYYMM) sent when the account names none;
 * LinkedIn retires a version about a year after it comes out. */
#define CONNECTOR_LINKEDIN_VERSION "202505"

/* What a poll needs to know about one account, read from the configuration. */
struct connector_conf {
	const char *token;  /* borrowed from the configuration; NULL when none is set */
	char base_url[512]; /* no trailing slash */
	int64_t max_pages;  /* pages per endpoint per poll */
	/* Posts, threads, statuses and tweets created this many days back
	 * are read again by every poll, for new comments and replies on
	 * them (X: at most 7 days, as far as recent search reaches); 0 reads
	 * only what is new. */
	int64_t lookback_days;
	/* Further pages of nested comment lists (Graph comments{paging.next},
	 * a YouTube thread's replies through comments.list, a conversation's
	 * messages) followed per poll; 0 follows none. */
	int64_t max_comment_pages;
	/* 1 when a Facebook Page's conversations (private messages) are read
	 * too; that needs a token with pages_messaging. */
	int messages;
	/* LinkedIn: the API version sent as LinkedIn-Version (YYYYMM). */
	char api_version[8];
	struct fetch_opts fetch;
};

/* Returns 1 when the platform has a connector. */
int connector_conf_supported(enum platform p);

/* Reads the settings for an account from cfg: section "account
 * <platform>/<handle>" or else "account <handle>" (token, base_url,
 * max_pages, lookback_days, max_comment_pages, messages, api_version), and section "fetch"
 * (backoff_ms, max_attempts, timeout_s, max_wait_s, max_pages,
 * lookback_days, max_comment_pages, messages). base_url defaults to the platform's
 * API; for Mastodon it is the origin of account_url. A missing token is not an error
 * (out->token is NULL). KV_EINVAL naming section and key for a value that is
 * not a number, a messages value that is not yes or no, an api_version that is not YYYYMM, a base
 * URL that is not https (http only to a loopback address), for a Mastodon account without URL, or a
 * platform without a connector. cfg may be NULL (defaults only). */
int connector_conf_load(struct connector_conf *out, const struct config *cfg, enum platform p,
                        const char *handle, const char *account_url, struct err *err);

/* connector_conf_load, with the token replaced by the value of key (such
 * as "moderation_token", "publish_token") from the account's section when
 * that is set: calls that change something on the platform may need a
 * token with more rights than reading. Errors as connector_conf_load. */
int connector_conf_load_token(struct connector_conf *out, const struct config *cfg, enum platform p,
                              const char *handle, const char *account_url, const char *key,
                              struct err *err);

struct connector_report {
	int64_t pages;    /* response pages imported (sub-requests included) */
	int64_t requests; /* HTTP requests made, retries not counted */
	int64_t new_items;
	int64_t updated;
	int64_t unchanged;
	int64_t skipped;
	int64_t events;
	int complete; /* 1 when every endpoint reached its end, 0 when max_pages stopped it */
	/* Nested comment lists (YouTube reply lists, conversations' message
	 * lists) with further pages that were left unread because
	 * max_comment_pages ran out (each also counted in skipped). */
	int64_t comment_lists_cut;
};

#endif
