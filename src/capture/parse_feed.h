/* Blog feeds: RSS 2.0 and Atom, read with libxml2 with the network and
 * entity expansion off (no XXE). Each item/entry is a post by the blog's own
 * account. Not RSS 1.0 (RDF), not fetching feeds. */
#ifndef KV_CAPTURE_PARSE_FEED_H
#define KV_CAPTURE_PARSE_FEED_H

#include "base/err.h"
#include "model/item.h"

#include <stddef.h>
#include <stdint.h>

/* Parses a feed document and hands each item/entry to sink as ITEM_POST with
 * platform "blog", author_is_account 1 and account_ref as given (else the
 * feed's link). platform_id is guid / id (else the link). Text is the title
 * and the content (content:encoded, description, Atom content or summary)
 * turned from HTML into text. Atom updated later than published gives
 * version_at. Returns 0, KV_EINVAL for malformed XML (message names name,
 * line and column), a root that is neither rss nor feed, or an item without
 * an id; KV_ENOMEM; or the sink's code. */
int parse_feed(const char *data, size_t len, const char *name, const char *account_ref,
               const struct item_sink *sink, struct err *err);

/* Parses an RFC 822 date as RSS uses it ("Sat, 07 Sep 2002 00:00:01 GMT",
 * zones GMT/UT/Z, US zones, +hhmm; two-digit years taken as 19xx/20xx) into
 * Unix seconds. KV_EINVAL on anything else. */
int parse_feed_rfc822_date(const char *s, int64_t *out);

#endif
