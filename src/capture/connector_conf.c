/* A connector's settings for one account, read from the configuration file
 * (section "account <platform>/<handle>", then "fetch", then the defaults),
 * and which platforms have a connector. Not the polling (capture/connector)
 * and not the HTTP client. */
#include "capture/connector_conf.h"

#include "base/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int connector_conf_supported(enum platform p)
{
	return p == PLATFORM_FACEBOOK || p == PLATFORM_INSTAGRAM || p == PLATFORM_YOUTUBE ||
	       p == PLATFORM_MASTODON || p == PLATFORM_X || p == PLATFORM_LINKEDIN;
}

static int conf_int(const struct config *cfg, const char *section, const char *key, int64_t def,
                    int64_t min, int64_t max, int64_t *out, struct err *err)
{
	int rc = config_get_int(cfg, section, key, def, out, err);

	if (rc)
		return rc;
	if (*out < min || *out > max)
		return err_set(err, KV_EINVAL, "[%s] %s: %lld is out of range (%lld..%lld)",
		               section, key, (long long)*out, (long long)min, (long long)max);
	return KV_OK;
}

int connector_conf_load(struct connector_conf *out, const struct config *cfg, enum platform p,
                        const char *handle, const char *account_url, struct err *err)
{
	struct connector_conf c = {0};
	char sec[300], sec2[300];
	const char *section = NULL, *base = NULL;
	struct config *empty = NULL;
	int64_t v;
	size_t n;
	int rc;

	if (!connector_conf_supported(p))
		return err_set(err, KV_EINVAL, "no connector for %s accounts yet",
		               register_platform_name(p));
	if (!cfg) {
		empty = config_new();
		if (!empty)
			return err_set(err, KV_ENOMEM, "out of memory");
		cfg = empty;
	}
	snprintf(sec, sizeof(sec), "account %s/%s", register_platform_name(p), handle);
	snprintf(sec2, sizeof(sec2), "account %s", handle);
	section = config_get(cfg, sec, "token", NULL) || config_get(cfg, sec, "base_url", NULL) ||
	                          config_get(cfg, sec, "max_pages", NULL) ||
	                          config_get(cfg, sec, "lookback_days", NULL) ||
	                          config_get(cfg, sec, "max_comment_pages", NULL) ||
	                          config_get(cfg, sec, "messages", NULL) ||
	                          config_get(cfg, sec, "api_version", NULL)
	                  ? sec
	                  : sec2;
	c.token = config_get(cfg, section, "token", NULL);
	if (c.token && !*c.token)
		c.token = NULL;
	if ((rc = conf_int(cfg, "fetch", "max_pages", CONNECTOR_DEFAULT_MAX_PAGES, 1, 1000000, &v,
	                   err)))
		goto out;
	if ((rc = conf_int(cfg, section, "max_pages", v, 1, 1000000, &c.max_pages, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "lookback_days", CONNECTOR_DEFAULT_LOOKBACK_DAYS, 0, 3650,
	                   &v, err)))
		goto out;
	if ((rc = conf_int(cfg, section, "lookback_days", v, 0, 3650, &c.lookback_days, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "max_comment_pages", CONNECTOR_DEFAULT_MAX_COMMENT_PAGES,
	                   0, 1000000, &v, err)))
		goto out;
	if ((rc = conf_int(cfg, section, "max_comment_pages", v, 0, 1000000, &c.max_comment_pages,
	                   err)))
		goto out;
	if ((rc = config_get_bool(cfg, "fetch", "messages", 0, &c.messages, err)))
		goto out;
	if ((rc = config_get_bool(cfg, section, "messages", c.messages, &c.messages, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "backoff_ms", 1000, 1, 3600000, &c.fetch.backoff_ms, err)))
		goto out;
	if ((rc = conf_int(cfg, "fetch", "max_attempts", 5, 1, 100, &v, err)))
		goto out;
	c.fetch.max_attempts = (int)v;
	if ((rc = conf_int(cfg, "fetch", "timeout_s", 60, 1, 3600, &v, err)))
		goto out;
	c.fetch.timeout_s = (long)v;
	if ((rc = conf_int(cfg, "fetch", "max_wait_s", 300, 1, 86400, &c.fetch.max_wait_s, err)))
		goto out;
	{
		const char *ver =
		        config_get(cfg, section, "api_version", CONNECTOR_LINKEDIN_VERSION);

		if (strlen(ver) != 6 || strspn(ver, "0123456789") != 6 || ver[4] > '1' ||
		    (ver[4] == '0' && ver[5] == '0') || (ver[4] == '1' && ver[5] > '2')) {
			rc = err_set(err, KV_EINVAL,
			             "[%s] api_version: '%s' is not a LinkedIn version (YYYYMM, "
			             "e.g. %s)",
			             section, ver, CONNECTOR_LINKEDIN_VERSION);
			goto out;
		}
		snprintf(c.api_version, sizeof(c.api_version), "%s", ver);
	}
	base = config_get(cfg, section, "base_url", NULL);
	if (!base) {
		switch (p) {
		case PLATFORM_FACEBOOK:
		case PLATFORM_INSTAGRAM:
			base = "https://graph.facebook.com/v19.0";
			break;
		case PLATFORM_YOUTUBE:
			base = "https://www.googleapis.com/youtube/v3";
			break;
		case PLATFORM_X:
			base = "https://api.twitter.com";
			break;
		case PLATFORM_LINKEDIN:
			base = "https://api.linkedin.com";
			break;
		default:
			/* Mastodon: the instance the account lives on. */
			if (!account_url || fetch_url_origin(c.base_url, sizeof(c.base_url),
			                                     account_url) != KV_OK) {
				rc = err_set(
				        err, KV_EINVAL,
				        "[%s] base_url: not set, and the account has no URL to "
				        "take the Mastodon instance from",
				        section);
				goto out;
			}
			/* The port is spelt out by fetch_url_origin; the default one
			 * is dropped again so messages read naturally. */
			n = strlen(c.base_url);
			if (n > 4 && strncmp(c.base_url, "https:", 6) == 0 &&
			    strcmp(c.base_url + n - 4, ":443") == 0)
				c.base_url[n - 4] = '\0';
			base = c.base_url;
			break;
		}
	}
	if (base != c.base_url &&
	    (size_t)snprintf(c.base_url, sizeof(c.base_url), "%s", base) >= sizeof(c.base_url)) {
		rc = err_set(err, KV_EINVAL, "[%s] base_url: longer than %zu bytes", section,
		             sizeof(c.base_url) - 1);
		goto out;
	}
	n = strlen(c.base_url);
	while (n > 0 && c.base_url[n - 1] == '/')
		c.base_url[--n] = '\0';
	{
		char origin[600];

		if (fetch_url_origin(origin, sizeof(origin), c.base_url) != KV_OK ||
		    strchr(c.base_url, '?') || strchr(c.base_url, '#')) {
			rc = err_set(err, KV_EINVAL,
			             "[%s] base_url: '%s' is not an http(s) URL without query",
			             section, c.base_url);
			goto out;
		}
		if (!fetch_url_secure(c.base_url)) {
			rc = err_set(err, KV_EINVAL,
			             "[%s] base_url: '%s' must be https (http only to a loopback "
			             "address), since the token is sent there",
			             section, c.base_url);
			goto out;
		}
	}
	*out = c;
	rc = KV_OK;
out:
	config_free(empty);
	return rc;
}

int connector_conf_load_token(struct connector_conf *out, const struct config *cfg, enum platform p,
                              const char *handle, const char *account_url, const char *key,
                              struct err *err)
{
	struct connector_conf c;
	char sec[300], sec2[300];
	const char *tok = NULL;
	int rc = connector_conf_load(&c, cfg, p, handle, account_url, err);

	if (rc)
		return rc;
	snprintf(sec, sizeof(sec), "account %s/%s", register_platform_name(p), handle);
	snprintf(sec2, sizeof(sec2), "account %s", handle);
	tok = config_get(cfg, sec, key, NULL);
	if (!tok)
		tok = config_get(cfg, sec2, key, NULL);
	if (tok && *tok)
		c.token = tok;
	*out = c;
	return KV_OK;
}
