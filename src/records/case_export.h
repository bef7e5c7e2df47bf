/* The diarieföring export: what the kommun's ärendehanteringssystem needs
 * to register a moderation case — the case number, a JSON document of the
 * case with its item, versions and events (docs/records.md lists the
 * fields), the saved evidence, and a checksum manifest — written to a
 * directory that appears whole or not at all. Not the case work itself
 * (workflow/cases). */
#ifndef KV_RECORDS_CASE_EXPORT_H
#define KV_RECORDS_CASE_EXPORT_H

#include "base/err.h"
#include "model/op_ctx.h"

#include <stddef.h>
#include <stdint.h>

/* Writes case id into a new directory dir (KV_ECONFLICT when dir exists,
 * KV_ENOTFOUND for an unknown case). The files are written under a
 * temporary name beside dir and renamed into place. Audited as
 * case.export. Needs PERM_RECORDS. */
int case_export_one(const struct op_ctx *op, int64_t id, const char *dir, struct err *err);

/* Writes every case registered from <= t < to (instants) into a new
 * directory dir, one subdirectory per case named by its case number, plus
 * index.json. *out_n is the number of cases. KV_ECONFLICT when dir exists. */
int case_export_period(const struct op_ctx *op, int64_t from, int64_t to, const char *dir,
                       int64_t *out_n, struct err *err);

#endif
