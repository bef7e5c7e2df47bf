/* libFuzzer target for the Graph API response parser (parse_graph), its
 * paging and its error envelope: whatever the bytes, no crash, and every
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
	char *next = NULL;
	char msg[128];
	int code, sub, rc;

	err_clear(&err);
	rc = parse_graph((const char *)data, size, "fuzz", NULL, &sink, &err);
	if (rc && !err.msg[0])
		abort();
	err_clear(&err);
	rc = parse_graph((const char *)data, size, "fuzz", "104857392011234", &sink, &err);
	if (rc && !err.msg[0])
		abort();
	if (parse_graph_next((const char *)data, size, &next, &err) == 0)
		free(next);
	parse_graph_error((const char *)data, size, &code, &sub, msg, sizeof(msg));
	return 0;
}
