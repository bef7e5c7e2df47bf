/* UTF-8 validation and measurement (utf8proc). Everything stored is valid
 * UTF-8; input is checked at the edge with utf8_check(). */
#ifndef KV_BASE_UTF8_H
#define KV_BASE_UTF8_H

#include <stddef.h>
#include <sys/types.h>

/* Returns -1 when s[0..len) is valid UTF-8 without NUL bytes, otherwise the
 * byte offset of the first invalid sequence. */
ssize_t utf8_check(const char *s, size_t len);

/* Number of code points in valid UTF-8 s (len bytes). */
size_t utf8_length(const char *s, size_t len);

#endif
