/* Who acts: the principal behind every feature call, its roles and the
 * accounts they hold for, and how it was authenticated; and the one table of
 * permissions that decides what a role may do. The feature layers (registry,
 * workflow, records) ask principal_can() before they change or show
 * anything, so no front end (CLI, HTTP API) can go around a rule.
 * Not the users table (store) nor logins and sessions (http). */
#ifndef KV_MODEL_PRINCIPAL_H
#define KV_MODEL_PRINCIPAL_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

/* The roles ÖS lists, plus the archive. ROLE_CUSTOM ("anpassad") holds a
 * named set of permissions given with the grant. */
enum role {
	ROLE_ADMIN = 0,  /* administratör: the register, users, everything */
	ROLE_EDITOR,     /* redaktör: inbox, publishing, reading the accounts */
	ROLE_MODERATOR,  /* moderator: the screening queue and cases */
	ROLE_ADVERTISER, /* annonsör: reads the accounts and their figures */
	ROLE_ANALYST,    /* analytiker: reads reports and items */
	ROLE_ARCHIVIST,  /* arkivarie: records, gallring, exports, disclosure */
	ROLE_CUSTOM,     /* anpassad */
	ROLE_COUNT
};

/* What can be done. One bit each; a role is a set of them (role_perms). */
enum perm {
	PERM_REGISTER_READ = 1u << 0,     /* units, people, accounts, checks */
	PERM_REGISTER_WRITE = 1u << 1,    /* add and edit units, people, accounts */
	PERM_ACCOUNT_LIFECYCLE = 1u << 2, /* activate, deactivate, close accounts */
	PERM_ITEM_READ = 1u << 3,         /* captured items, search, threads */
	PERM_CAPTURE = 1u << 4,           /* import, fetch, rescreen */
	PERM_INBOX_WORK = 1u << 5,        /* assign, forward, close questions */
	PERM_CASE_READ = 1u << 6,         /* cases and the removed register */
	PERM_CASE_DECIDE = 1u << 7,       /* evidence, decide, confirm */
	PERM_CASE_REGISTER = 1u << 8,     /* diarieföring of cases */
	PERM_REVIEW = 1u << 9,            /* mark the daily review done */
	PERM_POLICY_WRITE = 1u << 10,     /* policy settings, crisis mode */
	PERM_ALERT_WORK = 1u << 11,       /* acknowledge alerts, send mail */
	PERM_AUDIT_READ = 1u << 12,       /* the audit log */
	PERM_STATS_READ = 1u << 13,       /* reports and figures */
	PERM_RECORDS = 1u << 14,          /* retention, holds, culling, exports */
	PERM_DISCLOSE = 1u << 15,         /* utlämnande of records */
	PERM_USER_ADMIN = 1u << 16,       /* users, roles, tokens */
	PERM_VAULT = 1u << 17,            /* credentials (reading them is logged) */
	PERM_ORG_ADMIN = 1u << 18,        /* organisations, installation-wide work */
	PERM_CONSENT = 1u << 19,          /* the consent register for pictures and film */
	PERM_GDPR = 1u << 20,             /* requests under the GDPR: find, extract, erase */
	PERM_PUBLISH = 1u << 21,          /* drafts: write, check, review, publish */
};

#define PERM_ALL ((uint32_t)((1u << 22) - 1))

/* How the principal was authenticated. */
enum auth_method {
	AUTH_NONE = 0, /* nobody: every check fails */
	AUTH_SHELL,    /* the operator's own shell (cli --as): trusted as given */
	AUTH_SYSTEM,   /* Kanalvakt itself (serve's scheduler, workflow passes) */
	AUTH_PASSWORD, /* a local user's password, through a session */
	AUTH_TOKEN,    /* an API token */
	AUTH_OIDC,     /* single sign-on */
};

#define PRINCIPAL_NAME_MAX  128
#define PRINCIPAL_GRANT_MAX 16
#define PRINCIPAL_ACCT_MAX  64

/* One role held, for all accounts or for the ones listed. */
struct principal_grant {
	enum role role;
	uint32_t perms; /* the role's permissions (for ROLE_CUSTOM: the named set) */
	int all_accounts;
	size_t n_accounts;
	int64_t accounts[PRINCIPAL_ACCT_MAX];
};

/* A principal is plain data, embedded by its owner (no heap). */
struct principal {
	int64_t user_id;               /* 0: not a stored user (shell, system) */
	int64_t person_id;             /* 0: no person in the register */
	char name[PRINCIPAL_NAME_MAX]; /* the name written to the audit chain */
	enum auth_method auth;
	size_t n_grants;
	struct principal_grant grants[PRINCIPAL_GRANT_MAX];
};

/* "administratör", "redaktör" ... (Swedish, as users see them) and the
 * ASCII names used in files and options ("admin", "editor" ...). */
const char *principal_role_name(enum role r);
const char *principal_role_label(enum role r);
/* Accepts either name; KV_EINVAL naming the known ones otherwise. */
int principal_role_from_name(const char *s, enum role *out, struct err *err);

/* The permission table: what each role may do. */
uint32_t principal_role_perms(enum role r);

/* The name of a single permission bit ("case.decide" ...), for messages and
 * for naming the permissions of a custom role. */
const char *principal_perm_name(uint32_t perm);
/* Parses a comma-separated list of permission names into a set. */
int principal_perms_parse(const char *list, uint32_t *out, struct err *err);

/* Fills p as the operator's own shell acting as name: every permission, for
 * every account (the shell has the database file in hand anyway). */
void principal_init_shell(struct principal *p, const char *name);
/* Fills p as Kanalvakt itself (the scheduler's passes), every permission. */
void principal_init_system(struct principal *p, const char *name);
/* Fills p as a stored user with no grants yet (see principal_grant_add). */
void principal_init_user(struct principal *p, int64_t user_id, int64_t person_id, const char *name,
                         enum auth_method auth);

/* Adds a grant of role (perms used for ROLE_CUSTOM, else the table's) for all
 * accounts (accounts NULL) or for the n listed. KV_EINVAL when full. */
int principal_grant_add(struct principal *p, enum role r, uint32_t custom_perms,
                        const int64_t *accounts, size_t n, struct err *err);

/* 1 when p may do perm on account (account 0: organisation-wide, which only a
 * grant for all accounts gives). */
int principal_can(const struct principal *p, uint32_t perm, int64_t account);

/* 1 when p may do perm on at least one account (for lists that are then
 * filtered per account with principal_can). */
int principal_can_any(const struct principal *p, uint32_t perm);

/* 1 when p holds perm for every account (lists need no filter). */
int principal_can_all(const struct principal *p, uint32_t perm);

/* KV_EDENIED with "NAME may not PERM (on account N)" unless principal_can. */
int principal_require(const struct principal *p, uint32_t perm, int64_t account, struct err *err);

/* 1 when p is the one recorded as name (four eyes compares the principal
 * with the actor stored on the first decision; names are unique per user). */
int principal_is(const struct principal *p, const char *name);

#endif
