/* Policy settings of an organisation, overridable per account: deadlines for
 * answers and removals, how often accounts are reviewed, posting targets and
 * limits, four eyes on removal, the signature, office hours and the crisis
 * mode. Defaults live here; what a kommun changes is stored (store/policy_rows) and
 * audited. Not the calendar arithmetic itself (base/calendar). */
#ifndef KV_WORKFLOW_POLICY_H
#define KV_WORKFLOW_POLICY_H

#include "base/calendar.h"
#include "base/err.h"
#include "model/op_ctx.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* How a duration is counted (docs/workflow.md, docs/internals/calendar.md). */
enum policy_unit {
	POLICY_WORKING_DAYS = 0, /* "1wd": the deadline rule, calendar_add_working_days */
	POLICY_WORKING_HOURS,    /* "48wh": office hours of working days */
	POLICY_HOURS,            /* "48h": plain calendar hours */
	POLICY_WEEKDAY_HOURS,    /* "48weekday-h": every hour of a working day */
	POLICY_DAYS,             /* "365d": calendar days of 24 hours */
};

struct policy_duration {
	enum policy_unit unit;
	int64_t amount; /* 1..CALENDAR_AMOUNT_MAX */
};

#define POLICY_TEXT_MAX 512
#define POLICY_DUR_LEN  24

/* The effective policy of one account (or of the organisation when no
 * account is given): defaults, then the organisation's settings, then the
 * account's. In crisis mode the crisis_* durations replace the answer
 * deadline, the removal deadline and the review interval. Plain data. */
struct policy {
	struct policy_duration answer_deadline;  /* default 1wd */
	struct policy_duration removal_deadline; /* default 48h */
	struct policy_duration review_interval;  /* default 1wd */
	struct policy_duration inactivity_limit; /* default 365d */
	struct policy_duration weekly_limit;     /* default 7d */
	/* A question captured longer than this after it arrived (an archive
	 * imported later) is history: recorded, closed as needing no answer,
	 * never overdue. Default 30d. */
	struct policy_duration history_after;
	int64_t posts_per_week;    /* target; -1 = none (default: the register's) */
	int64_t max_posts_per_day; /* -1 = no limit (default 2 on Facebook) */
	int four_eyes;             /* a second person confirms hide/remove */
	/* ÖS: own posts stay at most this many months on the platform, then
	 * are deleted there (records/platcull); 0 = not culled on the
	 * platform (the default). */
	int64_t platform_keep_months;
	int crisis; /* the organisation is in crisis mode */
	char signature_template[POLICY_TEXT_MAX];
	struct calendar_config cal; /* office hours, de facto days off, closed days */
};

/* One known setting: its key, a Swedish description, and whether it may be
 * set per account (crisis is organisation-wide). */
struct policy_key {
	const char *key;
	const char *description;
	int per_account;
};

extern const struct policy_key policy_keys[];
extern const size_t policy_key_count;

/* Parses "1wd", "48wh", "48h", "48weekday-h", "365d". KV_EINVAL quoting the
 * text and saying what is wrong; *out untouched then. */
int policy_duration_parse(struct policy_duration *out, const char *text, struct err *err);

/* Formats a duration back into the text form ("1wd"). */
void policy_duration_format(char out[POLICY_DUR_LEN], const struct policy_duration *d);

/* The instant d after t under the calendar cal (the deadline of something
 * that arrived at t). KV_EINVAL when the calendar refuses t or the result. */
int policy_due(int64_t *out, const struct calendar_config *cal, const struct policy_duration *d,
               int64_t t, struct err *err);

/* Whether something that arrived at `arrived` and was captured at `captured`
 * is history under p (captured more than history_after after it arrived:
 * an archive imported later): *out 1 or 0. KV_EINVAL when the calendar
 * refuses the times. */
int policy_is_history(const struct policy *p, int64_t arrived, int64_t captured, int *out,
                      struct err *err);

/* The effective policy of account_id (0 = the organisation's own) into *out.
 * Reads the account's platform and posting target from the register when
 * account_id is not 0 (KV_ENOTFOUND when the account does not exist). A
 * stored value that no longer parses is KV_EINVAL naming key and account. */
int policy_get(struct store *s, int64_t org, int64_t account_id, struct policy *out,
               struct err *err);

/* Whether the organisation is in crisis mode (*out 1 or 0). KV_EIO on a
 * database failure. */
int policy_crisis(struct store *s, int64_t org, int *out, struct err *err);

/* Checks value for key and stores it for the organisation (account_id 0) or
 * one account, in one transaction with an audit entry naming actor.
 * KV_EINVAL for an unknown key or a bad value (the message names both),
 * KV_EINVAL too for an organisation-wide key given an account. */
int policy_set(const struct op_ctx *op, int64_t account_id, const char *key, const char *value,
               struct err *err);

/* Removes the setting so the default (or the organisation's value) applies
 * again; audited. KV_ENOTFOUND when nothing was set. */
int policy_unset(const struct op_ctx *op, int64_t account_id, const char *key, struct err *err);

/* Calls fn for each key with the effective value as text and where it comes
 * from ("default", "organisation", "account"). A non-zero return stops. */
typedef int (*policy_show_fn)(void *ctx, const char *key, const char *value, const char *source);
int policy_show(const struct op_ctx *op, int64_t account_id, policy_show_fn fn, void *ctx,
                struct err *err);

#endif
