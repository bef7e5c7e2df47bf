/* libFuzzer target for capture/parse_mastodon: statuses, contexts and edit
 * histories from any bytes keep the item contract or fail cleanly. */
#include "capture/parse_mastodon.h"
#include "fuzz_sink.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	err_clear(&e);
	fuzz_check_err(parse_mastodon((const char *)data, size, "1.history.json", "kommunen",
	                              &fuzz_sink, &e),
	               &e);
	err_clear(&e);
	fuzz_check_err(
	        parse_mastodon_history((const char *)data, size, "fuzz", "1", &fuzz_sink, &e), &e);
	return 0;
}
