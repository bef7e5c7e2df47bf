/* The evaluation figures. */
#include "workflow/stats.h"

#include "model/register.h"
#include "store/register_rows.h"
#include "store/stats_rows.h"
#include "workflow/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct times {
	int64_t *v;
	size_t n, cap;
	int nomem;
};

static void times_add(struct times *t, int64_t v)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		int64_t *g = realloc(t->v, cap * sizeof(*g));

		if (!g) {
			t->nomem = 1;
			return;
		}
		t->v = g;
		t->cap = cap;
	}
	t->v[t->n++] = v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

double stats_percentile(const int64_t *sorted, size_t n, double p)
{
	double rank = p / 100.0 * (double)(n - 1);
	size_t lo = (size_t)rank;
	double frac = rank - (double)lo;

	if (lo + 1 >= n)
		return (double)sorted[n - 1];
	return (double)sorted[lo] + frac * (double)(sorted[lo + 1] - sorted[lo]);
}

struct acc_ctx {
	struct stats_account *a, *total;
	struct times *mine, *all;
};

static int on_question(void *arg, const struct stats_question *q)
{
	struct acc_ctx *x = arg;
	int in_time;

	if (strcmp(q->state, "no_answer") == 0)
		return 0; /* closed as needing no answer (history): not counted */
	in_time = q->answered_at && q->answered_at <= q->due_at;
	x->a->questions++;
	x->total->questions++;
	if (q->answered_at) {
		x->a->answered++;
		x->total->answered++;
	}
	if (in_time) {
		x->a->answered_in_time++;
		x->total->answered_in_time++;
	}
	if (q->has_response) {
		times_add(x->mine, q->response_seconds);
		times_add(x->all, q->response_seconds);
	}
	return 0;
}

static void count_cat(struct stats_account *a, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < a->n_cats; i++)
		if (strlen(a->cats[i].name) == len && strncmp(a->cats[i].name, name, len) == 0)
			break;
	if (i == a->n_cats) {
		if (a->n_cats == STATS_CATS_MAX || len >= sizeof(a->cats[0].name))
			return;
		memcpy(a->cats[i].name, name, len);
		a->cats[i].name[len] = '\0';
		a->cats[i].n = 0;
		a->n_cats++;
	}
	a->cats[i].n++;
}

static int on_comment(void *arg, const char *cats)
{
	struct acc_ctx *x = arg;

	x->a->comments++;
	x->total->comments++;
	for (const char *p = cats; p && *p;) {
		size_t k = strcspn(p, ",");

		if (k) {
			count_cat(x->a, p, k);
			count_cat(x->total, p, k);
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

static void finish(struct stats_account *a, struct times *t)
{
	a->posts_per_week = a->weeks > 0 ? (double)a->posts / a->weeks : 0;
	a->in_time_pct =
	        a->questions ? 100.0 * (double)a->answered_in_time / (double)a->questions : -1;
	a->median_hours = a->p90_hours = -1;
	if (t->n) {
		qsort(t->v, t->n, sizeof(t->v[0]), cmp_i64);
		a->median_hours = stats_percentile(t->v, t->n, 50) / 3600.0;
		a->p90_hours = stats_percentile(t->v, t->n, 90) / 3600.0;
	}
}

/* Adds one account's figures to the total's. */
static void reach_add(struct reach_sum *t, const struct reach_sum *a)
{
	t->posts += a->posts;
	if (a->latest > t->latest)
		t->latest = a->latest;
	for (int f = 0; f < REACH_NFIGURES; f++) {
		t->given[f] += a->given[f];
		if (a->given[f])
			t->sum.v[f] = (t->sum.v[f] >= 0 ? t->sum.v[f] : 0) + a->sum.v[f];
	}
}

static int one_account(const struct op_ctx *op, int64_t id, struct stats_report *r,
                       struct times *all, struct err *err)
{
	struct stats_account *a = &r->accounts[r->n];
	struct account_rec *rec = NULL;
	struct times mine = {0};
	struct acc_ctx x = {a, &r->total, &mine, all};
	int rc;

	memset(a, 0, sizeof(*a));
	a->account_id = id;
	a->weeks = r->total.weeks;
	rc = register_row_account_load(op->store, id, &rec, err);
	if (rc)
		return rc;
	snprintf(a->account, sizeof(a->account), "%s/%s", register_platform_name(rec->v.platform),
	         rec->v.handle ? rec->v.handle : "");
	register_row_account_free(rec);
	/* The target as the policy has it (the register's figure unless set). */
	{
		struct policy pol;

		rc = policy_get(op->store, op->org, id, &pol, err);
		if (rc)
			return rc;
		a->target = pol.posts_per_week;
	}
	rc = stats_rows_posts(op->store, id, r->from, r->to, &a->posts, err);
	if (!rc)
		rc = stats_rows_questions(op->store, id, r->from, r->to, on_question, &x, err);
	if (!rc)
		rc = stats_rows_comments(op->store, id, r->from, r->to, on_comment, &x, err);
	if (!rc)
		rc = stats_rows_takedowns(op->store, id, r->from, r->to, &a->hidden, &a->removed,
		                          err);
	if (!rc)
		rc = reach_row_sum(op->store, id, r->from, r->to, &a->reach, err);
	if (!rc && (mine.nomem || all->nomem))
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc) {
		finish(a, &mine);
		r->total.posts += a->posts;
		r->total.hidden += a->hidden;
		r->total.removed += a->removed;
		reach_add(&r->total.reach, &a->reach);
		if (a->target > 0)
			r->total.target = (r->total.target > 0 ? r->total.target : 0) + a->target;
		r->n++;
	}
	free(mine.v);
	return rc;
}

int stats_compute(const struct op_ctx *op, int64_t account_id, int64_t from, int64_t to,
                  struct stats_report *out, struct err *err)
{
	struct stats_report r = {0};
	struct times all = {0};
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if (to <= from)
		return err_set(err, KV_EINVAL,
		               "to: the end of the period must come after its start");
	if (account_id)
		rc = op_ctx_require(op, PERM_STATS_READ, account_id, err);
	else
		rc = principal_can_any(op->who, PERM_STATS_READ)
		             ? KV_OK
		             : op_ctx_require(op, PERM_STATS_READ, 0, err);
	if (rc)
		return rc;
	if (account_id) {
		ids = malloc(sizeof(*ids));
		if (!ids)
			return err_set(err, KV_ENOMEM, "out of memory");
		ids[0] = account_id;
		n = 1;
	} else {
		rc = register_row_account_ids(op->store, op->org, &ids, &n, err);
		if (rc)
			return rc;
	}
	r.from = from;
	r.to = to;
	r.total.weeks = (double)(to - from) / (7.0 * 86400.0);
	r.total.target = -1;
	reach_row_clear(&r.total.reach.sum);
	snprintf(r.total.account, sizeof(r.total.account), "total");
	r.accounts = calloc(n ? n : 1, sizeof(*r.accounts));
	if (!r.accounts)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++)
		if (principal_can(op->who, PERM_STATS_READ, ids[i]))
			rc = one_account(op, ids[i], &r, &all, err);
	free(ids);
	if (!rc)
		finish(&r.total, &all);
	free(all.v);
	if (rc) {
		stats_report_done(&r);
		return rc;
	}
	*out = r;
	return KV_OK;
}

void stats_report_done(struct stats_report *r)
{
	if (!r)
		return;
	free(r->accounts);
	r->accounts = NULL;
	r->n = 0;
}
