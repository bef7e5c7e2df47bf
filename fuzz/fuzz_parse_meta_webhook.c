/* libFuzzer target for the webhook and export parsers (parse_meta_webhook,
 * parse_meta_dyi and its mojibake repair): whatever the bytes, no crash, and every
 * item handed to the sink has an id and valid UTF-8 text. */
#include "base/utf8.h"
#include "capture/parse_meta.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_str(const char *s)
{
	if (s && utf8_check(s, strlen(s)) >= 0)
		abort();
}

static int on_item(void *ctx, const struct item *it, struct err *err)
{
	if (!it->platform || !it->platform_id || !*it->platform_id || !it->text)
		abort();
	if ((unsigned)it->kind > ITEM_MEDIA || (unsigned)it->state > ITEM_DELETED)
		abort();
	check_str(it->text);
	check_str(it->platform_id);
	check_str(it->parent_id);
	check_str(it->root_id);
	check_str(it->author_name);
	for (size_t i = 0; i < it->n_links; i++)
		if (!it->links[i])
			abort();
	for (size_t i = 0; i < it->n_media; i++)
		if (!it->media[i].url && !it->media[i].platform_id)
			abort();
	return 0;
}

static int on_event(void *ctx, const struct item_event *ev, struct err *err)
{
	if (!ev->platform_id || !*ev->platform_id)
		abort();
	return 0;
}

static int on_skip(void *ctx, const char *what, const char *reason, struct err *err)
{
	if (!what || !reason)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct item_sink sink = {on_item, on_event, on_skip, NULL};
	struct err err;
	char *copy;
	size_t n;
	int rc;

	err_clear(&err);
	rc = parse_meta_webhook((const char *)data, size, "fuzz", &sink, &err);
	if (rc && !err.msg[0])
		abort();
	err_clear(&err);
	rc = parse_meta_dyi((const char *)data, size, "fuzz", &sink, &err);
	if (rc && !err.msg[0])
		abort();
	/* The repair keeps valid UTF-8 valid and never grows the text. */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (utf8_check(copy, size) < 0) {
		n = meta_repair_mojibake(copy, size);
		if (n > size || utf8_check(copy, n) >= 0)
			abort();
	}
	free(copy);
	return 0;
}
