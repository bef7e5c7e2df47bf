/* libFuzzer target for capture/parse_feed: RSS/Atom from any bytes keeps the
 * item contract or fails cleanly (and never reads outside the input). */
#include "capture/parse_feed.h"
#include "fuzz_sink.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	err_clear(&e);
	fuzz_check_err(parse_feed((const char *)data, size, "fuzz", NULL, &fuzz_sink, &e), &e);
	return 0;
}
