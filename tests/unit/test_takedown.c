/* Tests for capture/takedown without a network: what each platform's API
 * can take down (hide or remove, the account's own items or others'), and
 * the requests refused before anything is sent. The requests themselves are
 * tested against tests/fakeplatform in tests/e2e/cases.sh. */
#include "testlib.h"

#include "capture/takedown.h"

#include <string.h>

static void what_each_platform_allows(void)
{
	static const struct {
		enum platform p;
		int hide_others, remove_others, hide_own, remove_own;
	} want[] = {
	        {PLATFORM_FACEBOOK, 1, 1, 1, 1}, {PLATFORM_INSTAGRAM, 1, 1, 1, 1},
	        {PLATFORM_YOUTUBE, 1, 1, 1, 1},  {PLATFORM_X, 1, 0, 1, 1},
	        {PLATFORM_MASTODON, 0, 0, 0, 1}, {PLATFORM_LINKEDIN, 0, 0, 0, 1},
	        {PLATFORM_TIKTOK, 0, 0, 0, 0},   {PLATFORM_BLOG, 0, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_INT(takedown_supported(want[i].p, TAKEDOWN_HIDE, 0), want[i].hide_others);
		CHECK_INT(takedown_supported(want[i].p, TAKEDOWN_REMOVE, 0), want[i].remove_others);
		CHECK_INT(takedown_supported(want[i].p, TAKEDOWN_HIDE, 1), want[i].hide_own);
		CHECK_INT(takedown_supported(want[i].p, TAKEDOWN_REMOVE, 1), want[i].remove_own);
	}
}

static void refused_before_sending(void)
{
	struct takedown_conf tc;
	struct takedown_outcome out;
	struct err e = {0};

	CHECK_INT(takedown_conf_load(&tc, NULL, PLATFORM_MASTODON, "kommunen",
	                             "https://social.exempelby.se/@kommunen", &e),
	          KV_OK);
	/* Someone else's status lives on their instance. */
	CHECK_INT(takedown_run(&tc, PLATFORM_MASTODON, TAKEDOWN_REMOVE, "1145", 0, &out, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "Mastodon cannot remove other people's items");
	CHECK_INT(out.status, 0);
	/* No token configured. */
	CHECK_INT(takedown_run(&tc, PLATFORM_MASTODON, TAKEDOWN_REMOVE, "1145", 1, &out, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "no token configured");
	/* LinkedIn deletes posts, not the page's own comments. */
	CHECK_INT(takedown_conf_load(&tc, NULL, PLATFORM_LINKEDIN, "li", NULL, &e), KV_OK);
	tc.conn.token = "tok";
	CHECK_INT(takedown_run(&tc, PLATFORM_LINKEDIN, TAKEDOWN_REMOVE,
	                       "urn:li:comment:(urn:li:activity:1,2)", 1, &out, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "LinkedIn deletes only the organisation's own posts");
	CHECK_INT(out.status, 0);
	CHECK(out.request[0] == '\0');
	CHECK_INT(
	        takedown_run(&tc, PLATFORM_LINKEDIN, TAKEDOWN_HIDE, "urn:li:share:1", 1, &out, &e),
	        KV_EINVAL);
	CHECK_CONTAINS(e.msg, "LinkedIn cannot hide");
}

TEST_MAIN(T(what_each_platform_allows), T(refused_before_sending))
