/* Publishing: settings, the dispatch to each platform's publish function,
 * and capturing the result. */
#include "capture/publish.h"

#include "base/config.h"
#include "base/time.h"
#include "capture/connector_graph.h"
#include "capture/connector_mastodon.h"
#include "capture/connector_x.h"
#include "capture/connector_youtube.h"
#include "capture/import.h"
#include "store/item_refs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int publish_conf_load(struct publish_conf *out, const struct config *cfg, enum platform p,
                      const char *handle, const char *account_url, struct err *err)
{
	struct publish_conf c;
	int rc = connector_conf_load_token(&c.conn, cfg, p, handle, account_url, "publish_token",
	                                   err);

	if (rc)
		return rc;
	/* A POST that failed may still have made the post: never twice. */
	c.conn.fetch.max_attempts = 1;
	*out = c;
	return KV_OK;
}

const char *publish_unsupported_reason(enum platform p, int reply, int media)
{
	switch (p) {
	case PLATFORM_FACEBOOK:
		return NULL;
	case PLATFORM_INSTAGRAM:
		return reply ? NULL
		             : "Instagram posts are published from a public image address "
		               "through a media container, which Kanalvakt does not do";
	case PLATFORM_MASTODON:
		return NULL;
	case PLATFORM_X:
		return media ? "Kanalvakt publishes only text on X; images are added by hand"
		             : NULL;
	case PLATFORM_YOUTUBE:
		return reply ? NULL : "YouTube community posts have no public API";
	default:
		return "the platform has no connector in Kanalvakt";
	}
}

int publish_supported(enum platform p, int reply, int media)
{
	return publish_unsupported_reason(p, reply, media) == NULL;
}

int publish_run(const struct publish_conf *conf, enum platform p, const struct publish_post *post,
                struct publish_outcome *out, struct err *err)
{
	const char *why = publish_unsupported_reason(p, post->reply_to != NULL, post->n_media > 0);
	struct fetch *f = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (why)
		return err_set(err, KV_EINVAL, "%s: %s", register_platform_label(p), why);
	if (!post->text || (!*post->text && !post->n_media))
		return err_set(err, KV_EINVAL, "nothing to publish: the text is empty");
	if (!conf->conn.token)
		return err_set(err, KV_EINVAL,
		               "no token configured for the account (token or publish_token in "
		               "its [account ...] section)");
	rc = fetch_new(&f, &conf->conn.fetch, err);
	if (rc)
		return rc;
	switch (p) {
	case PLATFORM_FACEBOOK:
	case PLATFORM_INSTAGRAM:
		rc = connector_graph_publish(f, &conf->conn, p == PLATFORM_INSTAGRAM, post, out,
		                             err);
		break;
	case PLATFORM_MASTODON:
		rc = connector_mastodon_publish(f, &conf->conn, post, out, err);
		break;
	case PLATFORM_X:
		rc = connector_x_publish(f, &conf->conn, post, out, err);
		break;
	case PLATFORM_YOUTUBE:
		rc = connector_youtube_publish(f, &conf->conn, post, out, err);
		break;
	default:
		rc = err_set(err, KV_EINTERNAL, "no publish function for %s",
		             register_platform_label(p));
		break;
	}
	fetch_free(f);
	return rc;
}

int publish_capture_item(struct store *s, const struct publish_capture *c, int64_t *out_item,
                         struct err *err)
{
	struct import_opts o = {.org = c->org,
	                        .account_id = c->account_id,
	                        .format = PARSE_JSONL,
	                        .actor = c->actor};
	struct import_report rep;
	char at[TIME_ISO_LEN], *line = NULL;
	json_t *j;
	int rc;

	time_format_utc(at, c->at);
	j = json_pack("{s:s,s:s,s:s,s:s,s:{s:b}}", "id", c->platform_id, "platform",
	              register_platform_name(c->platform), "created_at", at, "text", c->text,
	              "author", "is_account", 1);
	if (j && c->reply_to) {
		json_object_set_new(j, "parent_id", json_string(c->reply_to));
		/* A comment on the thread's top post, or a reply to a comment. */
		json_object_set_new(j, "kind",
		                    json_string(!c->root || strcmp(c->root, c->reply_to) == 0
		                                        ? "comment"
		                                        : "reply"));
		json_object_set_new(j, "root_id", json_string(c->root ? c->root : c->reply_to));
	}
	if (j && c->permalink && *c->permalink)
		json_object_set_new(j, "permalink", json_string(c->permalink));
	line = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!line)
		return err_set(err, KV_ENOMEM, "out of memory");
	memset(&rep, 0, sizeof(rep));
	rc = capture_import_buffer(s, &o, line, strlen(line), "published", &rep, err);
	free(line);
	if (!rc)
		rc = item_refs_find(s, c->org, c->platform_id, out_item, err);
	return rc;
}
