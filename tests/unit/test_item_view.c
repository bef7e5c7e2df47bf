/* Items as people read them: a role for named accounts sees only their
 * items, in lists, search and the whole record. */
#include "testlib.h"

#include "base/hash.h"
#include "base/time.h"
#include "capture/item_view.h"
#include "model/op_ctx.h"
#include "registry/registry.h"
#include "store/items.h"
#include "store/store.h"

#include <stdio.h>

struct fixture {
	struct store *s;
	int64_t org, kultur, social;
};

static void put(struct fixture *fx, int64_t account, const char *id, const char *text)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .kind = ITEM_POST,
	                  .created_at = 1780000000,
	                  .text = text,
	                  .source = "test"};
	struct item_write w = {
	        .org_id = fx->org, .account_id = account, .it = &it, .captured_at = 1780000100};
	struct item_put_result out = {0};
	struct err e = {0};

	if (items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "items_put: %s", e.msg);
}

static struct fixture setup(void)
{
	struct fixture fx = {0};
	struct account_input k = {.platform = "facebook", .handle = "kultur", .unit = "Kultur"};
	struct account_input so = {.platform = "facebook", .handle = "social", .unit = "Social"};
	const struct op_ctx *op;
	struct err e = {0};
	char dir[4096];

	CHECK_INT(hash_init(), KV_OK);
	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	if (store_open(&fx.s, dir, &e) ||
	    registry_init(test_op(fx.s, 0, "t"), "Sjövik", &fx.org, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	op = test_op(fx.s, fx.org, "t");
	if (registry_unit_add(op, "Kultur", NULL, NULL, &e) ||
	    registry_unit_add(op, "Social", NULL, NULL, &e) ||
	    registry_account_add(op, &k, &fx.kultur, &e) ||
	    registry_account_add(op, &so, &fx.social, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	put(&fx, fx.kultur, "k1", "Konsert i parken på lördag");
	put(&fx, fx.social, "s1", "Ekonomiskt bistånd och konsert");
	return fx;
}

static int count(void *arg, const struct item_row *r)
{
	int *n = arg;

	(void)r;
	(*n)++;
	return 0;
}

static void an_editor_of_kultur_sees_only_kultur(void)
{
	struct fixture fx = setup();
	struct principal eva;
	struct op_ctx op;
	struct item_filter all = {0}, search = {.query = "konsert"}, social = {0};
	struct err e = {0};
	json_t *item = NULL;
	int n = 0;

	principal_init_user(&eva, 1, 0, "eva", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&eva, ROLE_EDITOR, 0, &fx.kultur, 1, &e), KV_OK);
	op_ctx_init(&op, fx.s, fx.org, &eva, time_now());
	CHECK_INT(item_view_each(&op, &all, count, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	n = 0;
	CHECK_INT(item_view_each(&op, &search, count, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	social.account_id = fx.social;
	CHECK_INT(item_view_each(&op, &social, count, &n, &e), KV_EDENIED);
	CHECK_INT(item_view_show(&op, 2, &item, &e), KV_EDENIED);
	CHECK(item == NULL);
	CHECK_INT(item_view_show(&op, 1, &item, &e), KV_OK);
	CHECK_STR(json_string_value(json_object_get(item, "platform_id")), "k1");
	CHECK(json_is_array(json_object_get(item, "versions")));
	json_decref(item);
	CHECK_INT(item_view_show(&op, 99, &item, &e), KV_ENOTFOUND);

	op.who = test_shell("t");
	n = 0;
	CHECK_INT(item_view_each(&op, &search, count, &n, &e), KV_OK);
	CHECK_INT(n, 2);
	store_free(fx.s);
}

static void an_advertiser_reads_no_items(void)
{
	struct fixture fx = setup();
	struct principal ann;
	struct op_ctx op;
	struct item_filter all = {0};
	struct err e = {0};
	int n = 0;

	principal_init_user(&ann, 2, 0, "ann", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&ann, ROLE_ADVERTISER, 0, NULL, 0, &e), KV_OK);
	op_ctx_init(&op, fx.s, fx.org, &ann, time_now());
	CHECK_INT(item_view_each(&op, &all, count, &n, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "ann may not item.read");
	CHECK_INT(n, 0);
	store_free(fx.s);
}

TEST_MAIN(T(an_editor_of_kultur_sees_only_kultur), T(an_advertiser_reads_no_items))
