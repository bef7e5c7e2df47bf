/* Disclosure: select, mask, write four files into a temporary directory,
 * rename it into place, then record and audit. Every string that leaves
 * Kanalvakt goes through one masking step (masked_of) that splits it into
 * plain runs and masked runs; the PDF, JSON and CSV writers only ever see
 * those runs, and a masked run carries its reason, never its text. */
#include "records/records_disclose.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/calendar.h"
#include "base/escape.h"
#include "base/hash.h"
#include "base/time.h"
#include "model/register.h"
#include "records/records_pdfa.h"
#include "records/records_print.h"
#include "records/records_threads.h"
#include "render/render_doc.h"
#include "screen/detect.h"
#include "store/audit.h"
#include "store/items.h"
#include "store/media_rows.h"
#include "store/records_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MASK_KINDS 16

/* A run of a string: plain text, or a mask standing for what was there. */
struct seg {
	const char *text;   /* NUL-terminated copy (plain runs) */
	const char *reason; /* non-NULL: a mask */
};

struct mstr {
	struct seg *v;
	size_t n;
};

struct range {
	size_t s, e;
	int kind; /* index into masker kinds */
};

struct masker {
	const struct disclose_request *rq;
	const char *reason;
	struct arena *a;
	/* per kind: name and count */
	const char *kind_name[MASK_KINDS];
	int64_t kind_count[MASK_KINDS];
	int n_kinds;
	int64_t total;
	/* the names of the masked authors, masked where others mention them */
	const char **author_names;
	size_t n_author_names;
	/* scratch */
	struct range *r;
	size_t n_r, cap_r;
	int oom;
};

static int kind_index(struct masker *m, const char *name)
{
	for (int i = 0; i < m->n_kinds; i++)
		if (strcmp(m->kind_name[i], name) == 0)
			return i;
	if (m->n_kinds == MASK_KINDS)
		return MASK_KINDS - 1;
	m->kind_name[m->n_kinds] = name;
	return m->n_kinds++;
}

static void add_range(struct masker *m, size_t s, size_t e, const char *kind)
{
	if (e <= s)
		return;
	if (m->n_r == m->cap_r) {
		size_t cap = m->cap_r ? m->cap_r * 2 : 16;
		void *p = realloc(m->r, cap * sizeof(*m->r));
		if (!p) {
			m->oom = 1;
			return;
		}
		m->r = p;
		m->cap_r = cap;
	}
	m->r[m->n_r++] = (struct range){s, e, kind_index(m, kind)};
}

static int on_detect(void *ctx, int category, const char *rule, size_t start, size_t end)
{
	struct masker *m = ctx;
	const char *k = rule && strncmp(rule, "detect.", 7) == 0 ? rule + 7 : rule;

	(void)category;
	add_range(m, start, end, k ? k : "pii");
	return 0;
}

/* ASCII-case-insensitive search, byte exact otherwise (å, ä, ö as typed). */
static const char *find_ci(const char *hay, const char *needle, size_t nlen)
{
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, nlen) == 0)
			return p;
	return NULL;
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s ? 1 : (x->e > y->e ? -1 : x->e < y->e);
}

/* Splits s into runs; whole: mask all of it as kind (an author's name).
 * Counts each merged mask once when count is set. */
static int masked_of(struct masker *m, const char *s, const char *whole, int count,
                     struct mstr *out)
{
	size_t len = s ? strlen(s) : 0;

	out->v = NULL;
	out->n = 0;
	if (!s)
		return KV_OK;
	m->n_r = 0;
	if (whole) {
		add_range(m, 0, len, whole);
	} else {
		if (m->rq->redact_pii)
			detect_all(s, len, on_detect, m);
		for (size_t i = 0; i < m->rq->n_redact_texts; i++) {
			const char *t = m->rq->redact_texts[i];
			size_t tl = strlen(t);
			for (const char *p = s; tl && (p = find_ci(p, t, tl)); p += tl)
				add_range(m, (size_t)(p - s), (size_t)(p - s) + tl, "text");
		}
		for (size_t i = 0; i < m->n_author_names; i++) {
			const char *t = m->author_names[i];
			size_t tl = strlen(t);
			for (const char *p = s; tl && (p = find_ci(p, t, tl)); p += tl)
				add_range(m, (size_t)(p - s), (size_t)(p - s) + tl, "author");
		}
	}
	if (m->oom)
		return KV_ENOMEM;
	if (m->n_r > 1)
		qsort(m->r, m->n_r, sizeof(*m->r), by_start);
	/* At most 2 runs per range plus one. */
	out->v = arena_alloc(m->a, (2 * m->n_r + 1) * sizeof(*out->v));
	if (!out->v)
		return KV_ENOMEM;
	size_t at = 0, i = 0;
	while (i < m->n_r) {
		size_t s0 = m->r[i].s, e0 = m->r[i].e;
		int k = m->r[i].kind;
		for (i++; i < m->n_r && m->r[i].s <= e0; i++)
			if (m->r[i].e > e0)
				e0 = m->r[i].e;
		if (s0 > at) {
			char *t = arena_strndup(m->a, s + at, s0 - at);
			if (!t)
				return KV_ENOMEM;
			out->v[out->n++] = (struct seg){t, NULL};
		}
		out->v[out->n++] = (struct seg){NULL, m->reason};
		if (count) {
			m->kind_count[k]++;
			m->total++;
		}
		at = e0;
	}
	if (at < len || out->n == 0) {
		char *t = arena_strndup(m->a, s + at, len - at);
		if (!t)
			return KV_ENOMEM;
		out->v[out->n++] = (struct seg){t, NULL};
	}
	return KV_OK;
}

static int mstr_plain(const struct mstr *ms, struct buf *b)
{
	int rc = KV_OK;

	for (size_t i = 0; i < ms->n && !rc; i++) {
		if (ms->v[i].reason) {
			rc = buf_puts(b, "[MASKERAT: ");
			rc = rc ? rc : buf_puts(b, ms->v[i].reason);
			rc = rc ? rc : buf_putc(b, ']');
		} else {
			rc = buf_puts(b, ms->v[i].text);
		}
	}
	return rc;
}

static json_t *mstr_json(const struct mstr *ms)
{
	struct buf b;
	json_t *j;

	if (!ms->v)
		return json_null();
	buf_init(&b, 64u << 20);
	j = mstr_plain(ms, &b) == KV_OK ? json_string(buf_cstr(&b)) : NULL;
	buf_done(&b);
	return j ? j : json_null();
}

/* Spans of an mstr into the open paragraph; newlines become breaks. */
static void mstr_spans(struct render_doc *doc, struct arena *a, const struct mstr *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		if (ms->v[i].reason) {
			render_doc_mask(doc, ms->v[i].reason);
			continue;
		}
		const char *p = ms->v[i].text;
		for (;;) {
			const char *nl = strchr(p, '\n');
			if (!nl) {
				if (*p)
					render_doc_text(doc, p);
				break;
			}
			char *line = arena_strndup(a, p, (size_t)(nl - p));
			if (line)
				render_doc_text(doc, line);
			render_doc_break(doc);
			p = nl + 1;
		}
	}
}

/* ---- one item, masked once, written three ways ---- */

struct mversion {
	int64_t version, at;
	struct mstr text;
};

struct mitem {
	const struct records_item *it;
	int author_masked;
	struct mstr author, author_id, text, permalink;
	struct mversion *versions;
	size_t n_versions;
	char state_note[160];
	int n_media;
};

struct vctx {
	struct masker *m;
	struct mitem *mi;
	size_t cap;
	int rc;
};

static int on_version(void *ctx, const struct item_version_row *v)
{
	struct vctx *c = ctx;

	if (c->mi->n_versions == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct mversion *nv = arena_alloc(c->m->a, cap * sizeof(*nv));
		if (!nv)
			return KV_ENOMEM;
		if (c->mi->n_versions)
			memcpy(nv, c->mi->versions, c->mi->n_versions * sizeof(*nv));
		c->mi->versions = nv;
		c->cap = cap;
	}
	struct mversion *mv = &c->mi->versions[c->mi->n_versions++];
	mv->version = v->version;
	mv->at = v->version_at ? v->version_at : v->captured_at;
	return masked_of(c->m, v->text ? v->text : "", NULL, 1, &mv->text);
}

static int author_is_masked(const struct disclose_request *rq, const struct records_item *it)
{
	for (size_t i = 0; i < rq->n_redact_authors; i++) {
		const char *a = rq->redact_authors[i];
		if ((it->author_id && strcmp(it->author_id, a) == 0) ||
		    (it->author_name && strcasecmp(it->author_name, a) == 0))
			return 1;
	}
	return 0;
}

static int mask_item(struct masker *m, struct store *s, int64_t now, const struct records_item *it,
                     struct mitem *mi, struct err *err)
{
	int rc;

	memset(mi, 0, sizeof(*mi));
	mi->it = it;
	mi->author_masked = author_is_masked(m->rq, it);
	rc = masked_of(m, it->author_name, mi->author_masked ? "author" : NULL, 1, &mi->author);
	rc = rc ? rc
	        : masked_of(m, it->author_id, mi->author_masked ? "author" : NULL, 0,
	                    &mi->author_id);
	rc = rc ? rc : masked_of(m, it->permalink, NULL, 1, &mi->permalink);
	if (rc)
		return err_set(err, KV_ENOMEM, "out of memory masking item %lld",
		               (long long)it->id);
	if (it->versions > 1) {
		struct vctx c = {m, mi, 0, 0};
		rc = items_versions(s, it->id, on_version, &c, err);
		if (rc == KV_ENOMEM)
			return err_set(err, rc, "out of memory masking item %lld",
			               (long long)it->id);
		if (rc)
			return rc;
		/* The current text is the last version: mask it without counting
		 * it twice. */
		rc = masked_of(m, it->text, NULL, 0, &mi->text);
	} else {
		rc = masked_of(m, it->text, NULL, 1, &mi->text);
	}
	if (rc)
		return err_set(err, KV_ENOMEM, "out of memory masking item %lld",
		               (long long)it->id);
	return records_print_state_at(s, it, now + 1, mi->state_note, sizeof(mi->state_note), err);
}

static void print_item(struct render_doc *doc, struct arena *a, const struct op_ctx *op,
                       const struct mitem *mi, const char *reason, struct err *err, int *rc)
{
	const struct records_item *it = mi->it;
	char when[32], line[256];

	records_print_time(when, it->created_at);
	render_doc_para_begin(doc, RENDER_META);
	snprintf(line, sizeof(line), "Nr %lld · ", (long long)it->id);
	render_doc_text(doc, line);
	if (mi->author.n)
		mstr_spans(doc, a, &mi->author);
	else
		render_doc_text(doc, "okänd");
	snprintf(line, sizeof(line), " · %s · %s%s", when, records_print_kind(it->kind),
	         it->direction && strcmp(it->direction, "upprattad") == 0 ? " (kontot)"
	                                                                  : " (inkommen)");
	render_doc_text(doc, line);
	if (it->versions > 1) {
		snprintf(line, sizeof(line), " · redigerat, %lld versioner",
		         (long long)it->versions);
		render_doc_text(doc, line);
	}
	render_doc_para_end(doc);
	render_doc_para_begin(doc, RENDER_BODY);
	mstr_spans(doc, a, &mi->text);
	render_doc_para_end(doc);
	for (size_t v = 0; v + 1 < mi->n_versions; v++) {
		records_print_time(when, mi->versions[v].at);
		render_doc_para_begin(doc, RENDER_NOTE);
		snprintf(line, sizeof(line),
		         "Tidigare version %lld (%s): ", (long long)mi->versions[v].version, when);
		render_doc_text(doc, line);
		mstr_spans(doc, a, &mi->versions[v].text);
		render_doc_para_end(doc);
	}
	if (mi->state_note[0])
		render_doc_paragraph(doc, RENDER_NOTE, mi->state_note);
	if (mi->author_masked) {
		/* Pictures of a masked author's item would show what the mask hides. */
		render_doc_mask_block(doc, reason);
	} else if (!*rc) {
		*rc = records_print_images(doc, op->store, op->org, it->id, NULL, err);
	}
}

static json_t *item_json(const struct mitem *mi)
{
	const struct records_item *it = mi->it;
	char when[TIME_ISO_LEN];
	json_t *o = json_object(), *vs = json_array();

	time_format_utc(when, it->created_at);
	json_object_set_new(o, "id", json_integer(it->id));
	json_object_set_new(o, "platform_id", json_string(it->platform_id ? it->platform_id : ""));
	json_object_set_new(o, "kind", json_string(it->kind ? it->kind : ""));
	json_object_set_new(o, "thread",
	                    it->root_platform_id ? json_string(it->root_platform_id) : json_null());
	json_object_set_new(o, "parent",
	                    it->parent_platform_id ? json_string(it->parent_platform_id)
	                                           : json_null());
	json_object_set_new(o, "author", mstr_json(&mi->author));
	json_object_set_new(o, "author_id", mstr_json(&mi->author_id));
	json_object_set_new(o, "direction", json_string(it->direction ? it->direction : ""));
	json_object_set_new(o, "created_at", json_string(when));
	json_object_set_new(o, "state", json_string(it->state ? it->state : ""));
	json_object_set_new(o, "state_note",
	                    mi->state_note[0] ? json_string(mi->state_note) : json_null());
	json_object_set_new(o, "permalink", mstr_json(&mi->permalink));
	json_object_set_new(o, "text", mstr_json(&mi->text));
	for (size_t v = 0; v < mi->n_versions; v++) {
		char at[TIME_ISO_LEN];
		time_format_utc(at, mi->versions[v].at);
		json_array_append_new(vs, json_pack("{s:I,s:s,s:o}", "version",
		                                    (json_int_t)mi->versions[v].version, "at", at,
		                                    "text", mstr_json(&mi->versions[v].text)));
	}
	json_object_set_new(o, "versions", vs);
	return o;
}

static int csv_field(struct buf *b, const struct mstr *ms, int last)
{
	struct buf t;
	int rc;

	buf_init(&t, 64u << 20);
	rc = ms ? mstr_plain(ms, &t) : KV_OK;
	rc = rc ? rc : escape_csv(b, buf_cstr(&t) ? buf_cstr(&t) : "");
	buf_done(&t);
	return rc ? rc : buf_puts(b, last ? "\r\n" : ",");
}

static int csv_plain(struct buf *b, const char *s)
{
	int rc = escape_csv(b, s ? s : "");
	return rc ? rc : buf_putc(b, ',');
}

static int item_csv(struct buf *b, const struct mitem *mi)
{
	const struct records_item *it = mi->it;
	char when[TIME_ISO_LEN], id[24], nv[24];

	time_format_utc(when, it->created_at);
	snprintf(id, sizeof(id), "%lld", (long long)it->id);
	snprintf(nv, sizeof(nv), "%lld", (long long)it->versions);
	int rc = csv_plain(b, id);
	rc = rc ? rc : csv_plain(b, when);
	rc = rc ? rc : csv_plain(b, it->kind);
	rc = rc ? rc : csv_plain(b, it->root_platform_id);
	rc = rc ? rc : csv_plain(b, it->parent_platform_id);
	rc = rc ? rc : csv_field(b, &mi->author, 0);
	rc = rc ? rc : csv_field(b, &mi->author_id, 0);
	rc = rc ? rc : csv_plain(b, it->direction);
	rc = rc ? rc : csv_plain(b, it->state);
	rc = rc ? rc : csv_plain(b, nv);
	rc = rc ? rc : csv_field(b, &mi->permalink, 0);
	return rc ? rc : csv_field(b, &mi->text, 1);
}

/* ---- files ---- */

static int write_all(const char *path, const char *data, size_t n, struct err *err)
{
	FILE *f = fopen(path, "wbx");

	if (!f)
		return err_set(err, KV_EIO, "%s: cannot create: %s", path, strerror(errno));
	size_t w = n ? fwrite(data, 1, n, f) : 0;
	int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
	if (fclose(f) != 0 || w != n || bad)
		return err_set(err, KV_EIO, "%s: write failed", path);
	return KV_OK;
}

static void remove_tree(const char *dir)
{
	static const char *const names[] = {DISCLOSE_PDF, DISCLOSE_JSON, DISCLOSE_CSV,
	                                    DISCLOSE_MANIFEST};
	char p[PATH_MAX + 64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static json_t *selection_json(const struct disclose_request *rq)
{
	json_t *o = json_object(), *ids = json_array();

	json_object_set_new(o, "from", rq->from ? json_string(rq->from) : json_null());
	json_object_set_new(o, "to", rq->to ? json_string(rq->to) : json_null());
	json_object_set_new(o, "query", rq->query ? json_string(rq->query) : json_null());
	json_object_set_new(o, "thread", rq->thread ? json_string(rq->thread) : json_null());
	for (size_t i = 0; i < rq->n_items; i++)
		json_array_append_new(ids, json_integer(rq->items[i]));
	json_object_set_new(o, "items", ids);
	return o;
}

/* What was masked: kinds and counts, and for hand-given texts only their
 * SHA-256, so the register never holds what was withheld. */
static json_t *masks_json(const struct masker *m)
{
	json_t *a = json_array();

	for (int i = 0; i < m->n_kinds; i++)
		json_array_append_new(a,
		                      json_pack("{s:s,s:s,s:I}", "kind", m->kind_name[i], "reason",
		                                m->reason, "count", (json_int_t)m->kind_count[i]));
	for (size_t i = 0; i < m->rq->n_redact_texts; i++) {
		char h[65];
		hash_sha256_hex(h, m->rq->redact_texts[i], strlen(m->rq->redact_texts[i]));
		json_array_append_new(
		        a, json_pack("{s:s,s:s}", "given_text_sha256", h, "reason", m->reason));
	}
	for (size_t i = 0; i < m->rq->n_redact_authors; i++) {
		char h[65];
		hash_sha256_hex(h, m->rq->redact_authors[i], strlen(m->rq->redact_authors[i]));
		json_array_append_new(
		        a, json_pack("{s:s,s:s}", "given_author_sha256", h, "reason", m->reason));
	}
	return a;
}

static int check_request(const struct disclose_request *rq, struct err *err)
{
	struct stat st;

	if (!rq->ref || !*rq->ref)
		return err_set(err, KV_EINVAL, "--ref: the request's reference is required");
	if (!rq->requester || !*rq->requester)
		return err_set(err, KV_EINVAL,
		               "--requester: who asked is required (\"anonym\" will do)");
	if (strlen(rq->ref) > 200 || strlen(rq->requester) > 500)
		return err_set(err, KV_EINVAL, "--ref or --requester: too long");
	if (!rq->out_dir || !*rq->out_dir)
		return err_set(err, KV_EINVAL, "--out: a directory is required");
	if (lstat(rq->out_dir, &st) == 0)
		return err_set(
		        err, KV_EINVAL,
		        "--out %s: already exists; a disclosure is written to a new directory",
		        rq->out_dir);
	for (size_t i = 0; i < rq->n_redact_texts; i++)
		if (!rq->redact_texts[i] || strlen(rq->redact_texts[i]) < 2)
			return err_set(err, KV_EINVAL,
			               "--redact: '%s' is too short to mask (at least 2 bytes)",
			               rq->redact_texts[i] ? rq->redact_texts[i] : "");
	for (size_t i = 0; i < rq->n_redact_authors; i++)
		if (!rq->redact_authors[i] || !*rq->redact_authors[i])
			return err_set(err, KV_EINVAL, "--redact-author: an author id is required");
	if (rq->reason && (!*rq->reason || strlen(rq->reason) > 200))
		return err_set(err, KV_EINVAL, "--reason: give a reason of 1 to 200 bytes");
	return KV_OK;
}

int records_disclose(const struct op_ctx *op, const struct disclose_request *rq,
                     struct disclose_result *out, struct err *err)
{
	struct records_threads t = {0};
	struct render_doc *doc = NULL;
	struct account_rec *acct = NULL;
	struct arena a;
	struct masker m = {0};
	struct mitem *mis = NULL;
	struct item_filter f = {0};
	struct buf csv;
	json_t *jitems = NULL, *jdoc = NULL, *jfiles = NULL, *jman = NULL;
	const char *org_name = NULL;
	char tmpdir[PATH_MAX], path[PATH_MAX + 64], manifest_sha[65] = "", made[32], title[300];
	char *dir_copy = NULL, *json_text = NULL, *man_text = NULL;
	int have_tmp = 0, pages = 0, rc, depth = 0;
	int64_t from_unused, did = 0;

	arena_init(&a);
	buf_init(&csv, 1u << 30);
	memset(out, 0, sizeof(*out));
	m.a = &a;
	m.rq = rq;
	m.reason = rq->reason ? rq->reason : DISCLOSE_DEFAULT_REASON;
	rc = op_ctx_require(op, PERM_DISCLOSE, rq->account, err);
	rc = rc ? rc : check_request(rq, err);
	rc = rc ? rc : register_row_account_load(op->store, rq->account, &acct, err);
	if (!rc && acct->org_id != op->org)
		rc = err_set(err, KV_ENOTFOUND, "no account %lld in this organisation",
		             (long long)rq->account);
	rc = rc ? rc : register_row_org_name(op->store, op->org, &a, &org_name, err);
	if (rc)
		goto out;
	f.org_id = op->org;
	f.account_id = rq->account;
	f.query = rq->query;
	f.root = rq->thread;
	if (rq->from)
		rc = records_print_day_range("--from", rq->from, &f.from, &from_unused, err);
	if (!rc && rq->to)
		rc = records_print_day_range("--to", rq->to, &from_unused, &f.to, err);
	if (!rc && f.from && f.to && f.from >= f.to)
		rc = err_set(err, KV_EINVAL, "--from %s is after --to %s", rq->from, rq->to);
	if (rc)
		goto out;
	/* Items named one by one must exist on this account. */
	for (size_t i = 0; i < rq->n_items && !rc; i++) {
		struct item_filter one = {.org_id = op->org, .item_id = rq->items[i]};
		struct records_threads t1;
		rc = records_threads_load(op->store, &one, NULL, 0, 0, 0, &t1, err);
		if (!rc && (t1.n == 0 || t1.v[0].account_id != rq->account))
			rc = err_set(err, KV_ENOTFOUND, "--item %lld: no such item on account %s",
			             (long long)rq->items[i], acct->v.handle);
		records_threads_done(&t1);
	}
	if (rc)
		goto out;
	rc = records_threads_load(op->store, &f, rq->items, rq->n_items, 0, 0, &t, err);
	if (rc)
		goto out;
	if (t.n == 0) {
		rc = err_set(
		        err, rq->thread ? KV_ENOTFOUND : KV_EINVAL,
		        rq->thread ? "--thread %s: no items of that thread on account %s in the "
		                     "selection"
		                   : "the selection holds no items of account %s%s",
		        rq->thread ? rq->thread : acct->v.handle, rq->thread ? acct->v.handle : "");
		goto out;
	}
	/* The masked authors' names, once each (an id alone says nothing to a
	 * reader, so it is masked where it stands, in the author fields). */
	m.author_names = calloc(t.n + 1, sizeof(*m.author_names));
	if (!m.author_names) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < t.n; i++) {
		const char *name = t.v[i].author_name;
		size_t k = 0;
		if (!name || strlen(name) < 2 || !author_is_masked(rq, &t.v[i]))
			continue;
		while (k < m.n_author_names && strcasecmp(m.author_names[k], name) != 0)
			k++;
		if (k == m.n_author_names)
			m.author_names[m.n_author_names++] = name;
	}
	mis = calloc(t.n, sizeof(*mis));
	if (!mis) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < t.n && !rc; i++)
		rc = mask_item(&m, op->store, op->now, &t.v[i], &mis[i], err);
	if (rc)
		goto out;

	/* The printout. */
	records_print_time(made, op->now);
	snprintf(title, sizeof(title), "Utlämnande %s", rq->ref);
	rc = render_doc_new(&doc);
	if (rc) {
		rc = err_set(err, rc, "out of memory");
		goto out;
	}
	render_doc_set_title(doc, title);
	snprintf(path, sizeof(path), "Utlämnande · %s · %s %s", rq->ref,
	         register_platform_label(acct->v.platform), acct->v.handle);
	render_doc_set_page_header(doc, path);
	render_doc_set_page_footer(doc, org_name);
	render_doc_heading(doc, 1, "Utlämnande av allmänna handlingar");
	render_doc_kv(doc, "Ärende", rq->ref);
	render_doc_kv(doc, "Arkivbildare", org_name);
	render_doc_kv(doc, "Konto", acct->v.display_name ? acct->v.display_name : acct->v.handle);
	render_doc_kv(doc, "Plattform", register_platform_label(acct->v.platform));
	snprintf(path, sizeof(path), "%s – %s", rq->from ? rq->from : "början",
	         rq->to ? rq->to : "nu");
	render_doc_kv(doc, "Period", path);
	if (rq->query)
		render_doc_kv(doc, "Sökning", rq->query);
	if (rq->thread)
		render_doc_kv(doc, "Tråd", rq->thread);
	snprintf(path, sizeof(path), "%zu", t.n);
	render_doc_kv(doc, "Poster", path);
	snprintf(path, sizeof(path), "%lld", (long long)m.total);
	render_doc_kv(doc, "Maskeringar", path);
	render_doc_kv(doc, "Framställt", made);
	render_doc_kv(doc, "Framställt av", op_ctx_actor(op));
	render_doc_paragraph(
	        doc, RENDER_NOTE,
	        "Posterna i tidsordning; svar och kommentarer indragna under det de "
	        "svarar på. Maskerade uppgifter är borttagna ur handlingen och ersatta "
	        "med skälet för sekretess.");
	for (size_t i = 0; i < t.n && !rc; i++) {
		int want = t.v[i].depth;
		if (want == 0 && i > 0)
			render_doc_paragraph(doc, RENDER_META, " ");
		for (; depth < want; depth++)
			render_doc_indent_begin(doc);
		for (; depth > want; depth--)
			render_doc_indent_end(doc);
		print_item(doc, &a, op, &mis[i], m.reason, err, &rc);
	}
	for (; depth > 0; depth--)
		render_doc_indent_end(doc);
	if (rc)
		goto out;

	/* The temporary directory beside out_dir, renamed at the end. */
	dir_copy = strdup(rq->out_dir);
	if (!dir_copy) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	{
		char *base = basename(dir_copy);
		char *parent_copy = strdup(rq->out_dir);
		if (!parent_copy) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(tmpdir, sizeof(tmpdir), "%s/.%s.tmp-XXXXXX", dirname(parent_copy), base);
		free(parent_copy);
	}
	if (!mkdtemp(tmpdir)) {
		rc = err_set(err, errno == ENOENT ? KV_EINVAL : KV_EIO,
		             "--out %s: cannot write beside it: %s", rq->out_dir, strerror(errno));
		goto out;
	}
	have_tmp = 1;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, DISCLOSE_PDF);
	{
		struct pdfa_meta meta = {.title = title,
		                         .author = org_name,
		                         .subject = "Utlämnande av allmänna handlingar",
		                         .keywords = rq->ref,
		                         .created = op->now,
		                         .font = rq->font && *rq->font ? rq->font : NULL};
		rc = records_pdfa_write_pages(doc, &meta, path, &pages, err);
	}
	if (rc)
		goto out;

	jitems = json_array();
	for (size_t i = 0; i < t.n; i++)
		json_array_append_new(jitems, item_json(&mis[i]));
	{
		char when[TIME_ISO_LEN];
		time_format_utc(when, op->now);
		jdoc = json_pack("{s:s,s:s,s:{s:s,s:s,s:s?},s:s,s:s,s:o,s:o,s:O}", "ref", rq->ref,
		                 "organisation", org_name, "account", "platform",
		                 register_platform_name(acct->v.platform), "handle", acct->v.handle,
		                 "name", acct->v.display_name, "created_at", when, "created_by",
		                 op_ctx_actor(op), "selection", selection_json(rq), "masks",
		                 masks_json(&m), "items", jitems);
	}
	json_text = jdoc ? json_dumps(jdoc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!json_text) {
		rc = err_set(err, KV_ENOMEM, "out of memory writing JSON");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, DISCLOSE_JSON);
	rc = write_all(path, json_text, strlen(json_text), err);
	if (rc)
		goto out;
	rc = buf_puts(&csv, "id,tid,typ,trad,svar_pa,forfattare,forfattar_id,riktning,status,"
	                    "versioner,lank,text\r\n");
	for (size_t i = 0; i < t.n && !rc; i++)
		rc = item_csv(&csv, &mis[i]);
	if (rc) {
		rc = err_set(err, rc, "CSV too large");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, DISCLOSE_CSV);
	rc = write_all(path, buf_cstr(&csv), csv.len, err);
	if (rc)
		goto out;

	/* The manifest: each file's SHA-256 and size. */
	jfiles = json_array();
	{
		static const char *const names[] = {DISCLOSE_PDF, DISCLOSE_JSON, DISCLOSE_CSV};
		for (size_t i = 0; i < 3 && !rc; i++) {
			char sha[65];
			int64_t bytes = 0;
			snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
			rc = records_print_sha256_file(path, sha, &bytes, err);
			if (!rc)
				json_array_append_new(jfiles,
				                      json_pack("{s:s,s:s,s:I}", "name", names[i],
				                                "sha256", sha, "bytes",
				                                (json_int_t)bytes));
		}
	}
	if (rc)
		goto out;
	jman = json_pack("{s:s,s:s,s:s,s:I,s:O}", "ref", rq->ref, "organisation", org_name,
	                 "created_at", made, "items", (json_int_t)t.n, "files", jfiles);
	man_text = jman ? json_dumps(jman, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!man_text) {
		rc = err_set(err, KV_ENOMEM, "out of memory writing the manifest");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, DISCLOSE_MANIFEST);
	rc = write_all(path, man_text, strlen(man_text), err);
	if (rc)
		goto out;
	hash_sha256_hex(manifest_sha, man_text, strlen(man_text));
	if (rename(tmpdir, rq->out_dir) != 0) {
		rc = err_set(err, errno == EEXIST || errno == ENOTEMPTY ? KV_EINVAL : KV_EIO,
		             "--out %s: cannot put the disclosure there: %s", rq->out_dir,
		             strerror(errno));
		goto out;
	}
	have_tmp = 0;

	/* The register and the audit chain, in one transaction. */
	{
		json_t *sel = selection_json(rq), *mk = masks_json(&m);
		char *sel_s = json_dumps(sel, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *mk_s = json_dumps(mk, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *files_s = json_dumps(jfiles, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(sel);
		json_decref(mk);
		struct disclosure_row row = {.account_id = rq->account,
		                             .ref = rq->ref,
		                             .requester = rq->requester,
		                             .selection = sel_s,
		                             .items = (int64_t)t.n,
		                             .masks = mk_s,
		                             .out_dir = rq->out_dir,
		                             .files = files_s,
		                             .manifest_sha256 = manifest_sha,
		                             .disclosed_by = op_ctx_actor(op),
		                             .disclosed_at = op->now};
		if (!sel_s || !mk_s || !files_s)
			rc = err_set(err, KV_ENOMEM, "out of memory");
		rc = rc ? rc : store_begin(op->store, err);
		if (!rc) {
			rc = records_row_disclosure_add(op->store, op->org, &row, &did, err);
			if (!rc) {
				char idtext[24];
				json_t *j =
				        json_pack("{s:I,s:s,s:s,s:I,s:I,s:s,s:s,s:s}", "disclosure",
				                  (json_int_t)did, "ref", rq->ref, "requester",
				                  rq->requester, "items", (json_int_t)t.n, "masks",
				                  (json_int_t)m.total, "masked", mk_s, "dir",
				                  rq->out_dir, "manifest_sha256", manifest_sha);
				char *after = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)
				                : NULL;
				json_decref(j);
				snprintf(idtext, sizeof(idtext), "%lld", (long long)rq->account);
				rc = after ? audit_append(op->store, NULL, op->org,
				                          op_ctx_actor(op), "disclose", "account",
				                          idtext, NULL, after, err)
				           : err_set(err, KV_ENOMEM, "out of memory");
				free(after);
			}
			rc = rc ? rc : store_commit(op->store, err);
			if (rc)
				store_rollback(op->store);
		}
		free(sel_s);
		free(mk_s);
		free(files_s);
		if (rc) {
			/* Not recorded: not left looking like a disclosure. */
			remove_tree(rq->out_dir);
			goto out;
		}
	}
	out->id = did;
	out->items = (int64_t)t.n;
	out->masks = m.total;
	out->pages = pages;
	memcpy(out->manifest_sha256, manifest_sha, sizeof(manifest_sha));
out:
	if (have_tmp)
		remove_tree(tmpdir);
	free(dir_copy);
	free(json_text);
	free(man_text);
	json_decref(jdoc);
	json_decref(jitems);
	json_decref(jfiles);
	json_decref(jman);
	buf_done(&csv);
	free(mis);
	free(m.r);
	free(m.author_names);
	render_doc_free(doc);
	register_row_account_free(acct);
	records_threads_done(&t);
	arena_done(&a);
	return rc;
}

/* ---- the register ---- */

int records_disclose_list(const struct op_ctx *op, records_row_disclosure_fn fn, void *ctx,
                          struct err *err)
{
	int rc = op_ctx_require(op, PERM_DISCLOSE, 0, err);

	return rc ? rc : records_row_disclosure_each(op->store, op->org, fn, ctx, err);
}

/* A JSON column as stored, or null should it not parse. */
static json_t *column(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	return v ? v : json_null();
}

json_t *records_disclose_json(const struct disclosure_row *r)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:I,s:o,s:s,s:o,s:s,s:s,s:o}", "id",
	                 (json_int_t)r->id, "account", r->account_handle, "ref", r->ref,
	                 "requester", r->requester, "selection", column(r->selection), "items",
	                 (json_int_t)r->items, "masks", column(r->masks), "dir", r->out_dir,
	                 "files", column(r->files), "manifest_sha256", r->manifest_sha256,
	                 "disclosed_by", r->disclosed_by, "disclosed_at",
	                 calendar_json_local(r->disclosed_at));
}
