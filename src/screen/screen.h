/* The screening engine: finds what the policies say may not stay in a text
 * (insults, hate, threats, personal data ...) and says why, with the rule, the
 * matched words and their byte offsets in the original text. Rules are data
 * (a directory of *.rules files plus screen.conf), compiled once into one
 * Hyperscan database. It does not store anything and needs no database. */
#ifndef KV_SCREEN_SCREEN_H
#define KV_SCREEN_SCREEN_H

#include "base/err.h"

#include <stddef.h>

/* Stable category ids; the names are what rule files, JSON and the store use
 * (docs/screening.md maps each to the policies and the law). */
enum screen_category {
	SCREEN_DEFAMATION_INSULT = 0,
	SCREEN_HATE,
	SCREEN_THREAT,
	SCREEN_VIOLENCE,
	SCREEN_SEXUAL,
	SCREEN_CRIME_INCITEMENT,
	SCREEN_PERSONAL_ID,
	SCREEN_CONTACT,
	SCREEN_FINANCIAL,
	SCREEN_SENSITIVE,
	SCREEN_COMMERCIAL,
	SCREEN_POLITICAL,
	SCREEN_QUESTION, /* not a violation: a question to the kommun */
	SCREEN_CRITICAL, /* not a violation: criticism of the kommun */
	SCREEN_NCAT
};

/* The name of a category ("hate"), or NULL when out of range. */
const char *lexicon_category_name(int cat);

/* The id for a name, or -1 when unknown. */
int lexicon_category_id(const char *name);

/* 1 for the six categories a moderator must look at as abusive content
 * (defamation_insult, hate, threat, violence, sexual, crime_incitement). */
int lexicon_category_abusive(int cat);

/* One reason a text was flagged. */
struct screen_flag {
	int category;     /* enum screen_category */
	double score;     /* the category's score for the whole text, 0..1 */
	double weight;    /* this hit's own weight after context, 0..1 */
	const char *rule; /* rule id; borrowed from the engine */
	size_t start;     /* byte offsets in the original text, end exclusive */
	size_t end;
};

/* The outcome for one text. Owned by the scratch it came from and valid until
 * the next screen_text() with that scratch. */
struct screen_result {
	const struct screen_flag *flags; /* flagged categories only, by position */
	size_t nflags;
	double score[SCREEN_NCAT];   /* every category's score, flagged or not */
	int flagged[SCREEN_NCAT];    /* score reached the configured threshold */
	int question;                /* flagged[SCREEN_QUESTION] */
	const char *rules_version;   /* borrowed from the engine */
	double lexicon[SCREEN_NCAT]; /* scores from rules and detectors alone */
	double model_p;              /* the trained model's probability, -1 without one */
};

struct screen;
struct screen_scratch;

/* Loads every *.rules file and screen.conf (optional) and the trained model
 * screen.model (optional) from rules_dir and compiles them. On success *out
 * is the engine (free with screen_free); it is read-only and may be shared by
 * threads, each with its own scratch. Errors: KV_EINVAL for a malformed rule
 * file (message names file and line) or a pattern Hyperscan rejects (names
 * the rule), KV_EIO when the directory cannot be read, KV_ENOMEM. */
int screen_new(struct screen **out, const char *rules_dir, struct err *err);

/* Frees the engine. Accepts NULL. Free every scratch first. */
void screen_free(struct screen *s);

/* A version string for the compiled rules: "sha256:<hex>" over the names and
 * contents of the files loaded. Borrowed. */
const char *screen_rules_version(const struct screen *s);

/* Number of lexicon rules loaded (for reports). */
size_t screen_rule_count(const struct screen *s);

/* The configured threshold of a category (screen.conf), 0..1; 1.0 when cat is
 * out of range. */
double screen_threshold(const struct screen *s, int cat);

/* 1 when a trained model (screen.model) was loaded. */
int screen_has_model(const struct screen *s);

/* Per-thread working memory for screen_text(). *out is freed with
 * screen_scratch_free. KV_ENOMEM, KV_EINTERNAL when Hyperscan fails. */
int screen_scratch_new(struct screen_scratch **out, const struct screen *s, struct err *err);

/* Frees the scratch. Accepts NULL. */
void screen_scratch_free(struct screen_scratch *sc);

/* Where the rule files are: opt (--rules), else $KANALVAKT_RULES, else
 * ./rules, else the rules of the source tree this program was built from. A
 * directory holding language folders means its "sv" folder. Returns a path
 * (in buf, or opt itself). */
const char *screen_rules_dir(const char *opt, char *buf, size_t n);

/* Screens text[0..len) (any bytes; invalid UTF-8 is tolerated). *out points
 * into sc (see struct screen_result). KV_EINVAL when the text is longer than
 * 64 MiB, KV_ENOMEM, KV_EINTERNAL when Hyperscan fails. */
int screen_text(const struct screen_result **out, struct screen_scratch *sc, const char *text,
                size_t len, struct err *err);

#endif
