/* Tests for the Meta parsers (capture/parse_meta.h): Graph API responses,
 * webhook deliveries and "Download your information" files, over fixtures in
 * tests/fixtures/meta written in Meta's formats, plus malformed input. */
#include "testlib.h"

#include "base/utf8.h"
#include "capture/parse_meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a sink that keeps copies of everything it is handed ---- */

struct got_item {
	char *platform, *platform_id, *parent_id, *root_id, *account_ref, *author_id, *author_name,
	        *text, *permalink, *source, *raw_json;
	enum item_kind kind;
	enum item_state state;
	int author_is_account;
	long long created_at, version_at;
	size_t n_links, n_media;
	char *link0, *media0_url, *media0_type;
};

struct got_event {
	char *platform, *platform_id, *account_ref;
	enum item_event_kind kind;
	long long at;
};

struct got {
	struct got_item items[64];
	size_t n_items;
	struct got_event events[16];
	size_t n_events;
	char *skips[16];
	size_t n_skips;
	int fail_after;       /* >0: the sink refuses the item with this number */
	size_t n_pictures;    /* profile pictures handed over (sink picture) */
	char picture[512];    /* the last one's URL */
	char picture_of[200]; /* the author id of its item */
	int picture_own;      /* its item's author_is_account */
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int on_item(void *ctx, const struct item *it, struct err *err)
{
	struct got *g = ctx;
	struct got_item *c;

	CHECK(it->platform_id != NULL);
	CHECK(it->text != NULL);
	CHECK_INT(utf8_check(it->text, strlen(it->text)), -1);
	if (g->fail_after && (int)g->n_items + 1 == g->fail_after)
		return err_set(err, KV_ECONFLICT, "sink refuses");
	CHECK(g->n_items < sizeof(g->items) / sizeof(g->items[0]));
	c = &g->items[g->n_items++];
	c->platform = dup_or_null(it->platform);
	c->platform_id = dup_or_null(it->platform_id);
	c->parent_id = dup_or_null(it->parent_id);
	c->root_id = dup_or_null(it->root_id);
	c->account_ref = dup_or_null(it->account_ref);
	c->author_id = dup_or_null(it->author_id);
	c->author_name = dup_or_null(it->author_name);
	c->text = dup_or_null(it->text);
	c->permalink = dup_or_null(it->permalink);
	c->source = dup_or_null(it->source);
	c->raw_json = dup_or_null(it->raw_json);
	c->kind = it->kind;
	c->state = it->state;
	c->author_is_account = it->author_is_account;
	c->created_at = it->created_at;
	c->version_at = it->version_at;
	c->n_links = it->n_links;
	c->n_media = it->n_media;
	c->link0 = it->n_links ? dup_or_null(it->links[0]) : NULL;
	c->media0_url = it->n_media ? dup_or_null(it->media[0].url) : NULL;
	c->media0_type = it->n_media ? dup_or_null(it->media[0].type) : NULL;
	return 0;
}

static int on_event(void *ctx, const struct item_event *ev, struct err *err)
{
	struct got *g = ctx;
	struct got_event *c;

	CHECK(g->n_events < sizeof(g->events) / sizeof(g->events[0]));
	c = &g->events[g->n_events++];
	c->platform = dup_or_null(ev->platform);
	c->platform_id = dup_or_null(ev->platform_id);
	c->account_ref = dup_or_null(ev->account_ref);
	c->kind = ev->kind;
	c->at = ev->at;
	return 0;
}

static int on_skip(void *ctx, const char *what, const char *reason, struct err *err)
{
	struct got *g = ctx;
	char line[512];

	CHECK(g->n_skips < sizeof(g->skips) / sizeof(g->skips[0]));
	snprintf(line, sizeof(line), "%s: %s", what, reason);
	g->skips[g->n_skips++] = strdup(line);
	return 0;
}

static int on_picture(void *ctx, const struct item *it, const char *url, struct err *err)
{
	struct got *g = ctx;

	(void)err;
	CHECK(it->author_id != NULL);
	CHECK(url && *url);
	g->n_pictures++;
	snprintf(g->picture, sizeof(g->picture), "%s", url);
	snprintf(g->picture_of, sizeof(g->picture_of), "%s", it->author_id);
	g->picture_own = it->author_is_account;
	return 0;
}

static struct got got;
static struct item_sink sink = {on_item, on_event, on_skip, &got, NULL, on_picture};

static char *fixture(const char *name, size_t *len)
{
	char rel[256];
	char *data;

	snprintf(rel, sizeof(rel), "tests/fixtures/meta/%s", name);
	data = test_read_file(test_source_path(rel), len);
	if (!data)
		test_fail(__FILE__, __LINE__, "fixture %s missing", name);
	return data;
}

enum fmt { GRAPH, WEBHOOK, DYI };

static int run(enum fmt f, const char *file, const char *name, const char *account, struct err *err)
{
	size_t len;
	char *data = fixture(file, &len);
	int rc;

	err_clear(err);
	if (f == GRAPH)
		rc = parse_graph(data, len, name ? name : file, account, &sink, err);
	else if (f == WEBHOOK)
		rc = parse_meta_webhook(data, len, name ? name : file, &sink, err);
	else
		rc = parse_meta_dyi(data, len, name ? name : file, &sink, err);
	free(data);
	return rc;
}

static int run_text(enum fmt f, const char *text, struct err *err)
{
	err_clear(err);
	if (f == GRAPH)
		return parse_graph(text, strlen(text), "in.json", NULL, &sink, err);
	if (f == WEBHOOK)
		return parse_meta_webhook(text, strlen(text), "in.json", &sink, err);
	return parse_meta_dyi(text, strlen(text), "in.json", &sink, err);
}

static const struct got_item *find(const char *platform_id)
{
	for (size_t i = 0; i < got.n_items; i++)
		if (strcmp(got.items[i].platform_id, platform_id) == 0)
			return &got.items[i];
	test_fail(__FILE__, __LINE__, "no item %s", platform_id);
}

static int count_id(const char *platform_id)
{
	int n = 0;

	for (size_t i = 0; i < got.n_items; i++)
		n += strcmp(got.items[i].platform_id, platform_id) == 0;
	return n;
}

/* ---- Graph API ---- */

static void graph_feed_with_nested_comments(void)
{
	struct err e;
	const struct got_item *post, *c1, *r1, *hidden, *visitor;

	CHECK_INT(run(GRAPH, "graph_feed_p1.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 5);
	post = find("104857392011234_580001");
	CHECK_STR(post->platform, "facebook");
	CHECK_INT(post->kind, ITEM_POST);
	CHECK(post->parent_id == NULL && post->root_id == NULL);
	CHECK_STR(post->account_ref, "104857392011234");
	CHECK_INT(post->author_is_account, 1);
	CHECK_STR(post->author_name, "Exempelby kommun");
	CHECK_CONTAINS(post->text, "Åsjön! ☀️🏊");
	CHECK_INT(post->created_at, 1780300800); /* 2026-06-01T08:00:00Z */
	CHECK_INT(post->version_at, 0);
	CHECK_STR(post->permalink, "https://www.facebook.com/104857392011234/posts/580001/");
	CHECK_INT(post->n_media, 1);
	CHECK_STR(post->media0_type, "photo");
	CHECK_STR(post->media0_url, "https://scontent.example.net/v/badplats.jpg");
	CHECK_STR(post->source, "graph");
	/* The evidence copy is the post's own JSON without its comments. */
	CHECK_CONTAINS(post->raw_json, "\"id\":\"104857392011234_580001\"");
	CHECK(strstr(post->raw_json, "580001_9001") == NULL);

	c1 = find("580001_9001");
	CHECK_INT(c1->kind, ITEM_COMMENT);
	CHECK_STR(c1->parent_id, "104857392011234_580001");
	CHECK_STR(c1->root_id, "104857392011234_580001");
	CHECK_INT(c1->author_is_account, 0);
	CHECK_STR(c1->author_name, "Åsa Öberg");
	CHECK_CONTAINS(c1->raw_json, "När öppnar kiosken?");
	CHECK(strstr(c1->raw_json, "580001_9003") == NULL);

	r1 = find("580001_9003");
	CHECK_INT(r1->kind, ITEM_REPLY);
	CHECK_STR(r1->parent_id, "580001_9001");
	CHECK_STR(r1->root_id, "104857392011234_580001");
	CHECK_INT(r1->author_is_account, 1);

	hidden = find("580001_9002");
	CHECK_INT(hidden->state, ITEM_HIDDEN);
	CHECK_INT(find("580001_9001")->state, ITEM_VISIBLE);

	/* A visitor's post without a message: empty text, a shared link. */
	visitor = find("104857392011234_580002");
	CHECK_STR(visitor->text, "");
	CHECK_INT(visitor->author_is_account, 0);
	CHECK_INT(visitor->n_links, 1);
	CHECK_STR(visitor->link0, "https://exempelby.se/bad");
	CHECK_INT(visitor->n_media, 0);

	/* The first post's comments go on beyond this page. */
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "104857392011234_580001");
	CHECK_CONTAINS(got.skips[0], "more comments");
}

/* The page's own picture (from.picture of its post) goes to the sink
 * once per response; a visitor's (Åsa's from.picture) never does. The page
 * object itself (fields=name,picture) gives its picture and stays skipped. */
static void graph_the_pages_picture(void)
{
	struct err e;
	static const char page[] =
	        "{\"id\":\"104857392011234\",\"name\":\"Exempelby kommun\","
	        "\"picture\":{\"data\":{\"height\":50,\"is_silhouette\":false,"
	        "\"url\":\"https://scontent.example.net/v/p.jpg\",\"width\":50}}}";
	static const char wrong[] = "{\"id\":\"104857392011234\",\"name\":\"Exempelby kommun\","
	                            "\"picture\":5}";

	CHECK_INT(run(GRAPH, "graph_feed_p1.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_pictures, 1);
	CHECK_STR(got.picture_of, "104857392011234");
	CHECK_STR(got.picture, "https://scontent.example.net/v/t39.30808-1/exempelby_profil.jpg");
	CHECK_INT(got.picture_own, 1);
	got.n_pictures = 0;
	got.n_skips = 0;
	CHECK_INT(run_text(GRAPH, page, &e), 0);
	CHECK_INT(got.n_pictures, 1);
	CHECK_STR(got.picture, "https://scontent.example.net/v/p.jpg");
	CHECK_INT(got.n_skips, 1);
	/* Another page than the account asked for: not the account's. */
	got.n_pictures = 0;
	CHECK_INT(parse_graph(page, strlen(page), "in.json", "999", &sink, &e), 0);
	CHECK_INT(got.n_pictures, 0);
	CHECK_INT(run_text(GRAPH, wrong, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'picture'");
}

static void graph_paging_over_two_pages(void)
{
	struct err e;
	size_t len;
	char *p1 = fixture("graph_feed_p1.json", &len), *next = NULL;

	CHECK_INT(parse_meta_graph_next(p1, len, &next, &e), 0);
	CHECK(next != NULL);
	CHECK_CONTAINS(next, "/104857392011234/feed?");
	CHECK_CONTAINS(next, "after=QVFIUkyy");
	free(next);
	free(p1);
	p1 = fixture("graph_feed_p2.json", &len);
	next = (char *)"untouched";
	CHECK_INT(parse_meta_graph_next(p1, len, &next, &e), 0);
	CHECK(next == NULL);
	free(p1);

	CHECK_INT(run(GRAPH, "graph_feed_p1.json", NULL, NULL, &e), 0);
	CHECK_INT(run(GRAPH, "graph_feed_p2.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 6);
	CHECK_INT(find("104857392011234_579990")->kind, ITEM_POST);
	CHECK_INT(find("104857392011234_579990")->created_at, 1778567400);
}

static void graph_comments_stream_replies_to_replies(void)
{
	struct err e;
	const struct got_item *c, *r1, *r2;

	/* /{post}/comments?filter=stream without account_ref: the permalinks
	 * and parent fields name everything. */
	CHECK_INT(run(GRAPH, "graph_comments_stream.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 3);
	c = find("580001_9101");
	CHECK_INT(c->kind, ITEM_COMMENT);
	CHECK_STR(c->root_id, "104857392011234_580001");
	CHECK_STR(c->parent_id, "104857392011234_580001");
	CHECK_STR(c->account_ref, "104857392011234");
	CHECK_INT(c->author_is_account, 0);
	r1 = find("580001_9102");
	CHECK_INT(r1->kind, ITEM_REPLY);
	CHECK_STR(r1->parent_id, "580001_9101");
	CHECK_STR(r1->root_id, "104857392011234_580001");
	CHECK_INT(r1->author_is_account, 1);
	r2 = find("580001_9103");
	CHECK_INT(r2->kind, ITEM_REPLY);
	CHECK_STR(r2->parent_id, "580001_9102");
	CHECK_INT(r2->state, ITEM_HIDDEN);
	CHECK_CONTAINS(r2->text, "👍");
}

static void graph_comments_without_id_use_permalink(void)
{
	struct err e;
	const struct got_item *c, *r;

	CHECK_INT(run(GRAPH, "graph_comments_noid.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 2);
	c = find("580010_9201");
	CHECK_INT(c->kind, ITEM_COMMENT);
	CHECK_STR(c->root_id, "104857392011234_580010");
	r = find("580010_9202");
	CHECK_INT(r->kind, ITEM_REPLY);
	CHECK_STR(r->parent_id, "580010_9201");
	CHECK_INT(r->author_is_account, -1);
	/* The third has neither id nor permalink: skipped, not invented. */
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "data[2]");
}

static void graph_single_post_and_multi_ids(void)
{
	struct err e;
	const char *multi =
	        "{\"104857392011234_1\":{\"id\":\"104857392011234_1\",\"message\":\"a\","
	        "\"created_time\":\"2026-03-01T10:15:30+0000\"},"
	        "\"104857392011234_2\":{\"id\":\"104857392011234_2\",\"message\":\"b\"}}";

	CHECK_INT(run(GRAPH, "graph_post_single.json", NULL, "104857392011234", &e), 0);
	CHECK_INT(got.n_items, 1);
	CHECK_INT(got.items[0].kind, ITEM_POST);
	CHECK_INT(got.items[0].created_at, 1772360130);
	CHECK_INT(got.items[0].author_is_account, -1);
	CHECK_CONTAINS(got.items[0].text, "🎻");
	CHECK_INT(run_text(GRAPH, multi, &e), 0);
	CHECK_INT(got.n_items, 3);
	CHECK_STR(find("104857392011234_2")->text, "b");
}

static void graph_instagram_media_comments_replies(void)
{
	struct err e;
	const struct got_item *m, *c, *r, *spam, *m2;

	CHECK_INT(run(GRAPH, "graph_ig_media.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 5);
	m = find("17890000000000001");
	CHECK_STR(m->platform, "instagram");
	CHECK_INT(m->kind, ITEM_POST);
	CHECK_STR(m->account_ref, "17841400000000001");
	CHECK_INT(m->author_is_account, 1);
	CHECK_CONTAINS(m->text, "Midsommarfirande i parken 🌸");
	CHECK_INT(m->n_media, 3);
	CHECK_STR(m->media0_type, "album");
	CHECK_STR(m->permalink, "https://www.instagram.com/p/Cabc123/");
	c = find("17850000000000001");
	CHECK_INT(c->kind, ITEM_COMMENT);
	CHECK_STR(c->parent_id, "17890000000000001");
	CHECK_STR(c->root_id, "17890000000000001");
	CHECK_STR(c->author_name, "anna_andersson");
	CHECK_INT(c->author_is_account, 0);
	CHECK(strstr(c->raw_json, "17850000000000002") == NULL);
	r = find("17850000000000002");
	CHECK_INT(r->kind, ITEM_REPLY);
	CHECK_STR(r->parent_id, "17850000000000001");
	CHECK_STR(r->root_id, "17890000000000001");
	CHECK_INT(r->author_is_account, 1);
	spam = find("17850000000000003");
	CHECK_INT(spam->state, ITEM_HIDDEN);
	CHECK_INT(spam->author_is_account, 0); /* only the username, not the owner's */
	m2 = find("17890000000000002");
	CHECK_STR(m2->text, "");
	CHECK_STR(m2->media0_type, "photo");
}

static void graph_instagram_comment_list(void)
{
	struct err e;

	CHECK_INT(run(GRAPH, "graph_ig_comments.json", NULL, "17841400000000001", &e), 0);
	CHECK_INT(got.n_items, 2);
	CHECK_STR(got.items[0].platform, "instagram");
	CHECK_INT(got.items[0].kind, ITEM_COMMENT);
	CHECK(got.items[0].root_id == NULL); /* the list does not say which media */
	CHECK_STR(got.items[1].root_id, "17890000000000001");
	CHECK_STR(got.items[1].account_ref, "17841400000000001");
}

static void graph_error_envelope(void)
{
	struct err e;
	size_t len;
	char *data = fixture("graph_error.json", &len), *next = NULL;
	char msg[64];
	int code = 0, sub = 0;

	CHECK_INT(parse_meta_graph_error(data, len, &code, &sub, msg, sizeof(msg)), 1);
	CHECK_INT(code, 190);
	CHECK_INT(sub, 463);
	CHECK_CONTAINS(msg, "Error validating access token");
	CHECK_INT(parse_meta_graph_next(data, len, &next, &e), KV_EIO);
	CHECK(next == NULL);
	CHECK_CONTAINS(e.msg, "Graph API error 190/463 (OAuthException): Error validating");
	CHECK_INT(parse_graph(data, len, "resp.json", NULL, &sink, &e), KV_EIO);
	CHECK_CONTAINS(e.msg, "resp.json: Graph API error 190/463");
	free(data);
	CHECK_INT(parse_meta_graph_error("{\"data\":[]}", 11, &code, &sub, NULL, 0), 0);
	CHECK_INT(parse_meta_graph_error("not json", 8, &code, &sub, NULL, 0), 0);
}

static void graph_skips_non_items(void)
{
	struct err e;

	CHECK_INT(
	        run_text(GRAPH,
	                 "{\"data\":[{\"name\":\"impressions\",\"period\":\"lifetime\","
	                 "\"values\":[{\"value\":8}],\"id\":\"1/insights/impressions/lifetime\"}]}",
	                 &e),
	        0);
	CHECK_INT(got.n_items, 0);
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "not a post");
}

/* A /{page-id}/conversations page: the conversations are not items, their
 * messages are, each with its conversation as thread root; a conversation
 * holding more messages than the page says so. */
static void graph_conversations(void)
{
	struct err e;
	const struct got_item *it;

	CHECK_INT(
	        run_text(GRAPH,
	                 "{\"data\":[{\"id\":\"t_1001\",\"updated_time\":\"2026-05-20T09:00:00+"
	                 "0000\","
	                 "\"messages\":{\"data\":[{\"id\":\"m_b\",\"message\":\"Hej! Den öppnar "
	                 "kl 10.\",\"created_time\":\"2026-05-20T09:00:00+0000\",\"from\":{\"id\":"
	                 "\"500\",\"name\":\"Exempelby "
	                 "kommun\"},\"to\":{\"data\":[{\"id\":\"77\"}]}},"
	                 "{\"id\":\"m_a\",\"message\":\"När öppnar simhallen?\",\"created_time\":"
	                 "\"2026-05-20T08:00:00+0000\",\"from\":{\"id\":\"77\",\"name\":\"Åsa\"},"
	                 "\"to\":{\"data\":[{\"id\":\"500\"}]}}],\"paging\":{\"next\":"
	                 "\"https://graph.facebook.com/v19.0/t_1001/messages?after=QQ\"}}},"
	                 "{\"id\":\"t_1002\",\"updated_time\":\"2026-05-19T09:00:00+0000\","
	                 "\"messages\":{\"data\":[{\"id\":\"m_c\",\"message\":\"Tack!\","
	                 "\"created_time\":\"2026-05-19T09:00:00+0000\",\"from\":{\"id\":\"78\","
	                 "\"name\":\"Bo\"},\"to\":{\"data\":[{\"id\":\"500\"}]}}]}}]}",
	                 &e),
	        0);
	CHECK_INT(got.n_items, 3);
	it = find("m_a");
	CHECK_INT(it->kind, ITEM_MESSAGE);
	CHECK_STR(it->root_id, "t_1001");
	CHECK(it->parent_id == NULL);
	CHECK_STR(it->text, "När öppnar simhallen?");
	CHECK_STR(find("m_b")->root_id, "t_1001");
	CHECK_STR(find("m_c")->root_id, "t_1002");
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "more messages than this response holds");
}

/* ---- malformed input ---- */

static void graph_truncated_json(void)
{
	struct err e;
	size_t len;
	char *data = fixture("graph_feed_p1.json", &len);

	CHECK_INT(parse_graph(data, len / 2, "feed.json", NULL, &sink, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "feed.json: invalid JSON at line 1, column");
	CHECK_CONTAINS(e.msg, "(byte ");
	free(data);
}

static void graph_wrong_types(void)
{
	struct err e;

	CHECK_INT(run_text(GRAPH,
	                   "{\"data\":[{\"id\":\"1_2\",\"message\":\"ok\"},"
	                   "{\"id\":\"1_3\",\"message\":42,\"created_time\":\"2026-01-01T00:00:00+"
	                   "0000\"}]}",
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "in.json: data[1]: expected string for 'message', got number");
	CHECK_INT(got.n_items, 1);
	CHECK_INT(run_text(GRAPH, "{\"data\":[{\"id\":[1],\"message\":\"x\"}]}", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "data[0]: expected string or integer id for 'id', got array");
	CHECK_INT(run_text(GRAPH,
	                   "{\"data\":[{\"id\":\"1_2\",\"message\":\"x\",\"created_time\":"
	                   "\"yesterday\"}]}",
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'created_time' is not an ISO 8601 instant");
	CHECK_INT(run_text(GRAPH,
	                   "{\"data\":[{\"id\":\"1_2\",\"message\":\"x\",\"comments\":{\"data\":{}}"
	                   "}]}",
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "data[0]: expected array for 'data', got object");
	CHECK_INT(run_text(GRAPH, "[1,2]", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected a JSON object");
	CHECK_INT(run_text(GRAPH, "{\"foo\":1}", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "not a Graph API response");
}

static void graph_huge_text_refused(void)
{
	struct err e;
	size_t n = (size_t)10 << 20;
	const char *head = "{\"data\":[{\"id\":\"1_2\",\"message\":\"";
	const char *tail = "\"}]}";
	char *doc = malloc(strlen(head) + n + strlen(tail) + 1);
	size_t hl = strlen(head);

	CHECK(doc != NULL);
	memcpy(doc, head, hl);
	memset(doc + hl, 'a', n);
	memcpy(doc + hl + n, tail, strlen(tail) + 1);
	CHECK_INT(parse_graph(doc, strlen(doc), "big.json", NULL, &sink, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "big.json: data[0]: 'message' is 10485760 bytes, over the 1024 KiB");
	CHECK_INT(got.n_items, 0);
	free(doc);
}

static void huge_document_refused(void)
{
	struct err e;
	static const char small[] = "{}";

	/* The length is checked before a byte is read. */
	CHECK_INT(parse_graph(small, (size_t)300 << 20, "huge.json", NULL, &sink, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "huge.json: document is");
	CHECK_CONTAINS(e.msg, "JSON Lines");
	CHECK_INT(parse_meta_webhook(small, (size_t)300 << 20, "h", &sink, &e), KV_EINVAL);
	CHECK_INT(parse_meta_dyi(small, (size_t)300 << 20, "h", &sink, &e), KV_EINVAL);
}

static void invalid_utf8_names_position(void)
{
	struct err e;
	const char bad[] = "{\"data\":[{\"id\":\"1_2\",\"message\":\"f\xc3\x28r\"}]}";

	CHECK_INT(parse_graph(bad, sizeof(bad) - 1, "bad.json", NULL, &sink, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "bad.json: invalid JSON at line 1");
	CHECK_CONTAINS(e.msg, "byte 33");
	CHECK_CONTAINS(e.msg, "UTF-8");
	CHECK_INT(parse_meta_webhook(bad, sizeof(bad) - 1, "hook", &sink, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "UTF-8");
	CHECK_INT(parse_meta_dyi(bad, sizeof(bad) - 1, "dyi", &sink, &e), KV_EINVAL);
	CHECK_INT(got.n_items, 0);
}

static void nul_in_text_refused(void)
{
	struct err e;

	CHECK_INT(run_text(GRAPH, "{\"id\":\"1_2\",\"message\":\"a\\u0000b\"}", &e), KV_EINVAL);
	CHECK_INT(got.n_items, 0);
}

static void sink_error_stops_the_parse(void)
{
	struct err e;

	got.fail_after = 2;
	CHECK_INT(run(GRAPH, "graph_feed_p1.json", NULL, NULL, &e), KV_ECONFLICT);
	CHECK_STR(e.msg, "sink refuses");
	CHECK_INT(got.n_items, 1);
}

/* ---- webhooks ---- */

static void webhook_comments_and_replies(void)
{
	struct err e;
	const struct got_item *c, *r, *rr;

	CHECK_INT(run(WEBHOOK, "webhook_page_comments.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 3);
	c = find("580001_9001");
	CHECK_STR(c->platform, "facebook");
	CHECK_STR(c->source, "webhook");
	CHECK_INT(c->kind, ITEM_COMMENT);
	CHECK_STR(c->root_id, "104857392011234_580001");
	CHECK_STR(c->parent_id, "104857392011234_580001");
	CHECK_STR(c->account_ref, "104857392011234");
	CHECK_INT(c->author_is_account, 0);
	CHECK_INT(c->created_at, 1766999990);
	CHECK_INT(c->version_at, 0);
	CHECK_STR(c->text, "När öppnar kiosken? 🍦");
	CHECK_CONTAINS(c->raw_json, "\"verb\":\"add\"");
	r = find("580001_9003");
	CHECK_INT(r->kind, ITEM_REPLY);
	CHECK_STR(r->parent_id, "580001_9001");
	CHECK_INT(r->author_is_account, 1);
	rr = find("580001_9004");
	CHECK_INT(rr->kind, ITEM_REPLY);
	CHECK_STR(rr->parent_id, "580001_9003");
	CHECK_STR(rr->root_id, "104857392011234_580001");
	CHECK_INT(rr->n_media, 1);
	CHECK_STR(rr->media0_type, "photo");
}

static void webhook_and_graph_agree_on_ids(void)
{
	struct err e;

	CHECK_INT(run(GRAPH, "graph_feed_p1.json", NULL, NULL, &e), 0);
	CHECK_INT(run(WEBHOOK, "webhook_page_comments.json", NULL, NULL, &e), 0);
	CHECK_INT(count_id("580001_9001"), 2);
	CHECK_INT(count_id("580001_9003"), 2);
	for (size_t i = 0; i < got.n_items; i++) {
		const struct got_item *a = &got.items[i];

		for (size_t j = i + 1; j < got.n_items; j++) {
			const struct got_item *b = &got.items[j];

			if (strcmp(a->platform_id, b->platform_id) != 0)
				continue;
			CHECK_STR(a->parent_id, b->parent_id);
			CHECK_STR(a->root_id, b->root_id);
			CHECK_STR(a->account_ref, b->account_ref);
			CHECK_INT(a->kind, b->kind);
			CHECK_INT(a->author_is_account, b->author_is_account);
		}
	}
}

static void webhook_edited_comment(void)
{
	struct err e;
	const struct got_item *c;

	CHECK_INT(run(WEBHOOK, "webhook_page_edited.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 1);
	c = find("580001_9001");
	CHECK_INT(c->version_at, 1767003600);
	CHECK_INT(c->created_at, 1766999990);
	CHECK_STR(c->text, "När öppnar kiosken och badet? 🍦");
	/* The photo edit carries no text: not turned into an empty text. */
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "edit without text");
}

static void webhook_remove_hide_unhide_reaction(void)
{
	struct err e;

	CHECK_INT(run(WEBHOOK, "webhook_page_moderation.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 0);
	CHECK_INT(got.n_events, 4);
	CHECK_STR(got.events[0].platform_id, "580001_9002");
	CHECK_INT(got.events[0].kind, ITEM_EV_HIDDEN);
	CHECK_INT(got.events[0].at, 1767010000);
	CHECK_STR(got.events[0].account_ref, "104857392011234");
	CHECK_STR(got.events[1].platform_id, "580001_9005");
	CHECK_INT(got.events[1].kind, ITEM_EV_DELETED);
	CHECK_STR(got.events[2].platform_id, "580001_9006");
	CHECK_INT(got.events[2].kind, ITEM_EV_UNHIDDEN);
	CHECK_STR(got.events[3].platform_id, "104857392011234_579000");
	CHECK_INT(got.events[3].kind, ITEM_EV_DELETED);
	CHECK_INT(got.n_skips, 2);
	CHECK_CONTAINS(got.skips[0], "feed reaction add");
	CHECK_CONTAINS(got.skips[0], "reactions");
	CHECK_CONTAINS(got.skips[1], "feed video mute");
}

static void webhook_posts(void)
{
	struct err e;
	const struct got_item *s, *v, *sh;

	CHECK_INT(run(WEBHOOK, "webhook_page_posts.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 3);
	s = find("104857392011234_580100");
	CHECK_INT(s->kind, ITEM_POST);
	CHECK(s->parent_id == NULL && s->root_id == NULL);
	CHECK_INT(s->author_is_account, 1);
	CHECK_INT(s->n_media, 2);
	CHECK_CONTAINS(s->text, "💧");
	v = find("104857392011234_580101");
	CHECK_INT(v->state, ITEM_HIDDEN);
	CHECK_INT(v->author_is_account, 0);
	CHECK_INT(v->created_at, 1767020000); /* no created_time: the entry's time */
	sh = find("104857392011234_580102");
	CHECK_STR(sh->link0, "https://exempelby.se/budget");
}

static void webhook_instagram(void)
{
	struct err e;
	const struct got_item *c, *r;

	CHECK_INT(run(WEBHOOK, "webhook_instagram.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 2);
	c = find("17850000000000001");
	CHECK_STR(c->platform, "instagram");
	CHECK_INT(c->kind, ITEM_COMMENT);
	CHECK_STR(c->root_id, "17890000000000001");
	CHECK_STR(c->parent_id, "17890000000000001");
	CHECK_INT(c->author_is_account, 0);
	CHECK_INT(c->created_at, 1767030000);
	r = find("17850000000000002");
	CHECK_INT(r->kind, ITEM_REPLY);
	CHECK_STR(r->parent_id, "17850000000000001");
	CHECK_INT(r->author_is_account, 1);
	CHECK_INT(got.n_skips, 2);
	CHECK_CONTAINS(got.skips[0], "mention without text: fetch via API");
	CHECK_CONTAINS(got.skips[1], "story_insights");
	/* The same comment from the Graph API is the same item. */
	CHECK_INT(run(GRAPH, "graph_ig_media.json", NULL, NULL, &e), 0);
	CHECK_INT(count_id("17850000000000002"), 2);
	CHECK_STR(find("17850000000000002")->root_id, "17890000000000001");
}

static void webhook_messaging(void)
{
	struct err e;

	CHECK_INT(run(WEBHOOK, "webhook_messaging.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 2);
	CHECK_INT(got.items[0].kind, ITEM_MESSAGE);
	CHECK_STR(got.items[0].platform_id, "m_AbCdEf0123456789");
	CHECK_INT(got.items[0].created_at, 1767040000);
	CHECK_INT(got.items[0].author_is_account, 0);
	CHECK_INT(got.items[1].author_is_account, 1);
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "read receipts");
}

static void webhook_malformed(void)
{
	struct err e;

	CHECK_INT(run_text(WEBHOOK, "{\"object\":\"page\",\"entry\":{}}", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "expected array for 'entry', got object");
	CHECK_INT(run_text(WEBHOOK,
	                   "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1,\"changes\":"
	                   "[{\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\","
	                   "\"post_id\":\"1_2\",\"comment_id\":\"2_3\",\"message\":{}}}]}]}",
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "in.json: entry[0].changes[0]: expected string for 'message'");
	CHECK_INT(run_text(WEBHOOK,
	                   "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"
	                   "\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\"}}]}]}",
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "without 'comment_id'");
	CHECK_INT(run_text(WEBHOOK, "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",", &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "invalid JSON");
	CHECK_INT(run_text(WEBHOOK, "{\"entry\":[]}", &e), KV_EINVAL);
	CHECK_INT(run_text(WEBHOOK, "{\"object\":\"user\",\"entry\":[]}", &e), 0);
	CHECK_INT(got.n_skips, 1);
}

/* ---- Download your information ---- */

static void mojibake_repair(void)
{
	char a[] = "\xc3\x83\xc2\xa5"; /* "Ã¥" = å escaped as two Latin-1 points */
	char b[] = "caf\xc3\xa9";      /* a real "é" must stay */
	char c[] = "\xc3\xb0\xc2\x9f\xc2\x98\xc2\xae"; /* 😮 in four points */
	char d[] = "plain";
	char f[] = "\xe2\x82\xac\xc3\x83\xc2\xa5"; /* € beside: not all below 256 */

	CHECK_INT(parse_meta_repair_mojibake(a, strlen(a)), 2);
	CHECK_STR(a, "å");
	CHECK_INT(parse_meta_repair_mojibake(b, strlen(b)), 5);
	CHECK_STR(b, "café");
	CHECK_INT(parse_meta_repair_mojibake(c, strlen(c)), 4);
	CHECK_STR(c, "😮");
	CHECK_INT(parse_meta_repair_mojibake(d, strlen(d)), 5);
	CHECK_INT(parse_meta_repair_mojibake(f, strlen(f)), 7);
	CHECK_INT(parse_meta_repair_mojibake(NULL, 0), 0);
}

static void dyi_posts(void)
{
	struct err e;
	const struct got_item *p;

	CHECK_INT(run(DYI, "dyi_your_posts_1.json", "facebook/your_posts_1.json", NULL, &e), 0);
	CHECK_INT(got.n_items, 3);
	p = &got.items[0];
	CHECK_STR(p->platform, "facebook");
	CHECK_INT(p->kind, ITEM_POST);
	CHECK_STR(p->text, "Nu öppnar vi badplatsen vid Åsjön! ☀️🏊");
	CHECK_INT(p->created_at, 1748764800);
	CHECK_INT(p->version_at, 1748768400);
	CHECK_INT(p->author_is_account, 1);
	CHECK_STR(p->source, "dyi");
	CHECK_INT(strlen(p->platform_id), 4 + 64);
	CHECK(strncmp(p->platform_id, "dyi:", 4) == 0);
	CHECK_INT(p->n_media, 1);
	CHECK_STR(p->media0_url,
	          "your_facebook_activity/posts/media/Badplatser_12345/badplats.jpg");
	CHECK_STR(got.items[1].link0, "https://exempelby.se/sophamtning");
	CHECK_STR(got.items[1].text, "Sophämtningen flyttas – läs mer på vår webbplats.");
	CHECK_STR(got.items[2].text, "");
	CHECK(strcmp(got.items[0].platform_id, got.items[1].platform_id) != 0);
}

static void dyi_ids_are_stable(void)
{
	struct err e;
	char first[80];

	CHECK_INT(run(DYI, "dyi_comments.json", NULL, NULL, &e), 0);
	CHECK_INT(got.n_items, 2);
	snprintf(first, sizeof(first), "%s", got.items[0].platform_id);
	CHECK_INT(run(DYI, "dyi_comments.json", NULL, NULL, &e), 0);
	CHECK_STR(got.items[2].platform_id, first);
	CHECK_INT(count_id(first), 2);
	CHECK_INT(got.items[0].kind, ITEM_COMMENT);
	CHECK_STR(got.items[0].author_name, "Exempelby kommun");
	CHECK_STR(got.items[0].text, "Hej Åsa! Kiosken öppnar 15 juni. 🍦");
	CHECK_INT(got.items[0].created_at, 1748770000);
	/* The evidence copy is the entry as exported (escapes and all). */
	CHECK_CONTAINS(got.items[0].raw_json, "\"comment\":");
}

static void dyi_messenger_thread_in_parts(void)
{
	struct err e;
	const struct got_item *m;

	CHECK_INT(run(DYI, "dyi_message_1.json", "messages/inbox/goranek_abc123/message_1.json",
	              NULL, &e),
	          0);
	CHECK_INT(run(DYI, "dyi_message_2.json", "messages/inbox/goranek_abc123/message_2.json",
	              NULL, &e),
	          0);
	CHECK_INT(got.n_items, 4);
	m = &got.items[1];
	CHECK_INT(m->kind, ITEM_MESSAGE);
	CHECK_STR(m->platform, "facebook");
	CHECK_STR(m->author_name, "Göran Ek");
	CHECK_STR(m->text, "Var lämnar man grovsopor? 🚮");
	CHECK_INT(m->created_at, 1748790000);
	CHECK_INT(m->author_is_account, -1);
	CHECK_INT(m->n_media, 1);
	CHECK_STR(m->media0_type, "photo");
	CHECK_INT(got.items[2].state, ITEM_DELETED);
	for (size_t i = 0; i < got.n_items; i++)
		CHECK_INT(count_id(got.items[i].platform_id), 1);
}

static void dyi_instagram_files(void)
{
	struct err e;

	CHECK_INT(run(DYI, "dyi_ig_post_comments_1.json",
	              "your_instagram_activity/comments/post_comments_1.json", NULL, &e),
	          0);
	CHECK_INT(got.n_items, 1);
	CHECK_STR(got.items[0].platform, "instagram");
	CHECK_INT(got.items[0].kind, ITEM_COMMENT);
	CHECK_STR(got.items[0].text, "Välkomna till parken på lördag! 🌸");
	CHECK_INT(got.items[0].created_at, 1750330000);
	CHECK_INT(run(DYI, "dyi_ig_posts_1.json", "posts_1.json", NULL, &e), 0);
	CHECK_INT(got.n_items, 3);
	CHECK_STR(got.items[1].platform, "instagram");
	CHECK_INT(got.items[1].kind, ITEM_POST);
	CHECK_STR(got.items[1].text, "Midsommarfirande i parken 🌸");
	CHECK_INT(got.items[1].n_media, 2);
	CHECK_STR(got.items[2].text, "Ny skylt vid Åsjön");
	CHECK_INT(got.items[2].created_at, 1749542400);
}

static void dyi_other_files_skipped(void)
{
	struct err e;

	CHECK_INT(run(DYI, "dyi_friends.json", "friends/friends.json", NULL, &e), 0);
	CHECK_INT(got.n_items, 0);
	CHECK_INT(got.n_skips, 1);
	CHECK_CONTAINS(got.skips[0], "friends/friends.json: not a posts");
}

static void dyi_malformed(void)
{
	struct err e;

	CHECK_INT(run_text(DYI, "{\"messages\":[{\"sender_name\":\"a\",\"timestamp_ms\":\"x\"}]}",
	                   &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "in.json: messages[0]: expected integer for 'timestamp_ms'");
	CHECK_INT(run_text(DYI, "{\"messages\":[{\"sender_name\":\"a\",\"content\":\"b\"}]}", &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "without 'timestamp_ms'");
	CHECK_INT(run_text(DYI, "[{\"timestamp\":1,\"data\":[{\"post\":7}]}]", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[0]: expected string for 'post', got number");
	CHECK_INT(run_text(DYI, "{\"comments_v2\":[{\"data\":[", &e), KV_EINVAL);
	/* Two text parts of one post are kept, joined by a blank line. */
	CHECK_INT(run_text(DYI, "[{\"timestamp\":5,\"data\":[{\"post\":\"a\"},{\"post\":\"b\"}]}]",
	                   &e),
	          0);
	CHECK_STR(got.items[got.n_items - 1].text, "a\n\nb");
}

static void conformance_shared_samples(void)
{
	/* Every Meta sample in ../shared/data parses without error (when the
	 * folder is there); the counts are printed for the record. */
	static const struct {
		enum fmt f;
		const char *rel;
		int min_items;
	} files[] = {
	        {GRAPH,
	         "platform_exports/meta_graph_api/facebook/apidata/posts/feed_fields_p1.json", 5},
	        {GRAPH,
	         "platform_exports/meta_graph_api/facebook/apidata/comments/comments_p1.json", 10},
	        {GRAPH, "platform_exports/meta_graph_api/instagram/apidata/medias/comments_p1.json",
	         2},
	        {WEBHOOK,
	         "platform_exports/meta_webhooks_restfb/page_webhooks/feed-comment-add-25.json", 1},
	        {WEBHOOK, "platform_exports/meta_webhooks_restfb/instagram/wh-comments-2021.json",
	         1},
	        {DYI,
	         "platform_exports/facebook_dyi_messenger_tardigrde/messages/inbox/"
	         "tokehal_sdf7fs9d876/message_1.json",
	         5},
	};

	if (!test_shared_path("platform_exports"))
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *path = test_shared_path(files[i].rel);
		struct err e;
		size_t len, before = got.n_items;
		char *data = path ? test_read_file(path, &len) : NULL;
		int rc;

		if (!data)
			continue;
		err_clear(&e);
		if (files[i].f == GRAPH)
			rc = parse_graph(data, len, files[i].rel, NULL, &sink, &e);
		else if (files[i].f == WEBHOOK)
			rc = parse_meta_webhook(data, len, files[i].rel, &sink, &e);
		else
			rc = parse_meta_dyi(data, len, files[i].rel, &sink, &e);
		free(data);
		if (rc)
			test_fail(__FILE__, __LINE__, "%s: %s", files[i].rel, e.msg);
		CHECK((int)(got.n_items - before) >= files[i].min_items);
		got.n_items = before; /* the copies leak; the child exits */
	}
	if (got.n_skips > 0)
		got.n_skips = 0;
}

static void conformance_dyi_mojibake_repaired(void)
{
	/* The Messenger sample spells its (Hungarian) names in Meta's broken
	 * encoding; after the parse none may still show the telltale "Ã"/"Å"
	 * pairs, and some must have gained real non-ASCII letters. */
	const char *path = test_shared_path("platform_exports/facebook_dyi_messenger_tardigrde/"
	                                    "messages/inbox/tokehal_sdf7fs9d876/message_1.json");
	struct err e;
	size_t len;
	char *data;
	int non_ascii = 0;

	if (!path || !(data = test_read_file(path, &len)))
		return;
	CHECK_INT(parse_meta_dyi(data, len, path, &sink, &e), 0);
	free(data);
	CHECK(got.n_items > 0);
	for (size_t i = 0; i < got.n_items; i++) {
		const char *n = got.items[i].author_name;

		CHECK(n != NULL);
		CHECK(strstr(n, "\xc3\x83") == NULL && strstr(n, "\xc3\x85") == NULL);
		for (const char *p = n; *p; p++)
			non_ascii |= (unsigned char)*p >= 0x80;
	}
	CHECK(non_ascii);
}

TEST_MAIN(T(graph_feed_with_nested_comments), T(graph_the_pages_picture),
          T(graph_paging_over_two_pages), T(graph_comments_stream_replies_to_replies),
          T(graph_comments_without_id_use_permalink), T(graph_single_post_and_multi_ids),
          T(graph_instagram_media_comments_replies), T(graph_instagram_comment_list),
          T(graph_error_envelope), T(graph_skips_non_items), T(graph_conversations),
          T(graph_truncated_json), T(graph_wrong_types), T(graph_huge_text_refused),
          T(huge_document_refused), T(invalid_utf8_names_position), T(nul_in_text_refused),
          T(sink_error_stops_the_parse), T(webhook_comments_and_replies),
          T(webhook_and_graph_agree_on_ids), T(webhook_edited_comment),
          T(webhook_remove_hide_unhide_reaction), T(webhook_posts), T(webhook_instagram),
          T(webhook_messaging), T(webhook_malformed), T(mojibake_repair), T(dyi_posts),
          T(dyi_ids_are_stable), T(dyi_messenger_thread_in_parts), T(dyi_instagram_files),
          T(dyi_other_files_skipped), T(dyi_malformed), T(conformance_shared_samples),
          T(conformance_dyi_mojibake_repaired))
