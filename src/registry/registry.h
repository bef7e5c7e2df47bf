/* The register as the kommun works with it: adding and editing units, people
 * and accounts with validation, the account lifecycle (proposed → active →
 * inactive → closed), the start checklist, the named checks, and the public
 * list for the website. Every change is one transaction that also appends to
 * the audit chain; bad input changes nothing. Every call takes the operation
 * context and checks its principal's permission first (KV_EDENIED): writing
 * needs PERM_REGISTER_WRITE (for the account concerned), the lifecycle
 * PERM_ACCOUNT_LIFECYCLE, the checks PERM_REGISTER_READ; the public list
 * needs nothing, being public. */
#ifndef KV_REGISTRY_REGISTRY_H
#define KV_REGISTRY_REGISTRY_H

#include "base/buf.h"
#include "base/err.h"
#include "model/op_ctx.h"
#include "model/register.h"
#include "store/register_rows.h"

#include <jansson.h>
#include <stdint.h>

struct store;

/* Creates the organisation (KV_ECONFLICT when it exists); op->org is not
 * used. Needs PERM_ORG_ADMIN. */
int registry_init(const struct op_ctx *op, const char *org_name, int64_t *out_org, struct err *err);

int registry_unit_add(const struct op_ctx *c, const char *name, const char *parent, int64_t *out_id,
                      struct err *err);
/* Marks a unit as closed (laid down) from date (NULL = today). */
int registry_unit_close(const struct op_ctx *c, const char *name, const char *date,
                        struct err *err);

struct person_input {
	const char *name;
	const char *email;
	const char *title;
	const char *phone;
	const char *unit;
	int contact_public;
};
int registry_person_add(const struct op_ctx *c, const struct person_input *in, int64_t *out_id,
                        struct err *err);
/* Marks a person as no longer in service (or back, active = 1). */
/* Changes a person's contact: the phone (NULL: unchanged, "": none) and
 * whether e-mail and phone may be published (< 0: unchanged). */
int registry_person_contact(const struct op_ctx *c, const char *email, const char *phone,
                            int contact_public, struct err *err);
int registry_person_set_active(const struct op_ctx *c, const char *email, int active,
                               struct err *err);

/* Fields as given on the command line or in a request; NULL = not given.
 * For an edit, what is not given stays; "" clears an optional field. */
struct account_input {
	const char *platform;
	const char *handle;
	const char *url;
	const char *name;
	const char *unit;
	const char *purpose;
	const char *goal;
	const char *audience;
	const char *responsible;
	const char *deputy;
	const char *decided_by;
	const char *decided_on;
	const char *decision_ref;
	const char *posts_per_week;
	const char *house_rules;
	const char *platform_id;   /* the platform's own id of the account */
	const char *const *admins; /* e-mails */
	size_t n_admins;
	int admins_given;
};

/* Adds an account in status proposed. Errors name the field ("--unit: unit
 * 'X' does not exist"). */
int registry_account_add(const struct op_ctx *c, const struct account_input *in, int64_t *out_id,
                         struct err *err);
int registry_account_edit(const struct op_ctx *c, const char *ref, const struct account_input *in,
                          struct err *err);

/* Resolves "ID|HANDLE" to an account id of the organisation. */
int registry_account_find(const struct op_ctx *c, const char *ref, int64_t *out_id,
                          struct err *err);

/* Activates the account. Refused with KV_ECONFLICT while a blocking check
 * fails; the failing checks are then in *out_problems (owned: free()). */
int registry_account_activate(const struct op_ctx *c, const char *ref,
                              struct check_problem **out_problems, size_t *out_n, struct err *err);
int registry_account_deactivate(const struct op_ctx *c, const char *ref, struct err *err);
/* Closes the account from date (NULL = today) for reason (required). */
int registry_account_close(const struct op_ctx *c, const char *ref, const char *date,
                           const char *reason, struct err *err);
int registry_checklist_answer(const struct op_ctx *c, const char *ref, const char *key,
                              const char *answer, struct err *err);

/* A problem found by registry_check. */
struct registry_problem {
	int64_t account_id;
	char account[160]; /* "platform/handle" */
	const struct check_rule *rule;
	char detail[256];
};

/* Runs the checks on one account (ref) or all (ref NULL). *out owned by the
 * caller (free()). */
int registry_check(const struct op_ctx *c, const char *ref, struct registry_problem **out,
                   size_t *n, struct err *err);

/* Reading the register: units and people (PERM_REGISTER_READ for some
 * account), the ids of the accounts the principal may read (*out owned:
 * free()), and one account (PERM_REGISTER_READ on it; KV_ENOTFOUND for an
 * id of another organisation; *out owned: register_row_account_free). */
int registry_units_each(const struct op_ctx *c, reg_unit_fn fn, void *ctx, struct err *err);
int registry_people_each(const struct op_ctx *c, reg_person_fn fn, void *ctx, struct err *err);
int registry_account_ids(const struct op_ctx *c, int64_t **out, size_t *n, struct err *err);
int registry_account_get(const struct op_ctx *c, int64_t id, struct account_rec **out,
                         struct err *err);

/* The account as JSON (full internal view, new reference). */
json_t *registry_account_json(const struct account_rec *r);

enum registry_format { REGISTRY_HTML, REGISTRY_JSON, REGISTRY_CSV };
int registry_format_from_name(const char *s, enum registry_format *out);

/* The public list of the organisation's accounts (not closed, not proposed)
 * in the given format, appended to out. Only what may be published: no
 * personal e-mail or phone unless the person's contact is marked public. */
int registry_export_public(const struct op_ctx *c, enum registry_format fmt, struct buf *out,
                           struct err *err);

#endif
