/* `kanalvakt gdpr …`: requests under the GDPR (find, extract, erase) and
 * their register (requests, request add, request close). Parsing and
 * printing only; the rules are in records/gdpr. */
#include "cli/cli.h"

#include "records/gdpr.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { O_NAME = 256, O_EMAIL, O_PHONE, O_PNR, O_HANDLE, O_REQUEST, O_OUT, O_REASON, O_DRY };

#define SUBJECT_OPTIONS                                                                            \
	{"name", required_argument, NULL, O_NAME}, {"email", required_argument, NULL, O_EMAIL},    \
	        {"phone", required_argument, NULL, O_PHONE},                                       \
	        {"personnummer", required_argument, NULL, O_PNR},                                  \
	{                                                                                          \
		"handle", required_argument, NULL, O_HANDLE                                        \
	}

#define SUBJECT_USAGE "--name N | --email E | --phone T | --personnummer P | --handle H"

/* 1 when c was a subject option (stored in s). */
static int subject_option(int c, struct gdpr_subject *s)
{
	switch (c) {
	case O_NAME:
		s->name = optarg;
		return 1;
	case O_EMAIL:
		s->email = optarg;
		return 1;
	case O_PHONE:
		s->phone = optarg;
		return 1;
	case O_PNR:
		s->personnummer = optarg;
		return 1;
	case O_HANDLE:
		s->handle = optarg;
		return 1;
	default:
		return 0;
	}
}

static int has_subject(const struct gdpr_subject *s)
{
	return s->name || s->email || s->phone || s->personnummer || s->handle;
}

/* What find, extract and erase share: the subject, or --request ID whose
 * subject is used. */
struct action_args {
	struct gdpr_subject s;
	struct gdpr_subject_buf from_request;
	int64_t request;
	const char *out, *reason;
	int dry_run;
};

static int parse_action(struct cli_ctx *ctx, int argc, char **argv, struct action_args *a,
                        int64_t *org)
{
	static const struct option opts[] = {SUBJECT_OPTIONS,
	                                     {"request", required_argument, NULL, O_REQUEST},
	                                     {"out", required_argument, NULL, O_OUT},
	                                     {"reason", required_argument, NULL, O_REASON},
	                                     {"dry-run", no_argument, NULL, O_DRY},
	                                     {0}};
	const char *req = NULL;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (subject_option(c, &a->s))
			continue;
		if (c == O_REQUEST)
			req = optarg;
		else if (c == O_OUT && strcmp(ctx->cmd->verb, "extract") == 0)
			a->out = optarg;
		else if (c == O_REASON && strcmp(ctx->cmd->verb, "erase") == 0)
			a->reason = optarg;
		else if (c == O_DRY && strcmp(ctx->cmd->verb, "erase") == 0)
			a->dry_run = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "%s takes no arguments", ctx->cmd->verb);
	if (req && cli_parse_id(req, &a->request))
		return cli_usage(ctx, ctx->cmd, "--request: '%s' is not a request id", req);
	if (req && has_subject(&a->s))
		return cli_usage(ctx, ctx->cmd,
		                 "give either --request ID or whom to look for, not both");
	if (!req && !has_subject(&a->s))
		return cli_usage(ctx, ctx->cmd,
		                 "give whom to look for (" SUBJECT_USAGE ") or --request ID");
	code = cli_org(ctx, org);
	if (!code && req) {
		code = gdpr_request_subject(cli_op_at(ctx, *org, 0), a->request, &a->from_request,
		                            &ctx->err);
		a->s = a->from_request.s;
	}
	return code ? cli_fail(ctx, code) : 0;
}

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static int cmd_find(struct cli_ctx *ctx, int argc, char **argv)
{
	struct action_args a = {0};
	json_t *res = NULL, *p;
	int64_t org = 0;
	size_t i;
	int code = parse_action(ctx, argc, argv, &a, &org);

	if (code)
		return code;
	code = gdpr_find(cli_op_at(ctx, org, 0), &a.s, a.request, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(res);
		return 0;
	}
	printf("%lld places\n", (long long)json_integer_value(json_object_get(res, "total")));
	json_array_foreach(json_object_get(res, "places"), i, p)
	{
		const char *kind = str(p, "kind");
		json_t *id = json_object_get(p, strcmp(kind, "audit") ? "id" : "seq");

		if (strcmp(kind, "item") == 0)
			printf("item\t%lld\t%s/%s\t%s\t%s\n", (long long)json_integer_value(id),
			       str(p, "platform"), str(p, "account"), str(p, "direction"),
			       str(p, "created_at"));
		else
			printf("%s\t%lld\t%s%s\n", kind, (long long)json_integer_value(id),
			       str(p, "state"), str(p, "action"));
	}
	json_decref(res);
	return 0;
}

static int cmd_extract(struct cli_ctx *ctx, int argc, char **argv)
{
	struct action_args a = {0};
	json_t *res = NULL, *f;
	int64_t org = 0;
	size_t i;
	int code = parse_action(ctx, argc, argv, &a, &org);

	if (code)
		return code;
	if (!a.out)
		return cli_usage(ctx, ctx->cmd, "--out DIR is required");
	code = gdpr_extract(cli_op_at(ctx, org, 0), &a.s, a.request, a.out, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(res);
		return 0;
	}
	printf("register extract of %lld places written to %s\n",
	       (long long)json_integer_value(json_object_get(res, "places")), a.out);
	json_array_foreach(json_object_get(res, "files"), i, f)
	        printf("  %s\tsha256 %s\n", str(f, "name"), str(f, "sha256"));
	json_decref(res);
	return 0;
}

static void print_list(json_t *res, const char *key, const char *title)
{
	json_t *e;
	size_t i;

	printf("%s: %zu\n", title, json_array_size(json_object_get(res, key)));
	json_array_foreach(json_object_get(res, key), i, e)
	{
		const char *reason = str(e, "reason");

		if (json_object_get(e, "item"))
			printf("  item %lld %s %s\n",
			       (long long)json_integer_value(json_object_get(e, "item")),
			       str(e, "platform_id"), str(e, "permalink"));
		else
			printf("  %s %lld%s%s\n", str(e, "kind"),
			       (long long)json_integer_value(json_object_get(e, "id")),
			       *reason ? ": " : "", reason);
	}
}

static int cmd_erase(struct cli_ctx *ctx, int argc, char **argv)
{
	struct gdpr_erase_opts o = {0};
	struct action_args a = {0};
	json_t *res = NULL;
	int64_t org = 0;
	int code = parse_action(ctx, argc, argv, &a, &org);

	if (code)
		return code;
	if (!a.reason)
		return cli_usage(ctx, ctx->cmd, "--reason TEXT is required");
	o.reason = a.reason;
	o.dry_run = a.dry_run;
	o.request = a.request;
	code = gdpr_erase(cli_op_at(ctx, org, 0), &a.s, &o, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(res);
		return 0;
	}
	if (o.dry_run)
		printf("dry run: nothing was changed\n");
	print_list(res, "erased", o.dry_run ? "would be erased" : "erased");
	print_list(res, "kept", "kept (may not be erased)");
	print_list(res, "proposed_takedowns", "proposed takedowns on the platforms");
	printf("\n%s\n", str(res, "statement"));
	json_decref(res);
	return 0;
}

static int print_request(void *arg, const struct gdpr_request_row *r)
{
	struct cli_ctx *ctx = arg;
	json_t *v = gdpr_request_view_json(r, ctx->op.now);

	if (ctx->json) {
		cli_print_json(v);
		return 0;
	}
	printf("%lld\t%s\t%s\treceived %s\tdue %s\t%s%s\n", (long long)r->id, r->kind, r->state,
	       r->received, str(v, "due_at"),
	       r->name ? r->name : (r->email ? r->email : (r->handle ? r->handle : "")),
	       json_is_true(json_object_get(v, "overdue")) ? "\tOVERDUE" : "");
	json_decref(v);
	return 0;
}

static int cmd_requests(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"open", no_argument, NULL, 'o'}, {"overdue", no_argument, NULL, 'O'}, {0}};
	struct gdpr_request_filter f = {0};
	int64_t org = 0;
	int overdue = 0, c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			f.open_only = 1;
		else if (c == 'O')
			overdue = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "requests takes no arguments");
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	cli_op_at(ctx, org, 0);
	if (overdue)
		f.due_before = ctx->op.now;
	code = gdpr_request_list(&ctx->op, &f, print_request, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int request_add(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_KIND = 300, O_RECEIVED, O_NOTE };
	static const struct option opts[] = {SUBJECT_OPTIONS,
	                                     {"kind", required_argument, NULL, O_KIND},
	                                     {"received", required_argument, NULL, O_RECEIVED},
	                                     {"note", required_argument, NULL, O_NOTE},
	                                     {0}};
	struct gdpr_subject s = {0};
	const char *kind = NULL, *received = NULL, *note = NULL;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (subject_option(c, &s))
			continue;
		if (c == O_KIND)
			kind = optarg;
		else if (c == O_RECEIVED)
			received = optarg;
		else if (c == O_NOTE)
			note = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "request add takes no arguments");
	if (!kind || !received)
		return cli_usage(ctx, ctx->cmd,
		                 "--kind access|erasure and --received DATE are "
		                 "required");
	code = cli_org(ctx, &org);
	if (!code)
		code = gdpr_request_add(cli_op_at(ctx, org, 0), kind, &s, received, note, &id,
		                        &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		struct gdpr_request_filter f = {.id = id};

		return gdpr_request_list(&ctx->op, &f, print_request, ctx, &ctx->err)
		               ? cli_fail(ctx, KV_EIO)
		               : 0;
	}
	printf("request %lld registered\n", (long long)id);
	return 0;
}

static int request_close(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"outcome", required_argument, NULL, 'o'}, {0}};
	const char *outcome = NULL;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			outcome = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1 || !outcome)
		return cli_usage(ctx, ctx->cmd, "give one request ID and --outcome TEXT");
	if (cli_parse_id(argv[optind], &id))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a request id", argv[optind]);
	code = cli_org(ctx, &org);
	if (!code)
		code = gdpr_request_close(cli_op_at(ctx, org, 0), id, outcome, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "closed"));
	else
		printf("request %lld closed\n", (long long)id);
	return 0;
}

static int cmd_request(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(ctx, ctx->cmd, "give add or close");
	if (strcmp(argv[1], "add") == 0)
		return request_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "close") == 0)
		return request_close(ctx, argc - 1, argv + 1);
	return cli_usage(ctx, ctx->cmd, "'%s' is not add or close", argv[1]);
}

const struct cli_command cli_cmds_gdpr[] = {
        {"gdpr", "find", cmd_find, SUBJECT_USAGE " | --request ID",
         "every place a person occurs: items and versions, cases, questions, consents, "
         "mail, the register, the audit log"},
        {"gdpr", "extract", cmd_extract, "(" SUBJECT_USAGE " | --request ID) --out DIR",
         "the register extract (art. 15) as JSON and PDF/A"},
        {"gdpr", "erase", cmd_erase, "(" SUBJECT_USAGE " | --request ID) --reason TEXT [--dry-run]",
         "erase what may go (art. 17), list what the law keeps and why, propose takedowns"},
        {"gdpr", "requests", cmd_requests, "[--open] [--overdue]",
         "the register of requests, each due one month after it came in (art. 12.3)"},
        {"gdpr", "request", cmd_request,
         "add --kind access|erasure (" SUBJECT_USAGE ") --received YYYY-MM-DD [--note TEXT] | "
         "close ID --outcome TEXT",
         "register a request, or close it"},
        {0},
};
