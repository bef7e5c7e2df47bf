/* Commands for moderation cases and the register of removed content:
 * case list|show|evidence|decide|confirm|register, removed list. Parses and
 * prints; the rules are in workflow/cases. */
#include "cli/cli.h"
#include "cli/cli_table.h"

#include "base/calendar.h"
#include "base/time.h"
#include "registry/registry.h"
#include "store/case_rows.h"
#include "store/store.h"
#include "workflow/browse.h"
#include "workflow/cases.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *fmt_time(char b[CALENDAR_ISO_LEN], int64_t t)
{
	if (!t)
		return "-";
	calendar_format_local(b, t);
	return b;
}

struct list_ctx {
	struct cli_ctx *ctx;
	int64_t now;
	int removed; /* the register of removed content */
	int64_t n;
};

static void snippet(char *out, size_t outsz, const char *text)
{
	size_t n = 0;

	/* One line, cut on a character boundary. */
	for (const char *p = text ? text : ""; *p && n + 1 < outsz; p++)
		out[n++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
	while (n > 0 && n + 1 >= outsz && ((unsigned char)out[n] & 0xC0) == 0x80)
		n--;
	out[n] = '\0';
}

static const struct cli_col case_cols[] = {{"case", 5, 1},     {"state", 20, 0},
                                           {"due", 26, 0},     {"categories", 22, 0},
                                           {"account", 20, 0}, {"text", 0, 0}};
static const struct cli_col removed_cols[] = {
        {"case", 5, 1},          {"state", 8, 0},     {"when", 25, 0},
        {"registration", 14, 0}, {"via", 5, 0},       {"by", 12, 0},
        {"sender", 20, 0},       {"evidence", 12, 0}, {"text", 0, 0}};

static int print_case(void *arg, const struct case_rec *c)
{
	struct list_ctx *l = arg;
	char due[CALENDAR_ISO_LEN], at[CALENDAR_ISO_LEN], text[61], id[24];
	char due_mark[CALENDAR_ISO_LEN + 2], shown[80];

	l->n++;
	if (l->ctx->json) {
		cli_print_json(cases_view_json(c, l->now));
		return 0;
	}
	snippet(text, sizeof(text), c->text);
	snprintf(id, sizeof(id), "%lld", (long long)c->id);
	if (l->removed) {
		const char *cells[] = {id,
		                       c->state,
		                       fmt_time(at, c->takedown_at),
		                       c->registration ? c->registration : c->external_ref,
		                       c->takedown_via,
		                       c->takedown_by,
		                       c->author_name,
		                       c->evidence_sha256,
		                       text};

		cli_table_row(stdout, removed_cols, 9, cells);
		return 0;
	}
	snprintf(due_mark, sizeof(due_mark), "%s%s", fmt_time(due, c->due_at),
	         cases_is_overdue(c, l->now) ? "!" : "");
	snprintf(shown, sizeof(shown), "%s%s", c->history ? "[historik] " : "", text);
	{
		const char *cells[] = {id,   c->state, due_mark, c->categories, c->account_handle,
		                       shown};

		cli_table_row(stdout, case_cols, 6, cells);
	}
	return 0;
}

static int list(struct cli_ctx *ctx, int argc, char **argv, int removed)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"open", no_argument, NULL, 'o'},
	                                     {"overdue", no_argument, NULL, 'O'},
	                                     {0}};
	struct case_filter f = {0};
	struct list_ctx l = {.ctx = ctx, .now = time_now(), .removed = removed};
	const char *account = NULL;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if (c == 'o' && !removed)
			f.open_only = 1;
		else if (c == 'O' && !removed)
			f.due_before = l.now;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	f.taken_down = removed;
	code = cli_org(ctx, &f.org_id);
	if (!code && account)
		code = cli_account(ctx, f.org_id, account, "--account", &f.account_id);
	if (!code && !ctx->json)
		cli_table_header(stdout, removed ? removed_cols : case_cols, removed ? 9 : 6);
	if (!code)
		code = cases_list(cli_op_at(ctx, f.org_id, 0), &f, print_case, &l, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_case_list(struct cli_ctx *ctx, int argc, char **argv)
{
	return list(ctx, argc, argv, 0);
}

static int cmd_removed_list(struct cli_ctx *ctx, int argc, char **argv)
{
	return list(ctx, argc, argv, 1);
}

/* The org and the case id from argv[1]; prints the usage error itself. */
static int org_and_id(struct cli_ctx *ctx, const char *arg, int64_t *org, int64_t *id)
{
	int code;

	if (cli_parse_id(arg, id) != KV_OK)
		return -cli_usage(ctx, ctx->cmd, "'%s' is not a case id", arg ? arg : "");
	code = cli_org(ctx, org);
	return code ? -cli_fail(ctx, code) : 0;
}

static int cmd_case_show(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cases_shown sh;
	struct case_loaded *l;
	int64_t org, id, now = time_now();
	int code, verified;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give one case id");
	code = org_and_id(ctx, argv[1], &org, &id);
	if (code)
		return -code;
	code = cases_show(cli_op_at(ctx, org, now), id, &sh, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	l = sh.l;
	verified = sh.evidence_verified;
	if (ctx->json) {
		cli_print_json(cases_shown_json(&sh, now));
	} else {
		const struct case_rec *c = &l->c;
		char a[CALENDAR_ISO_LEN], b[CALENDAR_ISO_LEN];

		printf("case %lld  %s\n", (long long)c->id, c->state);
		printf("account:      %s/%s\n", c->platform, c->account_handle);
		printf("item:         %lld (%s %s), by %s\n", (long long)c->item_id, c->item_kind,
		       c->item_platform_id, c->author_name ? c->author_name : "-");
		printf("text:         %s\n", c->text);
		printf("categories:   %s\n", c->categories);
		printf("opened:       %s, due %s%s\n", fmt_time(a, c->opened_at),
		       fmt_time(b, c->due_at), cases_is_overdue(c, now) ? " (overdue)" : "");
		if (c->evidence_sha256)
			printf("evidence:     sha256 %s, saved %s, %s\n", c->evidence_sha256,
			       fmt_time(a, c->evidence_at),
			       verified ? "verified (the blob still hashes to it)"
			                : sh.evidence_problem);
		else
			printf("evidence:     not saved (kanalvakt case evidence %lld)\n",
			       (long long)c->id);
		if (c->registration || c->external_ref)
			printf("registration: %s\n",
			       c->registration ? c->registration : c->external_ref);
		if (c->decision)
			printf("decision:     %s by %s at %s%s%s\n", c->decision,
			       c->decided_by ? c->decided_by : "-", fmt_time(a, c->decided_at),
			       c->reason ? ": " : "", c->reason ? c->reason : "");
		if (c->confirmed_by)
			printf("confirmed:    by %s at %s\n", c->confirmed_by,
			       fmt_time(a, c->confirmed_at));
		if (c->takedown_via || c->takedown_result)
			printf("takedown:     %s by %s at %s: %s\n",
			       c->takedown_via ? c->takedown_via : "not done",
			       c->takedown_by ? c->takedown_by : "-", fmt_time(a, c->takedown_at),
			       c->takedown_result ? c->takedown_result : "");
	}
	case_row_loaded_free(l);
	return 0;
}

/* A case opened by hand: for an item the screening did not flag, or one of
 * the account's own (which is never screened). */
static int cmd_case_open(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"categories", required_argument, NULL, 'c'}, {0}};
	const char *cats = NULL;
	int64_t org, item_id = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			cats = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one item (its id or its platform id)");
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	code = browse_item_ref(cli_op_at(ctx, org, 0), argv[optind], &item_id, &ctx->err);
	if (!code)
		code = cases_open(cli_op_at(ctx, org, 0), item_id, cats, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:I}", "case", (json_int_t)id, "item",
		                         (json_int_t)item_id));
	else
		printf("case %lld: opened for item %lld\n", (long long)id, (long long)item_id);
	return 0;
}

static int cmd_case_evidence(struct cli_ctx *ctx, int argc, char **argv)
{
	char sha[HASH_SHA256_HEX_LEN + 1];
	int64_t org, id;
	int code;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give one case id");
	code = org_and_id(ctx, argv[1], &org, &id);
	if (code)
		return -code;
	code = cases_evidence_save(cli_op_at(ctx, org, 0), id, sha, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(
		        json_pack("{s:I,s:s}", "case", (json_int_t)id, "evidence_sha256", sha));
	else
		printf("case %lld: evidence saved, sha256 %s\n", (long long)id, sha);
	return 0;
}

static int load_opts(struct cli_ctx *ctx, struct cases_opts *o, struct cases_takedown *t)
{
	struct config *cfg = cli_config_used(ctx, "takedown");

	if (!cfg)
		return ctx->err.code ? ctx->err.code : KV_EIO;
	t->cfg = cfg;
	return cases_opts_load(o, cfg, &ctx->err);
}

static int print_outcome(struct cli_ctx *ctx, int64_t id, const struct cases_outcome *out)
{
	if (ctx->json) {
		cli_print_json(json_pack("{s:I,s:s,s:b,s:o,s:s}", "case", (json_int_t)id, "state",
		                         out->state, "done", out->done, "via",
		                         out->done ? json_string(out->via_api ? "api" : "hand")
		                                   : json_null(),
		                         "detail", out->detail));
		return 0;
	}
	printf("case %lld: %s\n", (long long)id, out->state);
	if (out->done && out->via_api)
		printf("  done through the platform's API: %s\n", out->detail);
	else if (out->done)
		printf("  recorded as done by hand (%s); make sure it is gone from the "
		       "platform\n",
		       out->detail);
	else if (out->detail[0])
		printf("  %s\n", out->detail);
	return 0;
}

static int cmd_case_decide(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"reason", required_argument, NULL, 'r'}, {"by-hand", no_argument, NULL, 'h'}, {0}};
	struct cases_opts o;
	struct cases_takedown t = {0};
	struct cases_outcome out;
	enum case_decision d;
	const char *reason = NULL;
	int64_t org, id;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else if (c == 'h')
			t.by_hand = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 2)
		return cli_usage(ctx, ctx->cmd, "give a case id and keep, hide or remove");
	if (cases_decision_from_name(argv[optind + 1], &d) != KV_OK)
		return cli_usage(ctx, ctx->cmd, "'%s' is not keep, hide or remove",
		                 argv[optind + 1]);
	code = org_and_id(ctx, argv[optind], &org, &id);
	if (code)
		return -code;
	code = load_opts(ctx, &o, &t);
	if (!code)
		code = cases_decide(cli_op_at(ctx, org, 0), id, d, reason, &o, &t, &out, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	return print_outcome(ctx, id, &out);
}

static int cmd_case_confirm(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"by-hand", no_argument, NULL, 'h'}, {0}};
	struct cases_opts o;
	struct cases_takedown t = {0};
	struct cases_outcome out;
	int64_t org, id;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h')
			t.by_hand = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one case id");
	code = org_and_id(ctx, argv[optind], &org, &id);
	if (code)
		return -code;
	code = load_opts(ctx, &o, &t);
	if (!code)
		code = cases_confirm(cli_op_at(ctx, org, 0), id, &o, &t, &out, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	return print_outcome(ctx, id, &out);
}

static int cmd_case_register(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"series", no_argument, NULL, 's'},
	                                     {"external", required_argument, NULL, 'e'},
	                                     {0}};
	struct cases_opts o;
	struct cases_takedown t = {0};
	char reg[CASES_REG_MAX + 1];
	const char *external = NULL;
	int64_t org, id;
	int c, code, series = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			series = 1;
		else if (c == 'e')
			external = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one case id");
	if (series == !!external)
		return cli_usage(ctx, ctx->cmd, "give either --series or --external REF");
	code = org_and_id(ctx, argv[optind], &org, &id);
	if (code)
		return -code;
	code = load_opts(ctx, &o, &t);
	if (!code)
		code = cases_register(cli_op_at(ctx, org, 0), id, series, external, &o, reg,
		                      &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "case", (json_int_t)id,
		                         series ? "registration" : "external_ref", reg));
	else
		printf("case %lld: registered as %s\n", (long long)id, reg);
	return 0;
}

const struct cli_command cli_cmds_cases[] = {
        {"case", "list", cmd_case_list, "[--open] [--overdue] [--account A]",
         "moderation cases, open ones by due time (! = overdue)"},
        {"case", "show", cmd_case_show, "ID",
         "one case, with its evidence hash checked against the stored blob"},
        {"case", "open", cmd_case_open, "ITEM [--categories C,...]",
         "open a case by hand for an item (its id or platform id), for the categories given "
         "or the item's flags"},
        {"case", "evidence", cmd_case_evidence, "ID",
         "save the evidence (versions, sender, times, thread, flags) and log its hash"},
        {"case", "decide", cmd_case_decide, "ID keep|hide|remove [--reason T] [--by-hand]",
         "decide a case; hide and remove need saved evidence (and four eyes when set)"},
        {"case", "confirm", cmd_case_confirm, "ID [--by-hand]",
         "confirm another person's hide or remove and carry it out"},
        {"case", "register", cmd_case_register, "ID (--series | --external REF)",
         "register a case: the next number of the series, or an external reference"},
        {"removed", "list", cmd_removed_list, "[--account A]",
         "the register of hidden and removed content"},
        {0},
};
