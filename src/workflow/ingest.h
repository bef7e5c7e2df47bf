/* The use case "capture, then let the workflow see it" as one call for every
 * edge (`import`, `fetch`, the webhook worker, later the API): ingest_run()
 * captures each source the edge hands it (a file, an account's poll, or
 * the edge's own step such as a stored webhook delivery), each in its own
 * transactions, then runs the workflow once over what they added
 * (workflow_sync). A workflow failure after a committed capture is a
 * warning in the report, never a failure of the capture. Not the capture
 * itself (capture/import, capture/connector) and not the workflow's parts. */
#ifndef KV_WORKFLOW_INGEST_H
#define KV_WORKFLOW_INGEST_H

#include "base/err.h"
#include "capture/connector.h"
#include "capture/import.h"
#include "workflow/sync.h"

#include <stdint.h>

struct op_ctx;
struct capture_screener;

enum ingest_kind {
	INGEST_FILE, /* a file imported whole or not at all (capture_import_file) */
	INGEST_POLL, /* an account's platform API polled (connector_poll) */
	INGEST_STEP, /* the edge's own capture step (a stored webhook delivery) */
};

/* One source, as the edge describes it; every pointer is borrowed until the
 * source's done() has returned. */
struct ingest_source {
	enum ingest_kind kind;
	/* INGEST_FILE: the file and how to import it (org and actor are the
	 * operation's, whatever opts says). */
	const char *path;
	const struct import_opts *opts;
	/* INGEST_POLL: the account, its settings and the screener. */
	int64_t account_id;
	const struct connector_conf *conf;
	struct capture_screener *screener;
	/* INGEST_STEP: called once; returns KV_OK when it captured, or a KV_E*
	 * code with err set. */
	int (*step)(void *ctx, const struct op_ctx *op, struct err *err);
	void *step_ctx;
};

/* What capturing one source did. */
struct ingest_result {
	int rc;                       /* KV_OK, or why nothing of the source was captured */
	struct err err;               /* set when rc is not KV_OK */
	struct import_report import;  /* INGEST_FILE */
	struct connector_report poll; /* INGEST_POLL, filled even on failure */
};

/* The edge's side of a run. */
struct ingest_ops {
	/* Fills *src (zeroed before each call) with the next source and
	 * returns 1, or returns 0 when there are no more. */
	int (*next)(void *ctx, struct ingest_source *src);
	/* Told each source's result as soon as it is captured; may be NULL. */
	void (*done)(void *ctx, const struct ingest_source *src, const struct ingest_result *res);
	void *ctx;
};

struct ingest_report {
	int64_t sources; /* sources handed over */
	int64_t failed;  /* of those, how many captured nothing */
	struct workflow_sync_report sync;
	/* KV_OK, or the workflow's failure (sync_err names the part): a
	 * warning, what was captured stays. */
	int sync_rc;
	struct err sync_err;
};

/* Captures the sources ops->next hands over, one after the other, telling
 * ops->done each result, then runs the workflow once over op's organisation
 * (even when every source failed: items stored before, whose workflow
 * failed then, are seen now). Each source needs PERM_CAPTURE on its account
 * (a file without one, and a step, on the whole organisation); a source the
 * principal may not capture fails with KV_EDENIED and captures nothing.
 * Everything is written to the audit chain as op's principal. Nothing
 * stops a run: the sources' failures are in their results, the workflow's
 * in *out, which is always filled. */
void ingest_run(const struct op_ctx *op, const struct ingest_ops *ops, struct ingest_report *out);

#endif
