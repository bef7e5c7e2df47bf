/* Culling (gallring) by the retention plan: which class each item, media
 * file, webhook delivery and log row is in, whether its rule lets it go at a
 * given date, and what keeps it (a hold, an action it led to, an e-archive
 * delivery still missing); then the deletes, in batches of one transaction
 * each, and the gallringsprotokoll of every run (docs/records.md).
 * Not the plan's format (records/retention) nor holds (records/holds). */
#ifndef KV_RECORDS_CULL_H
#define KV_RECORDS_CULL_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "records/retention.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What the run decided for one item of cull_opts.only (see there). */
struct cull_item_verdict {
	int64_t item_id;
	int go;  /* 1: removed (in a dry run: would be) */
	int why; /* enum cull_keep when not go */
	int cls; /* enum records_class */
	const struct retention_rule *rule;
};
typedef int (*cull_verdict_fn)(void *ctx, const struct cull_item_verdict *v);

struct cull_opts {
	int64_t as_of;    /* the instant the rules are applied at; 0 = op->now */
	int dry_run;      /* report only */
	int64_t batch;    /* records per batch (transaction); 0 = 1000 */
	int64_t pause_ms; /* wait between batches, to spare a busy server */
	/* A run limited to these items (sorted ascending; an erasure under the
	 * GDPR): only they are classified and, where the plan lets them go,
	 * removed, under the same rules and with the same protokoll; media,
	 * webhook deliveries and logs are left to the next full run. verdict,
	 * when set, is told what became of each of them. */
	const int64_t *only;
	size_t n_only;
	cull_verdict_fn verdict;
	void *verdict_ctx;
};

/* Why records of a class on an account stay. */
enum cull_keep {
	KEEP_RULE = 0,     /* the plan keeps the class (bevaras, or not in the plan) */
	KEEP_NOT_DUE,      /* the period has not run out, or the account is not closed */
	KEEP_HOLD,         /* under an active hold */
	KEEP_ACTION,       /* led to an action: a case or a question being handled */
	KEEP_NOT_ARCHIVED, /* must be archived first and is in no delivered package */
	KEEP_COUNT
};
const char *cull_keep_name(enum cull_keep k);

/* What the run found for one class on one account. */
struct cull_line {
	enum records_class cls;
	int64_t account_id; /* 0 for organisation-wide classes */
	char account[200];  /* "facebook/exempelbykommun" or "-" */
	struct retention_rule rule;
	int64_t cutoff; /* RETAIN_AFTER: records older than this go */
	int64_t go;     /* removed (or, in a dry run, would go) */
	int64_t blobs;  /* blob files freed with them */
	int64_t keep[KEEP_COUNT];
};

struct cull_report {
	int64_t run_id; /* 0 in a dry run */
	int64_t plan_version;
	int64_t as_of;
	int64_t batches;
	int64_t removed;     /* records removed (items, media, deliveries, log rows) */
	int64_t versions;    /* item versions removed */
	int64_t fts;         /* full-text entries removed */
	int64_t bytes;       /* blob bytes reclaimed */
	int64_t interrupted; /* earlier runs found cut short and closed */
	char list_sha256[65];
	size_t n_lines;
	struct cull_line *lines; /* owned; cull_report_done */
};
void cull_report_done(struct cull_report *r);

/* The instant `months` calendar months before t in Swedish local time (the
 * day clamped to the month's last); 0 when that is before the calendar's
 * range. What "older than N months" means for every culling rule. */
int64_t cull_months_before(int64_t t, int months);

/* Runs the culling under the newest plan. A dry run changes nothing. A real
 * run first closes any run cut short (a kill -9: its list is what its
 * committed batches removed; files whose unlink it missed are removed now),
 * refuses to start while another is running (KV_ECONFLICT), then removes
 * batch by batch and writes the protokoll. Needs PERM_RECORDS. */
int cull_run(const struct op_ctx *op, const struct cull_opts *o, struct cull_report *out,
             struct err *err);

/* The runs, oldest first: id, state, as_of, who, started, finished, records
 * removed, list hash. */
struct cull_run_info {
	int64_t id;
	const char *state;
	int64_t plan_version;
	int64_t as_of;
	const char *actor;
	int64_t started_at;
	int64_t finished_at;
	int64_t removed;
	const char *list_sha256;
};
typedef int (*cull_run_info_fn)(void *ctx, const struct cull_run_info *r);
/* A run as JSON (new reference): the view of `cull list --json` and the API. */
json_t *cull_run_json(const struct cull_run_info *r);
int cull_list(const struct op_ctx *op, cull_run_info_fn fn, void *ctx, struct err *err);

/* The gallringsprotokoll of run id as JSON (docs/records.md), *out owned by
 * the caller (free()). For a run still going (or cut short and not yet
 * closed) it is made from what its committed batches removed so far. */
int cull_protokoll(const struct op_ctx *op, int64_t id, char **out, struct err *err);

/* The blob hash of run id's protokoll as PDF/A-1b (written when the run is
 * closed), into sha. KV_ENOTFOUND while the run is not closed. */
int cull_protokoll_pdf(const struct op_ctx *op, int64_t id, char sha[65], struct err *err);

/* The sorted list of what run id removed, one entry per call. */
typedef int (*cull_list_entry_fn)(void *ctx, const char *entry);
int cull_removed_list(const struct op_ctx *op, int64_t id, cull_list_entry_fn fn, void *ctx,
                      struct err *err);

#endif
