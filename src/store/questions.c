/* Reads and writes of the question table and the item lookups behind the
 * inbox. Thread lookups go through the (account, root) index of item, so
 * opening and closing questions costs the same in a large store. */
#include "store/questions.h"

#include "store/store.h"

#include <string.h>

static const char *text_or_null(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

int questions_each(struct store *s, const struct question_filter *f, questions_fn fn, void *ctx,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, i = 1;

	rc = store_prepare(
	        s, &st,
	        "SELECT q.id, q.account_id, a.platform || '/' || a.handle, q.item_id, q.state,"
	        " q.arrived_at, q.due_at, p.email, q.forwarded_to, q.note, q.answer_item_id,"
	        " q.answered_at, q.response_seconds, q.closed_by, q.updated_at, i.author_name,"
	        " i.text, i.permalink, sc.categories, i.platform_id, q.answer_via,"
	        " i.root_platform_id"
	        /* The questions are picked and ordered on the question table
	         * alone (with the limit), and only those are joined with their
	         * items: a page of 50 costs 50 item reads, not one per question. */
	        " FROM (SELECT q0.id FROM question q0"
	        "  WHERE q0.org_id = ? AND (? = 0 OR q0.account_id = ?) AND (? = 0 OR q0.id = ?)"
	        "  AND q0.state BETWEEN ? AND ?" /* a range, so the (org, state) index serves */
	        "  AND (? = 0 OR (q0.state = 'open' AND q0.due_at < ?))"
	        "  ORDER BY (q0.state = 'open' AND q0.due_at < ?) DESC, q0.due_at, q0.id"
	        "  LIMIT ?) pick"
	        " JOIN question q ON q.id = pick.id"
	        " JOIN account a ON a.id = q.account_id"
	        " JOIN item i ON i.id = q.item_id"
	        " LEFT JOIN person p ON p.id = q.assigned_to"
	        " LEFT JOIN item_screening sc ON sc.item_id = q.item_id"
	        " ORDER BY (q.state = 'open' AND q.due_at < ?) DESC, q.due_at, q.id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, i++, f->org);
	store_bind_int(st, i++, f->account_id);
	store_bind_int(st, i++, f->account_id);
	store_bind_int(st, i++, f->id);
	store_bind_int(st, i++, f->id);
	store_bind_text(st, i++, f->state ? f->state : "");
	store_bind_text(st, i++, f->state ? f->state : "~");
	store_bind_int(st, i++, f->overdue_at);
	store_bind_int(st, i++, f->overdue_at);
	store_bind_int(st, i++, f->now);
	store_bind_int(st, i++, f->limit > 0 ? f->limit : -1);
	store_bind_int(st, i++, f->now);
	while ((rc = store_step(st, err)) == 1) {
		struct question_row q = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .account = store_col_text(st, 2),
		        .item_id = store_col_int(st, 3),
		        .state = store_col_text(st, 4),
		        .arrived_at = store_col_int(st, 5),
		        .due_at = store_col_int(st, 6),
		        .assigned_to = text_or_null(st, 7),
		        .forwarded_to = text_or_null(st, 8),
		        .note = text_or_null(st, 9),
		        .answer_item_id = store_col_int(st, 10),
		        .answered_at = store_col_int(st, 11),
		        .response_seconds = store_col_int(st, 12),
		        .has_response = !store_col_is_null(st, 12),
		        .closed_by = text_or_null(st, 13),
		        .updated_at = store_col_int(st, 14),
		        .author = text_or_null(st, 15),
		        .text = store_col_text(st, 16),
		        .permalink = text_or_null(st, 17),
		        .categories = text_or_null(st, 18),
		        .item_platform_id = store_col_text(st, 19),
		        .answer_via = text_or_null(st, 20),
		        .item_root = text_or_null(st, 21),
		};

		rc = fn(ctx, &q);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int questions_insert(struct store *s, const struct question_new *q, int64_t *out_id,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "INSERT INTO question (org_id, account_id, item_id, state, arrived_at,"
	                  " due_at, answer_item_id, answered_at, response_seconds, closed_by,"
	                  " updated_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                  " RETURNING id",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, q->org);
	store_bind_int(st, 2, q->account_id);
	store_bind_int(st, 3, q->item_id);
	store_bind_text(st, 4,
	                q->answer_item_id ? "answered"
	                : q->no_answer    ? "no_answer"
	                                  : "open");
	store_bind_int(st, 5, q->arrived_at);
	store_bind_int(st, 6, q->due_at);
	if (q->answer_item_id) {
		store_bind_int(st, 7, q->answer_item_id);
		store_bind_int(st, 8, q->answered_at);
		store_bind_int(st, 9, q->response_seconds);
		store_bind_text(st, 10, q->closed_by);
	} else {
		store_bind_null(st, 7);
		store_bind_null(st, 8);
		store_bind_null(st, 9);
		store_bind_text(st, 10, q->no_answer ? q->closed_by : NULL);
	}
	store_bind_int(st, 11, q->now);
	store_bind_text(st, 12, q->note);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_id = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_EINTERNAL, "question insert returned no id");
	}
	store_reset(st);
	return rc;
}

int questions_exists(struct store *s, int64_t item_id, int *out, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st, "SELECT 1 FROM question WHERE item_id = ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	rc = store_step(st, err);
	if (rc >= 0) {
		*out = rc;
		rc = KV_OK;
	}
	store_reset(st);
	return rc;
}

int questions_update(struct store *s, int64_t org, int64_t id, const struct question_change *c,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, i = 1;

	/* COALESCE keeps what is not given; response_seconds has its own flag
	 * because 0 is a real response time. */
	rc = store_cached(s, &st,
	                  "UPDATE question SET state = ?,"
	                  " assigned_to = COALESCE(?, assigned_to),"
	                  " forwarded_to = COALESCE(?, forwarded_to),"
	                  " note = COALESCE(?, note),"
	                  " answer_item_id = COALESCE(?, answer_item_id),"
	                  " answered_at = COALESCE(?, answered_at),"
	                  " response_seconds = CASE WHEN ? <> 0 THEN ? ELSE response_seconds END,"
	                  " closed_by = COALESCE(?, closed_by),"
	                  " answer_text = COALESCE(?, answer_text),"
	                  " answer_via = COALESCE(?, answer_via),"
	                  " updated_at = ?"
	                  " WHERE org_id = ? AND id = ? RETURNING id",
	                  err);
	if (rc)
		return rc;
	store_bind_text(st, i++, c->state);
	if (c->assigned_to)
		store_bind_int(st, i++, c->assigned_to);
	else
		store_bind_null(st, i++);
	store_bind_text(st, i++, c->forwarded_to);
	store_bind_text(st, i++, c->note);
	if (c->answer_item_id)
		store_bind_int(st, i++, c->answer_item_id);
	else
		store_bind_null(st, i++);
	if (c->answered_at)
		store_bind_int(st, i++, c->answered_at);
	else
		store_bind_null(st, i++);
	store_bind_int(st, i++, c->set_response);
	store_bind_int(st, i++, c->response_seconds);
	store_bind_text(st, i++, c->closed_by);
	store_bind_text(st, i++, c->answer_text);
	store_bind_text(st, i++, c->answer_via);
	store_bind_int(st, i++, c->now);
	store_bind_int(st, i++, org);
	store_bind_int(st, i++, id);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "question %lld does not exist", (long long)id);
	return KV_OK;
}

int questions_scan_items(struct store *s, int64_t org, int64_t after, int64_t limit, qitem_fn fn,
                         void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT i.id, i.account_id, i.platform_id, i.parent_platform_id,"
	        " i.root_platform_id, i.direction, COALESCE(i.created_at, i.captured_at),"
	        " COALESCE(sc.question, 0), sc.categories, i.captured_at"
	        " FROM item i LEFT JOIN item_screening sc ON sc.item_id = i.id"
	        " WHERE i.org_id = ? AND i.id > ? ORDER BY i.id LIMIT ?",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, after);
	store_bind_int(st, 3, limit);
	while ((rc = store_step(st, err)) == 1) {
		struct qitem it = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .platform_id = store_col_text(st, 2),
		        .parent = text_or_null(st, 3),
		        .root = text_or_null(st, 4),
		        .upprattad = strcmp(store_col_text(st, 5), "upprattad") == 0,
		        .at = store_col_int(st, 6),
		        .question = store_col_int(st, 7) != 0,
		        .categories = text_or_null(st, 8),
		        .captured_at = store_col_int(st, 9),
		};

		rc = fn(ctx, &it);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int questions_find_reply(struct store *s, int64_t account_id, const char *platform_id,
                         const char *root, int64_t since, int64_t *out_item, int64_t *out_at,
                         struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT id, COALESCE(created_at, captured_at) AS t FROM item"
	                  " WHERE account_id = ? AND root_platform_id = ?"
	                  " AND parent_platform_id = ? AND direction = 'upprattad'"
	                  " AND COALESCE(created_at, captured_at) >= ? ORDER BY t, id LIMIT 1",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, root ? root : platform_id);
	store_bind_text(st, 3, platform_id);
	store_bind_int(st, 4, since);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_item = store_col_int(st, 0);
		*out_at = store_col_int(st, 1);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = KV_ENOTFOUND;
	}
	store_reset(st);
	return rc;
}

int questions_find_unanswered(struct store *s, int64_t account_id, const char *parent,
                              const char *root, int64_t before, int64_t *out_id,
                              int64_t *out_arrived, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	if (parent) {
		rc = store_cached(s, &st,
		                  "SELECT q.id, q.arrived_at FROM item i"
		                  " JOIN question q ON q.item_id = i.id"
		                  " WHERE i.account_id = ? AND i.platform_id = ?"
		                  " AND q.state IN ('open', 'forwarded')",
		                  err);
		if (rc)
			return rc;
		store_bind_int(st, 1, account_id);
		store_bind_text(st, 2, parent);
	} else {
		if (!root)
			return KV_ENOTFOUND;
		rc = store_cached(s, &st,
		                  "SELECT q.id, q.arrived_at FROM item i"
		                  " JOIN question q ON q.item_id = i.id"
		                  " WHERE i.account_id = ? AND i.root_platform_id = ?"
		                  " AND q.state IN ('open', 'forwarded') AND q.arrived_at <= ?"
		                  " ORDER BY q.arrived_at, q.id LIMIT 1",
		                  err);
		if (rc)
			return rc;
		store_bind_int(st, 1, account_id);
		store_bind_text(st, 2, root);
		store_bind_int(st, 3, before);
	}
	rc = store_step(st, err);
	if (rc == 1) {
		*out_id = store_col_int(st, 0);
		*out_arrived = store_col_int(st, 1);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = KV_ENOTFOUND;
	}
	store_reset(st);
	return rc;
}

int questions_scan_rescreened(struct store *s, int64_t org, int64_t since, int64_t upto,
                              qitem_fn fn, void *ctx, int64_t *out_max_screened, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t max = since;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT i.id, i.account_id, i.platform_id, i.parent_platform_id,"
	        " i.root_platform_id, i.direction, COALESCE(i.created_at, i.captured_at),"
	        " sc.question, sc.categories, i.captured_at, sc.screened_at"
	        " FROM item_screening sc JOIN item i ON i.id = sc.item_id"
	        " WHERE sc.question = 1 AND sc.screened_at >= ? AND i.org_id = ? AND i.id <= ?"
	        " AND i.direction = 'inkommen'"
	        " AND NOT EXISTS (SELECT 1 FROM question q WHERE q.item_id = i.id)"
	        " ORDER BY i.id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, org);
	store_bind_int(st, 3, upto);
	while ((rc = store_step(st, err)) == 1) {
		struct qitem it = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .platform_id = store_col_text(st, 2),
		        .parent = text_or_null(st, 3),
		        .root = text_or_null(st, 4),
		        .upprattad = 0,
		        .at = store_col_int(st, 6),
		        .question = 1,
		        .categories = text_or_null(st, 8),
		        .captured_at = store_col_int(st, 9),
		};

		if (store_col_int(st, 10) > max)
			max = store_col_int(st, 10);
		rc = fn(ctx, &it);
		if (rc)
			break;
	}
	store_stmt_free(st);
	if (!rc)
		*out_max_screened = max;
	return rc;
}
