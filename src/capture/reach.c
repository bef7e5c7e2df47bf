/* Reading the figures: each platform's names mapped onto ours. A count is
 * taken when it is a non-negative integer, or a string of digits (YouTube and
 * the X archive write counts as strings). */
#include "capture/reach.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The count at o.path ("a.b.c"), or -1. */
static int64_t count_at(const json_t *o, const char *path)
{
	char key[64];
	const json_t *v = o;
	const char *p = path;

	while (v && *p) {
		size_t k = strcspn(p, ".");

		if (k >= sizeof(key))
			return -1;
		memcpy(key, p, k);
		key[k] = '\0';
		v = json_object_get(v, key);
		p += k;
		if (*p == '.')
			p++;
	}
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? (int64_t)json_integer_value(v) : -1;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long n;

		if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
			return -1;
		n = strtoll(s, &end, 10);
		return (int64_t)n;
	}
	return -1;
}

static void take(struct reach_row *r, enum reach_figure f, int64_t v)
{
	if (v >= 0)
		r->v[f] = r->v[f] >= 0 ? r->v[f] + v : v;
}

/* Graph insights: {"insights":{"data":[{"name":…,"values":[{"value":N}]}]}},
 * the newest value of each metric (or its total_value). */
static void insights(const json_t *o, struct reach_row *r)
{
	static const struct {
		const char *name;
		enum reach_figure f;
	} map[] = {
	        {"post_impressions", REACH_IMPRESSIONS},
	        {"post_impressions_unique", REACH_REACH},
	        {"post_video_views", REACH_VIEWS},
	        {"impressions", REACH_IMPRESSIONS},
	        {"reach", REACH_REACH},
	        {"views", REACH_VIEWS},
	        {"plays", REACH_VIEWS},
	        {"video_views", REACH_VIEWS},
	};
	const json_t *data = json_object_get(json_object_get(o, "insights"), "data"), *m;
	size_t i;

	json_array_foreach(data, i, m)
	{
		const char *name = json_string_value(json_object_get(m, "name"));
		const json_t *vals = json_object_get(m, "values");
		const json_t *last = json_array_get(vals, json_array_size(vals) - 1);

		if (!name)
			continue;
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (strcmp(name, map[k].name) == 0 && r->v[map[k].f] < 0)
				take(r, map[k].f,
				     last ? count_at(last, "value")
				          : count_at(m, "total_value.value"));
	}
}

int reach_parse(const char *platform, const char *raw_json, struct reach_row *out)
{
	json_t *o;
	int any = 0;

	reach_row_clear(out);
	if (!platform || !raw_json || !(o = json_loads(raw_json, 0, NULL)))
		return 0;
	if (strcmp(platform, "facebook") == 0) {
		int64_t r = count_at(o, "reactions.summary.total_count");

		take(out, REACH_REACTIONS, r >= 0 ? r : count_at(o, "likes.summary.total_count"));
		take(out, REACH_COMMENTS, count_at(o, "comments.summary.total_count"));
		take(out, REACH_SHARES, count_at(o, "shares.count"));
		insights(o, out);
	} else if (strcmp(platform, "instagram") == 0) {
		take(out, REACH_REACTIONS, count_at(o, "like_count"));
		take(out, REACH_COMMENTS, count_at(o, "comments_count"));
		insights(o, out);
	} else if (strcmp(platform, "x") == 0) {
		/* The X archive wraps each tweet in {"tweet": …}. */
		const json_t *t = json_is_object(json_object_get(o, "tweet"))
		                          ? json_object_get(o, "tweet")
		                          : o;

		if (json_is_object(json_object_get(t, "public_metrics"))) {
			take(out, REACH_REACTIONS, count_at(t, "public_metrics.like_count"));
			take(out, REACH_COMMENTS, count_at(t, "public_metrics.reply_count"));
			take(out, REACH_SHARES, count_at(t, "public_metrics.retweet_count"));
			take(out, REACH_SHARES, count_at(t, "public_metrics.quote_count"));
			take(out, REACH_IMPRESSIONS,
			     count_at(t, "public_metrics.impression_count"));
		} else {
			take(out, REACH_REACTIONS, count_at(t, "favorite_count"));
			take(out, REACH_SHARES, count_at(t, "retweet_count"));
		}
	} else if (strcmp(platform, "mastodon") == 0) {
		take(out, REACH_REACTIONS, count_at(o, "favourites_count"));
		take(out, REACH_COMMENTS, count_at(o, "replies_count"));
		take(out, REACH_SHARES, count_at(o, "reblogs_count"));
	} else if (strcmp(platform, "youtube") == 0) {
		take(out, REACH_VIEWS, count_at(o, "statistics.viewCount"));
		take(out, REACH_REACTIONS, count_at(o, "statistics.likeCount"));
		take(out, REACH_COMMENTS, count_at(o, "statistics.commentCount"));
	} else if (strcmp(platform, "linkedin") == 0) {
		take(out, REACH_REACTIONS, count_at(o, "likesSummary.totalLikes"));
		take(out, REACH_COMMENTS, count_at(o, "commentsSummary.aggregatedTotalComments"));
	}
	json_decref(o);
	for (int f = 0; f < REACH_NFIGURES; f++)
		any |= out->v[f] >= 0;
	return any;
}
