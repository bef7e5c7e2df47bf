/* Polling YouTube: a channel's comment threads, with every reply of the
 * threads that are new or in the look-back window. */
#include "capture/connector_youtube.h"

#include "capture/connector_run.h"
#include "capture/publish_post.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- YouTube Data API v3: commentThreads ---- */

/* The document a comments.list page of a thread's replies is imported as:
 * the replies inside a copy of the thread, {"kind":
 * "youtube#commentThreadListResponse","items":[thread{replies:{comments:
 * items}}]}, the shape of the page the thread was found on. A comment
 * resource does not name its video, so only so do the replies get the
 * thread's video as root, as the inline ones do; the top-level comment
 * repeated is stored unchanged. A heap string, NULL when out of memory. */
static char *youtube_wrap(json_t *thread, json_t *items)
{
	json_t *copy = json_copy(thread), *doc = NULL;
	char *out = NULL;

	if (!copy || json_object_set_new(copy, "replies", json_pack("{s:O}", "comments", items)))
		goto out;
	doc = json_pack("{s:s,s:[O]}", "kind", "youtube#commentThreadListResponse", "items", copy);
	if (doc)
		out = json_dumps(doc, JSON_COMPACT);
out:
	json_decref(copy);
	json_decref(doc);
	return out;
}

/* Reads all replies of the threads on a commentThreads page (the last part
 * in parts, parsed as page) that hold fewer replies than their
 * snippet.totalReplyCount says, with comments.list?parentId=, each page a
 * part of its own to import with the thread page. Only threads that are new
 * or in the look-back window are read (the others were read when they
 * were). Breadth first, so every thread gets its first page before any gets
 * its second, until the poll's max_comment_pages is spent; the threads left
 * then are counted as cut short. */
static int youtube_replies(struct run *run, struct parts *parts, json_t *page,
                           const struct reach *reach, const char *page_name, struct err *err)
{
	struct nests q = {0};
	struct buf url;
	json_t *items = json_object_get(page, "items"), *th, *j = NULL;
	size_t i, origin = parts->n - 1;
	char *esc = NULL;
	int rc = KV_OK;

	buf_init(&url, 1 << 20);
	json_array_foreach(items, i, th)
	{
		json_t *sn = json_object_get(th, "snippet");
		json_t *total = json_object_get(sn, "totalReplyCount");
		const char *pub = json_string_value(json_object_get(
		        json_object_get(json_object_get(sn, "topLevelComment"), "snippet"),
		        "publishedAt"));
		size_t shown = json_array_size(
		        json_object_get(json_object_get(th, "replies"), "comments"));
		char t[64];

		if (!json_is_string(json_object_get(th, "id")) || !json_is_integer(total) ||
		    json_integer_value(total) <= (json_int_t)shown)
			continue;
		connector_run_iso_to_num(t, sizeof(t), pub);
		if (t[0] && !connector_run_reach_wants(reach, t, connector_run_post_time(pub)))
			continue;
		if ((rc = connector_run_nests_push(&q, "", th, origin, 1, err)))
			goto out;
	}
	for (; q.head < q.n; q.head++) {
		/* What is needed of the entry is copied: the push below may
		 * move it (the strings and the thread stay where they are). */
		json_t *thread = q.v[q.head].chain;
		const char *token = q.v[q.head].url;
		int npage = q.v[q.head].page;
		const char *tid = json_string_value(json_object_get(thread, "id"));
		json_t *list, *tok;
		struct part *pt;
		char name[256];

		if (!connector_run_nest_budget(run, &q)) {
			parts->v[origin].cut += (int64_t)(q.n - q.head);
			break;
		}
		snprintf(name, sizeof(name), "%.160s, replies of %.64s page %d", page_name, tid,
		         npage);
		buf_clear(&url);
		esc = curl_easy_escape(NULL, tid, 0);
		if (!esc) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		buf_printf(&url, "%s/comments?part=snippet&parentId=%s&maxResults=100",
		           run->c->base_url, esc);
		curl_free(esc);
		esc = NULL;
		if (*token) {
			esc = curl_easy_escape(NULL, token, 0);
			if (!esc) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			buf_printf(&url, "&pageToken=%s", esc);
			curl_free(esc);
			esc = NULL;
		}
		if (buf_printf(&url, "&key=%s", run->tok_esc) != KV_OK) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		rc = connector_run_nest_fetch(run, parts, buf_cstr(&url), PARSE_YOUTUBE, name, &j,
		                              &pt, err);
		if (rc)
			break;
		list = json_object_get(j, "items");
		if (!json_is_array(list)) {
			rc = err_set(err, KV_EINVAL, "%s: expected a list of comments ('items')",
			             name);
			break;
		}
		rc = connector_run_part_set(pt, youtube_wrap(thread, list), err);
		if (rc)
			break;
		pt->echoed = 1;
		tok = json_object_get(j, "nextPageToken");
		if (json_is_string(tok) && json_string_length(tok) > 0 &&
		    (rc = connector_run_nests_push(&q, json_string_value(tok), thread, origin,
		                                   npage + 1, err)))
			break;
	}
out:
	json_decref(j);
	buf_done(&url);
	connector_run_nests_done(&q);
	return rc;
}

static int youtube_url(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;

	buf_printf(&pg->url,
	           "%s/commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=%s"
	           "&maxResults=100&order=time",
	           run->c->base_url, run->pid);
	if (pg->c.next[0]) {
		char *esc_tok = curl_easy_escape(NULL, pg->c.next, 0);

		if (!esc_tok)
			return err_set(err, KV_ENOMEM, "out of memory");
		buf_printf(&pg->url, "&pageToken=%s", esc_tok);
		curl_free(esc_tok);
	}
	if (buf_printf(&pg->url, "&key=%s", run->tok_esc) != KV_OK)
		return err_set(err, KV_ENOMEM, "out of memory");
	return KV_OK;
}

static int youtube_page(struct paged *pg, struct err *err)
{
	json_t *items = json_object_get(pg->j, "items"), *tok;

	for (size_t i = 0; json_is_array(items) && i < json_array_size(items); i++) {
		json_t *sn = json_object_get(
		        json_object_get(json_object_get(json_object_get(json_array_get(items, i),
		                                                        "snippet"),
		                                        "topLevelComment"),
		                        "snippet"),
		        "publishedAt");
		char t[64];

		connector_run_iso_to_num(t, sizeof(t), json_string_value(sn));
		if (!t[0])
			continue;
		connector_run_keep_max(pg->c.pending, sizeof(pg->c.pending), t);
		connector_run_reach_note(&pg->reach, t,
		                         connector_run_post_time(json_string_value(sn)));
	}
	/* Threads come newest first: a page reaching back to the last poll's
	 * newest thread and to the start of the look-back window (threads
	 * started since, read again with their new replies) is the last one
	 * needed. */
	tok = json_object_get(pg->j, "nextPageToken");
	if (!connector_run_reach_done(&pg->reach) && json_is_string(tok) &&
	    json_string_length(tok) > 0 && json_string_length(tok) < sizeof(pg->c.next))
		snprintf(pg->c.next, sizeof(pg->c.next), "%s", json_string_value(tok));
	else
		pg->c.next[0] = '\0';
	return youtube_replies(pg->run, &pg->parts, pg->j, &pg->reach, pg->name, err);
}

int connector_youtube_poll(struct run *run, struct err *err)
{
	static const struct paged_ops ops = {
	        .family = "youtube",
	        .endpoint = "commentThreads",
	        .fmt = PARSE_YOUTUBE,
	        .bearer = 0,
	        .url = youtube_url,
	        .page = youtube_page,
	};

	return connector_run_paged_poll(run, &ops, err);
}

/* ---- YouTube Data API: replying to a comment (comments.insert) ---- */

int connector_youtube_publish(struct fetch *f, const struct connector_conf *c,
                              const struct publish_post *post, struct publish_outcome *out,
                              struct err *err)
{
	json_t *reply = NULL;
	struct buf url;
	int rc;

	/* Community posts have no public API. */
	if (!post->reply_to)
		return err_set(err, KV_EINVAL,
		               "YouTube: community posts have no public API; publish the post by "
		               "hand in YouTube Studio");
	buf_init(&url, 8192);
	rc = buf_printf(&url, "%s/comments?part=snippet", c->base_url);
	if (rc)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	else
		rc = publish_post_json(f, buf_cstr(&url), c->token,
		                       json_pack("{s:{s:s,s:s}}", "snippet", "parentId",
		                                 post->reply_to, "textOriginal", post->text),
		                       "id", NULL, out, &reply, err);
	json_decref(reply);
	buf_done(&url);
	return rc;
}
