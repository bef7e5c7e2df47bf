/* Commands for delivering to the e-archive and for trusted timestamps:
 * `archive sip|list|validate`, `timestamp file|list|retry`, `verify`. */
#include "cli/cli.h"

#include "base/config.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/sip.h"
#include "records/sip_print.h"
#include "records/sip_validate.h"
#include "records/timestamp.h"
#include "records/verify.h"
#include "store/store.h"
#include "store/timestamp_rows.h"

#include <getopt.h>
#include <string.h>

static int tsa_conf(struct cli_ctx *ctx, struct timestamp_conf *tc)
{
	struct config *cfg = cli_config(ctx);

	if (!cfg)
		return ctx->err.code ? ctx->err.code : KV_EIO;
	return timestamp_conf_load(cfg, tc, &ctx->err);
}

static void print_stamp(struct cli_ctx *ctx, const struct timestamp_result *t, const char *what)
{
	if (t->stamped)
		printf("timestamped %s at %s (%s)\n", what, t->gen_time, t->token_path);
	else
		fprintf(stderr,
		        "kanalvakt: warning: %s is not timestamped yet: %s; it is kept as "
		        "untimestamped, an alert was raised, and `serve` (or `timestamp retry`) "
		        "tries again\n",
		        what, t->error);
}

/* ---- archive ---- */

static int cmd_archive_sip(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {"out", required_argument, NULL, 'o'},
	                                     {"schemas", required_argument, NULL, 's'},
	                                     {"org-number", required_argument, NULL, 'n'},
	                                     {0}};
	struct sip_opts so = {0};
	struct sip_print_ctx pc = {0};
	struct sip_result res;
	struct timestamp_conf tc;
	struct op_ctx op;
	struct config *cfg;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			so.account = optarg;
			break;
		case 'f':
			so.from = optarg;
			break;
		case 't':
			so.to = optarg;
			break;
		case 'o':
			so.out = optarg;
			break;
		case 's':
			so.schemas = optarg;
			break;
		case 'n':
			so.org_number = optarg;
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (optind != argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!so.account || !so.from || !so.to || !so.out)
		return cli_usage(ctx, ctx->cmd, "--account, --from, --to and --out are required");
	cfg = cli_config(ctx);
	if (!cfg)
		return cli_fail(ctx, ctx->err.code);
	if (!so.schemas)
		so.schemas = config_get(cfg, "archive", "schemas", NULL);
	if (!so.org_number)
		so.org_number = config_get(cfg, "archive", "organisation_number", NULL);
	code = tsa_conf(ctx, &tc);
	if (!code)
		code = cli_op(ctx, &op);
	if (code)
		return cli_fail(ctx, code);
	so.tsa = &tc;
	/* The PDF/A printout of the records, up to [archive] printout_max_items. */
	if (!code)
		code = config_get_int(cfg, "archive", "printout_max_items", SIP_PRINT_MAX_DEFAULT,
		                      &pc.max_items, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (pc.max_items > 0) {
		pc.font = config_get(cfg, "archive", "printout_font", NULL);
		so.printout = sip_print_records;
		so.printout_ctx = &pc;
	}
	code = sip_write(&op, &so, &res, &ctx->err);
	if (code && !res.package_id)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(json_pack(
		        "{s:s,s:s,s:I,s:I,s:I,s:I,s:b,s:s?,s:s?}", "objid", res.objid, "path",
		        so.out, "items", (json_int_t)res.items, "media", (json_int_t)res.media,
		        "files", (json_int_t)res.files, "bytes", (json_int_t)res.bytes,
		        "timestamped", res.timestamp.stamped, "gen_time",
		        res.timestamp.stamped ? res.timestamp.gen_time : NULL, "timestamp_error",
		        res.timestamp.stamped ? NULL : res.timestamp.error));
	} else {
		printf("package %s written to %s: %lld items, %lld media files, %lld file "
		       "entries\n",
		       res.objid, so.out, (long long)res.items, (long long)res.media,
		       (long long)res.files);
	}
	if (pc.left_out)
		fprintf(stderr,
		        "kanalvakt: note: the package has more than %lld items, above [archive] "
		        "printout_max_items: no PDF/A printout in it (the records file holds them "
		        "all)\n",
		        (long long)pc.max_items);
	if (!ctx->json || !res.timestamp.stamped)
		print_stamp(ctx, &res.timestamp, "the package");
	return code ? cli_fail(ctx, code) : 0;
}

static int print_package(void *arg, const struct archive_package_row *r)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(sip_package_json(r));
	else
		printf("%-40s %-20s %s..%s %8lld items %s\n", r->objid, r->account_handle,
		       r->period_from, r->period_to, (long long)r->items, r->path);
	return 0;
}

static int cmd_archive_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int code;

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = cli_op(ctx, &op);
	if (!code)
		code = sip_list(&op, print_package, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_archive_validate(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"schemas", required_argument, NULL, 's'}, {"sip", no_argument, NULL, 'p'}, {0}};
	struct sip_validate_opts vo = {0};
	struct sip_report r;
	struct op_ctx op;
	struct config *cfg;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			vo.schemas = optarg;
		else if (c == 'p')
			vo.force_sip = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give the package folder");
	cfg = cli_config(ctx);
	if (!cfg)
		return cli_fail(ctx, ctx->err.code);
	if (!vo.schemas)
		vo.schemas = config_get(cfg, "archive", "schemas", NULL);
	code = cli_op(ctx, &op);
	if (!code)
		code = sip_validate(&op, argv[optind], &vo, &r, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	for (size_t i = 0; i < r.n; i++) {
		const struct sip_finding *f = &r.v[i];

		if (ctx->json)
			cli_print_json(json_pack("{s:s,s:s,s:s,s:I,s:s}", "id", f->id, "level",
			                         f->level == SIP_MUST ? "error" : "warning", "file",
			                         f->file, "line", (json_int_t)f->line, "message",
			                         f->msg));
		else if (f->line)
			printf("%-8s %-7s %s:%ld: %s\n", f->id,
			       f->level == SIP_MUST ? "error" : "warning", f->file, f->line,
			       f->msg);
		else
			printf("%-8s %-7s %s%s%s\n", f->id,
			       f->level == SIP_MUST ? "error" : "warning", f->file,
			       f->file[0] ? ": " : "", f->msg);
	}
	if (ctx->json)
		cli_print_json(json_pack("{s:b,s:I,s:I,s:b,s:b,s:I,s:I}", "valid", r.errors == 0,
		                         "errors", (json_int_t)r.errors, "warnings",
		                         (json_int_t)r.warnings, "xsd", r.xsd, "sip_profile",
		                         r.sip_profile, "checks", (json_int_t)r.checks_run, "files",
		                         (json_int_t)r.files_checked));
	else
		printf("%s: %s (%zu errors, %zu warnings; %zu requirement checks%s, %lld "
		       "checksums; XSD %s)\n",
		       argv[optind], r.errors ? "INVALID" : "valid", r.errors, r.warnings,
		       r.checks_run, r.sip_profile ? " with the SIP profile" : "",
		       (long long)r.files_checked,
		       r.xsd ? "validated"
		             : "not run: no schemas (--schemas or [archive] schemas)");
	code = r.errors ? 1 : 0;
	sip_validate_report_done(&r);
	return code;
}

/* ---- timestamp ---- */

static int cmd_timestamp_file(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"kind", required_argument, NULL, 'k'}, {"ref", required_argument, NULL, 'r'}, {0}};
	const char *kind = TIMESTAMP_KIND_FILE, *ref = NULL;
	struct timestamp_result res;
	struct timestamp_conf tc;
	struct op_ctx op;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			kind = optarg;
		else if (c == 'r')
			ref = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give the file to timestamp");
	code = tsa_conf(ctx, &tc);
	if (!code)
		code = cli_op(ctx, &op);
	if (!code)
		code = timestamp_file(&op, &tc, argv[optind], kind, ref, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:b,s:s,s:s?,s:s?,s:s?}", "file", argv[optind],
		                         "timestamped", res.stamped, "sha256", res.sha256,
		                         "gen_time", res.stamped ? res.gen_time : NULL, "token",
		                         res.stamped ? res.token_path : NULL, "error",
		                         res.stamped ? NULL : res.error));
	else
		print_stamp(ctx, &res, argv[optind]);
	return 0;
}

static int print_token(void *arg, const struct timestamp_row *r)
{
	struct cli_ctx *ctx = arg;
	char at[TIME_ISO_LEN];

	time_format_utc(at, r->created_at);
	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:I,s:s,s:s,s:s?,s:s,s:s,s:s?,s:I,s:s?,s:s}", "id", (json_int_t)r->id,
		        "kind", r->kind, "ref", r->ref, "path", r->path, "sha256", r->sha256,
		        "state", r->state, "gen_time", r->gen_time, "attempts",
		        (json_int_t)r->attempts, "last_error", r->last_error, "created_at", at));
	else
		printf("%5lld %-10s %-8s %-20s %s%s%s\n", (long long)r->id, r->kind, r->state,
		       r->gen_time ? r->gen_time : "-", r->ref, r->last_error ? "  " : "",
		       r->last_error ? r->last_error : "");
	return 0;
}

static int cmd_timestamp_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"pending", no_argument, NULL, 'p'}, {0}};
	struct op_ctx op;
	int c, code, pending = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			pending = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind != argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_op(ctx, &op);
	if (!code)
		code = op_ctx_require(&op, PERM_RECORDS, 0, &ctx->err);
	if (!code)
		code = timestamp_row_each(ctx->store, op.org, pending ? "pending" : NULL, NULL,
		                          print_token, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_timestamp_retry(struct cli_ctx *ctx, int argc, char **argv)
{
	struct timestamp_conf tc;
	struct op_ctx op;
	int code, stamped = 0, pending = 0;

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = tsa_conf(ctx, &tc);
	if (!code)
		code = cli_op(ctx, &op);
	if (!code)
		code = timestamp_retry_pending(&op, &tc, &stamped, &pending, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:i,s:i}", "stamped", stamped, "pending", pending));
	else
		printf("%d timestamped, %d still pending\n", stamped, pending);
	return 0;
}

/* ---- verify ---- */

static int cmd_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"audit", no_argument, NULL, 'a'}, {0}};
	struct verify_report r;
	struct timestamp_conf tc;
	struct op_ctx op;
	const char *path = NULL;
	int c, code, audit = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			audit = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc - optind > 1 || (argc - optind == 0 && !audit))
		return cli_usage(ctx, ctx->cmd, "give one FILE or DIR, or --audit");
	if (argc - optind == 1)
		path = argv[optind];
	code = tsa_conf(ctx, &tc);
	if (!code)
		code = cli_op(ctx, &op);
	if (!code)
		code = verify_path(&op, &tc, path, audit, &r, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	for (size_t i = 0; i < r.n; i++) {
		if (ctx->json)
			cli_print_json(json_pack("{s:s,s:s}", "problem", r.v[i].what, "detail",
			                         r.v[i].detail));
		else
			printf("%s: %s\n", r.v[i].what, r.v[i].detail);
	}
	if (ctx->json)
		cli_print_json(json_pack("{s:b,s:I,s:b,s:s?,s:I}", "ok", r.n == 0, "files",
		                         (json_int_t)r.files_checked, "timestamp", r.timestamp_ok,
		                         "gen_time", r.timestamp_ok ? r.gen_time : NULL,
		                         "audit_entries", (json_int_t)r.audit_entries));
	else if (r.n == 0)
		printf("intact: %lld checksums%s%s%s%s\n", (long long)r.files_checked,
		       r.timestamp_ok ? ", timestamp of " : "", r.timestamp_ok ? r.gen_time : "",
		       audit ? ", audit chain verified" : "",
		       r.audit_timestamp_ok ? " and its head timestamped" : "");
	code = r.n ? 1 : 0;
	verify_report_done(&r);
	return code;
}

const struct cli_command cli_cmds_archive[] = {
        {"archive", "sip", cmd_archive_sip,
         "--account A --from YYYY-MM-DD --to YYYY-MM-DD --out DIR [--schemas DIR] "
         "[--org-number NNNNNN-NNNN]",
         "write an E-ARK SIP (FGS Paketstruktur 2.0) of an account's records to the new "
         "folder DIR"},
        {"archive", "list", cmd_archive_list, "", "list the packages delivered, with counts"},
        {"archive", "validate", cmd_archive_validate, "[--schemas DIR] [--sip] DIR",
         "check a package: XSD (offline) and the CSIP/SIP requirements by id (exit 1 when "
         "invalid)"},
        {"timestamp", "file", cmd_timestamp_file, "[--kind K] [--ref R] FILE",
         "get an RFC 3161 timestamp for FILE from the TSA (FILE.tsr)"},
        {"timestamp", "list", cmd_timestamp_list, "[--pending]",
         "list the timestamps, or the artefacts still waiting for one"},
        {"timestamp", "retry", cmd_timestamp_retry, "",
         "try the TSA again for every untimestamped artefact"},
        {"verify", NULL, cmd_verify, "[--audit] [FILE|DIR]",
         "check checksums and timestamp tokens (and the audit chain); exit 1 with what is "
         "wrong"},
        {0},
};
