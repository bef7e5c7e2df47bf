/* House rules: the template format, filling it for an account, the about
 * texts and the presence check. See house_rules.h. */
#include "registry/house_rules.h"

#include "base/hash.h"
#include "base/time.h"
#include "base/utf8.h"
#include "store/audit.h"
#include "store/house_rules_rows.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The shipped standard template, rules/sv/house-rules.txt built into the
 * program (tools/embed.cmake), so it cannot go missing. */
extern const char house_rules_standard[];
extern const size_t house_rules_standard_len;

const char *const house_rules_placeholder_names[HOUSE_PLACEHOLDER_COUNT] = {
        "konto", "plattform", "verksamhet", "kommun", "ansvarig", "epost", "telefon",
};

static int placeholder_find(const char *name, size_t n)
{
	for (int i = 0; i < HOUSE_PLACEHOLDER_COUNT; i++)
		if (strlen(house_rules_placeholder_names[i]) == n &&
		    memcmp(house_rules_placeholder_names[i], name, n) == 0)
			return i;
	return -1;
}

static const char *known_list(void)
{
	return "{konto}, {plattform}, {verksamhet}, {kommun}, {ansvarig}, {epost}, {telefon}";
}

/* Checks the braces of one line of text: every "{" opens a known
 * placeholder closed on the same line; "{{" and "}}" stand for a brace. */
static int check_line(const char *s, size_t n, int line, struct err *err)
{
	for (size_t i = 0; i < n; i++) {
		if ((s[i] == '{' || s[i] == '}') && i + 1 < n && s[i + 1] == s[i]) {
			i++;
			continue;
		}
		if (s[i] == '}')
			return err_set(err, KV_EINVAL,
			               "line %d: '}' without an opening '{' (write }} for a brace)",
			               line);
		if (s[i] == '{') {
			const char *close = memchr(s + i + 1, '}', n - i - 1);

			if (!close)
				return err_set(err, KV_EINVAL,
				               "line %d: '{' without a closing '}' (write {{ for a "
				               "brace)",
				               line);
			if (placeholder_find(s + i + 1, (size_t)(close - s - i - 1)) < 0)
				return err_set(
				        err, KV_EINVAL,
				        "line %d: unknown placeholder {%.*s} (known: %s)", line,
				        (int)(close - s - i - 1 > 60 ? 60 : close - s - i - 1),
				        s + i + 1, known_list());
			i = (size_t)(close - s);
		}
	}
	return KV_OK;
}

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

void house_rules_tmpl_free(struct house_tmpl *t)
{
	if (!t)
		return;
	free(t->paras);
	arena_done(&t->arena);
	free(t);
}

/* Ends the paragraph gathered in b (if any) as t's next one. */
static int end_para(struct house_tmpl *t, struct buf *b, int essential, int line, size_t *cap,
                    struct err *err)
{
	if (b->len == 0)
		return KV_OK;
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct house_para *np = realloc(t->paras, nc * sizeof(*np));

		if (!np)
			return err_set(err, KV_ENOMEM, "out of memory");
		t->paras = np;
		*cap = nc;
	}
	t->paras[t->n].text = arena_strndup(&t->arena, buf_cstr(b), b->len);
	if (!t->paras[t->n].text)
		return err_set(err, KV_ENOMEM, "out of memory");
	t->paras[t->n].essential = essential;
	t->paras[t->n].line = line;
	t->n++;
	buf_clear(b);
	return KV_OK;
}

int house_rules_parse(const char *text, size_t len, struct house_tmpl **out, struct err *err)
{
	struct house_tmpl *t = NULL;
	struct buf b;
	size_t cap = 0, pos = 0, n_essential = 0;
	int line = 0, start = 0, essential = 0, rc = KV_OK;
	ssize_t bad;

	buf_init(&b, HOUSE_RULES_MAX + 1);
	if (len > HOUSE_RULES_MAX) {
		rc = err_set(err, KV_EINVAL, "the template is %zu bytes, more than the %zu allowed",
		             len, HOUSE_RULES_MAX);
		goto out;
	}
	bad = utf8_check(text, len);
	if (bad >= 0) {
		int at = 1;

		for (ssize_t i = 0; i < bad; i++)
			at += text[i] == '\n';
		rc = err_set(err, KV_EINVAL, "line %d: not valid UTF-8 (byte %zd)", at, bad);
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	arena_init(&t->arena);
	while (pos < len && !rc) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n && s[0] == '#')
			continue;
		if (blank_line(s, n)) {
			rc = end_para(t, &b, essential, start, &cap, err);
			continue;
		}
		if (b.len == 0) {
			start = line;
			essential = n >= 2 && s[0] == '!' && s[1] == ' ';
			n_essential += essential;
			if (essential) {
				s += 2;
				n -= 2;
			}
		} else {
			rc = buf_putc(&b, '\n');
		}
		if (!rc)
			rc = check_line(s, n, line, err);
		if (!rc)
			rc = buf_put(&b, s, n);
	}
	if (!rc)
		rc = end_para(t, &b, essential, start, &cap, err);
	if (!rc && t->n == 0)
		rc = err_set(err, KV_EINVAL,
		             "the template has no text (only comments and blank lines)");
	if (!rc && n_essential == 0)
		rc = err_set(err, KV_EINVAL,
		             "no paragraph is marked essential: begin the first line of each "
		             "paragraph the register check must find with \"! \"");
out:
	buf_done(&b);
	if (rc) {
		house_rules_tmpl_free(t);
		return rc;
	}
	*out = t;
	return KV_OK;
}

int house_rules_fill_para(const struct house_para *p, const struct house_values *vals,
                          struct buf *out, struct err *err)
{
	const char *s = p->text;
	int line = p->line, rc = KV_OK;

	for (; *s && !rc; s++) {
		if ((*s == '{' || *s == '}') && s[1] == *s) {
			rc = buf_putc(out, *s++);
		} else if (*s == '{') {
			const char *close = strchr(s, '}');
			int k = placeholder_find(s + 1, (size_t)(close - s - 1));

			if (!vals->v[k])
				rc = err_set(err, KV_EINVAL, "{%s} on line %d: %s",
				             house_rules_placeholder_names[k], line,
				             vals->hint[k] ? vals->hint[k]
				                           : "no value in the register");
			else
				rc = buf_puts(out, vals->v[k]);
			s = close;
		} else {
			line += *s == '\n';
			rc = buf_putc(out, *s);
		}
	}
	return rc;
}

int house_rules_fill(const struct house_tmpl *t, const struct house_values *vals, struct buf *out,
                     struct err *err)
{
	int rc = KV_OK;

	for (size_t i = 0; i < t->n && !rc; i++) {
		if (i)
			rc = buf_puts(out, "\n\n");
		if (!rc)
			rc = house_rules_fill_para(&t->paras[i], vals, out, err);
	}
	if (!rc)
		rc = buf_putc(out, '\n');
	return rc;
}

int house_rules_normalise(const char *s, size_t len, struct buf *out, struct err *err)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n;
	int space = 0, rc = KV_OK;

	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &m,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                         UTF8PROC_LUMP | UTF8PROC_NLF2LF | UTF8PROC_STRIPCC);
	if (n < 0)
		return err_set(err, KV_EINVAL, "the text is not valid UTF-8 (%s)",
		               utf8proc_errmsg(n));
	for (utf8proc_ssize_t i = 0; i < n && !rc;) {
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t k = utf8proc_iterate(m + i, n - i, &cp);
		int ws = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
		         cp == '\f';

		if (k <= 0)
			break;
		if (ws) {
			space = 1;
			i += k;
			continue;
		}
		if (space && out->len)
			rc = buf_putc(out, ' ');
		space = 0;
		/* Quotation marks as ASCII: LUMP leaves the typographic ones. */
		if (!rc && (cp == 0x2018 || cp == 0x2019 || cp == 0x201a || cp == 0x201b))
			rc = buf_putc(out, '\'');
		else if (!rc && (cp == 0x201c || cp == 0x201d || cp == 0x201e || cp == 0x201f ||
		                 cp == 0xab || cp == 0xbb))
			rc = buf_putc(out, '"');
		else if (!rc)
			rc = buf_put(out, m + i, (size_t)k);
		i += k;
	}
	free(m);
	if (rc)
		err_set(err, rc, "the text is too long to compare");
	return rc;
}

int house_rules_missing(const struct house_tmpl *t, const struct house_values *vals,
                        const char *about, size_t about_len, unsigned char *missing,
                        size_t *n_missing, struct err *err)
{
	struct buf na, filled, np;
	struct err ignored = {0};
	size_t count = 0;
	int rc;

	buf_init(&na, 0);
	buf_init(&filled, 0);
	buf_init(&np, 0);
	rc = house_rules_normalise(about, about_len, &na, err);
	for (size_t i = 0; i < t->n && !rc; i++) {
		missing[i] = 0;
		if (!t->paras[i].essential)
			continue;
		buf_clear(&filled);
		buf_clear(&np);
		/* A value the register lacks cannot be looked for: the paragraph
		 * counts as missing, and the detail says why. */
		if (house_rules_fill_para(&t->paras[i], vals, &filled, &ignored)) {
			missing[i] = 2;
			count++;
			continue;
		}
		rc = house_rules_normalise(buf_cstr(&filled), filled.len, &np, err);
		if (!rc && !strstr(buf_cstr(&na), buf_cstr(&np))) {
			missing[i] = 1;
			count++;
		}
	}
	buf_done(&na);
	buf_done(&filled);
	buf_done(&np);
	if (!rc)
		*n_missing = count;
	return rc;
}

/* The template in force and every version of it: the organisation's
 * versions in order, the standard as version 0 before them. */
struct version {
	int64_t version;
	char *body;
	char sha256[HASH_SHA256_HEX_LEN + 1];
	char *loaded_by;
	int64_t loaded_at;
};

struct versions {
	struct version *v;
	size_t n, cap;
	int rc;
};

static int add_version(struct versions *vs, int64_t version, const char *body, size_t len,
                       const char *loaded_by, int64_t loaded_at)
{
	struct version *v;

	if (vs->n == vs->cap) {
		size_t nc = vs->cap ? vs->cap * 2 : 8;
		struct version *nv = realloc(vs->v, nc * sizeof(*nv));

		if (!nv)
			return KV_ENOMEM;
		vs->v = nv;
		vs->cap = nc;
	}
	v = &vs->v[vs->n];
	memset(v, 0, sizeof(*v));
	v->version = version;
	v->body = strndup(body, len);
	v->loaded_by = loaded_by ? strdup(loaded_by) : NULL;
	v->loaded_at = loaded_at;
	hash_sha256_hex(v->sha256, body, len);
	if (!v->body || (loaded_by && !v->loaded_by)) {
		free(v->body);
		free(v->loaded_by);
		return KV_ENOMEM;
	}
	vs->n++;
	return KV_OK;
}

static int version_row(void *ctx, const struct house_rules_row *r)
{
	return add_version(ctx, r->version, r->body, strlen(r->body), r->loaded_by, r->loaded_at);
}

static void versions_done(struct versions *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].body);
		free(vs->v[i].loaded_by);
	}
	free(vs->v);
}

static int versions_load(struct store *s, int64_t org, struct versions *vs, struct err *err)
{
	int rc = add_version(vs, 0, house_rules_standard, house_rules_standard_len, NULL, 0);

	if (!rc)
		rc = house_rules_row_each(s, org, version_row, vs, err);
	if (rc == KV_ENOMEM)
		err_set(err, rc, "out of memory");
	return rc;
}

static json_t *template_json(const struct version *v, const struct house_tmpl *t)
{
	json_t *paras = json_array();
	char at[TIME_ISO_LEN];

	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(paras,
		                      json_pack("{s:I,s:b,s:s}", "line",
		                                (json_int_t)t->paras[i].line, "essential",
		                                t->paras[i].essential, "text", t->paras[i].text));
	if (v->loaded_at)
		time_format_utc(at, v->loaded_at);
	return json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s,s:o}", "version", (json_int_t)v->version,
	                 "source", v->version ? "organisation" : "standard", "sha256", v->sha256,
	                 "loaded_by", v->loaded_by, "loaded_at", v->loaded_at ? at : NULL, "text",
	                 v->body, "paragraphs", paras);
}

static int require_read(const struct op_ctx *op, struct err *err)
{
	return principal_can_any(op->who, PERM_REGISTER_READ)
	               ? KV_OK
	               : op_ctx_require(op, PERM_REGISTER_READ, 0, err);
}

int house_rules_template_show(const struct op_ctx *op, json_t **out, struct err *err)
{
	struct versions vs = {0};
	struct house_tmpl *t = NULL;
	const struct version *cur;
	int rc = require_read(op, err);

	if (rc)
		return rc;
	rc = versions_load(op->store, op->org, &vs, err);
	if (rc)
		goto out;
	cur = &vs.v[vs.n - 1];
	rc = house_rules_parse(cur->body, strlen(cur->body), &t, err);
	if (rc)
		goto out;
	*out = template_json(cur, t);
out:
	house_rules_tmpl_free(t);
	versions_done(&vs);
	return rc;
}

int house_rules_template_load(const struct op_ctx *op, const char *text, size_t len, json_t **out,
                              struct err *err)
{
	struct versions vs = {0};
	struct house_tmpl *t = NULL;
	char sha[HASH_SHA256_HEX_LEN + 1];
	int64_t version = 0;
	char *body = NULL;
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, 0, err), fresh = 0;

	if (!rc)
		rc = house_rules_parse(text, len, &t, err);
	if (rc)
		return rc;
	body = strndup(text, len);
	if (!body) {
		house_rules_tmpl_free(t);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	hash_sha256_hex(sha, text, len);
	rc = store_begin(op->store, err);
	if (rc)
		goto out;
	rc = versions_load(op->store, op->org, &vs, err);
	/* Only the organisation's own newest version counts as the same: the
	 * standard loaded as it is becomes version 1, the kommun's decision. */
	if (!rc && vs.n > 1 && strcmp(vs.v[vs.n - 1].sha256, sha) == 0)
		version = vs.v[vs.n - 1].version;
	if (!rc && !version) {
		fresh = 1;
		rc = house_rules_row_insert(op->store, op->org, body, sha, op_ctx_actor(op),
		                            op->now, &version, err);
		if (!rc)
			rc = audit_append_json(op->store, op->org, op_ctx_actor(op),
			                       "house_rules.load", "house_rules", version, NULL,
			                       json_pack("{s:I,s:s,s:I,s:I}", "version",
			                                 (json_int_t)version, "sha256", sha,
			                                 "paragraphs", (json_int_t)t->n, "bytes",
			                                 (json_int_t)len),
			                       err);
	}
	rc = store_finish(op->store, rc, err);
	if (!rc)
		*out = json_pack("{s:I,s:b,s:s}", "version", (json_int_t)version, "new", fresh,
		                 "sha256", sha);
out:
	free(body);
	house_rules_tmpl_free(t);
	versions_done(&vs);
	return rc;
}

/* The placeholders' values for an account, from its loaded record. */
static int values_of(struct store *s, int64_t org, const struct account_rec *rec, struct arena *a,
                     struct house_values *v, struct err *err)
{
	const char *kommun = NULL;
	int rc = register_row_org_name(s, org, a, &kommun, err);
	int has_resp = rec->v.responsible.id != 0;

	memset(v, 0, sizeof(*v));
	if (rc)
		return rc;
	v->v[HOUSE_KONTO] =
	        rec->v.display_name && *rec->v.display_name ? rec->v.display_name : rec->v.handle;
	v->v[HOUSE_PLATTFORM] = register_platform_label(rec->v.platform);
	v->v[HOUSE_KOMMUN] = kommun;
	if (rec->v.unit_id && rec->v.unit_exists && !rec->v.unit_closed)
		v->v[HOUSE_VERKSAMHET] = rec->unit_name;
	v->hint[HOUSE_VERKSAMHET] = "the account has no open unit; set the register field unit "
	                            "(account edit ACCOUNT --unit NAME)";
	/* The text is published: the contact only when the register says it
	 * may be (as the public list, registry_export_public). */
	if (has_resp) {
		v->v[HOUSE_ANSVARIG] = rec->v.responsible.name;
		if (rec->responsible_contact_public)
			v->v[HOUSE_EPOST] = rec->responsible_email;
		if (rec->responsible_contact_public && rec->responsible_phone &&
		    *rec->responsible_phone)
			v->v[HOUSE_TELEFON] = rec->responsible_phone;
	}
	v->hint[HOUSE_ANSVARIG] = "the account has no responsible person; set the register field "
	                          "responsible (account edit ACCOUNT --responsible EMAIL)";
	v->hint[HOUSE_EPOST] = v->hint[HOUSE_TELEFON] = v->hint[HOUSE_ANSVARIG];
	if (has_resp) {
		char hint[400];

		if (!rec->responsible_contact_public)
			snprintf(hint, sizeof(hint),
			         "the contact of the responsible person %s may not be published; "
			         "set "
			         "the register field contact_public (person contact %s --public)",
			         rec->responsible_email, rec->responsible_email);
		else
			snprintf(hint, sizeof(hint),
			         "the responsible person %s has no phone number; set the register "
			         "field phone (person contact %s --phone P)",
			         rec->responsible_email, rec->responsible_email);
		v->hint[HOUSE_TELEFON] = arena_strdup(a, hint);
		if (!rec->responsible_contact_public)
			v->hint[HOUSE_EPOST] = v->hint[HOUSE_TELEFON];
	}
	return KV_OK;
}

/* Resolves ref to an account of op's organisation the principal may do
 * perm on, and loads it (*rec owned: register_row_account_free). */
static int load_account(const struct op_ctx *op, const char *ref, uint32_t perm,
                        struct account_rec **rec, struct err *err)
{
	int64_t id = 0;
	int rc = register_validate_text("account", ref, 200, 1, err);

	if (!rc)
		rc = register_row_account_find(op->store, op->org, ref, &id, err);
	if (!rc)
		rc = op_ctx_require(op, perm, id, err);
	if (!rc)
		rc = register_row_account_load(op->store, id, rec, err);
	return rc;
}

static char *account_name(const struct account_rec *rec)
{
	size_t n = strlen(rec->v.handle) + 32;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s", register_platform_name(rec->v.platform), rec->v.handle);
	return s;
}

int house_rules_account_text(const struct op_ctx *op, const char *ref, json_t **out,
                             struct err *err)
{
	struct account_rec *rec = NULL;
	struct versions vs = {0};
	struct house_tmpl *t = NULL;
	struct house_values vals;
	const struct version *cur;
	struct arena a;
	struct buf text;
	char *name = NULL;
	int rc;

	arena_init(&a);
	buf_init(&text, 0);
	rc = load_account(op, ref, PERM_REGISTER_READ, &rec, err);
	if (!rc)
		rc = versions_load(op->store, op->org, &vs, err);
	if (rc)
		goto out;
	cur = &vs.v[vs.n - 1];
	rc = house_rules_parse(cur->body, strlen(cur->body), &t, err);
	if (!rc)
		rc = values_of(op->store, op->org, rec, &a, &vals, err);
	if (!rc)
		rc = house_rules_fill(t, &vals, &text, err);
	if (rc)
		goto out;
	name = account_name(rec);
	*out = json_pack("{s:s?,s:I,s:s,s:s}", "account", name, "version", (json_int_t)cur->version,
	                 "source", cur->version ? "organisation" : "standard", "text",
	                 buf_cstr(&text));
out:
	free(name);
	buf_done(&text);
	arena_done(&a);
	house_rules_tmpl_free(t);
	versions_done(&vs);
	register_row_account_free(rec);
	return rc;
}

/* The detail of the check for the paragraphs missing from version v,
 * short enough for the check's detail (whole paragraphs named, then "…"). */
static char *missing_detail(const struct house_tmpl *t, const unsigned char *missing,
                            const struct version *v, struct arena *a)
{
	char out[240], piece[160];
	size_t used;

	used = (size_t)snprintf(out, sizeof(out), "version %lld saknar", (long long)v->version);
	for (size_t i = 0, k = 0; i < t->n; i++) {
		const char *p = t->paras[i].text;
		size_t words = 0, j = 0;
		int n;

		if (!missing[i])
			continue;
		/* The first words name the paragraph: up to the fourth space, at
		 * most 60 bytes, never half a character. */
		for (; p[j] && j < 60; j++) {
			if (p[j] == ' ' || p[j] == '\n') {
				if (++words == 4)
					break;
			}
		}
		while (j && p[j] && ((unsigned char)p[j] & 0xc0) == 0x80)
			j--;
		n = snprintf(piece, sizeof(piece), "%s stycke %zu (rad %d, \"%.*s…\")%s",
		             k ? ";" : "", i + 1, t->paras[i].line, (int)j, p,
		             missing[i] == 2 ? " kan inte fyllas i från registret" : "");
		if (n < 0 || used + (size_t)n + 5 > sizeof(out)) {
			snprintf(out + used, sizeof(out) - used, "; …");
			break;
		}
		memcpy(out + used, piece, (size_t)n + 1);
		used += (size_t)n;
		k++;
	}
	return arena_strdup(a, out);
}

struct about_ctx {
	char *body;
	char *source;
	char *recorded_by;
	int64_t recorded_at;
	int64_t id;
};

static int about_row(void *arg, const struct house_about_row *r)
{
	struct about_ctx *c = arg;

	c->body = strdup(r->body);
	c->source = strdup(r->source);
	c->recorded_by = strdup(r->recorded_by);
	c->recorded_at = r->recorded_at;
	c->id = r->id;
	return c->body && c->source && c->recorded_by ? KV_OK : KV_ENOMEM;
}

static void about_done(struct about_ctx *c)
{
	free(c->body);
	free(c->source);
	free(c->recorded_by);
}

/* The assessment of about (NULL: none known) against every version. */
static int assess(struct store *s, int64_t org, struct account_rec *rec, const char *about,
                  struct versions *vs, struct arena *a, struct err *err)
{
	struct house_values vals;
	unsigned char *missing = NULL;
	char *first = NULL;
	int rc = values_of(s, org, rec, a, &vals, err);

	rec->v.house_assessed = 1;
	rec->v.house_missing = rec->v.house_stale = NULL;
	if (!rc && !about) {
		rec->v.house_missing = "ingen om-text är känd för kontot (account about ACCOUNT "
		                       "--text FILE)";
		return KV_OK;
	}
	/* The newest version first, then back to the standard; the standard
	 * counts as an older version only once the organisation loaded one. */
	for (size_t k = vs->n; k-- > 0 && !rc;) {
		struct house_tmpl *t = NULL;
		size_t n_missing = 0;

		if (k == 0 && vs->n > 1 && vs->v[0].version == 0 &&
		    strcmp(vs->v[0].sha256, vs->v[vs->n - 1].sha256) == 0)
			continue;
		rc = house_rules_parse(vs->v[k].body, strlen(vs->v[k].body), &t, err);
		if (!rc) {
			unsigned char *m = realloc(missing, t->n);

			if (!m)
				rc = err_set(err, KV_ENOMEM, "out of memory");
			else
				missing = m;
		}
		if (!rc)
			rc = house_rules_missing(t, &vals, about, strlen(about), missing,
			                         &n_missing, err);
		if (!rc && k == vs->n - 1 && n_missing)
			first = missing_detail(t, missing, &vs->v[k], a);
		if (!rc && n_missing == 0 && k != vs->n - 1) {
			char buf[160];

			snprintf(buf, sizeof(buf),
			         "om-texten följer version %lld av husreglerna, nu gäller version "
			         "%lld",
			         (long long)vs->v[k].version, (long long)vs->v[vs->n - 1].version);
			rec->v.house_stale = arena_strdup(a, buf);
			first = NULL;
			house_rules_tmpl_free(t);
			break;
		}
		house_rules_tmpl_free(t);
		if (!rc && k == vs->n - 1 && n_missing == 0)
			break;
	}
	if (!rc && !rec->v.house_stale)
		rec->v.house_missing = first;
	free(missing);
	return rc;
}

/* How many of the account's newest own posts are read for one that holds
 * the rules (the pinned post); a pinned post is usually among the first. */
#define HOUSE_POSTS_READ 50

struct posts_ctx {
	struct store *s;
	int64_t org;
	struct account_rec *rec;
	struct versions *vs;
	struct arena *a;
	struct err *err;
	int rc, found;
};

static int post_row(void *arg, const struct house_about_row *r)
{
	struct posts_ctx *p = arg;

	p->rc = assess(p->s, p->org, p->rec, r->body, p->vs, p->a, p->err);
	if (p->rc)
		return p->rc;
	p->found = !p->rec->v.house_missing && !p->rec->v.house_stale;
	return p->found;
}

/* The about text does not hold the template in force: an own post that
 * does (the pinned post) satisfies the check; else the about text's
 * findings stand. */
static int assess_posts(struct store *s, int64_t org, struct account_rec *rec, struct versions *vs,
                        struct arena *a, struct err *err)
{
	const char *missing = rec->v.house_missing, *stale = rec->v.house_stale;
	struct posts_ctx p = {s, org, rec, vs, a, err, KV_OK, 0};
	int rc = house_rules_row_own_posts(s, rec->v.id, HOUSE_POSTS_READ, post_row, &p, err);

	if (!rc)
		rc = p.rc;
	if (!rc && !p.found) {
		rec->v.house_missing = missing;
		rec->v.house_stale = stale;
	}
	return rc;
}

int house_rules_assess(struct store *s, int64_t org, struct account_rec *rec, struct arena *a,
                       struct err *err)
{
	struct about_ctx about = {0};
	struct versions vs = {0};
	int rc;

	/* Only an account in use shows an about text (model/register). */
	rec->v.house_assessed = 0;
	if (rec->v.status != ACCOUNT_ACTIVE)
		return KV_OK;
	rc = house_rules_row_about_latest(s, rec->v.id, about_row, &about, err);
	if (rc == KV_ENOMEM)
		err_set(err, rc, "out of memory");
	if (!rc)
		rc = versions_load(s, org, &vs, err);
	if (!rc)
		rc = assess(s, org, rec, about.body, &vs, a, err);
	if (!rc && (rec->v.house_missing || rec->v.house_stale))
		rc = assess_posts(s, org, rec, &vs, a, err);
	versions_done(&vs);
	about_done(&about);
	return rc;
}

static json_t *about_json(const struct account_rec *rec, const struct about_ctx *about)
{
	char at[TIME_ISO_LEN] = "";
	char *name = account_name(rec);
	json_t *j;

	if (about->body)
		time_format_utc(at, about->recorded_at);
	j = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:{s:s?,s:s?}}", "account", name, "text",
	              about->body, "source", about->source, "recorded_by", about->recorded_by,
	              "recorded_at", about->body ? at : NULL, "house_rules", "missing",
	              rec->v.house_missing, "stale", rec->v.house_stale);
	free(name);
	return j;
}

int house_rules_about(const struct op_ctx *op, const char *ref, const char *text, size_t len,
                      json_t **out, struct err *err)
{
	struct account_rec *rec = NULL;
	struct about_ctx about = {0};
	struct versions vs = {0};
	struct house_about_row r = {0};
	char sha[HASH_SHA256_HEX_LEN + 1];
	json_t *j = NULL;
	ssize_t bad = text ? utf8_check(text, len) : -1;
	int rc = KV_OK, begun = 0;

	if (text && bad >= 0)
		rc = err_set(err, KV_EINVAL, "--text: not valid UTF-8 (byte %zd)", bad);
	if (!rc && text && len > HOUSE_RULES_MAX)
		rc = err_set(err, KV_EINVAL, "--text: %zu bytes, more than the %zu allowed", len,
		             HOUSE_RULES_MAX);
	if (!rc && text) {
		size_t i = 0;

		while (i < len && strchr(" \t\r\n", text[i]))
			i++;
		if (i == len)
			rc = err_set(err, KV_EINVAL, "--text: the file holds no text");
	}
	if (!rc)
		rc = store_begin(op->store, err);
	begun = !rc;
	if (!rc)
		rc = load_account(op, ref, text ? PERM_REGISTER_WRITE : PERM_REGISTER_READ, &rec,
		                  err);
	if (!rc && text) {
		about.body = strndup(text, len);
		about.source = strdup("hand");
		about.recorded_by = strdup(op_ctx_actor(op));
		about.recorded_at = op->now;
		if (!about.body || !about.source || !about.recorded_by)
			rc = err_set(err, KV_ENOMEM, "out of memory");
		r.body = about.body;
		r.source = about.source;
		r.recorded_by = about.recorded_by;
		r.recorded_at = about.recorded_at;
		if (!rc)
			rc = house_rules_row_about_insert(op->store, rec->v.id, &r, &about.id, err);
		hash_sha256_hex(sha, text, len);
		if (!rc)
			rc = audit_append_json(op->store, op->org, op_ctx_actor(op),
			                       "account.about", "account", rec->v.id, NULL,
			                       json_pack("{s:I,s:s,s:s,s:I}", "about",
			                                 (json_int_t)about.id, "source", "hand",
			                                 "sha256", sha, "bytes", (json_int_t)len),
			                       err);
	} else if (!rc) {
		rc = house_rules_row_about_latest(op->store, rec->v.id, about_row, &about, err);
		if (rc == KV_ENOMEM)
			err_set(err, rc, "out of memory");
	}
	if (!rc)
		rc = versions_load(op->store, op->org, &vs, err);
	if (!rc)
		rc = assess(op->store, op->org, rec, about.body, &vs, &rec->arena, err);
	if (!rc)
		j = about_json(rec, &about);
	if (begun && text)
		rc = store_finish(op->store, rc, err);
	else if (begun)
		store_rollback(op->store);
	if (!rc)
		*out = j;
	else
		json_decref(j);
	versions_done(&vs);
	about_done(&about);
	register_row_account_free(rec);
	return rc;
}
