/* Moving a data directory's SQLite database into an empty PostgreSQL
 * database (`kanalvakt migrate`): every table copied in foreign-key order
 * inside one PostgreSQL transaction, then verified (row counts, a content
 * hash per table computed alike from the rows read on both sides, the audit
 * chain) and committed only when all agree. Not a sync: the target must be
 * empty. The blobs stay in the data directory. */
#ifndef KV_STORE_MIGRATE_DB_H
#define KV_STORE_MIGRATE_DB_H

#include "base/err.h"
#include "base/hash.h"

#include <stddef.h>
#include <stdint.h>

/* The content hash of one table: SHA-256 over the sorted SHA-256 digests of
 * its rows, each row the sequence of its values (a NULL marker, or the
 * length and the bytes of the value's text form). Independent of the order
 * the engines return rows in and of their collations. */
struct migrate_db_hash {
	uint8_t (*rows)[HASH_SHA256_LEN]; /* owned */
	int64_t n, cap;
};

/* Prepares an empty hash. */
void migrate_db_hash_init(struct migrate_db_hash *h);
/* Adds one row of n values: vals[i] NULL for SQL NULL, else lens[i] bytes.
 * KV_ENOMEM when the digest list cannot grow. */
int migrate_db_hash_row(struct migrate_db_hash *h, const char *const *vals, const size_t *lens,
                        int n);
/* The hash as hex (65 bytes with the NUL); the rows are sorted in place. */
void migrate_db_hash_hex(struct migrate_db_hash *h, char out[HASH_SHA256_HEX_LEN + 1]);
void migrate_db_hash_done(struct migrate_db_hash *h);

struct migrate_db_table {
	char *name;         /* owned */
	int64_t rows;       /* read from the source and copied */
	int64_t rows_after; /* counted on the target after the copy */
	char source_sha256[HASH_SHA256_HEX_LEN + 1];
	char target_sha256[HASH_SHA256_HEX_LEN + 1];
	int match; /* 1 when count and hash agree */
};

struct migrate_db_report {
	char *source; /* the SQLite database's path (owned) */
	char *target; /* the URL, password masked (owned) */
	int schema_version;
	struct migrate_db_table *tables; /* in copy order (owned) */
	size_t n_tables;
	char **skipped; /* SQLite-only tables not copied (owned) */
	size_t n_skipped;
	int64_t rows;          /* total rows copied */
	int64_t audit_checked; /* audit entries verified on the target */
	size_t audit_problems; /* problems the target's audit chain showed */
	int committed;         /* 1 when the copy was verified and committed */
};

/* Copies the SQLite database of data_dir into the PostgreSQL database at
 * url (created through store_open, so its schema is the same migration
 * list), verifies it and, when every table and the audit chain agree,
 * audits `database.migrate` as actor in the target and commits. Returns
 * KV_OK when the copy ran: out->committed says whether it was verified
 * and kept (when not, a table's match is 0 or audit_problems is not zero,
 * and nothing was left in the target). Errors, with nothing written to the
 * target: KV_ENOTFOUND when data_dir holds no SQLite database; KV_ECONFLICT
 * when the target holds rows (the message names the table) or its schema
 * version differs; KV_EINVAL for a URL that is not PostgreSQL's or a row
 * the target refuses (naming the table); KV_EDENIED for a wrong password;
 * KV_EIO when the target does not connect. The process-wide database
 * (store_set_database) is left as it was. *out is filled in either case;
 * free with migrate_db_report_done. */
int migrate_db_run(const char *data_dir, const char *url, const char *actor,
                   struct migrate_db_report *out, struct err *err);
void migrate_db_report_done(struct migrate_db_report *r);

/* url with its password masked ("postgresql://u:***@host/db") into out. */
void migrate_db_redact(const char *url, char *out, size_t n);

#endif
