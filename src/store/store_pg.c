/* The PostgreSQL driver (libpq): one connection per store, statements
 * translated from the SQLite dialect when prepared (store/pg_sql.c), the
 * schema from the same migration steps as SQLite's, translated to
 * PostgreSQL's DDL, so that a schema version means the same on both. The
 * blobs stay in the data directory. Selected by store_set_database with a
 * postgresql:// URL. */
#include "store/store_int.h"

#include "store/pg_sql.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Begins SQL already in PostgreSQL's dialect (the translated migrations):
 * store_exec runs it as it is. */
#define PG_DIALECT_MARK "-- postgresql\n"

#define PG_BOOLOID  16
#define PG_BYTEAOID 17
#define PG_INT8OID  20
#define PG_TEXTOID  25

struct pg_table {
	char *name;
	char *pk; /* "a, b", or NULL */
	int has_id;
};

struct pg_db {
	PGconn *conn;
	struct pg_table *tables;
	int n_tables;
	int catalog_version; /* schema version the catalog was read at; -1: none */
};

struct pg_stmt {
	struct pg_sql t;
	char **vals;
	int *lens, *fmts;
	unsigned int *types;
	PGresult *res;
	int row, executed, got_id;
	int64_t id, affected;
	unsigned char **blobs; /* unescaped bytea values of the current row */
	int n_cols;
};

/* The URL with its password masked, for messages. */
static void redact(const char *url, char *out, size_t n)
{
	const char *at = strchr(url, '@'), *scheme = strstr(url, "://");
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;

	if (at && colon && colon < at)
		snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, n, "%s", url);
}

/* The first line of a libpq message. */
static int first_line(const char *msg)
{
	const char *nl = strchr(msg, '\n');

	return nl ? (int)(nl - msg) : (int)strlen(msg);
}

static int map_result(const PGresult *res, PGconn *c, struct err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
	int code = KV_EIO;

	if (state && strncmp(state, "23", 2) == 0)
		code = KV_ECONFLICT; /* integrity: unique, foreign key, check, our triggers */
	else if (state && (strcmp(state, "22001") == 0 || strcmp(state, "22P02") == 0 ||
	                   strcmp(state, "22003") == 0))
		code = KV_EINVAL;
	else if (state && strcmp(state, "53200") == 0)
		code = KV_ENOMEM;
	if (!msg || !*msg)
		msg = "unknown error";
	return err_set(err, code, "database: %s: %.*s", what, first_line(msg), msg);
}

static void quiet(void *arg, const char *message)
{
}

static int p_exec_raw(PGconn *c, const char *sql, struct err *err)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType t = PQresultStatus(res);
	int rc = KV_OK;

	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
		rc = map_result(res, c, err, "exec");
	PQclear(res);
	return rc;
}

static int p_open(struct store *s, const char *data_dir, struct err *err)
{
	struct pg_db *db;
	char shown[1024];
	const char *msg;
	int rc;

	redact(s->url, shown, sizeof(shown));
	db = calloc(1, sizeof(*db));
	if (!db)
		return err_set(err, KV_ENOMEM, "out of memory");
	db->catalog_version = -1;
	db->conn = PQconnectdb(s->url);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		msg = db->conn ? PQerrorMessage(db->conn) : "out of memory";
		if (strstr(msg, "password authentication failed") ||
		    strstr(msg, "no password supplied"))
			rc = err_set(
			        err, KV_EDENIED,
			        "database %s: wrong user name or password (the server said: %.*s)",
			        shown, first_line(msg), msg);
		else
			rc = err_set(err, KV_EIO, "database %s: cannot connect: %.*s", shown,
			             first_line(msg), msg);
		PQfinish(db->conn);
		free(db);
		return rc;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	s->db = db;
	return p_exec_raw(db->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'", err);
}

static void catalog_free(struct pg_db *db)
{
	for (int i = 0; i < db->n_tables; i++) {
		free(db->tables[i].name);
		free(db->tables[i].pk);
	}
	free(db->tables);
	db->tables = NULL;
	db->n_tables = 0;
}

static void p_close(struct store *s)
{
	struct pg_db *db = s->db;

	catalog_free(db);
	PQfinish(db->conn);
	free(db);
	s->db = NULL;
}

/* Reads which tables have an id column and their primary keys. */
static int catalog_load(struct store *s, struct err *err)
{
	static const char sql[] =
	        "SELECT c.relname,"
	        " EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
	        "  AND a.attname = 'id' AND NOT a.attisdropped),"
	        " (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)"
	        "  FROM pg_index i CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
	        "  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
	        "  WHERE i.indrelid = c.oid AND i.indisprimary)"
	        " FROM pg_class c WHERE c.relkind = 'r' AND pg_table_is_visible(c.oid)";
	struct pg_db *db = s->db;
	PGresult *res = PQexec(db->conn, sql);
	int rc = KV_OK, n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = map_result(res, db->conn, err, "catalog");
		goto out;
	}
	catalog_free(db);
	n = PQntuples(res);
	db->tables = calloc((size_t)n + 1, sizeof(*db->tables));
	if (!db->tables) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct pg_table *t = &db->tables[db->n_tables++];

		t->name = strdup(PQgetvalue(res, i, 0));
		t->has_id = PQgetvalue(res, i, 1)[0] == 't';
		t->pk = PQgetisnull(res, i, 2) ? NULL : strdup(PQgetvalue(res, i, 2));
	}
	db->catalog_version = s->schema_version;
out:
	PQclear(res);
	return rc;
}

static const struct pg_table *table_find(void *arg, const char *name)
{
	struct pg_db *db = arg;

	for (int i = 0; i < db->n_tables; i++)
		if (db->tables[i].name && strcmp(db->tables[i].name, name) == 0)
			return &db->tables[i];
	return NULL;
}

static int table_has_id(void *arg, const char *name)
{
	const struct pg_table *t = table_find(arg, name);

	return t && t->has_id;
}

static const char *table_pk(void *arg, const char *name)
{
	const struct pg_table *t = table_find(arg, name);

	return t ? t->pk : NULL;
}

/* 1 when sql is transaction control, run as it is. */
static int is_control(const char *sql)
{
	static const char *const words[] = {"BEGIN",     "COMMIT",  "ROLLBACK",
	                                    "SAVEPOINT", "RELEASE", "SET "};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncasecmp(sql, words[i], strlen(words[i])) == 0)
			return 1;
	return 0;
}

static int p_exec(struct store *s, const char *sql, struct err *err)
{
	struct pg_db *db = s->db;
	char *ddl = NULL;
	int rc;

	if (is_control(sql) || strncmp(sql, PG_DIALECT_MARK, strlen(PG_DIALECT_MARK)) == 0)
		return p_exec_raw(db->conn, sql, err);
	/* SQLite's tuning (synchronous, mmap_size) has no per-connection
	 * counterpart: a PostgreSQL commit is durable as it is. */
	if (strncasecmp(sql, "PRAGMA", 6) == 0)
		return KV_OK;
	rc = pg_sql_ddl(sql, &ddl, err);
	if (!rc && *ddl)
		rc = p_exec_raw(db->conn, ddl, err);
	free(ddl);
	if (!rc)
		db->catalog_version = -1;
	return rc;
}

static int p_set_cache(struct store *s, int64_t bytes, struct err *err)
{
	/* The server's shared buffers are the server's to size. */
	return KV_OK;
}

/* The write-ahead log's insert position: it moves with every commit, by any
 * connection (and with other writes, which only cost a caller a reread). */
static int p_data_version(struct store *s, uint32_t *out, struct err *err)
{
	struct pg_db *db = s->db;
	PGresult *res = PQexec(db->conn, "SELECT pg_current_wal_insert_lsn()::text");
	unsigned int hi = 0, lo = 0;
	int rc = KV_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = map_result(res, db->conn, err, "data version");
	else if (sscanf(PQgetvalue(res, 0, 0), "%X/%X", &hi, &lo) != 2)
		rc = err_set(err, KV_EIO, "database: data version: unexpected '%s'",
		             PQgetvalue(res, 0, 0));
	else
		*out = lo ^ (hi << 24);
	PQclear(res);
	return rc;
}

static int p_prepare(struct store *s, struct store_stmt **out, const char *sql, struct err *err)
{
	struct pg_db *db = s->db;
	struct pg_sql_schema sch = {table_has_id, table_pk, db};
	struct store_stmt *st = NULL;
	struct pg_stmt *p = NULL;
	int rc = KV_OK;

	if (db->catalog_version != s->schema_version) {
		rc = catalog_load(s, err);
		if (rc)
			return rc;
	}
	st = calloc(1, sizeof(*st));
	p = calloc(1, sizeof(*p));
	if (!st || !p) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = pg_sql_translate(sql, &sch, &p->t, err);
	if (rc)
		goto out;
	if (p->t.n_params > 0) {
		size_t n = (size_t)p->t.n_params;

		p->vals = calloc(n, sizeof(*p->vals));
		p->lens = calloc(n, sizeof(*p->lens));
		p->fmts = calloc(n, sizeof(*p->fmts));
		p->types = calloc(n, sizeof(*p->types));
		if (!p->vals || !p->lens || !p->fmts || !p->types) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
	}
	st->s = s;
	st->impl = p;
	*out = st;
	st = NULL;
	p = NULL;
out:
	if (p) {
		pg_sql_done(&p->t);
		free(p->vals);
		free(p->lens);
		free(p->fmts);
		free(p->types);
	}
	free(p);
	free(st);
	return rc;
}

static void row_free(struct pg_stmt *p)
{
	for (int i = 0; i < p->n_cols; i++)
		PQfreemem(p->blobs[i]);
	free(p->blobs);
	p->blobs = NULL;
	p->n_cols = 0;
}

static void clear_bindings(struct pg_stmt *p)
{
	for (int i = 0; i < p->t.n_params; i++) {
		free(p->vals[i]);
		p->vals[i] = NULL;
		p->lens[i] = 0;
		p->fmts[i] = 0;
		p->types[i] = 0;
	}
}

static void p_reset(struct store_stmt *st)
{
	struct pg_stmt *p = st->impl;

	row_free(p);
	PQclear(p->res);
	p->res = NULL;
	p->executed = 0;
	p->row = 0;
	clear_bindings(p);
}

static void p_stmt_free(struct store_stmt *st)
{
	struct pg_stmt *p = st->impl;

	p_reset(st);
	pg_sql_done(&p->t);
	free(p->vals);
	free(p->lens);
	free(p->fmts);
	free(p->types);
	free(p);
	free(st);
}

static int bind_copy(struct store_stmt *st, int idx, const void *v, size_t n, int binary,
                     unsigned int type)
{
	struct pg_stmt *p = st->impl;
	char *c;

	if (idx < 1 || idx > p->t.n_params)
		return p->t.noop ? KV_OK : KV_EINVAL;
	c = malloc(n + 1);
	if (!c)
		return KV_ENOMEM;
	memcpy(c, v, n);
	c[n] = '\0';
	free(p->vals[idx - 1]);
	p->vals[idx - 1] = c;
	p->lens[idx - 1] = (int)n;
	p->fmts[idx - 1] = binary;
	p->types[idx - 1] = type;
	return KV_OK;
}

static int p_bind_text(struct store_stmt *st, int idx, const char *v)
{
	return bind_copy(st, idx, v, strlen(v), 0, 0);
}

static int p_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n)
{
	return bind_copy(st, idx, v ? v : "", v ? n : 0, 1, PG_BYTEAOID);
}

static int p_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	return bind_copy(st, idx, num, strlen(num), 0, PG_INT8OID);
}

static int p_bind_null(struct store_stmt *st, int idx)
{
	struct pg_stmt *p = st->impl;

	if (idx < 1 || idx > p->t.n_params)
		return p->t.noop ? KV_OK : KV_EINVAL;
	free(p->vals[idx - 1]);
	p->vals[idx - 1] = NULL;
	p->types[idx - 1] = 0;
	return KV_OK;
}

static int is_indeterminate(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	/* 42P18: no context types it (`? IS NULL`); 42P08: one use leaves it
	 * untyped and another types it (`?1 IS NULL OR name = ?1`). */
	return state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0);
}

/* Runs the statement. Inside a transaction it runs under a savepoint of its
 * own, so that a failed statement (a conflict a caller expects and handles)
 * leaves the transaction usable, as in SQLite. */
static int execute(struct store_stmt *st, struct err *err)
{
	struct pg_stmt *p = st->impl;
	struct pg_db *db = st->s->db;
	int in_tx = st->s->depth > 0, rc = KV_OK;
	ExecStatusType t;

	if (in_tx) {
		rc = p_exec_raw(db->conn, "SAVEPOINT kv_stmt", err);
		if (rc)
			return rc;
	}
	p->res = PQexecParams(db->conn, p->t.sql, p->t.n_params, p->types,
	                      (const char *const *)p->vals, p->lens, p->fmts, 0);
	if (is_indeterminate(p->res)) {
		/* A parameter PostgreSQL cannot type from its context (`? IS
		 * NULL`): SQLite's values are untyped, so send the untyped ones
		 * as text. The failed attempt aborted only the statement's own
		 * savepoint. */
		if (in_tx)
			rc = p_exec_raw(db->conn, "ROLLBACK TO SAVEPOINT kv_stmt", err);
		for (int i = 0; i < p->t.n_params; i++)
			if (p->types[i] == 0)
				p->types[i] = PG_TEXTOID;
		PQclear(p->res);
		p->res = rc ? NULL
		            : PQexecParams(db->conn, p->t.sql, p->t.n_params, p->types,
		                           (const char *const *)p->vals, p->lens, p->fmts, 0);
		if (rc)
			return rc;
	}
	p->executed = 1;
	p->row = 0;
	t = PQresultStatus(p->res);
	if (t == PGRES_TUPLES_OK) {
		p->affected = PQntuples(p->res);
		if (p->t.hidden_returning) {
			p->got_id = PQntuples(p->res) > 0;
			p->id = p->got_id ? strtoll(PQgetvalue(p->res, 0, 0), NULL, 10) : 0;
		}
	} else if (t == PGRES_COMMAND_OK) {
		p->affected = strtoll(PQcmdTuples(p->res), NULL, 10);
		p->got_id = 0;
	} else {
		rc = map_result(p->res, db->conn, err, "step");
		PQclear(p->res);
		p->res = NULL;
		if (in_tx)
			p_exec_raw(db->conn,
			           "ROLLBACK TO SAVEPOINT kv_stmt; RELEASE SAVEPOINT kv_stmt",
			           NULL);
		return rc;
	}
	if (in_tx)
		rc = p_exec_raw(db->conn, "RELEASE SAVEPOINT kv_stmt", err);
	return rc;
}

static int p_step(struct store_stmt *st, struct err *err)
{
	struct pg_stmt *p = st->impl;
	int rc;

	if (p->t.noop)
		return 0;
	row_free(p);
	if (!p->executed) {
		rc = execute(st, err);
		if (rc)
			return rc;
	} else {
		p->row++;
	}
	if (p->t.hidden_returning || PQresultStatus(p->res) != PGRES_TUPLES_OK)
		return 0;
	return p->row < PQntuples(p->res) ? 1 : 0;
}

static int have_row(struct pg_stmt *p, int col)
{
	return p->res && p->row < PQntuples(p->res) && col >= 0 && col < PQnfields(p->res);
}

static const char *p_col_text(struct store_stmt *st, int col)
{
	struct pg_stmt *p = st->impl;

	if (!have_row(p, col) || PQgetisnull(p->res, p->row, col))
		return NULL;
	if (PQftype(p->res, col) == PG_BOOLOID)
		return PQgetvalue(p->res, p->row, col)[0] == 't' ? "1" : "0";
	return PQgetvalue(p->res, p->row, col);
}

static const void *p_col_blob(struct store_stmt *st, int col, size_t *len)
{
	struct pg_stmt *p = st->impl;
	const char *v = p_col_text(st, col);

	*len = 0;
	if (!v)
		return NULL;
	if (PQftype(p->res, col) != PG_BYTEAOID) {
		*len = strlen(v);
		return v;
	}
	if (!p->blobs) {
		p->n_cols = PQnfields(p->res);
		p->blobs = calloc((size_t)p->n_cols, sizeof(*p->blobs));
		if (!p->blobs) {
			p->n_cols = 0;
			return NULL;
		}
	}
	if (!p->blobs[col])
		p->blobs[col] = PQunescapeBytea((const unsigned char *)v, len);
	else
		PQunescapeBytea((const unsigned char *)v, len); /* its length */
	return p->blobs[col];
}

static int64_t p_col_int(struct store_stmt *st, int col)
{
	const char *v = p_col_text(st, col);
	char *end = NULL;
	long long n;

	if (!v)
		return 0;
	n = strtoll(v, &end, 10);
	if (end && (*end == '.' || *end == 'e' || *end == 'E'))
		return (int64_t)strtod(v, NULL);
	return n;
}

static int p_col_is_null(struct store_stmt *st, int col)
{
	struct pg_stmt *p = st->impl;

	return !have_row(p, col) || PQgetisnull(p->res, p->row, col);
}

static int p_inserted_id(struct store_stmt *st, int64_t *out_id)
{
	struct pg_stmt *p = st->impl;

	if (p->t.hidden_returning) {
		if (!p->got_id)
			return 0;
		*out_id = p->id;
		return 1;
	}
	if (p->affected == 0)
		return 0;
	*out_id = 0;
	return 1;
}

/* The migration steps: SQLite's, translated once. */
static char *migrations[256];
static int n_migrations;
static int migrations_rc;
static pthread_once_t migrations_once = PTHREAD_ONCE_INIT;

static void migrations_build(void)
{
	struct err e = {0};

	if (store_sqlite_driver.n_migrations > (int)(sizeof(migrations) / sizeof(migrations[0]))) {
		migrations_rc = KV_EINTERNAL;
		return;
	}
	for (int i = 0; i < store_sqlite_driver.n_migrations; i++) {
		char *ddl = NULL;
		size_t n;

		migrations_rc = pg_sql_ddl(store_sqlite_driver.migrations[i], &ddl, &e);
		if (migrations_rc)
			return;
		n = strlen(PG_DIALECT_MARK) + strlen(ddl) + 1;
		migrations[i] = malloc(n);
		if (!migrations[i]) {
			free(ddl);
			migrations_rc = KV_ENOMEM;
			return;
		}
		snprintf(migrations[i], n, "%s%s", PG_DIALECT_MARK, ddl);
		free(ddl);
	}
	n_migrations = store_sqlite_driver.n_migrations;
}

int store_pg_migrations(const char *const **out, int *n, struct err *err)
{
	pthread_once(&migrations_once, migrations_build);
	if (migrations_rc)
		return err_set(err, migrations_rc,
		               "PostgreSQL migrations: a step has no translation");
	*out = (const char *const *)migrations;
	*n = n_migrations;
	return KV_OK;
}

const struct store_driver store_pg_driver = {
        .name = "postgresql",
        .open = p_open,
        .close = p_close,
        .exec = p_exec,
        .prepare = p_prepare,
        .stmt_free = p_stmt_free,
        .bind_text = p_bind_text,
        .bind_text_ref = p_bind_text,
        .bind_blob = p_bind_blob,
        .bind_int = p_bind_int,
        .bind_null = p_bind_null,
        .step = p_step,
        .reset = p_reset,
        .col_text = p_col_text,
        .col_blob = p_col_blob,
        .col_int = p_col_int,
        .col_is_null = p_col_is_null,
        .inserted_id = p_inserted_id,
        .migrations = NULL,
        .n_migrations = 0,
        .migrations_get = store_pg_migrations,
        .set_cache = p_set_cache,
        .data_version = p_data_version,
        .begin_sql = "BEGIN",
        .check = NULL,
};
