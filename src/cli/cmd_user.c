/* `kanalvakt user …` (the users who log in to serve: add, passwd, list,
 * disable, token add) and `kanalvakt stats` (the evaluation figures, as a
 * table, CSV or JSON). A password is read from the terminal with echo off,
 * asked twice; from standard input when it is not a terminal, one line (and
 * a second line, when given, must match it). Passwords are never printed. */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/escape.h"
#include "base/time.h"
#include "http/api.h"
#include "http/views.h"
#include "model/op_ctx.h"
#include "registry/users.h"
#include "store/register_rows.h"
#include "workflow/stats.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define ACCOUNTS_MAX 64

static int read_line(FILE *in, char *out, size_t cap)
{
	size_t n;

	if (!fgets(out, (int)cap, in))
		return 0;
	n = strlen(out);
	if (n && out[n - 1] != '\n' && !feof(in))
		return -1; /* longer than cap */
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 1;
}

static int ask(struct cli_ctx *ctx, const char *prompt, char *out, size_t cap)
{
	struct termios old, quiet;
	int got;

	fputs(prompt, stderr);
	fflush(stderr);
	tcgetattr(STDIN_FILENO, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	got = read_line(stdin, out, cap);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	if (got <= 0)
		return cli_usage(ctx, ctx->cmd, "no password was given");
	return 0;
}

/* The new password into pw (cap bytes). 0, or the exit status. */
static int read_password(struct cli_ctx *ctx, char *pw, size_t cap)
{
	char again[USERS_PASSWORD_MAX + 2];
	int rc = 0;

	if (isatty(STDIN_FILENO)) {
		rc = ask(ctx, "Lösenord: ", pw, cap);
		if (!rc)
			rc = ask(ctx, "Lösenord igen: ", again, sizeof(again));
		if (!rc && strcmp(pw, again) != 0)
			rc = cli_usage(ctx, ctx->cmd, "the two passwords differ");
	} else {
		int got = read_line(stdin, pw, cap), second;

		if (got < 0)
			rc = cli_usage(ctx, ctx->cmd, "password: at most %d bytes",
			               USERS_PASSWORD_MAX);
		else if (got == 0)
			rc = cli_usage(ctx, ctx->cmd,
			               "no password on standard input (one line is read)");
		second = rc ? 0 : read_line(stdin, again, sizeof(again));
		if (!rc && second > 0 && strcmp(pw, again) != 0)
			rc = cli_usage(ctx, ctx->cmd, "the two passwords on standard input differ");
	}
	sodium_memzero(again, sizeof(again));
	return rc;
}

/* The operation context of the shell: the operator acts as --as. */
static int shell_op(struct cli_ctx *ctx, struct op_ctx *op, struct principal *p)
{
	int64_t org = 0;
	int code;

	if (!cli_store(ctx))
		return cli_fail(ctx, ctx->err.code);
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	principal_init_shell(p, ctx->actor);
	op_ctx_init(op, ctx->store, org, p, time_now());
	return 0;
}

struct grant_opts {
	const char *person, *role, *perms, *token;
	const char *accounts[ACCOUNTS_MAX];
	size_t n_accounts;
	int sso; /* user add --sso: no password, logs in by single sign-on */
};

static int parse_grant(struct cli_ctx *ctx, int argc, char **argv, struct grant_opts *g,
                       int with_person, int with_token)
{
	static const struct option opts[] = {{"person", required_argument, NULL, 'p'},
	                                     {"role", required_argument, NULL, 'r'},
	                                     {"account", required_argument, NULL, 'a'},
	                                     {"perms", required_argument, NULL, 'P'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"sso", no_argument, NULL, 's'},
	                                     {0}};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p' && with_person)
			g->person = optarg;
		else if (c == 'r')
			g->role = optarg;
		else if (c == 'P')
			g->perms = optarg;
		else if (c == 'n' && with_token)
			g->token = optarg;
		else if (c == 's' && with_person)
			g->sso = 1;
		else if (c == 'a') {
			if (g->n_accounts == ACCOUNTS_MAX)
				return cli_usage(ctx, ctx->cmd, "--account: at most %d",
				                 ACCOUNTS_MAX);
			g->accounts[g->n_accounts++] = optarg;
		} else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (!g->role)
		return cli_usage(ctx, ctx->cmd,
		                 "--role is required (admin, editor, moderator, "
		                 "advertiser, analyst, archivist, custom)");
	return 0;
}

static int cmd_user_add(struct cli_ctx *ctx, int argc, char **argv)
{
	struct grant_opts g = {0};
	struct users_grant_input in;
	struct users_kdf kdf;
	struct principal p;
	struct op_ctx op;
	char pw[USERS_PASSWORD_MAX + 2];
	const char *name;
	int64_t id = 0;
	int rc = parse_grant(ctx, argc, argv, &g, 1, 0), code;

	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage(ctx, ctx->cmd, "give one user name");
	name = argv[optind];
	if (!cli_config(ctx) && ctx->err.code)
		return cli_fail(ctx, ctx->err.code);
	code = users_kdf_load(&kdf, ctx->cfg, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	rc = shell_op(ctx, &op, &p);
	if (!rc && !g.sso)
		rc = read_password(ctx, pw, sizeof(pw));
	if (rc) {
		sodium_memzero(pw, sizeof(pw));
		return rc;
	}
	in = (struct users_grant_input){g.role, g.perms, g.accounts, g.n_accounts};
	code = users_add(&op, name, g.person, &in, g.sso ? NULL : pw, &kdf, &id, &ctx->err);
	sodium_memzero(pw, sizeof(pw));
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "name", name,
		                         "role", g.role));
	else
		printf("user %s added (%s)\n", name, g.role);
	return 0;
}

static int cmd_user_passwd(struct cli_ctx *ctx, int argc, char **argv)
{
	struct users_kdf kdf;
	struct principal p;
	struct op_ctx op;
	char pw[USERS_PASSWORD_MAX + 2];
	int rc, code;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(ctx, ctx->cmd, "give one user name");
	if (!cli_config(ctx) && ctx->err.code)
		return cli_fail(ctx, ctx->err.code);
	code = users_kdf_load(&kdf, ctx->cfg, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	rc = shell_op(ctx, &op, &p);
	if (!rc)
		rc = read_password(ctx, pw, sizeof(pw));
	if (!rc) {
		code = users_passwd(&op, argv[1], pw, &kdf, &ctx->err);
		rc = code ? cli_fail(ctx, code) : 0;
	}
	sodium_memzero(pw, sizeof(pw));
	if (!rc && ctx->json)
		cli_print_json(json_pack("{s:s,s:s}", "name", argv[1], "done", "passwd"));
	else if (!rc)
		printf("password of %s changed\n", argv[1]);
	return rc;
}

static int cmd_user_disable(struct cli_ctx *ctx, int argc, char **argv)
{
	struct principal p;
	struct op_ctx op;
	int rc, code;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(ctx, ctx->cmd, "give one user name");
	rc = shell_op(ctx, &op, &p);
	if (rc)
		return rc;
	code = users_disable(&op, argv[1], &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:s}", "name", argv[1], "done", "disabled"));
	else
		printf("user %s disabled (sessions ended, tokens revoked)\n", argv[1]);
	return 0;
}

static int print_user(void *arg, const struct user_row *u, const struct principal *p)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json) {
		json_t *me = api_principal_json(p);

		cli_print_json(json_pack(
		        "{s:I,s:s,s:o,s:b,s:O}", "id", (json_int_t)u->id, "name", u->name, "person",
		        u->person_email[0] ? json_string(u->person_email) : json_null(), "disabled",
		        u->disabled, "grants", json_object_get(me, "grants")));
		json_decref(me);
		return 0;
	}
	printf("%-20s %-30s %-9s", u->name, u->person_email[0] ? u->person_email : "-",
	       u->disabled ? "avstängd" : "aktiv");
	for (size_t i = 0; i < p->n_grants; i++) {
		printf(" %s", principal_role_label(p->grants[i].role));
		if (!p->grants[i].all_accounts) {
			printf(" (konton");
			for (size_t k = 0; k < p->grants[i].n_accounts; k++)
				printf(" %lld", (long long)p->grants[i].accounts[k]);
			printf(")");
		}
	}
	printf("\n");
	return 0;
}

static int cmd_user_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct principal p;
	struct op_ctx op;
	int rc, code;

	(void)argv;
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "takes no arguments");
	rc = shell_op(ctx, &op, &p);
	if (rc)
		return rc;
	code = users_list(&op, print_user, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_user_token(struct cli_ctx *ctx, int argc, char **argv)
{
	struct grant_opts g = {0};
	struct users_grant_input in;
	struct principal p;
	struct op_ctx op;
	char secret[USERS_TOKEN_LEN + 1];
	int rc, code;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage(ctx, ctx->cmd, "use: user token add USER --name NAME --role ROLE");
	rc = parse_grant(ctx, argc - 1, argv + 1, &g, 0, 1);
	if (rc)
		return rc;
	if (optind + 2 != argc)
		return cli_usage(ctx, ctx->cmd, "give one user name");
	if (!g.token)
		return cli_usage(ctx, ctx->cmd, "--name: the token's name is required");
	rc = shell_op(ctx, &op, &p);
	if (rc)
		return rc;
	in = (struct users_grant_input){g.role, g.perms, g.accounts, g.n_accounts};
	code = users_token_add(&op, argv[optind + 1], g.token, &in, secret, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	/* The secret is shown this once; only its hash is kept. */
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:s,s:s}", "user", argv[optind + 1], "name", g.token,
		                         "token", secret));
	else
		printf("%s\n", secret);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int cmd_user_roles(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "takes no arguments");
	for (int r = 0; r < ROLE_COUNT; r++) {
		uint32_t perms = principal_role_perms((enum role)r);
		json_t *list = json_array();

		for (uint32_t bit = 1; bit && bit <= PERM_ALL; bit <<= 1)
			if (perms & bit)
				json_array_append_new(list, json_string(principal_perm_name(bit)));
		if (ctx->json) {
			cli_print_json(json_pack(
			        "{s:s,s:s,s:o}", "role", principal_role_name((enum role)r), "label",
			        principal_role_label((enum role)r), "permissions", list));
			continue;
		}
		printf("%-11s %-14s", principal_role_name((enum role)r),
		       principal_role_label((enum role)r));
		for (size_t i = 0; i < json_array_size(list); i++)
			printf(" %s", json_string_value(json_array_get(list, i)));
		printf("%s\n", r == ROLE_CUSTOM ? " (the permissions given with --perms)" : "");
		json_decref(list);
	}
	return 0;
}

static int cmd_api_routes(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "takes no arguments");
	for (const struct api_route *r = api_routes; r->method; r++) {
		const char *perm = r->perm ? principal_perm_name(r->perm) : "";

		if (ctx->json)
			cli_print_json(json_pack("{s:s,s:s,s:b,s:s,s:b}", "method", r->method,
			                         "path", r->pattern, "login", r->auth == API_LOGIN,
			                         "permission", perm, "any_account",
			                         r->any_account));
		else
			printf("%-6s %s%-36s %-6s %s\n", r->method, API_PREFIX, r->pattern,
			       r->auth == API_LOGIN ? "login" : "public", perm);
	}
	return 0;
}

/* ---- stats ---- */

static int parse_day(struct cli_ctx *ctx, const char *opt, const char *v, int64_t *out)
{
	int y, m, d;

	if (time_parse_date(v, &y, &m, &d) != KV_OK ||
	    calendar_from_local(out, y, m, d, 0, 0, 0) != KV_OK)
		return cli_usage(ctx, ctx->cmd, "%s: '%s' is not a date YYYY-MM-DD", opt, v);
	return 0;
}

static void csv_field(struct buf *b, const char *s, int last)
{
	escape_csv(b, s);
	buf_putc(b, last ? '\n' : ',');
}

static void csv_num(struct buf *b, double v, int last)
{
	char t[40] = "";

	if (v >= 0)
		snprintf(t, sizeof(t), "%.2f", v);
	csv_field(b, t, last);
}

static void csv_row(struct buf *b, const struct stats_account *a)
{
	char t[40], cats[600] = "";
	size_t len = 0;

	for (size_t i = 0; i < a->n_cats && len + 40 < sizeof(cats); i++)
		len += (size_t)snprintf(cats + len, sizeof(cats) - len, "%s%s=%lld", i ? " " : "",
		                        a->cats[i].name, (long long)a->cats[i].n);
	csv_field(b, a->account, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->posts);
	csv_field(b, t, 0);
	csv_num(b, a->posts_per_week, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->target);
	csv_field(b, a->target >= 0 ? t : "", 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->questions);
	csv_field(b, t, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->answered_in_time);
	csv_field(b, t, 0);
	csv_num(b, a->in_time_pct, 0);
	csv_num(b, a->median_hours, 0);
	csv_num(b, a->p90_hours, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->comments);
	csv_field(b, t, 0);
	csv_field(b, cats, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->hidden);
	csv_field(b, t, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->removed);
	csv_field(b, t, 0);
	snprintf(t, sizeof(t), "%lld", (long long)a->reach.posts);
	csv_field(b, t, 0);
	for (int f = 0; f < REACH_NFIGURES; f++) {
		snprintf(t, sizeof(t), "%lld", (long long)a->reach.sum.v[f]);
		csv_field(b, a->reach.sum.v[f] >= 0 ? t : "", f + 1 == REACH_NFIGURES);
	}
}

static int cmd_stats(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"csv", no_argument, NULL, 'c'},
	                                     {0}};
	const char *account = NULL, *from_s = NULL, *to_s = NULL;
	struct stats_report rep;
	struct principal p;
	struct op_ctx op;
	int64_t acc = 0, from = 0, to = 0;
	int c, csv = 0, rc, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if (c == 'f')
			from_s = optarg;
		else if (c == 't')
			to_s = optarg;
		else if (c == 'c')
			csv = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!from_s || !to_s)
		return cli_usage(ctx, ctx->cmd, "--from and --to are required");
	if (parse_day(ctx, "--from", from_s, &from) || parse_day(ctx, "--to", to_s, &to))
		return 2;
	to += 86400; /* --to is inclusive */
	rc = shell_op(ctx, &op, &p);
	if (rc)
		return rc;
	if (account) {
		code = register_row_account_find(ctx->store, op.org, account, &acc, &ctx->err);
		if (code) {
			err_prefix(&ctx->err, "--account: ");
			return cli_fail(ctx, code);
		}
	}
	code = stats_compute(&op, acc, from, to, &rep, &ctx->err);
	if (code)
		return cli_fail(ctx, code == KV_EINVAL ? code : code);
	if (ctx->json) {
		cli_print_json(views_stats_json(&rep));
	} else if (csv) {
		struct buf b;

		buf_init(&b, (size_t)64 << 20);
		buf_puts(&b, "account,posts,posts_per_week,target_posts_per_week,questions,"
		             "answered_in_time,answered_in_time_pct,median_response_hours,"
		             "p90_response_hours,comments,comments_by_category,hidden,removed,"
		             "posts_with_figures,reactions,comments_on_posts,shares,views,"
		             "impressions,reach\n");
		for (size_t i = 0; i < rep.n; i++)
			csv_row(&b, &rep.accounts[i]);
		csv_row(&b, &rep.total);
		fwrite(b.ptr ? b.ptr : "", 1, b.len, stdout);
		buf_done(&b);
	} else {
		printf("%-32s %6s %7s %6s %5s %6s %7s %7s %6s %5s\n", "konto", "inlägg", "/vecka",
		       "mål", "frågor", "i tid%", "median", "p90 h", "komm.", "bort");
		for (size_t i = 0; i <= rep.n; i++) {
			const struct stats_account *a = i < rep.n ? &rep.accounts[i] : &rep.total;

			printf("%-32s %6lld %7.1f %6lld %5lld %6.1f %7.1f %7.1f %6lld %5lld\n",
			       a->account, (long long)a->posts, a->posts_per_week,
			       (long long)a->target, (long long)a->questions,
			       a->in_time_pct < 0 ? 0 : a->in_time_pct,
			       a->median_hours < 0 ? 0 : a->median_hours,
			       a->p90_hours < 0 ? 0 : a->p90_hours, (long long)a->comments,
			       (long long)(a->hidden + a->removed));
		}
	}
	stats_report_done(&rep);
	return 0;
}

const struct cli_command cli_cmds_user[] = {
        {"user", "add", cmd_user_add,
         "NAME --role ROLE [--person EMAIL] [--account A]... [--perms P,P] [--sso] (password "
         "on the terminal or stdin; none with --sso: the user logs in by single sign-on)",
         "add a user who logs in to serve, with one role (for all accounts or the ones given)"},
        {"user", "passwd", cmd_user_passwd, "NAME", "set a user's password"},
        {"user", "list", cmd_user_list, "", "list users and their roles"},
        {"user", "disable", cmd_user_disable, "NAME",
         "disable a user: their sessions end, their tokens stop working"},
        {"user", "token", cmd_user_token,
         "add NAME --name TOKEN --role ROLE [--account A]... [--perms P,P]",
         "create an API token for scripts (shown once), scoped to a role"},
        {"user", "roles", cmd_user_roles, "",
         "list the roles and the permissions each holds (the permission table)"},
        {"api", "routes", cmd_api_routes, "",
         "list the JSON API's routes with the permission each needs"},
        {"stats", NULL, cmd_stats, "--from YYYY-MM-DD --to YYYY-MM-DD [--account A] [--csv]",
         "figures per account for a period: posts per week, answers in time, response times, "
         "comments by category, takedowns"},
        {0},
};
