/* Register operations: validate at the edge of the domain, resolve names to
 * ids, write in one transaction with the audit entry, and render the public
 * list. */
#include "registry/registry.h"

#include "registry/house_rules.h"

#include "base/escape.h"
#include "base/time.h"
#include "render/render_doc.h"
#include "render/render_html.h"
#include "store/audit.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HANDLE_MAX   200
#define NAME_MAX_LEN 300
#define REF_MAX      100

static void today(char out[11])
{
	char iso[TIME_ISO_LEN];

	time_format_utc(iso, time_now());
	memcpy(out, iso, 10);
	out[10] = '\0';
}

static char *dump(json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(v);
	return s;
}

/* Runs fn inside a transaction; rolls back on failure. */
static int audit(const struct op_ctx *c, const char *action, const char *entity, int64_t id,
                 const char *before, const char *after, struct err *err)
{
	char idtext[32];

	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	return audit_append(c->store, NULL, c->org, op_ctx_actor(c), action, entity, idtext, before,
	                    after, err);
}

int registry_init(const struct op_ctx *op, const char *org_name, int64_t *out_org, struct err *err)
{
	struct store *s = op->store;
	const char *actor = op_ctx_actor(op);
	int64_t org = 0;
	json_t *j;
	char *after;
	int rc;

	rc = op_ctx_require(op, PERM_ORG_ADMIN, 0, err);
	if (!rc)
		rc = register_validate_text("--org", org_name, NAME_MAX_LEN, 1, err);
	if (rc)
		return rc;
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = register_row_org_create(s, org_name, &org, err);
	if (!rc) {
		char idtext[32];

		snprintf(idtext, sizeof(idtext), "%lld", (long long)org);
		j = json_pack("{s:s}", "name", org_name);
		after = dump(j);
		rc = audit_append(s, NULL, org, actor, "org.create", "org", idtext, NULL, after,
		                  err);
		free(after);
	}
	rc = store_finish(s, rc, err);
	if (!rc && out_org)
		*out_org = org;
	return rc;
}

int registry_unit_add(const struct op_ctx *c, const char *name, const char *parent, int64_t *out_id,
                      struct err *err)
{
	int64_t parent_id = 0, id = 0;
	char *after = NULL;
	int rc;

	rc = register_validate_text("--name", name, NAME_MAX_LEN, 1, err);
	if (!rc && parent)
		rc = register_validate_text("--parent", parent, NAME_MAX_LEN, 1, err);
	if (rc)
		return rc;
	rc = op_ctx_require(c, PERM_REGISTER_WRITE, 0, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	if (parent && (rc = register_row_unit_find(c->store, c->org, parent, &parent_id, err)))
		err_prefix(err, "--parent: ");
	if (!rc)
		rc = register_row_unit_insert(c->store, c->org, name, parent_id, &id, err);
	if (!rc) {
		after = dump(json_pack("{s:s,s:s?}", "name", name, "parent", parent));
		rc = audit(c, "unit.add", "unit", id, NULL, after, err);
	}
	free(after);
	rc = store_finish(c->store, rc, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

int registry_unit_close(const struct op_ctx *c, const char *name, const char *date, struct err *err)
{
	char day[11];
	int64_t id = 0;
	char *after = NULL;
	int rc;

	rc = register_validate_date("--date", date, err);
	if (rc)
		return rc;
	today(day);
	rc = op_ctx_require(c, PERM_REGISTER_WRITE, 0, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	rc = register_row_unit_find(c->store, c->org, name, &id, err);
	if (!rc)
		rc = register_row_unit_close(c->store, id, date ? date : day, err);
	if (!rc) {
		after = dump(json_pack("{s:s,s:s}", "name", name, "closed_on", date ? date : day));
		rc = audit(c, "unit.close", "unit", id, NULL, after, err);
	}
	free(after);
	return store_finish(c->store, rc, err);
}

/* The phone field as person add takes it. */
static int check_phone(const char *phone, struct err *err)
{
	int rc = register_validate_text("--phone", phone, 40, 0, err);

	if (!rc && phone && phone[strspn(phone, "+0123456789 -()")] != '\0')
		rc = err_set(err, KV_EINVAL, "--phone: '%.40s' is not a phone number", phone);
	return rc;
}

int registry_person_add(const struct op_ctx *c, const struct person_input *in, int64_t *out_id,
                        struct err *err)
{
	struct person_row p = {0};
	int64_t unit_id = 0, id = 0;
	char *after = NULL;
	int rc;

	rc = register_validate_text("--name", in->name, NAME_MAX_LEN, 1, err);
	if (!rc)
		rc = register_validate_email("--email", in->email, err);
	if (!rc)
		rc = register_validate_text("--title", in->title, NAME_MAX_LEN, 0, err);
	if (!rc)
		rc = check_phone(in->phone, err);
	if (rc)
		return rc;
	rc = op_ctx_require(c, PERM_REGISTER_WRITE, 0, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	if (in->unit && (rc = register_row_unit_find(c->store, c->org, in->unit, &unit_id, err)))
		err_prefix(err, "--unit: ");
	if (!rc) {
		p.name = in->name;
		p.email = in->email;
		p.title = in->title;
		p.phone = in->phone;
		p.contact_public = in->contact_public;
		rc = register_row_person_insert(c->store, c->org, &p, unit_id, &id, err);
	}
	if (!rc) {
		after = dump(json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:b}", "name", in->name, "email",
		                       in->email, "title", in->title, "phone", in->phone, "unit",
		                       in->unit, "contact_public", in->contact_public));
		rc = audit(c, "person.add", "person", id, NULL, after, err);
	}
	free(after);
	rc = store_finish(c->store, rc, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

int registry_person_contact(const struct op_ctx *c, const char *email, const char *phone,
                            int contact_public, struct err *err)
{
	int64_t id = 0;
	char *after = NULL;
	int rc = check_phone(phone, err);

	if (!rc && !phone && contact_public < 0)
		rc = err_set(err, KV_EINVAL, "give --phone P, --public or --private");
	if (!rc)
		rc = op_ctx_require(c, PERM_REGISTER_WRITE, 0, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	rc = register_row_person_find(c->store, c->org, email, &id, err);
	if (!rc)
		rc = register_row_person_contact(c->store, id, phone, contact_public, err);
	if (!rc) {
		json_t *j = json_pack("{s:s}", "email", email);

		if (phone)
			json_object_set_new(j, "phone", *phone ? json_string(phone) : json_null());
		if (contact_public >= 0)
			json_object_set_new(j, "contact_public", json_boolean(contact_public));
		after = dump(j);
		rc = audit(c, "person.contact", "person", id, NULL, after, err);
	}
	free(after);
	return store_finish(c->store, rc, err);
}

int registry_person_set_active(const struct op_ctx *c, const char *email, int active,
                               struct err *err)
{
	int64_t id = 0;
	char *after = NULL;
	int rc;

	rc = op_ctx_require(c, PERM_REGISTER_WRITE, 0, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	rc = register_row_person_find(c->store, c->org, email, &id, err);
	if (!rc)
		rc = register_row_person_set_active(c->store, id, active, err);
	if (!rc) {
		after = dump(json_pack("{s:s,s:b}", "email", email, "active", active));
		rc = audit(c, active ? "person.activate" : "person.deactivate", "person", id, NULL,
		           after, err);
	}
	free(after);
	return store_finish(c->store, rc, err);
}

/* Resolves an optional person reference given by e-mail. "" clears. */
static int resolve_person(const struct op_ctx *c, const char *field, const char *email, int64_t *id,
                          struct err *err)
{
	int rc;

	if (!email)
		return KV_OK;
	if (!*email) {
		*id = 0;
		return KV_OK;
	}
	rc = register_validate_email(field, email, err);
	if (rc)
		return rc;
	rc = register_row_person_find(c->store, c->org, email, id, err);
	return rc ? err_prefix(err, "%s: ", field) : KV_OK;
}

/* Optional text: NULL keeps *dst, "" clears it, otherwise validated. */
static int take_text(const char *field, const char *value, size_t max, const char **dst,
                     struct err *err)
{
	int rc;

	if (!value)
		return KV_OK;
	rc = register_validate_text(field, value, max, 0, err);
	if (rc)
		return rc;
	*dst = *value ? value : NULL;
	return KV_OK;
}

/* Applies in onto r (which holds the current values, or zeroes for a new
 * account). Admin ids go to *admins (owned by the caller). */
static int resolve_input(const struct op_ctx *c, const struct account_input *in,
                         struct account_row *r, int64_t **admins, struct err *err)
{
	int rc = KV_OK;

	*admins = NULL;
	if (in->platform && register_platform_from_name(in->platform, &r->platform) != KV_OK)
		return err_set(err, KV_EINVAL, "--platform: unknown platform '%.40s' (one of: %s)",
		               in->platform, register_platform_names());
	if (in->handle) {
		rc = register_validate_text("--handle", in->handle, HANDLE_MAX, 1, err);
		if (rc)
			return rc;
		if (strpbrk(in->handle, " \t\n\r"))
			return err_set(err, KV_EINVAL, "--handle: '%.80s' contains spaces",
			               in->handle);
		r->handle = in->handle[0] == '@' && in->handle[1] ? in->handle + 1 : in->handle;
	}
	if (in->url) {
		rc = register_validate_url("--url", in->url, err);
		if (rc)
			return rc;
		r->url = *in->url ? in->url : NULL;
	}
	if ((rc = take_text("--name", in->name, NAME_MAX_LEN, &r->display_name, err)) ||
	    (rc = take_text("--purpose", in->purpose, REG_FIELD_MAX, &r->purpose, err)) ||
	    (rc = take_text("--goal", in->goal, REG_FIELD_MAX, &r->goal, err)) ||
	    (rc = take_text("--audience", in->audience, REG_FIELD_MAX, &r->audience, err)) ||
	    (rc = take_text("--decision-ref", in->decision_ref, REF_MAX, &r->decision_ref, err)) ||
	    (rc = take_text("--house-rules", in->house_rules, REG_LONG_FIELD_MAX, &r->house_rules,
	                    err)) ||
	    (rc = take_text("--platform-id", in->platform_id, HANDLE_MAX, &r->platform_account_id,
	                    err)))
		return rc;
	if (in->decided_on) {
		rc = register_validate_date("--decided-on", in->decided_on, err);
		if (rc)
			return rc;
		r->decided_on = *in->decided_on ? in->decided_on : NULL;
	}
	if (in->posts_per_week) {
		char *end = NULL;
		long long n;

		if (!*in->posts_per_week) {
			r->posts_per_week = -1;
		} else {
			n = strtoll(in->posts_per_week, &end, 10);
			if (!end || *end || end == in->posts_per_week || n < 0 || n > 1000)
				return err_set(err, KV_EINVAL,
				               "--posts-per-week: '%.20s' is not a number from 0 "
				               "to 1000",
				               in->posts_per_week);
			r->posts_per_week = n;
		}
	}
	if (in->unit) {
		rc = register_validate_text("--unit", in->unit, NAME_MAX_LEN, 1, err);
		if (rc)
			return rc;
		rc = register_row_unit_find(c->store, c->org, in->unit, &r->unit_id, err);
		if (rc)
			return err_prefix(err, "--unit: ");
	}
	if ((rc = resolve_person(c, "--responsible", in->responsible, &r->responsible_id, err)) ||
	    (rc = resolve_person(c, "--deputy", in->deputy, &r->deputy_id, err)) ||
	    (rc = resolve_person(c, "--decided-by", in->decided_by, &r->decided_by_id, err)))
		return rc;
	if (in->admins_given && in->n_admins) {
		int64_t *ids = calloc(in->n_admins, sizeof(*ids));

		if (!ids)
			return err_set(err, KV_ENOMEM, "out of memory");
		for (size_t i = 0; i < in->n_admins; i++) {
			rc = resolve_person(c, "--admin", in->admins[i], &ids[i], err);
			if (rc) {
				free(ids);
				return rc;
			}
		}
		*admins = ids;
	}
	return KV_OK;
}

static void row_from_rec(struct account_row *r, const struct account_rec *a)
{
	memset(r, 0, sizeof(*r));
	r->platform = a->v.platform;
	r->handle = a->v.handle;
	r->url = a->v.url;
	r->display_name = a->v.display_name;
	r->unit_id = a->v.unit_id;
	r->purpose = a->v.purpose;
	r->goal = a->v.goal;
	r->audience = a->v.audience;
	r->responsible_id = a->v.responsible.id;
	r->deputy_id = a->v.deputy.id;
	r->decided_by_id = a->v.decided_by.id;
	r->decided_on = a->v.decided_on;
	r->decision_ref = a->v.decision_ref;
	r->posts_per_week = a->v.posts_per_week;
	r->house_rules = a->v.house_rules;
	r->platform_account_id = a->platform_account_id;
}

static char *account_snapshot(struct store *s, int64_t id, struct err *err, int *rc)
{
	struct account_rec *rec = NULL;
	char *out;

	*rc = register_row_account_load(s, id, &rec, err);
	if (*rc)
		return NULL;
	out = dump(registry_account_json(rec));
	register_row_account_free(rec);
	if (!out)
		*rc = err_set(err, KV_ENOMEM, "out of memory");
	return out;
}

int registry_account_add(const struct op_ctx *c, const struct account_input *in, int64_t *out_id,
                         struct err *err)
{
	struct account_row r = {.posts_per_week = -1};
	int64_t *admins = NULL, id = 0;
	char *after = NULL;
	int rc;

	if (!in->platform)
		return err_set(err, KV_EINVAL, "--platform: a value is required (one of: %s)",
		               register_platform_names());
	if (!in->handle)
		return err_set(err, KV_EINVAL, "--handle: a value is required");
	if (!in->unit)
		return err_set(err, KV_EINVAL, "--unit: a value is required");
	rc = op_ctx_require(c, PERM_REGISTER_WRITE, 0, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	rc = resolve_input(c, in, &r, &admins, err);
	if (!rc)
		rc = register_row_account_insert(c->store, c->org, &r, &id, err);
	if (!rc && admins)
		rc = register_row_account_set_admins(c->store, id, admins, in->n_admins, err);
	if (!rc)
		after = account_snapshot(c->store, id, err, &rc);
	if (!rc)
		rc = audit(c, "account.add", "account", id, NULL, after, err);
	free(after);
	free(admins);
	rc = store_finish(c->store, rc, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

int registry_account_find(const struct op_ctx *c, const char *ref, int64_t *out_id, struct err *err)
{
	int rc = register_validate_text("account", ref, HANDLE_MAX, 1, err);

	return rc ? rc : register_row_account_find(c->store, c->org, ref, out_id, err);
}

/* Resolves ref and checks that the principal may do perm on that account. */
static int find_for(const struct op_ctx *c, const char *ref, uint32_t perm, int64_t *out_id,
                    struct err *err)
{
	int64_t id = 0;
	int rc = registry_account_find(c, ref, &id, err);

	if (!rc)
		rc = op_ctx_require(c, perm, id, err);
	if (!rc)
		*out_id = id;
	return rc;
}

/* Opens the transaction of a change to account ref: resolved, checked for
 * perm and loaded (*rec owned: register_row_account_free). On failure the
 * transaction is rolled back and nothing is left to free. */
static int begin_account(const struct op_ctx *c, const char *ref, uint32_t perm, int64_t *id,
                         struct account_rec **rec, struct err *err)
{
	int rc = store_begin(c->store, err);

	if (rc)
		return rc;
	rc = find_for(c, ref, perm, id, err);
	if (!rc)
		rc = register_row_account_load(c->store, *id, rec, err);
	if (rc)
		store_rollback(c->store);
	return rc;
}

int registry_account_edit(const struct op_ctx *c, const char *ref, const struct account_input *in,
                          struct err *err)
{
	struct account_rec *rec = NULL;
	struct account_row r;
	int64_t *admins = NULL, id = 0;
	char *before = NULL, *after = NULL;
	int rc;

	rc = begin_account(c, ref, PERM_REGISTER_WRITE, &id, &rec, err);
	if (rc)
		return rc;
	before = dump(registry_account_json(rec));
	row_from_rec(&r, rec);
	rc = resolve_input(c, in, &r, &admins, err);
	if (!rc)
		rc = register_row_account_update(c->store, id, &r, err);
	if (!rc && in->admins_given)
		rc = register_row_account_set_admins(c->store, id, admins,
		                                     admins ? in->n_admins : 0, err);
	if (!rc)
		after = account_snapshot(c->store, id, err, &rc);
	if (!rc)
		rc = audit(c, "account.edit", "account", id, before, after, err);
	register_row_account_free(rec);
	free(before);
	free(after);
	free(admins);
	return store_finish(c->store, rc, err);
}

/* Changes the status of an account with an audit entry holding before/after. */
static int set_status(const struct op_ctx *c, int64_t id, const char *action,
                      enum account_status st, const char *opened_on, const char *closed_on,
                      const char *reason, struct err *err)
{
	char *before = NULL, *after = NULL;
	int rc;

	before = account_snapshot(c->store, id, err, &rc);
	if (!rc)
		rc = register_row_account_set_status(c->store, id, st, opened_on, closed_on, reason,
		                                     err);
	if (!rc)
		after = account_snapshot(c->store, id, err, &rc);
	if (!rc)
		rc = audit(c, action, "account", id, before, after, err);
	free(before);
	free(after);
	return rc;
}

int registry_account_activate(const struct op_ctx *c, const char *ref,
                              struct check_problem **out_problems, size_t *out_n, struct err *err)
{
	struct account_rec *rec = NULL;
	struct check_problem *problems = NULL;
	size_t n = 0, blocking = 0;
	int64_t id = 0;
	char day[11];
	int rc;

	*out_problems = NULL;
	*out_n = 0;
	rc = begin_account(c, ref, PERM_ACCOUNT_LIFECYCLE, &id, &rec, err);
	if (rc)
		return rc;
	if (rec->v.status == ACCOUNT_CLOSED) {
		rc = err_set(err, KV_ECONFLICT,
		             "account %s/%s is closed; a closed account stays closed (register a "
		             "new one)",
		             register_platform_name(rec->v.platform), rec->v.handle);
		goto out;
	}
	problems = calloc(register_check_rule_count, sizeof(*problems));
	if (!problems) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	n = register_check_account(&rec->v, problems, register_check_rule_count);
	for (size_t i = 0; i < n; i++)
		if (problems[i].rule->severity == CHECK_ERROR)
			problems[blocking++] = problems[i];
	if (blocking) {
		rc = err_set(err, KV_ECONFLICT,
		             "account %s/%s cannot be activated: %zu mandatory check(s) fail",
		             register_platform_name(rec->v.platform), rec->v.handle, blocking);
		*out_problems = problems;
		*out_n = blocking;
		problems = NULL;
		goto out;
	}
	today(day);
	rc = set_status(c, id, "account.activate", ACCOUNT_ACTIVE, day, NULL, NULL, err);
out:
	free(problems);
	register_row_account_free(rec);
	return store_finish(c->store, rc, err);
}

int registry_account_deactivate(const struct op_ctx *c, const char *ref, struct err *err)
{
	struct account_rec *rec = NULL;
	int64_t id = 0;
	int rc;

	rc = begin_account(c, ref, PERM_ACCOUNT_LIFECYCLE, &id, &rec, err);
	if (rc)
		return rc;
	if (rec->v.status != ACCOUNT_ACTIVE)
		rc = err_set(err, KV_ECONFLICT, "account %s is %s, not active", ref,
		             register_account_status_name(rec->v.status));
	if (!rc)
		rc = set_status(c, id, "account.deactivate", ACCOUNT_INACTIVE, NULL, NULL, NULL,
		                err);
	register_row_account_free(rec);
	return store_finish(c->store, rc, err);
}

int registry_account_close(const struct op_ctx *c, const char *ref, const char *date,
                           const char *reason, struct err *err)
{
	struct account_rec *rec = NULL;
	int64_t id = 0;
	char day[11];
	int rc;

	rc = register_validate_text("--reason", reason, REG_FIELD_MAX, 1, err);
	if (!rc)
		rc = register_validate_date("--date", date, err);
	if (rc)
		return rc;
	today(day);
	rc = begin_account(c, ref, PERM_ACCOUNT_LIFECYCLE, &id, &rec, err);
	if (rc)
		return rc;
	if (rec->v.status == ACCOUNT_CLOSED)
		rc = err_set(err, KV_ECONFLICT, "account %s is already closed (on %s)", ref,
		             rec->closed_on ? rec->closed_on : "?");
	if (!rc)
		rc = set_status(c, id, "account.close", ACCOUNT_CLOSED, NULL, date ? date : day,
		                reason, err);
	register_row_account_free(rec);
	return store_finish(c->store, rc, err);
}

int registry_checklist_answer(const struct op_ctx *c, const char *ref, const char *key,
                              const char *answer, struct err *err)
{
	int64_t id = 0;
	char *before = NULL, *after = NULL;
	int k, rc;

	k = register_checklist_find(key);
	if (k < 0) {
		struct buf b;

		buf_init(&b, 4096);
		for (size_t i = 0; i < register_checklist_count; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", register_checklist_items[i].key);
		err_set(err, KV_EINVAL, "checklist item '%.60s' does not exist (one of: %s)", key,
		        buf_cstr(&b));
		buf_done(&b);
		return KV_EINVAL;
	}
	rc = register_validate_text("answer", answer, REG_FIELD_MAX, 1, err);
	if (rc)
		return rc;
	rc = store_begin(c->store, err);
	if (rc)
		return rc;
	rc = find_for(c, ref, PERM_REGISTER_WRITE, &id, err);
	if (!rc)
		before = account_snapshot(c->store, id, err, &rc);
	if (!rc)
		rc = register_row_checklist_set(c->store, id, register_checklist_items[k].key,
		                                answer, err);
	if (!rc)
		after = account_snapshot(c->store, id, err, &rc);
	if (!rc)
		rc = audit(c, "account.checklist", "account", id, before, after, err);
	free(before);
	free(after);
	return store_finish(c->store, rc, err);
}

int registry_check(const struct op_ctx *c, const char *ref, struct registry_problem **out,
                   size_t *n_out, struct err *err)
{
	struct registry_problem *all = NULL;
	struct check_problem found[64];
	int64_t *ids = NULL, one = 0;
	size_t n_ids = 0, n = 0, cap = 0;
	int rc;

	if (ref) {
		rc = find_for(c, ref, PERM_REGISTER_READ, &one, err);
		if (rc)
			return rc;
		ids = &one;
		n_ids = 1;
	} else {
		rc = register_row_account_ids(c->store, c->org, &ids, &n_ids, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < n_ids && !rc; i++) {
		struct account_rec *rec = NULL;
		size_t k;

		/* A list of all accounts shows only those the principal may read. */
		if (!principal_can(c->who, PERM_REGISTER_READ, ids[i]))
			continue;
		rc = register_row_account_load(c->store, ids[i], &rec, err);
		if (!rc)
			rc = house_rules_assess(c->store, c->org, rec, &rec->arena, err);
		if (rc) {
			register_row_account_free(rec);
			break;
		}
		k = register_check_account(&rec->v, found, sizeof(found) / sizeof(found[0]));
		for (size_t j = 0; j < k && j < sizeof(found) / sizeof(found[0]); j++) {
			if (n == cap) {
				struct registry_problem *p =
				        realloc(all, (cap = cap ? cap * 2 : 16) * sizeof(*p));
				if (!p) {
					rc = err_set(err, KV_ENOMEM, "out of memory");
					break;
				}
				all = p;
			}
			all[n].account_id = rec->v.id;
			snprintf(all[n].account, sizeof(all[n].account), "%s/%s",
			         register_platform_name(rec->v.platform), rec->v.handle);
			all[n].rule = found[j].rule;
			memcpy(all[n].detail, found[j].detail, sizeof(all[n].detail));
			n++;
		}
		register_row_account_free(rec);
	}
	if (ids != &one)
		free(ids);
	if (rc) {
		free(all);
		return rc;
	}
	*out = all;
	*n_out = n;
	return KV_OK;
}

static int may_read_some(const struct op_ctx *c, struct err *err)
{
	return principal_can_any(c->who, PERM_REGISTER_READ)
	               ? KV_OK
	               : op_ctx_require(c, PERM_REGISTER_READ, 0, err);
}

int registry_units_each(const struct op_ctx *c, reg_unit_fn fn, void *ctx, struct err *err)
{
	int rc = may_read_some(c, err);

	return rc ? rc : register_row_unit_each(c->store, c->org, fn, ctx, err);
}

int registry_people_each(const struct op_ctx *c, reg_person_fn fn, void *ctx, struct err *err)
{
	int rc = may_read_some(c, err);

	return rc ? rc : register_row_person_each(c->store, c->org, fn, ctx, err);
}

int registry_account_ids(const struct op_ctx *c, int64_t **out, size_t *n, struct err *err)
{
	int64_t *ids = NULL;
	size_t all = 0, k = 0;
	int rc = may_read_some(c, err);

	if (!rc)
		rc = register_row_account_ids(c->store, c->org, &ids, &all, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < all; i++)
		if (principal_can(c->who, PERM_REGISTER_READ, ids[i]))
			ids[k++] = ids[i];
	*out = ids;
	*n = k;
	return KV_OK;
}

int registry_account_get(const struct op_ctx *c, int64_t id, struct account_rec **out,
                         struct err *err)
{
	struct account_rec *r = NULL;
	int rc = register_row_account_load(c->store, id, &r, err);

	if (!rc && r->org_id != c->org)
		rc = err_set(err, KV_ENOTFOUND, "account %lld does not exist", (long long)id);
	if (!rc)
		rc = op_ctx_require(c, PERM_REGISTER_READ, id, err);
	if (rc) {
		register_row_account_free(r);
		return rc;
	}
	*out = r;
	return KV_OK;
}

/* The current profile picture (null when none is fetched). */
static json_t *picture_json(const struct account_rec *r)
{
	char at[TIME_ISO_LEN];

	if (!r->picture_sha256)
		return json_null();
	time_format_utc(at, r->picture_noted_at);
	return json_pack("{s:s,s:s,s:s,s:s?,s:I}", "sha256", r->picture_sha256, "source",
	                 r->picture_source, "noted_at", at, "content_type", r->picture_type,
	                 "bytes", (json_int_t)r->picture_bytes);
}

json_t *registry_account_json(const struct account_rec *r)
{
	json_t *admins = json_array(), *checklist = json_object();

	for (size_t i = 0; i < r->v.n_admins; i++)
		json_array_append_new(admins, json_string(r->admin_emails[i]));
	for (size_t i = 0; i < r->n_checklist; i++)
		json_object_set_new(checklist, r->checklist[i].key,
		                    json_string(r->checklist[i].answer));
	/* "s?" gives null for a field not set. */
	return json_pack(
	        "{s:I,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:o,"
	        "s:s?,s:s?,s:s?,s:o,s:s?,s:s?,s:s?,s:s?,s:o,s:o,s:o}",
	        "id", (json_int_t)r->v.id, "platform", register_platform_name(r->v.platform),
	        "handle", r->v.handle, "platform_id", r->platform_account_id, "url", r->v.url,
	        "name", r->v.display_name, "status", register_account_status_name(r->v.status),
	        "unit", r->unit_name, "purpose", r->v.purpose, "goal", r->v.goal, "audience",
	        r->v.audience, "responsible", r->responsible_email, "deputy", r->deputy_email,
	        "admins", admins, "decided_by", r->decided_by_email, "decided_on", r->v.decided_on,
	        "decision_ref", r->v.decision_ref, "posts_per_week",
	        r->v.posts_per_week >= 0 ? json_integer(r->v.posts_per_week) : json_null(),
	        "house_rules", r->v.house_rules, "opened_on", r->opened_on, "closed_on",
	        r->closed_on, "closing_reason", r->closing_reason, "checklist", checklist,
	        "policydoc", r->v.policydoc_id ? json_integer(r->v.policydoc_id) : json_null(),
	        "picture", picture_json(r));
}

int registry_format_from_name(const char *s, enum registry_format *out)
{
	if (!s)
		return KV_EINVAL;
	if (strcmp(s, "html") == 0)
		*out = REGISTRY_HTML;
	else if (strcmp(s, "json") == 0)
		*out = REGISTRY_JSON;
	else if (strcmp(s, "csv") == 0)
		*out = REGISTRY_CSV;
	else
		return KV_EINVAL;
	return KV_OK;
}

/* What the public list shows of one account. */
struct public_entry {
	const char *platform;
	const char *name;
	const char *url;
	const char *unit;
	const char *purpose;
	const char *audience;
	const char *function; /* the responsible person's title, never the name */
	const char *email;    /* only when marked public */
	const char *phone;    /* only when marked public */
};

static void public_entry(struct public_entry *e, const struct account_rec *r)
{
	int pub = r->responsible_contact_public && r->v.responsible.active;

	e->platform = register_platform_label(r->v.platform);
	e->name = r->v.display_name ? r->v.display_name : r->v.handle;
	e->url = r->v.url;
	e->unit = r->unit_name;
	e->purpose = r->v.purpose;
	e->audience = r->v.audience;
	e->function = r->responsible_title;
	e->email = pub ? r->responsible_email : NULL;
	e->phone = pub ? r->responsible_phone : NULL;
}

/* The page around the public list: title, heading and the text that says
 * what the list is. The table follows. */
static int html_head(struct render_doc *doc, const char *org, const char *day)
{
	char line[512];
	int rc;

	snprintf(line, sizeof(line), "%s – våra konton i sociala medier", org);
	rc = render_doc_set_title(doc, line);
	snprintf(line, sizeof(line), "%s i sociala medier", org);
	rc = rc ? rc : render_doc_heading(doc, 1, line);
	rc = rc ? rc : render_doc_para_begin(doc, RENDER_BODY);
	rc = rc ? rc : render_doc_text(doc, "Här finns alla officiella konton som ");
	rc = rc ? rc : render_doc_text(doc, org);
	rc = rc ? rc
	        : render_doc_text(doc,
	                          " har i sociala medier, vilken verksamhet som ansvarar för "
	                          "dem, vad de är till för och vem de vänder sig till. Det som "
	                          "skrivs på kontona kan bli allmänna handlingar.");
	rc = rc ? rc : render_doc_para_end(doc);
	snprintf(line, sizeof(line), "Förteckningen uppdaterades %s.", day);
	rc = rc ? rc : render_doc_paragraph(doc, RENDER_BODY, line);
	return rc;
}

/* One account's row of the public list. */
static int html_row(struct render_doc *doc, const struct public_entry *e)
{
	int rc = render_doc_row_begin(doc);

	rc = rc ? rc : render_doc_cell(doc, e->platform);
	rc = rc ? rc : render_doc_cell_begin(doc);
	if (!rc && e->url)
		rc = render_doc_link(doc, e->url, e->name);
	else if (!rc)
		rc = render_doc_text(doc, e->name);
	rc = rc ? rc : render_doc_cell_end(doc);
	rc = rc ? rc : render_doc_cell(doc, e->unit);
	rc = rc ? rc : render_doc_cell(doc, e->purpose);
	rc = rc ? rc : render_doc_cell(doc, e->audience);
	rc = rc ? rc : render_doc_cell_begin(doc);
	if (!rc && e->function)
		rc = render_doc_text(doc, e->function);
	if (!rc && e->email) {
		char mailto[320];

		snprintf(mailto, sizeof(mailto), "mailto:%s", e->email);
		rc = render_doc_break(doc);
		rc = rc ? rc : render_doc_link(doc, mailto, e->email);
	}
	if (!rc && e->phone) {
		rc = render_doc_break(doc);
		rc = rc ? rc : render_doc_text(doc, e->phone);
	}
	rc = rc ? rc : render_doc_cell_end(doc);
	return rc ? rc : render_doc_row_end(doc);
}

int registry_export_public(const struct op_ctx *c, enum registry_format fmt, struct buf *out,
                           struct err *err)
{
	struct arena a;
	const char *org = NULL;
	int64_t *ids = NULL;
	size_t n_ids = 0, shown = 0;
	json_t *list = NULL;
	struct render_doc *html = NULL;
	char day[11];
	int rc;

	arena_init(&a);
	today(day);
	rc = register_row_org_name(c->store, c->org, &a, &org, err);
	if (!rc)
		rc = register_row_account_ids(c->store, c->org, &ids, &n_ids, err);
	if (rc)
		goto out;
	if (fmt == REGISTRY_HTML) {
		static const char *const heads[] = {"Kanal", "Konto",    "Ansvarig verksamhet",
		                                    "Syfte", "Målgrupp", "Kontakt"};

		rc = render_doc_new(&html);
		rc = rc ? rc : html_head(html, org, day);
		rc = rc ? rc : render_doc_table_begin(html, "Konton", 6, heads);
	} else if (fmt == REGISTRY_CSV) {
		rc = buf_puts(out, "plattform,namn,adress,verksamhet,syfte,malgrupp,funktion,"
		                   "epost,telefon\r\n");
	} else {
		list = json_array();
	}
	for (size_t i = 0; i < n_ids && !rc; i++) {
		struct account_rec *r = NULL;
		struct public_entry e;

		rc = register_row_account_load(c->store, ids[i], &r, err);
		if (rc)
			break;
		if (r->v.status != ACCOUNT_ACTIVE && r->v.status != ACCOUNT_INACTIVE) {
			register_row_account_free(r);
			continue;
		}
		public_entry(&e, r);
		shown++;
		if (fmt == REGISTRY_JSON) {
			json_array_append_new(
			        list,
			        json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}",
			                  "platform", register_platform_name(r->v.platform), "name",
			                  e.name, "url", e.url, "unit", e.unit, "purpose",
			                  e.purpose, "audience", e.audience, "function", e.function,
			                  "email", e.email, "phone", e.phone));
		} else if (fmt == REGISTRY_CSV) {
			const char *f[] = {e.platform, e.name,     e.url,   e.unit, e.purpose,
			                   e.audience, e.function, e.email, e.phone};

			for (size_t k = 0; k < sizeof(f) / sizeof(f[0]) && !rc; k++) {
				rc = k ? buf_putc(out, ',') : KV_OK;
				rc = rc ? rc : escape_csv(out, f[k]);
			}
			rc = rc ? rc : buf_puts(out, "\r\n");
		} else {
			rc = html_row(html, &e);
		}
		register_row_account_free(r);
	}
	if (rc)
		goto out;
	if (fmt == REGISTRY_HTML) {
		rc = render_doc_table_end(html);
		if (!rc && shown == 0)
			rc = render_doc_paragraph(html, RENDER_BODY,
			                          "Det finns inga aktiva konton just nu.");
		rc = rc ? rc : render_html_write(html, out, err);
	} else if (fmt == REGISTRY_JSON) {
		json_t *doc = json_pack("{s:s,s:s,s:o}", "organisation", org, "updated", day,
		                        "accounts", list);
		char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		list = NULL;
		json_decref(doc);
		rc = s ? buf_puts(out, s) : KV_ENOMEM;
		rc = rc ? rc : buf_putc(out, '\n');
		free(s);
	}
	if (rc)
		rc = err_set(err, rc,
		             "public list: cannot build output (too large or out of memory)");
out:
	render_doc_free(html);
	json_decref(list);
	free(ids);
	arena_done(&a);
	return rc;
}
