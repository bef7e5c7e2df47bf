/* Kanalvakt's own JSON Lines import format (docs/formats/jsonl.md): one item
 * or event per line, for any source without a parser of its own. Streamed in
 * constant memory. Not an export format. */
#ifndef KV_CAPTURE_PARSE_JSONL_H
#define KV_CAPTURE_PARSE_JSONL_H

#include "base/err.h"
#include "model/item.h"

#include <stdio.h>

/* Longest line accepted. */
#define PARSE_JSONL_LINE_MAX ((size_t)16 << 20)

/* Reads f to the end (not closed), one JSON object per line (blank lines
 * skipped), and hands items and events to sink with source "jsonl". Returns
 * 0, KV_EINVAL naming name, line (and column) and field for a bad line, a
 * line over 16 MiB, or invalid UTF-8; KV_EIO on a read error; KV_ENOMEM; or
 * the sink's code. */
int parse_jsonl_stream(FILE *f, const char *name, const struct item_sink *sink, struct err *err);

#endif
