/* Names of item kinds, states and events, as stored and printed. */
#include "model/item.h"

#include <string.h>

static const char *const kinds[] = {"post", "comment", "reply", "message", "media"};
static const char *const states[] = {"visible", "hidden", "deleted"};
static const char *const events[] = {"deleted", "hidden", "unhidden"};

const char *item_kind_name(enum item_kind k)
{
	return (unsigned)k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "?";
}

int item_kind_from_name(const char *s, enum item_kind *out)
{
	for (size_t i = 0; s && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0) {
			*out = (enum item_kind)i;
			return KV_OK;
		}
	return KV_EINVAL;
}

const char *item_state_name(enum item_state s)
{
	return (unsigned)s < sizeof(states) / sizeof(states[0]) ? states[s] : "?";
}

int item_state_from_name(const char *s, enum item_state *out)
{
	for (size_t i = 0; s && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(s, states[i]) == 0) {
			*out = (enum item_state)i;
			return KV_OK;
		}
	return KV_EINVAL;
}

const char *item_event_name(enum item_event_kind k)
{
	return (unsigned)k < sizeof(events) / sizeof(events[0]) ? events[k] : "?";
}
