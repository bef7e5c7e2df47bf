/* Plain-text tables for the list commands: a header line, then one line per
 * row, each column padded (or cut, with "…") to its width in terminal
 * columns, not bytes, so Å, Ö, emoji and long handles keep the columns
 * straight. Rows are printed as they come: nothing is held back. */
#ifndef KV_CLI_CLI_TABLE_H
#define KV_CLI_CLI_TABLE_H

#include <stdio.h>

struct cli_col {
	const char *title;
	int width; /* columns; 0 for the last column, printed as it is */
	int right; /* aligned right (numbers) */
};

/* Prints the titles (once per table). */
void cli_table_header(FILE *f, const struct cli_col *cols, int n);

/* Prints one row of n cells (NULL prints "-"). */
void cli_table_row(FILE *f, const struct cli_col *cols, int n, const char *const *cells);

#endif
