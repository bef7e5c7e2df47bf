/* Trusted timestamps for the records: every artefact (a package, snapshot,
 * protokoll, disclosure, any file) gets an RFC 3161 token from the TSA
 * configured in [tsa], kept in the store and written beside the file as
 * FILE.tsr; the audit chain's head gets one a day. When the TSA cannot be
 * reached (or its reply does not verify) nothing is lost: the artefact is
 * recorded as untimestamped, an alert "timestamp.missing" is raised, and
 * timestamp_retry_pending() (serve's periodic pass) stamps it later.
 * The wire protocol is records/tsa. */
#ifndef KV_RECORDS_TIMESTAMP_H
#define KV_RECORDS_TIMESTAMP_H

#include "base/err.h"

#include <stdint.h>

struct op_ctx;
struct config;

/* [tsa] url = http://..., ca = PEM bundle the TSA's certificate chains to,
 * timeout = seconds (default 20). Strings borrowed from the configuration. */
struct timestamp_conf {
	const char *url; /* NULL: no TSA configured (everything stays pending) */
	const char *ca_file;
	long timeout_s;
};

/* Reads [tsa] from cfg (may be NULL: nothing configured). KV_EINVAL naming
 * the key for a bad timeout or a url without ca. */
int timestamp_conf_load(const struct config *cfg, struct timestamp_conf *out, struct err *err);

#define TIMESTAMP_KIND_PACKAGE    "package"
#define TIMESTAMP_KIND_SNAPSHOT   "snapshot"
#define TIMESTAMP_KIND_PROTOKOLL  "protokoll"
#define TIMESTAMP_KIND_DISCLOSURE "disclosure"
#define TIMESTAMP_KIND_FILE       "file"
#define TIMESTAMP_KIND_AUDIT      "audit-head"

struct timestamp_result {
	int stamped;             /* 1: token written; 0: pending (TSA down), alert raised */
	int64_t id;              /* the timestamp_token row */
	char sha256[65];         /* the digest stamped */
	char gen_time[32];       /* the TSA's time when stamped */
	char token_path[4200];   /* FILE.tsr when stamped */
	char error[ERR_MSG_MAX]; /* why it is pending */
};

/* Stamps the file at path (its SHA-256 now) as an artefact of kind with ref
 * (an OBJID, a protokoll number; NULL: the path). Needs PERM_RECORDS. Writes
 * path.tsr (atomically) and records the token; when the TSA fails, records
 * the file as pending and raises an alert, and still returns KV_OK with
 * out->stamped 0. Audited ("timestamp.stamp" or "timestamp.pending").
 * Errors: KV_EIO when path cannot be read, KV_EDENIED. */
int timestamp_file(const struct op_ctx *op, const struct timestamp_conf *tc, const char *path,
                   const char *kind, const char *ref, struct timestamp_result *out,
                   struct err *err);

/* Tries every pending artefact of op's organisation again (oldest first):
 * each one that the TSA now stamps gets its token (and FILE.tsr). Counts in
 * *stamped and *pending (either may be NULL). Audited per artefact. A TSA
 * still down is not an error: the rows stay pending, as does an artefact
 * whose token file cannot be written (its folder gone). */
int timestamp_retry_pending(const struct op_ctx *op, const struct timestamp_conf *tc, int *stamped,
                            int *pending, struct err *err);

/* Stamps the audit chain's head unless one was stamped (or tried) for op's
 * organisation since the start of op->now's UTC day; *done 1 when it tried
 * now. Pending when the TSA is down, like a file. */
int timestamp_audit_head(const struct op_ctx *op, const struct timestamp_conf *tc, int *done,
                         struct timestamp_result *out, struct err *err);

/* The result of checking one token. */
struct timestamp_check {
	int found; /* 0: no token (pending or never stamped) */
	int ok;    /* 1: verifies against the data and the CA bundle */
	char gen_time[32];
	char problem[ERR_MSG_MAX + 64]; /* why not, when !ok */
};

/* Checks FILE.tsr (or, without one, the token recorded for path) against
 * the file's bytes now and tc->ca_file. op may carry no store (NULL): then
 * only FILE.tsr is looked at. Returns KV_OK with the verdict in *out; KV_EIO
 * when the file cannot be read. */
int timestamp_check_file(const struct op_ctx *op, const struct timestamp_conf *tc, const char *path,
                         struct timestamp_check *out, struct err *err);

/* Checks the newest audit-head token of op's organisation: it verifies, and
 * the chain still holds that entry with that hash. */
int timestamp_check_audit(const struct op_ctx *op, const struct timestamp_conf *tc,
                          struct timestamp_check *out, struct err *err);

/* The SHA-256 of the file at path (hex), streamed. KV_EIO naming the path. */
int timestamp_sha256_file(const char *path, char out[65], int64_t *bytes, struct err *err);

#endif
