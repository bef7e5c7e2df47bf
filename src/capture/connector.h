/* Connectors: polling one account's platform API page by page and importing
 * each page as it arrives (Facebook Page feed and Instagram media through the
 * Graph API with the further pages of their comments, Facebook Page
 * conversations with their messages, YouTube commentThreads with all their
 * replies, Mastodon statuses with their replies, X API v2 timelines with
 * their conversations). A cursor per account and endpoint (store/cursors) lets the
 * next poll continue where the last one stopped; a look-back window re-reads
 * recent posts for new comments. Not the HTTP client (capture/fetch) and not
 * the parsers. */
#ifndef KV_CAPTURE_CONNECTOR_H
#define KV_CAPTURE_CONNECTOR_H

#include "base/err.h"
#include "capture/fetch.h"
#include "model/register.h"

#include <stdint.h>

struct config;
struct store;
struct capture_screener;

#define CONNECTOR_DEFAULT_MAX_PAGES         100
#define CONNECTOR_DEFAULT_LOOKBACK_DAYS     14
#define CONNECTOR_DEFAULT_MAX_COMMENT_PAGES 100

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
	struct fetch_opts fetch;
};

/* Returns 1 when the platform has a connector. */
int connector_supported(enum platform p);

/* Reads the settings for an account from cfg: section "account
 * <platform>/<handle>" or else "account <handle>" (token, base_url,
 * max_pages, lookback_days, max_comment_pages, messages), and section "fetch"
 * (backoff_ms, max_attempts, timeout_s, max_wait_s, max_pages,
 * lookback_days, max_comment_pages, messages). base_url defaults to the platform's
 * API; for Mastodon it is the origin of account_url. A missing token is not an error
 * (out->token is NULL). KV_EINVAL naming section and key for a value that is
 * not a number, a messages value that is not yes or no, a base URL that is not https (http only to
 * a loopback address), for a Mastodon account without URL, or a platform without a connector. cfg
 * may be NULL (defaults only). */
int connector_conf_load(struct connector_conf *out, const struct config *cfg, enum platform p,
                        const char *handle, const char *account_url, struct err *err);

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

/* Polls account_id (of org) with conf and imports what it finds, one
 * transaction per page (with the further pages of its comment lists)
 * together with the cursor, so a failure leaves the earlier pages stored and
 * the cursor at the last good page; the failure is also written to the
 * cursor row's last_error. actor names who polled in the
 * audit log. *out is filled even on failure (what was done until then).
 * Errors: KV_EINVAL for a missing token or platform account id, or a page
 * the parser refuses (err names the page); KV_EDENIED when the platform
 * refuses the token; KV_EIO for network and platform errors (a paging link to
 * another host included); KV_ENOTFOUND for an unknown account; KV_ENOMEM.
 * No message ever holds the token. */
int connector_poll(struct store *s, int64_t org, const char *actor, int64_t account_id,
                   const struct connector_conf *conf, struct capture_screener *screener,
                   struct connector_report *out, struct err *err);

#endif
