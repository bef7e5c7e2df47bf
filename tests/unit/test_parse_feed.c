/* Tests for capture/parse_feed: RSS 2.0 and Atom (fixtures in
 * tests/fixtures/feed), RFC 822 dates, XXE safety and bad input. */
#include "testlib.h"
#include "parse_sink.h"

#include "base/time.h"
#include "capture/parse_feed.h"

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
	rc = parse_feed(data, len, rel, account, &s, e);
	free(data);
	return rc;
}

static int run_text(const char *xml, size_t len, struct got *g, struct err *e)
{
	struct item_sink s = got_sink(g);

	err_clear(e);
	return parse_feed(xml, len, "f.xml", NULL, &s, e);
}

static void rfc822_dates(void)
{
	int64_t t = 0;

	CHECK_INT(parse_feed_rfc822_date("Sat, 07 Sep 2002 00:00:01 GMT", &t), KV_OK);
	CHECK_INT(t, iso("2002-09-07T00:00:01Z"));
	CHECK_INT(parse_feed_rfc822_date("Tue, 10 Feb 2026 09:30:00 +0100", &t), KV_OK);
	CHECK_INT(t, iso("2026-02-10T08:30:00Z"));
	CHECK_INT(parse_feed_rfc822_date("1 Mar 26 12:00 EST", &t), KV_OK);
	CHECK_INT(t, iso("2026-03-01T17:00:00Z"));
	CHECK_INT(parse_feed_rfc822_date("Mon, 19 January 2026 07:00:00 UT", &t), KV_OK);
	CHECK_INT(t, iso("2026-01-19T07:00:00Z"));
	CHECK_INT(parse_feed_rfc822_date("Mon, 19 Jan 2026 07:00:00", &t), KV_EINVAL);
	CHECK_INT(parse_feed_rfc822_date("Mon, 32 Jan 2026 07:00:00 GMT", &t), KV_EINVAL);
	CHECK_INT(parse_feed_rfc822_date("Mon, 19 Jan 2026 07:00:00 GMT junk", &t), KV_EINVAL);
	CHECK_INT(parse_feed_rfc822_date("igår", &t), KV_EINVAL);
}

static void rss_items(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("feed/rss.xml", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 3);
	it = &g.items[0];
	CHECK_STR(it->platform, "blog");
	CHECK_STR(it->platform_id, "https://blogg.vasterby.se/?p=1842");
	CHECK_INT(it->kind, ITEM_POST);
	CHECK_INT(it->author_is_account, 1);
	CHECK_STR(it->account_ref, "https://blogg.vasterby.se/");
	CHECK_STR(it->author_name, "Karin Åberg");
	CHECK_STR(it->permalink, "https://blogg.vasterby.se/2026/02/ny-lekplats/");
	CHECK_INT(it->created_at, iso("2026-02-10T08:30:00Z"));
	/* content:encoded wins over description. */
	CHECK_STR(it->text,
	          "Ny lekplats i Östby 🛝\n\nNu är lekplatsen vid Östby skola klar. Barnen "
	          "har fått vara med och tycka till!\n\nLäs mer om våra lekplatser.\n"
	          "Välkomna!");
	CHECK_STR(it->links, "https://www.vasterby.se/lekplatser");
	CHECK_STR(it->media,
	          "image/jpeg https://blogg.vasterby.se/wp-content/uploads/lekplats.jpg -");
	CHECK(it->raw_json == NULL);

	it = &g.items[1];
	CHECK_STR(it->text, "Snöröjning & halkbekämpning\n\nSå prioriterar vi:\n\nBusslinjer\n\n"
	                    "Gång- och cykelvägar");
	CHECK_INT(it->created_at, iso("2026-01-19T07:00:00Z"));

	/* Missing guid, date, body: the link is the id. */
	it = &g.items[2];
	CHECK_STR(it->platform_id, "https://blogg.vasterby.se/2026/01/rubrik/");
	CHECK_STR(it->text, "Bara en rubrik");
	CHECK_INT(it->created_at, 0);
}

static void atom_entries(void)
{
	struct got g;
	struct err e;
	const struct got_item *it;

	CHECK_INT(run_fixture("feed/atom.xml", "bibliotek", &g, &e), KV_OK);
	CHECK_INT(g.n_items, 2);
	it = &g.items[0];
	CHECK_STR(it->platform_id, "urn:uuid:1e0c3b9a-77aa-4d8e-8a10-6c4b1f2e9a02");
	CHECK_STR(it->account_ref, "bibliotek");
	CHECK_STR(it->author_name, "Maja Ölund");
	CHECK_STR(it->permalink, "https://bibliotek.vasterby.se/bokcirkel");
	CHECK_STR(it->text, "Bokcirkel för alla 📚\n\nVi träffas varannan onsdag.\n\nAnmälan: här");
	CHECK_STR(it->links, "https://bibliotek.vasterby.se/anmalan");
	/* Updated after published: a later version. */
	CHECK_INT(it->created_at, iso("2026-02-01T09:00:00Z"));
	CHECK_INT(it->version_at, iso("2026-02-09T11:00:00Z"));

	it = &g.items[1];
	CHECK_STR(it->text, "Sportlovsprogram\n\nPyssel, film och    sagostund.");
	CHECK_INT(it->created_at, iso("2026-01-20T08:00:00Z"));
	CHECK_INT(it->version_at, 0);
	CHECK_STR(it->media, "application/pdf https://bibliotek.vasterby.se/sportlov.pdf -");

	CHECK_INT(run_fixture("feed/atom.xml", NULL, &g, &e), KV_OK);
	CHECK_STR(g.items[0].account_ref, "https://bibliotek.vasterby.se/");
}

static void xxe_is_not_followed(void)
{
	struct got g;
	struct err e;

	CHECK_INT(run_fixture("feed/xxe.xml", NULL, &g, &e), KV_OK);
	CHECK_INT(g.n_items, 1);
	CHECK(strstr(g.items[0].text, "root:") == NULL);
	CHECK(strstr(g.items[0].text, "INNER") == NULL);
	CHECK_CONTAINS(g.items[0].text, "Före");
	CHECK_CONTAINS(g.items[0].text, "efter");
}

static void malformed(void)
{
	struct got g;
	struct err e;
	static const char other[] = "<html><body/></html>";
	static const char noid[] = "<rss><channel><item><title>x</title></item></channel></rss>";
	static const char baddate[] = "<rss><channel><item><guid>1</guid><pubDate>snart</pubDate>"
	                              "</item></channel></rss>";
	static const char badutf8[] = "<rss><channel>\n<item><guid>1</guid><title>h\xe5j</title>"
	                              "</item></channel></rss>";

	CHECK_INT(run_fixture("feed/broken.xml", NULL, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "feed/broken.xml: line 10, column 1: Premature end of data");
	CHECK_INT(run_text(other, sizeof(other) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "the root element is <html>, not <rss> or <feed>");
	CHECK_INT(run_text(noid, sizeof(noid) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "item 0 (line 1): the item has neither <guid> nor <link>");
	CHECK_INT(run_text(baddate, sizeof(baddate) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'pubDate' is not a date");
	CHECK_INT(run_text(badutf8, sizeof(badutf8) - 1, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "f.xml: line 2");
	CHECK_INT(run_text("", 0, &g, &e), KV_EINVAL);
}

static void huge_description(void)
{
	struct got g;
	struct err e;
	struct buf b;
	char *big = malloc((size_t)10 << 20);

	CHECK(big != NULL);
	memset(big, 'y', (size_t)10 << 20);
	buf_init(&b, (size_t)11 << 20);
	buf_puts(&b, "<rss><channel><item><guid>big</guid><description>");
	buf_put(&b, big, (size_t)10 << 20);
	buf_puts(&b, "</description></item></channel></rss>");
	CHECK_INT(run_text(b.ptr, b.len, &g, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'description' is over the 1 MiB limit");
	buf_done(&b);
	free(big);
}

TEST_MAIN(T(rfc822_dates), T(rss_items), T(atom_entries), T(xxe_is_not_followed), T(malformed),
          T(huge_description))
