/* The dokumenthanteringsplan as Kanalvakt applies it: record classes, the
 * plain-text plan format (docs/formats/retention-plan.md) with rules for the
 * organisation and overrides per account, loading a plan as a new version
 * (every version kept), and the rule that applies to a class on an account.
 * Not the culling itself (records/cull) nor holds (records/holds). */
#ifndef KV_RECORDS_RETENTION_H
#define KV_RECORDS_RETENTION_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The record classes a plan gives rules for. */
enum records_class {
	RC_UPPRATTADE = 0, /* upprättade inlägg (the account's own posts and replies) */
	RC_INKOMNA,        /* inkomna kommentarer och svar */
	RC_MEDDELANDEN,    /* privata meddelanden */
	RC_ENKLA_FRAGOR,   /* frågor som besvarats direkt (NY: enkel karaktär) */
	RC_SKRAP,          /* skräp och reklam (AL) */
	RC_BORTTAGET,      /* innehåll borttaget enligt 4.4, with its case and evidence */
	RC_WEBHOOKS,       /* webhook deliveries that were imported */
	RC_MEDIA,          /* fetched media files (the blobs) */
	RC_LOGGAR,         /* logs: sent mail, acknowledged alerts */
	RC_COUNT
};

/* "inkomna" (the name in files and output) and the Swedish label. */
const char *retention_class_name(enum records_class c);
const char *retention_class_label(enum records_class c);
/* KV_EINVAL naming the known classes when s is none of them. */
int retention_class_from_name(const char *s, enum records_class *out, struct err *err);

enum retention_action {
	RETAIN_KEEP = 0, /* bevaras */
	RETAIN_AFTER,    /* gallras efter N månader (0: omedelbart) */
	RETAIN_CLOSED,   /* gallras när kanalen läggs ned */
};

#define RETENTION_SOURCE_MAX 512
#define RETENTION_NAME_MAX   256

struct retention_rule {
	int set; /* 0: the class is not in the plan (kept) */
	enum retention_action action;
	int months;
	int archive_first; /* arkivera först: only once delivered in an e-archive package */
	int line;          /* the plan's line */
	char source[RETENTION_SOURCE_MAX];
};

struct retention_account_rules {
	int64_t account_id;
	char ref[160]; /* as written in the plan */
	int line;
	struct retention_rule rules[RC_COUNT];
};

struct retention_plan {
	int64_t id, version; /* 0 while only parsed */
	char name[RETENTION_NAME_MAX];
	char sha256[65];
	struct retention_rule org[RC_COUNT];
	size_t n_accounts;
	struct retention_account_rules *accounts; /* owned */
};

/* Resolves an account reference of a [konto REF] section to an account id;
 * returns KV_ENOTFOUND (err set) when there is none. */
typedef int (*retention_account_resolve_fn)(void *ctx, const char *ref, int64_t *out,
                                            struct err *err);

/* Parses a plan from text (len bytes). file names it in messages
 * ("FILE:LINE: ..."). resolve may be NULL (accounts left at 0). On failure
 * *out is left empty; release a parsed plan with retention_plan_done. */
int retention_plan_parse(struct retention_plan *out, const char *text, size_t len, const char *file,
                         retention_account_resolve_fn resolve, void *ctx, struct err *err);
void retention_plan_done(struct retention_plan *p);

/* The rule for class c on account (its override, else the organisation's,
 * else an unset rule: kept). Borrowed from p. */
const struct retention_rule *retention_plan_rule(const struct retention_plan *p, int64_t account,
                                                 enum records_class c);

/* "bevaras", "gallras efter 6 månader", "gallras omedelbart", "gallras när
 * kanalen läggs ned", into out. */
void retention_rule_text(const struct retention_rule *r, char *out, size_t outsz);

/* Checks and stores the plan text as the organisation's next version,
 * audited as retention.load. Needs PERM_RECORDS. Bad input (unknown class,
 * a rule without a period, an unknown account ...) is KV_EINVAL naming file
 * and line; nothing is stored then. */
int retention_load(const struct op_ctx *op, const char *file, const char *text, size_t len,
                   int64_t *out_version, struct err *err);

/* Loads version (0 = the newest) of the organisation's plan into out.
 * KV_ENOTFOUND when there is none. Needs PERM_RECORDS. */
int retention_get(const struct op_ctx *op, int64_t version, struct retention_plan *out,
                  struct err *err);

/* The plan as JSON (new reference): version, name, sha256 and "rules", one
 * entry per class of the organisation (every class, "account" "-") and per
 * class an account section sets (its reference as written), each with its
 * label, rule text, months, archive_first, plan line and source citation.
 * The view of `retention show --json` and GET /api/v1/retention. */
json_t *retention_plan_json(const struct retention_plan *p);

/* Every loaded version, oldest first: version, name, sha256, who, when. */
typedef int (*retention_version_fn)(void *ctx, int64_t version, const char *name,
                                    const char *sha256, const char *loaded_by, int64_t loaded_at);
int retention_versions(const struct op_ctx *op, retention_version_fn fn, void *ctx,
                       struct err *err);

#endif
