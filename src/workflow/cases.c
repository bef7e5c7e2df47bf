/* Moderation cases: opening, evidence, decisions, four eyes, registration
 * and takedown. Every state change runs in one transaction with its audit
 * entry. The platform call of a takedown is made outside any transaction
 * (it may take a minute with retries) and the case is re-read afterwards. */
#include "workflow/cases.h"

#include "base/calendar.h"
#include "base/config.h"
#include "base/time.h"
#include "base/utf8.h"
#include "capture/takedown.h"
#include "model/case_state.h"
#include "model/item.h"
#include "model/register.h"
#include "screen/screen.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/case_rows.h"
#include "store/items.h"
#include "store/register_rows.h"
#include "store/screening_rows.h"
#include "store/store.h"
#include "store/workflow_cursor.h"
#include "workflow/policy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_NAME "cases"

/* ---- options ---- */

int cases_opts_load(struct cases_opts *out, const struct config *cfg, struct err *err)
{
	struct cases_opts o;
	const char *prefix = cfg ? config_get(cfg, "cases", "series_prefix", "KS") : "KS";
	const char *req = cfg ? config_get(cfg, "cases", "require_registration", "yes") : "yes";
	size_t n = strlen(prefix);

	memset(&o, 0, sizeof(o));
	if (n == 0 || n >= sizeof(o.series_prefix))
		return err_set(err, KV_EINVAL, "[cases] series_prefix: '%s' must be 1 to %zu bytes",
		               prefix, sizeof(o.series_prefix) - 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)prefix[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch >= 0x80))
			return err_set(
			        err, KV_EINVAL,
			        "[cases] series_prefix: '%s' may hold letters, digits, '-' and "
			        "'.' only",
			        prefix);
	}
	if (utf8_check(prefix, n) >= 0)
		return err_set(err, KV_EINVAL, "[cases] series_prefix: not valid UTF-8");
	memcpy(o.series_prefix, prefix, n + 1);
	if (config_parse_bool(req, &o.require_registration))
		return err_set(err, KV_EINVAL,
		               "[cases] require_registration: '%s' is not yes or no", req);
	*out = o;
	return KV_OK;
}

const char *cases_decision_name(enum case_decision d)
{
	switch (d) {
	case CASE_KEEP:
		return "keep";
	case CASE_HIDE:
		return "hide";
	case CASE_REMOVE:
		return "remove";
	}
	return "?";
}

int cases_decision_from_name(const char *s, enum case_decision *out)
{
	for (int d = CASE_KEEP; d <= CASE_REMOVE; d++)
		if (s && strcmp(s, cases_decision_name((enum case_decision)d)) == 0) {
			*out = (enum case_decision)d;
			return KV_OK;
		}
	return KV_EINVAL;
}

/* ---- small helpers ---- */

static char *iso(char out[CALENDAR_ISO_LEN], int64_t t)
{
	if (t)
		calendar_format_local(out, t);
	else
		out[0] = '\0';
	return out;
}

/* An ISO string for JSON, or null for 0. */
static json_t *json_time(int64_t t)
{
	char b[CALENDAR_ISO_LEN];

	return t ? json_string(iso(b, t)) : json_null();
}

static int audit(struct store *s, int64_t org, const char *actor, const char *action, int64_t id,
                 json_t *before, json_t *after, struct err *err)
{
	char idtext[32], *b = NULL, *a = NULL;
	int rc;

	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	if (before)
		b = json_dumps(before, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (after)
		a = json_dumps(after, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if ((before && !b) || (after && !a))
		rc = err_set(err, KV_ENOMEM, "out of memory");
	else
		rc = audit_append(s, NULL, org, actor, action, "case", idtext, b, a, err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

/* The violation categories of a comma list (question and critical are not
 * violations) into out, comma separated. Returns how many. */
static int violations(const char *cats, char *out, size_t outsz)
{
	const char *p = cats ? cats : "";
	size_t len = 0;
	int n = 0;

	out[0] = '\0';
	while (*p) {
		size_t k = strcspn(p, ",");
		char name[64];
		int id;

		if (k < sizeof(name)) {
			memcpy(name, p, k);
			name[k] = '\0';
			id = lexicon_category_id(name);
			if (id >= 0 && id != SCREEN_QUESTION && id != SCREEN_CRITICAL &&
			    len + k + 2 < outsz) {
				len += (size_t)snprintf(out + len, outsz - len, "%s%s",
				                        n ? "," : "", name);
				n++;
			}
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return n;
}

/* 1 when every category of the case is reklam: Nykvarn lets reklam go
 * without registration (the evidence is still saved). */
static int commercial_only(const char *cats)
{
	return cats && strcmp(cats, "commercial") == 0;
}

/* ---- sync ---- */

struct one_item {
	int found;
	int64_t account_id, created_at, captured_at;
	char categories[512];
};

static int one_item_row(void *arg, const struct item_row *r)
{
	struct one_item *it = arg;

	it->found = 1;
	it->account_id = r->account_id;
	it->created_at = r->created_at;
	it->captured_at = r->captured_at;
	snprintf(it->categories, sizeof(it->categories), "%s", r->categories ? r->categories : "");
	return 1;
}

struct case_of_item {
	int64_t item, id;
};

static int match_item(void *arg, const struct case_rec *c)
{
	struct case_of_item *x = arg;

	if (c->item_id == x->item)
		x->id = c->id;
	return 0;
}

static int cases_of_item(struct store *s, int64_t org, int64_t item, int64_t *out, struct err *err)
{
	struct case_filter f = {.org_id = org};
	struct case_of_item x = {item, 0};
	int rc = case_row_each(s, &f, match_item, &x, err);

	if (rc < 0)
		return rc;
	*out = x.id;
	return KV_OK;
}

struct sync_ctx {
	struct store *s;
	int64_t org;
	const char *actor;
	int64_t now;
	struct workflow_sync_report *rep;
	struct err *err;
};

static int open_one(void *arg, const struct case_candidate *c)
{
	struct sync_ctx *x = arg;
	struct policy pol;
	char cats[512], due_iso[CALENDAR_ISO_LEN];
	int64_t at = c->created_at ? c->created_at : c->captured_at, due, id = 0;
	int history = 0, rc;

	if (violations(c->categories, cats, sizeof(cats)) == 0)
		return KV_OK;
	rc = policy_get(x->s, x->org, c->account_id, &pol, x->err);
	/* An item from an archive (captured long after it arrived) still has
	 * to be judged, but the kommun could only act once it was captured:
	 * its removal time counts from then, and it calls for no e-mails. */
	if (!rc)
		rc = policy_is_history(&pol, at, c->captured_at, &history, x->err);
	if (!rc)
		rc = policy_due(&due, &pol.cal, &pol.removal_deadline,
		                history ? c->captured_at : at, x->err);
	if (!rc)
		rc = case_row_insert(x->s, x->org, c->account_id, c->item_id, cats, x->now, due,
		                     history, &id, x->err);
	if (rc || !id)
		return rc;
	x->rep->cases_opened++;
	return audit(x->s, x->org, x->actor, "case.open", id, NULL,
	             json_pack("{s:I,s:I,s:s,s:s,s:b}", "item", (json_int_t)c->item_id, "account",
	                       (json_int_t)c->account_id, "categories", cats, "due_at",
	                       iso(due_iso, due), "history", history),
	             x->err);
}

/* Opens a case for item_id by hand, as op holding perm on its account, for
 * categories (NULL: the item's flags). Its deadline runs from since, or
 * from the item's own time when since is 0. With fresh, an item that has a
 * case already is KV_ECONFLICT; without, that case is the answer. */
static int open_by_hand(const struct op_ctx *op, int64_t item_id, const char *categories,
                        uint32_t perm, int64_t since, int fresh, int64_t *out_id, int *out_opened,
                        struct err *err)
{
	struct workflow_sync_report rep = {0};
	struct sync_ctx x = {op->store, op->org, op_ctx_actor(op), op->now, &rep, err};
	struct item_filter f = {.org_id = op->org, .item_id = item_id, .limit = 1};
	struct one_item it = {0};
	struct case_candidate c = {0};
	int64_t id = 0;
	char cats[512];
	int rc;

	rc = items_each(op->store, &f, one_item_row, &it, err);
	if (rc < 0)
		return rc;
	if (!it.found)
		return err_set(err, KV_ENOTFOUND, "item: %lld does not exist", (long long)item_id);
	rc = op_ctx_require(op, perm, it.account_id, err);
	if (rc)
		return rc;
	if (!categories || !*categories)
		categories = it.categories;
	if (violations(categories, cats, sizeof(cats)) == 0)
		return err_set(err, KV_EINVAL,
		               "categories: '%.200s' names no violation category (the item's "
		               "flags, or the categories given)",
		               categories ? categories : "");
	c.item_id = item_id;
	c.account_id = it.account_id;
	c.categories = cats;
	c.created_at = since ? since : it.created_at;
	c.captured_at = since ? since : it.captured_at;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = open_one(&x, &c);
	if (!rc && fresh && rep.cases_opened == 0)
		rc = err_set(err, KV_ECONFLICT, "item: %lld has a case already",
		             (long long)item_id);
	if (!rc)
		rc = cases_of_item(op->store, op->org, item_id, &id, err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc && out_id)
		*out_id = id;
	if (!rc && out_opened)
		*out_opened = rep.cases_opened > 0;
	return rc;
}

int cases_open(const struct op_ctx *op, int64_t item_id, const char *categories, int64_t *out_id,
               struct err *err)
{
	return open_by_hand(op, item_id, categories, PERM_CASE_DECIDE, 0, 1, out_id, NULL, err);
}

int cases_open_takedown(const struct op_ctx *op, int64_t item_id, const char *categories,
                        int64_t since, int64_t *out_id, int *out_opened, struct err *err)
{
	/* The deadline runs from the reason to take the post down (the
	 * withdrawal), not from when the post was published. */
	if (!categories || !*categories)
		return err_set(err, KV_EINVAL, "categories: give the case's categories");
	return open_by_hand(op, item_id, categories, PERM_CONSENT, since, 0, out_id, out_opened,
	                    err);
}

/* A kept item edited since the decision, and flagged again: the moderator
 * judged another text, so the case opens again, due from the edit (or its
 * capture, when the platform gave no edit time), and the new version needs
 * its own evidence before a removal (cases_decide checks the evidence is
 * newer than the item's newest version). */
static int reopen_one(void *arg, const struct case_edited *e)
{
	struct sync_ctx *x = arg;
	struct policy pol;
	char cats[512], due_iso[CALENDAR_ISO_LEN];
	int64_t at = e->version_at ? e->version_at : e->captured_at, due;
	int rc;

	if (violations(e->categories, cats, sizeof(cats)) == 0)
		return KV_OK;
	rc = policy_get(x->s, x->org, e->account_id, &pol, x->err);
	if (!rc)
		rc = policy_due(&due, &pol.cal, &pol.removal_deadline, at, x->err);
	if (!rc)
		rc = case_row_reopen(x->s, e->case_id, cats, due, x->now, x->err);
	if (rc)
		return rc;
	x->rep->cases_reopened++;
	return audit(x->s, x->org, x->actor, "case.reopen", e->case_id,
	             json_pack("{s:s,s:s,s:s?,s:s?,s:o}", "state", "kept", "decision", "keep",
	                       "reason", e->reason, "decided_by", e->decided_by, "decided_at",
	                       json_time(e->decided_at)),
	             json_pack("{s:s,s:s,s:I,s:I,s:o,s:s,s:s}", "state", "open", "why",
	                       "the item was edited after it was kept", "item",
	                       (json_int_t)e->item_id, "version", (json_int_t)e->version,
	                       "edited_at", json_time(at), "categories", cats, "due_at",
	                       iso(due_iso, due)),
	             x->err);
}

int cases_sync(const struct op_ctx *op, struct workflow_sync_report *rep, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct sync_ctx x = {s, org, actor, op->now, rep, err};
	int64_t after = 0, max = 0;
	int rc;

	rc = op_ctx_require(op, PERM_CAPTURE, 0, err);
	if (!rc)
		rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = workflow_cursor_get(s, org, CURSOR_NAME, &after, err);
	if (!rc)
		rc = case_row_candidates(s, org, after, open_one, &x, &max, err);
	if (!rc && max != after)
		rc = case_row_kept_edited(s, org, after, max, reopen_one, &x, err);
	if (!rc && max != after)
		rc = workflow_cursor_set(s, org, CURSOR_NAME, max, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- evidence ---- */

struct ev_ctx {
	json_t *arr;
	struct store *s;
	int64_t item_id;
	int64_t newest; /* the newest version's capture time */
};

static json_t *parsed_or_text(const char *s)
{
	json_t *j;

	if (!s)
		return json_null();
	j = json_loads(s, JSON_DECODE_ANY, NULL);
	return j ? j : json_string(s);
}

static int ev_version(void *arg, const struct item_version_row *v)
{
	struct ev_ctx *x = arg;

	if (v->captured_at > x->newest)
		x->newest = v->captured_at;
	if (!x->arr)
		return 0;
	return json_array_append_new(x->arr,
	                             json_pack("{s:I,s:s,s:s,s:o,s:o,s:s?,s:o,s:o}", "version",
	                                       (json_int_t)v->version, "text", v->text, "sha256",
	                                       v->sha256, "version_at", json_time(v->version_at),
	                                       "captured_at", json_time(v->captured_at), "source",
	                                       v->source, "links", parsed_or_text(v->links),
	                                       "media", parsed_or_text(v->media)))
	               ? KV_ENOMEM
	               : 0;
}

static int ev_raw(void *arg, int64_t version, const char *raw)
{
	struct ev_ctx *x = arg;
	json_t *v = version > 0 ? json_array_get(x->arr, (size_t)(version - 1)) : NULL;

	if (v && raw && json_integer_value(json_object_get(v, "version")) == version)
		json_object_set_new(v, "raw", parsed_or_text(raw));
	return 0;
}

static int ev_event(void *arg, const struct item_event_row *e)
{
	struct ev_ctx *x = arg;

	return json_array_append_new(x->arr,
	                             json_pack("{s:s,s:o,s:o,s:s?}", "kind", e->kind, "at",
	                                       json_time(e->at), "captured_at",
	                                       json_time(e->captured_at), "source", e->source))
	               ? KV_ENOMEM
	               : 0;
}

static int ev_flag(void *arg, const struct flag_row *f)
{
	struct ev_ctx *x = arg;

	return json_array_append_new(x->arr,
	                             json_pack("{s:s,s:f,s:s,s:I,s:I,s:s}", "category", f->category,
	                                       "score", f->score, "rule", f->rule, "start",
	                                       (json_int_t)f->start, "end", (json_int_t)f->end,
	                                       "match", f->match))
	               ? KV_ENOMEM
	               : 0;
}

static json_t *item_json(const struct item_row *r)
{
	return json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:o,s:o,s:s?,s:s,s:I,s:s}", "id",
	                 (json_int_t)r->id, "platform_id", r->platform_id, "kind", r->kind,
	                 "parent", r->parent_platform_id, "root", r->root_platform_id, "author_id",
	                 r->author_id, "author", r->author_name, "direction", r->direction,
	                 "created_at", json_time(r->created_at), "captured_at",
	                 json_time(r->captured_at), "permalink", r->permalink, "state", r->state,
	                 "versions", (json_int_t)r->versions, "text", r->text);
}

static int ev_thread(void *arg, const struct item_row *r)
{
	struct ev_ctx *x = arg;

	return json_array_append_new(x->arr, item_json(r)) ? KV_ENOMEM : 0;
}

struct ev_item {
	json_t *item;
	json_t *sender;
	json_t *account;
	char *root;
};

static int ev_item_row(void *arg, const struct item_row *r)
{
	struct ev_item *x = arg;

	x->item = item_json(r);
	x->sender = json_pack("{s:s?,s:s?}", "id", r->author_id, "name", r->author_name);
	x->account = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)r->account_id, "platform",
	                       r->platform, "handle", r->account_handle);
	x->root = strdup(r->root_platform_id ? r->root_platform_id : r->platform_id);
	return 0;
}

static int ev_screening(void *arg, int64_t version, const char *ruleset, const char *categories,
                        int64_t screened_at)
{
	json_t **out = arg;

	*out = json_pack("{s:I,s:s,s:s,s:o}", "version", (json_int_t)version, "ruleset", ruleset,
	                 "categories", categories, "screened_at", json_time(screened_at));
	return 0;
}

/* The evidence document of case c, as JSON text (heap; free()). */
static int evidence_build(struct store *s, const struct case_rec *c, const char *actor, int64_t now,
                          char **out, struct err *err)
{
	struct item_filter f = {.org_id = c->org_id, .item_id = c->item_id};
	struct ev_item it = {0};
	struct ev_ctx x = {.s = s, .item_id = c->item_id};
	json_t *doc = NULL, *versions = json_array(), *events = json_array(),
	       *thread = json_array(), *flags = json_array(), *screening = NULL;
	struct arena a;
	const char *org_name = NULL;
	int rc;

	arena_init(&a);
	rc = items_each(s, &f, ev_item_row, &it, err);
	if (!rc && !it.item)
		rc = err_set(err, KV_ENOTFOUND, "item %lld of case %lld is gone",
		             (long long)c->item_id, (long long)c->id);
	if (!rc && (!it.root || !versions || !events || !thread || !flags))
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = register_row_org_name(s, c->org_id, &a, &org_name, err);
	if (!rc) {
		x.arr = versions;
		rc = items_versions(s, c->item_id, ev_version, &x, err);
	}
	if (!rc)
		rc = case_row_item_raw(s, c->item_id, ev_raw, &x, err);
	if (!rc) {
		x.arr = events;
		rc = items_events(s, c->item_id, ev_event, &x, err);
	}
	if (!rc) {
		struct item_filter tf = {
		        .org_id = c->org_id, .account_id = c->account_id, .root = it.root};

		x.arr = thread;
		rc = items_each(s, &tf, ev_thread, &x, err);
	}
	if (!rc) {
		x.arr = flags;
		rc = screening_row_flags(s, c->item_id, ev_flag, &x, err);
	}
	if (!rc) {
		rc = case_row_item_screening(s, c->item_id, ev_screening, &screening, err);
		if (rc == KV_ENOTFOUND) {
			err_clear(err);
			rc = KV_OK;
		}
	}
	if (!rc) {
		json_object_set_new(it.account, "url", json_pack("s?", c->account_url));
		doc = json_pack("{s:s,s:{s:I,s:s,s:s,s:o,s:o,s:s?},s:{s:I,s:s},s:O,s:O,s:O,s:o,s:o,"
		                "s:o,s:o,s:o,s:o,s:s}",
		                "format", "kanalvakt-evidence/1", "case", "id", (json_int_t)c->id,
		                "categories", c->categories, "state", c->state, "opened_at",
		                json_time(c->opened_at), "due_at", json_time(c->due_at),
		                "registration", c->registration, "organisation", "id",
		                (json_int_t)c->org_id, "name", org_name, "account", it.account,
		                "sender", it.sender, "item", it.item, "versions", versions,
		                "events", events, "thread", thread, "screening",
		                screening ? screening : json_null(), "flags", flags, "saved_at",
		                json_time(now), "saved_by", actor);
		versions = events = thread = flags = screening = NULL;
		if (!doc)
			rc = err_set(err, KV_ENOMEM, "cannot build the evidence document");
	}
	if (!rc) {
		*out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!*out)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
	json_decref(doc);
	json_decref(versions);
	json_decref(events);
	json_decref(thread);
	json_decref(flags);
	json_decref(screening);
	json_decref(it.item);
	json_decref(it.sender);
	json_decref(it.account);
	free(it.root);
	arena_done(&a);
	return rc;
}

int cases_is_overdue(const struct case_rec *c, int64_t now)
{
	enum case_state st;

	return case_state_from_name(c->state, &st, NULL) == KV_OK &&
	       case_state_is_overdue(st, c->due_at, now);
}

static json_t *view_time(int64_t t)
{
	char b[CALENDAR_ISO_LEN];

	if (!t)
		return json_null();
	calendar_format_local(b, t);
	return json_string(b);
}

json_t *cases_view_json(const struct case_rec *c, int64_t now)
{
	char account[300];

	snprintf(account, sizeof(account), "%s/%s", c->platform, c->account_handle);
	return json_pack(
	        "{s:I,s:s,s:I,s:I,s:s,s:s?,s:s,s:s,s:s,s:o,s:o,s:b,s:s?,s:s?,s:s?,s:o,s:s?,s:o,s:s?"
	        ",s:"
	        "o,s:s?,s:s?,s:{s:s?,s:s?,s:o,s:s?},s:b}",
	        "id", (json_int_t)c->id, "account", account, "account_id",
	        (json_int_t)c->account_id, "item", (json_int_t)c->item_id, "platform_id",
	        c->item_platform_id, "author", c->author_name, "text", c->text, "categories",
	        c->categories, "state", c->state, "opened_at", view_time(c->opened_at), "due_at",
	        view_time(c->due_at), "overdue", cases_is_overdue(c, now), "decision", c->decision,
	        "reason", c->reason, "decided_by", c->decided_by, "decided_at",
	        view_time(c->decided_at), "confirmed_by", c->confirmed_by, "confirmed_at",
	        view_time(c->confirmed_at), "evidence_sha256", c->evidence_sha256, "evidence_at",
	        view_time(c->evidence_at), "registration", c->registration, "external_ref",
	        c->external_ref, "takedown", "via", c->takedown_via, "by", c->takedown_by, "at",
	        view_time(c->takedown_at), "result", c->takedown_result, "history", c->history);
}

/* Passes on the cases of the accounts the principal may read. */
struct visible {
	const struct principal *who;
	cases_fn fn;
	void *ctx;
};

static int visible_case(void *arg, const struct case_rec *c)
{
	struct visible *v = arg;

	return principal_can(v->who, PERM_CASE_READ, c->account_id) ? v->fn(v->ctx, c) : 0;
}

int cases_list(const struct op_ctx *op, const struct case_filter *f, cases_fn fn, void *ctx,
               struct err *err)
{
	struct case_filter of = *f;
	struct visible v = {op->who, fn, ctx};

	if (f->account_id ? !principal_can(op->who, PERM_CASE_READ, f->account_id)
	                  : !principal_can_any(op->who, PERM_CASE_READ))
		return op_ctx_require(op, PERM_CASE_READ, f->account_id, err);
	of.org_id = op->org;
	return case_row_each(op->store, &of, visible_case, &v, err);
}

int cases_show(const struct op_ctx *op, int64_t id, struct cases_shown *out, struct err *err)
{
	struct case_loaded *l = NULL;
	struct err verr = {0};
	int rc = case_row_load(op->store, op->org, id, &l, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_CASE_READ, l->c.account_id, err);
	if (rc) {
		case_row_loaded_free(l);
		return rc;
	}
	memset(out, 0, sizeof(*out));
	out->l = l;
	out->evidence_verified = -1;
	if (l->c.evidence_sha256) {
		out->evidence_verified =
		        blob_verify(op->store, l->c.evidence_sha256, &verr) == KV_OK;
		blob_path(op->store, l->c.evidence_sha256, out->evidence_path,
		          sizeof(out->evidence_path), NULL);
		if (!out->evidence_verified)
			snprintf(out->evidence_problem, sizeof(out->evidence_problem), "%s",
			         verr.msg);
	}
	return KV_OK;
}

json_t *cases_shown_json(const struct cases_shown *sh, int64_t now)
{
	json_t *j = cases_view_json(&sh->l->c, now);

	if (!j)
		return NULL;
	json_object_set_new(j, "evidence_verified",
	                    sh->evidence_verified < 0 ? json_null()
	                                              : json_boolean(sh->evidence_verified));
	json_object_set_new(j, "evidence_path",
	                    sh->evidence_path[0] ? json_string(sh->evidence_path) : json_null());
	if (sh->evidence_verified == 0)
		json_object_set_new(j, "evidence_problem", json_string(sh->evidence_problem));
	return j;
}

static int closed(const struct case_rec *c)
{
	enum case_state st;

	return case_state_from_name(c->state, &st, NULL) || !case_state_is_open(st);
}

int cases_evidence_save(const struct op_ctx *op, int64_t id, char out[HASH_SHA256_HEX_LEN + 1],
                        struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct case_loaded *l = NULL;
	struct case_rec c;
	char *doc = NULL, sha[HASH_SHA256_HEX_LEN + 1];
	int64_t now = op->now;
	int rc;

	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = case_row_load(s, org, id, &l, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_CASE_DECIDE, l->c.account_id, err);
	if (rc)
		goto out;
	c = l->c;
	if (closed(&c)) {
		rc = err_set(err, KV_ECONFLICT, "case %lld is already decided (%s)", (long long)id,
		             c.state);
		goto out;
	}
	rc = evidence_build(s, &c, actor, now, &doc, err);
	if (!rc)
		rc = blob_put(s, doc, strlen(doc), sha, err);
	if (rc)
		goto out;
	c.evidence_sha256 = sha;
	c.evidence_at = now;
	rc = case_row_update(s, &c, now, err);
	if (!rc)
		rc = audit(s, org, actor, "case.evidence", id,
		           l->c.evidence_sha256 ? json_pack("{s:s}", "sha256", l->c.evidence_sha256)
		                                : NULL,
		           json_pack("{s:s,s:I,s:I}", "sha256", sha, "bytes",
		                     (json_int_t)strlen(doc), "item", (json_int_t)c.item_id),
		           err);
out:
	free(doc);
	case_row_loaded_free(l);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s, err);
	if (!rc)
		memcpy(out, sha, sizeof(sha));
	return rc;
}

/* ---- decisions ---- */

/* Whether c may be hidden or removed now; KV_ECONFLICT saying what is
 * missing otherwise. */
static int ready(struct store *s, const struct case_rec *c, enum case_decision d,
                 const struct cases_opts *o, struct err *err)
{
	struct ev_ctx x = {0};
	int rc;

	if (!c->evidence_sha256)
		return err_set(err, KV_ECONFLICT,
		               "case %lld: the evidence is not saved; hide and remove are refused "
		               "until it is (kanalvakt case evidence %lld)",
		               (long long)c->id, (long long)c->id);
	rc = blob_verify(s, c->evidence_sha256, err);
	if (rc) {
		/* A missing or damaged blob is no evidence: refuse as if unsaved. */
		err_prefix(err,
		           "case %lld: the saved evidence does not verify: ", (long long)c->id);
		if (err)
			err->code = KV_ECONFLICT;
		return KV_ECONFLICT;
	}
	rc = items_versions(s, c->item_id, ev_version, &x, err);
	if (rc)
		return rc;
	if (x.newest > c->evidence_at)
		return err_set(err, KV_ECONFLICT,
		               "case %lld: the item has a version newer than the saved evidence; "
		               "save the evidence again (kanalvakt case evidence %lld)",
		               (long long)c->id, (long long)c->id);
	if (d == CASE_REMOVE && o->require_registration && !commercial_only(c->categories) &&
	    !c->registration && !c->external_ref)
		return err_set(err, KV_ECONFLICT,
		               "case %lld: content must be registered (diariefört) before it is "
		               "removed (kanalvakt case register %lld --series | --external REF)",
		               (long long)c->id, (long long)c->id);
	return KV_OK;
}

static json_t *state_json(const struct case_rec *c)
{
	return json_pack("{s:s,s:s?,s:s?}", "state", c->state, "decision", c->decision,
	                 "decided_by", c->decided_by);
}

/* Records a failed platform call in the case and the audit chain, in its
 * own transaction; the caller's error stays in err. */
static void record_failure(struct store *s, int64_t org, int64_t id, const char *actor,
                           const struct takedown_outcome *to, const struct err *why)
{
	struct case_loaded *l = NULL;
	struct err e2 = {0};
	char result[1024];

	snprintf(result, sizeof(result), "failed: %.1000s", why->msg);
	if (store_begin(s, &e2))
		return;
	if (case_row_load(s, org, id, &l, &e2) == KV_OK) {
		struct case_rec c = l->c;

		c.takedown_result = result;
		if (case_row_update(s, &c, time_now(), &e2) == KV_OK &&
		    audit(s, org, actor, "case.takedown_failed", id, NULL,
		          json_pack("{s:s,s:I,s:s}", "request", to->request, "status",
		                    (json_int_t)to->status, "error", why->msg),
		          &e2) == KV_OK) {
			case_row_loaded_free(l);
			store_commit(s, &e2);
			return;
		}
	}
	case_row_loaded_free(l);
	store_rollback(s);
}

/* Carries out the hide or remove of c (already checked ready): through the
 * API when possible, then records it. confirming: the actor confirms a
 * pending proposal. */
static int take_down(struct store *s, int64_t org, const struct case_rec *c0, enum case_decision d,
                     const char *reason, const char *actor, int confirming,
                     const struct cases_opts *o, const struct cases_takedown *t,
                     struct cases_outcome *out, struct err *err)
{
	enum takedown_action act = d == CASE_HIDE ? TAKEDOWN_HIDE : TAKEDOWN_REMOVE;
	struct takedown_outcome to;
	struct takedown_conf tc;
	struct case_loaded *l = NULL;
	struct case_rec c;
	struct item_event ev = {0};
	enum item_outcome io;
	enum platform p;
	char why[512] = "", result[1400];
	int64_t now;
	int via_api = 0, rc;

	memset(&to, 0, sizeof(to));
	if (register_platform_from_name(c0->platform, &p) != KV_OK)
		p = PLATFORM_OTHER;
	if (t && t->by_hand) {
		snprintf(why, sizeof(why), "done by hand, as the moderator chose");
	} else if (!takedown_supported(p, act, c0->item_own)) {
		snprintf(why, sizeof(why), "%s cannot %s %s items through its API",
		         register_platform_label(p), act == TAKEDOWN_HIDE ? "hide" : "remove",
		         c0->item_own ? "the account's own" : "other people's");
	} else {
		struct err ce = {0};

		if (takedown_conf_load(&tc, t ? t->cfg : NULL, p, c0->account_handle,
		                       c0->account_url, &ce) != KV_OK)
			snprintf(why, sizeof(why), "no usable platform settings: %.400s", ce.msg);
		else if (!tc.conn.token)
			snprintf(why, sizeof(why),
			         "no token configured for %s/%s (token or moderation_token)",
			         c0->platform, c0->account_handle);
		else
			via_api = 1;
	}
	if (via_api) {
		/* Some platforms take down only the account's own items (a
		 * Mastodon status), or take them down another way (YouTube's
		 * comments.delete, X's delete). */
		rc = takedown_run(&tc, p, act, c0->item_platform_id, c0->item_own, &to, err);
		if (rc) {
			record_failure(s, org, c0->id, actor, &to, err);
			return err_prefix(
			        err,
			        "case %lld: the platform did not %s the item (the case is "
			        "unchanged; retry, or use --by-hand once done on the "
			        "platform): ",
			        (long long)c0->id, act == TAKEDOWN_HIDE ? "hide" : "remove");
		}
		snprintf(result, sizeof(result), "%s: HTTP %ld", to.request, to.status);
	} else {
		snprintf(result, sizeof(result), "by hand: %s", why);
	}
	/* Record it, re-reading the case: someone may have acted meanwhile. */
	now = time_now();
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = case_row_load(s, org, c0->id, &l, err);
	if (rc)
		goto out;
	c = l->c;
	if (c.updated_at != c0->updated_at || strcmp(c.state, c0->state) != 0) {
		rc = err_set(err, KV_ECONFLICT,
		             "case %lld changed while the takedown ran (now %s); the platform call "
		             "%s was made; look at the case again",
		             (long long)c.id, c.state, via_api ? to.request : "(none)");
		goto out;
	}
	c.state = d == CASE_HIDE ? "hidden" : "removed";
	if (confirming) {
		c.confirmed_by = actor;
		c.confirmed_at = now;
	} else {
		c.decision = cases_decision_name(d);
		c.reason = reason;
		c.decided_by = actor;
		c.decided_at = now;
	}
	c.takedown_via = via_api ? "api" : "hand";
	c.takedown_by = actor;
	c.takedown_at = now;
	c.takedown_result = result;
	rc = case_row_update(s, &c, now, err);
	if (rc)
		goto out;
	ev.platform = c.platform;
	ev.platform_id = c.item_platform_id;
	ev.kind = d == CASE_HIDE ? ITEM_EV_HIDDEN : ITEM_EV_DELETED;
	ev.at = now;
	ev.source = "kanalvakt";
	rc = items_event(s, c.account_id, &ev, now, &io, err);
	if (!rc)
		rc = audit(s, org, actor, confirming ? "case.confirm" : "case.decide", c.id,
		           state_json(&l->c),
		           json_pack("{s:s,s:s,s:s?,s:s?}", "state", c.state, "decision",
		                     c.decision ? c.decision : cases_decision_name(d), "reason",
		                     c.reason, "registration", c.registration),
		           err);
	if (!rc)
		rc = audit(s, org, actor, "case.takedown", c.id, NULL,
		           json_pack("{s:s,s:s,s:s,s:s}", "via", c.takedown_via, "action",
		                     cases_decision_name(d), "item", c.item_platform_id, "result",
		                     result),
		           err);
out:
	if (rc) {
		case_row_loaded_free(l);
		store_rollback(s);
		return rc;
	}
	snprintf(out->state, sizeof(out->state), "%s", c.state);
	out->done = 1;
	out->via_api = via_api;
	snprintf(out->detail, sizeof(out->detail), "%s", result);
	case_row_loaded_free(l);
	(void)o;
	return store_commit(s, err);
}

int cases_decide(const struct op_ctx *op, int64_t id, enum case_decision d, const char *reason,
                 const struct cases_opts *opts, const struct cases_takedown *t,
                 struct cases_outcome *out, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct case_loaded *l = NULL;
	struct case_rec c;
	struct policy pol;
	int64_t now = op->now;
	int rc, in_txn = 0;

	memset(out, 0, sizeof(*out));
	if (reason && (utf8_check(reason, strlen(reason)) >= 0 || strlen(reason) > 2000))
		return err_set(err, KV_EINVAL,
		               "--reason: must be valid UTF-8 of at most 2000 bytes");
	if (d == CASE_KEEP && (!reason || !*reason))
		return err_set(err, KV_EINVAL,
		               "case %lld: keeping flagged content needs a reason (--reason)",
		               (long long)id);
	rc = store_begin(s, err);
	if (rc)
		return rc;
	in_txn = 1;
	rc = case_row_load(s, org, id, &l, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_CASE_DECIDE, l->c.account_id, err);
	if (rc)
		goto out;
	c = l->c;
	if (closed(&c)) {
		rc = err_set(err, KV_ECONFLICT, "case %lld is already closed (%s by %s)",
		             (long long)id, c.state, c.decided_by ? c.decided_by : "?");
		goto out;
	}
	if (d == CASE_KEEP) {
		c.state = "kept";
		c.decision = "keep";
		c.reason = reason;
		c.decided_by = actor;
		c.decided_at = now;
		c.confirmed_by = NULL;
		c.confirmed_at = 0;
		rc = case_row_update(s, &c, now, err);
		if (!rc)
			rc = audit(s, org, actor, "case.decide", id, state_json(&l->c),
			           json_pack("{s:s,s:s,s:s}", "state", "kept", "decision", "keep",
			                     "reason", reason),
			           err);
		if (!rc)
			snprintf(out->state, sizeof(out->state), "kept");
		goto out;
	}
	rc = ready(s, &c, d, opts, err);
	if (!rc)
		rc = policy_get(s, org, c.account_id, &pol, err);
	if (rc)
		goto out;
	if (pol.four_eyes) {
		c.state = "pending_confirmation";
		c.decision = cases_decision_name(d);
		c.reason = reason;
		c.decided_by = actor;
		c.decided_at = now;
		rc = case_row_update(s, &c, now, err);
		if (!rc)
			rc = audit(s, org, actor, "case.decide", id, state_json(&l->c),
			           json_pack("{s:s,s:s,s:s?}", "state", c.state, "decision",
			                     c.decision, "reason", reason),
			           err);
		if (!rc) {
			snprintf(out->state, sizeof(out->state), "%s", c.state);
			snprintf(out->detail, sizeof(out->detail),
			         "four eyes: someone other than %s must confirm (kanalvakt case "
			         "confirm %lld)",
			         actor, (long long)id);
		}
		goto out;
	}
	/* No four eyes: carry it out now, outside the transaction. The check
	 * above is repeated by take_down's re-read of the case (state and
	 * updated_at). */
	store_rollback(s);
	in_txn = 0;
	rc = take_down(s, org, &c, d, reason, actor, 0, opts, t, out, err);
out:
	case_row_loaded_free(l);
	if (in_txn && rc)
		store_rollback(s);
	else if (in_txn)
		rc = store_commit(s, err);
	return rc;
}

int cases_confirm(const struct op_ctx *op, int64_t id, const struct cases_opts *opts,
                  const struct cases_takedown *t, struct cases_outcome *out, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct case_loaded *l = NULL;
	enum case_decision d;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = case_row_load(s, org, id, &l, err);
	if (rc)
		return rc;
	rc = op_ctx_require(op, PERM_CASE_DECIDE, l->c.account_id, err);
	if (rc)
		goto out;
	if (strcmp(l->c.state, "pending_confirmation") != 0) {
		rc = err_set(err, KV_ECONFLICT, "case %lld is not waiting for confirmation (%s)",
		             (long long)id, l->c.state);
		goto out;
	}
	if (principal_is(op->who, l->c.decided_by)) {
		rc = err_set(
		        err, KV_EDENIED,
		        "case %lld: %s proposed this %s and cannot also confirm it (four eyes: "
		        "another person must)",
		        (long long)id, actor, l->c.decision ? l->c.decision : "decision");
		goto out;
	}
	if (cases_decision_from_name(l->c.decision, &d) != KV_OK || d == CASE_KEEP) {
		rc = err_set(err, KV_EINTERNAL, "case %lld: pending with decision '%s'",
		             (long long)id, l->c.decision ? l->c.decision : "");
		goto out;
	}
	rc = ready(s, &l->c, d, opts, err);
	if (!rc)
		rc = take_down(s, org, &l->c, d, l->c.reason, actor, 1, opts, t, out, err);
out:
	case_row_loaded_free(l);
	return rc;
}

int cases_register(const struct op_ctx *op, int64_t id, int series, const char *external_ref,
                   const struct cases_opts *opts, char out[CASES_REG_MAX + 1], struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct case_loaded *l = NULL;
	struct case_rec c;
	struct calendar_local lt;
	char reg[CASES_REG_MAX + 1];
	int64_t now = op->now, n;
	int rc;

	if (!series) {
		size_t len = external_ref ? strlen(external_ref) : 0;

		if (!len || len > CASES_REG_MAX || utf8_check(external_ref, len) >= 0)
			return err_set(err, KV_EINVAL,
			               "--external: the reference must be 1 to %d bytes of UTF-8",
			               CASES_REG_MAX);
	}
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = case_row_load(s, org, id, &l, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_CASE_REGISTER, l->c.account_id, err);
	if (rc)
		goto out;
	c = l->c;
	if (c.registration || c.external_ref) {
		rc = err_set(err, KV_ECONFLICT, "case %lld is already registered as %s",
		             (long long)id, c.registration ? c.registration : c.external_ref);
		goto out;
	}
	if (series) {
		calendar_to_local(&lt, now);
		rc = case_row_series_next(s, org, opts->series_prefix, lt.y, &n, err);
		if (rc)
			goto out;
		snprintf(reg, sizeof(reg), "%s %d/%04lld", opts->series_prefix, lt.y, (long long)n);
		c.registration = reg;
	} else {
		snprintf(reg, sizeof(reg), "%s", external_ref);
		c.external_ref = reg;
	}
	rc = case_row_update(s, &c, now, err);
	if (!rc)
		rc = audit(s, org, actor, "case.register", id, NULL,
		           json_pack("{s:s,s:s}", series ? "registration" : "external_ref", reg,
		                     "item", c.item_platform_id),
		           err);
out:
	case_row_loaded_free(l);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s, err);
	if (!rc)
		memcpy(out, reg, sizeof(reg));
	return rc;
}
