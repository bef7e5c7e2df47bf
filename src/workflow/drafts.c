/* Drafts: writing, checking, the second reading and publishing. */
#include "workflow/drafts.h"

#include "base/calendar.h"
#include "base/hash.h"
#include "base/utf8.h"
#include "capture/publish.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "workflow/draft_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Nykvarn's "Checklista vid publicering" (bilaga 3), in its order. A "no"
 * to a question whose good answer is yes stops the publish; the others are
 * for planning and are recorded as answered. */
const struct drafts_question drafts_questions[] = {
        {"relevant", "Är inlägget relevant för verksamheten och målgruppen?", "always", 1, 0},
        {"spelling", "Är inlägget rättstavat?", "always", 1, 0},
        {"timing", "Är det rätt tidpunkt att publicera?", "always", 1, 0},
        {"tone", "Är tonaliteten rätt utifrån verksamhet och målgrupp?", "always", 1, 0},
        {"channel", "Är inlägget anpassat utifrån kanalen?", "always", 1, 0},
        {"targeting", "Ska inlägget styras mot en viss målgrupp?", "always", 0, 0},
        {"shorten", "Går inlägget att korta ner?", "always", 0, 0},
        {"hashtags", "Ska hashtags användas och vilka i så fall?", "always", 0, 0},
        {"fold", "Ryms budskapet i kanalen utan att användare behöver trycka på läs mer?", "always",
         0, 1},
        {"url", "Är webbadressen rätt och fungerar?", "links", 1, 0},
        {"image", "Är inlägget bildsatt?", "always", 0, 1},
        {"image_fit", "Är bild och film lämplig utifrån målet att skapa engagemang?", "media", 1,
         0},
        {"copyright", "Har kommunen upphovsrätten till materialet?", "media", 1, 0},
        {"anonymised", "Är inlägget anonymiserat?", "always", 0, 0},
        {"consent", "Om inte, behövs samtycke och har det inhämtats?", "people", 1, 0},
        {"own_film",
         "Är det en egenproducerad film? Då ska den publiceras på kommunens Youtubekanal innan "
         "den publiceras.",
         "video", 0, 0},
        {"second_reader",
         "Är det ett känsligt inlägg, har minst två personer, varav en ansvarig, läst igenom?",
         "always", 0, 1},
        {"central_page",
         "Är detta ett inlägg som kan vara lämpligt att dela på kommunens centrala Facebooksida?",
         "always", 0, 0},
        {"website",
         "Är det en nyhet eller information som kanske ska läggas ut på kommunens hemsida eller "
         "Facebook?",
         "always", 0, 0},
};
const size_t drafts_n_questions = sizeof(drafts_questions) / sizeof(drafts_questions[0]);

/* ---- small helpers ---- */

static char *iso(char out[CALENDAR_ISO_LEN], int64_t t)
{
	calendar_format_local(out, t);
	return out;
}

static json_t *time_json(int64_t t)
{
	char b[CALENDAR_ISO_LEN];

	return t ? json_string(iso(b, t)) : json_null();
}

static int audit_draft(const struct op_ctx *op, const char *action, int64_t id, json_t *before,
                       json_t *after, struct err *err)
{
	return audit_append_json(op->store, op->org, op_ctx_actor(op), action, "draft", id, before,
	                         after, err);
}

static int check_text(const char *what, const char *v, size_t max, int may_be_empty,
                      struct err *err)
{
	size_t n = v ? strlen(v) : 0;
	ssize_t bad;

	if (!v || (!may_be_empty && strspn(v, " \t\r\n") == n))
		return err_set(err, KV_EINVAL, "%s: is empty", what);
	if (n > max)
		return err_set(err, KV_EINVAL, "%s: longer than %zu bytes", what, max);
	bad = utf8_check(v, n);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "%s: not valid UTF-8 at byte %zd", what, bad);
	return KV_OK;
}

/* The content type of a medium from its name; NULL for a kind Kanalvakt
 * does not publish. */
static const char *media_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	        {".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"}, {".png", "image/png"},
	        {".gif", "image/gif"},       {".webp", "image/webp"}, {".mp4", "video/mp4"},
	        {".mov", "video/quicktime"},
	};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);

		if (n > e && strcasecmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* The account of a draft as loaded from the register; KV_ENOTFOUND when it
 * is not op's, KV_ECONFLICT when it is closed. */
static int open_account(const struct op_ctx *op, int64_t account, struct account_rec **out,
                        struct err *err)
{
	struct account_rec *r = NULL;
	int rc = register_row_account_load(op->store, account, &r, err);

	if (!rc && r->org_id != op->org)
		rc = err_set(err, KV_ENOTFOUND, "account %lld does not exist", (long long)account);
	if (!rc && r->v.status == ACCOUNT_CLOSED)
		rc = err_set(err, KV_ECONFLICT,
		             "account %s/%s is closed: nothing is published on it any more",
		             register_platform_name(r->v.platform), r->v.handle);
	if (rc) {
		register_row_account_free(r);
		return rc;
	}
	*out = r;
	return KV_OK;
}

static int draft_platform(const struct draft_rec *d, enum platform *out)
{
	if (register_platform_from_name(d->platform, out) != KV_OK)
		*out = PLATFORM_OTHER;
	return KV_OK;
}

/* ---- what stands in the way ---- */

static int applies(const struct drafts_question *q, const struct draft_rec *d, json_t *check)
{
	json_t *facts = json_object_get(check, "facts");

	if (strcmp(q->applies, "always") == 0)
		return 1;
	if (strcmp(q->applies, "media") == 0)
		return json_is_true(json_object_get(facts, "media"));
	if (strcmp(q->applies, "video") == 0)
		return json_is_true(json_object_get(facts, "video"));
	if (strcmp(q->applies, "links") == 0)
		return json_integer_value(json_object_get(facts, "links")) > 0;
	if (strcmp(q->applies, "people") == 0) {
		json_t *ans = json_loads(d->answers ? d->answers : "{}", 0, NULL);
		const char *anon = json_string_value(json_object_get(ans, "anonymised"));
		int yes = d->shows_people || (anon && strcmp(anon, "no") == 0);

		json_decref(ans);
		return yes;
	}
	return 0;
}

/* The automatic answer to q from the check, or NULL when the person
 * answers it. */
static const char *auto_answer(const struct drafts_question *q, const struct draft_rec *d,
                               json_t *check)
{
	json_t *facts = json_object_get(check, "facts");

	if (strcmp(q->key, "fold") == 0)
		return json_is_true(json_object_get(facts, "fold_ok")) ? "yes" : "no";
	if (strcmp(q->key, "image") == 0)
		return json_is_true(json_object_get(facts, "media")) ? "yes" : "no";
	if (strcmp(q->key, "second_reader") == 0)
		return !(d->sensitive || d->flagged) || (strcmp(d->review, "approved") == 0 &&
		                                         d->review_version == d->version)
		               ? "yes"
		               : "no";
	return NULL;
}

/* 1 when the draft needs a second reader. */
static int needs_reader(const struct draft_rec *d)
{
	return d->sensitive || (d->flagged && d->check_version == d->version);
}

/* Appends to list (strings) everything that stops draft d being published
 * now. */
static void blocking(const struct draft_rec *d, json_t *list)
{
	json_t *check = d->check_json ? json_loads(d->check_json, 0, NULL) : NULL;
	json_t *ans = json_loads(d->answers ? d->answers : "{}", 0, NULL);
	int answers_current = d->answers_version == d->version;
	char b[600];

	if (strcmp(d->state, "draft") != 0) {
		snprintf(b, sizeof(b), "utkastet är %s", d->state);
		json_array_append_new(list, json_string(b));
		goto out;
	}
	if (!check || d->check_version != d->version) {
		json_array_append_new(list, json_string(d->check_version ? "utkastet har ändrats "
		                                                           "sedan kontrollen: kör "
		                                                           "draft check igen"
		                                                         : "utkastet är inte "
		                                                           "kontrollerat: kör "
		                                                           "draft check"));
		goto reader;
	}
	{
		json_t *points = json_object_get(check, "points");
		size_t i;
		json_t *p;

		json_array_foreach(points, i, p)
		{
			const char *st = json_string_value(json_object_get(p, "status"));

			if (st && strcmp(st, "error") == 0) {
				snprintf(b, sizeof(b), "%s: %s",
				         json_string_value(json_object_get(p, "title")),
				         json_string_value(json_object_get(p, "detail")));
				json_array_append_new(list, json_string(b));
			}
		}
	}
	for (size_t i = 0; i < drafts_n_questions; i++) {
		const struct drafts_question *q = &drafts_questions[i];
		const char *a;

		if (q->automatic || !applies(q, d, check))
			continue;
		a = answers_current ? json_string_value(json_object_get(ans, q->key)) : NULL;
		if (!a) {
			snprintf(b, sizeof(b), "obesvarad fråga %s: %s", q->key, q->text);
			json_array_append_new(list, json_string(b));
		} else if (q->blocks_on_no && strcmp(a, "no") == 0) {
			snprintf(b, sizeof(b), "svaret nej på %s: %s", q->key, q->text);
			json_array_append_new(list, json_string(b));
		}
	}
reader:
	if (strcmp(d->review, "rejected") == 0 && d->review_version == d->version) {
		snprintf(b, sizeof(b), "avslaget av %s: %s", d->reviewed_by ? d->reviewed_by : "?",
		         d->review_reason ? d->review_reason : "");
		json_array_append_new(list, json_string(b));
	} else if (needs_reader(d) &&
	           !(strcmp(d->review, "approved") == 0 && d->review_version == d->version)) {
		json_array_append_new(list,
		                      json_string("känsligt inlägg: en andra läsare måste godkänna "
		                                  "det (minst två personer, varav en ansvarig för "
		                                  "kontot: draft review --approve)"));
	}
out:
	json_decref(check);
	json_decref(ans);
}

json_t *drafts_view_json(const struct draft_rec *d, int64_t now)
{
	json_t *media = json_loads(d->media ? d->media : "[]", 0, NULL);
	json_t *answers = json_loads(d->answers ? d->answers : "{}", 0, NULL);
	json_t *check = d->check_json ? json_loads(d->check_json, 0, NULL) : NULL;
	json_t *block = json_array(), *j;

	(void)now;
	blocking(d, block);
	j = json_pack("{s:I,s:s,s:I,s:s,s:s,s:o,s:b,s:b,s:b,s:o,s:s,s:I,s:s,s:o,s:o}", "id",
	              (json_int_t)d->id, "account", d->account, "account_id",
	              (json_int_t)d->account_id, "platform", d->platform, "text", d->text, "media",
	              media ? media : json_array(), "shows_people", d->shows_people, "sensitive",
	              d->sensitive, "needs_second_reader", needs_reader(d), "publish_at",
	              time_json(d->publish_at), "state", d->state, "version",
	              (json_int_t)d->version, "created_by", d->created_by, "created_at",
	              time_json(d->created_at), "updated_at", time_json(d->updated_at));
	if (!j) {
		json_decref(answers);
		json_decref(check);
		json_decref(block);
		return NULL;
	}
	json_object_set_new(j, "check",
	                    check ? json_pack("{s:I,s:b,s:s?,s:o,s:O}", "version",
	                                      (json_int_t)d->check_version, "current",
	                                      d->check_version == d->version, "checked_by",
	                                      d->checked_by, "checked_at", time_json(d->checked_at),
	                                      "points", json_object_get(check, "points"))
	                          : json_null());
	json_object_set_new(j, "flagged", json_boolean(d->flagged));
	json_object_set_new(j, "answers", answers ? answers : json_object());
	json_object_set_new(j, "answers_current", json_boolean(d->answers_version == d->version));
	json_object_set_new(j, "review",
	                    json_pack("{s:s,s:b,s:s?,s:o,s:s?}", "state", d->review, "current",
	                              d->review_version == d->version, "by", d->reviewed_by, "at",
	                              time_json(d->reviewed_at), "reason", d->review_reason));
	json_object_set_new(j, "blocking", block);
	json_object_set_new(j, "ready", json_boolean(json_array_size(block) == 0));
	json_object_set_new(j, "publish_error",
	                    d->publish_error ? json_string(d->publish_error) : json_null());
	json_object_set_new(j, "published",
	                    d->published_at
	                            ? json_pack("{s:o,s:s?,s:s?,s:s?,s:o}", "at",
	                                        time_json(d->published_at), "by", d->published_by,
	                                        "via", d->published_via, "platform_id",
	                                        d->platform_id, "item",
	                                        d->item_id ? json_integer(d->item_id) : json_null())
	                            : json_null());
	json_decref(check);
	return j;
}

/* ---- reading ---- */

int drafts_get(const struct op_ctx *op, int64_t id, struct draft_loaded **out, struct err *err)
{
	struct draft_loaded *l = NULL;
	int rc = draft_row_load(op->store, op->org, id, &l, err);

	if (!rc)
		rc = op_ctx_require(op, PERM_PUBLISH, l->d.account_id, err);
	if (rc) {
		draft_row_loaded_free(l);
		return rc;
	}
	*out = l;
	return KV_OK;
}

struct visible {
	const struct op_ctx *op;
	draft_row_fn fn;
	void *ctx;
};

static int visible(void *arg, const struct draft_rec *d)
{
	struct visible *v = arg;

	if (!principal_can(v->op->who, PERM_PUBLISH, d->account_id))
		return 0;
	return v->fn(v->ctx, d);
}

int drafts_list(const struct op_ctx *op, const struct draft_filter *f, draft_row_fn fn, void *ctx,
                struct err *err)
{
	struct draft_filter g = *f;
	struct visible v = {op, fn, ctx};
	int rc;

	g.org = op->org;
	if (f->account_id) {
		rc = op_ctx_require(op, PERM_PUBLISH, f->account_id, err);
		if (rc)
			return rc;
	} else if (!principal_can_any(op->who, PERM_PUBLISH)) {
		return op_ctx_require(op, PERM_PUBLISH, 0, err);
	}
	rc = draft_row_each(op->store, &g, visible, &v, err);
	return rc > 0 ? KV_OK : rc;
}

/* ---- writing ---- */

static int media_json(const struct op_ctx *op, const struct drafts_media *m, size_t n, json_t **out,
                      struct err *err)
{
	json_t *arr = json_array();
	int rc = KV_OK;

	if (!arr)
		return err_set(err, KV_ENOMEM, "out of memory");
	if (n > DRAFTS_MEDIA_MAX)
		rc = err_set(err, KV_EINVAL, "--media: at most %d files", DRAFTS_MEDIA_MAX);
	for (size_t i = 0; i < n && !rc; i++) {
		const char *type = media_type(m[i].name);
		char sha[HASH_SHA256_HEX_LEN + 1];
		const char *base = strrchr(m[i].name, '/');

		if (!type) {
			rc = err_set(
			        err, KV_EINVAL,
			        "--media %s: not an image or film Kanalvakt publishes (jpg, png, "
			        "gif, webp, mp4, mov)",
			        m[i].name);
			break;
		}
		if (!m[i].len || m[i].len > DRAFTS_MEDIA_BYTES) {
			rc = err_set(err, KV_EINVAL, "--media %s: %s", m[i].name,
			             m[i].len ? "larger than 100 MiB" : "empty file");
			break;
		}
		if (m[i].alt) {
			rc = check_text("--alt", m[i].alt, DRAFTS_ALT_MAX, 1, err);
			if (rc)
				break;
		}
		rc = blob_put(op->store, m[i].data, m[i].len, sha, err);
		if (!rc && json_array_append_new(
		                   arr, json_pack("{s:s,s:s,s:s,s:I,s:s?}", "sha256", sha, "name",
		                                  base ? base + 1 : m[i].name, "type", type,
		                                  "bytes", (json_int_t)m[i].len, "alt",
		                                  m[i].alt && *m[i].alt ? m[i].alt : NULL)))
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KV_OK;
}

int drafts_add(const struct op_ctx *op, const struct drafts_input *in, int64_t *out_id,
               struct err *err)
{
	struct account_rec *acc = NULL;
	struct draft_rec r = {0};
	json_t *media = NULL;
	char *mj = NULL;
	int64_t id = 0;
	int rc, in_txn = 0;

	rc = check_text("--text", in->text, DRAFTS_TEXT_MAX, in->n_media > 0, err);
	if (!rc && in->publish_at && in->publish_at < op->now)
		rc = err_set(err, KV_EINVAL, "--at: the time has passed");
	if (rc)
		return rc;
	rc = open_account(op, in->account_id, &acc, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_PUBLISH, in->account_id, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		goto out;
	in_txn = 1;
	rc = media_json(op, in->media, in->n_media, &media, err);
	if (!rc) {
		mj = json_dumps(media, JSON_COMPACT);
		if (!mj)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
	if (rc)
		goto out;
	r.org_id = op->org;
	r.account_id = in->account_id;
	r.text = in->text;
	r.media = mj;
	r.shows_people = in->shows_people;
	r.sensitive = in->sensitive;
	r.publish_at = in->publish_at;
	r.created_by = op_ctx_actor(op);
	r.created_person = op->who ? op->who->person_id : 0;
	r.created_at = op->now;
	rc = draft_row_insert(op->store, &r, &id, err);
	if (!rc)
		rc = audit_draft(op, "draft.add", id, NULL,
		                 json_pack("{s:s,s:s,s:O,s:b,s:b,s:o}", "account", acc->v.handle,
		                           "text", in->text, "media", media, "shows_people",
		                           in->shows_people, "sensitive", in->sensitive,
		                           "publish_at", time_json(in->publish_at)),
		                 err);
out:
	if (in_txn && rc)
		store_rollback(op->store);
	else if (in_txn)
		rc = store_commit(op->store, err);
	if (!rc && out_id)
		*out_id = id;
	json_decref(media);
	free(mj);
	register_row_account_free(acc);
	return rc;
}

/* Loads draft id in a transaction for a change by op: PERM_PUBLISH, state
 * draft. */
static int begin_change(const struct op_ctx *op, int64_t id, struct draft_loaded **out,
                        struct err *err)
{
	struct draft_loaded *l = NULL;
	int rc = store_begin(op->store, err);

	if (rc)
		return rc;
	rc = drafts_get(op, id, &l, err);
	if (!rc && strcmp(l->d.state, "draft") != 0)
		rc = err_set(err, KV_ECONFLICT, "draft %lld is %s: it can no longer be changed",
		             (long long)id, l->d.state);
	if (rc) {
		draft_row_loaded_free(l);
		store_rollback(op->store);
		return rc;
	}
	*out = l;
	return KV_OK;
}

static int end_change(const struct op_ctx *op, struct draft_loaded *l, int rc, struct err *err)
{
	draft_row_loaded_free(l);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}

int drafts_edit(const struct op_ctx *op, int64_t id, const struct drafts_change *c, struct err *err)
{
	struct draft_loaded *l = NULL;
	struct draft_rec d;
	json_t *media = NULL, *before = NULL;
	char *mj = NULL;
	int rc, changed = 0;

	if (c->text) {
		rc = check_text("--text", c->text, DRAFTS_TEXT_MAX, 0, err);
		if (rc)
			return rc;
	}
	if (c->publish_at > 0 && c->publish_at < op->now)
		return err_set(err, KV_EINVAL, "--at: the time has passed");
	rc = begin_change(op, id, &l, err);
	if (rc)
		return rc;
	d = l->d;
	before = drafts_view_json(&l->d, op->now);
	media = json_loads(d.media ? d.media : "[]", 0, NULL);
	if (!media) {
		rc = err_set(err, KV_EINTERNAL, "draft %lld: its media list does not parse",
		             (long long)id);
		goto out;
	}
	if (c->n_alt > json_array_size(media)) {
		rc = err_set(err, KV_EINVAL, "--alt: %zu alt texts for %zu media", c->n_alt,
		             json_array_size(media));
		goto out;
	}
	for (size_t i = 0; i < c->n_alt && !rc; i++) {
		rc = check_text("--alt", c->alt[i], DRAFTS_ALT_MAX, 1, err);
		if (!rc && *c->alt[i])
			json_object_set_new(json_array_get(media, i), "alt",
			                    json_string(c->alt[i]));
	}
	if (rc)
		goto out;
	if (c->n_alt) {
		mj = json_dumps(media, JSON_COMPACT);
		if (!mj) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		changed |= strcmp(mj, d.media) != 0;
		d.media = mj;
	}
	if (c->text && strcmp(c->text, d.text) != 0) {
		d.text = c->text;
		changed = 1;
	}
	if (c->sensitive >= 0 && c->sensitive != d.sensitive) {
		d.sensitive = c->sensitive;
		changed = 1;
	}
	if (c->shows_people >= 0 && c->shows_people != d.shows_people) {
		d.shows_people = c->shows_people;
		changed = 1;
	}
	if (c->publish_at >= 0) {
		d.publish_at = c->publish_at;
		d.publish_error = NULL; /* a new time: the pass may try it again */
	}
	/* Whatever the check, the answers and the reader saw is no longer
	 * what would go out. */
	if (changed)
		d.version++;
	d.updated_at = op->now > l->d.updated_at ? op->now : l->d.updated_at + 1;
	rc = draft_row_update(op->store, &d, l->d.updated_at, err);
	if (!rc) {
		struct draft_rec shown = d;

		rc = audit_draft(op, "draft.edit", id, before, drafts_view_json(&shown, op->now),
		                 err);
		before = NULL;
	}
out:
	json_decref(before);
	json_decref(media);
	free(mj);
	return end_change(op, l, rc, err);
}

int drafts_cancel(const struct op_ctx *op, int64_t id, const char *reason, struct err *err)
{
	struct draft_loaded *l = NULL;
	struct draft_rec d;
	int rc;

	if (reason && *reason) {
		rc = check_text("--reason", reason, 2000, 0, err);
		if (rc)
			return rc;
	}
	rc = begin_change(op, id, &l, err);
	if (rc)
		return rc;
	d = l->d;
	d.state = "cancelled";
	d.updated_at = op->now > l->d.updated_at ? op->now : l->d.updated_at + 1;
	rc = draft_row_update(op->store, &d, l->d.updated_at, err);
	if (!rc)
		rc = audit_draft(op, "draft.cancel", id, json_pack("{s:s}", "state", "draft"),
		                 json_pack("{s:s,s:s?}", "state", "cancelled", "reason", reason),
		                 err);
	return end_change(op, l, rc, err);
}

/* ---- the check ---- */

static const struct drafts_question *question(const char *key)
{
	for (size_t i = 0; i < drafts_n_questions; i++)
		if (strcmp(drafts_questions[i].key, key) == 0)
			return &drafts_questions[i];
	return NULL;
}

/* The questions as the check's result shows them, with their answers. */
static json_t *questions_json(const struct draft_rec *d, json_t *check, json_t *ans)
{
	json_t *list = json_array();

	for (size_t i = 0; i < drafts_n_questions && list; i++) {
		const struct drafts_question *q = &drafts_questions[i];
		const char *a;

		if (!applies(q, d, check))
			continue;
		a = q->automatic ? auto_answer(q, d, check)
		                 : json_string_value(json_object_get(ans, q->key));
		json_array_append_new(list,
		                      json_pack("{s:s,s:s,s:s?,s:b}", "key", q->key, "question",
		                                q->text, "answer", a, "automatic", q->automatic));
	}
	return list;
}

int drafts_check(const struct op_ctx *op, int64_t id, const struct drafts_check_opts *o,
                 const struct drafts_answer *answers, size_t n_answers, json_t **out,
                 struct err *err)
{
	struct draft_loaded *l = NULL;
	struct draft_check_out co = {0};
	struct draft_check_in ci;
	struct draft_rec d;
	json_t *check = NULL, *ans = NULL, *media = NULL, *result = NULL;
	char *cj = NULL, *aj = NULL;
	enum platform p;
	int rc;

	rc = begin_change(op, id, &l, err);
	if (rc)
		return rc;
	d = l->d;
	draft_platform(&d, &p);
	media = json_loads(d.media ? d.media : "[]", 0, NULL);
	ci = (struct draft_check_in){op->store,
	                             op->org,
	                             p,
	                             d.account_id,
	                             d.text,
	                             media,
	                             d.shows_people,
	                             d.publish_at ? d.publish_at : op->now,
	                             o ? o->cfg : NULL,
	                             o ? o->screener : NULL};
	rc = draft_check_run(&ci, &co, err);
	if (rc)
		goto out;
	check = json_pack("{s:I,s:O,s:O,s:{s:b,s:b,s:I,s:I,s:b}}", "version", (json_int_t)d.version,
	                  "points", co.points, "sensitive_reasons", co.reasons, "facts", "media",
	                  co.has_media, "video", co.has_video, "links", (json_int_t)co.links,
	                  "links_ok", (json_int_t)co.links_ok, "fold_ok", co.fold_ok);
	/* Answers to this version are kept; those to an earlier one are not. */
	ans = json_loads(d.answers_version == d.version && d.answers ? d.answers : "{}", 0, NULL);
	if (!check || !ans) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	d.flagged = co.flagged;
	d.check_version = d.version;
	for (size_t i = 0; i < n_answers; i++) {
		const struct drafts_question *q = question(answers[i].key);

		if (!q) {
			rc = err_set(
			        err, KV_EINVAL,
			        "--answer %s: no such question (draft check --help lists them)",
			        answers[i].key);
			goto out;
		}
		if (q->automatic) {
			rc = err_set(err, KV_EINVAL,
			             "--answer %s: the check answers this one itself", q->key);
			goto out;
		}
		/* "people" depends on the answer to anonymised, given now or before. */
		if (strcmp(q->key, "anonymised") == 0)
			json_object_set_new(ans, q->key,
			                    json_string(answers[i].yes ? "yes" : "no"));
	}
	aj = json_dumps(ans, JSON_COMPACT);
	d.answers = aj;
	for (size_t i = 0; i < n_answers && aj; i++) {
		const struct drafts_question *q = question(answers[i].key);

		if (!applies(q, &d, check)) {
			rc = err_set(err, KV_EINVAL,
			             "--answer %s: the question does not apply to this "
			             "draft (%s)",
			             q->key, q->applies);
			goto out;
		}
		json_object_set_new(ans, q->key, json_string(answers[i].yes ? "yes" : "no"));
	}
	free(aj);
	aj = json_dumps(ans, JSON_COMPACT);
	cj = json_dumps(check, JSON_COMPACT);
	if (!aj || !cj) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	d.answers = aj;
	d.answers_version = d.version;
	d.check_json = cj;
	d.checked_by = op_ctx_actor(op);
	d.checked_at = op->now;
	d.updated_at = op->now > l->d.updated_at ? op->now : l->d.updated_at + 1;
	rc = draft_row_update(op->store, &d, l->d.updated_at, err);
	if (!rc)
		rc = audit_draft(op, "draft.check", id, NULL,
		                 json_pack("{s:I,s:O,s:O,s:b}", "version", (json_int_t)d.version,
		                           "points", co.points, "answers", ans, "flagged",
		                           d.flagged),
		                 err);
	if (!rc && out) {
		json_t *block = json_array();

		blocking(&d, block);
		result = json_pack(
		        "{s:I,s:I,s:s,s:O,s:o,s:b,s:b,s:O,s:o,s:b}", "draft", (json_int_t)id,
		        "version", (json_int_t)d.version, "platform", d.platform, "points",
		        co.points, "questions", questions_json(&d, check, ans), "flagged",
		        d.flagged, "needs_second_reader", needs_reader(&d), "sensitive_reasons",
		        co.reasons, "blocking", block, "ready", json_array_size(block) == 0);
		if (!result)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
out:
	json_decref(co.points);
	json_decref(co.reasons);
	json_decref(check);
	json_decref(ans);
	json_decref(media);
	free(cj);
	free(aj);
	rc = end_change(op, l, rc, err);
	if (!rc && out)
		*out = result;
	else
		json_decref(result);
	return rc;
}

/* ---- the second reading ---- */

/* 1 when the principal is person (by id) or is named by email. */
static int is_person(const struct principal *who, int64_t person, const char *email)
{
	if (person && who->person_id == person)
		return 1;
	return email && *email && strcasecmp(who->name, email) == 0;
}

int drafts_review(const struct op_ctx *op, int64_t id, int approve, const char *reason,
                  struct err *err)
{
	struct draft_loaded *l = NULL;
	struct account_rec *acc = NULL;
	struct draft_rec d;
	int rc, writer_resp, reader_resp;

	/* Who may comes first: the reason is looked at once they may. */
	rc = begin_change(op, id, &l, err);
	if (rc)
		return rc;
	d = l->d;
	if (!approve && (!reason || !*reason))
		rc = err_set(err, KV_EINVAL, "--reason: a rejection says why");
	else if (reason && *reason)
		rc = check_text("--reason", reason, 2000, 0, err);
	if (rc)
		goto out;
	rc = register_row_account_load(op->store, d.account_id, &acc, err);
	if (rc)
		goto out;
	if (principal_is(op->who, d.created_by) ||
	    (d.created_person && op->who->person_id == d.created_person)) {
		rc = err_set(err, KV_EDENIED,
		             "draft %lld: %s wrote it and cannot also be its second reader (two "
		             "persons must read it)",
		             (long long)id, op_ctx_actor(op));
		goto out;
	}
	/* Nykvarn: at least two persons, one of them responsible. */
	writer_resp =
	        (d.created_person && (d.created_person == acc->v.responsible.id ||
	                              d.created_person == acc->v.deputy.id)) ||
	        (acc->responsible_email && strcasecmp(d.created_by, acc->responsible_email) == 0) ||
	        (acc->deputy_email && strcasecmp(d.created_by, acc->deputy_email) == 0);
	reader_resp = is_person(op->who, acc->v.responsible.id, acc->responsible_email) ||
	              is_person(op->who, acc->v.deputy.id, acc->deputy_email);
	if (!writer_resp && !reader_resp) {
		rc = err_set(
		        err, KV_EDENIED,
		        "draft %lld: neither its writer (%s) nor %s is responsible for %s; the "
		        "second reader must be its responsible (%s) or deputy (%s)",
		        (long long)id, d.created_by, op_ctx_actor(op), d.account,
		        acc->responsible_email ? acc->responsible_email : "none",
		        acc->deputy_email ? acc->deputy_email : "none");
		goto out;
	}
	d.review = approve ? "approved" : "rejected";
	d.review_version = d.version;
	d.reviewed_by = op_ctx_actor(op);
	d.reviewed_at = op->now;
	d.review_reason = reason && *reason ? reason : NULL;
	d.updated_at = op->now > l->d.updated_at ? op->now : l->d.updated_at + 1;
	rc = draft_row_update(op->store, &d, l->d.updated_at, err);
	if (!rc)
		rc = audit_draft(op, "draft.review", id, json_pack("{s:s}", "review", l->d.review),
		                 json_pack("{s:s,s:I,s:s?}", "review", d.review, "version",
		                           (json_int_t)d.version, "reason", d.review_reason),
		                 err);
out:
	register_row_account_free(acc);
	return end_change(op, l, rc, err);
}

/* ---- publishing ---- */

/* Records a failed publish: the draft back to draft with the error, so the
 * pass leaves it alone. In its own transaction; err keeps the caller's
 * error. */
static void record_failure(const struct op_ctx *op, int64_t id, const char *why,
                           const struct publish_outcome *po)
{
	struct draft_loaded *l = NULL;
	struct err e2 = {0};
	struct draft_rec d;

	if (store_begin(op->store, &e2))
		return;
	if (draft_row_load(op->store, op->org, id, &l, &e2) == KV_OK) {
		d = l->d;
		d.state = "draft";
		d.publish_error = why;
		d.updated_at = op->now > l->d.updated_at ? op->now : l->d.updated_at + 1;
		if (draft_row_update(op->store, &d, l->d.updated_at, &e2) == KV_OK &&
		    audit_draft(op, "draft.publish_failed", id, NULL,
		                json_pack("{s:s,s:s,s:I}", "error", why, "request",
		                          po ? po->request : "", "status",
		                          (json_int_t)(po ? po->status : 0)),
		                &e2) == KV_OK) {
			draft_row_loaded_free(l);
			store_commit(op->store, &e2);
			return;
		}
	}
	draft_row_loaded_free(l);
	store_rollback(op->store);
}

/* Reads the draft's media from the blob store into m (n of them), their
 * bytes into bufs. */
static int read_media(const struct op_ctx *op, json_t *media, struct publish_media *m,
                      struct buf *bufs, size_t *n, struct err *err)
{
	size_t k = json_array_size(media);
	int rc = KV_OK;

	*n = 0;
	for (size_t i = 0; i < k && i < DRAFTS_MEDIA_MAX && !rc; i++) {
		json_t *x = json_array_get(media, i);

		buf_init(&bufs[i], DRAFTS_MEDIA_BYTES);
		*n = i + 1;
		rc = blob_get(op->store, json_string_value(json_object_get(x, "sha256")), &bufs[i],
		              DRAFTS_MEDIA_BYTES, err);
		m[i] = (struct publish_media){bufs[i].ptr, bufs[i].len,
		                              json_string_value(json_object_get(x, "name")),
		                              json_string_value(json_object_get(x, "type")),
		                              json_string_value(json_object_get(x, "alt"))};
	}
	return rc;
}

/* Stores the outcome: published, linked to its captured item. */
static int record_published(const struct op_ctx *op, const struct draft_rec *d0, int via_api,
                            const char *platform_id, const char *permalink, const char *detail,
                            int64_t *out_item, struct err *err)
{
	struct draft_loaded *l = NULL;
	struct draft_rec d;
	enum platform p;
	int64_t item = 0;
	int rc = store_begin(op->store, err);

	if (rc)
		return rc;
	rc = draft_row_load(op->store, op->org, d0->id, &l, err);
	if (rc)
		goto out;
	d = l->d;
	draft_platform(&d, &p);
	if (platform_id && *platform_id) {
		struct publish_capture pc = {
		        op->org, d.account_id, p,         platform_id, d.text,
		        NULL,    NULL,         permalink, op->now,     op_ctx_actor(op)};

		rc = publish_capture_item(op->store, &pc, &item, err);
		if (rc)
			goto out;
	}
	d.state = "published";
	d.publish_error = NULL;
	d.published_at = op->now;
	d.published_by = op_ctx_actor(op);
	d.published_via = via_api ? "api" : "hand";
	d.platform_id = platform_id && *platform_id ? platform_id : NULL;
	d.item_id = item;
	d.updated_at = op->now > l->d.updated_at ? op->now : l->d.updated_at + 1;
	rc = draft_row_update(op->store, &d, l->d.updated_at, err);
	if (!rc)
		rc = audit_draft(op, "draft.publish", d.id, json_pack("{s:s}", "state", l->d.state),
		                 json_pack("{s:s,s:s,s:s?,s:I,s:s}", "state", "published", "via",
		                           d.published_via, "platform_id", d.platform_id, "item",
		                           (json_int_t)item, "detail", detail),
		                 err);
out:
	draft_row_loaded_free(l);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	rc = store_commit(op->store, err);
	if (!rc)
		*out_item = item;
	return rc;
}

int drafts_publish(const struct op_ctx *op, int64_t id, const struct drafts_publish_opts *o,
                   struct drafts_published *out, struct err *err)
{
	struct draft_loaded *l = NULL;
	struct account_rec *acc = NULL;
	struct publish_media m[DRAFTS_MEDIA_MAX];
	struct buf bufs[DRAFTS_MEDIA_MAX];
	struct publish_outcome po;
	struct publish_conf pc;
	json_t *block = json_array(), *media = NULL;
	size_t n_media = 0;
	enum platform p;
	int rc, claimed = 0;

	memset(out, 0, sizeof(*out));
	memset(&po, 0, sizeof(po));
	rc = drafts_get(op, id, &l, err);
	if (!rc)
		rc = open_account(op, l->d.account_id, &acc, err);
	if (rc)
		goto out;
	draft_platform(&l->d, &p);
	blocking(&l->d, block);
	if (json_array_size(block)) {
		struct buf b;

		buf_init(&b, 16384);
		for (size_t i = 0; i < json_array_size(block); i++)
			buf_printf(&b, "\n  - %s", json_string_value(json_array_get(block, i)));
		rc = err_set(err, KV_ECONFLICT, "draft %lld cannot be published yet:%s",
		             (long long)id, buf_cstr(&b));
		buf_done(&b);
		goto out;
	}
	if (o->by_hand) {
		snprintf(out->detail, sizeof(out->detail), "by hand%s%s",
		         o->platform_id ? ": " : "", o->platform_id ? o->platform_id : "");
		rc = record_published(op, &l->d, 0, o->platform_id, NULL, out->detail,
		                      &out->item_id, err);
		if (!rc && o->platform_id)
			snprintf(out->platform_id, sizeof(out->platform_id), "%s", o->platform_id);
		goto out;
	}
	media = json_loads(l->d.media ? l->d.media : "[]", 0, NULL);
	if (!publish_supported(p, 0, json_array_size(media) > 0)) {
		rc = err_set(err, KV_EINVAL,
		             "%s: %s; publish it there by hand, then record it with "
		             "draft publish --by-hand",
		             register_platform_label(p),
		             publish_unsupported_reason(p, 0, json_array_size(media) > 0));
		goto out;
	}
	rc = publish_conf_load(&pc, o->cfg, p, acc->v.handle, acc->v.url, err);
	if (!rc && !pc.conn.token)
		rc = err_set(err, KV_EINVAL,
		             "no token configured for %s (token or publish_token in its [account "
		             "...] section); or publish by hand with --by-hand",
		             l->d.account);
	if (rc)
		goto out;
	/* Once: whoever moves it from draft to publishing sends it. */
	rc = draft_row_claim(op->store, op->org, id, l->d.updated_at, op->now, err);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(err, KV_ECONFLICT,
		             "draft %lld is being published or was changed meanwhile; look at it "
		             "again",
		             (long long)id);
		goto out;
	}
	claimed = 1;
	rc = read_media(op, media, m, bufs, &n_media, err);
	if (!rc) {
		struct publish_post post = {l->d.text, m, n_media, NULL, acc->platform_account_id};

		rc = publish_run(&pc, p, &post, &po, err);
	}
	if (rc) {
		if (rc == KV_EIO)
			err_prefix(err,
			           "draft %lld: the platform may or may not have the post; look "
			           "there before publishing it again: ",
			           (long long)id);
		record_failure(op, id, err->msg, &po);
		goto out;
	}
	out->via_api = 1;
	snprintf(out->platform_id, sizeof(out->platform_id), "%s", po.platform_id);
	snprintf(out->detail, sizeof(out->detail), "%s: HTTP %ld", po.request, po.status);
	rc = record_published(op, &l->d, 1, po.platform_id, po.permalink, out->detail,
	                      &out->item_id, err);
	if (rc)
		/* On the platform but not recorded: it stays "publishing", so
		 * nothing sends it again. */
		err_prefix(err, "draft %lld was published as %s but could not be recorded: ",
		           (long long)id, po.platform_id);
out:
	for (size_t i = 0; i < n_media; i++)
		buf_done(&bufs[i]);
	(void)claimed;
	json_decref(media);
	json_decref(block);
	register_row_account_free(acc);
	draft_row_loaded_free(l);
	return rc;
}

/* 1 when draft id's failure is already on record (or it is no longer a
 * draft waiting for its time). */
static int failure_recorded(const struct op_ctx *op, int64_t id)
{
	struct draft_loaded *l = NULL;
	struct err e = {0};
	int yes = 1;

	if (draft_row_load(op->store, op->org, id, &l, &e) == KV_OK)
		yes = l->d.publish_error != NULL || strcmp(l->d.state, "draft") != 0;
	draft_row_loaded_free(l);
	return yes;
}

struct due {
	int64_t ids[256];
	size_t n;
};

static int collect_due(void *arg, const struct draft_rec *d)
{
	struct due *x = arg;

	if (x->n == sizeof(x->ids) / sizeof(x->ids[0]))
		return 1;
	x->ids[x->n++] = d->id;
	return 0;
}

int drafts_publish_due(const struct op_ctx *op, const struct config *cfg, drafts_due_fn fn,
                       void *ctx, int *published, int *failed, struct err *err)
{
	struct draft_filter f = {.org = op->org, .due_at = op->now};
	struct drafts_publish_opts o = {.cfg = cfg};
	struct due x = {{0}, 0};
	int ok = 0, bad = 0;
	int rc = draft_row_each(op->store, &f, collect_due, &x, err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < x.n; i++) {
		struct drafts_published done;
		struct drafts_due_event ev = {x.ids[i], NULL, NULL, NULL};
		struct err e = {0};
		int r = drafts_publish(op, x.ids[i], &o, &done, &e);

		if (r && !failure_recorded(op, x.ids[i]))
			/* Not ready at its time, or no way to send it: recorded,
			 * and left for a person. */
			record_failure(op, x.ids[i], e.msg, NULL);
		if (r) {
			bad++;
			ev.error = e.msg;
		} else {
			ok++;
			ev.done = &done;
		}
		if (fn)
			fn(ctx, &ev);
	}
	if (published)
		*published = ok;
	if (failed)
		*failed = bad;
	return KV_OK;
}
