/* Polling one account: the checks before a poll (token, the platform's id
 * of the account, base_url), the HTTP client for it, and the platform's
 * poll (connector_graph, connector_youtube, connector_mastodon, connector_x,
 * connector_linkedin),
 * which share what every poll needs through capture/connector_run. */
#include "capture/connector.h"

#include "capture/connector_graph.h"
#include "capture/connector_linkedin.h"
#include "capture/connector_mastodon.h"
#include "capture/connector_run.h"
#include "capture/connector_x.h"
#include "capture/connector_youtube.h"
#include "store/register_rows.h"

#include <curl/curl.h>
#include <string.h>

int connector_poll(struct store *s, int64_t org, const char *actor, int64_t account_id,
                   const struct connector_conf *conf, struct capture_screener *screener,
                   struct connector_report *out, struct err *err)
{
	struct account_rec *acc = NULL;
	struct run run = {0};
	struct connector_report r = {0};
	int rc;

	run.r = &r;
	rc = register_row_account_load(s, account_id, &acc, err);
	if (rc)
		goto out;
	run.s = s;
	run.c = conf;
	run.account_id = account_id;
	run.pid = acc->platform_account_id;
	run.handle = acc->v.handle;
	run.platform = register_platform_name(acc->v.platform);
	run.io.org = org;
	run.io.account_id = account_id;
	run.io.actor = actor;
	run.io.screener = screener;
	if (!connector_conf_supported(acc->v.platform)) {
		rc = err_set(err, KV_EINVAL, "%s/%s: no connector for %s accounts yet",
		             run.platform, run.handle, run.platform);
		goto out;
	}
	if (!conf->token) {
		rc = err_set(err, KV_EINVAL,
		             "%s/%s: no token configured (key 'token' in section [account %s])",
		             run.platform, run.handle, run.handle);
		goto out;
	}
	if (!run.pid || !*run.pid) {
		rc = err_set(err, KV_EINVAL,
		             "%s/%s: the platform's id of the account is not in the register "
		             "(set it with --platform-id)",
		             run.platform, run.handle);
		goto out;
	}
	if (strspn(run.pid, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.") !=
	    strlen(run.pid)) {
		rc = err_set(err, KV_EINVAL,
		             "%s/%s: platform id '%s' has characters an id cannot have",
		             run.platform, run.handle, run.pid);
		goto out;
	}
	if (fetch_url_origin(run.origin, sizeof(run.origin), conf->base_url) != KV_OK) {
		rc = err_set(err, KV_EINVAL, "%s/%s: base_url is not an http(s) URL", run.platform,
		             run.handle);
		goto out;
	}
	run.tok_esc = curl_easy_escape(NULL, conf->token, 0);
	if (!run.tok_esc) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = fetch_new(&run.f, &conf->fetch, err);
	if (rc)
		goto out;
	switch (acc->v.platform) {
	case PLATFORM_FACEBOOK:
		rc = connector_graph_poll(&run, 0, err);
		/* The inbox is read even when the feed failed (its cursor keeps
		 * its own place), but not with a token the platform refused. */
		if (conf->messages && rc != KV_EDENIED && rc != KV_ENOMEM) {
			struct err conv_err;
			int feed_complete = r.complete, crc;

			crc = connector_graph_conv_poll(&run, rc ? &conv_err : err);
			r.complete = feed_complete && r.complete;
			if (!rc)
				rc = crc;
		}
		break;
	case PLATFORM_INSTAGRAM:
		rc = connector_graph_poll(&run, 1, err);
		break;
	case PLATFORM_YOUTUBE:
		rc = connector_youtube_poll(&run, err);
		break;
	case PLATFORM_MASTODON:
		rc = connector_mastodon_poll(&run, err);
		break;
	case PLATFORM_LINKEDIN:
		rc = connector_linkedin_poll(&run, err);
		break;
	default:
		rc = connector_x_poll(&run, err);
		break;
	}
	if (rc)
		err_prefix(err, "%s/%s: ", run.platform, run.handle);
out:
	if (run.tok_esc)
		curl_free(run.tok_esc);
	fetch_free(run.f);
	register_row_account_free(acc);
	*out = r;
	return rc;
}
