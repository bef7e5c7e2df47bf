/* The JSON view of a platform culling run in a list. */
#include "records/platcull_view.h"

#include "base/calendar.h"

json_t *platcull_view_json(const struct platcull_run_row *r)
{
	return json_pack("{s:I,s:I,s:s,s:I,s:o,s:s,s:s?,s:o,s:s?,s:s?}", "run", (json_int_t)r->id,
	                 "account_id", (json_int_t)r->account_id, "state", r->state, "months",
	                 (json_int_t)r->months, "as_of", calendar_json_local(r->as_of),
	                 "proposed_by", r->proposed_by, "confirmed_by", r->confirmed_by,
	                 "finished_at", calendar_json_local(r->finished_at), "list_sha256",
	                 r->list_sha256, "protokoll_pdf_sha256", r->protokoll_pdf_sha256);
}
