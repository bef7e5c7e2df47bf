/* Culling by the plan: classify, decide, delete in batches, write the
 * protokoll. Every batch is one transaction that deletes its records and
 * appends what it deleted to the run's list, so the list (and the protokoll
 * made from it) is exactly what committed batches removed, whenever the
 * process stops. Blob files are unlinked after the commit; a run cut short
 * before it unlinked them is finished by the next run. */
#include "records/cull.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/hash.h"
#include "base/time.h"
#include "records/holds.h"
#include "records/pdfa_child.h"
#include "render/render_doc.h"
#include "records/sip.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/cull_rows.h"
#include "store/retention_rows.h"
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static const char *const keep_names[KEEP_COUNT] = {
        [KEEP_RULE] = "the plan keeps it",
        [KEEP_NOT_DUE] = "not yet due",
        [KEEP_HOLD] = "under a hold",
        [KEEP_ACTION] = "led to an action",
        [KEEP_NOT_ARCHIVED] = "refused: must be archived first, in no delivered package",
};

const char *cull_keep_name(enum cull_keep k)
{
	return k < KEEP_COUNT ? keep_names[k] : "?";
}

void cull_report_done(struct cull_report *r)
{
	if (!r)
		return;
	free(r->lines);
	r->lines = NULL;
	r->n_lines = 0;
}

struct acct {
	int64_t id;
	char name[200];
	int closed;
	int64_t closed_at;
};

/* The page cache a cull runs with (see cull_run). */
#define CULL_CACHE ((int64_t)1 << 30)

struct plain_pass {
	enum cull_plain_kind kind;
	enum records_class cls;
};

struct freed {
	int64_t item_id;
	char sha[HASH_SHA256_HEX_LEN + 1];
};

struct go {
	int64_t id;
	enum records_class cls;
	int64_t account_id;
	int line;
	char key[200];
};

struct run {
	const struct op_ctx *op;
	const struct cull_opts *o;
	struct retention_plan plan;
	struct holds_set holds;
	struct acct *acc;
	size_t n_acc;
	struct cull_line *lines; /* RC_COUNT × (n_acc + 1) */
	int *touched;
	int64_t as_of;
	int64_t run_id;
	int64_t batch_no;
	int64_t last; /* the last id read */
	size_t n_rows;
	struct go *go;
	size_t n_go, cap_go;
	struct freed *fr;
	size_t n_fr, cap_fr;
	char (*unlink_list)[HASH_SHA256_HEX_LEN + 1];
	size_t n_unlink, cap_unlink;
	int64_t bytes_batch;
	const struct plain_pass *plain; /* the pass over webhooks or logs */
	struct cull_report *rep;
	struct err *err;
};

/* ---- the date a period ends ---- */

int64_t cull_months_before(int64_t t, int months)
{
	struct calendar_local lt;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t out = t;
	int y, m, d, total;

	calendar_to_local(&lt, t);
	total = lt.y * 12 + (lt.m - 1) - months;
	y = total / 12;
	m = total % 12 + 1;
	d = lt.d;
	if (d > mdays[m - 1])
		d = (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ? 29 : mdays[m - 1];
	if (calendar_from_local(&out, y, m, d, lt.hour, lt.min, lt.sec) != KV_OK)
		return 0; /* before the calendar's range: nothing is that old */
	return out;
}

/* ---- accounts and report lines ---- */

static int got_account(void *arg, const struct retention_account_row *a)
{
	struct run *R = arg;
	struct acct *grown = realloc(R->acc, (R->n_acc + 1) * sizeof(*grown)), *x;
	int y, m, d;

	if (!grown)
		return err_set(R->err, KV_ENOMEM, "out of memory");
	R->acc = grown;
	x = &grown[R->n_acc++];
	memset(x, 0, sizeof(*x));
	x->id = a->id;
	snprintf(x->name, sizeof(x->name), "%s/%s", a->platform, a->handle);
	if (strcmp(a->status, "closed") == 0) {
		x->closed = 1;
		if (a->closed_on && time_parse_date(a->closed_on, &y, &m, &d) == 0)
			calendar_from_local(&x->closed_at, y, m, d, 0, 0, 0);
	}
	return 0;
}

static size_t acc_index(const struct run *R, int64_t account)
{
	for (size_t i = 0; i < R->n_acc; i++)
		if (R->acc[i].id == account)
			return i + 1;
	return 0;
}

static struct cull_line *line_for(struct run *R, enum records_class c, int64_t account)
{
	size_t ai = account ? acc_index(R, account) : 0;
	size_t idx = (size_t)c * (R->n_acc + 1) + ai;
	struct cull_line *l = &R->lines[idx];

	if (!R->touched[idx]) {
		R->touched[idx] = 1;
		l->cls = c;
		l->account_id = ai ? account : 0;
		snprintf(l->account, sizeof(l->account), "%s", ai ? R->acc[ai - 1].name : "-");
		l->rule = *retention_plan_rule(&R->plan, l->account_id, c);
		if (l->rule.set && l->rule.action == RETAIN_AFTER)
			l->cutoff = l->rule.months ? cull_months_before(R->as_of, l->rule.months)
			                           : R->as_of;
	}
	return l;
}

/* ---- classification ---- */

static int is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static enum records_class classify(const struct cull_item_row *r)
{
	int taken_down = is(r->case_state, "hidden") || is(r->case_state, "removed");

	if (r->case_id && taken_down && is(r->case_categories, "commercial") && !r->case_registered)
		return RC_SKRAP;
	if (r->case_id && taken_down)
		return RC_BORTTAGET;
	if (is(r->kind, "message"))
		return RC_MEDDELANDEN;
	if (is(r->question_state, "answered"))
		return RC_ENKLA_FRAGOR;
	if (!r->case_id && is(r->direction, "inkommen") && is(r->screened, "commercial"))
		return RC_SKRAP;
	if (is(r->direction, "upprattad"))
		return RC_UPPRATTADE;
	return RC_INKOMNA;
}

/* AL: an item that led to an action (a case, a question being handled) is
 * not of "ringa betydelse" and is never culled as such. Content taken down
 * under 4.4 is a class of its own, kept by its own rule. */
static int led_to_action(const struct cull_item_row *r, enum records_class c)
{
	if (c == RC_BORTTAGET)
		return 0;
	if (r->case_id && c != RC_SKRAP)
		return 1;
	return is(r->question_state, "open") || is(r->question_state, "forwarded") ||
	       is(r->question_state, "referred");
}

static int due(const struct run *R, const struct cull_line *l, int64_t account, int64_t at)
{
	size_t ai;

	if (!l->rule.set || l->rule.action == RETAIN_KEEP)
		return 0;
	if (l->rule.action == RETAIN_AFTER)
		return l->rule.months == 0 ? at <= R->as_of : at < l->cutoff;
	ai = acc_index(R, account);
	return ai && R->acc[ai - 1].closed && R->acc[ai - 1].closed_at <= R->as_of;
}

/* 1 when the item may go, else 0 with *why set. */
static int decide(struct run *R, const struct cull_line *l, const struct cull_item_row *r,
                  enum records_class item_cls, int64_t at, enum cull_keep *why)
{
	char objid[SIP_OBJID_MAX];
	int rc;

	if (!l->rule.set || l->rule.action == RETAIN_KEEP) {
		*why = KEEP_RULE;
		return 0;
	}
	if (!due(R, l, r->account_id, at)) {
		*why = KEEP_NOT_DUE;
		return 0;
	}
	if (holds_covering(&R->holds, r->account_id, r->id, r->root)) {
		*why = KEEP_HOLD;
		return 0;
	}
	if (led_to_action(r, item_cls) || (l->cls == RC_MEDIA && item_cls == RC_BORTTAGET)) {
		*why = KEEP_ACTION;
		return 0;
	}
	if (l->rule.archive_first) {
		struct err nf = {0};

		/* The e-archive writer's record of delivered packages. */
		rc = sip_archived_in(R->op, r->id, objid, &nf);
		if (rc == KV_ENOTFOUND) {
			*why = KEEP_NOT_ARCHIVED;
			return 0;
		}
		if (rc) {
			*R->err = nf;
			return rc;
		}
	}
	return 1;
}

static int push_go(struct run *R, int64_t id, enum records_class c, int64_t account, int line,
                   const char *key)
{
	if (R->n_go == R->cap_go) {
		size_t cap = R->cap_go ? R->cap_go * 2 : 256;
		struct go *g = realloc(R->go, cap * sizeof(*g));

		if (!g)
			return err_set(R->err, KV_ENOMEM, "out of memory");
		R->go = g;
		R->cap_go = cap;
	}
	R->go[R->n_go].id = id;
	R->go[R->n_go].cls = c;
	R->go[R->n_go].account_id = account;
	R->go[R->n_go].line = line;
	snprintf(R->go[R->n_go].key, sizeof(R->go[R->n_go].key), "%s", key);
	R->n_go++;
	return KV_OK;
}

/* 1 when a run limited to some items (cull_opts.only) takes up item id. */
static int in_only(const struct run *R, int64_t id)
{
	size_t lo = 0, hi = R->o->n_only;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (R->o->only[mid] == id)
			return 1;
		if (R->o->only[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int on_item(void *arg, const struct cull_item_row *r)
{
	struct run *R = arg;
	enum records_class c = classify(r);
	struct cull_line *l;
	enum cull_keep why = KEEP_RULE;
	struct cull_item_verdict v = {.item_id = r->id, .cls = (int)c};
	int rc;

	R->n_rows++;
	R->last = r->id;
	if (R->o->only && !in_only(R, r->id))
		return 0;
	l = line_for(R, c, r->account_id);
	rc = decide(R, l, r, c, r->at, &why);
	if (rc < 0)
		return rc;
	v.go = rc;
	v.why = (int)why;
	v.rule = &l->rule;
	if (R->o->verdict) {
		int vr = R->o->verdict(R->o->verdict_ctx, &v);

		if (vr)
			return vr;
	}
	if (!v.go) {
		l->keep[why]++;
		return 0;
	}
	l->go++;
	return push_go(R, r->id, c, r->account_id, l->rule.line, r->platform_id);
}

/* 1 when a run limited to some items has read past the last of them. */
static int past_only(const struct run *R)
{
	return R->o->only && (R->o->n_only == 0 || R->last >= R->o->only[R->o->n_only - 1]);
}

/* ---- batches ---- */

static int entry(struct run *R, enum records_class c, int64_t account, const char *what,
                 const char *key, int line)
{
	char e[600];
	size_t ai = account ? acc_index(R, account) : 0;

	snprintf(e, sizeof(e), "%s\t%s\t%s\t%s", retention_class_name(c),
	         ai ? R->acc[ai - 1].name : "-", what, key);
	return cull_rows_removed_insert(R->op->store, R->run_id, R->batch_no,
	                                retention_class_name(c), account, what, e, line, R->err);
}

static int on_blob(void *arg, int64_t item_id, const char *sha)
{
	struct run *R = arg;

	if (R->n_fr == R->cap_fr) {
		size_t cap = R->cap_fr ? R->cap_fr * 2 : 64;
		struct freed *f = realloc(R->fr, cap * sizeof(*f));

		if (!f)
			return err_set(R->err, KV_ENOMEM, "out of memory");
		R->fr = f;
		R->cap_fr = cap;
	}
	R->fr[R->n_fr].item_id = item_id;
	snprintf(R->fr[R->n_fr].sha, sizeof(R->fr[R->n_fr].sha), "%s", sha);
	R->n_fr++;
	return 0;
}

static const struct go *go_of(const struct run *R, int64_t id)
{
	for (size_t i = 0; i < R->n_go; i++)
		if (R->go[i].id == id)
			return &R->go[i];
	return NULL;
}

static int blob_bytes(struct store *s, const char *sha, int64_t *bytes)
{
	char path[4096];
	struct err e = {0};
	FILE *f;

	if (blob_path(s, sha, path, sizeof(path), &e))
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);

		if (n > 0)
			*bytes += n;
	}
	fclose(f);
	return 1;
}

/* Records the freed blobs nothing refers to any more, to be unlinked after
 * the commit. */
static int note_freed(struct run *R, enum records_class media_cls, int64_t account, int line)
{
	int rc = KV_OK;

	for (size_t i = 0; i < R->n_fr && !rc; i++) {
		const struct go *g = go_of(R, R->fr[i].item_id);
		enum records_class c = g ? g->cls : media_cls;
		int64_t acc = g ? g->account_id : account;
		struct cull_line *l;
		int dup = 0;

		for (size_t j = 0; j < R->n_unlink; j++)
			dup |= strcmp(R->unlink_list[j], R->fr[i].sha) == 0;
		if (dup)
			continue;
		rc = cull_rows_blob_referenced(R->op->store, R->fr[i].sha, R->err);
		if (rc < 0)
			break;
		if (rc == 1) {
			rc = KV_OK;
			continue;
		}
		rc = entry(R, c, acc, "blob", R->fr[i].sha, g ? g->line : line);
		if (rc)
			break;
		if (R->n_unlink == R->cap_unlink) {
			size_t cap = R->cap_unlink ? R->cap_unlink * 2 : 64;
			void *p = realloc(R->unlink_list, cap * sizeof(*R->unlink_list));

			if (!p)
				return err_set(R->err, KV_ENOMEM, "out of memory");
			R->unlink_list = p;
			R->cap_unlink = cap;
		}
		snprintf(R->unlink_list[R->n_unlink++], HASH_SHA256_HEX_LEN + 1, "%s",
		         R->fr[i].sha);
		blob_bytes(R->op->store, R->fr[i].sha, &R->bytes_batch);
		l = line_for(R, c, acc);
		l->blobs++;
	}
	return rc;
}

static int audit_batch(struct run *R, int64_t removed, const struct cull_rows_deleted *d)
{
	char id[32], *after;
	json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "run", (json_int_t)R->run_id, "batch",
	                      (json_int_t)R->batch_no, "removed", (json_int_t)removed, "versions",
	                      (json_int_t)d->versions, "blobs", (json_int_t)R->n_unlink, "bytes",
	                      (json_int_t)R->bytes_batch);
	int rc;

	after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!after)
		return err_set(R->err, KV_ENOMEM, "out of memory");
	snprintf(id, sizeof(id), "%lld", (long long)R->run_id);
	rc = audit_append(R->op->store, NULL, R->op->org, op_ctx_actor(R->op), "cull.batch",
	                  "cull_run", id, NULL, after, R->err);
	free(after);
	return rc;
}

static void pause_between(const struct run *R)
{
	struct timespec ts;

	if (R->o->pause_ms <= 0)
		return;
	ts.tv_sec = R->o->pause_ms / 1000;
	ts.tv_nsec = (R->o->pause_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void batch_reset(struct run *R)
{
	R->n_rows = 0;
	R->n_go = 0;
	R->n_fr = 0;
	R->n_unlink = 0;
	R->bytes_batch = 0;
}

/* Commits what a batch decided (R->go, removed by del) and unlinks the
 * freed files; or, in a dry run, only counts. */
typedef int (*batch_read_fn)(struct run *R, int64_t limit);
typedef int (*batch_delete_fn)(struct run *R, struct cull_rows_deleted *d);

static int run_batches(struct run *R, batch_read_fn read, batch_delete_fn del)
{
	struct store *s = R->op->store;
	int64_t limit = R->o->batch > 0 ? R->o->batch : 1000;
	int rc = KV_OK;

	/* A run limited to some items starts just before the first of them. */
	R->last = R->o->only && R->o->n_only ? R->o->only[0] - 1 : 0;
	for (;;) {
		struct cull_rows_deleted d = {0};

		batch_reset(R);
		if (R->o->dry_run) {
			rc = read(R, limit);
			if (rc || R->n_rows == 0)
				break;
			R->rep->removed += (int64_t)R->n_go;
			if (past_only(R))
				break;
			continue;
		}
		rc = store_begin(s, R->err);
		if (rc)
			break;
		rc = read(R, limit);
		if (rc || R->n_rows == 0 || R->n_go == 0) {
			store_rollback(s);
			if (rc || R->n_rows == 0 || past_only(R))
				break;
			continue;
		}
		R->batch_no++;
		for (size_t i = 0; i < R->n_go && !rc; i++)
			rc = entry(R, R->go[i].cls, R->go[i].account_id,
			           R->go[i].cls == RC_MEDIA      ? "media"
			           : R->go[i].cls == RC_WEBHOOKS ? "webhook"
			           : R->go[i].cls == RC_LOGGAR   ? "log"
			                                         : "item",
			           R->go[i].key, R->go[i].line);
		if (!rc)
			rc = del(R, &d);
		if (!rc)
			rc = cull_rows_run_add(s, R->run_id, d.versions, d.fts, R->bytes_batch,
			                       R->err);
		if (!rc)
			rc = audit_batch(R, (int64_t)R->n_go, &d);
		if (rc) {
			store_rollback(s);
			R->batch_no--;
			break;
		}
		rc = store_commit(s, R->err);
		if (rc)
			break;
		/* Committed: the list says these files are gone, so unlink them
		 * now (a crash here is finished by the next run). */
		for (size_t i = 0; i < R->n_unlink; i++) {
			int64_t ignored = 0;

			blob_remove(s, R->unlink_list[i], &ignored, R->err);
		}
		R->rep->batches++;
		R->rep->removed += (int64_t)R->n_go;
		R->rep->versions += d.versions;
		R->rep->fts += d.fts;
		R->rep->bytes += R->bytes_batch;
		if (past_only(R))
			break;
		pause_between(R);
	}
	return rc;
}

static int read_items(struct run *R, int64_t limit)
{
	return cull_rows_items(R->op->store, R->op->org, R->last, limit, on_item, R, R->err);
}

static int delete_items(struct run *R, struct cull_rows_deleted *d)
{
	int64_t *ids = malloc((R->n_go ? R->n_go : 1) * sizeof(*ids));
	int rc;

	if (!ids)
		return err_set(R->err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; i < R->n_go; i++)
		ids[i] = R->go[i].id;
	rc = cull_rows_delete_items(R->op->store, ids, R->n_go, on_blob, R, d, R->err);
	free(ids);
	if (!rc)
		rc = note_freed(R, RC_MEDIA, 0, 0);
	return rc;
}

static int on_media(void *arg, const struct cull_media_row *m)
{
	struct run *R = arg;
	enum records_class item_cls = classify(&m->item);
	struct cull_line *l = line_for(R, RC_MEDIA, m->item.account_id);
	enum cull_keep why = KEEP_RULE;
	char key[200];
	int rc;

	R->n_rows++;
	R->last = m->id;
	if (R->o->dry_run) {
		/* A real run has removed the item with its media by now. */
		struct cull_line *il = line_for(R, item_cls, m->item.account_id);

		rc = decide(R, il, &m->item, item_cls, m->item.at, &why);
		if (rc)
			return rc < 0 ? rc : 0;
	}
	rc = decide(R, l, &m->item, item_cls, m->item.at, &why);
	if (rc < 0)
		return rc;
	if (!rc) {
		l->keep[why]++;
		return 0;
	}
	l->go++;
	snprintf(key, sizeof(key), "%s#%lld", m->item.platform_id, (long long)m->id);
	rc = push_go(R, m->id, RC_MEDIA, m->item.account_id, l->rule.line, key);
	if (!rc)
		rc = on_blob(R, m->id, m->sha256);
	return rc;
}

static int read_media(struct run *R, int64_t limit)
{
	return cull_rows_media(R->op->store, R->op->org, R->last, limit, on_media, R, R->err);
}

static int delete_media(struct run *R, struct cull_rows_deleted *d)
{
	int rc = KV_OK;

	/* The freed blobs were noted under the media row's id, which is what
	 * R->go holds in this pass. */
	for (size_t i = 0; i < R->n_go && !rc; i++)
		rc = cull_rows_media_delete(R->op->store, R->go[i].id, R->err);
	if (!rc)
		rc = note_freed(R, RC_MEDIA, 0, 0);
	(void)d;
	return rc;
}

static int on_plain(void *arg, const struct cull_row_plain *p)
{
	struct run *R = arg;
	struct cull_line *l = line_for(R, R->plain->cls, 0);
	char key[300];

	R->n_rows++;
	R->last = p->id;
	if (!l->rule.set || l->rule.action == RETAIN_KEEP) {
		l->keep[KEEP_RULE]++;
		return 0;
	}
	if (!due(R, l, 0, p->at)) {
		l->keep[KEEP_NOT_DUE]++;
		return 0;
	}
	l->go++;
	snprintf(key, sizeof(key), "%s%lld:%s",
	         R->plain->kind == CULL_WEBHOOK ? "delivery "
	         : R->plain->kind == CULL_MAIL  ? "mail "
	                                        : "alert ",
	         (long long)p->id, p->key ? p->key : "");
	return push_go(R, p->id, R->plain->cls, 0, l->rule.line, key);
}

static int read_plain(struct run *R, int64_t limit)
{
	return cull_rows_plain(R->op->store, R->op->org, R->plain->kind, R->last, limit, on_plain,
	                       R, R->err);
}

static int delete_plain(struct run *R, struct cull_rows_deleted *d)
{
	int rc = KV_OK;

	for (size_t i = 0; i < R->n_go && !rc; i++)
		rc = cull_rows_plain_delete(R->op->store, R->plain->kind, R->go[i].id, R->err);
	(void)d;
	return rc;
}

/* ---- runs: start, close, protokoll ---- */

struct running {
	int64_t id[16];
	int64_t pid[16];
	size_t n;
};

static int got_running(void *arg, const struct cull_run_row *r)
{
	struct running *x = arg;

	if (x->n < 16) {
		x->id[x->n] = r->id;
		x->pid[x->n++] = r->pid;
	}
	return 0;
}

static int pid_alive(int64_t pid)
{
	if (pid <= 0 || pid == (int64_t)getpid())
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

struct proto_ctx {
	const struct op_ctx *op;
	struct retention_plan plan;
	struct acct *acc;
	size_t n_acc;
	json_t *counts;
	int64_t total; /* records removed */
	int64_t files; /* blob files removed */
	int64_t as_of;
	struct err *err;
};

static const struct retention_rule *rule_at_line(const struct retention_plan *p, int64_t line)
{
	for (int c = 0; c < RC_COUNT; c++)
		if (p->org[c].set && p->org[c].line == line)
			return &p->org[c];
	for (size_t i = 0; i < p->n_accounts; i++)
		for (int c = 0; c < RC_COUNT; c++)
			if (p->accounts[i].rules[c].set && p->accounts[i].rules[c].line == line)
				return &p->accounts[i].rules[c];
	return NULL;
}

static int got_count(void *arg, const char *cls, int64_t account, int64_t line, const char *what,
                     int64_t n)
{
	struct proto_ctx *p = arg;
	const struct retention_rule *r = rule_at_line(&p->plan, line);
	const char *acc = "-";
	char rule[80] = "", cutoff[CALENDAR_ISO_LEN] = "";
	enum records_class c = RC_INKOMNA;
	struct err ignored = {0};

	for (size_t i = 0; i < p->n_acc; i++)
		if (p->acc[i].id == account)
			acc = p->acc[i].name;
	retention_class_from_name(cls, &c, &ignored);
	if (r) {
		retention_rule_text(r, rule, sizeof(rule));
		if (r->action == RETAIN_AFTER)
			calendar_format_local(cutoff,
			                      r->months ? cull_months_before(p->as_of, r->months)
			                                : p->as_of);
	}
	if (strcmp(what, "blob") == 0)
		p->files += n;
	else
		p->total += n;
	return json_array_append_new(p->counts,
	                             json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s?,s:s?}", "class",
	                                       cls, "label", retention_class_label(c), "account",
	                                       acc, "what", what, "count", (json_int_t)n,
	                                       "plan_line", (json_int_t)line, "rule", rule,
	                                       "removed_before", cutoff[0] ? cutoff : NULL,
	                                       "source", r ? r->source : NULL))
	               ? err_set(p->err, KV_ENOMEM, "out of memory")
	               : 0;
}

static int got_proto_account(void *arg, const struct retention_account_row *a)
{
	struct proto_ctx *p = arg;
	struct acct *grown = realloc(p->acc, (p->n_acc + 1) * sizeof(*grown));

	if (!grown)
		return err_set(p->err, KV_ENOMEM, "out of memory");
	p->acc = grown;
	memset(&grown[p->n_acc], 0, sizeof(*grown));
	grown[p->n_acc].id = a->id;
	snprintf(grown[p->n_acc].name, sizeof(grown->name), "%s/%s", a->platform, a->handle);
	p->n_acc++;
	return 0;
}

struct hash_ctx {
	struct hash_sha256_ctx h;
	int64_t n;
};

static int hash_entry(void *arg, const char *e)
{
	struct hash_ctx *h = arg;

	hash_sha256_update(&h->h, e, strlen(e));
	hash_sha256_update(&h->h, "\n", 1);
	h->n++;
	return 0;
}

/* The protokoll of run r as JSON text, with list hash sha. */
static int build_protokoll(const struct op_ctx *op, const struct cull_run_row *r, const char *state,
                           int64_t finished_at, char sha[65], char **out, struct err *err)
{
	struct proto_ctx p = {.op = op, .err = err, .as_of = r->as_of};
	struct hash_ctx h;
	json_t *j = NULL;
	int rc;

	hash_sha256_begin(&h.h);
	h.n = 0;
	rc = cull_rows_removed_each(op->store, r->id, hash_entry, &h, err);
	if (rc)
		return rc;
	hash_sha256_end_hex(&h.h, sha);
	p.counts = json_array();
	rc = retention_get(op, r->plan_version, &p.plan, err);
	if (!rc)
		rc = retention_rows_accounts(op->store, op->org, got_proto_account, &p, err);
	if (!rc)
		rc = cull_rows_removed_counts(op->store, r->id, got_count, &p, err);
	if (!rc) {
		j = json_pack(
		        "{s:s,s:I,s:s,s:{s:I,s:s,s:s},s:o,s:{s:o,s:o,s:o},s:s,s:o,s:I,s:I,s:I,"
		        "s:I,s:I,s:{s:I,s:s,s:s}}",
		        "protokoll", "gallringsprotokoll", "run", (json_int_t)r->id, "state", state,
		        "plan", "version", (json_int_t)r->plan_version, "name", p.plan.name,
		        "sha256", p.plan.sha256, "as_of", calendar_json_local(r->as_of), "period",
		        "started_at", calendar_json_local(r->started_at), "finished_at",
		        calendar_json_local(finished_at), "rules_applied_at",
		        calendar_json_local(r->as_of), "by", r->actor, "counts", p.counts,
		        "removed", (json_int_t)p.total, "files_removed", (json_int_t)p.files,
		        "batches", (json_int_t)r->batches, "versions", (json_int_t)r->versions,
		        "bytes_reclaimed", (json_int_t)r->bytes, "list", "entries", (json_int_t)h.n,
		        "sha256", sha, "format",
		        "class TAB account TAB what TAB key, one line per record removed, each"
		        " ending in LF, sorted bytewise (kanalvakt cull show N --list)");
		p.counts = NULL;
		*out = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		if (!*out)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
	json_decref(j);
	json_decref(p.counts);
	free(p.acc);
	retention_plan_done(&p.plan);
	return rc;
}

/* ---- the protokoll as PDF/A-1b ---- */

static const char *jget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "-";
}

static void jint(char *out, size_t outsz, json_t *o, const char *key)
{
	snprintf(out, outsz, "%lld", (long long)json_integer_value(json_object_get(o, key)));
}

/* The protokoll document, from its JSON. */
static int protokoll_doc(json_t *j, struct render_doc **out)
{
	static const char *const heads[] = {"Klass", "Konto", "Antal", "Regel", "Källa"};
	json_t *plan = json_object_get(j, "plan"), *period = json_object_get(j, "period");
	json_t *list = json_object_get(j, "list"), *counts = json_object_get(j, "counts"), *c;
	struct render_doc *doc = NULL;
	char b[200], title[120];
	size_t i;
	int rc;

	rc = render_doc_new(&doc);
	if (rc)
		return rc;
	snprintf(title, sizeof(title), "Gallringsprotokoll nr %lld",
	         (long long)json_integer_value(json_object_get(j, "run")));
	rc = render_doc_set_title(doc, title);
	rc = rc ? rc : render_doc_set_page_footer(doc, title);
	rc = rc ? rc : render_doc_heading(doc, 1, title);
	snprintf(b, sizeof(b), "%lld: %s",
	         (long long)json_integer_value(json_object_get(plan, "version")),
	         jget(plan, "name"));
	rc = rc ? rc : render_doc_kv(doc, "Dokumenthanteringsplan, version", b);
	rc = rc ? rc : render_doc_kv(doc, "Planens SHA-256", jget(plan, "sha256"));
	rc = rc ? rc : render_doc_kv(doc, "Reglerna tillämpade per", jget(j, "as_of"));
	rc = rc ? rc : render_doc_kv(doc, "Påbörjad", jget(period, "started_at"));
	rc = rc ? rc : render_doc_kv(doc, "Avslutad", jget(period, "finished_at"));
	rc = rc ? rc : render_doc_kv(doc, "Utförd av", jget(j, "by"));
	rc = rc ? rc : render_doc_kv(doc, "Status", jget(j, "state"));
	jint(b, sizeof(b), j, "removed");
	rc = rc ? rc : render_doc_kv(doc, "Gallrade poster", b);
	jint(b, sizeof(b), j, "files_removed");
	rc = rc ? rc : render_doc_kv(doc, "Gallrade filer", b);
	jint(b, sizeof(b), j, "versions");
	rc = rc ? rc : render_doc_kv(doc, "Gallrade versioner", b);
	jint(b, sizeof(b), j, "bytes_reclaimed");
	rc = rc ? rc : render_doc_kv(doc, "Frigjorda byte (filer)", b);
	jint(b, sizeof(b), list, "entries");
	rc = rc ? rc : render_doc_kv(doc, "Poster i förteckningen", b);
	rc = rc ? rc : render_doc_kv(doc, "Förteckningens SHA-256", jget(list, "sha256"));
	rc = rc ? rc : render_doc_paragraph(doc, RENDER_META, jget(list, "format"));
	rc = rc ? rc : render_doc_heading(doc, 2, "Gallrat per klass och konto");
	rc = rc ? rc : render_doc_table_begin(doc, NULL, 5, heads);
	json_array_foreach(counts, i, c)
	{
		const char *before = jget(c, "removed_before");
		char line[160];

		snprintf(line, sizeof(line), "%s (rad %lld)%s%.10s", jget(c, "rule"),
		         (long long)json_integer_value(json_object_get(c, "plan_line")),
		         strcmp(before, "-") ? ", äldre än " : "",
		         strcmp(before, "-") ? before : "");
		snprintf(b, sizeof(b), "%lld %s",
		         (long long)json_integer_value(json_object_get(c, "count")),
		         strcmp(jget(c, "what"), "blob") == 0 ? "filer" : "poster");
		rc = rc ? rc : render_doc_row_begin(doc);
		rc = rc ? rc : render_doc_cell(doc, jget(c, "label"));
		rc = rc ? rc : render_doc_cell(doc, jget(c, "account"));
		rc = rc ? rc : render_doc_cell(doc, b);
		rc = rc ? rc : render_doc_cell(doc, line);
		rc = rc ? rc : render_doc_cell(doc, jget(c, "source"));
		rc = rc ? rc : render_doc_row_end(doc);
	}
	rc = rc ? rc : render_doc_table_end(doc);
	if (!rc && json_array_size(counts) == 0)
		rc = render_doc_paragraph(doc, RENDER_NOTE, "Inget gallrades.");
	if (rc) {
		render_doc_free(doc);
		return rc;
	}
	*out = doc;
	return KV_OK;
}

/* Renders the protokoll JSON as PDF/A-1b into the blob store; its hash in
 * sha. */
static int protokoll_pdf(const struct op_ctx *op, int64_t run, const char *proto, char sha[65],
                         struct err *err)
{
	char name[64];

	snprintf(name, sizeof(name), "protokoll-%lld", (long long)run);
	return pdfa_child_json_blob(op->store, proto, protokoll_doc, "Gallringsprotokoll", op->now,
	                            name, sha, err);
}

static int unlink_missed(void *arg, const char *e)
{
	struct store *s = arg;
	const char *sha = strrchr(e, '\t');
	struct err err = {0};
	int64_t bytes = 0;

	if (!sha)
		return 0;
	sha++;
	if (cull_rows_blob_referenced(s, sha, &err) == 0)
		blob_remove(s, sha, &bytes, &err);
	return 0;
}

struct one_run {
	struct cull_run_row r;
	char actor[PRINCIPAL_NAME_MAX];
	char state[16];
	int found;
};

static int got_one(void *arg, const struct cull_run_row *r)
{
	struct one_run *o = arg;

	o->r = *r;
	snprintf(o->actor, sizeof(o->actor), "%s", r->actor);
	snprintf(o->state, sizeof(o->state), "%s", r->state);
	o->r.actor = o->actor;
	o->r.state = o->state;
	o->r.list_sha256 = o->r.protokoll = o->r.protokoll_sha256 = NULL;
	o->found = 1;
	return 0;
}

/* Closes run id as state (done or interrupted): finishes missed unlinks,
 * writes the protokoll (database and blob), audits. */
static int finish_run(const struct op_ctx *op, int64_t id, const char *state, char sha_out[65],
                      struct err *err)
{
	struct one_run o = {0};
	char sha[65], psha[65], pdfsha[65], idtext[32], *proto = NULL, *after = NULL;
	json_t *j;
	int rc;

	rc = cull_rows_removed_blobs(op->store, id, unlink_missed, op->store, err);
	if (rc)
		return rc;
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = cull_rows_runs(op->store, op->org, id, 0, got_one, &o, err);
	if (!rc)
		rc = build_protokoll(op, &o.r, state, op->now, sha, &proto, err);
	if (!rc)
		rc = blob_put(op->store, proto, strlen(proto), psha, err);
	if (!rc)
		rc = protokoll_pdf(op, id, proto, pdfsha, err);
	if (!rc)
		rc = cull_rows_run_finish(op->store, id, state, op->now, sha, proto, psha, pdfsha,
		                          err);
	if (!rc) {
		j = json_pack("{s:s,s:s,s:s}", "state", state, "list_sha256", sha,
		              "protokoll_sha256", psha);
		after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		rc = after ? audit_append(op->store, NULL, op->org, op_ctx_actor(op),
		                          strcmp(state, "done") == 0 ? "cull.finish"
		                                                     : "cull.interrupted",
		                          "cull_run", idtext, NULL, after, err)
		           : err_set(err, KV_ENOMEM, "out of memory");
	}
	if (rc)
		store_rollback(op->store);
	else
		rc = store_commit(op->store, err);
	if (!rc && sha_out)
		memcpy(sha_out, sha, 65);
	free(proto);
	free(after);
	return rc;
}

static int start_run(struct run *R)
{
	const struct op_ctx *op = R->op;
	struct running x = {0};
	struct cull_run_row r = {0};
	char idtext[32], *after = NULL;
	json_t *j;
	int rc;

	rc = cull_rows_runs(op->store, op->org, 0, 1, got_running, &x, R->err);
	if (rc)
		return rc;
	for (size_t i = 0; i < x.n; i++) {
		if (pid_alive(x.pid[i]))
			return err_set(R->err, KV_ECONFLICT,
			               "culling run %lld is still running (process %lld)",
			               (long long)x.id[i], (long long)x.pid[i]);
		rc = finish_run(op, x.id[i], "interrupted", NULL, R->err);
		if (rc)
			return rc;
		R->rep->interrupted++;
	}
	rc = store_begin(op->store, R->err);
	if (rc)
		return rc;
	r.plan_id = R->plan.id;
	r.plan_version = R->plan.version;
	r.as_of = R->as_of;
	r.actor = op_ctx_actor(op);
	r.pid = (int64_t)getpid();
	r.started_at = op->now;
	rc = cull_rows_run_insert(op->store, op->org, &r, &R->run_id, R->err);
	if (!rc) {
		j = json_pack("{s:I,s:s,s:o}", "plan_version", (json_int_t)R->plan.version,
		              "plan_sha256", R->plan.sha256, "as_of",
		              calendar_json_local(R->as_of));
		after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		snprintf(idtext, sizeof(idtext), "%lld", (long long)R->run_id);
		rc = after ? audit_append(op->store, NULL, op->org, op_ctx_actor(op), "cull.start",
		                          "cull_run", idtext, NULL, after, R->err)
		           : err_set(R->err, KV_ENOMEM, "out of memory");
	}
	free(after);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, R->err);
}

static int collect_lines(struct run *R)
{
	size_t n = 0, total = (size_t)RC_COUNT * (R->n_acc + 1);

	R->rep->lines = calloc(total ? total : 1, sizeof(*R->rep->lines));
	if (!R->rep->lines)
		return err_set(R->err, KV_ENOMEM, "out of memory");
	for (size_t i = 0; i < total; i++)
		if (R->touched[i])
			R->rep->lines[n++] = R->lines[i];
	R->rep->n_lines = n;
	return KV_OK;
}

int cull_run(const struct op_ctx *op, const struct cull_opts *o, struct cull_report *out,
             struct err *err)
{
	static const struct plain_pass plains[] = {
	        {CULL_WEBHOOK, RC_WEBHOOKS}, {CULL_MAIL, RC_LOGGAR}, {CULL_ALERT, RC_LOGGAR}};
	struct cull_report rep = {0};
	struct run R = {.op = op, .o = o, .rep = &rep, .err = err};
	size_t total;
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	R.as_of = o->as_of ? o->as_of : op->now;
	rc = retention_get(op, 0, &R.plan, err);
	if (!rc)
		rc = holds_load(op, &R.holds, err);
	if (!rc)
		rc = retention_rows_accounts(op->store, op->org, got_account, &R, err);
	if (rc)
		goto out;
	total = (size_t)RC_COUNT * (R.n_acc + 1);
	R.lines = calloc(total, sizeof(*R.lines));
	R.touched = calloc(total, sizeof(*R.touched));
	if (!R.lines || !R.touched) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rep.plan_version = R.plan.version;
	rep.as_of = R.as_of;
	if (!o->dry_run) {
		/* The protokoll is written as PDF/A-1b at the end: a missing font
		 * must stop the run before anything is removed. */
		rc = pdfa_child_check_font(PDFA_DEFAULT_FONT, err);
		if (!rc)
			rc = start_run(&R);
		if (rc)
			goto out;
		rep.run_id = R.run_id;
	}
	/* Deleting from the search index reads and rewrites its segments all
	 * over the file: with a page cache that holds the database, a run over a
	 * million items reads each page once instead of again for every batch. */
	store_set_cache(op->store, CULL_CACHE, NULL);
	rc = run_batches(&R, read_items, delete_items);
	if (!rc && !o->only)
		rc = run_batches(&R, read_media, delete_media);
	for (size_t i = 0; !rc && !o->only && i < sizeof(plains) / sizeof(plains[0]); i++) {
		R.plain = &plains[i];
		rc = run_batches(&R, read_plain, delete_plain);
	}
	if (!rc && !o->dry_run)
		rc = finish_run(op, R.run_id, "done", rep.list_sha256, err);
	if (!rc)
		rc = collect_lines(&R);
	store_set_cache(op->store, STORE_CACHE_DEFAULT, NULL);
out:
	retention_plan_done(&R.plan);
	holds_set_done(&R.holds);
	free(R.acc);
	free(R.lines);
	free(R.touched);
	free(R.go);
	free(R.fr);
	free(R.unlink_list);
	if (rc) {
		cull_report_done(&rep);
		return rc;
	}
	*out = rep;
	return KV_OK;
}

struct list_ctx {
	cull_run_info_fn fn;
	void *ctx;
	struct store *s;
	struct err *err;
};

static int got_run_info(void *arg, const struct cull_run_row *r)
{
	struct list_ctx *l = arg;
	struct cull_run_info i = {.id = r->id,
	                          .state = r->state,
	                          .plan_version = r->plan_version,
	                          .as_of = r->as_of,
	                          .actor = r->actor,
	                          .started_at = r->started_at,
	                          .finished_at = r->finished_at,
	                          .list_sha256 = r->list_sha256};
	char idtext[32];
	const char *args[1] = {idtext};

	snprintf(idtext, sizeof(idtext), "%lld", (long long)r->id);
	if (store_query_int(l->s, &i.removed, l->err,
	                    "SELECT COUNT(*) FROM cull_removed WHERE run_id = ?"
	                    " AND what <> 'blob'",
	                    1, args))
		return KV_EIO;
	return l->fn(l->ctx, &i);
}

int cull_list(const struct op_ctx *op, cull_run_info_fn fn, void *ctx, struct err *err)
{
	struct list_ctx l = {fn, ctx, op->store, err};
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	return rc ? rc : cull_rows_runs(op->store, op->org, 0, 0, got_run_info, &l, err);
}

struct proto_get {
	char *text;
};

static int got_proto(void *arg, const struct cull_run_row *r)
{
	struct proto_get *g = arg;

	g->text = r->protokoll ? strdup(r->protokoll) : NULL;
	return 0;
}

int cull_protokoll(const struct op_ctx *op, int64_t id, char **out, struct err *err)
{
	struct proto_get g = {0};
	struct one_run o = {0};
	char sha[65];
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (!rc)
		rc = cull_rows_runs(op->store, op->org, id, 0, got_proto, &g, err);
	if (rc)
		return rc;
	if (g.text) {
		*out = g.text;
		return KV_OK;
	}
	/* Not closed yet: made from what its committed batches removed. */
	rc = cull_rows_runs(op->store, op->org, id, 0, got_one, &o, err);
	if (!rc)
		rc = build_protokoll(op, &o.r, o.state, 0, sha, out, err);
	return rc;
}

struct pdf_get {
	char sha[65];
};

static int got_pdf(void *arg, const struct cull_run_row *r)
{
	struct pdf_get *g = arg;

	snprintf(g->sha, sizeof(g->sha), "%s",
	         r->protokoll_pdf_sha256 ? r->protokoll_pdf_sha256 : "");
	return 0;
}

int cull_protokoll_pdf(const struct op_ctx *op, int64_t id, char sha[65], struct err *err)
{
	struct pdf_get g = {{0}};
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (!rc)
		rc = cull_rows_runs(op->store, op->org, id, 0, got_pdf, &g, err);
	if (!rc && !g.sha[0])
		rc = err_set(err, KV_ENOTFOUND,
		             "culling run %lld is not closed yet: its PDF is written when it is",
		             (long long)id);
	if (!rc)
		memcpy(sha, g.sha, 65);
	return rc;
}

int cull_removed_list(const struct op_ctx *op, int64_t id, cull_list_entry_fn fn, void *ctx,
                      struct err *err)
{
	struct one_run o = {0};
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (!rc)
		rc = cull_rows_runs(op->store, op->org, id, 0, got_one, &o, err);
	return rc ? rc : cull_rows_removed_each(op->store, id, fn, ctx, err);
}

json_t *cull_run_json(const struct cull_run_info *r)
{
	return json_pack("{s:I,s:s,s:I,s:o,s:s,s:o,s:o,s:I,s:s?}", "run", (json_int_t)r->id,
	                 "state", r->state, "plan_version", (json_int_t)r->plan_version, "as_of",
	                 calendar_json_local(r->as_of), "by", r->actor, "started_at",
	                 calendar_json_local(r->started_at), "finished_at",
	                 calendar_json_local(r->finished_at), "removed", (json_int_t)r->removed,
	                 "list_sha256", r->list_sha256);
}
