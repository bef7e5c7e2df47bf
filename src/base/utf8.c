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
