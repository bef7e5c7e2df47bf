/* What every platform's poll shares (connector_graph.c, connector_youtube.c,
 * connector_mastodon.c, connector_x.c): the state of one poll, the cursor,
 * the pages waiting to be imported, the look-back walk, nested pages, and
 * the paged-poll loop. capture/connector sets a run up and hands it to the
 * platform's poll; this module never calls back into either. Not for use
 * outside capture/connector*.c. */
#ifndef KV_CAPTURE_CONNECTOR_RUN_H
#define KV_CAPTURE_CONNECTOR_RUN_H

#include "base/buf.h"
#include "base/err.h"
#include "capture/connector_conf.h"
#include "capture/fetch.h"
#include "capture/import.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct cur {
	char since[64];
	char pending[64];
	char next[2048];
	/* Conversations only: the since the poll may at most move to, below a
	 * conversation whose message list was cut short ("" when none was). */
	char floor[64];
};

/* One response body waiting to be imported. */
struct part {
	char *data;
	size_t len;
	enum parse_format fmt;
	char name[256];
	/* The item the part's records answer where the part does not say it
	 * (import_opts.subject; LinkedIn comments: their post); "" for none. */
	char subject[256];
	/* What the import of this part counts that the poll has dealt with:
	 * nested comment lists on it whose next page was read (the parser
	 * notes each as a skip, "more comments than this response holds"), and
	 * the objects repeated above a nested page to give it its place (each
	 * counted as unchanged). */
	int64_t followed;
	int64_t echoed;
	/* Lists on it left unread that the parser does not note (YouTube
	 * threads whose replies, conversations whose messages were not all
	 * read), counted as skipped. */
	int64_t cut;
};

struct parts {
	struct part *v;
	size_t n;
	size_t cap;
};

struct run {
	struct store *s;
	struct fetch *f;
	const struct connector_conf *c;
	int64_t account_id;
	const char *pid;    /* the platform's id of the account */
	const char *handle; /* for messages */
	const char *platform;
	char *tok_esc;              /* the token, URL-escaped */
	int64_t comment_pages_left; /* nested comment pages this poll may still read */
	struct import_opts io;
	struct connector_report *r;
	char origin[600]; /* scheme://host:port of base_url */
};

/* How far back a poll reads when the platform lists posts newest first and
 * cannot be asked for "since T" (YouTube, Mastodon, X): everything newer
 * than the cursor's since (new posts), and every post created since the
 * start of the look-back window, whose comments and replies are read again
 * for the ones written since. The poll pages on until a page's oldest post
 * lies behind both; the posts on the pages it reads are compared with the
 * cursor by their since value (a time for YouTube, an id for Mastodon and
 * X) and with the window by their creation time. */
struct reach {
	char since[64];   /* the cursor's since; "" reads everything */
	int64_t start;    /* start of the window; INT64_MAX when there is none */
	char oldest[64];  /* the smallest since value on the page under way */
	int64_t oldest_t; /* the earliest creation time on it (INT64_MIN: unknown) */
};

/* A nested comment list with a further page still to read. */
struct nest {
	char *url;     /* its paging.next as Graph gave it */
	json_t *chain; /* the objects the list hangs under, outermost first, without children */
	size_t origin; /* the part whose import notes the list as cut short */
	int page;      /* the page of the list that url reads */
};

struct nests {
	struct nest *v;
	size_t n;
	size_t cap;
	size_t head; /* the next one to read */
};

/* ---- cursors (a JSON object per account and endpoint) ---- */

int connector_run_cur_load(struct run *run, const char *endpoint, struct cur *c, struct err *err);
/* Compares two decimal numbers given as text (ids, Unix times) of any
 * length; "" is the smallest. */
int connector_run_num_cmp(const char *a, const char *b);
int connector_run_is_num(const char *s);
/* Keeps in dst (n bytes) the larger of dst and v (numbers as text). */
void connector_run_keep_max(char *dst, size_t n, const char *v);

/* ---- pages: fetched first, imported together with the cursor ---- */

void connector_run_parts_done(struct parts *p);
int connector_run_get_part(struct run *run, struct parts *p, const char *url, const char *bearer,
                           enum parse_format fmt, const char *name, const struct part **out_part,
                           struct err *err);
int connector_run_get_json_page(struct run *run, struct parts *parts, const char *url,
                                const char *bearer, enum parse_format fmt, const char *name,
                                json_t **j, const struct part **out_part, struct err *err);
/* Imports the parts and stores the cursor in one transaction (last: the
 * poll reached the end, pending becomes since). */
int connector_run_end_page(struct run *run, const char *endpoint, struct parts *parts,
                           struct cur *c, int last, struct err *err);
int connector_run_poll_result(struct run *run, const char *endpoint, int rc, const struct err *err);

/* ---- times, the look-back window ---- */

void connector_run_iso_to_num(char *dst, size_t n, const char *iso);
int64_t connector_run_post_time(const char *iso);
void connector_run_lookback_since(const struct run *run, const char *since, char *out, size_t n);
void connector_run_reach_page(struct reach *r);
void connector_run_reach_init(struct reach *r, const struct run *run, const char *since);
int connector_run_reach_window(const struct reach *r);
void connector_run_reach_note(struct reach *r, const char *key, int64_t t);
int connector_run_reach_wants(const struct reach *r, const char *key, int64_t t);
int connector_run_reach_done(const struct reach *r);

/* ---- URLs and nested pages ---- */

char *connector_run_strip_secrets(const char *url);
void connector_run_nests_done(struct nests *q);
int connector_run_nests_push(struct nests *q, const char *url, json_t *chain, size_t origin,
                             int page, struct err *err);

/* ---- the paged poll: a list the platform gives newest first ---- */

struct paged_ops;

/* The state of a paged poll while one of its pages is handled. */
struct paged {
	struct run *run;
	const struct paged_ops *ops;
	struct parts parts;
	struct cur c;
	struct reach reach;
	struct buf url; /* the page's URL, for ops->url to write */
	int64_t page;   /* 1 for the first page */
	char name[256]; /* the page's name in messages and in the import */
	json_t *j;      /* the page as JSON, for ops->page */
};

/* What a platform tells connector_run_paged_poll. */
struct paged_ops {
	const char *family;   /* "youtube", "facebook" ...: the first word of a page's name */
	const char *endpoint; /* the cursor's endpoint */
	const char *label;    /* the page's name after the handle; NULL: the endpoint */
	void *ctx;            /* the platform's own, for url and page */
	enum parse_format fmt;
	int bearer; /* 1: the token goes as a bearer header; 0: url carries it */
	/* Writes the URL of page pg->page (the cursor in pg->c, the window in
	 * pg->reach) to the cleared pg->url. */
	int (*url)(struct paged *pg, struct err *err);
	/* Handles the page fetched into pg->j (the last part in pg->parts):
	 * notes its posts in pg->c.pending and pg->reach, fetches what hangs
	 * under them as further parts, and sets pg->c.next ("" on the last
	 * page). */
	int (*page)(struct paged *pg, struct err *err);
};

/* The loop of every platform's poll: loads the cursor, then
 * for at most max_pages pages fetches a page, lets ops->page handle it, and
 * imports the page's parts together with the cursor (connector_run_end_page),
 * until a page leaves no next. Returns connector_run_poll_result's code. */
int connector_run_paged_poll(struct run *run, const struct paged_ops *ops, struct err *err);

/* ---- one page of a nested list ---- */

/* 1 when the poll may read another nested page; 0 when max_comment_pages
 * is spent, after counting the lists q holds from q->head on as cut short
 * in the report. */
int connector_run_nest_budget(struct run *run, const struct nests *q);

/* Reads one page of a nested list: spends one of the poll's nested pages
 * and fetches url as a part of its own into parts (*j is the page as JSON,
 * *out_part the part, as connector_run_get_json_page). A failure is prefixed
 * with name unless the message names it already. */
int connector_run_nest_fetch(struct run *run, struct parts *parts, const char *url,
                             enum parse_format fmt, const char *name, json_t **j,
                             struct part **out_part, struct err *err);

/* Puts doc (a heap string, owned from now on) in place of pt's data, the
 * document the part is imported as. KV_ENOMEM when doc is NULL. */
int connector_run_part_set(struct part *pt, char *doc, struct err *err);

#endif
