/* PDF/A-1b writer: draw (cairo + pango), convert (Ghostscript pdfwrite),
 * set metadata (qpdf), check the page count; docs/internals/pdfa.md. The
 * drawing runs twice over the document: once to count the pages (for
 * "Sida N av M"), once to draw. Ghostscript and qpdf run as child
 * processes in a temporary directory beside the output. */
#include "records/records_pdfa.h"

#include "base/buf.h"
#include "base/escape.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <pango/pangocairo.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PAGE_W   595.276
#define PAGE_H   841.89
#define MARGIN_X 56.0
#define TOP      64.0
#define BOTTOM   (PAGE_H - 60.0)
#define INDENT   18.0
#define GAP      5.0

#define SRGB_ICC "/usr/share/color/icc/ghostscript/srgb.icc"

/* ---- fonts ---- */

int records_pdfa_check_font(const char *family, struct err *err)
{
	FcPattern *pat = NULL, *match = NULL;
	FcResult res;
	int found = 0;

	if (!family || !*family)
		return err_set(err, KV_EINVAL, "PDF font: no font family given");
	if (!FcInit())
		return err_set(err, KV_EIO, "PDF font: fontconfig cannot be initialised");
	pat = FcPatternCreate();
	if (!pat)
		return err_set(err, KV_ENOMEM, "PDF font: out of memory");
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	match = FcFontMatch(NULL, pat, &res);
	if (match) {
		FcChar8 *fam = NULL;
		for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &fam) == FcResultMatch; i++)
			if (strcasecmp((const char *)fam, family) == 0)
				found = 1;
	}
	if (match)
		FcPatternDestroy(match);
	FcPatternDestroy(pat);
	if (!found)
		return err_set(err, KV_ENOTFOUND,
		               "PDF font '%s' is not installed (fontconfig finds no such family; "
		               "DejaVu Sans comes with the package fonts-dejavu-core)",
		               family);
	return KV_OK;
}

/* ---- drawing ---- */

struct pen {
	cairo_t *cr;
	PangoLayout *lay;
	PangoLayout *flay; /* page header and footer: drawn while lay is mid-flow */
	const struct render_doc *doc;
	const char *family;
	char mono[128];
	int dry;     /* counting pass: nothing drawn */
	int page;    /* 1-based, the page being filled */
	int n_pages; /* known in the drawing pass */
	double y;
	int rc;
	struct err *err;
};

static void page_furniture(struct pen *p)
{
	const char *hdr = render_doc_page_header(p->doc), *ftr = render_doc_page_footer(p->doc);
	char line[1024];
	PangoFontDescription *fd;

	if (p->dry)
		return;
	fd = pango_font_description_from_string(p->family);
	pango_font_description_set_size(fd, 8 * PANGO_SCALE);
	pango_layout_set_font_description(p->flay, fd);
	pango_layout_set_attributes(p->flay, NULL);
	pango_layout_set_width(p->flay, (int)((PAGE_W - 2 * MARGIN_X) * PANGO_SCALE));
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	if (hdr) {
		pango_layout_set_text(p->flay, hdr, -1);
		cairo_move_to(p->cr, MARGIN_X, 30);
		pango_cairo_show_layout(p->cr, p->flay);
	}
	snprintf(line, sizeof(line), "%s%sSida %d av %d", ftr ? ftr : "", ftr ? " · " : "", p->page,
	         p->n_pages);
	pango_layout_set_text(p->flay, line, -1);
	cairo_move_to(p->cr, MARGIN_X, PAGE_H - 42);
	pango_cairo_show_layout(p->cr, p->flay);
	cairo_move_to(p->cr, MARGIN_X, 48);
	cairo_line_to(p->cr, PAGE_W - MARGIN_X, 48);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pango_font_description_free(fd);
}

static void new_page(struct pen *p)
{
	if (!p->dry)
		cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
	page_furniture(p);
}

/* Room for h more points on this page, else a new page (unless the page
 * is still empty: then the block overflows rather than loop). */
static void need(struct pen *p, double h)
{
	if (p->y + h > BOTTOM && p->y > TOP)
		new_page(p);
}

/* Text and attributes for a run of spans into the layout. */
static int set_spans(struct pen *p, const struct render_spans *sp)
{
	struct buf t;
	PangoAttrList *al = pango_attr_list_new();
	int rc = KV_OK;

	buf_init(&t, 64 * 1024 * 1024);
	for (size_t i = 0; i < sp->n && !rc; i++) {
		const struct render_span *s = &sp->v[i];
		guint start = (guint)t.len;
		PangoAttribute *a;

		switch (s->kind) {
		case RENDER_S_TEXT:
			rc = buf_puts(&t, s->text);
			break;
		case RENDER_S_LINK:
			rc = buf_puts(&t, s->text);
			a = pango_attr_foreground_new(0x0600, 0x4500, 0xad00);
			a->start_index = start;
			a->end_index = (guint)t.len;
			pango_attr_list_insert(al, a);
			a = pango_attr_underline_new(PANGO_UNDERLINE_SINGLE);
			a->start_index = start;
			a->end_index = (guint)t.len;
			pango_attr_list_insert(al, a);
			break;
		case RENDER_S_BREAK:
			rc = buf_puts(&t, "\xE2\x80\xA8"); /* U+2028 line separator */
			break;
		case RENDER_S_MASK:
			rc = buf_puts(&t, "\xC2\xA0Maskerat: ");
			rc = rc ? rc : buf_puts(&t, s->text);
			rc = rc ? rc : buf_puts(&t, "\xC2\xA0");
			a = pango_attr_background_new(0, 0, 0);
			a->start_index = start;
			a->end_index = (guint)t.len;
			pango_attr_list_insert(al, a);
			a = pango_attr_foreground_new(0xffff, 0xffff, 0xffff);
			a->start_index = start;
			a->end_index = (guint)t.len;
			pango_attr_list_insert(al, a);
			break;
		}
	}
	if (!rc) {
		pango_layout_set_text(p->lay, buf_cstr(&t), (int)t.len);
		pango_layout_set_attributes(p->lay, al);
	}
	pango_attr_list_unref(al);
	buf_done(&t);
	return rc;
}

static void set_font(struct pen *p, const char *family, double size, int bold, int italic)
{
	PangoFontDescription *fd = pango_font_description_from_string(family);

	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (italic)
		pango_font_description_set_style(fd, PANGO_STYLE_OBLIQUE);
	pango_layout_set_font_description(p->lay, fd);
	pango_font_description_free(fd);
}

/* Draws the layout at x line by line, breaking pages between lines. */
static void flow_layout(struct pen *p, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(p->lay);
	double top = 0; /* layout y (pt) that sits at p->y */
	double last_bottom = 0;

	do {
		PangoRectangle log;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		double lt = (double)log.y / PANGO_SCALE,
		       lb = (double)(log.y + log.height) / PANGO_SCALE;
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;

		if (p->y + (lb - top) > BOTTOM && p->y > TOP && lt > top) {
			p->y += lt - top;
			new_page(p);
			top = lt;
		} else if (p->y + (lb - top) > BOTTOM && p->y > TOP && lt == top) {
			new_page(p);
		}
		if (!p->dry) {
			cairo_move_to(p->cr, x + (double)log.x / PANGO_SCALE, p->y + (base - top));
			pango_cairo_show_layout_line(p->cr,
			                             pango_layout_iter_get_line_readonly(it));
		}
		last_bottom = lb;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	p->y += last_bottom - top;
}

static double block_x(const struct render_block *b)
{
	return MARGIN_X + b->depth * INDENT;
}

static double block_w(const struct render_block *b)
{
	return PAGE_W - 2 * MARGIN_X - b->depth * INDENT;
}

static void draw_text_block(struct pen *p, const struct render_block *b)
{
	double size = 10, gap = GAP;
	int bold = 0, italic = 0;
	const char *fam = p->family;

	if (b->kind == RENDER_B_HEADING) {
		size = b->level == 1 ? 18 : b->level == 2 ? 14 : 11.5;
		bold = 1;
		p->y += b->level == 1 ? 4 : 8;
		need(p, size * 3);
	} else if (b->style == RENDER_META) {
		size = 8.5;
		gap = 1.5;
	} else if (b->style == RENDER_NOTE) {
		italic = 1;
	} else if (b->style == RENDER_MONO) {
		fam = p->mono;
		size = 8.5;
	}
	set_font(p, fam, size, bold, italic);
	pango_layout_set_width(p->lay, (int)(block_w(b) * PANGO_SCALE));
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	if (set_spans(p, &b->spans)) {
		p->rc = err_set(p->err, KV_ENOMEM, "PDF: a paragraph is too large");
		return;
	}
	if (b->style == RENDER_META && !p->dry)
		cairo_set_source_rgb(p->cr, 0.33, 0.33, 0.33);
	flow_layout(p, block_x(b));
	if (!p->dry)
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += gap;
}

/* Lays out one cell's spans at width w; returns its height. */
static double cell_height(struct pen *p, const struct render_spans *sp, double w, int bold)
{
	int h;

	set_font(p, p->family, 9, bold, 0);
	pango_layout_set_width(p->lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	if (set_spans(p, sp))
		p->rc = err_set(p->err, KV_ENOMEM, "PDF: a table cell is too large");
	pango_layout_get_size(p->lay, NULL, &h);
	return (double)h / PANGO_SCALE;
}

static void cell_draw(struct pen *p, const struct render_spans *sp, double x, double w, int bold)
{
	cell_height(p, sp, w, bold);
	if (!p->dry) {
		cairo_move_to(p->cr, x, p->y);
		pango_cairo_show_layout(p->cr, p->lay);
	}
}

/* One row: cells side by side, a rule below; kept on one page. */
static void draw_row(struct pen *p, const struct render_spans *cells, size_t n, double x,
                     const double *widths, int bold, int shade)
{
	double h = 0, cx = x, total = 0;

	for (size_t c = 0; c < n; c++) {
		double ch = cell_height(p, &cells[c], widths[c] - 6, bold);
		if (ch > h)
			h = ch;
		total += widths[c];
	}
	need(p, h + 6);
	if (!p->dry && shade) {
		cairo_set_source_rgb(p->cr, 0.95, 0.95, 0.95);
		cairo_rectangle(p->cr, x, p->y, total, h + 6);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	p->y += 3;
	for (size_t c = 0; c < n; c++) {
		cell_draw(p, &cells[c], cx + 3, widths[c] - 6, bold);
		cx += widths[c];
	}
	p->y += h + 3;
	if (!p->dry) {
		cairo_set_source_rgb(p->cr, 0.46, 0.46, 0.46);
		cairo_set_line_width(p->cr, 0.5);
		cairo_move_to(p->cr, x, p->y);
		cairo_line_to(p->cr, x + total, p->y);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
}

static void draw_kv(struct pen *p, const struct render_block *b)
{
	struct render_span k = {RENDER_S_TEXT, b->spans.n > 0 ? b->spans.v[0].text : "", NULL};
	struct render_span v = {RENDER_S_TEXT, b->spans.n > 1 ? b->spans.v[1].text : "", NULL};
	struct render_spans cells[2] = {{&k, 1}, {&v, 1}};
	double w = block_w(b), widths[2] = {w * 0.3, w * 0.7};
	double h0 = cell_height(p, &cells[0], widths[0] - 6, 1);
	double h1 = cell_height(p, &cells[1], widths[1] - 6, 0);
	double h = h0 > h1 ? h0 : h1;

	need(p, h + 4);
	p->y += 2;
	cell_draw(p, &cells[0], block_x(b) + 3, widths[0] - 6, 1);
	cell_draw(p, &cells[1], block_x(b) + widths[0] + 3, widths[1] - 6, 0);
	p->y += h + 2;
}

static void draw_table(struct pen *p, const struct render_block *b)
{
	const struct render_table *t = b->table;
	double w = block_w(b), widths[16];
	struct render_span hs[16];
	struct render_spans hc[16];

	for (size_t c = 0; c < t->n_cols; c++) {
		widths[c] = w / (double)t->n_cols;
		if (t->headers) {
			hs[c] = (struct render_span){RENDER_S_TEXT, t->headers[c], NULL};
			hc[c] = (struct render_spans){&hs[c], 1};
		}
	}
	if (t->caption) {
		struct render_span cs = {RENDER_S_TEXT, t->caption, NULL};
		struct render_spans c1 = {&cs, 1};
		need(p, 40);
		cell_draw(p, &c1, block_x(b), w, 1);
		p->y += cell_height(p, &c1, w, 1) + 2;
	}
	if (t->headers)
		draw_row(p, hc, t->n_cols, block_x(b), widths, 1, 1);
	for (size_t r = 0; r < t->n_rows && !p->rc; r++) {
		draw_row(p, &t->cells[r * t->n_cols], t->n_cols, block_x(b), widths, 0, 0);
	}
	p->y += GAP;
}

struct png_src {
	const unsigned char *d;
	size_t n, off;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int len)
{
	struct png_src *s = closure;

	if (s->n - s->off < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->d + s->off, len);
	s->off += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The image as an opaque surface: JPEG undecoded (mime data on an RGB
 * surface of its size), PNG decoded and flattened on white, since PDF/A-1
 * allows no soft masks. NULL on failure with p->rc set. */
static cairo_surface_t *image_surface(struct pen *p, const struct render_image *im)
{
	cairo_surface_t *s;

	if (strcmp(im->mime, "image/jpeg") == 0) {
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, im->width, im->height);
		if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS &&
		    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, im->data, im->len, NULL,
		                                NULL) == CAIRO_STATUS_SUCCESS)
			return s;
		cairo_surface_destroy(s);
		p->rc = err_set(p->err, KV_ENOMEM, "PDF: cannot hold a %dx%d image", im->width,
		                im->height);
		return NULL;
	}
	struct png_src src = {im->data, im->len, 0};
	cairo_surface_t *png = cairo_image_surface_create_from_png_stream(png_read, &src);
	if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(png);
		p->rc = err_set(p->err, KV_EINVAL, "PDF: a PNG image cannot be decoded");
		return NULL;
	}
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, cairo_image_surface_get_width(png),
	                               cairo_image_surface_get_height(png));
	cairo_t *c = cairo_create(s);
	cairo_set_source_rgb(c, 1, 1, 1);
	cairo_paint(c);
	cairo_set_source_surface(c, png, 0, 0);
	cairo_paint(c);
	cairo_destroy(c);
	cairo_surface_destroy(png);
	return s;
}

static void draw_image(struct pen *p, const struct render_block *b)
{
	const struct render_image *im = b->image;
	double w = im->width * 0.75, h = im->height * 0.75;
	double maxw = block_w(b), maxh = (BOTTOM - TOP) * 0.6;
	double k = 1;

	if (w > maxw)
		k = maxw / w;
	if (h * k > maxh)
		k = maxh / h;
	w *= k;
	h *= k;
	need(p, h + 4);
	if (!p->dry) {
		cairo_surface_t *s = image_surface(p, im);
		if (!s)
			return;
		cairo_save(p->cr);
		cairo_translate(p->cr, block_x(b), p->y);
		cairo_scale(p->cr, w / im->width, h / im->height);
		cairo_set_source_surface(p->cr, s, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(p->cr), CAIRO_FILTER_FAST);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
		cairo_surface_destroy(s);
	}
	p->y += h + 3;
	if (im->caption) {
		struct render_block cb = *b;
		struct render_span cs = {RENDER_S_TEXT, im->caption, NULL};
		cb.kind = RENDER_B_PARA;
		cb.style = RENDER_META;
		cb.spans = (struct render_spans){&cs, 1};
		draw_text_block(p, &cb);
	}
	p->y += GAP;
}

/* One pass over the document. */
static void draw_doc(struct pen *p)
{
	size_t n = render_doc_n_blocks(p->doc);

	p->page = 1;
	p->y = TOP;
	page_furniture(p);
	for (size_t i = 0; i < n && !p->rc; i++) {
		const struct render_block *b = render_doc_block(p->doc, i);

		switch (b->kind) {
		case RENDER_B_HEADING:
		case RENDER_B_PARA:
		case RENDER_B_MASK:
			draw_text_block(p, b);
			break;
		case RENDER_B_KV:
			draw_kv(p, b);
			if (i + 1 == n || render_doc_block(p->doc, i + 1)->kind != RENDER_B_KV)
				p->y += GAP;
			break;
		case RENDER_B_TABLE:
			draw_table(p, b);
			break;
		case RENDER_B_IMAGE:
			draw_image(p, b);
			break;
		case RENDER_B_PAGE_BREAK:
			if (p->y > TOP)
				new_page(p);
			break;
		}
	}
}

static int draw_pdf(const struct render_doc *doc, const char *family, const char *path,
                    int *n_pages, struct err *err)
{
	cairo_surface_t *surf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	struct pen p;
	int rc = KV_OK;

	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		rc = err_set(err, KV_EIO, "PDF: cannot create %s: %s", path,
		             cairo_status_to_string(cairo_surface_status(surf)));
		cairo_surface_destroy(surf);
		return rc;
	}
	cairo_pdf_surface_restrict_to_version(surf, CAIRO_PDF_VERSION_1_4);
	memset(&p, 0, sizeof(p));
	p.cr = cairo_create(surf);
	p.lay = pango_cairo_create_layout(p.cr);
	p.flay = pango_cairo_create_layout(p.cr);
	p.doc = doc;
	p.family = family;
	p.err = err;
	snprintf(p.mono, sizeof(p.mono), "%s",
	         strcasecmp(family, PDFA_DEFAULT_FONT) == 0 ? "DejaVu Sans Mono" : family);
	p.dry = 1;
	draw_doc(&p);
	p.n_pages = p.page;
	if (!p.rc) {
		p.dry = 0;
		draw_doc(&p);
		cairo_show_page(p.cr);
	}
	rc = p.rc;
	g_object_unref(p.lay);
	g_object_unref(p.flay);
	cairo_destroy(p.cr);
	cairo_surface_finish(surf);
	if (!rc && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
		rc = err_set(err, KV_EIO, "PDF: writing %s failed: %s", path,
		             cairo_status_to_string(cairo_surface_status(surf)));
	cairo_surface_destroy(surf);
	if (!rc)
		*n_pages = p.n_pages;
	return rc;
}

/* ---- child processes ---- */

/* The last bytes of a log, one line, for an error message. */
static void log_tail(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "rb");
	long sz;
	size_t got = 0;

	out[0] = '\0';
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > 0) {
		long from = sz > (long)n - 1 ? sz - (long)n + 1 : 0;
		if (fseek(f, from, SEEK_SET) == 0)
			got = fread(out, 1, n - 1, f);
	}
	out[got] = '\0';
	for (size_t i = 0; i < got; i++)
		if (out[i] == '\n' || out[i] == '\r')
			out[i] = ' ';
	fclose(f);
}

/* 1 when the file system that holds path has no space left: a child that
 * failed there could not even write why. */
static int log_full(const char *path)
{
	struct statvfs v;

	return statvfs(path, &v) == 0 && v.f_bavail == 0;
}

/* Runs argv (looked up on PATH) with stdout to out_path (or the log) and
 * stderr to log_path; KV_OK when it exits 0 (or 3 when ok3: qpdf's
 * "succeeded with warnings"). */
static int run(char *const argv[], const char *out_path, const char *log_path, int ok3,
               struct err *err)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : log_path,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == ENOENT)
		return err_set(err, KV_ENOTFOUND, "PDF/A: program '%s' not found on PATH (%s)",
		               argv[0],
		               strcmp(argv[0], "gs") == 0 ? "install ghostscript" : "install qpdf");
	if (rc)
		return err_set(err, KV_EIO, "PDF/A: cannot run %s: %s", argv[0], strerror(rc));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return err_set(err, KV_EIO, "PDF/A: waiting for %s: %s", argv[0],
			               strerror(errno));
	}
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || (ok3 && WEXITSTATUS(status) == 3)))
		return KV_OK;
	char tail[400];
	log_tail(log_path, tail, sizeof(tail));
	if (!tail[0] && log_full(log_path))
		snprintf(tail, sizeof(tail), "no space left on the device that holds %s", log_path);
	if (WIFEXITED(status))
		return err_set(err, KV_EIO, "PDF/A: %s failed with exit status %d: %s", argv[0],
		               WEXITSTATUS(status), tail[0] ? tail : "(no output)");
	return err_set(err, KV_EIO, "PDF/A: %s was killed by signal %d", argv[0],
	               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* A PostScript string literal: parentheses and backslashes escaped. */
static int ps_string(struct buf *b, const char *s)
{
	int rc = buf_putc(b, '(');
	for (; *s && !rc; s++) {
		if (*s == '(' || *s == ')' || *s == '\\')
			rc = buf_putc(b, '\\');
		rc = rc ? rc : buf_putc(b, *s);
	}
	return rc ? rc : buf_putc(b, ')');
}

static int write_file(const char *path, const char *data, size_t n, struct err *err)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return err_set(err, KV_EIO, "PDF/A: cannot write %s: %s", path, strerror(errno));
	size_t w = fwrite(data, 1, n, f);
	if (fclose(f) != 0 || w != n)
		return err_set(err, KV_EIO, "PDF/A: writing %s failed", path);
	return KV_OK;
}

/* The prefix that gives pdfwrite the sRGB OutputIntent. */
static int write_prefix(const char *path, const char *icc, struct err *err)
{
	struct buf b;
	int rc;

	buf_init(&b, 1 << 16);
	rc = buf_puts(&b, "%!\n% Kanalvakt: PDF/A-1 output intent (sRGB)\n/KvICC ");
	rc = rc ? rc : ps_string(&b, icc);
	rc = rc ? rc
	        : buf_puts(&b, " def\n"
	                       "[/_objdef {kv_icc} /type /stream /OBJ pdfmark\n"
	                       "[{kv_icc} <</N 3>> /PUT pdfmark\n"
	                       "[{kv_icc} KvICC (r) file /PUT pdfmark\n"
	                       "[/_objdef {kv_oi} /type /dict /OBJ pdfmark\n"
	                       "[{kv_oi} <</Type /OutputIntent /S /GTS_PDFA1 "
	                       "/DestOutputProfile {kv_icc} /OutputConditionIdentifier (sRGB) "
	                       "/Info (sRGB IEC61966-2.1)>> /PUT pdfmark\n"
	                       "[{Catalog} <</OutputIntents [{kv_oi}]>> /PUT pdfmark\n");
	rc = rc ? err_set(err, KV_ENOMEM, "PDF/A: prefix too large")
	        : write_file(path, buf_cstr(&b), b.len, err);
	buf_done(&b);
	return rc;
}

static void pdf_date(int64_t t, char *info, size_t ni, char *xmp, size_t nx)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(info, ni, "D:%Y%m%d%H%M%S+00'00'", &tm);
	strftime(xmp, nx, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

static int xml_text(struct buf *b, const char *s)
{
	return escape_html(b, s ? s : "");
}

static int build_xmp(struct buf *b, const struct pdfa_meta *m, const char *producer,
                     const char *creator, const char *date)
{
	int rc = buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	                     "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	                     "<rdf:Description rdf:about=\"\""
	                     " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
	                     " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
	                     " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\""
	                     " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
	                     "<dc:format>application/pdf</dc:format>\n"
	                     "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	rc = rc ? rc : xml_text(b, m->title);
	rc = rc ? rc : buf_puts(b, "</rdf:li></rdf:Alt></dc:title>\n");
	if (!rc && m->author) {
		rc = buf_puts(b, "<dc:creator><rdf:Seq><rdf:li>");
		rc = rc ? rc : xml_text(b, m->author);
		rc = rc ? rc : buf_puts(b, "</rdf:li></rdf:Seq></dc:creator>\n");
	}
	if (!rc && m->subject) {
		rc = buf_puts(b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		rc = rc ? rc : xml_text(b, m->subject);
		rc = rc ? rc : buf_puts(b, "</rdf:li></rdf:Alt></dc:description>\n");
	}
	if (!rc && m->keywords) {
		rc = buf_puts(b, "<pdf:Keywords>");
		rc = rc ? rc : xml_text(b, m->keywords);
		rc = rc ? rc : buf_puts(b, "</pdf:Keywords>\n");
	}
	rc = rc ? rc : buf_puts(b, "<pdf:Producer>");
	rc = rc ? rc : xml_text(b, producer);
	rc = rc ? rc : buf_puts(b, "</pdf:Producer>\n<xmp:CreatorTool>");
	rc = rc ? rc : xml_text(b, creator);
	rc = rc ? rc
	        : buf_printf(b,
	                     "</xmp:CreatorTool>\n<xmp:CreateDate>%s</xmp:CreateDate>\n"
	                     "<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
	                     "<xmp:MetadataDate>%s</xmp:MetadataDate>\n"
	                     "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</"
	                     "pdfaid:conformance>\n"
	                     "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n",
	                     date, date, date);
	/* Padding lets later tools edit the packet in place, as XMP advises. */
	for (int i = 0; i < 20 && !rc; i++)
		rc = buf_puts(
		        b,
		        "                                                                    \n");
	return rc ? rc : buf_puts(b, "<?xpacket end=\"w\"?>");
}

static const char *obj_key(const char *ref, char *out, size_t n)
{
	snprintf(out, n, "obj:%s", ref);
	return out;
}

static json_t *ustr(const char *s)
{
	struct buf b;
	json_t *j = NULL;

	buf_init(&b, 1 << 16);
	if (buf_puts(&b, "u:") == KV_OK && buf_puts(&b, s ? s : "") == KV_OK)
		j = json_string(buf_cstr(&b));
	buf_done(&b);
	return j;
}

/* Reads the converted file's trailer and catalog, and writes the update that
 * replaces its Info dictionary and XMP stream. */
static int write_update(const char *objs_json, const char *upd_path, const struct pdfa_meta *m,
                        struct err *err)
{
	json_error_t je;
	json_t *in = json_load_file(objs_json, 0, &je), *out = NULL;
	char key[64], info_date[40], xmp_date[40];
	const char *info_ref, *root_ref, *meta_ref;
	json_t *objs, *trailer, *cat;
	struct buf x;
	char *b64 = NULL;
	int rc = KV_OK;
	char producer[128], creator[128];

	buf_init(&x, 1 << 20);
	if (!in)
		return err_set(err, KV_EIO, "PDF/A: qpdf's JSON cannot be read: %s (line %d)",
		               je.text, je.line);
	objs = json_array_get(json_object_get(in, "qpdf"), 1);
	trailer = json_object_get(json_object_get(objs, "trailer"), "value");
	info_ref = json_string_value(json_object_get(trailer, "/Info"));
	root_ref = json_string_value(json_object_get(trailer, "/Root"));
	cat = root_ref ? json_object_get(json_object_get(objs, obj_key(root_ref, key, sizeof(key))),
	                                 "value")
	               : NULL;
	meta_ref = json_string_value(json_object_get(cat, "/Metadata"));
	if (!info_ref || !meta_ref) {
		rc = err_set(err, KV_EIO,
		             "PDF/A: Ghostscript's output has no %s (not converted to PDF/A?)",
		             info_ref ? "XMP metadata" : "Info dictionary");
		goto out;
	}
	pdf_date(m->created ? m->created : (int64_t)time(NULL), info_date, sizeof(info_date),
	         xmp_date, sizeof(xmp_date));
	snprintf(producer, sizeof(producer), "Kanalvakt %s (cairo, Ghostscript, qpdf)", KV_VERSION);
	snprintf(creator, sizeof(creator), "Kanalvakt %s", KV_VERSION);
	if (build_xmp(&x, m, producer, creator, xmp_date)) {
		rc = err_set(err, KV_ENOMEM, "PDF/A: metadata too large");
		goto out;
	}
	size_t n64 = sodium_base64_ENCODED_LEN(x.len, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(n64);
	if (!b64) {
		rc = err_set(err, KV_ENOMEM, "PDF/A: out of memory");
		goto out;
	}
	sodium_bin2base64(b64, n64, (const unsigned char *)buf_cstr(&x), x.len,
	                  sodium_base64_VARIANT_ORIGINAL);
	json_t *info = json_object();
	json_object_set_new(info, "/Title", ustr(m->title));
	if (m->author)
		json_object_set_new(info, "/Author", ustr(m->author));
	if (m->subject)
		json_object_set_new(info, "/Subject", ustr(m->subject));
	if (m->keywords)
		json_object_set_new(info, "/Keywords", ustr(m->keywords));
	json_object_set_new(info, "/Creator", ustr(creator));
	json_object_set_new(info, "/Producer", ustr(producer));
	json_object_set_new(info, "/CreationDate", ustr(info_date));
	json_object_set_new(info, "/ModDate", ustr(info_date));
	json_t *upd = json_object();
	json_object_set_new(upd, obj_key(info_ref, key, sizeof(key)),
	                    json_pack("{s:o}", "value", info));
	json_object_set_new(upd, obj_key(meta_ref, key, sizeof(key)),
	                    json_pack("{s:{s:{s:s,s:s},s:s}}", "stream", "dict", "/Type",
	                              "/Metadata", "/Subtype", "/XML", "data", b64));
	json_t *hdr = json_deep_copy(json_array_get(json_object_get(in, "qpdf"), 0));
	out = json_pack("{s:[o,o]}", "qpdf", hdr ? hdr : json_object(), upd);
	if (!out || json_dump_file(out, upd_path, JSON_COMPACT) != 0)
		rc = err_set(err, KV_EIO, "PDF/A: cannot write %s", upd_path);
out:
	free(b64);
	buf_done(&x);
	json_decref(in);
	json_decref(out);
	return rc;
}

static int read_int_file(const char *path, long *out)
{
	FILE *f = fopen(path, "r");
	char line[64];
	char *end;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = strtol(line, &end, 10);
	return end == line ? -1 : 0;
}

/* ---- the whole path ---- */

#define TMP_FILES 8

int records_pdfa_write_pages(const struct render_doc *doc, const struct pdfa_meta *meta,
                             const char *out_path, int *n_pages, struct err *err)
{
	static const char *const names[TMP_FILES] = {
	        "draw.pdf",    "kv_pdfa_prefix.ps", "gs.pdf",     "objects.json",
	        "update.json", "final.pdf",         "npages.txt", "tool.log"};
	char tmpl[PATH_MAX], f[TMP_FILES][PATH_MAX + 32], icc[PATH_MAX], permit[PATH_MAX + 32];
	char gs_out[PATH_MAX + 64], *dir_copy = NULL;
	const char *family = meta && meta->font ? meta->font : PDFA_DEFAULT_FONT;
	const char *msg;
	int pages = 0, have_tmp = 0;
	long got_pages = 0;
	int rc;

	if (render_doc_status(doc, &msg))
		return err_set(err, KV_EINVAL, "PDF document: %s", msg);
	if (!meta || !meta->title || !*meta->title)
		return err_set(err, KV_EINVAL, "PDF/A: a title is required");
	if (access(out_path, F_OK) == 0)
		return err_set(err, KV_ECONFLICT, "%s already exists; it is never overwritten",
		               out_path);
	rc = records_pdfa_check_font(family, err);
	if (rc)
		return rc;
	if (!realpath(SRGB_ICC, icc))
		return err_set(err, KV_ENOTFOUND,
		               "PDF/A: the sRGB profile %s is missing (install libgs-common)",
		               SRGB_ICC);
	dir_copy = strdup(out_path);
	if (!dir_copy)
		return err_set(err, KV_ENOMEM, "PDF/A: out of memory");
	snprintf(tmpl, sizeof(tmpl), "%s/.kv-pdfa-XXXXXX", dirname(dir_copy));
	free(dir_copy);
	if (!mkdtemp(tmpl))
		return err_set(err, KV_EIO,
		               "PDF/A: cannot make a temporary directory beside %s: %s", out_path,
		               strerror(errno));
	have_tmp = 1;
	for (int i = 0; i < TMP_FILES; i++)
		snprintf(f[i], sizeof(f[i]), "%s/%s", tmpl, names[i]);

	rc = draw_pdf(doc, family, f[0], &pages, err);
	rc = rc ? rc : write_prefix(f[1], icc, err);
	if (rc)
		goto out;
	snprintf(permit, sizeof(permit), "--permit-file-read=%s", icc);
	snprintf(gs_out, sizeof(gs_out), "-sOutputFile=%s", f[2]);
	{
		char *gs[] = {"gs",
		              "-q",
		              "-dBATCH",
		              "-dNOPAUSE",
		              "-dSAFER",
		              "-sDEVICE=pdfwrite",
		              "-dPDFA=1",
		              "-dPDFACompatibilityPolicy=1",
		              "-sColorConversionStrategy=RGB",
		              "-sProcessColorModel=DeviceRGB",
		              permit,
		              gs_out,
		              f[1],
		              f[0],
		              NULL};
		rc = run(gs, NULL, f[7], 0, err);
	}
	if (rc)
		goto out;
	{
		char *q[] = {"qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=none",
		             f[2],   NULL};
		rc = run(q, f[3], f[7], 1, err);
	}
	rc = rc ? rc : write_update(f[3], f[4], meta, err);
	if (rc)
		goto out;
	{
		char upd[PATH_MAX + 64];
		snprintf(upd, sizeof(upd), "--update-from-json=%s", f[4]);
		char *q[] = {"qpdf", upd, "--newline-before-endstream", f[2], f[5], NULL};
		rc = run(q, NULL, f[7], 1, err);
	}
	if (rc)
		goto out;
	{
		char *q[] = {"qpdf", "--show-npages", f[5], NULL};
		rc = run(q, f[6], f[7], 1, err);
	}
	if (rc)
		goto out;
	if (read_int_file(f[6], &got_pages) != 0 || got_pages != pages) {
		rc = err_set(err, KV_EIO, "PDF/A: the converted file has %ld pages, %d were drawn",
		             got_pages, pages);
		goto out;
	}
	/* link() refuses an existing name, so a file made meanwhile is kept. */
	if (link(f[5], out_path) != 0) {
		rc = errno == EEXIST
		             ? err_set(err, KV_ECONFLICT,
		                       "%s already exists; it is never overwritten", out_path)
		             : err_set(err, KV_EIO, "PDF/A: cannot write %s: %s", out_path,
		                       strerror(errno));
		goto out;
	}
	if (n_pages)
		*n_pages = pages;
out:
	if (have_tmp) {
		for (int i = 0; i < TMP_FILES; i++)
			unlink(f[i]);
		rmdir(tmpl);
	}
	return rc;
}

int records_pdfa_write(const struct render_doc *doc, const struct pdfa_meta *meta,
                       const char *out_path, struct err *err)
{
	return records_pdfa_write_pages(doc, meta, out_path, NULL, err);
}
