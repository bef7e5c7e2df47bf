/* The inbox: opening questions from screened items, answering them from the
 * account's replies, and the hand-made changes (assign, forward, close).
 * The sync walks new items in id order behind the "inbox" cursor, a batch
 * per transaction, so a crash repeats at most one batch and repeating it
 * changes nothing. */
#include "workflow/inbox.h"

#include "model/question_state.h"

#include "base/arena.h"
#include "base/calendar.h"
#include "base/time.h"
#include "base/utf8.h"
#include "capture/publish.h"
#include "model/register.h"
#include "store/audit.h"
#include "store/questions.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "store/workflow_cursor.h"
#include "workflow/policy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH    500
#define POLICIES 32

struct sync_ctx {
	struct store *s;
	int64_t org;
	const char *actor;
	struct workflow_sync_report *rep;
	struct err *err;
	int64_t last_id;
	int64_t seen;
	/* Policies of the accounts met in this run, small and linear: a sync
	 * usually touches a handful of accounts. */
	struct {
		int64_t account_id;
		struct policy p;
	} pol[POLICIES];
	size_t n_pol, next_pol;
};

static int account_policy(struct sync_ctx *c, int64_t account_id, const struct policy **out)
{
	size_t slot;
	int rc;

	for (size_t i = 0; i < c->n_pol; i++)
		if (c->pol[i].account_id == account_id) {
			*out = &c->pol[i].p;
			return KV_OK;
		}
	if (c->n_pol < POLICIES) {
		slot = c->n_pol++;
	} else {
		slot = c->next_pol;
		c->next_pol = (c->next_pol + 1) % POLICIES;
	}
	rc = policy_get(c->s, c->org, account_id, &c->pol[slot].p, c->err);
	if (rc) {
		c->pol[slot].account_id = 0;
		return rc;
	}
	c->pol[slot].account_id = account_id;
	*out = &c->pol[slot].p;
	return KV_OK;
}

static int audit_question(struct store *s, int64_t org, const char *actor, const char *action,
                          int64_t id, json_t *before, json_t *after, struct err *err)
{
	return audit_append_json(s, org, actor, action, "question", id, before, after, err);
}

static json_t *iso(int64_t t)
{
	char buf[CALENDAR_ISO_LEN];

	calendar_format_local(buf, t);
	return json_string(buf);
}

/* Working seconds from a to b, never negative (a reply stamped before its
 * question by a platform's clock counts as immediate). */
static int response(int64_t *out, const struct calendar_config *cal, int64_t a, int64_t b,
                    struct err *err)
{
	int64_t secs = 0;
	int rc = b > a ? calendar_working_seconds_between(&secs, cal, a, b, err) : KV_OK;

	if (rc)
		return rc;
	*out = secs > 0 ? secs : 0;
	return KV_OK;
}

static int has_category(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (list && *list) {
		size_t len = strcspn(list, ",");

		if (len == n && strncmp(list, name, n) == 0)
			return 1;
		list += len;
		if (*list == ',')
			list++;
	}
	return 0;
}

/* A question captured longer than history_after after it arrived (an
 * archive imported later) is history: the kommun could not have answered it
 * in time and will not now, so it is recorded closed as needing no answer,
 * with the reason, instead of opening as overdue and calling for e-mails. */
static int history(struct sync_ctx *c, const struct policy *p, const struct qitem *it,
                   struct question_new *q, char *note, size_t n)
{
	char len[POLICY_DUR_LEN];
	int old = 0, rc;

	rc = policy_is_history(p, it->at, it->captured_at, &old, c->err);
	if (rc)
		return err_prefix(c->err, "question item %lld: ", (long long)it->id);
	if (!old)
		return KV_OK;
	policy_duration_format(len, &p->history_after);
	snprintf(note, n,
	         "historik: fångad %lld dagar efter att den kom in (mer än history_after %s)",
	         (long long)((it->captured_at - it->at) / 86400), len);
	q->no_answer = 1;
	q->note = note;
	q->closed_by = c->actor;
	return KV_OK;
}

static int open_question(struct sync_ctx *c, const struct qitem *it)
{
	const struct policy *p;
	struct question_new q = {0};
	int64_t reply = 0, reply_at = 0, id = 0;
	int exists = 0, rc;
	char note[200];

	rc = questions_exists(c->s, it->id, &exists, c->err);
	if (rc || exists)
		return rc;
	rc = account_policy(c, it->account_id, &p);
	if (rc)
		return rc;
	q.org = c->org;
	q.account_id = it->account_id;
	q.item_id = it->id;
	q.arrived_at = it->at;
	q.now = time_now();
	rc = policy_due(&q.due_at, &p->cal, &p->answer_deadline, it->at, c->err);
	if (rc)
		return err_prefix(c->err, "question item %lld: ", (long long)it->id);
	rc = history(c, p, it, &q, note, sizeof(note));
	if (rc)
		return rc;
	/* The reply may have been captured before the question (a source
	 * listing newest first): look for it, so order does not matter. */
	rc = questions_find_reply(c->s, it->account_id, it->platform_id, it->root, it->at, &reply,
	                          &reply_at, c->err);
	if (rc && rc != KV_ENOTFOUND)
		return rc;
	if (rc == KV_OK) {
		q.answer_item_id = reply;
		q.answered_at = reply_at;
		q.closed_by = c->actor;
		rc = response(&q.response_seconds, &p->cal, it->at, reply_at, c->err);
		if (rc)
			return rc;
	}
	if (reply)
		q.no_answer = 0; /* answered in the thread: that is what it was */
	rc = questions_insert(c->s, &q, &id, c->err);
	if (!rc && q.no_answer)
		rc = audit_question(c->s, c->org, c->actor, "question.history", id, NULL,
		                    json_pack("{s:I,s:I,s:s,s:o,s:o,s:s}", "item",
		                              (json_int_t)it->id, "account",
		                              (json_int_t)it->account_id, "state", "no_answer",
		                              "arrived_at", iso(it->at), "captured_at",
		                              iso(it->captured_at), "reason", note),
		                    c->err);
	else if (!rc)
		rc = audit_question(
		        c->s, c->org, c->actor, "question.open", id, NULL,
		        json_pack("{s:I,s:I,s:s,s:o,s:o,s:b}", "item", (json_int_t)it->id,
		                  "account", (json_int_t)it->account_id, "state", "open",
		                  "arrived_at", iso(it->at), "due_at", iso(q.due_at), "referral",
		                  has_category(it->categories, "political")),
		        c->err);
	if (!rc && reply)
		rc = audit_question(c->s, c->org, c->actor, "question.answered", id,
		                    json_pack("{s:s}", "state", "open"),
		                    json_pack("{s:s,s:I,s:o,s:I,s:s}", "state", "answered",
		                              "answer_item", (json_int_t)reply, "answered_at",
		                              iso(reply_at), "response_seconds",
		                              (json_int_t)q.response_seconds, "by", "reply"),
		                    c->err);
	if (rc)
		return rc;
	if (q.no_answer)
		c->rep->questions_history++;
	else
		c->rep->questions_opened++;
	if (reply)
		c->rep->questions_answered++;
	return KV_OK;
}

static int answer_by_reply(struct sync_ctx *c, const struct qitem *it)
{
	const struct policy *p;
	struct question_change ch = {0};
	int64_t qid = 0, arrived = 0;
	int rc = KV_ENOTFOUND;

	if (it->parent)
		rc = questions_find_unanswered(c->s, it->account_id, it->parent, NULL, 0, &qid,
		                               &arrived, c->err);
	/* A reply straight under the thread's root answers the oldest question
	 * in the thread that came before it; a reply to someone else's comment
	 * that is not a question answers nothing. */
	if (rc == KV_ENOTFOUND && it->root && (!it->parent || strcmp(it->parent, it->root) == 0))
		rc = questions_find_unanswered(c->s, it->account_id, NULL, it->root, it->at, &qid,
		                               &arrived, c->err);
	if (rc == KV_ENOTFOUND)
		return KV_OK;
	if (rc)
		return rc;
	rc = account_policy(c, it->account_id, &p);
	if (rc)
		return rc;
	ch.state = "answered";
	ch.answer_item_id = it->id;
	ch.answered_at = it->at;
	ch.set_response = 1;
	ch.closed_by = c->actor;
	ch.now = time_now();
	rc = response(&ch.response_seconds, &p->cal, arrived, it->at, c->err);
	if (!rc)
		rc = questions_update(c->s, c->org, qid, &ch, c->err);
	if (!rc)
		rc = audit_question(c->s, c->org, c->actor, "question.answered", qid, NULL,
		                    json_pack("{s:s,s:I,s:o,s:I,s:s}", "state", "answered",
		                              "answer_item", (json_int_t)it->id, "answered_at",
		                              iso(it->at), "response_seconds",
		                              (json_int_t)ch.response_seconds, "by", "reply"),
		                    c->err);
	if (!rc)
		c->rep->questions_answered++;
	return rc;
}

static int visit(struct sync_ctx *c, const struct qitem *it)
{
	int rc = KV_OK;

	if (it->upprattad)
		rc = answer_by_reply(c, it);
	else if (it->question)
		rc = open_question(c, it);
	return rc;
}

/* A batch of items, copied out of the scan so that they can be visited in
 * the order they were written rather than captured: a source that lists
 * the newest first (most exports, Graph pages, conversations) is captured
 * answer before question, and the answer must find its question open. */
struct batch {
	struct qitem *v;
	size_t n, cap;
	struct arena strs;
	int nomem;
};

static int hold(void *arg, const struct qitem *it)
{
	struct batch *b = arg;
	struct qitem *q;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct qitem *v = realloc(b->v, cap * sizeof(*v));

		if (!v) {
			b->nomem = 1;
			return KV_ENOMEM;
		}
		b->v = v;
		b->cap = cap;
	}
	q = &b->v[b->n];
	*q = *it;
	q->platform_id = arena_strdup(&b->strs, it->platform_id);
	q->parent = arena_strdup(&b->strs, it->parent);
	q->root = arena_strdup(&b->strs, it->root);
	q->categories = arena_strdup(&b->strs, it->categories);
	if ((it->platform_id && !q->platform_id) || (it->parent && !q->parent) ||
	    (it->root && !q->root) || (it->categories && !q->categories)) {
		b->nomem = 1;
		return KV_ENOMEM;
	}
	b->n++;
	return KV_OK;
}

static int by_time(const void *x, const void *y)
{
	const struct qitem *a = x, *b = y;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* One batch: the next items after the cursor, visited oldest first; the
 * cursor moves past the highest id among them. */
static int sync_batch(struct sync_ctx *c, struct batch *b, int64_t cursor)
{
	int rc;

	b->n = 0;
	b->nomem = 0;
	arena_done(&b->strs);
	rc = questions_scan_items(c->s, c->org, cursor, BATCH, hold, b, c->err);
	if (b->nomem)
		return err_set(c->err, KV_ENOMEM, "out of memory");
	if (rc)
		return rc;
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), by_time);
	c->seen = 0;
	c->last_id = cursor;
	for (size_t i = 0; i < b->n && !rc; i++) {
		int64_t id = b->v[i].id;

		rc = visit(c, &b->v[i]);
		if (id > c->last_id)
			c->last_id = id;
	}
	c->seen = (int64_t)b->n;
	return rc;
}

/* Items behind the cursor that a later screening made questions (a rescreen
 * with new rules, or an edit): opened as any question is, due from when
 * they were asked, answered at once when the account has replied in the
 * thread. The "inbox.screened" cursor holds the last screening time seen;
 * repeating a pass changes nothing (an item with a question is left out). */
static int sync_rescreened(struct sync_ctx *c, struct batch *b)
{
	int64_t cursor = 0, since = 0, max = 0;
	int rc;

	b->n = 0;
	b->nomem = 0;
	arena_done(&b->strs);
	rc = store_begin(c->s, c->err);
	if (rc)
		return rc;
	rc = workflow_cursor_get(c->s, c->org, "inbox", &cursor, c->err);
	if (!rc)
		rc = workflow_cursor_get(c->s, c->org, "inbox.screened", &since, c->err);
	if (!rc && cursor > 0)
		rc = questions_scan_rescreened(c->s, c->org, since, cursor, hold, b, &max, c->err);
	if (b->nomem)
		rc = err_set(c->err, KV_ENOMEM, "out of memory");
	if (!rc && b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), by_time);
	for (size_t i = 0; i < b->n && !rc; i++)
		rc = visit(c, &b->v[i]);
	if (!rc && b->n && max != since)
		rc = workflow_cursor_set(c->s, c->org, "inbox.screened", max, c->err);
	if (rc) {
		store_rollback(c->s);
		return rc;
	}
	return store_commit(c->s, c->err);
}

int inbox_sync(const struct op_ctx *op, struct workflow_sync_report *rep, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct sync_ctx *c;
	struct batch b = {0};
	int rc = op_ctx_require(op, PERM_CAPTURE, 0, err);

	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(err, KV_ENOMEM, "out of memory");
	arena_init(&b.strs);
	c->s = s;
	c->org = org;
	c->actor = actor;
	c->rep = rep;
	c->err = err;
	rc = sync_rescreened(c, &b);
	for (; !rc;) {
		int64_t cursor = 0;

		rc = store_begin(s, err);
		if (rc)
			break;
		rc = workflow_cursor_get(s, org, "inbox", &cursor, err);
		c->seen = 0;
		c->last_id = cursor;
		if (!rc)
			rc = sync_batch(c, &b, cursor);
		if (!rc && c->last_id != cursor)
			rc = workflow_cursor_set(s, org, "inbox", c->last_id, err);
		if (rc) {
			store_rollback(s);
			break;
		}
		rc = store_commit(s, err);
		if (rc || c->seen < BATCH)
			break;
	}
	arena_done(&b.strs);
	free(b.v);
	free(c);
	return rc;
}

/* Passes on the rows of the accounts the principal may read. */
struct visible {
	const struct principal *who;
	questions_fn fn;
	void *ctx;
};

static int visible_row(void *arg, const struct question_row *q)
{
	struct visible *v = arg;

	return principal_can(v->who, PERM_ITEM_READ, q->account_id) ? v->fn(v->ctx, q) : 0;
}

int inbox_list(const struct op_ctx *op, const struct question_filter *f, questions_fn fn, void *ctx,
               struct err *err)
{
	struct question_filter of = *f;
	struct visible v = {op->who, fn, ctx};

	if (!principal_can_any(op->who, PERM_ITEM_READ))
		return op_ctx_require(op, PERM_ITEM_READ, 0, err);
	of.org = op->org;
	/* Rows of accounts the principal may not read are passed over after
	 * the store's limit, which would then cut the list short. */
	if (!principal_can_all(op->who, PERM_ITEM_READ))
		of.limit = 0;
	return questions_each(op->store, &of, visible_row, &v, err);
}

int inbox_is_overdue(const struct question_row *q, int64_t now)
{
	enum question_state st;

	return question_state_from_name(q->state, &st, NULL) == KV_OK &&
	       question_state_is_overdue(st, q->due_at, now);
}

static void view_time(char out[CALENDAR_ISO_LEN], int64_t t)
{
	if (t)
		calendar_format_local(out, t);
	else
		snprintf(out, CALENDAR_ISO_LEN, "-");
}

json_t *inbox_view_json(const struct question_row *q, int64_t now)
{
	char arrived[CALENDAR_ISO_LEN], due[CALENDAR_ISO_LEN], answered[CALENDAR_ISO_LEN];
	json_t *j;

	view_time(arrived, q->arrived_at);
	view_time(due, q->due_at);
	view_time(answered, q->answered_at);
	j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:b,s:b,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:s?}", "id",
	              (json_int_t)q->id, "account", q->account, "item", (json_int_t)q->item_id,
	              "state", q->state, "arrived_at", arrived, "due_at", due, "overdue",
	              inbox_is_overdue(q, now), "referral", inbox_needs_referral(q), "assigned_to",
	              q->assigned_to, "forwarded_to", q->forwarded_to, "note", q->note, "closed_by",
	              q->closed_by, "author", q->author, "text", q->text, "permalink",
	              q->permalink);
	/* The item by its platform id too, and the account by its row id,
	 * for clients that work on ids. */
	if (j) {
		json_object_set_new(j, "account_id", json_integer(q->account_id));
		json_object_set_new(j, "item_platform_id",
		                    q->item_platform_id ? json_string(q->item_platform_id)
		                                        : json_null());
		json_object_set_new(j, "categories",
		                    q->categories && *q->categories ? json_string(q->categories)
		                                                    : json_null());
	}
	if (j && q->answered_at)
		json_object_set_new(j, "answered_at", json_string(answered));
	if (j && q->answer_item_id)
		json_object_set_new(j, "answer_item", json_integer(q->answer_item_id));
	if (j && q->answer_via)
		json_object_set_new(j, "answer_via", json_string(q->answer_via));
	if (j && q->has_response) {
		json_object_set_new(j, "response_seconds", json_integer(q->response_seconds));
		json_object_set_new(j, "response_hours",
		                    json_real((double)q->response_seconds / 3600.0));
	}
	return j;
}

int inbox_needs_referral(const struct question_row *q)
{
	return has_category(q->categories, "political");
}

int inbox_state_closed(const char *state)
{
	return strcmp(state, "answered") == 0 || strcmp(state, "no_answer") == 0 ||
	       strcmp(state, "referred") == 0;
}

/* What a hand-made change needs to know about the question. */
struct qinfo {
	int found;
	int64_t account_id;
	int64_t arrived_at;
	char item[256]; /* the question's platform id */
	char root[256]; /* its thread's root, "" for a root */
	char state[16];
	char assigned[256];
	char forwarded[256];
};

static int grab(void *arg, const struct question_row *q)
{
	struct qinfo *i = arg;

	i->found = 1;
	i->account_id = q->account_id;
	i->arrived_at = q->arrived_at;
	snprintf(i->item, sizeof(i->item), "%s", q->item_platform_id ? q->item_platform_id : "");
	snprintf(i->root, sizeof(i->root), "%s", q->item_root ? q->item_root : "");
	snprintf(i->state, sizeof(i->state), "%s", q->state);
	snprintf(i->assigned, sizeof(i->assigned), "%s", q->assigned_to ? q->assigned_to : "");
	snprintf(i->forwarded, sizeof(i->forwarded), "%s", q->forwarded_to ? q->forwarded_to : "");
	return 0;
}

/* Starts a hand-made change: the transaction and the question, which must
 * exist and be unfinished. On failure nothing is left open. */
static int begin_change(const struct op_ctx *op, int64_t id, struct qinfo *out, struct err *err)
{
	struct store *s = op->store;
	struct question_filter f = {.org = op->org, .id = id};
	int rc;

	if (id <= 0)
		return err_set(err, KV_EINVAL, "'%lld' is not a question id", (long long)id);
	rc = store_begin(s, err);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = questions_each(s, &f, grab, out, err);
	if (!rc && !out->found)
		rc = err_set(err, KV_ENOTFOUND, "question %lld does not exist", (long long)id);
	if (!rc)
		rc = op_ctx_require(op, PERM_INBOX_WORK, out->account_id, err);
	if (!rc && inbox_state_closed(out->state))
		rc = err_set(err, KV_ECONFLICT, "question %lld is already closed (%s)",
		             (long long)id, out->state);
	if (rc)
		store_rollback(s);
	return rc;
}

static int end_change(struct store *s, int rc, struct err *err)
{
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

static int require_text(const char *what, const char *v, struct err *err)
{
	if (!v || !*v)
		return err_set(err, KV_EINVAL, "%s is required", what);
	if (strlen(v) > 2000)
		return err_set(err, KV_EINVAL, "%s is longer than 2000 bytes", what);
	return KV_OK;
}

int inbox_assign(const struct op_ctx *op, int64_t id, const char *email, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct question_change ch = {0};
	struct qinfo q;
	int64_t person = 0;
	int rc = require_text("--to", email, err);

	if (rc)
		return rc;
	rc = begin_change(op, id, &q, err);
	if (rc)
		return rc;
	rc = register_row_person_find(s, org, email, &person, err);
	if (rc == KV_ENOTFOUND)
		err_set(err, KV_ENOTFOUND, "--to: no person with e-mail '%s'", email);
	ch.state = q.state;
	ch.assigned_to = person;
	ch.now = op->now;
	if (!rc)
		rc = questions_update(s, org, id, &ch, err);
	if (!rc)
		rc = audit_question(
		        s, org, actor, "question.assign", id,
		        json_pack("{s:s?}", "assigned_to", q.assigned[0] ? q.assigned : NULL),
		        json_pack("{s:s}", "assigned_to", email), err);
	return end_change(s, rc, err);
}

int inbox_forward(const struct op_ctx *op, int64_t id, const char *to, const char *note,
                  struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct question_change ch = {0};
	struct qinfo q;
	int64_t unit = 0;
	int rc = require_text("--to", to, err);

	if (!rc)
		rc = require_text("--note", note, err);
	if (!rc && strchr(to, '@'))
		rc = register_validate_email("--to", to, err);
	if (rc)
		return rc;
	rc = begin_change(op, id, &q, err);
	if (rc)
		return rc;
	if (!strchr(to, '@')) {
		rc = register_row_unit_find(s, org, to, &unit, err);
		if (rc)
			err_prefix(err, "--to: ");
	}
	ch.state = "forwarded";
	ch.forwarded_to = to;
	ch.note = note;
	ch.now = op->now;
	if (!rc)
		rc = questions_update(s, org, id, &ch, err);
	if (!rc)
		rc = audit_question(s, org, actor, "question.forward", id,
		                    json_pack("{s:s,s:s?}", "state", q.state, "forwarded_to",
		                              q.forwarded[0] ? q.forwarded : NULL),
		                    json_pack("{s:s,s:s,s:s}", "state", "forwarded", "forwarded_to",
		                              to, "note", note),
		                    err);
	return end_change(s, rc, err);
}

int inbox_close(const struct op_ctx *op, int64_t id, const char *as, const char *reason,
                struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct question_change ch = {0};
	struct policy p;
	struct qinfo q;
	int rc;

	if (!as || (strcmp(as, "answered") != 0 && strcmp(as, "no_answer") != 0 &&
	            strcmp(as, "referred") != 0))
		return err_set(err, KV_EINVAL, "--as: '%s' is not answered, no_answer or referred",
		               as ? as : "");
	if (strcmp(as, "answered") != 0) {
		rc = require_text("--reason", reason, err);
		if (rc)
			return rc;
	} else if (reason && strlen(reason) > 2000) {
		return err_set(err, KV_EINVAL, "--reason is longer than 2000 bytes");
	}
	rc = begin_change(op, id, &q, err);
	if (rc)
		return rc;
	ch.state = as;
	ch.note = reason && *reason ? reason : NULL;
	ch.closed_by = actor;
	ch.now = op->now;
	if (strcmp(as, "answered") == 0) {
		/* Answered outside the thread (by phone, by mail): the response
		 * time runs until it was recorded here. */
		ch.answered_at = ch.now;
		ch.set_response = 1;
		rc = policy_get(s, org, q.account_id, &p, err);
		if (!rc)
			rc = response(&ch.response_seconds, &p.cal, q.arrived_at, ch.now, err);
	}
	if (!rc)
		rc = questions_update(s, org, id, &ch, err);
	if (!rc)
		rc = audit_question(s, org, actor, "question.close", id,
		                    json_pack("{s:s}", "state", q.state),
		                    json_pack("{s:s,s:s?}", "state", as, "reason", ch.note), err);
	return end_change(s, rc, err);
}

int inbox_answer(const struct op_ctx *op, int64_t id, const char *text, int by_hand,
                 struct inbox_answer_result *out, struct err *err)
{
	struct inbox_answer_opts o = {NULL, by_hand};

	return inbox_answer_via(op, id, text, &o, out, err);
}

/* How an answer to question q goes out: 1 through the platform's API with
 * *pc, 0 by hand (why says so). */
static int answer_route(const struct op_ctx *op, const struct qinfo *q,
                        const struct inbox_answer_opts *o, struct publish_conf *pc,
                        enum platform *plat, char *why, size_t cap)
{
	struct account_rec *acc = NULL;
	struct err e = {0};
	int api = 0;

	if (o && o->by_hand) {
		snprintf(why, cap, "recorded by hand, as asked");
		return 0;
	}
	if (register_row_account_load(op->store, q->account_id, &acc, &e) != KV_OK) {
		snprintf(why, cap, "recorded by hand: %.400s", e.msg);
		return 0;
	}
	*plat = acc->v.platform;
	if (!publish_supported(acc->v.platform, 1, 0))
		snprintf(why, cap, "recorded by hand: %s",
		         publish_unsupported_reason(acc->v.platform, 1, 0));
	else if (publish_conf_load(pc, o ? o->cfg : NULL, acc->v.platform, acc->v.handle,
	                           acc->v.url, &e) != KV_OK)
		snprintf(why, cap, "recorded by hand: no usable connector settings: %.300s", e.msg);
	else if (!pc->conn.token)
		snprintf(why, cap, "recorded by hand: the account has no connector token");
	else
		api = 1;
	register_row_account_free(acc);
	return api;
}

/* Records an answer that did not go out, in its own transaction. */
static void answer_failed(const struct op_ctx *op, int64_t id, const struct publish_outcome *po,
                          const struct err *why)
{
	struct err e2 = {0};

	if (store_begin(op->store, &e2))
		return;
	if (audit_question(op->store, op->org, op_ctx_actor(op), "question.answer_failed", id, NULL,
	                   json_pack("{s:s,s:I,s:s}", "request", po->request, "status",
	                             (json_int_t)po->status, "error", why->msg),
	                   &e2) == KV_OK) {
		store_commit(op->store, &e2);
		return;
	}
	store_rollback(op->store);
}

int inbox_answer_via(const struct op_ctx *op, int64_t id, const char *text,
                     const struct inbox_answer_opts *o, struct inbox_answer_result *out,
                     struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct question_change ch = {0};
	struct publish_outcome po;
	struct publish_conf pc;
	struct policy p;
	struct qinfo q;
	enum platform plat = PLATFORM_OTHER;
	char why[600] = "";
	int64_t item = 0;
	size_t n = text ? strlen(text) : 0;
	ssize_t bad;
	int via_api, rc;

	memset(&po, 0, sizeof(po));
	if (!text || strspn(text, " \t\r\n") == n)
		return err_set(err, KV_EINVAL, "text: the answer is empty");
	if (n > INBOX_ANSWER_MAX)
		return err_set(err, KV_EINVAL, "text: the answer is longer than %d bytes",
		               INBOX_ANSWER_MAX);
	bad = utf8_check(text, n);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "text: not valid UTF-8 at byte %zd", bad);
	/* Checked first without holding the database, since the platform
	 * call may take a while; checked again when it is recorded. */
	rc = begin_change(op, id, &q, err);
	if (rc)
		return rc;
	store_rollback(s);
	via_api = answer_route(op, &q, o, &pc, &plat, why, sizeof(why));
	if (via_api) {
		struct publish_post post = {text, NULL, 0, q.item, NULL};

		rc = publish_run(&pc, plat, &post, &po, err);
		if (rc) {
			answer_failed(op, id, &po, err);
			return err_prefix(
			        err,
			        "question %lld: the answer was not posted (the question "
			        "is still open%s): ",
			        (long long)id,
			        rc == KV_EIO ? "; look on the platform before trying again" : "");
		}
	}
	rc = begin_change(op, id, &q, err);
	if (rc) {
		if (via_api)
			err_prefix(err, "the answer was posted as %s, but: ", po.platform_id);
		return rc;
	}
	if (via_api) {
		struct publish_capture c = {org,
		                            q.account_id,
		                            plat,
		                            po.platform_id,
		                            text,
		                            q.item,
		                            q.root[0] ? q.root : q.item,
		                            po.permalink,
		                            op->now,
		                            actor};

		rc = publish_capture_item(s, &c, &item, err);
	}
	ch.state = "answered";
	ch.closed_by = actor;
	ch.answer_text = text;
	ch.answer_via = via_api ? "api" : "hand";
	ch.answer_item_id = item;
	ch.now = op->now;
	ch.answered_at = ch.now;
	ch.set_response = 1;
	if (!rc)
		rc = policy_get(s, org, q.account_id, &p, err);
	if (!rc)
		rc = response(&ch.response_seconds, &p.cal, q.arrived_at, ch.now, err);
	if (!rc)
		rc = questions_update(s, org, id, &ch, err);
	if (!rc)
		rc = audit_question(
		        s, org, actor, "question.answer", id, json_pack("{s:s}", "state", q.state),
		        json_pack("{s:s,s:s,s:b,s:s,s:s?,s:s}", "state", ch.state, "text", text,
		                  "by_hand", !via_api, "via", ch.answer_via, "platform_id",
		                  via_api ? po.platform_id : NULL, "detail",
		                  via_api ? po.request : why),
		        err);
	if (rc && via_api)
		err_prefix(err, "the answer was posted as %s, but could not be recorded: ",
		           po.platform_id);
	if (!rc && out) {
		out->by_hand = !via_api;
		out->response_seconds = ch.response_seconds;
		out->item_id = item;
		snprintf(out->platform_id, sizeof(out->platform_id), "%s",
		         via_api ? po.platform_id : "");
		snprintf(out->detail, sizeof(out->detail), "%s", via_api ? po.request : why);
	}
	return end_change(s, rc, err);
}
