/* Policy documents and their reviews. See policydoc.h. */
#include "registry/policydoc.h"

#include "base/calendar.h"
#include "registry/registry.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/policydoc_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (civil calendar). */
static int64_t days_of(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

/* Parses YYYY-MM-DD (a real day from 1900 to 2200); KV_EINVAL naming what. */
static int parse_date(const char *what, const char *s, int *y, int *m, int *d, struct err *err)
{
	char tail;

	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) != 3 ||
	    s[4] != '-' || s[7] != '-' || *y < 1900 || *y > 2200 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > month_days(*y, *m))
		return err_set(err, KV_EINVAL, "%s: '%s' is not a date (YYYY-MM-DD)", what,
		               s ? s : "");
	return KV_OK;
}

/* "4y" or "18m" as months, 1 to 240. */
static int parse_every(const char *s, int64_t *months, struct err *err)
{
	char *end = NULL;
	long n = s ? strtol(s, &end, 10) : 0;

	if (s && end != s && n > 0 && (strcmp(end, "y") == 0 || strcmp(end, "m") == 0)) {
		*months = *end == 'y' ? n * 12 : n;
		if (*months <= 240)
			return KV_OK;
	}
	return err_set(err, KV_EINVAL,
	               "--review-every: '%s' is not a period such as 4y (years) or 18m (months), "
	               "up to 20 years",
	               s ? s : "");
}

static void add_months(const char *from, int64_t months, char out[16])
{
	int y, m, d;

	sscanf(from, "%4d-%2d-%2d", &y, &m, &d);
	m += (int)months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
}

static int64_t day_number(const char *date)
{
	int y, m, d;

	sscanf(date, "%4d-%2d-%2d", &y, &m, &d);
	return days_of(y, m, d);
}

static void today_of(const struct op_ctx *op, char out[16])
{
	struct calendar_local lt;

	calendar_to_local(&lt, op->now);
	snprintf(out, 16, "%04d-%02d-%02d", lt.y % 10000, lt.m, lt.d);
}

int policydoc_add(const struct op_ctx *op, const struct policydoc_input *in, int64_t *out_id,
                  struct err *err)
{
	struct policydoc_row r = {0};
	char next[16];
	int y, m, d, rc = op_ctx_require(op, PERM_POLICY_WRITE, 0, err);
	int64_t id = 0;

	if (!rc && (!in->title || !*in->title || strlen(in->title) > 300))
		rc = err_set(err, KV_EINVAL,
		             "--title: give the document's title (up to 300 bytes)");
	if (!rc && (!in->adopted_by || !*in->adopted_by || strlen(in->adopted_by) > 200))
		rc = err_set(err, KV_EINVAL,
		             "--by: give the body that adopted it (Kommunfullmäktige, "
		             "Kommunstyrelsen, Kommundirektören …)");
	if (!rc)
		rc = parse_date("--adopted", in->adopted, &y, &m, &d, err);
	if (!rc && !!in->every == !!in->review_on)
		rc = err_set(err, KV_EINVAL,
		             "give one of --review-every PERIOD (4y: every fourth year) and "
		             "--review-on YYYY-MM-DD");
	if (!rc && in->every)
		rc = parse_every(in->every, &r.review_every_months, err);
	if (!rc && in->every)
		add_months(in->adopted, r.review_every_months, next);
	if (!rc && in->review_on) {
		rc = parse_date("--review-on", in->review_on, &y, &m, &d, err);
		if (!rc && strcmp(in->review_on, in->adopted) <= 0)
			rc = err_set(err, KV_EINVAL,
			             "--review-on %s is not after the adoption on %s",
			             in->review_on, in->adopted);
		if (!rc)
			snprintf(next, sizeof(next), "%s", in->review_on);
	}
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	if (in->responsible)
		rc = register_row_person_find(op->store, op->org, in->responsible,
		                              &r.responsible_id, err);
	r.title = in->title;
	r.adopted = in->adopted;
	r.adopted_by = in->adopted_by;
	r.next_review = next;
	r.created_by = op_ctx_actor(op);
	r.created_at = op->now;
	if (!rc)
		rc = policydoc_row_insert(op->store, op->org, &r, &id, err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "policydoc.add",
		                       "policydoc", id, NULL,
		                       json_pack("{s:s,s:s,s:s,s:I,s:s,s:s?}", "title", in->title,
		                                 "adopted", in->adopted, "by", in->adopted_by,
		                                 "review_every_months",
		                                 (json_int_t)r.review_every_months, "next_review",
		                                 next, "responsible", in->responsible),
		                       err);
	rc = store_finish(op->store, rc, err);
	if (!rc)
		*out_id = id;
	return rc;
}

struct one {
	int found;
	char adopted[11];
	int64_t every;
	char state[16];
};

static int one_row(void *arg, const struct policydoc_row *r)
{
	struct one *o = arg;

	o->found = 1;
	snprintf(o->adopted, sizeof(o->adopted), "%s", r->adopted);
	o->every = r->review_every_months;
	snprintf(o->state, sizeof(o->state), "%s", r->state);
	return 0;
}

static int load_one(const struct op_ctx *op, int64_t id, struct one *o, struct err *err)
{
	int rc = policydoc_row_each(op->store, op->org, id, one_row, o, err);

	if (!rc && (!o->found || strcmp(o->state, "active") != 0))
		rc = err_set(err, KV_ENOTFOUND, "no active policy document %lld", (long long)id);
	return rc;
}

int policydoc_review(const struct op_ctx *op, int64_t id, const char *on, const char *next,
                     struct err *err)
{
	struct one o = {0};
	char due[16] = "";
	int y, m, d, rc = op_ctx_require(op, PERM_POLICY_WRITE, 0, err);

	if (!rc)
		rc = parse_date("--on", on, &y, &m, &d, err);
	if (!rc && next)
		rc = parse_date("--next", next, &y, &m, &d, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = load_one(op, id, &o, err);
	if (!rc && strcmp(on, o.adopted) < 0)
		rc = err_set(err, KV_EINVAL, "--on %s is before the adoption on %s", on, o.adopted);
	if (!rc && next)
		snprintf(due, sizeof(due), "%s", next);
	else if (!rc && o.every)
		add_months(on, o.every, due);
	else if (!rc)
		rc = err_set(err, KV_EINVAL,
		             "document %lld has no review period: give --next YYYY-MM-DD",
		             (long long)id);
	if (!rc && strcmp(due, on) <= 0)
		rc = err_set(err, KV_EINVAL, "--next %s is not after the review on %s", due, on);
	if (!rc)
		rc = policydoc_row_review(op->store, op->org, id, on, due, err);
	if (!rc)
		rc = audit_append_json(
		        op->store, op->org, op_ctx_actor(op), "policydoc.review", "policydoc", id,
		        NULL, json_pack("{s:s,s:s}", "reviewed_on", on, "next_review", due), err);
	return store_finish(op->store, rc, err);
}

int policydoc_retire(const struct op_ctx *op, int64_t id, struct err *err)
{
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, 0, err);

	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = policydoc_row_retire(op->store, op->org, id, err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "policydoc.retire",
		                       "policydoc", id, NULL,
		                       json_pack("{s:s}", "state", "retired"), err);
	return store_finish(op->store, rc, err);
}

int policydoc_apply(const struct op_ctx *op, int64_t id, const char *account, struct err *err)
{
	struct one o = {0};
	int64_t acct = 0;
	int rc = registry_account_find(op, account, &acct, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_REGISTER_WRITE, acct, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = load_one(op, id, &o, err);
	if (!rc)
		rc = policydoc_row_apply(op->store, id, acct, err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "account.policy",
		                       "account", acct, NULL,
		                       json_pack("{s:I}", "policydoc", (json_int_t)id), err);
	return store_finish(op->store, rc, err);
}

struct lister {
	policydoc_json_fn fn;
	void *ctx;
	char today[16];
};

json_t *policydoc_names_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list ? list : "";

	while (a && *p) {
		size_t k = strcspn(p, ",");

		json_array_append_new(a, json_stringn(p, k));
		p += k;
		if (*p == ',')
			p++;
	}
	return a;
}

static int list_row(void *arg, const struct policydoc_row *r)
{
	struct lister *l = arg;
	int64_t left = day_number(r->next_review) - day_number(l->today);
	json_t *j =
	        json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:s?,s:s?,s:s,s:I,s:b,s:o}", "id",
	                  (json_int_t)r->id, "title", r->title, "adopted", r->adopted, "by",
	                  r->adopted_by, "review_every_months", (json_int_t)r->review_every_months,
	                  "next_review", r->next_review, "last_review", r->last_review,
	                  "responsible", r->responsible, "state", r->state, "days_left",
	                  (json_int_t)left, "overdue", strcmp(r->state, "active") == 0 && left < 0,
	                  "accounts", policydoc_names_json(r->accounts));

	return j ? l->fn(l->ctx, j) : KV_ENOMEM;
}

int policydoc_list(const struct op_ctx *op, int64_t id, policydoc_json_fn fn, void *ctx,
                   struct err *err)
{
	struct lister l = {fn, ctx, ""};
	int rc = op_ctx_require(op, PERM_REGISTER_READ, 0, err);

	today_of(op, l.today);
	if (!rc)
		rc = policydoc_row_each(op->store, op->org, id, list_row, &l, err);
	if (rc == KV_ENOMEM)
		err_set(err, KV_ENOMEM, "out of memory");
	return rc;
}

struct checker {
	const struct op_ctx *op;
	int64_t warn_days;
	char today[16];
	int64_t raised;
	struct err *err;
};

static int check_row(void *arg, const struct policydoc_row *r)
{
	struct checker *c = arg;
	int64_t left = day_number(r->next_review) - day_number(c->today), id = 0;
	int overdue = left < 0;
	char key[128], subject[400], body[1400], *detail;
	json_t *d;
	int rc;

	if (strcmp(r->state, "active") != 0 || left > c->warn_days)
		return 0;
	snprintf(key, sizeof(key), "policydoc-%s:%lld:%s", overdue ? "overdue" : "due",
	         (long long)r->id, r->next_review);
	d = json_pack("{s:I,s:s,s:s,s:I,s:s?,s:s}", "policydoc", (json_int_t)r->id, "title",
	              r->title, "next_review", r->next_review, "days_left", (json_int_t)left,
	              "responsible", r->responsible, "what",
	              overdue ? "översynen av styrdokumentet är försenad"
	                      : "styrdokumentet ska ses över snart");
	detail = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(d);
	if (!detail)
		return err_set(c->err, KV_ENOMEM, "out of memory");
	rc = alert_row_insert(c->op->store, c->op->org, 0,
	                      overdue ? "policydoc_overdue" : "policydoc_review_due", key, detail,
	                      c->op->now, &id, c->err);
	free(detail);
	if (rc || !id)
		return rc;
	c->raised++;
	if (!r->responsible)
		return KV_OK;
	snprintf(subject, sizeof(subject), "%s: %s ska ses över %s",
	         overdue ? "Försenad översyn" : "Översyn", r->title, r->next_review);
	snprintf(body, sizeof(body),
	         "Hej!\n\n\"%s\", antaget %s av %s, ska ses över senast %s%s.\n\n"
	         "När översynen är gjord: kanalvakt policydoc review %lld --on ÅÅÅÅ-MM-DD\n",
	         r->title, r->adopted, r->adopted_by, r->next_review,
	         overdue ? " och den tiden har passerat" : "", (long long)r->id);
	return outbox_enqueue(c->op->store, c->op->org, key, r->responsible, subject, body,
	                      c->op->now, &id, c->err);
}

int policydoc_check(const struct op_ctx *op, int64_t warn_days, int64_t *out_alerts,
                    struct err *err)
{
	struct checker c = {op, warn_days, "", 0, err};
	int rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);

	today_of(op, c.today);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = policydoc_row_each(op->store, op->org, 0, check_row, &c, err);
	rc = store_finish(op->store, rc, err);
	if (!rc && out_alerts)
		*out_alerts = c.raised;
	return rc;
}
