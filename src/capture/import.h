/* Importing captured items into the store: a sink that resolves each item's
 * account and direction (inkommen / upprättad) and writes it idempotently,
 * run over one source at a time in one transaction, so that a source is
 * either wholly imported or not at all. Each run is written to the audit
 * chain with its counts. Not a parser (capture/parse*) and not a fetcher. */
#ifndef KV_CAPTURE_IMPORT_H
#define KV_CAPTURE_IMPORT_H

#include "base/err.h"
#include "capture/parse.h"

#include <stdint.h>
#include <stdio.h>

struct store;
struct capture_screener;

#define IMPORT_SKIPS_KEPT 20

struct import_report {
	int64_t new_items;
	int64_t updated;
	int64_t unchanged;
	int64_t skipped;
	int64_t events;   /* platform events recorded */
	int64_t screened; /* inkommen item versions screened */
	int64_t flagged;  /* of those, how many had a flagged category */
	int64_t bytes;    /* size of the source, when known */
	int64_t pictures; /* new profile pictures of the accounts noted (to be fetched) */
	enum parse_format format;
	struct {
		char what[200];
		char reason[200];
	} skips[IMPORT_SKIPS_KEPT]; /* the first skipped records */
	size_t n_skips;
};

struct import_opts {
	int64_t org;
	int64_t account_id; /* 0 = find the account from what the source says */
	enum parse_format format;
	/* The platform id of the item the source's records answer, where the
	 * source does not say it (see parse_file_about); NULL mostly. */
	const char *subject;
	const char *actor;
	/* Screens every new inkommen text when set; NULL captures without. */
	struct capture_screener *screener;
	/* Called now and then with the number of records handled; may be NULL. */
	void (*progress)(void *ctx, int64_t records);
	void *progress_ctx;
};

/* Imports the file at path. On failure nothing of the file is stored and err
 * names the file and the position. */
int capture_import_file(struct store *s, const struct import_opts *o, const char *path,
                        struct import_report *out, struct err *err);

/* Imports an open stream (not closed) under the given name. */
int capture_import_stream(struct store *s, const struct import_opts *o, FILE *f, const char *name,
                          struct import_report *out, struct err *err);

/* Imports len bytes held in memory (a webhook delivery, an API response)
 * under the given name. */
int capture_import_buffer(struct store *s, const struct import_opts *o, const char *data,
                          size_t len, const char *name, struct import_report *out, struct err *err);

#endif
