/* The reach figures read from each platform's own JSON of a post. */
#include "testlib.h"

#include "capture/reach.h"

static void graph_post(void)
{
	struct reach_row r;

	CHECK_INT(reach_parse("facebook",
	                      "{\"id\":\"1_2\",\"shares\":{\"count\":4},"
	                      "\"reactions\":{\"data\":[],\"summary\":{\"total_count\":37}},"
	                      "\"comments\":{\"summary\":{\"total_count\":3}},"
	                      "\"insights\":{\"data\":[{\"name\":\"post_impressions_unique\","
	                      "\"period\":\"lifetime\",\"values\":[{\"value\":812}]},"
	                      "{\"name\":\"post_video_views\",\"values\":[{\"value\":5},"
	                      "{\"value\":9}]}]}}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_REACTIONS], 37);
	CHECK_INT(r.v[REACH_COMMENTS], 3);
	CHECK_INT(r.v[REACH_SHARES], 4);
	CHECK_INT(r.v[REACH_REACH], 812);
	CHECK_INT(r.v[REACH_VIEWS], 9); /* the newest value */
	CHECK_INT(r.v[REACH_IMPRESSIONS], -1);
	/* Older posts give likes rather than reactions. */
	CHECK_INT(reach_parse("facebook", "{\"likes\":{\"summary\":{\"total_count\":6}}}", &r), 1);
	CHECK_INT(r.v[REACH_REACTIONS], 6);
}

static void instagram_media(void)
{
	struct reach_row r;

	CHECK_INT(reach_parse("instagram",
	                      "{\"id\":\"178\",\"like_count\":21,\"comments_count\":2,"
	                      "\"insights\":{\"data\":[{\"name\":\"reach\",\"values\":"
	                      "[{\"value\":300}]}]}}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_REACTIONS], 21);
	CHECK_INT(r.v[REACH_COMMENTS], 2);
	CHECK_INT(r.v[REACH_REACH], 300);
	CHECK_INT(r.v[REACH_SHARES], -1);
}

static void x_api_and_archive(void)
{
	struct reach_row r;

	CHECK_INT(reach_parse("x",
	                      "{\"id\":\"9\",\"public_metrics\":{\"retweet_count\":3,"
	                      "\"reply_count\":1,\"like_count\":12,\"quote_count\":2,"
	                      "\"bookmark_count\":0,\"impression_count\":950}}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_REACTIONS], 12);
	CHECK_INT(r.v[REACH_COMMENTS], 1);
	CHECK_INT(r.v[REACH_SHARES], 5); /* retweets and quotes */
	CHECK_INT(r.v[REACH_IMPRESSIONS], 950);
	/* The archive (tweets.js): counts as strings, wrapped in "tweet". */
	CHECK_INT(reach_parse("x",
	                      "{\"tweet\":{\"id_str\":\"9\",\"favorite_count\":\"7\","
	                      "\"retweet_count\":\"0\"}}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_REACTIONS], 7);
	CHECK_INT(r.v[REACH_SHARES], 0);
	CHECK_INT(r.v[REACH_COMMENTS], -1);
}

static void mastodon_youtube_linkedin(void)
{
	struct reach_row r;

	CHECK_INT(reach_parse("mastodon",
	                      "{\"replies_count\":2,\"reblogs_count\":5,\"favourites_count\":9}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_REACTIONS], 9);
	CHECK_INT(r.v[REACH_COMMENTS], 2);
	CHECK_INT(r.v[REACH_SHARES], 5);
	CHECK_INT(reach_parse("youtube",
	                      "{\"statistics\":{\"viewCount\":\"1520\",\"likeCount\":\"40\","
	                      "\"commentCount\":\"6\"}}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_VIEWS], 1520);
	CHECK_INT(r.v[REACH_REACTIONS], 40);
	CHECK_INT(reach_parse("linkedin",
	                      "{\"likesSummary\":{\"totalLikes\":8},"
	                      "\"commentsSummary\":{\"aggregatedTotalComments\":1}}",
	                      &r),
	          1);
	CHECK_INT(r.v[REACH_REACTIONS], 8);
	CHECK_INT(r.v[REACH_COMMENTS], 1);
}

static void nothing_given_is_not_zero(void)
{
	struct reach_row r;

	CHECK_INT(reach_parse("facebook", "{\"id\":\"1_2\",\"message\":\"Hej\"}", &r), 0);
	for (int f = 0; f < REACH_NFIGURES; f++)
		CHECK_INT(r.v[f], -1);
	CHECK_INT(reach_parse("mastodon", "not json", &r), 0);
	CHECK_INT(reach_parse("mastodon", NULL, &r), 0);
	/* Negative, fractional or non-numeric counts are not figures. */
	CHECK_INT(reach_parse("mastodon",
	                      "{\"replies_count\":-1,\"reblogs_count\":1.5,\"favourites_count\":"
	                      "\"många\"}",
	                      &r),
	          0);
	CHECK_INT(reach_parse("youtube", "{\"statistics\":{\"viewCount\":\"12x\"}}", &r), 0);
	CHECK_STR(reach_row_name(REACH_IMPRESSIONS), "impressions");
}

TEST_MAIN(T(graph_post), T(instagram_media), T(x_api_and_archive), T(mastodon_youtube_linkedin),
          T(nothing_given_is_not_zero))
