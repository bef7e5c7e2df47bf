/* Rule files to one Hyperscan database (see lexicon.h). Each rule's words
 * are put through the same normaliser as the screened text, so a rule written
 * "jävlar" also matches "J Ä V L A R" and "j4vlar"; a vowel may also be masked
 * with '*' in the text ("j*vla"). Not the scanner: screen.c runs the database. */
#include "screen/lexicon.h"

#include "base/buf.h"
#include "base/file.h"
#include "base/hash.h"
#include "screen/normalize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#define MAX_FILE_BYTES  ((size_t)8 << 20)
#define MAX_LINE_TOKENS 256

/* Patterns being built: parallel arrays handed to hs_compile_multi. */
struct plist {
	char **expr;
	unsigned *flags;
	unsigned *ids;
	size_t n, cap;
};

/* Two databases are built from the same rules: the plain one, all literals
 * and fast, and one where every vowel may also be '*' ("j*vla"), which is
 * slower and only scanned when a word in the text contains '*'. */
/* "define NAME word word* ...": a list of words a raw regex can use as
 * {NAME}, compiled once per variant (plain, masked). */
struct macro {
	char *name;
	char *re[2];
};

struct build {
	struct plist list[4]; /* [masked * 2 + aux], see struct lexicon */
	struct macro *mac;
	size_t nmac;
	int pass;   /* 0: only define lines, 1: only rules */
	int masked; /* which variant is being built */
	struct norm norm;
	struct buf re;
};

static int add_pattern(struct build *bb, const char *re, unsigned flags, unsigned id, int aux)
{
	struct plist *b = &bb->list[bb->masked * 2 + aux];

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char **e = realloc(b->expr, cap * sizeof(*e));
		unsigned *f, *i;

		if (!e)
			return KV_ENOMEM;
		b->expr = e;
		f = realloc(b->flags, cap * sizeof(*f));
		if (!f)
			return KV_ENOMEM;
		b->flags = f;
		i = realloc(b->ids, cap * sizeof(*i));
		if (!i)
			return KV_ENOMEM;
		b->ids = i;
		b->cap = cap;
	}
	b->expr[b->n] = strdup(re);
	if (!b->expr[b->n])
		return KV_ENOMEM;
	b->flags[b->n] = flags;
	b->ids[b->n] = id;
	b->n++;
	return KV_OK;
}

static int put_escaped_word(struct buf *re, const char *w, size_t n, int masked)
{
	int rc = KV_OK;

	for (size_t k = 0; k < n && rc == KV_OK; k++) {
		unsigned char c = (unsigned char)w[k];

		if (masked &&
		    (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'))
			rc = buf_printf(re, "[%c*]", c);
		else if (masked && c == 0xC3 && k + 1 < n &&
		         ((unsigned char)w[k + 1] == 0xA5 || (unsigned char)w[k + 1] == 0xA4 ||
		          (unsigned char)w[k + 1] == 0xB6)) {
			rc = buf_printf(re, "(?:\\xc3\\x%02x|\\*)", (unsigned char)w[k + 1]);
			k++;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			rc = buf_putc(re, (char)c);
		else
			rc = buf_printf(re, "\\x%02x", c);
	}
	return rc;
}

/* Appends the regex for one rule token ("jävl*", "*jävel", "idiot") to re.
 * first/last: position in the pattern; *nwords counts the words. */
static int put_token(struct build *b, const char *tok, int first, int last, int *nwords,
                     struct err *err, const char *where)
{
	size_t tl = strlen(tok);
	int lead = tl > 0 && tok[0] == '*', trail = tl > 1 && tok[tl - 1] == '*';
	const char *core = tok + lead;
	size_t cl = tl - (size_t)lead - (size_t)trail;
	const char *o;
	size_t ol, k = 0, words = 0;
	int rc;

	if (cl == 0)
		return err_set(err, KV_EINVAL, "%s: empty word in pattern", where);
	if ((rc = normalize_text(&b->norm, core, cl, err)) != KV_OK)
		return rc;
	o = b->norm.out + 1;
	ol = b->norm.len >= 2 ? b->norm.len - 2 : 0;
	if (ol == 0)
		return err_set(err, KV_EINVAL, "%s: word '%s' has no letters or digits", where,
		               tok);
	if (!first || !lead)
		if ((rc = buf_putc(&b->re, ' ')) != KV_OK)
			return rc;
	if (lead && !first)
		if ((rc = buf_puts(&b->re, "[^ ]*")) != KV_OK)
			return rc;
	while (k < ol) {
		size_t e = k;

		while (e < ol && o[e] != ' ')
			e++;
		if (words > 0 && (rc = buf_putc(&b->re, ' ')) != KV_OK)
			return rc;
		if ((rc = put_escaped_word(&b->re, o + k, e - k, b->masked)) != KV_OK)
			return rc;
		words++;
		k = e + 1;
	}
	*nwords += (int)words;
	if (trail && !last)
		rc = buf_puts(&b->re, "[^ ]*");
	else if (!trail && last)
		rc = buf_putc(&b->re, ' ');
	return rc;
}

static const char *cat_names[SCREEN_NCAT] = {
        "defamation_insult", "hate",        "threat",   "violence",  "sexual",
        "crime_incitement",  "personal_id", "contact",  "financial", "sensitive",
        "commercial",        "political",   "question", "critical"};

const char *lexicon_category_name(int cat)
{
	return cat >= 0 && cat < SCREEN_NCAT ? cat_names[cat] : NULL;
}

int lexicon_category_id(const char *name)
{
	for (int c = 0; c < SCREEN_NCAT; c++)
		if (strcmp(cat_names[c], name) == 0)
			return c;
	return -1;
}

static const char *mark_names[LEX_NCAT - SCREEN_NCAT] = {
        "mark.mention", "mark.self",  "mark.admire", "mark.negation",
        "mark.second",  "mark.group", "mark.idiom",  "mark.third"};

int lexicon_rule_category_id(const char *name)
{
	int c = lexicon_category_id(name);

	if (c >= 0)
		return c;
	for (int k = 0; k < LEX_NCAT - SCREEN_NCAT; k++)
		if (strcmp(mark_names[k], name) == 0)
			return SCREEN_NCAT + k;
	return -1;
}

static int cmp_guard(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lexicon_guarded(const struct lexicon *lx, const char *w, size_t n)
{
	char key[128];
	const char *kp = key;

	if (n >= sizeof(key) || lx->nguard == 0)
		return 0;
	memcpy(key, w, n);
	key[n] = '\0';
	return bsearch(&kp, lx->guard, lx->nguard, sizeof(*lx->guard), cmp_guard) != NULL;
}

int lexicon_category_abusive(int cat)
{
	return cat >= SCREEN_DEFAMATION_INSULT && cat <= SCREEN_CRIME_INCITEMENT;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int split(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

/* Compiles a list of words to one pattern, any of them, in both variants
 * (plain and masked) of list aux with the given flags and id. */
static int add_alternation(struct build *b, char **words, int n, unsigned flags, unsigned id,
                           int aux, const char *where, struct err *err)
{
	int rc, nw = 0;

	for (b->masked = 0; b->masked < 2; b->masked++) {
		buf_clear(&b->re);
		if ((rc = buf_puts(&b->re, "(?:")) != KV_OK)
			return err_set(err, rc, "out of memory");
		for (int k = 0; k < n; k++) {
			if (k > 0 && (rc = buf_putc(&b->re, '|')) != KV_OK)
				return err_set(err, rc, "out of memory");
			if ((rc = put_token(b, words[k], 1, 1, &nw, err, where)) != KV_OK)
				return rc == KV_EINVAL ? rc : err_set(err, rc, "out of memory");
		}
		if ((rc = buf_putc(&b->re, ')')) != KV_OK ||
		    (rc = add_pattern(b, buf_cstr(&b->re), flags, id, aux)) != KV_OK)
			return err_set(err, rc, "out of memory");
	}
	return KV_OK;
}

/* Compiles a list of context words to one pattern: any of them. */
static int add_context(struct lexicon *lx, struct build *b, char **words, int n, double delta,
                       const char *where, struct err *err)
{
	struct lex_ctx *c;
	int rc;

	c = realloc(lx->ctx, (lx->nctx + 1) * sizeof(*c));
	if (!c)
		return err_set(err, KV_ENOMEM, "out of memory");
	lx->ctx = c;
	lx->ctx[lx->nctx].delta = delta;
	if ((rc = add_alternation(b, words, n, 0, LEX_CTX_ID + (unsigned)lx->nctx, 1, where,
	                          err)) != KV_OK)
		return rc;
	lx->nctx++;
	return KV_OK;
}

/* The token of a word pattern to use as its trigger: the longest word, as
 * the longest is usually the rarest. */
static int trigger_token(char **tok, int from, int to)
{
	int best = from;
	size_t bl = 0;

	for (int k = from; k < to; k++) {
		size_t l = strlen(tok[k]);

		if (tok[k][0] == '~')
			continue;
		l -= (size_t)(tok[k][0] == '*') + (size_t)(l > 1 && tok[k][l - 1] == '*');
		if (l >= bl) {
			bl = l;
			best = k;
		}
	}
	return best;
}

/* Remembers the first normalised word of a pattern (b->norm holds it), so a
 * hit of a pattern with gaps can be traced back to where it begins without
 * Hyperscan's costly start-of-match tracking. */
static int first_word(struct lex_rule *r, struct build *b, const char *tok)
{
	const char *o = b->norm.out + 1;
	size_t l = 0, tl = strlen(tok);

	while (o[l] && o[l] != ' ')
		l++;
	r->first = strndup(o, l);
	if (!r->first)
		return KV_ENOMEM;
	/* "jävl*": the word may go on; "jävla idiot": the first word is whole. */
	r->first_prefix = tl > 1 && tok[tl - 1] == '*' && o[l] == ' ' && o[l + 1] == '\0';
	return KV_OK;
}

/* One word of a define ("slå_ihjäl", "döda*", "*jävel") as a regex
 * alternative in the current variant; '_' stands for a space. */
static int put_define_word(struct build *b, struct buf *re, const char *tok, const char *where,
                           struct err *err)
{
	size_t tl = strlen(tok);
	int lead = tok[0] == '*', trail = tl > 1 && tok[tl - 1] == '*';
	char word[256];
	size_t cl = tl - (size_t)lead - (size_t)trail, ol;
	const char *o;
	int rc;

	if (cl == 0 || cl >= sizeof(word))
		return err_set(err, KV_EINVAL, "%s: bad word '%s' in define", where, tok);
	memcpy(word, tok + lead, cl);
	word[cl] = '\0';
	for (size_t k = 0; k < cl; k++)
		if (word[k] == '_')
			word[k] = ' ';
	if ((rc = normalize_text(&b->norm, word, cl, err)) != KV_OK)
		return rc;
	o = b->norm.out + 1;
	ol = b->norm.len >= 2 ? b->norm.len - 2 : 0;
	if (ol == 0)
		return err_set(err, KV_EINVAL, "%s: word '%s' has no letters or digits", where,
		               tok);
	if (lead && (rc = buf_puts(re, "[^ ]*")) != KV_OK)
		return rc;
	for (size_t k = 0; k < ol && rc == KV_OK;) {
		size_t e = k;

		while (e < ol && o[e] != ' ')
			e++;
		rc = put_escaped_word(re, o + k, e - k, b->masked);
		if (rc == KV_OK && e < ol)
			rc = buf_putc(re, ' ');
		k = e + 1;
	}
	if (rc == KV_OK && trail)
		rc = buf_puts(re, "[^ ]*");
	return rc;
}

/* "define NAME word word* ...": a word list for raw regexes ({NAME}). */
static int parse_define(struct build *b, char *line, const char *where, struct err *err)
{
	char *tok[MAX_LINE_TOKENS];
	int n = split(line, tok, MAX_LINE_TOKENS), rc = KV_OK;
	struct macro *m;
	struct buf re;

	if (n < 3)
		return err_set(err, KV_EINVAL, "%s: expected 'define NAME word...'", where);
	for (const char *c = tok[1]; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || *c == '_' || (*c >= '0' && *c <= '9')))
			return err_set(err, KV_EINVAL,
			               "%s: define name '%s' must be upper case letters, digits, _",
			               where, tok[1]);
	for (size_t k = 0; k < b->nmac; k++)
		if (strcmp(b->mac[k].name, tok[1]) == 0)
			return err_set(err, KV_EINVAL, "%s: '%s' defined twice", where, tok[1]);
	m = realloc(b->mac, (b->nmac + 1) * sizeof(*m));
	if (!m)
		return err_set(err, KV_ENOMEM, "out of memory");
	b->mac = m;
	m = &b->mac[b->nmac];
	memset(m, 0, sizeof(*m));
	if (!(m->name = strdup(tok[1])))
		return err_set(err, KV_ENOMEM, "out of memory");
	b->nmac++;
	buf_init(&re, 1 << 20);
	for (b->masked = 0; b->masked < 2 && rc == KV_OK; b->masked++) {
		buf_clear(&re);
		rc = buf_puts(&re, "(?:");
		for (int k = 2; k < n && rc == KV_OK; k++) {
			if (k > 2)
				rc = buf_putc(&re, '|');
			if (rc == KV_OK)
				rc = put_define_word(b, &re, tok[k], where, err);
		}
		if (rc == KV_OK)
			rc = buf_putc(&re, ')');
		if (rc == KV_OK && !(m->re[b->masked] = strdup(buf_cstr(&re))))
			rc = KV_ENOMEM;
	}
	buf_done(&re);
	if (rc != KV_OK && rc != KV_EINVAL)
		return err_set(err, rc, "out of memory");
	return rc;
}

/* Appends a raw regex to b->re with every {NAME} replaced by its define. */
static int put_expanded(struct build *b, const char *src, const char *where, struct err *err)
{
	int rc = KV_OK;

	while (*src && rc == KV_OK) {
		const char *close;
		size_t k;

		if (*src != '{' || !(src[1] >= 'A' && src[1] <= 'Z') ||
		    !(close = strchr(src, '}'))) {
			rc = buf_putc(&b->re, *src++);
			continue;
		}
		for (k = 0; k < b->nmac; k++)
			if (strlen(b->mac[k].name) == (size_t)(close - src - 1) &&
			    memcmp(b->mac[k].name, src + 1, (size_t)(close - src - 1)) == 0)
				break;
		if (k == b->nmac)
			return err_set(err, KV_EINVAL, "%s: {%.*s} is not defined", where,
			               (int)(close - src - 1), src + 1);
		rc = buf_puts(&b->re, b->mac[k].re[b->masked]);
		src = close + 1;
	}
	return rc == KV_OK || rc == KV_EINVAL ? rc : err_set(err, rc, "out of memory");
}

static int parse_rule(struct lexicon *lx, struct build *b, char *line, const char *where,
                      struct err *err)
{
	char *tok[MAX_LINE_TOKENS];
	int n = split(line, tok, MAX_LINE_TOKENS), k, rc, cat, nw = 0, som = 0, gaps = 0;
	int has_need = 0;
	unsigned id;
	double w;
	struct lex_rule *r;
	int pattern_end;

	if (n < 4)
		return err_set(err, KV_EINVAL,
		               "%s: expected '<id> <category> <weight> <pattern>', got %d fields",
		               where, n);
	if ((cat = lexicon_rule_category_id(tok[1])) < 0)
		return err_set(err, KV_EINVAL, "%s: unknown category '%s'", where, tok[1]);
	if (parse_double(tok[2], 0.0, 1.0, &w) != 0)
		return err_set(err, KV_EINVAL, "%s: weight '%s' is not a number from 0 to 1", where,
		               tok[2]);
	for (size_t j = 0; j < lx->nrules; j++)
		if (strcmp(lx->rules[j].id, tok[0]) == 0)
			return err_set(err, KV_EINVAL, "%s: rule id '%s' already used at %s", where,
			               tok[0], lx->rules[j].where);
	r = realloc(lx->rules, (lx->nrules + 1) * sizeof(*r));
	if (!r)
		return err_set(err, KV_ENOMEM, "out of memory");
	lx->rules = r;
	r = &lx->rules[lx->nrules];
	memset(r, 0, sizeof(*r));
	r->id = strdup(tok[0]);
	r->where = strdup(where);
	if (!r->id || !r->where) {
		free(r->id);
		free(r->where);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	r->category = cat;
	r->weight = w;
	r->ctx_first = (int)lx->nctx;
	lx->nrules++;

	for (pattern_end = 3; pattern_end < n && strcmp(tok[pattern_end], ";") != 0; pattern_end++)
		;
	if (pattern_end == 3)
		return err_set(err, KV_EINVAL, "%s: rule '%s' has no pattern", where, tok[0]);
	if (lx->nrules > LEX_MAX_RULES)
		return err_set(err, KV_EINVAL, "%s: more than %zu rules", where, LEX_MAX_RULES);
	for (k = pattern_end; k + 1 < n; k++)
		if (strcmp(tok[k], ";") == 0 && strcmp(tok[k + 1], "need") == 0)
			has_need = 1;
	id = (unsigned)(lx->nrules - 1);
	for (b->masked = 0; b->masked < 2; b->masked++) {
		nw = 0;
		som = 0;
		gaps = 0;
		buf_clear(&b->re);
		if (strncmp(tok[3], "re:", 3) == 0) {
			/* A raw regex over the normalised text: the rest up to ';'. */
			for (k = 3; k < pattern_end; k++) {
				if (k > 3 && (rc = buf_putc(&b->re, ' ')) != KV_OK)
					return err_set(err, rc, "out of memory");
				if ((rc = put_expanded(b, k == 3 ? tok[k] + 3 : tok[k], where,
				                       err)) != KV_OK)
					return rc;
			}
			som = 1;
			nw = 1;
		} else if (strncmp(tok[3], "cmp:", 4) == 0) {
			/* A word inside a compound: found anywhere inside a word,
			 * kept only when the dictionary splits the word there. */
			const char *o;
			size_t ol;

			if (pattern_end != 4 || !tok[3][4])
				return err_set(err, KV_EINVAL, "%s: 'cmp:' takes one word", where);
			if ((rc = normalize_text(&b->norm, tok[3] + 4, strlen(tok[3] + 4), err)) !=
			    KV_OK)
				return rc;
			o = b->norm.out + 1;
			ol = b->norm.len >= 2 ? b->norm.len - 2 : 0;
			if (ol < 3 || memchr(o, ' ', ol))
				return err_set(
				        err, KV_EINVAL,
				        "%s: 'cmp:' word must be one word of 3 or more letters",
				        where);
			if ((rc = put_escaped_word(&b->re, o, ol, b->masked)) != KV_OK)
				return err_set(err, rc, "out of memory");
			if (!r->first && !(r->first = strndup(o, ol)))
				return err_set(err, KV_ENOMEM, "out of memory");
			r->part = 1;
			nw = 1;
		} else {
			for (k = 3; k < pattern_end; k++) {
				if (tok[k][0] == '~') {
					double g;

					if (k == 3 || k + 1 == pattern_end ||
					    parse_double(tok[k] + 1, 1, 9, &g) != 0 || g != (int)g)
						return err_set(err, KV_EINVAL,
						               "%s: gap '%s' must be ~1..~9 "
						               "between two words",
						               where, tok[k]);
					if ((rc = buf_printf(&b->re, "(?: [^ ]+){0,%d}", (int)g)) !=
					    KV_OK)
						return err_set(err, rc, "out of memory");
					gaps += (int)g;
					continue;
				}
				if ((rc = put_token(b, tok[k], k == 3, k + 1 == pattern_end, &nw,
				                    err, where)) != KV_OK)
					return rc == KV_EINVAL ? rc
					                       : err_set(err, rc, "out of memory");
				if (k == 3 && !r->first && (rc = first_word(r, b, tok[k])) != KV_OK)
					return err_set(err, rc, "out of memory");
			}
		}
		r->nwords = nw;
		r->som = som;
		r->span = nw + gaps;
		/* A pattern that is more than a literal (gaps, wildcards inside,
		 * or a regex with a 'need' clause) costs Hyperscan much more
		 * than a word: it waits in the auxiliary database behind a
		 * trigger, one word it cannot match without. */
		if (b->masked == 0)
			r->gated = has_need || (!som && strpbrk(buf_cstr(&b->re), "([") != NULL);
		if (cat >= SCREEN_NCAT) {
			/* A mark waits in the auxiliary database without a
			 * trigger: it is only wanted once an abusive rule hit. */
			if ((rc = add_pattern(b, buf_cstr(&b->re), 0, id, 1)) != KV_OK)
				return err_set(err, rc, "out of memory");
			r->gated = 1;
			continue;
		}
		if ((rc = add_pattern(b, buf_cstr(&b->re), 0, id, r->gated)) != KV_OK ||
		    (som && (rc = add_pattern(b, buf_cstr(&b->re), HS_FLAG_SOM_LEFTMOST,
		                              id | LEX_SOM_BIT, 1)) != KV_OK))
			return err_set(err, rc, "out of memory");
		if (r->gated && !has_need) {
			int t = trigger_token(tok, 3, pattern_end), tw = 0;

			buf_clear(&b->re);
			if ((rc = put_token(b, tok[t], 1, 1, &tw, err, where)) != KV_OK ||
			    (rc = add_pattern(b, buf_cstr(&b->re), HS_FLAG_SINGLEMATCH,
			                      id | LEX_TRIG_BIT, 0)) != KV_OK)
				return rc == KV_EINVAL ? rc : err_set(err, rc, "out of memory");
		}
	}
	/* Clauses: "; ctx +0.3 word word*" */
	k = pattern_end;
	while (k < n) {
		int s = k + 1, e;
		double d;

		for (e = s; e < n && strcmp(tok[e], ";") != 0; e++)
			;
		if (e - s >= 2 && strcmp(tok[s], "need") == 0) {
			if ((rc = add_alternation(b, tok + s + 1, e - s - 1, HS_FLAG_SINGLEMATCH,
			                          id | LEX_TRIG_BIT, 0, where, err)) != KV_OK)
				return rc;
			k = e;
			continue;
		}
		if (e - s < 3 || strcmp(tok[s], "ctx") != 0 ||
		    parse_double(tok[s + 1], -1.0, 1.0, &d) != 0)
			return err_set(err, KV_EINVAL,
			               "%s: expected '; ctx <+/-delta> <word>...' or '; need "
			               "<word>...' after the pattern",
			               where);
		if ((rc = add_context(lx, b, tok + s + 2, e - s - 2, d, where, err)) != KV_OK)
			return rc;
		lx->rules[lx->nrules - 1].nctx++;
		k = e;
	}
	return KV_OK;
}

static int parse_conf(struct lexicon *lx, char *line, const char *where, struct err *err)
{
	char *tok[8];
	int n = split(line, tok, 8), cat;
	double v;

	if (n == 3 && strcmp(tok[0], "threshold") == 0) {
		if ((cat = lexicon_category_id(tok[1])) < 0)
			return err_set(err, KV_EINVAL, "%s: unknown category '%s'", where, tok[1]);
		if (parse_double(tok[2], 0.0, 1.0, &v) != 0)
			return err_set(err, KV_EINVAL, "%s: threshold '%s' is not from 0 to 1",
			               where, tok[2]);
		lx->threshold[cat] = v;
		return KV_OK;
	}
	if (n == 2 && strcmp(tok[0], "dictionary") == 0) {
		free(lx->dictionary);
		lx->dictionary = NULL;
		if (strcmp(tok[1], "none") != 0 && !(lx->dictionary = strdup(tok[1])))
			return err_set(err, KV_ENOMEM, "out of memory");
		return KV_OK;
	}
	if (n == 2 && strcmp(tok[0], "window") == 0) {
		if (parse_double(tok[1], 0, 1000, &v) != 0 || v != (int)v)
			return err_set(err, KV_EINVAL, "%s: window '%s' is not 0..1000 words",
			               where, tok[1]);
		lx->window = (int)v;
		return KV_OK;
	}
	return err_set(err, KV_EINVAL,
	               "%s: expected 'threshold <category> <0..1>', 'window <words>' or "
	               "'dictionary <path|none>'",
	               where);
}

/* Calls fn for every line of text that is not blank or a comment. */
static int each_line(struct lexicon *lx, struct build *b, char *text, const char *file, int conf,
                     struct err *err)
{
	char *p = text, where[1200];
	int lineno = 0, rc;

	while (*p) {
		char *nl = strchr(p, '\n'), *q;

		lineno++;
		if (nl)
			*nl = '\0';
		if (strchr(p, '\r'))
			*strchr(p, '\r') = '\0';
		q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q && *q != '#') {
			snprintf(where, sizeof(where), "%s:%d", file, lineno);
			int def = strncmp(q, "define", 6) == 0 && (q[6] == ' ' || q[6] == '\t');

			if (conf)
				rc = parse_conf(lx, q, where, err);
			else if (def)
				rc = b->pass == 0 ? parse_define(b, q, where, err) : KV_OK;
			else
				rc = b->pass == 1 ? parse_rule(lx, b, q, where, err) : KV_OK;
			if (rc != KV_OK)
				return rc;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return KV_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void lexicon_done(struct lexicon *lx)
{
	if (!lx)
		return;
	for (size_t k = 0; k < lx->nrules; k++) {
		free(lx->rules[k].id);
		free(lx->rules[k].where);
		free(lx->rules[k].first);
	}
	free(lx->rules);
	free(lx->ctx);
	free(lx->model_path);
	free(lx->decision_path);
	free(lx->dictionary);
	for (size_t k = 0; k < lx->nguard; k++)
		free(lx->guard[k]);
	free(lx->guard);
	for (int k = 0; k < 4; k++)
		if (lx->db[k])
			hs_free_database(lx->db[k]);
	memset(lx, 0, sizeof(*lx));
}

/* Compiling the rules takes seconds, screening one item microseconds: the
 * compiled databases are kept in a cache folder ($KANALVAKT_CACHE, else
 * $XDG_CACHE_HOME/kanalvakt, else ~/.cache/kanalvakt), named by the SHA-256
 * of exactly what was compiled (patterns, flags, ids, Hyperscan's version,
 * the processor it was compiled for), so a cached database is only ever used for the same input.
 * Hyperscan checks a database it deserialises; one it refuses is compiled again. */
static int cache_dir(char *out, size_t n)
{
	const char *d = getenv("KANALVAKT_CACHE");
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	int w;

	if (d && *d)
		w = snprintf(out, n, "%s", d);
	else if (x && *x)
		w = snprintf(out, n, "%s/kanalvakt", x);
	else if (h && *h)
		w = snprintf(out, n, "%s/.cache/kanalvakt", h);
	else
		return -1;
	return w > 0 && (size_t)w < n ? 0 : -1;
}

static void cache_key(char out[HASH_SHA256_HEX_LEN + 1], const struct plist *p)
{
	struct hash_sha256_ctx h;

	hs_platform_info_t plat;

	/* The database is compiled for this machine's processor: one built
	 * elsewhere (or under an emulator with fewer instructions) is not
	 * reused here, where it would run slower. */
	memset(&plat, 0, sizeof(plat));
	if (hs_populate_platform(&plat) != HS_SUCCESS)
		memset(&plat, 0, sizeof(plat));
	hash_sha256_begin(&h);
	hash_sha256_update(&h, hs_version(), strlen(hs_version()) + 1);
	hash_sha256_update(&h, &plat.tune, sizeof(plat.tune));
	hash_sha256_update(&h, &plat.cpu_features, sizeof(plat.cpu_features));
	for (size_t i = 0; i < p->n; i++) {
		hash_sha256_update(&h, p->expr[i], strlen(p->expr[i]) + 1);
		hash_sha256_update(&h, &p->flags[i], sizeof(p->flags[i]));
		hash_sha256_update(&h, &p->ids[i], sizeof(p->ids[i]));
	}
	hash_sha256_end_hex(&h, out);
}

static hs_database_t *cache_load(const char *path)
{
	hs_database_t *db = NULL;
	struct buf b;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	buf_init(&b, (size_t)256 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_put(&b, chunk, n) != KV_OK)
			break;
	if (!ferror(f) && feof(f) && b.len &&
	    hs_deserialize_database(b.ptr, b.len, &db) != HS_SUCCESS)
		db = NULL;
	fclose(f);
	buf_done(&b);
	return db;
}

/* The cache keeps the newest LEX_CACHE_KEEP databases (a rule set compiles
 * to four; the rest are rule sets edited away or another Hyperscan's), by
 * the time each was last written or used: a long-running installation whose
 * rules change every week does not fill the disk. Leftover temporary files
 * of a writer that died are removed after an hour. Best effort, as the
 * cache is. */
#define LEX_CACHE_KEEP 24

struct cache_entry {
	char name[256];
	time_t mtime;
};

static int cache_entry_newer(const void *a, const void *b)
{
	const struct cache_entry *x = a, *y = b;

	return (x->mtime < y->mtime) - (x->mtime > y->mtime);
}

static void cache_prune(const char *dir, size_t keep)
{
	struct cache_entry *v = NULL;
	size_t n = 0, cap = 0;
	char path[4400];
	struct dirent *e;
	struct stat st;
	time_t now = time(NULL);
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		int db = len > 11 && strncmp(e->d_name, "screen-", 7) == 0 &&
		         strcmp(e->d_name + len - 5, ".hsdb") == 0;
		int tmp = len > 11 && strncmp(e->d_name, "screen-", 7) == 0 &&
		          strcmp(e->d_name + len - 4, ".tmp") == 0;

		if ((!db && !tmp) || len >= sizeof(v->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (tmp) {
			if (now - st.st_mtime > 3600)
				remove(path);
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct cache_entry *nv = realloc(v, nc * sizeof(*v));

			if (!nv)
				break;
			v = nv;
			cap = nc;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%s", e->d_name);
		v[n].mtime = st.st_mtime;
		n++;
	}
	closedir(d);
	if (n > keep) {
		qsort(v, n, sizeof(*v), cache_entry_newer);
		for (size_t i = keep; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, v[i].name);
			remove(path);
		}
	}
	free(v);
}

/* Best effort: a cache that cannot be written only costs the next start. */
static void cache_store(const char *dir, const char *path, const hs_database_t *db)
{
	char tmp[4400], *bytes = NULL;
	size_t len = 0;
	FILE *f;

	/* The folder and its parent (~/.cache may not exist yet). */
	{
		char parent[4096];
		char *slash;

		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			if (mkdir(parent, 0700) != 0 && errno != EEXIST)
				return;
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return;
	}
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "wb");
	if (f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0) {
		if (rename(tmp, path) != 0)
			remove(tmp);
		else
			cache_prune(dir, LEX_CACHE_KEEP);
	} else {
		if (f)
			fclose(f);
		remove(tmp);
	}
	free(bytes);
}

static int compile(struct lexicon *lx, const struct plist *p, hs_database_t **db, const char *dir,
                   struct err *err)
{
	hs_compile_error_t *cerr = NULL;
	int rc = KV_OK;

	if (p->n == 0) {
		/* Hyperscan wants at least one pattern; this one never matches. */
		static const char *const never = "\\x00\\x01never";
		static const unsigned zero = 0, id = LEX_CTX_ID - 1;

		if (hs_compile_multi(&never, &zero, &id, 1, HS_MODE_BLOCK, NULL, db, &cerr) ==
		    HS_SUCCESS)
			return KV_OK;
	} else {
		char dirpath[4096], path[4300], key[HASH_SHA256_HEX_LEN + 1];
		int cached = cache_dir(dirpath, sizeof(dirpath)) == 0;

		if (cached) {
			cache_key(key, p);
			snprintf(path, sizeof(path), "%s/screen-%s.hsdb", dirpath, key);
			if ((*db = cache_load(path)) != NULL) {
				/* Used now: among the newest for the pruning. */
				utimensat(AT_FDCWD, path, NULL, 0);
				return KV_OK;
			}
		}
		if (hs_compile_multi((const char *const *)p->expr, p->flags, p->ids, (unsigned)p->n,
		                     HS_MODE_BLOCK, NULL, db, &cerr) == HS_SUCCESS) {
			if (cached)
				cache_store(dirpath, path, *db);
			return KV_OK;
		}
	}
	*db = NULL;
	if (cerr && cerr->expression >= 0 && (size_t)cerr->expression < p->n) {
		unsigned id = p->ids[cerr->expression];

		if (id < LEX_CTX_ID) {
			id &= ~(LEX_SOM_BIT | LEX_TRIG_BIT);
			rc = err_set(err, KV_EINVAL, "%s: rule '%s': pattern rejected: %s",
			             lx->rules[id].where, lx->rules[id].id, cerr->message);
		} else
			rc = err_set(err, KV_EINVAL, "context words rejected: %s", cerr->message);
	} else {
		rc = err_set(err, KV_EINVAL, "cannot compile rules in %s: %s", dir,
		             cerr ? cerr->message : "unknown error");
	}
	if (cerr)
		hs_free_compile_error(cerr);
	return rc;
}

static void hash_file(struct hash_sha256_ctx *h, const char *name, const struct buf *content)
{
	hash_sha256_update(h, name, strlen(name) + 1);
	hash_sha256_update(h, buf_cstr(content), content->len);
	hash_sha256_update(h, "", 1);
}

/* compound.guard (one normalised word a line: never split) and the path of
 * decision.weights; both are hashed into the rule-set version. */
static int load_extra(struct lexicon *lx, struct hash_sha256_ctx *h, struct buf *content,
                      const char *dir, struct err *err)
{
	char path[4096];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/compound.guard", dir);
	if ((f = fopen(path, "rb")) != NULL) {
		char *p, *nl;
		size_t cap = 0;

		fclose(f);
		buf_clear(content);
		if ((rc = file_read_all(path, content, err)) != KV_OK)
			return rc;
		hash_file(h, "compound.guard", content);
		for (p = content->ptr; p && *p; p = nl ? nl + 1 : NULL) {
			char *e;

			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			for (e = p + strlen(p);
			     e > p && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t');)
				*--e = '\0';
			if (!*p || *p == '#')
				continue;
			if (lx->nguard == cap) {
				char **g;

				cap = cap ? cap * 2 : 64;
				if (!(g = realloc(lx->guard, cap * sizeof(*g))))
					return err_set(err, KV_ENOMEM, "out of memory");
				lx->guard = g;
			}
			if (!(lx->guard[lx->nguard] = strdup(p)))
				return err_set(err, KV_ENOMEM, "out of memory");
			lx->nguard++;
		}
		if (lx->nguard)
			qsort(lx->guard, lx->nguard, sizeof(*lx->guard), cmp_guard);
	}
	snprintf(path, sizeof(path), "%s/decision.weights", dir);
	if ((f = fopen(path, "rb")) != NULL) {
		fclose(f);
		buf_clear(content);
		if ((rc = file_read_all(path, content, err)) != KV_OK)
			return rc;
		hash_file(h, "decision.weights", content);
		if (!(lx->decision_path = strdup(path)))
			return err_set(err, KV_ENOMEM, "out of memory");
	}
	return KV_OK;
}

int lexicon_load(struct lexicon *lx, const char *dir, struct err *err)
{
	struct build b;
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL, path[4096], hex[HASH_SHA256_HEX_LEN + 1];
	size_t nnames = 0, cap = 0;
	struct buf content;
	struct hash_sha256_ctx h;
	FILE *mf;
	int rc = KV_OK;

	memset(lx, 0, sizeof(*lx));
	memset(&b, 0, sizeof(b));
	normalize_init(&b.norm);
	buf_init(&b.re, 1 << 20);
	buf_init(&content, MAX_FILE_BYTES);
	for (int c = 0; c < SCREEN_NCAT; c++)
		lx->threshold[c] = 0.5;
	lx->window = 6;
	if (!(lx->dictionary = strdup(LEX_DEFAULT_DICTIONARY))) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	if (hash_init() != KV_OK) {
		rc = err_set(err, KV_EINTERNAL, "cannot initialise libsodium");
		goto out;
	}
	hash_sha256_begin(&h);

	d = opendir(dir);
	if (!d) {
		rc = err_set(err, KV_EIO, "cannot read rules directory %s: %s", dir,
		             strerror(errno));
		goto out;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 7 || strcmp(e->d_name + l - 6, ".rules") != 0 || e->d_name[0] == '.')
			continue;
		if (nnames == cap) {
			char **nn;

			cap = cap ? cap * 2 : 16;
			nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			names = nn;
		}
		if (!(names[nnames] = strdup(e->d_name))) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		nnames++;
	}
	if (nnames == 0) {
		rc = err_set(err, KV_EINVAL, "rules directory %s has no *.rules files", dir);
		goto out;
	}
	qsort(names, nnames, sizeof(*names), cmp_str);

	snprintf(path, sizeof(path), "%s/screen.conf", dir);
	if ((mf = fopen(path, "rb")) != NULL) {
		fclose(mf);
		buf_clear(&content);
		if ((rc = file_read_all(path, &content, err)) != KV_OK)
			goto out;
		hash_file(&h, "screen.conf", &content);
		if ((rc = each_line(lx, &b, content.ptr ? content.ptr : (char *)"", path, 1,
		                    err)) != KV_OK)
			goto out;
	}
	/* Defines first, so a rule may use a word list from any file. */
	for (b.pass = 0; b.pass < 2; b.pass++)
		for (size_t k = 0; k < nnames; k++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
			buf_clear(&content);
			if ((rc = file_read_all(path, &content, err)) != KV_OK)
				goto out;
			if (b.pass == 1)
				hash_file(&h, names[k], &content);
			if (content.len &&
			    (rc = each_line(lx, &b, content.ptr, path, 0, err)) != KV_OK)
				goto out;
		}
	if ((rc = load_extra(lx, &h, &content, dir, err)) != KV_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/screen.model", dir);
	if ((mf = fopen(path, "rb")) != NULL) {
		fclose(mf);
		buf_clear(&content);
		if ((rc = file_read_all(path, &content, err)) != KV_OK)
			goto out;
		hash_file(&h, "screen.model", &content);
		if (!(lx->model_path = strdup(path))) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (lx->nrules == 0) {
		rc = err_set(err, KV_EINVAL, "rules directory %s defines no rules", dir);
		goto out;
	}
	for (int k = 0; k < 4; k++)
		if ((rc = compile(lx, &b.list[k], &lx->db[k], dir, err)) != KV_OK)
			goto out;
	hash_sha256_end_hex(&h, hex);
	snprintf(lx->version, sizeof(lx->version), "sha256:%s", hex);
out:
	if (d)
		closedir(d);
	for (size_t k = 0; k < nnames; k++)
		free(names[k]);
	free(names);
	for (int m = 0; m < 4; m++) {
		for (size_t k = 0; k < b.list[m].n; k++)
			free(b.list[m].expr[k]);
		free(b.list[m].expr);
		free(b.list[m].flags);
		free(b.list[m].ids);
	}
	for (size_t k = 0; k < b.nmac; k++) {
		free(b.mac[k].name);
		free(b.mac[k].re[0]);
		free(b.mac[k].re[1]);
	}
	free(b.mac);
	normalize_done(&b.norm);
	buf_done(&b.re);
	buf_done(&content);
	if (rc != KV_OK)
		lexicon_done(lx);
	return rc;
}
