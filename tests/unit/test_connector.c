/* Connector settings from the configuration: defaults per platform, the
 * account section by platform/handle or handle, limits checked, and no
 * token sent anywhere but https (or loopback http). */
#include "testlib.h"

#include "base/config.h"
#include "capture/connector.h"

static void conf_defaults(void)
{
	struct connector_conf c;
	struct err e = {0};

	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_FACEBOOK, "exempelby", NULL, &e), KV_OK);
	CHECK(c.token == NULL);
	CHECK_STR(c.base_url, "https://graph.facebook.com/v19.0");
	CHECK_INT(c.max_pages, CONNECTOR_DEFAULT_MAX_PAGES);
	CHECK_INT(c.fetch.max_attempts, 5);
	CHECK_INT(c.fetch.backoff_ms, 1000);
	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_YOUTUBE, "tv", NULL, &e), KV_OK);
	CHECK_STR(c.base_url, "https://www.googleapis.com/youtube/v3");
	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_X, "x", NULL, &e), KV_OK);
	CHECK_STR(c.base_url, "https://api.twitter.com");
	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_LINKEDIN, "li", NULL, &e), KV_OK);
	CHECK_STR(c.base_url, "https://api.linkedin.com");
	CHECK_STR(c.api_version, CONNECTOR_LINKEDIN_VERSION);
	/* Mastodon: the instance the account lives on. */
	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_MASTODON, "kommunen",
	                              "https://social.exempelby.se/@kommunen", &e),
	          KV_OK);
	CHECK_STR(c.base_url, "https://social.exempelby.se");
	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_MASTODON, "kommunen", NULL, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "Mastodon instance");
	CHECK_INT(connector_conf_load(&c, NULL, PLATFORM_TIKTOK, "tt", NULL, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "no connector for tiktok");
}

static void conf_sections(void)
{
	struct config *cfg = config_new();
	struct connector_conf c;
	struct err e = {0};

	CHECK(cfg != NULL);
	config_set(cfg, "fetch", "backoff_ms", "5");
	config_set(cfg, "fetch", "max_attempts", "2");
	config_set(cfg, "fetch", "max_pages", "7");
	config_set(cfg, "account exempelby", "token", "T-handle");
	config_set(cfg, "account youtube/exempelby", "token", "T-yt");
	config_set(cfg, "account youtube/exempelby", "base_url", "http://127.0.0.1:9/youtube/v3//");
	config_set(cfg, "account youtube/exempelby", "max_pages", "1");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_FACEBOOK, "exempelby", NULL, &e), KV_OK);
	CHECK_STR(c.token, "T-handle");
	CHECK_INT(c.max_pages, 7);
	CHECK_INT(c.fetch.backoff_ms, 5);
	CHECK_INT(c.fetch.max_attempts, 2);
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_YOUTUBE, "exempelby", NULL, &e), KV_OK);
	CHECK_STR(c.token, "T-yt");
	CHECK_STR(c.base_url, "http://127.0.0.1:9/youtube/v3");
	CHECK_INT(c.max_pages, 1);
	config_free(cfg);
}

static void conf_bad_values(void)
{
	struct config *cfg = config_new();
	struct connector_conf c;
	struct err e = {0};

	config_set(cfg, "account a", "base_url", "http://graph.example.net/v19.0");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_FACEBOOK, "a", NULL, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[account a] base_url");
	CHECK_CONTAINS(e.msg, "https");
	config_set(cfg, "account b", "base_url", "https://graph.example.net/v19.0?x=1");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_FACEBOOK, "b", NULL, &e), KV_EINVAL);
	config_set(cfg, "account c", "max_pages", "0");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_FACEBOOK, "c", NULL, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "max_pages");
	config_set(cfg, "account li", "api_version", "202513");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_LINKEDIN, "li", NULL, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[account li] api_version: '202513' is not a LinkedIn version");
	config_set(cfg, "account li", "api_version", "202604");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_LINKEDIN, "li", NULL, &e), KV_OK);
	CHECK_STR(c.api_version, "202604");
	config_set(cfg, "fetch", "max_attempts", "many");
	CHECK_INT(connector_conf_load(&c, cfg, PLATFORM_FACEBOOK, "d", NULL, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "max_attempts");
	config_free(cfg);
}

TEST_MAIN(T(conf_defaults), T(conf_sections), T(conf_bad_values))
