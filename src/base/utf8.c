/* UTF-8 checks on utf8proc's decoder. */
#include "base/utf8.h"

#include <utf8proc.h>

ssize_t utf8_check(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0)
			return (ssize_t)i;
		i += (size_t)n;
	}
	return -1;
}

size_t utf8_length(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

size_t utf8_fit(const char *s, size_t len, size_t max_cols, size_t *cols)
{
	size_t i = 0, w = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(len - i), &cp);
		int cw;

		if (n <= 0) {
			/* Not UTF-8: a byte is a column, as a terminal shows it. */
			n = 1;
			cw = 1;
		} else {
			cw = utf8proc_charwidth(cp);
			if (cw < 0)
				cw = 0;
		}
		if (w + (size_t)cw > max_cols)
			break;
		w += (size_t)cw;
		i += (size_t)n;
	}
	if (cols)
		*cols = w;
	return i;
}

size_t utf8_width(const char *s, size_t len)
{
	size_t w;

	utf8_fit(s, len, (size_t)-1, &w);
	return w;
}
