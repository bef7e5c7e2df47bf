/* The consent register: checks, the signed form, links, withdrawal with
 * its takedown cases, and the expiry check. */
#include "records/consent.h"

#include "base/calendar.h"
#include "base/config.h"
#include "base/time.h"
#include "base/utf8.h"
#include "registry/registry.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/items.h"
#include "store/store.h"
#include "workflow/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int consent_opts_load(struct consent_opts *out, const struct config *cfg, struct err *err)
{
	int64_t age = CONSENT_GUARDIAN_AGE_DEFAULT;
	const char *v = cfg ? config_get(cfg, "consent", "guardian_age", NULL) : NULL;
	char *end = NULL;

	if (v) {
		long long n = strtoll(v, &end, 10);

		if (end == v || *end || n < 1 || n > 18)
			return err_set(err, KV_EINVAL,
			               "[consent] guardian_age: '%s' is not a whole number from 1 "
			               "to 18 (ÖS says 13, Tibro 16)",
			               v);
		age = n;
	}
	out->guardian_age = (int)age;
	return KV_OK;
}

void consent_date_of(char out[11], int64_t t)
{
	struct calendar_local lt;

	calendar_to_local(&lt, t);
	snprintf(out, 11, "%04d-%02d-%02d", lt.y, lt.m, lt.d);
}

static int check_text(const char *what, const char *v, size_t max, int required, struct err *err)
{
	size_t n = v ? strlen(v) : 0;
	ssize_t bad;

	if (!v && !required)
		return KV_OK;
	if (!v || strspn(v, " \t\r\n") == n)
		return err_set(err, KV_EINVAL, "%s: is empty", what);
	if (n > max)
		return err_set(err, KV_EINVAL, "%s: longer than %zu bytes", what, max);
	bad = utf8_check(v, n);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "%s: not valid UTF-8 at byte %zd", what, bad);
	return KV_OK;
}

struct ymd {
	int y, m, d;
};

static int check_date(const char *what, const char *v, struct ymd *out, struct err *err)
{
	if (time_parse_date(v, &out->y, &out->m, &out->d))
		return err_set(err, KV_EINVAL, "%s: '%.40s' is not a date (YYYY-MM-DD)", what, v);
	return KV_OK;
}

/* Whole years from born to on. */
static int age_on(const struct ymd *born, const struct ymd *on)
{
	int age = on->y - born->y;

	if (on->m < born->m || (on->m == born->m && on->d < born->d))
		age--;
	return age;
}

static int audit_json(const struct op_ctx *op, const char *action, int64_t id, json_t *j,
                      struct err *err)
{
	return audit_append_json(op->store, op->org, op_ctx_actor(op), action, "consent", id, NULL,
	                         j, err);
}

static int check_input(const struct consent_opts *o, const struct consent_input *in, int *out_minor,
                       struct err *err)
{
	struct ymd from, to, born;
	int rc = check_text("--person-name", in->person_name, CONSENT_NAME_MAX, 1, err);

	if (!rc)
		rc = check_text("--guardian", in->guardian, CONSENT_NAME_MAX, 0, err);
	if (!rc)
		rc = check_text("--document", in->document_name, 4096, 1, err);
	if (rc)
		return rc;
	if (!in->valid_from)
		return err_set(err, KV_EINVAL, "--from: the first day of the consent is required");
	rc = check_date("--from", in->valid_from, &from, err);
	if (!rc && in->valid_to) {
		rc = check_date("--to", in->valid_to, &to, err);
		if (!rc && strcmp(in->valid_to, in->valid_from) < 0)
			rc = err_set(err, KV_EINVAL,
			             "--to: the period ends (%s) before it starts (%s)",
			             in->valid_to, in->valid_from);
	}
	if (rc)
		return rc;
	*out_minor = 0;
	if (in->birth_date) {
		int age;

		rc = check_date("--birth-date", in->birth_date, &born, err);
		if (rc)
			return rc;
		if (strcmp(in->birth_date, in->valid_from) > 0)
			return err_set(
			        err, KV_EINVAL,
			        "--birth-date: %s is after the first day of the consent (%s)",
			        in->birth_date, in->valid_from);
		age = age_on(&born, &from);
		*out_minor = age < o->guardian_age;
		if (*out_minor && !in->guardian)
			return err_set(err, KV_EINVAL,
			               "--guardian: %s is %d years old on %s, under the age of %d "
			               "([consent] guardian_age): a guardian (vårdnadshavare) must "
			               "sign the consent; give --guardian NAME",
			               in->person_name, age, in->valid_from, o->guardian_age);
	}
	if (in->n_scope == 0)
		return err_set(err, KV_EINVAL, "--scope: name at least one account");
	if (in->n_scope > CONSENT_SCOPE_MAX)
		return err_set(err, KV_EINVAL, "--scope: at most %d accounts", CONSENT_SCOPE_MAX);
	if (!in->document || in->document_len == 0)
		return err_set(err, KV_EINVAL, "--document: %s is empty", in->document_name);
	if (in->document_len > CONSENT_DOCUMENT_MAX)
		return err_set(err, KV_EINVAL, "--document: %s is larger than %zu MiB",
		               in->document_name, CONSENT_DOCUMENT_MAX >> 20);
	return KV_OK;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int consent_add(const struct op_ctx *op, const struct consent_opts *o,
                const struct consent_input *in, int64_t *out_id, struct err *err)
{
	int64_t ids[CONSENT_SCOPE_MAX];
	struct consent_row r = {0};
	char sha[HASH_SHA256_HEX_LEN + 1];
	const char *base;
	json_t *scope = NULL;
	int64_t id = 0;
	int minor = 0, rc;

	rc = check_input(o, in, &minor, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < in->n_scope; i++) {
		rc = registry_account_find(op, in->scope[i], &ids[i], err);
		if (rc)
			return err_prefix(err, "--scope: ");
		rc = op_ctx_require(op, PERM_CONSENT, ids[i], err);
		if (rc)
			return rc;
	}
	qsort(ids, in->n_scope, sizeof(ids[0]), cmp_id);
	base = strrchr(in->document_name, '/');
	r.person_name = in->person_name;
	r.birth_date = in->birth_date;
	r.guardian = in->guardian;
	r.valid_from = in->valid_from;
	r.valid_to = in->valid_to;
	r.document_name = base ? base + 1 : in->document_name;
	r.document_sha256 = sha;
	r.document_bytes = (int64_t)in->document_len;
	r.created_by = op_ctx_actor(op);
	r.created_at = op->now;
	/* The blob first: a blob nothing refers to is harmless (and put again
	 * by a retry), a consent row without its form is not. */
	rc = blob_put(op->store, in->document, in->document_len, sha, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = consent_row_insert(op->store, op->org, &r, ids, in->n_scope, &id, err);
	scope = json_array();
	for (size_t i = 0; scope && i < in->n_scope; i++)
		json_array_append_new(scope, json_integer(ids[i]));
	if (!rc)
		rc = audit_json(op, "consent.add", id,
		                json_pack("{s:o,s:s,s:s?,s:s,s:b,s:b}", "accounts", scope,
		                          "valid_from", in->valid_from, "valid_to", in->valid_to,
		                          "document_sha256", sha, "minor", minor, "guardian",
		                          in->guardian != NULL),
		                err);
	else
		json_decref(scope);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

/* ---- reading ---- */

struct may_see {
	const struct op_ctx *op;
	int yes;
};

static int see_account(void *arg, int64_t account)
{
	struct may_see *m = arg;

	m->yes |= principal_can(m->op->who, PERM_CONSENT, account);
	return m->yes;
}

/* 1 when op may see consent id (PERM_CONSENT on an account of its scope). */
static int visible(const struct op_ctx *op, int64_t id, struct err *err)
{
	struct may_see m = {op, 0};
	int rc;

	if (principal_can_all(op->who, PERM_CONSENT))
		return 1;
	rc = consent_row_accounts(op->store, id, see_account, &m, err);
	return rc < 0 ? rc : m.yes;
}

struct filter {
	const struct op_ctx *op;
	consent_row_fn fn;
	void *ctx;
	struct err *err;
};

static int filtered(void *arg, const struct consent_row *r)
{
	struct filter *f = arg;
	int rc = visible(f->op, r->id, f->err);

	if (rc <= 0)
		return rc;
	return f->fn(f->ctx, r);
}

int consent_list(const struct op_ctx *op, const struct consent_filter *f, consent_row_fn fn,
                 void *ctx, struct err *err)
{
	struct consent_filter g = *f;
	struct filter x = {op, fn, ctx, err};

	if (!principal_can_any(op->who, PERM_CONSENT))
		return op_ctx_require(op, PERM_CONSENT, 0, err);
	g.org_id = op->org;
	return consent_row_each(op->store, &g, filtered, &x, err);
}

static json_t *scope_array(const char *accounts)
{
	json_t *a = json_array();
	const char *p = accounts ? accounts : "";

	while (a && *p) {
		size_t n = strcspn(p, ",");

		json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

json_t *consent_view_json(const struct consent_row *r, int64_t now)
{
	char today[11];
	int active, expired;

	consent_date_of(today, now);
	expired = r->valid_to && strcmp(r->valid_to, today) < 0;
	active = strcmp(r->state, "active") == 0 && strcmp(r->valid_from, today) <= 0 && !expired;
	return json_pack(
	        "{s:I,s:s,s:s?,s:s?,s:s,s:s?,s:o,s:{s:s?,s:s?,s:I},s:s,s:b,s:b,"
	        "s:s,s:o,s:s?,s:o,s:s?,s:b,s:I}",
	        "id", (json_int_t)r->id, "person_name", r->person_name, "birth_date", r->birth_date,
	        "guardian", r->guardian, "valid_from", r->valid_from, "valid_to", r->valid_to,
	        "scope", scope_array(r->accounts), "document", "name", r->document_name, "sha256",
	        r->document_sha256, "bytes", (json_int_t)r->document_bytes, "state", r->state,
	        "active", active, "expired", expired, "created_by", r->created_by, "created_at",
	        calendar_json_local(r->created_at), "withdrawn_by", r->withdrawn_by, "withdrawn_at",
	        calendar_json_local(r->withdrawn_at), "withdraw_reason", r->withdraw_reason,
	        "erased", r->erased_at != 0, "posts", (json_int_t)r->items);
}

static json_t *post_json(const struct consent_item_row *p)
{
	if (!p->found)
		return json_pack("{s:I,s:b,s:n,s:n,s:n,s:n,s:n}", "item", (json_int_t)p->item_id,
		                 "captured", 0, "account", "platform_id", "state", "permalink",
		                 "case");
	return json_pack("{s:I,s:b,s:s?,s:s?,s:s?,s:s?,s:o}", "item", (json_int_t)p->item_id,
	                 "captured", 1, "account", p->account, "platform_id", p->platform_id,
	                 "state", p->state, "permalink", p->permalink, "case",
	                 p->case_id ? json_integer(p->case_id) : json_null());
}

struct one {
	json_t *v;
	int64_t now;
	struct consent_row copy;
	int found;
	char state[16], from[11], to[11];
};

static int grab(void *arg, const struct consent_row *r)
{
	struct one *o = arg;

	o->v = consent_view_json(r, o->now);
	o->found = 1;
	snprintf(o->state, sizeof(o->state), "%s", r->state);
	snprintf(o->from, sizeof(o->from), "%s", r->valid_from);
	snprintf(o->to, sizeof(o->to), "%s", r->valid_to ? r->valid_to : "");
	return 1;
}

/* Loads consent id of op's organisation into o, checking that op may see
 * it. */
static int load(const struct op_ctx *op, int64_t id, struct one *o, struct err *err)
{
	struct consent_filter f = {.org_id = op->org, .id = id};
	int rc;

	o->now = op->now;
	rc = consent_row_each(op->store, &f, grab, o, err);
	if (!rc && !o->found)
		rc = err_set(err, KV_ENOTFOUND, "consent %lld does not exist", (long long)id);
	if (!rc && !o->v)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc) {
		rc = visible(op, id, err);
		rc = rc < 0 ? rc : rc ? KV_OK : op_ctx_require(op, PERM_CONSENT, 0, err);
	}
	if (rc) {
		json_decref(o->v);
		o->v = NULL;
	}
	return rc;
}

static int add_post(void *arg, const struct consent_item_row *p)
{
	json_t *arr = arg;

	return json_array_append_new(arr, post_json(p)) ? KV_ENOMEM : 0;
}

int consent_show(const struct op_ctx *op, int64_t id, json_t **out, struct err *err)
{
	struct one o = {0};
	json_t *posts = json_array();
	int rc = posts ? load(op, id, &o, err) : err_set(err, KV_ENOMEM, "out of memory");

	if (!rc)
		rc = consent_row_items(op->store, op->org, id, add_post, posts, err);
	if (!rc) {
		json_object_set_new(o.v, "post_list", posts);
		*out = o.v;
		return KV_OK;
	}
	json_decref(posts);
	json_decref(o.v);
	return rc;
}

/* ---- linking ---- */

struct item_facts {
	int found;
	int64_t account_id, at;
	char direction[16], kind[16];
};

static int got_item(void *arg, const struct item_row *r)
{
	struct item_facts *f = arg;

	f->found = 1;
	f->account_id = r->account_id;
	f->at = r->created_at ? r->created_at : r->captured_at;
	snprintf(f->direction, sizeof(f->direction), "%s", r->direction);
	snprintf(f->kind, sizeof(f->kind), "%s", r->kind);
	return 1;
}

struct in_scope {
	int64_t account;
	int yes;
};

static int scope_has(void *arg, int64_t account)
{
	struct in_scope *s = arg;

	s->yes |= s->account == account;
	return s->yes;
}

int consent_link(const struct op_ctx *op, int64_t id, int64_t item, int *out_linked,
                 struct err *err)
{
	struct item_filter f = {.org_id = op->org, .item_id = item, .limit = 1};
	struct item_facts it = {0};
	struct in_scope sc = {0};
	struct one o = {0};
	char day[11];
	int linked, rc = load(op, id, &o, err);

	json_decref(o.v);
	if (rc)
		return rc;
	rc = items_each(op->store, &f, got_item, &it, err);
	if (rc < 0)
		return rc;
	if (!it.found)
		return err_set(err, KV_ENOTFOUND, "--item: item %lld does not exist",
		               (long long)item);
	if (strcmp(it.direction, "upprattad") != 0)
		return err_set(err, KV_EINVAL,
		               "--item: item %lld is a %s written by someone else (inkommen), not "
		               "one of the account's own posts: a consent covers what the kommun "
		               "publishes",
		               (long long)item, it.kind);
	if (strcmp(o.state, "active") != 0)
		return err_set(err, KV_ECONFLICT,
		               "consent %lld is withdrawn: it covers no new post", (long long)id);
	sc.account = it.account_id;
	rc = consent_row_accounts(op->store, id, scope_has, &sc, err);
	if (rc)
		return rc;
	if (!sc.yes)
		return err_set(err, KV_EINVAL,
		               "--item: item %lld is on an account outside the consent's scope",
		               (long long)item);
	rc = op_ctx_require(op, PERM_CONSENT, it.account_id, err);
	if (rc)
		return rc;
	consent_date_of(day, it.at);
	if (strcmp(day, o.from) < 0 || (o.to[0] && strcmp(day, o.to) > 0))
		return err_set(err, KV_EINVAL,
		               "--item: item %lld was published on %s, outside the consent's "
		               "period (%s to %s)",
		               (long long)item, day, o.from, o.to[0] ? o.to : "withdrawal");
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = consent_row_link(op->store, id, item, op_ctx_actor(op), op->now, err);
	linked = rc == 1;
	if (linked)
		rc = audit_json(op, "consent.link", id,
		                json_pack("{s:I,s:I}", "item", (json_int_t)item, "account",
		                          (json_int_t)it.account_id),
		                err);
	if (rc < 0) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_linked)
		*out_linked = linked;
	return rc;
}

/* ---- withdrawal ---- */

int consent_taken_down(const char *state)
{
	return state && (strcmp(state, "deleted") == 0 || strcmp(state, "hidden") == 0);
}

struct doc_of {
	char *sha;
};

static int got_doc(void *arg, const struct consent_row *r)
{
	struct doc_of *d = arg;

	snprintf(d->sha, HASH_SHA256_HEX_LEN + 1, "%s",
	         r->document_sha256 ? r->document_sha256 : "");
	return 1;
}

int consent_mask(const struct op_ctx *op, int64_t id, const char *mask,
                 char doc_sha[HASH_SHA256_HEX_LEN + 1], struct err *err)
{
	struct consent_filter f = {.org_id = op->org, .id = id};
	struct doc_of d = {doc_sha};
	int rc = op_ctx_require(op, PERM_GDPR, 0, err);

	doc_sha[0] = '\0';
	if (!rc)
		rc = consent_row_each(op->store, &f, got_doc, &d, err);
	if (!rc)
		rc = consent_row_mask(op->store, op->org, id, mask, op->now, err);
	if (!rc)
		rc = audit_json(op, "consent.erase", id, json_pack("{s:b}", "masked", 1), err);
	return rc;
}

/* The posts of a consent as the withdrawal lists them, each with whether a
 * case is to be opened for it. */
struct posts {
	json_t *list;
	int64_t *open; /* item ids to open a case for, 0 for none */
	size_t n, cap;
};

static int keep_post(void *arg, const struct consent_item_row *p)
{
	struct posts *ps = arg;
	json_t *j;

	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		int64_t *v = realloc(ps->open, cap * sizeof(*v));

		if (!v)
			return KV_ENOMEM;
		ps->open = v;
		ps->cap = cap;
	}
	j = json_pack("{s:I,s:b,s:s?,s:s?,s:s?,s:s?,s:n,s:b}", "item", (json_int_t)p->item_id,
	              "captured", p->found, "account", p->found ? p->account : NULL, "platform_id",
	              p->found ? p->platform_id : NULL, "permalink", p->found ? p->permalink : NULL,
	              "state", p->found ? p->state : NULL, "case", "case_opened", 0);
	if (!j || json_array_append_new(ps->list, j))
		return KV_ENOMEM;
	ps->open[ps->n++] = p->found && !consent_taken_down(p->state) ? p->item_id : 0;
	return 0;
}

int consent_withdraw(const struct op_ctx *op, int64_t id, const char *reason, json_t **out,
                     struct err *err)
{
	struct posts ps = {json_array(), NULL, 0, 0};
	struct one o = {0};
	json_t *res = NULL;
	int64_t opened = 0;
	int rc = check_text("--reason", reason, CONSENT_REASON_MAX, 1, err);

	if (!rc && !ps.list)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = load(op, id, &o, err);
	json_decref(o.v);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		goto out;
	rc = consent_row_withdraw(op->store, op->org, id, op_ctx_actor(op), op->now, reason, err);
	if (!rc)
		rc = consent_row_items(op->store, op->org, id, keep_post, &ps, err);
	if (rc == KV_ENOMEM)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < ps.n; i++) {
		json_t *j = json_array_get(ps.list, i);
		int64_t case_id = 0;
		int now_opened = 0;

		if (!ps.open[i])
			continue;
		rc = cases_open_takedown(op, ps.open[i], CONSENT_CASE_CATEGORIES, op->now, &case_id,
		                         &now_opened, err);
		if (rc)
			break;
		opened += now_opened;
		json_object_set_new(j, "case", json_integer(case_id));
		json_object_set_new(j, "case_opened", json_boolean(now_opened));
	}
	if (!rc)
		rc = audit_json(op, "consent.withdraw", id,
		                json_pack("{s:I,s:I}", "posts", (json_int_t)ps.n, "cases_opened",
		                          (json_int_t)opened),
		                err);
	if (rc) {
		store_rollback(op->store);
		goto out;
	}
	rc = store_commit(op->store, err);
	if (!rc)
		res = json_pack("{s:I,s:s,s:O,s:I}", "consent", (json_int_t)id, "state",
		                "withdrawn", "posts", ps.list, "cases_opened", (json_int_t)opened);
	if (!rc && !res)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		*out = res;
out:
	json_decref(ps.list);
	free(ps.open);
	return rc;
}

/* ---- the expiry check ---- */

struct expired {
	const struct op_ctx *op;
	char today[11];
	int64_t raised;
	struct err *err;
};

struct to_of {
	int64_t id;
	char to[11];
	int found;
};

static int got_to(void *arg, const struct consent_row *r)
{
	struct to_of *t = arg;

	t->found = r->valid_to && strcmp(r->state, "active") == 0;
	snprintf(t->to, sizeof(t->to), "%s", r->valid_to ? r->valid_to : "");
	return 1;
}

static int expired_post(void *arg, const struct consent_item_row *p)
{
	struct expired *x = arg;
	struct consent_filter f = {.org_id = x->op->org, .id = p->consent_id};
	struct to_of t = {p->consent_id, "", 0};
	char key[96], *detail = NULL;
	json_t *d;
	int64_t id = 0;
	int rc;

	if (!p->found || consent_taken_down(p->state))
		return 0;
	rc = consent_row_each(x->op->store, &f, got_to, &t, x->err);
	if (rc || !t.found || strcmp(t.to, x->today) >= 0)
		return rc;
	d = json_pack("{s:I,s:I,s:s?,s:s?,s:s,s:s}", "consent", (json_int_t)p->consent_id, "item",
	              (json_int_t)p->item_id, "account", p->account, "permalink", p->permalink,
	              "valid_to", t.to, "what",
	              "samtycket har gått ut men inlägget ligger kvar: förnya samtycket eller ta "
	              "ned inlägget");
	detail = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(d);
	if (!detail)
		return err_set(x->err, KV_ENOMEM, "out of memory");
	snprintf(key, sizeof(key), "consent-expired:%lld:%lld", (long long)p->consent_id,
	         (long long)p->item_id);
	rc = alert_row_insert(x->op->store, x->op->org, p->account_id, "consent_expired", key,
	                      detail, x->op->now, &id, x->err);
	free(detail);
	if (!rc && id)
		x->raised++;
	return rc;
}

int consent_check_expired(const struct op_ctx *op, int64_t *out_new, struct err *err)
{
	struct expired x = {.op = op, .err = err};
	int rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);

	if (rc)
		return rc;
	consent_date_of(x.today, op->now);
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = consent_row_items(op->store, op->org, 0, expired_post, &x, err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_new)
		*out_new = x.raised;
	return rc;
}
