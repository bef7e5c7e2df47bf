/* The automatic points of a draft's check: personal data (screen/detect),
 * screening, links (a HEAD request with the SSRF guard of capture/fetch),
 * spelling and hashtags (screen/spell), length and the "läs mer" fold of
 * the platform, alt text, consent, a sender (ÖS), posts per day (ÖS), and
 * what the platform's API can publish. Each point is
 * {key, title, status: ok|warning|error|manual, detail}. Reads the store
 * only for the day's posts and the consent hook; writes nothing. The draft
 * itself, its answers and its review are workflow/drafts. */
#ifndef KV_WORKFLOW_DRAFT_CHECK_H
#define KV_WORKFLOW_DRAFT_CHECK_H

#include "base/err.h"
#include "model/register.h"

#include <jansson.h>
#include <stdint.h>

struct capture_screener;
struct config;
struct store;

/* The platform's limits in characters (Unicode code points; on X and
 * Mastodon every address counts as 23): max is the most a post may hold
 * (0: no limit known), fold how much is shown before "läs mer" / "see more"
 * (0: no fold; all of it is shown). */
struct draft_check_limits {
	int64_t max;
	int64_t fold;
	int url_weight; /* characters an address counts as; 0: as written */
};
void draft_check_limits_of(enum platform p, struct draft_check_limits *out);

/* The length of text as platform p counts it. */
int64_t draft_check_length(enum platform p, const char *text);

struct draft_check_in {
	struct store *store;
	int64_t org_id;
	enum platform platform;
	int64_t account_id;
	const char *text;
	json_t *media; /* the draft's media array (borrowed) */
	int shows_people;
	int64_t day_at;                    /* when it goes out (for the posts of that day) */
	const struct config *cfg;          /* [drafts]; may be NULL */
	struct capture_screener *screener; /* NULL: not screened */
};

struct draft_check_out {
	json_t *points;  /* new reference: the points in order */
	json_t *reasons; /* new reference: why it is sensitive (strings) */
	int flagged;     /* personal data or screening found: a second reader is needed */
	int links;       /* addresses in the text */
	int links_ok;    /* all of them answered */
	int fold_ok;     /* the text fits before the fold */
	int has_media;
	int has_video;
};

/* Runs every point. out is filled on success (the caller frees points and
 * reasons). KV_ENOMEM; a failing link or a missing dictionary is a point,
 * not an error. */
int draft_check_run(const struct draft_check_in *in, struct draft_check_out *out, struct err *err);

/* 1 when the hashtag tag[0..n) (without '#') should be written in
 * CamelCase: it is two or more dictionary words, all in lower case and at
 * least 10 letters ("#kulturnatten"), or three or more without a capital
 * after the first letter ("#Stadsbyggnadskontoret"). The CamelCase form goes
 * to suggest. sp is a struct spell. */
struct spell;
int draft_check_hashtag(struct spell *sp, const char *tag, size_t n, char *suggest, size_t cap);

#endif
