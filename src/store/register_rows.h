/* Persistence of the register: organisations, units, people, accounts, their
 * administrators and start checklists. Plain reads and writes; the rules
 * (validation, lifecycle, audit) are in registry/, which calls these inside
 * its transactions. */
#ifndef KV_STORE_REGISTER_ROWS_H
#define KV_STORE_REGISTER_ROWS_H

#include "base/arena.h"
#include "base/err.h"
#include "model/register.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* Organisations. register_row_org_find with name NULL finds the only organisation
 * (KV_ENOTFOUND when there is none, KV_ECONFLICT when there are several). */
int register_row_org_create(struct store *s, const char *name, int64_t *out_id, struct err *err);
int register_row_org_find(struct store *s, const char *name, int64_t *out_id, struct err *err);
/* The organisation's name into an arena. */
int register_row_org_name(struct store *s, int64_t org, struct arena *a, const char **out,
                          struct err *err);

struct unit_row {
	int64_t id;
	const char *name;
	int64_t parent_id;
	const char *parent_name; /* NULL for a top unit */
	const char *closed_on;   /* NULL while open */
};

int register_row_unit_insert(struct store *s, int64_t org, const char *name, int64_t parent_id,
                             int64_t *out_id, struct err *err);
int register_row_unit_close(struct store *s, int64_t id, const char *date, struct err *err);
/* KV_ENOTFOUND (err: "unit 'X' does not exist") when absent. */
int register_row_unit_find(struct store *s, int64_t org, const char *name, int64_t *out_id,
                           struct err *err);
typedef int (*reg_unit_fn)(void *ctx, const struct unit_row *u);
int register_row_unit_each(struct store *s, int64_t org, reg_unit_fn fn, void *ctx,
                           struct err *err);

struct person_row {
	int64_t id;
	const char *name;
	const char *title;
	const char *email;
	const char *phone;
	const char *unit_name;
	int contact_public;
	int active;
};

int register_row_person_insert(struct store *s, int64_t org, const struct person_row *p,
                               int64_t unit_id, int64_t *out_id, struct err *err);
int register_row_person_set_active(struct store *s, int64_t id, int active, struct err *err);
/* Sets the person's phone (NULL: unchanged, "": none) and whether the
 * contact may be published (< 0: unchanged). */
int register_row_person_contact(struct store *s, int64_t id, const char *phone, int contact_public,
                                struct err *err);
int register_row_person_find(struct store *s, int64_t org, const char *email, int64_t *out_id,
                             struct err *err);
typedef int (*reg_person_fn)(void *ctx, const struct person_row *p);
int register_row_person_each(struct store *s, int64_t org, reg_person_fn fn, void *ctx,
                             struct err *err);

/* The writable columns of an account, references already resolved to ids
 * (0 = none). posts_per_week < 0 = not set. */
struct account_row {
	enum platform platform;
	const char *handle;
	const char *url;
	const char *display_name;
	int64_t unit_id;
	const char *purpose;
	const char *goal;
	const char *audience;
	int64_t responsible_id;
	int64_t deputy_id;
	int64_t decided_by_id;
	const char *decided_on;
	const char *decision_ref;
	int64_t posts_per_week;
	const char *house_rules;
	const char *platform_account_id; /* the platform's own id (page id, channel id) */
};

/* KV_ECONFLICT when the handle is taken on that platform. */
int register_row_account_insert(struct store *s, int64_t org, const struct account_row *r,
                                int64_t *out_id, struct err *err);
/* Overwrites every column of account id with r. */
int register_row_account_update(struct store *s, int64_t id, const struct account_row *r,
                                struct err *err);
int register_row_account_set_admins(struct store *s, int64_t id, const int64_t *person_ids,
                                    size_t n, struct err *err);
int register_row_account_set_status(struct store *s, int64_t id, enum account_status st,
                                    const char *opened_on, const char *closed_on,
                                    const char *reason, struct err *err);
int register_row_checklist_set(struct store *s, int64_t id, const char *key, const char *answer,
                               struct err *err);

/* Finds an account by numeric id or handle. KV_ENOTFOUND when absent,
 * KV_ECONFLICT when the handle exists on several platforms. */
int register_row_account_find(struct store *s, int64_t org, const char *id_or_handle,
                              int64_t *out_id, struct err *err);
/* All account ids of org in register order (platform, handle). *out is
 * owned by the caller (free()). */
int register_row_account_ids(struct store *s, int64_t org, int64_t **out, size_t *n,
                             struct err *err);

struct checklist_answer {
	const char *key;
	const char *answer;
	const char *answered_at;
};

/* A loaded account: the view the checks read plus everything else printed
 * about it. All strings live in arena. */
struct account_rec {
	struct account_view v;
	int64_t org_id;
	const char *unit_name;
	const char *responsible_email;
	const char *deputy_email;
	const char *decided_by_email;
	const char *responsible_title; /* the function shown in the public list */
	const char *responsible_phone;
	int responsible_contact_public; /* e-mail and phone may be published */
	const char **admin_emails;
	const char *opened_on;
	const char *closed_on;
	const char *closing_reason;
	const char *created_at;
	const char *updated_at;
	const char *platform_account_id;
	/* The account's current profile picture: the newest one fetched into
	 * the blob store (store/profile_rows); NULL / 0 when none. */
	const char *picture_sha256;
	const char *picture_source; /* its URL, or "file" when set by hand */
	const char *picture_type;
	int64_t picture_bytes;
	int64_t picture_noted_at;
	struct checklist_answer *checklist; /* in register_checklist_items order, answered only */
	size_t n_checklist;
	unsigned char answered[64];
	struct arena arena;
};

/* Loads account id. *out owned by the caller (register_row_account_free). */
int register_row_account_load(struct store *s, int64_t id, struct account_rec **out,
                              struct err *err);
void register_row_account_free(struct account_rec *r);

#endif
