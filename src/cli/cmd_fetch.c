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
#include "workflow/ingest.h"

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

/* The accounts of one `fetch`, handed to ingest_run one by one. */
struct fetch_run {
	struct cli_ctx *ctx;
	struct tally t;
	const int64_t *ids;
	size_t n, i;
	/* The account was named on the command line, so a missing token is an
	 * error rather than a reason to pass it by. */
	int explicit;
	struct account_rec *acc; /* the account being polled */
	struct connector_conf conf;
	char label[300];
};

/* Readies account id for its poll: 1 when it is to be polled (fr->acc,
 * fr->conf and fr->label hold it), 0 when it is passed by or cannot be
 * polled (which is printed here). */
static int fetch_prepare(struct fetch_run *fr, int64_t id)
{
	struct cli_ctx *ctx = fr->ctx;
	struct connector_report r = {0};
	struct config *cfg = cli_config(ctx);
	struct err err = {0};
	int code, ready = 0;

	if (!cfg || !cli_screener(ctx))
		return 0;
	code = register_row_account_load(ctx->store, id, &fr->acc, &err);
	if (code) {
		fprintf(stderr, "kanalvakt: %s\n", err.msg);
		note_exit(&fr->t, code);
		return 0;
	}
	snprintf(fr->label, sizeof(fr->label), "%s/%s", register_platform_name(fr->acc->v.platform),
	         fr->acc->v.handle);
	if (!fr->explicit &&
	    (fr->acc->v.status != ACCOUNT_ACTIVE || !connector_conf_supported(fr->acc->v.platform)))
		goto out;
	code = connector_conf_load(&fr->conf, cfg, fr->acc->v.platform, fr->acc->v.handle,
	                           fr->acc->v.url, &err);
	if (!code && !fr->conf.token) {
		if (!fr->explicit)
			goto out;
		code = err_set(&err, KV_EINVAL,
		               "%s: no token configured: add 'token = ...' to section [account %s] "
		               "of the configuration file",
		               fr->label, fr->acc->v.handle);
	}
	if (!code) {
		fr->t.polled++;
		ready = 1; /* fr->acc stays for the poll */
		goto out;
	}
	if (!strstr(err.msg, fr->label))
		err_prefix(&err, "%s: ", fr->label);
	print_result(ctx, fr->label, id, &r, code, &err);
	note_exit(&fr->t, code);
out:
	if (!ready) {
		register_row_account_free(fr->acc);
		fr->acc = NULL;
	}
	return ready;
}

static int fetch_next(void *arg, struct ingest_source *src)
{
	struct fetch_run *fr = arg;

	while (fr->i < fr->n) {
		int64_t id = fr->ids[fr->i++];

		if (!fetch_prepare(fr, id))
			continue;
		src->kind = INGEST_POLL;
		src->account_id = id;
		src->conf = &fr->conf;
		src->screener = cli_screener(fr->ctx);
		return 1;
	}
	return 0;
}

static void fetch_done(void *arg, const struct ingest_source *src, const struct ingest_result *res)
{
	struct fetch_run *fr = arg;

	print_result(fr->ctx, fr->label, src->account_id, &res->poll, res->rc, &res->err);
	if (res->rc)
		note_exit(&fr->t, res->rc);
	register_row_account_free(fr->acc);
	fr->acc = NULL;
}

static int cmd_fetch(struct cli_ctx *ctx, int argc, char **argv)
{
	struct fetch_run fr = {.ctx = ctx};
	struct ingest_ops ops = {.next = fetch_next, .done = fetch_done, .ctx = &fr};
	struct ingest_report rep;
	const char *account = NULL;
	int64_t org = 0, id = 0, *ids = NULL;
	size_t n = 0;
	int code;

	code = cli_account_option(ctx, argc, argv, &account);
	if (code)
		return code;
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!cli_config(ctx))
		return cli_fail(ctx, ctx->err.code ? ctx->err.code : KV_EINVAL);
	code = cli_org(ctx, &org);
	if (!code)
		code = cli_config_secrets(ctx, org, "fetch");
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
		fr.ids = &id;
		fr.n = 1;
		fr.explicit = 1;
	} else {
		code = register_row_account_ids(ctx->store, org, &ids, &n, &ctx->err);
		if (code) {
			code = cli_fail(ctx, code);
			goto out;
		}
		fr.ids = ids;
		fr.n = n;
	}
	ingest_run(cli_op_at(ctx, org, 0), &ops, &rep);
	if (!account && !fr.t.polled && !fr.t.exit)
		fprintf(stderr, "kanalvakt fetch: no active account has a token configured\n");
	code = fr.t.exit;
	cli_ingest_warning(&rep);
	if (fr.t.polled) {
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
