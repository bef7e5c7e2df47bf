/* libFuzzer target for the webhook and export parsers (parse_meta_webhook,
 * parse_meta_dyi and its mojibake repair): whatever the bytes, no crash, and every
 * item handed to the sink has an id and valid UTF-8 text. */
#include "base/utf8.h"
#include "capture/parse_meta.h"
#include "fuzz_sink.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err;
	char *copy;
	size_t n;
	int rc;

	err_clear(&err);
	rc = parse_meta_webhook((const char *)data, size, "fuzz", &fuzz_sink_strict, &err);
	if (rc && !err.msg[0])
		abort();
	err_clear(&err);
	rc = parse_meta_dyi((const char *)data, size, "fuzz", &fuzz_sink_strict, &err);
	if (rc && !err.msg[0])
		abort();
	/* The repair keeps valid UTF-8 valid and never grows the text. */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (utf8_check(copy, size) < 0) {
		n = parse_meta_repair_mojibake(copy, size);
		if (n > size || utf8_check(copy, n) >= 0)
			abort();
	}
	free(copy);
	return 0;
}
