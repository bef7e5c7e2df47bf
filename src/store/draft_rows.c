/* Drafts. */
#include "store/draft_rows.h"

#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define COLUMNS                                                                                    \
	"d.id, d.org_id, d.account_id, a.platform || '/' || a.handle, a.platform, d.text,"         \
	" d.media, d.shows_people, d.sensitive, d.publish_at, d.state, d.version,"                 \
	" d.check_json, d.check_version, d.checked_by, d.checked_at, d.flagged, d.answers,"        \
	" d.answers_version, d.review, d.review_version, d.reviewed_by, d.reviewed_at,"            \
	" d.review_reason, d.created_by, COALESCE(d.created_person_id, 0), d.created_at, "         \
	"d.updated_at, d.publish_error,"                                                           \
	" d.published_at, d.published_by, d.published_via, d.platform_id, d.item_id"

static const char *text_or_null(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

static void read_row(struct store_stmt *st, struct draft_rec *d)
{
	int c = 0;

	memset(d, 0, sizeof(*d));
	d->id = store_col_int(st, c++);
	d->org_id = store_col_int(st, c++);
	d->account_id = store_col_int(st, c++);
	d->account = store_col_text(st, c++);
	d->platform = store_col_text(st, c++);
	d->text = store_col_text(st, c++);
	d->media = store_col_text(st, c++);
	d->shows_people = (int)store_col_int(st, c++);
	d->sensitive = (int)store_col_int(st, c++);
	d->publish_at = store_col_int(st, c++);
	d->state = store_col_text(st, c++);
	d->version = store_col_int(st, c++);
	d->check_json = text_or_null(st, c++);
	d->check_version = store_col_int(st, c++);
	d->checked_by = text_or_null(st, c++);
	d->checked_at = store_col_int(st, c++);
	d->flagged = (int)store_col_int(st, c++);
	d->answers = store_col_text(st, c++);
	d->answers_version = store_col_int(st, c++);
	d->review = store_col_text(st, c++);
	d->review_version = store_col_int(st, c++);
	d->reviewed_by = text_or_null(st, c++);
	d->reviewed_at = store_col_int(st, c++);
	d->review_reason = text_or_null(st, c++);
	d->created_by = store_col_text(st, c++);
	d->created_person = store_col_int(st, c++);
	d->created_at = store_col_int(st, c++);
	d->updated_at = store_col_int(st, c++);
	d->publish_error = text_or_null(st, c++);
	d->published_at = store_col_int(st, c++);
	d->published_by = text_or_null(st, c++);
	d->published_via = text_or_null(st, c++);
	d->platform_id = text_or_null(st, c++);
	d->item_id = store_col_int(st, c++);
}

static void bind_int_or_null(struct store_stmt *st, int i, int64_t v)
{
	if (v)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

int draft_row_insert(struct store *s, const struct draft_rec *r, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO draft (org_id, account_id, text, media, shows_people,"
	                       " sensitive, publish_at, state, version, answers, created_by,"
	                       " created_person_id, created_at, updated_at)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', 1, '{}', ?, ?, ?, ?)"
	                       " RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, r->org_id);
	store_bind_int(st, 2, r->account_id);
	store_bind_text(st, 3, r->text);
	store_bind_text(st, 4, r->media ? r->media : "[]");
	store_bind_int(st, 5, r->shows_people);
	store_bind_int(st, 6, r->sensitive);
	bind_int_or_null(st, 7, r->publish_at);
	store_bind_text(st, 8, r->created_by);
	bind_int_or_null(st, 9, r->created_person);
	store_bind_int(st, 10, r->created_at);
	store_bind_int(st, 11, r->created_at);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int draft_row_update(struct store *s, const struct draft_rec *r, int64_t expected_updated,
                     struct err *err)
{
	struct store_stmt *st = NULL;
	int i = 1;
	int rc = store_prepare(
	        s, &st,
	        "UPDATE draft SET text = ?, media = ?, shows_people = ?, sensitive = ?,"
	        " publish_at = ?, state = ?, version = ?, check_json = ?, check_version = ?,"
	        " checked_by = ?, checked_at = ?, flagged = ?, answers = ?, answers_version = ?,"
	        " review = ?, review_version = ?, reviewed_by = ?, reviewed_at = ?,"
	        " review_reason = ?, updated_at = ?, publish_error = ?, published_at = ?,"
	        " published_by = ?, published_via = ?, platform_id = ?, item_id = ?"
	        " WHERE org_id = ? AND id = ? AND updated_at = ? RETURNING id",
	        err);

	if (rc)
		return rc;
	store_bind_text(st, i++, r->text);
	store_bind_text(st, i++, r->media ? r->media : "[]");
	store_bind_int(st, i++, r->shows_people);
	store_bind_int(st, i++, r->sensitive);
	bind_int_or_null(st, i++, r->publish_at);
	store_bind_text(st, i++, r->state);
	store_bind_int(st, i++, r->version);
	store_bind_text(st, i++, r->check_json);
	bind_int_or_null(st, i++, r->check_version);
	store_bind_text(st, i++, r->checked_by);
	bind_int_or_null(st, i++, r->checked_at);
	store_bind_int(st, i++, r->flagged);
	store_bind_text(st, i++, r->answers ? r->answers : "{}");
	bind_int_or_null(st, i++, r->answers_version);
	store_bind_text(st, i++, r->review ? r->review : "none");
	bind_int_or_null(st, i++, r->review_version);
	store_bind_text(st, i++, r->reviewed_by);
	bind_int_or_null(st, i++, r->reviewed_at);
	store_bind_text(st, i++, r->review_reason);
	store_bind_int(st, i++, r->updated_at);
	store_bind_text(st, i++, r->publish_error);
	bind_int_or_null(st, i++, r->published_at);
	store_bind_text(st, i++, r->published_by);
	store_bind_text(st, i++, r->published_via);
	store_bind_text(st, i++, r->platform_id);
	bind_int_or_null(st, i++, r->item_id);
	store_bind_int(st, i++, r->org_id);
	store_bind_int(st, i++, r->id);
	store_bind_int(st, i++, expected_updated);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(err, KV_ECONFLICT,
		               "draft %lld was changed by someone else meanwhile; look at it again",
		               (long long)r->id);
	return KV_OK;
}

/* Copies every string of d into the arena. */
static int keep(struct draft_loaded *l, const struct draft_rec *d)
{
	const char **fields[] = {
	        &l->d.account,       &l->d.platform,     &l->d.text,          &l->d.media,
	        &l->d.state,         &l->d.check_json,   &l->d.checked_by,    &l->d.answers,
	        &l->d.review,        &l->d.reviewed_by,  &l->d.review_reason, &l->d.created_by,
	        &l->d.publish_error, &l->d.published_by, &l->d.published_via, &l->d.platform_id,
	};

	l->d = *d;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!*fields[i])
			continue;
		*fields[i] = arena_strdup(&l->arena, *fields[i]);
		if (!*fields[i])
			return KV_ENOMEM;
	}
	return KV_OK;
}

static int load_one(void *arg, const struct draft_rec *d)
{
	struct draft_loaded *l = arg;

	return keep(l, d) ? KV_ENOMEM : 1;
}

int draft_row_load(struct store *s, int64_t org, int64_t id, struct draft_loaded **out,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	struct draft_loaded *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return err_set(err, KV_ENOMEM, "out of memory");
	arena_init(&l->arena);
	rc = store_prepare(s, &st,
	                   "SELECT " COLUMNS " FROM draft d JOIN account a ON a.id = d.account_id"
	                   " WHERE d.org_id = ? AND d.id = ?",
	                   err);
	if (rc)
		goto out;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, id);
	rc = store_step(st, err);
	if (rc == 1) {
		struct draft_rec d;

		read_row(st, &d);
		rc = load_one(l, &d) == 1 ? KV_OK : err_set(err, KV_ENOMEM, "out of memory");
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "draft %lld does not exist", (long long)id);
	}
out:
	store_stmt_free(st);
	if (rc) {
		draft_row_loaded_free(l);
		return rc;
	}
	*out = l;
	return KV_OK;
}

void draft_row_loaded_free(struct draft_loaded *l)
{
	if (!l)
		return;
	arena_done(&l->arena);
	free(l);
}

int draft_row_each(struct store *s, const struct draft_filter *f, draft_row_fn fn, void *ctx,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT " COLUMNS
	                       " FROM draft d JOIN account a ON a.id = d.account_id"
	                       " WHERE d.org_id = ?1 AND (?2 = 0 OR d.account_id = ?2)"
	                       " AND (CAST(?3 AS TEXT) IS NULL OR d.state = ?3)"
	                       " AND (?4 = 0 OR (d.state = 'draft' AND d.publish_at IS NOT NULL"
	                       "  AND d.publish_at <= ?4 AND d.publish_error IS NULL))"
	                       " ORDER BY CASE WHEN ?4 = 0 THEN -d.id ELSE d.publish_at END, d.id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, f->org);
	store_bind_int(st, 2, f->account_id);
	store_bind_text(st, 3, f->state);
	store_bind_int(st, 4, f->due_at);
	while ((rc = store_step(st, err)) == 1) {
		struct draft_rec d;

		read_row(st, &d);
		rc = fn(ctx, &d);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int draft_row_claim(struct store *s, int64_t org, int64_t id, int64_t updated_at, int64_t now,
                    struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "UPDATE draft SET state = 'publishing', updated_at = ?"
	                       " WHERE org_id = ? AND id = ? AND state = 'draft'"
	                       " AND updated_at = ? RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, now);
	store_bind_int(st, 2, org);
	store_bind_int(st, 3, id);
	store_bind_int(st, 4, updated_at);
	rc = store_run_returning(st, NULL, err);
	store_stmt_free(st);
	return rc;
}

int draft_row_of_item(struct store *s, int64_t item_id, int64_t *out, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st, "SELECT id FROM draft WHERE item_id = ? LIMIT 1", err);

	if (rc)
		return rc;
	*out = 0;
	store_bind_int(st, 1, item_id);
	rc = store_step(st, err);
	if (rc == 1)
		*out = store_col_int(st, 0);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int draft_row_own_posts(struct store *s, int64_t account_id, int64_t from, int64_t to, int64_t *out,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT COUNT(*) FROM item WHERE account_id = ?"
	                       " AND direction = 'upprattad' AND parent_platform_id IS NULL"
	                       " AND COALESCE(created_at, captured_at) >= ?"
	                       " AND COALESCE(created_at, captured_at) < ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	rc = store_step(st, err);
	*out = rc == 1 ? store_col_int(st, 0) : 0;
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int draft_row_table_exists(struct store *s, const char *name, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
	        err);

	if (rc)
		return rc;
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	if (rc == 1)
		rc = store_col_int(st, 0) > 0;
	store_stmt_free(st);
	return rc;
}
