/* The periodic notify pass of `kanalvakt serve`: a background thread with its
 * own store connection that runs workflow/notify (and, when configured, the
 * timestamp retries and the due periodic snapshots) once at start and then
 * every period, logging what it queued, sent and took. Not the pass itself
 * (workflow/notify) and not the signal handling (cli/cmd_serve). */
#ifndef KV_HTTP_NOTIFIER_H
#define KV_HTTP_NOTIFIER_H

#include "base/err.h"
#include "capture/media.h"
#include "http/server.h"
#include "records/records_snapshot.h"
#include "records/timestamp.h"
#include "workflow/notify.h"

#include <stdint.h>

struct config;
struct notifier;

/* Media fetched by one pass at most; the rest wait for the next. */
#define NOTIFIER_MEDIA_BATCH 200

/* Starts the thread for org. set (NULL: no notify pass) is copied, but its
 * mail strings are borrowed and must outlive the notifier (they point into
 * the configuration). With tsa (url set; its strings borrowed alike) each pass
 * also retries untimestamped artefacts and stamps the audit chain's head
 * once a day (records/timestamp). With snap (NULL: none; copied) each pass
 * takes the periodic snapshots that are due (records/records_snapshot).
 * With publish (NULL: none; borrowed, must outlive the notifier) each pass
 * publishes the drafts whose time has come (workflow/drafts, each once).
 * With media (NULL: none; copied) each pass fetches up to NOTIFIER_MEDIA_BATCH
 * pending media and profile pictures into the blob store (capture/media),
 * so what webhooks bring is kept without a separate `media fetch`.
 * period_s is at least 1. *out owned by the caller (notifier_free). KV_EIO
 * when the store cannot be opened or the thread cannot start. */
int notifier_start(struct notifier **out, const char *data_dir, int64_t org,
                   const struct notify_settings *set, const struct timestamp_conf *tsa,
                   const struct snapshot_settings *snap, const struct config *publish,
                   const struct media_conf *media, const char *actor, unsigned period_s,
                   server_log_fn log, void *log_ctx, struct err *err);

/* Stops the thread after the pass in hand, closes its store, frees it.
 * Accepts NULL. */
void notifier_free(struct notifier *n);

#endif
