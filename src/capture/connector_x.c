/* Polling X API v2: a user's tweets, and the conversations started by those
 * that are new or in the look-back window (recent search). */
#include "capture/connector_x.h"

#include "capture/connector_run.h"
#include "capture/publish_post.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define X_TWEET_FIELDS                                                                             \
	"tweet.fields=created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets," \
	"edit_history_tweet_ids,entities,public_metrics&expansions=author_id&user.fields="         \
	"username,description,profile_image_url"

/* ---- X API v2: the user's tweets and the conversations they start ---- */

static int x_url(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;

	buf_printf(&pg->url, "%s/2/users/%s/tweets?max_results=100&" X_TWEET_FIELDS,
	           run->c->base_url, run->pid);
	if (pg->c.since[0] && !connector_run_reach_window(&pg->reach))
		buf_printf(&pg->url, "&since_id=%s", pg->c.since);
	if (pg->c.next[0]) {
		char *e = curl_easy_escape(NULL, pg->c.next, 0);

		if (!e)
			return err_set(err, KV_ENOMEM, "out of memory");
		buf_printf(&pg->url, "&pagination_token=%s", e);
		curl_free(e);
	}
	return KV_OK;
}

static int x_page(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;
	json_t *data = json_object_get(pg->j, "data");
	json_t *meta = json_object_get(pg->j, "meta");
	json_t *tok;
	struct buf url;
	int rc = KV_OK;

	buf_init(&url, 1 << 20);
	connector_run_keep_max(pg->c.pending, sizeof(pg->c.pending),
	                       json_string_value(json_object_get(meta, "newest_id")));
	for (size_t i = 0; json_is_array(data) && i < json_array_size(data); i++) {
		json_t *tw = json_array_get(data, i);
		const char *id = json_string_value(json_object_get(tw, "id"));
		const char *conv = json_string_value(json_object_get(tw, "conversation_id"));
		int64_t t = connector_run_post_time(
		        json_string_value(json_object_get(tw, "created_at")));
		char cname[256];

		if (!id || !connector_run_is_num(id))
			continue;
		connector_run_keep_max(pg->c.pending, sizeof(pg->c.pending), id);
		connector_run_reach_note(&pg->reach, id, t);
		/* Only a tweet that starts a conversation is searched: the
		 * account's replies in others' threads would repeat them. */
		if (conv && strcmp(conv, id) != 0)
			continue;
		/* New tweets and those in the window are searched. */
		if (!connector_run_reach_wants(&pg->reach, id, t))
			continue;
		buf_clear(&url);
		buf_printf(&url,
		           "%s/2/tweets/search/recent?query=conversation_id%%3A%s"
		           "&max_results=100&" X_TWEET_FIELDS,
		           run->c->base_url, id);
		snprintf(cname, sizeof(cname), "x %s conversation %s", run->handle, id);
		rc = connector_run_get_part(run, &pg->parts, buf_cstr(&url), run->c->token,
		                            PARSE_X_API, cname, NULL, err);
		if (rc) {
			/* The page's tweets are named by the request for their
			 * replies that failed. */
			err_prefix(err, "%s: ", cname);
			goto out;
		}
	}
	tok = json_object_get(meta, "next_token");
	if (!connector_run_reach_done(&pg->reach) && json_is_string(tok) &&
	    json_string_length(tok) > 0 && json_string_length(tok) < sizeof(pg->c.next))
		snprintf(pg->c.next, sizeof(pg->c.next), "%s", json_string_value(tok));
	else
		pg->c.next[0] = '\0';
out:
	buf_done(&url);
	return rc;
}

/* Recent search returns the replies of the last 7 days, whenever the
 * conversation started: searching a conversation of the window finds its
 * new replies as long as polls come at least weekly. */
int connector_x_poll(struct run *run, struct err *err)
{
	static const struct paged_ops ops = {
	        .family = "x",
	        .endpoint = "tweets",
	        .fmt = PARSE_X_API,
	        .bearer = 1,
	        .url = x_url,
	        .page = x_page,
	};

	return connector_run_paged_poll(run, &ops, err);
}

/* ---- X API v2: publishing a post or a reply ---- */

int connector_x_publish(struct fetch *f, const struct connector_conf *c,
                        const struct publish_post *post, struct publish_outcome *out,
                        struct err *err)
{
	json_t *body, *reply = NULL;
	struct buf url;
	int rc;

	if (post->n_media)
		return err_set(err, KV_EINVAL,
		               "X: media are not published through the API by Kanalvakt; publish "
		               "the post with its images by hand");
	body = json_pack("{s:s}", "text", post->text);
	if (body && post->reply_to)
		json_object_set_new(body, "reply",
		                    json_pack("{s:s}", "in_reply_to_tweet_id", post->reply_to));
	buf_init(&url, 8192);
	rc = buf_printf(&url, "%s/2/tweets", c->base_url);
	if (rc) {
		json_decref(body);
		rc = err_set(err, KV_ENOMEM, "out of memory");
	} else {
		rc = publish_post_json(f, buf_cstr(&url), c->token, body, "data", "id", out, &reply,
		                       err);
	}
	if (!rc)
		snprintf(out->permalink, sizeof(out->permalink), "https://x.com/i/web/status/%s",
		         out->platform_id);
	json_decref(reply);
	buf_done(&url);
	return rc;
}
