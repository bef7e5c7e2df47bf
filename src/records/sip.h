/* E-archive delivery: writes a submission information package following
 * E-ARK CSIP 2.1 and SIP 2.1 (Riksarkivet's FGS Paketstruktur 2.0) for one
 * account and period, streamed with libxml2's xmlTextWriter, into a
 * temporary directory that is renamed into place when whole. Marks the items
 * delivered with the package's OBJID, which is what lets a cull remove them.
 * Layout and choices: docs/internals/sip.md. Checking a package is
 * records/sip_validate; timestamping it is records/timestamp. */
#ifndef KV_RECORDS_SIP_H
#define KV_RECORDS_SIP_H

#include "base/err.h"
#include "records/timestamp.h"
#include "store/archive_rows.h"

#include <jansson.h>

#include <stddef.h>
#include <stdint.h>

struct op_ctx;
struct config;

#define SIP_OBJID_MAX ARCHIVE_OBJID_MAX

/* The hook for the PDF/A printout of the records (representations/rep1/
 * data/printout.pdf): when set, called with the scope and the path inside the
 * temporary package where the printout is to be written (a PDF/A-1b writer
 * such as records/sip_print); a non-zero return fails the package, and a
 * hook that writes nothing leaves the printout out. NULL: no printout. */
typedef int (*sip_printout_fn)(void *ctx, const struct op_ctx *op,
                               const struct archive_scope *scope, const char *path,
                               struct err *err);

struct sip_opts {
	const char *account;      /* id or handle in the register */
	const char *from;         /* YYYY-MM-DD, first day */
	const char *to;           /* YYYY-MM-DD, last day (inclusive) */
	const char *out;          /* the package directory; must not exist */
	const char *schemas;      /* optional folder with mets.xsd, premis.xsd ... to copy into
	                             schemas/; NULL: only what Kanalvakt ships */
	sip_printout_fn printout; /* optional */
	void *printout_ctx;
	const struct timestamp_conf *tsa; /* stamp METS.xml when set (records/timestamp) */
	const char *org_number; /* the organisation's organisationsnummer (NNNNNN-NNNN), given as
	                           the agents' IDENTIFICATIONCODE note (CSIP SIP11, SIP18);
	                           NULL: none */
};

/* Checks an organisationsnummer: ten digits, a hyphen after the sixth
 * allowed, the last a Luhn check digit. Writes the NNNNNN-NNNN form into
 * out. KV_EINVAL naming --org-number and why. */
int sip_org_number(const char *s, char out[12], struct err *err);

struct sip_result {
	char objid[SIP_OBJID_MAX];
	int64_t package_id;
	int64_t items;
	int64_t files; /* file entries in the METS documents */
	int64_t bytes; /* data bytes written */
	int64_t media;
	struct timestamp_result timestamp; /* when opts->tsa was set */
};

/* Writes the package of opts. Needs PERM_RECORDS on the account. On success
 * opts->out holds the whole package, the package is recorded with its items
 * marked, and an audit entry "archive.sip" is written. Errors: KV_EINVAL for
 * bad dates or a bad account (naming the option), KV_ECONFLICT when out
 * already exists, KV_EDENIED, KV_EIO naming the path. On failure nothing is
 * left under out and nothing is recorded. */
int sip_write(const struct op_ctx *op, const struct sip_opts *opts, struct sip_result *out,
              struct err *err);

/* The path of a schema Kanalvakt ships (xlink.xsd, catalog.xml) into out:
 * from $KANALVAKT_SCHEMAS, ./schemas or the source tree. KV_EIO when absent. */
int sip_schema_file(char *out, size_t cap, const char *name, struct err *err);

/* For the cull: the OBJID of a delivered package that holds item_id, copied
 * into objid_out. Needs PERM_RECORDS. KV_OK when archived, KV_ENOTFOUND when
 * the item is in no delivered package (it has not been archived). */
int sip_archived_in(const struct op_ctx *op, int64_t item_id, char objid_out[SIP_OBJID_MAX],
                    struct err *err);

/* Lists the packages of op's organisation (archive_row_each under a
 * PERM_RECORDS check). */
int sip_list(const struct op_ctx *op, archive_package_fn fn, void *ctx, struct err *err);

/* A delivered package as JSON (new reference): the view `archive list
 * --json` and GET /api/v1/packages print. */
json_t *sip_package_json(const struct archive_package_row *r);

#endif
