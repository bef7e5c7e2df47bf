/* The diarieföring export of moderation cases: case.json, evidence.json (the
 * saved evidence blob, checked against its hash) and manifest.sha256, in a
 * directory written under a temporary name and renamed. */
#include "records/case_export.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/hash.h"
#include "base/time.h"
#include "records/pdfa_child.h"
#include "render/render_doc.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/case_rows.h"
#include "store/items.h"
#include "store/retention_rows.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT_FORMAT "kanalvakt-case-export/1"

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int write_file(const char *dir, const char *name, const void *data, size_t len,
                      struct buf *manifest, struct err *err)
{
	char path[4096], sha[HASH_SHA256_HEX_LEN + 1];
	int fd;
	ssize_t w;
	size_t off = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	while (off < len) {
		w = write(fd, (const char *)data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return err_set(err, KV_EIO, "%s: write: %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	hash_sha256_hex(sha, data, len);
	/* The manifest reads as `sha256sum -c manifest.sha256` expects. */
	return buf_printf(manifest, "%s  %s\n", sha, name)
	               ? err_set(err, KV_ENOMEM, "out of memory")
	               : KV_OK;
}

struct vctx {
	json_t *arr;
};

static int got_version(void *arg, const struct item_version_row *v)
{
	struct vctx *c = arg;

	return json_array_append_new(
	               c->arr,
	               json_pack("{s:I,s:s,s:s,s:o,s:o,s:o}", "version", (json_int_t)v->version,
	                         "text", v->text, "sha256", v->sha256, "written_at",
	                         calendar_json_local(v->version_at), "captured_at",
	                         calendar_json_local(v->captured_at), "source", jstr(v->source)))
	               ? KV_ENOMEM
	               : 0;
}

static int got_event(void *arg, const struct item_event_row *e)
{
	struct vctx *c = arg;

	return json_array_append_new(c->arr, json_pack("{s:s,s:o,s:o,s:o}", "kind", e->kind, "at",
	                                               calendar_json_local(e->at), "captured_at",
	                                               calendar_json_local(e->captured_at),
	                                               "source", jstr(e->source)))
	               ? KV_ENOMEM
	               : 0;
}

static const char *jtext(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "-";
}

/* The case as a document, from its case.json. */
static int case_doc(json_t *doc, struct render_doc **out)
{
	json_t *item = json_object_get(doc, "item"), *cs = json_object_get(doc, "case");
	json_t *td = json_object_get(doc, "takedown"), *ev = json_object_get(doc, "evidence");
	json_t *acc = json_object_get(doc, "account"), *v;
	struct render_doc *d = NULL;
	char title[200], b[200];
	size_t i;
	int rc = render_doc_new(&d);

	if (rc)
		return rc;
	if (json_is_string(json_object_get(doc, "case_number")))
		snprintf(title, sizeof(title), "Ärende %s", jtext(doc, "case_number"));
	else
		snprintf(title, sizeof(title), "Ärende %lld (ej registrerat)",
		         (long long)json_integer_value(json_object_get(doc, "case_id")));
	rc = render_doc_set_title(d, title);
	rc = rc ? rc : render_doc_set_page_footer(d, title);
	rc = rc ? rc : render_doc_heading(d, 1, title);
	snprintf(b, sizeof(b), "%lld",
	         (long long)json_integer_value(json_object_get(doc, "case_id")));
	rc = rc ? rc : render_doc_kv(d, "Ärende i Kanalvakt", b);
	rc = rc ? rc : render_doc_kv(d, "Konto", jtext(acc, "ref"));
	rc = rc ? rc : render_doc_kv(d, "Kategorier", jtext(cs, "decision_categories"));
	rc = rc ? rc : render_doc_kv(d, "Öppnat", jtext(cs, "opened_at"));
	rc = rc ? rc : render_doc_kv(d, "Beslut", jtext(cs, "decision"));
	rc = rc ? rc : render_doc_kv(d, "Skäl", jtext(cs, "reason"));
	rc = rc ? rc : render_doc_kv(d, "Beslutat av", jtext(cs, "decided_by"));
	rc = rc ? rc : render_doc_kv(d, "Beslutat", jtext(cs, "decided_at"));
	rc = rc ? rc : render_doc_kv(d, "Bekräftat av", jtext(cs, "confirmed_by"));
	rc = rc ? rc : render_doc_kv(d, "Borttagning", jtext(td, "via"));
	rc = rc ? rc : render_doc_kv(d, "Borttaget", jtext(td, "at"));
	rc = rc ? rc : render_doc_heading(d, 2, "Inlägget");
	rc = rc ? rc : render_doc_kv(d, "Avsändare", jtext(item, "author_name"));
	rc = rc ? rc : render_doc_kv(d, "Avsändarens id", jtext(item, "author_id"));
	rc = rc ? rc : render_doc_kv(d, "Plattformens id", jtext(item, "platform_id"));
	rc = rc ? rc : render_doc_kv(d, "Skrivet", jtext(item, "created_at"));
	rc = rc ? rc : render_doc_kv(d, "Fångat", jtext(item, "captured_at"));
	rc = rc ? rc : render_doc_kv(d, "Tillstånd", jtext(item, "state"));
	rc = rc ? rc : render_doc_heading(d, 3, "Versioner");
	json_array_foreach(json_object_get(item, "versions"), i, v)
	{
		snprintf(b, sizeof(b), "Version %lld, %s, sha256 %s",
		         (long long)json_integer_value(json_object_get(v, "version")),
		         jtext(v, "captured_at"), jtext(v, "sha256"));
		rc = rc ? rc : render_doc_paragraph(d, RENDER_META, b);
		rc = rc ? rc : render_doc_paragraph(d, RENDER_BODY, jtext(v, "text"));
	}
	json_array_foreach(json_object_get(item, "events"), i, v)
	{
		snprintf(b, sizeof(b), "%s på plattformen %s", jtext(v, "kind"), jtext(v, "at"));
		rc = rc ? rc : render_doc_paragraph(d, RENDER_NOTE, b);
	}
	rc = rc ? rc : render_doc_heading(d, 2, "Bevis");
	if (json_is_object(ev)) {
		rc = rc ? rc : render_doc_kv(d, "Sparat", jtext(ev, "saved_at"));
		rc = rc ? rc : render_doc_kv(d, "SHA-256", jtext(ev, "sha256"));
		rc = rc ? rc : render_doc_kv(d, "Fil", jtext(ev, "file"));
	} else {
		rc = rc ? rc : render_doc_paragraph(d, RENDER_NOTE, "Inget bevis sparat.");
	}
	snprintf(b, sizeof(b), "Exporterat %s av %s", jtext(doc, "exported_at"),
	         jtext(doc, "exported_by"));
	rc = rc ? rc : render_doc_paragraph(d, RENDER_META, b);
	if (rc) {
		render_doc_free(d);
		return rc;
	}
	*out = d;
	return KV_OK;
}

/* Writes case.pdf (PDF/A-1b) into dir and adds it to the manifest. */
static int write_pdf(const struct op_ctx *op, json_t *doc, const char *org, const char *dir,
                     struct buf *manifest, struct err *err)
{
	struct render_doc *d = NULL;
	struct pdfa_meta m = {.subject = "Diarieföring", .author = org, .created = op->now};
	char path[4200], sha[HASH_SHA256_HEX_LEN + 1], title[200];
	struct hash_sha256_ctx h;
	unsigned char chunk[65536];
	size_t n;
	FILE *f;
	int rc = case_doc(doc, &d);

	if (rc)
		return err_set(err, rc, "case.pdf: cannot build the document");
	snprintf(title, sizeof(title), "%s", render_doc_title(d));
	m.title = title;
	snprintf(path, sizeof(path), "%s/case.pdf", dir);
	rc = pdfa_child_write(d, &m, path, err);
	render_doc_free(d);
	if (rc)
		return rc;
	f = fopen(path, "rb");
	if (!f)
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	hash_sha256_begin(&h);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		hash_sha256_update(&h, chunk, n);
	fclose(f);
	hash_sha256_end_hex(&h, sha);
	return buf_printf(manifest, "%s  case.pdf\n", sha)
	               ? err_set(err, KV_ENOMEM, "out of memory")
	               : KV_OK;
}

/* Writes the files of case c into dir (which exists). */
static int write_case(const struct op_ctx *op, const struct case_rec *c, const char *dir,
                      struct err *err)
{
	struct vctx versions = {json_array()}, events = {json_array()};
	struct buf manifest, evidence;
	json_t *doc = NULL;
	char *text = NULL, account[300];
	int rc;

	buf_init(&manifest, 1 << 20);
	buf_init(&evidence, BLOB_READ_MAX);
	rc = items_versions(op->store, c->item_id, got_version, &versions, err);
	if (!rc)
		rc = items_events(op->store, c->item_id, got_event, &events, err);
	if (!rc && c->evidence_sha256) {
		rc = blob_verify(op->store, c->evidence_sha256, err);
		if (!rc)
			rc = blob_get(op->store, c->evidence_sha256, &evidence, 0, err);
		if (rc)
			err_prefix(err, "case %lld: evidence: ", (long long)c->id);
	}
	if (rc)
		goto out;
	snprintf(account, sizeof(account), "%s/%s", c->platform, c->account_handle);
	doc = json_pack(
	        "{s:s,s:o,s:o,s:I,s:{s:s,s:s,s:o},s:{s:s,s:s,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:s,s:o},"
	        "s:{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o},s:o,s:o,"
	        "s:s}",
	        "format", EXPORT_FORMAT, "case_number",
	        jstr(c->registration ? c->registration : c->external_ref), "external_ref",
	        jstr(c->external_ref), "case_id", (json_int_t)c->id, "account", "ref", account,
	        "platform", c->platform, "url", jstr(c->account_url), "item", "platform_id",
	        c->item_platform_id, "kind", c->item_kind, "author_id", jstr(c->author_id),
	        "author_name", jstr(c->author_name), "created_at",
	        calendar_json_local(c->item_created_at), "state", c->item_state, "captured_at",
	        calendar_json_local(c->item_captured_at), "text",
	        c->text ? json_string(c->text) : json_null(), "versions", versions.arr,
	        "categories", c->categories, "events", events.arr, "case", "state", c->state,
	        "decision_categories", c->categories, "opened_at",
	        calendar_json_local(c->opened_at), "due_at", calendar_json_local(c->due_at),
	        "decision", jstr(c->decision), "reason", jstr(c->reason), "decided_by",
	        jstr(c->decided_by), "decided_at", calendar_json_local(c->decided_at),
	        "confirmed_by", jstr(c->confirmed_by), "confirmed_at",
	        calendar_json_local(c->confirmed_at), "history", json_boolean(c->history),
	        "takedown", "via", jstr(c->takedown_via), "by", jstr(c->takedown_by), "at",
	        calendar_json_local(c->takedown_at), "result", jstr(c->takedown_result), "evidence",
	        c->evidence_sha256
	                ? json_pack("{s:s,s:o,s:s}", "sha256", c->evidence_sha256, "saved_at",
	                            calendar_json_local(c->evidence_at), "file", "evidence.json")
	                : json_null(),
	        "exported_at", calendar_json_local(op->now), "exported_by", op_ctx_actor(op));
	versions.arr = events.arr = NULL;
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!text) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = write_file(dir, "case.json", text, strlen(text), &manifest, err);
	if (!rc && c->evidence_sha256)
		rc = write_file(dir, "evidence.json", buf_cstr(&evidence), evidence.len, &manifest,
		                err);
	if (!rc)
		rc = write_pdf(op, doc, NULL, dir, &manifest, err);
	if (!rc)
		rc = write_file(dir, "manifest.sha256", buf_cstr(&manifest), manifest.len,
		                &manifest, err);
out:
	json_decref(versions.arr);
	json_decref(events.arr);
	json_decref(doc);
	free(text);
	buf_done(&manifest);
	buf_done(&evidence);
	return rc;
}

static int rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];

	if (!d)
		return unlink(path);
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		rm_tree(sub);
	}
	closedir(d);
	return rmdir(path);
}

/* Creates dir's temporary sibling in tmp. */
static int begin_dir(const char *dir, char *tmp, size_t tmpsz, struct err *err)
{
	struct stat sb;
	size_t n = strlen(dir);

	if (!n)
		return err_set(err, KV_EINVAL, "--out: give a directory");
	if (stat(dir, &sb) == 0)
		return err_set(err, KV_ECONFLICT, "--out: %s exists already (give a new directory)",
		               dir);
	if ((size_t)snprintf(tmp, tmpsz, "%s.tmp-%ld", dir, (long)getpid()) >= tmpsz)
		return err_set(err, KV_EINVAL, "--out: path too long");
	rm_tree(tmp);
	if (mkdir(tmp, 0755) != 0)
		return err_set(err, KV_EIO, "--out: cannot create %s: %s", tmp, strerror(errno));
	return KV_OK;
}

static int end_dir(const char *tmp, const char *dir, int rc, struct err *err)
{
	if (!rc && rename(tmp, dir) != 0)
		rc = err_set(err, KV_EIO, "--out: cannot rename %s to %s: %s", tmp, dir,
		             strerror(errno));
	if (rc)
		rm_tree(tmp);
	return rc;
}

static int audit_export(const struct op_ctx *op, int64_t id, const char *dir, struct err *err)
{
	char idtext[32], *after;
	json_t *j = json_pack("{s:s}", "out", dir);
	int rc;

	after = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!after)
		return err_set(err, KV_ENOMEM, "out of memory");
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op), "case.export", "case", idtext,
	                  NULL, after, err);
	free(after);
	return rc;
}

int case_export_one(const struct op_ctx *op, int64_t id, const char *dir, struct err *err)
{
	struct case_loaded *l = NULL;
	char tmp[4096];
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (!rc)
		rc = case_row_load(op->store, op->org, id, &l, err);
	if (!rc)
		rc = begin_dir(dir, tmp, sizeof(tmp), err);
	if (rc) {
		case_row_loaded_free(l);
		return rc;
	}
	rc = write_case(op, &l->c, tmp, err);
	case_row_loaded_free(l);
	rc = end_dir(tmp, dir, rc, err);
	return rc ? rc : audit_export(op, id, dir, err);
}

struct period_ctx {
	int64_t *ids;
	size_t n, cap;
};

static int got_case(void *arg, int64_t id)
{
	struct period_ctx *p = arg;

	for (size_t i = 0; i < p->n; i++)
		if (p->ids[i] == id)
			return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		int64_t *g = realloc(p->ids, cap * sizeof(*g));

		if (!g)
			return KV_ENOMEM;
		p->ids = g;
		p->cap = cap;
	}
	p->ids[p->n++] = id;
	return 0;
}

/* A directory name from a case number: "KS 2026/0001" → "KS_2026-0001". */
static void dir_name(char *out, size_t outsz, const struct case_rec *c)
{
	const char *s = c->registration ? c->registration : c->external_ref;
	size_t n = 0;

	if (!s) {
		snprintf(out, outsz, "case-%lld", (long long)c->id);
		return;
	}
	for (; *s && n + 1 < outsz; s++)
		out[n++] = *s == '/' ? '-' : (*s == ' ' || *s == '\\' || *s == '.') ? '_' : *s;
	out[n] = '\0';
	if ((size_t)snprintf(out + n, outsz - n, "-%lld", (long long)c->id) >= outsz - n)
		out[outsz - 1] = '\0';
}

int case_export_period(const struct op_ctx *op, int64_t from, int64_t to, const char *dir,
                       int64_t *out_n, struct err *err)
{
	struct period_ctx p = {0};
	char a[TIME_ISO_LEN], b[TIME_ISO_LEN], tmp[4096], sub[4400], name[200];
	json_t *index = NULL;
	struct buf manifest;
	char *text = NULL;
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	if (to <= from)
		return err_set(err, KV_EINVAL, "--to must come after --from");
	time_format_utc(a, from);
	time_format_utc(b, to);
	rc = retention_rows_cases_registered(op->store, op->org, a, b, got_case, &p, err);
	if (rc == KV_ENOMEM)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = begin_dir(dir, tmp, sizeof(tmp), err);
	if (rc) {
		free(p.ids);
		return rc;
	}
	buf_init(&manifest, 1 << 20);
	index = json_array();
	for (size_t i = 0; i < p.n && !rc; i++) {
		struct case_loaded *l = NULL;

		rc = case_row_load(op->store, op->org, p.ids[i], &l, err);
		if (rc)
			break;
		dir_name(name, sizeof(name), &l->c);
		snprintf(sub, sizeof(sub), "%s/%s", tmp, name);
		if (mkdir(sub, 0755) != 0)
			rc = err_set(err, KV_EIO, "%s: %s", sub, strerror(errno));
		if (!rc)
			rc = write_case(op, &l->c, sub, err);
		if (!rc)
			json_array_append_new(index,
			                      json_pack("{s:I,s:o,s:o,s:s}", "case_id",
			                                (json_int_t)l->c.id, "case_number",
			                                jstr(l->c.registration), "external_ref",
			                                jstr(l->c.external_ref), "dir", name));
		case_row_loaded_free(l);
	}
	if (!rc) {
		json_t *doc =
		        json_pack("{s:s,s:o,s:o,s:I,s:o}", "format", EXPORT_FORMAT "-index", "from",
		                  calendar_json_local(from), "to", calendar_json_local(to), "cases",
		                  (json_int_t)p.n, "index", index);

		index = NULL;
		text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(doc);
		rc = text ? write_file(tmp, "index.json", text, strlen(text), &manifest, err)
		          : err_set(err, KV_ENOMEM, "out of memory");
	}
	json_decref(index);
	free(text);
	buf_done(&manifest);
	rc = end_dir(tmp, dir, rc, err);
	for (size_t i = 0; !rc && i < p.n; i++)
		rc = audit_export(op, p.ids[i], dir, err);
	if (!rc)
		*out_n = (int64_t)p.n;
	free(p.ids);
	return rc;
}
