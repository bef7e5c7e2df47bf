/* `kanalvakt snapshot` (periodiskt uttag: take, list, due) and
 * `kanalvakt disclose` (utlämnande: hand out, list). Parses options, builds
 * the operation context from the CLI's principal and prints; the work is in
 * records/. */
#include "cli/cli.h"

#include "base/config.h"
#include "records/records_disclose.h"
#include "records/records_snapshot.h"
#include "store/records_rows.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- snapshot ---- */

static int snapshot_settings(struct cli_ctx *ctx, struct snapshot_settings *set)
{
	struct config *cfg = cli_config(ctx);

	if (!cfg && ctx->err.code)
		return ctx->err.code;
	return records_snapshot_settings(cfg, ctx->data_dir, set, &ctx->err);
}

static int cmd_snapshot(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"date", required_argument, NULL, 'd'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"font", required_argument, NULL, 'f'},
	                                     {0}};
	const char *account = NULL, *day = NULL, *out = NULL, *font = NULL;
	struct snapshot_settings set;
	struct snapshot_result res;
	struct op_ctx op;
	int64_t acct = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if (c == 'd')
			day = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'f')
			font = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!account)
		return cli_usage(ctx, ctx->cmd, "--account is required");
	if (!out)
		return cli_usage(ctx, ctx->cmd, "--out DIR is required");
	code = snapshot_settings(ctx, &set);
	code = code ? code : cli_op(ctx, &op);
	code = code ? code : cli_account(ctx, op.org, account, "--account", &acct);
	if (!code && font)
		snprintf(set.font, sizeof(set.font), "%s", font);
	code = code ? code
	            : records_snapshot_take(&op, acct, day, out, "manual", &set, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s,s:s,s:I,s:i,s:I}", "id", (json_int_t)res.id,
		                         "date", res.day, "path", res.path, "sha256", res.sha256,
		                         "bytes", (json_int_t)res.bytes, "pages", res.pages,
		                         "items", (json_int_t)res.items));
	else
		printf("snapshot %lld: %s (%d pages, %lld items, sha256 %s)\n", (long long)res.id,
		       res.path, res.pages, (long long)res.items, res.sha256);
	return 0;
}

static int print_snapshot(void *arg, const struct snapshot_row *r, const struct snapshot_stamp *ts)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(records_snapshot_json(r, ts));
	else
		printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)r->id, r->account_handle, r->as_of,
		       r->reason, r->path, ts->state ? ts->state : "-");
	return 0;
}

static int cmd_snapshot_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'}, {0}};
	const char *account = NULL;
	struct op_ctx op;
	int64_t acct = 0;
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
	code = cli_op(ctx, &op);
	if (!code && account)
		code = cli_account(ctx, op.org, account, "--account", &acct);
	code = code ? code : records_snapshot_list(&op, acct, print_snapshot, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_snapshot_due(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"take", no_argument, NULL, 't'}, {0}};
	struct snapshot_settings set;
	struct snapshot_due *due = NULL;
	struct op_ctx op;
	size_t n = 0;
	int c, code, take = 0, taken = 0, failed = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			take = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = snapshot_settings(ctx, &set);
	code = code ? code : cli_op(ctx, &op);
	if (!code && take)
		code = records_snapshot_run_due(&op, &set, NULL, NULL, &taken, &failed, &ctx->err);
	code = code ? code : records_snapshot_due(&op, &set, &due, &n, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	for (size_t i = 0; i < n; i++) {
		if (ctx->json)
			cli_print_json(json_pack("{s:s,s:s,s:s}", "account", due[i].handle, "date",
			                         due[i].day, "reason", due[i].reason));
		else
			printf("%s\t%s\t%s\n", due[i].handle, due[i].day, due[i].reason);
	}
	free(due);
	if (take && !ctx->json)
		fprintf(stderr, "snapshots taken: %d, failed: %d\n", taken, failed);
	return failed ? 1 : 0;
}

/* ---- disclose ---- */

#define DISCLOSE_LIST_MAX 64

static int64_t items_buf[DISCLOSE_LIST_MAX];

static int add_item_id(struct cli_ctx *ctx, struct disclose_request *rq, const char *s)
{
	int64_t v = 0;

	if (cli_parse_id(s, &v))
		return cli_usage(ctx, ctx->cmd, "--item: '%s' is not an item id", s);
	if (rq->n_items == DISCLOSE_LIST_MAX)
		return cli_usage(ctx, ctx->cmd, "--item: at most %d", DISCLOSE_LIST_MAX);
	items_buf[rq->n_items++] = v;
	return 0;
}

static int cmd_disclose(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"from", required_argument, NULL, 'F'},
	                                     {"to", required_argument, NULL, 'T'},
	                                     {"query", required_argument, NULL, 'q'},
	                                     {"thread", required_argument, NULL, 't'},
	                                     {"item", required_argument, NULL, 'i'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"redact-pii", no_argument, NULL, 'p'},
	                                     {"redact", required_argument, NULL, 'r'},
	                                     {"redact-author", required_argument, NULL, 'A'},
	                                     {"reason", required_argument, NULL, 'R'},
	                                     {"ref", required_argument, NULL, 'f'},
	                                     {"requester", required_argument, NULL, 'Q'},
	                                     {"font", required_argument, NULL, 'n'},
	                                     {0}};
	static const char *texts[DISCLOSE_LIST_MAX], *authors[DISCLOSE_LIST_MAX];
	struct disclose_request rq = {0};
	struct disclose_result res;
	const char *account = NULL;
	struct op_ctx op;
	int c, code;

	rq.items = items_buf;
	rq.redact_texts = texts;
	rq.redact_authors = authors;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			account = optarg;
			break;
		case 'F':
			rq.from = optarg;
			break;
		case 'T':
			rq.to = optarg;
			break;
		case 'q':
			rq.query = optarg;
			break;
		case 't':
			rq.thread = optarg;
			break;
		case 'i':
			if (add_item_id(ctx, &rq, optarg))
				return 2;
			break;
		case 'o':
			rq.out_dir = optarg;
			break;
		case 'p':
			rq.redact_pii = 1;
			break;
		case 'r':
			if (rq.n_redact_texts == DISCLOSE_LIST_MAX)
				return cli_usage(ctx, ctx->cmd, "--redact: at most %d",
				                 DISCLOSE_LIST_MAX);
			texts[rq.n_redact_texts++] = optarg;
			break;
		case 'A':
			if (rq.n_redact_authors == DISCLOSE_LIST_MAX)
				return cli_usage(ctx, ctx->cmd, "--redact-author: at most %d",
				                 DISCLOSE_LIST_MAX);
			authors[rq.n_redact_authors++] = optarg;
			break;
		case 'R':
			rq.reason = optarg;
			break;
		case 'f':
			rq.ref = optarg;
			break;
		case 'Q':
			rq.requester = optarg;
			break;
		case 'n':
			rq.font = optarg;
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!account)
		return cli_usage(ctx, ctx->cmd, "--account is required");
	if (!rq.out_dir)
		return cli_usage(ctx, ctx->cmd, "--out DIR is required");
	if (!rq.ref)
		return cli_usage(ctx, ctx->cmd, "--ref REQUEST_REF is required");
	if (!rq.requester)
		return cli_usage(ctx, ctx->cmd,
		                 "--requester TEXT is required (it may be \"anonym\")");
	if (!rq.font) {
		struct config *cfg = cli_config(ctx);
		if (!cfg && ctx->err.code)
			return cli_fail(ctx, ctx->err.code);
		rq.font = cfg ? config_get(cfg, "records", "font", NULL) : NULL;
	}
	code = cli_op(ctx, &op);
	code = code ? code : cli_account(ctx, op.org, account, "--account", &rq.account);
	code = code ? code : records_disclose(&op, &rq, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:I,s:I,s:i,s:s}", "id", (json_int_t)res.id,
		                         "dir", rq.out_dir, "items", (json_int_t)res.items, "masks",
		                         (json_int_t)res.masks, "pages", res.pages,
		                         "manifest_sha256", res.manifest_sha256));
	else
		printf("disclosure %lld: %lld items, %lld masks, %d pages in %s (manifest sha256 "
		       "%s)\n",
		       (long long)res.id, (long long)res.items, (long long)res.masks, res.pages,
		       rq.out_dir, res.manifest_sha256);
	return 0;
}

static int print_disclosure(void *arg, const struct disclosure_row *r)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(records_disclose_json(r));
	else
		printf("%lld\t%s\t%s\t%s\t%lld items\t%s\n", (long long)r->id, r->ref,
		       r->account_handle, r->requester, (long long)r->items, r->disclosed_by);
	return 0;
}

static int cmd_disclose_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int code;

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = cli_op(ctx, &op);
	code = code ? code : records_disclose_list(&op, print_disclosure, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

/* Verbs before the verbless entry: find() takes the first entry whose verb
 * matches or is NULL. */
const struct cli_command cli_cmds_disclose[] = {
        {"snapshot", "list", cmd_snapshot_list, "[--account A]",
         "list the periodic snapshots taken (the snapshot register)"},
        {"snapshot", "due", cmd_snapshot_due, "[--take]",
         "list the accounts that miss a snapshot (configured dates, closed accounts); "
         "--take takes them"},
        {"snapshot", NULL, cmd_snapshot, "--account A [--date YYYY-MM-DD] --out DIR [--font F]",
         "write the periodic snapshot (periodiskt uttag) of an account as PDF/A-1b"},
        {"disclose", "list", cmd_disclose_list, "", "list the disclosure register"},
        {"disclose", NULL, cmd_disclose,
         "--account A [--from D --to D] [--query Q] [--thread ID] [--item ID]... --out DIR "
         "[--redact-pii] [--redact TEXT]... [--redact-author ID]... [--reason TEXT] "
         "--ref REQUEST_REF --requester TEXT [--font F]",
         "hand out records on request: PDF printout, JSON, CSV and a SHA-256 manifest, with "
         "masks"},
        {0},
};
