/* How far each part of the workflow (inbox, cases, ...) has looked at the
 * captured items of an organisation: one row per part name in
 * workflow_cursor, holding the highest item id handled. Only rows; the parts
 * decide what "handled" means (workflow/sync). */
#ifndef KV_STORE_WORKFLOW_CURSOR_H
#define KV_STORE_WORKFLOW_CURSOR_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* The last item id handled by part name in org into *out (0 when the part
 * never ran). KV_EIO on a database failure. */
int workflow_cursor_get(struct store *s, int64_t org, const char *name, int64_t *out,
                        struct err *err);

/* Records last_item_id for part name (in the caller's transaction).
 * KV_ECONFLICT when org does not exist, KV_EIO on a database failure. */
int workflow_cursor_set(struct store *s, int64_t org, const char *name, int64_t last_item_id,
                        struct err *err);

#endif
