/* Commands for answering questions: the standard texts (`answer text add,
 * list, remove`) and `inbox answer`. Parsing and printing only; the rules
 * are in workflow/standard_texts and workflow/inbox. */
#include "cli/cli.h"

#include "base/buf.h"
#include "workflow/inbox.h"
#include "workflow/standard_texts.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int parse_pos(struct cli_ctx *ctx, const char *s, const char *what, int64_t *out)
{
	if (cli_parse_id(s, out))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a %s (a positive number)", s, what);
	return 0;
}

/* ---- answer text ---- */

static int print_text(void *arg, const struct standard_text_row *t)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s,s:s?,s:s}", "id", (json_int_t)t->id, "title",
		                         t->title, "text", t->text, "account", t->account,
		                         "created_by", t->created_by));
	else
		printf("%lld\t%s\t%s\n", (long long)t->id, t->account ? t->account : "(all)",
		       t->title);
	return 0;
}

static int text_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"title", required_argument, NULL, 't'},
	                                     {"account", required_argument, NULL, 'a'},
	                                     {0}};
	const char *title = NULL, *acc = NULL;
	struct buf b;
	int64_t org = 0, account = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			title = optarg;
		else if (c == 'a')
			acc = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "add takes no arguments (the text comes on stdin)");
	if (!title)
		return cli_usage(ctx, ctx->cmd, "--title TITLE is required");
	code = cli_org(ctx, &org);
	if (!code && acc)
		code = cli_account(ctx, org, acc, "account", &account);
	if (code)
		return cli_fail(ctx, code);
	buf_init(&b, STANDARD_TEXTS_TEXT_MAX + 1);
	code = cli_read_file(ctx, "-", "text (stdin)", &b, STANDARD_TEXTS_TEXT_MAX);
	if (!code)
		code = standard_texts_add(cli_op_at(ctx, org, 0), account, title, buf_cstr(&b), &id,
		                          &ctx->err);
	buf_done(&b);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "title", title));
	else
		printf("standard text %lld added\n", (long long)id);
	return 0;
}

static int text_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'}, {0}};
	const char *acc = NULL;
	int64_t org = 0, account = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			acc = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "list takes no arguments");
	code = cli_org(ctx, &org);
	if (!code && acc)
		code = cli_account(ctx, org, acc, "account", &account);
	if (code)
		return cli_fail(ctx, code);
	code = standard_texts_list(cli_op_at(ctx, org, 0), account, print_text, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int text_remove(struct cli_ctx *ctx, int argc, char **argv)
{
	int64_t org = 0, id = 0;
	int code;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(ctx, ctx->cmd, "give one standard text ID");
	code = parse_pos(ctx, argv[1], "standard text id", &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	code = standard_texts_remove(cli_op_at(ctx, org, 0), id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "done", "removed"));
	else
		printf("standard text %lld removed\n", (long long)id);
	return 0;
}

static int cmd_answer_text(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(ctx, ctx->cmd, "give add, list or remove");
	if (strcmp(argv[1], "add") == 0)
		return text_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return text_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "remove") == 0)
		return text_remove(ctx, argc - 1, argv + 1);
	return cli_usage(ctx, ctx->cmd, "'%s' is not add, list or remove", argv[1]);
}

/* ---- inbox answer ---- */

static int cmd_inbox_answer(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"text-file", required_argument, NULL, 'f'},
	                                     {"by-hand", no_argument, NULL, 'b'},
	                                     {0}};
	struct inbox_answer_result res = {0};
	const char *file = NULL;
	int64_t id = 0, org = 0;
	int by_hand = 0, c, code;
	struct buf b;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			file = optarg;
		else if (c == 'b')
			by_hand = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one question ID");
	if (!file)
		return cli_usage(ctx, ctx->cmd, "--text-file FILE is required (- for stdin)");
	code = parse_pos(ctx, argv[optind], "question id", &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	buf_init(&b, INBOX_ANSWER_MAX + 1);
	code = cli_read_file(ctx, file, "--text-file", &b, INBOX_ANSWER_MAX);
	if (!code) {
		struct config *cfg = cli_config_used(ctx, "answer");
		struct inbox_answer_opts o = {cfg, by_hand};

		code = cfg ? inbox_answer_via(cli_op_at(ctx, org, 0), id, buf_cstr(&b), &o, &res,
		                              &ctx->err)
		           : ctx->err.code;
	}
	buf_done(&b);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:I,s:s,s:b,s:s,s:s?,s:o,s:I,s:s}", "id", (json_int_t)id, "done",
		        "answered", "by_hand", res.by_hand, "via", res.by_hand ? "hand" : "api",
		        "platform_id", res.platform_id[0] ? res.platform_id : NULL, "item",
		        res.item_id ? json_integer(res.item_id) : json_null(), "response_seconds",
		        (json_int_t)res.response_seconds, "detail", res.detail));
	else if (res.by_hand)
		printf("question %lld answered (post the reply on the platform by hand: %s)\n",
		       (long long)id, res.detail);
	else
		printf("question %lld answered: the reply is posted as %s (item %lld)\n",
		       (long long)id, res.platform_id, (long long)res.item_id);
	return 0;
}

const struct cli_command cli_cmds_answer[] = {
        {"answer", "text", cmd_answer_text,
         "add --title TITLE [--account ACCOUNT] < TEXT | list [--account ACCOUNT] | remove ID",
         "the standard texts (standardsvar) answers start from"},
        {"inbox", "answer", cmd_inbox_answer, "ID --text-file FILE|- [--by-hand]",
         "answer a question: posted through the platform's API when the account has a "
         "connector token, else recorded as posted by hand"},
        {0},
};
