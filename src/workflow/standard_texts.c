/* Standard texts. */
#include "workflow/standard_texts.h"

#include "base/utf8.h"
#include "store/audit.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_field(const char *what, const char *v, size_t max, struct err *err)
{
	size_t n = v ? strlen(v) : 0;
	ssize_t bad;

	if (!v || strspn(v, " \t\r\n") == n)
		return err_set(err, KV_EINVAL, "%s: is empty", what);
	if (n > max)
		return err_set(err, KV_EINVAL, "%s: longer than %zu bytes", what, max);
	bad = utf8_check(v, n);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "%s: not valid UTF-8 at byte %zd", what, bad);
	return KV_OK;
}

static int audit_text(const struct op_ctx *op, const char *action, int64_t id, json_t *before,
                      json_t *after, struct err *err)
{
	return audit_append_json(op->store, op->org, op_ctx_actor(op), action, "standard_text", id,
	                         before, after, err);
}

int standard_texts_add(const struct op_ctx *op, int64_t account, const char *title,
                       const char *text, int64_t *out_id, struct err *err)
{
	struct standard_text_row r = {0};
	int64_t id = 0;
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, account, err);

	if (!rc)
		rc = check_field("title", title, STANDARD_TEXTS_TITLE_MAX, err);
	if (!rc)
		rc = check_field("text", text, STANDARD_TEXTS_TEXT_MAX, err);
	if (rc)
		return rc;
	r.account_id = account;
	r.title = title;
	r.text = text;
	r.created_by = op_ctx_actor(op);
	r.created_at = op->now;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = standard_text_row_add(op->store, op->org, &r, &id, err);
	if (rc == KV_ECONFLICT)
		rc = err_set(err, KV_ENOTFOUND, "account %lld does not exist", (long long)account);
	if (!rc)
		rc = audit_text(op, "standard_text.add", id, NULL,
		                json_pack("{s:s,s:s,s:I}", "title", title, "text", text, "account",
		                          (json_int_t)account),
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

struct filter {
	const struct op_ctx *op;
	standard_text_row_fn fn;
	void *ctx;
};

static int visible(void *arg, const struct standard_text_row *r)
{
	struct filter *f = arg;

	if (r->account_id && !principal_can(f->op->who, PERM_INBOX_WORK, r->account_id))
		return 0;
	return f->fn(f->ctx, r);
}

int standard_texts_list(const struct op_ctx *op, int64_t account, standard_text_row_fn fn,
                        void *ctx, struct err *err)
{
	struct filter f = {op, fn, ctx};

	if (account) {
		int rc = op_ctx_require(op, PERM_INBOX_WORK, account, err);

		if (rc)
			return rc;
		return standard_text_row_each(op->store, op->org, account, 0, fn, ctx, err);
	}
	if (!principal_can_any(op->who, PERM_INBOX_WORK))
		return op_ctx_require(op, PERM_INBOX_WORK, 0, err);
	return standard_text_row_each(op->store, op->org, -1, 0, visible, &f, err);
}

static int grab(void *arg, const struct standard_text_row *r)
{
	json_t **out = arg;

	*out = json_pack("{s:s,s:s,s:I}", "title", r->title, "text", r->text, "account",
	                 (json_int_t)r->account_id);
	return 1;
}

int standard_texts_remove(const struct op_ctx *op, int64_t id, struct err *err)
{
	json_t *before = NULL;
	int rc;

	if (id <= 0)
		return err_set(err, KV_EINVAL, "'%lld' is not a standard text id", (long long)id);
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = standard_text_row_each(op->store, op->org, -1, id, grab, &before, err);
	if (!rc && !before)
		rc = err_set(err, KV_ENOTFOUND, "standard text %lld does not exist", (long long)id);
	if (!rc)
		rc = op_ctx_require(op, PERM_POLICY_WRITE,
		                    json_integer_value(json_object_get(before, "account")), err);
	if (!rc)
		rc = standard_text_row_remove(op->store, op->org, id, err);
	if (!rc) {
		rc = audit_text(op, "standard_text.remove", id, before, NULL, err);
		before = NULL;
	}
	json_decref(before);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}
