/* Fetching item media into the blob store. */
#include "capture/media.h"

#include "base/config.h"
#include "base/time.h"
#include "store/blob.h"
#include "store/media_rows.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct pending {
	int64_t id;
	char *url;
};

struct collect {
	struct pending *v;
	size_t n, cap;
	int nomem;
};

static int collect(void *ctx, const struct media_row *m)
{
	struct collect *c = ctx;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct pending *v = realloc(c->v, cap * sizeof(*v));

		if (!v) {
			c->nomem = 1;
			return 1;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].id = m->id;
	c->v[c->n].url = strdup(m->url);
	if (!c->v[c->n].url) {
		c->nomem = 1;
		return 1;
	}
	c->n++;
	return 0;
}

int capture_media_conf_load(struct media_conf *out, const struct config *cfg, struct err *err)
{
	struct media_conf c = {0};
	int rc = config_get_bool(cfg, "media", "allow_internal", 0, &c.allow_internal, err);

	if (!rc)
		*out = c;
	return rc;
}

/* Records the outcome of one medium in its own transaction. */
static int record(struct store *s, int64_t id, const char *sha, int64_t bytes, const char *error,
                  struct err *err)
{
	int rc = store_begin(s, err);

	if (rc)
		return rc;
	rc = sha ? media_row_fetched(s, id, sha, bytes, time_now(), err)
	         : media_row_failed(s, id, error, time_now(), err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int capture_media_fetch(struct store *s, int64_t org, int64_t limit, const struct media_conf *conf,
                        struct media_report *out, struct err *err)
{
	struct media_report r = {0};
	struct collect c = {0};
	struct fetch_opts fo = conf ? conf->fetch : (struct fetch_opts){0};
	struct fetch *f = NULL;
	int rc;

	rc = media_row_pending(s, org, MEDIA_MAX_ATTEMPTS, limit, collect, &c, err);
	if (c.nomem)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (rc > 0)
		rc = KV_OK;
	if (!rc && c.n) {
		fo.max_bytes = MEDIA_MAX_BYTES;
		/* One try per run: a medium that fails is tried again by the next
		 * run (up to MEDIA_MAX_ATTEMPTS), so a dead host never holds a
		 * poll up for the length of a backoff. */
		if (!fo.max_attempts)
			fo.max_attempts = 1;
		fo.public_only = !(conf && conf->allow_internal);
		rc = fetch_new(&f, &fo, err);
	}
	for (size_t i = 0; i < c.n && !rc; i++) {
		struct fetch_result res;
		struct err ferr = {0};
		char sha[HASH_SHA256_HEX_LEN + 1];
		int frc;

		if (!fetch_url_secure(c.v[i].url)) {
			rc = record(s, c.v[i].id, NULL, 0,
			            "not fetched: only https addresses are fetched", err);
			r.failed++;
			continue;
		}
		fetch_result_init(&res);
		frc = fetch_get(f, c.v[i].url, NULL, &res, &ferr);
		if (!frc)
			frc = blob_put(s, res.body.ptr ? res.body.ptr : "", res.body.len, sha,
			               &ferr);
		if (frc) {
			rc = record(s, c.v[i].id, NULL, 0, ferr.msg, err);
			r.failed++;
		} else {
			rc = record(s, c.v[i].id, sha, (int64_t)res.body.len, NULL, err);
			r.fetched++;
			r.bytes += (int64_t)res.body.len;
		}
		fetch_result_done(&res);
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].url);
	free(c.v);
	fetch_free(f);
	if (!rc)
		*out = r;
	return rc;
}
