/* Checking an E-ARK CSIP/SIP package on disk: well-formedness, XSD
 * validation with libxml2 (METS together with the DILCIS CSIP and SIP
 * extension schemas through a wrapper schema, PREMIS streamed), offline
 * (Kanalvakt's XML catalog and XLink schema, no network), the CSIP and SIP
 * requirements it implements, each reported by its id (CSIP1 ..., SIP4 ...,
 * CSIPSTR4 ...), and the size and SHA-256 of every file entry against the
 * file. Writing packages is records/sip. */
#ifndef KV_RECORDS_SIP_VALIDATE_H
#define KV_RECORDS_SIP_VALIDATE_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct op_ctx;

enum sip_level {
	SIP_MUST = 0,   /* a failure makes the package invalid */
	SIP_SHOULD = 1, /* a warning */
};

struct sip_finding {
	char id[16]; /* "CSIP59", "SIP4", "CSIPSTR4", "XSD", "XML", "CHECKSUM" */
	enum sip_level level;
	char file[256]; /* relative to the package */
	long line;      /* 0 when not known */
	char msg[600];
};

struct sip_report {
	struct sip_finding *v; /* owned; sip_validate_report_done */
	size_t n, cap;
	size_t errors, warnings;
	int xsd;               /* 1: XSD validation ran; 0: skipped (no schemas given) */
	int sip_profile;       /* 1: the SIP requirements were applied */
	size_t checks_run;     /* requirement checks evaluated */
	int64_t files_checked; /* file entries whose checksum was compared */
};

struct sip_validate_opts {
	/* A folder holding mets.xsd, DILCISExtensionMETS.xsd,
	 * DILCISExtensionSIPMETS.xsd and premis.xsd (or premis-v3-0.xsd); NULL:
	 * no XSD validation (the requirement checks still run). */
	const char *schemas;
	/* 1: apply the SIP requirements even when PROFILE names another profile. */
	int force_sip;
};

/* Validates the package in dir. Needs PERM_RECORDS; audited as
 * "archive.validate" when op has a store. Returns KV_OK when the package
 * could be examined (its findings in *out, errors > 0 meaning invalid);
 * KV_EINVAL when dir is not a folder or the schemas folder lacks a schema,
 * KV_EIO when a schema there cannot be compiled. */
int sip_validate(const struct op_ctx *op, const char *dir, const struct sip_validate_opts *o,
                 struct sip_report *out, struct err *err);
void sip_validate_report_done(struct sip_report *r);

/* Checks only the file entries of the METS documents (root and
 * representations): each file exists with the size and SHA-256 recorded.
 * Findings in *out as sip_validate. For `verify`. */
int sip_validate_checksums(const char *dir, struct sip_report *out, struct err *err);

#endif
