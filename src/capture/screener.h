/* Screening as part of capture: every inkommen item version is screened when
 * it is captured, and its flags are stored with the rule set that found them;
 * after a rule change, rescreening brings every item up to the new rules.
 * The engine is screen/; the storage is store/screening_rows. */
#ifndef KV_CAPTURE_SCREENER_H
#define KV_CAPTURE_SCREENER_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct capture_screener;
struct screen_result;

/* Loads and compiles the rules in rules_dir (see screen_rules_dir). *out
 * owned by the caller (capture_screener_free). */
int capture_screener_new(struct capture_screener **out, const char *rules_dir, struct err *err);
void capture_screener_free(struct capture_screener *sc);

/* The rule set's version string (borrowed). */
const char *capture_screener_ruleset(const struct capture_screener *sc);

/* Screens a text without storing anything (a draft the kommun writes
 * itself). *out is borrowed from sc until its next use; sc is not for
 * several threads at once. Errors as screen_text. */
int capture_screener_text(struct capture_screener *sc, const char *text, size_t len,
                          const struct screen_result **out, struct err *err);

/* Screens one version of an item and stores the result (in the caller's
 * transaction); *out_flagged (may be NULL) says whether any category was
 * flagged. */
int capture_screener_item(struct store *s, struct capture_screener *sc, int64_t item_id,
                          int64_t version, const char *text, int64_t now, int *out_flagged,
                          struct err *err);

struct rescreen_report {
	int64_t screened;
	int64_t flagged; /* of those screened, how many had a flagged category */
};

/* Screens every inkommen item of org not yet screened with this rule set (or
 * every one, when all is 1), in transactions of a few thousand items. */
int capture_screener_rescreen(struct store *s, struct capture_screener *sc, int64_t org, int all,
                              struct rescreen_report *out, struct err *err);

#endif
