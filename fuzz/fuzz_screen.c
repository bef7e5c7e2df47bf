/* libFuzzer target for the screening entry point: any bytes (invalid UTF-8,
 * NULs, huge runs) must screen without a crash, and every flag must point
 * inside the input. Uses the shipped Swedish rules. */
#include "screen/normalize.h"
#include "screen/screen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct screen *s;
	static struct screen_scratch *sc;
	static struct norm n;
	const struct screen_result *r;
	struct err e;

	if (!s) {
		const char *root = getenv("KV_SOURCE_DIR");
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/rules/sv", root ? root : KV_SOURCE_DIR);
		if (screen_new(&s, dir, &e) != KV_OK || screen_scratch_new(&sc, s, &e) != KV_OK) {
			fprintf(stderr, "fuzz_screen: %s\n", e.msg);
			abort();
		}
		normalize_init(&n);
	}
	if (screen_text(&r, sc, (const char *)data, size, &e) != KV_OK)
		abort();
	for (size_t k = 0; k < r->nflags; k++)
		if (r->flags[k].start > r->flags[k].end || r->flags[k].end > size ||
		    r->flags[k].score < 0 || r->flags[k].score > 1)
			abort();
	if (normalize_text(&n, (const char *)data, size, &e) != KV_OK)
		abort();
	for (size_t k = 0; k <= n.len; k++)
		if (n.map[k] > size || (k > 0 && n.map[k] < n.map[k - 1]))
			abort();
	return 0;
}
