/* Commands for the daily work on accounts: policy settings, the question
 * inbox, the daily review and running the workflow over captured items by
 * hand. Parsing and printing only; the rules are in workflow/. */
#include "cli/cli.h"
#include "cli/cli_table.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/time.h"
#include "registry/registry.h"
#include "store/store.h"
#include "workflow/inbox.h"
#include "workflow/policy.h"
#include "workflow/review.h"
#include "workflow/ingest.h"
#include "workflow/sync.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The organisation, and the account when ref is given (0 otherwise). */
static int org_account(struct cli_ctx *ctx, const char *ref, int64_t *org, int64_t *account)
{
	int code = cli_org(ctx, org);

	*account = 0;
	if (!code && ref) {
		code = cli_account(ctx, *org, ref, "account", account);
	}
	return code;
}

static int parse_id(struct cli_ctx *ctx, const char *s, int64_t *out)
{
	if (cli_parse_id(s, out))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a question id (a positive number)", s);
	return 0;
}

static void fmt_time(char out[CALENDAR_ISO_LEN], int64_t t)
{
	if (t)
		calendar_format_local(out, t);
	else
		snprintf(out, CALENDAR_ISO_LEN, "-");
}

/* ---- policy ---- */

static int print_setting(void *arg, const char *key, const char *value, const char *source)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(
		        json_pack("{s:s,s:s,s:s}", "key", key, "value", value, "source", source));
	else
		printf("%-24s %-24s %s\n", key, *value ? value : "\"\"", source);
	return 0;
}

static int cmd_policy_show(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *account = NULL;
	int64_t org = 0, acc = 0;
	int code;

	code = cli_account_option(ctx, argc, argv, &account);
	if (code)
		return code;
	if (optind != argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = org_account(ctx, account, &org, &acc);
	if (!code)
		code = policy_show(cli_op_at(ctx, org, 0), acc, print_setting, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int policy_change(struct cli_ctx *ctx, int argc, char **argv, int set)
{
	const char *account = NULL;
	int64_t org = 0, acc = 0;
	int code;

	code = cli_account_option(ctx, argc, argv, &account);
	if (code)
		return code;
	if (argc - optind != (set ? 2 : 1))
		return cli_usage(ctx, ctx->cmd, set ? "give KEY and VALUE" : "give KEY");
	code = org_account(ctx, account, &org, &acc);
	if (!code)
		code = set ? policy_set(cli_op_at(ctx, org, 0), acc, argv[optind], argv[optind + 1],
		                        &ctx->err)
		           : policy_unset(cli_op_at(ctx, org, 0), acc, argv[optind], &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:s?,s:s?}", "key", argv[optind], "value",
		                         set ? argv[optind + 1] : NULL, "account", account));
	else if (set)
		printf("%s = %s%s%s\n", argv[optind], argv[optind + 1], account ? " for " : "",
		       account ? account : "");
	else
		printf("%s reset to the default%s%s\n", argv[optind], account ? " for " : "",
		       account ? account : "");
	return 0;
}

static int cmd_policy_set(struct cli_ctx *ctx, int argc, char **argv)
{
	return policy_change(ctx, argc, argv, 1);
}

static int cmd_policy_unset(struct cli_ctx *ctx, int argc, char **argv)
{
	return policy_change(ctx, argc, argv, 0);
}

/* ---- inbox ---- */

struct list_ctx {
	struct cli_ctx *ctx;
	int64_t now;
	size_t n;
};

static const struct cli_col inbox_cols[] = {
        {"question", 8, 1}, {"due", 25, 0},    {"", 9, 0},    {"state", 9, 0},
        {"account", 26, 0}, {"sender", 20, 0}, {"text", 0, 0}};

static int print_question(void *arg, const struct question_row *q)
{
	struct list_ctx *l = arg;
	char arrived[CALENDAR_ISO_LEN], due[CALENDAR_ISO_LEN], answered[CALENDAR_ISO_LEN];
	char id[24];
	struct buf text;
	int overdue = inbox_is_overdue(q, l->now);
	int referral = inbox_needs_referral(q);

	l->n++;
	fmt_time(arrived, q->arrived_at);
	fmt_time(due, q->due_at);
	fmt_time(answered, q->answered_at);
	if (l->ctx->json) {
		cli_print_json(inbox_view_json(q, l->now));
		return 0;
	}
	snprintf(id, sizeof(id), "%lld", (long long)q->id);
	buf_init(&text, 0);
	if (referral)
		buf_puts(&text, "[hänvisas] ");
	buf_puts(&text, q->text);
	{
		const char *cells[] = {id,
		                       due,
		                       overdue ? "FÖRSENAD" : "",
		                       q->state,
		                       q->account,
		                       q->author,
		                       buf_cstr(&text)};

		if (l->n == 1)
			cli_table_header(stdout, inbox_cols, 7);
		cli_table_row(stdout, inbox_cols, 7, cells);
	}
	buf_done(&text);
	if (q->has_response)
		printf("       besvarad %s efter %lld:%02lld arbetstimmar\n", answered,
		       (long long)(q->response_seconds / 3600),
		       (long long)(q->response_seconds % 3600 / 60));
	return 0;
}

static int cmd_inbox_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"state", required_argument, NULL, 's'},
	                                     {"overdue", no_argument, NULL, 'o'},
	                                     {0}};
	static const char *const states[] = {"open",      "answered", "forwarded",
	                                     "no_answer", "referred", "all"};
	struct question_filter f = {0};
	struct list_ctx l = {.ctx = ctx, .now = time_now()};
	const char *account = NULL, *state = "open";
	int c, code, overdue = 0;
	size_t k;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if (c == 's')
			state = optarg;
		else if (c == 'o')
			overdue = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind != argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	for (k = 0; k < sizeof(states) / sizeof(states[0]); k++)
		if (strcmp(states[k], state) == 0)
			break;
	if (k == sizeof(states) / sizeof(states[0]))
		return cli_usage(ctx, ctx->cmd,
		                 "--state: '%s' is not open, answered, forwarded, no_answer, "
		                 "referred or all",
		                 state);
	code = org_account(ctx, account, &f.org, &f.account_id);
	if (code)
		return cli_fail(ctx, code);
	f.state = strcmp(state, "all") == 0 ? NULL : state;
	f.now = l.now;
	if (overdue) {
		f.overdue_at = l.now;
		f.state = "open";
	}
	code = inbox_list(cli_op_at(ctx, f.org, 0), &f, print_question, &l, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json && l.n == 0)
		printf("no questions\n");
	return 0;
}

/* ID plus the options of assign, forward and close. */
static int inbox_args(struct cli_ctx *ctx, int argc, char **argv, int64_t *id, const char **to,
                      const char **note, const char **as, const char **reason)
{
	static const struct option opts[] = {{"to", required_argument, NULL, 't'},
	                                     {"note", required_argument, NULL, 'n'},
	                                     {"as", required_argument, NULL, 'A'},
	                                     {"reason", required_argument, NULL, 'r'},
	                                     {0}};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't' && to)
			*to = optarg;
		else if (c == 'n' && note)
			*note = optarg;
		else if (c == 'A' && as)
			*as = optarg;
		else if (c == 'r' && reason)
			*reason = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one question ID");
	return parse_id(ctx, argv[optind], id);
}

static int done_question(struct cli_ctx *ctx, int code, int64_t id, const char *what)
{
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "done", what));
	else
		printf("question %lld %s\n", (long long)id, what);
	return 0;
}

static int cmd_inbox_assign(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *to = NULL;
	int64_t id = 0, org = 0;
	int code = inbox_args(ctx, argc, argv, &id, &to, NULL, NULL, NULL);

	if (code)
		return code;
	if (!to)
		return cli_usage(ctx, ctx->cmd, "--to EMAIL is required");
	code = cli_org(ctx, &org);
	if (!code)
		code = inbox_assign(cli_op_at(ctx, org, 0), id, to, &ctx->err);
	return done_question(ctx, code, id, "assigned");
}

static int cmd_inbox_forward(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *to = NULL, *note = NULL;
	int64_t id = 0, org = 0;
	int code = inbox_args(ctx, argc, argv, &id, &to, &note, NULL, NULL);

	if (code)
		return code;
	if (!to || !note)
		return cli_usage(ctx, ctx->cmd, "--to and --note are required");
	code = cli_org(ctx, &org);
	if (!code)
		code = inbox_forward(cli_op_at(ctx, org, 0), id, to, note, &ctx->err);
	return done_question(ctx, code, id, "forwarded");
}

static int cmd_inbox_close(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *as = NULL, *reason = NULL;
	int64_t id = 0, org = 0;
	int code = inbox_args(ctx, argc, argv, &id, NULL, NULL, &as, &reason);

	if (code)
		return code;
	if (!as)
		return cli_usage(ctx, ctx->cmd, "--as answered|no_answer|referred is required");
	code = cli_org(ctx, &org);
	if (!code)
		code = inbox_close(cli_op_at(ctx, org, 0), id, as, reason, &ctx->err);
	return done_question(ctx, code, id, "closed");
}

/* ---- review ---- */

static int cmd_review_mark(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"note", required_argument, NULL, 'n'}, {0}};
	const char *note = NULL;
	int64_t org = 0, acc = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			note = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one ACCOUNT");
	code = org_account(ctx, argv[optind], &org, &acc);
	if (!code)
		code = review_mark(cli_op_at(ctx, org, 0), acc, note, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "account",
		                         argv[optind], "reviewed_by", ctx->actor));
	else
		printf("%s reviewed by %s\n", argv[optind], ctx->actor);
	return 0;
}

static int cmd_review_status(struct cli_ctx *ctx, int argc, char **argv)
{
	struct review_state *v = NULL;
	size_t n = 0, missing = 0;
	int64_t org = 0;
	int code;

	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = cli_org(ctx, &org);
	if (!code)
		code = review_status(cli_op_at(ctx, org, 0), &v, &n, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	for (size_t i = 0; i < n; i++) {
		char last[CALENDAR_ISO_LEN], since[CALENDAR_ISO_LEN], due[CALENDAR_ISO_LEN],
		        interval[POLICY_DUR_LEN];

		missing += v[i].missing;
		fmt_time(last, v[i].last_review_at);
		fmt_time(since, v[i].since);
		fmt_time(due, v[i].due_at);
		policy_duration_format(interval, &v[i].interval);
		if (ctx->json)
			cli_print_json(json_pack(
			        "{s:s,s:b,s:s?,s:s?,s:s,s:s?,s:s?}", "account", v[i].account,
			        "missing", v[i].missing, "last_review_at",
			        v[i].last_review_at ? last : NULL, "last_review_by",
			        v[i].last_review_by[0] ? v[i].last_review_by : NULL, "interval",
			        interval, "reviewed_since", v[i].since ? since : NULL, "due_at",
			        v[i].due_at ? due : NULL));
		else
			printf("%-32s %-14s senast %s%s%s\n", v[i].account,
			       v[i].missing ? "EJ BEVAKAT" : "bevakat", last,
			       v[i].last_review_by[0] ? " av " : "", v[i].last_review_by);
	}
	if (!ctx->json && n == 0)
		printf("no active accounts\n");
	free(v);
	return missing ? 1 : 0;
}

/* ---- workflow ---- */

void cli_ingest_warning(const struct ingest_report *rep)
{
	if (rep->sync_rc != KV_OK)
		fprintf(stderr, "kanalvakt: warning: captured items were stored, but %s\n",
		        rep->sync_err.msg);
}

static int cmd_workflow_sync(struct cli_ctx *ctx, int argc, char **argv)
{
	struct workflow_sync_report r;
	int64_t org = 0;
	int code;

	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	code = workflow_sync(cli_op_at(ctx, org, 0), &r, &ctx->err);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:I,s:I,s:I,s:I,s:i}", "questions_opened",
		                         (json_int_t)r.questions_opened, "questions_answered",
		                         (json_int_t)r.questions_answered, "questions_history",
		                         (json_int_t)r.questions_history, "cases_opened",
		                         (json_int_t)r.cases_opened, "cases_reopened",
		                         (json_int_t)r.cases_reopened, "parts_failed",
		                         r.parts_failed));
	else
		printf("%lld questions opened, %lld answered, %lld history (closed); %lld cases "
		       "opened, %lld reopened\n",
		       (long long)r.questions_opened, (long long)r.questions_answered,
		       (long long)r.questions_history, (long long)r.cases_opened,
		       (long long)r.cases_reopened);
	return code ? cli_fail(ctx, code) : 0;
}

const struct cli_command cli_cmds_workflow[] = {
        {"policy", "show", cmd_policy_show, "[--account ACCOUNT]",
         "show the policy settings in force and where each comes from"},
        {"policy", "set", cmd_policy_set, "KEY VALUE [--account ACCOUNT]",
         "set a policy value for the organisation or one account"},
        {"policy", "unset", cmd_policy_unset, "KEY [--account ACCOUNT]",
         "remove a policy value so the default applies again"},
        {"inbox", "list", cmd_inbox_list,
         "[--overdue] [--account ACCOUNT] [--state open|answered|forwarded|no_answer|referred|all]",
         "list questions, overdue first"},
        {"inbox", "assign", cmd_inbox_assign, "ID --to EMAIL", "assign a question to a person"},
        {"inbox", "forward", cmd_inbox_forward, "ID --to EMAIL|UNIT --note TEXT",
         "forward a question to a person or a unit"},
        {"inbox", "close", cmd_inbox_close, "ID --as answered|no_answer|referred [--reason TEXT]",
         "close a question by hand"},
        {"review", "mark", cmd_review_mark, "ACCOUNT [--note TEXT]",
         "record that you reviewed an account today"},
        {"review", "status", cmd_review_status, "",
         "list active accounts and whether their review is missing (exit 1 if any is)"},
        {"workflow", "sync", cmd_workflow_sync, "",
         "open and close questions (and cases) from captured items"},
        {0},
};
