/* Tests for store/profile_rows (the accounts' profile pictures: a new row
 * only for a new URL, pending and fetched, the picture as it was on a
 * day) and registry/account_picture (a picture set by hand: checked,
 * stored, audited; bad input changes nothing). */
#include "testlib.h"
#include "wf_fixture.h"

#include "capture/import.h"
#include "registry/account_picture.h"
#include "store/blob.h"
#include "store/profile_rows.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct seen {
	int n;
	char url[8][128];
	char sha[8][65];
	int64_t noted_at[8];
	int64_t attempts[8];
};

static int on_row(void *ctx, const struct profile_row *p)
{
	struct seen *c = ctx;

	if (c->n < 8) {
		snprintf(c->url[c->n], sizeof(c->url[0]), "%s", p->url);
		snprintf(c->sha[c->n], sizeof(c->sha[0]), "%s", p->sha256 ? p->sha256 : "");
		c->noted_at[c->n] = p->noted_at;
		c->attempts[c->n] = p->attempts;
	}
	c->n++;
	return 0;
}

static struct seen each(struct wf *fx, int64_t account)
{
	struct seen c = {0};
	struct err e = {0};

	CHECK_INT(profile_row_each(fx->s, account, on_row, &c, &e), KV_OK);
	return c;
}

static struct seen latest(struct wf *fx, int64_t account, int64_t until)
{
	struct seen c = {0};
	struct err e = {0};

	CHECK_INT(profile_row_latest(fx->s, account, until, on_row, &c, &e), KV_OK);
	return c;
}

static struct seen pending(struct wf *fx, int64_t max_attempts)
{
	struct seen c = {0};
	struct err e = {0};

	CHECK_INT(profile_row_pending(fx->s, fx->org, max_attempts, 10, on_row, &c, &e), KV_OK);
	return c;
}

static int64_t note(struct wf *fx, int64_t account, const char *url, int64_t at)
{
	struct err e = {0};
	int64_t id = 0;
	int rc = profile_row_note(fx->s, account, url, "t", at, &id, &e);

	CHECK(rc >= 0);
	return rc == 1 ? id : 0;
}

/* The same URL again is the same picture: no new row. Another URL is a
 * new picture; going back to the first one is a change too. */
static void a_new_row_only_when_the_url_changes(void)
{
	struct wf fx = wf_setup();
	struct seen c;

	CHECK(note(&fx, fx.fb, "https://p.example/a.jpg", 100) > 0);
	CHECK_INT(note(&fx, fx.fb, "https://p.example/a.jpg", 200), 0);
	CHECK(note(&fx, fx.fb, "https://p.example/b.jpg", 300) > 0);
	CHECK(note(&fx, fx.fb, "https://p.example/a.jpg", 400) > 0);
	/* Each account has its own history. */
	CHECK(note(&fx, fx.x, "https://p.example/a.jpg", 500) > 0);
	c = each(&fx, fx.fb);
	CHECK_INT(c.n, 3);
	CHECK_STR(c.url[0], "https://p.example/a.jpg");
	CHECK_INT(c.noted_at[0], 400);
	CHECK_STR(c.url[1], "https://p.example/b.jpg");
	CHECK_INT(c.noted_at[2], 100);
	CHECK_INT(each(&fx, fx.x).n, 1);
	/* A newly signed URL of the same file (only the query differs) is the
	 * same picture; while it is pending it takes the fresher URL. */
	CHECK_INT(note(&fx, fx.x, "https://p.example/a.jpg?oh=1&oe=2", 600), 0);
	c = each(&fx, fx.x);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.url[0], "https://p.example/a.jpg?oh=1&oe=2");
	CHECK_INT(c.noted_at[0], 500);
	/* Once fetched the row keeps the URL it was fetched from. */
	{
		struct err e = {0};

		CHECK_INT(store_exec(fx.s, "UPDATE profile_picture SET sha256 = 'aa'", &e), KV_OK);
	}
	CHECK_INT(note(&fx, fx.x, "https://p.example/a.jpg?oh=3&oe=4", 700), 0);
	CHECK_STR(each(&fx, fx.x).url[0], "https://p.example/a.jpg?oh=1&oe=2");
	CHECK(note(&fx, fx.x, "https://p.example/c.jpg?oh=3&oe=4", 800) > 0);
	store_free(fx.s);
}

/* Pending until fetched or tried max_attempts times; the picture on a day
 * is the newest fetched one noted before it. */
static void pending_fetched_and_the_picture_on_a_day(void)
{
	struct wf fx = wf_setup();
	struct err e = {0};
	int64_t a = note(&fx, fx.fb, "https://p.example/a.jpg", 100);
	int64_t b = note(&fx, fx.fb, "https://p.example/b.jpg", 200);
	struct seen c;

	CHECK_INT(pending(&fx, 3).n, 2);
	CHECK_INT(latest(&fx, fx.fb, 0).n, 0);
	CHECK_INT(profile_row_fetched(fx.s, a, "aa", 5, "image/jpeg", 110, &e), KV_OK);
	CHECK_INT(profile_row_failed(fx.s, b, "404", 210, &e), KV_OK);
	CHECK_INT(profile_row_failed(fx.s, b, "404", 220, &e), KV_OK);
	c = pending(&fx, 3);
	CHECK_INT(c.n, 1);
	CHECK_INT(c.attempts[0], 2);
	CHECK_INT(pending(&fx, 2).n, 0);
	/* b is not fetched: a is the picture, today and on a day after it. */
	c = latest(&fx, fx.fb, 0);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.sha[0], "aa");
	CHECK_INT(latest(&fx, fx.fb, 150).n, 1);
	CHECK_INT(latest(&fx, fx.fb, 100).n, 0); /* noted before until, not at it */
	CHECK_INT(profile_row_fetched(fx.s, b, "bb", 6, "image/png", 230, &e), KV_OK);
	CHECK_STR(latest(&fx, fx.fb, 0).sha[0], "bb");
	CHECK_STR(latest(&fx, fx.fb, 150).sha[0], "aa");
	CHECK_STR(latest(&fx, fx.fb, 201).sha[0], "bb");
	CHECK_INT(latest(&fx, fx.x, 0).n, 0);
	/* One set by hand is fetched already. */
	CHECK_INT(profile_row_add_stored(fx.s, fx.x, PROFILE_SOURCE_FILE, "t", 300, "cc", 7,
	                                 "image/png", NULL, &e),
	          KV_OK);
	c = latest(&fx, fx.x, 0);
	CHECK_STR(c.url[0], "file");
	CHECK_STR(c.sha[0], "cc");
	CHECK_INT(pending(&fx, 3).n, 0);
	store_free(fx.s);
}

static int64_t count(struct wf *fx, const char *sql)
{
	int64_t n = -1;
	struct err e = {0};

	CHECK_INT(store_query_int(fx->s, &n, &e, sql, 0, NULL), KV_OK);
	return n;
}

/* A PNG or JPEG set by hand goes into the blob store as the current
 * picture, audited, and the account's view names it. */
static void set_by_hand(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op_at(fx.s, fx.org, "anna", 1780000000);
	struct account_rec *rec = NULL;
	struct err e = {0};
	json_t *j = NULL, *acc;
	size_t n;
	char *png = test_read_file(test_source_path("tests/fixtures/images/circle.png"), &n);
	char want[65], path[4096];

	CHECK(png != NULL);
	hash_sha256_hex(want, png, n);
	CHECK_INT(account_picture_set(op, "sjovik", png, n, "logo.png", &j, &e), KV_OK);
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "current"), "sha256")),
	          want);
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "current"), "source")),
	          "file");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "current"), "content_type")),
	          "image/png");
	json_decref(j);
	CHECK_INT(blob_path(fx.s, want, path, sizeof(path), &e), KV_OK);
	CHECK(access(path, F_OK) == 0);
	CHECK_INT(count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'account.picture'"), 1);
	CHECK_INT(registry_account_get(op, fx.fb, &rec, &e), KV_OK);
	acc = registry_account_json(rec);
	CHECK_STR(json_string_value(json_object_get(json_object_get(acc, "picture"), "sha256")),
	          want);
	CHECK_STR(json_string_value(json_object_get(json_object_get(acc, "picture"), "noted_at")),
	          "2026-05-28T20:26:40Z");
	json_decref(acc);
	register_row_account_free(rec);
	/* The other account has none: null in its view. */
	CHECK_INT(registry_account_get(op, fx.x, &rec, &e), KV_OK);
	acc = registry_account_json(rec);
	CHECK(json_is_null(json_object_get(acc, "picture")));
	json_decref(acc);
	register_row_account_free(rec);
	free(png);
	store_free(fx.s);
}

/* Not an image, an image of another type, an empty file, an unknown
 * account: a clear error naming the file or account, and nothing kept. */
static void bad_input_changes_nothing(void)
{
	struct wf fx = wf_setup();
	const struct op_ctx *op = test_op(fx.s, fx.org, "anna");
	static const char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
	static const char text[] = "<html>inte en bild</html>";
	static const char cut_png[] = "\x89PNG\r\n\x1a\n\x00\x00";
	struct err e = {0};
	json_t *j = NULL;
	size_t n;
	char *png = test_read_file(test_source_path("tests/fixtures/images/circle.png"), &n);

	CHECK_INT(account_picture_set(op, "sjovik", text, sizeof(text) - 1, "bild.png", &j, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "bild.png: not a PNG or JPEG image");
	CHECK_INT(account_picture_set(op, "sjovik", gif, sizeof(gif) - 1, "a.gif", &j, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "a.gif: image/gif, not PNG or JPEG");
	CHECK_INT(account_picture_set(op, "sjovik", "", 0, "tom.png", &j, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "tom.png: the file is empty");
	CHECK_INT(
	        account_picture_set(op, "sjovik", cut_png, sizeof(cut_png) - 1, "cut.png", &j, &e),
	        KV_EINVAL);
	CHECK_CONTAINS(e.msg, "cut.png: ");
	CHECK_INT(account_picture_set(op, "finns_inte", png, n, "logo.png", &j, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "finns_inte");
	CHECK_INT(count(&fx, "SELECT COUNT(*) FROM profile_picture"), 0);
	CHECK_INT(count(&fx, "SELECT COUNT(*) FROM audit WHERE action = 'account.picture'"), 0);
	CHECK_INT(account_picture_list(op, "sjovik", &j, &e), KV_OK);
	CHECK(json_is_null(json_object_get(j, "current")));
	CHECK_INT(json_array_size(json_object_get(j, "pictures")), 0);
	json_decref(j);
	free(png);
	store_free(fx.s);
}

/* Through the import: the page's own picture is noted once, a visitor's
 * never; a page object of a page the register does not know is passed
 * over (skipped), not a failure of the source. */
static void captured_through_the_import(void)
{
	struct wf fx = wf_setup();
	struct import_opts o = {.org = fx.org, .format = PARSE_GRAPH, .actor = "t"};
	struct import_report r;
	struct err e = {0};
	static const char feed[] =
	        "{\"data\":[{\"id\":\"777_1\",\"message\":\"Hej\","
	        "\"created_time\":\"2026-06-01T08:00:00+0000\",\"from\":{\"id\":\"777\","
	        "\"name\":\"Sjövik\",\"picture\":{\"data\":{\"url\":\"https://p.example/s.jpg\"}}},"
	        "\"comments\":{\"data\":[{\"id\":\"1_2\",\"message\":\"Hallå\","
	        "\"created_time\":\"2026-06-01T09:00:00+0000\",\"from\":{\"id\":\"55\","
	        "\"name\":\"Bo\",\"picture\":{\"data\":{\"url\":\"https://p.example/"
	        "bo.jpg\"}}}}]}}]}";
	static const char feed2[] =
	        "{\"data\":[{\"id\":\"777_3\",\"message\":\"Igen\","
	        "\"created_time\":\"2026-06-02T08:00:00+0000\",\"from\":{\"id\":\"777\","
	        "\"name\":\"Sjövik\",\"picture\":{\"data\":{\"url\":\"https://p.example/"
	        "s.jpg\"}}}}]}";
	static const char other_page[] =
	        "{\"id\":\"888\",\"name\":\"Annan sida\","
	        "\"picture\":{\"data\":{\"url\":\"https://p.example/o.jpg\"}}}";
	struct seen c;

	CHECK_INT(
	        store_exec(fx.s,
	                   "UPDATE account SET platform_account_id = '777' WHERE handle = 'sjovik'",
	                   &e),
	        KV_OK);
	CHECK_INT(capture_import_buffer(fx.s, &o, feed, sizeof(feed) - 1, "feed.json", &r, &e),
	          KV_OK);
	CHECK_INT(r.new_items, 2);
	CHECK_INT(r.pictures, 1);
	c = each(&fx, fx.fb);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.url[0], "https://p.example/s.jpg");
	/* Another post of the page with the same picture: nothing new. */
	CHECK_INT(capture_import_buffer(fx.s, &o, feed2, sizeof(feed2) - 1, "feed2.json", &r, &e),
	          KV_OK);
	CHECK_INT(r.new_items, 1);
	CHECK_INT(r.pictures, 0);
	CHECK_INT(capture_import_buffer(fx.s, &o, other_page, sizeof(other_page) - 1, "page.json",
	                                &r, &e),
	          KV_OK);
	CHECK_INT(r.pictures, 0);
	CHECK(r.skipped >= 1);
	CHECK_INT(count(&fx, "SELECT COUNT(*) FROM profile_picture"), 1);
	store_free(fx.s);
}

TEST_MAIN(T(a_new_row_only_when_the_url_changes), T(pending_fetched_and_the_picture_on_a_day),
          T(set_by_hand), T(bad_input_changes_nothing), T(captured_through_the_import))
