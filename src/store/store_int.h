/* The driver table behind struct store. A driver implements these calls for
 * one database engine; store.c holds what is common (transactions nesting,
 * migrations bookkeeping, the data directory). */
#ifndef KV_STORE_STORE_INT_H
#define KV_STORE_STORE_INT_H

#include "store/store.h"

struct store_driver {
	const char *name;
	int (*open)(struct store *s, const char *data_dir, struct err *err);
	void (*close)(struct store *s);
	int (*exec)(struct store *s, const char *sql, struct err *err);
	int (*prepare)(struct store *s, struct store_stmt **out, const char *sql, struct err *err);
	void (*stmt_free)(struct store_stmt *st);
	int (*bind_text)(struct store_stmt *st, int idx, const char *v);
	int (*bind_text_ref)(struct store_stmt *st, int idx, const char *v);
	int (*bind_blob)(struct store_stmt *st, int idx, const void *v, size_t n);
	int (*bind_int)(struct store_stmt *st, int idx, int64_t v);
	int (*bind_null)(struct store_stmt *st, int idx);
	int (*step)(struct store_stmt *st, struct err *err);
	void (*reset)(struct store_stmt *st);
	const char *(*col_text)(struct store_stmt *st, int col);
	const void *(*col_blob)(struct store_stmt *st, int col, size_t *len);
	int64_t (*col_int)(struct store_stmt *st, int col);
	int (*col_is_null)(struct store_stmt *st, int col);
	/* After an INSERT has run to its end: 1 with the new row's id, 0 when
	 * it inserted nothing. SQLite asks the connection (changes, last
	 * rowid), which is cheaper than RETURNING; an engine without a
	 * last-insert id appends RETURNING id when such an INSERT is prepared
	 * and keeps the returned value. */
	int (*inserted_id)(struct store_stmt *st, int64_t *out_id);
	/* The schema, as ordered migration steps in this driver's dialect. */
	const char *const *migrations;
	int n_migrations;
	/* Optional, instead of the two above: a driver whose steps are built
	 * at run time (PostgreSQL's, translated from SQLite's). */
	int (*migrations_get)(const char *const **steps, int *n, struct err *err);
	/* Sets the page cache size in bytes. */
	int (*set_cache)(struct store *s, int64_t bytes, struct err *err);
	/* The connection's count of commits to the database, by it or by any
	 * other connection or process, as of now (a fresh read). */
	int (*data_version)(struct store *s, uint32_t *out, struct err *err);
	/* SQL that starts the outermost write transaction. */
	const char *begin_sql;
	/* Optional (NULL: none): the engine's own consistency checks, each
	 * problem reported to cb(arg, kind, detail) (store/dbcheck.h). KV_OK
	 * when the checks ran, whatever they found. */
	int (*check)(struct store *s, int (*cb)(void *arg, const char *kind, const char *detail),
	             void *arg, struct err *err);
};

struct store {
	const struct store_driver *drv;
	void *db; /* the driver's connection */
	char *dir;
	char *url; /* the database URL; NULL for SQLite in dir */
	int depth; /* transaction nesting */
	int schema_version;
	uint32_t serial; /* this connection among those the process opened */
	/* Statements kept prepared for hot paths, keyed by the SQL's address
	 * (callers pass string literals). */
	struct store_cached_stmt {
		const char *sql;
		struct store_stmt *st;
	} * cache;
	int n_cache, cap_cache;
};

struct store_stmt {
	struct store *s;
	void *impl;
};

extern const struct store_driver store_sqlite_driver;
extern const struct store_driver store_pg_driver;

/* PostgreSQL's migration steps (SQLite's, translated; store_pg.c). */
int store_pg_migrations(const char *const **steps, int *n, struct err *err);

#endif
