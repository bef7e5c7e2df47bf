/* Tests for store/items: idempotent writes, versions, platform events,
 * batches, and Swedish full-text search. */
#include "testlib.h"

#include "base/hash.h"
#include "registry/registry.h"
#include "store/items.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
	struct store *s;
	int64_t org, account;
};

static struct fixture setup(void)
{
	struct fixture fx = {0};
	struct op_ctx op = {0};
	struct account_input in = {.platform = "facebook", .handle = "sjovik", .unit = "Enhet"};
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
	    registry_account_add(&op, &in, &fx.account, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	return fx;
}

static enum item_outcome put(struct fixture *fx, const char *id, const char *text, int64_t created,
                             int64_t version_at, enum item_state state,
                             const struct items_batch *batch)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .kind = ITEM_COMMENT,
	                  .root_id = "post1",
	                  .parent_id = "post1",
	                  .author_is_account = 0,
	                  .created_at = created,
	                  .version_at = version_at,
	                  .text = text,
	                  .state = state,
	                  .source = "test"};
	struct item_write w = {.org_id = fx->org,
	                       .account_id = fx->account,
	                       .it = &it,
	                       .captured_at = 1780000000,
	                       .batch = batch};
	struct item_put_result out = {0};
	struct err e = {0};

	if (items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "items_put: %s", e.msg);
	return out.outcome;
}

struct hits {
	int n;
	char ids[16][32];
	char snippet[256];
	char state[16];
	int64_t versions;
};

static int collect(void *ctx, const struct item_row *r)
{
	struct hits *h = ctx;

	if (h->n < 16)
		snprintf(h->ids[h->n], sizeof(h->ids[0]), "%s", r->platform_id);
	if (h->n == 0) {
		snprintf(h->snippet, sizeof(h->snippet), "%s", r->snippet ? r->snippet : "");
		snprintf(h->state, sizeof(h->state), "%s", r->state);
		h->versions = r->versions;
	}
	h->n++;
	return 0;
}

static struct hits search(struct fixture *fx, const char *q, int newest_first)
{
	struct item_filter f = {.org_id = fx->org, .query = q, .newest_first = newest_first};
	struct hits h = {0};
	struct err e = {0};

	if (items_each(fx->s, &f, collect, &h, &e))
		test_fail(__FILE__, __LINE__, "search %s: %s", q, e.msg);
	return h;
}

static void same_item_twice_changes_nothing(void)
{
	struct fixture fx = setup();

	CHECK_INT(put(&fx, "c1", "Hej kommunen!", 1780000000, 0, ITEM_VISIBLE, NULL), ITEM_OUT_NEW);
	CHECK_INT(put(&fx, "c1", "Hej kommunen!", 1780000000, 0, ITEM_VISIBLE, NULL),
	          ITEM_OUT_UNCHANGED);
	CHECK_INT(search(&fx, "kommunen", 1).n, 1);
	store_free(fx.s);
}

static void an_edit_adds_a_version(void)
{
	struct fixture fx = setup();
	struct hits h;

	put(&fx, "c1", "Varför är vägen inte plogad?", 1780000000, 0, ITEM_VISIBLE, NULL);
	CHECK_INT(put(&fx, "c1", "Varför är vägen fortfarande inte plogad?", 1780000000, 1780000600,
	              ITEM_VISIBLE, NULL),
	          ITEM_OUT_UPDATED);
	h = search(&fx, "fortfarande", 1);
	CHECK_INT(h.n, 1);
	CHECK_INT(h.versions, 2);
	/* The old text is no longer what the item says, but its version stays. */
	CHECK_INT(search(&fx, "vägen", 1).n, 1);
	/* Seeing the first version again (history arriving late) adds nothing. */
	CHECK_INT(put(&fx, "c1", "Varför är vägen inte plogad?", 1780000000, 0, ITEM_VISIBLE, NULL),
	          ITEM_OUT_UNCHANGED);
	store_free(fx.s);
}

static void hidden_and_deleted_are_events_not_removals(void)
{
	struct fixture fx = setup();
	struct item_event ev = {.platform = "facebook",
	                        .platform_id = "c1",
	                        .kind = ITEM_EV_DELETED,
	                        .at = 1780001000,
	                        .source = "test"};
	enum item_outcome out;
	struct err e = {0};
	struct hits h;

	put(&fx, "c1", "Köp billiga solglasögon", 1780000000, 0, ITEM_VISIBLE, NULL);
	CHECK_INT(put(&fx, "c1", "Köp billiga solglasögon", 1780000000, 0, ITEM_HIDDEN, NULL),
	          ITEM_OUT_UPDATED);
	h = search(&fx, "solglasögon", 1);
	CHECK_STR(h.state, "hidden");
	CHECK_INT(items_event(fx.s, fx.account, &ev, 1780002000, &out, &e), KV_OK);
	CHECK_INT(out, ITEM_OUT_UPDATED);
	CHECK_INT(items_event(fx.s, fx.account, &ev, 1780002000, &out, &e), KV_OK);
	CHECK_INT(out, ITEM_OUT_UNCHANGED);
	h = search(&fx, "solglasögon", 1);
	CHECK_INT(h.n, 1);
	CHECK_STR(h.state, "deleted");
	/* A later source showing it visible does not undo the deletion. */
	put(&fx, "c1", "Köp billiga solglasögon", 1780000000, 0, ITEM_VISIBLE, NULL);
	CHECK_STR(search(&fx, "solglasögon", 1).state, "deleted");
	ev.platform_id = "never-seen";
	CHECK_INT(items_event(fx.s, fx.account, &ev, 1780002000, &out, &e), KV_ENOTFOUND);
	store_free(fx.s);
}

static void swedish_letters_are_letters(void)
{
	struct fixture fx = setup();

	put(&fx, "c1", "Hur får man parkera här?", 1780000000, 0, ITEM_VISIBLE, NULL);
	put(&fx, "c2", "Min far bor i Sjövik.", 1780000100, 0, ITEM_VISIBLE, NULL);
	CHECK_INT(search(&fx, "får", 1).n, 1);
	CHECK_STR(search(&fx, "får", 1).ids[0], "c1");
	CHECK_STR(search(&fx, "far", 1).ids[0], "c2");
	CHECK_INT(search(&fx, "FÅR", 1).n, 1);
	CHECK_INT(search(&fx, "sjövik", 1).n, 1);
	CHECK_INT(search(&fx, "sjovik", 1).n, 0);
	store_free(fx.s);
}

static void stemming_finds_inflections(void)
{
	struct fixture fx = setup();
	struct hits h;

	put(&fx, "c1", "Jag har en synpunkt på parkeringarna.", 1780000000, 0, ITEM_VISIBLE, NULL);
	h = search(&fx, "synpunkter", 1);
	CHECK_INT(h.n, 1);
	CHECK_CONTAINS(h.snippet, "[synpunkt]");
	CHECK_INT(search(&fx, "parkering", 1).n, 1);
	CHECK_INT(search(&fx, "synpunkterna", 1).n, 1);
	store_free(fx.s);
}

static void order_and_operators(void)
{
	struct fixture fx = setup();
	struct hits h;

	put(&fx, "old", "badhuset öppnar", 1700000000, 0, ITEM_VISIBLE, NULL);
	put(&fx, "new", "badhuset stänger", 1790000000, 0, ITEM_VISIBLE, NULL);
	put(&fx, "mid", "badhuset renoveras", 1750000000, 0, ITEM_VISIBLE, NULL);
	h = search(&fx, "badhuset", 1);
	CHECK_INT(h.n, 3);
	CHECK_STR(h.ids[0], "new");
	CHECK_STR(h.ids[1], "mid");
	CHECK_STR(h.ids[2], "old");
	h = search(&fx, "badhuset", 0);
	CHECK_STR(h.ids[0], "old");
	/* All words must match; FTS syntax typed by a person is just words. */
	CHECK_INT(search(&fx, "badhuset öppnar", 1).n, 1);
	CHECK_INT(search(&fx, "badhuset OR NOT \"stänger", 1).n, 0);
	store_free(fx.s);
}

/* What a moderator may type: "a phrase", a prefix*, -excluded words and
 * phrases; a hyphen inside a word only separates. */
static void phrases_prefixes_and_exclusions(void)
{
	struct fixture fx = setup();
	struct err e = {0};
	struct item_filter f = {0};
	struct hits h = {0};
	char big[ITEMS_QUERY_MAX + 8];

	put(&fx, "a", "När öppnar badhuset efter renoveringen?", 1700000000, 0, ITEM_VISIBLE, NULL);
	put(&fx, "b", "Bygglovsansökan för badhuset är inskickad", 1700000100, 0, ITEM_VISIBLE,
	    NULL);
	put(&fx, "c", "Renoveringen av skolan och badhuset öppnar i maj", 1700000200, 0,
	    ITEM_VISIBLE, NULL);
	put(&fx, "d", "Skicka e-post till kommunen", 1700000300, 0, ITEM_VISIBLE, NULL);
	/* Words in this order, together. */
	h = search(&fx, "\"öppnar badhuset\"", 1);
	CHECK_INT(h.n, 1);
	CHECK_STR(h.ids[0], "a");
	CHECK_INT(search(&fx, "\"badhuset öppnar\"", 1).n, 1);
	CHECK_INT(search(&fx, "öppnar badhuset", 1).n, 2);
	/* A prefix finds the compound; without the star it does not. */
	h = search(&fx, "bygglov*", 1);
	CHECK_INT(h.n, 1);
	CHECK_STR(h.ids[0], "b");
	CHECK_INT(search(&fx, "bygglov", 1).n, 0);
	/* A prefix is stemmed like the words it should find. */
	CHECK_INT(search(&fx, "renoveringe*", 1).n, 2);
	/* Exclusions: a word, a phrase, and several. */
	h = search(&fx, "badhuset -skolan", 1);
	CHECK_INT(h.n, 2);
	CHECK_STR(h.ids[0], "b");
	CHECK_STR(h.ids[1], "a");
	CHECK_INT(search(&fx, "badhuset -\"öppnar i maj\"", 1).n, 2);
	CHECK_INT(search(&fx, "badhuset -skolan -bygglovsansökan", 1).n, 1);
	/* Only exclusions, or nothing: nothing to search for. */
	f.org_id = fx.org;
	f.query = "-badhuset";
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_EINVAL);
	f.query = "\"\" - *";
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_EINVAL);
	/* A hyphen inside a word is not an exclusion. */
	h = search(&fx, "e-post", 1);
	CHECK_INT(h.n, 1);
	CHECK_STR(h.ids[0], "d");
	/* Too long a query is refused, not cut. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	f.query = big;
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "longer than");
	store_free(fx.s);
}

static void filters_apply(void)
{
	struct fixture fx = setup();
	struct item_filter f = {0};
	struct hits h = {0};
	struct err e = {0};

	put(&fx, "a", "snöröjning", 1700000000, 0, ITEM_VISIBLE, NULL);
	put(&fx, "b", "snöröjning", 1750000000, 0, ITEM_HIDDEN, NULL);
	put(&fx, "c", "snöröjning", 1790000000, 0, ITEM_VISIBLE, NULL);
	f.org_id = fx.org;
	f.query = "snöröjning";
	f.from = 1740000000;
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_OK);
	CHECK_INT(h.n, 2);
	memset(&h, 0, sizeof(h));
	f.from = 0;
	f.state = "hidden";
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_OK);
	CHECK_INT(h.n, 1);
	CHECK_STR(h.ids[0], "b");
	memset(&h, 0, sizeof(h));
	f.state = NULL;
	f.query = NULL;
	f.to = 1760000000;
	f.newest_first = 1;
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_OK);
	CHECK_INT(h.n, 2);
	CHECK_STR(h.ids[0], "b");
	memset(&h, 0, sizeof(h));
	f.to = 0;
	f.query = "!!! ---";
	CHECK_INT(items_each(fx.s, &f, collect, &h, &e), KV_EINVAL);
	store_free(fx.s);
}

static void batch_indexes_at_the_end(void)
{
	struct fixture fx = setup();
	struct items_batch b;
	struct err e = {0};

	put(&fx, "before", "cykelbanan", 1700000000, 0, ITEM_VISIBLE, NULL);
	CHECK_INT(store_begin(fx.s, &e), KV_OK);
	CHECK_INT(items_batch_begin(fx.s, &b, &e), KV_OK);
	put(&fx, "n1", "cykelbanan är bra", 1700000100, 0, ITEM_VISIBLE, &b);
	/* Edited within the same batch: only the last text is indexed. */
	put(&fx, "n1", "cykelbanan är dålig", 1700000100, 1700000200, ITEM_VISIBLE, &b);
	/* An item from before the batch is re-indexed at once. */
	put(&fx, "before", "cykelbanan lagad", 1700000000, 1700000300, ITEM_VISIBLE, &b);
	CHECK_INT(search(&fx, "cykelbanan", 1).n, 1);
	CHECK_INT(items_batch_end(fx.s, &b, &e), KV_OK);
	CHECK_INT(store_commit(fx.s, &e), KV_OK);
	CHECK_INT(search(&fx, "cykelbanan", 1).n, 2);
	CHECK_INT(search(&fx, "dålig", 1).n, 1);
	CHECK_INT(search(&fx, "bra", 1).n, 0);
	CHECK_INT(search(&fx, "lagad", 1).n, 1);
	/* The index agrees with the items it was built from. */
	CHECK_INT(store_exec(fx.s, "INSERT INTO item_fts(item_fts) VALUES('integrity-check')", &e),
	          KV_OK);
	store_free(fx.s);
}

/* A source listed newest first (most exports and API pages): the batch
 * indexes its items in time order, skips the items from before it (also
 * those later in time), and search order is by time either way. */
static void batch_newest_first(void)
{
	struct fixture fx = setup();
	struct items_batch b;
	struct err e = {0};
	struct hits h;

	put(&fx, "gammal-sen", "badhuset stängt", 1700009000, 0, ITEM_VISIBLE, NULL);
	put(&fx, "gammal-tidig", "badhuset öppet", 1700000000, 0, ITEM_VISIBLE, NULL);
	CHECK_INT(store_begin(fx.s, &e), KV_OK);
	CHECK_INT(items_batch_begin(fx.s, &b, &e), KV_OK);
	for (int i = 9; i >= 0; i--) {
		char id[16];

		snprintf(id, sizeof(id), "n%d", i);
		/* n9 is the newest of all; n0..n8 lie between the two old ones. */
		put(&fx, id, "badhuset renoveras", i == 9 ? 1700010000 : 1700000100 + i * 100, 0,
		    ITEM_VISIBLE, &b);
	}
	CHECK_INT(items_batch_end(fx.s, &b, &e), KV_OK);
	CHECK_INT(store_commit(fx.s, &e), KV_OK);
	h = search(&fx, "badhuset", 1);
	CHECK_INT(h.n, 12);
	CHECK_STR(h.ids[0], "n9");
	CHECK_STR(h.ids[1], "gammal-sen");
	CHECK_STR(h.ids[2], "n8");
	CHECK_STR(h.ids[10], "n0");
	CHECK_STR(h.ids[11], "gammal-tidig");
	h = search(&fx, "renoveras", 0);
	CHECK_INT(h.n, 10);
	CHECK_STR(h.ids[0], "n0");
	CHECK_STR(h.ids[9], "n9");
	CHECK_INT(store_exec(fx.s, "INSERT INTO item_fts(item_fts) VALUES('integrity-check')", &e),
	          KV_OK);
	store_free(fx.s);
}

static void search_keys_are_time_shifted_and_clamped(void)
{
	CHECK_INT(items_fts_key_at(-5), 0);
	CHECK_INT(items_fts_key_at(0), 0);
	CHECK_INT(items_fts_key_at(1), (int64_t)1 << ITEMS_FTS_SHIFT);
	CHECK_INT(items_fts_key_at(INT64_MAX), (INT64_MAX >> ITEMS_FTS_SHIFT) << ITEMS_FTS_SHIFT);
	CHECK(items_fts_key_at(1775000000) > items_fts_key_at(1774999999));
}

TEST_MAIN(T(search_keys_are_time_shifted_and_clamped), T(same_item_twice_changes_nothing),
          T(an_edit_adds_a_version), T(hidden_and_deleted_are_events_not_removals),
          T(swedish_letters_are_letters), T(stemming_finds_inflections), T(order_and_operators),
          T(phrases_prefixes_and_exclusions), T(filters_apply), T(batch_indexes_at_the_end),
          T(batch_newest_first))
