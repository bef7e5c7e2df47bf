/* Case states: names, open and overdue. */
#include "model/case_state.h"

#include <string.h>

static const char *const names[] = {"open", "pending_confirmation", "kept", "hidden", "removed"};

const char *case_state_name(enum case_state s)
{
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int case_state_from_name(const char *name, enum case_state *out, struct err *err)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (name && strcmp(name, names[i]) == 0) {
			*out = (enum case_state)i;
			return KV_OK;
		}
	}
	return err_set(err, KV_EINVAL,
	               "case state '%s' is unknown (open, pending_confirmation, kept, hidden, "
	               "removed)",
	               name ? name : "");
}

int case_state_is_open(enum case_state s)
{
	return s == CASE_STATE_OPEN || s == CASE_STATE_PENDING_CONFIRMATION;
}

int case_state_is_overdue(enum case_state s, int64_t due_at, int64_t now)
{
	return case_state_is_open(s) && now > due_at;
}
