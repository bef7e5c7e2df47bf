/* Captured items as parsers see them: a post, comment, reply, private message
 * or media item on one platform, and the events the platform reports about
 * items (deleted, hidden, unhidden). Parsers in capture/ turn a source (API
 * response, webhook delivery, export file) into a stream of these, handed to
 * a sink one at a time; the sink (capture/import) stores them. All strings
 * are borrowed from the parser for the duration of the sink call only. */
#ifndef KV_MODEL_ITEM_H
#define KV_MODEL_ITEM_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

enum item_kind {
	ITEM_POST = 0, /* a top-level post, tweet, video, blog entry, status */
	ITEM_COMMENT,  /* a comment on a post */
	ITEM_REPLY,    /* a reply to a comment (or deeper) */
	ITEM_MESSAGE,  /* a private message, where the platform allows capture */
	ITEM_MEDIA,    /* a media object captured on its own (Instagram media) */
};

enum item_state {
	ITEM_VISIBLE = 0,
	ITEM_HIDDEN,  /* hidden on the platform (still there, not shown) */
	ITEM_DELETED, /* removed on the platform */
};

enum item_event_kind {
	ITEM_EV_DELETED = 0,
	ITEM_EV_HIDDEN,
	ITEM_EV_UNHIDDEN,
};

struct item_media {
	const char *platform_id; /* may be NULL */
	const char *type;        /* "photo", "video", "link", ... may be NULL */
	const char *url;         /* where the file can be fetched; may be NULL */
};

/* One version of one item as one source saw it. */
struct item {
	const char *platform;    /* "facebook", "instagram", "youtube", "x", "mastodon",
	                            "blog", "linkedin", "tiktok", "other" */
	const char *platform_id; /* the platform's id of this item; never NULL */
	const char *parent_id;   /* platform id of the item this answers; NULL for a root */
	const char *root_id;     /* platform id of the thread's root post; NULL when the item
	                            is the root or the source does not say */
	const char *account_ref; /* the platform id or handle of the account whose space this
	                            is (page id, channel id, screen name), when the source says */
	enum item_kind kind;
	const char *author_id;    /* platform id of the author; may be NULL */
	const char *author_name;  /* display name or handle; may be NULL */
	int author_is_account;    /* 1 written by the account itself, 0 by someone else,
	                             -1 unknown (the importer decides from account_ref) */
	int64_t created_at;       /* Unix seconds on the platform; 0 when unknown */
	int64_t version_at;       /* when this text version was written (edit time);
	                             0 = same as created_at */
	const char *text;         /* UTF-8, may be "" but never NULL */
	const char *permalink;    /* may be NULL */
	const char *const *links; /* URLs in or attached to the item */
	size_t n_links;
	const struct item_media *media;
	size_t n_media;
	enum item_state state; /* the state this source reports */
	const char *source;    /* short name of the source format, e.g. "graph", "webhook" */
	const char *raw_json;  /* the item's own JSON as received, when the source is JSON
	                            (kept as evidence); may be NULL */
};

/* Something the platform did to an item, reported without (or besides) its content. */
struct item_event {
	const char *platform;
	const char *platform_id;
	const char *account_ref; /* may be NULL */
	enum item_event_kind kind;
	int64_t at; /* Unix seconds; 0 = when captured */
	const char *source;
};

/* Where a parser sends what it finds. Each callback returns 0 to go on or a
 * negative KV_E* (with err set) to stop the parse; the parser then returns
 * that code. */
struct item_sink {
	int (*item)(void *ctx, const struct item *it, struct err *err);
	int (*event)(void *ctx, const struct item_event *ev, struct err *err);
	/* Something in the source that is deliberately not an item (a reaction,
	 * a profile record, an unsupported object); what names it, reason says
	 * why it was skipped. May be NULL in the sink. */
	int (*skip)(void *ctx, const char *what, const char *reason, struct err *err);
	void *ctx;
	/* The profile text of the author of item it as the source shows it
	 * (Mastodon's account note), plain text: when the author is the
	 * account itself, what it tells its visitors, read by the house rules
	 * check. Given after the item, once per author and source. May be NULL. */
	int (*about)(void *ctx, const struct item *it, const char *text, struct err *err);
	/* The profile picture of the author of item it as the source shows it
	 * (Mastodon's account avatar, X's profile_image_url, YouTube's
	 * authorProfileImageUrl, Graph's from.picture or a page's picture):
	 * the URL it can be fetched from. Given after the item, once per
	 * author and source, only where the author may be the account (the
	 * sink keeps it when the author is the account). May be NULL. */
	int (*picture)(void *ctx, const struct item *it, const char *url, struct err *err);
};

const char *item_kind_name(enum item_kind k);
int item_kind_from_name(const char *s, enum item_kind *out);
const char *item_state_name(enum item_state s);
int item_state_from_name(const char *s, enum item_state *out);
const char *item_event_name(enum item_event_kind k);

#endif
