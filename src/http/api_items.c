/* API: captured items (list, one item with its versions, events, flags and
 * thread) and search. */
#include "http/api.h"
#include "http/api_items.h"

#include "http/views.h"
#include "store/items.h"
#include "workflow/browse.h"

#include <string.h>

static int item_row(void *arg, const struct item_row *it)
{
	return api_page_add(arg, views_item_json(it));
}

/* The filters items and search share. */
static int filters(struct api_req *r, struct item_filter *f)
{
	static const char *const dirs[] = {"inkommen", "upprattad", NULL};
	const char *acc = api_query(r, "account"), *dir = api_query(r, "direction");
	int rc = KV_OK, flagged = 0;

	if (acc)
		rc = api_account_ref(r, acc, "account", &f->account_id);
	if (!rc && dir) {
		size_t i = 0;

		if (strcmp(dir, "upprättad") == 0)
			dir = "upprattad";
		while (dirs[i] && strcmp(dirs[i], dir) != 0)
			i++;
		if (!dirs[i])
			return api_fail_field(
			        r,
			        err_set(r->err, KV_EINVAL,
			                "direction: '%.40s' is not inkommen or upprattad", dir),
			        "direction");
		f->direction = dirs[i];
	}
	f->kind = api_query(r, "kind");
	f->state = api_query(r, "state");
	f->category = api_query(r, "category");
	if (!rc)
		rc = api_query_flag(r, "flagged", &flagged);
	f->flagged = flagged;
	if (!rc)
		rc = api_query_date(r, "from", &f->from);
	if (!rc)
		rc = api_query_date(r, "to", &f->to);
	f->newest_first = 1;
	return rc;
}

static int list(struct api_req *r, const char *query)
{
	struct item_filter f = {0};
	const char *pid = api_query(r, "platform_id");
	struct api_page pg;
	int rc = api_page_init(r, &pg);

	if (!rc)
		rc = filters(r, &f);
	f.query = query;
	f.limit = pg.offset + pg.limit + 1;
	if (!rc && pid) {
		int64_t id = 0;

		rc = browse_item_ref(&r->op, pid, &id, r->err);
		if (rc == KV_ENOTFOUND) {
			/* No such item: an empty page, as for any filter. */
			err_clear(r->err);
			api_page_done(&pg);
			rc = api_page_init(r, &pg);
			return rc ? rc : api_page_reply(r, &pg);
		}
		f.item_id = id;
	}
	if (!rc)
		rc = browse_items(&r->op, &f, item_row, &pg, r->err);
	if (!rc)
		return api_page_reply(r, &pg);
	if (query && rc == KV_EINVAL && !r->field[0])
		api_fail_field(r, rc, "q");
	api_page_done(&pg);
	return rc;
}

int api_items_list(struct api_req *r)
{
	return list(r, NULL);
}

int api_items_search(struct api_req *r)
{
	const char *q = api_query(r, "q");

	if (!q || !*q)
		return api_fail_field(r, err_set(r->err, KV_EINVAL, "q: a query is required"), "q");
	return list(r, q);
}

struct show {
	json_t *item, *versions, *events, *flags, *thread;
};

static int show_item(void *arg, const struct item_row *it)
{
	struct show *s = arg;

	s->item = views_item_json(it);
	return 1;
}

static int show_version(void *arg, const struct item_version_row *v)
{
	return json_array_append_new(((struct show *)arg)->versions, views_version_json(v)) ? 1 : 0;
}

static int show_event(void *arg, const struct item_event_row *e)
{
	return json_array_append_new(((struct show *)arg)->events, views_event_json(e)) ? 1 : 0;
}

static int show_flag(void *arg, const struct flag_row *f)
{
	return json_array_append_new(((struct show *)arg)->flags, views_flag_json(f)) ? 1 : 0;
}

static int show_thread(void *arg, const struct item_row *it)
{
	return json_array_append_new(((struct show *)arg)->thread, views_item_json(it)) ? 1 : 0;
}

int api_items_show(struct api_req *r)
{
	struct show s = {NULL, json_array(), json_array(), json_array(), json_array()};
	struct browse_show b = {show_item, show_version, show_event, show_flag, show_thread, &s};
	int64_t id = 0;
	int rc = browse_item_ref(&r->op, r->param[0], &id, r->err);

	if (rc)
		api_fail_field(r, rc, "ref");
	if (!rc)
		rc = browse_item_show(&r->op, id, &b, r->err);
	if (!rc && !s.item)
		rc = err_set(r->err, KV_ENOTFOUND, "item %lld does not exist", (long long)id);
	if (!rc) {
		json_object_set_new(s.item, "versions", s.versions);
		json_object_set_new(s.item, "events", s.events);
		json_object_set_new(s.item, "flags", s.flags);
		json_object_set_new(s.item, "thread", s.thread);
		return api_reply(r, 200, s.item);
	}
	json_decref(s.item);
	json_decref(s.versions);
	json_decref(s.events);
	json_decref(s.flags);
	json_decref(s.thread);
	return rc;
}
