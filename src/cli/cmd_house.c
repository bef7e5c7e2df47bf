/* `kanalvakt rules template show|load`, `account rules` and `account
 * about`: the house rules (grundbudskap) every account shows its visitors.
 * Parsing and printing only; the rules are in registry/house_rules. */
#include "cli/cli.h"

#include "base/buf.h"
#include "registry/house_rules.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static int template_show(struct cli_ctx *ctx, struct op_ctx *op)
{
	json_t *j = NULL;
	int code = house_rules_template_show(op, &j, &ctx->err);

	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(j);
		return 0;
	}
	printf("# version %lld (%s)%s%s\n",
	       (long long)json_integer_value(json_object_get(j, "version")),
	       json_string_value(json_object_get(j, "source")),
	       json_string_value(json_object_get(j, "loaded_by")) ? ", loaded by " : "",
	       json_string_value(json_object_get(j, "loaded_by"))
	               ? json_string_value(json_object_get(j, "loaded_by"))
	               : "");
	fputs(json_string_value(json_object_get(j, "text")), stdout);
	json_decref(j);
	return 0;
}

static int template_load(struct cli_ctx *ctx, struct op_ctx *op, const char *path)
{
	json_t *j = NULL;
	struct buf b;
	int code;

	buf_init(&b, 0);
	code = cli_read_file(ctx, path, "template", &b, HOUSE_RULES_MAX);
	if (!code) {
		code = house_rules_template_load(op, buf_cstr(&b), b.len, &j, &ctx->err);
		if (code)
			err_prefix(&ctx->err, "%s: ", path);
	}
	buf_done(&b);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(j);
	else if (json_is_true(json_object_get(j, "new")))
		printf("house rules version %lld loaded from %s\n",
		       (long long)json_integer_value(json_object_get(j, "version")), path);
	else
		printf("%s is the same as version %lld: no new version\n", path,
		       (long long)json_integer_value(json_object_get(j, "version")));
	if (!ctx->json)
		json_decref(j);
	return 0;
}

static int cmd_template(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int code;

	if (argc == 2 && strcmp(argv[1], "show") == 0) {
		code = cli_op(ctx, &op);
		return code ? cli_fail(ctx, code) : template_show(ctx, &op);
	}
	if (argc == 3 && strcmp(argv[1], "load") == 0) {
		code = cli_op(ctx, &op);
		return code ? cli_fail(ctx, code) : template_load(ctx, &op, argv[2]);
	}
	return cli_usage(ctx, ctx->cmd, "give show, or load FILE");
}

static int cmd_account_rules(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	json_t *j = NULL;
	int code;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give exactly one account (ID or HANDLE)");
	code = cli_op(ctx, &op);
	if (!code)
		code = house_rules_account_text(&op, argv[1], &j, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(j);
		return 0;
	}
	fputs(json_string_value(json_object_get(j, "text")), stdout);
	json_decref(j);
	return 0;
}

static void print_about(json_t *j)
{
	json_t *h = json_object_get(j, "house_rules");
	const char *text = json_string_value(json_object_get(j, "text"));
	const char *missing = json_string_value(json_object_get(h, "missing"));
	const char *stale = json_string_value(json_object_get(h, "stale"));
	size_t n = text ? strlen(text) : 0;

	if (text)
		printf("# recorded %s by %s (%s)\n%s%s",
		       json_string_value(json_object_get(j, "recorded_at")),
		       json_string_value(json_object_get(j, "recorded_by")),
		       json_string_value(json_object_get(j, "source")), text,
		       n && text[n - 1] != '\n' ? "\n" : "");
	if (missing)
		printf("# house rules: missing: %s\n", missing);
	else if (stale)
		printf("# house rules: stale: %s\n", stale);
	else
		printf("# house rules: present\n");
}

static int cmd_account_about(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"text", required_argument, NULL, 't'}, {0}};
	const char *file = NULL;
	struct op_ctx op;
	json_t *j = NULL;
	struct buf b;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			file = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give exactly one account (ID or HANDLE)");
	buf_init(&b, 0);
	code = file ? cli_read_file(ctx, file, "--text", &b, HOUSE_RULES_MAX) : 0;
	if (!code)
		code = cli_op(ctx, &op);
	if (!code)
		code = house_rules_about(&op, argv[optind], file ? buf_cstr(&b) : NULL, b.len, &j,
		                         &ctx->err);
	buf_done(&b);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(j);
		return 0;
	}
	if (file)
		printf("about text recorded for %s\n",
		       json_string_value(json_object_get(j, "account")));
	print_about(j);
	json_decref(j);
	return 0;
}

const struct cli_command cli_cmds_house[] = {
        {"rules", "template", cmd_template, "show | load FILE",
         "the house rules template (grundbudskap): the one in force, or load a new version"},
        {"account", "rules", cmd_account_rules, "ID|HANDLE",
         "the house rules for the account's about text, filled from the register"},
        {"account", "about", cmd_account_about, "ID|HANDLE [--text FILE]",
         "record the account's about text or pinned post as seen (or show the newest)"},
        {0},
};
