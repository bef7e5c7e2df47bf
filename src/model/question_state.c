/* Question states: names, open and overdue. */
#include "model/question_state.h"

#include <string.h>

static const char *const names[] = {"open", "answered", "forwarded", "no_answer", "referred"};

const char *question_state_name(enum question_state s)
{
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int question_state_from_name(const char *name, enum question_state *out, struct err *err)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (name && strcmp(name, names[i]) == 0) {
			*out = (enum question_state)i;
			return KV_OK;
		}
	}
	return err_set(err, KV_EINVAL,
	               "question state '%s' is unknown (open, answered, forwarded, no_answer, "
	               "referred)",
	               name ? name : "");
}

int question_state_is_open(enum question_state s)
{
	return s == QUESTION_STATE_OPEN || s == QUESTION_STATE_FORWARDED;
}

int question_state_is_overdue(enum question_state s, int64_t due_at, int64_t now)
{
	return s == QUESTION_STATE_OPEN && now > due_at;
}
