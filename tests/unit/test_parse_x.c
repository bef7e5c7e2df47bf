/* Tests for capture/parse_x: the archive's tweets.js streamed from a FILE,
 * edit chains, other archive files, API v2 pages, and bad input. */
#include "testlib.h"
#include "parse_sink.h"

#include "base/time.h"
#include "capture/parse_x.h"

#include <stdlib.h>
#include <string.h>

static long long iso(const char *s)
{
	int64_t t = 0;

	CHECK_INT(time_parse_iso(s, &t), KV_OK);
	return t;
}

static int run_archive_file(const char *rel, const char *account, struct got *g, struct err *e)
{
	char path[512];
	FILE *f;
	struct item_sink s = got_sink(g);
	int rc;

	snprintf(path, sizeof(path), "tests/fixtures/%s", rel);
	f = fopen(test_source_path(path), "rb");
	CHECK(f != NULL);
	err_clear(e);
	rc = parse_x_archive_stream(f, rel, account, &s, e);
	fclose(f);
	return rc;
}

static int run_archive_text(const char *text, size_t len, struct got *g, struct err *e)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	struct item_sink s = got_sink(g);
	int rc;

	CHECK(f != NULL);
	err_clear(e);
	rc = parse_x_archive_stream(f, "tweets.js", "VasterbyKommun", &s, e);
	fclose(f);
	return rc;
}

static int run_api(const char *rel, const char *account, struct got *g, struct err *e)
{
	size_t len;
	char *data = fixture(rel, &len);
	struct item_sink s = got_sink(g);
	int rc;

	err_clear(e);
	rc = parse_x_api(data, len, rel, account, &s, e);
	free(data);
	return rc;
}

static void x_dates(void)
{
	int64_t t = 0;

	CHECK_INT(parse_x_date("Wed Oct 10 20:19:24 +0000 2018", &t), KV_OK);
	CHECK_INT(t, iso("2018-10-10T20:19:24Z"));
	CHECK_INT(parse_x_date("Mon Feb 02 08:20:10 +0100 2026", &t), KV_OK);
	CHECK_INT(t, iso("2026-02-02T07:20:10Z"));
	CHECK_INT(parse_x_date("Wed Oct 10 20:19:24 +0000 2018x", &t), KV_EINVAL);
	CHECK_INT(parse_x_date("Wed Foo 10 20:19:24 +0000 2018", &t), KV_EINVAL);
	CHECK_INT(parse_x_date("Wed Feb 30 20:19:24 +0000 2018", &t), KV_EINVAL);
	CHECK_INT(parse_x_date("2018-10-10T20:19:24Z", &t), KV_EINVAL);
}

static void archive_tweets(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_archive_file("x/tweets.js", "VasterbyKommun", &g, &e), KV_OK);
	/* 6 elements: 3 versions of one tweet, 3 other tweets. */
	CHECK_INT(g.n_items, 6);
	it = got_find(&g, "2018674392560570983", 0);
	CHECK_STR(it->platform, "x");
	CHECK_INT(it->kind, ITEM_POST);
	CHECK_INT(it->author_is_account, 1);
	CHECK_STR(it->account_ref, "VasterbyKommun");
	CHECK_STR(it->text,
	          "Snöröjningen pågår i Västerby & Östby ❄️🚜 https://t.co/Ab12Cd34Ef "
	          "https://t.co/Gh56Ij78Kl");
	CHECK_INT(it->created_at, iso("2026-02-03T13:14:15Z"));
	CHECK_INT(it->version_at, 0);
	CHECK_STR(it->links, "https://www.vasterby.se/snorojning");
	CHECK_STR(it->media, "photo https://pbs.twimg.com/media/Snoplog1.jpg 2018674390000000001");
	CHECK_STR(it->permalink, "https://x.com/VasterbyKommun/status/2018674392560570983");
	CHECK_CONTAINS(it->raw_json, "\"id_str\":\"2018674392560570983\"");

	it = got_find(&g, "2018655706936250983", 0);
	CHECK_INT(it->kind, ITEM_COMMENT);
	CHECK_STR(it->parent_id, "2018600000000000001");
	CHECK_STR(it->text, "@medborgare_anna Hej Anna! Vi återkommer i morgon 😊");

	/* Missing optional fields. */
	it = got_find(&g, "2009913099678650983", 0);
	CHECK_STR(it->text, "God fortsättning! 🎉");
	CHECK_INT(it->n_links, 0);
	CHECK_INT(it->n_media, 0);
}

static void archive_edit_chain_oldest_first(void)
{
	struct got g;
	struct err e;
	const struct got_item *v0, *v1, *v2;

	CHECK_INT(run_archive_file("x/tweets.js", NULL, &g, &e), KV_OK);
	v0 = got_find(&g, "2018232921093050983", 0);
	v1 = got_find(&g, "2018232921093050983", 1);
	v2 = got_find(&g, "2018232921093050983", 2);
	/* The later versions' own ids never appear as items. */
	for (size_t i = 0; i < g.n_items; i++) {
		CHECK(strcmp(g.items[i].platform_id, "2018234305213370983") != 0);
		CHECK(strcmp(g.items[i].platform_id, "2018237996200890983") != 0);
	}
	CHECK_CONTAINS(v0->text, "kl 19 på tisdagar");
	CHECK_CONTAINS(v1->text, "kl. 19 på torsdagar");
	CHECK_CONTAINS(v2->text, "kl. 20 på torsdagar");
	CHECK_INT(v0->created_at, iso("2026-02-02T08:00:00Z"));
	CHECK_INT(v1->created_at, iso("2026-02-02T08:00:00Z"));
	CHECK_INT(v2->created_at, iso("2026-02-02T08:00:00Z"));
	CHECK_INT(v0->version_at, iso("2026-02-02T08:00:00Z"));
	CHECK_INT(v1->version_at, iso("2026-02-02T08:05:30Z"));
	CHECK_INT(v2->version_at, iso("2026-02-02T08:20:10Z"));
	/* Without a handle the permalink still works. */
	CHECK_STR(v0->permalink, "https://x.com/i/web/status/2018232921093050983");
}

static void archive_second_part_deleted_and_likes(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_archive_file("x/tweets-part1.js", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK_STR(g.items[0].platform_id, "2010290587038650983");
	CHECK_INT(run_archive_file("x/deleted-tweets.js", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK_INT(g.items[0].state, ITEM_DELETED);
	CHECK_INT(run_archive_file("x/like.js", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 0);
	CHECK_INT(g.n_skips, 2);
	CHECK_CONTAINS(g.last_skip, "like");
}

static void archive_incomplete_chain_flushed_at_end(void)
{
	static const char js[] =
	        "window.YTD.tweets.part0 = [ {\"tweet\":{\"id_str\":\"2018237996200890983\","
	        "\"created_at\":\"Mon Feb 02 08:20:10 +0000 2026\",\"full_text\":\"v3\","
	        "\"edit_info\":{\"edit\":{\"initialTweetId\":\"2018232921093050983\","
	        "\"editControlInitial\":{\"editTweetIds\":[\"2018232921093050983\","
	        "\"2018234305213370983\",\"2018237996200890983\"]}}}}} ]";
	struct got g;
	struct err e;

	CHECK_INT(run_archive_text(js, sizeof(js) - 1, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK_STR(g.items[0].platform_id, "2018232921093050983");
	/* The first version is not in the file: its time comes from its id. */
	CHECK_INT(g.items[0].created_at, iso("2026-02-02T08:00:00Z"));
	CHECK_INT(g.items[0].version_at, iso("2026-02-02T08:20:10Z"));
}

static void archive_malformed(void)
{
	static const char cut[] = "window.YTD.tweets.part0 = [ {\"tweet\":{\"id_str\":\"1\","
	                          "\"full_text\":\"a\"}}, {\"tweet\":{\"id_str\":\"2\",";
	static const char badtype[] =
	        "window.YTD.tweets.part0 = [\n{\"tweet\":{\"id_str\":\"1\"}},\n"
	        "{\"tweet\":{\"id_str\":\"2\",\"full_text\":17}}\n]";
	static const char notarchive[] = "{\"tweet\":1}";
	static const char badjson[] = "window.YTD.tweets.part0 = [\n{\"tweet\":{\"id_str\":\"1\"}},"
	                              "\n{\"tweet\": {\"id_str\" \"2\"}}\n]";
	static const char badutf8[] = "window.YTD.tweets.part0 = [\n{\"tweet\":{\"id_str\":\"1\","
	                              "\"full_text\":\"h\xc3\x28j\"}}\n]";
	static const char trailing[] = "window.YTD.tweets.part0 = [ ] x";
	struct got g;
	struct err e;

	CHECK_INT(run_archive_text(cut, sizeof(cut) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "tweets.js: element 1");
	CHECK_CONTAINS(e.msg, "cut off");
	CHECK_INT(g.n_items, 1);

	CHECK_INT(run_archive_text(badtype, sizeof(badtype) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "element 1 (tweet 2): expected string for 'full_text', got number");

	CHECK_INT(run_archive_text(notarchive, sizeof(notarchive) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "not an X archive file");

	CHECK_INT(run_archive_text(badjson, sizeof(badjson) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "element 1: line 3");

	CHECK_INT(run_archive_text(badutf8, sizeof(badutf8) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "line 2");
	CHECK_CONTAINS(e.msg, "invalid UTF-8");

	CHECK_INT(run_archive_text(trailing, sizeof(trailing) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "unexpected data after the array");
}

static void archive_huge_text_and_huge_element(void)
{
	struct buf b;
	struct got g;
	struct err e;
	char *big = malloc((size_t)17 << 20);

	CHECK(big != NULL);
	memset(big, 'a', (size_t)17 << 20);
	buf_init(&b, (size_t)20 << 20);
	buf_puts(&b, "window.YTD.tweets.part0 = [{\"tweet\":{\"id_str\":\"5\",\"full_text\":\"");
	buf_put(&b, big, (size_t)10 << 20);
	buf_puts(&b, "\"}}]");
	CHECK_INT(run_archive_text(b.ptr, b.len, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "element 0 (tweet 5): 'full_text' is 10485760 bytes, over the 1 MiB");

	buf_clear(&b);
	buf_puts(&b, "window.YTD.tweets.part0 = [{\"tweet\":{\"id_str\":\"5\",\"full_text\":\"");
	buf_put(&b, big, (size_t)17 << 20);
	buf_puts(&b, "\"}}]");
	CHECK_INT(run_archive_text(b.ptr, b.len, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "element 0 (line 1, byte 27) is over 16 MiB");
	buf_done(&b);
	free(big);
}

static void api_pages_and_threads(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_api("x/api_page1.json", "VasterbyKommun", &g, &e), KV_OK);
	CHECK_INT(g.n_items, 3);
	it = got_find(&g, "2019350283678650983", 0);
	CHECK_INT(it->kind, ITEM_POST);
	CHECK(it->parent_id == NULL);
	CHECK(it->root_id == NULL);
	CHECK_INT(it->author_is_account, 1);
	CHECK_STR(it->author_name, "VasterbyKommun");
	CHECK_STR(it->links, "https://www.vasterby.se/parken");
	CHECK_STR(it->media, "photo https://pbs.twimg.com/media/Parken1.jpg 3_2019350280000000001");
	CHECK_INT(it->created_at, iso("2026-02-05T10:00:00Z"));

	it = got_find(&g, "2019357833425850983", 0);
	CHECK_INT(it->kind, ITEM_COMMENT);
	CHECK_STR(it->parent_id, "2019350283678650983");
	CHECK_STR(it->root_id, "2019350283678650983");
	CHECK_INT(it->author_is_account, 0);
	CHECK_STR(it->text, "@VasterbyKommun Blir det lekplats & grillplats?");

	it = got_find(&g, "2019365383173050983", 0);
	CHECK_INT(it->kind, ITEM_REPLY);
	CHECK_STR(it->parent_id, "2019357833425850983");
	CHECK_STR(it->root_id, "2019350283678650983");
	CHECK_INT(it->author_is_account, 1);

	/* Without an account the author's role is unknown. */
	CHECK_INT(run_api("x/api_page1.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.items[0].author_is_account, -1);
}

/* includes.users profile_image_url of the account goes to the sink once
 * (it wrote two of the tweets); the other user's picture does not. */
static void api_profile_image_of_the_account(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_api("x/api_page1.json", "VasterbyKommun", &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 1);
	CHECK_STR(g.picture_ref, "987654321");
	CHECK_STR(g.picture,
	          "https://pbs.twimg.com/profile_images/1780000000000000001/Vk3bLq9Z_normal.jpg");
	CHECK_INT(g.picture_own, 1);
	/* Without the account named each author's goes once; the sink decides. */
	CHECK_INT(run_api("x/api_page1.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 2);
	/* A page without users in includes: nothing. */
	CHECK_INT(run_api("x/api_page2.json", "987654321", &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 0);
}

static void api_edited_tweet_maps_onto_original(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_api("x/api_page2.json", "987654321", &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK_STR(g.items[0].platform_id, "2018232921093050983");
	CHECK_INT(g.items[0].created_at, iso("2026-02-02T08:00:00Z"));
	CHECK_INT(g.items[0].version_at, iso("2026-02-02T08:20:10Z"));
	CHECK_INT(g.items[0].author_is_account, 1);
	CHECK_INT(g.n_skips, 1);
}

static void api_malformed(void)
{
	struct got g;
	struct err e;
	struct item_sink s = got_sink(&g);
	static const char wrong[] = "{\"data\":[{\"id\":\"1\",\"text\":[\"x\"]}]}";
	static const char noid[] = "{\"data\":[{\"text\":\"x\"}]}";
	static const char cut[] = "{\"data\":[{\"id\":\"1\",\"te";
	static const char apierr[] = "{\"errors\":[{\"detail\":\"Could not find tweet\"}]}";
	static const char empty[] = "{\"meta\":{\"result_count\":0}}";

	CHECK_INT(parse_x_api(wrong, sizeof(wrong) - 1, "p.json", NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "p.json: data[0] (tweet 1): expected string for 'text', got array");
	CHECK_INT(parse_x_api(noid, sizeof(noid) - 1, "p.json", NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "missing 'id'");
	CHECK_INT(parse_x_api(cut, sizeof(cut) - 1, "p.json", NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "p.json: line 1");
	CHECK_INT(parse_x_api(apierr, sizeof(apierr) - 1, "p.json", NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "Could not find tweet");
	CHECK_INT(parse_x_api(empty, sizeof(empty) - 1, "p.json", NULL, &s, &e), KV_OK);
	CHECK_INT(g.n_items, 0);
}

TEST_MAIN(T(x_dates), T(archive_tweets), T(archive_edit_chain_oldest_first),
          T(archive_second_part_deleted_and_likes), T(archive_incomplete_chain_flushed_at_end),
          T(archive_malformed), T(archive_huge_text_and_huge_element), T(api_pages_and_threads),
          T(api_profile_image_of_the_account), T(api_edited_tweet_maps_onto_original),
          T(api_malformed))
