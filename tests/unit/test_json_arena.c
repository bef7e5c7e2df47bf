/* Tests for capture/json_arena: documents parsed into the block read back
 * right, documents larger than the block still parse (and grow it), parse
 * errors leave the arena usable, and jansson values made outside the parse
 * are ordinary heap memory that outlives a release. */
#include "testlib.h"

#include "base/buf.h"
#include "capture/json_arena.h"

#include <stdlib.h>
#include <string.h>

static void values_read_back(void)
{
	struct json_arena a;
	char line[256];

	json_arena_init(&a);
	for (int i = 0; i < 5000; i++) {
		json_error_t je;
		json_t *o;

		snprintf(line, sizeof(line),
		         "{\"id\":\"c%d\",\"n\":%d,\"author\":{\"name\":\"Åsa "
		         "%d\"},\"tags\":[1,2,%d]}",
		         i, i, i, i);
		o = json_arena_loadb(&a, line, strlen(line), JSON_REJECT_DUPLICATES, &je);
		CHECK(o != NULL);
		{
			char want[32];

			snprintf(want, sizeof(want), "c%d", i);
			CHECK_STR(json_string_value(json_object_get(o, "id")), want);
			snprintf(want, sizeof(want), "Åsa %d", i);
			CHECK_STR(json_string_value(
			                  json_object_get(json_object_get(o, "author"), "name")),
			          want);
			CHECK_INT(json_integer_value(json_object_get(o, "n")), i);
			CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "tags"), 2)),
			          i);
		}
		json_arena_release(&a, o);
	}
	CHECK(a.cap > 0);
	json_arena_done(&a);
}

/* A document far larger than the first block: what does not fit comes from
 * malloc, the values are right, and the block grows for the next one. */
static void large_document_grows_the_block(void)
{
	struct json_arena a;
	struct buf b;
	json_error_t je;
	size_t first;
	json_t *o;

	buf_init(&b, (size_t)64 << 20);
	buf_puts(&b, "[");
	for (int i = 0; i < 60000; i++)
		buf_printf(&b, "%s{\"k\":\"värde %d\"}", i ? "," : "", i);
	buf_puts(&b, "]");
	json_arena_init(&a);
	o = json_arena_loadb(&a, "{}", 2, 0, &je);
	json_arena_release(&a, o);
	first = a.cap;
	o = json_arena_loadb(&a, b.ptr, b.len, 0, &je);
	CHECK(o != NULL);
	CHECK_INT(json_array_size(o), 60000);
	CHECK_STR(json_string_value(json_object_get(json_array_get(o, 59999), "k")), "värde 59999");
	json_arena_release(&a, o);
	CHECK(a.cap > first);
	o = json_arena_loadb(&a, b.ptr, b.len, 0, &je);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(json_array_get(o, 12345), "k")), "värde 12345");
	json_arena_release(&a, o);
	json_arena_done(&a);
	buf_done(&b);
}

static void errors_leave_it_usable(void)
{
	struct json_arena a;
	json_error_t je;
	json_t *o;

	json_arena_init(&a);
	o = json_arena_loadb(&a, "{\"a\":[1,2,", 10, 0, &je);
	CHECK(o == NULL);
	CHECK(je.text[0] != '\0');
	json_arena_release(&a, o);
	o = json_arena_loadb(&a, "{\"a\":1,\"a\":2}", 13, JSON_REJECT_DUPLICATES, &je);
	CHECK(o == NULL);
	json_arena_release(&a, o);
	o = json_arena_loadb(&a, "{\"a\":[1,2]}", 11, 0, &je);
	CHECK(o != NULL);
	CHECK_INT(json_array_size(json_object_get(o, "a")), 2);
	json_arena_release(&a, o);
	json_arena_done(&a);
}

/* What a sink does while the document is alive: builds its own values and
 * text with jansson and keeps them after the release. */
static void values_made_outside_the_parse_outlive_it(void)
{
	struct json_arena a;
	json_error_t je;
	static const char doc[] = "{\"links\":[\"https://exempel.se/a\"]}";
	static const char filler[] = "{\"x\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";
	json_t *o, *mine;
	char *dump;

	json_arena_init(&a);
	o = json_arena_loadb(&a, doc, strlen(doc), 0, &je);
	CHECK(o != NULL);
	mine = json_array();
	json_array_append(mine, json_array_get(json_object_get(o, "links"), 0));
	json_array_append_new(mine, json_string("https://exempel.se/b"));
	dump = json_dumps(mine, JSON_COMPACT);
	json_decref(mine);
	json_arena_release(&a, o);
	/* The block is reused by the next document; dump must be untouched. */
	o = json_arena_loadb(&a, filler, strlen(filler), 0, &je);
	CHECK(o != NULL);
	json_arena_release(&a, o);
	CHECK_STR(dump, "[\"https://exempel.se/a\",\"https://exempel.se/b\"]");
	free(dump);
	json_arena_done(&a);
}

TEST_MAIN(T(values_read_back), T(large_document_grows_the_block), T(errors_leave_it_usable),
          T(values_made_outside_the_parse_outlive_it))
