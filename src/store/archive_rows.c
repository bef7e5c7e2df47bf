/* Reads and writes of archive_package and archive_package_item, and the
 * streamed reads of a package's contents. The records file's lines are made
 * by SQLite's JSON functions, so a million items never pass through a
 * document tree in memory. */
#include "store/archive_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

/* The items of a scope, by the time-keyed index (item.fts_key is the time
 * shifted left 24 bits or-ed with low id bits: a time range is a key
 * range). ?1 account, ?2 from << 24, ?3 to << 24, ?4 max id. The unary plus
 * keeps the planner off the account index: read through that, a million
 * rows would be sorted, with their JSON, before the first came out. */
#define SCOPE_WHERE " i.fts_key >= ?2 AND i.fts_key < ?3 AND +i.account_id = ?1 AND i.id <= ?4"

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"

static void bind_scope(struct store_stmt *st, const struct archive_scope *sc)
{
	store_bind_int(st, 1, sc->account_id);
	store_bind_int(st, 2, sc->from * ((int64_t)1 << 24));
	store_bind_int(st, 3, sc->to * ((int64_t)1 << 24));
	store_bind_int(st, 4, sc->max_id);
}

static const char *text_or_null(struct store_stmt *st, int col)
{
	return store_col_is_null(st, col) ? NULL : store_col_text(st, col);
}

int archive_row_streaming(struct store *s, int on, struct err *err)
{
	int rc = store_set_cache(s, on ? (int64_t)16 << 20 : STORE_CACHE_DEFAULT, err);

	/* 268435456: the mapping store_sqlite.c opens connections with. */
	if (!rc)
		rc = store_exec(s, on ? "PRAGMA mmap_size=0" : "PRAGMA mmap_size=268435456", err);
	return rc;
}

int archive_row_max_item(struct store *s, int64_t *out, struct err *err)
{
	int rc = store_query_int(s, out, err, "SELECT COALESCE(MAX(id), 0) FROM item", 0, NULL);

	return rc;
}

int archive_row_items_each(struct store *s, const struct archive_scope *scope, archive_line_fn fn,
                           void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	/* The ISO() pieces would be broken up mid-word by the formatter. */
	/* clang-format off */
	rc = store_prepare(s, &st,
	        "SELECT i.id, json_object('id', i.id, 'platform', i.platform,"
	        " 'platform_id', i.platform_id, 'kind', i.kind,"
	        " 'parent_platform_id', i.parent_platform_id,"
	        " 'root_platform_id', i.root_platform_id, 'author_id', i.author_id,"
	        " 'author_name', i.author_name, 'direction', i.direction,"
	        " 'created_at', " ISO("i.created_at") ","
	        " 'captured_at', " ISO("i.captured_at") ","
	        " 'permalink', i.permalink, 'state', i.state, 'text', i.text,"
	        /* Versions from the item row and item_version_more directly: the
	         * item_version view, correlated, is materialised for every
	         * edited item (a scan of all items each time). */
	        " 'versions', CASE WHEN i.versions > 1 THEN json((SELECT json_group_array(json(j))"
	        "  FROM (SELECT 1 AS n, json_object('version', 1,"
	        "   'text', COALESCE(i.v1_text, i.text), 'sha256', i.v1_sha256,"
	        "   'version_at', " ISO("i.v1_version_at") ","
	        "   'captured_at', " ISO("i.captured_at") ") AS j"
	        "  UNION ALL SELECT v.version, json_object('version', v.version, 'text', v.text,"
	        "   'sha256', v.sha256, 'version_at', " ISO("v.version_at") ","
	        "   'captured_at', " ISO("v.captured_at") ")"
	        "  FROM item_version_more v WHERE v.item_id = i.id ORDER BY 1)))"
	        " ELSE json_array(json_object('version', 1, 'text', i.text, 'sha256', i.v1_sha256,"
	        "   'version_at', " ISO("i.v1_version_at") ","
	        "   'captured_at', " ISO("i.captured_at") "))"
	        " END,"
	        " 'events', json((SELECT json_group_array(json_object('kind', e.kind,"
	        "   'at', " ISO("e.at") ", 'captured_at', " ISO("e.captured_at") "))"
	        "  FROM item_event e WHERE e.item_id = i.id)),"
	        " 'screening', json((SELECT json_object('ruleset', r.ruleset, 'version', r.version,"
	        "   'question', r.question, 'categories', r.categories,"
	        "   'screened_at', " ISO("r.screened_at") ")"
	        "  FROM item_screening r WHERE r.item_id = i.id)),"
	        " 'media', json((SELECT json_group_array(json_object('url', m.url, 'type', m.type,"
	        "   'sha256', m.sha256, 'bytes', m.bytes))"
	        "  FROM item_media m WHERE m.item_id = i.id)))"
	        " FROM item i WHERE" SCOPE_WHERE " ORDER BY i.fts_key",
	        err);
	/* clang-format on */
	if (rc)
		return rc;
	bind_scope(st, scope);
	while ((rc = store_step(st, err)) == 1) {
		const char *line = store_col_text(st, 1);

		rc = fn(ctx, store_col_int(st, 0), line, strlen(line));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int archive_row_media_each(struct store *s, const struct archive_scope *scope, archive_media_fn fn,
                           void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT m.sha256, MIN(m.type) FROM item_media m"
	                   " JOIN item i ON i.id = m.item_id"
	                   " WHERE m.sha256 IS NOT NULL AND" SCOPE_WHERE
	                   " GROUP BY m.sha256 ORDER BY m.sha256",
	                   err);
	if (rc)
		return rc;
	bind_scope(st, scope);
	while ((rc = store_step(st, err)) == 1) {
		rc = fn(ctx, store_col_text(st, 0), text_or_null(st, 1));
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int archive_row_events_each(struct store *s, const struct archive_scope *scope, archive_event_fn fn,
                            void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(
	        s, &st,
	        "SELECT 'capture', MIN(i.captured_at), 0, date(i.captured_at, 'unixepoch'),"
	        "  COUNT(*), NULL, NULL"
	        " FROM item i WHERE" SCOPE_WHERE " GROUP BY date(i.captured_at, 'unixepoch')"
	        " UNION ALL SELECT 'screening', MAX(r.screened_at), 0, r.ruleset, COUNT(*), NULL,"
	        "  NULL FROM item_screening r JOIN item i ON i.id = r.item_id WHERE" SCOPE_WHERE
	        "  GROUP BY r.ruleset"
	        " UNION ALL SELECT 'edit', COALESCE(v.version_at, v.captured_at), i.id,"
	        "  i.platform_id, 1, NULL, 'version ' || v.version"
	        "  FROM item_version_more v JOIN item i ON i.id = v.item_id WHERE" SCOPE_WHERE
	        " UNION ALL SELECT CASE e.kind WHEN 'deleted' THEN 'deletion' ELSE e.kind END,"
	        "  e.at, i.id, i.platform_id, 1, NULL, NULL"
	        "  FROM item_event e JOIN item i ON i.id = e.item_id WHERE" SCOPE_WHERE
	        " UNION ALL SELECT 'takedown', c.takedown_at, i.id, i.platform_id, 1,"
	        "  c.takedown_by, trim(COALESCE(c.decision, '') || ' ' || COALESCE(c.registration,"
	        "  '') || ' ' || COALESCE(c.takedown_via, '') || ' ' ||"
	        "  COALESCE(c.takedown_result, ''))"
	        "  FROM mod_case c JOIN item i ON i.id = c.item_id"
	        "  WHERE c.takedown_at IS NOT NULL AND" SCOPE_WHERE " ORDER BY 2, 3, 1",
	        err);
	if (rc)
		return rc;
	bind_scope(st, scope);
	while ((rc = store_step(st, err)) == 1) {
		struct archive_event_row e = {
		        .kind = store_col_text(st, 0),
		        .at = store_col_int(st, 1),
		        .item_id = store_col_int(st, 2),
		        .ref = text_or_null(st, 3),
		        .count = store_col_int(st, 4),
		        .agent = text_or_null(st, 5),
		        .detail = text_or_null(st, 6),
		};

		rc = fn(ctx, &e);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int archive_row_insert(struct store *s, const struct archive_package_row *r,
                       const struct archive_scope *scope, int64_t *out_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = store_prepare(s, &st,
	                   "INSERT INTO archive_package (org_id, objid, account_id, period_from,"
	                   " period_to, path, items, files, bytes, mets_sha256, created_by,"
	                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                   err);
	if (rc)
		goto out;
	store_bind_int(st, 1, r->org_id);
	store_bind_text(st, 2, r->objid);
	store_bind_int(st, 3, r->account_id);
	store_bind_text(st, 4, r->period_from);
	store_bind_text(st, 5, r->period_to);
	store_bind_text(st, 6, r->path);
	store_bind_int(st, 7, r->items);
	store_bind_int(st, 8, r->files);
	store_bind_int(st, 9, r->bytes);
	store_bind_text(st, 10, r->mets_sha256);
	store_bind_text(st, 11, r->created_by);
	store_bind_int(st, 12, r->created_at);
	rc = store_run_returning(st, &id, err);
	store_stmt_free(st);
	st = NULL;
	if (rc == 0)
		rc = err_set(err, KV_ECONFLICT, "package %s is recorded already", r->objid);
	if (rc < 0)
		goto out;
	rc = store_prepare(s, &st,
	                   "INSERT INTO archive_package_item (item_id, package_id)"
	                   " SELECT i.id, ?5 FROM item i WHERE" SCOPE_WHERE,
	                   err);
	if (rc)
		goto out;
	bind_scope(st, scope);
	store_bind_int(st, 5, id);
	rc = store_run(st, err);
out:
	store_stmt_free(st);
	if (rc == KV_OK || rc == 1)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc == KV_OK && out_id)
		*out_id = id;
	return rc;
}

int archive_row_archived_in(struct store *s, int64_t item_id, char objid_out[ARCHIVE_OBJID_MAX],
                            struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st,
	                  "SELECT p.objid FROM archive_package_item pi"
	                  " JOIN archive_package p ON p.id = pi.package_id"
	                  " WHERE pi.item_id = ? ORDER BY p.id LIMIT 1",
	                  err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	rc = store_step(st, err);
	if (rc == 1) {
		snprintf(objid_out, ARCHIVE_OBJID_MAX, "%s", store_col_text(st, 0));
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "item %lld is in no delivered package",
		             (long long)item_id);
	}
	store_reset(st);
	return rc;
}

static int each(struct store *s, int64_t org, const char *objid, archive_package_fn fn, void *ctx,
                struct err *err)
{
	struct store_stmt *st = NULL;
	int rc, found = 0;

	rc = store_prepare(
	        s, &st,
	        "SELECT p.id, p.org_id, p.objid, p.account_id, a.handle, p.period_from,"
	        " p.period_to, p.path, p.items, p.files, p.bytes, p.mets_sha256,"
	        " p.created_by, p.created_at FROM archive_package p"
	        " JOIN account a ON a.id = p.account_id"
	        " WHERE p.org_id = ? AND (CAST(?2 AS TEXT) IS NULL OR p.objid = ?2) ORDER BY p.id",
	        err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, objid);
	while ((rc = store_step(st, err)) == 1) {
		struct archive_package_row r = {
		        .id = store_col_int(st, 0),
		        .org_id = store_col_int(st, 1),
		        .objid = store_col_text(st, 2),
		        .account_id = store_col_int(st, 3),
		        .account_handle = store_col_text(st, 4),
		        .period_from = store_col_text(st, 5),
		        .period_to = store_col_text(st, 6),
		        .path = store_col_text(st, 7),
		        .items = store_col_int(st, 8),
		        .files = store_col_int(st, 9),
		        .bytes = store_col_int(st, 10),
		        .mets_sha256 = store_col_text(st, 11),
		        .created_by = store_col_text(st, 12),
		        .created_at = store_col_int(st, 13),
		};

		found = 1;
		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	if (rc == 0 && objid && !found)
		rc = err_set(err, KV_ENOTFOUND, "no package %s", objid);
	return rc;
}

int archive_row_each(struct store *s, int64_t org, archive_package_fn fn, void *ctx,
                     struct err *err)
{
	return each(s, org, NULL, fn, ctx, err);
}

int archive_row_find(struct store *s, int64_t org, const char *objid, archive_package_fn fn,
                     void *ctx, struct err *err)
{
	return each(s, org, objid, fn, ctx, err);
}
