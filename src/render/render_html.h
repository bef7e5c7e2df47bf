/* HTML from a render_doc: one self-contained page (inline style, images as
 * data: URIs), Swedish by default, every text escaped. Used for the public
 * list of accounts and as the HTML twin of the PDF printouts. Not a template
 * engine: the markup is fixed here. */
#ifndef KV_RENDER_RENDER_HTML_H
#define KV_RENDER_RENDER_HTML_H

#include "base/buf.h"
#include "base/err.h"
#include "render/render_doc.h"

/* Appends the page to out. KV_EINVAL when the document has a building
 * error (its message in err), KV_ENOMEM when out is full. */
int render_html_write(const struct render_doc *doc, struct buf *out, struct err *err);

#endif
