/* The printout of a package's records (see sip_print.h). Items come from the
 * same streamed read as the records file, one JSON line each, read back with
 * jansson; only the document under construction is held. */
#include "records/sip_print.h"

#include "base/arena.h"
#include "base/calendar.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "model/register.h"
#include "records/pdfa_child.h"
#include "records/records_pdfa.h"
#include "render/render_doc.h"
#include "store/register_rows.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct counter {
	int64_t n, max;
};

static int count_line(void *arg, int64_t item_id, const char *line, size_t len)
{
	struct counter *c = arg;

	return ++c->n > c->max ? 1 : 0; /* 1: enough counted, stop */
}

/* "2026-03-01 10:00" in Stockholm time from an ISO 8601 UTC string. */
static void local_time(char out[32], const char *iso)
{
	char buf[CALENDAR_ISO_LEN];
	int64_t t;

	if (!iso || time_parse_iso(iso, &t) != 0) {
		snprintf(out, 32, "%s", iso ? iso : "okänd tid");
		return;
	}
	calendar_format_local(buf, t);
	snprintf(out, 32, "%.10s %.5s", buf, buf + 11);
}

static const char *kind_sv(const char *kind)
{
	static const char *const map[][2] = {{"post", "inlägg"}, {"comment", "kommentar"},
	                                     {"reply", "svar"},  {"message", "meddelande"},
	                                     {"media", "media"}, {"story", "berättelse"}};

	for (size_t i = 0; kind && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(kind, map[i][0]) == 0)
			return map[i][1];
	return kind ? kind : "post";
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

struct printer {
	struct render_doc *doc;
	int rc;
};

static int print_line(void *arg, int64_t item_id, const char *line, size_t len)
{
	struct printer *p = arg;
	struct render_doc *d = p->doc;
	json_t *it = json_loadb(line, len, 0, NULL), *v, *e;
	char when[32], meta[600];
	const char *state, *dir;
	size_t i, n;
	int reply, rc;

	if (!it)
		return p->rc = KV_EINTERNAL;
	reply = str(it, "parent_platform_id") != NULL;
	local_time(when, str(it, "created_at") ? str(it, "created_at") : str(it, "captured_at"));
	dir = str(it, "direction");
	snprintf(meta, sizeof(meta), "%s · %s · %s · %s · id %s", when,
	         str(it, "author_name") ? str(it, "author_name") : "okänd avsändare",
	         kind_sv(str(it, "kind")),
	         dir && strcmp(dir, "upprattad") == 0 ? "upprättad" : "inkommen",
	         str(it, "platform_id") ? str(it, "platform_id") : "?");
	rc = reply ? render_doc_indent_begin(d) : KV_OK;
	rc = rc ? rc : render_doc_paragraph(d, RENDER_META, meta);
	rc = rc ? rc : render_doc_paragraph(d, RENDER_BODY, str(it, "text") ? str(it, "text") : "");
	v = json_object_get(it, "versions");
	n = json_array_size(v);
	for (i = 0; rc == KV_OK && n > 1 && i < n; i++) {
		json_t *ver = json_array_get(v, i);

		local_time(when, str(ver, "version_at") ? str(ver, "version_at")
		                                        : str(ver, "captured_at"));
		snprintf(meta, sizeof(meta), "version %lld av %zu, %s",
		         (long long)json_integer_value(json_object_get(ver, "version")), n, when);
		rc = render_doc_paragraph(d, RENDER_NOTE, meta);
		rc = rc ? rc : render_doc_paragraph(d, RENDER_BODY, str(ver, "text"));
	}
	json_array_foreach(json_object_get(it, "events"), i, e)
	{
		const char *k = str(e, "kind");

		if (rc)
			break;
		local_time(when, str(e, "at"));
		snprintf(meta, sizeof(meta), "%s på plattformen %s",
		         k && strcmp(k, "deleted") == 0    ? "borttaget"
		         : k && strcmp(k, "hidden") == 0   ? "dolt"
		         : k && strcmp(k, "unhidden") == 0 ? "visas igen"
		                                           : (k ? k : "händelse"),
		         when);
		rc = render_doc_paragraph(d, RENDER_NOTE, meta);
	}
	state = str(it, "state");
	if (!rc && json_array_size(json_object_get(it, "events")) == 0 && state &&
	    strcmp(state, "visible") != 0) {
		snprintf(meta, sizeof(meta), "tillstånd: %s", state);
		rc = render_doc_paragraph(d, RENDER_NOTE, meta);
	}
	if (!rc && reply)
		rc = render_doc_indent_end(d);
	json_decref(it);
	return p->rc = rc;
}

int sip_print_records(void *ctx, const struct op_ctx *op, const struct archive_scope *scope,
                      const char *path, struct err *err)
{
	struct sip_print_ctx *pc = ctx;
	struct counter c = {0, pc && pc->max_items > 0 ? pc->max_items : SIP_PRINT_MAX_DEFAULT};
	struct printer p = {0};
	struct account_rec *acct = NULL;
	struct pdfa_meta meta = {0};
	struct arena a;
	const char *org_name = NULL, *msg = NULL;
	char title[600], from[32], to[32], period[80];
	int rc;

	arena_init(&a);
	rc = op_ctx_require(op, PERM_RECORDS, scope->account_id, err);
	if (!rc)
		rc = archive_row_items_each(op->store, scope, count_line, &c, err);
	if (rc < 0)
		goto out;
	if (c.n > c.max) {
		if (pc)
			pc->left_out = c.n; /* at least this many */
		rc = KV_OK;
		goto out;
	}
	rc = register_row_account_load(op->store, scope->account_id, &acct, err);
	if (!rc)
		rc = register_row_org_name(op->store, op->org, &a, &org_name, err);
	if (rc)
		goto out;
	{
		char f[CALENDAR_ISO_LEN], t[CALENDAR_ISO_LEN];

		calendar_format_local(f, scope->from);
		calendar_format_local(t, scope->to - 1);
		snprintf(from, sizeof(from), "%.10s", f);
		snprintf(to, sizeof(to), "%.10s", t);
	}
	snprintf(period, sizeof(period), "%s – %s", from, to);
	snprintf(title, sizeof(title), "%s %s %s arkivutskrift",
	         register_platform_label(acct->v.platform),
	         acct->v.display_name && *acct->v.display_name ? acct->v.display_name
	         : acct->unit_name                             ? acct->unit_name
	                                                       : acct->v.handle,
	         period);
	rc = render_doc_new(&p.doc);
	if (rc) {
		err_set(err, rc, "out of memory for the printout");
		goto out;
	}
	render_doc_set_title(p.doc, title);
	render_doc_set_page_header(p.doc, title);
	render_doc_heading(p.doc, 1, title);
	render_doc_kv(p.doc, "Arkivbildare", org_name);
	render_doc_kv(p.doc, "Konto", acct->v.handle);
	render_doc_kv(p.doc, "Period", period);
	{
		char n[32];

		snprintf(n, sizeof(n), "%lld", (long long)c.n);
		render_doc_kv(p.doc, "Poster", n);
	}
	rc = render_doc_heading(p.doc, 2, "Poster i tidsordning");
	if (!rc)
		rc = archive_row_items_each(op->store, scope, print_line, &p, err);
	if (rc > 0 || p.rc) {
		rc = render_doc_status(p.doc, &msg);
		rc = err_set(err, rc ? rc : KV_EINTERNAL, "printout: %s",
		             msg ? msg : "an item could not be read back");
		goto out;
	}
	if (rc)
		goto out;
	meta.title = title;
	meta.author = org_name;
	meta.subject = "Arkivutskrift";
	meta.created = op->now;
	meta.font = pc ? pc->font : NULL;
	rc = pdfa_child_write(p.doc, &meta, path, err);
out:
	render_doc_free(p.doc);
	register_row_account_free(acct);
	arena_done(&a);
	return rc;
}
