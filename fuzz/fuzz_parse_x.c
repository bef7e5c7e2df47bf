/* libFuzzer target for capture/parse_x: the same bytes go to the streamed
 * archive reader and to the API v2 parser; both keep the item contract or
 * fail cleanly. */
#include "capture/parse_x.h"
#include "fuzz_sink.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	FILE *f;

	err_clear(&e);
	fuzz_check_err(parse_x_api((const char *)data, size, "fuzz", "kommunen", &fuzz_sink, &e),
	               &e);
	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	err_clear(&e);
	fuzz_check_err(parse_x_archive_stream(f, "fuzz", "kommunen", &fuzz_sink, &e), &e);
	fclose(f);
	return 0;
}
