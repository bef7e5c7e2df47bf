/* `kanalvakt migrate`: the SQLite database of a data directory copied into
 * an empty PostgreSQL database. It knows both drivers (it is store): the
 * source is read under one transaction that keeps writers out, so the copy
 * is one point in time; the target is opened through store_open (the same
 * migration list, so the same tables) and written in one transaction that
 * is committed only after every table's count and content hash and the
 * audit chain have been checked on it. Not a sync and not a dump format. */
#define _GNU_SOURCE /* strcasestr */
#include "store/migrate_db.h"

#include "base/buf.h"
#include "store/audit.h"
#include "store/store.h"

#include <jansson.h>
#include <libpq-fe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rows per INSERT: enough to make the round trips few, within
 * PostgreSQL's 65535 parameters per statement. */
#define BATCH_ROWS   250
#define BATCH_PARAMS 30000

/* A value's text form for the hash and the copy. */
enum col_kind { COL_PLAIN, COL_REAL, COL_BLOB };

struct col {
	char *name;
	enum col_kind kind;
};

struct table {
	char *name;
	int without_rowid;
	int key_col; /* the column of a one-column INTEGER key; -1: none */
	struct col *cols;
	int n_cols;
	char *pk; /* "a, b" in key order; NULL when none */
	char **deps;
	int n_deps;
	int placed;
};

struct run {
	struct store *src, *dst;
	struct table *tables;
	int n_tables;
	struct migrate_db_report *rep;
	struct buf sql;
};

static int nibble(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

void migrate_db_hash_init(struct migrate_db_hash *h)
{
	memset(h, 0, sizeof(*h));
}

int migrate_db_hash_row(struct migrate_db_hash *h, const char *const *vals, const size_t *lens,
                        int n)
{
	struct hash_sha256_ctx c;
	char hex[HASH_SHA256_HEX_LEN + 1];

	if (h->n == h->cap) {
		int64_t cap = h->cap ? h->cap * 2 : 256;
		void *p = realloc(h->rows, (size_t)cap * sizeof(*h->rows));

		if (!p)
			return KV_ENOMEM;
		h->rows = p;
		h->cap = cap;
	}
	hash_sha256_begin(&c);
	for (int i = 0; i < n; i++) {
		/* A tag and the length before the bytes: NULL differs from "", and
		 * ("ab", "c") from ("a", "bc"). */
		char head[32];
		int k;

		if (!vals[i]) {
			hash_sha256_update(&c, "N;", 2);
			continue;
		}
		k = snprintf(head, sizeof(head), "V%zu:", lens[i]);
		hash_sha256_update(&c, head, (size_t)k);
		hash_sha256_update(&c, vals[i], lens[i]);
	}
	hash_sha256_end_hex(&c, hex);
	for (int i = 0; i < HASH_SHA256_LEN; i++)
		h->rows[h->n][i] = (uint8_t)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
	h->n++;
	return KV_OK;
}

static int digest_cmp(const void *a, const void *b)
{
	return memcmp(a, b, HASH_SHA256_LEN);
}

void migrate_db_hash_hex(struct migrate_db_hash *h, char out[HASH_SHA256_HEX_LEN + 1])
{
	struct hash_sha256_ctx c;

	if (h->n > 0)
		qsort(h->rows, (size_t)h->n, sizeof(*h->rows), digest_cmp);
	hash_sha256_begin(&c);
	for (int64_t i = 0; i < h->n; i++)
		hash_sha256_update(&c, h->rows[i], HASH_SHA256_LEN);
	hash_sha256_end_hex(&c, out);
}

void migrate_db_hash_done(struct migrate_db_hash *h)
{
	free(h->rows);
	memset(h, 0, sizeof(*h));
}

void migrate_db_redact(const char *url, char *out, size_t n)
{
	const char *at = strrchr(url, '@'), *scheme = strstr(url, "://");
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;

	if (at && colon && colon < at)
		snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
	else
		snprintf(out, n, "%s", url);
}

static void table_done(struct table *t)
{
	for (int i = 0; i < t->n_cols; i++)
		free(t->cols[i].name);
	free(t->cols);
	for (int i = 0; i < t->n_deps; i++)
		free(t->deps[i]);
	free(t->deps);
	free(t->pk);
	free(t->name);
}

void migrate_db_report_done(struct migrate_db_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_tables; i++)
		free(r->tables[i].name);
	free(r->tables);
	for (size_t i = 0; i < r->n_skipped; i++)
		free(r->skipped[i]);
	free(r->skipped);
	free(r->source);
	free(r->target);
	memset(r, 0, sizeof(*r));
}

/* Table and column names go into SQL as they are: only plain lower-case
 * identifiers, which both engines read alike unquoted. */
static int plain_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Opens a store on url (NULL: SQLite in dir), leaving the process-wide
 * choice as it was. */
static int open_with(struct store **out, const char *dir, const char *url, struct err *err)
{
	char *saved = store_database() ? strdup(store_database()) : NULL;
	int rc;

	if (store_database() && !saved)
		return err_set(err, KV_ENOMEM, "out of memory");
	store_set_database(url);
	rc = store_open(out, dir, err);
	store_set_database(saved);
	free(saved);
	return rc;
}

/* Before the target is opened through the store (which would create or
 * migrate its tables), a look at it as it is: a schema of another version,
 * or rows in any table, and nothing is written. A target that does not
 * connect is left for store_open to report. */
static int precheck(const char *url, const char *shown, int version, struct err *err)
{
	PGconn *c = PQconnectdb(url);
	PGresult *res = NULL, *r2 = NULL;
	int rc = KV_OK;

	if (!c || PQstatus(c) != CONNECTION_OK)
		goto out;
	res = PQexec(c, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	                " ORDER BY tablename");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = err_set(err, KV_EIO, "database %s: cannot list its tables: %.*s", shown,
		             (int)strcspn(PQresultErrorMessage(res), "\n"),
		             PQresultErrorMessage(res));
		goto out;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		char *q = PQescapeIdentifier(c, name, strlen(name));
		char sql[512];

		if (!q) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		if (strcmp(name, "schema_migrations") == 0)
			snprintf(sql, sizeof(sql), "SELECT COALESCE(MAX(version), 0) FROM %s", q);
		else
			snprintf(sql, sizeof(sql),
			         "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) x", q);
		PQfreemem(q);
		PQclear(r2);
		r2 = PQexec(c, sql);
		if (PQresultStatus(r2) != PGRES_TUPLES_OK) {
			rc = err_set(err, KV_EIO, "database %s: cannot read table %s: %.*s", shown,
			             name, (int)strcspn(PQresultErrorMessage(r2), "\n"),
			             PQresultErrorMessage(r2));
			goto out;
		}
		if (strcmp(name, "schema_migrations") == 0) {
			long long v = strtoll(PQgetvalue(r2, 0, 0), NULL, 10);

			if (v != 0 && v != version) {
				rc = err_set(
				        err, KV_ECONFLICT,
				        "database %s: schema version %lld, the source's is %d;"
				        " migrate copies between databases of the same version only"
				        " (nothing was written)",
				        shown, v, version);
				goto out;
			}
		} else if (strcmp(PQgetvalue(r2, 0, 0), "0") != 0) {
			rc = err_set(err, KV_ECONFLICT,
			             "database %s is not empty: table %s holds rows; migrate copies"
			             " into an empty database only (nothing was written)",
			             shown, name);
			goto out;
		}
	}
out:
	PQclear(r2);
	PQclear(res);
	PQfinish(c);
	return rc;
}

static int add_skipped(struct migrate_db_report *r, const char *name, struct err *err)
{
	char **p = realloc(r->skipped, (r->n_skipped + 1) * sizeof(*p));

	if (!p)
		return err_set(err, KV_ENOMEM, "out of memory");
	r->skipped = p;
	r->skipped[r->n_skipped] = strdup(name);
	if (!r->skipped[r->n_skipped])
		return err_set(err, KV_ENOMEM, "out of memory");
	r->n_skipped++;
	return KV_OK;
}

/* The columns (PRAGMA table_info: the stored ones, not the generated),
 * the primary key and the tables it refers to. */
static int table_read(struct run *run, struct table *t, struct err *err)
{
	struct store_stmt *st = NULL;
	char sql[256];
	char *pk[16] = {0};
	int rc, n_pk = 0;

	t->key_col = -1;
	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", t->name);
	rc = store_prepare(run->src, &st, sql, err);
	while (!rc && (rc = store_step(st, err)) == 1) {
		const char *name = store_col_text(st, 1), *type = store_col_text(st, 2);
		int64_t key = store_col_int(st, 5);
		struct col *p = realloc(t->cols, (size_t)(t->n_cols + 1) * sizeof(*p));

		if (!p) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		t->cols = p;
		if (!name || !plain_name(name)) {
			rc = err_set(err, KV_EINVAL,
			             "table %s: column '%s' has a name migrate cannot copy",
			             t->name, name ? name : "");
			break;
		}
		p[t->n_cols].name = strdup(name);
		p[t->n_cols].kind = COL_PLAIN;
		if (type && strcasestr(type, "BLOB"))
			p[t->n_cols].kind = COL_BLOB;
		else if (type && (strcasestr(type, "REAL") || strcasestr(type, "FLOA") ||
		                  strcasestr(type, "DOUB")))
			p[t->n_cols].kind = COL_REAL;
		if (!p[t->n_cols].name) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		if (key > 0 && key <= 16)
			pk[key - 1] = p[t->n_cols].name;
		if (key == 1 && type && strcasecmp(type, "INTEGER") == 0)
			t->key_col = t->n_cols;
		n_pk = key > n_pk ? (int)key : n_pk;
		t->n_cols++;
		rc = 0;
	}
	store_stmt_free(st);
	st = NULL;
	if (rc < 0)
		return rc;
	if (t->n_cols == 0)
		return err_set(err, KV_EINVAL, "table %s: no columns", t->name);
	if (n_pk != 1)
		t->key_col = -1;
	if (n_pk > 0 && n_pk <= 16) {
		struct buf b;

		buf_init(&b, 4096);
		for (int i = 0; i < n_pk && !rc; i++)
			rc = buf_printf(&b, "%s%s", i ? ", " : "", pk[i] ? pk[i] : "rowid");
		if (rc) {
			buf_done(&b);
			return err_set(err, KV_ENOMEM, "out of memory");
		}
		t->pk = buf_detach(&b);
	}
	snprintf(sql, sizeof(sql), "PRAGMA foreign_key_list(%s)", t->name);
	rc = store_prepare(run->src, &st, sql, err);
	while (!rc && (rc = store_step(st, err)) == 1) {
		const char *ref = store_col_text(st, 2);
		char **p;

		rc = 0;
		if (!ref || strcmp(ref, t->name) == 0)
			continue; /* a row referring to its own table: rows go in key order */
		p = realloc(t->deps, (size_t)(t->n_deps + 1) * sizeof(*p));
		if (!p || !(p[t->n_deps] = strdup(ref))) {
			if (p)
				t->deps = p;
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		t->deps = p;
		t->n_deps++;
	}
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

/* The source's tables: the SQLite-only ones (the search index and its
 * shadow tables, SQLite's own) noted as skipped; schema_migrations is the
 * target's own. */
static int tables_list(struct run *run, struct err *err)
{
	struct store_stmt *st = NULL;
	char *virt[16] = {0};
	int n_virt = 0, rc;

	rc = store_prepare(run->src, &st,
	                   "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
	                   " ORDER BY sql NOT LIKE 'CREATE VIRTUAL%', name",
	                   err);
	while (!rc && (rc = store_step(st, err)) == 1) {
		const char *name = store_col_text(st, 0), *sql = store_col_text(st, 1);
		int skip = 0;
		struct table *p;

		rc = 0;
		if (!name || strcmp(name, "schema_migrations") == 0)
			continue;
		if (sql && strncasecmp(sql, "CREATE VIRTUAL", 14) == 0) {
			if (n_virt < 16)
				virt[n_virt++] = strdup(name);
			skip = 1;
		}
		for (int i = 0; i < n_virt && !skip; i++)
			if (virt[i] && strncmp(name, virt[i], strlen(virt[i])) == 0 &&
			    name[strlen(virt[i])] == '_')
				skip = 1;
		if (strncmp(name, "sqlite_", 7) == 0)
			skip = 1;
		if (skip) {
			rc = add_skipped(run->rep, name, err);
			if (rc)
				break;
			continue;
		}
		if (!plain_name(name)) {
			rc = err_set(err, KV_EINVAL, "table '%s' has a name migrate cannot copy",
			             name);
			break;
		}
		p = realloc(run->tables, (size_t)(run->n_tables + 1) * sizeof(*p));
		if (!p) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		run->tables = p;
		memset(&p[run->n_tables], 0, sizeof(*p));
		p[run->n_tables].name = strdup(name);
		p[run->n_tables].without_rowid = sql && strcasestr(sql, "WITHOUT ROWID") != NULL;
		if (!p[run->n_tables].name) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		run->n_tables++;
	}
	store_stmt_free(st);
	for (int i = 0; i < n_virt; i++)
		free(virt[i]);
	if (rc < 0)
		return rc;
	for (int i = 0; i < run->n_tables; i++) {
		rc = table_read(run, &run->tables[i], err);
		if (rc)
			return rc;
	}
	return KV_OK;
}

static int table_index(const struct run *run, const char *name)
{
	for (int i = 0; i < run->n_tables; i++)
		if (strcmp(run->tables[i].name, name) == 0)
			return i;
	return -1;
}

/* The tables in an order where each comes after those its foreign keys
 * name, into the report. */
static int tables_order(struct run *run, struct err *err)
{
	struct migrate_db_report *r = run->rep;

	r->tables = calloc((size_t)run->n_tables + 1, sizeof(*r->tables));
	if (!r->tables)
		return err_set(err, KV_ENOMEM, "out of memory");
	while ((int)r->n_tables < run->n_tables) {
		int progress = 0;

		for (int i = 0; i < run->n_tables; i++) {
			struct table *t = &run->tables[i];
			int ready = !t->placed;

			for (int d = 0; d < t->n_deps && ready; d++) {
				int j = table_index(run, t->deps[d]);

				ready = j < 0 || run->tables[j].placed;
			}
			if (!ready)
				continue;
			t->placed = (int)r->n_tables + 1;
			r->tables[r->n_tables].name = strdup(t->name);
			if (!r->tables[r->n_tables].name)
				return err_set(err, KV_ENOMEM, "out of memory");
			r->n_tables++;
			progress = 1;
		}
		if (!progress) {
			for (int i = 0; i < run->n_tables; i++)
				if (!run->tables[i].placed)
					return err_set(
					        err, KV_EINTERNAL,
					        "table %s: its foreign keys form a cycle migrate"
					        " cannot order",
					        run->tables[i].name);
		}
	}
	return KV_OK;
}

static struct table *by_name(struct run *run, const char *name)
{
	int i = table_index(run, name);

	return i < 0 ? NULL : &run->tables[i];
}

/* A REAL's text in one form on both sides: SQLite and PostgreSQL print
 * doubles each their own way. */
static const char *real_text(const char *v, char *out, size_t n)
{
	if (!v)
		return NULL;
	snprintf(out, n, "%.17g", strtod(v, NULL));
	return out;
}

/* The value of column c of st's row for the hash, in *val and *len. */
static void value_of(struct store_stmt *st, const struct col *col, int c, char *tmp, size_t ntmp,
                     const char **val, size_t *len)
{
	if (store_col_is_null(st, c)) {
		*val = NULL;
		*len = 0;
	} else if (col->kind == COL_BLOB) {
		*val = store_col_blob(st, c, len);
		if (!*val)
			*val = "";
	} else if (col->kind == COL_REAL) {
		*val = real_text(store_col_text(st, c), tmp, ntmp);
		*len = strlen(*val);
	} else {
		*val = store_col_text(st, c);
		*len = *val ? strlen(*val) : 0;
		if (!*val)
			*val = "";
	}
}

static int select_sql(struct run *run, const struct table *t, int source)
{
	int rc = 0;

	buf_clear(&run->sql);
	rc = buf_puts(&run->sql, "SELECT ");
	for (int i = 0; i < t->n_cols && !rc; i++) {
		const char *n = t->cols[i].name;

		if (source && t->cols[i].kind == COL_REAL)
			rc = buf_printf(
			        &run->sql,
			        "%sCASE WHEN %s IS NULL THEN NULL ELSE printf('%%.17g', %s) END",
			        i ? ", " : "", n, n);
		else
			rc = buf_printf(&run->sql, "%s%s", i ? ", " : "", n);
	}
	if (!rc)
		rc = buf_printf(&run->sql, " FROM %s", t->name);
	if (!rc && source && (t->pk || !t->without_rowid))
		rc = buf_printf(&run->sql, " ORDER BY %s", t->without_rowid ? t->pk : "rowid");
	return rc;
}

static int insert_sql(struct run *run, const struct table *t, int rows)
{
	int rc;

	buf_clear(&run->sql);
	rc = buf_printf(&run->sql, "INSERT INTO %s (", t->name);
	for (int i = 0; i < t->n_cols && !rc; i++)
		rc = buf_printf(&run->sql, "%s%s", i ? ", " : "", t->cols[i].name);
	if (!rc)
		rc = buf_puts(&run->sql, ") VALUES ");
	for (int r = 0; r < rows && !rc; r++) {
		rc = buf_puts(&run->sql, r ? ", (" : "(");
		for (int i = 0; i < t->n_cols && !rc; i++)
			rc = buf_puts(&run->sql, i ? ", ?" : "?");
		if (!rc)
			rc = buf_putc(&run->sql, ')');
	}
	return rc;
}

/* The rows of one batch, copied out of the source statement. */
struct batch {
	char **vals; /* rows * cols; NULL for SQL NULL */
	size_t *lens;
	int rows, cap, cols;
};

static void batch_clear(struct batch *b)
{
	for (int i = 0; i < b->cap * b->cols; i++) {
		free(b->vals[i]);
		b->vals[i] = NULL;
	}
	b->rows = 0;
}

/* Sends the batch as one INSERT (statements kept for the full size in
 * *full, the last, shorter one prepared for it). */
static int batch_send(struct run *run, const struct table *t, struct batch *b,
                      struct store_stmt **full, struct err *err)
{
	struct store_stmt *st = b->rows == b->cap ? *full : NULL, *own = NULL;
	int rc = KV_OK;

	if (b->rows == 0)
		return KV_OK;
	if (!st) {
		if (insert_sql(run, t, b->rows))
			return err_set(err, KV_ENOMEM, "out of memory");
		rc = store_prepare(run->dst, &own, buf_cstr(&run->sql), err);
		if (rc)
			return rc;
		st = own;
		if (b->rows == b->cap)
			*full = own, own = NULL;
	}
	for (int i = 0; i < b->rows * b->cols && !rc; i++) {
		const struct col *c = &t->cols[i % b->cols];

		if (!b->vals[i])
			rc = store_bind_null(st, i + 1);
		else if (c->kind == COL_BLOB)
			rc = store_bind_blob(st, i + 1, b->vals[i], b->lens[i]);
		else
			rc = store_bind_text(st, i + 1, b->vals[i]);
	}
	if (rc)
		rc = err_set(err, rc, "cannot bind a value");
	else
		rc = store_run(st, err);
	store_reset(st);
	store_stmt_free(own);
	batch_clear(b);
	return rc;
}

/* Copies one table in batches of multi-row INSERTs, hashing each row read. */
static int table_copy(struct run *run, const struct table *t, struct migrate_db_table *out,
                      struct err *err)
{
	struct store_stmt *sel = NULL, *ins = NULL;
	struct migrate_db_hash h;
	struct batch b = {0};
	const char **vals = calloc((size_t)t->n_cols, sizeof(*vals));
	size_t *lens = calloc((size_t)t->n_cols, sizeof(*lens));
	int rc;

	migrate_db_hash_init(&h);
	b.cols = t->n_cols;
	b.cap = BATCH_PARAMS / t->n_cols;
	if (b.cap > BATCH_ROWS)
		b.cap = BATCH_ROWS;
	if (b.cap < 1)
		b.cap = 1;
	b.vals = calloc((size_t)(b.cap * b.cols), sizeof(*b.vals));
	b.lens = calloc((size_t)(b.cap * b.cols), sizeof(*b.lens));
	if (!vals || !lens || !b.vals || !b.lens) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = select_sql(run, t, 1) ? err_set(err, KV_ENOMEM, "out of memory") : 0;
	if (!rc)
		rc = store_prepare(run->src, &sel, buf_cstr(&run->sql), err);
	while (!rc && (rc = store_step(sel, err)) == 1) {
		char tmp[64];

		rc = 0;
		for (int c = 0; c < t->n_cols && !rc; c++) {
			int i = b.rows * b.cols + c;
			const char *raw;

			value_of(sel, &t->cols[c], c, tmp, sizeof(tmp), &vals[c], &lens[c]);
			if (!vals[c])
				continue;
			/* A REAL goes over as SQLite printed it (17 digits), the
			 * hash takes the normalised form. */
			raw = t->cols[c].kind == COL_REAL ? store_col_text(sel, c) : vals[c];
			b.lens[i] = t->cols[c].kind == COL_REAL ? strlen(raw) : lens[c];
			b.vals[i] = malloc(b.lens[i] + 1);
			if (!b.vals[i]) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			memcpy(b.vals[i], raw, b.lens[i]);
			b.vals[i][b.lens[i]] = '\0';
		}
		if (!rc && migrate_db_hash_row(&h, vals, lens, t->n_cols))
			rc = err_set(err, KV_ENOMEM, "out of memory");
		if (rc)
			break;
		out->rows++;
		if (++b.rows == b.cap)
			rc = batch_send(run, t, &b, &ins, err);
	}
	if (!rc)
		rc = batch_send(run, t, &b, &ins, err);
	if (rc < 0) {
		err_prefix(err, "table %s: ", t->name);
		goto out;
	}
	migrate_db_hash_hex(&h, out->source_sha256);
	rc = KV_OK;
out:
	store_stmt_free(sel);
	store_stmt_free(ins);
	if (b.vals)
		batch_clear(&b);
	free(b.vals);
	free(b.lens);
	migrate_db_hash_done(&h);
	free(vals);
	free(lens);
	return rc;
}

/* Rows per read when the target is read back in key order. */
#define VERIFY_CHUNK 5000

/* Counts and hashes a table as the target holds it, alike. A table with a
 * one-column integer key is read in chunks along the key, so that a large
 * one is never held whole in memory. */
static int table_verify(struct run *run, const struct table *t, struct migrate_db_table *out,
                        struct err *err)
{
	struct store_stmt *st = NULL;
	struct migrate_db_hash h;
	const char **vals = calloc((size_t)t->n_cols, sizeof(*vals));
	size_t *lens = calloc((size_t)t->n_cols, sizeof(*lens));
	int64_t last = INT64_MIN, chunk;
	int rc;

	migrate_db_hash_init(&h);
	rc = !vals || !lens || select_sql(run, t, 0);
	if (!rc && t->key_col >= 0)
		rc = buf_printf(&run->sql, " WHERE %s > ? ORDER BY %s LIMIT %d",
		                t->cols[t->key_col].name, t->cols[t->key_col].name, VERIFY_CHUNK);
	if (rc) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = store_prepare(run->dst, &st, buf_cstr(&run->sql), err);
	if (rc)
		goto fail;
	do {
		chunk = 0;
		store_reset(st);
		if (t->key_col >= 0)
			store_bind_int(st, 1, last);
		while ((rc = store_step(st, err)) == 1) {
			char tmp[64];

			for (int c = 0; c < t->n_cols; c++)
				value_of(st, &t->cols[c], c, tmp, sizeof(tmp), &vals[c], &lens[c]);
			if (migrate_db_hash_row(&h, vals, lens, t->n_cols)) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			if (t->key_col >= 0)
				last = store_col_int(st, t->key_col);
			out->rows_after++;
			chunk++;
		}
		if (rc < 0)
			goto fail;
	} while (t->key_col >= 0 && chunk == VERIFY_CHUNK);
	migrate_db_hash_hex(&h, out->target_sha256);
	out->match =
	        out->rows_after == out->rows && strcmp(out->source_sha256, out->target_sha256) == 0;
	rc = KV_OK;
	goto out;
fail:
	err_prefix(err, "verifying table %s: ", t->name);
out:
	store_stmt_free(st);
	migrate_db_hash_done(&h);
	free(vals);
	free(lens);
	return rc;
}

/* Runs sql as it is on the target (PostgreSQL's own dialect, no
 * translation). */
static int pg_raw(struct run *run, const char *sql, struct err *err)
{
	char raw[1024];

	snprintf(raw, sizeof(raw), "-- postgresql\n%s", sql);
	return store_exec(run->dst, raw, err);
}

/* The user triggers (the schema's checks on insert) are off while rows that
 * passed them on the source go in, and on again in the same transaction. */
static int triggers(struct run *run, const char *state, struct err *err)
{
	int rc = KV_OK;

	for (int i = 0; i < run->n_tables && !rc; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "ALTER TABLE %s %s TRIGGER USER", run->tables[i].name,
		         state);
		rc = pg_raw(run, sql, err);
	}
	return rc;
}

/* A table whose rows refer to rows of the same table (unit.parent_id) is
 * copied in id order, which need not be the order its rows may be
 * inserted in: those constraints are deferred for the copy, checked at its
 * end (SET CONSTRAINTS ALL IMMEDIATE) and made as they were, all in the
 * transaction. defer 1 before the copy, 0 after; *names holds the
 * constraints between the two calls. */
static int self_refs(struct run *run, int defer, char ***names, int *n, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = KV_OK;

	if (defer) {
		rc = store_prepare(run->dst, &st,
		                   "SELECT cl.relname, co.conname FROM pg_constraint co"
		                   " JOIN pg_class cl ON cl.oid = co.conrelid"
		                   " JOIN pg_namespace ns ON ns.oid = cl.relnamespace"
		                   " WHERE co.contype = 'f' AND co.conrelid = co.confrelid"
		                   " AND NOT co.condeferrable AND ns.nspname = current_schema()",
		                   err);
		while (!rc && (rc = store_step(st, err)) == 1) {
			char **p = realloc(*names, (size_t)(*n + 2) * sizeof(**names));

			rc = 0;
			if (!p) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				break;
			}
			*names = p;
			p[*n] = strdup(store_col_text(st, 0));
			p[*n + 1] = strdup(store_col_text(st, 1));
			*n += 2;
			if (!p[*n - 2] || !p[*n - 1])
				rc = err_set(err, KV_ENOMEM, "out of memory");
		}
		store_stmt_free(st);
		if (rc < 0)
			return rc;
		rc = KV_OK;
	} else if (*n > 0) {
		rc = pg_raw(run, "SET CONSTRAINTS ALL IMMEDIATE", err);
		if (rc)
			return err_prefix(
			        err, "a row refers to one of its own table that is not there: ");
	}
	for (int i = 0; i + 1 < *n && !rc; i += 2) {
		char sql[512];

		if (!plain_name((*names)[i]) || !plain_name((*names)[i + 1]))
			continue;
		snprintf(sql, sizeof(sql), "ALTER TABLE %s ALTER CONSTRAINT %s %s", (*names)[i],
		         (*names)[i + 1],
		         defer ? "DEFERRABLE INITIALLY DEFERRED" : "NOT DEFERRABLE");
		rc = pg_raw(run, sql, err);
	}
	return rc;
}

/* Each identity column continues after the highest id copied. */
static int identities(struct run *run, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(run->dst, &st,
	                       "SELECT table_name, column_name FROM information_schema.columns"
	                       " WHERE table_schema = current_schema() AND is_identity = 'YES'",
	                       err);
	char **names = NULL;
	int n = 0;

	while (!rc && (rc = store_step(st, err)) == 1) {
		char **p = realloc(names, (size_t)(n + 2) * sizeof(*names));

		rc = 0;
		if (!p) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		names = p;
		names[n] = strdup(store_col_text(st, 0));
		names[n + 1] = strdup(store_col_text(st, 1));
		n += 2;
		if (!names[n - 2] || !names[n - 1])
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
	store_stmt_free(st);
	for (int i = 0; i + 1 < n && rc >= 0; i += 2) {
		if (!plain_name(names[i]) || !plain_name(names[i + 1]))
			continue;
		char sql[512];

		snprintf(sql, sizeof(sql),
		         "SELECT setval(pg_get_serial_sequence('%s', '%s'),"
		         " COALESCE(MAX(%s), 0) + 1, false) FROM %s",
		         names[i], names[i + 1], names[i + 1], names[i]);
		rc = pg_raw(run, sql, err);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? rc : KV_OK;
}

/* Inside the target's transaction, once more: every table empty (another
 * writer may have come between the first look and now). */
static int target_empty(struct run *run, const char *shown, struct err *err)
{
	for (int i = 0; i < run->n_tables; i++) {
		char sql[256];
		int64_t n = 0;
		int rc;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) x",
		         run->tables[i].name);
		rc = store_query_int(run->dst, &n, err, sql, 0, NULL);
		if (rc)
			return err_prefix(err, "database %s: table %s: ", shown,
			                  run->tables[i].name);
		if (n)
			return err_set(
			        err, KV_ECONFLICT,
			        "database %s is not empty: table %s holds rows; migrate copies"
			        " into an empty database only (nothing was written)",
			        shown, run->tables[i].name);
	}
	return KV_OK;
}

static int audit_migrate(struct run *run, const char *actor, struct err *err)
{
	struct migrate_db_report *r = run->rep;
	json_t *after = json_object(), *tables = json_object(), *skipped = json_array();

	for (size_t i = 0; i < r->n_tables; i++)
		json_object_set_new(tables, r->tables[i].name,
		                    json_pack("{s:I,s:s}", "rows", (json_int_t)r->tables[i].rows,
		                              "sha256", r->tables[i].source_sha256));
	for (size_t i = 0; i < r->n_skipped; i++)
		json_array_append_new(skipped, json_string(r->skipped[i]));
	json_object_set_new(after, "source", json_string(r->source));
	json_object_set_new(after, "schema_version", json_integer(r->schema_version));
	json_object_set_new(after, "rows", json_integer(r->rows));
	json_object_set_new(after, "tables", tables);
	json_object_set_new(after, "skipped", skipped);
	return audit_append_json(run->dst, 0, actor, "database.migrate", "database", 0, NULL, after,
	                         err);
}

static int copy_all(struct run *run, const char *actor, struct err *err)
{
	struct migrate_db_report *r = run->rep;
	struct audit_report ar = {0};
	const char *tamper;
	char **deferred = NULL;
	int rc, all = 1, n_deferred = 0;

	rc = target_empty(run, r->target, err);
	if (!rc)
		rc = triggers(run, "DISABLE", err);
	if (!rc)
		rc = self_refs(run, 1, &deferred, &n_deferred, err);
	for (size_t i = 0; i < r->n_tables && !rc; i++) {
		rc = table_copy(run, by_name(run, r->tables[i].name), &r->tables[i], err);
		r->rows += r->tables[i].rows;
	}
	if (!rc)
		rc = self_refs(run, 0, &deferred, &n_deferred, err);
	if (!rc)
		rc = triggers(run, "ENABLE", err);
	if (!rc)
		rc = identities(run, err);
		/* For the tests only (compiled in with KV_FAULT_INJECTION, never in a
		 * Release build): SQL run on the target between the copy and its
		 * verification, to show that a difference is caught. */
#ifdef KV_FAULT_INJECTION
	tamper = getenv("KANALVAKT_TEST_MIGRATE_SQL");
#else
	tamper = NULL;
#endif
	if (!rc && tamper && *tamper) {
		struct buf b;

		buf_init(&b, 0);
		rc = buf_printf(&b, "-- postgresql\n%s", tamper);
		if (!rc)
			rc = store_exec(run->dst, buf_cstr(&b), err);
		buf_done(&b);
	}
	for (size_t i = 0; i < r->n_tables && !rc; i++) {
		rc = table_verify(run, by_name(run, r->tables[i].name), &r->tables[i], err);
		all = all && r->tables[i].match;
	}
	if (!rc)
		rc = audit_verify(run->dst, &ar, err);
	if (!rc) {
		r->audit_checked = ar.checked;
		r->audit_problems = ar.n_problems;
	}
	audit_report_done(&ar);
	if (!rc && all && r->audit_problems == 0) {
		rc = audit_migrate(run, actor, err);
		if (!rc)
			r->committed = 1;
	}
	for (int i = 0; i < n_deferred; i++)
		free(deferred[i]);
	free(deferred);
	return rc;
}

int migrate_db_run(const char *data_dir, const char *url, const char *actor,
                   struct migrate_db_report *out, struct err *err)
{
	struct run run = {0};
	char path[4096], shown[1024];
	struct stat sb;
	int rc, src_tx = 0, dst_tx = 0;

	memset(out, 0, sizeof(*out));
	run.rep = out;
	buf_init(&run.sql, 0);
	if (!store_database_is_pg(url)) {
		rc = err_set(
		        err, KV_EINVAL,
		        "--to '%.40s': not a PostgreSQL URL (postgresql://USER:PASSWORD@HOST/DB)",
		        url ? url : "");
		goto out;
	}
	migrate_db_redact(url, shown, sizeof(shown));
	snprintf(path, sizeof(path), "%s/kanalvakt.db", data_dir);
	out->source = strdup(path);
	out->target = strdup(shown);
	if (!out->source || !out->target) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = err_set(err, KV_ENOTFOUND,
		             "%s holds no SQLite database to move (no %s; check --data-dir)",
		             data_dir, path);
		goto out;
	}
	rc = open_with(&run.src, data_dir, NULL, err);
	if (rc)
		goto out;
	/* Writers are kept out for the whole copy, and a writer at work now is
	 * refused at once rather than waited for: what it writes after the
	 * copy's point in time would not be in the copy. */
	rc = store_exec(run.src, "PRAGMA busy_timeout = 0", err);
	if (!rc)
		rc = store_exec(run.src, "BEGIN IMMEDIATE", err);
	if (rc && err && strstr(err->msg, "locked"))
		rc = err_set(err, KV_ECONFLICT,
		             "%s is being written by another process (stop kanalvakt serve and"
		             " any import first; nothing was written)",
		             path);
	if (rc)
		goto out;
	src_tx = 1;
	out->schema_version = store_schema_version(run.src);
	rc = precheck(url, shown, out->schema_version, err);
	if (!rc)
		rc = open_with(&run.dst, data_dir, url, err);
	if (rc)
		goto out;
	if (store_schema_version(run.dst) != out->schema_version) {
		rc = err_set(
		        err, KV_ECONFLICT,
		        "database %s: schema version %d, the source's is %d (nothing was written)",
		        shown, store_schema_version(run.dst), out->schema_version);
		goto out;
	}
	rc = tables_list(&run, err);
	if (!rc)
		rc = tables_order(&run, err);
	if (!rc)
		rc = store_begin(run.dst, err);
	if (rc)
		goto out;
	dst_tx = 1;
	rc = copy_all(&run, actor, err);
	if (!rc && out->committed) {
		dst_tx = 0;
		rc = store_commit(run.dst, err);
		if (rc)
			out->committed = 0;
	}
out:
	if (dst_tx)
		store_rollback(run.dst);
	if (src_tx)
		store_exec(run.src, "ROLLBACK", NULL);
	store_free(run.dst);
	store_free(run.src);
	for (int i = 0; i < run.n_tables; i++)
		table_done(&run.tables[i]);
	free(run.tables);
	buf_done(&run.sql);
	return rc;
}
