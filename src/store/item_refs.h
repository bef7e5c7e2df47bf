/* Finding a captured item by its platform id (the id people see on the
 * platform) within an organisation, through the (account, platform id)
 * index. Not the item queries themselves (store/items). */
#ifndef KV_STORE_ITEM_REFS_H
#define KV_STORE_ITEM_REFS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* The row id of the item of org with platform_id. KV_ENOTFOUND, or
 * KV_ECONFLICT when items of several accounts have that platform id. */
int item_refs_find(struct store *s, int64_t org, const char *platform_id, int64_t *out,
                   struct err *err);

#endif
