/* A collecting sink for parser tests: copies every item, event and skip the
 * parser hands over, so tests can assert on them after the parse. Also checks
 * the contract on each item (platform_id set, text valid UTF-8). Header-only
 * so each test_parse_<fmt>.c stays one file; not for production code. */
#ifndef KV_TEST_PARSE_SINK_H
#define KV_TEST_PARSE_SINK_H

#include "testlib.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/utf8.h"
#include "model/item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SINK_MAX 64

struct got_item {
	char *platform, *platform_id, *parent_id, *root_id, *account_ref;
	char *author_id, *author_name, *text, *permalink, *source, *raw_json;
	char *links; /* joined with '\n' */
	char *media; /* "type url id" joined with '\n' */
	enum item_kind kind;
	enum item_state state;
	int author_is_account;
	long long created_at, version_at;
	size_t n_links, n_media;
};

struct got_event {
	char *platform, *platform_id, *account_ref;
	enum item_event_kind kind;
	long long at;
};

struct got {
	struct got_item items[SINK_MAX];
	size_t n_items;
	struct got_event events[SINK_MAX];
	size_t n_events;
	size_t n_skips;
	char last_skip[256];
	int stop_after;        /* > 0: fail the call after this many items */
	size_t n_about;        /* profile texts handed over (sink about) */
	char about[1024];      /* the last one */
	char about_ref[200];   /* the author id of its item */
	size_t n_pictures;     /* profile pictures handed over (sink picture) */
	char picture[512];     /* the last one's URL */
	char picture_ref[200]; /* the author id of its item */
	int picture_own;       /* its item's author_is_account */
};

static inline char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline int got_item_cb(void *ctx, const struct item *it, struct err *err)
{
	struct got *g = ctx;
	struct got_item *o;
	struct buf b;

	if (!it->platform_id || !it->platform || !it->text || !it->source)
		test_fail(__FILE__, __LINE__, "item with NULL platform_id/platform/text/source");
	if (utf8_check(it->text, strlen(it->text)) >= 0)
		test_fail(__FILE__, __LINE__, "item %s: text is not valid UTF-8", it->platform_id);
	if (g->stop_after > 0 && g->n_items >= (size_t)g->stop_after)
		return err_set(err, KV_ECONFLICT, "sink refused item %s", it->platform_id);
	if (g->n_items >= SINK_MAX)
		test_fail(__FILE__, __LINE__, "more than %d items", SINK_MAX);
	o = &g->items[g->n_items++];
	o->platform = dup_or_null(it->platform);
	o->platform_id = dup_or_null(it->platform_id);
	o->parent_id = dup_or_null(it->parent_id);
	o->root_id = dup_or_null(it->root_id);
	o->account_ref = dup_or_null(it->account_ref);
	o->author_id = dup_or_null(it->author_id);
	o->author_name = dup_or_null(it->author_name);
	o->text = dup_or_null(it->text);
	o->permalink = dup_or_null(it->permalink);
	o->source = dup_or_null(it->source);
	o->raw_json = dup_or_null(it->raw_json);
	o->kind = it->kind;
	o->state = it->state;
	o->author_is_account = it->author_is_account;
	o->created_at = it->created_at;
	o->version_at = it->version_at;
	o->n_links = it->n_links;
	o->n_media = it->n_media;
	buf_init(&b, 0);
	for (size_t i = 0; i < it->n_links; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", it->links[i]);
	o->links = strdup(buf_cstr(&b));
	buf_clear(&b);
	for (size_t i = 0; i < it->n_media; i++)
		buf_printf(&b, "%s%s %s %s", i ? "\n" : "",
		           it->media[i].type ? it->media[i].type : "-",
		           it->media[i].url ? it->media[i].url : "-",
		           it->media[i].platform_id ? it->media[i].platform_id : "-");
	o->media = strdup(buf_cstr(&b));
	buf_done(&b);
	return KV_OK;
}

static inline int got_event_cb(void *ctx, const struct item_event *ev, struct err *err)
{
	struct got *g = ctx;
	struct got_event *o;

	(void)err;
	if (!ev->platform_id || !ev->platform)
		test_fail(__FILE__, __LINE__, "event with NULL platform_id/platform");
	if (g->n_events >= SINK_MAX)
		test_fail(__FILE__, __LINE__, "more than %d events", SINK_MAX);
	o = &g->events[g->n_events++];
	o->platform = dup_or_null(ev->platform);
	o->platform_id = dup_or_null(ev->platform_id);
	o->account_ref = dup_or_null(ev->account_ref);
	o->kind = ev->kind;
	o->at = ev->at;
	return KV_OK;
}

static inline int got_skip_cb(void *ctx, const char *what, const char *reason, struct err *err)
{
	struct got *g = ctx;

	(void)err;
	g->n_skips++;
	snprintf(g->last_skip, sizeof(g->last_skip), "%s: %s", what, reason);
	return KV_OK;
}

static inline int got_about_cb(void *ctx, const struct item *it, const char *text, struct err *err)
{
	struct got *g = ctx;

	(void)err;
	if (!it || !it->author_id || !text || utf8_check(text, strlen(text)) >= 0)
		test_fail(__FILE__, __LINE__, "about without an author or valid text");
	g->n_about++;
	snprintf(g->about, sizeof(g->about), "%s", text);
	snprintf(g->about_ref, sizeof(g->about_ref), "%s", it->author_id);
	return KV_OK;
}

static inline int got_picture_cb(void *ctx, const struct item *it, const char *url, struct err *err)
{
	struct got *g = ctx;

	(void)err;
	if (!it || !it->author_id || !url || !*url)
		test_fail(__FILE__, __LINE__, "picture without an author or a URL");
	g->n_pictures++;
	snprintf(g->picture, sizeof(g->picture), "%s", url);
	snprintf(g->picture_ref, sizeof(g->picture_ref), "%s", it->author_id);
	g->picture_own = it->author_is_account;
	return KV_OK;
}

static inline struct item_sink got_sink(struct got *g)
{
	struct item_sink s = {got_item_cb, got_event_cb, got_skip_cb,
	                      g,           got_about_cb, got_picture_cb};

	memset(g, 0, sizeof(*g));
	return s;
}

/* The item with this platform_id (the n-th one when versions repeat it). */
static inline const struct got_item *got_find(const struct got *g, const char *id, int nth)
{
	for (size_t i = 0; i < g->n_items; i++)
		if (strcmp(g->items[i].platform_id, id) == 0 && nth-- == 0)
			return &g->items[i];
	test_fail(__FILE__, __LINE__, "no item %s", id);
}

/* A fixture under tests/fixtures/ (heap; free it). */
static inline char *fixture(const char *rel, size_t *len)
{
	char path[512];
	char *data;

	snprintf(path, sizeof(path), "tests/fixtures/%s", rel);
	data = test_read_file(test_source_path(path), len);
	if (!data)
		test_fail(__FILE__, __LINE__, "fixture %s missing", rel);
	return data;
}

#endif
