/* Parsing many small JSON documents one after another (the lines of JSON
 * Lines, the elements of an X archive) with jansson's memory taken from one
 * block that is reset after each document, instead of a malloc and a free
 * for every value: at a million lines that is half the parsing time.
 * Not for documents whose values outlive json_arena_release(). */
#ifndef KV_CAPTURE_JSON_ARENA_H
#define KV_CAPTURE_JSON_ARENA_H

#include <jansson.h>
#include <stddef.h>

struct json_arena {
	char *base;
	size_t cap;  /* bytes in the block */
	size_t used; /* bytes handed out since the last release */
	size_t over; /* bytes that did not fit and went to malloc */
	int active;  /* allocations come from the block */
};

/* Points jansson's allocator at ours; ours hands memory to plain malloc and
 * free whenever no arena is parsing, so it may be called at any time, but
 * should be called before threads start (it sets process-wide pointers).
 * Idempotent; json_arena_init calls it too. */
void json_arena_setup(void);

/* An arena with an empty block; grows as documents need. */
void json_arena_init(struct json_arena *a);
/* Frees the block. No document of this arena may be alive. */
void json_arena_done(struct json_arena *a);

/* json_loadb with every value of the document in a's block (what does not
 * fit goes to malloc). The document is valid until json_arena_release; on
 * this thread only one arena document may be alive at a time. Returns NULL
 * with e filled in on a parse error, like json_loadb. */
json_t *json_arena_loadb(struct json_arena *a, const char *buf, size_t len, size_t flags,
                         json_error_t *e);

/* Drops doc (may be NULL) and makes the whole block free again; grows the
 * block when the document did not fit. Values made by jansson on this thread
 * between load and release outside the parse itself come from malloc and may
 * outlive the release. */
void json_arena_release(struct json_arena *a, json_t *doc);

#endif
