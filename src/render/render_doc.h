/* A small document model shared by every printed or published output: the
 * public list (HTML), snapshots, disclosures and protocols (PDF/A). A
 * document is a flat list of blocks (headings, paragraphs, key/value tables,
 * tables, images) built front to back; blocks may sit in indented thread
 * blocks, and paragraphs and table cells hold inline spans (text, links,
 * line breaks, masked boxes with their reason). Renderers: render/render_html
 * (HTML) and records/records_pdfa (PDF/A-1b). Not a layout engine: where
 * lines break and pages end is the renderer's business.
 *
 * Building never fails half-way in a way the caller must check at each call:
 * the first error (out of memory, a call in the wrong place) is kept in the
 * document and returned by every later call and by the renderers, so a
 * builder may check only the last return code. Every string and image is
 * copied; nothing the caller passes is borrowed. */
#ifndef KV_RENDER_RENDER_DOC_H
#define KV_RENDER_RENDER_DOC_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct render_doc;

/* How a paragraph looks. */
enum render_style {
	RENDER_BODY = 0, /* running text */
	RENDER_META,     /* small grey line: author, time, version, state */
	RENDER_NOTE,     /* an italic remark: "borttaget på plattformen 2026-03-01" */
	RENDER_MONO,     /* fixed width: identifiers, checksums */
};

/* A new empty document; *out is freed with render_doc_free. KV_ENOMEM. */
int render_doc_new(struct render_doc **out);
void render_doc_free(struct render_doc *doc);

/* The first error met while building (KV_OK when none) and its message. */
int render_doc_status(const struct render_doc *doc, const char **msg);

/* The document's title: HTML <title>, PDF metadata. Not printed as a block:
 * add a heading for that. */
int render_doc_set_title(struct render_doc *doc, const char *title);
/* Language tag ("sv" unless set). */
int render_doc_set_lang(struct render_doc *doc, const char *lang);
/* Text printed at the top and the bottom of every PDF page (e.g. the request
 * reference); the PDF renderer adds "Sida N av M" to the footer. In HTML the
 * header is printed once above the body and the footer once below it. NULL
 * or "" clears. */
int render_doc_set_page_header(struct render_doc *doc, const char *text);
int render_doc_set_page_footer(struct render_doc *doc, const char *text);

/* A heading, level 1 (the document's heading) to 3. */
int render_doc_heading(struct render_doc *doc, int level, const char *text);

/* A paragraph of one text run (newlines are line breaks). */
int render_doc_paragraph(struct render_doc *doc, enum render_style style, const char *text);

/* A paragraph built from spans: para_begin, any number of text/link/break/
 * mask calls, para_end. The same span calls fill a table cell between
 * cell_begin and cell_end. A span call anywhere else is an error. */
int render_doc_para_begin(struct render_doc *doc, enum render_style style);
int render_doc_para_end(struct render_doc *doc);
int render_doc_text(struct render_doc *doc, const char *text);
/* A link: text shown, href its target (HTML <a>; printed as text in PDF). */
int render_doc_link(struct render_doc *doc, const char *href, const char *text);
int render_doc_break(struct render_doc *doc);
/* A masked box standing where withheld text was, showing only the reason
 * ("OSL 21 kap. 7 §"). The withheld text itself is never given to the
 * document, so no renderer can leak it. */
int render_doc_mask(struct render_doc *doc, const char *reason);

/* A masked box as a block of its own (a withheld image or post). */
int render_doc_mask_block(struct render_doc *doc, const char *reason);

/* One row of a key/value table; consecutive rows form one table. */
int render_doc_kv(struct render_doc *doc, const char *key, const char *value);

/* A table with n_cols columns (1..16), an optional caption and header row
 * (headers NULL, or n_cols strings). Rows follow with row_begin, n_cols
 * cells (render_doc_cell for plain text, or cell_begin, spans, cell_end),
 * row_end; then table_end. */
int render_doc_table_begin(struct render_doc *doc, const char *caption, size_t n_cols,
                           const char *const *headers);
int render_doc_row_begin(struct render_doc *doc);
int render_doc_cell(struct render_doc *doc, const char *text);
int render_doc_cell_begin(struct render_doc *doc);
int render_doc_cell_end(struct render_doc *doc);
int render_doc_row_end(struct render_doc *doc);
int render_doc_table_end(struct render_doc *doc);

/* An image: JPEG ("image/jpeg", embedded undecoded in PDF) or PNG
 * ("image/png"); data is copied. caption may be NULL. An image whose type or
 * header is not understood is an error (KV_EINVAL) kept in the document. */
int render_doc_image(struct render_doc *doc, const void *data, size_t len, const char *mime,
                     const char *caption);

/* Thread blocks: what is added between indent_begin and indent_end is
 * indented one step further (replies under their post); nests up to 8. */
int render_doc_indent_begin(struct render_doc *doc);
int render_doc_indent_end(struct render_doc *doc);

/* A page break (PDF); nothing in HTML. */
int render_doc_page_break(struct render_doc *doc);

/* Reading a document (for renderers). Blocks in order; each block's spans,
 * or for a table its cells (row-major), each a range of spans. */
enum render_block_kind {
	RENDER_B_HEADING,
	RENDER_B_PARA,
	RENDER_B_KV,    /* spans: [0] key text, [1] value text */
	RENDER_B_TABLE, /* see render_table */
	RENDER_B_IMAGE,
	RENDER_B_MASK, /* spans: [0] the mask (reason) */
	RENDER_B_PAGE_BREAK,
};

enum render_span_kind { RENDER_S_TEXT, RENDER_S_LINK, RENDER_S_BREAK, RENDER_S_MASK };

struct render_span {
	enum render_span_kind kind;
	const char *text; /* TEXT, LINK: shown text; MASK: the reason */
	const char *href; /* LINK only */
};

/* A range of spans: one paragraph, one cell. */
struct render_spans {
	const struct render_span *v;
	size_t n;
};

struct render_image {
	const unsigned char *data;
	size_t len;
	const char *mime;  /* "image/jpeg" or "image/png" */
	int width, height; /* pixels, read from the header */
	const char *caption;
};

struct render_table {
	const char *caption; /* NULL: none */
	size_t n_cols, n_rows;
	const char *const *headers;       /* NULL or n_cols strings */
	const struct render_spans *cells; /* n_rows * n_cols, row-major */
};

struct render_block {
	enum render_block_kind kind;
	int depth;               /* thread indentation, 0 = none */
	int level;               /* HEADING: 1..3 */
	enum render_style style; /* PARA */
	struct render_spans spans;
	const struct render_table *table; /* TABLE */
	const struct render_image *image; /* IMAGE */
};

/* Borrowed views, valid until the document changes or is freed. */
size_t render_doc_n_blocks(const struct render_doc *doc);
const struct render_block *render_doc_block(const struct render_doc *doc, size_t i);
const char *render_doc_title(const struct render_doc *doc);
const char *render_doc_lang(const struct render_doc *doc);
const char *render_doc_page_header(const struct render_doc *doc);
const char *render_doc_page_footer(const struct render_doc *doc);

/* Reads the pixel size from a JPEG or PNG header. KV_EINVAL naming what is
 * wrong when data is not one. */
int render_doc_image_size(const void *data, size_t len, const char *mime, int *width, int *height,
                          struct err *err);

#endif
