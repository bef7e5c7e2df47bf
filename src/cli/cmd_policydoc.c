/* `kanalvakt policydoc …`: the kommun's policy documents and their reviews
 * (add, list, show, review, retire, apply, check). Parsing and printing
 * only; the rules are in registry/policydoc. */
#include "cli/cli.h"

#include "base/config.h"
#include "cli/cli_table.h"
#include "registry/policydoc.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static int one_id(struct cli_ctx *ctx, int argc, char **argv, int first, int64_t *id)
{
	if (first >= argc || argc - first != 1)
		return cli_usage(ctx, ctx->cmd, "give one document ID");
	if (cli_parse_id(argv[first], id))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a document id (a positive number)",
		                 argv[first]);
	return 0;
}

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"title", required_argument, NULL, 't'},
	                                     {"adopted", required_argument, NULL, 'a'},
	                                     {"by", required_argument, NULL, 'b'},
	                                     {"review-every", required_argument, NULL, 'e'},
	                                     {"review-on", required_argument, NULL, 'o'},
	                                     {"responsible", required_argument, NULL, 'r'},
	                                     {0}};
	struct policydoc_input in = {0};
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			in.title = optarg;
		else if (c == 'a')
			in.adopted = optarg;
		else if (c == 'b')
			in.adopted_by = optarg;
		else if (c == 'e')
			in.every = optarg;
		else if (c == 'o')
			in.review_on = optarg;
		else if (c == 'r')
			in.responsible = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_org(ctx, &org);
	if (!code)
		code = policydoc_add(cli_op_at(ctx, org, 0), &in, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
	else
		printf("policy document %lld added\n", (long long)id);
	return 0;
}

static const struct cli_col cols[] = {{"id", 4, 1},       {"next review", 11, 0}, {"", 9, 0},
                                      {"adopted", 10, 0}, {"by", 22, 0},          {"title", 0, 0}};

struct printer {
	struct cli_ctx *ctx;
	size_t n;
	int show;
};

static int print_doc(void *arg, json_t *j)
{
	struct printer *p = arg;
	char id[24];
	const char *cells[6];

	p->n++;
	if (p->ctx->json) {
		cli_print_json(j);
		return 0;
	}
	if (p->show) {
		json_t *a;
		size_t i;

		printf("%s\n  adopted %s by %s\n  next review %s%s%s\n",
		       json_string_value(json_object_get(j, "title")),
		       json_string_value(json_object_get(j, "adopted")),
		       json_string_value(json_object_get(j, "by")),
		       json_string_value(json_object_get(j, "next_review")),
		       json_is_true(json_object_get(j, "overdue")) ? " (FÖRSENAD)" : "",
		       strcmp(json_string_value(json_object_get(j, "state")), "active")
		               ? " (upphävd)"
		               : "");
		if (json_string_value(json_object_get(j, "last_review")))
			printf("  last review %s\n",
			       json_string_value(json_object_get(j, "last_review")));
		if (json_string_value(json_object_get(j, "responsible")))
			printf("  responsible %s\n",
			       json_string_value(json_object_get(j, "responsible")));
		printf("  accounts:");
		json_array_foreach(json_object_get(j, "accounts"), i, a)
		        printf(" %s", json_string_value(a));
		printf("%s\n", json_array_size(json_object_get(j, "accounts")) ? "" : " none");
		json_decref(j);
		return 0;
	}
	if (p->n == 1)
		cli_table_header(stdout, cols, 6);
	snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(j, "id")));
	cells[0] = id;
	cells[1] = json_string_value(json_object_get(j, "next_review"));
	cells[2] = strcmp(json_string_value(json_object_get(j, "state")), "active") ? "upphävd"
	           : json_is_true(json_object_get(j, "overdue"))                    ? "FÖRSENAD"
	                                                                            : "";
	cells[3] = json_string_value(json_object_get(j, "adopted"));
	cells[4] = json_string_value(json_object_get(j, "by"));
	cells[5] = json_string_value(json_object_get(j, "title"));
	cli_table_row(stdout, cols, 6, cells);
	json_decref(j);
	return 0;
}

static int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct printer p = {ctx, 0, 0};
	int64_t org = 0;
	int code;

	(void)argv;
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "list takes no arguments");
	code = cli_org(ctx, &org);
	if (!code)
		code = policydoc_list(cli_op_at(ctx, org, 0), 0, print_doc, &p, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json && !p.n)
		printf("no policy documents\n");
	return 0;
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
	struct printer p = {ctx, 0, 1};
	int64_t org = 0, id = 0;
	int code = one_id(ctx, argc, argv, 1, &id);

	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = policydoc_list(cli_op_at(ctx, org, 0), id, print_doc, &p, &ctx->err);
	if (!code && !p.n)
		code = err_set(&ctx->err, KV_ENOTFOUND, "no policy document %lld", (long long)id);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_review(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"on", required_argument, NULL, 'o'}, {"next", required_argument, NULL, 'n'}, {0}};
	const char *on = NULL, *next = NULL;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			on = optarg;
		else if (c == 'n')
			next = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	code = one_id(ctx, argc, argv, optind, &id);
	if (code)
		return code;
	if (!on)
		return cli_usage(ctx, ctx->cmd, "give --on YYYY-MM-DD, the day of the review");
	code = cli_org(ctx, &org);
	if (!code)
		code = policydoc_review(cli_op_at(ctx, org, 0), id, on, next, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "reviewed_on", on));
	else
		printf("review of policy document %lld recorded\n", (long long)id);
	return 0;
}

static int cmd_retire(struct cli_ctx *ctx, int argc, char **argv)
{
	int64_t org = 0, id = 0;
	int code = one_id(ctx, argc, argv, 1, &id);

	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = policydoc_retire(cli_op_at(ctx, org, 0), id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "retired"));
	else
		printf("policy document %lld retired\n", (long long)id);
	return 0;
}

static int cmd_apply(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'}, {0}};
	const char *account = NULL;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	code = one_id(ctx, argc, argv, optind, &id);
	if (code)
		return code;
	if (!account)
		return cli_usage(ctx, ctx->cmd, "give --account ACCOUNT");
	code = cli_org(ctx, &org);
	if (!code)
		code = policydoc_apply(cli_op_at(ctx, org, 0), id, account, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "account", account));
	else
		printf("%s follows policy document %lld\n", account, (long long)id);
	return 0;
}

int cli_policydoc_check(struct cli_ctx *ctx, int64_t org, int64_t *raised)
{
	struct config *cfg = cli_config(ctx);
	int64_t days = POLICYDOC_WARN_DAYS_DEFAULT;
	int code = KV_OK;

	if (cfg)
		code = config_get_int(cfg, "policy", "review_warn_days", days, &days, &ctx->err);
	if (!code && (days < 0 || days > 3650))
		code = err_set(&ctx->err, KV_EINVAL,
		               "[policy] review_warn_days: %lld is not from 0 to 3650",
		               (long long)days);
	if (!code)
		code = policydoc_check(cli_op_at(ctx, org, 0), days, raised, &ctx->err);
	return code;
}

static int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
	int64_t org = 0, raised = 0;
	int code;

	(void)argv;
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "check takes no arguments");
	code = cli_org(ctx, &org);
	if (!code)
		code = cli_policydoc_check(ctx, org, &raised);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I}", "alerts", (json_int_t)raised));
	else
		printf("%lld new review alerts\n", (long long)raised);
	return 0;
}

const struct cli_command cli_cmds_policydoc[] = {
        {"policydoc", "add", cmd_add,
         "--title T --adopted YYYY-MM-DD --by BODY (--review-every 4y | --review-on "
         "YYYY-MM-DD) [--responsible E-MAIL]",
         "register a policy document and when it must be reviewed"},
        {"policydoc", "list", cmd_list, "", "the policy documents and their next reviews"},
        {"policydoc", "show", cmd_show, "ID", "a policy document with the accounts following it"},
        {"policydoc", "review", cmd_review, "ID --on YYYY-MM-DD [--next YYYY-MM-DD]",
         "record a review; the next is due a period later (or on --next)"},
        {"policydoc", "retire", cmd_retire, "ID", "mark a policy document no longer in force"},
        {"policydoc", "apply", cmd_apply, "ID --account ACCOUNT",
         "name the policy document an account follows"},
        {"policydoc", "check", cmd_check, "",
         "alert and mail the responsible before a review is due and when it is late (also run "
         "by notify run)"},
        {0},
};
