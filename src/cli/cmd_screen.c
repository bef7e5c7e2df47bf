/* `kanalvakt screen`: screens text items from a file or stdin and prints one
 * JSON line per item; `kanalvakt screen eval` measures the engine against a
 * labelled file (RTP-LX or {"text","labels"} JSON Lines). The engine itself
 * is screen/; this file only reads input, prints and counts. */
#include "cli/cli.h"

#include "screen/screen.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#define MAX_LINE ((size_t)16 << 20)

/* A JSON string for bytes that may not be valid UTF-8 (bad bytes -> U+FFFD). */
static json_t *json_bytes(const char *s, size_t n)
{
	json_t *v = json_stringn(s, n);
	char *tmp;
	size_t o = 0;

	if (v)
		return v;
	tmp = malloc(n * 3 + 1);
	if (!tmp)
		return json_null();
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);

		if (k <= 0) {
			memcpy(tmp + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		} else {
			memcpy(tmp + o, s + i, (size_t)k);
			o += (size_t)k;
			i += (size_t)k;
		}
	}
	v = json_stringn(tmp, o);
	free(tmp);
	return v ? v : json_null();
}

static json_t *result_json(json_t *id, const struct screen_result *r, const char *text)
{
	json_t *flags = json_array();

	for (size_t k = 0; k < r->nflags; k++) {
		const struct screen_flag *f = &r->flags[k];

		json_array_append_new(
		        flags,
		        json_pack("{s:s, s:f, s:s, s:I, s:I, s:o}", "category",
		                  lexicon_category_name(f->category), "score", f->score, "rule",
		                  f->rule, "start", (json_int_t)f->start, "end", (json_int_t)f->end,
		                  "match", json_bytes(text + f->start, f->end - f->start)));
	}
	return json_pack("{s:O, s:o, s:b}", "id", id, "flags", flags, "question", r->question);
}

/* Like cli_print_json, but scores with four significant digits. */
static void print_line(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	json_decref(v);
}

struct opts {
	const char *rules;
	const char *file;
	int json;
};

static int parse_opts(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv,
                      struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->json = ctx->json;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			o->json = 1;
		else if (strcmp(argv[i], "--rules") == 0) {
			if (i + 1 >= argc)
				return cli_usage(ctx, cmd, "option '--rules' needs a directory");
			o->rules = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage(ctx, cmd, "unknown option '%s'", argv[i]);
		} else if (o->file) {
			return cli_usage(ctx, cmd, "only one FILE, got '%s' too", argv[i]);
		} else {
			o->file = argv[i];
		}
	}
	return 0;
}

static int open_engine(struct cli_ctx *ctx, const struct opts *o, struct screen **s,
                       struct screen_scratch **sc)
{
	char buf[4096];
	const char *dir = screen_rules_dir(o->rules, buf, sizeof(buf));
	int rc;

	if ((rc = screen_new(s, dir, &ctx->err)) != KV_OK)
		return rc;
	if ((rc = screen_scratch_new(sc, *s, &ctx->err)) != KV_OK) {
		screen_free(*s);
		*s = NULL;
	}
	return rc;
}

static FILE *open_input(struct cli_ctx *ctx, const char *file)
{
	FILE *f;

	if (!file || strcmp(file, "-") == 0)
		return stdin;
	f = fopen(file, "rb");
	if (!f)
		err_set(&ctx->err, KV_EIO, "cannot open %s: %s", file, strerror(errno));
	return f;
}

static int cmd_screen(struct cli_ctx *ctx, int argc, char **argv);
static int cmd_eval(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_command cli_cmds_screen[] = {
        {"screen", "eval", cmd_eval, "[--rules DIR] FILE",
         "precision, recall and F1 per category on a labelled JSON Lines file"},
        {"screen", NULL, cmd_screen, "[--json] [--rules DIR] [FILE|-]",
         "screen text (one item per line, or JSON Lines with id and text)"},
        {0},
};

static int cmd_screen(struct cli_ctx *ctx, int argc, char **argv)
{
	struct opts o;
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	FILE *in = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc;

	if ((rc = parse_opts(ctx, &cli_cmds_screen[1], argc, argv, &o)) != 0)
		return rc;
	if ((rc = open_engine(ctx, &o, &s, &sc)) != KV_OK)
		goto out;
	if (!(in = open_input(ctx, o.file))) {
		rc = KV_EIO;
		goto out;
	}
	while ((n = getline(&line, &cap, in)) >= 0) {
		const struct screen_result *r;
		json_t *doc = NULL, *id, *t;
		const char *text = line;
		size_t len = (size_t)n;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if ((size_t)n > MAX_LINE) {
			rc = err_set(&ctx->err, KV_EINVAL, "%s:%ld: line longer than %zu bytes",
			             o.file ? o.file : "-", lineno, MAX_LINE);
			goto out;
		}
		if (o.json) {
			json_error_t je;

			if (len == 0)
				continue;
			doc = json_loadb(line, len, 0, &je);
			if (!doc || !json_is_object(doc)) {
				rc = err_set(&ctx->err, KV_EINVAL, "%s:%ld: not a JSON object: %s",
				             o.file ? o.file : "-", lineno,
				             doc ? "another JSON value" : je.text);
				json_decref(doc);
				goto out;
			}
			t = json_object_get(doc, "text");
			if (!json_is_string(t)) {
				rc = err_set(&ctx->err, KV_EINVAL,
				             "%s:%ld: object has no string \"text\"",
				             o.file ? o.file : "-", lineno);
				json_decref(doc);
				goto out;
			}
			text = json_string_value(t);
			len = json_string_length(t);
			id = json_object_get(doc, "id");
			id = id ? json_incref(id) : json_integer(lineno);
		} else {
			id = json_integer(lineno);
		}
		if ((rc = screen_text(&r, sc, text, len, &ctx->err)) != KV_OK) {
			err_prefix(&ctx->err, "%s:%ld: ", o.file ? o.file : "-", lineno);
			json_decref(id);
			json_decref(doc);
			goto out;
		}
		print_line(result_json(id, r, text));
		json_decref(id);
		json_decref(doc);
	}
	if (ferror(in))
		rc = err_set(&ctx->err, KV_EIO, "cannot read %s", o.file ? o.file : "stdin");
out:
	free(line);
	if (in && in != stdin)
		fclose(in);
	screen_scratch_free(sc);
	screen_free(s);
	return rc == KV_OK ? 0 : cli_fail(ctx, rc);
}

/* Evaluation rows: "any abusive" first, then categories. */
enum { ROW_ANY = SCREEN_NCAT, ROW_THREAT_OR_VIOLENCE, NROWS };

struct counts {
	long tp[NROWS], fp[NROWS], fn[NROWS];
	int used[NROWS];
};

static void count(struct counts *c, int row, int gold, int pred)
{
	c->used[row] = 1;
	if (gold && pred)
		c->tp[row]++;
	else if (pred)
		c->fp[row]++;
	else if (gold)
		c->fn[row]++;
}

static double annotation(json_t *ann, const char *key)
{
	json_t *v = json_object_get(ann, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

static void print_row(const struct counts *c, int row, const char *name)
{
	double p = c->tp[row] + c->fp[row] ? (double)c->tp[row] / (double)(c->tp[row] + c->fp[row])
	                                   : 0;
	double r = c->tp[row] + c->fn[row] ? (double)c->tp[row] / (double)(c->tp[row] + c->fn[row])
	                                   : 0;
	double f = p + r > 0 ? 2 * p * r / (p + r) : 0;

	printf("%-26s %7ld %5ld %5ld %5ld  %6.3f %6.3f %6.3f\n", name, c->tp[row] + c->fn[row],
	       c->tp[row], c->fp[row], c->fn[row], p, r, f);
}

static int cmd_eval(struct cli_ctx *ctx, int argc, char **argv)
{
	struct opts o;
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	FILE *in = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0, items = 0;
	struct counts c;
	int rc, rtp = 0;

	memset(&c, 0, sizeof(c));
	if ((rc = parse_opts(ctx, &cli_cmds_screen[0], argc, argv, &o)) != 0)
		return rc;
	if (!o.file)
		return cli_usage(ctx, &cli_cmds_screen[0], "missing FILE");
	if ((rc = open_engine(ctx, &o, &s, &sc)) != KV_OK)
		goto out;
	if (!(in = open_input(ctx, o.file))) {
		rc = KV_EIO;
		goto out;
	}
	while ((n = getline(&line, &cap, in)) >= 0) {
		const struct screen_result *r;
		json_error_t je;
		json_t *doc, *ann, *labels;
		const char *text;
		int gold[NROWS] = {0}, pred[NROWS] = {0};

		lineno++;
		if (n <= 1)
			continue;
		doc = json_loadb(line, (size_t)n, 0, &je);
		if (!doc || !json_is_object(doc)) {
			rc = err_set(&ctx->err, KV_EINVAL, "%s:%ld: not a JSON object: %s", o.file,
			             lineno, doc ? "another JSON value" : je.text);
			json_decref(doc);
			goto out;
		}
		ann = json_object_get(doc, "Annotations");
		labels = json_object_get(doc, "labels");
		if (json_is_object(ann) && json_is_string(json_object_get(doc, "Prompt"))) {
			/* RTP-LX: mean ratings 1..5; 2.5 and up means "must look". */
			rtp = 1;
			text = json_string_value(json_object_get(doc, "Prompt"));
			gold[ROW_ANY] = annotation(ann, "Toxicity") >= 2.5;
			gold[SCREEN_HATE] = annotation(ann, "IdentityAttack") >= 2.5;
			gold[SCREEN_DEFAMATION_INSULT] = annotation(ann, "Insult") >= 2.5;
			gold[ROW_THREAT_OR_VIOLENCE] = annotation(ann, "Violence") >= 2.5;
			gold[SCREEN_SEXUAL] = annotation(ann, "SexualContent") >= 2.5;
		} else if (json_is_string(json_object_get(doc, "text")) && json_is_array(labels)) {
			size_t k;
			json_t *l;

			text = json_string_value(json_object_get(doc, "text"));
			json_array_foreach(labels, k, l)
			{
				int cat = json_is_string(l)
				                  ? lexicon_category_id(json_string_value(l))
				                  : -1;

				if (cat < 0) {
					rc = err_set(&ctx->err, KV_EINVAL,
					             "%s:%ld: label %zu is not a category name",
					             o.file, lineno, k);
					json_decref(doc);
					goto out;
				}
				gold[cat] = 1;
				if (lexicon_category_abusive(cat))
					gold[ROW_ANY] = 1;
			}
		} else {
			rc = err_set(&ctx->err, KV_EINVAL,
			             "%s:%ld: expected RTP-LX (Prompt, Annotations) or "
			             "{\"text\", \"labels\"}",
			             o.file, lineno);
			json_decref(doc);
			goto out;
		}
		if ((rc = screen_text(&r, sc, text, strlen(text), &ctx->err)) != KV_OK) {
			json_decref(doc);
			goto out;
		}
		for (int k = 0; k < SCREEN_NCAT; k++) {
			pred[k] = r->flagged[k];
			if (r->flagged[k] && lexicon_category_abusive(k))
				pred[ROW_ANY] = 1;
		}
		pred[ROW_THREAT_OR_VIOLENCE] = pred[SCREEN_THREAT] || pred[SCREEN_VIOLENCE];
		count(&c, ROW_ANY, gold[ROW_ANY], pred[ROW_ANY]);
		if (rtp) {
			count(&c, SCREEN_HATE, gold[SCREEN_HATE], pred[SCREEN_HATE]);
			count(&c, SCREEN_DEFAMATION_INSULT, gold[SCREEN_DEFAMATION_INSULT],
			      pred[SCREEN_DEFAMATION_INSULT]);
			count(&c, ROW_THREAT_OR_VIOLENCE, gold[ROW_THREAT_OR_VIOLENCE],
			      pred[ROW_THREAT_OR_VIOLENCE]);
			count(&c, SCREEN_SEXUAL, gold[SCREEN_SEXUAL], pred[SCREEN_SEXUAL]);
		} else {
			for (int k = 0; k < SCREEN_NCAT; k++)
				if (gold[k] || pred[k])
					count(&c, k, gold[k], pred[k]);
		}
		items++;
		json_decref(doc);
	}
	printf("items %ld, rules %zu, rules version %s\n", items, screen_rule_count(s),
	       screen_rules_version(s));
	printf("%-26s %7s %5s %5s %5s  %6s %6s %6s\n", "category", "support", "tp", "fp", "fn", "P",
	       "R", "F1");
	print_row(&c, ROW_ANY, "any_abusive");
	for (int k = 0; k < SCREEN_NCAT; k++)
		if (c.used[k])
			print_row(&c, k, lexicon_category_name(k));
	if (c.used[ROW_THREAT_OR_VIOLENCE])
		print_row(&c, ROW_THREAT_OR_VIOLENCE, "threat|violence");
out:
	free(line);
	if (in && in != stdin)
		fclose(in);
	screen_scratch_free(sc);
	screen_free(s);
	return rc == KV_OK ? 0 : cli_fail(ctx, rc);
}
