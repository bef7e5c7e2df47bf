/* The JSON view of a platform culling run as its list gives it (records/
 * platcull runs them; their protokoll is platcull_protokoll). Kept apart so
 * the list and the API print one view. Not the protokoll. */
#ifndef KV_RECORDS_PLATCULL_VIEW_H
#define KV_RECORDS_PLATCULL_VIEW_H

#include "store/platcull_rows.h"

#include <jansson.h>

/* A run as JSON (new reference; NULL when out of memory): run, account_id,
 * state, months, as_of, proposed_by, confirmed_by, finished_at,
 * list_sha256 and protokoll_pdf_sha256 (the protokoll as PDF/A in the blob
 * store, null until the run is done), the fields `cull list --platform --json` prints, as
 * GET /api/v1/platform-culls gives them. */
json_t *platcull_view_json(const struct platcull_run_row *r);

#endif
