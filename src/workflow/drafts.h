/* Drafts: a post written in Kanalvakt before it goes out. The check runs
 * what a program can of the publishing checklist (Nykvarn bilaga 3 and ÖS):
 * personal data, screening, links that answer, spelling, length and the
 * "läs mer" fold of the platform, alt text, consent, hashtags, a sender; the
 * person answers the rest of the checklist's questions. A sensitive draft
 * (marked so, or found so by the check) needs a second reader: another
 * person, the two of them including one responsible for the account. Then it
 * is published through the platform's API (capture/publish), now or at its
 * time by serve's pass, exactly once, and captured as the account's own item
 * (upprättad), linked to the draft. Every change is audited. Needs
 * PERM_PUBLISH on the draft's account. The rules: docs/publishing.md. */
#ifndef KV_WORKFLOW_DRAFTS_H
#define KV_WORKFLOW_DRAFTS_H

#include "base/err.h"
#include "model/op_ctx.h"
#include "store/draft_rows.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct capture_screener;
struct config;

#define DRAFTS_TEXT_MAX    65536 /* bytes */
#define DRAFTS_MEDIA_MAX   10
#define DRAFTS_MEDIA_BYTES ((size_t)100 << 20)
#define DRAFTS_ALT_MAX     1500 /* bytes of one alt text */

/* One medium given with a draft: the file's bytes, its name (the content
 * type is told from its extension) and its alt text (may be NULL). */
struct drafts_media {
	const char *name;
	const char *data;
	size_t len;
	const char *alt;
};

struct drafts_input {
	int64_t account_id;
	const char *text;
	const struct drafts_media *media;
	size_t n_media;
	int shows_people;   /* the media show identifiable people */
	int sensitive;      /* the writer marks it sensitive: a second reader is needed */
	int64_t publish_at; /* 0: published when someone says so */
};

/* Adds a draft for in->account_id. KV_ENOTFOUND for an unknown account,
 * KV_ECONFLICT for a closed one, KV_EINVAL naming the field for an empty,
 * overlong or non-UTF-8 text, a medium of a type Kanalvakt cannot publish
 * or too big, too many media or alt texts, a time in the past. The media go
 * to the blob store. */
int drafts_add(const struct op_ctx *op, const struct drafts_input *in, int64_t *out_id,
               struct err *err);

/* What an edit changes; NULL / -1 leave a field as it is. */
struct drafts_change {
	const char *text;
	int64_t publish_at;     /* -1: unchanged, 0: no longer scheduled */
	int sensitive;          /* -1: unchanged */
	int shows_people;       /* -1: unchanged */
	const char *const *alt; /* n_alt alt texts for the media, in order */
	size_t n_alt;
};

/* Edits draft id (state draft only: KV_ECONFLICT otherwise). A change of
 * text, media or what the writer says about them is a new version: the
 * check, the answers and the second reading of the earlier one no longer
 * count. A new time clears a failed publish's error, so the pass tries it. */
int drafts_edit(const struct op_ctx *op, int64_t id, const struct drafts_change *c,
                struct err *err);

/* Cancels draft id (state draft only). reason may be NULL. */
int drafts_cancel(const struct op_ctx *op, int64_t id, const char *reason, struct err *err);

/* Calls fn for the drafts of f->org (f->org is op's) on accounts op may
 * publish on. KV_EDENIED when it may publish on none. */
int drafts_list(const struct op_ctx *op, const struct draft_filter *f, draft_row_fn fn, void *ctx,
                struct err *err);

/* The JSON view of a draft as the CLI and the API print it, with what still
 * stands in the way of publishing it ("blocking"; new reference). */
json_t *drafts_view_json(const struct draft_rec *d, int64_t now);

/* Loads draft id for op (PERM_PUBLISH on its account); *out owned by the
 * caller (draft_row_loaded_free). KV_ENOTFOUND. */
int drafts_get(const struct op_ctx *op, int64_t id, struct draft_loaded **out, struct err *err);

/* An answer to one of the checklist's questions. */
struct drafts_answer {
	const char *key;
	int yes;
};

/* The checklist's questions (Nykvarn bilaga 3), in the policy's order. */
struct drafts_question {
	const char *key;
	const char *text;    /* the question as the policy asks it */
	const char *applies; /* "always", "media", "video", "links", "people" */
	int blocks_on_no;    /* a "no" stops the publish */
	int automatic;       /* answered by the check itself */
};
extern const struct drafts_question drafts_questions[];
extern const size_t drafts_n_questions;

/* Settings of a check. */
struct drafts_check_opts {
	const struct config *cfg;          /* [drafts]: dictionary, links_allow_internal,
	                                      links_timeout, own_domains; may be NULL */
	struct capture_screener *screener; /* the screening rules; NULL: not screened */
};

/* Runs the check of draft id's current version, records its result, the
 * answers given (merged with those already given to this version) and
 * whether it found the draft sensitive, all audited, and returns the
 * result in *out (new reference; may be NULL). KV_EINVAL naming the key for
 * an unknown question, one that does not apply to the draft, or an answer
 * other than yes/no; KV_ECONFLICT when the draft is no longer a draft. */
int drafts_check(const struct op_ctx *op, int64_t id, const struct drafts_check_opts *o,
                 const struct drafts_answer *answers, size_t n_answers, json_t **out,
                 struct err *err);

/* The second reading of draft id's current version: approve, or reject
 * with a reason. The reader must be another person than its writer, and
 * one of the two must be responsible for the account (its responsible or
 * deputy in the register): KV_EDENIED otherwise. A principal is that person
 * when it is the person's user, or is named by the person's e-mail (--as).
 * KV_EINVAL for a rejection without reason; KV_ECONFLICT when it is not a
 * draft. */
int drafts_review(const struct op_ctx *op, int64_t id, int approve, const char *reason,
                  struct err *err);

struct drafts_publish_opts {
	const struct config *cfg; /* tokens and base URLs of the accounts */
	int by_hand;              /* it was published on the platform by hand */
	const char *platform_id;  /* by hand: the post's id there, when known */
};

struct drafts_published {
	int via_api;
	int64_t item_id; /* the captured post; 0 when by hand without an id */
	char platform_id[256];
	char detail[1400]; /* the request sent and its status, or why by hand */
};

/* Publishes draft id now: refused with KV_ECONFLICT (naming every reason)
 * unless the current version is checked, every question that applies is
 * answered, no answer or check point stops it, and a sensitive draft is
 * approved by a second reader. Through the platform's API unless by_hand;
 * claimed first, so it is published once even with several callers; a
 * failure leaves it a draft with the error recorded (the pass does not try
 * it again), and says whether the platform may have it. The post is
 * captured as the account's own item and linked to the draft. */
int drafts_publish(const struct op_ctx *op, int64_t id, const struct drafts_publish_opts *o,
                   struct drafts_published *out, struct err *err);

/* One draft the due pass handled. */
struct drafts_due_event {
	int64_t id;
	const char *account;
	const struct drafts_published *done; /* NULL when it failed */
	const char *error;                   /* why it failed */
};
typedef void (*drafts_due_fn)(void *ctx, const struct drafts_due_event *ev);

/* Publishes every draft whose time has come (op->now), each once: one not
 * ready or failing gets its error recorded and is not tried again until it
 * is edited or published by hand. fn (may be NULL) hears of each. Counts in
 * *published and *failed (may be NULL). */
int drafts_publish_due(const struct op_ctx *op, const struct config *cfg, drafts_due_fn fn,
                       void *ctx, int *published, int *failed, struct err *err);

#endif
