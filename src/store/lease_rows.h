/* Leases on background work shared by several processes on one database
 * (several `serve` processes behind a load balancer): the notify pass,
 * the periodic snapshots, scheduled publishing and the media fetch each run
 * in one process at a time. A lease has a name, a holder and an end; the
 * holder renews it, another process takes it only once it has lapsed (its
 * holder stopped or died). Taking is one conditional UPDATE, so two
 * processes never both hold it. */
#ifndef KV_STORE_LEASE_ROWS_H
#define KV_STORE_LEASE_ROWS_H

#include "base/err.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* Takes or renews lease name for holder until until: 1 when holder holds
 * it now, 0 when another holder's lease runs past now, or a negative code.
 * Commits on its own (outside any transaction of the caller's). */
int lease_row_take(struct store *s, const char *name, const char *holder, int64_t now,
                   int64_t until, struct err *err);

/* The holder of lease name into out (outsz bytes; "" when none). */
int lease_row_holder(struct store *s, const char *name, char *out, size_t outsz, struct err *err);

/* Hands lease name from holder dead (known to have stopped: a process of
 * this machine that no longer runs) to holder, until until: 1 when taken, 0
 * when dead no longer holds it. */
int lease_row_take_over(struct store *s, const char *name, const char *dead, const char *holder,
                        int64_t until, struct err *err);

/* Gives lease name up when holder holds it (nothing otherwise). */
int lease_row_release(struct store *s, const char *name, const char *holder, struct err *err);

#endif
