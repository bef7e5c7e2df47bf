/* Hash-chained audit log. Each entry's hash covers its predecessor's hash and
 * every field but its sequence number, so moving an entry breaks the chain
 * where it lands, editing one breaks its own hash, and removing one leaves a
 * successor pointing at a hash that no longer exists. The head table records
 * the last entry so that removing entries from the end is noticed too. */
#include "store/audit.h"

#include "base/buf.h"
#include "base/hash.h"
#include "base/time.h"
#include "store/store.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void put_field(struct hash_sha256_ctx *ctx, const char *v)
{
	char len[32];
	int n;

	/* Length-prefixed so that no two different entries serialise alike. */
	if (!v) {
		hash_sha256_update(ctx, "-;", 2);
		return;
	}
	n = snprintf(len, sizeof(len), "%zu:", strlen(v));
	hash_sha256_update(ctx, len, (size_t)n);
	hash_sha256_update(ctx, v, strlen(v));
	hash_sha256_update(ctx, ";", 1);
}

void audit_entry_hash(char out[65], const struct audit_entry *e)
{
	struct hash_sha256_ctx ctx;
	char org[32];

	snprintf(org, sizeof(org), "%lld", (long long)e->org_id);
	hash_sha256_begin(&ctx);
	put_field(&ctx, e->prev_hash);
	put_field(&ctx, org);
	put_field(&ctx, e->at);
	put_field(&ctx, e->actor);
	put_field(&ctx, e->action);
	put_field(&ctx, e->entity);
	put_field(&ctx, e->entity_id);
	put_field(&ctx, e->before);
	put_field(&ctx, e->after);
	hash_sha256_end_hex(&ctx, out);
}

int audit_append(struct store *s, int64_t *out_seq, int64_t org_id, const char *actor,
                 const char *action, const char *entity, const char *entity_id, const char *before,
                 const char *after, struct err *err)
{
	/* Kept prepared: an import that opens many questions or cases appends
	 * an entry for each. */
	static const char lock_sql[] = "UPDATE audit_head SET seq = seq WHERE id = 1";
	static const char head_sql[] = "SELECT seq, hash FROM audit_head WHERE id = 1";
	static const char insert_sql[] =
	        "INSERT INTO audit (seq, org_id, at, actor, action, entity, entity_id,"
	        " before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
	static const char move_sql[] =
	        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
	        " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
	struct store_stmt *st = NULL;
	struct audit_entry e = {0};
	char prev[65], hash[65], at[TIME_ISO_LEN];
	int64_t seq = 1;
	int rc;

	rc = store_begin(s, err);
	if (rc)
		return rc;
	memcpy(prev, zero_hash, sizeof(prev));
	/* The chain is one chain however many processes write: touching the
	 * head row first holds its lock until commit, so another writer's
	 * append waits and then reads the head this one leaves (PostgreSQL;
	 * SQLite's write transaction is exclusive already). */
	rc = store_cached(s, &st, lock_sql, err);
	if (!rc)
		rc = store_run(st, err);
	if (rc)
		goto out;
	rc = store_cached(s, &st, head_sql, err);
	if (rc)
		goto out;
	rc = store_step(st, err);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		const char *h = store_col_text(st, 1);

		seq = store_col_int(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", h ? h : zero_hash);
	}
	store_reset(st);

	time_format_utc(at, time_now());
	e.org_id = org_id;
	e.at = at;
	e.actor = actor ? actor : "system";
	e.action = action;
	e.entity = entity;
	e.entity_id = entity_id;
	e.before = before;
	e.after = after;
	e.prev_hash = prev;
	audit_entry_hash(hash, &e);

	rc = store_cached(s, &st, insert_sql, err);
	if (rc)
		goto out;
	store_bind_int(st, 1, seq);
	if (org_id)
		store_bind_int(st, 2, org_id);
	else
		store_bind_null(st, 2);
	store_bind_text(st, 3, at);
	store_bind_text(st, 4, e.actor);
	store_bind_text(st, 5, action);
	store_bind_text(st, 6, entity);
	store_bind_text(st, 7, entity_id);
	store_bind_text(st, 8, before);
	store_bind_text(st, 9, after);
	store_bind_text(st, 10, prev);
	store_bind_text(st, 11, hash);
	rc = store_run(st, err);
	if (rc < 0)
		goto out;
	rc = store_cached(s, &st, move_sql, err);
	if (rc)
		goto out;
	store_bind_int(st, 1, seq);
	store_bind_text(st, 2, hash);
	rc = store_run(st, err);
out:
	if (st)
		store_reset(st);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s, err);
	if (!rc && out_seq)
		*out_seq = seq;
	return rc;
}

static void read_entry(struct store_stmt *st, struct audit_entry *e)
{
	e->seq = store_col_int(st, 0);
	e->org_id = store_col_is_null(st, 1) ? 0 : store_col_int(st, 1);
	e->at = store_col_text(st, 2);
	e->actor = store_col_text(st, 3);
	e->action = store_col_text(st, 4);
	e->entity = store_col_text(st, 5);
	e->entity_id = store_col_text(st, 6);
	e->before = store_col_text(st, 7);
	e->after = store_col_text(st, 8);
	e->prev_hash = store_col_text(st, 9);
	e->hash = store_col_text(st, 10);
}

#define AUDIT_COLUMNS                                                                              \
	"seq, org_id, at, actor, action, entity, entity_id, before, after, prev_hash, hash"

int audit_list(struct store *s, int64_t org_id, audit_visit_fn visit, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT " AUDIT_COLUMNS " FROM audit"
	                   " WHERE ? = 0 OR org_id = ? ORDER BY seq",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, org_id);
	while ((rc = store_step(st, err)) == 1) {
		struct audit_entry e;

		read_entry(st, &e);
		rc = visit(ctx, &e);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

struct seen {
	char hash[65];
	int64_t seq;
};

static int cmp_seen(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->hash, ((const struct seen *)b)->hash);
}

static int add_problem(struct audit_report *r, int64_t seq, const char *kind, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int add_problem(struct audit_report *r, int64_t seq, const char *kind, const char *fmt, ...)
{
	struct audit_problem *p;
	va_list ap;

	p = realloc(r->problems, (r->n_problems + 1) * sizeof(*p));
	if (!p)
		return KV_ENOMEM;
	r->problems = p;
	p = &r->problems[r->n_problems++];
	p->seq = seq;
	p->kind = kind;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	return KV_OK;
}

int audit_verify(struct store *s, struct audit_report *out, struct err *err)
{
	struct store_stmt *st = NULL;
	struct seen *seen = NULL;
	size_t n_seen = 0, cap = 0;
	struct audit_report r = {0};
	char expect[65];
	int64_t prev_seq = 0, head_seq = 0;
	char head_hash[65] = "";
	int rc;

	/* First pass: every stored hash, so a link to a hash that exists
	 * elsewhere can be told apart (reordered) from one to nothing (deleted). */
	rc = store_prepare(s, &st, "SELECT seq, hash FROM audit ORDER BY seq", err);
	if (rc)
		goto out;
	while ((rc = store_step(st, err)) == 1) {
		const char *h = store_col_text(st, 1);

		if (n_seen == cap) {
			struct seen *p = realloc(seen, (cap = cap ? cap * 2 : 256) * sizeof(*p));
			if (!p) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			seen = p;
		}
		snprintf(seen[n_seen].hash, sizeof(seen[n_seen].hash), "%s", h ? h : "");
		seen[n_seen++].seq = store_col_int(st, 0);
	}
	if (rc < 0)
		goto out;
	store_stmt_free(st);
	st = NULL;
	if (n_seen)
		qsort(seen, n_seen, sizeof(*seen), cmp_seen);

	memcpy(expect, zero_hash, sizeof(expect));
	rc = store_prepare(s, &st, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq", err);
	if (rc)
		goto out;
	while ((rc = store_step(st, err)) == 1) {
		struct audit_entry e;
		char computed[65];
		const char *prev, *hash;

		read_entry(st, &e);
		prev = e.prev_hash ? e.prev_hash : "";
		hash = e.hash ? e.hash : "";
		r.checked++;
		audit_entry_hash(computed, &e);
		if (strcmp(computed, hash) != 0 &&
		    add_problem(
		            &r, e.seq, "edited",
		            "entry %lld (%s) does not match its hash: its contents were changed",
		            (long long)e.seq, e.action ? e.action : "?"))
			goto nomem;
		if (strcmp(prev, expect) != 0) {
			struct seen key, *found;

			snprintf(key.hash, sizeof(key.hash), "%s", prev);
			found = n_seen ? bsearch(&key, seen, n_seen, sizeof(*seen), cmp_seen)
			               : NULL;
			if (found && found->seq != prev_seq) {
				if (add_problem(&r, e.seq, "reordered",
				                "entry %lld was written after entry %lld but now "
				                "follows entry %lld",
				                (long long)e.seq, (long long)found->seq,
				                (long long)prev_seq))
					goto nomem;
			} else if (e.seq != prev_seq + 1) {
				if (add_problem(
				            &r, e.seq, "deleted",
				            "entries %lld to %lld before entry %lld are missing",
				            (long long)prev_seq + 1, (long long)e.seq - 1,
				            (long long)e.seq))
					goto nomem;
			} else if (add_problem(&r, e.seq, "deleted",
			                       "entry %lld does not follow entry %lld: an entry "
			                       "was removed or entry %lld was rewritten",
			                       (long long)e.seq, (long long)prev_seq,
			                       (long long)prev_seq)) {
				goto nomem;
			}
		} else if (e.seq != prev_seq + 1) {
			if (add_problem(
			            &r, e.seq, "reordered",
			            "entry %lld follows entry %lld in the chain but is numbered "
			            "%lld",
			            (long long)e.seq, (long long)prev_seq, (long long)e.seq))
				goto nomem;
		}
		snprintf(expect, sizeof(expect), "%s", hash);
		prev_seq = e.seq;
	}
	if (rc < 0)
		goto out;
	store_stmt_free(st);
	st = NULL;

	rc = store_prepare(s, &st, "SELECT seq, hash FROM audit_head WHERE id = 1", err);
	if (rc)
		goto out;
	rc = store_step(st, err);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		const char *h = store_col_text(st, 1);

		head_seq = store_col_int(st, 0);
		snprintf(head_hash, sizeof(head_hash), "%s", h ? h : "");
	}
	if (head_seq > prev_seq) {
		if (add_problem(&r, head_seq, "deleted",
		                "the log ends at entry %lld but entry %lld was written",
		                (long long)prev_seq, (long long)head_seq))
			goto nomem;
	} else if (head_seq && strcmp(head_hash, expect) != 0 && head_seq == prev_seq) {
		if (add_problem(&r, head_seq, "edited",
		                "the last entry's hash differs from the one recorded when it was "
		                "written"))
			goto nomem;
	}
	rc = KV_OK;
	*out = r;
	r.problems = NULL;
	goto out;
nomem:
	rc = err_set(err, KV_ENOMEM, "out of memory");
out:
	store_stmt_free(st);
	free(seen);
	free(r.problems);
	return rc;
}

void audit_report_done(struct audit_report *r)
{
	if (!r)
		return;
	free(r->problems);
	r->problems = NULL;
	r->n_problems = 0;
}

int audit_append_json(struct store *s, int64_t org_id, const char *actor, const char *action,
                      const char *entity, int64_t entity_id, json_t *before, json_t *after,
                      struct err *err)
{
	char idtext[32], *jb = NULL, *ja = NULL;
	int rc;

	snprintf(idtext, sizeof(idtext), "%lld", (long long)entity_id);
	jb = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	ja = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(before);
	json_decref(after);
	if ((before && !jb) || (after && !ja))
		rc = err_set(err, KV_ENOMEM, "out of memory");
	else
		rc = audit_append(s, NULL, org_id, actor, action, entity, entity_id ? idtext : NULL,
		                  jb, ja, err);
	free(jb);
	free(ja);
	return rc;
}
