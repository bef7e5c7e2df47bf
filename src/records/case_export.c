/* The diarieföring export of moderation cases: case.json, evidence.json (the
 * saved evidence blob, checked against its hash) and manifest.sha256, in a
 * directory written under a temporary name and renamed. */
#include "records/case_export.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/hash.h"
#include "base/time.h"
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

static json_t *jtime(int64_t t)
{
	char b[CALENDAR_ISO_LEN];

	if (!t)
		return json_null();
	calendar_format_local(b, t);
	return json_string(b);
}

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

	return json_array_append_new(c->arr,
	                             json_pack("{s:I,s:s,s:s,s:o,s:o,s:o}", "version",
	                                       (json_int_t)v->version, "text", v->text, "sha256",
	                                       v->sha256, "written_at", jtime(v->version_at),
	                                       "captured_at", jtime(v->captured_at), "source",
	                                       jstr(v->source)))
	               ? KV_ENOMEM
	               : 0;
}

static int got_event(void *arg, const struct item_event_row *e)
{
	struct vctx *c = arg;

	return json_array_append_new(c->arr,
	                             json_pack("{s:s,s:o,s:o,s:o}", "kind", e->kind, "at",
	                                       jtime(e->at), "captured_at", jtime(e->captured_at),
	                                       "source", jstr(e->source)))
	               ? KV_ENOMEM
	               : 0;
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
	        "author_name", jstr(c->author_name), "created_at", jtime(c->item_created_at),
	        "state", c->item_state, "captured_at", jtime(c->item_captured_at), "text",
	        c->text ? json_string(c->text) : json_null(), "versions", versions.arr,
	        "categories", c->categories, "events", events.arr, "case", "state", c->state,
	        "decision_categories", c->categories, "opened_at", jtime(c->opened_at), "due_at",
	        jtime(c->due_at), "decision", jstr(c->decision), "reason", jstr(c->reason),
	        "decided_by", jstr(c->decided_by), "decided_at", jtime(c->decided_at),
	        "confirmed_by", jstr(c->confirmed_by), "confirmed_at", jtime(c->confirmed_at),
	        "history", json_boolean(c->history), "takedown", "via", jstr(c->takedown_via), "by",
	        jstr(c->takedown_by), "at", jtime(c->takedown_at), "result",
	        jstr(c->takedown_result), "evidence",
	        c->evidence_sha256
	                ? json_pack("{s:s,s:o,s:s}", "sha256", c->evidence_sha256, "saved_at",
	                            jtime(c->evidence_at), "file", "evidence.json")
	                : json_null(),
	        "exported_at", jtime(op->now), "exported_by", op_ctx_actor(op));
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
		json_t *doc = json_pack("{s:s,s:o,s:o,s:I,s:o}", "format", EXPORT_FORMAT "-index",
		                        "from", jtime(from), "to", jtime(to), "cases",
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
