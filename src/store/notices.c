/* SQL for the periodic notices (see notices.h). All reads. */
#include "store/notices.h"

#include "store/store.h"

/* The account columns every query below selects first, in this order. */
#define ACCOUNT_COLS "a.id, a.platform, a.handle, r.email, d.email"
#define ACCOUNT_JOINS                                                                              \
	" LEFT JOIN person r ON r.id = a.responsible_id AND r.active = 1"                          \
	" LEFT JOIN person d ON d.id = a.deputy_id AND d.active = 1"
#define N_ACCOUNT_COLS 5

static void read_account(struct store_stmt *st, struct notice_account *a)
{
	a->id = store_col_int(st, 0);
	a->platform = store_col_text(st, 1);
	a->handle = store_col_text(st, 2);
	a->responsible_email = store_col_text(st, 3);
	a->deputy_email = store_col_text(st, 4);
}

int notices_overdue_questions(struct store *s, int64_t org, int64_t now, notices_question_fn fn,
                              void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " ACCOUNT_COLS ", q.id, q.arrived_at, q.due_at, i.permalink,"
	                   " ap.email"
	                   " FROM question q JOIN account a ON a.id = q.account_id" ACCOUNT_JOINS
	                   " JOIN item i ON i.id = q.item_id"
	                   " LEFT JOIN person ap ON ap.id = q.assigned_to AND ap.active = 1"
	                   " WHERE q.org_id = ? AND q.state = 'open' AND q.due_at < ?"
	                   " ORDER BY q.due_at, q.id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, now);
	while ((rc = store_step(st, err)) == 1) {
		struct notice_question q = {0};

		read_account(st, &q.account);
		q.id = store_col_int(st, N_ACCOUNT_COLS);
		q.arrived_at = store_col_int(st, N_ACCOUNT_COLS + 1);
		q.due_at = store_col_int(st, N_ACCOUNT_COLS + 2);
		q.permalink = store_col_text(st, N_ACCOUNT_COLS + 3);
		q.assigned_email = store_col_text(st, N_ACCOUNT_COLS + 4);
		rc = fn(ctx, &q);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int notices_cases_due(struct store *s, int64_t org, int64_t before, notices_case_fn fn, void *ctx,
                      struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " ACCOUNT_COLS ", c.id, c.categories, c.state, c.opened_at,"
	                   " c.due_at, i.permalink"
	                   " FROM mod_case c JOIN account a ON a.id = c.account_id" ACCOUNT_JOINS
	                   " JOIN item i ON i.id = c.item_id"
	                   " WHERE c.org_id = ? AND c.state IN ('open', 'pending_confirmation')"
	                   " AND c.due_at <= ? AND c.history = 0 ORDER BY c.due_at, c.id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, before);
	while ((rc = store_step(st, err)) == 1) {
		struct notice_case c = {0};

		read_account(st, &c.account);
		c.id = store_col_int(st, N_ACCOUNT_COLS);
		c.categories = store_col_text(st, N_ACCOUNT_COLS + 1);
		c.state = store_col_text(st, N_ACCOUNT_COLS + 2);
		c.opened_at = store_col_int(st, N_ACCOUNT_COLS + 3);
		c.due_at = store_col_int(st, N_ACCOUNT_COLS + 4);
		c.permalink = store_col_text(st, N_ACCOUNT_COLS + 5);
		rc = fn(ctx, &c);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int notices_account(struct store *s, int64_t org, int64_t id, notices_account_fn fn, void *ctx,
                    struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, seen = 0;

	rc = store_prepare(s, &st,
	                   "SELECT " ACCOUNT_COLS " FROM account a" ACCOUNT_JOINS
	                   " WHERE a.org_id = ? AND a.id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	while ((rc = store_step(st, err)) == 1) {
		struct notice_account a = {0};

		seen = 1;
		read_account(st, &a);
		rc = fn(ctx, &a);
		if (rc)
			break;
	}
	store_stmt_free(st);
	if (rc == 0 && !seen)
		rc = err_set(err, KV_ENOTFOUND, "no account with id %lld", (long long)id);
	return rc;
}
