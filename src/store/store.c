/* What every driver shares: opening the data directory, nesting
 * transactions as savepoints, applying migrations, small query helpers. */
#include "store/store_int.h"

#include "base/time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int mkdir_p(const char *dir, struct err *err)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return err_set(err, KV_EINVAL, "data directory: invalid path '%s'", dir);
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST)
			return err_set(err, KV_EIO, "data directory %s: cannot create %s: %s", dir,
			               path, strerror(errno));
		path[i] = c;
	}
	return KV_OK;
}

static int migrate(struct store *s, struct err *err)
{
	const char *const *steps = s->drv->migrations;
	int n_steps = s->drv->n_migrations;
	int64_t have = 0;
	int rc;

	if (s->drv->migrations_get) {
		rc = s->drv->migrations_get(&steps, &n_steps, err);
		if (rc)
			return rc;
	}
	rc = store_exec(s,
	                "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
	                err);
	if (rc)
		return rc;
	rc = store_query_int(s, &have, err,
	                     "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", 0, NULL);
	if (rc)
		return rc;
	if (have > n_steps)
		return err_set(err, KV_ECONFLICT,
		               "database schema version %lld is newer than this program (%d)",
		               (long long)have, n_steps);
	for (int v = (int)have + 1; v <= n_steps; v++) {
		struct store_stmt *st = NULL;
		char ver[16];

		snprintf(ver, sizeof(ver), "%d", v);
		rc = store_begin(s, err);
		if (rc)
			return rc;
		rc = store_exec(s, steps[v - 1], err);
		if (!rc)
			rc = store_prepare(s, &st,
			                   "INSERT INTO schema_migrations (version, applied_at)"
			                   " VALUES (?, ?)",
			                   err);
		if (!rc) {
			char now[TIME_ISO_LEN];

			time_format_utc(now, time_now());
			store_bind_int(st, 1, v);
			store_bind_text(st, 2, now);
			rc = store_step(st, err);
			rc = rc < 0 ? rc : 0;
		}
		store_stmt_free(st);
		if (rc) {
			store_rollback(s);
			return err_prefix(err, "migration %d: ", v);
		}
		rc = store_commit(s, err);
		if (rc)
			return rc;
	}
	s->schema_version = n_steps;
	return KV_OK;
}

/* The database stores open in (NULL: SQLite in the data directory). */
static char *database_url;

void store_set_database(const char *url)
{
	free(database_url);
	database_url = url && *url ? strdup(url) : NULL;
}

const char *store_database(void)
{
	return database_url;
}

int store_database_is_pg(const char *url)
{
	return url &&
	       (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0);
}

int store_open(struct store **out, const char *data_dir, struct err *err)
{
	struct store *s;
	char blobs[4096];
	int rc;

	rc = mkdir_p(data_dir, err);
	if (rc)
		return rc;
	snprintf(blobs, sizeof(blobs), "%s/blobs", data_dir);
	rc = mkdir_p(blobs, err);
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(err, KV_ENOMEM, "out of memory");
	static uint32_t serials;

	s->drv = &store_sqlite_driver;
	s->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	s->dir = strdup(data_dir);
	if (database_url) {
		s->drv = &store_pg_driver;
		s->url = strdup(database_url);
	}
	if (!s->dir || (database_url && !s->url)) {
		free(s->dir);
		free(s);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	rc = s->drv->open(s, data_dir, err);
	if (!rc)
		rc = migrate(s, err);
	if (rc) {
		store_free(s);
		return rc;
	}
	*out = s;
	return KV_OK;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	if (s->depth > 0) {
		s->depth = 1;
		store_rollback(s);
	}
	for (int i = 0; i < s->n_cache; i++)
		store_stmt_free(s->cache[i].st);
	free(s->cache);
	if (s->db)
		s->drv->close(s);
	free(s->dir);
	free(s->url);
	free(s);
}

const char *store_dir(const struct store *s)
{
	return s->dir;
}

int store_has_search(const struct store *s)
{
	return strcmp(s->drv->name, "sqlite") == 0;
}

int store_migration_find(const struct store *s, const char *needle, const char **sql)
{
	const char *const *steps = s->drv->migrations;
	int n = s->drv->n_migrations;
	struct err e = {0};

	if (s->drv->migrations_get && s->drv->migrations_get(&steps, &n, &e))
		return 0;
	for (int v = 1; v <= n; v++)
		if (strstr(steps[v - 1], needle)) {
			*sql = steps[v - 1];
			return v;
		}
	return 0;
}

int store_schema_version(struct store *s)
{
	return s->schema_version;
}

int store_begin(struct store *s, struct err *err)
{
	char sql[64];
	int rc;

	if (s->depth == 0)
		rc = s->drv->exec(s, s->drv->begin_sql, err);
	else {
		snprintf(sql, sizeof(sql), "SAVEPOINT sp%d", s->depth);
		rc = s->drv->exec(s, sql, err);
	}
	if (!rc)
		s->depth++;
	return rc;
}

int store_commit(struct store *s, struct err *err)
{
	char sql[64];
	int rc;

	if (s->depth <= 0)
		return err_set(err, KV_EINTERNAL, "commit without a transaction");
	if (s->depth == 1)
		rc = s->drv->exec(s, "COMMIT", err);
	else {
		snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT sp%d", s->depth - 1);
		rc = s->drv->exec(s, sql, err);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	s->depth--;
	return KV_OK;
}

int store_finish(struct store *s, int rc, struct err *err)
{
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

void store_rollback(struct store *s)
{
	char sql[96];

	if (s->depth <= 0)
		return;
	if (s->depth == 1)
		s->drv->exec(s, "ROLLBACK", NULL);
	else {
		snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT sp%d; RELEASE SAVEPOINT sp%d",
		         s->depth - 1, s->depth - 1);
		s->drv->exec(s, sql, NULL);
	}
	s->depth--;
}

int store_data_version(struct store *s, uint64_t *out, struct err *err)
{
	uint32_t v = 0;
	int rc = s->drv->data_version(s, &v, err);

	if (!rc)
		*out = (uint64_t)s->serial << 32 | v;
	return rc;
}

int store_set_cache(struct store *s, int64_t bytes, struct err *err)
{
	return s->drv->set_cache(s, bytes, err);
}

int store_exec(struct store *s, const char *sql, struct err *err)
{
	return s->drv->exec(s, sql, err);
}

int store_prepare(struct store *s, struct store_stmt **out, const char *sql, struct err *err)
{
	return s->drv->prepare(s, out, sql, err);
}

int store_cached(struct store *s, struct store_stmt **out, const char *sql, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	for (int i = 0; i < s->n_cache; i++)
		if (s->cache[i].sql == sql) {
			store_reset(s->cache[i].st);
			*out = s->cache[i].st;
			return KV_OK;
		}
	rc = store_prepare(s, &st, sql, err);
	if (rc)
		return rc;
	if (s->n_cache == s->cap_cache) {
		/* The set of hot statements is small and fixed; it grows only as
		 * the program's features are first used. */
		int cap = s->cap_cache ? s->cap_cache * 2 : 32;
		struct store_cached_stmt *v = realloc(s->cache, (size_t)cap * sizeof(*v));

		if (!v) {
			store_stmt_free(st);
			return err_set(err, KV_ENOMEM, "out of memory");
		}
		s->cache = v;
		s->cap_cache = cap;
	}
	s->cache[s->n_cache].sql = sql;
	s->cache[s->n_cache].st = st;
	s->n_cache++;
	*out = st;
	return KV_OK;
}

void store_stmt_free(struct store_stmt *st)
{
	if (st)
		st->s->drv->stmt_free(st);
}

int store_bind_text(struct store_stmt *st, int idx, const char *v)
{
	return v ? st->s->drv->bind_text(st, idx, v) : st->s->drv->bind_null(st, idx);
}

int store_bind_text_ref(struct store_stmt *st, int idx, const char *v)
{
	return v ? st->s->drv->bind_text_ref(st, idx, v) : st->s->drv->bind_null(st, idx);
}

int store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n)
{
	return st->s->drv->bind_blob(st, idx, v, n);
}

int store_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	return st->s->drv->bind_int(st, idx, v);
}

int store_bind_null(struct store_stmt *st, int idx)
{
	return st->s->drv->bind_null(st, idx);
}

int store_step(struct store_stmt *st, struct err *err)
{
	return st->s->drv->step(st, err);
}

int store_run(struct store_stmt *st, struct err *err)
{
	int rc;

	while ((rc = store_step(st, err)) == 1)
		;
	return rc;
}

int store_run_insert(struct store_stmt *st, int64_t *out_id, struct err *err)
{
	int64_t id = 0;
	int rc = store_run(st, err);

	if (rc < 0)
		return rc;
	rc = st->s->drv->inserted_id(st, &id);
	if (rc == 1 && out_id)
		*out_id = id;
	return rc;
}

void store_reset(struct store_stmt *st)
{
	st->s->drv->reset(st);
}

const char *store_col_text(struct store_stmt *st, int col)
{
	return st->s->drv->col_text(st, col);
}

const void *store_col_blob(struct store_stmt *st, int col, size_t *len)
{
	return st->s->drv->col_blob(st, col, len);
}

int64_t store_col_int(struct store_stmt *st, int col)
{
	return st->s->drv->col_int(st, col);
}

int store_col_is_null(struct store_stmt *st, int col)
{
	return st->s->drv->col_is_null(st, col);
}

int store_query_int(struct store *s, int64_t *out, struct err *err, const char *sql, int nargs,
                    const char *const *args)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st, sql, err);
	if (rc)
		return rc;
	for (int i = 0; i < nargs; i++)
		store_bind_text(st, i + 1, args[i]);
	rc = store_step(st, err);
	if (rc == 1) {
		*out = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = KV_ENOTFOUND;
	}
	store_stmt_free(st);
	return rc;
}

int store_run_returning(struct store_stmt *st, int64_t *out_id, struct err *err)
{
	int rc = store_step(st, err);

	if (rc != 1)
		return rc;
	if (out_id)
		*out_id = store_col_int(st, 0);
	rc = store_run(st, err);
	return rc < 0 ? rc : 1;
}
