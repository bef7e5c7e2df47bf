/* Culling on the platform. The posts are chosen and checked first (no
 * transaction is held while a platform is called); each deletion is then
 * recorded in a transaction of its own with its item event and audit
 * entry, so a failure or a stop in the middle leaves every post either
 * deleted and recorded or as it was. */
#include "records/platcull.h"

#include "base/calendar.h"
#include "base/hash.h"
#include "capture/takedown.h"
#include "records/cull.h"
#include "records/holds.h"
#include "records/pdfa_child.h"
#include "records/sip.h"
#include "store/audit.h"
#include "store/items.h"
#include "store/platcull_rows.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "render/render_doc.h"
#include "workflow/policy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void platcull_report_done(struct platcull_report *r)
{
	if (!r)
		return;
	free(r->posts);
	r->posts = NULL;
	r->n = 0;
}

struct acc {
	int64_t id;
	enum platform platform;
	char handle[160];
	char url[512];
	char name[200]; /* "facebook/exempelbykommun" */
};

static int load_account(const struct op_ctx *op, int64_t id, struct acc *a, struct err *err)
{
	struct account_rec *r = NULL;
	int rc = register_row_account_load(op->store, id, &r, err);

	if (!rc && r->org_id != op->org)
		rc = err_set(err, KV_ENOTFOUND, "account %lld does not exist", (long long)id);
	if (!rc) {
		memset(a, 0, sizeof(*a));
		a->id = id;
		a->platform = r->v.platform;
		snprintf(a->handle, sizeof(a->handle), "%s", r->v.handle ? r->v.handle : "");
		snprintf(a->url, sizeof(a->url), "%s", r->v.url ? r->v.url : "");
		snprintf(a->name, sizeof(a->name), "%s/%s", register_platform_name(a->platform),
		         a->handle);
	}
	register_row_account_free(r);
	return rc;
}

/* ---- choosing ---- */

struct pick {
	const struct op_ctx *op;
	int64_t account;
	struct holds_set holds;
	struct platcull_report *rep;
	size_t cap;
	struct err *err;
};

static int add_post(struct platcull_report *rep, size_t *cap, const struct platcull_post *p)
{
	if (rep->n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct platcull_post *g = realloc(rep->posts, c * sizeof(*g));

		if (!g)
			return KV_ENOMEM;
		rep->posts = g;
		*cap = c;
	}
	rep->posts[rep->n++] = *p;
	return KV_OK;
}

static int is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

/* The same reasons to stay as the local cull's (records/cull). */
static int got_post(void *arg, const struct platcull_post_row *r)
{
	struct pick *P = arg;
	struct platcull_post p;
	char objid[SIP_OBJID_MAX];
	int64_t hold;

	memset(&p, 0, sizeof(p));
	p.item_id = r->id;
	snprintf(p.platform_id, sizeof(p.platform_id), "%s", r->platform_id);
	p.at = r->at;
	p.outcome = "due";
	hold = holds_covering(&P->holds, P->account, r->id, r->root);
	if (hold) {
		p.outcome = "held";
		snprintf(p.detail, sizeof(p.detail), "under hold %lld", (long long)hold);
	} else if (r->case_id || is(r->question_state, "open") ||
	           is(r->question_state, "forwarded") || is(r->question_state, "referred")) {
		p.outcome = "action";
		if (r->case_id)
			snprintf(p.detail, sizeof(p.detail), "led to case %lld",
			         (long long)r->case_id);
		else
			snprintf(p.detail, sizeof(p.detail), "a question being handled (%s)",
			         r->question_state);
	} else {
		struct err nf = {0};
		int rc = sip_archived_in(P->op, r->id, objid, &nf);

		if (rc == KV_ENOTFOUND) {
			p.outcome = "not_archived";
			snprintf(p.detail, sizeof(p.detail),
			         "refused: must be archived first, in no delivered package");
		} else if (rc) {
			*P->err = nf;
			return rc;
		} else {
			snprintf(p.detail, sizeof(p.detail), "archived in %s", objid);
		}
	}
	if (add_post(P->rep, &P->cap, &p))
		return err_set(P->err, KV_ENOMEM, "out of memory");
	return 0;
}

/* The account's posts before rep->cutoff and what the checks say of each. */
static int choose(const struct op_ctx *op, const struct acc *a, struct platcull_report *rep,
                  struct err *err)
{
	struct pick P = {.op = op, .account = a->id, .rep = rep, .err = err};
	int rc = holds_load(op, &P.holds, err);

	if (!rc)
		rc = platcull_rows_posts(op->store, op->org, a->id, rep->cutoff, got_post, &P, err);
	holds_set_done(&P.holds);
	return rc;
}

/* ---- recording ---- */

static int audit_json(const struct op_ctx *op, const char *action, int64_t run, json_t *after,
                      struct err *err)
{
	char id[32], *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	snprintf(id, sizeof(id), "%lld", (long long)run);
	rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op), action, "platcull", id, NULL,
	                  a, err);
	free(a);
	json_decref(after);
	return rc;
}

static int put_entry(const struct op_ctx *op, int64_t run, const struct platcull_post *p,
                     int64_t at, struct err *err)
{
	struct platcull_entry_row e = {.item_id = p->item_id,
	                               .platform_id = p->platform_id,
	                               .item_at = p->at,
	                               .outcome = p->outcome,
	                               .detail = p->detail[0] ? p->detail : NULL,
	                               .at = at};

	return platcull_rows_entry_put(op->store, run, &e, err);
}

/* Inserts the run in state with every post it took up, audited. */
static int record_run(const struct op_ctx *op, const struct platcull_opts *o,
                      struct platcull_report *rep, const char *state, struct err *err)
{
	struct platcull_run_row r = {.account_id = o->account_id,
	                             .months = rep->months,
	                             .as_of = rep->as_of,
	                             .cutoff = rep->cutoff,
	                             .by_hand = o->by_hand,
	                             .state = state,
	                             .proposed_by = op_ctx_actor(op),
	                             .proposed_at = op->now};
	int64_t due = 0;
	int rc = store_begin(op->store, err);

	if (rc)
		return rc;
	rc = platcull_rows_run_insert(op->store, op->org, &r, &rep->run_id, err);
	for (size_t i = 0; !rc && i < rep->n; i++) {
		if (strcmp(rep->posts[i].outcome, "due") == 0) {
			rep->posts[i].outcome = "proposed";
			due++;
		}
		rc = put_entry(op, rep->run_id, &rep->posts[i], 0, err);
	}
	if (!rc)
		rc = audit_json(op,
		                strcmp(state, "proposed") == 0 ? "cull.platform_propose"
		                                               : "cull.platform_start",
		                rep->run_id,
		                json_pack("{s:s,s:I,s:I,s:I,s:b}", "account", rep->account,
		                          "months", (json_int_t)rep->months, "as_of",
		                          (json_int_t)rep->as_of, "posts", (json_int_t)due,
		                          "by_hand", o->by_hand),
		                err);
	if (rc) {
		store_rollback(op->store);
		rep->run_id = 0;
		return rc;
	}
	return store_commit(op->store, err);
}

/* A failed platform call: the post stays as it was; the failure is kept. */
static void record_failure(const struct op_ctx *op, int64_t run, struct platcull_post *p,
                           const struct takedown_outcome *to, const struct err *why)
{
	struct err e2 = {0};

	p->outcome = "failed";
	snprintf(p->detail, sizeof(p->detail), "HTTP %ld: %.1000s", to->status, why->msg);
	if (store_begin(op->store, &e2))
		return;
	if (put_entry(op, run, p, op->now, &e2) == KV_OK &&
	    audit_json(op, "cull.platform_failed", run,
	               json_pack("{s:s,s:s,s:I,s:s}", "item", p->platform_id, "request",
	                         to->request, "status", (json_int_t)to->status, "error", why->msg),
	               &e2) == KV_OK) {
		store_commit(op->store, &e2);
		return;
	}
	store_rollback(op->store);
}

/* The deletion, as a case takedown records one: the item event (deleted,
 * from kanalvakt) marks the item deleted; the entry and the audit entry say
 * how. */
static int record_deleted(const struct op_ctx *op, const struct acc *a, int64_t run,
                          struct platcull_post *p, const char *result, int by_hand, struct err *err)
{
	struct item_event ev = {0};
	enum item_outcome io;
	int rc = store_begin(op->store, err);

	if (rc)
		return rc;
	p->outcome = "deleted";
	snprintf(p->detail, sizeof(p->detail), "%s", result);
	ev.platform = register_platform_name(a->platform);
	ev.platform_id = p->platform_id;
	ev.kind = ITEM_EV_DELETED;
	ev.at = op->now;
	ev.source = "kanalvakt";
	rc = items_event(op->store, a->id, &ev, op->now, &io, err);
	if (!rc)
		rc = put_entry(op, run, p, op->now, err);
	if (!rc)
		rc = audit_json(op, "cull.platform_delete", run,
		                json_pack("{s:s,s:s,s:s,s:s}", "account", a->name, "item",
		                          p->platform_id, "via", by_hand ? "hand" : "api", "result",
		                          result),
		                err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}

/* ---- the protokoll ---- */

struct proto {
	json_t *entries;
	struct hash_sha256_ctx h;
	int64_t counts[8];
};

static const char *const outcomes[] = {"deleted",      "failed", "held",     "action",
                                       "not_archived", "gone",   "proposed", "due"};

static int proto_entry(void *arg, const struct platcull_entry_row *e)
{
	struct proto *P = arg;

	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (strcmp(e->outcome, outcomes[i]) == 0)
			P->counts[i]++;
	if (strcmp(e->outcome, "deleted") == 0) {
		hash_sha256_update(&P->h, e->platform_id, strlen(e->platform_id));
		hash_sha256_update(&P->h, "\n", 1);
	}
	json_array_append_new(
	        P->entries, json_pack("{s:I,s:s,s:o,s:s,s:s?,s:o}", "item", (json_int_t)e->item_id,
	                              "platform_id", e->platform_id, "written",
	                              calendar_json_local(e->item_at), "outcome", e->outcome,
	                              "detail", e->detail, "at", calendar_json_local(e->at)));
	return 0;
}

/* The protokoll of run r from its entries, and the SHA-256 of the sorted
 * list of platform ids it deleted. */
static int build_protokoll(const struct op_ctx *op, const struct platcull_run_row *r,
                           const char *state, const char *confirmed_by, char **out, char sha[65],
                           struct err *err)
{
	struct proto P = {.entries = json_array()};
	struct acc a;
	json_t *counts = json_object(), *j;
	int rc;

	hash_sha256_begin(&P.h);
	rc = load_account(op, r->account_id, &a, err);
	if (!rc)
		rc = platcull_rows_entries(op->store, r->id, proto_entry, &P, err);
	if (rc) {
		json_decref(P.entries);
		json_decref(counts);
		return rc;
	}
	hash_sha256_end_hex(&P.h, sha);
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (P.counts[i])
			json_object_set_new(counts, outcomes[i], json_integer(P.counts[i]));
	j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:I,s:o,s:o,s:s,s:s?,s:b,s:s,s:o,s:s,s:o}", "format",
	              "kanalvakt-platform-gallringsprotokoll/1", "run", (json_int_t)r->id,
	              "account", a.name, "platform", register_platform_name(a.platform), "rule",
	              "policy platform_keep_months (ÖS: högst 18 månader på Facebook och "
	              "Instagram)",
	              "months", (json_int_t)r->months, "as_of", calendar_json_local(r->as_of),
	              "deleted_before", calendar_json_local(r->cutoff), "proposed_by",
	              r->proposed_by, "confirmed_by", confirmed_by, "by_hand", r->by_hand, "state",
	              state, "counts", counts, "list_sha256", sha, "entries", P.entries);
	*out = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	return *out ? KV_OK : err_set(err, KV_ENOMEM, "out of memory");
}

/* ---- the protokoll as PDF/A ---- */

static const char *jstr_or(const json_t *o, const char *key, const char *none)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v && *v ? v : none;
}

static const char *outcome_label(const char *outcome)
{
	static const char *const labels[][2] = {
	        {"deleted", "raderat på plattformen"},
	        {"failed", "kunde inte raderas"},
	        {"held", "kvar: spärr (hold)"},
	        {"action", "kvar: ledde till åtgärd"},
	        {"not_archived", "kvar: inte arkiverat än"},
	        {"gone", "redan borta från plattformen"},
	        {"proposed", "föreslaget"},
	        {"due", "ska raderas"},
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(outcome, labels[i][0]) == 0)
			return labels[i][1];
	return outcome;
}

/* The protokoll document from its JSON: the run's facts, counts per
 * outcome, then every post the run took up. */
static int protokoll_doc(json_t *j, struct render_doc **out)
{
	static const char *const heads[] = {"Inlägg (plattformens id)", "Skrivet", "Utfall",
	                                    "Uppgift"};
	const json_t *counts = json_object_get(j, "counts"),
	             *entries = json_object_get(j, "entries");
	const json_t *e, *n;
	const char *key;
	struct render_doc *doc = NULL;
	char title[120], b[200];
	size_t i;
	int rc = render_doc_new(&doc);

	if (rc)
		return rc;
	snprintf(title, sizeof(title), "Gallringsprotokoll, plattform, nr %lld",
	         (long long)json_integer_value(json_object_get(j, "run")));
	rc = render_doc_set_title(doc, title);
	rc = rc ? rc : render_doc_set_page_footer(doc, title);
	rc = rc ? rc : render_doc_heading(doc, 1, title);
	rc = rc ? rc : render_doc_kv(doc, "Konto", jstr_or(j, "account", "-"));
	rc = rc ? rc : render_doc_kv(doc, "Plattform", jstr_or(j, "platform", "-"));
	rc = rc ? rc : render_doc_kv(doc, "Regel", jstr_or(j, "rule", "-"));
	snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(json_object_get(j, "months")));
	rc = rc ? rc : render_doc_kv(doc, "Månader på plattformen", b);
	rc = rc ? rc : render_doc_kv(doc, "Reglerna tillämpade per", jstr_or(j, "as_of", "-"));
	rc = rc ? rc : render_doc_kv(doc, "Inlägg skrivna före", jstr_or(j, "deleted_before", "-"));
	rc = rc ? rc : render_doc_kv(doc, "Föreslagen av", jstr_or(j, "proposed_by", "-"));
	rc = rc ? rc : render_doc_kv(doc, "Bekräftad av", jstr_or(j, "confirmed_by", "-"));
	rc = rc ? rc
	        : render_doc_kv(doc, "Raderat",
	                        json_is_true(json_object_get(j, "by_hand"))
	                                ? "för hand på plattformen, registrerat i Kanalvakt"
	                                : "genom plattformens API");
	rc = rc ? rc : render_doc_kv(doc, "Status", jstr_or(j, "state", "-"));
	rc = rc ? rc : render_doc_kv(doc, "Förteckningens SHA-256", jstr_or(j, "list_sha256", "-"));
	rc = rc ? rc
	        : render_doc_paragraph(doc, RENDER_META,
	                               "Förteckningen: plattformens id för varje raderat inlägg, "
	                               "sorterade, ett per rad med radslut (LF).");
	rc = rc ? rc : render_doc_heading(doc, 2, "Utfall");
	json_object_foreach((json_t *)counts, key, n)
	{
		snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(n));
		rc = rc ? rc : render_doc_kv(doc, outcome_label(key), b);
	}
	rc = rc ? rc : render_doc_heading(doc, 2, "Inläggen");
	rc = rc ? rc : render_doc_table_begin(doc, NULL, 4, heads);
	json_array_foreach(entries, i, e)
	{
		rc = rc ? rc : render_doc_row_begin(doc);
		rc = rc ? rc : render_doc_cell(doc, jstr_or(e, "platform_id", "-"));
		rc = rc ? rc : render_doc_cell(doc, jstr_or(e, "written", "-"));
		rc = rc ? rc : render_doc_cell(doc, outcome_label(jstr_or(e, "outcome", "-")));
		rc = rc ? rc : render_doc_cell(doc, jstr_or(e, "detail", ""));
		rc = rc ? rc : render_doc_row_end(doc);
	}
	rc = rc ? rc : render_doc_table_end(doc);
	if (!rc && json_array_size(entries) == 0)
		rc = render_doc_paragraph(doc, RENDER_NOTE, "Inga inlägg var äldre än gränsen.");
	if (rc) {
		render_doc_free(doc);
		return rc;
	}
	*out = doc;
	return KV_OK;
}

/* Writes protokoll text proto of run as PDF/A-1b into the blob store. */
static int protokoll_pdf(const struct op_ctx *op, int64_t run, const char *proto, char sha[65],
                         struct err *err)
{
	char name[64];

	snprintf(name, sizeof(name), "platform-protokoll-%lld", (long long)run);
	return pdfa_child_json_blob(op->store, proto, protokoll_doc,
	                            "Gallringsprotokoll, plattform", op->now, name, sha, err);
}

struct one {
	struct platcull_run_row r;
	char state[16], by[128], confirmed[128];
	int found;
};

static int got_one(void *arg, const struct platcull_run_row *r)
{
	struct one *o = arg;

	o->r = *r;
	snprintf(o->state, sizeof(o->state), "%s", r->state);
	snprintf(o->by, sizeof(o->by), "%s", r->proposed_by);
	snprintf(o->confirmed, sizeof(o->confirmed), "%s", r->confirmed_by ? r->confirmed_by : "");
	o->r.state = o->state;
	o->r.proposed_by = o->by;
	o->r.confirmed_by = o->confirmed[0] ? o->confirmed : NULL;
	o->r.list_sha256 = NULL;
	o->r.protokoll = NULL;
	o->found = 1;
	return 0;
}

/* ---- carrying out ---- */

static int token_check(const struct acc *a, const struct platcull_opts *o, struct takedown_conf *tc,
                       struct err *err)
{
	int rc;

	if (o->by_hand)
		return KV_OK;
	/* A YouTube post is a video: comments.delete is no way to remove it. */
	if (a->platform == PLATFORM_YOUTUBE || !takedown_supported(a->platform, TAKEDOWN_REMOVE, 1))
		return err_set(err, KV_EINVAL,
		               "%s cannot delete posts through its API: delete them there by "
		               "hand, then record it with --by-hand",
		               register_platform_label(a->platform));
	rc = takedown_conf_load(tc, o->cfg, a->platform, a->handle, a->url[0] ? a->url : NULL, err);
	if (rc)
		return err_prefix(err, "%s: ", a->name);
	if (!tc->conn.token)
		return err_set(err, KV_EINVAL,
		               "no token configured for %s (token or moderation_token in its "
		               "[account ...] section); or delete by hand and use --by-hand",
		               a->name);
	return KV_OK;
}

/* Deletes run's proposed posts, each checked again, and closes the run. */
static int carry_out(const struct op_ctx *op, const struct acc *a, int64_t run,
                     const struct platcull_opts *o, const struct takedown_conf *tc,
                     const char *confirmed_by, struct platcull_report *rep, struct err *err)
{
	struct platcull_report now = {.cutoff = rep->cutoff};
	struct one one = {0};
	char *proto = NULL, sha[65], pdfsha[65];
	int rc = choose(op, a, &now, err);

	for (size_t i = 0; !rc && i < rep->n; i++) {
		struct platcull_post *p = &rep->posts[i];
		const struct platcull_post *fresh = NULL;
		struct takedown_outcome to;
		struct err e = {0};
		char result[1400];

		if (strcmp(p->outcome, "proposed") != 0)
			continue;
		for (size_t k = 0; k < now.n && !fresh; k++)
			if (now.posts[k].item_id == p->item_id)
				fresh = &now.posts[k];
		if (!fresh || strcmp(fresh->outcome, "due") != 0) {
			/* Deleted or held since it was proposed: it stays out. */
			p->outcome = fresh ? fresh->outcome : "gone";
			snprintf(p->detail, sizeof(p->detail), "%s",
			         fresh ? fresh->detail
			               : "no longer on the platform by the time it was confirmed");
			rc = store_begin(op->store, err);
			if (!rc && !(rc = put_entry(op, run, p, op->now, err)))
				rc = store_commit(op->store, err);
			else if (rc)
				store_rollback(op->store);
			rep->kept++;
			continue;
		}
		memset(&to, 0, sizeof(to));
		if (o->by_hand) {
			snprintf(result, sizeof(result), "by hand: deleted on the platform by %s",
			         op_ctx_actor(op));
		} else if (takedown_run(tc, a->platform, TAKEDOWN_REMOVE, p->platform_id, 1, &to,
		                        &e)) {
			record_failure(op, run, p, &to, &e);
			rep->failed++;
			continue;
		} else {
			snprintf(result, sizeof(result), "%s: HTTP %ld", to.request, to.status);
		}
		rc = record_deleted(op, a, run, p, result, o->by_hand, err);
		if (!rc)
			rep->deleted++;
	}
	platcull_report_done(&now);
	if (!rc)
		rc = platcull_rows_runs(op->store, op->org, run, got_one, &one, err);
	if (!rc)
		rc = build_protokoll(op, &one.r, "done", confirmed_by, &proto, sha, err);
	if (!rc)
		rc = protokoll_pdf(op, run, proto, pdfsha, err);
	if (!rc && !(rc = store_begin(op->store, err))) {
		rc = platcull_rows_run_update(op->store, run, "done", confirmed_by, op->now, sha,
		                              proto, err);
		if (!rc)
			rc = platcull_rows_run_pdf(op->store, run, pdfsha, err);
		if (!rc)
			rc = audit_json(op, "cull.platform", run,
			                json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:s?}", "account",
			                          a->name, "deleted", (json_int_t)rep->deleted,
			                          "failed", (json_int_t)rep->failed, "kept",
			                          (json_int_t)rep->kept, "list_sha256", sha,
			                          "protokoll_pdf_sha256", pdfsha, "confirmed_by",
			                          confirmed_by),
			                err);
		if (rc)
			store_rollback(op->store);
		else
			rc = store_commit(op->store, err);
	}
	if (!rc) {
		rep->state = "done";
		snprintf(rep->list_sha256, sizeof(rep->list_sha256), "%s", sha);
	}
	free(proto);
	return rc;
}

static void count_kept(struct platcull_report *rep)
{
	rep->kept = 0;
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->posts[i].outcome, "due") != 0 &&
		    strcmp(rep->posts[i].outcome, "proposed") != 0)
			rep->kept++;
}

int platcull_run(const struct op_ctx *op, const struct platcull_opts *o,
                 struct platcull_report *out, struct err *err)
{
	struct platcull_report rep = {0};
	struct takedown_conf tc;
	struct policy pol;
	struct acc a;
	int rc = op_ctx_require(op, PERM_RECORDS, o->account_id, err);

	memset(out, 0, sizeof(*out));
	memset(&tc, 0, sizeof(tc));
	if (!rc)
		rc = load_account(op, o->account_id, &a, err);
	if (!rc)
		rc = policy_get(op->store, op->org, o->account_id, &pol, err);
	if (rc)
		return rc;
	if (pol.platform_keep_months <= 0)
		return err_set(err, KV_EINVAL,
		               "%s is not culled on the platform: its platform_keep_months is 0 "
		               "(kanalvakt policy set platform_keep_months 18 --account %s)",
		               a.name, a.handle);
	snprintf(rep.account, sizeof(rep.account), "%s", a.name);
	rep.months = pol.platform_keep_months;
	rep.as_of = o->as_of ? o->as_of : op->now;
	rep.cutoff = cull_months_before(rep.as_of, (int)rep.months);
	rep.four_eyes = pol.four_eyes;
	snprintf(rep.proposed_by, sizeof(rep.proposed_by), "%s", op_ctx_actor(op));
	rc = choose(op, &a, &rep, err);
	if (!rc && !o->dry_run && !pol.four_eyes)
		rc = token_check(&a, o, &tc, err);
	if (!rc)
		count_kept(&rep);
	if (!rc && o->dry_run)
		rep.state = "dry_run";
	else if (!rc)
		rc = record_run(op, o, &rep, pol.four_eyes ? "proposed" : "running", err);
	if (!rc && !o->dry_run && pol.four_eyes)
		rep.state = "proposed";
	else if (!rc && !o->dry_run)
		rc = carry_out(op, &a, rep.run_id, o, &tc, NULL, &rep, err);
	if (rc) {
		platcull_report_done(&rep);
		return rc;
	}
	*out = rep;
	return KV_OK;
}

struct entries_ctx {
	struct platcull_report *rep;
	size_t cap;
};

static int got_entry(void *arg, const struct platcull_entry_row *e)
{
	struct entries_ctx *E = arg;
	struct platcull_post p;

	memset(&p, 0, sizeof(p));
	p.item_id = e->item_id;
	snprintf(p.platform_id, sizeof(p.platform_id), "%s", e->platform_id);
	p.at = e->item_at;
	/* The outcome names are static: map the stored text onto them. */
	p.outcome = "gone";
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (strcmp(e->outcome, outcomes[i]) == 0)
			p.outcome = outcomes[i];
	snprintf(p.detail, sizeof(p.detail), "%s", e->detail ? e->detail : "");
	return add_post(E->rep, &E->cap, &p) ? KV_ENOMEM : 0;
}

int platcull_confirm(const struct op_ctx *op, int64_t id, const struct platcull_opts *o,
                     struct platcull_report *out, struct err *err)
{
	struct platcull_report rep = {0};
	struct entries_ctx E = {&rep, 0};
	struct platcull_opts eff = *o;
	struct takedown_conf tc;
	struct one one = {0};
	struct acc a;
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	memset(out, 0, sizeof(*out));
	memset(&tc, 0, sizeof(tc));
	if (!rc)
		rc = platcull_rows_runs(op->store, op->org, id, got_one, &one, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_RECORDS, one.r.account_id, err);
	if (rc)
		return rc;
	if (strcmp(one.r.state, "proposed") != 0)
		return err_set(err, KV_ECONFLICT,
		               "platform culling run %lld is not waiting for confirmation (%s)",
		               (long long)id, one.r.state);
	if (principal_is(op->who, one.r.proposed_by))
		return err_set(err, KV_EDENIED,
		               "platform culling run %lld: %s proposed it and cannot also confirm "
		               "it (four eyes: another person must)",
		               (long long)id, op_ctx_actor(op));
	eff.account_id = one.r.account_id;
	eff.by_hand = o->by_hand || one.r.by_hand;
	rc = load_account(op, one.r.account_id, &a, err);
	if (!rc)
		rc = token_check(&a, &eff, &tc, err);
	if (rc)
		return rc;
	snprintf(rep.account, sizeof(rep.account), "%s", a.name);
	snprintf(rep.proposed_by, sizeof(rep.proposed_by), "%s", one.r.proposed_by);
	rep.run_id = id;
	rep.months = one.r.months;
	rep.as_of = one.r.as_of;
	rep.cutoff = one.r.cutoff;
	rep.four_eyes = 1;
	rc = platcull_rows_entries(op->store, id, got_entry, &E, err);
	if (rc == KV_ENOMEM)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	/* Taken over in one transaction: two confirming at once cannot both. */
	if (!rc && !(rc = store_begin(op->store, err))) {
		struct one again = {0};

		rc = platcull_rows_runs(op->store, op->org, id, got_one, &again, err);
		if (!rc && strcmp(again.r.state, "proposed") != 0)
			rc = err_set(err, KV_ECONFLICT,
			             "platform culling run %lld was confirmed meanwhile",
			             (long long)id);
		if (!rc)
			rc = platcull_rows_run_update(op->store, id, "running", op_ctx_actor(op), 0,
			                              NULL, NULL, err);
		if (!rc)
			rc = audit_json(op, "cull.platform_confirm", id,
			                json_pack("{s:s,s:s}", "account", a.name, "proposed_by",
			                          one.r.proposed_by),
			                err);
		if (rc)
			store_rollback(op->store);
		else
			rc = store_commit(op->store, err);
	}
	if (!rc) {
		for (size_t i = 0; i < rep.n; i++)
			if (strcmp(rep.posts[i].outcome, "proposed") != 0)
				rep.kept++;
		rc = carry_out(op, &a, id, &eff, &tc, op_ctx_actor(op), &rep, err);
	}
	if (rc) {
		platcull_report_done(&rep);
		return rc;
	}
	*out = rep;
	return KV_OK;
}

int platcull_list(const struct op_ctx *op, platcull_run_fn fn, void *ctx, struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	return rc ? rc : platcull_rows_runs(op->store, op->org, 0, fn, ctx, err);
}

struct proto_get {
	char *text;
};

static int got_text(void *arg, const struct platcull_run_row *r)
{
	struct proto_get *g = arg;

	g->text = r->protokoll ? strdup(r->protokoll) : NULL;
	return 0;
}

int platcull_protokoll(const struct op_ctx *op, int64_t id, char **out, struct err *err)
{
	struct proto_get g = {0};
	struct one one = {0};
	char sha[65];
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (!rc)
		rc = platcull_rows_runs(op->store, op->org, id, got_text, &g, err);
	if (rc)
		return rc;
	if (g.text) {
		*out = g.text;
		return KV_OK;
	}
	rc = platcull_rows_runs(op->store, op->org, id, got_one, &one, err);
	return rc ? rc
	          : build_protokoll(op, &one.r, one.r.state, one.r.confirmed_by, out, sha, err);
}

struct pdf_get {
	char sha[65];
	char state[16];
};

static int got_pdf(void *arg, const struct platcull_run_row *r)
{
	struct pdf_get *g = arg;

	snprintf(g->sha, sizeof(g->sha), "%s",
	         r->protokoll_pdf_sha256 ? r->protokoll_pdf_sha256 : "");
	snprintf(g->state, sizeof(g->state), "%s", r->state);
	return 0;
}

int platcull_protokoll_pdf(const struct op_ctx *op, int64_t id, char sha[65], struct err *err)
{
	struct pdf_get g;
	char *proto = NULL;
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	memset(&g, 0, sizeof(g));
	if (!rc)
		rc = platcull_rows_runs(op->store, op->org, id, got_pdf, &g, err);
	if (!rc && strcmp(g.state, "done") != 0)
		rc = err_set(err, KV_ENOTFOUND,
		             "platform culling run %lld is %s: its PDF is written when it is done",
		             (long long)id, g.state);
	if (rc || g.sha[0]) {
		if (!rc)
			memcpy(sha, g.sha, 65);
		return rc;
	}
	/* A run done before protokolls were kept as PDF gets its PDF now. */
	rc = platcull_protokoll(op, id, &proto, err);
	if (!rc)
		rc = protokoll_pdf(op, id, proto, sha, err);
	free(proto);
	if (!rc && !(rc = store_begin(op->store, err))) {
		rc = platcull_rows_run_pdf(op->store, id, sha, err);
		if (rc)
			store_rollback(op->store);
		else
			rc = store_commit(op->store, err);
	}
	return rc;
}
