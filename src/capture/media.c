/* Fetching item media and the accounts' profile pictures into the blob
 * store. */
#include "capture/media.h"

#include "base/config.h"
#include "base/time.h"
#include "store/blob.h"
#include "store/media_rows.h"
#include "store/profile_rows.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct pending {
	int64_t id;
	char *url;
	int picture; /* a profile picture (profile_rows), not an item's medium */
};

struct collect {
	struct pending *v;
	size_t n, cap;
	int nomem;
};

static int collect_one(struct collect *c, int64_t id, const char *url, int picture)
{
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
	c->v[c->n].id = id;
	c->v[c->n].picture = picture;
	c->v[c->n].url = strdup(url);
	if (!c->v[c->n].url) {
		c->nomem = 1;
		return 1;
	}
	c->n++;
	return 0;
}

static int collect(void *ctx, const struct media_row *m)
{
	return collect_one(ctx, m->id, m->url, 0);
}

static int collect_picture(void *ctx, const struct profile_row *p)
{
	return collect_one(ctx, p->id, p->url, 1);
}

int capture_media_conf_load(struct media_conf *out, const struct config *cfg, struct err *err)
{
	struct media_conf c = {0};
	int rc = config_get_bool(cfg, "media", "allow_internal", 0, &c.allow_internal, err);

	if (!rc)
		*out = c;
	return rc;
}

/* Records the outcome of one medium or picture in its own transaction. */
static int record(struct store *s, const struct pending *p, const char *sha, int64_t bytes,
                  const char *type, const char *error, struct err *err)
{
	int rc = store_begin(s, err);

	if (rc)
		return rc;
	if (p->picture)
		rc = sha ? profile_row_fetched(s, p->id, sha, bytes, type, time_now(), err)
		         : profile_row_failed(s, p->id, error, time_now(), err);
	else
		rc = sha ? media_row_fetched(s, p->id, sha, bytes, time_now(), err)
		         : media_row_failed(s, p->id, error, time_now(), err);
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

	/* The profile pictures first: few (one per account and change), and
	 * the snapshot's header waits on them. */
	rc = profile_row_pending(s, org, MEDIA_MAX_ATTEMPTS, limit, collect_picture, &c, err);
	if (!rc && !c.nomem && (int64_t)c.n < limit)
		rc = media_row_pending(s, org, MEDIA_MAX_ATTEMPTS, limit - (int64_t)c.n, collect,
		                       &c, err);
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
		const char *type = NULL;
		int frc;

		if (!fetch_url_secure(c.v[i].url)) {
			rc = record(s, &c.v[i], NULL, 0, NULL,
			            "not fetched: only https addresses are fetched", err);
			r.failed++;
			continue;
		}
		fetch_result_init(&res);
		frc = fetch_get(f, c.v[i].url, NULL, &res, &ferr);
		/* A profile picture is an image or nothing: an error page the
		 * host answers with is not kept as the account's picture. */
		if (!frc && c.v[i].picture && !(type = blob_image_type(res.body.ptr, res.body.len)))
			frc = err_set(&ferr, KV_EINVAL,
			              "not an image: the %zu bytes are not PNG, JPEG, GIF or WebP",
			              res.body.len);
		if (!frc)
			frc = blob_put(s, res.body.ptr ? res.body.ptr : "", res.body.len, sha,
			               &ferr);
		if (frc) {
			rc = record(s, &c.v[i], NULL, 0, NULL, ferr.msg, err);
			r.failed++;
		} else {
			rc = record(s, &c.v[i], sha, (int64_t)res.body.len, type, NULL, err);
			r.fetched++;
			r.pictures += c.v[i].picture;
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
