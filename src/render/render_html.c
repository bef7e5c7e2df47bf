/* The HTML renderer: blocks in order, thread blocks as nested margins,
 * key/value runs as one two-column table, masks as a dark box that shows
 * only the reason. */
#include "render/render_html.h"

#include "base/escape.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char STYLE[] = "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;"
                            "color:#1a1a1a;background:#fff}\n"
                            "main{max-width:72rem;margin:0 auto;padding:1.5rem}\n"
                            "table{border-collapse:collapse;width:100%}\n"
                            "caption{text-align:left;font-weight:600;padding:.5rem 0}\n"
                            "th,td{border-bottom:1px solid #767676;padding:.5rem;text-align:left;"
                            "vertical-align:top}\n"
                            "th{background:#f2f2f2}\n"
                            "a{color:#0645ad}a:focus{outline:3px solid #ffbf47}\n"
                            ".meta{color:#555;font-size:.9em}.note{font-style:italic}"
                            ".mono{font-family:monospace}\n"
                            ".mask{background:#000;color:#fff;padding:0 .3em}\n"
                            "img{max-width:100%}figure{margin:.5rem 0}\n";

static int spans(struct buf *b, const struct render_spans *sp)
{
	int rc = KV_OK;

	for (size_t i = 0; i < sp->n && !rc; i++) {
		const struct render_span *s = &sp->v[i];
		switch (s->kind) {
		case RENDER_S_TEXT:
			rc = escape_html(b, s->text);
			break;
		case RENDER_S_LINK:
			rc = buf_puts(b, "<a href=\"");
			rc = rc ? rc : escape_html(b, s->href);
			rc = rc ? rc : buf_puts(b, "\">");
			rc = rc ? rc : escape_html(b, s->text);
			rc = rc ? rc : buf_puts(b, "</a>");
			break;
		case RENDER_S_BREAK:
			rc = buf_puts(b, "<br>");
			break;
		case RENDER_S_MASK:
			rc = buf_puts(b, "<span class=\"mask\">Maskerat: ");
			rc = rc ? rc : escape_html(b, s->text);
			rc = rc ? rc : buf_puts(b, "</span>");
			break;
		}
	}
	return rc;
}

static int image(struct buf *b, const struct render_image *im)
{
	size_t n = sodium_base64_ENCODED_LEN(im->len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(n);
	int rc;

	if (!enc)
		return KV_ENOMEM;
	sodium_bin2base64(enc, n, im->data, im->len, sodium_base64_VARIANT_ORIGINAL);
	rc = buf_printf(b, "<figure><img width=\"%d\" height=\"%d\" alt=\"", im->width, im->height);
	rc = rc ? rc : escape_html(b, im->caption ? im->caption : "");
	rc = rc ? rc : buf_printf(b, "\" src=\"data:%s;base64,", im->mime);
	rc = rc ? rc : buf_puts(b, enc);
	rc = rc ? rc : buf_puts(b, "\">");
	if (!rc && im->caption) {
		rc = buf_puts(b, "<figcaption>");
		rc = rc ? rc : escape_html(b, im->caption);
		rc = rc ? rc : buf_puts(b, "</figcaption>");
	}
	rc = rc ? rc : buf_puts(b, "</figure>\n");
	free(enc);
	return rc;
}

static int table(struct buf *b, const struct render_table *t)
{
	int rc = buf_puts(b, "<table>\n");

	if (!rc && t->caption) {
		rc = buf_puts(b, "<caption>");
		rc = rc ? rc : escape_html(b, t->caption);
		rc = rc ? rc : buf_puts(b, "</caption>\n");
	}
	if (!rc && t->headers) {
		rc = buf_puts(b, "<thead><tr>");
		for (size_t c = 0; c < t->n_cols && !rc; c++) {
			rc = buf_puts(b, "<th scope=\"col\">");
			rc = rc ? rc : escape_html(b, t->headers[c]);
			rc = rc ? rc : buf_puts(b, "</th>");
		}
		rc = rc ? rc : buf_puts(b, "</tr></thead>\n");
	}
	rc = rc ? rc : buf_puts(b, "<tbody>\n");
	for (size_t r = 0; r < t->n_rows && !rc; r++) {
		rc = buf_puts(b, "<tr>");
		for (size_t c = 0; c < t->n_cols && !rc; c++) {
			rc = buf_puts(b, "<td>");
			rc = rc ? rc : spans(b, &t->cells[r * t->n_cols + c]);
			rc = rc ? rc : buf_puts(b, "</td>");
		}
		rc = rc ? rc : buf_puts(b, "</tr>\n");
	}
	return rc ? rc : buf_puts(b, "</tbody>\n</table>\n");
}

/* Opens or closes thread blocks until the output is at depth want. */
static int set_depth(struct buf *b, int *depth, int want)
{
	int rc = KV_OK;

	while (*depth < want && !rc) {
		rc = buf_puts(b, "<div class=\"thread\" style=\"margin-left:1.5rem\">\n");
		(*depth)++;
	}
	while (*depth > want && !rc) {
		rc = buf_puts(b, "</div>\n");
		(*depth)--;
	}
	return rc;
}

static const char *style_class(enum render_style s)
{
	switch (s) {
	case RENDER_META:
		return " class=\"meta\"";
	case RENDER_NOTE:
		return " class=\"note\"";
	case RENDER_MONO:
		return " class=\"mono\"";
	default:
		return "";
	}
}

int render_html_write(const struct render_doc *doc, struct buf *out, struct err *err)
{
	const char *msg;
	const char *hdr = render_doc_page_header(doc), *ftr = render_doc_page_footer(doc);
	size_t n = render_doc_n_blocks(doc);
	int depth = 0, in_kv = 0;
	int rc = render_doc_status(doc, &msg);

	if (rc)
		return err_set(err, KV_EINVAL, "document: %s", msg);
	rc = buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
	rc = rc ? rc : escape_html(out, render_doc_lang(doc));
	rc = rc ? rc
	        : buf_puts(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	                        "<meta name=\"viewport\" content=\"width=device-width, "
	                        "initial-scale=1\">\n<title>");
	rc = rc ? rc : escape_html(out, render_doc_title(doc) ? render_doc_title(doc) : "");
	rc = rc ? rc
	        : buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
	                     STYLE);
	if (!rc && hdr) {
		rc = buf_puts(out, "<header class=\"meta\">");
		rc = rc ? rc : escape_html(out, hdr);
		rc = rc ? rc : buf_puts(out, "</header>\n");
	}
	for (size_t i = 0; i < n && !rc; i++) {
		const struct render_block *b = render_doc_block(doc, i);

		if (in_kv && b->kind != RENDER_B_KV) {
			rc = buf_puts(out, "</tbody>\n</table>\n");
			in_kv = 0;
		}
		rc = rc ? rc : set_depth(out, &depth, b->depth);
		if (rc)
			break;
		switch (b->kind) {
		case RENDER_B_HEADING:
			rc = buf_printf(out, "<h%d>", b->level);
			rc = rc ? rc : spans(out, &b->spans);
			rc = rc ? rc : buf_printf(out, "</h%d>\n", b->level);
			break;
		case RENDER_B_PARA:
			rc = buf_printf(out, "<p%s>", style_class(b->style));
			rc = rc ? rc : spans(out, &b->spans);
			rc = rc ? rc : buf_puts(out, "</p>\n");
			break;
		case RENDER_B_MASK:
			rc = buf_puts(out, "<p>");
			rc = rc ? rc : spans(out, &b->spans);
			rc = rc ? rc : buf_puts(out, "</p>\n");
			break;
		case RENDER_B_KV:
			if (!in_kv) {
				rc = buf_puts(out, "<table class=\"kv\">\n<tbody>\n");
				in_kv = 1;
			}
			rc = rc ? rc : buf_puts(out, "<tr><th scope=\"row\">");
			rc = rc ? rc : escape_html(out, b->spans.n > 0 ? b->spans.v[0].text : "");
			rc = rc ? rc : buf_puts(out, "</th><td>");
			rc = rc ? rc : escape_html(out, b->spans.n > 1 ? b->spans.v[1].text : "");
			rc = rc ? rc : buf_puts(out, "</td></tr>\n");
			break;
		case RENDER_B_TABLE:
			rc = table(out, b->table);
			break;
		case RENDER_B_IMAGE:
			rc = image(out, b->image);
			break;
		case RENDER_B_PAGE_BREAK:
			break;
		}
	}
	if (!rc && in_kv)
		rc = buf_puts(out, "</tbody>\n</table>\n");
	rc = rc ? rc : set_depth(out, &depth, 0);
	if (!rc && ftr) {
		rc = buf_puts(out, "<footer class=\"meta\">");
		rc = rc ? rc : escape_html(out, ftr);
		rc = rc ? rc : buf_puts(out, "</footer>\n");
	}
	rc = rc ? rc : buf_puts(out, "</main>\n</body>\n</html>\n");
	if (rc)
		return err_set(err, rc, "writing HTML: %s",
		               rc == KV_ENOMEM ? "output too large" : "failed");
	return KV_OK;
}
