/* GDPR requests: finding a person, the register extract, erasure under the
 * retention plan, and the register of requests with its deadline. Texts
 * are compared case-folded (utf8proc), phone numbers and personnummer by
 * their digits as the screening detectors find them. */
#include "records/gdpr.h"

#include "base/calendar.h"
#include "base/time.h"
#include "base/utf8.h"
#include "records/consent.h"
#include "records/cull.h"
#include "records/pdfa_child.h"
#include "records/records_print.h"
#include "records/retention.h"
#include "registry/registry.h"
#include "render/render_doc.h"
#include "screen/detect.h"
#include "screen/screen.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/case_rows.h"
#include "store/consent_rows.h"
#include "store/items.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#define MASK_TEXT "[raderad enligt dataskyddsförordningen]"

/* The answer every erasure gives, in Swedish and in English. */
static const char statement_sv[] =
        "Offentlighetsprincipen går före rätten till radering. Det som är allmänna "
        "handlingar raderas bara när kommunens dokumenthanteringsplan (gallringsbeslutet) "
        "säger att de får gallras, och aldrig medan en spärr mot gallring eller ett pågående "
        "ärende gäller (arkivlagen 1990:782, 2 kap. tryckfrihetsförordningen, "
        "dataskyddsförordningen art. 17.3 b och art. 86). Det som inte raderas listas "
        "nedan med skälet.";
static const char statement_en[] =
        "Public-records law goes before the right to erasure: official documents (allmänna "
        "handlingar) are erased only where the retention plan lets them be culled, and never "
        "while a hold or an open case covers them (GDPR art. 17(3)(b), art. 86). What stays "
        "is listed with the reason.";

/* ---- identifiers ---- */

static char *fold(const char *s)
{
	utf8proc_uint8_t *f = utf8proc_NFKC_Casefold((const utf8proc_uint8_t *)s);

	return f ? (char *)f : strdup(s);
}

static size_t digits(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		if (*s >= '0' && *s <= '9')
			out[n++] = *s;
	out[n] = '\0';
	return n;
}

/* A phone number by its digits, +46 / 0046 written as 0. */
static void phone_norm(const char *s, size_t len, char *out, size_t cap)
{
	char tmp[64], raw[64];
	size_t n;

	snprintf(raw, sizeof(raw), "%.*s", (int)(len < 63 ? len : 63), s);
	n = digits(raw, tmp, sizeof(tmp));
	if (n > 4 && strncmp(tmp, "0046", 4) == 0)
		snprintf(out, cap, "0%s", tmp + 4);
	else if (n > 2 && strncmp(tmp, "46", 2) == 0 && strchr(raw, '+'))
		snprintf(out, cap, "0%s", tmp + 2);
	else
		snprintf(out, cap, "%s", tmp);
}

/* A personnummer by its last ten digits (the century left out). */
static void pnr_norm(const char *s, size_t len, char *out, size_t cap)
{
	char tmp[64], raw[64];
	size_t n;

	snprintf(raw, sizeof(raw), "%.*s", (int)(len < 63 ? len : 63), s);
	n = digits(raw, tmp, sizeof(tmp));
	snprintf(out, cap, "%s", n > 10 ? tmp + (n - 10) : tmp);
}

struct detected {
	const char *want; /* the rule wanted, e.g. "detect.email" */
	int found;
	size_t start, end;
};

static int on_detect(void *arg, int category, const char *rule, size_t start, size_t end)
{
	struct detected *d = arg;

	(void)category;
	if (strcmp(rule, d->want) == 0 || (strcmp(d->want, "detect.personnummer") == 0 &&
	                                   strcmp(rule, "detect.samordningsnummer") == 0)) {
		d->found = 1;
		d->start = start;
		d->end = end;
		return 1;
	}
	return 0;
}

/* 1 when the detector wanted reads the whole of s as one. */
static int detected_whole(const char *s, const char *want)
{
	struct detected d = {want, 0, 0, 0};
	size_t n = strlen(s);

	detect_all(s, n, on_detect, &d);
	return d.found && d.start == 0 && d.end == n;
}

static int check_field(const char *opt, const char *v, struct err *err)
{
	size_t n;

	if (!v)
		return KV_OK;
	n = strlen(v);
	if (!n || strspn(v, " \t\r\n") == n)
		return err_set(err, KV_EINVAL, "%s: is empty", opt);
	if (n > GDPR_FIELD_MAX)
		return err_set(err, KV_EINVAL, "%s: longer than %d bytes", opt, GDPR_FIELD_MAX);
	if (utf8_check(v, n) >= 0)
		return err_set(err, KV_EINVAL, "%s: not valid UTF-8", opt);
	return KV_OK;
}

int gdpr_subject_check(const struct gdpr_subject *s, struct err *err)
{
	int rc = check_field("--name", s->name, err);

	if (!rc)
		rc = check_field("--email", s->email, err);
	if (!rc)
		rc = check_field("--phone", s->phone, err);
	if (!rc)
		rc = check_field("--personnummer", s->personnummer, err);
	if (!rc)
		rc = check_field("--handle", s->handle, err);
	if (rc)
		return rc;
	if (!s->name && !s->email && !s->phone && !s->personnummer && !s->handle)
		return err_set(err, KV_EINVAL,
		               "give whom to look for: --name, --email, --phone, --personnummer "
		               "or --handle");
	if (s->email && !detected_whole(s->email, "detect.email"))
		return err_set(err, KV_EINVAL, "--email: '%s' is not an e-mail address", s->email);
	if (s->phone && !detected_whole(s->phone, "detect.phone"))
		return err_set(err, KV_EINVAL, "--phone: '%s' is not a Swedish phone number",
		               s->phone);
	if (s->personnummer &&
	    detect_personnummer(s->personnummer, strlen(s->personnummer)) == DETECT_PNR_NONE)
		return err_set(err, KV_EINVAL,
		               "--personnummer: '%s' is not a personnummer or samordningsnummer "
		               "(YYMMDD-NNNN with a valid date and check digit)",
		               s->personnummer);
	return KV_OK;
}

static json_t *subject_json(const struct gdpr_subject *s)
{
	return json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "name", s->name, "email", s->email, "phone",
	                 s->phone, "personnummer", s->personnummer, "handle", s->handle);
}

/* Which identifiers were given, for the audit chain (never their values). */
static json_t *given_json(const struct gdpr_subject *s)
{
	json_t *a = json_array();

	if (s->name)
		json_array_append_new(a, json_string("name"));
	if (s->email)
		json_array_append_new(a, json_string("email"));
	if (s->phone)
		json_array_append_new(a, json_string("phone"));
	if (s->personnummer)
		json_array_append_new(a, json_string("personnummer"));
	if (s->handle)
		json_array_append_new(a, json_string("handle"));
	return a;
}

/* ---- matching free text ---- */

struct matcher {
	char *needle[5];
	const char *label[5];
	size_t n;
	char phone[32], pnr[16];
};

static void matcher_init(struct matcher *m, const struct gdpr_subject *s)
{
	const char *v[5] = {s->name, s->email, s->phone, s->personnummer, s->handle};
	static const char *const l[5] = {"name", "email", "phone", "personnummer", "handle"};

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 5; i++) {
		if (!v[i])
			continue;
		m->needle[m->n] = fold(v[i]);
		m->label[m->n] = l[i];
		if (m->needle[m->n])
			m->n++;
	}
	if (s->phone)
		phone_norm(s->phone, strlen(s->phone), m->phone, sizeof(m->phone));
	if (s->personnummer)
		pnr_norm(s->personnummer, strlen(s->personnummer), m->pnr, sizeof(m->pnr));
}

static void matcher_done(struct matcher *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->needle[i]);
}

/* The label of the first identifier found in text, NULL when none. */
static const char *matcher_hit(const struct matcher *m, const char *text)
{
	const char *hit = NULL;
	char *f;

	if (!text || !*text || !m->n)
		return NULL;
	f = fold(text);
	for (size_t i = 0; f && !hit && i < m->n; i++)
		if (strstr(f, m->needle[i]))
			hit = m->label[i];
	free(f);
	return hit;
}

/* ---- finding ---- */

enum how {
	HOW_AUTHOR = 1u << 0,  /* written by the person (name or handle) */
	HOW_TEXT = 1u << 1,    /* named in the current text (search index) */
	HOW_VERSION = 1u << 2, /* named in an earlier version */
	HOW_EMAIL = 1u << 3,   /* the e-mail address, as the detector reads it */
	HOW_PHONE = 1u << 4,
	HOW_PNR = 1u << 5,
	HOW_CONSENT = 1u << 6, /* an own post with the person's picture (the consent register) */
};

static const char *const how_names[] = {"author", "text",         "version", "email",
                                        "phone",  "personnummer", "picture"};

struct hit {
	int64_t item;
	unsigned how;
};

struct find {
	const struct op_ctx *op;
	const struct gdpr_subject *s;
	struct matcher m;
	struct hit *hits;
	size_t n, cap;
	json_t *places;
	int full; /* the extract: every version of every item */
	struct err *err;
};

static int add_hit(struct find *f, int64_t item, unsigned how)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct hit *h = realloc(f->hits, cap * sizeof(*h));

		if (!h)
			return err_set(f->err, KV_ENOMEM, "out of memory");
		f->hits = h;
		f->cap = cap;
	}
	f->hits[f->n].item = item;
	f->hits[f->n].how = how;
	f->n++;
	return KV_OK;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->item < y->item ? -1 : x->item > y->item;
}

/* Sorts the hits by item and merges those of one item. */
static void merge_hits(struct find *f)
{
	size_t w = 0;

	qsort(f->hits, f->n, sizeof(*f->hits), cmp_hit);
	for (size_t i = 0; i < f->n; i++) {
		if (w && f->hits[w - 1].item == f->hits[i].item)
			f->hits[w - 1].how |= f->hits[i].how;
		else
			f->hits[w++] = f->hits[i];
	}
	f->n = w;
}

static const struct hit *find_hit(const struct find *f, int64_t item)
{
	struct hit key = {item, 0};

	return f->n ? bsearch(&key, f->hits, f->n, sizeof(*f->hits), cmp_hit) : NULL;
}

static int on_authored(void *arg, int64_t item)
{
	return add_hit(arg, item, HOW_AUTHOR);
}

static int on_searched(void *arg, const struct item_row *r)
{
	return add_hit(arg, r->id, HOW_TEXT);
}

static int search_phrase(struct find *f, const char *what)
{
	struct item_filter q = {.org_id = f->op->org};
	struct err e = {0};
	char phrase[GDPR_FIELD_MAX + 3];
	int rc;

	snprintf(phrase, sizeof(phrase), "\"%s\"", what);
	q.query = phrase;
	rc = items_each(f->op->store, &q, on_searched, f, &e);
	/* Nothing searchable in it (a handle of punctuation): no hit. */
	if (rc == KV_EINVAL)
		return KV_OK;
	if (rc)
		*f->err = e;
	return rc;
}

static int on_old_version(void *arg, int64_t item, int64_t version, const char *text)
{
	struct find *f = arg;

	(void)version;
	return matcher_hit(&f->m, text) ? add_hit(f, item, HOW_VERSION) : KV_OK;
}

/* Without the search index (PostgreSQL): the current texts read with a
 * matcher of what the search would look for (name, handle, e-mail). */
struct current {
	struct find *f;
	struct matcher m;
};

static int on_current_text(void *arg, int64_t item, int64_t version, const char *text)
{
	struct current *c = arg;

	(void)version;
	return matcher_hit(&c->m, text) ? add_hit(c->f, item, HOW_TEXT) : KV_OK;
}

static int scan_current_texts(struct find *f)
{
	struct gdpr_subject what = {
	        .name = f->s->name, .email = f->s->email, .handle = f->s->handle};
	struct current c = {.f = f};
	int rc;

	matcher_init(&c.m, &what);
	rc = gdpr_row_current_texts(f->op->store, f->op->org, on_current_text, &c, f->err);
	matcher_done(&c.m);
	return rc;
}

struct scan {
	struct find *f;
	const char *text;
	int64_t item;
	int rc;
};

static int on_pii(void *arg, int category, const char *rule, size_t start, size_t end)
{
	struct scan *sc = arg;
	const struct find *f = sc->f;
	char norm[64];
	unsigned how = 0;

	(void)category;
	if (f->s->email && strcmp(rule, "detect.email") == 0) {
		char *hit = strndup(sc->text + start, end - start), *a = hit ? fold(hit) : NULL;
		char *b = fold(f->s->email);

		if (a && b && strcmp(a, b) == 0)
			how = HOW_EMAIL;
		free(hit);
		free(a);
		free(b);
	} else if (f->m.phone[0] && strcmp(rule, "detect.phone") == 0) {
		phone_norm(sc->text + start, end - start, norm, sizeof(norm));
		if (strcmp(norm, f->m.phone) == 0)
			how = HOW_PHONE;
	} else if (f->m.pnr[0] && (strcmp(rule, "detect.personnummer") == 0 ||
	                           strcmp(rule, "detect.samordningsnummer") == 0)) {
		pnr_norm(sc->text + start, end - start, norm, sizeof(norm));
		if (strcmp(norm, f->m.pnr) == 0)
			how = HOW_PNR;
	}
	if (how)
		sc->rc = add_hit(sc->f, sc->item, how);
	return sc->rc;
}

static int on_pii_text(void *arg, int64_t item, int64_t version, const char *text)
{
	struct scan sc = {arg, text, item, 0};

	(void)version;
	if (text)
		detect_all(text, strlen(text), on_pii, &sc);
	return sc.rc;
}

static int on_consent_post(void *arg, const struct consent_item_row *p)
{
	return p->found ? add_hit(arg, p->item_id, HOW_CONSENT) : KV_OK;
}

static int on_consent(void *arg, const struct consent_row *r)
{
	struct find *f = arg;

	if (!matcher_hit(&f->m, r->person_name) && !matcher_hit(&f->m, r->guardian))
		return 0;
	return consent_row_items(f->op->store, f->op->org, r->id, on_consent_post, f, f->err);
}

static json_t *how_json(unsigned how)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sizeof(how_names) / sizeof(how_names[0]); i++)
		if (how & (1u << i))
			json_array_append_new(a, json_string(how_names[i]));
	return a;
}

static int add_version(void *arg, const struct item_version_row *v)
{
	return json_array_append_new(arg, json_pack("{s:I,s:s,s:s,s:o}", "version",
	                                            (json_int_t)v->version, "text", v->text,
	                                            "sha256", v->sha256, "captured_at",
	                                            calendar_json_local(v->captured_at)))
	               ? KV_ENOMEM
	               : 0;
}

struct item_place {
	struct find *f;
	unsigned how;
	int rc;
};

static int item_place(void *arg, const struct item_row *r)
{
	struct item_place *ip = arg;
	struct find *f = ip->f;
	json_t *j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:o,s:s?,s:I,s:s,s:o}",
	                      "kind", "item", "id", (json_int_t)r->id, "account", r->account_handle,
	                      "platform", r->platform, "platform_id", r->platform_id, "direction",
	                      r->direction, "item_kind", r->kind, "state", r->state, "author_id",
	                      r->author_id, "author_name", r->author_name, "created_at",
	                      calendar_json_local(r->created_at ? r->created_at : r->captured_at),
	                      "permalink", r->permalink, "versions", (json_int_t)r->versions,
	                      "text", r->text, "how", how_json(ip->how));

	if (!j)
		return ip->rc = err_set(f->err, KV_ENOMEM, "out of memory");
	json_object_set_new(j, "account_id", json_integer(r->account_id));
	if (f->full) {
		json_t *v = json_array();

		ip->rc =
		        v ? items_versions(f->op->store, r->id, add_version, v, f->err) : KV_ENOMEM;
		json_object_set_new(j, "version_list", v);
		if (ip->rc)
			return ip->rc;
	}
	json_array_append_new(f->places, j);
	return 1;
}

static int case_place(void *arg, const struct case_rec *c)
{
	struct find *f = arg;
	int via_item = find_hit(f, c->item_id) != NULL;
	const char *hit = via_item ? NULL : matcher_hit(&f->m, c->reason);

	if (!via_item && !hit)
		return 0;
	return json_array_append_new(
	               f->places,
	               json_pack("{s:s,s:I,s:I,s:s,s:s,s:s?,s:o,s:s}", "kind", "case", "id",
	                         (json_int_t)c->id, "item", (json_int_t)c->item_id, "state",
	                         c->state, "categories", c->categories, "registration",
	                         c->registration, "opened_at", calendar_json_local(c->opened_at),
	                         "how", via_item ? "item" : "reason"))
	               ? KV_ENOMEM
	               : 0;
}

static int question_place(void *arg, const struct gdpr_question_row *q)
{
	struct find *f = arg;
	int via_item = find_hit(f, q->item_id) != NULL;
	const char *hit = NULL;

	if (!via_item)
		hit = matcher_hit(&f->m, q->note);
	if (!via_item && !hit)
		hit = matcher_hit(&f->m, q->forwarded_to);
	if (!via_item && !hit)
		hit = matcher_hit(&f->m, q->answer_text);
	if (!via_item && !hit)
		return 0;
	return json_array_append_new(
	               f->places, json_pack("{s:s,s:I,s:I,s:s,s:s}", "kind", "question", "id",
	                                    (json_int_t)q->id, "item", (json_int_t)q->item_id,
	                                    "state", q->state, "how", via_item ? "item" : "text"))
	               ? KV_ENOMEM
	               : 0;
}

static int consent_place(void *arg, const struct consent_row *r)
{
	struct find *f = arg;
	const char *hit = matcher_hit(&f->m, r->person_name);
	const char *as = "person";

	if (!hit && matcher_hit(&f->m, r->guardian)) {
		hit = "name";
		as = "guardian";
	}
	if (!hit)
		return 0;
	return json_array_append_new(f->places,
	                             json_pack("{s:s,s:I,s:s,s:s,s:s,s:s?,s:s,s:I,s:b}", "kind",
	                                       "consent", "id", (json_int_t)r->id, "as", as,
	                                       "person_name", r->person_name, "valid_from",
	                                       r->valid_from, "valid_to", r->valid_to, "state",
	                                       r->state, "posts", (json_int_t)r->items, "erased",
	                                       r->erased_at != 0))
	               ? KV_ENOMEM
	               : 0;
}

static int mail_place(void *arg, const struct gdpr_mail_row *m)
{
	struct find *f = arg;
	const char *hit = matcher_hit(&f->m, m->recipients);

	if (!hit)
		hit = matcher_hit(&f->m, m->subject);
	if (!hit)
		hit = matcher_hit(&f->m, m->body);
	if (!hit)
		return 0;
	return json_array_append_new(f->places,
	                             json_pack("{s:s,s:I,s:s,s:o,s:b,s:s}", "kind", "mail", "id",
	                                       (json_int_t)m->id, "subject", m->subject,
	                                       "created_at", calendar_json_local(m->created_at),
	                                       "sent", m->sent_at != 0, "how", hit))
	               ? KV_ENOMEM
	               : 0;
}

static int person_place(void *arg, const struct person_row *p)
{
	struct find *f = arg;
	const char *hit = matcher_hit(&f->m, p->name);

	if (!hit)
		hit = matcher_hit(&f->m, p->email);
	if (!hit && p->phone && f->m.phone[0]) {
		char norm[64];

		phone_norm(p->phone, strlen(p->phone), norm, sizeof(norm));
		if (strcmp(norm, f->m.phone) == 0)
			hit = "phone";
	}
	if (!hit)
		return 0;
	return json_array_append_new(f->places,
	                             json_pack("{s:s,s:I,s:s,s:s,s:s?,s:s}", "kind", "person", "id",
	                                       (json_int_t)p->id, "name", p->name, "email",
	                                       p->email, "title", p->title, "how", hit))
	               ? KV_ENOMEM
	               : 0;
}

static int audit_place(void *arg, const struct audit_entry *e)
{
	struct find *f = arg;
	const char *hit = matcher_hit(&f->m, e->after);

	if (!hit)
		hit = matcher_hit(&f->m, e->before);
	if (!hit)
		hit = matcher_hit(&f->m, e->entity_id);
	if (!hit)
		return 0;
	return json_array_append_new(f->places,
	                             json_pack("{s:s,s:I,s:s,s:s,s:s,s:s?,s:s}", "kind", "audit",
	                                       "seq", (json_int_t)e->seq, "at", e->at, "actor",
	                                       e->actor, "action", e->action, "entity_id",
	                                       e->entity_id, "how", hit))
	               ? KV_ENOMEM
	               : 0;
}

static int request_place(void *arg, const struct gdpr_request_row *r)
{
	struct find *f = arg;
	const char *v[5] = {r->name, r->email, r->phone, r->personnummer, r->handle};
	const char *hit = NULL;

	for (int i = 0; !hit && i < 5; i++)
		hit = matcher_hit(&f->m, v[i]);
	if (!hit)
		return 0;
	return json_array_append_new(
	               f->places, json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "kind", "request", "id",
	                                    (json_int_t)r->id, "request_kind", r->kind, "received",
	                                    r->received, "state", r->state, "how", hit))
	               ? KV_ENOMEM
	               : 0;
}

static json_t *counts_json(json_t *places)
{
	json_t *c = json_object(), *p;
	size_t i;

	json_array_foreach(places, i, p)
	{
		const char *k = json_string_value(json_object_get(p, "kind"));

		json_object_set_new(c, k,
		                    json_integer(json_integer_value(json_object_get(c, k)) + 1));
	}
	return c;
}

/* Fills f->places with every place of f->s. */
static int find_all(struct find *f)
{
	const struct op_ctx *op = f->op;
	const struct gdpr_subject *s = f->s;
	struct case_filter cf = {.org_id = op->org};
	struct consent_filter kf = {.org_id = op->org};
	struct gdpr_request_filter rf = {.org_id = op->org};
	int rc = KV_OK;

	matcher_init(&f->m, s);
	f->places = json_array();
	if (!f->places)
		return err_set(f->err, KV_ENOMEM, "out of memory");
	if (s->name || s->handle)
		rc = gdpr_row_authored(op->store, op->org, s->name, s->handle, on_authored, f,
		                       f->err);
	if (!rc && !store_has_search(op->store))
		rc = scan_current_texts(f);
	if (!rc && s->name && store_has_search(op->store))
		rc = search_phrase(f, s->name);
	if (!rc && s->handle && store_has_search(op->store))
		rc = search_phrase(f, s->handle);
	if (!rc && s->email && store_has_search(op->store))
		rc = search_phrase(f, s->email);
	if (!rc)
		rc = gdpr_row_texts(op->store, op->org, 0, on_old_version, f, f->err);
	if (!rc && (s->email || s->phone || s->personnummer))
		rc = gdpr_row_texts(op->store, op->org, 1, on_pii_text, f, f->err);
	if (!rc && s->name)
		rc = consent_row_each(op->store, &kf, on_consent, f, f->err);
	if (rc)
		return rc;
	merge_hits(f);
	for (size_t i = 0; !rc && i < f->n; i++) {
		struct item_filter q = {.org_id = op->org, .item_id = f->hits[i].item, .limit = 1};
		struct item_place ip = {f, f->hits[i].how, 0};

		rc = items_each(op->store, &q, item_place, &ip, f->err);
		if (rc >= 0)
			rc = ip.rc;
	}
	if (!rc)
		rc = case_row_each(op->store, &cf, case_place, f, f->err);
	if (!rc)
		rc = gdpr_row_questions(op->store, op->org, question_place, f, f->err);
	if (!rc)
		rc = consent_row_each(op->store, &kf, consent_place, f, f->err);
	if (!rc)
		rc = gdpr_row_mail(op->store, op->org, mail_place, f, f->err);
	if (!rc)
		rc = registry_people_each(op, person_place, f, f->err);
	if (!rc)
		rc = gdpr_row_request_each(op->store, &rf, request_place, f, f->err);
	if (!rc)
		rc = audit_list(op->store, op->org, audit_place, f, f->err);
	if (rc == KV_ENOMEM)
		rc = err_set(f->err, KV_ENOMEM, "out of memory");
	return rc;
}

static void find_done(struct find *f)
{
	matcher_done(&f->m);
	free(f->hits);
	json_decref(f->places);
}

static int audit_json(const struct op_ctx *op, const char *action, const char *entity, int64_t id,
                      json_t *j, struct err *err)
{
	return audit_append_json(op->store, op->org, op_ctx_actor(op), action, entity, id, NULL, j,
	                         err);
}

/* The audit entry of a find, extract or erase, and the request's last
 * action, in one transaction. */
static int record_action(const struct op_ctx *op, const char *action, int64_t request,
                         const struct gdpr_subject *s, json_t *what, struct err *err)
{
	char *dump = NULL;
	int rc;

	json_object_set_new(what, "identifiers", given_json(s));
	json_object_set_new(what, "action", json_string(action));
	json_object_set_new(what, "at", calendar_json_local(op->now));
	rc = store_begin(op->store, err);
	if (rc) {
		json_decref(what);
		return rc;
	}
	if (request) {
		dump = json_dumps(what, JSON_COMPACT | JSON_SORT_KEYS);
		rc = dump ? gdpr_row_request_action(op->store, op->org, request, dump, err)
		          : err_set(err, KV_ENOMEM, "out of memory");
		free(dump);
	}
	if (!rc)
		rc = audit_json(op, action, "gdpr_request", request, what, err);
	else
		json_decref(what);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}

static int check_request(const struct op_ctx *op, int64_t request, struct err *err)
{
	struct gdpr_subject_buf b;

	return request ? gdpr_request_subject(op, request, &b, err) : KV_OK;
}

int gdpr_find(const struct op_ctx *op, const struct gdpr_subject *s, int64_t request, json_t **out,
              struct err *err)
{
	struct find f = {.op = op, .s = s, .err = err};
	json_t *res = NULL;
	int rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (!rc)
		rc = gdpr_subject_check(s, err);
	if (!rc)
		rc = check_request(op, request, err);
	if (!rc)
		rc = find_all(&f);
	if (!rc) {
		json_t *counts = counts_json(f.places);

		res = json_pack("{s:o,s:O,s:O,s:I}", "subject", subject_json(s), "places", f.places,
		                "counts", counts, "total", (json_int_t)json_array_size(f.places));
		rc = res ? record_action(op, "gdpr.find", request, s,
		                         json_pack("{s:O}", "counts", counts), err)
		         : err_set(err, KV_ENOMEM, "out of memory");
		json_decref(counts);
	}
	find_done(&f);
	if (rc) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return KV_OK;
}

/* ---- the extract ---- */

static int dir_ready(const char *dir, int *created, struct err *err)
{
	DIR *d;
	struct dirent *e;
	int empty = 1;

	*created = 0;
	if (mkdir(dir, 0750) == 0) {
		*created = 1;
		return KV_OK;
	}
	if (errno != EEXIST)
		return err_set(err, KV_EIO, "--out %s: %s", dir, strerror(errno));
	d = opendir(dir);
	if (!d)
		return err_set(err, KV_EINVAL, "--out %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty ? KV_OK
	             : err_set(err, KV_ECONFLICT,
	                       "--out %s: the folder is not empty (an extract is written to a new "
	                       "or empty folder)",
	                       dir);
}

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void kind_table(struct render_doc *doc, json_t *places, const char *kind,
                       const char *caption, size_t n_cols, const char *const *headers,
                       const char *const *keys)
{
	json_t *p;
	size_t i;
	int any = 0;

	json_array_foreach(places, i, p)
	{
		char num[32];

		if (strcmp(jstr(p, "kind"), kind) != 0)
			continue;
		if (!any)
			render_doc_table_begin(doc, caption, n_cols, headers);
		any = 1;
		render_doc_row_begin(doc);
		for (size_t c = 0; c < n_cols; c++) {
			json_t *v = json_object_get(p, keys[c]);

			if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld",
				         (long long)json_integer_value(v));
				render_doc_cell(doc, num);
			} else if (json_is_boolean(v)) {
				render_doc_cell(doc, json_is_true(v) ? "ja" : "nej");
			} else {
				render_doc_cell(doc,
				                json_string_value(v) ? json_string_value(v) : "");
			}
		}
		render_doc_row_end(doc);
	}
	if (any)
		render_doc_table_end(doc);
}

static int extract_doc(const struct op_ctx *op, json_t *res, struct render_doc **out)
{
	static const char *const case_h[] = {"Ärende", "Inlägg", "Läge", "Kategorier"};
	static const char *const case_k[] = {"id", "item", "state", "categories"};
	static const char *const q_h[] = {"Fråga", "Inlägg", "Läge"};
	static const char *const q_k[] = {"id", "item", "state"};
	static const char *const c_h[] = {"Samtycke", "Som", "Från", "Till", "Läge"};
	static const char *const c_k[] = {"id", "as", "valid_from", "valid_to", "state"};
	static const char *const m_h[] = {"Utskick", "Ämne", "Skapat", "Skickat"};
	static const char *const m_k[] = {"id", "subject", "created_at", "sent"};
	static const char *const p_h[] = {"Person", "Namn", "E-post", "Titel"};
	static const char *const p_k[] = {"id", "name", "email", "title"};
	static const char *const r_h[] = {"Begäran", "Slag", "Inkom", "Läge"};
	static const char *const r_k[] = {"id", "request_kind", "received", "state"};
	static const char *const a_h[] = {"Post", "Tid", "Vem", "Händelse"};
	static const char *const a_k[] = {"seq", "at", "actor", "action"};
	struct render_doc *doc = NULL;
	json_t *places = json_object_get(res, "places"), *p, *sub = json_object_get(res, "subject");
	char day[11], line[512];
	size_t i;
	int rc = render_doc_new(&doc);

	if (rc)
		return rc;
	consent_date_of(day, op->now);
	render_doc_set_title(doc, "Registerutdrag enligt dataskyddsförordningen");
	render_doc_set_page_footer(doc, "Registerutdrag, artikel 15 dataskyddsförordningen");
	render_doc_heading(doc, 1, "Registerutdrag");
	render_doc_paragraph(doc, RENDER_BODY,
	                     "Detta är ett utdrag ur Kanalvakt, kommunens register över sociala "
	                     "medier, med de uppgifter som finns om den enskilde (artikel 15 "
	                     "dataskyddsförordningen).");
	render_doc_kv(doc, "Datum", day);
	if (*jstr(sub, "name"))
		render_doc_kv(doc, "Namn", jstr(sub, "name"));
	if (*jstr(sub, "email"))
		render_doc_kv(doc, "E-post", jstr(sub, "email"));
	if (*jstr(sub, "phone"))
		render_doc_kv(doc, "Telefon", jstr(sub, "phone"));
	if (*jstr(sub, "personnummer"))
		render_doc_kv(doc, "Personnummer", jstr(sub, "personnummer"));
	if (*jstr(sub, "handle"))
		render_doc_kv(doc, "Användarnamn", jstr(sub, "handle"));
	snprintf(line, sizeof(line), "%lld",
	         (long long)json_integer_value(json_object_get(res, "total")));
	render_doc_kv(doc, "Träffar", line);
	render_doc_heading(doc, 2, "Inlägg och kommentarer");
	json_array_foreach(places, i, p)
	{
		json_t *vs = json_object_get(p, "version_list"), *v;
		size_t k;

		if (strcmp(jstr(p, "kind"), "item") != 0)
			continue;
		snprintf(line, sizeof(line), "%s/%s · %s · %s · %s · %s", jstr(p, "platform"),
		         jstr(p, "account"), jstr(p, "direction"), jstr(p, "item_kind"),
		         jstr(p, "created_at"), jstr(p, "state"));
		render_doc_paragraph(doc, RENDER_META, line);
		json_array_foreach(vs, k, v)
		{
			snprintf(line, sizeof(line), "Version %lld, sparad %s",
			         (long long)json_integer_value(json_object_get(v, "version")),
			         jstr(v, "captured_at"));
			if (json_array_size(vs) > 1)
				render_doc_paragraph(doc, RENDER_NOTE, line);
			render_doc_paragraph(doc, RENDER_BODY, jstr(v, "text"));
		}
	}
	render_doc_heading(doc, 2, "Övriga uppgifter");
	kind_table(doc, places, "case", "Moderationsärenden", 4, case_h, case_k);
	kind_table(doc, places, "question", "Frågor i inkorgen", 3, q_h, q_k);
	kind_table(doc, places, "consent", "Samtycken", 5, c_h, c_k);
	kind_table(doc, places, "mail", "E-postutskick", 4, m_h, m_k);
	kind_table(doc, places, "person", "Kontoförteckningen", 4, p_h, p_k);
	kind_table(doc, places, "request", "Begäranden enligt dataskyddsförordningen", 4, r_h, r_k);
	kind_table(doc, places, "audit", "Granskningsloggen", 4, a_h, a_k);
	rc = render_doc_status(doc, NULL);
	if (rc) {
		render_doc_free(doc);
		return rc;
	}
	*out = doc;
	return KV_OK;
}

static int manifest_add(json_t *files, const char *dir, const char *name, struct err *err)
{
	char path[4096], sha[65];
	int64_t bytes = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = records_print_sha256_file(path, sha, &bytes, err);
	if (!rc)
		json_array_append_new(files, json_pack("{s:s,s:s,s:I}", "name", name, "sha256", sha,
		                                       "bytes", (json_int_t)bytes));
	return rc;
}

int gdpr_extract(const struct op_ctx *op, const struct gdpr_subject *s, int64_t request,
                 const char *out_dir, json_t **out, struct err *err)
{
	struct find f = {.op = op, .s = s, .err = err, .full = 1};
	struct pdfa_meta meta = {.title = "Registerutdrag enligt dataskyddsförordningen",
	                         .subject = "Registerutdrag",
	                         .created = op->now};
	struct render_doc *doc = NULL;
	json_t *res = NULL, *files = json_array();
	char path[4096];
	int created = 0, ready = 0, rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (!rc)
		rc = gdpr_subject_check(s, err);
	if (!rc)
		rc = check_request(op, request, err);
	if (!rc && (!out_dir || !*out_dir))
		rc = err_set(err, KV_EINVAL, "--out: give the folder to write the extract to");
	if (!rc)
		rc = pdfa_child_check_font(PDFA_DEFAULT_FONT, err);
	if (!rc)
		rc = dir_ready(out_dir, &created, err);
	ready = rc == KV_OK;
	if (!rc)
		rc = find_all(&f);
	if (rc)
		goto out;
	res = json_pack("{s:o,s:o,s:O,s:o,s:I,s:s}", "subject", subject_json(s), "made_at",
	                calendar_json_local(op->now), "places", f.places, "counts",
	                counts_json(f.places), "total", (json_int_t)json_array_size(f.places),
	                "about", "Registerutdrag enligt artikel 15 dataskyddsförordningen");
	if (!res || !files) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/registerutdrag.json", out_dir);
	if (json_dump_file(res, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		rc = err_set(err, KV_EIO, "%s: cannot be written", path);
		goto out;
	}
	rc = extract_doc(op, res, &doc);
	if (rc) {
		rc = err_set(err, rc, "registerutdrag.pdf: cannot build the document");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/registerutdrag.pdf", out_dir);
	rc = pdfa_child_write(doc, &meta, path, err);
	if (!rc)
		rc = manifest_add(files, out_dir, "registerutdrag.json", err);
	if (!rc)
		rc = manifest_add(files, out_dir, "registerutdrag.pdf", err);
	if (!rc)
		rc = record_action(op, "gdpr.extract", request, s,
		                   json_pack("{s:O,s:I}", "files", files, "places",
		                             (json_int_t)json_array_size(f.places)),
		                   err);
	if (!rc) {
		*out = json_pack("{s:s,s:O,s:I}", "out", out_dir, "files", files, "places",
		                 (json_int_t)json_array_size(f.places));
		if (!*out)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
out:
	/* A failed extract leaves nothing behind: no half of it is handed out. */
	if (rc && ready) {
		snprintf(path, sizeof(path), "%s/registerutdrag.json", out_dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/registerutdrag.pdf", out_dir);
		unlink(path);
		if (created)
			rmdir(out_dir);
	}
	render_doc_free(doc);
	json_decref(res);
	json_decref(files);
	find_done(&f);
	return rc;
}

/* ---- erasure ---- */

struct verdicts {
	struct cull_item_verdict *v;
	char (*rule)[128];
	size_t n, cap;
};

static int on_verdict(void *arg, const struct cull_item_verdict *v)
{
	struct verdicts *vs = arg;

	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 64;
		void *a = realloc(vs->v, cap * sizeof(*vs->v));
		void *b = a ? realloc(vs->rule, cap * sizeof(*vs->rule)) : NULL;

		if (a)
			vs->v = a;
		if (!b)
			return KV_ENOMEM;
		vs->rule = b;
		vs->cap = cap;
	}
	vs->v[vs->n] = *v;
	retention_rule_text(v->rule, vs->rule[vs->n], sizeof(vs->rule[0]));
	vs->v[vs->n].rule = NULL;
	vs->n++;
	return 0;
}

/* Stable codes for why an item stays, for --json (enum cull_keep order). */
static const char *const keep_codes[KEEP_COUNT] = {"rule", "not_due", "hold", "action",
                                                   "not_archived"};

static const char *keep_reason(int why, const char *cls, const char *rule, char *out, size_t cap)
{
	switch (why) {
	case KEEP_RULE:
		snprintf(out, cap,
		         "allmän handling (%s): dokumenthanteringsplanen säger att den bevaras",
		         cls);
		break;
	case KEEP_NOT_DUE:
		snprintf(out, cap, "allmän handling (%s): gallringsfristen har inte gått ut (%s)",
		         cls, rule);
		break;
	case KEEP_HOLD:
		snprintf(out, cap, "allmän handling (%s): omfattas av en spärr mot gallring", cls);
		break;
	case KEEP_ACTION:
		snprintf(out, cap,
		         "allmän handling (%s): har lett till en åtgärd, ett ärende eller en fråga "
		         "som handläggs",
		         cls);
		break;
	default:
		snprintf(out, cap,
		         "allmän handling (%s): ska arkiveras innan den gallras och finns inte i "
		         "något levererat e-arkivpaket",
		         cls);
	}
	return out;
}

static json_t *kept(const char *kind, int64_t id, const char *code, const char *reason)
{
	return json_pack("{s:s,s:I,s:s,s:s}", "kind", kind, "id", (json_int_t)id, "code", code,
	                 "reason", reason);
}

struct live_posts {
	int64_t up;
};

static int count_up(void *arg, const struct consent_item_row *p)
{
	struct live_posts *l = arg;

	if (p->found && !consent_taken_down(p->state))
		l->up++;
	return 0;
}

int gdpr_erase(const struct op_ctx *op, const struct gdpr_subject *s,
               const struct gdpr_erase_opts *o, json_t **out, struct err *err)
{
	struct find f = {.op = op, .s = s, .err = err};
	struct verdicts vs = {0};
	struct retention_plan plan = {0};
	struct cull_report rep = {0};
	json_t *erased = json_array(), *keep = json_array(), *takedown = json_array(), *p;
	int64_t *ids = NULL, *masks = NULL;
	size_t n_ids = 0, n_masks = 0, i;
	char today[11], reason[512];
	int have_plan = 0, rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (!rc && (!o->reason || !*o->reason || strlen(o->reason) > GDPR_NOTE_MAX ||
	            utf8_check(o->reason, strlen(o->reason)) >= 0))
		rc = err_set(err, KV_EINVAL, "--reason: give a reason of 1 to %d bytes of UTF-8",
		             GDPR_NOTE_MAX);
	if (!rc)
		rc = gdpr_subject_check(s, err);
	if (!rc)
		rc = check_request(op, o->request, err);
	if (!rc && (!erased || !keep || !takedown))
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = find_all(&f);
	if (rc)
		goto out;
	consent_date_of(today, op->now);
	ids = calloc(f.n + 1, sizeof(*ids));
	masks = calloc(json_array_size(f.places) + 1, sizeof(*masks));
	if (!ids || !masks) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < f.n; i++)
		ids[n_ids++] = f.hits[i].item;
	/* The plan decides over the items: without one nothing may be culled. */
	if (n_ids) {
		struct err nf = {0};

		rc = retention_get(op, 0, &plan, &nf);
		have_plan = rc == KV_OK;
		if (rc && rc != KV_ENOTFOUND) {
			*err = nf;
			goto out;
		}
		rc = KV_OK;
	}
	if (have_plan) {
		struct cull_opts co = {.dry_run = o->dry_run,
		                       .only = ids,
		                       .n_only = n_ids,
		                       .verdict = on_verdict,
		                       .verdict_ctx = &vs};

		rc = cull_run(op, &co, &rep, err);
		if (rc)
			goto out;
	}
	json_array_foreach(f.places, i, p)
	{
		const char *kind = jstr(p, "kind");
		int64_t id = json_integer_value(
		        json_object_get(p, strcmp(kind, "audit") ? "id" : "seq"));

		if (strcmp(kind, "item") == 0) {
			const struct cull_item_verdict *v = NULL;
			size_t k;

			for (k = 0; k < vs.n; k++)
				if (vs.v[k].item_id == id) {
					v = &vs.v[k];
					break;
				}
			if (strcmp(jstr(p, "direction"), "inkommen") == 0 &&
			    strcmp(jstr(p, "state"), "visible") == 0 &&
			    json_array_size(json_object_get(p, "how")) &&
			    strcmp(json_string_value(json_array_get(json_object_get(p, "how"), 0)),
			           "author") == 0)
				json_array_append_new(
				        takedown,
				        json_pack(
				                "{s:I,s:s,s:s,s:s,s:s?,s:s}", "item",
				                (json_int_t)id, "platform", jstr(p, "platform"),
				                "account", jstr(p, "account"), "platform_id",
				                jstr(p, "platform_id"), "permalink",
				                json_string_value(json_object_get(p, "permalink")),
				                "what",
				                "ta bort kommentaren på plattformen (kanalvakt "
				                "case "
				                "open, eller för hand)"));
			if (!have_plan) {
				json_array_append_new(
				        keep,
				        kept("item", id, "no_plan",
				             "allmän handling: ingen dokumenthanteringsplan är "
				             "inläst, och utan gallringsbeslut får allmänna "
				             "handlingar inte förstöras"));
			} else if (v && v->go) {
				json_array_append_new(
				        erased, json_pack("{s:s,s:I,s:s}", "kind", "item", "id",
				                          (json_int_t)id, "class",
				                          retention_class_name(
				                                  (enum records_class)v->cls)));
			} else if (v) {
				json_array_append_new(
				        keep,
				        kept("item", id, keep_codes[v->why],
				             keep_reason(v->why,
				                         retention_class_label(
				                                 (enum records_class)v->cls),
				                         vs.rule[k], reason, sizeof(reason))));
			}
		} else if (strcmp(kind, "case") == 0 || strcmp(kind, "question") == 0) {
			int64_t item = json_integer_value(json_object_get(p, "item"));
			int gone = 0;

			for (size_t k = 0; k < vs.n; k++)
				gone |= vs.v[k].item_id == item && vs.v[k].go;
			if (gone) {
				json_array_append_new(erased,
				                      json_pack("{s:s,s:I,s:I}", "kind", kind, "id",
				                                (json_int_t)id, "with_item",
				                                (json_int_t)item));
			} else {
				snprintf(reason, sizeof(reason),
				         "hör till inlägg %lld, som bevaras%s", (long long)item,
				         strcmp(jstr(p, "state"), "open") == 0
				                 ? "; ärendet är öppet"
				                 : "");
				json_array_append_new(keep, kept(kind, id,
				                                 strcmp(jstr(p, "state"), "open")
				                                         ? "with_item"
				                                         : "open_case",
				                                 reason));
			}
		} else if (strcmp(kind, "consent") == 0) {
			struct live_posts lp = {0};
			const char *to = json_string_value(json_object_get(p, "valid_to"));
			int over = strcmp(jstr(p, "state"), "withdrawn") == 0 ||
			           (to && strcmp(to, today) < 0);

			if (json_is_true(json_object_get(p, "erased")))
				continue;
			rc = consent_row_items(op->store, op->org, id, count_up, &lp, err);
			if (rc)
				goto out;
			if (over && lp.up == 0) {
				masks[n_masks++] = id;
				json_array_append_new(
				        erased, json_pack("{s:s,s:I,s:s}", "kind", "consent", "id",
				                          (json_int_t)id, "how", "masked"));
			} else {
				snprintf(reason, sizeof(reason),
				         over ? "samtycket har upphört men %lld inlägg som "
				                "använder det "
				                "ligger kvar: ta ned dem först"
				              : "samtycket gäller och är grunden för %lld "
				                "publicerade "
				                "inlägg: återkalla det först (kanalvakt consent "
				                "withdraw)",
				         (long long)lp.up);
				json_array_append_new(
				        keep, kept("consent", id, "consent_in_use", reason));
			}
		} else if (strcmp(kind, "audit") == 0) {
			json_array_append_new(
			        keep,
			        kept("audit", id, "audit_chain",
			             "granskningsloggen är hashkedjad och bevaras; en post kan "
			             "inte ändras utan att kedjan bryts"));
		} else if (strcmp(kind, "mail") == 0) {
			json_array_append_new(
			        keep,
			        kept("mail", id, "log",
			             "e-postutskick är loggar och gallras enligt planens regel "
			             "för loggar"));
		} else if (strcmp(kind, "person") == 0) {
			json_array_append_new(
			        keep, kept("person", id, "register",
			                   "uppgift i kontoförteckningen om en anställd eller "
			                   "ansvarig; ändras med kanalvakt register person"));
		} else if (strcmp(kind, "request") == 0) {
			json_array_append_new(keep,
			                      kept("request", id, "request_register",
			                           "begäran är en allmän handling i registret över "
			                           "begäranden"));
		}
	}
	if (!o->dry_run && n_masks) {
		char(*docs)[HASH_SHA256_HEX_LEN + 1] = calloc(n_masks, sizeof(*docs));

		rc = docs ? store_begin(op->store, err) : err_set(err, KV_ENOMEM, "out of memory");
		for (i = 0; !rc && i < n_masks; i++)
			rc = consent_mask(op, masks[i], MASK_TEXT, docs[i], err);
		if (rc)
			store_rollback(op->store);
		else
			rc = store_commit(op->store, err);
		/* Committed: the signed forms nothing refers to any more go. */
		for (i = 0; !rc && i < n_masks; i++) {
			int64_t bytes = 0;

			if (docs[i][0] && consent_row_blob_referenced(op->store, docs[i], err) == 0)
				blob_remove(op->store, docs[i], &bytes, err);
		}
		free(docs);
		if (rc)
			goto out;
	}
	if (!o->dry_run)
		rc = record_action(op, "gdpr.erase", o->request, s,
		                   json_pack("{s:I,s:I,s:I,s:I,s:s}", "erased",
		                             (json_int_t)json_array_size(erased), "kept",
		                             (json_int_t)json_array_size(keep),
		                             "proposed_takedowns",
		                             (json_int_t)json_array_size(takedown), "cull_run",
		                             (json_int_t)rep.run_id, "reason", o->reason),
		                   err);
	if (!rc) {
		*out = json_pack("{s:o,s:b,s:O,s:O,s:O,s:s,s:s,s:o}", "subject", subject_json(s),
		                 "dry_run", o->dry_run, "erased", erased, "kept", keep,
		                 "proposed_takedowns", takedown, "statement", statement_sv,
		                 "statement_en", statement_en, "cull_run",
		                 rep.run_id ? json_integer(rep.run_id) : json_null());
		if (!*out)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
out:
	retention_plan_done(&plan);
	cull_report_done(&rep);
	free(vs.v);
	free(vs.rule);
	free(ids);
	free(masks);
	json_decref(erased);
	json_decref(keep);
	json_decref(takedown);
	find_done(&f);
	return rc;
}

/* ---- the register of requests ---- */

int gdpr_due(const char *received, int64_t *out, struct err *err)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, ny, nm, last;

	if (!received || time_parse_date(received, &y, &m, &d))
		return err_set(err, KV_EINVAL, "--received: '%.40s' is not a date (YYYY-MM-DD)",
		               received ? received : "");
	ny = m == 12 ? y + 1 : y;
	nm = m == 12 ? 1 : m + 1;
	last = mdays[nm - 1] + (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0));
	if (d > last)
		d = last;
	if (calendar_from_local(out, ny, nm, d, 23, 59, 59))
		return err_set(err, KV_EINVAL, "--received: '%s' is outside the calendar",
		               received);
	return KV_OK;
}

int gdpr_request_add(const struct op_ctx *op, const char *kind, const struct gdpr_subject *s,
                     const char *received, const char *note, int64_t *out_id, struct err *err)
{
	struct gdpr_request_row r = {0};
	char today[11];
	int64_t id = 0;
	int rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (!rc && (!kind || (strcmp(kind, "access") && strcmp(kind, "erasure"))))
		rc = err_set(err, KV_EINVAL, "--kind: '%s' is not access or erasure",
		             kind ? kind : "");
	if (!rc)
		rc = gdpr_subject_check(s, err);
	if (!rc)
		rc = gdpr_due(received, &r.due_at, err);
	consent_date_of(today, op->now);
	if (!rc && strcmp(received, today) > 0)
		rc = err_set(err, KV_EINVAL, "--received: %s is in the future", received);
	if (!rc && note && (strlen(note) > GDPR_NOTE_MAX || utf8_check(note, strlen(note)) >= 0))
		rc = err_set(err, KV_EINVAL, "--note: give at most %d bytes of UTF-8",
		             GDPR_NOTE_MAX);
	if (rc)
		return rc;
	r.kind = kind;
	r.name = s->name;
	r.email = s->email;
	r.phone = s->phone;
	r.personnummer = s->personnummer;
	r.handle = s->handle;
	r.received = received;
	r.note = note;
	r.created_by = op_ctx_actor(op);
	r.created_at = op->now;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = gdpr_row_request_insert(op->store, op->org, &r, &id, err);
	if (!rc)
		rc = audit_json(op, "gdpr.request.add", "gdpr_request", id,
		                json_pack("{s:s,s:s,s:o,s:o}", "kind", kind, "received", received,
		                          "due_at", calendar_json_local(r.due_at), "identifiers",
		                          given_json(s)),
		                err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

int gdpr_request_list(const struct op_ctx *op, const struct gdpr_request_filter *f,
                      gdpr_request_fn fn, void *ctx, struct err *err)
{
	struct gdpr_request_filter g = *f;
	int rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (rc)
		return rc;
	g.org_id = op->org;
	return gdpr_row_request_each(op->store, &g, fn, ctx, err);
}

json_t *gdpr_request_view_json(const struct gdpr_request_row *r, int64_t now)
{
	int open = strcmp(r->state, "open") == 0;
	json_t *last = r->last_action ? json_loads(r->last_action, 0, NULL) : NULL;
	json_t *j = json_pack("{s:I,s:s,s:o,s:s,s:o,s:b,s:I,s:s,s:s?,s:s,s:o,s:o,s:s?,s:o,s:s?}",
	                      "id", (json_int_t)r->id, "kind", r->kind, "subject",
	                      json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "name", r->name, "email",
	                                r->email, "phone", r->phone, "personnummer",
	                                r->personnummer, "handle", r->handle),
	                      "received", r->received, "due_at", calendar_json_local(r->due_at),
	                      "overdue", open && now > r->due_at, "days_left",
	                      (json_int_t)(open ? (r->due_at - now) / 86400 : 0), "state", r->state,
	                      "note", r->note, "created_by", r->created_by, "created_at",
	                      calendar_json_local(r->created_at), "last_action",
	                      last ? last : json_null(), "closed_by", r->closed_by, "closed_at",
	                      calendar_json_local(r->closed_at), "outcome", r->outcome);

	return j;
}

int gdpr_request_close(const struct op_ctx *op, int64_t id, const char *outcome, struct err *err)
{
	int rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (!rc && (!outcome || !*outcome || strlen(outcome) > GDPR_NOTE_MAX ||
	            utf8_check(outcome, strlen(outcome)) >= 0))
		rc = err_set(err, KV_EINVAL, "--outcome: say what was done, 1 to %d bytes of UTF-8",
		             GDPR_NOTE_MAX);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = gdpr_row_request_close(op->store, op->org, id, op_ctx_actor(op), op->now, outcome,
	                            err);
	if (!rc)
		rc = audit_json(op, "gdpr.request.close", "gdpr_request", id,
		                json_pack("{s:s}", "outcome", outcome), err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}

static void copy_field(char *dst, size_t cap, const char *src, const char **out)
{
	*out = NULL;
	if (src) {
		snprintf(dst, cap, "%s", src);
		*out = dst;
	}
}

struct subject_read {
	struct gdpr_subject_buf *b;
	int found;
};

static int got_subject(void *arg, const struct gdpr_request_row *r)
{
	struct subject_read *x = arg;
	struct gdpr_subject_buf *b = x->b;

	x->found = 1;
	copy_field(b->name, sizeof(b->name), r->name, &b->s.name);
	copy_field(b->email, sizeof(b->email), r->email, &b->s.email);
	copy_field(b->phone, sizeof(b->phone), r->phone, &b->s.phone);
	copy_field(b->personnummer, sizeof(b->personnummer), r->personnummer, &b->s.personnummer);
	copy_field(b->handle, sizeof(b->handle), r->handle, &b->s.handle);
	return 1;
}

int gdpr_request_subject(const struct op_ctx *op, int64_t id, struct gdpr_subject_buf *out,
                         struct err *err)
{
	struct gdpr_request_filter f = {.org_id = op->org, .id = id};
	struct subject_read x = {out, 0};
	int rc = op_ctx_require(op, PERM_GDPR, 0, err);

	if (!rc)
		rc = gdpr_row_request_each(op->store, &f, got_subject, &x, err);
	if (!rc && !x.found)
		rc = err_set(err, KV_ENOTFOUND, "--request: request %lld does not exist",
		             (long long)id);
	return rc;
}

struct overdue {
	const struct op_ctx *op;
	int64_t raised;
	struct err *err;
};

static int raise_overdue(void *arg, const struct gdpr_request_row *r)
{
	struct overdue *x = arg;
	char key[64], *detail;
	int64_t id = 0;
	json_t *d =
	        json_pack("{s:I,s:s,s:s,s:o,s:s}", "request", (json_int_t)r->id, "kind", r->kind,
	                  "received", r->received, "due_at", calendar_json_local(r->due_at), "what",
	                  "begäran enligt dataskyddsförordningen är inte besvarad inom en "
	                  "månad (art. 12.3): kanalvakt gdpr requests --overdue");
	int rc;

	detail = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(d);
	if (!detail)
		return err_set(x->err, KV_ENOMEM, "out of memory");
	snprintf(key, sizeof(key), "gdpr-overdue:%lld", (long long)r->id);
	rc = alert_row_insert(x->op->store, x->op->org, 0, "gdpr_overdue", key, detail, x->op->now,
	                      &id, x->err);
	free(detail);
	if (!rc && id)
		x->raised++;
	return rc;
}

int gdpr_requests_check(const struct op_ctx *op, int64_t *out_new, struct err *err)
{
	struct gdpr_request_filter f = {.org_id = op->org, .due_before = op->now};
	struct overdue x = {op, 0, err};
	int rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);

	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = gdpr_row_request_each(op->store, &f, raise_overdue, &x, err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_new)
		*out_new = x.raised;
	return rc;
}
