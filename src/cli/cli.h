/* The command-line edge: `kanalvakt [global options] <noun> <verb> [options]`.
 * Each cmd_<noun>.c exports a table of commands; cli.c dispatches, opens the
 * store on demand, prints errors once and maps them to exit codes:
 * 0 ok, 1 checks found problems, 2 bad input or usage, >= 3 internal. */
#ifndef KV_CLI_CLI_H
#define KV_CLI_CLI_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "model/principal.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct buf;
struct ingest_report;
struct store;

struct cli_ctx {
	const char *data_dir;              /* --data-dir, $KANALVAKT_DATA, or ./var */
	const char *config;                /* --config FILE, or <data_dir>/kanalvakt.conf */
	const char *actor;                 /* --as WHO, $KANALVAKT_USER, $USER, or "cli" */
	const char *org_name;              /* --org NAME; NULL = the only organisation */
	int json;                          /* --json */
	struct store *store;               /* opened by cli_store(), closed by cli_run() */
	const struct cli_command *cmd;     /* the command running */
	struct config *cfg;                /* loaded by cli_config() */
	int secrets_resolved;              /* cfg's vault:ID values read (cli_config_secrets) */
	const char *rules;                 /* --rules DIR: screening rules */
	const char *database;              /* --database URL (PostgreSQL), or NULL */
	struct capture_screener *screener; /* loaded by cli_screener() */
	struct principal who;              /* built from actor: the operator's own shell */
	struct op_ctx op;                  /* filled by cli_op_at() */
	struct err err;
};

typedef int (*cli_handler)(struct cli_ctx *ctx, int argc, char **argv);

struct cli_command {
	const char *noun;
	const char *verb; /* NULL for a noun that takes no verb ("init", "screen") */
	cli_handler fn;
	const char *usage;   /* options after "kanalvakt noun verb" */
	const char *summary; /* one line */
};

/* Runs the program; returns the exit status. */
int cli_run(int argc, char **argv);

/* The store under ctx->data_dir, opened on first use (migrations applied).
 * NULL on failure with ctx->err set. */
struct store *cli_store(struct cli_ctx *ctx);

/* The configuration (--config FILE, else <data dir>/kanalvakt.conf when it
 * exists), loaded on first use. NULL on failure with ctx->err set. */
struct config *cli_config(struct cli_ctx *ctx);
/* Replaces the vault:ID values of the loaded configuration with their
 * secrets (vault_resolve_config), once, for use ("fetch", "serve", …; only
 * serve's start is audited); a secret written in plain text is refused. */
int cli_config_secrets(struct cli_ctx *ctx, int64_t org, const char *use);
/* The configuration with its secrets read (cli_config_secrets), for a
 * command that talks to a platform or a mail server; NULL with ctx->err
 * set. */
struct config *cli_config_used(struct cli_ctx *ctx, const char *use);

/* The screening engine (rules from --rules, $KANALVAKT_RULES, ./rules or the
 * source tree), loaded on first use. NULL on failure with ctx->err set. */
struct capture_screener *cli_screener(struct cli_ctx *ctx);

/* The organisation acted on (--org, or the only one). */
int cli_org(struct cli_ctx *ctx, int64_t *out);

/* The operation context of a command: the store (opened), the organisation
 * (cli_org), the principal built from --as and the current time. The CLI is
 * the operator's own shell and is trusted as the named actor with every
 * permission (docs/ARCHITECTURE.md, "Who acts"). On failure ctx->err is set. */
int cli_op(struct cli_ctx *ctx, struct op_ctx *out);

/* ctx->op set to the store (must be open), org, the shell's principal and
 * now (0: the current time), for a feature call. */
const struct op_ctx *cli_op_at(struct cli_ctx *ctx, int64_t org, int64_t now);

/* Reads a positive decimal id (a row id): KV_OK, or KV_EINVAL for anything
 * else (signs, spaces, trailing text, zero, overflow). */
int cli_parse_id(const char *s, int64_t *out);

/* Parses the options of a command whose only option is --account A; sets
 * *account (NULL when not given) and optind to the first operand. Returns 0,
 * or the exit status of a usage error already printed. */
int cli_account_option(struct cli_ctx *ctx, int argc, char **argv, const char **account);

/* Resolves "ID|HANDLE" to an account of org; on failure ctx->err says so,
 * prefixed with field ("--account: ..."). */
int cli_account(struct cli_ctx *ctx, int64_t org, const char *ref, const char *field, int64_t *out);

/* Prints ctx->err (or err when given) to stderr as "kanalvakt: <msg>" and
 * returns the exit status for code. */
int cli_fail(struct cli_ctx *ctx, int code);

/* Prints a usage error for cmd and returns 2. */
int cli_usage(struct cli_ctx *ctx, const struct cli_command *cmd, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* cli_usage for the option getopt_long just refused (it returned '?' or
 * ':'), naming the argument as typed: an unknown option, one that lacks its
 * value, or a short-option cluster such as "-skolan". */
int cli_bad_option(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv);

/* Returns 1 (and prints the usage of cmd to stdout) when argv asks for --help. */
int cli_wants_help(const struct cli_command *cmd, int argc, char **argv);

/* Reads all of the file at path ("-": stdin) into b, at most max bytes.
 * KV_OK, or a code with ctx->err naming what (the option) and the file. */
int cli_read_file(struct cli_ctx *ctx, const char *path, const char *what, struct buf *b,
                  size_t max);

/* Prints one JSON value as a single line on stdout and consumes the reference. */
void cli_print_json(json_t *v);

/* Prints the workflow's failure after an import or fetch (ingest_run) as a
 * warning; it does not change the command's exit status, as what was
 * captured is stored. */
void cli_ingest_warning(const struct ingest_report *rep);

/* Command tables, one per cmd_<noun>.c, each ending with a zeroed entry. */
extern const struct cli_command cli_cmds_register[];
extern const struct cli_command cli_cmds_audit[];
extern const struct cli_command cli_cmds_capture[];
extern const struct cli_command cli_cmds_screen[];
extern const struct cli_command cli_cmds_calendar[];
extern const struct cli_command cli_cmds_serve[];
extern const struct cli_command cli_cmds_fetch[];
extern const struct cli_command cli_cmds_workflow[];
extern const struct cli_command cli_cmds_cases[];
extern const struct cli_command cli_cmds_notify[];
extern const struct cli_command cli_cmds_user[];
extern const struct cli_command cli_cmds_archive[];
extern const struct cli_command cli_cmds_records[];
extern const struct cli_command cli_cmds_disclose[];
extern const struct cli_command cli_cmds_answer[];
extern const struct cli_command cli_cmds_consent[];
extern const struct cli_command cli_cmds_gdpr[];
extern const struct cli_command cli_cmds_draft[];
extern const struct cli_command cli_cmds_vault[];
extern const struct cli_command cli_cmds_policydoc[];
extern const struct cli_command cli_cmds_house[];
extern const struct cli_command cli_cmds_migrate[];
/* The policy documents' review check ([policy] review_warn_days). */
int cli_policydoc_check(struct cli_ctx *ctx, int64_t org, int64_t *raised);

#endif
