/* A screenshot of an account's live page for the periodic snapshot, taken
 * with headless Chromium (Debian's chromium) when the register names a public
 * address and [records] screenshot is on. The page is what the platform shows
 * to a visitor without a login; the snapshot keeps both this and what
 * Kanalvakt captured. Not the PDF (records_snapshot) nor the network policy
 * of connectors (capture/fetch). */
#ifndef KV_RECORDS_RECORDS_SCREENSHOT_H
#define KV_RECORDS_RECORDS_SCREENSHOT_H

#include "base/err.h"

#include <stddef.h>

#define RECORDS_SCREENSHOT_CHROMIUM "/usr/bin/chromium"
#define RECORDS_SCREENSHOT_TIMEOUT  30 /* seconds */

/* Loads url (http or https only) in a headless browser at 1280 × 1600 and
 * returns its PNG in *png (owned: free()). chromium NULL: the default path.
 * KV_EINVAL for an address that is not http(s), KV_ENOTFOUND when chromium
 * is not installed, KV_EIO when the page could not be shot in time (a dead
 * address, no network); the message says which. Never leaves files behind. */
int records_screenshot_take(const char *chromium, const char *url, unsigned char **png, size_t *len,
                            struct err *err);

#endif
