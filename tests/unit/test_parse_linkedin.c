/* Tests for capture/parse_linkedin: pages of posts and of comments in the
 * Community Management API's shapes (fixtures in tests/fixtures/linkedin),
 * the little text format, threads by parent, edits and deletions, the
 * dispatcher telling LinkedIn from the first bytes, bad input. */
#include "testlib.h"
#include "parse_sink.h"

#include "base/time.h"
#include "capture/parse.h"
#include "capture/parse_linkedin.h"

#include <stdlib.h>
#include <string.h>

#define SHARE3 "urn:li:share:7190000000000000003"
#define C201   "urn:li:comment:(urn:li:activity:7190000000000000103,7190000000000000201)"
#define C202   "urn:li:comment:(urn:li:activity:7190000000000000103,7190000000000000202)"
#define C211   "urn:li:comment:(urn:li:activity:7190000000000000103,7190000000000000211)"

static long long iso(const char *s)
{
	int64_t t = 0;

	CHECK_INT(time_parse_iso(s, &t), KV_OK);
	return t;
}

static int run_fixture(const char *rel, const char *post, struct got *g, struct err *e)
{
	size_t len;
	char *data = fixture(rel, &len);
	struct item_sink s = got_sink(g);
	int rc;

	err_clear(e);
	rc = parse_linkedin(data, len, rel, post, &s, e);
	free(data);
	return rc;
}

static int run_text(const char *json, struct got *g, struct err *e)
{
	struct item_sink s = got_sink(g);

	err_clear(e);
	return parse_linkedin(json, strlen(json), "li.json", NULL, &s, e);
}

static void posts_page(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("linkedin/posts_p1.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	it = got_find(&g, SHARE3, 0);
	CHECK_STR(it->platform, "linkedin");
	CHECK_INT(it->kind, ITEM_POST);
	CHECK(it->parent_id == NULL && it->root_id == NULL);
	/* The organisation as the register names it: its id. */
	CHECK_STR(it->author_id, "10455123");
	CHECK_STR(it->account_ref, "10455123");
	CHECK_INT(it->author_is_account, -1);
	/* Mention, escapes and hashtags of the little text format undone. */
	CHECK_STR(it->text,
	          "Vi söker sommarvikarier till äldreomsorgen ☀️ Tillsammans med Region "
	          "Västerby erbjuder vi introduktion (betald). #sommarjobb #Västerby");
	CHECK_INT(it->created_at, iso("2026-05-12T08:00:00Z"));
	/* Edited by the author: the last change is the version's time. */
	CHECK_INT(it->version_at, iso("2026-05-12T09:30:00Z"));
	CHECK_STR(it->links, "https://www.vasterby.se/jobb/sommarvikarier");
	CHECK_STR(it->permalink, "https://www.linkedin.com/feed/update/" SHARE3 "/");
	CHECK_INT(it->state, ITEM_VISIBLE);
	CHECK_CONTAINS(it->raw_json, "\"commentary\":");
	it = got_find(&g, "urn:li:ugcPost:7190000000000000002", 0);
	CHECK_INT(it->version_at, 0);
	CHECK_STR(it->media, "photo - urn:li:image:D4E22AQF1bibliotek1\n"
	                     "photo - urn:li:image:D4E22AQF1bibliotek2");
}

static void deleted_and_video(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("linkedin/posts_p2.json", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	CHECK_STR(got_find(&g, "urn:li:share:7190000000000000001", 0)->media,
	          "video - urn:li:video:D5F10AQGsophamtning");
	it = got_find(&g, "urn:li:share:7180000000000000009", 0);
	CHECK_INT(it->state, ITEM_DELETED);
	CHECK_STR(it->text, "Fel datum för valborgsfirandet – se nytt inlägg.");
}

static void comments_under_the_post_read_for(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("linkedin/comments_share3_p1.json", SHARE3, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	it = got_find(&g, C201, 0);
	CHECK_INT(it->kind, ITEM_COMMENT);
	/* The API names the post by its activity; the post read for wins. */
	CHECK_STR(it->parent_id, SHARE3);
	CHECK_STR(it->root_id, SHARE3);
	CHECK_STR(it->author_id, "urn:li:person:Xk7bT2qL9a");
	CHECK(it->author_name == NULL);
	CHECK(it->account_ref == NULL);
	CHECK_STR(it->text, "Hur lång är ansökningstiden?");
	CHECK_INT(it->created_at, iso("2026-05-12T10:05:00Z"));
	CHECK_INT(it->version_at, 0);
	it = got_find(&g, C202, 0);
	CHECK_INT(it->version_at, iso("2026-05-12T11:00:00Z"));
	/* Without the post, the comment's object is its parent. */
	CHECK_INT(run_fixture("linkedin/comments_share3_p1.json", NULL, &g, &e), KV_OK);
	CHECK_STR(got_find(&g, C201, 0)->parent_id, "urn:li:activity:7190000000000000103");
}

static void replies_and_own_comments(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("linkedin/replies_201.json", SHARE3, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	it = &g.items[0];
	CHECK_STR(it->platform_id, C211);
	CHECK_INT(it->kind, ITEM_REPLY);
	CHECK_STR(it->parent_id, C201);
	CHECK_STR(it->root_id, SHARE3);
	/* Written as the organisation: its id, which the importer matches. */
	CHECK_STR(it->author_id, "10455123");
	/* Without the post, the root is the post in the parent's URN. */
	CHECK_INT(run_fixture("linkedin/replies_201.json", NULL, &g, &e), KV_OK);
	CHECK_STR(g.items[0].root_id, "urn:li:activity:7190000000000000103");
}

static void comment_image_and_name(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("linkedin/comments_share1.json", "urn:li:share:7190000000000000001",
	                      &g, &e),
	          KV_OK);
	it = &g.items[0];
	CHECK_STR(it->author_name, "Örjan Ek");
	CHECK_CONTAINS(it->media, "photo https://media.licdn.com/dms/image/D4E2CAQsoptunna/");
	CHECK_CONTAINS(it->media, " urn:li:image:D4E2CAQsoptunna");
	CHECK_INT(run_fixture("linkedin/comments_empty.json", SHARE3, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 0);
}

static void other_shapes(void)
{
	struct got g;
	struct err e;

	/* A single post (GET /rest/posts/{urn}) and a batch get. */
	CHECK_INT(run_text("{\"id\":\"urn:li:share:1\",\"author\":\"urn:li:organization:5\","
	                   "\"commentary\":\"Hej\",\"createdAt\":1778572800000}",
	                   &g, &e),
	          KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK_STR(g.items[0].text, "Hej");
	CHECK_INT(run_text("{\"results\":{\"urn:li:share:1\":{\"id\":\"urn:li:share:1\","
	                   "\"author\":\"urn:li:person:ab\",\"commentary\":\"a\"},"
	                   "\"urn:li:share:2\":{\"id\":\"urn:li:share:2\",\"author\":"
	                   "\"urn:li:organization:5\",\"commentary\":\"b\"}},\"statuses\":{},"
	                   "\"errors\":{}}",
	                   &g, &e),
	          KV_OK);
	CHECK_INT(g.n_items, 2);
	/* A member's post names no account of its own. */
	CHECK(got_find(&g, "urn:li:share:1", 0)->account_ref == NULL);
	CHECK_STR(got_find(&g, "urn:li:share:1", 0)->author_id, "urn:li:person:ab");
	/* A draft was never on the platform; an unknown element is skipped. */
	CHECK_INT(run_text("{\"elements\":[{\"id\":\"urn:li:share:3\",\"author\":\"urn:li:"
	                   "organization:5\",\"lifecycleState\":\"DRAFT\",\"commentary\":\"x\"},"
	                   "{\"id\":\"urn:li:reaction:9\"}]}",
	                   &g, &e),
	          KV_OK);
	CHECK_INT(g.n_items, 0);
	CHECK_INT(g.n_skips, 2);
	/* A comment without a commentUrn is named from its object and id. */
	CHECK_INT(run_text("{\"elements\":[{\"id\":\"77\",\"actor\":\"urn:li:person:q\","
	                   "\"object\":\"urn:li:ugcPost:8\",\"message\":{\"text\":\"t\"}}]}",
	                   &g, &e),
	          KV_OK);
	CHECK_STR(g.items[0].platform_id, "urn:li:comment:(urn:li:ugcPost:8,77)");
	CHECK_STR(g.items[0].parent_id, "urn:li:ugcPost:8");
}

static void little_text(void)
{
	char *s = NULL;

	CHECK_INT(parse_linkedin_little_text(&s, "a \\@b \\{c\\} @[Ann \\(HR\\)](urn:li:person:1)"),
	          KV_OK);
	CHECK_STR(s, "a @b {c} Ann (HR)");
	free(s);
	/* Unfinished templates stay as written. */
	CHECK_INT(parse_linkedin_little_text(&s, "@[x {hashtag|\\#|} {hashtag|#|ok} @[y](z"),
	          KV_OK);
	CHECK_STR(s, "@[x {hashtag|#|} #ok @[y](z");
	free(s);
}

static void malformed(void)
{
	struct got g;
	struct err e;

	CHECK_INT(
	        run_text("{\"status\":429,\"serviceErrorCode\":101,\"code\":\"TOO_MANY_REQUESTS\","
	                 "\"message\":\"throttled\"}",
	                 &g, &e),
	        KV_EINVAL);
	CHECK_CONTAINS(e.msg, "LinkedIn API error: 429 TOO_MANY_REQUESTS: throttled");
	CHECK_INT(run_text("{\"elements\":[{\"id\":\"urn:li:share:1\",\"author\":\"a\","
	                   "\"commentary\":\"x\",\"createdAt\":\"2026-05-01\"}]}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "li.json: elements[0] (post urn:li:share:1): expected epoch "
	                      "milliseconds for 'createdAt', got string");
	CHECK_INT(run_text("{\"elements\":[{\"actor\":\"urn:li:person:q\",\"message\":{\"text\":"
	                   "5},\"commentUrn\":\"urn:li:comment:(urn:li:share:1,2)\"}]}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected string for 'text', got number");
	CHECK_INT(run_text("{\"elements\":[{\"actor\":\"urn:li:person:q\",\"message\":{},"
	                   "\"object\":\"urn:li:share:1\"}]}",
	                   &g, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "a comment needs 'commentUrn', or 'id' and 'object'");
	CHECK_INT(run_text("{\"elements\":{}}", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected array for 'elements'");
	CHECK_INT(run_text("[1]", &g, &e), KV_EINVAL);
	CHECK_INT(run_text("{\"elements\":[{\"id\":", &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "li.json: line 1");
}

static void detected(void)
{
	const char *files[] = {"linkedin/posts_p1.json", "linkedin/comments_share3_p1.json",
	                       "linkedin/replies_201.json", "linkedin/comments_empty.json"};
	enum parse_format fmt;
	struct err e;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *data = fixture(files[i], &len);

		fmt = PARSE_AUTO;
		CHECK_INT(parse_detect(data, len, files[i], &fmt, &e), KV_OK);
		CHECK_STR(parse_format_name(fmt), "linkedin");
		/* Cut off in the middle, the keys still tell it. */
		fmt = PARSE_AUTO;
		if (i == 0) {
			CHECK_INT(parse_detect(data, 700, files[i], &fmt, &e), KV_OK);
			CHECK_INT(fmt, PARSE_LINKEDIN);
		}
		free(data);
	}
	CHECK_INT(parse_format_from_name("linkedin", &fmt), KV_OK);
	CHECK_INT(fmt, PARSE_LINKEDIN);
}

TEST_MAIN(T(posts_page), T(deleted_and_video), T(comments_under_the_post_read_for),
          T(replies_and_own_comments), T(comment_image_and_name), T(other_shapes), T(little_text),
          T(malformed), T(detected))
