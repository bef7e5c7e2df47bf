/* `kanalvakt draft …`: writing, checking, reading and publishing drafts.
 * Parsing and printing only; the rules are in workflow/drafts. */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/config.h"
#include "base/time.h"
#include "workflow/drafts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int parse_id(struct cli_ctx *ctx, int argc, char **argv, int64_t *out)
{
	if (argc - optind != 1)
		return cli_usage(ctx, ctx->cmd, "give one draft ID");
	if (cli_parse_id(argv[optind], out))
		return cli_usage(ctx, ctx->cmd, "'%s' is not a draft id (a positive number)",
		                 argv[optind]);
	return 0;
}

static int parse_at(struct cli_ctx *ctx, const char *s, int64_t *out)
{
	if (calendar_parse_instant(out, s, &ctx->err) != KV_OK) {
		err_prefix(&ctx->err, "--at: ");
		return KV_EINVAL;
	}
	return KV_OK;
}

/* Prints a draft's view: JSON, or a few lines for people. */
static void print_draft(struct cli_ctx *ctx, const struct draft_rec *d, int full)
{
	json_t *v = drafts_view_json(d, time_now());
	json_t *block = json_object_get(v, "blocking");

	if (ctx->json) {
		cli_print_json(v);
		return;
	}
	if (!full) {
		printf("%lld\t%s\t%s\t%s\t%.60s\n", (long long)d->id, d->account, d->state,
		       json_is_true(json_object_get(v, "ready")) ? "ready" : "not ready", d->text);
		json_decref(v);
		return;
	}
	printf("draft %lld on %s (%s, version %lld)\n", (long long)d->id, d->account, d->state,
	       (long long)d->version);
	printf("written by %s%s%s\n", d->created_by, d->publish_at ? ", to be published " : "",
	       d->publish_at ? json_string_value(json_object_get(v, "publish_at")) : "");
	printf("\n%s\n\n", d->text);
	if (d->published_at)
		printf("published %s via %s%s%s%s\n",
		       json_string_value(json_object_get(json_object_get(v, "published"), "at")),
		       d->published_via, d->platform_id ? " as " : "",
		       d->platform_id ? d->platform_id : "", d->item_id ? " (item captured)" : "");
	if (d->publish_error)
		printf("last publish failed: %s\n", d->publish_error);
	if (json_array_size(block)) {
		printf("not ready to publish:\n");
		for (size_t i = 0; i < json_array_size(block); i++)
			printf("  - %s\n", json_string_value(json_array_get(block, i)));
	} else if (!strcmp(d->state, "draft")) {
		printf("ready to publish\n");
	}
	json_decref(v);
}

/* ---- add ---- */

static int cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"account", required_argument, NULL, 'a'}, {"text", required_argument, NULL, 't'},
	        {"media", required_argument, NULL, 'm'},   {"alt", required_argument, NULL, 'l'},
	        {"shows-people", no_argument, NULL, 'p'},  {"sensitive", no_argument, NULL, 's'},
	        {"at", required_argument, NULL, 'T'},      {0}};
	struct drafts_media media[DRAFTS_MEDIA_MAX];
	struct buf bufs[DRAFTS_MEDIA_MAX], text;
	const char *acc = NULL, *file = NULL, *paths[DRAFTS_MEDIA_MAX], *alts[DRAFTS_MEDIA_MAX];
	struct drafts_input in = {0};
	size_t n_media = 0, n_alt = 0, n_read = 0;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			acc = optarg;
			break;
		case 't':
			file = optarg;
			break;
		case 'm':
			if (n_media == DRAFTS_MEDIA_MAX)
				return cli_usage(ctx, ctx->cmd, "--media: at most %d files",
				                 DRAFTS_MEDIA_MAX);
			paths[n_media++] = optarg;
			break;
		case 'l':
			if (n_alt == DRAFTS_MEDIA_MAX)
				return cli_usage(ctx, ctx->cmd, "--alt: at most %d alt texts",
				                 DRAFTS_MEDIA_MAX);
			alts[n_alt++] = optarg;
			break;
		case 'p':
			in.shows_people = 1;
			break;
		case 's':
			in.sensitive = 1;
			break;
		case 'T':
			if (parse_at(ctx, optarg, &in.publish_at))
				return cli_fail(ctx, KV_EINVAL);
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "add takes no arguments");
	if (!acc || !file)
		return cli_usage(ctx, ctx->cmd, "--account and --text FILE are required");
	if (n_alt > n_media)
		return cli_usage(ctx, ctx->cmd, "--alt: %zu alt texts for %zu media files", n_alt,
		                 n_media);
	code = cli_org(ctx, &org);
	if (!code)
		code = cli_account(ctx, org, acc, "--account", &in.account_id);
	if (code)
		return cli_fail(ctx, code);
	buf_init(&text, DRAFTS_TEXT_MAX + 1);
	code = cli_read_file(ctx, file, "--text", &text, DRAFTS_TEXT_MAX);
	for (size_t i = 0; i < n_media && !code; i++) {
		buf_init(&bufs[i], DRAFTS_MEDIA_BYTES + 1);
		n_read = i + 1;
		code = cli_read_file(ctx, paths[i], "--media", &bufs[i], DRAFTS_MEDIA_BYTES);
		media[i] = (struct drafts_media){paths[i], bufs[i].ptr, bufs[i].len,
		                                 i < n_alt ? alts[i] : NULL};
	}
	if (!code) {
		in.text = buf_cstr(&text);
		in.media = media;
		in.n_media = n_media;
		code = drafts_add(cli_op_at(ctx, org, 0), &in, &id, &ctx->err);
	}
	for (size_t i = 0; i < n_read; i++)
		buf_done(&bufs[i]);
	buf_done(&text);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "draft"));
	else
		printf("draft %lld added; check it with: kanalvakt draft check %lld\n",
		       (long long)id, (long long)id);
	return 0;
}

/* ---- list, show ---- */

static int list_row(void *arg, const struct draft_rec *d)
{
	print_draft(arg, d, 0);
	return 0;
}

static int cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"account", required_argument, NULL, 'a'},
	                                     {"state", required_argument, NULL, 's'},
	                                     {0}};
	struct draft_filter f = {0};
	const char *acc = NULL;
	int64_t org = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			acc = optarg;
		else if (c == 's')
			f.state = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (argc != optind)
		return cli_usage(ctx, ctx->cmd, "list takes no arguments");
	if (f.state && strcmp(f.state, "draft") && strcmp(f.state, "publishing") &&
	    strcmp(f.state, "published") && strcmp(f.state, "cancelled"))
		return cli_usage(ctx, ctx->cmd,
		                 "--state: '%s' is not draft, publishing, published or cancelled",
		                 f.state);
	code = cli_org(ctx, &org);
	if (!code && acc)
		code = cli_account(ctx, org, acc, "--account", &f.account_id);
	if (!code)
		code = drafts_list(cli_op_at(ctx, org, 0), &f, list_row, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_show(struct cli_ctx *ctx, int argc, char **argv)
{
	struct draft_loaded *l = NULL;
	int64_t org = 0, id = 0;
	int code;

	optind = 1;
	if (argc > 1 && argv[1][0] == '-')
		return cli_bad_option(ctx, ctx->cmd, argc, argv);
	code = parse_id(ctx, argc, argv, &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = drafts_get(cli_op_at(ctx, org, 0), id, &l, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	print_draft(ctx, &l->d, 1);
	draft_row_loaded_free(l);
	return 0;
}

/* ---- check ---- */

static int parse_answer(struct cli_ctx *ctx, const char *s, struct drafts_answer *out, char *keybuf,
                        size_t cap)
{
	const char *eq = strchr(s, '=');
	const char *v;

	if (!eq || eq == s || (size_t)(eq - s) >= cap)
		return cli_usage(ctx, ctx->cmd, "--answer: '%s' is not KEY=yes or KEY=no", s);
	memcpy(keybuf, s, (size_t)(eq - s));
	keybuf[eq - s] = '\0';
	v = eq + 1;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "ja"))
		out->yes = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "nej"))
		out->yes = 0;
	else
		return cli_usage(ctx, ctx->cmd, "--answer %s: '%s' is not yes or no", keybuf, v);
	out->key = keybuf;
	return 0;
}

static void print_check(json_t *r)
{
	json_t *points = json_object_get(r, "points"), *qs = json_object_get(r, "questions");
	json_t *block = json_object_get(r, "blocking");
	size_t i;
	json_t *p;

	printf("draft %lld, version %lld, on %s\n",
	       (long long)json_integer_value(json_object_get(r, "draft")),
	       (long long)json_integer_value(json_object_get(r, "version")),
	       json_string_value(json_object_get(r, "platform")));
	json_array_foreach(points, i, p)
	{
		printf("  %-8s %-16s %s\n", json_string_value(json_object_get(p, "status")),
		       json_string_value(json_object_get(p, "title")),
		       json_string_value(json_object_get(p, "detail")));
	}
	printf("checklist (Nykvarn bilaga 3):\n");
	json_array_foreach(qs, i, p)
	{
		const char *a = json_string_value(json_object_get(p, "answer"));

		printf("  %-4s %-14s %s\n", a ? a : "?",
		       json_string_value(json_object_get(p, "key")),
		       json_string_value(json_object_get(p, "question")));
	}
	if (json_array_size(block)) {
		printf("not ready to publish:\n");
		json_array_foreach(block, i, p) printf("  - %s\n", json_string_value(p));
	} else {
		printf("ready to publish\n");
	}
}

/* Asks each unanswered question that the person answers, on stderr, and
 * reads yes/no lines from stdin. */
static int ask(struct cli_ctx *ctx, json_t *qs, struct drafts_answer *out, char (*keys)[64],
               size_t cap, size_t *n)
{
	size_t i;
	json_t *q;

	json_array_foreach(qs, i, q)
	{
		const char *key = json_string_value(json_object_get(q, "key"));
		char line[64];

		if (*n == cap)
			break;
		if (json_is_true(json_object_get(q, "automatic")) ||
		    json_string_value(json_object_get(q, "answer")))
			continue;
		for (;;) {
			fprintf(stderr, "%s [ja/nej] ",
			        json_string_value(json_object_get(q, "question")));
			if (!fgets(line, sizeof(line), stdin))
				return err_set(&ctx->err, KV_EINVAL,
				               "--interactive: no answer to %s on stdin", key);
			line[strcspn(line, "\r\n")] = '\0';
			if (!strcasecmp(line, "ja") || !strcasecmp(line, "yes") ||
			    !strcasecmp(line, "nej") || !strcasecmp(line, "no"))
				break;
		}
		snprintf(keys[*n], 64, "%s", key);
		out[*n].key = keys[*n];
		out[*n].yes = !strcasecmp(line, "ja") || !strcasecmp(line, "yes");
		(*n)++;
	}
	return KV_OK;
}

#define ANSWERS_MAX 32

static int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"answer", required_argument, NULL, 'A'},
	                                     {"interactive", no_argument, NULL, 'i'},
	                                     {"no-screening", no_argument, NULL, 'S'},
	                                     {0}};
	struct drafts_answer ans[ANSWERS_MAX];
	char keys[ANSWERS_MAX][64];
	struct drafts_check_opts o = {0};
	json_t *r = NULL;
	size_t n = 0;
	int64_t org = 0, id = 0;
	int c, code, interactive = 0, screening = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'A') {
			if (n == ANSWERS_MAX)
				return cli_usage(ctx, ctx->cmd, "--answer: at most %d",
				                 ANSWERS_MAX);
			code = parse_answer(ctx, optarg, &ans[n], keys[n], sizeof(keys[n]));
			if (code)
				return code;
			n++;
		} else if (c == 'i') {
			interactive = 1;
		} else if (c == 'S') {
			screening = 0;
		} else {
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	code = parse_id(ctx, argc, argv, &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	o.cfg = cli_config(ctx);
	if (!o.cfg)
		return cli_fail(ctx, ctx->err.code);
	if (screening) {
		o.screener = cli_screener(ctx);
		if (!o.screener)
			return cli_fail(ctx, ctx->err.code);
	}
	code = drafts_check(cli_op_at(ctx, org, 0), id, &o, ans, n, &r, &ctx->err);
	if (!code && interactive) {
		size_t before = n;

		code = ask(ctx, json_object_get(r, "questions"), ans, keys, ANSWERS_MAX, &n);
		if (!code && n > before) {
			json_decref(r);
			r = NULL;
			code = drafts_check(cli_op_at(ctx, org, 0), id, &o, ans, n, &r, &ctx->err);
		}
	}
	if (code) {
		json_decref(r);
		return cli_fail(ctx, code);
	}
	code = json_is_true(json_object_get(r, "ready")) ? 0 : 1;
	if (ctx->json)
		cli_print_json(r);
	else {
		print_check(r);
		json_decref(r);
	}
	return code;
}

/* ---- review, publish, edit, cancel ---- */

static int cmd_review(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"approve", no_argument, NULL, 'a'},
	                                     {"reject", no_argument, NULL, 'r'},
	                                     {"reason", required_argument, NULL, 'R'},
	                                     {0}};
	const char *reason = NULL;
	int64_t org = 0, id = 0;
	int c, code, approve = -1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a' || c == 'r') {
			if (approve >= 0)
				return cli_usage(ctx, ctx->cmd,
				                 "give one of --approve and --reject");
			approve = c == 'a';
		} else if (c == 'R') {
			reason = optarg;
		} else {
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	code = parse_id(ctx, argc, argv, &id);
	if (code)
		return code;
	if (approve < 0)
		return cli_usage(ctx, ctx->cmd, "give --approve or --reject --reason TEXT");
	code = cli_org(ctx, &org);
	if (!code)
		code = drafts_review(cli_op_at(ctx, org, 0), id, approve, reason, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "review",
		                         approve ? "approved" : "rejected", "by", ctx->who.name));
	else
		printf("draft %lld %s by %s\n", (long long)id, approve ? "approved" : "rejected",
		       ctx->who.name);
	return 0;
}

static int cmd_publish(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"by-hand", no_argument, NULL, 'b'},
	                                     {"platform-id", required_argument, NULL, 'p'},
	                                     {0}};
	struct drafts_publish_opts o = {0};
	struct drafts_published res;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'b')
			o.by_hand = 1;
		else if (c == 'p')
			o.platform_id = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	code = parse_id(ctx, argc, argv, &id);
	if (code)
		return code;
	if (o.platform_id && !o.by_hand)
		return cli_usage(ctx, ctx->cmd, "--platform-id goes with --by-hand");
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	o.cfg = cli_config_used(ctx, "publish");
	if (!o.cfg)
		return cli_fail(ctx, ctx->err.code);
	code = drafts_publish(cli_op_at(ctx, org, 0), id, &o, &res, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s,s:s,s:s?,s:o,s:s}", "id", (json_int_t)id,
		                         "state", "published", "via", res.via_api ? "api" : "hand",
		                         "platform_id", res.platform_id[0] ? res.platform_id : NULL,
		                         "item",
		                         res.item_id ? json_integer(res.item_id) : json_null(),
		                         "detail", res.detail));
	else if (res.via_api)
		printf("draft %lld published as %s (item %lld)\n", (long long)id, res.platform_id,
		       (long long)res.item_id);
	else
		printf("draft %lld recorded as published by hand\n", (long long)id);
	return 0;
}

static int cmd_edit(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"text", required_argument, NULL, 't'},
	                                     {"at", required_argument, NULL, 'T'},
	                                     {"no-at", no_argument, NULL, 'N'},
	                                     {"sensitive", no_argument, NULL, 's'},
	                                     {"not-sensitive", no_argument, NULL, 'n'},
	                                     {"shows-people", no_argument, NULL, 'p'},
	                                     {"no-people", no_argument, NULL, 'P'},
	                                     {"alt", required_argument, NULL, 'l'},
	                                     {0}};
	struct drafts_change ch = {NULL, -1, -1, -1, NULL, 0};
	const char *file = NULL, *alts[DRAFTS_MEDIA_MAX];
	struct buf text;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			file = optarg;
			break;
		case 'T':
			if (parse_at(ctx, optarg, &ch.publish_at))
				return cli_fail(ctx, KV_EINVAL);
			break;
		case 'N':
			ch.publish_at = 0;
			break;
		case 's':
		case 'n':
			ch.sensitive = c == 's';
			break;
		case 'p':
		case 'P':
			ch.shows_people = c == 'p';
			break;
		case 'l':
			if (ch.n_alt == DRAFTS_MEDIA_MAX)
				return cli_usage(ctx, ctx->cmd, "--alt: at most %d",
				                 DRAFTS_MEDIA_MAX);
			alts[ch.n_alt++] = optarg;
			break;
		default:
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		}
	}
	code = parse_id(ctx, argc, argv, &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	buf_init(&text, DRAFTS_TEXT_MAX + 1);
	if (file)
		code = cli_read_file(ctx, file, "--text", &text, DRAFTS_TEXT_MAX);
	ch.text = file ? buf_cstr(&text) : NULL;
	ch.alt = alts;
	if (!code)
		code = drafts_edit(cli_op_at(ctx, org, 0), id, &ch, &ctx->err);
	buf_done(&text);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "done", "edited"));
	else
		printf("draft %lld edited\n", (long long)id);
	return 0;
}

static int cmd_cancel(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, 'R'}, {0}};
	const char *reason = NULL;
	int64_t org = 0, id = 0;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'R')
			reason = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	code = parse_id(ctx, argc, argv, &id);
	if (code)
		return code;
	code = cli_org(ctx, &org);
	if (!code)
		code = drafts_cancel(cli_op_at(ctx, org, 0), id, reason, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "cancelled"));
	else
		printf("draft %lld cancelled\n", (long long)id);
	return 0;
}

static void on_due(void *arg, const struct drafts_due_event *ev)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:I,s:s,s:s?,s:s?}", "id", (json_int_t)ev->id, "result",
		        ev->done ? "published" : "failed", "platform_id",
		        ev->done && ev->done->platform_id[0] ? ev->done->platform_id : NULL,
		        "error", ev->error));
	else if (ev->done)
		printf("draft %lld published as %s\n", (long long)ev->id, ev->done->platform_id);
	else
		printf("draft %lld not published: %s\n", (long long)ev->id, ev->error);
}

static int cmd_due(struct cli_ctx *ctx, int argc, char **argv)
{
	struct principal sys;
	struct op_ctx op;
	const struct config *cfg;
	int64_t org = 0;
	int code, ok = 0, bad = 0;

	optind = 1;
	if (argc > 1)
		return argv[1][0] == '-'
		               ? cli_bad_option(ctx, ctx->cmd, argc, argv)
		               : cli_usage(ctx, ctx->cmd, "publish-due takes no arguments");
	code = cli_org(ctx, &org);
	if (code)
		return cli_fail(ctx, code);
	cfg = cli_config_used(ctx, "publish");
	if (!cfg)
		return cli_fail(ctx, ctx->err.code);
	/* The pass serve runs, as the system, under the operator's name. */
	principal_init_system(&sys, ctx->who.name);
	op_ctx_init(&op, ctx->store, org, &sys, time_now());
	code = drafts_publish_due(&op, cfg, on_due, ctx, &ok, &bad, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (!ctx->json)
		printf("%d published, %d not\n", ok, bad);
	return bad ? 1 : 0;
}

const struct cli_command cli_cmds_draft[] = {
        {"draft", "add", cmd_add,
         "--account ACCOUNT --text FILE|- [--media FILE]... [--alt TEXT]... [--shows-people] "
         "[--sensitive] [--at TIME]",
         "write a draft post for an account (media with their alt texts, in order)"},
        {"draft", "list", cmd_list, "[--account ACCOUNT] [--state STATE]",
         "the drafts, newest first, and whether each is ready to publish"},
        {"draft", "show", cmd_show, "ID", "one draft: text, check, answers, review, publishing"},
        {"draft", "check", cmd_check,
         "ID [--answer KEY=yes|no]... [--interactive] [--no-screening]",
         "the publishing checklist: automatic points, and your answers to the questions "
         "(keys: relevant spelling timing tone channel targeting shorten hashtags url "
         "image_fit copyright anonymised consent own_film central_page website); exit 1 "
         "while not ready"},
        {"draft", "review", cmd_review, "ID --approve | --reject --reason TEXT",
         "the second reading of a sensitive draft (two persons, one responsible for the "
         "account)"},
        {"draft", "publish", cmd_publish, "ID [--by-hand [--platform-id ID]]",
         "publish now through the platform's API, or record it as published by hand"},
        {"draft", "edit", cmd_edit,
         "ID [--text FILE|-] [--at TIME | --no-at] [--sensitive | --not-sensitive] "
         "[--shows-people | --no-people] [--alt TEXT]...",
         "change a draft (a new version: check, answers and review again)"},
        {"draft", "cancel", cmd_cancel, "ID [--reason TEXT]", "cancel a draft"},
        {"draft", "publish-due", cmd_due, "",
         "publish the drafts whose time has come (what serve does on its pass)"},
        {0},
};
