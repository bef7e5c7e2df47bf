/* `kanalvakt vault …`: the credentials vault (init, add, list, show, rotate,
 * grant, revoke). Parsing and printing only; the rules and the cryptography
 * are in vault/vault. A secret is read from standard input (from a terminal
 * without echo), never from an argument, which ps would show. */
#include "cli/cli.h"

#include "base/config.h"
#include "cli/cli_table.h"
#include "store/vault_rows.h"
#include "vault/vault.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static int load_opts(struct cli_ctx *ctx, struct vault_opts *o)
{
	struct config *cfg = cli_config(ctx);

	if (!cfg && ctx->err.code)
		return cli_fail(ctx, ctx->err.code);
	if (vault_opts_load(o, cfg, &ctx->err))
		return cli_fail(ctx, ctx->err.code);
	return 0;
}

static int one_id(struct cli_ctx *ctx, int argc, char **argv, int first, int64_t *id)
{
	if (first >= argc || argc - first != 1)
		return cli_usage(ctx, ctx->cmd, "give one secret ID");
	if (cli_parse_id(argv[first], id))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a secret id (a positive number)",
		                 argv[first]);
	return 0;
}

static int cmd_init(struct cli_ctx *ctx, int argc, char **argv)
{
	struct vault_opts o;
	int64_t org = 0;
	int code;

	(void)argv;
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "init takes no arguments");
	code = load_opts(ctx, &o);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = vault_init(cli_op_at(ctx, org, 0), &o, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:b}", "created", 1));
	else
		printf("vault key created (Argon2id, %llu passes, %zu MiB)\n", o.ops_limit,
		       o.mem_limit >> 20);
	return 0;
}

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
	                                     {"label", required_argument, NULL, 'l'},
	                                     {0}};
	const char *kind = NULL, *label = NULL;
	struct vault_opts o;
	unsigned char *secret = NULL;
	size_t len = 0;
	int64_t org = 0, id = 0;
	int c, code, created = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			kind = optarg;
		else if (c == 'l')
			label = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one ACCOUNT");
	if (!kind)
		return cli_usage(ctx, ctx->cmd,
		                 "give --kind password, token, app-secret or webhook-secret");
	code = load_opts(ctx, &o);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = vault_read_secret(stdin, "Hemlighet: ", &secret, &len, &ctx->err);
	if (!code)
		code = vault_add(cli_op_at(ctx, org, 0), &o, argv[optind], kind, label, secret, len,
		                 &id, &created, &ctx->err);
	vault_secret_free(secret, VAULT_SECRET_MAX + 1);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(
		        json_pack("{s:I,s:b}", "id", (json_int_t)id, "key_created", created));
	else
		printf("%ssecret %lld stored; grant it to at least two people (vault grant %lld "
		       "--person E-MAIL)\n",
		       created ? "vault key created; " : "", (long long)id, (long long)id);
	return 0;
}

static const struct cli_col cols[] = {{"id", 4, 1},      {"account", 28, 0}, {"kind", 14, 0},
                                      {"version", 7, 1}, {"people", 6, 1},   {"label", 0, 0}};

struct printer {
	struct cli_ctx *ctx;
	size_t n;
};

static int print_row(void *arg, const struct vault_secret_row *r)
{
	struct printer *p = arg;
	char id[24], ver[24], people[24];
	const char *cells[6];

	if (p->ctx->json) {
		cli_print_json(vault_secret_json(r));
		p->n++;
		return 0;
	}
	if (!p->n++)
		cli_table_header(stdout, cols, 6);
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	snprintf(ver, sizeof(ver), "%lld", (long long)r->version);
	snprintf(people, sizeof(people), "%lld", (long long)r->n_people);
	cells[0] = id;
	cells[1] = r->account;
	cells[2] = r->kind;
	cells[3] = ver;
	cells[4] = people;
	cells[5] = r->label ? r->label : "";
	cli_table_row(stdout, cols, 6, cells);
	return 0;
}

static int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'}, {0}};
	struct printer p = {ctx, 0};
	const char *acc = NULL;
	int64_t org = 0;
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
	if (!code)
		code = vault_list(cli_op_at(ctx, org, 0), acc, print_row, &p, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json && !p.n)
		printf("no secrets in the vault\n");
	return 0;
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"reveal", no_argument, NULL, 'r'}, {"reason", required_argument, NULL, 'R'}, {0}};
	const char *reason = NULL;
	struct vault_opts o;
	unsigned char *secret = NULL;
	size_t len = 0;
	json_t *v = NULL;
	int64_t org = 0, id = 0;
	int c, code, reveal = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reveal = 1;
		else if (c == 'R')
			reason = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	code = one_id(ctx, argc, argv, optind, &id);
	if (code)
		return code;
	if (reason && !reveal)
		return cli_usage(ctx, ctx->cmd, "--reason goes with --reveal");
	if (reveal && !reason)
		return cli_usage(ctx, ctx->cmd, "--reveal needs --reason TEXT (it is logged)");
	code = load_opts(ctx, &o);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = vault_show(cli_op_at(ctx, org, 0), id, &v, &ctx->err);
	if (!code && reveal)
		code = vault_reveal(&ctx->op, &o, id, reason, &secret, &len, &ctx->err);
	if (code) {
		json_decref(v);
		return cli_fail(ctx, code);
	}
	if (ctx->json) {
		if (reveal)
			json_object_set_new(v, "secret", json_stringn((const char *)secret, len));
		cli_print_json(v);
	} else if (reveal) {
		json_decref(v);
		fwrite(secret, 1, len, stdout);
		fputc('\n', stdout);
	} else {
		json_t *people = json_object_get(v, "people");
		size_t i;
		json_t *e;

		printf("secret %lld: %s on %s, version %lld\n", (long long)id,
		       json_string_value(json_object_get(v, "kind")),
		       json_string_value(json_object_get(v, "account")),
		       (long long)json_integer_value(json_object_get(v, "version")));
		if (json_string_value(json_object_get(v, "label")))
			printf("  label:   %s\n", json_string_value(json_object_get(v, "label")));
		printf("  stored:  %s by %s\n", json_string_value(json_object_get(v, "created_at")),
		       json_string_value(json_object_get(v, "created_by")));
		if (json_string_value(json_object_get(v, "rotated_at")))
			printf("  rotated: %s by %s\n",
			       json_string_value(json_object_get(v, "rotated_at")),
			       json_string_value(json_object_get(v, "rotated_by")));
		printf("  people:  %s", json_array_size(people) ? "" : "none");
		json_array_foreach(people, i, e)
		        printf("%s%s", i ? ", " : "", json_string_value(e));
		printf("%s\n",
		       json_array_size(people) < 2 ? "  (fewer than two: TI asks for two)" : "");
		json_decref(v);
	}
	vault_secret_free(secret, len + 1);
	return 0;
}

static int cmd_rotate(struct cli_ctx *ctx, int argc, char **argv)
{
	struct vault_opts o;
	unsigned char *secret = NULL;
	size_t len = 0;
	int64_t org = 0, id = 0, version = 0;
	int code = one_id(ctx, argc, argv, 1, &id);

	if (code)
		return code;
	code = load_opts(ctx, &o);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = vault_read_secret(stdin, "Ny hemlighet: ", &secret, &len, &ctx->err);
	if (!code)
		code = vault_rotate(cli_op_at(ctx, org, 0), &o, id, secret, len, &version,
		                    &ctx->err);
	vault_secret_free(secret, VAULT_SECRET_MAX + 1);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:I}", "id", (json_int_t)id, "version",
		                         (json_int_t)version));
	else
		printf("secret %lld is now version %lld; the old version is destroyed\n",
		       (long long)id, (long long)version);
	return 0;
}

static int change(struct cli_ctx *ctx, int argc, char **argv, int grant)
{
	static const struct option opts[] = {{"person", required_argument, NULL, 'p'}, {0}};
	const char *person = NULL;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			person = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	code = one_id(ctx, argc, argv, optind, &id);
	if (code)
		return code;
	if (!person)
		return cli_usage(ctx, ctx->cmd, "give --person E-MAIL");
	code = cli_org(ctx, &org);
	if (!code)
		code = grant ? vault_grant(cli_op_at(ctx, org, 0), id, person, &ctx->err)
		             : vault_revoke(cli_op_at(ctx, org, 0), id, person, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "person", person,
		                         "granted", grant));
	else
		printf("%s %s the use of secret %lld\n", person, grant ? "has" : "no longer has",
		       (long long)id);
	return 0;
}

static int cmd_grant(struct cli_ctx *ctx, int argc, char **argv)
{
	return change(ctx, argc, argv, 1);
}

static int cmd_revoke(struct cli_ctx *ctx, int argc, char **argv)
{
	return change(ctx, argc, argv, 0);
}

struct adopt_printer {
	struct cli_ctx *ctx;
	int dry;
	json_t *list;
};

static int print_adopted(void *arg, const struct vault_adopted *a)
{
	struct adopt_printer *p = arg;

	if (p->ctx->json)
		return json_array_append_new(p->list,
		                             json_pack("{s:s,s:s,s:s,s:i,s:I,s:o}", "section",
		                                       a->section, "key", a->key, "kind", a->kind,
		                                       "line", a->line, "account",
		                                       (json_int_t)a->account, "id",
		                                       a->id ? json_integer(a->id) : json_null()))
		               ? KV_ENOMEM
		               : 0;
	if (p->dry)
		printf("line %d [%s] %s: would move (%s)\n", a->line, a->section, a->key, a->kind);
	else
		printf("line %d [%s] %s = vault:%lld\n", a->line, a->section, a->key,
		       (long long)a->id);
	return 0;
}

static int cmd_adopt(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"dry-run", no_argument, NULL, 'n'},
	                                     {0}};
	struct adopt_printer p = {ctx, 0, NULL};
	const char *acc = NULL;
	struct vault_opts o;
	struct config *cfg;
	size_t n = 0;
	int64_t org = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			acc = optarg;
		else if (c == 'n')
			p.dry = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "adopt takes no arguments");
	code = load_opts(ctx, &o);
	if (code)
		return code;
	cfg = cli_config(ctx);
	p.list = ctx->json ? json_array() : NULL;
	code = cli_org(ctx, &org);
	if (!code)
		code = vault_adopt(cli_op_at(ctx, org, 0), &o, cfg, acc, p.dry, print_adopted, &p,
		                   &n, &ctx->err);
	if (code) {
		json_decref(p.list);
		return cli_fail(ctx, code);
	}
	if (ctx->json)
		cli_print_json(json_pack("{s:b,s:I,s:o}", "dry_run", p.dry, "secrets",
		                         (json_int_t)n, "moved", p.list));
	else if (!n)
		printf("no secret is written in plain text in %s\n",
		       config_file(cfg) ? config_file(cfg) : "the configuration");
	else if (p.dry)
		printf("%zu secret%s would move into the vault\n", n, n == 1 ? "" : "s");
	else
		printf("%zu secret%s moved into the vault; %s now names them\n", n,
		       n == 1 ? "" : "s", config_file(cfg));
	return 0;
}

const struct cli_command cli_cmds_vault[] = {
        {"vault", "init", cmd_init, "",
         "create the vault key, sealed under the passphrase (KANALVAKT_VAULT_PASSPHRASE, "
         "[vault] key_file, or the terminal)"},
        {"vault", "add", cmd_add,
         "ACCOUNT --kind password|token|app-secret|webhook-secret "
         "[--label L] < SECRET",
         "store a shared login or key of an account, encrypted; the secret from standard input"},
        {"vault", "list", cmd_list, "[--account ACCOUNT]",
         "the secrets and who may use each (never the secrets themselves)"},
        {"vault", "show", cmd_show, "ID [--reveal --reason TEXT]",
         "a secret's details; --reveal prints the secret and logs the reason"},
        {"vault", "rotate", cmd_rotate, "ID < NEW-SECRET",
         "replace a secret with a new version (the old one is destroyed)"},
        {"vault", "grant", cmd_grant, "ID --person E-MAIL", "let a person use a secret"},
        {"vault", "revoke", cmd_revoke, "ID --person E-MAIL", "take a person's use away"},
        {"vault", "adopt", cmd_adopt, "[--account ACCOUNT] [--dry-run]",
         "move the secrets written in kanalvakt.conf into the vault, writing vault:ID in "
         "their places"},
        {0},
};
