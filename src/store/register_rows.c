/* SQL for the register. Every function does one statement or one small
 * group of statements; callers own the transaction. */
#include "store/register_rows.h"

#include "base/time.h"
#include "store/policydoc_rows.h"
#include "store/profile_rows.h"
#include "store/store.h"
#include "store/vault_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void now_iso(char out[TIME_ISO_LEN])
{
	time_format_utc(out, time_now());
}

static void bind_id(struct store_stmt *st, int idx, int64_t id)
{
	if (id)
		store_bind_int(st, idx, id);
	else
		store_bind_null(st, idx);
}

/* Runs an INSERT ... RETURNING id that must insert. */
static int run_returning(struct store_stmt *st, int64_t *out_id, struct err *err)
{
	int rc = store_run_returning(st, out_id, err);

	return rc == 1 ? KV_OK : rc < 0 ? rc : err_set(err, KV_EINTERNAL, "insert returned no id");
}

int register_row_org_create(struct store *s, const char *name, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	char now[TIME_ISO_LEN];
	int rc;

	now_iso(now);
	rc = store_prepare(s, &st, "INSERT INTO org (name, created_at) VALUES (?, ?) RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, now);
	rc = run_returning(st, out_id, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		err_set(err, rc, "organisation '%s' already exists", name);
	return rc;
}

int register_row_org_find(struct store *s, const char *name, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, n = 0;
	int64_t id = 0;

	rc = store_prepare(
	        s, &st, name ? "SELECT id FROM org WHERE name = ?" : "SELECT id FROM org LIMIT 2",
	        err);
	if (rc)
		return rc;
	if (name)
		store_bind_text(st, 1, name);
	while ((rc = store_step(st, err)) == 1) {
		id = store_col_int(st, 0);
		n++;
	}
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (n == 0)
		return name ? err_set(err, KV_ENOTFOUND, "organisation '%s' does not exist", name)
		            : err_set(err, KV_ENOTFOUND,
		                      "no organisation yet: run 'kanalvakt init --org NAME' first");
	if (n > 1)
		return err_set(err, KV_ECONFLICT,
		               "several organisations share this installation: give --org NAME");
	*out_id = id;
	return KV_OK;
}

int register_row_org_name(struct store *s, int64_t org, struct arena *a, const char **out,
                          struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, "SELECT name FROM org WHERE id = ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	rc = store_step(st, err);
	if (rc == 1) {
		*out = arena_strdup(a, store_col_text(st, 0));
		rc = *out ? KV_OK : err_set(err, KV_ENOMEM, "out of memory");
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "organisation %lld does not exist", (long long)org);
	}
	store_stmt_free(st);
	return rc;
}

int register_row_unit_insert(struct store *s, int64_t org, const char *name, int64_t parent_id,
                             int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st, "INSERT INTO unit (org_id, name, parent_id) VALUES (?, ?, ?) RETURNING id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, name);
	bind_id(st, 3, parent_id);
	rc = run_returning(st, out_id, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		err_set(err, rc, "--name: unit '%s' already exists", name);
	return rc;
}

int register_row_unit_close(struct store *s, int64_t id, const char *date, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, "UPDATE unit SET closed_on = ? WHERE id = ?", err);
	if (rc)
		return rc;
	store_bind_text(st, 1, date);
	store_bind_int(st, 2, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

static int find_one(struct store *s, const char *sql, int64_t org, const char *key, int64_t *out_id,
                    struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, sql, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, key);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_id = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = KV_ENOTFOUND;
	}
	store_stmt_free(st);
	return rc;
}

int register_row_unit_find(struct store *s, int64_t org, const char *name, int64_t *out_id,
                           struct err *err)
{
	int rc = find_one(s, "SELECT id FROM unit WHERE org_id = ? AND name = ?", org, name, out_id,
	                  err);

	if (rc == KV_ENOTFOUND)
		err_set(err, rc, "unit '%s' does not exist", name);
	return rc;
}

int register_row_unit_each(struct store *s, int64_t org, reg_unit_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT u.id, u.name, u.parent_id, p.name, u.closed_on FROM unit u"
	                   " LEFT JOIN unit p ON p.id = u.parent_id WHERE u.org_id = ?"
	                   " ORDER BY u.name",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		struct unit_row u = {
		        .id = store_col_int(st, 0),
		        .name = store_col_text(st, 1),
		        .parent_id = store_col_is_null(st, 2) ? 0 : store_col_int(st, 2),
		        .parent_name = store_col_text(st, 3),
		        .closed_on = store_col_text(st, 4),
		};
		rc = fn(ctx, &u);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int register_row_person_insert(struct store *s, int64_t org, const struct person_row *p,
                               int64_t unit_id, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO person (org_id, name, title, email, phone, unit_id,"
	                   " contact_public) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, p->name);
	store_bind_text(st, 3, p->title);
	store_bind_text(st, 4, p->email);
	store_bind_text(st, 5, p->phone);
	bind_id(st, 6, unit_id);
	store_bind_int(st, 7, p->contact_public ? 1 : 0);
	rc = run_returning(st, out_id, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		err_set(err, rc, "--email: a person with e-mail '%s' already exists", p->email);
	return rc;
}

int register_row_person_set_active(struct store *s, int64_t id, int active, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, "UPDATE person SET active = ? WHERE id = ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, active ? 1 : 0);
	store_bind_int(st, 2, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int register_row_person_contact(struct store *s, int64_t id, const char *phone, int contact_public,
                                struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "UPDATE person SET phone = CASE WHEN ?1 <> 0 THEN NULLIF(?2, '') ELSE phone END,"
	        " contact_public = CASE WHEN ?3 < 0 THEN contact_public ELSE ?3 END"
	        " WHERE id = ?4",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, phone != NULL);
	store_bind_text(st, 2, phone ? phone : "");
	store_bind_int(st, 3, contact_public);
	store_bind_int(st, 4, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int register_row_person_find(struct store *s, int64_t org, const char *email, int64_t *out_id,
                             struct err *err)
{
	int rc = find_one(s, "SELECT id FROM person WHERE org_id = ? AND email = ?", org, email,
	                  out_id, err);

	if (rc == KV_ENOTFOUND)
		err_set(err, rc, "no person with e-mail '%s'", email);
	return rc;
}

int register_row_person_each(struct store *s, int64_t org, reg_person_fn fn, void *ctx,
                             struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT p.id, p.name, p.title, p.email, p.phone, u.name,"
	        " p.contact_public, p.active FROM person p"
	        " LEFT JOIN unit u ON u.id = p.unit_id WHERE p.org_id = ? ORDER BY p.name",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		struct person_row p = {
		        .id = store_col_int(st, 0),
		        .name = store_col_text(st, 1),
		        .title = store_col_text(st, 2),
		        .email = store_col_text(st, 3),
		        .phone = store_col_text(st, 4),
		        .unit_name = store_col_text(st, 5),
		        .contact_public = (int)store_col_int(st, 6),
		        .active = (int)store_col_int(st, 7),
		};
		rc = fn(ctx, &p);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

/* The account columns written from struct account_row, in bind order. */
#define ACCOUNT_COLS                                                                               \
	"platform, handle, url, display_name, unit_id, purpose, goal, audience,"                   \
	" responsible_id, deputy_id, decided_by_id, decided_on, decision_ref,"                     \
	" posts_per_week, house_rules, platform_account_id"

static int bind_account(struct store_stmt *st, const struct account_row *r)
{
	int i = 1;

	store_bind_text(st, i++, register_platform_name(r->platform));
	store_bind_text(st, i++, r->handle);
	store_bind_text(st, i++, r->url);
	store_bind_text(st, i++, r->display_name);
	bind_id(st, i++, r->unit_id);
	store_bind_text(st, i++, r->purpose);
	store_bind_text(st, i++, r->goal);
	store_bind_text(st, i++, r->audience);
	bind_id(st, i++, r->responsible_id);
	bind_id(st, i++, r->deputy_id);
	bind_id(st, i++, r->decided_by_id);
	store_bind_text(st, i++, r->decided_on);
	store_bind_text(st, i++, r->decision_ref);
	if (r->posts_per_week >= 0)
		store_bind_int(st, i++, r->posts_per_week);
	else
		store_bind_null(st, i++);
	store_bind_text(st, i++, r->house_rules);
	store_bind_text(st, i++, r->platform_account_id);
	return i;
}

int register_row_account_insert(struct store *s, int64_t org, const struct account_row *r,
                                int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	char now[TIME_ISO_LEN];
	int rc, i;

	rc = store_prepare(s, &st,
	                   "INSERT INTO account (" ACCOUNT_COLS ", org_id, created_at, updated_at)"
	                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
	                   err);
	if (rc)
		return rc;
	now_iso(now);
	i = bind_account(st, r);
	store_bind_int(st, i++, org);
	store_bind_text(st, i++, now);
	store_bind_text(st, i, now);
	rc = run_returning(st, out_id, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		err_set(err, rc, "--handle: '%s' is already registered on %s", r->handle,
		        register_platform_name(r->platform));
	return rc;
}

int register_row_account_update(struct store *s, int64_t id, const struct account_row *r,
                                struct err *err)
{
	struct store_stmt *st = NULL;
	char now[TIME_ISO_LEN];
	int rc, i;

	rc = store_prepare(s, &st,
	                   "UPDATE account SET (" ACCOUNT_COLS ", updated_at) ="
	                   " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	now_iso(now);
	i = bind_account(st, r);
	store_bind_text(st, i++, now);
	store_bind_int(st, i, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		err_set(err, rc, "--handle: '%s' is already registered on %s", r->handle,
		        register_platform_name(r->platform));
	return rc;
}

int register_row_account_set_admins(struct store *s, int64_t id, const int64_t *person_ids,
                                    size_t n, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, "DELETE FROM account_admin WHERE account_id = ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	st = NULL;
	if (rc)
		return rc;
	rc = store_prepare(s, &st,
	                   "INSERT INTO account_admin (account_id, person_id) VALUES (?, ?)"
	                   " ON CONFLICT DO NOTHING",
	                   err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		store_reset(st);
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, person_ids[i]);
		rc = store_run(st, err);
	}
	store_stmt_free(st);
	return rc;
}

int register_row_account_set_status(struct store *s, int64_t id, enum account_status status,
                                    const char *opened_on, const char *closed_on,
                                    const char *reason, struct err *err)
{
	struct store_stmt *st = NULL;
	char now[TIME_ISO_LEN];
	int rc;

	rc = store_prepare(s, &st,
	                   "UPDATE account SET status = ?, opened_on = COALESCE(?, opened_on),"
	                   " closed_on = ?, closing_reason = ?, updated_at = ? WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	now_iso(now);
	store_bind_text(st, 1, register_account_status_name(status));
	store_bind_text(st, 2, opened_on);
	store_bind_text(st, 3, closed_on);
	store_bind_text(st, 4, reason);
	store_bind_text(st, 5, now);
	store_bind_int(st, 6, id);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int register_row_checklist_set(struct store *s, int64_t id, const char *key, const char *answer,
                               struct err *err)
{
	struct store_stmt *st = NULL;
	char now[TIME_ISO_LEN];
	int rc;

	rc = store_prepare(s, &st,
	                   "INSERT INTO account_checklist (account_id, item, answer, answered_at)"
	                   " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, item) DO UPDATE SET"
	                   " answer = excluded.answer, answered_at = excluded.answered_at",
	                   err);
	if (rc)
		return rc;
	now_iso(now);
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, key);
	store_bind_text(st, 3, answer);
	store_bind_text(st, 4, now);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

int register_row_account_find(struct store *s, int64_t org, const char *key, int64_t *out_id,
                              struct err *err)
{
	struct store_stmt *st = NULL;
	char *end = NULL;
	long long num;
	int rc, n = 0;
	int64_t id = 0;

	const char *slash = strchr(key, '/');
	char plat[32] = "";
	enum platform p;

	/* "platform/handle", as the configuration's [account …] sections name
	 * one, when the part before the slash is a platform. */
	if (slash && (size_t)(slash - key) < sizeof(plat)) {
		snprintf(plat, sizeof(plat), "%.*s", (int)(slash - key), key);
		if (register_platform_from_name(plat, &p) == KV_OK)
			key = slash + 1;
		else
			plat[0] = '\0';
	}
	num = strtoll(key, &end, 10);
	rc = store_prepare(
	        s, &st,
	        plat[0] ? "SELECT id FROM account WHERE org_id = ? AND (id = ? OR handle = ?"
	                  " OR handle = ?) AND platform = ?"
	                : "SELECT id FROM account WHERE org_id = ? AND (id = ? OR handle = ?"
	                  " OR handle = ?)",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, (end && *end == '\0' && end != key && !plat[0]) ? num : -1);
	store_bind_text(st, 3, key);
	/* "@handle" and "handle" name the same account. */
	store_bind_text(st, 4, key[0] == '@' ? key + 1 : key);
	if (plat[0])
		store_bind_text(st, 5, register_platform_name(p));
	while ((rc = store_step(st, err)) == 1) {
		id = store_col_int(st, 0);
		n++;
	}
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(err, KV_ENOTFOUND, "no account with id or handle '%s'", key);
	if (n > 1)
		return err_set(err, KV_ECONFLICT,
		               "'%s' names several accounts (same handle on several platforms):"
		               " give the account id",
		               key);
	*out_id = id;
	return KV_OK;
}

int register_row_account_ids(struct store *s, int64_t org, int64_t **out, size_t *n_out,
                             struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	rc = store_prepare(
	        s, &st, "SELECT id FROM account WHERE org_id = ? ORDER BY platform, handle", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	while ((rc = store_step(st, err)) == 1) {
		if (n == cap) {
			int64_t *p = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*p));
			if (!p) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			ids = p;
		}
		ids[n++] = store_col_int(st, 0);
	}
	store_stmt_free(st);
	if (rc < 0) {
		free(ids);
		return rc;
	}
	*out = ids;
	*n_out = n;
	return KV_OK;
}

static const char *dup_col(struct account_rec *r, struct store_stmt *st, int col)
{
	return arena_strdup(&r->arena, store_col_text(st, col));
}

static int on_picture(void *ctx, const struct profile_row *p)
{
	struct account_rec *r = ctx;

	r->picture_sha256 = arena_strdup(&r->arena, p->sha256);
	r->picture_source = arena_strdup(&r->arena, p->url);
	r->picture_type = p->content_type ? arena_strdup(&r->arena, p->content_type) : NULL;
	r->picture_bytes = p->bytes;
	r->picture_noted_at = p->noted_at;
	/* Out of memory: the caller sees bytes -1. */
	if (!r->picture_sha256 || !r->picture_source) {
		r->picture_sha256 = r->picture_source = NULL;
		r->picture_bytes = -1;
	}
	return 1;
}

static int load_person(struct store *s, struct account_rec *r, int64_t id, struct person_ref *p,
                       const char **email, int responsible, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	p->id = id;
	if (!id)
		return KV_OK;
	rc = store_prepare(s, &st,
	                   "SELECT name, email, active, title, phone, contact_public FROM person"
	                   " WHERE id = ?",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	rc = store_step(st, err);
	if (rc == 1) {
		p->exists = 1;
		p->name = dup_col(r, st, 0);
		if (email)
			*email = dup_col(r, st, 1);
		p->active = (int)store_col_int(st, 2);
		if (responsible) {
			r->responsible_title = dup_col(r, st, 3);
			r->responsible_phone = dup_col(r, st, 4);
			r->responsible_contact_public = (int)store_col_int(st, 5);
		}
		rc = KV_OK;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int register_row_account_load(struct store *s, int64_t id, struct account_rec **out,
                              struct err *err)
{
	struct store_stmt *st = NULL;
	struct account_rec *r;
	int64_t resp = 0, dep = 0, dec = 0;
	struct person_ref *admins = NULL;
	const char **emails = NULL;
	size_t n_admins = 0, cap = 0;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(err, KV_ENOMEM, "out of memory");
	arena_init(&r->arena);
	rc = store_prepare(s, &st,
	                   "SELECT a.org_id, a.platform, a.handle, a.url, a.display_name, a.status,"
	                   " a.unit_id, u.name, u.closed_on, a.purpose, a.goal, a.audience,"
	                   " a.responsible_id, a.deputy_id, a.decided_by_id, a.decided_on,"
	                   " a.decision_ref, a.posts_per_week, a.house_rules, a.opened_on,"
	                   " a.closed_on, a.closing_reason, a.created_at, a.updated_at, u.id,"
	                   " a.platform_account_id"
	                   " FROM account a LEFT JOIN unit u ON u.id = a.unit_id WHERE a.id = ?",
	                   err);
	if (rc)
		goto out;
	store_bind_int(st, 1, id);
	rc = store_step(st, err);
	if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "no account with id %lld", (long long)id);
	if (rc < 0)
		goto out;
	r->v.id = id;
	r->org_id = store_col_int(st, 0);
	register_platform_from_name(store_col_text(st, 1), &r->v.platform);
	r->v.handle = dup_col(r, st, 2);
	r->v.url = dup_col(r, st, 3);
	r->v.display_name = dup_col(r, st, 4);
	register_account_status_from_name(store_col_text(st, 5), &r->v.status);
	r->v.unit_id = store_col_is_null(st, 6) ? 0 : store_col_int(st, 6);
	r->v.unit_exists = !store_col_is_null(st, 24);
	r->unit_name = dup_col(r, st, 7);
	r->v.unit_closed = !store_col_is_null(st, 8);
	r->v.purpose = dup_col(r, st, 9);
	r->v.goal = dup_col(r, st, 10);
	r->v.audience = dup_col(r, st, 11);
	resp = store_col_is_null(st, 12) ? 0 : store_col_int(st, 12);
	dep = store_col_is_null(st, 13) ? 0 : store_col_int(st, 13);
	dec = store_col_is_null(st, 14) ? 0 : store_col_int(st, 14);
	r->v.decided_on = dup_col(r, st, 15);
	r->v.decision_ref = dup_col(r, st, 16);
	r->v.posts_per_week = store_col_is_null(st, 17) ? -1 : store_col_int(st, 17);
	r->v.house_rules = dup_col(r, st, 18);
	r->opened_on = dup_col(r, st, 19);
	r->closed_on = dup_col(r, st, 20);
	r->closing_reason = dup_col(r, st, 21);
	r->created_at = dup_col(r, st, 22);
	r->updated_at = dup_col(r, st, 23);
	r->platform_account_id = dup_col(r, st, 25);
	store_stmt_free(st);
	st = NULL;

	rc = load_person(s, r, resp, &r->v.responsible, &r->responsible_email, 1, err);
	if (!rc)
		rc = load_person(s, r, dep, &r->v.deputy, &r->deputy_email, 0, err);
	if (!rc)
		rc = load_person(s, r, dec, &r->v.decided_by, &r->decided_by_email, 0, err);
	if (rc)
		goto out;

	rc = store_prepare(s, &st,
	                   "SELECT p.id, p.name, p.email, p.active FROM account_admin aa"
	                   " JOIN person p ON p.id = aa.person_id WHERE aa.account_id = ?"
	                   " ORDER BY p.name",
	                   err);
	if (rc)
		goto out;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, err)) == 1) {
		if (n_admins == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct person_ref *na = arena_alloc(&r->arena, ncap * sizeof(*na));
			const char **ne = arena_alloc(&r->arena, ncap * sizeof(*ne));

			if (!na || !ne) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			if (n_admins) {
				memcpy(na, admins, n_admins * sizeof(*na));
				memcpy(ne, emails, n_admins * sizeof(*ne));
			}
			admins = na;
			emails = ne;
			cap = ncap;
		}
		admins[n_admins].id = store_col_int(st, 0);
		admins[n_admins].exists = 1;
		admins[n_admins].name = dup_col(r, st, 1);
		emails[n_admins] = dup_col(r, st, 2);
		admins[n_admins].active = (int)store_col_int(st, 3);
		n_admins++;
	}
	if (rc < 0)
		goto out;
	r->v.admins = admins;
	r->admin_emails = emails;
	r->v.n_admins = n_admins;
	store_stmt_free(st);
	st = NULL;
	rc = vault_row_account_counts(s, id, &r->v.vault_secrets, &r->v.vault_under_two, err);
	if (!rc)
		rc = policydoc_row_of_account(s, id, &r->v.policydoc_id, err);
	if (!rc)
		rc = profile_row_latest(s, id, 0, on_picture, r, err);
	if (!rc && r->picture_bytes < 0)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (rc)
		goto out;

	rc = store_prepare(s, &st,
	                   "SELECT item, answer, answered_at FROM account_checklist"
	                   " WHERE account_id = ?",
	                   err);
	if (rc)
		goto out;
	store_bind_int(st, 1, id);
	r->checklist = arena_alloc(&r->arena, register_checklist_count * sizeof(*r->checklist));
	if (!r->checklist) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	{
		/* Answers are kept in checklist order for printing. */
		const char *answers[64] = {0}, *ats[64] = {0};

		while ((rc = store_step(st, err)) == 1) {
			int k = register_checklist_find(store_col_text(st, 0));

			if (k >= 0) {
				r->answered[k] = 1;
				answers[k] = dup_col(r, st, 1);
				ats[k] = dup_col(r, st, 2);
			}
		}
		if (rc < 0)
			goto out;
		for (size_t k = 0; k < register_checklist_count; k++)
			if (r->answered[k]) {
				r->checklist[r->n_checklist].key = register_checklist_items[k].key;
				r->checklist[r->n_checklist].answer = answers[k];
				r->checklist[r->n_checklist].answered_at = ats[k];
				r->n_checklist++;
			}
	}
	r->v.answered = r->answered;
	rc = KV_OK;
out:
	store_stmt_free(st);
	if (rc) {
		register_row_account_free(r);
		return rc;
	}
	*out = r;
	return KV_OK;
}

void register_row_account_free(struct account_rec *r)
{
	if (!r)
		return;
	arena_done(&r->arena);
	free(r);
}
