/* Tests for capture/parse_mastodon: a status, a context, a timeline, an edit
 * history (fixtures in tests/fixtures/mastodon), HTML to text, bad input. */
#include "testlib.h"
#include "parse_sink.h"

#include "base/time.h"
#include "capture/parse.h"
#include "capture/parse_mastodon.h"

#include <stdlib.h>
#include <string.h>

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
	rc = parse_mastodon(data, len, rel, account, &s, e);
	free(data);
	return rc;
}

static int run_text(const char *json, struct got *g, struct err *e)
{
	struct item_sink s = got_sink(g);

	err_clear(e);
	return parse_mastodon(json, strlen(json), "m.json", "kommunen", &s, e);
}

static void single_status(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("mastodon/status.json", "kommunen", &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	it = &g.items[0];
	CHECK_STR(it->platform, "mastodon");
	CHECK_STR(it->platform_id, "113900000000000001");
	CHECK_INT(it->kind, ITEM_POST);
	CHECK(it->parent_id == NULL);
	CHECK_INT(it->author_is_account, 1);
	CHECK_STR(it->author_id, "109000000000000001");
	CHECK_STR(it->author_name, "kommunen");
	CHECK_STR(it->text, "Välkommen till öppet hus på Östby skola 🏫 lördag kl. 10–14!\n\n"
	                    "Program: https://www.vasterby.se/oppethus\nFrågor? Svara här. #skola");
	/* The hashtag link is not a link of the post; the card's is the same. */
	CHECK_STR(it->links, "https://www.vasterby.se/oppethus");
	CHECK_INT(it->created_at, iso("2026-02-10T09:00:00Z"));
	CHECK_INT(it->version_at, iso("2026-02-10T09:12:30Z"));
	CHECK_STR(it->permalink, "https://social.vasterby.se/@kommunen/113900000000000001");
	CHECK_STR(it->media, "image https://files.social.vasterby.se/media_attachments/files/113/"
	                     "899/999/original/skola.jpg 113899999999999001");
	CHECK_CONTAINS(it->raw_json, "\"id\":\"113900000000000001\"");
}

static void context_threads(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("mastodon/context.json", "kommunen", &g, &e), KV_OK);
	CHECK_INT(g.n_items, 4);
	CHECK_INT(got_find(&g, "113900000000000001", 0)->kind, ITEM_POST);
	/* Answers the status the context was fetched for (a comment on the
	 * post): a reply, in the post's thread. */
	it = got_find(&g, "113900000000000020", 0);
	CHECK_INT(it->kind, ITEM_REPLY);
	CHECK_STR(it->parent_id, "113900000000000010");
	CHECK_STR(it->root_id, "113900000000000001");
	CHECK_INT(it->author_is_account, 0);
	CHECK_STR(it->text, "@kommunen Kan man parkera vid skolan?");
	CHECK_INT(it->n_links, 0);
	/* Reply to the reply, by the account. */
	it = got_find(&g, "113900000000000030", 0);
	CHECK_INT(it->kind, ITEM_REPLY);
	CHECK_STR(it->parent_id, "113900000000000020");
	CHECK_STR(it->root_id, "113900000000000001");
	CHECK_INT(it->author_is_account, 1);
	/* Content warning first; missing url falls back to uri; no media list. */
	it = got_find(&g, "113900000000000040", 0);
	CHECK_STR(it->text, "Åsikt om skolmaten\n\nMaten var bättre förr 😅");
	CHECK_STR(it->permalink, "https://mastodon.example/users/lisa/statuses/113900000000000040");
	CHECK_INT(it->n_media, 0);
}

static void timeline_reblog_and_direct(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("mastodon/timeline.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 3);
	CHECK_INT(g.n_skips, 1);
	CHECK_CONTAINS(g.last_skip, "113950000000000002");
	it = got_find(&g, "113950000000000003", 0);
	CHECK_INT(it->kind, ITEM_COMMENT);
	CHECK_STR(it->root_id, "113950000000000001");
	CHECK_INT(it->author_is_account, -1);
	CHECK_INT(got_find(&g, "113950000000000009", 0)->kind, ITEM_MESSAGE);
}

static void edit_history_versions(void)
{
	struct got g;
	struct err e;
	size_t len;
	char *data = fixture("mastodon/113900000000000001.history.json", &len);
	struct item_sink s = got_sink(&g);

	/* Through parse_mastodon, the id comes from the file name. */
	CHECK_INT(run_fixture("mastodon/113900000000000001.history.json", "kommunen", &g, &e),
	          KV_OK);
	CHECK_INT(g.n_items, 2);
	CHECK_STR(g.items[0].platform_id, "113900000000000001");
	CHECK_STR(g.items[1].platform_id, "113900000000000001");
	CHECK_CONTAINS(g.items[0].text, "kl. 10–13!");
	CHECK_CONTAINS(g.items[1].text, "🏫 lördag kl. 10–14!");
	CHECK_INT(g.items[0].created_at, iso("2026-02-10T09:00:00Z"));
	CHECK_INT(g.items[1].created_at, iso("2026-02-10T09:00:00Z"));
	CHECK_INT(g.items[0].version_at, iso("2026-02-10T09:00:00Z"));
	CHECK_INT(g.items[1].version_at, iso("2026-02-10T09:12:30Z"));
	CHECK_INT(g.items[1].n_media, 1);
	CHECK_INT(g.items[1].author_is_account, 1);

	/* Given explicitly. */
	s = got_sink(&g);
	CHECK_INT(parse_mastodon_history(data, len, "history", "42", &s, &e), KV_OK);
	CHECK_STR(g.items[0].platform_id, "42");
	/* From a path. */
	s = got_sink(&g);
	CHECK_INT(parse_mastodon_history(data, len, "dump/statuses/777/history.json", NULL, &s, &e),
	          KV_OK);
	CHECK_STR(g.items[0].platform_id, "777");
	/* Nothing names it. */
	CHECK_INT(parse_mastodon_history(data, len, "edits.json", NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "name the file <status id>.history.json");
	free(data);
}

static void html_to_text(void)
{
	struct parse_text_strs links;
	struct err e;
	char *out = NULL;
	static const char html[] = "<p>Rad ett<br>rad två &amp; tre</p>\n<p>  Nästa   stycke "
	                           "<a href=\"https://a.example/\">länk</a></p><script>x()</script>"
	                           "<ul><li>ett</li><li>två</li></ul>";

	parse_text_strs_init(&links);
	CHECK_INT(parse_text_html(&out, html, sizeof(html) - 1, &links, "n", "w", "f", &e), KV_OK);
	CHECK_STR(out, "Rad ett\nrad två & tre\n\nNästa stycke länk\n\nett\n\ntvå");
	CHECK_INT(links.n, 1);
	CHECK_STR(links.v[0], "https://a.example/");
	free(out);
	CHECK_INT(parse_text_html(&out, "", 0, NULL, "n", "w", "f", &e), KV_OK);
	CHECK_STR(out, "");
	free(out);
	parse_text_strs_done(&links);
}

static void malformed(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_text("{\"id\":\"1\",\"content\":5,\"account\":{}}", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg,
	               "m.json: status (status 1): expected string for 'content', got number");
	CHECK_INT(run_text("[{\"id\":\"1\",\"content\":\"<p>a</p>\",\"created_at\":\"nej\"}]", &g,
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "statuses[0] (status 1): 'created_at' is not an ISO 8601 time");
	CHECK_INT(run_text("{\"ancestors\":{},\"descendants\":[]}", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected array for 'ancestors'");
	CHECK_INT(run_text("[{\"id\":\"1\",\"content\":\"<p>a", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "m.json: line 1");
	CHECK_INT(run_text("{\"error\":\"Record not found\"}", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "Record not found");
	CHECK_INT(run_text("[{\"id\":\"1\",\n\"content\":\"\xe5\"}]", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "line 2");
	CHECK_CONTAINS(e.msg, "invalid UTF-8");
	/* A parent cycle must not hang the root search. */
	CHECK_INT(run_text("[{\"id\":\"1\",\"in_reply_to_id\":\"2\"},{\"id\":\"2\","
	                   "\"in_reply_to_id\":\"1\"}]",
	                   &g, &e),
	          KV_OK);
	CHECK_INT(g.n_items, 2);
	CHECK(g.items[0].root_id == NULL);
}

static void huge_content(void)
{
	struct got g;
	struct err e;
	struct buf b;
	char *big = malloc((size_t)10 << 20);

	CHECK(big != NULL);
	memset(big, 'x', (size_t)10 << 20);
	buf_init(&b, (size_t)11 << 20);
	buf_puts(&b, "{\"id\":\"9\",\"account\":{},\"content\":\"<p>");
	buf_put(&b, big, (size_t)10 << 20);
	buf_puts(&b, "</p>\"}");
	CHECK_INT(run_text(buf_cstr(&b), &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "status 9");
	CHECK_CONTAINS(e.msg, "over the 1 MiB limit");
	buf_done(&b);
	free(big);
}

/* The account's note (its profile text) goes to the sink once per author,
 * as plain text, from a status the account wrote; another author's note
 * only when the parse does not know whose account it is (the sink decides). */
static void account_note_is_the_about_text(void)
{
	static const char json[] =
	        "[{\"id\":\"1\",\"created_at\":\"2026-02-10T09:00:00.000Z\",\"content\":\"<p>Svar</"
	        "p>\","
	        "\"in_reply_to_id\":\"0\",\"account\":{\"id\":\"9\",\"acct\":\"anna@ex.se\","
	        "\"note\":\"<p>Annas sida</p>\"}},"
	        "{\"id\":\"2\",\"created_at\":\"2026-02-10T10:00:00.000Z\",\"content\":\"<p>Hej</"
	        "p>\","
	        "\"account\":{\"id\":\"5\",\"acct\":\"kommunen\",\"note\":\"<p>Kommunens "
	        "konto.</p><p>Det du skriver blir en <b>allmän handling</b>.</p>\"}},"
	        "{\"id\":\"3\",\"created_at\":\"2026-02-10T11:00:00.000Z\",\"content\":\"<p>Igen</"
	        "p>\","
	        "\"account\":{\"id\":\"5\",\"acct\":\"kommunen\",\"note\":\"<p>Kommunens "
	        "konto.</p>\"}}]";
	struct got g;
	struct err e;

	CHECK_INT(run_text(json, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 3);
	CHECK_INT(g.n_about, 1);
	CHECK_STR(g.about_ref, "5");
	CHECK_CONTAINS(g.about, "Kommunens konto.");
	CHECK_CONTAINS(g.about, "Det du skriver blir en allmän handling.");
	CHECK(strchr(g.about, '<') == NULL);
	/* Without the account named both authors' notes go, once each. */
	{
		struct item_sink s = got_sink(&g);

		CHECK_INT(parse_mastodon(json, strlen(json), "m.json", NULL, &s, &e), KV_OK);
		CHECK_INT(g.n_about, 2);
	}
	/* No note: nothing. */
	CHECK_INT(run_fixture("mastodon/status.json", "kommunen", &g, &e), KV_OK);
	CHECK_INT(g.n_about, 0);
}

/* The account's avatar goes to the sink once per author and document,
 * from a status the account wrote; not from another author's. */
static void account_avatar_is_the_picture(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_fixture("mastodon/context.json", "kommunen", &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 1);
	CHECK_STR(g.picture_ref, "109000000000000001");
	CHECK_STR(g.picture, "https://social.vasterby.se/system/accounts/avatars/109/000/000/000/"
	                     "000/001/original/3f2a9c1d7e5b4a60.png");
	/* Without the account named: each author's once (three authors). */
	CHECK_INT(run_fixture("mastodon/context.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_pictures, 3);
	/* avatar_static stands in when avatar is missing; no avatar: nothing. */
	{
		static const char only_static[] =
		        "{\"id\":\"1\",\"created_at\":\"2026-02-10T09:00:00.000Z\",\"content\":"
		        "\"<p>x</p>\",\"account\":{\"id\":\"5\",\"acct\":\"kommunen\","
		        "\"avatar_static\":\"https://s.example/a.png\"}}";
		static const char none[] =
		        "{\"id\":\"1\",\"created_at\":\"2026-02-10T09:00:00.000Z\",\"content\":"
		        "\"<p>x</p>\",\"account\":{\"id\":\"5\",\"acct\":\"kommunen\"}}";
		static const char wrong[] =
		        "{\"id\":\"1\",\"created_at\":\"2026-02-10T09:00:00.000Z\",\"content\":"
		        "\"<p>x</p>\",\"account\":{\"id\":\"5\",\"acct\":\"kommunen\","
		        "\"avatar\":[1]}}";

		CHECK_INT(run_text(only_static, &g, &e), KV_OK);
		CHECK_INT(g.n_pictures, 1);
		CHECK_STR(g.picture, "https://s.example/a.png");
		CHECK_INT(run_text(none, &g, &e), KV_OK);
		CHECK_INT(g.n_pictures, 0);
		CHECK_INT(run_text(wrong, &g, &e), KV_EINVAL);
		CHECK_CONTAINS(e.msg, "avatar");
	}
}

TEST_MAIN(T(single_status), T(context_threads), T(timeline_reblog_and_direct),
          T(edit_history_versions), T(html_to_text), T(malformed), T(huge_content),
          T(account_note_is_the_about_text), T(account_avatar_is_the_picture))
