/* The PDF/A-1b writer: output read back with pdftotext and pdffonts, and
 * validated with Apache PDFBox Preflight (scripts/pdfa-preflight). */
#include "base/buf.h"
#include "records/records_pdfa.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *run_out(const char *prog, const char *arg, const char *tail, int *status)
{
	char cmd[8192];
	struct buf b;
	char chunk[4096];
	size_t n;

	snprintf(cmd, sizeof(cmd), "%s '%s' %s", prog, arg, tail);
	FILE *p = popen(cmd, "r");
	CHECK(p);
	buf_init(&b, 1 << 26);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		CHECK_INT(buf_put(&b, chunk, n), 0);
	int st = pclose(p);
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	if (!b.ptr)
		buf_puts(&b, "");
	return buf_detach(&b);
}

static struct render_doc *sample_doc(int n_posts)
{
	struct render_doc *doc = NULL;
	size_t nj = 0, np = 0;
	char *jpg = test_read_file(test_source_path("tests/fixtures/images/gradient.jpg"), &nj);
	char *png = test_read_file(test_source_path("tests/fixtures/images/circle.png"), &np);
	const char *heads[] = {"Kanal", "Konto", "Kontakt"};
	char line[256];

	CHECK(jpg && png);
	CHECK_INT(render_doc_new(&doc), 0);
	render_doc_set_title(doc, "Facebook Fritidsfabriken 2026-06-30 periodiskt uttag");
	render_doc_set_page_header(doc, "Dnr KS 2026/123 – utlämnande");
	render_doc_set_page_footer(doc, "Exempelby kommun");
	render_doc_heading(doc, 1, "Fritidsfabriken på Facebook");
	render_doc_kv(doc, "Verksamhet", "Kultur- och fritidsförvaltningen");
	render_doc_kv(doc, "Uttaget", "2026-06-30");
	render_doc_table_begin(doc, "Konton", 3, heads);
	render_doc_row_begin(doc);
	render_doc_cell(doc, "Facebook");
	render_doc_cell_begin(doc);
	render_doc_link(doc, "https://www.facebook.com/fritid", "Fritidsfabriken");
	render_doc_cell_end(doc);
	render_doc_cell(doc, "Kommunikatör");
	render_doc_row_end(doc);
	render_doc_table_end(doc);
	render_doc_image(doc, jpg, nj, "image/jpeg", "Profilbild");
	for (int i = 0; i < n_posts; i++) {
		snprintf(line, sizeof(line), "Inlägg %d · 2026-03-%02d 12:00", i + 1, i % 28 + 1);
		render_doc_paragraph(doc, RENDER_META, line);
		render_doc_paragraph(doc, RENDER_BODY,
		                     "Välkommen till sommarlovets aktiviteter på ängen vid "
		                     "Åsundens strand! Öppet hus för alla åldrar.");
		render_doc_indent_begin(doc);
		render_doc_para_begin(doc, RENDER_BODY);
		render_doc_text(doc, "Ring mig på ");
		render_doc_mask(doc, "OSL 21 kap. 7 §");
		render_doc_text(doc, " så bokar vi.");
		render_doc_para_end(doc);
		render_doc_paragraph(doc, RENDER_NOTE, "Borttaget på plattformen 2026-04-01");
		render_doc_indent_end(doc);
		if (i == 0)
			render_doc_image(doc, png, np, "image/png", NULL);
	}
	render_doc_paragraph(doc, RENDER_MONO, "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4");
	free(jpg);
	free(png);
	CHECK_INT(render_doc_status(doc, NULL), 0);
	return doc;
}

static void writes_valid_pdfa_with_swedish_text(void)
{
	struct render_doc *doc = sample_doc(40);
	struct pdfa_meta m = {.title = "Facebook Fritidsgården Åby 2026-06-30 periodiskt uttag",
	                      .author = "Exempelby kommun",
	                      .subject = "Periodiskt uttag",
	                      .keywords = "Dnr KS 2026/123",
	                      .created = 1782820800};
	struct err e = {0};
	char path[4096];
	int pages = 0, st;

	snprintf(path, sizeof(path), "%s/uttag åäö.pdf", test_tmpdir());
	int rc = records_pdfa_write_pages(doc, &m, path, &pages, &e);
	if (rc)
		test_fail(__FILE__, __LINE__, "write: %s", e.msg);
	CHECK(pages >= 3);

	char *txt = run_out("pdftotext -enc UTF-8 -eol unix", path, "-", &st);
	CHECK_INT(st, 0);
	CHECK_CONTAINS(txt, "Åsundens strand");
	CHECK_CONTAINS(txt, "Kultur- och fritidsförvaltningen");
	CHECK_CONTAINS(txt, "Maskerat: OSL 21 kap. 7 §");
	CHECK_CONTAINS(txt, "Dnr KS 2026/123 – utlämnande");
	char want[64];
	snprintf(want, sizeof(want), "Sida %d av %d", pages, pages);
	CHECK_CONTAINS(txt, want);
	/* The header is on every page. */
	int n_hdr = 0;
	for (const char *p = txt; (p = strstr(p, "Dnr KS 2026/123 – utlämnande")); p++)
		n_hdr++;
	CHECK_INT(n_hdr, pages);
	free(txt);

	char *info = run_out("pdfinfo -enc UTF-8", path, "", &st);
	CHECK_INT(st, 0);
	/* Non-ASCII title kept in the Info dictionary (and XMP, which Preflight
	 * compares with it below). */
	CHECK_CONTAINS(info, "Facebook Fritidsgården Åby 2026-06-30 periodiskt uttag");
	CHECK_CONTAINS(info, "Exempelby kommun");
	CHECK_CONTAINS(info, "Tue Jun 30 12:00:00 2026 UTC");
	free(info);

	char *fonts = run_out("pdffonts", path, "", &st);
	CHECK_INT(st, 0);
	CHECK_CONTAINS(fonts, "DejaVuSans");
	/* Every font line says "yes" under emb: no line with " no " there. */
	CHECK(!strstr(fonts, " no  "));
	free(fonts);

	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "%s '%s' >%s/preflight.log 2>&1",
	         test_source_path("scripts/pdfa-preflight"), path, test_tmpdir());
	st = system(cmd);
	if (st != 0) {
		char log[4200];
		snprintf(log, sizeof(log), "%s/preflight.log", test_tmpdir());
		char *l = test_read_file(log, NULL);
		test_fail(__FILE__, __LINE__, "Preflight refused the file: %s", l ? l : "");
	}
	/* No temporary directory is left beside the output. */
	char *ls = run_out("ls -A", test_tmpdir(), "", NULL);
	CHECK(!strstr(ls, ".kv-pdfa-"));
	free(ls);
	render_doc_free(doc);
}

static void existing_file_and_missing_font_are_refused(void)
{
	struct render_doc *doc = sample_doc(1);
	struct pdfa_meta m = {.title = "T", .created = 1782820800};
	struct err e = {0};
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/exists.pdf", test_tmpdir());
	test_write_file(path, "keep", 4);
	CHECK_INT(records_pdfa_write(doc, &m, path, &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "already exists");
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_size, 4);

	snprintf(path, sizeof(path), "%s/font.pdf", test_tmpdir());
	m.font = "Kanalvakt Nonexistent Sans";
	CHECK_INT(records_pdfa_write(doc, &m, path, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "'Kanalvakt Nonexistent Sans' is not installed");
	CHECK(access(path, F_OK) != 0);
	CHECK_INT(records_pdfa_check_font("DejaVu Sans", &e), 0);

	m.font = NULL;
	m.title = NULL;
	CHECK_INT(records_pdfa_write(doc, &m, path, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "title");
	render_doc_free(doc);

	/* A document left with an error is refused before anything is written. */
	render_doc_new(&doc);
	render_doc_text(doc, "loose");
	m.title = "T";
	CHECK_INT(records_pdfa_write(doc, &m, path, &e), KV_EINVAL);
	CHECK(access(path, F_OK) != 0);
	render_doc_free(doc);
}

static void missing_tools_are_named(void)
{
	struct render_doc *doc = sample_doc(1);
	struct pdfa_meta m = {.title = "T", .created = 1782820800};
	struct err e = {0};
	char path[4096];

	snprintf(path, sizeof(path), "%s/nogs.pdf", test_tmpdir());
	setenv("PATH", "/nonexistent", 1);
	CHECK_INT(records_pdfa_write(doc, &m, path, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "'gs' not found");
	CHECK(access(path, F_OK) != 0);
	render_doc_free(doc);
}

TEST_MAIN(T(writes_valid_pdfa_with_swedish_text), T(existing_file_and_missing_font_are_refused),
          T(missing_tools_are_named))
