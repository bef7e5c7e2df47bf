/* libFuzzer target for capture/parse_jsonl: any bytes give items and events
 * that keep the contract or a clean error naming the line. */
#include "capture/parse_jsonl.h"
#include "fuzz_sink.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	FILE *f;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	err_clear(&e);
	fuzz_check_err(parse_jsonl_stream(f, "fuzz", &fuzz_sink, &e), &e);
	fclose(f);
	return 0;
}
