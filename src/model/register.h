/* The register (förteckning) of an organisation: units, people and official
 * accounts with the decision that created them, plus the named checks that
 * tell what a register entry lacks. Pure data and validation: no storage. */
#ifndef KV_MODEL_REGISTER_H
#define KV_MODEL_REGISTER_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

/* Longest text a register field may hold (bytes); house rules may be longer. */
#define REG_FIELD_MAX      2000
#define REG_LONG_FIELD_MAX 20000

enum platform {
	PLATFORM_FACEBOOK = 0,
	PLATFORM_INSTAGRAM,
	PLATFORM_X,
	PLATFORM_YOUTUBE,
	PLATFORM_LINKEDIN,
	PLATFORM_TIKTOK,
	PLATFORM_MASTODON,
	PLATFORM_BLOG,
	PLATFORM_OTHER,
	PLATFORM_COUNT
};

enum account_status {
	ACCOUNT_PROPOSED = 0,
	ACCOUNT_ACTIVE,
	ACCOUNT_INACTIVE,
	ACCOUNT_CLOSED,
	ACCOUNT_STATUS_COUNT
};

const char *register_platform_name(enum platform p);
/* The platform's name as shown to Swedish readers ("Facebook", "X", "Blogg"). */
const char *register_platform_label(enum platform p);
int register_platform_from_name(const char *s, enum platform *out);
/* "facebook, instagram, ..." for error messages. */
const char *register_platform_names(void);

const char *register_account_status_name(enum account_status s);
int register_account_status_from_name(const char *s, enum account_status *out);

/* The start checklist (Östhammar "Att tänka på om du ska starta ett konto",
 * Nykvarn Bilaga 2): stable keys and the Swedish question. */
struct checklist_item {
	const char *key;
	const char *label;
	const char *question;
};
extern const struct checklist_item register_checklist_items[];
extern const size_t register_checklist_count;
/* Index of key in register_checklist_items, or -1. */
int register_checklist_find(const char *key);

/* An account as the checks see it: the stored fields plus what was looked
 * up about the people and the unit it refers to. Strings are borrowed. */
struct person_ref {
	int64_t id; /* 0 = none */
	int exists; /* the row exists */
	int active; /* the person is still in service */
	const char *name;
};

struct account_view {
	int64_t id;
	enum platform platform;
	const char *handle;
	const char *url;
	const char *display_name;
	enum account_status status;
	int64_t unit_id;
	int unit_exists;
	int unit_closed;
	const char *purpose;
	const char *goal;
	const char *audience;
	struct person_ref responsible;
	struct person_ref deputy;
	struct person_ref decided_by;
	const char *decided_on;
	const char *decision_ref;
	int64_t posts_per_week; /* < 0 = not set */
	const char *house_rules;
	const struct person_ref *admins;
	size_t n_admins;
	/* Shared logins and keys in the vault, and how many of them fewer than
	 * two people in service may use (TI: at least two can administer). */
	int64_t vault_secrets;
	int64_t vault_under_two;
	int64_t policydoc_id; /* the policy document followed; 0: none named */
	/* The house rules (grundbudskap) in the account's about text, as
	 * registry/house_rules assessed them: house_assessed is 1 when it did;
	 * house_missing says what is missing (NULL: nothing), house_stale
	 * which older version of the template the text follows (NULL: none). */
	int house_assessed;
	const char *house_missing;
	const char *house_stale;
	/* answered[i] is 1 when register_checklist_items[i] has an answer */
	const unsigned char *answered;
};

enum check_severity {
	CHECK_ERROR = 0, /* blocks activation */
	CHECK_WARNING,   /* reported, does not block */
};

struct check_rule {
	const char *id; /* stable, e.g. "no_deputy" */
	enum check_severity severity;
	const char *message; /* Swedish, for the register's users */
	/* Returns 1 when the account breaks the rule; may write detail
	 * (Swedish) for the message into buf. */
	int (*test)(const struct account_view *a, char *buf, size_t bufsz);
};

struct check_problem {
	const struct check_rule *rule;
	char detail[256];
};

/* All rules in the order they are reported. Activity rules (posts per week,
 * inactivity) join when captured data exists; the table is the single place
 * to add them. */
extern const struct check_rule register_check_rules[];
extern const size_t register_check_rule_count;

/* Runs every rule over a and writes up to max problems to out; returns how
 * many rules were broken (may exceed max). Closed accounts are not checked. */
size_t register_check_account(const struct account_view *a, struct check_problem *out, size_t max);

/* Validation of single fields at the edge: each returns KV_OK or KV_EINVAL
 * with err naming the field ("--decided-on: ...") and why. */
int register_validate_text(const char *field, const char *value, size_t max, int required,
                           struct err *err);
int register_validate_date(const char *field, const char *value, struct err *err);
int register_validate_email(const char *field, const char *value, struct err *err);
int register_validate_url(const char *field, const char *value, struct err *err);

#endif
