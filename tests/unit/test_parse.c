/* Tests for capture/parse: format names, detection from the head of a file,
 * and parse_file (streamed and whole formats, the 256 MiB limit). */
#include "testlib.h"
#include "parse_sink.h"

#include "capture/parse.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum parse_format detect(const char *text, const char *name)
{
	enum parse_format f = PARSE_AUTO;
	struct err e;

	if (parse_detect(text, strlen(text), name, &f, &e) != KV_OK)
		return PARSE_AUTO;
	return f;
}

static enum parse_format detect_fixture(const char *rel)
{
	size_t len;
	char *data = fixture(rel, &len);
	enum parse_format f = PARSE_AUTO;
	struct err e;

	if (parse_detect(data, len < PARSE_HEAD_LEN ? len : PARSE_HEAD_LEN, rel, &f, &e) != KV_OK)
		f = PARSE_AUTO;
	free(data);
	return f;
}

static void names_round_trip(void)
{
	enum parse_format f;
	static const char *const names[] = {"graph",    "meta-webhook", "meta-dyi",
	                                    "youtube",  "x-archive",    "x-api",
	                                    "mastodon", "feed",         "jsonl"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CHECK_INT(parse_format_from_name(names[i], &f), KV_OK);
		CHECK_STR(parse_format_name(f), names[i]);
	}
	CHECK_INT(parse_format_from_name("csv", &f), KV_EINVAL);
	CHECK_INT(parse_format_from_name(NULL, &f), KV_EINVAL);
}

static void detects_fixtures(void)
{
	CHECK_INT(detect_fixture("youtube/threads_page1.json"), PARSE_YOUTUBE);
	CHECK_INT(detect_fixture("youtube/channel_thread.json"), PARSE_YOUTUBE);
	CHECK_INT(detect_fixture("x/tweets.js"), PARSE_X_ARCHIVE);
	CHECK_INT(detect_fixture("x/like.js"), PARSE_X_ARCHIVE);
	CHECK_INT(detect_fixture("x/api_page1.json"), PARSE_X_API);
	CHECK_INT(detect_fixture("x/api_page2.json"), PARSE_X_API);
	CHECK_INT(detect_fixture("mastodon/status.json"), PARSE_MASTODON);
	CHECK_INT(detect_fixture("mastodon/context.json"), PARSE_MASTODON);
	CHECK_INT(detect_fixture("mastodon/timeline.json"), PARSE_MASTODON);
	CHECK_INT(detect_fixture("mastodon/113900000000000001.history.json"), PARSE_MASTODON);
	CHECK_INT(detect_fixture("feed/rss.xml"), PARSE_FEED);
	CHECK_INT(detect_fixture("feed/atom.xml"), PARSE_FEED);
	CHECK_INT(detect_fixture("jsonl/items.jsonl"), PARSE_JSONL);
}

static void detects_shapes(void)
{
	/* Meta shapes, written here in their documented form. */
	CHECK_INT(
	        detect("{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1,\"changes\":[]}]}",
	               NULL),
	        PARSE_META_WEBHOOK);
	CHECK_INT(detect("{\"data\":[{\"id\":\"1_2\",\"created_time\":\"2026-01-01T00:00:00+0000\","
	                 "\"message\":\"hej\"}],\"paging\":{}}",
	                 NULL),
	          PARSE_GRAPH);
	CHECK_INT(detect("{\"data\":[{\"id\":\"17\",\"media_type\":\"IMAGE\",\"caption\":\"x\"}]}",
	                 NULL),
	          PARSE_GRAPH);
	CHECK_INT(detect("{\"participants\":[{\"name\":\"A\"}],\"messages\":[]}", NULL),
	          PARSE_META_DYI);
	CHECK_INT(detect("[{\"timestamp\":1700000000,\"data\":[{\"post\":\"hej\"}]}]", NULL),
	          PARSE_META_DYI);
	CHECK_INT(detect("{\"comments_v2\":[]}", NULL), PARSE_META_DYI);
	CHECK_INT(detect("{\"ancestors\":[],\"descendants\":[]}", NULL), PARSE_MASTODON);
	CHECK_INT(
	        detect("\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<rss version=\"2.0\"></rss>", NULL),
	        PARSE_FEED);
	CHECK_INT(detect("{\"id\":\"1\"}\n{\"id\":\"2\"}\n", NULL), PARSE_JSONL);
	CHECK_INT(detect("{\"id\":\"1\"}", "export.ndjson"), PARSE_JSONL);
	/* Cut off after the head: decided from the keys seen. */
	CHECK_INT(detect("{\n \"kind\": \"youtube#commentThreadListResponse\",\n \"items\": [ {",
	                 NULL),
	          PARSE_YOUTUBE);
	CHECK_INT(detect("{\"data\":[{\"id\":\"1\",\"created_time\":\"2026", NULL), PARSE_GRAPH);
	CHECK_INT(detect("{\"data\":[{\"id\":\"1\",\"edit_history_tweet_ids\":[\"1\"", NULL),
	          PARSE_X_API);
	/* A single post with its comments, larger than the head. */
	CHECK_INT(detect("{\"id\":\"1_2\",\"message\":\"hej\",\"created_time\":\"2026-01-01T00:00:"
	                 "00+0000\",\"comments\":{\"data\":[{\"id\":\"3\",\"message\":\"sv",
	                 NULL),
	          PARSE_GRAPH);
	/* Words in text do not fool it: "object" here is a value, not a key. */
	CHECK_INT(detect("{\"note\":\"object entry\"}", NULL), PARSE_AUTO);
}

static void unknown_format_message(void)
{
	enum parse_format f;
	struct err e;

	CHECK_INT(parse_detect("hello", 5, "notes.txt", &f, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "cannot tell the format of notes.txt; give --format (one of: graph, "
	                      "meta-webhook");
	CHECK_INT(parse_detect("", 0, NULL, &f, &e), KV_EINVAL);
}

static void parse_file_streams_and_reads(void)
{
	struct got g;
	struct err e;
	struct item_sink s;
	FILE *f;
	size_t len;
	char *data;

	/* A regular file, detected. */
	f = fopen(test_source_path("tests/fixtures/x/tweets.js"), "rb");
	CHECK(f != NULL);
	s = got_sink(&g);
	CHECK_INT(parse_file(f, "tweets.js", PARSE_AUTO, "VasterbyKommun", &s, &e), KV_OK);
	CHECK_INT(g.n_items, 6);
	fclose(f);

	/* A stream that cannot seek or be measured (as a pipe). */
	data = fixture("jsonl/items.jsonl", &len);
	f = fmemopen(data, len, "rb");
	s = got_sink(&g);
	CHECK_INT(parse_file(f, "-", PARSE_AUTO, NULL, &s, &e), KV_OK);
	CHECK_INT(g.n_items, 5);
	CHECK_INT(g.n_events, 2);
	fclose(f);
	free(data);

	data = fixture("youtube/threads_page1.json", &len);
	f = fmemopen(data, len, "rb");
	s = got_sink(&g);
	CHECK_INT(parse_file(f, "-", PARSE_YOUTUBE, NULL, &s, &e), KV_OK);
	CHECK_INT(g.n_items, 5);
	fclose(f);
	free(data);

	/* The wrong format named: the parser's error, with the name. */
	f = fopen(test_source_path("tests/fixtures/feed/rss.xml"), "rb");
	s = got_sink(&g);
	CHECK_INT(parse_file(f, "rss.xml", PARSE_YOUTUBE, NULL, &s, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "rss.xml: line 1");
	fclose(f);
}

static void big_document_fails_fast(void)
{
	char path[4096];
	static const char head[] =
	        "{\"data\":[{\"id\":\"1_2\",\"created_time\":\"2026-01-01T00:00:00"
	        "+0000\",\"message\":\"";
	struct got g;
	struct err e;
	struct item_sink s = got_sink(&g);
	FILE *f;

	/* A sparse 3 GiB file: costs no disk, and reading it would take long. */
	snprintf(path, sizeof(path), "%s/big.json", test_tmpdir());
	test_write_file(path, head, sizeof(head) - 1);
	CHECK_INT(truncate(path, (off_t)3 << 30), 0);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	CHECK_INT(parse_file(f, "big.json", PARSE_AUTO, NULL, &s, &e), KV_EINVAL);
	CHECK_STR(e.msg, "big.json: file is 3221225472 bytes; documents over 256 MiB must be "
	                 "imported as JSON Lines");
	fclose(f);
}

TEST_MAIN(T(names_round_trip), T(detects_fixtures), T(detects_shapes), T(unknown_format_message),
          T(parse_file_streams_and_reads), T(big_document_fails_fast))
