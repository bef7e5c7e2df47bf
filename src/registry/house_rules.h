/* House rules (grundbudskap, TI 2 and 4.4, ÖS, AL): the text every account
 * shows its visitors in its about field or a pinned post: what is removed,
 * that comments are allmänna handlingar, that the account is not for
 * ärenden, how to reach the kommun. The template (the shipped standard, or
 * the organisation's own, every version kept and audited), the text for
 * one account with its placeholders filled from the register, the about
 * texts recorded for an account, and whether an about text holds the
 * template's essential paragraphs (the register checks house_rules_missing
 * and house_rules_stale). Format: docs/formats/house-rules.md. */
#ifndef KV_REGISTRY_HOUSE_RULES_H
#define KV_REGISTRY_HOUSE_RULES_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "model/op_ctx.h"
#include "store/register_rows.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Largest template and about text (bytes). */
#define HOUSE_RULES_MAX ((size_t)64 * 1024)

/* The placeholders, in the order of house_rules_placeholder_names. */
enum house_placeholder {
	HOUSE_KONTO = 0,  /* the account's name, else its handle */
	HOUSE_PLATTFORM,  /* "Facebook", "Instagram", … */
	HOUSE_VERKSAMHET, /* the owning unit */
	HOUSE_KOMMUN,     /* the organisation */
	HOUSE_ANSVARIG,   /* the responsible person's name */
	HOUSE_EPOST,      /* the responsible person's e-mail */
	HOUSE_TELEFON,    /* the responsible person's phone */
	HOUSE_PLACEHOLDER_COUNT
};
extern const char *const house_rules_placeholder_names[HOUSE_PLACEHOLDER_COUNT];

struct house_para {
	const char *text; /* as written, placeholders unfilled, without "! " */
	int essential;    /* first line began with "! " */
	int line;         /* line of the file where it starts */
};

struct house_tmpl {
	struct house_para *paras;
	size_t n;
	struct arena arena;
};

/* Parses a template. *out owned by the caller (house_rules_tmpl_free).
 * KV_EINVAL naming the line for invalid UTF-8, an unknown placeholder, an
 * unclosed brace, no text or no essential paragraph; *out untouched then. */
int house_rules_parse(const char *text, size_t len, struct house_tmpl **out, struct err *err);
void house_rules_tmpl_free(struct house_tmpl *t);

/* What fills the placeholders: v[i] NULL when the register lacks it, then
 * hint[i] says which register field to set. */
struct house_values {
	const char *v[HOUSE_PLACEHOLDER_COUNT];
	const char *hint[HOUSE_PLACEHOLDER_COUNT];
};

/* Appends paragraph p with its placeholders filled to out. KV_EINVAL
 * naming the placeholder, its line and the register field when a value is
 * missing. */
int house_rules_fill_para(const struct house_para *p, const struct house_values *vals,
                          struct buf *out, struct err *err);
/* The whole text: the paragraphs filled, separated by a blank line. */
int house_rules_fill(const struct house_tmpl *t, const struct house_values *vals, struct buf *out,
                     struct err *err);

/* Text as compared: NFKC, case folded, dashes, quotes and spaces lumped to
 * ASCII (utf8proc), runs of white space one space, trimmed. KV_EINVAL for
 * invalid UTF-8. */
int house_rules_normalise(const char *s, size_t len, struct buf *out, struct err *err);

/* Which essential paragraphs of t the about text lacks: missing[i] is 1
 * when paragraph i is essential and not found, 2 when it cannot be filled
 * (a register value missing), 0 otherwise; *n_missing counts the non-zero.
 * missing has t->n entries. */
int house_rules_missing(const struct house_tmpl *t, const struct house_values *vals,
                        const char *about, size_t about_len, unsigned char *missing,
                        size_t *n_missing, struct err *err);

/* The template in force as JSON (new reference in *out): the organisation's
 * newest version, else the shipped standard (version 0), with its text and
 * paragraphs. PERM_REGISTER_READ. */
int house_rules_template_show(const struct op_ctx *op, json_t **out, struct err *err);

/* Loads text as a new version of the organisation's template, audited;
 * the same text as the newest version adds none. *out: {version, new}.
 * PERM_POLICY_WRITE. KV_EINVAL as house_rules_parse; nothing written then. */
int house_rules_template_load(const struct op_ctx *op, const char *text, size_t len, json_t **out,
                              struct err *err);

/* The text for account ref's about field or pinned post, placeholders
 * filled from the register. *out: {account, version, source, text}.
 * PERM_REGISTER_READ on the account; KV_EINVAL naming the register field
 * when a value is missing. */
int house_rules_account_text(const struct op_ctx *op, const char *ref, json_t **out,
                             struct err *err);

/* Records text as account ref's about text (or pinned post) as the
 * principal saw it now, audited. text NULL: shows the newest one. *out:
 * the about text with who recorded it, when, and the assessment.
 * PERM_REGISTER_WRITE on the account to record, PERM_REGISTER_READ to show. */
int house_rules_about(const struct op_ctx *op, const char *ref, const char *text, size_t len,
                      json_t **out, struct err *err);

/* For the register checks: fills rec->v.house_assessed, house_missing and
 * house_stale (strings in arena a) from the account's newest about text and
 * every version of the template, in the caller's transaction. */
int house_rules_assess(struct store *s, int64_t org, struct account_rec *rec, struct arena *a,
                       struct err *err);

#endif
