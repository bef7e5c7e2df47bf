/* Verification of packages, manifests, files and the audit chain (see
 * verify.h). */
#include "records/verify.h"

#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/sip_validate.h"
#include "records/timestamp.h"
#include "store/audit.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void problem(struct verify_report *r, const char *what, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void problem(struct verify_report *r, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct verify_problem *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return;
		r->v = v;
		r->cap = cap;
	}
	snprintf(r->v[r->n].what, sizeof(r->v[r->n].what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(r->v[r->n].detail, sizeof(r->v[r->n].detail), fmt, ap);
	va_end(ap);
	r->n++;
}

void verify_report_done(struct verify_report *r)
{
	if (!r)
		return;
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void check_token(const struct op_ctx *op, const struct timestamp_conf *tc, const char *file,
                        const char *shown, struct verify_report *r, struct err *err)
{
	struct timestamp_check c;

	if (timestamp_check_file(op, tc, file, &c, err) != KV_OK) {
		problem(r, "timestamp", "%s: %s", shown, err->msg);
		err_clear(err);
		return;
	}
	if (c.ok) {
		r->timestamp_ok = 1;
		snprintf(r->gen_time, sizeof(r->gen_time), "%s", c.gen_time);
	} else {
		problem(r, "timestamp", "%s: %s", shown, c.problem);
	}
}

/* A SHA256SUMS-style manifest: "<64 hex>  <name>" per line. */
static int check_manifest(const char *dir, const char *manifest, struct verify_report *r,
                          struct err *err)
{
	char line[PATH_MAX + 80], path[2 * PATH_MAX], got[65];
	FILE *f = fopen(manifest, "r");
	long no = 0;

	if (!f)
		return err_set(err, KV_EIO, "%s: %s", manifest, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		const char *name;

		no++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (n < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) {
			problem(r, "manifest", "%s line %ld: not '<sha256>  <file>'", manifest, no);
			continue;
		}
		line[64] = '\0';
		name = line + 66;
		if (name[0] == '/' || strstr(name, "..")) {
			problem(r, "manifest", "%s line %ld: '%s' is outside the folder", manifest,
			        no, name);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (timestamp_sha256_file(path, got, NULL, err) != KV_OK) {
			problem(r, "checksum", "%s: missing or unreadable", name);
			err_clear(err);
			continue;
		}
		r->files_checked++;
		if (strcasecmp(got, line) != 0)
			problem(r, "checksum", "%s: SHA-256 is %s, the manifest says %s", name, got,
			        line);
	}
	fclose(f);
	return KV_OK;
}

/* A JSON manifest (the disclosure's manifest.json): {"files": [{"name",
 * "sha256", "bytes"}, ...]}. */
static int check_json_manifest(const char *dir, const char *manifest, struct verify_report *r,
                               struct err *err)
{
	json_error_t je;
	json_t *m = json_load_file(manifest, 0, &je), *files, *f;
	char path[2 * PATH_MAX], got[65];
	size_t i;

	if (!m)
		return err_set(err, KV_EINVAL, "%s line %d: %s", manifest, je.line, je.text);
	files = json_object_get(m, "files");
	if (!json_is_array(files)) {
		json_decref(m);
		return err_set(err, KV_EINVAL, "%s: no \"files\" list", manifest);
	}
	json_array_foreach(files, i, f)
	{
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *want = json_string_value(json_object_get(f, "sha256"));
		json_t *bytes = json_object_get(f, "bytes");
		int64_t size = 0;

		if (!name || !want || name[0] == '/' || strstr(name, "..")) {
			problem(r, "manifest", "%s: entry %zu has no usable name and sha256",
			        manifest, i + 1);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (timestamp_sha256_file(path, got, &size, err) != KV_OK) {
			problem(r, "checksum", "%s: missing or unreadable", name);
			err_clear(err);
			continue;
		}
		r->files_checked++;
		if (strcasecmp(got, want) != 0)
			problem(r, "checksum", "%s: SHA-256 is %s, the manifest says %s", name, got,
			        want);
		if (json_is_integer(bytes) && json_integer_value(bytes) != size)
			problem(r, "checksum", "%s: %lld bytes, the manifest says %lld", name,
			        (long long)size, (long long)json_integer_value(bytes));
	}
	json_decref(m);
	return KV_OK;
}

static int check_dir(const struct op_ctx *op, const struct timestamp_conf *tc, const char *dir,
                     struct verify_report *r, struct err *err)
{
	static const char *const manifests[] = {"manifest.sha256", "SHA256SUMS", "manifest.json"};
	char p[PATH_MAX + 32];
	struct sip_report sr;
	struct stat st;
	int rc;

	snprintf(p, sizeof(p), "%s/METS.xml", dir);
	if (stat(p, &st) == 0) {
		rc = sip_validate_checksums(dir, &sr, err);
		if (rc)
			return rc;
		for (size_t i = 0; i < sr.n; i++)
			problem(r, "checksum", "%s%s%s", sr.v[i].file, sr.v[i].file[0] ? ": " : "",
			        sr.v[i].msg);
		r->files_checked += sr.files_checked;
		sip_validate_report_done(&sr);
		check_token(op, tc, p, "METS.xml", r, err);
		return KV_OK;
	}
	for (size_t i = 0; i < sizeof(manifests) / sizeof(manifests[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, manifests[i]);
		if (stat(p, &st) != 0)
			continue;
		rc = strcmp(manifests[i], "manifest.json") == 0
		             ? check_json_manifest(dir, p, r, err)
		             : check_manifest(dir, p, r, err);
		if (!rc)
			check_token(op, tc, p, manifests[i], r, err);
		return rc;
	}
	return err_set(err, KV_EINVAL,
	               "%s: neither a package (no METS.xml) nor a folder with a manifest "
	               "(manifest.json, manifest.sha256 or SHA256SUMS)",
	               dir);
}

static int check_audit(const struct op_ctx *op, const struct timestamp_conf *tc,
                       struct verify_report *r, struct err *err)
{
	struct audit_report ar = {0};
	struct timestamp_check c;
	int rc = audit_verify(op->store, &ar, err);

	if (rc)
		return rc;
	r->audit_entries = ar.checked;
	for (size_t i = 0; i < ar.n_problems; i++)
		problem(r, "audit", "entry %lld: %s: %s", (long long)ar.problems[i].seq,
		        ar.problems[i].kind, ar.problems[i].detail);
	audit_report_done(&ar);
	rc = timestamp_check_audit(op, tc, &c, err);
	if (rc)
		return rc;
	if (c.ok)
		r->audit_timestamp_ok = 1;
	else
		problem(r, "timestamp", "audit head: %s", c.problem);
	return KV_OK;
}

int verify_path(const struct op_ctx *op, const struct timestamp_conf *tc, const char *path,
                int audit, struct verify_report *out, struct err *err)
{
	struct stat st;
	json_t *after;
	char *js;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	if (!path && !audit)
		return err_set(err, KV_EINVAL,
		               "nothing to verify: give a file or folder, or --audit");
	if (path && stat(path, &st) != 0)
		return err_set(err, KV_EINVAL, "%s: %s", path, strerror(errno));
	if (path && S_ISDIR(st.st_mode))
		rc = check_dir(op, tc, path, out, err);
	else if (path)
		check_token(op, tc, path, path, out, err);
	if (!rc && audit)
		rc = check_audit(op, tc, out, err);
	if (rc)
		return rc;
	after = json_pack("{s:s?,s:b,s:I,s:I}", "path", path, "audit", audit, "problems",
	                  (json_int_t)out->n, "files", (json_int_t)out->files_checked);
	js = after ? json_dumps(after, JSON_COMPACT) : NULL;
	json_decref(after);
	rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op), "verify", "artefact",
	                  path ? path : "audit", NULL, js, err);
	free(js);
	return rc;
}
