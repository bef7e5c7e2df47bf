/* jansson's allocator hooks over a per-thread bump block. */
#include "capture/json_arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

/* Under AddressSanitizer the free part of the block is poisoned, so a value
 * used after its release is reported as it would be after free(). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KV_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define KV_ASAN 1
#endif
#ifdef KV_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* First block, and the largest: past it a document's values go to malloc. */
#define BLOCK_MIN ((size_t)256 << 10)
#define BLOCK_MAX ((size_t)64 << 20)
#define ALIGN     16

/* The arena whose document is alive on this thread: its block is where
 * frees are checked, and, while it is parsing, where allocations go. */
static _Thread_local struct json_arena *current;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static void *arena_malloc(size_t n)
{
	struct json_arena *a = current;

	if (a && a->active) {
		size_t need = (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);

		if (need >= n && a->cap - a->used >= need) {
			void *p = a->base + a->used;

			a->used += need;
			UNPOISON(p, n);
			return p;
		}
		a->over += n;
	}
	return malloc(n);
}

static void arena_free(void *p)
{
	struct json_arena *a = current;

	/* Values in the block go all at once, at release. */
	if (a && a->base && (uintptr_t)p >= (uintptr_t)a->base &&
	    (uintptr_t)p < (uintptr_t)a->base + a->cap)
		return;
	free(p);
}

static void install(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void json_arena_setup(void)
{
	pthread_once(&setup_once, install);
}

void json_arena_init(struct json_arena *a)
{
	json_arena_setup();
	a->base = NULL;
	a->cap = a->used = a->over = 0;
	a->active = 0;
}

void json_arena_done(struct json_arena *a)
{
	if (current == a)
		current = NULL;
	if (a->base)
		UNPOISON(a->base, a->cap);
	free(a->base);
	a->base = NULL;
	a->cap = a->used = a->over = 0;
}

/* A block big enough for what the last document needed; without one the
 * arena simply hands everything to malloc. */
static void grow(struct json_arena *a)
{
	size_t want = a->cap ? a->cap : BLOCK_MIN;
	char *p;

	while (want < a->used + a->over + a->over / 2 && want < BLOCK_MAX)
		want *= 2;
	if (want > BLOCK_MAX)
		want = BLOCK_MAX;
	if (want <= a->cap)
		return;
	p = malloc(want);
	if (!p)
		return;
	if (a->base)
		UNPOISON(a->base, a->cap);
	free(a->base);
	POISON(p, want);
	a->base = p;
	a->cap = want;
}

json_t *json_arena_loadb(struct json_arena *a, const char *buf, size_t len, size_t flags,
                         json_error_t *e)
{
	json_t *doc;

	if (!a->base)
		grow(a);
	current = a;
	a->active = 1;
	doc = json_loadb(buf, len, flags, e);
	a->active = 0;
	return doc;
}

void json_arena_release(struct json_arena *a, json_t *doc)
{
	json_decref(doc);
	if (current == a)
		current = NULL;
	if (a->base)
		POISON(a->base, a->used);
	if (a->over)
		grow(a);
	a->used = 0;
	a->over = 0;
}
