/* Escaping text for the formats Kanalvakt writes by hand: HTML text and
 * attribute values, and CSV fields (RFC 4180). JSON goes through jansson. */
#ifndef KV_BASE_ESCAPE_H
#define KV_BASE_ESCAPE_H

#include "base/buf.h"

/* Appends s (NULL = "") escaped for HTML text or a quoted attribute. */
int escape_html(struct buf *b, const char *s);

/* Appends s as one CSV field: quoted when it holds a comma, quote, CR or LF,
 * with quotes doubled; a leading =, +, - or @ is prefixed with ' so that
 * spreadsheet programs do not run it as a formula. */
int escape_csv(struct buf *b, const char *s);

#endif
