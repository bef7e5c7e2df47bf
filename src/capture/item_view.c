/* Items as people read them: the view, permission-filtered lists and the
 * whole record of one item. */
#include "capture/item_view.h"

#include "base/calendar.h"
#include "store/draft_rows.h"
#include "store/screening_rows.h"

#include <stdio.h>
#include <string.h>

json_t *item_view_json(const struct item_row *r)
{
	char created[CALENDAR_ISO_LEN] = "", captured[CALENDAR_ISO_LEN];

	if (r->created_at)
		calendar_format_local(created, r->created_at);
	calendar_format_local(captured, r->captured_at);
	return json_pack(
	        "{s:I,s:s,s:I,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:s?,s:s,s:s?,s:s,s:I,"
	        "s:s,s:s?,s:s?}",
	        "id", (json_int_t)r->id, "account", r->account_handle, "account_id",
	        (json_int_t)r->account_id, "platform", r->platform, "platform_id", r->platform_id,
	        "kind", r->kind, "parent", r->parent_platform_id, "root", r->root_platform_id,
	        "author_id", r->author_id, "author", r->author_name, "direction",
	        strcmp(r->direction, "upprattad") == 0 ? "upprättad" : "inkommen", "created_at",
	        r->created_at ? created : NULL, "captured_at", captured, "permalink", r->permalink,
	        "state", r->state, "versions", (json_int_t)r->versions, "text", r->text, "snippet",
	        r->snippet, "categories", r->categories && *r->categories ? r->categories : NULL);
}

json_t *item_view_media_json(const struct media_row *m)
{
	return json_pack("{s:I,s:I,s:s,s:s?,s:s?,s:I,s:I,s:s?}", "id", (json_int_t)m->id, "item",
	                 (json_int_t)m->item_id, "url", m->url, "type", m->type, "sha256",
	                 m->sha256, "bytes", (json_int_t)m->bytes, "attempts",
	                 (json_int_t)m->attempts, "error", m->error);
}

/* Passes on the rows of the accounts the principal may read. */
struct visible {
	const struct principal *who;
	items_fn fn;
	void *ctx;
};

static int visible_row(void *arg, const struct item_row *r)
{
	struct visible *v = arg;

	return principal_can(v->who, PERM_ITEM_READ, r->account_id) ? v->fn(v->ctx, r) : 0;
}

int item_view_each(const struct op_ctx *op, const struct item_filter *f, items_fn fn, void *ctx,
                   struct err *err)
{
	struct item_filter of = *f;
	struct visible v = {op->who, fn, ctx};

	if (f->account_id ? !principal_can(op->who, PERM_ITEM_READ, f->account_id)
	                  : !principal_can_any(op->who, PERM_ITEM_READ))
		return op_ctx_require(op, PERM_ITEM_READ, f->account_id, err);
	of.org_id = op->org;
	return items_each(op->store, &of, visible_row, &v, err);
}

/* Gathers the pieces of item_view_show. */
struct show {
	json_t *item;
	json_t *list;
	char root[256];
	int64_t account_id;
};

static int collect_item(void *arg, const struct item_row *r)
{
	struct show *sh = arg;

	if (!sh->item) {
		sh->item = item_view_json(r);
		sh->account_id = r->account_id;
		snprintf(sh->root, sizeof(sh->root), "%s",
		         r->root_platform_id ? r->root_platform_id : r->platform_id);
	} else {
		json_array_append_new(sh->list, item_view_json(r));
	}
	return 0;
}

static int collect_version(void *arg, const struct item_version_row *v)
{
	struct show *sh = arg;
	char at[CALENDAR_ISO_LEN] = "", captured[CALENDAR_ISO_LEN];
	json_t *links = v->links ? json_loads(v->links, 0, NULL) : NULL;
	json_t *media = v->media ? json_loads(v->media, 0, NULL) : NULL;

	if (v->version_at)
		calendar_format_local(at, v->version_at);
	calendar_format_local(captured, v->captured_at);
	json_array_append_new(sh->list,
	                      json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s?,s:o,s:o}", "version",
	                                (json_int_t)v->version, "text", v->text, "sha256",
	                                v->sha256, "written_at", v->version_at ? at : NULL,
	                                "captured_at", captured, "source", v->source, "links",
	                                links ? links : json_null(), "media",
	                                media ? media : json_null()));
	return 0;
}

static int collect_event(void *arg, const struct item_event_row *e)
{
	struct show *sh = arg;
	char at[CALENDAR_ISO_LEN], captured[CALENDAR_ISO_LEN];

	calendar_format_local(at, e->at);
	calendar_format_local(captured, e->captured_at);
	json_array_append_new(sh->list, json_pack("{s:s,s:s,s:s,s:s?}", "event", e->kind, "at", at,
	                                          "captured_at", captured, "source", e->source));
	return 0;
}

static int collect_flag(void *arg, const struct flag_row *f)
{
	struct show *sh = arg;

	json_array_append_new(sh->list, json_pack("{s:s,s:f,s:s,s:I,s:I,s:s}", "category",
	                                          f->category, "score", f->score, "rule", f->rule,
	                                          "start", (json_int_t)f->start, "end",
	                                          (json_int_t)f->end, "match", f->match));
	return 0;
}

static int collect_media(void *arg, const struct media_row *m)
{
	struct show *sh = arg;

	json_array_append_new(sh->list, item_view_media_json(m));
	return 0;
}

int item_view_show(const struct op_ctx *op, int64_t id, json_t **out, struct err *err)
{
	struct item_filter f = {.org_id = op->org, .item_id = id};
	struct show sh = {0};
	json_t *versions = json_array(), *events = json_array(), *thread = json_array();
	json_t *flags = json_array(), *media = json_array();
	int64_t draft = 0;
	int rc = KV_OK;

	if (!versions || !events || !thread || !flags || !media)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = items_each(op->store, &f, collect_item, &sh, err);
	if (!rc && !sh.item)
		rc = err_set(err, KV_ENOTFOUND, "no item with id %lld", (long long)id);
	if (!rc)
		rc = op_ctx_require(op, PERM_ITEM_READ, sh.account_id, err);
	if (!rc) {
		sh.list = versions;
		rc = items_versions(op->store, id, collect_version, &sh, err);
	}
	if (!rc) {
		sh.list = events;
		rc = items_events(op->store, id, collect_event, &sh, err);
	}
	if (!rc) {
		sh.list = flags;
		rc = screening_row_flags(op->store, id, collect_flag, &sh, err);
	}
	if (!rc) {
		sh.list = media;
		rc = media_row_each(op->store, op->org, id, collect_media, &sh, err);
	}
	if (!rc) {
		struct item_filter t = {.org_id = op->org, .root = sh.root};

		t.account_id = sh.account_id;
		sh.list = thread;
		/* collect_item appends every row after the first to the list. */
		json_array_append_new(thread, json_null());
		rc = items_each(op->store, &t, collect_item, &sh, err);
		json_array_remove(thread, 0);
	}
	if (!rc)
		rc = draft_row_of_item(op->store, id, &draft, err);
	if (rc) {
		json_decref(sh.item);
		json_decref(versions);
		json_decref(events);
		json_decref(thread);
		json_decref(flags);
		json_decref(media);
		return rc;
	}
	/* An own post published from a draft names it. */
	if (draft)
		json_object_set_new(sh.item, "draft", json_integer(draft));
	json_object_set_new(sh.item, "flags", flags);
	json_object_set_new(sh.item, "media", media);
	json_object_set_new(sh.item, "versions", versions);
	json_object_set_new(sh.item, "events", events);
	json_object_set_new(sh.item, "thread", thread);
	*out = sh.item;
	return KV_OK;
}
