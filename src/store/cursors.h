/* Connector cursors: where the last poll of an account's platform endpoint
 * stopped (table connector_cursor), when it ran and how it last failed.
 * Only reads and writes rows; what a cursor means is up to the connector
 * (capture/connector), which stores it as an opaque text. */
#ifndef KV_STORE_CURSORS_H
#define KV_STORE_CURSORS_H

#include "base/err.h"

#include <stdint.h>

struct store;

struct cursor_row {
	char *cursor;           /* heap string or NULL (never polled, or no cursor yet) */
	int64_t last_polled_at; /* Unix seconds; 0 = never */
	char *last_error;       /* heap string or NULL after a good poll */
};

/* Loads the row for (account_id, endpoint) into *out; the strings are owned
 * by *out (cursors_row_done). KV_ENOTFOUND (err not set: "never polled" is
 * not a failure) when there is no row; KV_EIO on a database failure. */
int cursors_get(struct store *s, int64_t account_id, const char *endpoint, struct cursor_row *out,
                struct err *err);

/* Frees the strings of a row; accepts NULL. */
void cursors_row_done(struct cursor_row *r);

/* Records a good poll: the new cursor (NULL clears it), the time, and no
 * error. Creates the row when absent. KV_ECONFLICT when the account does not
 * exist, KV_EIO on a database failure. */
int cursors_set(struct store *s, int64_t account_id, const char *endpoint, const char *cursor,
                int64_t polled_at, struct err *err);

/* Records a failed poll: the message and the time; the cursor is kept.
 * Creates the row when absent. Errors as cursors_set. */
int cursors_set_error(struct store *s, int64_t account_id, const char *endpoint,
                      const char *message, int64_t polled_at, struct err *err);

#endif
