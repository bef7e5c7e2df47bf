/* Tests for capture/parse_youtube: commentThreads and comments responses in
 * the API's real shape (fixtures in tests/fixtures/youtube), and bad input. */
#include "testlib.h"
#include "parse_sink.h"

#include "base/time.h"
#include "capture/parse_youtube.h"

#include <stdlib.h>
#include <string.h>

#define CHANNEL "UCq3Wz8rT1kNvB5mXpL2aQ7d"

static long long iso(const char *s)
{
	int64_t t = 0;

	CHECK_INT(time_parse_iso(s, &t), KV_OK);
	return t;
}

static int run_fixture(const char *rel, const char *account, struct got *g, struct err *e)
{
	size_t len;
	char *data = fixture(rel, &len);
	struct item_sink s = got_sink(g);
	int rc;

	err_clear(e);
	rc = parse_youtube(data, len, rel, account, &s, e);
	free(data);
	return rc;
}

static int run_text(const char *json, struct got *g, struct err *e)
{
	struct item_sink s = got_sink(g);

	err_clear(e);
	return parse_youtube(json, strlen(json), "test.json", NULL, &s, e);
}

static void thread_page_comments_and_replies(void)
{
	struct got g;
	struct err e;
	const struct got_item *top, *reply, *reply2;

	CHECK_INT(run_fixture("youtube/threads_page1.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 5);
	top = got_find(&g, "UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg", 0);
	CHECK_STR(top->platform, "youtube");
	CHECK_INT(top->kind, ITEM_COMMENT);
	CHECK_STR(top->parent_id, "Hq4rT8vW2yA");
	CHECK_STR(top->root_id, "Hq4rT8vW2yA");
	CHECK_STR(top->account_ref, CHANNEL);
	CHECK_STR(top->author_id, "UCa8Lk2Pq7Rs1Tu6Vw0Xy3Zb");
	CHECK_STR(top->author_name, "@ÅsaLindström");
	CHECK_INT(top->author_is_account, 0);
	CHECK_STR(top->text,
	          "När öppnar återvinningscentralen i Västerby igen? 🤔\nTack på förhand!");
	CHECK_INT(top->created_at, iso("2026-02-02T08:14:05Z"));
	CHECK_INT(top->version_at, 0);
	CHECK_INT(top->state, ITEM_VISIBLE);
	CHECK_CONTAINS(top->permalink, "watch?v=Hq4rT8vW2yA&lc=UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg");
	CHECK_CONTAINS(top->raw_json, "\"id\":\"UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg\"");

	reply = got_find(&g, "UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg.9zKq1Lm2No3Pq4Rs5Tu6Vw", 0);
	CHECK_INT(reply->kind, ITEM_REPLY);
	CHECK_STR(reply->parent_id, "UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg");
	CHECK_STR(reply->root_id, "Hq4rT8vW2yA");
	CHECK_INT(reply->author_is_account, 1);
	/* Edited: updatedAt after publishedAt. */
	CHECK_INT(reply->created_at, iso("2026-02-02T09:30:00Z"));
	CHECK_INT(reply->version_at, iso("2026-02-02T09:41:12Z"));
	CHECK_STR(reply->links, "https://www.example.se/atervinning");

	/* A reply to the reply: YouTube keeps it under the top-level comment. */
	reply2 = got_find(&g, "UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg.9zKq7Xy8Za9Bc0De1Fg2Hi", 0);
	CHECK_INT(reply2->kind, ITEM_REPLY);
	CHECK_STR(reply2->parent_id, "UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg");
	CHECK_STR(reply2->text, "@VasterbyKommun tack för snabbt svar 👍");
	CHECK_INT(reply2->author_is_account, 0);
	/* The mention link is in the HTML too; it is a link like any other. */
	CHECK_INT(reply2->n_links, 1);
}

static void held_for_review_is_hidden(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_fixture("youtube/threads_page1.json", NULL, &g, &e), KV_OK);
	CHECK_INT(got_find(&g, "UgxHeld8Rev2Iew4Sp6Am8AaABAg", 0)->state, ITEM_HIDDEN);
}

static void missing_optional_fields(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("youtube/threads_page1.json", NULL, &g, &e), KV_OK);
	it = got_find(&g, "UgwMin1Mal2Fie3Lds4AaABAg", 0);
	/* No textOriginal: the HTML textDisplay turned into text. */
	CHECK_STR(it->text, "Bra information & tydligt\n\nSe example.se");
	CHECK_STR(it->links, "https://www.example.se/");
	CHECK(it->author_id == NULL);
	CHECK_INT(it->author_is_account, -1);
	CHECK(it->account_ref == NULL);
	CHECK_INT(it->version_at, 0);
}

static void account_ref_given_wins(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_fixture("youtube/threads_page1.json", "UCa8Lk2Pq7Rs1Tu6Vw0Xy3Zb", &g, &e),
	          KV_OK);
	CHECK_STR(g.items[0].account_ref, "UCa8Lk2Pq7Rs1Tu6Vw0Xy3Zb");
	CHECK_INT(got_find(&g, "UgzT1kVw3Xy5Ab7Cd9Ef4AaABAg", 0)->author_is_account, 1);
}

static void second_page_and_replies_list(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("youtube/threads_page2.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	CHECK_INT(got_find(&g, "UgyPage2Thr3ad4Sec5AaABAg.9yAb1Cd2Ef3Gh4Ij5Kl6Mn", 0)
	                  ->author_is_account,
	          1);
	CHECK_INT(run_fixture("youtube/replies_by_parent.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	it = &g.items[0];
	CHECK_INT(it->kind, ITEM_REPLY);
	CHECK_STR(it->parent_id, "UgyPage2Thr3ad4Sec5AaABAg");
	/* comments.list does not name the video: the root is unknown. */
	CHECK(it->root_id == NULL);
	CHECK_CONTAINS(it->text, "halt än i dag ❄️");
}

static void channel_discussion_thread(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_fixture("youtube/channel_thread.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	CHECK_INT(g.items[0].kind, ITEM_POST);
	CHECK(g.items[0].parent_id == NULL);
	CHECK_INT(g.items[1].kind, ITEM_COMMENT);
	CHECK_STR(g.items[1].parent_id, "UgzChan1Disc2Uss3AaABAg");
	CHECK_STR(g.items[1].root_id, "UgzChan1Disc2Uss3AaABAg");
	CHECK_INT(g.items[1].author_is_account, 1);
}

/* The channel's own picture (authorProfileImageUrl of its own comment)
 * goes to the sink once; a visitor's picture never does. */
static void the_channels_picture_only(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_fixture("youtube/threads_page1.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 1);
	CHECK_STR(g.picture_ref, CHANNEL);
	CHECK_STR(g.picture, "https://yt3.ggpht.com/ytc/example-kommun=s48-c-k-c0x00ffffff-no-rj");
	CHECK_INT(g.picture_own, 1);
	CHECK_INT(run_fixture("youtube/channel_thread.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 1);
	CHECK_CONTAINS(g.picture, "yt3.ggpht.com/Vk9mQ2rT5wX8");
	/* Asked for another channel: its author's picture is that account's. */
	CHECK_INT(run_fixture("youtube/threads_page1.json", "UCa8Lk2Pq7Rs1Tu6Vw0Xy3Zb", &g, &e),
	          KV_OK);
	CHECK_INT(g.n_pictures, 1);
	CHECK_STR(g.picture_ref, "UCa8Lk2Pq7Rs1Tu6Vw0Xy3Zb");
	/* A picture of another type is refused naming the field. */
	CHECK_INT(run_text("{\"kind\":\"youtube#comment\",\"id\":\"A1\",\"snippet\":{"
	                   "\"channelId\":\"" CHANNEL "\",\"textOriginal\":\"x\","
	                   "\"authorChannelId\":{\"value\":\"" CHANNEL "\"},"
	                   "\"authorProfileImageUrl\":7}}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "authorProfileImageUrl");
}

static void reply_id_names_parent(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_text("{\"kind\":\"youtube#comment\",\"id\":\"Abc.Def\",\"snippet\":{"
	                   "\"textOriginal\":\"x\"}}",
	                   &g, &e),
	          KV_OK);
	CHECK_STR(g.items[0].parent_id, "Abc");
	CHECK_INT(g.items[0].kind, ITEM_REPLY);
}

static void truncated_json(void)
{
	struct got g;
	struct err e;
	size_t len;
	char *data = fixture("youtube/threads_page1.json", &len);
	struct item_sink s = got_sink(&g);

	CHECK_INT(parse_youtube(data, len / 2, "cut.json", NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "cut.json: line ");
	CHECK_INT(g.n_items, 0);
	free(data);
}

static void wrong_types(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_text("{\"kind\":\"youtube#commentListResponse\",\"items\":[{\"id\":\"A1\","
	                   "\"snippet\":{\"textOriginal\":42}}]}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "test.json: items[0] (comment A1): expected string for "
	                      "'textOriginal', got number");
	CHECK_INT(run_text("{\"kind\":\"youtube#commentListResponse\",\"items\":[{\"id\":7}]}", &g,
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected string for 'id', got number");
	CHECK_INT(run_text("{\"kind\":\"youtube#commentListResponse\",\"items\":{}}", &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected array for 'items'");
	CHECK_INT(run_text("{\"kind\":\"youtube#comment\",\"id\":\"A\",\"snippet\":{"
	                   "\"publishedAt\":\"igår\"}}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'publishedAt' is not an ISO 8601 time");
	CHECK_INT(run_text("[1,2]", &g, &e), KV_EINVAL);
	CHECK_INT(run_text("{\"items\":[]}", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "missing 'kind'");
}

static void huge_text_is_refused(void)
{
	struct got g;
	struct err e;
	struct buf b;
	char *big = malloc((size_t)10 << 20);

	CHECK(big != NULL);
	memset(big, 'a', (size_t)10 << 20);
	buf_init(&b, (size_t)11 << 20);
	buf_puts(&b,
	         "{\"kind\":\"youtube#comment\",\"id\":\"Big1\",\"snippet\":{\"textOriginal\":\"");
	buf_put(&b, big, (size_t)10 << 20);
	buf_puts(&b, "\"}}");
	CHECK_INT(run_text(buf_cstr(&b), &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "comment Big1");
	CHECK_CONTAINS(e.msg, "'textOriginal' is 10485760 bytes, over the 1 MiB limit");
	CHECK_INT(g.n_items, 0);
	buf_done(&b);
	free(big);
}

static void invalid_utf8_names_position(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_text("{\"kind\":\"youtube#comment\",\n\"id\":\"A\",\"snippet\":{"
	                   "\"textOriginal\":\"hej \xff\"}}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "test.json: line 2");
	CHECK_CONTAINS(e.msg, "byte ");
	CHECK_CONTAINS(e.msg, "UTF-8");
}

static void sink_error_stops(void)
{
	struct got g;
	struct err e;
	size_t len;
	char *data = fixture("youtube/threads_page1.json", &len);
	struct item_sink s = got_sink(&g);

	g.stop_after = 2;
	CHECK_INT(parse_youtube(data, len, "p1", NULL, &s, &e), KV_ECONFLICT);
	CHECK_INT(g.n_items, 2);
	CHECK_CONTAINS(e.msg, "sink refused");
	free(data);
}

static void other_kinds_are_skipped(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_text("{\"kind\":\"youtube#videoListResponse\",\"items\":[]}", &g, &e), KV_OK);
	CHECK_INT(g.n_skips, 1);
	CHECK_INT(run_text("{\"error\":{\"code\":403,\"message\":\"quotaExceeded\"}}", &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "quotaExceeded");
}

TEST_MAIN(T(thread_page_comments_and_replies), T(held_for_review_is_hidden),
          T(missing_optional_fields), T(account_ref_given_wins), T(second_page_and_replies_list),
          T(channel_discussion_thread), T(the_channels_picture_only), T(reply_id_names_parent),
          T(truncated_json), T(wrong_types), T(huge_text_is_refused),
          T(invalid_utf8_names_position), T(sink_error_stops), T(other_kinds_are_skipped))
