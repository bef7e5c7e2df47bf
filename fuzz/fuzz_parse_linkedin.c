/* libFuzzer target for capture/parse_linkedin: pages of posts and comments,
 * batch gets and single objects from any bytes keep the item contract or
 * fail cleanly, with and without the post the comments were read for. */
#include "capture/parse_linkedin.h"
#include "fuzz_sink.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	err_clear(&e);
	fuzz_check_err(parse_linkedin((const char *)data, size, "fuzz", NULL, &fuzz_sink, &e), &e);
	err_clear(&e);
	fuzz_check_err(
	        parse_linkedin((const char *)data, size, "fuzz", "urn:li:share:1", &fuzz_sink, &e),
	        &e);
	return 0;
}
