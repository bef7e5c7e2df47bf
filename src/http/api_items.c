/* API: captured items (list, one item with its versions, events, flags and
 * thread) and search. */
#include "http/api.h"
#include "http/api_items.h"

#include "capture/item_view.h"
#include "store/items.h"
#include "workflow/browse.h"

#include <string.h>

static int item_row(void *arg, const struct item_row *it)
{
	return api_page_add(arg, item_view_json(it));
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
		rc = item_view_each(&r->op, &f, item_row, &pg, r->err);
	if (rc > 0) /* the page is full */
		rc = KV_OK;
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

int api_items_show(struct api_req *r)
{
	json_t *j = NULL;
	int64_t id = 0;
	int rc = browse_item_ref(&r->op, r->param[0], &id, r->err);

	if (rc)
		return api_fail_field(r, rc, "ref");
	rc = item_view_show(&r->op, id, &j, r->err);
	return rc ? rc : api_reply(r, 200, j);
}
