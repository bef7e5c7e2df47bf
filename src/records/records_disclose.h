/* Disclosure on request (utlämnande av allmän handling): a selection of an
 * account's captured records handed out as a PDF printout (chronological,
 * threads with replies indented, author, time, versions and deletions
 * marked, images, page numbers, the request's reference on every page), the
 * same records as JSON and CSV, and a manifest with the SHA-256 of each file.
 * Masks (sekretessprövning) come from the screening PII detectors and by
 * hand (a text, an author); each shows its reason in the masked box, and
 * masked text is removed from every file, never covered. Each disclosure is
 * written to the disclosure register and audited. Not the decision whether
 * to disclose: that is the archivist's. */
#ifndef KV_RECORDS_RECORDS_DISCLOSE_H
#define KV_RECORDS_RECORDS_DISCLOSE_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/records_rows.h"

#include <jansson.h>

#include <stddef.h>
#include <stdint.h>

/* The reason printed in a mask when none is given. */
#define DISCLOSE_DEFAULT_REASON "OSL 21 kap. 7 §"

struct disclose_request {
	int64_t account;
	const char *from, *to; /* "YYYY-MM-DD", both days included; NULL: open */
	const char *query;     /* full-text query (docs/search.md) or NULL */
	const char *thread;    /* platform id of a thread's root, or NULL */
	const int64_t *items;  /* only these item ids (n_items 0: no such limit) */
	size_t n_items;
	const char *out_dir;             /* must not exist; its parent must */
	int redact_pii;                  /* masks proposed by the screening detectors */
	const char *const *redact_texts; /* masked wherever they occur */
	size_t n_redact_texts;
	const char *const *redact_authors; /* author ids (or names) whose identity is masked */
	size_t n_redact_authors;
	const char *reason;    /* printed in every mask; NULL: DISCLOSE_DEFAULT_REASON */
	const char *ref;       /* the request's reference, on every page (required) */
	const char *requester; /* who asked, free text, may be "anonym" (required) */
	const char *font;      /* NULL: PDFA_DEFAULT_FONT */
};

struct disclose_result {
	int64_t id; /* in the disclosure register */
	int64_t items;
	int64_t masks;
	int pages;
	char manifest_sha256[65];
};

/* The files written into out_dir. */
#define DISCLOSE_PDF      "utlamnande.pdf"
#define DISCLOSE_JSON     "utlamnande.json"
#define DISCLOSE_CSV      "utlamnande.csv"
#define DISCLOSE_MANIFEST "manifest.json"

/* Writes the disclosure. Needs PERM_DISCLOSE on the account. The directory
 * appears whole or not at all (written under a temporary name beside it and
 * renamed). Errors: KV_EINVAL (a bad date, query or mask, an empty
 * selection, a missing ref or requester, out_dir exists), KV_ENOTFOUND (an
 * item or thread not on the account, the font), KV_EDENIED, KV_EIO. */
int records_disclose(const struct op_ctx *op, const struct disclose_request *rq,
                     struct disclose_result *out, struct err *err);

/* The disclosure register of op's organisation, newest first (rows
 * borrowed for the call). Needs PERM_DISCLOSE. */
int records_disclose_list(const struct op_ctx *op, records_row_disclosure_fn fn, void *ctx,
                          struct err *err);

/* A disclosure as JSON (new reference): the view `disclose list --json` and
 * GET /api/v1/disclosures print (who asked, the selection, what was masked
 * by kind, the files with their SHA-256; never the masked text). */
json_t *records_disclose_json(const struct disclosure_row *r);

#endif
