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

/* The Swedish hunspell dictionary of Debian's hunspell-sv (screen.conf:
 * "dictionary PATH" or "dictionary none"). */
#define LEX_DEFAULT_DICTIONARY "/usr/share/hunspell/sv_SE"

/* Marks: rule categories that are not violations but describe how a hit is
 * used (rules/sv/marks.rules). They are scanned only when an abusive rule
 * hit, never flagged, and feed the reasons of a flag and the decision
 * (decision.h). Ids follow the screen categories. */
enum lex_mark {
	LEX_MARK_MENTION = SCREEN_NCAT, /* "ordet", "kallade", "sa att": a mention */
	LEX_MARK_SELF,                  /* "jag är", "mig själv": about the writer */
	LEX_MARK_ADMIRE,                /* "grym", "bra", "snygg": admiring idiom */
	LEX_MARK_NEGATION,              /* "inte", "aldrig", "ingen" */
	LEX_MARK_SECOND,                /* "du", "dig", "ni": addressed to someone */
	LEX_MARK_GROUP,                 /* a protected group (BrB 16:8) is named */
	LEX_MARK_IDIOM,                 /* a harmless idiom near a hit ("döda myten") */
	LEX_MARK_THIRD,                 /* "han är", "hon är": about a third person */
	LEX_NCAT
};

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
	int part;    /* "cmp:" rule: a word inside a compound, checked by compound.h */
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
	char *model_path;    /* dir/screen.model when present */
	char *decision_path; /* dir/decision.weights when present */
	char *dictionary;    /* hunspell dictionary (no .aff/.dic), NULL = none */
	char **guard;        /* compound.guard: words never split, sorted */
	size_t nguard;
};

/* The id of a category or mark name ("hate", "mark.self"), or -1. */
int lexicon_rule_category_id(const char *name);

/* 1 when the normalised word w[0..n) is in the compound guard list. */
int lexicon_guarded(const struct lexicon *lx, const char *w, size_t n);

/* Loads every dir/NAME.rules (in name order) and dir/screen.conf, and compiles them.
 * KV_EINVAL naming file and line for a malformed line, or the rule for a
 * pattern Hyperscan rejects; KV_EIO when dir cannot be read; KV_ENOMEM. On
 * failure lx is left empty. */
int lexicon_load(struct lexicon *lx, const char *dir, struct err *err);

/* Frees everything in lx. Accepts NULL. */
void lexicon_done(struct lexicon *lx);

#endif
