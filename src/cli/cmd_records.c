/* Commands for records: retention load|show, hold add|list|release, cull
 * (--dry-run), cull --platform, cull list|show, case export. Parses and prints; the rules
 * are in records/. */
#include "cli/cli.h"

#include "base/calendar.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/case_export.h"
#include "records/cull.h"
#include "records/holds.h"
#include "records/platcull.h"
#include "records/platcull_view.h"
#include "records/retention.h"
#include "store/blob.h"

#include <errno.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fmt_time(char b[CALENDAR_ISO_LEN], int64_t t)
{
	if (!t)
		return "-";
	calendar_format_local(b, t);
	return b;
}

static const char *fmt_date(char b[CALENDAR_ISO_LEN], int64_t t)
{
	fmt_time(b, t);
	if (t)
		b[10] = '\0';
	return b;
}

/* A date (YYYY-MM-DD: its local midnight) or an instant. */
static int parse_when(struct cli_ctx *ctx, const char *opt, const char *s, int64_t *out)
{
	int y, m, d;

	if (time_parse_date(s, &y, &m, &d) == 0 && time_date_valid(y, m, d))
		return calendar_from_local(out, y, m, d, 0, 0, 0) == KV_OK
		               ? KV_OK
		               : err_set(&ctx->err, KV_EINVAL, "%s: '%s' is out of range", opt, s);
	if (calendar_parse_instant(out, s, &ctx->err) == KV_OK)
		return KV_OK;
	return err_set(&ctx->err, KV_EINVAL, "%s: '%s' is not a date (YYYY-MM-DD) or an instant",
	               opt, s);
}

/* ---- retention ---- */

static char *read_all(struct cli_ctx *ctx, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		err_set(&ctx->err, KV_EINVAL, "%s: cannot read", path);
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *g;

			cap = cap ? cap * 2 : 8192;
			if (cap > (4u << 20)) {
				err_set(&ctx->err, KV_EINVAL, "%s: larger than 4 MiB", path);
				free(data);
				fclose(f);
				return NULL;
			}
			g = realloc(data, cap);
			if (!g) {
				free(data);
				fclose(f);
				err_set(&ctx->err, KV_ENOMEM, "out of memory");
				return NULL;
			}
			data = g;
		}
		size_t got = fread(data + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

static int cmd_retention_load(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	char *text;
	size_t len = 0;
	int64_t version = 0;
	int code;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give one plan file");
	code = cli_op(ctx, &op);
	if (code)
		return cli_fail(ctx, code);
	text = read_all(ctx, argv[1], &len);
	if (!text)
		return cli_fail(ctx, ctx->err.code);
	code = retention_load(&op, argv[1], text, len, &version, &ctx->err);
	free(text);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(
		        json_pack("{s:I,s:s}", "version", (json_int_t)version, "file", argv[1]));
	else
		printf("retention plan version %lld loaded from %s\n", (long long)version, argv[1]);
	return 0;
}

static void print_rules(const struct retention_rule *rules, int org_level)
{
	char text[80];

	for (int c = 0; c < RC_COUNT; c++) {
		const struct retention_rule *r = &rules[c];

		if (!r->set && !org_level)
			continue;
		retention_rule_text(r, text, sizeof(text));
		if (!r->set) {
			printf("  %-13s bevaras (not in the plan)\n",
			       retention_class_name((enum records_class)c));
			continue;
		}
		printf("  %-13s %s%s (line %d)\n      source: %s\n",
		       retention_class_name((enum records_class)c), text,
		       r->archive_first ? ", arkivera först" : "", r->line, r->source);
	}
}

static int print_version(void *arg, int64_t version, const char *name, const char *sha,
                         const char *by, int64_t at)
{
	struct cli_ctx *ctx = arg;
	char b[CALENDAR_ISO_LEN];

	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s?,s:s,s:s,s:o}", "version", (json_int_t)version,
		                         "name", name, "sha256", sha, "loaded_by", by, "loaded_at",
		                         calendar_json_local(at)));
	else
		printf("%-4lld %-25s %-12s %.16s  %s\n", (long long)version, fmt_time(b, at), by,
		       sha, name ? name : "");
	return 0;
}

static int cmd_retention_show(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"version", required_argument, NULL, 'v'},
	                                     {"versions", no_argument, NULL, 'V'},
	                                     {0}};
	struct retention_plan p = {0};
	struct op_ctx op;
	int64_t version = 0;
	int c, code, versions = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'v') {
			if (cli_parse_id(optarg, &version))
				return cli_usage(ctx, ctx->cmd, "--version: '%s' is not a version",
				                 optarg);
		} else if (c == 'V') {
			versions = 1;
		} else {
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_op(ctx, &op);
	if (code)
		return cli_fail(ctx, code);
	if (versions) {
		if (!ctx->json)
			printf("%-4s %-25s %-12s %-16s  %s\n", "ver", "loaded", "by", "sha256",
			       "name");
		code = retention_versions(&op, print_version, ctx, &ctx->err);
		return code ? cli_fail(ctx, code) : 0;
	}
	code = retention_get(&op, version, &p, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(retention_plan_json(&p));
	} else {
		printf("retention plan version %lld%s%s (sha256 %s)\n", (long long)p.version,
		       p.name[0] ? ": " : "", p.name, p.sha256);
		printf("[organisation]\n");
		print_rules(p.org, 1);
		for (size_t i = 0; i < p.n_accounts; i++) {
			printf("[konto %s]\n", p.accounts[i].ref);
			print_rules(p.accounts[i].rules, 0);
		}
	}
	retention_plan_done(&p);
	return 0;
}

/* ---- holds ---- */

static int cmd_hold_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"account", required_argument, NULL, 'a'}, {"case", required_argument, NULL, 'c'},
	        {"item", required_argument, NULL, 'i'},    {"thread", required_argument, NULL, 't'},
	        {"reason", required_argument, NULL, 'r'},  {0}};
	struct hold_target t = {0};
	const char *account = NULL, *reason = NULL;
	struct op_ctx op;
	int64_t id = 0;
	int c, code, n = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			account = optarg;
			break;
		case 'c':
			t.kind = HOLD_CASE;
			t.ref = optarg;
			n++;
			break;
		case 'i':
			t.kind = HOLD_ITEM;
			t.ref = optarg;
			n++;
			break;
		case 't':
			t.kind = HOLD_THREAD;
			t.ref = optarg;
			n++;
			break;
		case 'r':
			reason = optarg;
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (n == 0 && account) {
		t.kind = HOLD_ACCOUNT;
		t.ref = account;
		n = 1;
	} else if (t.kind == HOLD_THREAD) {
		t.account = account;
	} else if (account) {
		return cli_usage(ctx, ctx->cmd, "--account goes with --thread or alone");
	}
	if (n != 1)
		return cli_usage(ctx, ctx->cmd,
		                 "give one of --account, --case, --item or --thread");
	if (!reason)
		return cli_usage(ctx, ctx->cmd, "give --reason");
	code = cli_op(ctx, &op);
	if (!code)
		code = holds_add(&op, &t, reason, &id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I}", "hold", (json_int_t)id));
	else
		printf("hold %lld added\n", (long long)id);
	return 0;
}

static int print_hold(void *arg, const struct hold_row *h)
{
	struct cli_ctx *ctx = arg;
	char a[CALENDAR_ISO_LEN], b[CALENDAR_ISO_LEN];

	if (ctx->json) {
		cli_print_json(holds_json(h));
		return 0;
	}
	printf("%-4lld %-8s %-22s %-25s %-10s %s%s%s\n", (long long)h->id, h->kind, h->ref,
	       fmt_time(a, h->created_at), h->created_by, h->reason,
	       h->released_at ? "  [released " : "",
	       h->released_at ? fmt_time(b, h->released_at) : "");
	if (h->released_at)
		printf("     released by %s: %s]\n", h->released_by ? h->released_by : "-",
		       h->release_reason ? h->release_reason : "");
	return 0;
}

static int cmd_hold_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	struct op_ctx op;
	int c, code, all = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			all = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_op(ctx, &op);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json)
		printf("%-4s %-8s %-22s %-25s %-10s %s\n", "hold", "kind", "on", "since", "by",
		       "reason");
	code = holds_list(&op, !all, print_hold, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_hold_release(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, {0}};
	const char *reason = NULL;
	struct op_ctx op;
	int64_t id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind + 1 != argc || cli_parse_id(argv[optind], &id))
		return cli_usage(ctx, ctx->cmd, "give one hold id");
	if (!reason)
		return cli_usage(ctx, ctx->cmd, "give --reason");
	code = cli_op(ctx, &op);
	if (!code)
		code = holds_release(&op, id, reason, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:b}", "hold", (json_int_t)id, "released", 1));
	else
		printf("hold %lld released\n", (long long)id);
	return 0;
}

/* ---- cull ---- */

static json_t *line_json(const struct cull_line *l)
{
	char rule[80], cut[CALENDAR_ISO_LEN];
	json_t *keep = json_object();

	retention_rule_text(&l->rule, rule, sizeof(rule));
	for (int k = 0; k < KEEP_COUNT; k++)
		if (l->keep[k])
			json_object_set_new(keep, cull_keep_name((enum cull_keep)k),
			                    json_integer(l->keep[k]));
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:b,s:s?,s:I,s:I,s:o}", "class",
	                 retention_class_name(l->cls), "label", retention_class_label(l->cls),
	                 "account", l->account, "rule", rule, "plan_line", (json_int_t)l->rule.line,
	                 "source", l->rule.set ? l->rule.source : "not in the plan: kept",
	                 "archive_first", l->rule.archive_first, "removed_before",
	                 l->cutoff ? fmt_date(cut, l->cutoff) : NULL, "go", (json_int_t)l->go,
	                 "blobs", (json_int_t)l->blobs, "kept", keep);
}

static void print_line(const struct cull_line *l, int dry)
{
	char rule[80], cut[CALENDAR_ISO_LEN];
	int first = 1;

	retention_rule_text(&l->rule, rule, sizeof(rule));
	printf("%-13s %-28s %s", retention_class_name(l->cls), l->account, rule);
	if (l->rule.set)
		printf(" (plan line %d%s%s%s)", l->rule.line, l->cutoff ? ", older than " : "",
		       l->cutoff ? fmt_date(cut, l->cutoff) : "",
		       l->rule.archive_first ? ", arkivera först" : "");
	printf("\n  %lld %s", (long long)l->go, dry ? "would go" : "removed");
	if (l->blobs)
		printf(" (%lld files freed)", (long long)l->blobs);
	for (int k = 0; k < KEEP_COUNT; k++) {
		if (!l->keep[k])
			continue;
		printf("%s %lld %s", first ? "; kept:" : ",", (long long)l->keep[k],
		       cull_keep_name((enum cull_keep)k));
		first = 0;
	}
	printf("\n");
	if (l->rule.set && l->go)
		printf("  why: %s\n", l->rule.source);
}

/* ---- cull --platform ---- */

static json_t *post_json(const struct platcull_post *p)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:s}", "item", (json_int_t)p->item_id, "platform_id",
	                 p->platform_id, "written", calendar_json_local(p->at), "outcome",
	                 p->outcome, "detail", p->detail);
}

static void print_platcull(struct cli_ctx *ctx, const struct platcull_report *r)
{
	char a[CALENDAR_ISO_LEN], b[CALENDAR_ISO_LEN];

	if (ctx->json) {
		json_t *posts = json_array();

		for (size_t i = 0; i < r->n; i++)
			json_array_append_new(posts, post_json(&r->posts[i]));
		cli_print_json(json_pack(
		        "{s:o,s:s,s:s,s:I,s:o,s:o,s:b,s:s,s:I,s:I,s:I,s:o,s:o}", "run",
		        r->run_id ? json_integer(r->run_id) : json_null(), "state", r->state,
		        "account", r->account, "months", (json_int_t)r->months, "as_of",
		        calendar_json_local(r->as_of), "deleted_before",
		        calendar_json_local(r->cutoff), "four_eyes", r->four_eyes, "proposed_by",
		        r->proposed_by, "deleted", (json_int_t)r->deleted, "failed",
		        (json_int_t)r->failed, "kept", (json_int_t)r->kept, "list_sha256",
		        r->list_sha256[0] ? json_string(r->list_sha256) : json_null(), "posts",
		        posts));
		return;
	}
	printf("culling on the platform: %s, posts written before %s (%lld months before %s)\n",
	       r->account, fmt_date(a, r->cutoff), (long long)r->months, fmt_date(b, r->as_of));
	for (size_t i = 0; i < r->n; i++)
		printf("  %-13s %-32s %s  %s\n", r->posts[i].outcome, r->posts[i].platform_id,
		       fmt_date(a, r->posts[i].at), r->posts[i].detail);
	if (strcmp(r->state, "dry_run") == 0) {
		size_t due = 0;

		for (size_t i = 0; i < r->n; i++)
			due += strcmp(r->posts[i].outcome, "due") == 0;
		printf("dry run: %zu post(s) would be deleted on the platform, %lld kept; nothing "
		       "was changed\n",
		       due, (long long)r->kept);
	} else if (strcmp(r->state, "proposed") == 0) {
		printf("run %lld proposed by %s; four eyes: someone else must confirm (kanalvakt "
		       "cull --platform --confirm %lld)\n",
		       (long long)r->run_id, r->proposed_by, (long long)r->run_id);
	} else {
		printf("run %lld: %lld deleted on the platform, %lld failed, %lld kept; list "
		       "sha256 "
		       "%s\n",
		       (long long)r->run_id, (long long)r->deleted, (long long)r->failed,
		       (long long)r->kept, r->list_sha256);
	}
}

static int cmd_cull_platform(struct cli_ctx *ctx, const char *account, int64_t as_of, int dry,
                             int by_hand, int64_t confirm)
{
	struct platcull_opts po = {.as_of = as_of, .dry_run = dry, .by_hand = by_hand};
	struct platcull_report rep = {0};
	struct op_ctx op;
	int code;

	if (confirm && (account || dry || as_of))
		return cli_usage(ctx, ctx->cmd,
		                 "--confirm carries out a proposed run as it was proposed: no "
		                 "--account, --dry-run or --as-of with it");
	if (!confirm && !account)
		return cli_usage(ctx, ctx->cmd,
		                 "cull --platform needs --account A (or --confirm ID)");
	code = cli_op(ctx, &op);
	if (!code && account)
		code = cli_account(ctx, op.org, account, "--account", &po.account_id);
	if (!code && !dry) {
		po.cfg = cli_config_used(ctx, "cull");
		if (!po.cfg)
			code = ctx->err.code ? ctx->err.code : KV_EIO;
	}
	if (!code)
		code = confirm ? platcull_confirm(&op, confirm, &po, &rep, &ctx->err)
		               : platcull_run(&op, &po, &rep, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	print_platcull(ctx, &rep);
	platcull_report_done(&rep);
	/* Posts the platform did not delete are a failure of the run. */
	return rep.failed ? err_exit_code(KV_EIO) : 0;
}

static int cmd_cull(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"dry-run", no_argument, NULL, 'n'},
	                                     {"as-of", required_argument, NULL, 'd'},
	                                     {"batch", required_argument, NULL, 'b'},
	                                     {"pause-ms", required_argument, NULL, 'p'},
	                                     {"platform", no_argument, NULL, 'P'},
	                                     {"account", required_argument, NULL, 'a'},
	                                     {"by-hand", no_argument, NULL, 'H'},
	                                     {"confirm", required_argument, NULL, 'c'},
	                                     {0}};
	const char *account = NULL;
	int platform = 0, by_hand = 0, local_only = 0;
	int64_t confirm = 0;
	struct cull_opts co = {0};
	struct cull_report rep = {0};
	struct op_ctx op;
	char b[CALENDAR_ISO_LEN];
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			co.dry_run = 1;
			break;
		case 'd':
			if (parse_when(ctx, "--as-of", optarg, &co.as_of))
				return cli_fail(ctx, KV_EINVAL);
			break;
		case 'b':
			if (cli_parse_id(optarg, &co.batch) || co.batch > 100000)
				return cli_usage(ctx, ctx->cmd, "--batch: '%s' is not 1 to 100000",
				                 optarg);
			break;
		case 'p':
			if (cli_parse_id(optarg, &co.pause_ms) || co.pause_ms > 60000)
				return cli_usage(ctx, ctx->cmd,
				                 "--pause-ms: '%s' is not 1 to 60000", optarg);
			local_only = 1;
			break;
		case 'P':
			platform = 1;
			break;
		case 'a':
			account = optarg;
			break;
		case 'H':
			by_hand = 1;
			break;
		case 'c':
			if (cli_parse_id(optarg, &confirm))
				return cli_usage(ctx, ctx->cmd,
				                 "--confirm: '%s' is not a run number", optarg);
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (platform && (local_only || co.batch))
		return cli_usage(ctx, ctx->cmd,
		                 "--batch and --pause-ms are for the local cull, "
		                 "not --platform");
	if (!platform && (account || by_hand || confirm))
		return cli_usage(ctx, ctx->cmd,
		                 "--account, --by-hand and --confirm go with --platform");
	if (platform)
		return cmd_cull_platform(ctx, account, co.as_of, co.dry_run, by_hand, confirm);
	code = cli_op(ctx, &op);
	if (!code)
		code = cull_run(&op, &co, &rep, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		json_t *lines = json_array();

		for (size_t i = 0; i < rep.n_lines; i++)
			json_array_append_new(lines, line_json(&rep.lines[i]));
		cli_print_json(json_pack(
		        "{s:b,s:o,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "dry_run", co.dry_run,
		        "run", rep.run_id ? json_integer(rep.run_id) : json_null(), "plan_version",
		        (json_int_t)rep.plan_version, "as_of", calendar_json_local(rep.as_of),
		        "removed", (json_int_t)rep.removed, "batches", (json_int_t)rep.batches,
		        "versions", (json_int_t)rep.versions, "fts", (json_int_t)rep.fts,
		        "bytes_reclaimed", (json_int_t)rep.bytes, "interrupted_runs_closed",
		        (json_int_t)rep.interrupted, "list_sha256",
		        rep.list_sha256[0] ? json_string(rep.list_sha256) : json_null(), "lines",
		        lines));
	} else {
		if (rep.interrupted)
			printf("closed %lld culling run(s) cut short earlier (see cull list)\n",
			       (long long)rep.interrupted);
		printf("%s as of %s under retention plan version %lld\n",
		       co.dry_run ? "dry run: culling" : "culling", fmt_time(b, rep.as_of),
		       (long long)rep.plan_version);
		for (size_t i = 0; i < rep.n_lines; i++)
			print_line(&rep.lines[i], co.dry_run);
		if (co.dry_run)
			printf("%lld records would go; nothing was changed\n",
			       (long long)rep.removed);
		else
			printf("run %lld: %lld records removed in %lld batches (%lld versions, "
			       "%lld "
			       "search entries, %lld bytes of files reclaimed); list sha256 %s\n",
			       (long long)rep.run_id, (long long)rep.removed,
			       (long long)rep.batches, (long long)rep.versions, (long long)rep.fts,
			       (long long)rep.bytes, rep.list_sha256);
	}
	cull_report_done(&rep);
	return 0;
}

static int print_run(void *arg, const struct cull_run_info *r)
{
	struct cli_ctx *ctx = arg;
	char a[CALENDAR_ISO_LEN], b[CALENDAR_ISO_LEN];

	if (ctx->json) {
		cli_print_json(cull_run_json(r));
		return 0;
	}
	printf("%-4lld %-11s %-4lld %-11s %-25s %-12s %8lld  %s\n", (long long)r->id, r->state,
	       (long long)r->plan_version, fmt_date(a, r->as_of), fmt_time(b, r->started_at),
	       r->actor, (long long)r->removed, r->list_sha256 ? r->list_sha256 : "-");
	return 0;
}

static int print_platcull_run(void *arg, const struct platcull_run_row *r)
{
	struct cli_ctx *ctx = arg;
	char a[CALENDAR_ISO_LEN], b[CALENDAR_ISO_LEN];

	if (ctx->json) {
		cli_print_json(platcull_view_json(r));
		return 0;
	}
	printf("%-4lld %-9s %-8lld %-11s %-12s %-12s %-25s %s\n", (long long)r->id, r->state,
	       (long long)r->account_id, fmt_date(a, r->as_of), r->proposed_by,
	       r->confirmed_by ? r->confirmed_by : "-", fmt_time(b, r->finished_at),
	       r->list_sha256 ? r->list_sha256 : "-");
	return 0;
}

static int cmd_cull_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct op_ctx op;
	int code;

	if (argc == 2 && strcmp(argv[1], "--platform") == 0) {
		code = cli_op(ctx, &op);
		if (code)
			return cli_fail(ctx, code);
		if (!ctx->json)
			printf("%-4s %-9s %-8s %-11s %-12s %-12s %-25s %s\n", "run", "state",
			       "account", "as of", "proposed", "confirmed", "finished",
			       "list sha256");
		code = platcull_list(&op, print_platcull_run, ctx, &ctx->err);
		return code ? cli_fail(ctx, code) : 0;
	}
	if (argc != 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = cli_op(ctx, &op);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json)
		printf("%-4s %-11s %-4s %-11s %-25s %-12s %8s  %s\n", "run", "state", "plan",
		       "as of", "started", "by", "removed", "list sha256");
	code = cull_list(&op, print_run, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int print_entry(void *arg, const char *e)
{
	(void)arg;
	printf("%s\n", e);
	return 0;
}

/* Copies run id's protokoll PDF (of a platform run when platform) to a new
 * file path. */
static int write_pdf(struct cli_ctx *ctx, const struct op_ctx *op, int64_t id, int platform,
                     const char *path)
{
	char sha[65];
	struct buf b;
	FILE *f = NULL;
	int code;

	buf_init(&b, BLOB_READ_MAX);
	code = platform ? platcull_protokoll_pdf(op, id, sha, &ctx->err)
	                : cull_protokoll_pdf(op, id, sha, &ctx->err);
	if (!code)
		code = blob_get(ctx->store, sha, &b, 0, &ctx->err);
	if (!code) {
		f = fopen(path, "wbx");
		if (!f)
			code = err_set(&ctx->err, KV_ECONFLICT, "--pdf: cannot create %s (%s)",
			               path,
			               errno == EEXIST ? "it exists already" : strerror(errno));
	}
	if (!code && (fwrite(b.ptr, 1, b.len, f) != b.len || fflush(f) != 0))
		code = err_set(&ctx->err, KV_EIO, "--pdf: %s: write failed", path);
	if (f && fclose(f) != 0 && !code)
		code = err_set(&ctx->err, KV_EIO, "--pdf: %s: write failed", path);
	buf_done(&b);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "run", (json_int_t)id, "pdf", path,
		                         "sha256", sha));
	else
		printf("%sgallringsprotokoll %lld written to %s (sha256 %s)\n",
		       platform ? "platform " : "", (long long)id, path, sha);
	return 0;
}

static int cmd_cull_show(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"list", no_argument, NULL, 'l'},
	                                     {"pdf", required_argument, NULL, 'p'},
	                                     {"platform", no_argument, NULL, 'P'},
	                                     {0}};
	struct op_ctx op;
	char *proto = NULL;
	const char *pdf = NULL;
	int64_t id = 0;
	int c, code, list = 0, platform = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l')
			list = 1;
		else if (c == 'p')
			pdf = optarg;
		else if (c == 'P')
			platform = 1;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind + 1 != argc || cli_parse_id(argv[optind], &id))
		return cli_usage(ctx, ctx->cmd, "give one culling run number");
	if (platform && list)
		return cli_usage(ctx, ctx->cmd,
		                 "--platform shows a platform run's protokoll: no --list (its "
		                 "protokoll lists every post)");
	code = cli_op(ctx, &op);
	if (code)
		return cli_fail(ctx, code);
	if (list) {
		code = cull_removed_list(&op, id, print_entry, NULL, &ctx->err);
		return code ? cli_fail(ctx, code) : 0;
	}
	if (pdf)
		return write_pdf(ctx, &op, id, platform, pdf);
	code = platform ? platcull_protokoll(&op, id, &proto, &ctx->err)
	                : cull_protokoll(&op, id, &proto, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		json_error_t je;
		json_t *j = json_loads(proto, 0, &je);

		if (j)
			cli_print_json(j);
	} else {
		printf("%s\n", proto);
	}
	free(proto);
	return 0;
}

/* ---- case export ---- */

static int cmd_case_export(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
	                                     {"from", required_argument, NULL, 'f'},
	                                     {"to", required_argument, NULL, 't'},
	                                     {0}};
	const char *out = NULL, *from_s = NULL, *to_s = NULL;
	struct op_ctx op;
	int64_t id = 0, from = 0, to = 0, n = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'f')
			from_s = optarg;
		else if (c == 't')
			to_s = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (!out)
		return cli_usage(ctx, ctx->cmd, "give --out DIR");
	if (optind < argc) {
		if (optind + 1 != argc || cli_parse_id(argv[optind], &id))
			return cli_usage(ctx, ctx->cmd, "'%s' is not a case id", argv[optind]);
		if (from_s || to_s)
			return cli_usage(ctx, ctx->cmd,
			                 "give a case id or --from and --to, not both");
	} else if (!from_s || !to_s) {
		return cli_usage(ctx, ctx->cmd, "give a case id, or --from D --to D");
	}
	if (from_s && parse_when(ctx, "--from", from_s, &from))
		return cli_fail(ctx, KV_EINVAL);
	if (to_s) {
		int y, m, d;

		if (parse_when(ctx, "--to", to_s, &to))
			return cli_fail(ctx, KV_EINVAL);
		/* A date as --to includes that day. */
		if (time_parse_date(to_s, &y, &m, &d) == 0)
			calendar_from_local(&to, y, m, d, 0, 0, 0), to = to + 86400;
	}
	code = cli_op(ctx, &op);
	if (!code)
		code = id ? case_export_one(&op, id, out, &ctx->err)
		          : case_export_period(&op, from, to, out, &n, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(
		        json_pack("{s:s,s:I}", "out", out, "cases", (json_int_t)(id ? 1 : n)));
	else if (id)
		printf("case %lld exported to %s\n", (long long)id, out);
	else
		printf("%lld registered case(s) exported to %s\n", (long long)n, out);
	return 0;
}

const struct cli_command cli_cmds_records[] = {
        {"retention", "load", cmd_retention_load, "FILE",
         "load a retention plan (docs/formats/retention-plan.md) as a new version"},
        {"retention", "show", cmd_retention_show, "[--version N] [--versions]",
         "the retention plan in force (or version N), each rule with its source"},
        {"hold", "add", cmd_hold_add,
         "(--account A | --case N | --item ID | --thread ID [--account A]) --reason TEXT",
         "put a legal or case hold: nothing it covers is culled"},
        {"hold", "list", cmd_hold_list, "[--all]", "active holds (--all: released ones too)"},
        {"hold", "release", cmd_hold_release, "ID --reason TEXT", "release a hold"},
        {"cull", "list", cmd_cull_list, "[--platform]",
         "culling runs (gallringsprotokoll); --platform: the runs on the platforms"},
        {"cull", "show", cmd_cull_show, "N [--list | --pdf FILE] [--platform]",
         "the gallringsprotokoll of run N (--list: the sorted list of what it removed; --pdf:"
         " its PDF/A-1b; --platform: platform run N's, with --pdf its PDF/A-1b)"},
        {"cull", NULL, cmd_cull,
         "[--dry-run] [--as-of DATE] [--batch N] [--pause-ms N] | --platform --account A "
         "[--dry-run] [--as-of DATE] [--by-hand] | --platform --confirm ID [--by-hand]",
         "cull by the retention plan, in batches; --dry-run shows what would go and why;"
         " --platform deletes the account's own posts older than its platform_keep_months"
         " on the platform (after archiving; four eyes when the policy says so)"},
        {"case", "export", cmd_case_export, "(ID | --from D --to D) --out DIR",
         "diarieföring export: case.json, evidence and checksums for the registry system"},
        {0},
};
