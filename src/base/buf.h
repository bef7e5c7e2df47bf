/* A growable byte buffer with a hard size limit (like curl's dynbuf).
 * Every buffer that untrusted input can grow is given a limit; going past it
 * is an error, never a silent truncation. Contents are always NUL-terminated. */
#ifndef KV_BASE_BUF_H
#define KV_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;  /* NUL-terminated; NULL until the first write */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* limit on len */
};

#define BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Prepares an empty buffer that may grow to max bytes (0 = BUF_DEFAULT_MAX). */
void buf_init(struct buf *b, size_t max);

/* Frees the memory; the buffer may be initialised again. Accepts NULL. */
void buf_done(struct buf *b);

/* Empties the buffer and keeps its memory. */
void buf_clear(struct buf *b);

/* Appends n bytes. KV_ENOMEM, or KV_EINVAL when the limit would be passed;
 * on failure the buffer is unchanged. */
int buf_put(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The contents as a C string ("" when empty); borrowed. */
const char *buf_cstr(const struct buf *b);

/* Hands the heap string to the caller (free() it) and empties the buffer. */
char *buf_detach(struct buf *b);

#endif
