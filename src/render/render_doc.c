/* The document model: blocks appended front to back, strings and images
 * copied into the document's arena. Spans of the paragraph or cell being
 * built collect in a scratch array and move to the arena when it ends, so
 * the views handed to renderers never move. */
#include "render/render_doc.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8
#define MAX_COLS  16

struct render_doc {
	struct arena a;
	int rc;
	char msg[ERR_MSG_MAX];
	const char *title, *lang, *header, *footer;
	struct render_block *blocks;
	size_t n_blocks, cap_blocks;
	int depth;
	/* the paragraph or cell being built */
	int in_para, in_cell;
	enum render_style para_style;
	struct render_span *spans;
	size_t n_spans, cap_spans;
	/* the table being built */
	struct render_table *table;
	struct render_spans *cells;
	size_t n_cells, cap_cells, row_cells;
	int in_row;
};

static int fail(struct render_doc *doc, int rc, const char *msg)
{
	if (doc->rc == KV_OK) {
		doc->rc = rc;
		snprintf(doc->msg, sizeof(doc->msg), "%s", msg);
	}
	return doc->rc;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return KV_OK;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*v, n * size);
	if (!p)
		return KV_ENOMEM;
	*v = p;
	*cap = n;
	return KV_OK;
}

int render_doc_new(struct render_doc **out)
{
	struct render_doc *doc = calloc(1, sizeof(*doc));

	if (!doc)
		return KV_ENOMEM;
	arena_init(&doc->a);
	doc->lang = "sv";
	*out = doc;
	return KV_OK;
}

void render_doc_free(struct render_doc *doc)
{
	if (!doc)
		return;
	free(doc->blocks);
	free(doc->spans);
	free(doc->cells);
	arena_done(&doc->a);
	free(doc);
}

int render_doc_status(const struct render_doc *doc, const char **msg)
{
	if (!doc->rc && (doc->in_para || doc->table || doc->depth)) {
		if (msg)
			*msg = "the document has an open paragraph, table or thread block";
		return KV_EINVAL;
	}
	if (msg)
		*msg = doc->rc ? doc->msg : "";
	return doc->rc;
}

static const char *dup(struct render_doc *doc, const char *s)
{
	char *c = arena_strdup(&doc->a, s ? s : "");

	if (!c)
		fail(doc, KV_ENOMEM, "out of memory building a document");
	return c;
}

static int set_str(struct render_doc *doc, const char **slot, const char *s, int nullable)
{
	if (doc->rc)
		return doc->rc;
	if (nullable && (!s || !*s)) {
		*slot = NULL;
		return KV_OK;
	}
	*slot = dup(doc, s);
	return doc->rc;
}

int render_doc_set_title(struct render_doc *doc, const char *title)
{
	return set_str(doc, &doc->title, title, 0);
}

int render_doc_set_lang(struct render_doc *doc, const char *lang)
{
	return set_str(doc, &doc->lang, lang, 0);
}

int render_doc_set_page_header(struct render_doc *doc, const char *text)
{
	return set_str(doc, &doc->header, text, 1);
}

int render_doc_set_page_footer(struct render_doc *doc, const char *text)
{
	return set_str(doc, &doc->footer, text, 1);
}

/* A new block at the current depth; NULL (error kept) when out of place. */
static struct render_block *block_add(struct render_doc *doc, enum render_block_kind kind)
{
	if (doc->rc)
		return NULL;
	if (doc->in_para || doc->table) {
		fail(doc, KV_EINVAL, "a block was added inside an open paragraph or table");
		return NULL;
	}
	if (grow((void **)&doc->blocks, &doc->cap_blocks, doc->n_blocks + 1,
	         sizeof(*doc->blocks))) {
		fail(doc, KV_ENOMEM, "out of memory building a document");
		return NULL;
	}
	struct render_block *b = &doc->blocks[doc->n_blocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->depth = doc->depth;
	return b;
}

static int span_add(struct render_doc *doc, enum render_span_kind kind, const char *text,
                    const char *href)
{
	if (doc->rc)
		return doc->rc;
	if (!doc->in_para && !doc->in_cell)
		return fail(doc, KV_EINVAL, "a text span was added outside a paragraph or cell");
	if (grow((void **)&doc->spans, &doc->cap_spans, doc->n_spans + 1, sizeof(*doc->spans)))
		return fail(doc, KV_ENOMEM, "out of memory building a document");
	struct render_span *s = &doc->spans[doc->n_spans];
	s->kind = kind;
	s->text = kind == RENDER_S_BREAK ? "" : dup(doc, text);
	s->href = href ? dup(doc, href) : NULL;
	if (doc->rc)
		return doc->rc;
	doc->n_spans++;
	return KV_OK;
}

/* Moves the scratch spans into the arena. */
static int spans_take(struct render_doc *doc, struct render_spans *out)
{
	struct render_span *v = NULL;

	if (doc->n_spans) {
		v = arena_alloc(&doc->a, doc->n_spans * sizeof(*v));
		if (!v)
			return fail(doc, KV_ENOMEM, "out of memory building a document");
		memcpy(v, doc->spans, doc->n_spans * sizeof(*v));
	}
	out->v = v;
	out->n = doc->n_spans;
	doc->n_spans = 0;
	return KV_OK;
}

int render_doc_heading(struct render_doc *doc, int level, const char *text)
{
	if (!doc->rc && (level < 1 || level > 3))
		return fail(doc, KV_EINVAL, "a heading level must be 1, 2 or 3");
	int rc = render_doc_para_begin(doc, RENDER_BODY);
	rc = rc ? rc : render_doc_text(doc, text);
	rc = rc ? rc : render_doc_para_end(doc);
	if (!rc) {
		doc->blocks[doc->n_blocks - 1].kind = RENDER_B_HEADING;
		doc->blocks[doc->n_blocks - 1].level = level;
	}
	return rc;
}

int render_doc_paragraph(struct render_doc *doc, enum render_style style, const char *text)
{
	int rc = render_doc_para_begin(doc, style);

	/* Newlines are line breaks: one text span per line. */
	for (const char *p = text ? text : ""; !rc;) {
		const char *nl = strchr(p, '\n');
		if (!nl) {
			rc = render_doc_text(doc, p);
			break;
		}
		char *line = arena_strndup(&doc->a, p, (size_t)(nl - p));
		if (!line)
			return fail(doc, KV_ENOMEM, "out of memory building a document");
		rc = render_doc_text(doc, line);
		rc = rc ? rc : render_doc_break(doc);
		p = nl + 1;
	}
	return rc ? rc : render_doc_para_end(doc);
}

int render_doc_para_begin(struct render_doc *doc, enum render_style style)
{
	if (doc->rc)
		return doc->rc;
	if (doc->in_para || doc->table)
		return fail(doc, KV_EINVAL, "a paragraph was begun inside a paragraph or table");
	doc->in_para = 1;
	doc->para_style = style;
	doc->n_spans = 0;
	return KV_OK;
}

int render_doc_para_end(struct render_doc *doc)
{
	struct render_spans sp;

	if (doc->rc)
		return doc->rc;
	if (!doc->in_para)
		return fail(doc, KV_EINVAL, "a paragraph was ended that was not begun");
	if (spans_take(doc, &sp))
		return doc->rc;
	doc->in_para = 0;
	struct render_block *b = block_add(doc, RENDER_B_PARA);
	if (!b)
		return doc->rc;
	b->style = doc->para_style;
	b->spans = sp;
	return KV_OK;
}

int render_doc_text(struct render_doc *doc, const char *text)
{
	return span_add(doc, RENDER_S_TEXT, text, NULL);
}

int render_doc_link(struct render_doc *doc, const char *href, const char *text)
{
	return span_add(doc, RENDER_S_LINK, text ? text : href, href ? href : "");
}

int render_doc_break(struct render_doc *doc)
{
	return span_add(doc, RENDER_S_BREAK, NULL, NULL);
}

int render_doc_mask(struct render_doc *doc, const char *reason)
{
	return span_add(doc, RENDER_S_MASK, reason, NULL);
}

int render_doc_mask_block(struct render_doc *doc, const char *reason)
{
	int rc = render_doc_para_begin(doc, RENDER_BODY);
	rc = rc ? rc : render_doc_mask(doc, reason);
	rc = rc ? rc : render_doc_para_end(doc);
	if (!rc)
		doc->blocks[doc->n_blocks - 1].kind = RENDER_B_MASK;
	return rc;
}

int render_doc_kv(struct render_doc *doc, const char *key, const char *value)
{
	int rc = render_doc_para_begin(doc, RENDER_BODY);
	rc = rc ? rc : render_doc_text(doc, key);
	rc = rc ? rc : render_doc_text(doc, value);
	rc = rc ? rc : render_doc_para_end(doc);
	if (!rc)
		doc->blocks[doc->n_blocks - 1].kind = RENDER_B_KV;
	return rc;
}

int render_doc_table_begin(struct render_doc *doc, const char *caption, size_t n_cols,
                           const char *const *headers)
{
	if (doc->rc)
		return doc->rc;
	if (doc->in_para || doc->table)
		return fail(doc, KV_EINVAL, "a table was begun inside a paragraph or table");
	if (n_cols < 1 || n_cols > MAX_COLS)
		return fail(doc, KV_EINVAL, "a table must have 1 to 16 columns");
	struct render_table *t = arena_alloc(&doc->a, sizeof(*t));
	if (!t)
		return fail(doc, KV_ENOMEM, "out of memory building a document");
	t->caption = caption ? dup(doc, caption) : NULL;
	t->n_cols = n_cols;
	if (headers) {
		const char **h = arena_alloc(&doc->a, n_cols * sizeof(*h));
		if (!h)
			return fail(doc, KV_ENOMEM, "out of memory building a document");
		for (size_t i = 0; i < n_cols; i++)
			h[i] = dup(doc, headers[i]);
		t->headers = h;
	}
	doc->table = t;
	doc->n_cells = 0;
	return doc->rc;
}

int render_doc_row_begin(struct render_doc *doc)
{
	if (doc->rc)
		return doc->rc;
	if (!doc->table || doc->in_row)
		return fail(doc, KV_EINVAL, "a table row was begun outside a table");
	doc->in_row = 1;
	doc->row_cells = 0;
	return KV_OK;
}

int render_doc_cell_begin(struct render_doc *doc)
{
	if (doc->rc)
		return doc->rc;
	if (!doc->in_row || doc->in_cell)
		return fail(doc, KV_EINVAL, "a table cell was begun outside a row");
	if (doc->row_cells >= doc->table->n_cols)
		return fail(doc, KV_EINVAL,
		            "a table row has more cells than the table has columns");
	doc->in_cell = 1;
	doc->n_spans = 0;
	return KV_OK;
}

int render_doc_cell_end(struct render_doc *doc)
{
	struct render_spans sp;

	if (doc->rc)
		return doc->rc;
	if (!doc->in_cell)
		return fail(doc, KV_EINVAL, "a table cell was ended that was not begun");
	if (spans_take(doc, &sp))
		return doc->rc;
	if (grow((void **)&doc->cells, &doc->cap_cells, doc->n_cells + 1, sizeof(*doc->cells)))
		return fail(doc, KV_ENOMEM, "out of memory building a document");
	doc->cells[doc->n_cells++] = sp;
	doc->in_cell = 0;
	doc->row_cells++;
	return KV_OK;
}

int render_doc_cell(struct render_doc *doc, const char *text)
{
	int rc = render_doc_cell_begin(doc);

	if (!rc && text && *text)
		rc = render_doc_text(doc, text);
	return rc ? rc : render_doc_cell_end(doc);
}

int render_doc_row_end(struct render_doc *doc)
{
	if (doc->rc)
		return doc->rc;
	if (!doc->in_row || doc->in_cell)
		return fail(doc, KV_EINVAL, "a table row was ended that was not begun");
	if (doc->row_cells != doc->table->n_cols)
		return fail(doc, KV_EINVAL,
		            "a table row has fewer cells than the table has columns");
	doc->in_row = 0;
	doc->table->n_rows++;
	return KV_OK;
}

int render_doc_table_end(struct render_doc *doc)
{
	if (doc->rc)
		return doc->rc;
	if (!doc->table || doc->in_row)
		return fail(doc, KV_EINVAL, "a table was ended that was not begun, or in a row");
	struct render_table *t = doc->table;
	struct render_spans *cells = NULL;
	if (doc->n_cells) {
		cells = arena_alloc(&doc->a, doc->n_cells * sizeof(*cells));
		if (!cells)
			return fail(doc, KV_ENOMEM, "out of memory building a document");
		memcpy(cells, doc->cells, doc->n_cells * sizeof(*cells));
	}
	t->cells = cells;
	doc->table = NULL;
	struct render_block *b = block_add(doc, RENDER_B_TABLE);
	if (!b)
		return doc->rc;
	b->table = t;
	return KV_OK;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The size from a JPEG's first start-of-frame marker: walk the marker
 * segments (each FF xx with a 16-bit length) until SOF0..SOF15 except the
 * DHT/JPG/DAC codes C4, C8, CC. */
static int jpeg_size(const unsigned char *d, size_t n, int *w, int *h, struct err *err)
{
	size_t i = 2;

	if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
		return err_set(err, KV_EINVAL, "image: not a JPEG (no start-of-image marker)");
	while (i + 4 <= n) {
		if (d[i] != 0xFF)
			return err_set(err, KV_EINVAL, "image: JPEG marker expected at byte %zu",
			               i);
		unsigned m = d[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
			i += 2;
			continue;
		}
		size_t len = (size_t)d[i + 2] << 8 | d[i + 3];
		if (len < 2 || i + 2 + len > n)
			break;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (len < 7)
				break;
			*h = d[i + 5] << 8 | d[i + 6];
			*w = d[i + 7] << 8 | d[i + 8];
			if (*w <= 0 || *h <= 0)
				return err_set(err, KV_EINVAL, "image: JPEG with no size");
			return KV_OK;
		}
		if (m == 0xDA || m == 0xD9)
			break;
		i += 2 + len;
	}
	return err_set(err, KV_EINVAL, "image: JPEG without a frame header (cut short?)");
}

int render_doc_image_size(const void *data, size_t len, const char *mime, int *width, int *height,
                          struct err *err)
{
	const unsigned char *d = data;

	if (!mime || !data)
		return err_set(err, KV_EINVAL, "image: no data or type");
	if (strcmp(mime, "image/jpeg") == 0)
		return jpeg_size(d, len, width, height, err);
	if (strcmp(mime, "image/png") == 0) {
		static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
		if (len < 24 || memcmp(d, sig, 8) != 0 || memcmp(d + 12, "IHDR", 4) != 0)
			return err_set(err, KV_EINVAL,
			               "image: not a PNG (bad signature or header)");
		uint32_t w = be32(d + 16), h = be32(d + 20);
		if (w == 0 || h == 0 || w > 30000 || h > 30000)
			return err_set(err, KV_EINVAL, "image: PNG size %ux%u out of range", w, h);
		*width = (int)w;
		*height = (int)h;
		return KV_OK;
	}
	return err_set(err, KV_EINVAL, "image: type '%s' is not image/jpeg or image/png", mime);
}

int render_doc_image(struct render_doc *doc, const void *data, size_t len, const char *mime,
                     const char *caption)
{
	struct err e;
	int w = 0, h = 0;

	if (doc->rc)
		return doc->rc;
	err_clear(&e);
	if (render_doc_image_size(data, len, mime, &w, &h, &e))
		return fail(doc, KV_EINVAL, e.msg);
	struct render_image *im = arena_alloc(&doc->a, sizeof(*im));
	unsigned char *copy = arena_alloc(&doc->a, len);
	if (!im || !copy)
		return fail(doc, KV_ENOMEM, "out of memory building a document");
	memcpy(copy, data, len);
	im->data = copy;
	im->len = len;
	im->mime = strcmp(mime, "image/png") == 0 ? "image/png" : "image/jpeg";
	im->width = w;
	im->height = h;
	im->caption = caption ? dup(doc, caption) : NULL;
	struct render_block *b = block_add(doc, RENDER_B_IMAGE);
	if (!b)
		return doc->rc;
	b->image = im;
	return doc->rc;
}

int render_doc_indent_begin(struct render_doc *doc)
{
	if (doc->rc)
		return doc->rc;
	if (doc->depth >= MAX_DEPTH)
		return fail(doc, KV_EINVAL, "thread blocks nest deeper than 8");
	doc->depth++;
	return KV_OK;
}

int render_doc_indent_end(struct render_doc *doc)
{
	if (doc->rc)
		return doc->rc;
	if (doc->depth == 0)
		return fail(doc, KV_EINVAL, "a thread block was ended that was not begun");
	doc->depth--;
	return KV_OK;
}

int render_doc_page_break(struct render_doc *doc)
{
	return block_add(doc, RENDER_B_PAGE_BREAK) ? KV_OK : doc->rc;
}

size_t render_doc_n_blocks(const struct render_doc *doc)
{
	return doc->n_blocks;
}

const struct render_block *render_doc_block(const struct render_doc *doc, size_t i)
{
	return i < doc->n_blocks ? &doc->blocks[i] : NULL;
}

const char *render_doc_title(const struct render_doc *doc)
{
	return doc->title;
}

const char *render_doc_lang(const struct render_doc *doc)
{
	return doc->lang;
}

const char *render_doc_page_header(const struct render_doc *doc)
{
	return doc->header;
}

const char *render_doc_page_footer(const struct render_doc *doc)
{
	return doc->footer;
}
