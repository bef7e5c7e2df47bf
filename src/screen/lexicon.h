/* The lexicon: rule files (rules/<lang>/NAME.rules) and screen.conf parsed and
 * compiled into one Hyperscan database. Internal to screen/; the format is
 * documented in docs/screening.md. It does not scan or score (screen.c). */
#ifndef KV_SCREEN_LEXICON_H
#define KV_SCREEN_LEXICON_H

#include "base/err.h"
#include "screen/screen.h"

#include <hs/hs.h>
#include <stddef.h>

/* Hyperscan ids: a rule's index, or LEX_CTX_ID + a context clause's index,
 * or a rule's index with one of the bits below: its start-of-match twin (in
 * the auxiliary database) or its trigger (in the main one: a cheap literal
 * without which the rule cannot match; the rule itself then waits in the
 * auxiliary database, scanned only when a trigger fired). */
#define LEX_CTX_ID    (1u << 30)
#define LEX_SOM_BIT   (1u << 29)
#define LEX_TRIG_BIT  (1u << 28)
#define LEX_MAX_RULES ((size_t)1 << 20)

struct lex_rule {
	char *id;
	int category;
	double weight;
	int nwords;       /* words the pattern spans, to find where a hit begins */
	int som;          /* compiled with start-of-match (a raw regex) */
	int span;         /* most words a hit can span (words + gaps) */
	char *first;      /* the pattern's first normalised word */
	int first_prefix; /* first may be followed by more letters */
	int ctx_first;    /* this rule's context clauses: ctx[ctx_first .. +nctx) */
	int nctx;
	int gated;   /* compiled behind a trigger (see LEX_TRIG_BIT) */
	char *where; /* "file:line" for messages */
};

/* A context clause: any of its words near a hit changes the hit's weight. */
struct lex_ctx {
	double delta;
};

struct lexicon {
	struct lex_rule *rules;
	size_t nrules;
	struct lex_ctx *ctx;
	size_t nctx;
	/* [0] every plain rule and the triggers of gated ones; [1] context
	 * clauses, gated rules and start-of-match versions of raw-regex rules,
	 * scanned only when a hit or trigger in [0] needs them; [2], [3] the
	 * same where a vowel may be '*' in the text ("j*vla"). */
	hs_database_t *db[4];
	double threshold[SCREEN_NCAT];
	int window; /* context distance in words; 0 = anywhere in the text */
	char version[80];
	char *model_path; /* dir/screen.model when present */
};

/* Loads every dir/NAME.rules (in name order) and dir/screen.conf, and compiles them.
 * KV_EINVAL naming file and line for a malformed line, or the rule for a
 * pattern Hyperscan rejects; KV_EIO when dir cannot be read; KV_ENOMEM. On
 * failure lx is left empty. */
int lexicon_load(struct lexicon *lx, const char *dir, struct err *err);

/* Frees everything in lx. Accepts NULL. */
void lexicon_done(struct lexicon *lx);

#endif
