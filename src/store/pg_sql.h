/* SQLite's SQL as written in the store's row modules, translated for PostgreSQL when
 * a statement is prepared, and the SQLite migration steps translated into
 * PostgreSQL's DDL. Only mechanical rewrites; what they cover is listed in
 * pg_sql.c's header comment. */
#ifndef KV_STORE_PG_SQL_H
#define KV_STORE_PG_SQL_H

#include "base/err.h"

/* What the translation needs to know of the schema: whether a table has an
 * `id` column (an INSERT without RETURNING gets a hidden RETURNING id, for
 * store_run_insert) and its primary key columns ("a, b"; for INSERT OR
 * REPLACE). Either callback may be NULL. */
struct pg_sql_schema {
	int (*has_id)(void *arg, const char *table);
	const char *(*primary_key)(void *arg, const char *table);
	void *arg;
};

struct pg_sql {
	char *sql;            /* the PostgreSQL text (free()); NULL when noop */
	int n_params;         /* the highest $n it uses */
	int hidden_returning; /* 1: RETURNING id was appended */
	int noop;             /* 1: nothing to run on PostgreSQL (search index writes) */
};

/* Translates one statement. KV_EINVAL (with what is not supported) for a
 * construct that has no mechanical translation. */
int pg_sql_translate(const char *sql, const struct pg_sql_schema *sch, struct pg_sql *out,
                     struct err *err);

/* Translates a migration step (several statements) into PostgreSQL DDL;
 * *out to free(). */
int pg_sql_ddl(const char *sql, char **out, struct err *err);

void pg_sql_done(struct pg_sql *t);

#endif
