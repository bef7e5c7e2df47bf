/* Storage behind one interface. A store is a database plus a content-addressed
 * blob folder in one data directory. The database is reached through a small
 * driver table (store_int.h): SQLite today (store_sqlite.c), PostgreSQL as a
 * second driver later. Callers write portable SQL with `?` placeholders and
 * `RETURNING`; only store/ contains SQL. Not thread-safe: one store per thread. */
#ifndef KV_STORE_STORE_H
#define KV_STORE_STORE_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_stmt;

/* Opens the store in data_dir (created when absent): database kanalvakt.db
 * in WAL mode with foreign keys on, blobs/ beside it, migrations applied.
 * *out owned by the caller (store_free). KV_EIO when the directory or the
 * database cannot be opened, KV_ECONFLICT when the database is newer than
 * this program. */
int store_open(struct store **out, const char *data_dir, struct err *err);

/* Chooses the database that stores opened from now on use: NULL or "" for
 * SQLite in the data directory (the default), or a PostgreSQL URL
 * (postgresql://user:password@host/dbname, or ?host=/socket/dir); the
 * blobs stay in the data directory either way. Process-wide: set once at
 * start (the CLI's --database, kanalvakt.conf's `database`). A URL that
 * does not connect makes store_open fail with KV_EIO, a wrong password with
 * KV_EDENIED. */
void store_set_database(const char *url);
/* The URL set (borrowed), or NULL for SQLite. */
const char *store_database(void);
/* 1 when url names a PostgreSQL database (postgresql:// or postgres://). */
int store_database_is_pg(const char *url);

/* Closes the store; accepts NULL. An open transaction is rolled back. */
void store_free(struct store *s);

/* The data directory (borrowed). */
const char *store_dir(const struct store *s);

/* 1 when the engine keeps the search index (SQLite's FTS5); 0 on
 * PostgreSQL, where a search is refused (KV_EINVAL). */
int store_has_search(const struct store *s);

/* The schema version after migrations. */
int store_schema_version(struct store *s);

/* The version of the first migration whose SQL holds needle, its SQL in
 * *sql; 0 when none does. For checks that rerun one step on a database. */
int store_migration_find(const struct store *s, const char *needle, const char **sql);

/* Transactions nest: the outermost begin starts a write transaction, inner
 * ones are savepoints. Every begin is matched by commit or rollback. */
int store_begin(struct store *s, struct err *err);
int store_commit(struct store *s, struct err *err);
void store_rollback(struct store *s);
/* Ends the transaction a change began: commits when rc is 0 (returning
 * the commit's code), else rolls back and returns rc. */
int store_finish(struct store *s, int rc, struct err *err);

/* The page cache a connection starts with. */
#define STORE_CACHE_DEFAULT ((int64_t)128 << 20)

/* Sets the connection's page cache to about bytes. A bulk write that does
 * not fit the cache spills pages mid-transaction and writes them again
 * later; importers raise it for the length of a large source. */
int store_set_cache(struct store *s, int64_t bytes, struct err *err);

/* A value that changes whenever anything is committed to the database,
 * through this connection or any other (other processes too), read fresh.
 * Comparable only with values from the same connection: they carry the
 * connection's serial, so values of two connections never compare equal.
 * Inside a transaction it does not see the transaction's own changes. */
int store_data_version(struct store *s, uint64_t *out, struct err *err);

/* Runs SQL without results (may hold several statements). */
int store_exec(struct store *s, const char *sql, struct err *err);

/* Prepares one statement. *out owned by the caller (store_stmt_free). */
int store_prepare(struct store *s, struct store_stmt **out, const char *sql, struct err *err);
void store_stmt_free(struct store_stmt *st);

/* Binds parameter idx (1-based). A NULL text binds SQL NULL. */
int store_bind_text(struct store_stmt *st, int idx, const char *v);
/* Like store_bind_text, without a copy: v must stay valid and unchanged
 * until the statement has been stepped to its end or reset. For hot paths. */
int store_bind_text_ref(struct store_stmt *st, int idx, const char *v);
int store_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n);
int store_bind_int(struct store_stmt *st, int idx, int64_t v);
int store_bind_null(struct store_stmt *st, int idx);

/* Steps: 1 when a row is ready, 0 when done, a negative KV_E* on failure
 * (a unique or foreign-key violation is KV_ECONFLICT). */
int store_step(struct store_stmt *st, struct err *err);

/* Runs an INSERT … RETURNING id to its end: 1 with the returned id in
 * *out_id (may be NULL), 0 when the insert returned no row (ON CONFLICT DO
 * NOTHING met a conflict), a negative KV_E* on failure. */
int store_run_returning(struct store_stmt *st, int64_t *out_id, struct err *err);

/* Runs a one-row INSERT … ON CONFLICT DO NOTHING (no RETURNING) to its
 * end: 1 with the new row's id in *out_id, 0 when the conflict left the
 * table as it was, a negative KV_E* on failure. For hot paths, where it
 * costs less than RETURNING. */
int store_run_insert(struct store_stmt *st, int64_t *out_id, struct err *err);

/* Steps st to its end, passing over any rows (for statements whose rows, if
 * any, are not wanted). Returns 0, or the negative KV_E* of the failing step
 * (as store_step). Does not free st. */
int store_run(struct store_stmt *st, struct err *err);

/* A statement for sql kept prepared by the store for reuse: reset, bindings
 * cleared. Owned by the store (do not free); valid until the next call with
 * the same sql. sql must be a string literal (it is keyed by address). */
int store_cached(struct store *s, struct store_stmt **out, const char *sql, struct err *err);

/* Resets a statement so it can run again with new bindings. */
void store_reset(struct store_stmt *st);

/* Column values of the current row (0-based). Text is borrowed until the
 * next step/reset; NULL for SQL NULL. */
const char *store_col_text(struct store_stmt *st, int col);
const void *store_col_blob(struct store_stmt *st, int col, size_t *len);
int64_t store_col_int(struct store_stmt *st, int col);
int store_col_is_null(struct store_stmt *st, int col);

/* Convenience: prepares sql, binds the texts (NULL = SQL NULL), and returns
 * the first column of the first row as an integer in *out (KV_ENOTFOUND when
 * there is no row). */
int store_query_int(struct store *s, int64_t *out, struct err *err, const char *sql, int nargs,
                    const char *const *args);

#endif
