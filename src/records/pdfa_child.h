/* The PDF/A-1b writer (records/records_pdfa) run in a child process: cairo,
 * pango and fontconfig keep caches for the life of a process, which a
 * long-running program (serve) and a leak-checked one should not carry, and
 * a crash in a renderer must not take the database connection down with
 * it. The child gets the document built in memory, writes the file and
 * exits; it never touches the store. */
#ifndef KV_RECORDS_PDFA_CHILD_H
#define KV_RECORDS_PDFA_CHILD_H

#include "base/err.h"
#include "records/records_pdfa.h"
#include "render/render_doc.h"

#include <jansson.h>
#include <stdint.h>

struct store;

/* records_pdfa_write in a child; the same errors, the child's message in
 * err (KV_EIO when the child could not run or died). */
int pdfa_child_write(const struct render_doc *doc, const struct pdfa_meta *meta,
                     const char *out_path, struct err *err);

/* Writes doc in a child to a temporary file in the store's directory
 * (named after name, which must be a plain file name), puts its bytes in
 * the blob store and removes the file: the PDFs kept with the records
 * (protokoll) are blobs. Their SHA-256 in sha. */
int pdfa_child_blob(struct store *s, const struct render_doc *doc, const struct pdfa_meta *meta,
                    const char *name, char sha[65], struct err *err);

/* Builds a document from json_text with build (the protokolls: their JSON
 * is what is kept, the PDF is made from it) and writes it with
 * pdfa_child_blob under name, the document's title as the PDF's. KV_EINTERNAL
 * when json_text does not parse, build's code when it fails. */
typedef int (*pdfa_json_doc_fn)(json_t *j, struct render_doc **out);
int pdfa_child_json_blob(struct store *s, const char *json_text, pdfa_json_doc_fn build,
                         const char *subject, int64_t created, const char *name, char sha[65],
                         struct err *err);

/* records_pdfa_check_font in a child. */
int pdfa_child_check_font(const char *family, struct err *err);

#endif
