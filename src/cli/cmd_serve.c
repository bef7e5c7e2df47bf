/* `kanalvakt serve` (the HTTP daemon: health check and Meta webhooks) and the
 * commands for stored webhook deliveries: list them, import the failed or
 * pending ones again. Reads the configuration, blocks the stop signals before
 * any thread starts, logs one line per request to stderr. */
#include "cli/cli.h"

#include "screen/screen.h"

#include "base/calendar.h"
#include "base/config.h"
#include "http/api.h"
#include "http/notifier.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/webhook.h"
#include "records/records_snapshot.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "store/webhooks.h"
#include "workflow/alerts.h"
#include "workflow/notify.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define LISTEN_DEFAULT "127.0.0.1:8080"

/* Where the built web UI is looked for when neither --web nor [server]
 * web_root names it: the source tree's web/dist (CMake sets it). */
#ifndef KV_WEB_ROOT
#define KV_WEB_ROOT "web/dist"
#endif

static const char *config_name(struct cli_ctx *ctx, char *tmp, size_t cap)
{
	if (ctx->config)
		return ctx->config;
	snprintf(tmp, cap, "%s/kanalvakt.conf", ctx->data_dir);
	return tmp;
}

/* stderr is locked per call, so lines from several threads do not mix. */
static void log_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

/* Reads a whole PEM file named in the configuration. */
static char *read_pem(struct cli_ctx *ctx, const char *key, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f) {
		err_set(&ctx->err, KV_EINVAL, "[server] %s: cannot open '%s'", key, path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (1 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0) {
		s = malloc((size_t)n + 1);
		if (s && fread(s, 1, (size_t)n, f) == (size_t)n)
			s[n] = '\0';
		else {
			free(s);
			s = NULL;
		}
	}
	fclose(f);
	if (!s)
		err_set(&ctx->err, KV_EINVAL, "[server] %s: cannot read '%s'", key, path);
	return s;
}

static int cmd_serve(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
	                                     {"web", required_argument, NULL, 'w'},
	                                     {0}};
	struct webhook_ctx wc = {0};
	struct static_files *web = NULL;
	const char *web_root = NULL;
	struct webhook_worker *worker = NULL;
	struct notifier *notifier = NULL;
	struct notify_settings ns;
	struct timestamp_conf tsa;
	int64_t notify_every = 60;
	struct snapshot_settings snap;
	int snapshots = 0, notify = 0, publish = 0, fetch_media = 0;
	struct media_conf mconf;
	char api_rules[4200];
	struct server *srv = NULL;
	struct api_ctx api;
	int api_ready = 0;
	char *tls_cert = NULL, *tls_key = NULL;
	struct config *cfg;
	struct store *s;
	const char *listen = NULL, *org_name;
	char cfgpath[4096];
	sigset_t stop;
	int c, code, sig = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l')
			listen = optarg;
		else if (c == 'w')
			web_root = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	cfg = cli_config(ctx);
	if (!cfg)
		return cli_fail(ctx, ctx->err.code);
	if (!listen)
		listen = config_get(cfg, "server", "listen", LISTEN_DEFAULT);
	if (!config_get(cfg, "meta", "app_secret", NULL) ||
	    !*config_get(cfg, "meta", "app_secret", NULL)) {
		err_set(&ctx->err, KV_EINVAL,
		        "%s: [meta] app_secret is not set, so webhook deliveries cannot be "
		        "verified",
		        config_name(ctx, cfgpath, sizeof(cfgpath)));
		return cli_fail(ctx, KV_EINVAL);
	}
	s = cli_store(ctx);
	if (!s)
		return cli_fail(ctx, ctx->err.code);
	org_name = ctx->org_name ? ctx->org_name : config_get(cfg, "server", "org", NULL);
	code = register_row_org_find(s, org_name, &wc.org, &ctx->err);
	/* Tokens and secrets named as vault:ID are read from the vault once,
	 * now: serve cannot prompt, so the passphrase comes from the
	 * environment or [vault] key_file. */
	if (!code)
		code = cli_config_secrets(ctx, wc.org, "serve");
	if (code)
		return cli_fail(ctx, code);
	wc.app_secret = config_get(cfg, "meta", "app_secret", NULL);
	wc.verify_token = config_get(cfg, "meta", "verify_token", NULL);

	if (!web_root)
		web_root = config_get(cfg, "server", "web_root", NULL);
	{
		/* Named on purpose (--web, web_root): it must be there. The
		 * default may be missing (no UI built): serve the API alone. */
		struct err werr;

		err_clear(&werr);
		code = static_files_open(&web, web_root ? web_root : KV_WEB_ROOT, &werr);
		if (code && web_root) {
			ctx->err = werr;
			return cli_fail(ctx, code);
		}
		if (code)
			fprintf(stderr, "kanalvakt: no web UI: %s\n", werr.msg);
		code = 0;
	}
	/* Every thread started from here inherits the blocked set, so the
	 * stop signals reach only the sigwait below. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	{
		char rules[4200];

		code = webhook_worker_start(&worker, ctx->data_dir, "webhook",
		                            screen_rules_dir(ctx->rules, rules, sizeof(rules)),
		                            log_line, NULL, &ctx->err);
	}
	/* The notify pass (alerts, reminders, the mail outbox) runs beside the
	 * server on its own store connection, when there is a mail server to
	 * tell people through or an interval was asked for. */
	if (!code)
		code = notify_settings_load(&ns, cfg, &ctx->err);
	if (!code && config_get(cfg, "server", "notify_interval", NULL))
		code = alerts_parse_duration(config_get(cfg, "server", "notify_interval", NULL),
		                             &notify_every, &ctx->err);
	/* With a TSA configured the same pass retries untimestamped artefacts
	 * and stamps the audit chain's head once a day; the periodic snapshots
	 * (records) are taken by it too unless [records] snapshots = no. */
	if (!code)
		code = timestamp_conf_load(cfg, &tsa, &ctx->err);
	if (!code)
		code = config_get_bool(cfg, "records", "snapshots", 1, &snapshots, &ctx->err);
	if (!code && snapshots)
		code = records_snapshot_settings(cfg, ctx->data_dir, &snap, &ctx->err);
	/* Drafts whose time has come are published by the same pass, unless
	 * [drafts] publish_scheduled = no. */
	if (!code)
		code = config_get_bool(cfg, "drafts", "publish_scheduled", 1, &publish, &ctx->err);
	/* With [server] fetch_media = yes the same pass fetches what was
	 * captured (webhooks among it) into the blob store. */
	if (!code)
		code = config_get_bool(cfg, "server", "fetch_media", 0, &fetch_media, &ctx->err);
	if (!code && fetch_media)
		code = capture_media_conf_load(&mconf, cfg, &ctx->err);
	notify = ns.mail.server || config_get(cfg, "server", "notify_interval", NULL);
	if (!code && (notify || tsa.url || snapshots || publish || fetch_media))
		code = notifier_start(&notifier, ctx->data_dir, wc.org, notify ? &ns : NULL, &tsa,
		                      snapshots ? &snap : NULL, publish ? cfg : NULL,
		                      fetch_media ? &mconf : NULL, "notify",
		                      (unsigned)(notify_every < 86400 ? notify_every : 86400),
		                      log_line, NULL, &ctx->err);
	if (!code) {
		code = api_ctx_init(&api, cfg, wc.org, &ctx->err);
		api_ready = !code;
		api.openapi = api_openapi_doc;
		api.openapi_len = api_openapi_doc_len;
		api.rules_dir = screen_rules_dir(ctx->rules, api_rules, sizeof(api_rules));
	}
	if (!code && config_get(cfg, "server", "tls_cert", NULL)) {
		tls_cert = read_pem(ctx, "tls_cert", config_get(cfg, "server", "tls_cert", NULL));
		if (!tls_cert)
			code = KV_EINVAL;
	}
	if (!code && config_get(cfg, "server", "tls_key", NULL)) {
		tls_key = read_pem(ctx, "tls_key", config_get(cfg, "server", "tls_key", NULL));
		if (!tls_key)
			code = KV_EINVAL;
	}
	if (!code) {
		struct server_route routes[16];
		struct server_opts so = {.listen = listen,
		                         .data_dir = ctx->data_dir,
		                         .routes = routes,
		                         .n_routes = api_server_routes(routes, 16, &api, &wc),
		                         .log = log_line,
		                         .tls_cert = tls_cert,
		                         .tls_key = tls_key,
		                         .fallback = static_files_handle,
		                         .fallback_ctx = web};

		wc.worker = worker;
		code = server_start(&srv, &so, &ctx->err);
	}
	free(tls_cert);
	if (tls_key)
		explicit_bzero(tls_key, strlen(tls_key));
	free(tls_key);
	if (code) {
		notifier_free(notifier);
		webhook_worker_free(worker);
		if (api_ready)
			api_ctx_done(&api);
		static_files_free(web);
		return cli_fail(ctx, code);
	}
	if (!wc.verify_token || !*wc.verify_token)
		fprintf(stderr, "kanalvakt: [meta] verify_token is not set: subscription checks "
		                "will be refused\n");
	fprintf(stderr, "kanalvakt: listening on %s (port %u)\n", listen, server_port(srv));
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:i}", "listen", listen, "port", server_port(srv)));
	fflush(stdout);
	fflush(stderr);
	while (sigwait(&stop, &sig) != 0)
		;
	fprintf(stderr, "kanalvakt: %s received, finishing the requests in progress\n",
	        sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_free(srv);
	notifier_free(notifier);
	webhook_worker_free(worker);
	api_ctx_done(&api);
	static_files_free(web);
	fprintf(stderr, "kanalvakt: stopped\n");
	return 0;
}

static int print_delivery(void *arg, const struct webhook_row *r)
{
	struct cli_ctx *ctx = arg;
	char received[CALENDAR_ISO_LEN], processed[CALENDAR_ISO_LEN] = "";

	calendar_format_local(received, r->received_at);
	if (r->processed_at)
		calendar_format_local(processed, r->processed_at);
	if (ctx->json) {
		cli_print_json(json_pack(
		        "{s:I,s:s,s:s,s:s,s:I,s:s,s:s?,s:s?}", "id", (json_int_t)r->id, "source",
		        r->source, "received_at", received, "status", r->status, "bytes",
		        (json_int_t)r->body_len, "sha256", r->sha256, "processed_at",
		        r->processed_at ? processed : NULL, "error", r->error));
		return 0;
	}
	printf("%-6lld %-25s %-5s %-8s %8zu  %.12s  %s\n", (long long)r->id, received, r->source,
	       r->status, r->body_len, r->sha256, r->error ? r->error : "");
	return 0;
}

static int parse_status(struct cli_ctx *ctx, const char *v, const char **out)
{
	static const char *const names[] = {"pending", "done", "failed"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			*out = names[i];
			return 0;
		}
	return cli_usage(ctx, ctx->cmd, "--status: '%s' is not one of pending, done, failed", v);
}

static int cmd_webhook_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"status", required_argument, NULL, 's'}, {0}};
	struct webhook_filter f = {0};
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		if (parse_status(ctx, optarg, &f.status))
			return 2;
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_org(ctx, &f.org_id);
	if (!code)
		code = webhooks_each(ctx->store, &f, print_delivery, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

struct pick {
	int64_t *ids;
	size_t n, cap;
	int seen; /* deliveries matched, done ones included */
	int nomem;
};

static int pick_unfinished(void *arg, const struct webhook_row *r)
{
	struct pick *p = arg;

	p->seen++;
	if (strcmp(r->status, "done") == 0)
		return 0;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		int64_t *grown = realloc(p->ids, ncap * sizeof(*grown));

		if (!grown) {
			p->nomem = 1;
			return 1;
		}
		p->ids = grown;
		p->cap = ncap;
	}
	p->ids[p->n++] = r->id;
	return 0;
}

static int cmd_webhook_retry(struct cli_ctx *ctx, int argc, char **argv)
{
	struct webhook_filter f = {0};
	struct webhook_result *res = NULL;
	struct pick p = {0};
	int code, failed = 0;

	if (argc > 2)
		return cli_usage(ctx, ctx->cmd, "give at most one delivery id");
	if (argc == 2) {
		char *end = NULL;
		long long id = strtoll(argv[1], &end, 10);

		if (id <= 0 || !end || *end)
			return cli_usage(ctx, ctx->cmd, "'%s' is not a delivery id", argv[1]);
		f.id = id;
	}
	code = cli_org(ctx, &f.org_id);
	if (code)
		return cli_fail(ctx, code);
	code = webhooks_each(ctx->store, &f, pick_unfinished, &p, &ctx->err);
	if (!code && p.nomem)
		code = err_set(&ctx->err, KV_ENOMEM, "out of memory");
	if (!code && f.id && !p.seen)
		code = err_set(&ctx->err, KV_ENOTFOUND, "no webhook delivery with id %lld",
		               (long long)f.id);
	if (!code && f.id && p.n == 0) {
		/* A delivery already imported may be imported again on request:
		 * the import is idempotent, so nothing is duplicated. */
		int64_t id = f.id;

		free(p.ids);
		p.ids = malloc(sizeof(*p.ids));
		if (!p.ids)
			code = err_set(&ctx->err, KV_ENOMEM, "out of memory");
		else
			p.ids[p.n++] = id;
	}
	res = malloc(sizeof(*res));
	if (!code && !res)
		code = err_set(&ctx->err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; !code && i < p.n; i++) {
		code = webhook_process(ctx->store, p.ids[i], 0, ctx->actor, cli_screener(ctx), res,
		                       &ctx->err);
		if (code)
			break;
		if (!res->ok)
			failed = 1;
		if (ctx->json)
			cli_print_json(json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:s?}", "id",
			                         (json_int_t)p.ids[i], "status",
			                         res->ok ? "done" : "failed", "new",
			                         (json_int_t)res->report.new_items, "updated",
			                         (json_int_t)res->report.updated, "unchanged",
			                         (json_int_t)res->report.unchanged, "skipped",
			                         (json_int_t)res->report.skipped, "events",
			                         (json_int_t)res->report.events, "error",
			                         res->ok ? NULL : res->error));
		else if (res->ok)
			printf("delivery %lld: done: %lld new, %lld updated, %lld unchanged, %lld "
			       "skipped, %lld events\n",
			       (long long)p.ids[i], (long long)res->report.new_items,
			       (long long)res->report.updated, (long long)res->report.unchanged,
			       (long long)res->report.skipped, (long long)res->report.events);
		else
			printf("delivery %lld: failed: %s\n", (long long)p.ids[i], res->error);
	}
	free(res);
	free(p.ids);
	if (code)
		return cli_fail(ctx, code);
	if (f.id == 0 && p.n == 0 && !ctx->json)
		printf("no failed or pending deliveries\n");
	return failed ? 2 : 0;
}

const struct cli_command cli_cmds_serve[] = {
        {"serve", NULL, cmd_serve, "[--listen ADDR:PORT] [--web DIR]",
         "run the HTTP daemon (the JSON API, the web UI, health check, Meta webhooks) until SIGINT "
         "or SIGTERM"},
        {"webhook", "list", cmd_webhook_list, "[--status pending|done|failed]",
         "list stored webhook deliveries"},
        {"webhook", "retry", cmd_webhook_retry, "[ID]",
         "import failed or pending deliveries again (or the one given)"},
        {0},
};
