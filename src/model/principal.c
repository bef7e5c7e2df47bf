/* Principals and the permission table. The table is the one place that says
 * what a role may do; every check in the feature layers reads it through
 * principal_can(). */
#include "model/principal.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *label;
	uint32_t perms;
} roles[ROLE_COUNT] = {
        [ROLE_ADMIN] = {"admin", "administratör", PERM_ALL},
        [ROLE_EDITOR] = {"editor", "redaktör",
                         PERM_REGISTER_READ | PERM_ITEM_READ | PERM_INBOX_WORK | PERM_CASE_READ |
                                 PERM_REVIEW | PERM_ALERT_WORK | PERM_STATS_READ | PERM_CONSENT |
                                 PERM_PUBLISH},
        [ROLE_MODERATOR] = {"moderator", "moderator",
                            PERM_REGISTER_READ | PERM_ITEM_READ | PERM_INBOX_WORK | PERM_CASE_READ |
                                    PERM_CASE_DECIDE | PERM_REVIEW | PERM_ALERT_WORK |
                                    PERM_STATS_READ},
        [ROLE_ADVERTISER] = {"advertiser", "annonsör", PERM_REGISTER_READ | PERM_STATS_READ},
        [ROLE_ANALYST] = {"analyst", "analytiker",
                          PERM_REGISTER_READ | PERM_ITEM_READ | PERM_CASE_READ | PERM_STATS_READ},
        [ROLE_ARCHIVIST] = {"archivist", "arkivarie",
                            PERM_REGISTER_READ | PERM_ITEM_READ | PERM_CASE_READ |
                                    PERM_CASE_REGISTER | PERM_AUDIT_READ | PERM_STATS_READ |
                                    PERM_RECORDS | PERM_DISCLOSE | PERM_GDPR},
        [ROLE_CUSTOM] = {"custom", "anpassad", 0},
};

static const char *const perm_names[] = {
        "register.read", "register.write", "account.lifecycle", "item.read",
        "capture",       "inbox.work",     "case.read",         "case.decide",
        "case.register", "review",         "policy.write",      "alert.work",
        "audit.read",    "stats.read",     "records",           "disclose",
        "user.admin",    "vault",          "org.admin",         "consent",
        "gdpr",          "publish",
};

const char *principal_role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].name : "?";
}

const char *principal_role_label(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].label : "?";
}

int principal_role_from_name(const char *s, enum role *out, struct err *err)
{
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(s, roles[i].name) == 0 || strcmp(s, roles[i].label) == 0) {
			*out = (enum role)i;
			return KV_OK;
		}
	}
	return err_set(err, KV_EINVAL,
	               "role '%s' is unknown (admin, editor, moderator, advertiser, analyst, "
	               "archivist, custom)",
	               s);
}

uint32_t principal_role_perms(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? roles[r].perms : 0;
}

const char *principal_perm_name(uint32_t perm)
{
	for (size_t i = 0; i < sizeof(perm_names) / sizeof(perm_names[0]); i++)
		if (perm == (1u << i))
			return perm_names[i];
	return "?";
}

int principal_perms_parse(const char *list, uint32_t *out, struct err *err)
{
	uint32_t set = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(perm_names) / sizeof(perm_names[0]); i++)
			if (strlen(perm_names[i]) == n && strncmp(p, perm_names[i], n) == 0)
				break;
		if (i == sizeof(perm_names) / sizeof(perm_names[0]))
			return err_set(err, KV_EINVAL, "permission '%.*s' is unknown", (int)n, p);
		set |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	*out = set;
	return KV_OK;
}

static void init(struct principal *p, const char *name, enum auth_method auth)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
	p->auth = auth;
}

static void grant_all(struct principal *p)
{
	p->n_grants = 1;
	p->grants[0].role = ROLE_ADMIN;
	p->grants[0].perms = PERM_ALL;
	p->grants[0].all_accounts = 1;
}

void principal_init_shell(struct principal *p, const char *name)
{
	init(p, name, AUTH_SHELL);
	grant_all(p);
}

void principal_init_system(struct principal *p, const char *name)
{
	init(p, name, AUTH_SYSTEM);
	grant_all(p);
}

void principal_init_user(struct principal *p, int64_t user_id, int64_t person_id, const char *name,
                         enum auth_method auth)
{
	init(p, name, auth);
	p->user_id = user_id;
	p->person_id = person_id;
}

int principal_grant_add(struct principal *p, enum role r, uint32_t custom_perms,
                        const int64_t *accounts, size_t n, struct err *err)
{
	struct principal_grant *g;

	if ((unsigned)r >= ROLE_COUNT)
		return err_set(err, KV_EINVAL, "role %d is unknown", (int)r);
	if (p->n_grants >= PRINCIPAL_GRANT_MAX)
		return err_set(err, KV_EINVAL, "%s holds more than %d roles", p->name,
		               PRINCIPAL_GRANT_MAX);
	if (accounts && n > PRINCIPAL_ACCT_MAX)
		return err_set(err, KV_EINVAL, "a role may name at most %d accounts",
		               PRINCIPAL_ACCT_MAX);
	g = &p->grants[p->n_grants++];
	memset(g, 0, sizeof(*g));
	g->role = r;
	g->perms = r == ROLE_CUSTOM ? (custom_perms & PERM_ALL) : roles[r].perms;
	g->all_accounts = accounts == NULL;
	if (accounts) {
		memcpy(g->accounts, accounts, n * sizeof(accounts[0]));
		g->n_accounts = n;
	}
	return KV_OK;
}

static int grant_covers(const struct principal_grant *g, int64_t account)
{
	if (g->all_accounts)
		return 1;
	if (account == 0)
		return 0;
	for (size_t i = 0; i < g->n_accounts; i++)
		if (g->accounts[i] == account)
			return 1;
	return 0;
}

int principal_can(const struct principal *p, uint32_t perm, int64_t account)
{
	if (!p || p->auth == AUTH_NONE || perm == 0)
		return 0;
	for (size_t i = 0; i < p->n_grants; i++)
		if ((p->grants[i].perms & perm) == perm && grant_covers(&p->grants[i], account))
			return 1;
	return 0;
}

int principal_can_any(const struct principal *p, uint32_t perm)
{
	if (!p || p->auth == AUTH_NONE || perm == 0)
		return 0;
	for (size_t i = 0; i < p->n_grants; i++)
		if ((p->grants[i].perms & perm) == perm &&
		    (p->grants[i].all_accounts || p->grants[i].n_accounts > 0))
			return 1;
	return 0;
}

int principal_can_all(const struct principal *p, uint32_t perm)
{
	return principal_can(p, perm, 0);
}

int principal_require(const struct principal *p, uint32_t perm, int64_t account, struct err *err)
{
	if (principal_can(p, perm, account))
		return KV_OK;
	if (account)
		return err_set(err, KV_EDENIED, "%s may not %s on account %lld",
		               p && p->name[0] ? p->name : "nobody", principal_perm_name(perm),
		               (long long)account);
	return err_set(err, KV_EDENIED, "%s may not %s", p && p->name[0] ? p->name : "nobody",
	               principal_perm_name(perm));
}

int principal_is(const struct principal *p, const char *name)
{
	return p && name && strcmp(p->name, name) == 0;
}
