/* Persistence of policy settings: one text value per (organisation, account,
 * key), account 0 meaning the organisation itself. Only rows: what the keys
 * mean, their defaults and their validation are in workflow/policy. */
#ifndef KV_STORE_POLICY_ROWS_H
#define KV_STORE_POLICY_ROWS_H

#include "base/err.h"

#include <stdint.h>

struct store;

/* Sets (inserts or replaces) a value, in the caller's transaction. The
 * previous value, when there was one, is copied into *out_before (heap,
 * caller frees; may be NULL to skip). KV_ECONFLICT when org or account does
 * not exist, KV_EIO on a database failure. */
int policy_row_put(struct store *s, int64_t org, int64_t account_id, const char *key,
                   const char *value, int64_t now, char **out_before, struct err *err);

/* Deletes a value. The old value goes to *out_before as above. KV_ENOTFOUND
 * (err set) when there was none. */
int policy_row_delete(struct store *s, int64_t org, int64_t account_id, const char *key,
                      char **out_before, struct err *err);

/* Calls fn for the organisation's values (account 0) and then, when
 * account_id is not 0, the account's, so a later call overrides an earlier
 * one. Strings are borrowed for the call; a non-zero return stops. */
typedef int (*policy_setting_fn)(void *ctx, int64_t account_id, const char *key, const char *value);
int policy_row_each(struct store *s, int64_t org, int64_t account_id, policy_setting_fn fn,
                    void *ctx, struct err *err);

#endif
