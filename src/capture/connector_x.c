/* Polling X API v2: a user's tweets, and the conversations started by those
 * that are new or in the look-back window (recent search). */
#include "capture/connector_int.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define X_TWEET_FIELDS                                                                             \
	"tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets," \
	"edit_history_tweet_ids,entities&expansions=author_id&user.fields=username"

/* ---- X API v2: the user's tweets and the conversations they start ---- */

int connector_x_poll(struct run *run, struct err *err)
{
	const char *endpoint = "tweets";
	struct parts parts = {0};
	struct cur c;
	struct reach reach;
	struct buf url;
	json_t *j = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	rc = connector_cur_load(run, endpoint, &c, err);
	if (rc)
		goto out;
	/* Recent search returns the replies of the last 7 days, whenever the
	 * conversation started: searching a conversation of the window finds
	 * its new replies as long as polls come at least weekly. */
	connector_reach_init(&reach, run, c.since);
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		json_t *data, *meta, *tok;
		char name[256];

		connector_reach_page(&reach);
		buf_clear(&url);
		buf_printf(&url, "%s/2/users/%s/tweets?max_results=100&" X_TWEET_FIELDS,
		           run->c->base_url, run->pid);
		if (c.since[0] && !connector_reach_window(&reach))
			buf_printf(&url, "&since_id=%s", c.since);
		if (c.next[0]) {
			char *e = curl_easy_escape(NULL, c.next, 0);

			if (!e) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			buf_printf(&url, "&pagination_token=%s", e);
			curl_free(e);
		}
		snprintf(name, sizeof(name), "x %s tweets page %lld", run->handle, (long long)page);
		rc = connector_get_json_page(run, &parts, buf_cstr(&url), run->c->token,
		                             PARSE_X_API, name, &j, NULL, err);
		if (rc)
			goto out;
		data = json_object_get(j, "data");
		meta = json_object_get(j, "meta");
		connector_keep_max(c.pending, sizeof(c.pending),
		                   json_string_value(json_object_get(meta, "newest_id")));
		for (size_t i = 0; json_is_array(data) && i < json_array_size(data); i++) {
			json_t *tw = json_array_get(data, i);
			const char *id = json_string_value(json_object_get(tw, "id"));
			const char *conv =
			        json_string_value(json_object_get(tw, "conversation_id"));
			int64_t t = connector_post_time(
			        json_string_value(json_object_get(tw, "created_at")));
			char cname[256];

			if (!id || !connector_is_num(id))
				continue;
			connector_keep_max(c.pending, sizeof(c.pending), id);
			connector_reach_note(&reach, id, t);
			/* Only a tweet that starts a conversation is searched: the
			 * account's replies in others' threads would repeat them. */
			if (conv && strcmp(conv, id) != 0)
				continue;
			/* New tweets and those in the window are searched. */
			if (!connector_reach_wants(&reach, id, t))
				continue;
			buf_clear(&url);
			buf_printf(&url,
			           "%s/2/tweets/search/recent?query=conversation_id%%3A%s"
			           "&max_results=100&" X_TWEET_FIELDS,
			           run->c->base_url, id);
			snprintf(cname, sizeof(cname), "x %s conversation %s", run->handle, id);
			rc = connector_get_part(run, &parts, buf_cstr(&url), run->c->token,
			                        PARSE_X_API, cname, NULL, err);
			if (rc) {
				/* The page's statuses are named by the request
				 * for their replies that failed. */
				err_prefix(err, "%s: ", cname);
				goto out;
			}
		}
		tok = json_object_get(meta, "next_token");
		if (!connector_reach_done(&reach) && json_is_string(tok) &&
		    json_string_length(tok) > 0 && json_string_length(tok) < sizeof(c.next))
			snprintf(c.next, sizeof(c.next), "%s", json_string_value(tok));
		else
			c.next[0] = '\0';
		rc = connector_end_page(run, endpoint, &parts, &c, !c.next[0], err);
		if (rc)
			goto out;
		if (!c.next[0])
			break;
	}
out:
	json_decref(j);
	buf_done(&url);
	connector_parts_done(&parts);
	return connector_poll_result(run, endpoint, rc, err);
}
