/* Commands for captured items: import files, list and show items, search. */
#include "cli/cli.h"

#include "http/views.h"

#include "base/calendar.h"
#include "capture/import.h"
#include "capture/media.h"
#include "capture/screening.h"
#include "store/audit.h"
#include "store/screening_rows.h"
#include "registry/registry.h"
#include "screen/screen.h"
#include "store/items.h"
#include "store/media_rows.h"
#include "store/store.h"

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

static int cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"format", required_argument, NULL, 'f'},
	                                     {"no-screen", no_argument, NULL, 'n'},
	                                     {0}};
	struct import_opts o = {0};
	const char *account = NULL, *format = NULL;
	int c, code, failed = 0, screen = 1;

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
		return cli_usage(ctx, ctx->cmd,
		                 "--format: '%s' is not one of auto, graph, meta-webhook, "
		                 "meta-dyi, youtube, x-archive, x-api, mastodon, feed, jsonl",
		                 format);
	code = cli_org(ctx, &o.org);
	if (!code && account)
		code = cli_account(ctx, o.org, account, "--account", &o.account_id);
	if (!code && screen && !(o.screener = cli_screener(ctx)))
		code = ctx->err.code;
	if (code)
		return cli_fail(ctx, code);
	o.actor = ctx->actor;
	for (int i = optind; i < argc; i++) {
		struct import_report r;

		o.progress = isatty(STDERR_FILENO) ? progress : NULL;
		o.progress_ctx = argv[i];
		err_clear(&ctx->err);
		code = capture_import_file(ctx->store, &o, argv[i], &r, &ctx->err);
		if (o.progress)
			fputc('\r', stderr);
		if (code) {
			cli_fail(ctx, code);
			failed = failed ? failed : err_exit_code(code);
			continue;
		}
		if (ctx->json) {
			json_t *skips = json_array();

			for (size_t k = 0; k < r.n_skips; k++)
				json_array_append_new(skips, json_pack("{s:s,s:s}", "what",
				                                       r.skips[k].what, "reason",
				                                       r.skips[k].reason));
			cli_print_json(json_pack(
			        "{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "file", argv[i], "new",
			        (json_int_t)r.new_items, "updated", (json_int_t)r.updated,
			        "unchanged", (json_int_t)r.unchanged, "skipped",
			        (json_int_t)r.skipped, "events", (json_int_t)r.events, "screened",
			        (json_int_t)r.screened, "flagged", (json_int_t)r.flagged, "skips",
			        skips));
		} else {
			printf("%s: %lld new, %lld updated, %lld unchanged, %lld skipped, %lld "
			       "events; %lld screened, %lld flagged\n",
			       argv[i], (long long)r.new_items, (long long)r.updated,
			       (long long)r.unchanged, (long long)r.skipped, (long long)r.events,
			       (long long)r.screened, (long long)r.flagged);
			for (size_t k = 0; k < r.n_skips; k++)
				printf("  skipped %s: %s\n", r.skips[k].what, r.skips[k].reason);
			if (r.skipped > (int64_t)r.n_skips)
				printf("  ... and %lld more skipped\n",
				       (long long)(r.skipped - (int64_t)r.n_skips));
		}
	}
	cli_workflow_sync(ctx, o.org);
	return failed;
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

static json_t *item_json(const struct item_row *r)
{
	return views_item_json(r);
}

static int print_item(void *arg, const struct item_row *r)
{
	struct cli_ctx *ctx = arg;
	char created[CALENDAR_ISO_LEN] = "-";

	if (ctx->json) {
		cli_print_json(item_json(r));
		return 0;
	}
	if (r->created_at)
		calendar_format_local(created, r->created_at);
	printf("%-7lld %-25s %-9s %-8s %-9s %-20.20s %s%s%s%s\n", (long long)r->id, created,
	       r->direction[0] == 'u' ? "upprättad" : "inkommen", r->kind, r->state,
	       r->author_name ? r->author_name : "-", r->snippet ? r->snippet : r->text,
	       r->categories && *r->categories ? "  [" : "",
	       r->categories && *r->categories ? r->categories : "",
	       r->categories && *r->categories ? "]" : "");
	return 0;
}

static int cmd_item_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct item_filter f = {0};
	int code = parse_filter(ctx, argc, argv, &f);

	if (code)
		return code;
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = items_each(ctx->store, &f, print_item, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_search(struct cli_ctx *ctx, int argc, char **argv)
{
	struct item_filter f = {.newest_first = 1};
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
	code = items_each(ctx->store, &f, print_item, ctx, &ctx->err);
	buf_done(&q);
	return code ? cli_fail(ctx, code) : 0;
}

struct show {
	struct cli_ctx *ctx;
	json_t *item;
	json_t *list;
	const char *root;
	char root_buf[256];
	int64_t account_id;
};

static int collect_item(void *arg, const struct item_row *r)
{
	struct show *sh = arg;

	if (!sh->item) {
		sh->item = item_json(r);
		sh->account_id = r->account_id;
		snprintf(sh->root_buf, sizeof(sh->root_buf), "%s",
		         r->root_platform_id ? r->root_platform_id : r->platform_id);
	} else {
		json_array_append_new(sh->list, item_json(r));
	}
	return 0;
}

static int collect_version(void *arg, const struct item_version_row *v)
{
	struct show *sh = arg;
	char at[CALENDAR_ISO_LEN] = "", captured[CALENDAR_ISO_LEN];
	json_t *links = v->links ? json_loads(v->links, 0, NULL) : NULL;
	json_t *media = v->media ? json_loads(v->media, 0, NULL) : NULL;

	if (v->version_at)
		calendar_format_local(at, v->version_at);
	calendar_format_local(captured, v->captured_at);
	json_array_append_new(sh->list,
	                      json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s?,s:o,s:o}", "version",
	                                (json_int_t)v->version, "text", v->text, "sha256",
	                                v->sha256, "written_at", v->version_at ? at : NULL,
	                                "captured_at", captured, "source", v->source, "links",
	                                links ? links : json_null(), "media",
	                                media ? media : json_null()));
	return 0;
}

static int collect_event(void *arg, const struct item_event_row *e)
{
	struct show *sh = arg;
	char at[CALENDAR_ISO_LEN], captured[CALENDAR_ISO_LEN];

	calendar_format_local(at, e->at);
	calendar_format_local(captured, e->captured_at);
	json_array_append_new(sh->list, json_pack("{s:s,s:s,s:s,s:s?}", "event", e->kind, "at", at,
	                                          "captured_at", captured, "source", e->source));
	return 0;
}

static int collect_flag(void *arg, const struct flag_row *f)
{
	struct show *sh = arg;

	json_array_append_new(sh->list, json_pack("{s:s,s:f,s:s,s:I,s:I,s:s}", "category",
	                                          f->category, "score", f->score, "rule", f->rule,
	                                          "start", (json_int_t)f->start, "end",
	                                          (json_int_t)f->end, "match", f->match));
	return 0;
}

static int cmd_rescreen(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	struct capture_screener *sc;
	struct rescreen_report r = {0};
	char *after = NULL;
	int64_t org = 0;
	int c, all = 0, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		all = 1;
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	sc = cli_screener(ctx);
	if (!sc)
		return cli_fail(ctx, ctx->err.code);
	code = capture_rescreen(ctx->store, sc, org, all, &r, &ctx->err);
	if (!code && r.screened) {
		json_t *a = json_pack("{s:s,s:I,s:I}", "ruleset", capture_screener_ruleset(sc),
		                      "screened", (json_int_t)r.screened, "flagged",
		                      (json_int_t)r.flagged);

		after = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		code = audit_append(ctx->store, NULL, org, ctx->actor, "capture.rescreen",
		                    "ruleset", capture_screener_ruleset(sc), NULL, after,
		                    &ctx->err);
		free(after);
	}
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:I,s:I}", "ruleset", capture_screener_ruleset(sc),
		                         "screened", (json_int_t)r.screened, "flagged",
		                         (json_int_t)r.flagged));
	else
		printf("rules %s: %lld items screened, %lld flagged\n",
		       capture_screener_ruleset(sc), (long long)r.screened, (long long)r.flagged);
	return 0;
}

static json_t *media_json(const struct media_row *m)
{
	return json_pack("{s:I,s:I,s:s,s:s?,s:s?,s:I,s:I,s:s?}", "id", (json_int_t)m->id, "item",
	                 (json_int_t)m->item_id, "url", m->url, "type", m->type, "sha256",
	                 m->sha256, "bytes", (json_int_t)m->bytes, "attempts",
	                 (json_int_t)m->attempts, "error", m->error);
}

static int collect_media(void *arg, const struct media_row *m)
{
	struct show *sh = arg;

	json_array_append_new(sh->list, media_json(m));
	return 0;
}

static int print_media(void *arg, const struct media_row *m)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(media_json(m));
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
		cli_print_json(json_pack("{s:I,s:I,s:I}", "fetched", (json_int_t)r.fetched,
		                         "failed", (json_int_t)r.failed, "bytes",
		                         (json_int_t)r.bytes));
	else
		printf("%lld media fetched (%lld bytes), %lld failed\n", (long long)r.fetched,
		       (long long)r.bytes, (long long)r.failed);
	return r.failed ? 3 : 0;
}

static int cmd_item_show(struct cli_ctx *ctx, int argc, char **argv)
{
	struct item_filter f = {0};
	struct show sh = {.ctx = ctx};
	json_t *versions = json_array(), *events = json_array(), *thread = json_array();
	json_t *flags = json_array(), *media = json_array();
	char *end = NULL;
	long long id;
	int code;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 || !end || *end) {
		json_decref(versions);
		json_decref(events);
		json_decref(thread);
		json_decref(flags);
		json_decref(media);
		return cli_usage(ctx, ctx->cmd, "give one item id");
	}
	code = cli_org(ctx, &f.org_id);
	f.item_id = id;
	if (!code)
		code = items_each(ctx->store, &f, collect_item, &sh, &ctx->err);
	if (!code && !sh.item)
		code = err_set(&ctx->err, KV_ENOTFOUND, "no item with id %lld", id);
	if (!code) {
		sh.list = versions;
		code = items_versions(ctx->store, id, collect_version, &sh, &ctx->err);
	}
	if (!code) {
		sh.list = events;
		code = items_events(ctx->store, id, collect_event, &sh, &ctx->err);
	}
	if (!code) {
		sh.list = flags;
		code = screening_row_flags(ctx->store, id, collect_flag, &sh, &ctx->err);
	}
	if (!code) {
		sh.list = media;
		code = media_row_each(ctx->store, f.org_id, id, collect_media, &sh, &ctx->err);
	}
	if (!code) {
		struct item_filter t = {.org_id = f.org_id, .root = sh.root_buf};

		t.account_id = sh.account_id;
		sh.list = thread;
		/* collect_item appends every row after the first to the list. */
		json_array_append_new(thread, json_null());
		code = items_each(ctx->store, &t, collect_item, &sh, &ctx->err);
		json_array_remove(thread, 0);
	}
	if (code) {
		json_decref(sh.item);
		json_decref(versions);
		json_decref(events);
		json_decref(thread);
		json_decref(flags);
		json_decref(media);
		return cli_fail(ctx, code);
	}
	json_object_set_new(sh.item, "flags", flags);
	json_object_set_new(sh.item, "media", media);
	json_object_set_new(sh.item, "versions", versions);
	json_object_set_new(sh.item, "events", events);
	json_object_set_new(sh.item, "thread", thread);
	if (ctx->json) {
		cli_print_json(sh.item);
	} else {
		char *s = json_dumps(sh.item, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (s)
			puts(s);
		free(s);
		json_decref(sh.item);
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
         "screen again the inkommen items not screened with the current rules (--all: all)"},
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
