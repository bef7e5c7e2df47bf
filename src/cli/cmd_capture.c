/* Commands for captured items: import files, list and show items, search. */
#include "cli/cli.h"
#include "cli/cli_table.h"

#include "base/calendar.h"
#include "capture/import.h"
#include "capture/item_view.h"
#include "capture/media.h"
#include "capture/screener.h"
#include "store/audit.h"
#include "store/screening_rows.h"
#include "registry/registry.h"
#include "screen/screen.h"
#include "store/items.h"
#include "store/media_rows.h"
#include "store/store.h"
#include "workflow/ingest.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void progress(void *arg, int64_t records)
{
	const char *name = arg;

	fprintf(stderr, "\r%s: %lld records", name, (long long)records);
	fflush(stderr);
}

/* The files of one `import`, handed to ingest_run one by one. */
struct import_run {
	struct cli_ctx *ctx;
	struct import_opts *o;
	char **paths;
	int n, i;
	int failed; /* the exit status of the first file that failed */
};

static int import_next(void *arg, struct ingest_source *src)
{
	struct import_run *ir = arg;

	if (ir->i >= ir->n)
		return 0;
	ir->o->progress = isatty(STDERR_FILENO) ? progress : NULL;
	ir->o->progress_ctx = ir->paths[ir->i];
	src->kind = INGEST_FILE;
	src->opts = ir->o;
	src->path = ir->paths[ir->i++];
	return 1;
}

static void import_done(void *arg, const struct ingest_source *src, const struct ingest_result *res)
{
	struct import_run *ir = arg;
	struct cli_ctx *ctx = ir->ctx;
	const struct import_report *r = &res->import;

	if (ir->o->progress)
		fputc('\r', stderr);
	if (res->rc) {
		ctx->err = res->err;
		cli_fail(ctx, res->rc);
		ir->failed = ir->failed ? ir->failed : err_exit_code(res->rc);
		return;
	}
	if (ctx->json) {
		json_t *skips = json_array();

		for (size_t k = 0; k < r->n_skips; k++)
			json_array_append_new(skips,
			                      json_pack("{s:s,s:s}", "what", r->skips[k].what,
			                                "reason", r->skips[k].reason));
		cli_print_json(json_pack(
		        "{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "file", src->path, "new",
		        (json_int_t)r->new_items, "updated", (json_int_t)r->updated, "unchanged",
		        (json_int_t)r->unchanged, "skipped", (json_int_t)r->skipped, "events",
		        (json_int_t)r->events, "screened", (json_int_t)r->screened, "flagged",
		        (json_int_t)r->flagged, "pictures", (json_int_t)r->pictures, "skips",
		        skips));
	} else {
		printf("%s: %lld new, %lld updated, %lld unchanged, %lld skipped, %lld "
		       "events; %lld screened, %lld flagged\n",
		       src->path, (long long)r->new_items, (long long)r->updated,
		       (long long)r->unchanged, (long long)r->skipped, (long long)r->events,
		       (long long)r->screened, (long long)r->flagged);
		for (size_t k = 0; k < r->n_skips; k++)
			printf("  skipped %s: %s\n", r->skips[k].what, r->skips[k].reason);
		if (r->skipped > (int64_t)r->n_skips)
			printf("  ... and %lld more skipped\n",
			       (long long)(r->skipped - (int64_t)r->n_skips));
	}
}

static int cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"no-screen", no_argument, NULL, 'n'},
	                                     {0}};
	struct import_opts o = {0};
	struct import_run ir = {.ctx = ctx, .o = &o};
	struct ingest_ops ops = {.next = import_next, .done = import_done, .ctx = &ir};
	struct ingest_report rep;
	const char *account = NULL, *format = NULL;
	int c, code, screen = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if (c == 'f')
			format = optarg;
		else if (c == 'n')
			screen = 0;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind >= argc)
		return cli_usage(ctx, ctx->cmd, "give at least one FILE");
	if (format && parse_format_from_name(format, &o.format) != KV_OK)
		return cli_usage(
		        ctx, ctx->cmd,
		        "--format: '%s' is not one of auto, graph, meta-webhook, "
		        "meta-dyi, youtube, x-archive, x-api, mastodon, linkedin, feed, jsonl",
		        format);
	code = cli_org(ctx, &o.org);
	if (!code && account)
		code = cli_account(ctx, o.org, account, "--account", &o.account_id);
	if (!code && screen && !(o.screener = cli_screener(ctx)))
		code = ctx->err.code;
	if (code)
		return cli_fail(ctx, code);
	ir.paths = argv + optind;
	ir.n = argc - optind;
	ingest_run(cli_op_at(ctx, o.org, 0), &ops, &rep);
	cli_ingest_warning(&rep);
	return ir.failed;
}

static int parse_when(struct cli_ctx *ctx, const char *opt, const char *value, int64_t *out)
{
	int code = calendar_parse_instant(out, value, &ctx->err);

	return code ? err_prefix(&ctx->err, "%s: ", opt) : KV_OK;
}

/* Options shared by item list and search. */
static int parse_filter(struct cli_ctx *ctx, int argc, char **argv, struct item_filter *f)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"direction", required_argument, NULL, 'd'},
	                                     {"kind", required_argument, NULL, 'k'},
	                                     {"state", required_argument, NULL, 's'},
	                                     {"from", required_argument, NULL, 'F'},
	                                     {"to", required_argument, NULL, 'T'},
	                                     {"newest-first", no_argument, NULL, 'n'},
	                                     {"chronological", no_argument, NULL, 'c'},
	                                     {"limit", required_argument, NULL, 'l'},
	                                     {"category", required_argument, NULL, 'C'},
	                                     {"flagged", no_argument, NULL, 'G'},
	                                     {0}};
	const char *account = NULL;
	enum item_kind kind;
	enum item_state state;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			account = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "inkommen") == 0)
				f->direction = "inkommen";
			else if (strcmp(optarg, "upprattad") == 0 ||
			         strcmp(optarg, "upprättad") == 0)
				f->direction = "upprattad";
			else
				return cli_usage(ctx, ctx->cmd,
				                 "--direction: '%s' is not inkommen or upprättad",
				                 optarg);
			break;
		case 'k':
			if (item_kind_from_name(optarg, &kind))
				return cli_usage(ctx, ctx->cmd,
				                 "--kind: '%s' is not one of post, comment, reply, "
				                 "message, media",
				                 optarg);
			f->kind = item_kind_name(kind);
			break;
		case 's':
			if (item_state_from_name(optarg, &state))
				return cli_usage(
				        ctx, ctx->cmd,
				        "--state: '%s' is not one of visible, hidden, deleted",
				        optarg);
			f->state = item_state_name(state);
			break;
		case 'F':
			if (parse_when(ctx, "--from", optarg, &f->from))
				return cli_fail(ctx, KV_EINVAL);
			break;
		case 'T':
			if (parse_when(ctx, "--to", optarg, &f->to))
				return cli_fail(ctx, KV_EINVAL);
			break;
		case 'n':
			f->newest_first = 1;
			break;
		case 'C':
			if (lexicon_category_id(optarg) < 0)
				return cli_usage(ctx, ctx->cmd,
				                 "--category: '%s' is not a screening category",
				                 optarg);
			f->category = optarg;
			break;
		case 'G':
			f->flagged = 1;
			break;
		case 'c':
			f->newest_first = 0;
			break;
		case 'l': {
			char *end = NULL;
			long long n = strtoll(optarg, &end, 10);

			if (!end || *end || n <= 0)
				return cli_usage(ctx, ctx->cmd,
				                 "--limit: '%s' is not a positive number", optarg);
			f->limit = n;
			break;
		}
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	code = cli_org(ctx, &f->org_id);
	if (!code && account)
		code = cli_account(ctx, f->org_id, account, "--account", &f->account_id);
	return code ? cli_fail(ctx, code) : 0;
}

static const struct cli_col item_cols[] = {{"item", 7, 1}, {"created", 25, 0}, {"direction", 9, 0},
                                           {"kind", 8, 0}, {"state", 9, 0},    {"author", 20, 0},
                                           {"text", 0, 0}};

struct item_list {
	struct cli_ctx *ctx;
	size_t n;
};

static int print_item(void *arg, const struct item_row *r)
{
	struct item_list *l = arg;
	char created[CALENDAR_ISO_LEN] = "-", id[24];
	int cats = r->categories && *r->categories;
	struct buf text;

	if (l->ctx->json) {
		cli_print_json(item_view_json(r));
		return 0;
	}
	if (r->created_at)
		calendar_format_local(created, r->created_at);
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	buf_init(&text, 0);
	buf_puts(&text, r->snippet ? r->snippet : r->text);
	if (cats)
		buf_printf(&text, "  [%s]", r->categories);
	{
		const char *cells[] = {id,
		                       created,
		                       r->direction[0] == 'u' ? "upprättad" : "inkommen",
		                       r->kind,
		                       r->state,
		                       r->author_name,
		                       buf_cstr(&text)};

		if (l->n++ == 0)
			cli_table_header(stdout, item_cols, 7);
		cli_table_row(stdout, item_cols, 7, cells);
	}
	buf_done(&text);
	return 0;
}

static int cmd_item_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct item_filter f = {0};
	struct item_list l = {.ctx = ctx};
	int code = parse_filter(ctx, argc, argv, &f);

	if (code)
		return code;
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = item_view_each(cli_op_at(ctx, f.org_id, 0), &f, print_item, &l, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_search(struct cli_ctx *ctx, int argc, char **argv)
{
	struct item_filter f = {.newest_first = 1};
	struct item_list l = {.ctx = ctx};
	struct buf q;
	int code = parse_filter(ctx, argc, argv, &f);

	if (code)
		return code;
	if (optind >= argc)
		return cli_usage(ctx, ctx->cmd, "give the words to search for");
	buf_init(&q, 4096);
	for (int i = optind; i < argc; i++)
		if (buf_printf(&q, "%s%s", i > optind ? " " : "", argv[i])) {
			buf_done(&q);
			return cli_usage(ctx, ctx->cmd, "the query is too long");
		}
	f.query = buf_cstr(&q);
	code = item_view_each(cli_op_at(ctx, f.org_id, 0), &f, print_item, &l, &ctx->err);
	buf_done(&q);
	return code ? cli_fail(ctx, code) : 0;
}

/* `rescreen` as an ingest step: the items are screened again in the
 * capture layer's transactions, then the workflow sees the new flags (cases
 * for new violations, questions for new questions, kept cases of edited
 * items reopened). */
struct rescreen_step {
	struct capture_screener *sc;
	int all;
	struct rescreen_report r;
};

static int rescreen_step(void *arg, const struct op_ctx *op, struct err *err)
{
	struct rescreen_step *st = arg;
	int rc = capture_screener_rescreen(op->store, st->sc, op->org, st->all, &st->r, err);

	if (!rc && st->r.screened) {
		json_t *a = json_pack("{s:s,s:I,s:I}", "ruleset", capture_screener_ruleset(st->sc),
		                      "screened", (json_int_t)st->r.screened, "flagged",
		                      (json_int_t)st->r.flagged);
		char *after = a ? json_dumps(a, JSON_COMPACT) : NULL;

		json_decref(a);
		rc = after ? audit_append(op->store, NULL, op->org, op_ctx_actor(op),
		                          "capture.rescreen", "ruleset",
		                          capture_screener_ruleset(st->sc), NULL, after, err)
		           : err_set(err, KV_ENOMEM, "out of memory");
		free(after);
	}
	return rc;
}

struct rescreen_src {
	struct rescreen_step *step;
	int handed;
	struct ingest_result res;
};

static int rescreen_next(void *arg, struct ingest_source *src)
{
	struct rescreen_src *rs = arg;

	if (rs->handed)
		return 0;
	rs->handed = 1;
	src->kind = INGEST_STEP;
	src->step = rescreen_step;
	src->step_ctx = rs->step;
	return 1;
}

static void rescreen_done(void *arg, const struct ingest_source *src,
                          const struct ingest_result *res)
{
	struct rescreen_src *rs = arg;

	(void)src;
	rs->res = *res;
}

static int cmd_rescreen(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	struct rescreen_step st = {0};
	struct rescreen_src rs = {.step = &st};
	struct ingest_ops ops = {.next = rescreen_next, .done = rescreen_done, .ctx = &rs};
	struct ingest_report rep;
	int64_t org = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		st.all = 1;
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	st.sc = cli_screener(ctx);
	if (!st.sc)
		return cli_fail(ctx, ctx->err.code);
	ingest_run(cli_op_at(ctx, org, 0), &ops, &rep);
	if (rs.res.rc) {
		ctx->err = rs.res.err;
		return cli_fail(ctx, rs.res.rc);
	}
	cli_ingest_warning(&rep);
	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:s,s:I,s:I,s:I,s:I,s:I}", "ruleset", capture_screener_ruleset(st.sc),
		        "screened", (json_int_t)st.r.screened, "flagged", (json_int_t)st.r.flagged,
		        "questions_opened", (json_int_t)rep.sync.questions_opened, "cases_opened",
		        (json_int_t)rep.sync.cases_opened, "cases_reopened",
		        (json_int_t)rep.sync.cases_reopened));
	else
		printf("rules %s: %lld items screened, %lld flagged; %lld questions and %lld cases "
		       "opened, %lld cases reopened\n",
		       capture_screener_ruleset(st.sc), (long long)st.r.screened,
		       (long long)st.r.flagged, (long long)rep.sync.questions_opened,
		       (long long)rep.sync.cases_opened, (long long)rep.sync.cases_reopened);
	return 0;
}

static int print_media(void *arg, const struct media_row *m)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(item_view_media_json(m));
	else
		printf("%-6lld item %-7lld %-8s %s %s\n", (long long)m->id, (long long)m->item_id,
		       m->sha256     ? "fetched"
		       : m->attempts ? "failed"
		                     : "pending",
		       m->sha256 ? m->sha256 : (m->error ? m->error : "-"), m->url);
	return 0;
}

static int cmd_media_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"item", required_argument, NULL, 'i'}, {0}};
	int64_t org = 0, item = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end = NULL;

		if (c != 'i')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		item = strtoll(optarg, &end, 10);
		if (!end || *end || item <= 0)
			return cli_usage(ctx, ctx->cmd, "--item: '%s' is not an item id", optarg);
	}
	code = cli_org(ctx, &org);
	if (!code)
		code = media_row_each(ctx->store, org, item, print_media, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_media_fetch(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
	struct media_report r = {0};
	struct media_conf conf;
	int64_t org = 0, limit = 500;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end = NULL;

		if (c != 'l')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		limit = strtoll(optarg, &end, 10);
		if (!end || *end || limit <= 0)
			return cli_usage(ctx, ctx->cmd, "--limit: '%s' is not a positive number",
			                 optarg);
	}
	if (!cli_config(ctx))
		return cli_fail(ctx, ctx->err.code ? ctx->err.code : KV_EINVAL);
	code = capture_media_conf_load(&conf, ctx->cfg, &ctx->err);
	if (!code)
		code = cli_org(ctx, &org);
	if (!code)
		code = capture_media_fetch(ctx->store, org, limit, &conf, &r, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:I,s:I,s:I}", "fetched", (json_int_t)r.fetched,
		                         "failed", (json_int_t)r.failed, "bytes",
		                         (json_int_t)r.bytes, "pictures", (json_int_t)r.pictures));
	else
		printf("%lld media fetched (%lld bytes; %lld profile pictures), %lld failed\n",
		       (long long)r.fetched, (long long)r.bytes, (long long)r.pictures,
		       (long long)r.failed);
	return r.failed ? 3 : 0;
}

static int cmd_item_show(struct cli_ctx *ctx, int argc, char **argv)
{
	json_t *item = NULL;
	char *end = NULL;
	long long id;
	int64_t org = 0;
	int code;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 || !end || *end)
		return cli_usage(ctx, ctx->cmd, "give one item id");
	code = cli_org(ctx, &org);
	if (!code)
		code = item_view_show(cli_op_at(ctx, org, 0), id, &item, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json) {
		cli_print_json(item);
	} else {
		char *s = json_dumps(item, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (s)
			puts(s);
		free(s);
		json_decref(item);
	}
	return 0;
}

const struct cli_command cli_cmds_capture[] = {
        {"import", NULL, cmd_import, "[--account ID|HANDLE] [--format F] [--no-screen] FILE...",
         "import captured items from files (format detected when omitted); inkommen items are "
         "screened"},
        {"media", "list", cmd_media_list, "[--item ID]",
         "media of captured items: fetched (with the SHA-256 in the blob store), pending or "
         "failed"},
        {"media", "fetch", cmd_media_fetch, "[--limit N]",
         "fetch pending media into the blob store (exit 3 when some failed)"},
        {"rescreen", NULL, cmd_rescreen, "[--all]",
         "screen again the inkommen items not screened with the current rules (--all: all), "
         "then open the questions and cases the new flags call for"},
        {"item", "list", cmd_item_list,
         "[--account A] [--direction inkommen|upprättad] [--kind K] [--state S]\n"
         "    [--from T] [--to T] [--newest-first] [--limit N]",
         "list captured items (chronological)"},
        {"item", "show", cmd_item_show, "ID", "an item with all its versions, events and thread"},
        {"search", NULL, cmd_search,
         "QUERY... [the filters of item list] [--chronological]\n"
         "    QUERY: words (all required), \"a phrase\", prefix*, -word or -\"phrase\" to leave "
         "out;\n    quote a query holding - or \" (docs/search.md)",
         "full-text search in Swedish (newest first)"},
        {0},
};
