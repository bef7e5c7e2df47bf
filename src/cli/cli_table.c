/* Display-width tables for the plain output of the list commands. */
#include "cli/cli_table.h"

#include "base/utf8.h"

#include <string.h>

static void cell(FILE *f, const struct cli_col *c, const char *s, int last)
{
	size_t len = strlen(s), cols, fit;
	size_t width = c->width > 0 ? (size_t)c->width : 0;

	if (!width) {
		fputs(s, f);
		return;
	}
	fit = utf8_fit(s, len, width, &cols);
	if (fit < len) {
		/* Cut one column short and mark the cut. */
		fit = utf8_fit(s, len, width - 1, &cols);
		if (c->right)
			fprintf(f, "%*s", (int)(width - cols - 1), "");
		fwrite(s, 1, fit, f);
		fputs("…", f);
		return;
	}
	if (c->right)
		fprintf(f, "%*s", (int)(width - cols), "");
	fwrite(s, 1, fit, f);
	if (!c->right && !last)
		fprintf(f, "%*s", (int)(width - cols), "");
}

void cli_table_row(FILE *f, const struct cli_col *cols, int n, const char *const *cells)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(' ', f);
		cell(f, &cols[i], cells[i] ? cells[i] : "-", i == n - 1);
	}
	fputc('\n', f);
}

void cli_table_header(FILE *f, const struct cli_col *cols, int n)
{
	const char *titles[32];

	if (n > 32)
		n = 32;
	for (int i = 0; i < n; i++)
		titles[i] = cols[i].title;
	cli_table_row(f, cols, n, titles);
}
