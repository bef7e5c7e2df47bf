/* The sink the parser fuzz targets use: it checks the item contract (ids set,
 * text valid UTF-8, links and media well formed) and abort()s when a parser
 * breaks it, so libFuzzer reports the input. Not for production code. */
#ifndef KV_FUZZ_SINK_H
#define KV_FUZZ_SINK_H

#include "base/utf8.h"
#include "model/item.h"

#include <stdlib.h>
#include <string.h>

static inline void fuzz_check_str(const char *s)
{
	if (s && utf8_check(s, strlen(s)) >= 0)
		abort();
}

static inline int fuzz_item(void *ctx, const struct item *it, struct err *err)
{
	(void)ctx;
	(void)err;
	if (!it->platform_id || !*it->platform_id || !it->platform || !it->text || !it->source)
		abort();
	if ((unsigned)it->kind > ITEM_MEDIA || (unsigned)it->state > ITEM_DELETED)
		abort();
	if (it->author_is_account < -1 || it->author_is_account > 1)
		abort();
	fuzz_check_str(it->text);
	fuzz_check_str(it->platform_id);
	fuzz_check_str(it->parent_id);
	fuzz_check_str(it->root_id);
	fuzz_check_str(it->author_name);
	for (size_t i = 0; i < it->n_links; i++)
		if (!it->links[i])
			abort();
	if (it->n_media && !it->media)
		abort();
	if (it->raw_json)
		(void)strlen(it->raw_json);
	return 0;
}

static inline int fuzz_event(void *ctx, const struct item_event *ev, struct err *err)
{
	(void)ctx;
	(void)err;
	if (!ev->platform_id || !ev->platform || (unsigned)ev->kind > ITEM_EV_UNHIDDEN)
		abort();
	return 0;
}

static inline int fuzz_skip(void *ctx, const char *what, const char *reason, struct err *err)
{
	(void)ctx;
	(void)err;
	if (!what || !reason)
		abort();
	return 0;
}

/* A profile picture has an author and a non-empty URL. */
static inline int fuzz_picture(void *ctx, const struct item *it, const char *url, struct err *err)
{
	(void)ctx;
	(void)err;
	if (!it || !it->author_id || !url || !*url)
		abort();
	return 0;
}

static const struct item_sink fuzz_sink = {fuzz_item, fuzz_event, fuzz_skip,
                                           NULL,      NULL,       fuzz_picture};

/* The stricter contract of the Meta parsers (Graph, webhook, export): every
 * media entry names an id or a url, and every event a non-empty id. Other
 * formats (JSONL) may legitimately carry media with neither. */
static inline int fuzz_item_strict(void *ctx, const struct item *it, struct err *err)
{
	fuzz_item(ctx, it, err);
	for (size_t i = 0; i < it->n_media; i++)
		if (!it->media[i].url && !it->media[i].platform_id)
			abort();
	return 0;
}

static inline int fuzz_event_strict(void *ctx, const struct item_event *ev, struct err *err)
{
	fuzz_event(ctx, ev, err);
	if (!*ev->platform_id)
		abort();
	return 0;
}

static const struct item_sink fuzz_sink_strict = {
        fuzz_item_strict, fuzz_event_strict, fuzz_skip, NULL, NULL, fuzz_picture};

/* A failed parse must say why. */
static inline void fuzz_check_err(int rc, const struct err *e)
{
	if (rc != 0 && e->msg[0] == '\0')
		abort();
}

#endif
