/* SQL for the records layer's registers: the snapshots taken of each account
 * (periodiskt uttag) and the disclosures handed out (utlämnande). Plain
 * reads and writes in the caller's transaction; the rules, the files and the
 * audit entries are in records/. */
#ifndef KV_STORE_RECORDS_ROWS_H
#define KV_STORE_RECORDS_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

struct snapshot_row {
	int64_t id;
	int64_t account_id;
	const char *account_handle;
	const char *as_of;  /* YYYY-MM-DD */
	const char *reason; /* "manual", "scheduled", "final" */
	const char *file_name;
	const char *path;
	const char *sha256;
	int64_t bytes, pages, items;
	const char *taken_by;
	int64_t taken_at;
};

/* Inserts a snapshot (id ignored); *out_id gets the new id. KV_EIO. */
int records_row_snapshot_add(struct store *s, int64_t org, const struct snapshot_row *r,
                             int64_t *out_id, struct err *err);

/* 1 in *out when account has a snapshot as of day (any reason), else 0. */
int records_row_snapshot_exists(struct store *s, int64_t account, const char *day, int *out,
                                struct err *err);

typedef int (*records_row_snapshot_fn)(void *ctx, const struct snapshot_row *r);

/* Snapshots of org (account 0: all accounts), newest first; rows borrowed
 * for the call; a non-zero return from fn stops and is returned. */
int records_row_snapshot_each(struct store *s, int64_t org, int64_t account,
                              records_row_snapshot_fn fn, void *ctx, struct err *err);

struct disclosure_row {
	int64_t id;
	int64_t account_id;
	const char *account_handle;
	const char *ref;       /* the request's reference (diarienummer) */
	const char *requester; /* free text, may be "anonym" */
	const char *selection; /* JSON: the filter used */
	int64_t items;
	const char *masks; /* JSON: [{kind, reason, count}] */
	const char *out_dir;
	const char *files; /* JSON: [{name, sha256, bytes}] */
	const char *manifest_sha256;
	const char *disclosed_by;
	int64_t disclosed_at;
};

int records_row_disclosure_add(struct store *s, int64_t org, const struct disclosure_row *r,
                               int64_t *out_id, struct err *err);

typedef int (*records_row_disclosure_fn)(void *ctx, const struct disclosure_row *r);

/* Disclosures of org, newest first (rows borrowed for the call). */
int records_row_disclosure_each(struct store *s, int64_t org, records_row_disclosure_fn fn,
                                void *ctx, struct err *err);

#endif
