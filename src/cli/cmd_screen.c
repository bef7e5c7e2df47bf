/* `kanalvakt screen`: screens text items from a file or stdin and prints one
 * JSON line per item; `kanalvakt screen eval` measures the engine against a
 * labelled file (RTP-LX or {"text","labels"} JSON Lines). The engine itself
 * is screen/; this file only reads input, prints and counts. */
#include "cli/cli.h"

#include "screen/decision.h"
#include "screen/labelled.h"
#include "screen/screen.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

static json_t *reasons_json(unsigned bits)
{
	json_t *a = json_array();

	for (int k = 0; k < SCREEN_NREASONS; k++)
		if (bits & (1u << k))
			json_array_append_new(a, json_string(screen_reason_name(k)));
	return a;
}

static json_t *result_json(json_t *id, const struct screen_result *r, const char *text)
{
	json_t *flags = json_array();

	for (size_t k = 0; k < r->nflags; k++) {
		const struct screen_flag *f = &r->flags[k];

		json_array_append_new(
		        flags,
		        json_pack("{s:s, s:f, s:s, s:I, s:I, s:o, s:o}", "category",
		                  lexicon_category_name(f->category), "score", f->score, "rule",
		                  f->rule, "start", (json_int_t)f->start, "end", (json_int_t)f->end,
		                  "match", json_bytes(text + f->start, f->end - f->start),
		                  "reasons", reasons_json(f->reasons)));
	}
	return json_pack("{s:O, s:b, s:o, s:b}", "id", id, "abusive", r->abusive, "flags", flags,
	                 "question", r->question);
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

/* The per-line output of `screen`: result lines are formatted by hand into
 * one buffer and written with one fwrite when it fills (stdio calls per
 * field, printf for every number, were a tenth of the run). */
#define OUT_FLUSH ((size_t)1 << 20)

struct out {
	char *buf;
	size_t len, cap;
	int failed; /* out of memory: the result cannot be printed */
};

static int out_room(struct out *o, size_t n)
{
	char *b;
	size_t cap;

	if (o->len + n <= o->cap)
		return 0;
	cap = o->cap ? o->cap : OUT_FLUSH * 2;
	while (cap < o->len + n)
		cap *= 2;
	if (!(b = realloc(o->buf, cap))) {
		o->failed = 1;
		return -1;
	}
	o->buf = b;
	o->cap = cap;
	return 0;
}

static void out_put(struct out *o, const char *s, size_t n)
{
	if (out_room(o, n) == 0) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	}
}

#define OUT_LIT(o, s) out_put((o), (s), sizeof(s) - 1)

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_int(struct out *o, long long v)
{
	char digits[24], *d = digits + sizeof(digits);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--d = '-';
	out_put(o, d, (size_t)(digits + sizeof(digits) - d));
}

/* Writes what is buffered once it passes OUT_FLUSH (or always, with all). */
static void out_flush(struct out *o, FILE *f, int all)
{
	if (o->len && (all || o->len >= OUT_FLUSH)) {
		fwrite(o->buf, 1, o->len, f);
		o->len = 0;
	}
}

/* A JSON string for bytes that may not be valid UTF-8 (bad bytes become
 * U+FFFD). Escapes exactly what JSON requires (", \\, control bytes). */
static void out_json_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (out_room(o, 6 * n + 2) != 0)
		return;
	o->buf[o->len++] = '"';
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			o->buf[o->len++] = '\\';
			o->buf[o->len++] = (char)c;
			i++;
		} else if (c < 0x20) {
			memcpy(o->buf + o->len, "\\u00", 4);
			o->buf[o->len + 4] = hex[c >> 4];
			o->buf[o->len + 5] = hex[c & 15];
			o->len += 6;
			i++;
		} else if (c < 0x80) {
			o->buf[o->len++] = (char)c;
			i++;
		} else {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			                                      (utf8proc_ssize_t)(n - i), &cp);

			if (k <= 0) {
				memcpy(o->buf + o->len, "\xEF\xBF\xBD", 3);
				o->len += 3;
				i++;
			} else {
				memcpy(o->buf + o->len, s + i, (size_t)k);
				o->len += (size_t)k;
				i += (size_t)k;
			}
		}
	}
	o->buf[o->len++] = '"';
}

/* A score with four significant digits, as jansson's JSON_REAL_PRECISION(4)
 * writes it. Scores repeat (a rule's weight), so the last few are kept. */
static void out_score(struct out *o, double v)
{
	static double seen[8];
	static char text[8][40];
	static int used, next;

	for (int k = 0; k < used; k++)
		if (memcmp(&seen[k], &v, sizeof(v)) == 0) {
			out_str(o, text[k]);
			return;
		}
	snprintf(text[next], sizeof(text[next]), "%.4g", v);
	if (!strpbrk(text[next], ".eE"))
		snprintf(text[next] + strlen(text[next]), sizeof(text[next]) - strlen(text[next]),
		         ".0");
	seen[next] = v;
	out_str(o, text[next]);
	next = (next + 1) % 8;
	if (used < 8)
		used++;
}

/* One result line for a numeric id, the same keys, order and number format
 * (four significant digits) as result_json with print_line. */
static void print_result(struct out *o, long long id, const struct screen_result *r,
                         const char *text)
{
	OUT_LIT(o, "{\"id\":");
	out_int(o, id);
	if (r->abusive)
		OUT_LIT(o, ",\"abusive\":true,\"flags\":[");
	else
		OUT_LIT(o, ",\"abusive\":false,\"flags\":[");
	for (size_t k = 0; k < r->nflags; k++) {
		const struct screen_flag *f = &r->flags[k];
		int first = 1;

		if (k)
			OUT_LIT(o, ",");
		OUT_LIT(o, "{\"category\":\"");
		out_str(o, lexicon_category_name(f->category));
		OUT_LIT(o, "\",\"score\":");
		out_score(o, f->score);
		OUT_LIT(o, ",\"rule\":");
		out_json_string(o, f->rule, strlen(f->rule));
		OUT_LIT(o, ",\"start\":");
		out_int(o, (long long)f->start);
		OUT_LIT(o, ",\"end\":");
		out_int(o, (long long)f->end);
		OUT_LIT(o, ",\"match\":");
		out_json_string(o, text + f->start, f->end - f->start);
		OUT_LIT(o, ",\"reasons\":[");
		for (int b = 0; b < SCREEN_NREASONS; b++)
			if (f->reasons & (1u << b)) {
				if (!first)
					OUT_LIT(o, ",");
				OUT_LIT(o, "\"");
				out_str(o, screen_reason_name(b));
				OUT_LIT(o, "\"");
				first = 0;
			}
		OUT_LIT(o, "]}");
	}
	if (r->question)
		OUT_LIT(o, "],\"question\":true}\n");
	else
		OUT_LIT(o, "],\"question\":false}\n");
}

/* Lines of a file read in large blocks (getline's per-line stdio work was
 * noticeable at a million lines). A line is returned with its newline, if
 * it has one; a line longer than max is returned cut at max + 1 bytes, so
 * the caller sees it is too long. */
struct lines {
	FILE *f;
	char *buf;
	size_t cap, start, end; /* unread bytes: buf[start..end) */
	size_t max;
	int eof;
};

#define LINES_BLOCK ((size_t)1 << 20)

/* 1 with *line, *n set; 0 at the end; -1 out of memory (or a read error:
 * ferror(f) tells). */
static int lines_next(struct lines *l, const char **line, size_t *n)
{
	size_t scanned = 0;

	for (;;) {
		size_t have = l->end - l->start, got;
		char *nl = have > scanned
		                   ? memchr(l->buf + l->start + scanned, '\n', have - scanned)
		                   : NULL;

		if (nl || (l->eof && have) || have > l->max) {
			size_t len = nl ? (size_t)(nl - (l->buf + l->start)) + 1 : have;

			if (len > l->max + 1)
				len = l->max + 1;
			*line = l->buf + l->start;
			*n = len;
			l->start += len;
			return 1;
		}
		if (l->eof)
			return 0;
		scanned = have;
		/* Move what is left to the front and read more. */
		if (l->start > 0) {
			memmove(l->buf, l->buf + l->start, have);
			l->start = 0;
			l->end = have;
		}
		if (l->cap - l->end < LINES_BLOCK) {
			size_t cap = l->cap ? l->cap * 2 : 2 * LINES_BLOCK;
			char *b = realloc(l->buf, cap);

			if (!b)
				return -1;
			l->buf = b;
			l->cap = cap;
		}
		got = fread(l->buf + l->end, 1, l->cap - l->end, l->f);
		l->end += got;
		if (got == 0) {
			if (ferror(l->f))
				return -1;
			l->eof = 1;
		}
	}
}

struct opts {
	const char *rules;
	const char *file;
	const char *friendly;
	int json;
	int jsonl; /* --input jsonl */
	int folds, repeats;
	unsigned seed;
};

/* A whole number from lo to hi for option name, or -1 (message set). */
static long opt_number(struct cli_ctx *ctx, const struct cli_command *cmd, const char *name,
                       const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi) {
		cli_usage(ctx, cmd, "option '%s' takes a whole number from %ld to %ld, got '%s'",
		          name, lo, hi, v);
		return -1;
	}
	return n;
}

static int parse_opts(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv,
                      struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->json = ctx->json;
	o->folds = 5;
	o->repeats = 3;
	o->seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		long v;

		if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "--input") == 0 && cmd == &cli_cmds_screen[1]) {
			if (i + 1 >= argc)
				return cli_usage(ctx, cmd,
				                 "option '--input' needs 'text' or 'jsonl'");
			i++;
			if (strcmp(argv[i], "jsonl") == 0)
				o->jsonl = 1;
			else if (strcmp(argv[i], "text") == 0)
				o->jsonl = 0;
			else
				return cli_usage(
				        ctx, cmd,
				        "option '--input' takes 'text' or 'jsonl', got '%s'",
				        argv[i]);
		} else if ((strcmp(a, "--folds") == 0 || strcmp(a, "--repeats") == 0 ||
		            strcmp(a, "--seed") == 0 || strcmp(a, "--friendly") == 0) &&
		           cmd == &cli_cmds_screen[0]) {
			if (i + 1 >= argc)
				return cli_usage(ctx, cmd, "option '%s' needs a value", a);
			i++;
			if (strcmp(a, "--friendly") == 0) {
				o->friendly = argv[i];
				continue;
			}
			v = opt_number(ctx, cmd, a, argv[i],
			               a[2] == 'f'   ? 2
			               : a[2] == 'r' ? 1
			                             : 0,
			               a[2] == 'f'   ? 20
			               : a[2] == 'r' ? 50
			                             : 1000000);
			if (v < 0)
				return 2;
			if (a[2] == 'f')
				o->folds = (int)v;
			else if (a[2] == 'r')
				o->repeats = (int)v;
			else
				o->seed = (unsigned)v;
		} else if (strcmp(argv[i], "--rules") == 0) {
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
        {"screen", "eval", cmd_eval,
         "[--rules DIR] [--folds N] [--repeats N] [--seed N] [--friendly FILE] FILE",
         "the shipped flags and the cross-validated decision (P/R/F1) on a labelled JSON "
         "Lines file, and the flag rate on friendly comments"},
        {"screen", NULL, cmd_screen, "[--input text|jsonl] [--rules DIR] [FILE|-]",
         "screen text (one item per line, or with --input jsonl JSON Lines with id and "
         "text); prints one JSON line per item"},
        {0},
};

static int cmd_screen(struct cli_ctx *ctx, int argc, char **argv)
{
	struct opts o;
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	FILE *in = NULL;
	struct lines rd = {0};
	struct out ob = {0};
	const char *line;
	size_t n;
	long lineno = 0;
	int rc, more;

	if ((rc = parse_opts(ctx, &cli_cmds_screen[1], argc, argv, &o)) != 0)
		return rc;
	if ((rc = open_engine(ctx, &o, &s, &sc)) != KV_OK)
		goto out;
	if (!(in = open_input(ctx, o.file))) {
		rc = KV_EIO;
		goto out;
	}
	rd.f = in;
	rd.max = MAX_LINE;
	while ((more = lines_next(&rd, &line, &n)) > 0) {
		const struct screen_result *r;
		json_t *doc = NULL, *id, *t;
		const char *text = line;
		size_t len = n;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (n > MAX_LINE) {
			rc = err_set(&ctx->err, KV_EINVAL, "%s:%ld: line longer than %zu bytes",
			             o.file ? o.file : "-", lineno, MAX_LINE);
			goto out;
		}
		if (o.jsonl) {
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
			id = NULL; /* the line number, made a JSON value only when needed */
		}
		if ((rc = screen_text(&r, sc, text, len, &ctx->err)) != KV_OK) {
			err_prefix(&ctx->err, "%s:%ld: ", o.file ? o.file : "-", lineno);
			json_decref(id);
			json_decref(doc);
			goto out;
		}
		if (!id || json_is_integer(id)) {
			print_result(&ob, id ? (long long)json_integer_value(id) : lineno, r, text);
			out_flush(&ob, stdout, 0);
		} else {
			out_flush(&ob, stdout, 1);
			print_line(result_json(id, r, text));
		}
		json_decref(id);
		json_decref(doc);
		if (ob.failed) {
			rc = err_set(&ctx->err, KV_ENOMEM, "out of memory printing results");
			goto out;
		}
	}
	if (more < 0)
		rc = ferror(in) ? err_set(&ctx->err, KV_EIO, "cannot read %s",
		                          o.file ? o.file : "stdin")
		                : err_set(&ctx->err, KV_ENOMEM, "out of memory reading %s",
		                          o.file ? o.file : "stdin");
out:
	out_flush(&ob, stdout, 1);
	free(ob.buf);
	free(rd.buf);
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

/* The engine's own flags on every item (in-sample for the data the
 * shipped weights were trained on). */
static void tally_shipped(const struct labelled *l, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < l->n; i++) {
		const struct labelled_item *it = &l->items[i];
		int tv = it->flagged[SCREEN_THREAT] || it->flagged[SCREEN_VIOLENCE];

		count(c, ROW_ANY, it->y[DH_ANY], it->abusive);
		if (l->rtp) {
			count(c, SCREEN_DEFAMATION_INSULT, it->y[DH_INSULT],
			      it->flagged[SCREEN_DEFAMATION_INSULT]);
			count(c, SCREEN_HATE, it->y[DH_HATE], it->flagged[SCREEN_HATE]);
			count(c, ROW_THREAT_OR_VIOLENCE, it->y[DH_THREAT_VIOLENCE], tv);
			count(c, SCREEN_SEXUAL, it->y[DH_SEXUAL], it->flagged[SCREEN_SEXUAL]);
		} else {
			for (int k = 0; k < SCREEN_NCAT; k++)
				if (it->gold[k] || it->flagged[k])
					count(c, k, it->gold[k], it->flagged[k]);
		}
	}
}

/* The share of lines of a plain-text file (one comment a line) the engine
 * calls abusive. */
static int friendly_rate(struct cli_ctx *ctx, struct screen *s, const char *path, long *lines,
                         long *flagged)
{
	struct screen_scratch *sc = NULL;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc;

	*lines = *flagged = 0;
	if (!(f = fopen(path, "rb")))
		return err_set(&ctx->err, KV_EIO, "cannot open %s: %s", path, strerror(errno));
	if ((rc = screen_scratch_new(&sc, s, &ctx->err)) != KV_OK)
		goto out;
	while ((n = getline(&line, &cap, f)) >= 0) {
		const struct screen_result *r;
		size_t len = (size_t)n;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if ((rc = screen_text(&r, sc, line, len, &ctx->err)) != KV_OK)
			goto out;
		(*lines)++;
		*flagged += r->abusive;
	}
out:
	free(line);
	fclose(f);
	screen_scratch_free(sc);
	return rc;
}

static const char *const head_rows[DECISION_NHEAD] = {"any_abusive", "defamation_insult", "hate",
                                                      "threat|violence", "sexual"};

static int cmd_eval(struct cli_ctx *ctx, int argc, char **argv)
{
	struct opts o;
	struct screen *s = NULL;
	struct screen_scratch *sc = NULL;
	struct labelled l = {0};
	struct counts c;
	struct decision_cv cv;
	double(*x)[DECISION_NFEAT] = NULL;
	int(*y)[DECISION_NHEAD] = NULL;
	char fbuf[4200];
	const char *friendly = NULL;
	long flines = 0, fflagged = 0;
	int rc, have_cv = 0;
	json_t *doc = NULL;

	if ((rc = parse_opts(ctx, &cli_cmds_screen[0], argc, argv, &o)) != 0)
		return rc;
	if (!o.file)
		return cli_usage(ctx, &cli_cmds_screen[0], "missing FILE");
	if ((rc = open_engine(ctx, &o, &s, &sc)) != KV_OK)
		goto out;
	if ((rc = labelled_load(&l, s, o.file, &ctx->err)) != KV_OK)
		goto out;
	tally_shipped(&l, &c);
	/* Nested cross-validation needs folds * folds * 2 items. */
	if (l.n >= (size_t)(o.folds * o.folds * 2)) {
		if ((rc = labelled_arrays(&l, &x, &y, &ctx->err)) != KV_OK ||
		    (rc = decision_cross_validate(&cv, (const double(*)[DECISION_NFEAT])x,
		                                  (const int(*)[DECISION_NHEAD])y, l.n, o.folds,
		                                  o.repeats, o.seed, &ctx->err)) != KV_OK)
			goto out;
		have_cv = 1;
	}
	friendly = o.friendly;
	if (!friendly) {
		snprintf(fbuf, sizeof(fbuf), "%s/tests/fixtures/screen/friendly.txt",
		         KV_SOURCE_DIR);
		if (access(fbuf, R_OK) == 0)
			friendly = fbuf;
	}
	if (friendly && (rc = friendly_rate(ctx, s, friendly, &flines, &fflagged)) != KV_OK)
		goto out;

	if (o.json) {
		json_t *rows = json_array(), *cvrows = json_array();

		for (int k = 0; k < NROWS; k++) {
			if (!c.used[k])
				continue;
			json_array_append_new(
			        rows,
			        json_pack("{s:s, s:I, s:I, s:I, s:I}", "row",
			                  k == ROW_ANY                  ? "any_abusive"
			                  : k == ROW_THREAT_OR_VIOLENCE ? "threat|violence"
			                                                : lexicon_category_name(k),
			                  "support", (json_int_t)(c.tp[k] + c.fn[k]), "tp",
			                  (json_int_t)c.tp[k], "fp", (json_int_t)c.fp[k], "fn",
			                  (json_int_t)c.fn[k]));
		}
		for (int h = 0; have_cv && h < DECISION_NHEAD; h++) {
			const struct decision_score *d = &cv.head[h];

			json_array_append_new(
			        cvrows,
			        json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "row",
			                  head_rows[h], "support", (json_int_t)d->support, "p",
			                  d->p_mean, "p_sd", d->p_sd, "r", d->r_mean, "r_sd",
			                  d->r_sd, "f1", d->f_mean, "f1_sd", d->f_sd, "f1_pooled",
			                  d->f_pooled));
		}
		doc = json_pack("{s:I, s:s, s:b, s:o, s:o}", "items", (json_int_t)l.n,
		                "rules_version", screen_rules_version(s), "decision",
		                screen_has_decision(s), "shipped", rows, "cross_validated",
		                have_cv ? cvrows : (json_decref(cvrows), json_null()));
		if (friendly)
			json_object_set_new(
			        doc, "friendly",
			        json_pack("{s:s, s:I, s:I, s:f}", "file", friendly, "lines",
			                  (json_int_t)flines, "flagged", (json_int_t)fflagged,
			                  "rate", flines ? (double)fflagged / (double)flines : 0));
		cli_print_json(doc);
		doc = NULL;
		goto out;
	}
	printf("items %zu, rules %zu, rules version %s\n", l.n, screen_rule_count(s),
	       screen_rules_version(s));
	printf("%-26s %7s %5s %5s %5s  %6s %6s %6s\n", "category", "support", "tp", "fp", "fn", "P",
	       "R", "F1");
	print_row(&c, ROW_ANY, "any_abusive");
	for (int k = 0; k < SCREEN_NCAT; k++)
		if (c.used[k])
			print_row(&c, k, lexicon_category_name(k));
	if (c.used[ROW_THREAT_OR_VIOLENCE])
		print_row(&c, ROW_THREAT_OR_VIOLENCE, "threat|violence");
	if (have_cv) {
		printf("\ncross-validated decision (nested %d-fold, %d shuffles from seed %u; "
		       "weights and thresholds chosen inside each training part):\n",
		       o.folds, o.repeats, o.seed);
		printf("%-26s %7s  %-13s %-13s %-13s %s\n", "row", "support", "P mean±sd",
		       "R mean±sd", "F1 mean±sd", "F1 pooled");
		for (int h = 0; h < DECISION_NHEAD; h++) {
			const struct decision_score *d = &cv.head[h];

			printf("%-26s %7ld  %.3f±%.3f   %.3f±%.3f   %.3f±%.3f   %.3f\n",
			       head_rows[h], d->support, d->p_mean, d->p_sd, d->r_mean, d->r_sd,
			       d->f_mean, d->f_sd, d->f_pooled);
		}
	} else {
		printf("\n(%zu items: too few for nested %d-fold cross-validation; the rows above "
		       "are the shipped engine's own flags)\n",
		       l.n, o.folds);
	}
	if (friendly)
		printf("\nfriendly comments %s: %ld of %ld flagged abusive (%.2f %%)\n", friendly,
		       fflagged, flines, flines ? 100.0 * (double)fflagged / (double)flines : 0);
out:
	json_decref(doc);
	free(x);
	free(y);
	labelled_done(&l);
	screen_scratch_free(sc);
	screen_free(s);
	return rc == KV_OK ? 0 : cli_fail(ctx, rc);
}
