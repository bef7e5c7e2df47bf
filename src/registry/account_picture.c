/* Profile pictures of accounts: set by hand, listed. */
#include "registry/account_picture.h"

#include "base/time.h"
#include "model/op_ctx.h"
#include "model/register.h"
#include "render/render_doc.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/profile_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

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

static json_t *time_json(int64_t t)
{
	char at[TIME_ISO_LEN];

	if (!t)
		return json_null();
	time_format_utc(at, t);
	return json_string(at);
}

static json_t *row_json(const struct profile_row *p)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:s?,s:o,s:s?,s:o,s:I,s:s?}", "id", (json_int_t)p->id,
	                 "source", p->url, "noted_at", time_json(p->noted_at), "noted_by",
	                 p->noted_by, "sha256", p->sha256, "bytes",
	                 p->sha256 ? json_integer(p->bytes) : json_null(), "content_type",
	                 p->content_type, "fetched_at", time_json(p->fetched_at), "attempts",
	                 (json_int_t)p->attempts, "error", p->error);
}

struct list_ctx {
	json_t *all;
	json_t *current;
};

static int on_row(void *ctx, const struct profile_row *p)
{
	struct list_ctx *c = ctx;
	json_t *j = row_json(p);

	if (!j)
		return KV_ENOMEM;
	if (!c->current && p->sha256)
		c->current = json_incref(j);
	json_array_append_new(c->all, j);
	return 0;
}

static int list_json(const struct op_ctx *op, const struct account_rec *rec, json_t **out,
                     struct err *err)
{
	struct list_ctx c = {json_array(), NULL};
	char name[240];
	int rc;

	if (!c.all)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = profile_row_each(op->store, rec->v.id, on_row, &c, err);
	if (rc == KV_ENOMEM)
		rc = err_set(err, rc, "out of memory");
	if (rc) {
		json_decref(c.all);
		json_decref(c.current);
		return rc;
	}
	snprintf(name, sizeof(name), "%s/%s", register_platform_name(rec->v.platform),
	         rec->v.handle);
	*out = json_pack("{s:s,s:I,s:o,s:o}", "account", name, "account_id", (json_int_t)rec->v.id,
	                 "current", c.current ? c.current : json_null(), "pictures", c.all);
	return *out ? KV_OK : err_set(err, KV_ENOMEM, "out of memory");
}

/* data is a PNG or JPEG whose header can be read: its type in *mime. */
static int check_image(const void *data, size_t len, const char *name, const char **mime,
                       struct err *err)
{
	const char *type = blob_image_type(data, len);
	struct err e = {0};
	int w = 0, h = 0;

	if (len == 0)
		return err_set(err, KV_EINVAL, "%s: the file is empty; give a PNG or JPEG image",
		               name);
	if (len > ACCOUNT_PICTURE_MAX)
		return err_set(err, KV_EINVAL, "%s: %zu bytes, more than the %zu allowed", name,
		               len, ACCOUNT_PICTURE_MAX);
	if (!type)
		return err_set(err, KV_EINVAL,
		               "%s: not a PNG or JPEG image (its first bytes are neither PNG's"
		               " nor JPEG's signature)",
		               name);
	if (strcmp(type, "image/png") != 0 && strcmp(type, "image/jpeg") != 0)
		return err_set(err, KV_EINVAL,
		               "%s: %s, not PNG or JPEG: the snapshot can show only those;"
		               " convert it first",
		               name, type);
	if (render_doc_image_size(data, len, type, &w, &h, &e))
		return err_set(err, KV_EINVAL, "%s: %s", name, e.msg);
	*mime = type;
	return KV_OK;
}

int account_picture_set(const struct op_ctx *op, const char *ref, const void *data, size_t len,
                        const char *name, json_t **out, struct err *err)
{
	struct account_rec *rec = NULL;
	const char *mime = NULL;
	char sha[HASH_SHA256_HEX_LEN + 1];
	int64_t id = 0;
	json_t *j = NULL;
	int rc, begun = 0;

	rc = check_image(data, len, name, &mime, err);
	if (!rc)
		rc = store_begin(op->store, err);
	begun = !rc;
	if (!rc)
		rc = load_account(op, ref, PERM_REGISTER_WRITE, &rec, err);
	/* The file goes in only for an account that may take it; a blob left
	 * by a transaction that fails later is unreferenced, like any other. */
	if (!rc)
		rc = blob_put(op->store, data, len, sha, err);
	if (!rc)
		rc = profile_row_add_stored(op->store, rec->v.id, PROFILE_SOURCE_FILE,
		                            op_ctx_actor(op), op->now, sha, (int64_t)len, mime, &id,
		                            err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "account.picture",
		                       "account", rec->v.id, NULL,
		                       json_pack("{s:I,s:s,s:s,s:s,s:I}", "picture", (json_int_t)id,
		                                 "source", PROFILE_SOURCE_FILE, "sha256", sha,
		                                 "content_type", mime, "bytes", (json_int_t)len),
		                       err);
	if (!rc)
		rc = list_json(op, rec, &j, err);
	if (begun)
		rc = store_finish(op->store, rc, err);
	if (!rc)
		*out = j;
	else
		json_decref(j);
	register_row_account_free(rec);
	return rc;
}

int account_picture_list(const struct op_ctx *op, const char *ref, json_t **out, struct err *err)
{
	struct account_rec *rec = NULL;
	int rc = load_account(op, ref, PERM_REGISTER_READ, &rec, err);

	if (!rc)
		rc = list_json(op, rec, out, err);
	register_row_account_free(rec);
	return rc;
}
