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

/* Columns the valid UTF-8 s (len bytes) takes on a terminal: wide (East
 * Asian, most emoji) characters take two, combining marks none. */
size_t utf8_width(const char *s, size_t len);

/* The length in bytes of the longest prefix of s (len bytes) that takes at
 * most max_cols columns, never splitting a character; its width in *cols. */
size_t utf8_fit(const char *s, size_t len, size_t max_cols, size_t *cols);

#endif
