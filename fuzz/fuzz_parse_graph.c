/* libFuzzer target for the Graph API response parser (parse_graph), its
 * paging and its error envelope: whatever the bytes, no crash, and every
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
	char *next = NULL;
	char msg[128];
	int code, sub, rc;

	err_clear(&err);
	rc = parse_graph((const char *)data, size, "fuzz", NULL, &fuzz_sink_strict, &err);
	if (rc && !err.msg[0])
		abort();
	err_clear(&err);
	rc = parse_graph((const char *)data, size, "fuzz", "104857392011234", &fuzz_sink_strict,
	                 &err);
	if (rc && !err.msg[0])
		abort();
	if (parse_meta_graph_next((const char *)data, size, &next, &err) == 0)
		free(next);
	parse_meta_graph_error((const char *)data, size, &code, &sub, msg, sizeof(msg));
	return 0;
}
