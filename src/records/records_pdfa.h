/* PDF/A-1b from a render_doc: every PDF the records layer hands out
 * (periodic snapshots, disclosures, gallringsprotokoll, case exports).
 * The document is drawn with cairo and pango (fonts through fontconfig,
 * DejaVu Sans embedded; JPEG embedded undecoded), converted by Ghostscript's
 * pdfwrite to PDF/A-1 with the sRGB output intent, and its Info dictionary
 * and XMP metadata (Swedish titles, dates with an explicit offset) are then
 * written by qpdf. docs/internals/pdfa.md says why each step is there.
 * Not a validator: tests check the output with Apache PDFBox Preflight. */
#ifndef KV_RECORDS_RECORDS_PDFA_H
#define KV_RECORDS_RECORDS_PDFA_H

#include "base/err.h"
#include "render/render_doc.h"

#include <stddef.h>
#include <stdint.h>

/* The document's metadata. Strings are UTF-8 and may be NULL except title;
 * they are written to both the Info dictionary and the XMP packet. */
struct pdfa_meta {
	const char
	        *title; /* required, e.g. "Facebook Fritidsfabriken 2026-06-30 periodiskt uttag" */
	const char *author;   /* the organisation (arkivbildare) */
	const char *subject;  /* e.g. "Periodiskt uttag", "Utlämnande" */
	const char *keywords; /* free text, e.g. the request reference */
	int64_t created;      /* Unix seconds; 0: now (written as UTC, +00'00') */
	const char *font;     /* font family; NULL: "DejaVu Sans" */
};

/* The font family used when meta->font is NULL. */
#define PDFA_DEFAULT_FONT "DejaVu Sans"

/* Writes doc as PDF/A-1b to out_path, which must not exist (KV_ECONFLICT).
 * The file appears whole or not at all: everything is written in a
 * temporary directory beside out_path and renamed at the end. On success
 * *n_pages (when not NULL) is the page count. Errors:
 *   KV_EINVAL   the document has a building error, meta has no title, or
 *               an image cannot be read;
 *   KV_ENOTFOUND the font family is not installed (the message names it),
 *               or gs/qpdf is not found on PATH;
 *   KV_ECONFLICT out_path exists;
 *   KV_EIO      a write failed, or Ghostscript/qpdf failed (exit status and
 *               the tail of its output in the message), or the converted
 *               file's page count differs from the drawn one. */
int records_pdfa_write_pages(const struct render_doc *doc, const struct pdfa_meta *meta,
                             const char *out_path, int *n_pages, struct err *err);

/* records_pdfa_write_pages without the page count. */
int records_pdfa_write(const struct render_doc *doc, const struct pdfa_meta *meta,
                       const char *out_path, struct err *err);

/* KV_OK when family resolves to an installed font through fontconfig, else
 * KV_ENOTFOUND naming it (and the package that ships DejaVu). */
int records_pdfa_check_font(const char *family, struct err *err);

#endif
