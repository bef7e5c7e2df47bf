/* Polling Mastodon: an account's statuses, and the replies (context) of
 * those that are new or in the look-back window. */
#include "capture/connector_mastodon.h"

#include "capture/connector_run.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"

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
