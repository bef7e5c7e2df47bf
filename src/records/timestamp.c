/* Timestamping artefacts and the audit head, the pending list and its
 * retries, and checking tokens (see timestamp.h). */
#include "records/timestamp.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/tsa.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/timestamp_rows.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int timestamp_conf_load(const struct config *cfg, struct timestamp_conf *out, struct err *err)
{
	int64_t t = TSA_DEFAULT_TIMEOUT;
	int rc;

	memset(out, 0, sizeof(*out));
	out->timeout_s = TSA_DEFAULT_TIMEOUT;
	if (!cfg)
		return KV_OK;
	out->url = config_get(cfg, "tsa", "url", NULL);
	out->ca_file = config_get(cfg, "tsa", "ca", NULL);
	rc = config_get_int(cfg, "tsa", "timeout", TSA_DEFAULT_TIMEOUT, &t, err);
	if (rc)
		return rc;
	if (t < 1 || t > 600)
		return err_set(err, KV_EINVAL,
		               "[tsa] timeout: %lld is not between 1 and 600 seconds",
		               (long long)t);
	out->timeout_s = (long)t;
	if (out->url && !*out->url)
		out->url = NULL;
	if (out->url && (!out->ca_file || !*out->ca_file))
		return err_set(err, KV_EINVAL,
		               "[tsa] url is set but ca is not: the CA bundle the TSA's "
		               "certificate chains to is needed to verify its tokens");
	return KV_OK;
}

int timestamp_sha256_file(const char *path, char out[65], int64_t *bytes, struct err *err)
{
	struct hash_sha256_ctx h;
	char chunk[65536];
	int64_t total = 0;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	hash_sha256_begin(&h);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		hash_sha256_update(&h, chunk, n);
		total += (int64_t)n;
	}
	if (ferror(f)) {
		fclose(f);
		return err_set(err, KV_EIO, "%s: read error", path);
	}
	fclose(f);
	hash_sha256_end_hex(&h, out);
	if (bytes)
		*bytes = total;
	return KV_OK;
}

/* Records the outcome of one attempt (row, token file, audit, alert) in one
 * transaction. token NULL: pending with why. */
static int record(const struct op_ctx *op, const char *kind, const char *ref, const char *path,
                  const char *sha, const struct buf *token, const struct tsa_info *info,
                  const struct timestamp_conf *tc, const char *why, struct timestamp_result *out,
                  struct err *err)
{
	struct timestamp_row r = {
	        .org_id = op->org,
	        .kind = kind,
	        .ref = ref,
	        .path = path,
	        .sha256 = sha,
	        .state = token ? "stamped" : "pending",
	        .token = token ? token->ptr : NULL,
	        .token_len = token ? token->len : 0,
	        .tsa_url = tc ? tc->url : NULL,
	        .gen_time = token ? info->gen_time : NULL,
	        .last_error = token ? NULL : why,
	        .created_at = op->now,
	        .stamped_at = token ? op->now : 0,
	};
	char idtext[32], key[200];
	json_t *after;
	char *js = NULL;
	int64_t id = 0;
	int rc;

	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = timestamp_row_put(op->store, &r, &id, err);
	if (rc)
		goto out;
	after = json_pack("{s:s,s:s,s:s?,s:s,s:s,s:s?,s:s?}", "kind", kind, "ref", ref, "path",
	                  path, "sha256", sha, "state", r.state, "gen_time", r.gen_time, "error",
	                  r.last_error);
	js = after ? json_dumps(after, JSON_COMPACT) : NULL;
	json_decref(after);
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op),
	                  token ? "timestamp.stamp" : "timestamp.pending", "timestamp", idtext,
	                  NULL, js, err);
	if (rc)
		goto out;
	if (!token) {
		int64_t alert_id = 0;

		snprintf(key, sizeof(key), "timestamp.missing:%lld", (long long)id);
		rc = alert_row_insert(op->store, op->org, 0, "timestamp.missing", key,
		                      js ? js : "{}", op->now, &alert_id, err);
	}
out:
	free(js);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (rc == KV_OK && out) {
		out->id = id;
		out->stamped = token != NULL;
		snprintf(out->sha256, sizeof(out->sha256), "%s", sha);
		if (token)
			snprintf(out->gen_time, sizeof(out->gen_time), "%s", info->gen_time);
		if (why)
			snprintf(out->error, sizeof(out->error), "%s", why);
	}
	return rc;
}

/* One attempt at stamping sha for (kind, ref, path): the token file first,
 * then the row, so a row that says stamped always has its file. */
static int attempt(const struct op_ctx *op, const struct timestamp_conf *tc, const char *kind,
                   const char *ref, const char *path, const char *sha, struct timestamp_result *out,
                   struct err *err)
{
	uint8_t digest[TSA_DIGEST_LEN];
	struct tsa_info info = {0};
	struct buf token;
	struct err terr;
	char tsr[PATH_MAX + 8];
	int rc, stamped = 0;

	rc = tsa_digest_from_hex(digest, sha, err);
	if (rc)
		return rc;
	buf_init(&token, TSA_REPLY_MAX);
	err_clear(&terr);
	if (!tc || !tc->url)
		err_set(&terr, KV_EINVAL, "no TSA configured ([tsa] url)");
	else if (tsa_stamp(tc->url, tc->ca_file, tc->timeout_s, digest, &token, &info, &terr) ==
	         KV_OK)
		stamped = 1;
	if (stamped && path) {
		snprintf(tsr, sizeof(tsr), "%s.tsr", path);
		rc = file_write_atomic(tsr, token.ptr, token.len, 0644, err);
		if (rc)
			goto out;
		if (out)
			snprintf(out->token_path, sizeof(out->token_path), "%s", tsr);
	}
	rc = record(op, kind, ref, path, sha, stamped ? &token : NULL, &info, tc,
	            stamped ? NULL : terr.msg, out, err);
out:
	buf_done(&token);
	return rc;
}

int timestamp_file(const struct op_ctx *op, const struct timestamp_conf *tc, const char *path,
                   const char *kind, const char *ref, struct timestamp_result *out, struct err *err)
{
	char abs[PATH_MAX], sha[65];
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	if (!kind || !*kind)
		return err_set(err, KV_EINVAL, "timestamp: no kind given");
	if (!realpath(path, abs))
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	rc = timestamp_sha256_file(abs, sha, NULL, err);
	if (rc)
		return rc;
	if (out)
		memset(out, 0, sizeof(*out));
	return attempt(op, tc, kind, ref ? ref : abs, abs, sha, out, err);
}

struct pending {
	int64_t id;
	char *kind, *ref, *path, *sha;
};

struct pending_list {
	struct pending *v;
	size_t n, cap;
};

static int collect(void *arg, const struct timestamp_row *r)
{
	struct pending_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct pending *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return KV_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = (struct pending){r->id, strdup(r->kind), strdup(r->ref),
	                              r->path ? strdup(r->path) : NULL, strdup(r->sha256)};
	l->n++;
	return 0;
}

int timestamp_retry_pending(const struct op_ctx *op, const struct timestamp_conf *tc, int *stamped,
                            int *pending, struct err *err)
{
	struct pending_list l = {0};
	int rc, ok = 0, left = 0;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	rc = timestamp_row_each(op->store, op->org, "pending", NULL, collect, &l, err);
	if (rc == KV_ENOMEM)
		err_set(err, rc, "out of memory listing pending timestamps");
	for (size_t i = 0; rc == KV_OK && i < l.n; i++) {
		struct timestamp_result res = {0};

		if (!l.v[i].kind || !l.v[i].ref || !l.v[i].sha) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		rc = attempt(op, tc, l.v[i].kind, l.v[i].ref, l.v[i].path, l.v[i].sha, &res, err);
		if (rc == KV_EIO && res.token_path[0] == '\0') {
			/* The token file could not be written (the artefact's folder
			 * is gone or read-only): it stays pending; go on with the rest. */
			left++;
			err_clear(err);
			rc = KV_OK;
		} else if (rc == KV_OK) {
			if (res.stamped)
				ok++;
			else
				left++;
		}
	}
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].kind);
		free(l.v[i].ref);
		free(l.v[i].path);
		free(l.v[i].sha);
	}
	free(l.v);
	if (stamped)
		*stamped = ok;
	if (pending)
		*pending = left;
	return rc;
}

int timestamp_audit_head(const struct op_ctx *op, const struct timestamp_conf *tc, int *done,
                         struct timestamp_result *out, struct err *err)
{
	int64_t seq = 0, day = op->now - (op->now % 86400);
	char hash[65], ref[40];
	int rc;

	*done = 0;
	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	rc = timestamp_row_since(op->store, op->org, TIMESTAMP_KIND_AUDIT, day, err);
	if (rc != 0)
		return rc < 0 ? rc : KV_OK;
	rc = timestamp_row_audit_head(op->store, &seq, hash, err);
	if (rc == KV_ENOTFOUND)
		return KV_OK; /* nothing to stamp yet */
	if (rc)
		return rc;
	snprintf(ref, sizeof(ref), "seq:%lld", (long long)seq);
	if (out)
		memset(out, 0, sizeof(*out));
	*done = 1;
	return attempt(op, tc, TIMESTAMP_KIND_AUDIT, ref, NULL, hash, out, err);
}

static void verdict(struct timestamp_check *out, const void *tok, size_t len, const char *sha,
                    const struct timestamp_conf *tc)
{
	uint8_t digest[TSA_DIGEST_LEN];
	struct tsa_info info = {0};
	struct err e;

	err_clear(&e);
	out->found = 1;
	if (tsa_digest_from_hex(digest, sha, &e) == KV_OK &&
	    tsa_token_verify(tok, len, digest, tc ? tc->ca_file : NULL, &info, &e) == KV_OK) {
		out->ok = 1;
		snprintf(out->gen_time, sizeof(out->gen_time), "%s", info.gen_time);
	} else {
		snprintf(out->problem, sizeof(out->problem), "%s", e.msg);
	}
}

struct row_copy {
	int found;
	int stamped;
	struct buf tok;
	char sha[65];
	char ref[64];
	char problem[ERR_MSG_MAX + 64];
};

static int copy_row(void *arg, const struct timestamp_row *r)
{
	struct row_copy *c = arg;

	c->found = 1;
	c->stamped = strcmp(r->state, "stamped") == 0;
	snprintf(c->sha, sizeof(c->sha), "%s", r->sha256);
	snprintf(c->ref, sizeof(c->ref), "%s", r->ref);
	buf_clear(&c->tok);
	if (r->token && buf_put(&c->tok, r->token, r->token_len) != KV_OK)
		return KV_ENOMEM;
	if (!c->stamped)
		snprintf(c->problem, sizeof(c->problem), "untimestamped: %s (%lld attempts)",
		         r->last_error ? r->last_error : "pending", (long long)r->attempts);
	return 0;
}

int timestamp_check_file(const struct op_ctx *op, const struct timestamp_conf *tc, const char *path,
                         struct timestamp_check *out, struct err *err)
{
	char abs[PATH_MAX], tsr[PATH_MAX + 8], sha[65];
	struct row_copy rc_ = {0};
	struct buf tok;
	struct stat stt;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!realpath(path, abs))
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	rc = timestamp_sha256_file(abs, sha, NULL, err);
	if (rc)
		return rc;
	snprintf(tsr, sizeof(tsr), "%s.tsr", abs);
	if (stat(tsr, &stt) == 0) {
		buf_init(&tok, TSA_REPLY_MAX);
		rc = file_read_all(tsr, &tok, err);
		if (rc == KV_OK)
			verdict(out, tok.ptr, tok.len, sha, tc);
		buf_done(&tok);
		return rc;
	}
	if (!op || !op->store) {
		snprintf(out->problem, sizeof(out->problem), "no time-stamp token (%s.tsr)", path);
		return KV_OK;
	}
	buf_init(&rc_.tok, TSA_REPLY_MAX);
	rc = timestamp_row_for_path(op->store, op->org, abs, copy_row, &rc_, err);
	if (rc == KV_ENOTFOUND) {
		snprintf(out->problem, sizeof(out->problem), "never timestamped");
		rc = KV_OK;
	} else if (rc == KV_OK && !rc_.stamped) {
		snprintf(out->problem, sizeof(out->problem), "%s", rc_.problem);
	} else if (rc == KV_OK) {
		verdict(out, rc_.tok.ptr, rc_.tok.len, sha, tc);
	}
	buf_done(&rc_.tok);
	return rc;
}

static int keep_last_stamped(void *arg, const struct timestamp_row *r)
{
	struct row_copy *c = arg;

	if (strcmp(r->state, "stamped") != 0) {
		if (!c->found)
			snprintf(c->problem, sizeof(c->problem), "untimestamped: %s",
			         r->last_error ? r->last_error : "pending");
		return 0;
	}
	return copy_row(arg, r);
}

int timestamp_check_audit(const struct op_ctx *op, const struct timestamp_conf *tc,
                          struct timestamp_check *out, struct err *err)
{
	struct row_copy c = {0};
	char hash[65];
	long long seq = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	buf_init(&c.tok, TSA_REPLY_MAX);
	rc = timestamp_row_each(op->store, op->org, NULL, TIMESTAMP_KIND_AUDIT, keep_last_stamped,
	                        &c, err);
	if (rc)
		goto out;
	if (!c.found) {
		snprintf(out->problem, sizeof(out->problem), "%s",
		         c.problem[0] ? c.problem : "the audit head was never timestamped");
		goto out;
	}
	verdict(out, c.tok.ptr, c.tok.len, c.sha, tc);
	if (!out->ok)
		goto out;
	if (sscanf(c.ref, "seq:%lld", &seq) != 1 ||
	    timestamp_row_audit_hash(op->store, seq, hash, err) != KV_OK ||
	    strcmp(hash, c.sha) != 0) {
		out->ok = 0;
		snprintf(out->problem, sizeof(out->problem),
		         "audit entry %lld no longer has the hash that was timestamped", seq);
		err_clear(err);
	}
out:
	buf_done(&c.tok);
	return rc;
}
