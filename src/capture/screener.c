/* Screening on capture and rescreening. */
#include "capture/screener.h"

#include "base/buf.h"
#include "base/time.h"
#include "screen/screen.h"
#include "store/screening_rows.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define FLAGS_MAX      64
#define RESCREEN_BATCH 2000

struct capture_screener {
	struct screen *engine;
	struct screen_scratch *scratch;
};

int capture_screener_new(struct capture_screener **out, const char *rules_dir, struct err *err)
{
	struct capture_screener *sc = calloc(1, sizeof(*sc));
	int rc;

	if (!sc)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = screen_new(&sc->engine, rules_dir, err);
	if (!rc)
		rc = screen_scratch_new(&sc->scratch, sc->engine, err);
	if (rc) {
		capture_screener_free(sc);
		return rc;
	}
	*out = sc;
	return KV_OK;
}

void capture_screener_free(struct capture_screener *sc)
{
	if (!sc)
		return;
	screen_scratch_free(sc->scratch);
	screen_free(sc->engine);
	free(sc);
}

const char *capture_screener_ruleset(const struct capture_screener *sc)
{
	return screen_rules_version(sc->engine);
}

int capture_screener_text(struct capture_screener *sc, const char *text, size_t len,
                          const struct screen_result **out, struct err *err)
{
	return screen_text(out, sc->scratch, text, len, err);
}

int capture_screener_item(struct store *s, struct capture_screener *sc, int64_t item_id,
                          int64_t version, const char *text, int64_t now, int *out_flagged,
                          struct err *err)
{
	const struct screen_result *res = NULL;
	struct flag_row flags[FLAGS_MAX];
	char matches[FLAGS_MAX][160];
	struct buf cats;
	size_t len = strlen(text), n = 0;
	int rc;

	rc = screen_text(&res, sc->scratch, text, len, err);
	if (rc)
		return rc;
	buf_init(&cats, 4096);
	for (int c = 0; c < SCREEN_NCAT; c++)
		if (res->flagged[c])
			buf_printf(&cats, "%s%s", cats.len ? "," : "", lexicon_category_name(c));
	for (size_t i = 0; i < res->nflags && n < FLAGS_MAX; i++) {
		const struct screen_flag *f = &res->flags[i];
		size_t mlen = f->end - f->start;

		/* The stored match is the evidence of the hit, cut to a sane length
		 * on a character boundary. */
		if (mlen >= sizeof(matches[0]))
			mlen = sizeof(matches[0]) - 1;
		while (mlen > 0 && mlen < f->end - f->start &&
		       ((unsigned char)text[f->start + mlen] & 0xC0) == 0x80)
			mlen--;
		memcpy(matches[n], text + f->start, mlen);
		matches[n][mlen] = '\0';
		flags[n].category = lexicon_category_name(f->category);
		flags[n].score = f->score;
		flags[n].rule = f->rule;
		flags[n].start = (int64_t)f->start;
		flags[n].end = (int64_t)f->end;
		flags[n].match = matches[n];
		n++;
	}
	rc = screening_row_put(s, item_id, version, screen_rules_version(sc->engine), res->question,
	                       buf_cstr(&cats), flags, n, now, err);
	if (out_flagged)
		*out_flagged = cats.len > 0;
	buf_done(&cats);
	return rc;
}

struct rescreen_run {
	struct store *s;
	struct capture_screener *sc;
	struct rescreen_report *r;
	int64_t last_id;
	int64_t now;
	int64_t in_batch;
	struct err *err;
};

static int rescreen_one(void *ctx, int64_t item_id, int64_t version, const char *text)
{
	struct rescreen_run *run = ctx;
	int flagged = 0;
	int rc = capture_screener_item(run->s, run->sc, item_id, version, text ? text : "",
	                               run->now, &flagged, run->err);

	if (rc)
		return rc;
	run->r->flagged += flagged;
	run->last_id = item_id;
	run->in_batch++;
	run->r->screened++;
	return KV_OK;
}

int capture_screener_rescreen(struct store *s, struct capture_screener *sc, int64_t org, int all,
                              struct rescreen_report *out, struct err *err)
{
	struct rescreen_report r = {0};
	struct rescreen_run run = {.s = s, .sc = sc, .r = &r, .now = time_now(), .err = err};
	int rc;

	do {
		run.in_batch = 0;
		rc = store_begin(s, err);
		if (rc)
			return rc;
		rc = screening_row_pending(s, org, screen_rules_version(sc->engine), all,
		                           run.last_id, RESCREEN_BATCH, rescreen_one, &run, err);
		if (rc) {
			store_rollback(s);
			return rc;
		}
		rc = store_commit(s, err);
		if (rc)
			return rc;
	} while (run.in_batch == RESCREEN_BATCH);
	*out = r;
	return KV_OK;
}
