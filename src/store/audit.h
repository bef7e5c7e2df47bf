/* The audit log: every change appended with who, when, what, before and
 * after, each entry carrying the SHA-256 of the previous one (a hash chain).
 * audit_verify() walks the chain and names edited, deleted and reordered
 * entries. The log is append-only by convention of this module: nothing here
 * updates or deletes an entry. */
#ifndef KV_STORE_AUDIT_H
#define KV_STORE_AUDIT_H

#include "base/err.h"

#include <jansson.h>

#include <stddef.h>
#include <stdint.h>

struct store;

struct audit_entry {
	int64_t seq;
	int64_t org_id; /* 0 = installation-wide */
	const char *at; /* ISO 8601 UTC */
	const char *actor;
	const char *action;    /* e.g. "account.add" */
	const char *entity;    /* e.g. "account" */
	const char *entity_id; /* may be NULL */
	const char *before;    /* JSON or NULL */
	const char *after;     /* JSON or NULL */
	const char *prev_hash;
	const char *hash;
};

/* Appends an entry (inside the caller's transaction when one is open) and
 * returns its sequence number in *out_seq (may be NULL). The time is
 * time_now(). KV_EIO on database failure. */
int audit_append(struct store *s, int64_t *out_seq, int64_t org_id, const char *actor,
                 const char *action, const char *entity, const char *entity_id, const char *before,
                 const char *after, struct err *err);

/* audit_append with before and after given as JSON (consumed; NULL for
 * none), written compact with sorted keys, and the entity's id a number.
 * KV_ENOMEM when they cannot be written out; otherwise as audit_append. */
int audit_append_json(struct store *s, int64_t org_id, const char *actor, const char *action,
                      const char *entity, int64_t entity_id, json_t *before, json_t *after,
                      struct err *err);

/* Calls visit for each entry of org_id (0 = all), oldest first; entries are
 * borrowed for the call. A non-zero return from visit stops the walk and is
 * returned. */
typedef int (*audit_visit_fn)(void *ctx, const struct audit_entry *e);
int audit_list(struct store *s, int64_t org_id, audit_visit_fn visit, void *ctx, struct err *err);

struct audit_problem {
	int64_t seq;
	const char *kind; /* "edited", "deleted", "reordered" */
	char detail[256];
};

struct audit_report {
	int64_t checked;                /* entries read */
	struct audit_problem *problems; /* owned; free with audit_report_done */
	size_t n_problems;
};

/* Verifies the whole chain. Returns KV_OK when it could be read (problems,
 * if any, are in *out); KV_EIO when the database cannot be read. */
int audit_verify(struct store *s, struct audit_report *out, struct err *err);
void audit_report_done(struct audit_report *r);

/* The hash of an entry given its predecessor's hash, as hex (65 bytes). */
void audit_entry_hash(char out[65], const struct audit_entry *e);

#endif
