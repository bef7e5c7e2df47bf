/* The entity views. */
#include "http/views.h"

#include "base/calendar.h"
#include "workflow/policy.h"

#include <stdio.h>
#include <string.h>

json_t *views_time(int64_t t)
{
	char b[CALENDAR_ISO_LEN];

	if (!t)
		return json_null();
	calendar_format_local(b, t);
	return json_string(b);
}

json_t *views_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *parsed(const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;

	return j ? j : (s ? json_string(s) : json_null());
}

json_t *views_review_json(const struct review_state *v)
{
	char interval[POLICY_DUR_LEN];

	policy_duration_format(interval, &v->interval);
	return json_pack("{s:s,s:I,s:b,s:o,s:o,s:s,s:o,s:o}", "account", v->account, "account_id",
	                 (json_int_t)v->account_id, "missing", v->missing, "last_review_at",
	                 views_time(v->last_review_at), "last_review_by",
	                 views_str(v->last_review_by[0] ? v->last_review_by : NULL), "interval",
	                 interval, "reviewed_since", views_time(v->since), "due_at",
	                 views_time(v->due_at));
}

json_t *views_alert_json(const struct alert_row *a)
{
	char account[300];

	snprintf(account, sizeof(account), "%s/%s", a->platform ? a->platform : "",
	         a->account_handle ? a->account_handle : "");
	return json_pack("{s:I,s:o,s:o,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)a->id, "account",
	                 a->account_id ? json_string(account) : json_null(), "account_id",
	                 a->account_id ? json_integer(a->account_id) : json_null(), "kind", a->kind,
	                 "detail", parsed(a->detail), "created_at", views_time(a->created_at),
	                 "acknowledged_by", views_str(a->acknowledged_by), "acknowledged_at",
	                 views_time(a->acknowledged_at));
}

json_t *views_mail_json(const struct outbox_row *m)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:I,s:o,s:o,s:o}", "id", (json_int_t)m->id, "recipients",
	                 m->recipients ? m->recipients : "", "subject",
	                 m->subject ? m->subject : "", "created_at", views_time(m->created_at),
	                 "attempts", (json_int_t)m->attempts, "next_attempt_at",
	                 views_time(m->next_attempt_at), "sent_at", views_time(m->sent_at),
	                 "last_error", views_str(m->last_error));
}

json_t *views_webhook_json(const struct webhook_row *w)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)w->id, "source",
	                 w->source, "received_at", views_time(w->received_at), "status", w->status,
	                 "bytes", (json_int_t)w->body_len, "sha256", w->sha256, "processed_at",
	                 views_time(w->processed_at), "error", views_str(w->error));
}

json_t *views_audit_json(const struct audit_entry *e)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s}", "seq", (json_int_t)e->seq, "at",
	                 e->at, "actor", e->actor, "action", e->action, "entity", e->entity,
	                 "entity_id", views_str(e->entity_id), "before",
	                 e->before ? parsed(e->before) : json_null(), "after",
	                 e->after ? parsed(e->after) : json_null(), "hash", e->hash);
}

json_t *views_unit_json(const struct unit_row *u)
{
	return json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)u->id, "name", u->name, "parent",
	                 views_str(u->parent_name), "closed_on", views_str(u->closed_on));
}

json_t *views_person_json(const struct person_row *p)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:o,s:o,s:b,s:b}", "id", (json_int_t)p->id, "name",
	                 p->name, "title", views_str(p->title), "email", p->email, "phone",
	                 views_str(p->phone), "unit", views_str(p->unit_name), "contact_public",
	                 p->contact_public, "active", p->active);
}

static json_t *num_or_null(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

/* The reach figures: each sum, null where no post gave it. */
static json_t *reach_json(const struct reach_sum *r)
{
	json_t *o = json_pack("{s:I,s:o}", "posts_with_figures", (json_int_t)r->posts, "as_of",
	                      calendar_json_local(r->latest));

	for (int f = 0; o && f < REACH_NFIGURES; f++)
		json_object_set_new(o, reach_row_name((enum reach_figure)f),
		                    r->sum.v[f] >= 0 ? json_integer(r->sum.v[f]) : json_null());
	return o;
}

json_t *views_stats_account_json(const struct stats_account *a)
{
	json_t *cats = json_object();

	for (size_t i = 0; i < a->n_cats; i++)
		json_object_set_new(cats, a->cats[i].name, json_integer(a->cats[i].n));
	return json_pack(
	        "{s:s,s:I,s:f,s:I,s:f,s:o,s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:o,s:I,s:I,s:I,s:o}",
	        "account", a->account, "account_id", (json_int_t)a->account_id, "weeks", a->weeks,
	        "posts", (json_int_t)a->posts, "posts_per_week", a->posts_per_week,
	        "target_posts_per_week", a->target >= 0 ? json_integer(a->target) : json_null(),
	        "questions", (json_int_t)a->questions, "answered", (json_int_t)a->answered,
	        "answered_in_time", (json_int_t)a->answered_in_time, "answered_in_time_pct",
	        num_or_null(a->in_time_pct), "median_response_hours", num_or_null(a->median_hours),
	        "p90_response_hours", num_or_null(a->p90_hours), "comments",
	        (json_int_t)a->comments, "comments_by_category", cats, "takedowns",
	        (json_int_t)(a->hidden + a->removed), "hidden", (json_int_t)a->hidden, "removed",
	        (json_int_t)a->removed, "reach", reach_json(&a->reach));
}

json_t *views_stats_json(const struct stats_report *r)
{
	json_t *list = json_array();
	char from[CALENDAR_ISO_LEN], to[CALENDAR_ISO_LEN];

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(list, views_stats_account_json(&r->accounts[i]));
	calendar_format_local(from, r->from);
	calendar_format_local(to, r->to);
	return json_pack("{s:s,s:s,s:o,s:o}", "from", from, "to", to, "accounts", list, "total",
	                 views_stats_account_json(&r->total));
}
