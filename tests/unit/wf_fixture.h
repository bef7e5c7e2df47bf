/* A store with one organisation and accounts, and helpers to put captured
 * items and screening results, shared by the workflow unit tests. */
#ifndef KV_TEST_WF_FIXTURE_H
#define KV_TEST_WF_FIXTURE_H

#include "testlib.h"

#include "base/calendar.h"
#include "base/hash.h"
#include "registry/registry.h"
#include "store/items.h"
#include "store/register_rows.h"
#include "store/screening_rows.h"
#include "store/store.h"

#include <stdio.h>

struct wf {
	struct store *s;
	int64_t org, fb, x;
};

static inline struct wf wf_setup(void)
{
	struct wf fx = {0};
	struct op_ctx op = {0};
	struct account_input fb = {
	        .platform = "facebook", .handle = "sjovik", .unit = "Enhet", .posts_per_week = "3"};
	struct account_input x = {.platform = "x", .handle = "sjovik_x", .unit = "Enhet"};
	struct err e = {0};
	char dir[4096];

	CHECK_INT(hash_init(), KV_OK);
	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	if (store_open(&fx.s, dir, &e) ||
	    registry_init(test_op(fx.s, 0, "t"), "Sjövik", &fx.org, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	op.store = fx.s;
	op.org = fx.org;
	op.who = test_shell("t");
	if (registry_unit_add(&op, "Enhet", NULL, NULL, &e) ||
	    registry_account_add(&op, &fb, &fx.fb, &e) || registry_account_add(&op, &x, &fx.x, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	return fx;
}

/* Stockholm local time as Unix seconds. */
static inline int64_t wf_at(const char *local)
{
	int64_t t = 0;
	struct err e = {0};

	if (calendar_parse_instant(&t, local, &e))
		test_fail(__FILE__, __LINE__, "time %s: %s", local, e.msg);
	return t;
}

/* Puts an item; categories non-NULL screens it (question when it holds
 * "question"). Returns the item id. */
static inline int64_t wf_item(struct wf *fx, int64_t account, const char *id, const char *parent,
                              const char *root, int own, enum item_kind kind, const char *when,
                              const char *categories)
{
	struct item it = {.platform = account == fx->x ? "x" : "facebook",
	                  .platform_id = id,
	                  .kind = kind,
	                  .root_id = root,
	                  .parent_id = parent,
	                  .author_is_account = own,
	                  .created_at = wf_at(when),
	                  .text = "text",
	                  .source = "test"};
	struct item_write w = {.org_id = fx->org,
	                       .account_id = account,
	                       .it = &it,
	                       .upprattad = own,
	                       .captured_at = wf_at(when) + 60};
	struct item_put_result out = {0};
	struct err e = {0};

	if (items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "items_put %s: %s", id, e.msg);
	if (categories &&
	    screening_row_put(fx->s, out.id, 1, "test", strstr(categories, "question") != NULL,
	                      categories, NULL, 0, wf_at(when), &e))
		test_fail(__FILE__, __LINE__, "screening_row_put %s: %s", id, e.msg);
	return out.id;
}

/* Puts an item on the Facebook account with its author and text: an own
 * post (own), else a comment on "p1". Returns the item id; a second call
 * with the same id and another text adds a version. */
static inline int64_t wf_item_text(struct wf *fx, const char *id, int own, const char *when,
                                   const char *author, const char *text)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .kind = own ? ITEM_POST : ITEM_COMMENT,
	                  .root_id = own ? NULL : "p1",
	                  .parent_id = own ? NULL : "p1",
	                  .author_id = author,
	                  .author_name = author,
	                  .author_is_account = own,
	                  .created_at = wf_at(when),
	                  .text = text,
	                  .source = "test"};
	struct item_write w = {.org_id = fx->org,
	                       .account_id = fx->fb,
	                       .it = &it,
	                       .upprattad = own,
	                       .captured_at = wf_at(when) + 60};
	struct item_put_result out = {0};
	struct err e = {0};

	if (items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "items_put %s: %s", id, e.msg);
	return out.id;
}

static inline int64_t wf_count(struct wf *fx, const char *sql)
{
	int64_t n = -1;
	struct err e = {0};
	const char *none[1] = {NULL};

	if (store_query_int(fx->s, &n, &e, sql, 0, none))
		test_fail(__FILE__, __LINE__, "%s: %s", sql, e.msg);
	return n;
}

#endif
