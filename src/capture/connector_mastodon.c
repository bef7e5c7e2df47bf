/* Polling Mastodon: an account's statuses, and the replies (context) of
 * those that are new or in the look-back window. */
#include "capture/connector_int.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MASTODON_LIMIT 40

/* ---- Mastodon: the account's statuses and the replies to each ---- */

int connector_mastodon_poll(struct run *run, struct err *err)
{
	const char *endpoint = "statuses";
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
	connector_reach_init(&reach, run, c.since);
	run->r->complete = 0;
	for (int64_t page = 1; page <= run->c->max_pages; page++) {
		char name[256];
		size_t n;

		connector_reach_page(&reach);
		buf_clear(&url);
		buf_printf(&url, "%s/api/v1/accounts/%s/statuses?limit=%d", run->c->base_url,
		           run->pid, MASTODON_LIMIT);
		if (c.since[0] && !connector_reach_window(&reach))
			buf_printf(&url, "&since_id=%s", c.since);
		if (c.next[0])
			buf_printf(&url, "&max_id=%s", c.next);
		snprintf(name, sizeof(name), "mastodon %s statuses page %lld", run->handle,
		         (long long)page);
		rc = connector_get_json_page(run, &parts, buf_cstr(&url), run->c->token,
		                             PARSE_MASTODON, name, &j, NULL, err);
		if (rc)
			goto out;
		if (!json_is_array(j)) {
			rc = err_set(err, KV_EINVAL, "%s: expected an array of statuses, got %s",
			             name, json_is_object(j) ? "an object" : "another value");
			goto out;
		}
		n = json_array_size(j);
		for (size_t i = 0; i < n; i++) {
			json_t *st = json_array_get(j, i);
			const char *id = json_string_value(json_object_get(st, "id"));
			json_t *reblog = json_object_get(st, "reblog");
			int64_t t = connector_post_time(
			        json_string_value(json_object_get(st, "created_at")));
			char cname[256];

			if (!id || !connector_is_num(id))
				continue;
			connector_keep_max(c.pending, sizeof(c.pending), id);
			connector_reach_note(&reach, id, t);
			if (reblog && !json_is_null(reblog))
				continue; /* the boosted status's replies are someone else's */
			/* Replies are read for new statuses and, for the replies
			 * written since, for those created in the window. */
			if (!connector_reach_wants(&reach, id, t))
				continue;
			buf_clear(&url);
			buf_printf(&url, "%s/api/v1/statuses/%s/context", run->c->base_url, id);
			snprintf(cname, sizeof(cname), "mastodon %s status %s context", run->handle,
			         id);
			rc = connector_get_part(run, &parts, buf_cstr(&url), run->c->token,
			                        PARSE_MASTODON, cname, NULL, err);
			if (rc) {
				/* The page's statuses are named by the request
				 * for their replies that failed. */
				err_prefix(err, "%s: ", cname);
				goto out;
			}
		}
		/* Statuses come newest first: the next page is older than this
		 * one's oldest, until a page is empty or reaches back to the
		 * cursor and to the start of the window. */
		if (n > 0 && reach.oldest[0] && !connector_reach_done(&reach))
			snprintf(c.next, sizeof(c.next), "%s", reach.oldest);
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
