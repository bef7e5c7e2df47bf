/* The document model and its HTML renderer. */
#include "base/buf.h"
#include "render/render_doc.h"
#include "render/render_html.h"
#include "testlib.h"

#include <stdlib.h>

static char *html_of(struct render_doc *doc, int *rc_out)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b, 1 << 24);
	*rc_out = render_html_write(doc, &b, &e);
	return buf_detach(&b);
}

static void blocks_keep_order_depth_and_spans(void)
{
	struct render_doc *doc = NULL;

	CHECK_INT(render_doc_new(&doc), 0);
	render_doc_set_title(doc, "Uttag");
	render_doc_heading(doc, 1, "Fritidsfabriken");
	render_doc_paragraph(doc, RENDER_META, "rad ett\nrad två");
	render_doc_indent_begin(doc);
	render_doc_para_begin(doc, RENDER_BODY);
	render_doc_text(doc, "Ring ");
	render_doc_mask(doc, "OSL 21 kap. 7 §");
	CHECK_INT(render_doc_para_end(doc), 0);
	CHECK_INT(render_doc_indent_end(doc), 0);
	CHECK_INT(render_doc_status(doc, NULL), 0);
	CHECK_INT(render_doc_n_blocks(doc), 3);
	const struct render_block *b = render_doc_block(doc, 0);
	CHECK_INT(b->kind, RENDER_B_HEADING);
	CHECK_INT(b->level, 1);
	b = render_doc_block(doc, 1);
	CHECK_INT(b->spans.n, 3); /* text, break, text */
	CHECK_INT(b->spans.v[1].kind, RENDER_S_BREAK);
	CHECK_STR(b->spans.v[2].text, "rad två");
	b = render_doc_block(doc, 2);
	CHECK_INT(b->depth, 1);
	CHECK_INT(b->spans.v[1].kind, RENDER_S_MASK);
	CHECK_STR(b->spans.v[1].text, "OSL 21 kap. 7 §");
	CHECK_STR(render_doc_title(doc), "Uttag");
	CHECK_STR(render_doc_lang(doc), "sv");
	render_doc_free(doc);
}

static void misuse_is_kept_and_reported(void)
{
	struct render_doc *doc = NULL;
	const char *msg;
	int rc;

	CHECK_INT(render_doc_new(&doc), 0);
	CHECK_INT(render_doc_text(doc, "loose"), KV_EINVAL);
	/* Later calls return the first error. */
	CHECK_INT(render_doc_heading(doc, 1, "x"), KV_EINVAL);
	CHECK_INT(render_doc_status(doc, &msg), KV_EINVAL);
	CHECK_CONTAINS(msg, "outside a paragraph");
	free(html_of(doc, &rc));
	CHECK_INT(rc, KV_EINVAL);
	render_doc_free(doc);

	CHECK_INT(render_doc_new(&doc), 0);
	render_doc_table_begin(doc, NULL, 2, NULL);
	render_doc_row_begin(doc);
	render_doc_cell(doc, "a");
	CHECK_INT(render_doc_row_end(doc), KV_EINVAL);
	CHECK_INT(render_doc_status(doc, &msg), KV_EINVAL);
	CHECK_CONTAINS(msg, "fewer cells");
	render_doc_free(doc);

	CHECK_INT(render_doc_new(&doc), 0);
	render_doc_indent_begin(doc);
	CHECK_INT(render_doc_status(doc, &msg), KV_EINVAL); /* left open */
	CHECK_INT(render_doc_heading(doc, 4, "x"), KV_EINVAL);
	render_doc_free(doc);
}

static void html_escapes_and_masks(void)
{
	struct render_doc *doc = NULL;
	const char *heads[] = {"Kanal", "Konto"};
	int rc;

	render_doc_new(&doc);
	render_doc_set_title(doc, "A & B <c>");
	render_doc_set_page_header(doc, "Dnr KS 2026/7");
	render_doc_kv(doc, "Konto", "Kultur & fritid");
	render_doc_table_begin(doc, "Konton", 2, heads);
	render_doc_row_begin(doc);
	render_doc_cell(doc, "Facebook");
	render_doc_cell_begin(doc);
	render_doc_link(doc, "https://ex.se/?a=1&b=2", "Länk");
	render_doc_cell_end(doc);
	render_doc_row_end(doc);
	render_doc_table_end(doc);
	render_doc_indent_begin(doc);
	render_doc_mask_block(doc, "OSL 26 kap. 1 §");
	render_doc_indent_end(doc);
	char *h = html_of(doc, &rc);
	CHECK_INT(rc, 0);
	CHECK_CONTAINS(h, "<html lang=\"sv\">");
	CHECK_CONTAINS(h, "<title>A &amp; B &lt;c&gt;</title>");
	CHECK_CONTAINS(h, "Dnr KS 2026/7");
	CHECK_CONTAINS(h, "<th scope=\"row\">Konto</th><td>Kultur &amp; fritid</td>");
	CHECK_CONTAINS(h, "<caption>Konton</caption>");
	CHECK_CONTAINS(h, "<a href=\"https://ex.se/?a=1&amp;b=2\">Länk</a>");
	CHECK_CONTAINS(h, "class=\"thread\"");
	CHECK_CONTAINS(h, "<span class=\"mask\">Maskerat: OSL 26 kap. 1 §</span>");
	free(h);
	render_doc_free(doc);
}

static void image_headers_are_read(void)
{
	size_t n = 0;
	struct err e = {0};
	int w = 0, h = 0;
	char *jpg = test_read_file(test_source_path("tests/fixtures/images/gradient.jpg"), &n);
	CHECK(jpg);
	CHECK_INT(render_doc_image_size(jpg, n, "image/jpeg", &w, &h, &e), 0);
	CHECK_INT(w, 64);
	CHECK_INT(h, 48);
	/* Cut short before the frame header: refused, not misread. */
	CHECK_INT(render_doc_image_size(jpg, 20, "image/jpeg", &w, &h, &e), KV_EINVAL);
	CHECK_INT(render_doc_image_size(jpg, n, "image/png", &w, &h, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "not a PNG");
	CHECK_INT(render_doc_image_size(jpg, n, "image/gif", &w, &h, &e), KV_EINVAL);
	free(jpg);
	char *png = test_read_file(test_source_path("tests/fixtures/images/circle.png"), &n);
	CHECK(png);
	CHECK_INT(render_doc_image_size(png, n, "image/png", &w, &h, &e), 0);
	CHECK_INT(w, 40);
	CHECK_INT(h, 30);

	struct render_doc *doc = NULL;
	int rc;
	render_doc_new(&doc);
	CHECK_INT(render_doc_image(doc, png, n, "image/png", "Bild"), 0);
	char *html = html_of(doc, &rc);
	CHECK_INT(rc, 0);
	CHECK_CONTAINS(html, "src=\"data:image/png;base64,iVBOR");
	CHECK_CONTAINS(html, "<figcaption>Bild</figcaption>");
	free(html);
	CHECK_INT(render_doc_image(doc, png, 10, "image/png", NULL), KV_EINVAL);
	render_doc_free(doc);
	free(png);
}

TEST_MAIN(T(blocks_keep_order_depth_and_spans), T(misuse_is_kept_and_reported),
          T(html_escapes_and_masks), T(image_headers_are_read))
