/* Polling Mastodon: an account's statuses, and the replies (context) of
 * those that are new or in the look-back window. */
#include "capture/connector_mastodon.h"

#include "capture/connector_run.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"
#include "capture/publish_post.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MASTODON_LIMIT 40

/* ---- Mastodon: the account's statuses and the replies to each ---- */

static int mastodon_url(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;

	(void)err;
	buf_printf(&pg->url, "%s/api/v1/accounts/%s/statuses?limit=%d", run->c->base_url, run->pid,
	           MASTODON_LIMIT);
	if (pg->c.since[0] && !connector_run_reach_window(&pg->reach))
		buf_printf(&pg->url, "&since_id=%s", pg->c.since);
	if (pg->c.next[0])
		buf_printf(&pg->url, "&max_id=%s", pg->c.next);
	return KV_OK;
}

static int mastodon_page(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;
	struct buf url;
	size_t n;
	int rc = KV_OK;

	if (!json_is_array(pg->j))
		return err_set(err, KV_EINVAL, "%s: expected an array of statuses, got %s",
		               pg->name, json_is_object(pg->j) ? "an object" : "another value");
	buf_init(&url, 1 << 20);
	n = json_array_size(pg->j);
	for (size_t i = 0; i < n; i++) {
		json_t *st = json_array_get(pg->j, i);
		const char *id = json_string_value(json_object_get(st, "id"));
		json_t *reblog = json_object_get(st, "reblog");
		int64_t t = connector_run_post_time(
		        json_string_value(json_object_get(st, "created_at")));
		char cname[256];

		if (!id || !connector_run_is_num(id))
			continue;
		connector_run_keep_max(pg->c.pending, sizeof(pg->c.pending), id);
		connector_run_reach_note(&pg->reach, id, t);
		if (reblog && !json_is_null(reblog))
			continue; /* the boosted status's replies are someone else's */
		/* Replies are read for new statuses and, for the replies
		 * written since, for those created in the window. */
		if (!connector_run_reach_wants(&pg->reach, id, t))
			continue;
		buf_clear(&url);
		buf_printf(&url, "%s/api/v1/statuses/%s/context", run->c->base_url, id);
		snprintf(cname, sizeof(cname), "mastodon %s status %s context", run->handle, id);
		rc = connector_run_get_part(run, &pg->parts, buf_cstr(&url), run->c->token,
		                            PARSE_MASTODON, cname, NULL, err);
		if (rc) {
			/* The page's statuses are named by the request for
			 * their replies that failed. */
			err_prefix(err, "%s: ", cname);
			goto out;
		}
	}
	/* Statuses come newest first: the next page is older than this one's
	 * oldest, until a page is empty or reaches back to the cursor and to
	 * the start of the window. */
	if (n > 0 && pg->reach.oldest[0] && !connector_run_reach_done(&pg->reach))
		snprintf(pg->c.next, sizeof(pg->c.next), "%s", pg->reach.oldest);
	else
		pg->c.next[0] = '\0';
out:
	buf_done(&url);
	return rc;
}

int connector_mastodon_poll(struct run *run, struct err *err)
{
	static const struct paged_ops ops = {
	        .family = "mastodon",
	        .endpoint = "statuses",
	        .fmt = PARSE_MASTODON,
	        .bearer = 1,
	        .url = mastodon_url,
	        .page = mastodon_page,
	};

	return connector_run_paged_poll(run, &ops, err);
}

/* ---- Mastodon: publishing a status, with its media, or a reply ---- */

int connector_mastodon_publish(struct fetch *f, const struct connector_conf *c,
                               const struct publish_post *post, struct publish_outcome *out,
                               struct err *err)
{
	json_t *body = json_pack("{s:s}", "status", post->text), *ids = json_array(), *reply = NULL;
	struct buf url;
	int rc = KV_OK;

	buf_init(&url, 8192);
	if (!body || !ids) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < post->n_media && !rc; i++) {
		const struct publish_media *m = &post->media[i];
		struct fetch_part parts[2] = {
		        {"file", m->data, m->len, m->name, m->type},
		        {"description", m->alt ? m->alt : "", m->alt ? strlen(m->alt) : 0, NULL,
		         NULL},
		};
		char id[128];

		buf_clear(&url);
		rc = buf_printf(&url, "%s/api/v2/media", c->base_url);
		if (!rc)
			rc = publish_post_send(f, "POST", buf_cstr(&url), c->token, NULL, NULL,
			                       parts, m->alt ? 2 : 1, out, &reply, err);
		if (!rc && !publish_post_string(id, sizeof(id), reply, "id", NULL))
			rc = err_set(err, KV_EIO, "%s: the media upload answered without an id",
			             out->request);
		if (!rc)
			rc = json_array_append_new(ids, json_string(id)) ? KV_ENOMEM : KV_OK;
		json_decref(reply);
		reply = NULL;
	}
	if (rc)
		goto out;
	if (json_array_size(ids))
		json_object_set(body, "media_ids", ids);
	if (post->reply_to)
		json_object_set_new(body, "in_reply_to_id", json_string(post->reply_to));
	buf_clear(&url);
	if (buf_printf(&url, "%s/api/v1/statuses", c->base_url)) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = publish_post_json(f, buf_cstr(&url), c->token, body, "id", NULL, out, &reply, err);
	body = NULL;
	if (!rc)
		publish_post_string(out->permalink, sizeof(out->permalink), reply, "url", NULL);
out:
	json_decref(reply);
	json_decref(body);
	json_decref(ids);
	buf_done(&url);
	return rc;
}
