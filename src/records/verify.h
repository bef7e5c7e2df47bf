/* `kanalvakt verify`: checks that an artefact is what it was. For a package
 * folder: every file entry of its METS documents against the file (size and
 * checksum) and the RFC 3161 token of METS.xml; for a folder with a
 * manifest (manifest.json as a disclosure writes it: {"files": [{"name",
 * "sha256", "bytes"}]}, or a SHA256SUMS-style manifest.sha256): every file
 * it lists and the manifest's token; for a file: its token (FILE.tsr, or the one recorded);
 * with audit: the audit chain and the newest token of its head. */
#ifndef KV_RECORDS_VERIFY_H
#define KV_RECORDS_VERIFY_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct op_ctx;
struct timestamp_conf;

struct verify_problem {
	char what[32]; /* "checksum", "timestamp", "audit", "manifest" */
	char detail[ERR_MSG_MAX + 300];
};

struct verify_report {
	struct verify_problem *v; /* owned; verify_report_done */
	size_t n, cap;
	int64_t files_checked;
	int timestamp_ok;       /* the artefact's token verified */
	char gen_time[32];      /* its time */
	int64_t audit_entries;  /* entries of the chain verified (audit) */
	int audit_timestamp_ok; /* the audit head's token verified */
};

/* Verifies path (NULL with audit set: only the audit log). Needs
 * PERM_RECORDS. Returns KV_OK when the checks could run, with what is wrong
 * in *out (n > 0: not intact); KV_EINVAL when path does not exist or is a
 * folder with neither METS.xml nor a manifest. Audited as "verify". */
int verify_path(const struct op_ctx *op, const struct timestamp_conf *tc, const char *path,
                int audit, struct verify_report *out, struct err *err);
void verify_report_done(struct verify_report *r);

#endif
