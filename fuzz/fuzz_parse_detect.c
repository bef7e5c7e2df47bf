/* libFuzzer target for capture/parse format detection: any head of a file
 * gives a format or the "cannot tell" error, never a crash. */
#include "capture/parse.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum parse_format f = PARSE_AUTO;
	struct err e;
	int rc;

	err_clear(&e);
	rc = parse_detect((const char *)data, size, "fuzz", &f, &e);
	if (rc == 0 && (f == PARSE_AUTO || f > PARSE_JSONL))
		abort();
	if (rc != 0 && e.msg[0] == '\0')
		abort();
	return 0;
}
