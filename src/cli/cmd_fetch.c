/* `kanalvakt fetch`: polls the platforms for the accounts that have a token
 * configured and imports what is new. Prints a line (or a JSON object) per
 * account; the polling itself is capture/connector. */
#include "cli/cli.h"

#include "capture/media.h"

#include "base/config.h"
#include "capture/connector.h"
#include "registry/registry.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int cmd_fetch(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_command cli_cmds_fetch[] = {
        {"fetch", NULL, cmd_fetch, "[--account ID|HANDLE]",
         "poll the platforms' APIs for new posts and comments and import them"},
        {0},
};

struct tally {
	int exit;   /* worst exit status so far */
	int polled; /* accounts polled */
};

static void note_exit(struct tally *t, int code)
{
	int e = err_exit_code(code);

	if (e > t->exit)
		t->exit = e;
}

static void print_result(struct cli_ctx *ctx, const char *label, int64_t id,
                         const struct connector_report *r, int code, const struct err *err)
{
	if (ctx->json) {
		json_t *o = json_pack("{s:s,s:I,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "account",
		                      label, "id", (json_int_t)id, "ok", code == KV_OK, "pages",
		                      (json_int_t)r->pages, "requests", (json_int_t)r->requests,
		                      "new", (json_int_t)r->new_items, "updated",
		                      (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged,
		                      "skipped", (json_int_t)r->skipped, "events",
		                      (json_int_t)r->events, "complete", r->complete);

		if (o)
			json_object_set_new(o, "comment_lists_cut",
			                    json_integer((json_int_t)r->comment_lists_cut));
		if (o && code)
			json_object_set_new(o, "error", json_string(err->msg));
		cli_print_json(o);
	} else {
		printf("%s: %lld pages, %lld new, %lld updated, %lld unchanged, %lld skipped%s",
		       label, (long long)r->pages, (long long)r->new_items, (long long)r->updated,
		       (long long)r->unchanged, (long long)r->skipped,
		       code          ? " (failed)"
		       : r->complete ? ""
		                     : " (stopped at max_pages; the next fetch continues)");
		if (r->comment_lists_cut)
			printf(" (%lld comment lists cut short at max_comment_pages)",
			       (long long)r->comment_lists_cut);
		putchar('\n');
	}
	if (code)
		fprintf(stderr, "kanalvakt: %s\n", err->msg);
}

/* Polls one account. explicit: the account was named on the command line, so
 * a missing token is an error rather than a reason to pass it by. */
static int fetch_one(struct cli_ctx *ctx, int64_t org, int64_t id, int explicit, struct tally *t)
{
	struct account_rec *acc = NULL;
	struct connector_conf conf;
	struct connector_report r = {0};
	struct config *cfg = cli_config(ctx);
	struct capture_screener *screener = cli_screener(ctx);
	char label[300];
	struct err err = {0};
	int code;

	if (!cfg || !screener)
		return ctx->err.code ? ctx->err.code : KV_EINVAL;
	code = register_row_account_load(ctx->store, id, &acc, &err);
	if (code) {
		fprintf(stderr, "kanalvakt: %s\n", err.msg);
		note_exit(t, code);
		return KV_OK;
	}
	snprintf(label, sizeof(label), "%s/%s", register_platform_name(acc->v.platform),
	         acc->v.handle);
	if (!explicit && (acc->v.status != ACCOUNT_ACTIVE || !connector_supported(acc->v.platform)))
		goto out;
	code = connector_conf_load(&conf, cfg, acc->v.platform, acc->v.handle, acc->v.url, &err);
	if (!code && !conf.token) {
		if (!explicit)
			goto out;
		code = err_set(&err, KV_EINVAL,
		               "%s: no token configured: add 'token = ...' to section [account %s] "
		               "of the configuration file",
		               label, acc->v.handle);
	}
	if (code) {
		if (!strstr(err.msg, label))
			err_prefix(&err, "%s: ", label);
	} else {
		t->polled++;
		code = connector_poll(ctx->store, org, ctx->actor, id, &conf, screener, &r, &err);
	}
	print_result(ctx, label, id, &r, code, &err);
	if (code)
		note_exit(t, code);
out:
	register_row_account_free(acc);
	return KV_OK;
}

static int cmd_fetch(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'}, {0}};
	struct tally t = {0};
	const char *account = NULL;
	int64_t org = 0, id = 0, *ids = NULL;
	size_t n = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!cli_config(ctx))
		return cli_fail(ctx, ctx->err.code ? ctx->err.code : KV_EINVAL);
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(&ctx->err, KV_EINTERNAL, "cannot initialise libcurl");
		return cli_fail(ctx, KV_EINTERNAL);
	}
	if (account) {
		code = cli_account(ctx, org, account, "--account", &id);
		if (code) {
			code = cli_fail(ctx, code);
			goto out;
		}
		fetch_one(ctx, org, id, 1, &t);
	} else {
		code = register_row_account_ids(ctx->store, org, &ids, &n, &ctx->err);
		if (code) {
			code = cli_fail(ctx, code);
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			fetch_one(ctx, org, ids[i], 0, &t);
		if (!t.polled && !t.exit)
			fprintf(stderr,
			        "kanalvakt fetch: no active account has a token configured\n");
	}
	code = t.exit;
	cli_workflow_sync(ctx, org);
	if (t.polled) {
		/* The media of what was captured follow into the blob store; a
		 * medium that cannot be had is noted on it, not an error here. */
		struct media_report mr = {0};
		struct media_conf mconf;
		struct err merr = {0};

		if (capture_media_conf_load(&mconf, ctx->cfg, &merr) != KV_OK ||
		    capture_media_fetch(ctx->store, org, 1000, &mconf, &mr, &merr) != KV_OK)
			fprintf(stderr, "kanalvakt fetch: media: %s\n", merr.msg);
		else if (!ctx->json && (mr.fetched || mr.failed))
			printf("media: %lld fetched, %lld failed\n", (long long)mr.fetched,
			       (long long)mr.failed);
	}
out:
	free(ids);
	curl_global_cleanup();
	return code;
}
