/* Persistence of culling (gallring): the facts about each item, media file,
 * webhook delivery and log row that records/cull classifies, the deletes of
 * one batch, the culling runs and the list of what each removed (the
 * gallringsprotokoll's ground truth). Rows in, rows out, in the caller's
 * transaction; deciding what may go is records/cull. */
#ifndef KV_STORE_CULL_ROWS_H
#define KV_STORE_CULL_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* An item and what the culling needs to know about it. Strings borrowed for
 * the call. */
struct cull_item_row {
	int64_t id;
	int64_t account_id;
	const char *platform_id;
	const char *root;      /* its thread root's platform id (its own for a root) */
	const char *kind;      /* post, comment, reply, message, media */
	const char *direction; /* inkommen, upprattad */
	int64_t at;            /* created_at, else captured_at */
	int64_t case_id;       /* 0 = none */
	const char *case_state;
	const char *case_categories;
	int case_registered;        /* the case has a registration number or external reference */
	const char *question_state; /* NULL = not a question */
	const char *screened;       /* screening categories; NULL = never screened */
};
typedef int (*cull_item_fn)(void *ctx, const struct cull_item_row *r);
/* Items of org with id > after, in id order, at most limit. */
int cull_rows_items(struct store *s, int64_t org, int64_t after, int64_t limit, cull_item_fn fn,
                    void *ctx, struct err *err);

/* A fetched media file and its item's facts. */
struct cull_media_row {
	int64_t id;
	int64_t fetched_at;
	const char *sha256;
	int64_t bytes;
	struct cull_item_row item;
};
typedef int (*cull_media_fn)(void *ctx, const struct cull_media_row *m);
/* Fetched media (sha256 set) of org's items, item_media.id > after, in id
 * order, at most limit. */
int cull_rows_media(struct store *s, int64_t org, int64_t after, int64_t limit, cull_media_fn fn,
                    void *ctx, struct err *err);

/* A webhook delivery done with (or a sent mail, an acknowledged alert). */
struct cull_row_plain {
	int64_t id;
	int64_t at;
	const char *key; /* the delivery's SHA-256, the mail's or alert's dedup key */
	int64_t bytes;
};
typedef int (*cull_plain_fn)(void *ctx, const struct cull_row_plain *r);
enum cull_plain_kind {
	CULL_WEBHOOK = 0, /* webhook_delivery with status done */
	CULL_MAIL,        /* mail_outbox rows sent */
	CULL_ALERT,       /* alerts acknowledged */
};
int cull_rows_plain(struct store *s, int64_t org, enum cull_plain_kind kind, int64_t after,
                    int64_t limit, cull_plain_fn fn, void *ctx, struct err *err);
int cull_rows_plain_delete(struct store *s, enum cull_plain_kind kind, int64_t id, struct err *err);

/* What one batch of item deletes removed. */
struct cull_rows_deleted {
	int64_t items;
	int64_t versions; /* every version, the first included */
	int64_t events;
	int64_t fts;   /* full-text index entries */
	int64_t media; /* item_media rows */
	int64_t cases; /* mod_case rows (culled spam and 4.4 content) */
	int64_t questions;
};
/* Deletes items ids[0..n) with their versions, events, screening, flags,
 * media rows, question and case rows, and their full-text entries; a
 * question answered by one of them keeps its times, its answer_item_id is
 * cleared. Before deleting, calls blob(ctx, sha) for every media and
 * evidence blob they referenced (so the caller can drop what is then
 * unreferenced). Adds the counts to *out. */
typedef int (*cull_blob_fn)(void *ctx, int64_t item_id, const char *sha);
int cull_rows_delete_items(struct store *s, const int64_t *ids, size_t n, cull_blob_fn blob,
                           void *ctx, struct cull_rows_deleted *out, struct err *err);
int cull_rows_media_delete(struct store *s, int64_t media_id, struct err *err);

/* 1 when something still refers to blob sha (a media row, an account's
 * profile picture, a case's evidence, a protokoll of either culling, a
 * consent's signed form, a draft's media), 0 when not. */
int cull_rows_blob_referenced(struct store *s, const char *sha, struct err *err);

/* Culling runs. */
struct cull_run_row {
	int64_t id;
	int64_t plan_id;
	int64_t plan_version;
	int64_t as_of;
	int dry_run;
	const char *actor;
	int64_t pid;
	int64_t started_at;
	int64_t finished_at;
	const char *state; /* running, done, interrupted */
	int64_t batches;
	int64_t versions;
	int64_t fts;
	int64_t bytes;
	const char *list_sha256;
	const char *protokoll;
	const char *protokoll_sha256;
	const char *protokoll_pdf_sha256; /* the PDF/A-1b rendering, a blob */
};
int cull_rows_run_insert(struct store *s, int64_t org, const struct cull_run_row *r,
                         int64_t *out_id, struct err *err);
/* Adds one committed batch's figures to run id. */
int cull_rows_run_add(struct store *s, int64_t id, int64_t versions, int64_t fts, int64_t bytes,
                      struct err *err);
int cull_rows_run_finish(struct store *s, int64_t id, const char *state, int64_t finished_at,
                         const char *list_sha256, const char *protokoll,
                         const char *protokoll_sha256, const char *pdf_sha256, struct err *err);
typedef int (*cull_run_fn)(void *ctx, const struct cull_run_row *r);
/* Run id of org (KV_ENOTFOUND "culling run N does not exist"), or all runs
 * (id 0), oldest first; running_only for the runs not finished. */
int cull_rows_runs(struct store *s, int64_t org, int64_t id, int running_only, cull_run_fn fn,
                   void *ctx, struct err *err);

/* One line of what a run removed: class, account ("platform/handle" or
 * "-"), what ("item", "blob", "webhook", "mail", "alert", "media") and its
 * key, and the plan line that allowed it. */
int cull_rows_removed_insert(struct store *s, int64_t run, int64_t batch, const char *class_name,
                             int64_t account_id, const char *what, const char *entry,
                             int64_t rule_line, struct err *err);
typedef int (*cull_entry_fn)(void *ctx, const char *entry);
/* What run removed, sorted bytewise by entry. */
int cull_rows_removed_each(struct store *s, int64_t run, cull_entry_fn fn, void *ctx,
                           struct err *err);
/* Blob entries of run ("blob" lines), for finishing unlinks a crash cut short. */
int cull_rows_removed_blobs(struct store *s, int64_t run, cull_entry_fn fn, void *ctx,
                            struct err *err);
typedef int (*cull_count_fn)(void *ctx, const char *class_name, int64_t account_id,
                             int64_t rule_line, const char *what, int64_t n);
/* What run removed, counted per class, account, plan line and kind. */
int cull_rows_removed_counts(struct store *s, int64_t run, cull_count_fn fn, void *ctx,
                             struct err *err);

#endif
