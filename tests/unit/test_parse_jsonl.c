/* Tests for capture/parse_jsonl: the documented JSON Lines format (fixture in
 * tests/fixtures/jsonl), events, and each kind of bad line. */
#include "testlib.h"
#include "parse_sink.h"

#include "base/time.h"
#include "capture/parse_jsonl.h"

#include <stdlib.h>
#include <string.h>

static long long iso(const char *s)
{
	int64_t t = 0;

	CHECK_INT(time_parse_iso(s, &t), KV_OK);
	return t;
}

static int run_text(const char *text, size_t len, struct got *g, struct err *e)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	struct item_sink s = got_sink(g);
	int rc;

	CHECK(f != NULL);
	err_clear(e);
	rc = parse_jsonl_stream(f, "in.jsonl", &s, e);
	fclose(f);
	return rc;
}

static void items_and_events(void)
{
	struct got g;
	struct err e;
	struct item_sink s = got_sink(&g);
	const struct got_item *it;
	FILE *f = fopen(test_source_path("tests/fixtures/jsonl/items.jsonl"), "rb");

	CHECK(f != NULL);
	CHECK_INT(parse_jsonl_stream(f, "items.jsonl", &s, &e), KV_OK);
	fclose(f);
	CHECK_INT(g.n_items, 5);
	CHECK_INT(g.n_events, 2);

	it = got_find(&g, "li-1001", 0);
	CHECK_STR(it->platform, "linkedin");
	CHECK_INT(it->kind, ITEM_POST);
	CHECK_STR(it->account_ref, "vasterby-kommun");
	CHECK_STR(it->author_id, "org-55");
	CHECK_STR(it->author_name, "Västerby kommun");
	CHECK_INT(it->author_is_account, 1);
	CHECK_INT(it->created_at, iso("2026-02-01T08:00:00Z"));
	CHECK_STR(it->text, "Vi söker sommarvikarier till äldreomsorgen ☀️");
	CHECK_STR(it->links, "https://www.vasterby.se/jobb");
	CHECK_STR(it->media, "photo https://media.example/li-1001.jpg m-1");
	CHECK_STR(it->source, "jsonl");
	/* Our own format is not kept again as raw evidence: the item is all it holds. */
	CHECK(it->raw_json == NULL);

	it = got_find(&g, "li-1002", 0);
	CHECK_INT(it->kind, ITEM_COMMENT);
	CHECK_STR(it->parent_id, "li-1001");
	CHECK_INT(it->author_is_account, -1);
	CHECK_INT(it->version_at, iso("2026-02-01T10:20:00Z"));

	it = got_find(&g, "li-1003", 0);
	CHECK_INT(it->kind, ITEM_REPLY);
	CHECK_STR(it->root_id, "li-1001");

	it = got_find(&g, "tt-9", 0);
	CHECK_STR(it->text, "");
	CHECK_INT(it->state, ITEM_HIDDEN);
	CHECK_INT(it->kind, ITEM_POST);

	CHECK_INT(got_find(&g, "dm-1", 0)->kind, ITEM_MESSAGE);

	CHECK_STR(g.events[0].platform_id, "li-1002");
	CHECK_INT(g.events[0].kind, ITEM_EV_DELETED);
	CHECK_INT(g.events[0].at, iso("2026-02-03T08:00:00Z"));
	CHECK_STR(g.events[0].account_ref, "vasterby-kommun");
	CHECK_INT(g.events[1].kind, ITEM_EV_HIDDEN);
	CHECK_INT(g.events[1].at, 0);
}

#define BAD(text, needle)                                                                          \
	do {                                                                                       \
		static const char t_[] = text;                                                     \
		CHECK_INT(run_text(t_, sizeof(t_) - 1, &g, &e), KV_EINVAL);                        \
		CHECK_CONTAINS(e.msg, needle);                                                     \
	} while (0)

static void bad_lines(void)
{
	struct got g;
	struct err e;

	BAD("{\"id\":\"1\",\"platform\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":"
	    "\"a\"}"
	    "\n{\"id\":\"2\",\"platform\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":5}"
	    "\n",
	    "in.jsonl: line 2: expected string for 'text', got number");
	CHECK_INT(g.n_items, 1);
	/* A line that ends inside its JSON: the column just after its last
	 * character, trailing blanks left out. */
	BAD("\n\n{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\"  \r\n",
	    "in.jsonl: line 3, column 36: the line ends inside its JSON");
	/* Columns count characters: å and ä are two bytes each; x is the 23rd. */
	BAD("{\"id\":\"å\",\"text\":\"äö\" x}", "line 1, column 23: lexical error");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\"}", "line 1: missing 'created_at'");
	BAD("{\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:00Z\"}",
	    "line 1: missing 'id'");
	BAD("{\"id\":\"1\",\"platform\":\"myspace\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:"
	    "00:"
	    "00Z\"}",
	    "unknown platform \"myspace\"");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"1 jan\"}",
	    "'created_at' is not an ISO 8601 time");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\","
	    "\"kind\":\"reply\"}",
	    "a reply needs 'parent_id'");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\","
	    "\"kind\":\"story\"}",
	    "unknown kind \"story\"");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\","
	    "\"state\":\"gone\"}",
	    "unknown state \"gone\"");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\","
	    "\"author\":{\"is_account\":\"yes\"}}",
	    "expected boolean for 'is_account', got string");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\","
	    "\"links\":[1]}",
	    "expected string in 'links'[0], got number");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\","
	    "\"media\":[\"u\"]}",
	    "expected object in 'media'[0], got string");
	BAD("{\"event\":\"liked\",\"id\":\"1\",\"platform\":\"x\"}", "unknown event \"liked\"");
	BAD("[1,2]", "line 1: expected an object, got array");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"h\xc3\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\"}",
	    "invalid UTF-8");
}

/* What the event parser must get right by itself: escapes decoded, fields it
 * does not know passed over however deep (even when they hold known names),
 * nulls as absent, duplicates, U+0000 and UTF-8 that only looks right. */
static void fields_escapes_and_unknown_values(void)
{
	static const char t[] =
	        "{\"x\":{\"text\":5,\"author\":[{\"id\":1}]},\"id\":\"1\",\"platform\":"
	        "\"other\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"r\\u00e4tt "
	        "\\\"citat\\\"\\n"
	        "\\ud83d\\ude00\",\"permalink\":null,\"author\":{\"id\":\"a1\",\"extra\":{\"name\":"
	        "[]},\"name\":\"\\u00c5sa\"},\"links\":[\"https://a.se/1\",\"https://a.se/2\"],"
	        "\"media\":[{\"url\":\"https://a.se/m.jpg\",\"type\":\"photo\",\"size\":[1,2]},"
	        "{\"id\":\"m2\"}],\"y\":[[[{\"id\":5}]]],\"z\":true}\n";
	struct got g;
	struct err e;

	CHECK_INT(run_text(t, sizeof(t) - 1, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK_STR(g.items[0].platform_id, "1");
	CHECK_STR(g.items[0].text, "rätt \"citat\"\n😀");
	CHECK(g.items[0].permalink == NULL);
	CHECK_STR(g.items[0].author_id, "a1");
	CHECK_STR(g.items[0].author_name, "Åsa");
	CHECK_STR(g.items[0].links, "https://a.se/1\nhttps://a.se/2");
	CHECK_INT(g.items[0].n_media, 2);
	CHECK_CONTAINS(g.items[0].media, "photo https://a.se/m.jpg");
	CHECK_CONTAINS(g.items[0].media, "m2");

	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"text\":\"b\",\"created_at\":"
	    "\"2026-01-01T00:00:00Z\"}",
	    "line 1: 'text' is given twice");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\",\"author\":{\"name\":\"a\",\"name\":\"b\"}}",
	    "'name' is given twice");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\\u0000b\",\"created_at\":"
	    "\"2026-01-01T00:00:00Z\"}",
	    "'text' holds U+0000 (not allowed) at byte 1");
	/* Well-formed to a quick look, but an overlong form of '/'. */
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\xc0\xaf\",\"created_at\":"
	    "\"2026-01-01T00:00:00Z\"}",
	    "invalid UTF-8");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\",\"author\":\"Åsa\"}",
	    "expected object for 'author', got string");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":{\"sv\":\"a\"},\"created_at\":"
	    "\"2026-01-01T00:00:00Z\"}",
	    "expected string for 'text', got object");
	BAD("{\"id\":\"1\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\",\"media\":[{\"url\":7}]}",
	    "expected string for 'url', got number");
	BAD("{\"id\":\"\",\"platform\":\"x\",\"text\":\"a\",\"created_at\":\"2026-01-01T00:00:"
	    "00Z\"}",
	    "'id' is empty");
	BAD("\"just a string\"", "line 1: expected an object, got string");
	BAD("{\"id\":\"1\"} {\"id\":\"2\"}", "line 1, column ");
	BAD("{\"id\":\"1\",}", "line 1, column 11: parse error");
}

static void long_lines(void)
{
	struct got g;
	struct err e;
	struct buf b;
	char *big = malloc((size_t)17 << 20);

	CHECK(big != NULL);
	memset(big, 'z', (size_t)17 << 20);
	buf_init(&b, (size_t)20 << 20);
	buf_puts(&b, "{\"id\":\"1\",\"platform\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\","
	             "\"text\":\"");
	buf_put(&b, big, (size_t)10 << 20);
	buf_puts(&b, "\"}\n");
	CHECK_INT(run_text(b.ptr, b.len, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "in.jsonl: line 1: 'text' is 10485760 bytes, over the 1 MiB limit");
	buf_clear(&b);
	buf_puts(&b, "\n{\"id\":\"1\",\"text\":\"");
	buf_put(&b, big, (size_t)17 << 20);
	CHECK_INT(run_text(b.ptr, b.len, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "in.jsonl: line 2 is longer than 16 MiB");
	buf_done(&b);
	free(big);
}

static void crlf_and_no_final_newline(void)
{
	static const char t[] =
	        "{\"id\":\"1\",\"platform\":\"other\",\"created_at\":\"2026-01-01T00:"
	        "00:00Z\",\"text\":\"a\"}\r\n{\"id\":\"2\",\"platform\":\"other\","
	        "\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"b\"}";
	struct got g;
	struct err e;

	CHECK_INT(run_text(t, sizeof(t) - 1, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	CHECK_STR(g.items[1].text, "b");
}

TEST_MAIN(T(items_and_events), T(bad_lines), T(fields_escapes_and_unknown_values), T(long_lines),
          T(crlf_and_no_final_newline))
