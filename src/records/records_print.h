/* Pieces every records printout shares: an item's meta line (author, time,
 * kind, versions, state), its captured images, Stockholm times and days,
 * and file digests. Not a printout of its own (records_snapshot and
 * records_disclose make those). */
#ifndef KV_RECORDS_RECORDS_PRINT_H
#define KV_RECORDS_RECORDS_PRINT_H

#include "base/err.h"
#include "records/records_threads.h"
#include "render/render_doc.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* "2026-03-01 12:00" in Stockholm time (17 bytes with the NUL). */
void records_print_time(char out[32], int64_t t);

/* Today's date in Stockholm for instant t, "YYYY-MM-DD". */
void records_print_day(char out[11], int64_t t);

/* The instants [from, to) of a Stockholm calendar day "YYYY-MM-DD".
 * KV_EINVAL naming what (a field name) and the value when it is no date. */
int records_print_day_range(const char *what, const char *day, int64_t *from, int64_t *to,
                            struct err *err);

/* The Swedish name of an item kind ("inlägg", "kommentar", "svar" ...). */
const char *records_print_kind(const char *kind);

/* The state an item had at instant at: its deletion or hiding on the
 * platform when that happened before at (into note, "" when none). */
int records_print_state_at(struct store *s, const struct records_item *it, int64_t at, char *note,
                           size_t cap, struct err *err);

/* Adds the item's fetched images (JPEG or PNG, read from the blob store) to
 * doc. *n_added (may be NULL) counts them; an image that cannot be read is
 * skipped with a note in the document rather than failing the printout. */
int records_print_images(struct render_doc *doc, struct store *s, int64_t org, int64_t item_id,
                         int *n_added, struct err *err);

/* Adds the account's profile picture as it was at instant until: the
 * newest fetched one (store/profile_rows) noted before until, JPEG or PNG
 * from the blob store, captioned with where it came from. *n_added (may be
 * NULL) is 1 when an image was added. No picture adds nothing; one that
 * cannot be shown (another type, an unreadable file) adds a note instead.
 * Fails only on a store error. */
int records_print_profile_picture(struct render_doc *doc, struct store *s, int64_t account_id,
                                  int64_t until, int *n_added, struct err *err);

/* SHA-256 (hex) and size of a file. KV_EIO. */
int records_print_sha256_file(const char *path, char out[65], int64_t *bytes, struct err *err);

#endif
