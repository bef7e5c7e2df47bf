/* A region allocator for short-lived memory that is freed all at once: one
 * request, one batch, one loaded record. Not for memory that outlives its
 * owner; not thread-safe. */
#ifndef KV_BASE_ARENA_H
#define KV_BASE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
/* Frees every block; the arena may be used again. */
void arena_done(struct arena *a);

/* n bytes aligned for any type, zeroed; NULL when memory runs out. */
void *arena_alloc(struct arena *a, size_t n);

/* Copies of a string (NULL stays NULL) or of n bytes plus a NUL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

#endif
