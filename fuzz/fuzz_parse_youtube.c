/* libFuzzer target for capture/parse_youtube: any bytes must give items that
 * keep the contract or a clean error, never a crash. */
#include "capture/parse_youtube.h"
#include "fuzz_sink.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;

	err_clear(&e);
	fuzz_check_err(parse_youtube((const char *)data, size, "fuzz", NULL, &fuzz_sink, &e), &e);
	return 0;
}
