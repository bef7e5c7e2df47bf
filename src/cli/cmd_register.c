/* Commands for the register: init, unit, person, account, register export.
 * Parses options, calls registry/, prints text or JSON. */
#include "cli/cli.h"
#include "cli/cli_table.h"

#include "base/buf.h"
#include "base/file.h"
#include "base/time.h"
#include "registry/account_picture.h"
#include "registry/registry.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "workflow/activity.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

/* Prepares getopt for a command's argv (argv[0] is the verb). */
static void opts_reset(void)
{
	optind = 0;
	opterr = 0;
}

/* Reads the options of a closing command, --<key> and --date, into *value and
 * *date (left NULL when absent). Returns 0, or the exit code after an
 * unknown option. */
static int parse_close(struct cli_ctx *ctx, int argc, char **argv, const char *key,
                       const char **value, const char **date)
{
	const struct option opts[] = {
	        {key, required_argument, NULL, 'k'}, {"date", required_argument, NULL, 'd'}, {0}};
	int c;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			*value = optarg;
		else if (c == 'd')
			*date = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	return 0;
}

/* Opens the store and finds the organisation for a registry call. */
static int registry_open(struct cli_ctx *ctx, struct op_ctx *op)
{
	return cli_op(ctx, op);
}

/* The configuration file init leaves in a new data directory: every key
 * commented out with its default, so that `serve` names a file that exists
 * and the user sees what can be set (docs/configuration.md). */
static const char default_conf[] =
        "# Kanalvakt configuration (docs/configuration.md). Every line starting with #\n"
        "# is a comment; remove the # to set a value. This file will hold secrets:\n"
        "# keep it readable only by the user that runs Kanalvakt (chmod 600).\n"
        "\n"
        "# [server]\n"
        "# listen = 127.0.0.1:8080\n"
        "# org = (the only organisation)\n"
        "# notify_interval = 1m\n"
        "\n"
        "# [meta]\n"
        "# app_secret = (the Meta app's secret; serve refuses to start without it)\n"
        "# verify_token = (the verify token typed in the App Dashboard)\n"
        "\n"
        "# [mail]\n"
        "# server = smtp://localhost:25\n"
        "\n"
        "# Platform tokens, one section per account:\n"
        "# [account facebook/HANDLE]\n"
        "# token = ...\n";

static void write_default_conf(struct cli_ctx *ctx)
{
	char path[4200];
	FILE *f;
	int fd;

	if (ctx->config)
		return;
	snprintf(path, sizeof(path), "%s/kanalvakt.conf", ctx->data_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return; /* there is one already (or none can be written: serve says so) */
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return;
	}
	fputs(default_conf, f);
	fclose(f);
}

static int cmd_init(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"org", required_argument, NULL, 'o'}, {0}};
	const struct cli_command *cmd = ctx->cmd;
	const char *org = NULL;
	struct store *s;
	int64_t id = 0;
	int c, rc;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			org = optarg;
		else
			return cli_bad_option(ctx, cmd, argc, argv);
	}
	if (!org)
		org = ctx->org_name;
	if (!org)
		return cli_usage(ctx, cmd, "--org NAME is required");
	s = cli_store(ctx);
	if (!s)
		return cli_fail(ctx, ctx->err.code);
	{
		struct op_ctx op;

		op_ctx_init(&op, s, 0, &ctx->who, time_now());
		rc = registry_init(&op, org, &id, &ctx->err);
	}
	if (rc)
		return cli_fail(ctx, rc);
	write_default_conf(ctx);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "name", org,
		                         "data_dir", ctx->data_dir));
	else
		printf("organisation '%s' created in %s\n", org, ctx->data_dir);
	return 0;
}

static int cmd_unit_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"parent", required_argument, NULL, 'p'},
	                                     {0}};
	const struct cli_command *cmd = ctx->cmd;
	const char *name = NULL, *parent = NULL;
	struct op_ctx op;
	int64_t id = 0;
	int c, code;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			name = optarg;
		else if (c == 'p')
			parent = optarg;
		else
			return cli_bad_option(ctx, cmd, argc, argv);
	}
	if (!name)
		return cli_usage(ctx, cmd, "--name is required");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_unit_add(&op, name, parent, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s?}", "id", (json_int_t)id, "name", name,
		                         "parent", parent));
	else
		printf("unit %lld '%s' added\n", (long long)id, name);
	return 0;
}

static int cmd_unit_close(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd;
	const char *name = NULL, *date = NULL;
	struct op_ctx op;
	int code;

	code = parse_close(ctx, argc, argv, "name", &name, &date);
	if (code)
		return code;
	if (!name && optind < argc)
		name = argv[optind];
	if (!name)
		return cli_usage(ctx, cmd, "--name is required");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_unit_close(&op, name, date, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json)
		printf("unit '%s' closed\n", name);
	else
		cli_print_json(json_pack("{s:s,s:b}", "name", name, "closed", 1));
	return 0;
}

static const struct cli_col unit_cols[] = {
        {"unit", 4, 1}, {"name", 40, 0}, {"part of", 30, 0}, {"closed", 0, 0}};

static int print_unit(void *arg, const struct unit_row *u)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s?,s:s?}", "id", (json_int_t)u->id, "name",
		                         u->name, "parent", u->parent_name, "closed_on",
		                         u->closed_on));
	else {
		char id[24], closed[40] = "";
		const char *cells[] = {id, u->name, u->parent_name ? u->parent_name : "", closed};

		snprintf(id, sizeof(id), "%lld", (long long)u->id);
		if (u->closed_on)
			snprintf(closed, sizeof(closed), "nedlagd %s", u->closed_on);
		cli_table_row(stdout, unit_cols, 4, cells);
	}
	return 0;
}

static int cmd_unit_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int code = registry_open(ctx, &op);

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	if (!code && !ctx->json)
		cli_table_header(stdout, unit_cols, 4);
	if (!code)
		code = registry_units_each(&op, print_unit, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_person_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
	                                     {"email", required_argument, NULL, 'e'},
	                                     {"title", required_argument, NULL, 't'},
	                                     {"phone", required_argument, NULL, 'p'},
	                                     {"unit", required_argument, NULL, 'u'},
	                                     {"public", no_argument, NULL, 'P'},
	                                     {0}};
	const struct cli_command *cmd = ctx->cmd;
	struct person_input in = {0};
	struct op_ctx op;
	int64_t id = 0;
	int c, code;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			in.name = optarg;
			break;
		case 'e':
			in.email = optarg;
			break;
		case 't':
			in.title = optarg;
			break;
		case 'p':
			in.phone = optarg;
			break;
		case 'u':
			in.unit = optarg;
			break;
		case 'P':
			in.contact_public = 1;
			break;
		default:
			return cli_bad_option(ctx, cmd, argc, argv);
		}
	}
	if (!in.name || !in.email)
		return cli_usage(ctx, cmd, "--name and --email are required");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_person_add(&op, &in, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "name", in.name,
		                         "email", in.email));
	else
		printf("person %lld '%s' <%s> added\n", (long long)id, in.name, in.email);
	return 0;
}

static const struct cli_col person_cols[] = {{"person", 6, 1}, {"name", 28, 0}, {"email", 36, 0},
                                             {"title", 24, 0}, {"unit", 24, 0}, {"", 0, 0}};

static int print_person(void *arg, const struct person_row *p)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s?,s:s,s:s?,s:s?,s:b,s:b}", "id",
		                         (json_int_t)p->id, "name", p->name, "title", p->title,
		                         "email", p->email, "phone", p->phone, "unit", p->unit_name,
		                         "contact_public", p->contact_public, "active", p->active));
	else {
		char id[24];
		const char *cells[] = {id,
		                       p->name,
		                       p->email,
		                       p->title ? p->title : "",
		                       p->unit_name ? p->unit_name : "",
		                       p->active ? "" : "slutat"};

		snprintf(id, sizeof(id), "%lld", (long long)p->id);
		cli_table_row(stdout, person_cols, 6, cells);
	}
	return 0;
}

static int cmd_person_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int code = registry_open(ctx, &op);

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	if (!code && !ctx->json)
		cli_table_header(stdout, person_cols, 6);
	if (!code)
		code = registry_people_each(&op, print_person, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_person_active(struct cli_ctx *ctx, int argc, char **argv, int active)
{
	struct op_ctx op;
	int code;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give exactly one e-mail address");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_person_set_active(&op, argv[1], active, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:b}", "email", argv[1], "active", active));
	else
		printf("%s is %s\n", argv[1], active ? "active" : "no longer in service");
	return 0;
}

static int cmd_person_contact(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"phone", required_argument, NULL, 'p'},
	                                     {"public", no_argument, NULL, 'P'},
	                                     {"private", no_argument, NULL, 'Q'},
	                                     {0}};
	const char *phone = NULL;
	int pub = -1, c, code;
	struct op_ctx op;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			phone = optarg;
		else if (c == 'P' || c == 'Q')
			pub = c == 'P';
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give the person's e-mail");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_person_contact(&op, argv[optind], phone, pub, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s}", "email", argv[optind]));
	else
		printf("contact of %s changed\n", argv[optind]);
	return 0;
}

static int cmd_person_deactivate(struct cli_ctx *ctx, int argc, char **argv)
{
	return cmd_person_active(ctx, argc, argv, 0);
}

static int cmd_person_activate(struct cli_ctx *ctx, int argc, char **argv)
{
	return cmd_person_active(ctx, argc, argv, 1);
}

#define MAX_ADMINS 64

/* Parses the account options shared by add and edit; positional arguments
 * are left at argv[optind..]. */
static int parse_account(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv,
                         struct account_input *in, const char **admins)
{
	static const struct option opts[] = {
	        {"platform", required_argument, NULL, 'P'},
	        {"handle", required_argument, NULL, 'H'},
	        {"url", required_argument, NULL, 'U'},
	        {"name", required_argument, NULL, 'N'},
	        {"unit", required_argument, NULL, 'u'},
	        {"purpose", required_argument, NULL, 'p'},
	        {"goal", required_argument, NULL, 'g'},
	        {"audience", required_argument, NULL, 'a'},
	        {"responsible", required_argument, NULL, 'r'},
	        {"deputy", required_argument, NULL, 'd'},
	        {"admin", required_argument, NULL, 'A'},
	        {"no-admins", no_argument, NULL, 'Z'},
	        {"decided-by", required_argument, NULL, 'b'},
	        {"decided-on", required_argument, NULL, 'o'},
	        {"decision-ref", required_argument, NULL, 'R'},
	        {"posts-per-week", required_argument, NULL, 'w'},
	        {"house-rules", required_argument, NULL, 'h'},
	        {"platform-id", required_argument, NULL, 'I'},
	        {0},
	};
	int c;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			in->platform = optarg;
			break;
		case 'H':
			in->handle = optarg;
			break;
		case 'U':
			in->url = optarg;
			break;
		case 'N':
			in->name = optarg;
			break;
		case 'u':
			in->unit = optarg;
			break;
		case 'p':
			in->purpose = optarg;
			break;
		case 'g':
			in->goal = optarg;
			break;
		case 'a':
			in->audience = optarg;
			break;
		case 'r':
			in->responsible = optarg;
			break;
		case 'd':
			in->deputy = optarg;
			break;
		case 'A':
			if (in->n_admins >= MAX_ADMINS)
				return cli_usage(ctx, cmd, "at most %d --admin", MAX_ADMINS);
			admins[in->n_admins++] = optarg;
			in->admins_given = 1;
			break;
		case 'Z':
			in->admins_given = 1;
			break;
		case 'b':
			in->decided_by = optarg;
			break;
		case 'o':
			in->decided_on = optarg;
			break;
		case 'R':
			in->decision_ref = optarg;
			break;
		case 'w':
			in->posts_per_week = optarg;
			break;
		case 'h':
			in->house_rules = optarg;
			break;
		case 'I':
			in->platform_id = optarg;
			break;
		default:
			return cli_bad_option(ctx, cmd, argc, argv);
		}
	}
	in->admins = admins;
	return 0;
}

static const struct cli_col account_cols[] = {
        {"id", 4, 1}, {"platform", 10, 0}, {"handle", 28, 0}, {"status", 9, 0}, {"unit", 0, 0}};

static int print_account(struct cli_ctx *ctx, struct op_ctx *op, int64_t id, int full)
{
	struct account_rec *r = NULL;
	int code = registry_account_get(op, id, &r, &ctx->err);

	if (code)
		return code;
	if (ctx->json) {
		cli_print_json(registry_account_json(r));
	} else if (!full) {
		char idb[24];
		const char *cells[] = {idb, register_platform_name(r->v.platform), r->v.handle,
		                       register_account_status_name(r->v.status), r->unit_name};

		snprintf(idb, sizeof(idb), "%lld", (long long)r->v.id);
		cli_table_row(stdout, account_cols, 5, cells);
	} else {
		json_t *j = registry_account_json(r);
		const char *key;
		json_t *v;

		json_object_foreach(j, key, v)
		{
			char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

			printf("%-16s %s\n", key,
			       json_is_string(v) ? json_string_value(v)
			       : s               ? s
			                         : "");
			free(s);
		}
		json_decref(j);
	}
	register_row_account_free(r);
	return 0;
}

static int cmd_account_add(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd;
	const char *admins[MAX_ADMINS];
	struct account_input in = {0};
	struct op_ctx op;
	int64_t id = 0;
	int code;

	code = parse_account(ctx, cmd, argc, argv, &in, admins);
	if (code)
		return code;
	if (optind < argc)
		return cli_usage(ctx, cmd, "unexpected argument '%s'", argv[optind]);
	if (!in.platform || !in.handle || !in.unit)
		return cli_usage(ctx, cmd, "--platform, --handle and --unit are required");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_account_add(&op, &in, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json)
		printf("account %lld %s/%s added (proposed)\n", (long long)id, in.platform,
		       in.handle);
	else if ((code = print_account(ctx, &op, id, 0)))
		return cli_fail(ctx, code);
	return 0;
}

static int cmd_account_edit(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd;
	const char *admins[MAX_ADMINS];
	struct account_input in = {0};
	struct op_ctx op;
	int64_t id = 0;
	int code;

	code = parse_account(ctx, cmd, argc, argv, &in, admins);
	if (code)
		return code;
	if (optind + 1 != argc)
		return cli_usage(ctx, cmd, "give exactly one account (ID or HANDLE)");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_account_edit(&op, argv[optind], &in, &ctx->err);
	if (!code)
		code = registry_account_find(&op, argv[optind], &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json)
		printf("account %s updated\n", argv[optind]);
	else if ((code = print_account(ctx, &op, id, 0)))
		return cli_fail(ctx, code);
	return 0;
}

static int one_account(struct cli_ctx *ctx, int argc, char **argv, struct op_ctx *op, int64_t *id)
{
	int code;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give exactly one account (ID or HANDLE)");
	code = registry_open(ctx, op);
	if (!code)
		code = registry_account_find(op, argv[1], id, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_account_show(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int64_t id = 0;
	int code = one_account(ctx, argc, argv, &op, &id);

	if (code)
		return code;
	code = print_account(ctx, &op, id, 1);
	return code ? cli_fail(ctx, code) : 0;
}

static void print_picture(const char *label, json_t *p)
{
	printf("%s %s (%s, %s, %lld bytes, noted %s by %s)\n", label,
	       json_string_value(json_object_get(p, "sha256")),
	       json_string_value(json_object_get(p, "source")),
	       json_is_string(json_object_get(p, "content_type"))
	               ? json_string_value(json_object_get(p, "content_type"))
	               : "?",
	       (long long)json_integer_value(json_object_get(p, "bytes")),
	       json_string_value(json_object_get(p, "noted_at")),
	       json_string_value(json_object_get(p, "noted_by")));
}

static int cmd_account_picture(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"file", required_argument, NULL, 'f'}, {0}};
	const char *file = NULL;
	struct op_ctx op;
	json_t *j = NULL, *v;
	struct buf b;
	size_t i;
	int c, code;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			file = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give exactly one account (ID or HANDLE)");
	buf_init(&b, 0);
	code = file ? cli_read_file(ctx, file, "--file", &b, ACCOUNT_PICTURE_MAX) : 0;
	if (!code)
		code = cli_op(ctx, &op);
	if (!code && file)
		code = account_picture_set(&op, argv[optind], b.ptr ? b.ptr : "", b.len, file, &j,
		                           &ctx->err);
	else if (!code)
		code = account_picture_list(&op, argv[optind], &j, &ctx->err);
	buf_done(&b);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(j);
		return 0;
	}
	if (file)
		printf("profile picture set for %s\n",
		       json_string_value(json_object_get(j, "account")));
	if (json_is_object(json_object_get(j, "current")))
		print_picture("current:", json_object_get(j, "current"));
	else
		printf("no profile picture fetched for %s\n",
		       json_string_value(json_object_get(j, "account")));
	json_array_foreach(json_object_get(j, "pictures"), i, v)
	{
		if (json_is_string(json_object_get(v, "sha256")))
			continue;
		printf("pending: %s (noted %s, %lld attempts%s%s)\n",
		       json_string_value(json_object_get(v, "source")),
		       json_string_value(json_object_get(v, "noted_at")),
		       (long long)json_integer_value(json_object_get(v, "attempts")),
		       json_is_string(json_object_get(v, "error")) ? ": " : "",
		       json_is_string(json_object_get(v, "error"))
		               ? json_string_value(json_object_get(v, "error"))
		               : "");
	}
	json_decref(j);
	return 0;
}

static int cmd_account_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"status", required_argument, NULL, 's'}, {0}};
	const struct cli_command *cmd = ctx->cmd;
	enum account_status want = ACCOUNT_PROPOSED;
	int filter = 0, c, code;
	struct op_ctx op;
	int64_t *ids = NULL;
	size_t n = 0;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return cli_bad_option(ctx, cmd, argc, argv);
		if (register_account_status_from_name(optarg, &want))
			return cli_usage(ctx, cmd,
			                 "--status: '%s' is not one of proposed, active, inactive, "
			                 "closed",
			                 optarg);
		filter = 1;
	}
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_account_ids(&op, &ids, &n, &ctx->err);
	if (!code && !ctx->json)
		cli_table_header(stdout, account_cols, 5);
	for (size_t i = 0; i < n && !code; i++) {
		struct account_rec *r = NULL;

		if (filter) {
			code = registry_account_get(&op, ids[i], &r, &ctx->err);
			if (code)
				break;
			int skip = r->v.status != want;
			register_row_account_free(r);
			if (skip)
				continue;
		}
		code = print_account(ctx, &op, ids[i], 0);
	}
	free(ids);
	return code ? cli_fail(ctx, code) : 0;
}

static void print_problem(struct cli_ctx *ctx, const char *account, const struct check_rule *rule,
                          const char *detail)
{
	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:s,s:s,s:s,s:s,s:s?}", "account", account, "rule", rule->id, "severity",
		        rule->severity == CHECK_ERROR ? "error" : "warning", "message",
		        rule->message, "detail", detail && *detail ? detail : NULL));
	else
		/* A mandatory check blocks activation; the others are advice. */
		printf("%-32s %-22s %-9s %s%s%s%s\n", account, rule->id,
		       rule->severity == CHECK_ERROR ? "mandatory" : "advice", rule->message,
		       detail && *detail ? " (" : "", detail && *detail ? detail : "",
		       detail && *detail ? ")" : "");
}

static int cmd_account_activate(struct cli_ctx *ctx, int argc, char **argv)
{
	struct check_problem *problems = NULL;
	struct op_ctx op;
	size_t n = 0;
	int64_t id = 0;
	int code = one_account(ctx, argc, argv, &op, &id);

	if (code)
		return code;
	code = registry_account_activate(&op, argv[1], &problems, &n, &ctx->err);
	if (code) {
		int exit_code = cli_fail(ctx, code);

		for (size_t i = 0; i < n; i++) {
			fprintf(stderr, "  %s: %s%s%s%s\n", problems[i].rule->id,
			        problems[i].rule->message, problems[i].detail[0] ? " (" : "",
			        problems[i].detail, problems[i].detail[0] ? ")" : "");
		}
		free(problems);
		return exit_code;
	}
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "active"));
	else
		printf("account %s is active\n", argv[1]);
	return 0;
}

static int cmd_account_deactivate(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int64_t id = 0;
	int code = one_account(ctx, argc, argv, &op, &id);

	if (code)
		return code;
	code = registry_account_deactivate(&op, argv[1], &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "inactive"));
	else
		printf("account %s is inactive\n", argv[1]);
	return 0;
}

static int cmd_account_close(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd;
	const char *reason = NULL, *date = NULL;
	struct op_ctx op;
	int code;

	code = parse_close(ctx, argc, argv, "reason", &reason, &date);
	if (code)
		return code;
	if (optind + 1 != argc)
		return cli_usage(ctx, cmd, "give exactly one account (ID or HANDLE)");
	if (!reason)
		return cli_usage(ctx, cmd, "--reason is required");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_account_close(&op, argv[optind], date, reason, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:s}", "account", argv[optind], "status", "closed"));
	else
		printf("account %s is closed\n", argv[optind]);
	return 0;
}

static int cmd_account_checklist(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = ctx->cmd;
	struct op_ctx op;
	int code;

	if (argc == 2) {
		/* Without KEY and TEXT: list the items and the answers. */
		struct account_rec *r = NULL;
		int64_t id = 0;
		int width = 0;

		code = one_account(ctx, argc, argv, &op, &id);
		if (code)
			return code;
		code = registry_account_get(&op, id, &r, &ctx->err);
		if (code)
			return cli_fail(ctx, code);
		/* Keys are ASCII: bytes are columns. */
		for (size_t i = 0; i < register_checklist_count; i++)
			if ((int)strlen(register_checklist_items[i].key) > width)
				width = (int)strlen(register_checklist_items[i].key);
		for (size_t i = 0; i < register_checklist_count; i++) {
			const char *answer = NULL;

			for (size_t k = 0; k < r->n_checklist; k++)
				if (strcmp(r->checklist[k].key, register_checklist_items[i].key) ==
				    0)
					answer = r->checklist[k].answer;
			if (ctx->json)
				cli_print_json(json_pack(
				        "{s:s,s:s,s:s,s:s?}", "key",
				        register_checklist_items[i].key, "label",
				        register_checklist_items[i].label, "question",
				        register_checklist_items[i].question, "answer", answer));
			else
				printf("%-*s %s\n%-*s svar: %s\n", width,
				       register_checklist_items[i].key,
				       register_checklist_items[i].question, width, "",
				       answer ? answer : "(obesvarad)");
		}
		register_row_account_free(r);
		return 0;
	}
	if (argc != 4)
		return cli_usage(ctx, cmd, "give ACCOUNT KEY TEXT");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_checklist_answer(&op, argv[1], argv[2], argv[3], &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:s,s:s}", "account", argv[1], "key", argv[2],
		                         "answer", argv[3]));
	else
		printf("checklist item '%s' answered for %s\n", argv[2], argv[1]);
	return 0;
}

static int cmd_account_check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct registry_problem *p = NULL;
	struct op_ctx op;
	size_t n = 0;
	int code;

	if (argc > 2)
		return cli_usage(ctx, ctx->cmd, "give at most one account");
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_check(&op, argc == 2 ? argv[1] : NULL, &p, &n, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	for (size_t i = 0; i < n; i++)
		print_problem(ctx, p[i].account, p[i].rule, p[i].detail);
	free(p);
	/* Activity over captured posts joins the register's own checks. */
	{
		struct activity_problem *ap = NULL;
		size_t an = 0;
		int64_t id = 0;

		if (argc == 2)
			code = registry_account_find(&op, argv[1], &id, &ctx->err);
		if (!code)
			code = activity_check(&op, id, &ap, &an, &ctx->err);
		if (code)
			return cli_fail(ctx, code);
		for (size_t i = 0; i < an; i++)
			print_problem(ctx, ap[i].account, ap[i].rule, ap[i].detail);
		free(ap);
		n += an;
	}
	if (!ctx->json && n == 0)
		printf("no problems found\n");
	return n ? 1 : 0;
}

static int cmd_register_export(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {0}};
	const struct cli_command *cmd = ctx->cmd;
	const char *format = "html", *outpath = NULL;
	enum registry_format fmt;
	struct op_ctx op;
	struct buf out;
	int c, code;

	opts_reset();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'o')
			outpath = optarg;
		else
			return cli_bad_option(ctx, cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, cmd, "unexpected argument '%s'", argv[optind]);
	if (registry_format_from_name(format, &fmt))
		return cli_usage(ctx, cmd, "--format: '%s' is not one of html, json, csv", format);
	buf_init(&out, 0);
	code = registry_open(ctx, &op);
	if (!code)
		code = registry_export_public(&op, fmt, &out, &ctx->err);
	if (!code && outpath)
		code = file_write_atomic(outpath, out.ptr ? out.ptr : "", out.len, 0644, &ctx->err);
	else if (!code)
		fwrite(buf_cstr(&out), 1, out.len, stdout);
	buf_done(&out);
	if (code)
		return cli_fail(ctx, code);
	if (outpath && !ctx->json)
		fprintf(stderr, "public list written to %s\n", outpath);
	return 0;
}

const struct cli_command cli_cmds_register[] = {
        {"init", NULL, cmd_init, "--org NAME", "create the data directory and the organisation"},
        {"unit", "add", cmd_unit_add, "--name NAME [--parent NAME]",
         "add a unit (förvaltning, verksamhet)"},
        {"unit", "list", cmd_unit_list, "", "list units"},
        {"unit", "close", cmd_unit_close, "--name NAME [--date YYYY-MM-DD]",
         "mark a unit as laid down"},
        {"person", "add", cmd_person_add,
         "--name NAME --email EMAIL [--title T] [--phone P] [--unit NAME] [--public]",
         "add a person (--public: e-mail and phone may appear in the public list)"},
        {"person", "list", cmd_person_list, "", "list people"},
        {"person", "contact", cmd_person_contact, "EMAIL [--phone P] [--public|--private]",
         "change a person's phone, and whether e-mail and phone may be published"},
        {"person", "deactivate", cmd_person_deactivate, "EMAIL",
         "mark a person as no longer in service"},
        {"person", "activate", cmd_person_activate, "EMAIL", "mark a person as in service again"},
        {"account", "add", cmd_account_add,
         "--platform P --handle H --unit NAME [--url U] [--name N] [--purpose T] [--goal T]\n"
         "    [--audience T] [--responsible EMAIL] [--deputy EMAIL] [--admin EMAIL]...\n"
         "    [--decided-by EMAIL] [--decided-on YYYY-MM-DD] [--decision-ref REF]\n"
         "    [--posts-per-week N] [--house-rules T] [--platform-id ID]",
         "register a proposed account"},
        {"account", "edit", cmd_account_edit,
         "ID|HANDLE [the options of add; \"\" clears a field; --admin replaces the admins, "
         "--no-admins removes them]",
         "change an account"},
        {"account", "show", cmd_account_show, "ID|HANDLE", "show an account"},
        {"account", "picture", cmd_account_picture, "ID|HANDLE [--file PNG|JPEG]",
         "set the account's profile picture from a file (or list the pictures known)"},
        {"account", "list", cmd_account_list, "[--status S]", "list accounts"},
        {"account", "activate", cmd_account_activate, "ID|HANDLE",
         "activate (refused while a mandatory check fails)"},
        {"account", "deactivate", cmd_account_deactivate, "ID|HANDLE", "mark as inactive"},
        {"account", "close", cmd_account_close, "ID|HANDLE --reason T [--date YYYY-MM-DD]",
         "close an account (it stays in the register)"},
        {"account", "checklist", cmd_account_checklist, "ID|HANDLE [KEY TEXT]",
         "show the start checklist, or answer one item"},
        {"account", "check", cmd_account_check, "[ID|HANDLE]",
         "run the register checks (exit 1 when problems are found)"},
        {"register", "export", cmd_register_export, "--format html|json|csv [--out FILE]",
         "write the public list of accounts"},
        {0},
};
