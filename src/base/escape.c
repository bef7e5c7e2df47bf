/* HTML and CSV escaping into a struct buf. */
#include "base/escape.h"

#include "base/err.h"

#include <string.h>

int escape_html(struct buf *b, const char *s)
{
	int rc = KV_OK;

	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '&':
			rc = buf_puts(b, "&amp;");
			break;
		case '<':
			rc = buf_puts(b, "&lt;");
			break;
		case '>':
			rc = buf_puts(b, "&gt;");
			break;
		case '"':
			rc = buf_puts(b, "&quot;");
			break;
		case '\'':
			rc = buf_puts(b, "&#39;");
			break;
		default:
			rc = buf_putc(b, *s);
		}
	}
	return rc;
}

int escape_csv(struct buf *b, const char *s)
{
	int rc = KV_OK;

	if (!s)
		return KV_OK;
	if (!strpbrk(s, ",\"\r\n") && !strchr("=+-@", s[0]))
		return buf_puts(b, s);
	rc = buf_putc(b, '"');
	if (!rc && strchr("=+-@", s[0]) && s[0])
		rc = buf_putc(b, '\'');
	for (; *s && !rc; s++)
		rc = *s == '"' ? buf_puts(b, "\"\"") : buf_putc(b, *s);
	return rc ? rc : buf_putc(b, '"');
}
