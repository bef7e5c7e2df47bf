/* Captured items as people read them: the JSON view of an item (one shape
 * for the CLI, the API and the archive), lists and search filtered to the
 * accounts the principal may read, and the whole record of one item (its
 * versions, events, flags, media and thread). Not the SQL (store/items). */
#ifndef KV_CAPTURE_ITEM_VIEW_H
#define KV_CAPTURE_ITEM_VIEW_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/items.h"
#include "store/media_rows.h"

#include <jansson.h>

/* The view of one item row (new reference; NULL when out of memory). */
json_t *item_view_json(const struct item_row *r);

/* The view of one media row (new reference). */
json_t *item_view_media_json(const struct media_row *m);

/* Calls fn for each item of op's organisation that matches f (f->org_id is
 * ignored) on an account the principal may read (PERM_ITEM_READ); a query in
 * f makes it a search. KV_EDENIED when the principal reads no account,
 * KV_EINVAL for a query with no word. */
int item_view_each(const struct op_ctx *op, const struct item_filter *f, items_fn fn, void *ctx,
                   struct err *err);

/* The whole record of item id: its view with "flags", "media", "versions",
 * "events" and "thread" (the other items of its thread, in order). *out is
 * a new reference. KV_ENOTFOUND for an unknown item (or one of another
 * organisation), KV_EDENIED when the principal may not read its account. */
int item_view_show(const struct op_ctx *op, int64_t id, json_t **out, struct err *err);

#endif
