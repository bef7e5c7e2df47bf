/* The periodic snapshot (periodiskt uttag): an account rendered as it looked
 * on a date from what was captured (the register's header, then posts newest
 * first with their images, comments and replies in the order written), as
 * PDF/A-1b named "<Plattform> <Verksamhet> <ÅÅÅÅ-MM-DD> periodiskt
 * uttag.pdf"; recorded in the snapshot register and audited. Also which
 * snapshots are due (the configured dates, default 30 June and 31
 * December, and the final one of a closed account) and taking them, which
 * serve's periodic pass does. Not a live screenshot. */
#ifndef KV_RECORDS_RECORDS_SNAPSHOT_H
#define KV_RECORDS_RECORDS_SNAPSHOT_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/records_rows.h"

#include <jansson.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct config;

#define SNAPSHOT_DATES_MAX 12

/* When and where snapshots are taken by themselves. */
struct snapshot_settings {
	int n_dates;
	int month[SNAPSHOT_DATES_MAX], day[SNAPSHOT_DATES_MAX]; /* e.g. 6/30, 12/31 */
	char out_dir[PATH_MAX];  /* serve writes <out_dir>/<handle>/<file> */
	char font[128];          /* "" = PDFA_DEFAULT_FONT */
	int screenshot;          /* [records] screenshot: a picture of the live page too */
	char chromium[PATH_MAX]; /* [records] chromium, default /usr/bin/chromium */
};

/* Reads [records] snapshot_dates ("06-30,12-31", the default), snapshot_dir
 * (default <data_dir>/snapshots), font, screenshot (yes/no, default no) and
 * chromium from cfg (may be NULL). KV_EINVAL naming the key and the value
 * that is wrong. */
int records_snapshot_settings(const struct config *cfg, const char *data_dir,
                              struct snapshot_settings *out, struct err *err);

struct snapshot_result {
	int64_t id; /* in the snapshot register */
	char path[PATH_MAX];
	char file_name[512];
	char day[11];
	char sha256[65];
	int64_t bytes;
	int pages;
	int64_t items;
};

/* Takes the snapshot of account (id) as of day ("YYYY-MM-DD"; NULL: today in
 * Stockholm) into out_dir (created when missing; its parent must exist).
 * reason is "manual", "scheduled" or "final". set gives the font and
 * whether a screenshot of the account's live page (its address in the
 * register) is taken for a snapshot of today; a page that cannot be shot is
 * said so in the PDF and does not stop the snapshot. set NULL: the defaults.
 * Needs PERM_RECORDS on the account. Errors: KV_EINVAL (bad day, a day
 * after today), KV_ENOTFOUND (no such account, font missing), KV_ECONFLICT
 * (the file exists), KV_EDENIED, KV_EIO. Nothing is recorded unless the
 * file is whole; a failed record removes the file again. */
int records_snapshot_take(const struct op_ctx *op, int64_t account, const char *day,
                          const char *out_dir, const char *reason,
                          const struct snapshot_settings *set, struct snapshot_result *out,
                          struct err *err);

/* The file name for an account's snapshot as of day (no directory). */
int records_snapshot_file_name(const struct op_ctx *op, int64_t account, const char *day, char *out,
                               size_t cap, struct err *err);

/* The printout of account's records created in [from, to) (Unix seconds;
 * from 0: from the start, to 0: until now) as PDF/A-1b at path (must not
 * exist): the register's header, then every record (private messages too)
 * in time order, each thread's replies under what they answer, with
 * versions, states and images. For the e-archive package (sip_opts.printout:
 * representations/rep1/data/printout.pdf). Needs PERM_RECORDS. Errors as
 * records_pdfa_write_pages; *n_pages may be NULL. */
int records_snapshot_printout(const struct op_ctx *op, int64_t account, int64_t from, int64_t to,
                              const char *path, const char *font, int *n_pages, struct err *err);

/* The timestamp an artefact has: state "stamped" or "pending" and the
 * TSA's time when stamped; state NULL when it was never sent for one. */
struct snapshot_stamp {
	const char *state;
	const char *gen_time;
};

/* Called per snapshot with its timestamp (borrowed for the call). */
typedef int (*records_snapshot_fn)(void *ctx, const struct snapshot_row *r,
                                   const struct snapshot_stamp *ts);

/* The snapshot register of op's organisation (account 0: every account),
 * newest first, each with the timestamp of its file. Needs PERM_RECORDS
 * (on the account when one is given). A non-zero return of fn stops the
 * walk and is returned. */
int records_snapshot_list(const struct op_ctx *op, int64_t account, records_snapshot_fn fn,
                          void *ctx, struct err *err);

/* A snapshot as JSON (new reference): the view `snapshot list --json` and
 * GET /api/v1/snapshots print. ts may be NULL (no timestamp). */
json_t *records_snapshot_json(const struct snapshot_row *r, const struct snapshot_stamp *ts);

struct snapshot_due {
	int64_t account_id;
	char handle[128];
	char day[11];
	const char *reason; /* "scheduled" or "final" */
};

/* The accounts of op's organisation that miss a snapshot: for an open
 * account (active or inactive) the latest configured date on or before
 * today (not before the account opened), for a closed one the day it closed.
 * *out is malloc'ed (free()), *n its length. Needs PERM_RECORDS. */
int records_snapshot_due(const struct op_ctx *op, const struct snapshot_settings *set,
                         struct snapshot_due **out, size_t *n, struct err *err);

/* What one due snapshot came to, for the caller's log. */
struct snapshot_event {
	const struct snapshot_due *due;
	const struct snapshot_result *result; /* NULL when it failed */
	const char *error;                    /* NULL when taken */
};
typedef void (*records_snapshot_event_fn)(void *ctx, const struct snapshot_event *ev);

/* Takes every due snapshot into set->out_dir/<handle>/. One that fails
 * raises an alert "snapshot.missed" (once per account and day) and is tried
 * again next time. *n_taken and *n_failed (may be NULL) count them.
 * KV_OK unless the due list cannot be read. */
int records_snapshot_run_due(const struct op_ctx *op, const struct snapshot_settings *set,
                             records_snapshot_event_fn fn, void *ctx, int *n_taken, int *n_failed,
                             struct err *err);

#endif
