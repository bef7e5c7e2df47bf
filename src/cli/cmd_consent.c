/* `kanalvakt consent …`: the consent register for pictures and film (add,
 * list, show, link, withdraw, check). Parsing and printing only; the rules
 * are in records/consent. */
#include "cli/cli.h"

#include "base/file.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "records/consent.h"
#include "workflow/browse.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int parse_id(struct cli_ctx *ctx, const char *s, const char *what, int64_t *out)
{
	if (cli_parse_id(s, out))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a %s (a positive number)", s, what);
	return 0;
}

/* The signed form: the whole file, or a clear error naming it. */
static int read_document(struct cli_ctx *ctx, const char *path, struct buf *b)
{
	int code = file_read_all(path, b, &ctx->err);

	if (code == KV_EINVAL)
		return err_set(&ctx->err, KV_EINVAL, "--document %s: larger than %zu MiB", path,
		               CONSENT_DOCUMENT_MAX >> 20);
	if (code) {
		err_prefix(&ctx->err, "--document: ");
		ctx->err.code = KV_EINVAL;
		return KV_EINVAL;
	}
	return KV_OK;
}

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"person-name", required_argument, NULL, 'n'},
	                                     {"birth-date", required_argument, NULL, 'b'},
	                                     {"guardian", required_argument, NULL, 'g'},
	                                     {"scope", required_argument, NULL, 's'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"document", required_argument, NULL, 'd'},
	                                     {0}};
	struct consent_input in = {0};
	struct consent_opts o;
	const char *scope[CONSENT_SCOPE_MAX], *scope_arg = NULL;
	char scope_buf[4096];
	struct buf doc;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			in.person_name = optarg;
			break;
		case 'b':
			in.birth_date = optarg;
			break;
		case 'g':
			in.guardian = optarg;
			break;
		case 's':
			scope_arg = optarg;
			break;
		case 'f':
			in.valid_from = optarg;
			break;
		case 't':
			in.valid_to = optarg;
			break;
		case 'd':
			in.document_name = optarg;
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "add takes no arguments");
	if (!in.person_name || !scope_arg || !in.valid_from || !in.document_name)
		return cli_usage(ctx, ctx->cmd,
		                 "--person-name, --scope, --from and --document are required");
	snprintf(scope_buf, sizeof(scope_buf), "%s", scope_arg);
	for (char *p = scope_buf; *p;) {
		size_t k = strcspn(p, ",");
		int last = p[k] == '\0';

		p[k] = '\0';
		if (*p) {
			if (in.n_scope == CONSENT_SCOPE_MAX)
				return cli_usage(ctx, ctx->cmd, "--scope: at most %d accounts",
				                 CONSENT_SCOPE_MAX);
			scope[in.n_scope++] = p;
		}
		if (last)
			break;
		p += k + 1;
	}
	in.scope = scope;
	code = consent_opts_load(&o, cli_config(ctx), &ctx->err);
	if (!code)
		code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	buf_init(&doc, CONSENT_DOCUMENT_MAX);
	code = read_document(ctx, in.document_name, &doc);
	in.document = doc.ptr;
	in.document_len = doc.len;
	if (!code)
		code = consent_add(cli_op_at(ctx, org, 0), &o, &in, &id, &ctx->err);
	buf_done(&doc);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "done", "added"));
	else
		printf("consent %lld added\n", (long long)id);
	return 0;
}

struct printer {
	struct cli_ctx *ctx;
	int64_t now;
};

static int print_row(void *arg, const struct consent_row *r)
{
	struct printer *p = arg;

	if (p->ctx->json) {
		cli_print_json(consent_view_json(r, p->now));
		return 0;
	}
	printf("%lld\t%s\t%s..%s\t%s\t%s\t%lld posts\n", (long long)r->id, r->person_name,
	       r->valid_from, r->valid_to ? r->valid_to : "", r->state,
	       r->accounts ? r->accounts : "", (long long)r->items);
	return 0;
}

static int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"account", required_argument, NULL, 'a'}, {"active", no_argument, NULL, 'A'}, {0}};
	struct consent_filter f = {0};
	struct printer p = {ctx, 0};
	const char *acc = NULL;
	char today[11];
	int64_t org = 0;
	int active = 0, c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			acc = optarg;
		else if (c == 'A')
			active = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "list takes no arguments");
	code = cli_org(ctx, &org);
	if (!code && acc)
		code = cli_account(ctx, org, acc, "--account", &f.account_id);
	if (code)
		return cli_fail(ctx, code);
	p.now = cli_op_at(ctx, org, 0)->now;
	consent_date_of(today, p.now);
	if (active)
		f.active_on = today;
	code = consent_list(&ctx->op, &f, print_row, &p, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
	json_t *v = NULL, *post;
	int64_t org = 0, id = 0;
	size_t i;
	int code;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(ctx, ctx->cmd, "give one consent ID");
	code = parse_id(ctx, argv[1], "consent id", &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = consent_show(cli_op_at(ctx, org, 0), id, &v, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(v);
		return 0;
	}
	printf("consent %lld: %s (%s)\n", (long long)id,
	       json_string_value(json_object_get(v, "person_name")),
	       json_string_value(json_object_get(v, "state")));
	printf("period:   %s to %s\n", json_string_value(json_object_get(v, "valid_from")),
	       json_string_value(json_object_get(v, "valid_to"))
	               ? json_string_value(json_object_get(v, "valid_to"))
	               : "withdrawal");
	if (json_string_value(json_object_get(v, "guardian")))
		printf("guardian: %s\n", json_string_value(json_object_get(v, "guardian")));
	printf("document: %s sha256 %s\n",
	       json_string_value(json_object_get(json_object_get(v, "document"), "name")),
	       json_string_value(json_object_get(json_object_get(v, "document"), "sha256"))
	               ? json_string_value(
	                         json_object_get(json_object_get(v, "document"), "sha256"))
	               : "(erased)");
	json_array_foreach(json_object_get(v, "post_list"), i, post)
	        printf("post:     item %lld %s %s\n",
	               (long long)json_integer_value(json_object_get(post, "item")),
	               json_string_value(json_object_get(post, "account"))
	                       ? json_string_value(json_object_get(post, "account"))
	                       : "(no longer captured)",
	               json_string_value(json_object_get(post, "state"))
	                       ? json_string_value(json_object_get(post, "state"))
	                       : "");
	json_decref(v);
	return 0;
}

static int cmd_link(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"item", required_argument, NULL, 'i'}, {0}};
	const char *item_ref = NULL;
	int64_t org = 0, id = 0, item = 0;
	int linked = 0, c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'i')
			item_ref = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1 || !item_ref)
		return cli_usage(ctx, ctx->cmd, "give one consent ID and --item ITEM");
	code = parse_id(ctx, argv[optind], "consent id", &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = browse_item_ref(cli_op_at(ctx, org, 0), item_ref, &item, &ctx->err);
	if (code)
		err_prefix(&ctx->err, "--item: ");
	if (!code)
		code = consent_link(&ctx->op, id, item, &linked, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:I,s:b}", "consent", (json_int_t)id, "item",
		                         (json_int_t)item, "linked", linked));
	else
		printf("consent %lld %s item %lld\n", (long long)id,
		       linked ? "linked to" : "was already linked to", (long long)item);
	return 0;
}

static int cmd_withdraw(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {0}};
	const char *reason = NULL;
	json_t *res = NULL, *post;
	int64_t org = 0, id = 0;
	size_t i;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1 || !reason)
		return cli_usage(ctx, ctx->cmd, "give one consent ID and --reason TEXT");
	code = parse_id(ctx, argv[optind], "consent id", &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = consent_withdraw(cli_op_at(ctx, org, 0), id, reason, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(res);
		return 0;
	}
	printf("consent %lld withdrawn; %zu posts use it, %lld cases opened\n", (long long)id,
	       json_array_size(json_object_get(res, "posts")),
	       (long long)json_integer_value(json_object_get(res, "cases_opened")));
	json_array_foreach(json_object_get(res, "posts"), i, post)
	{
		json_t *cs = json_object_get(post, "case");

		printf("  item %lld %s %s: %s\n",
		       (long long)json_integer_value(json_object_get(post, "item")),
		       json_string_value(json_object_get(post, "account"))
		               ? json_string_value(json_object_get(post, "account"))
		               : "(no longer captured)",
		       json_string_value(json_object_get(post, "permalink"))
		               ? json_string_value(json_object_get(post, "permalink"))
		               : "",
		       json_is_integer(cs) ? "take down in its case" : "nothing to take down");
		if (json_is_integer(cs))
			printf("    kanalvakt case show %lld\n", (long long)json_integer_value(cs));
	}
	json_decref(res);
	return 0;
}

static int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
	int64_t org = 0, raised = 0;
	int code;

	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "check takes no arguments");
	code = cli_org(ctx, &org);
	if (!code)
		code = consent_check_expired(cli_op_at(ctx, org, 0), &raised, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I}", "new_alerts", (json_int_t)raised));
	else
		printf("%lld new alerts for posts whose consent has ended (kanalvakt alert list)\n",
		       (long long)raised);
	return 0;
}

const struct cli_command cli_cmds_consent[] = {
        {"consent", "add", cmd_add,
         "--person-name NAME [--birth-date YYYY-MM-DD] [--guardian NAME] --scope "
         "ACCOUNT[,ACCOUNT…] "
         "--from YYYY-MM-DD [--to YYYY-MM-DD] --document FILE",
         "register a signed consent to pictures and film of a person (a guardian signs "
         "under [consent] guardian_age)"},
        {"consent", "list", cmd_list, "[--account ACCOUNT] [--active]",
         "the consents, or those of one account, or those in force today"},
        {"consent", "show", cmd_show, "ID", "a consent with the posts that use it"},
        {"consent", "link", cmd_link, "ID --item ITEM",
         "note that an own post (upprättad) uses the consent"},
        {"consent", "withdraw", cmd_withdraw, "ID --reason TEXT",
         "withdraw a consent: lists its posts and opens a case to take each down"},
        {"consent", "check", cmd_check, "",
         "alert on posts still up whose consent has ended (also run by notify run)"},
        {0},
};
