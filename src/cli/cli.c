/* Dispatch of `kanalvakt [global options] <noun> <verb> ...`, global options,
 * lazy store opening, error printing and exit codes. Commands live in
 * cmd_<noun>.c; this file only routes. */
#include "cli/cli.h"

#include "vault/vault.h"

#include "base/time.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/hash.h"
#include "capture/screener.h"
#include "registry/registry.h"
#include "screen/screen.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct cli_command *const tables[] = {
        cli_cmds_register, cli_cmds_audit,   cli_cmds_capture,  cli_cmds_screen, cli_cmds_calendar,
        cli_cmds_fetch,    cli_cmds_serve,   cli_cmds_workflow, cli_cmds_cases,  cli_cmds_notify,
        cli_cmds_archive,  cli_cmds_records, cli_cmds_disclose, cli_cmds_user,   cli_cmds_answer,
        cli_cmds_consent,  cli_cmds_gdpr,    cli_cmds_draft,    cli_cmds_vault,  cli_cmds_policydoc,
        cli_cmds_house,    cli_cmds_migrate,
};

static void print_commands(FILE *f)
{
	fprintf(f, "usage: kanalvakt [--data-dir DIR] [--config FILE] [--org NAME] [--as WHO] "
	           "[--json] "
	           "<noun> "
	           "<verb> [options]\n\ncommands:\n");
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++)
			fprintf(f, "  %-10s %-12s %s\n", c->noun, c->verb ? c->verb : "",
			        c->summary);
	fprintf(f, "\nGlobal options:\n"
	           "  --data-dir DIR  data directory (default $KANALVAKT_DATA or ./var)\n"
	           "  --config FILE   configuration file (default DIR/kanalvakt.conf)\n"
	           "  --database URL  PostgreSQL (postgresql://…; default [database] url, else\n"
	           "                  SQLite in the data directory)\n"
	           "  --org NAME      the organisation (needed when several share the data "
	           "directory)\n"
	           "  --rules DIR     screening rules (default $KANALVAKT_RULES, ./rules)\n"
	           "  --as WHO        the person acting, for the audit log (default "
	           "$KANALVAKT_USER or $USER)\n"
	           "  --json          print data as JSON (a list as JSON Lines)\n"
	           "Every command takes --help.\n"
	           "Exit status: 0 ok, 1 checks found problems, 2 bad input or usage, 3 internal "
	           "error.\n");
}

static const struct cli_command *find(const char *noun, const char *verb, int *noun_known)
{
	*noun_known = 0;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++) {
			if (strcmp(c->noun, noun) != 0)
				continue;
			*noun_known = 1;
			if (!c->verb || (verb && strcmp(c->verb, verb) == 0))
				return c;
		}
	return NULL;
}

static void print_noun(FILE *f, const char *noun)
{
	fprintf(f, "usage: kanalvakt %s <verb> ...\n\nverbs:\n", noun);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct cli_command *c = tables[t]; c->noun; c++)
			if (strcmp(c->noun, noun) == 0)
				fprintf(f, "  %-12s %s\n", c->verb ? c->verb : "", c->summary);
}

/* Only init creates a data directory: any other command on a directory
 * without a database (a mistyped --data-dir) is refused, creating nothing. */
static int data_dir_exists(struct cli_ctx *ctx)
{
	char path[4200];
	struct stat st;

	if (ctx->cmd && strcmp(ctx->cmd->noun, "init") == 0)
		return 1;
	snprintf(path, sizeof(path), "%s/kanalvakt.db", ctx->data_dir);
	if (stat(ctx->data_dir, &st) != 0) {
		err_set(&ctx->err, KV_ENOTFOUND,
		        "data directory %s does not exist (check --data-dir or $KANALVAKT_DATA;"
		        " 'kanalvakt init --org NAME' creates one)",
		        ctx->data_dir);
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(&ctx->err, KV_EINVAL, "data directory %s is not a directory",
		        ctx->data_dir);
		return 0;
	}
	if (!store_database() && stat(path, &st) != 0) {
		err_set(&ctx->err, KV_ENOTFOUND,
		        "%s holds no kanalvakt database (check --data-dir or $KANALVAKT_DATA;"
		        " 'kanalvakt init --org NAME' creates one)",
		        ctx->data_dir);
		return 0;
	}
	return 1;
}

/* The database: --database URL, else [database] url in the configuration,
 * else SQLite in the data directory. */
static int choose_database(struct cli_ctx *ctx)
{
	const char *url = ctx->database;
	struct config *cfg;

	if (!url) {
		cfg = cli_config(ctx);
		if (!cfg)
			return 0;
		url = config_get(cfg, "database", "url", NULL);
	}
	if (url && *url && !store_database_is_pg(url)) {
		err_set(&ctx->err, KV_EINVAL,
		        "database '%.40s': not a PostgreSQL URL "
		        "(postgresql://USER:PASSWORD@HOST/DB);"
		        " without one the database is SQLite in the data directory",
		        url);
		return 0;
	}
	store_set_database(url);
	return 1;
}

struct store *cli_store(struct cli_ctx *ctx)
{
	if (!ctx->store && !choose_database(ctx))
		return NULL;
	if (!ctx->store && !data_dir_exists(ctx))
		return NULL;
	if (!ctx->store && store_open(&ctx->store, ctx->data_dir, &ctx->err) != KV_OK)
		return NULL;
	return ctx->store;
}

struct config *cli_config(struct cli_ctx *ctx)
{
	char path[4096];

	if (ctx->cfg)
		return ctx->cfg;
	if (ctx->config) {
		if (config_load(&ctx->cfg, ctx->config, 0, &ctx->err) != KV_OK)
			return NULL;
		return ctx->cfg;
	}
	snprintf(path, sizeof(path), "%s/kanalvakt.conf", ctx->data_dir);
	if (config_load(&ctx->cfg, path, 1, &ctx->err) != KV_OK)
		return NULL;
	return ctx->cfg;
}

struct capture_screener *cli_screener(struct cli_ctx *ctx)
{
	char buf[4200];

	if (!ctx->screener &&
	    capture_screener_new(&ctx->screener, screen_rules_dir(ctx->rules, buf, sizeof(buf)),
	                         &ctx->err) != KV_OK)
		return NULL;
	return ctx->screener;
}

int cli_config_secrets(struct cli_ctx *ctx, int64_t org, const char *use)
{
	struct vault_opts o;
	size_t n = 0;
	int rc;

	if (ctx->secrets_resolved)
		return 0;
	if (!cli_config(ctx))
		return ctx->err.code ? ctx->err.code : KV_EIO;
	rc = vault_opts_load(&o, ctx->cfg, &ctx->err);
	if (!rc)
		rc = vault_resolve_config(cli_op_at(ctx, org, 0), &o, ctx->cfg,
		                          strcmp(use, "serve") == 0 ? use : NULL, &n, &ctx->err);
	ctx->secrets_resolved = !rc;
	return rc;
}

struct config *cli_config_used(struct cli_ctx *ctx, const char *use)
{
	int64_t org = 0;

	if (cli_org(ctx, &org) || cli_config_secrets(ctx, org, use)) {
		if (!ctx->err.code)
			err_set(&ctx->err, KV_EIO, "the configuration could not be read");
		return NULL;
	}
	return ctx->cfg;
}

int cli_org(struct cli_ctx *ctx, int64_t *out)
{
	struct store *s = cli_store(ctx);

	if (!s)
		return ctx->err.code ? ctx->err.code : KV_EIO;
	return register_row_org_find(s, ctx->org_name, out, &ctx->err);
}

int cli_op(struct cli_ctx *ctx, struct op_ctx *out)
{
	int64_t org = 0;
	int rc = cli_org(ctx, &org);

	if (rc)
		return rc;
	op_ctx_init(out, ctx->store, org, &ctx->who, time_now());
	return KV_OK;
}

const struct op_ctx *cli_op_at(struct cli_ctx *ctx, int64_t org, int64_t now)
{
	op_ctx_init(&ctx->op, ctx->store, org, &ctx->who, now ? now : time_now());
	return &ctx->op;
}

int cli_parse_id(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return KV_EINVAL; /* strtoll would skip spaces and take a sign */
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || !end || *end || v <= 0)
		return KV_EINVAL;
	*out = v;
	return KV_OK;
}

int cli_account_option(struct cli_ctx *ctx, int argc, char **argv, const char **account)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'}, {0}};
	int c;

	*account = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		*account = optarg;
	}
	return 0;
}

int cli_account(struct cli_ctx *ctx, int64_t org, const char *ref, const char *field, int64_t *out)
{
	struct op_ctx op;
	int code;

	op_ctx_init(&op, ctx->store, org, &ctx->who, time_now());
	code = registry_account_find(&op, ref, out, &ctx->err);
	return code ? err_prefix(&ctx->err, "%s: ", field) : KV_OK;
}

int cli_fail(struct cli_ctx *ctx, int code)
{
	fprintf(stderr, "kanalvakt: %s\n", ctx->err.msg[0] ? ctx->err.msg : err_name(code));
	return err_exit_code(code);
}

static void print_usage(FILE *f, const struct cli_command *cmd)
{
	fprintf(f, "usage: kanalvakt %s%s%s %s\n%s\n", cmd->noun, cmd->verb ? " " : "",
	        cmd->verb ? cmd->verb : "", cmd->usage ? cmd->usage : "", cmd->summary);
}

int cli_usage(struct cli_ctx *ctx, const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kanalvakt %s%s%s: ", cmd->noun, cmd->verb ? " " : "",
	        cmd->verb ? cmd->verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr, cmd);
	return 2;
}

int cli_bad_option(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	const char *arg = NULL;

	/* A refused short option in the middle of a cluster ("-skolan": 's')
	 * leaves optind at that argument; anything else leaves it just past
	 * the offending one. optopt is a plain char, so the first byte of
	 * "-öppnar" is negative. */
	if (optopt != 0 && optind < argc && argv[optind][0] == '-' && argv[optind][1] != '-' &&
	    strchr(argv[optind] + 1, (char)optopt))
		arg = argv[optind];
	else if (optind > 0 && optind <= argc)
		arg = argv[optind - 1];
	if (arg && arg[0] == '-' && arg[1] != '-' && arg[1])
		return cli_usage(ctx, cmd, "unknown option '%s' (options start with --)%s", arg,
		                 cmd && strcmp(cmd->noun, "search") == 0
		                         ? "; a word to leave out goes inside the quoted query, "
		                           "as in 'badhuset -skolan'"
		                         : "");
	return cli_usage(ctx, cmd, "unknown option '%s', or it needs a value", arg ? arg : "?");
}

int cli_wants_help(const struct cli_command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout, cmd);
			return 1;
		}
	}
	return 0;
}

int cli_read_file(struct cli_ctx *ctx, const char *path, const char *what, struct buf *b,
                  size_t max)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[4096];
	size_t n;
	int rc = KV_OK;

	if (!f)
		return err_set(&ctx->err, KV_EINVAL, "%s %s: %s", what, path, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > max)
			rc = err_set(&ctx->err, KV_EINVAL, "%s %s: longer than %zu bytes", what,
			             path, max);
		else if (buf_put(b, chunk, n))
			rc = err_set(&ctx->err, KV_ENOMEM, "out of memory");
	}
	if (!rc && ferror(f))
		rc = err_set(&ctx->err, KV_EIO, "%s %s: cannot read it", what, path);
	if (f != stdin)
		fclose(f);
	return rc;
}

void cli_print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(v);
}

static const char *default_actor(void)
{
	const char *a = getenv("KANALVAKT_USER");

	if (!a || !*a)
		a = getenv("USER");
	return a && *a ? a : "cli";
}

/* The value slot of global option a ("--data-dir"), or NULL when a is not
 * one that takes a value. */
static const char **global_target(struct cli_ctx *ctx, const char *a, size_t len)
{
	static const char *const names[] = {"--data-dir", "--config", "--as",
	                                    "--org",      "--rules",  "--database"};
	const char **slots[] = {&ctx->data_dir, &ctx->config, &ctx->actor,
	                        &ctx->org_name, &ctx->rules,  &ctx->database};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == len && memcmp(names[k], a, len) == 0)
			return slots[k];
	return NULL;
}

/* 1 when the command's usage names option `name` as its own (inbox close
 * --as, screen --rules): then the command gets it, not the global option. */
static int command_owns(const struct cli_command *cmd, const char *name, size_t len)
{
	const char *u = cmd->usage;

	while (u && (u = strstr(u, name)) != NULL) {
		char next = u[len];

		if (next == ' ' || next == ']' || next == '=' || next == '\0')
			return 1;
		u += len;
	}
	return 0;
}

/* Takes the global options given after the command (`inbox list --json`,
 * `account edit 1 --as anna`, `--data-dir=DIR`) out of argv, as git does;
 * `--` ends them. The new argc, or -1 after printing what is wrong. */
static int take_globals(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	int out = 1, i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t len;
		const char **target;

		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0) {
			argv[out++] = argv[i];
			continue;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (command_owns(cmd, a, len)) {
			argv[out++] = argv[i];
			continue;
		}
		if (!eq && strcmp(a, "--json") == 0) {
			ctx->json = 1;
			continue;
		}
		target = global_target(ctx, a, len);
		if (!target) {
			argv[out++] = argv[i];
			continue;
		}
		if (eq) {
			*target = eq + 1;
		} else if (i + 1 < argc && *argv[i + 1]) {
			*target = argv[++i];
		} else {
			fprintf(stderr, "kanalvakt: option '%s' needs a value\n", a);
			return -1;
		}
		if (!**target) {
			fprintf(stderr, "kanalvakt: option '%.*s' needs a value\n", (int)len, a);
			return -1;
		}
	}
	for (; i < argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}

int cli_run(int argc, char **argv)
{
	struct cli_ctx ctx = {0};
	const struct cli_command *cmd;
	const char *noun, *verb;
	int i = 1, rc, noun_known;
	const char *env_dir = getenv("KANALVAKT_DATA");

	ctx.data_dir = env_dir && *env_dir ? env_dir : "./var";
	ctx.actor = default_actor();
	if (hash_init() != KV_OK) {
		fprintf(stderr, "kanalvakt: cannot initialise libsodium\n");
		return 3;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char **target = NULL;

		if (strcmp(a, "--json") == 0) {
			ctx.json = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_commands(stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("kanalvakt %s\n", KV_VERSION);
			return 0;
		}
		{
			const char *eq = strchr(a, '=');

			target = global_target(&ctx, a, eq ? (size_t)(eq - a) : strlen(a));
			if (target && eq) {
				*target = eq + 1;
				if (!eq[1]) {
					fprintf(stderr, "kanalvakt: option '%s' needs a value\n",
					        a);
					return 2;
				}
				continue;
			}
		}
		if (!target) {
			fprintf(stderr, "kanalvakt: unknown option '%s'\n", a);
			print_commands(stderr);
			return 2;
		}
		if (i + 1 >= argc || !*argv[i + 1]) {
			fprintf(stderr, "kanalvakt: option '%s' needs a value\n", a);
			return 2;
		}
		*target = argv[++i];
	}
	if (i >= argc) {
		print_commands(stderr);
		return 2;
	}
	noun = argv[i];
	verb = i + 1 < argc ? argv[i + 1] : NULL;
	cmd = find(noun, verb, &noun_known);
	if (!cmd) {
		if (!noun_known) {
			fprintf(stderr, "kanalvakt: unknown command '%s'\n", noun);
			print_commands(stderr);
			return 2;
		}
		if (verb && (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0)) {
			print_noun(stdout, noun);
			return 0;
		}
		fprintf(stderr, "kanalvakt %s: %s '%s'\n", noun,
		        verb ? "unknown verb" : "missing verb", verb ? verb : "");
		print_noun(stderr, noun);
		return 2;
	}
	/* argv for the handler starts at the verb (or the noun when verbless),
	 * so getopt sees argv[0] as the command name. */
	{
		int skip = cmd->verb ? i + 1 : i;
		int n = take_globals(&ctx, cmd, argc - skip, argv + skip);

		if (n < 0)
			return 2;
		argc = n + skip;
		if (cli_wants_help(cmd, argc - skip, argv + skip))
			return 0;
		principal_init_shell(&ctx.who, ctx.actor);
		ctx.cmd = cmd;
		rc = cmd->fn(&ctx, argc - skip, argv + skip);
	}
	store_free(ctx.store);
	config_free(ctx.cfg);
	capture_screener_free(ctx.screener);
	return rc;
}
