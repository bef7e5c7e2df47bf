/* The periodic snapshot: the account's register entry as a header, then
 * its threads newest first, each item with its meta line, the text it had
 * on the day, its images and its state; written as PDF/A-1b, recorded and
 * audited in one transaction once the file is whole. */
#include "records/records_snapshot.h"

#include "records/records_screenshot.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/calendar.h"
#include "base/config.h"
#include "base/time.h"
#include "model/register.h"
#include "records/records_pdfa.h"
#include "records/records_print.h"
#include "records/records_threads.h"
#include "render/render_doc.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/items.h"
#include "store/records_rows.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "store/timestamp_rows.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int records_snapshot_settings(const struct config *cfg, const char *data_dir,
                              struct snapshot_settings *out, struct err *err)
{
	const char *dates = cfg ? config_get(cfg, "records", "snapshot_dates", NULL) : NULL;
	const char *dir = cfg ? config_get(cfg, "records", "snapshot_dir", NULL) : NULL;
	const char *font = cfg ? config_get(cfg, "records", "font", NULL) : NULL;
	const char *shot = cfg ? config_get(cfg, "records", "screenshot", "no") : "no";
	const char *chromium = cfg ? config_get(cfg, "records", "chromium", NULL) : NULL;

	memset(out, 0, sizeof(*out));
	if (config_parse_bool(shot, &out->screenshot))
		return err_set(err, KV_EINVAL, "[records] screenshot: '%s' is not yes or no", shot);
	snprintf(out->chromium, sizeof(out->chromium), "%s",
	         chromium && *chromium ? chromium : RECORDS_SCREENSHOT_CHROMIUM);
	if (!dates)
		dates = "06-30,12-31";
	for (const char *p = dates; *p;) {
		int m = 0, d = 0, used = 0;
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		if (sscanf(p, "%2d-%2d%n", &m, &d, &used) != 2 || used != 5 ||
		    !time_date_valid(2024, m, d) || (p[5] && p[5] != ',' && p[5] != ' '))
			return err_set(err, KV_EINVAL,
			               "[records] snapshot_dates: '%s' is not a list of MM-DD days",
			               dates);
		if (out->n_dates == SNAPSHOT_DATES_MAX)
			return err_set(err, KV_EINVAL,
			               "[records] snapshot_dates: more than %d days",
			               SNAPSHOT_DATES_MAX);
		out->month[out->n_dates] = m;
		out->day[out->n_dates] = d;
		out->n_dates++;
		p += 5;
	}
	if (out->n_dates == 0)
		return err_set(err, KV_EINVAL, "[records] snapshot_dates: no day given");
	if (dir)
		snprintf(out->out_dir, sizeof(out->out_dir), "%s", dir);
	else
		snprintf(out->out_dir, sizeof(out->out_dir), "%s/snapshots",
		         data_dir ? data_dir : ".");
	if (font)
		snprintf(out->font, sizeof(out->font), "%s", font);
	return KV_OK;
}

/* A name part without path separators or control characters. */
static void clean_name(char *s)
{
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
			*s = '-';
}

static const char *verksamhet(const struct account_rec *r)
{
	if (r->v.display_name && *r->v.display_name)
		return r->v.display_name;
	if (r->unit_name && *r->unit_name)
		return r->unit_name;
	return r->v.handle;
}

static int name_of(const struct account_rec *r, const char *day, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s %s %s periodiskt uttag.pdf",
	                 register_platform_label(r->v.platform), verksamhet(r), day);
	if (n < 0 || (size_t)n >= cap)
		return KV_EINVAL;
	clean_name(out);
	return KV_OK;
}

int records_snapshot_file_name(const struct op_ctx *op, int64_t account, const char *day, char *out,
                               size_t cap, struct err *err)
{
	struct account_rec *r = NULL;
	int rc = register_row_account_load(op->store, account, &r, err);

	if (rc)
		return rc;
	rc = name_of(r, day, out, cap);
	register_row_account_free(r);
	return rc ? err_set(err, KV_EINVAL, "snapshot: the file name is too long") : KV_OK;
}

struct version_pick {
	int64_t before;
	char *text; /* malloc'ed */
};

static int on_version(void *ctx, const struct item_version_row *v)
{
	struct version_pick *p = ctx;
	int64_t at = v->version_at ? v->version_at : v->captured_at;

	if (at < p->before || !p->text) {
		char *t = strdup(v->text ? v->text : "");
		if (!t)
			return KV_ENOMEM;
		free(p->text);
		p->text = t;
	}
	return 0;
}

/* One item of the page: meta line, text, images, state. */
static int print_item(struct render_doc *doc, const struct op_ctx *op,
                      const struct records_item *it, int64_t day_end, struct err *err)
{
	char when[32], line[1024], note[160];
	struct version_pick vp = {day_end, NULL};
	const char *text = it->text;
	int rc;

	records_print_time(when, it->created_at);
	snprintf(line, sizeof(line), "%s · %s · %s%s", it->author_name ? it->author_name : "okänd",
	         when, records_print_kind(it->kind),
	         it->direction && strcmp(it->direction, "upprattad") == 0 ? " (kontot)" : "");
	if (it->versions > 1) {
		/* The text it had on the day, which may be older than the latest. */
		rc = items_versions(op->store, it->id, on_version, &vp, err);
		if (rc) {
			free(vp.text);
			return rc;
		}
		if (vp.text)
			text = vp.text;
		size_t l = strlen(line);
		snprintf(line + l, sizeof(line) - l, " · redigerat (%lld versioner)",
		         (long long)it->versions);
	}
	if (it->orphan) {
		size_t l = strlen(line);
		snprintf(line + l, sizeof(line) - l,
		         " · inlägget det hör till finns inte i uttaget");
	}
	render_doc_paragraph(doc, RENDER_META, line);
	render_doc_paragraph(doc, RENDER_BODY, text);
	free(vp.text);
	rc = records_print_images(doc, op->store, op->org, it->id, NULL, err);
	if (!rc)
		rc = records_print_state_at(op->store, it, day_end, note, sizeof(note), err);
	if (!rc && note[0])
		render_doc_paragraph(doc, RENDER_NOTE, note);
	return rc;
}

/* What a printout of an account covers and how it reads. */
struct account_print {
	const char *day;   /* the snapshot's day, or the period's text */
	int64_t from, end; /* created_at in [from, end); end also dates versions and states */
	int snapshot;      /* 1: the page as it looked (newest first, no messages) */
	const char *kind;  /* "periodiskt uttag", "utskrift" */
	const unsigned char *shot; /* a PNG of the live page, or NULL */
	size_t shot_len;
	const char *shot_note; /* why there is none, or NULL */
};

static int build_doc(struct render_doc *doc, const struct op_ctx *op, const struct account_rec *r,
                     const char *org_name, const struct account_print *ap, const char *title,
                     int64_t *n_items, struct err *err)
{
	struct records_threads t;
	struct item_filter f = {0};
	char taken[32], line[512];
	const char *day = ap->day;
	int64_t day_end = ap->end;
	int depth = 0, rc;

	f.org_id = op->org;
	f.account_id = r->v.id;
	f.from = ap->from;
	f.to = ap->end;
	rc = records_threads_load(op->store, &f, NULL, 0, ap->snapshot, ap->snapshot, &t, err);
	if (rc)
		return rc;
	records_print_time(taken, op->now);
	render_doc_set_title(doc, title);
	render_doc_set_page_header(doc, title);
	snprintf(line, sizeof(line), "%s · %s", org_name, ap->kind);
	render_doc_set_page_footer(doc, line);
	render_doc_heading(doc, 1, verksamhet(r));
	render_doc_kv(doc, "Plattform", register_platform_label(r->v.platform));
	render_doc_kv(doc, "Konto", r->v.handle);
	if (r->v.url)
		render_doc_kv(doc, "Adress", r->v.url);
	if (r->unit_name)
		render_doc_kv(doc, "Verksamhet", r->unit_name);
	if (r->v.purpose)
		render_doc_kv(doc, "Syfte", r->v.purpose);
	render_doc_kv(doc, "Status", register_account_status_name(r->v.status));
	if (r->closed_on)
		render_doc_kv(doc, "Stängt", r->closed_on);
	render_doc_kv(doc, ap->snapshot ? "Uttaget avser" : "Period", day);
	render_doc_kv(doc, "Framställt", taken);
	snprintf(line, sizeof(line), "%zu", t.n);
	render_doc_kv(doc, "Poster", line);
	render_doc_kv(doc, "Arkivbildare", org_name);
	/* The account's profile picture as it was on the day (ap->end). */
	rc = records_print_profile_picture(doc, op->store, r->v.id, ap->end, NULL, err);
	if (rc) {
		records_threads_done(&t);
		return rc;
	}
	render_doc_paragraph(
	        doc, RENDER_NOTE,
	        ap->snapshot ? "Kontot så som det såg ut enligt det Kanalvakt har fångat: "
	                       "inläggen med det senaste först, kommentarer och svar under "
	                       "sitt inlägg i den ordning de skrevs."
	                     : "Kontots poster under perioden i tidsordning, kommentarer och "
	                       "svar under det de svarar på.");
	if (ap->shot) {
		render_doc_heading(doc, 2, "Sidan som den visades");
		snprintf(line, sizeof(line), "Skärmbild av %s, tagen %s", r->v.url ? r->v.url : "",
		         taken);
		render_doc_image(doc, ap->shot, ap->shot_len, "image/png", line);
	} else if (ap->shot_note) {
		render_doc_paragraph(doc, RENDER_NOTE, ap->shot_note);
	}
	if (t.n == 0)
		render_doc_paragraph(doc, RENDER_BODY, "Inga poster fångade under perioden.");
	for (size_t i = 0; i < t.n && !rc; i++) {
		const struct records_item *it = &t.v[i];
		int want = it->depth;
		if (want == 0 && i > 0)
			render_doc_paragraph(doc, RENDER_META, " ");
		while (depth < want) {
			render_doc_indent_begin(doc);
			depth++;
		}
		while (depth > want) {
			render_doc_indent_end(doc);
			depth--;
		}
		rc = print_item(doc, op, it, day_end, err);
	}
	while (depth > 0) {
		render_doc_indent_end(doc);
		depth--;
	}
	*n_items = (int64_t)t.n;
	records_threads_done(&t);
	if (!rc) {
		const char *msg;
		if (render_doc_status(doc, &msg))
			rc = err_set(err, KV_EINVAL, "snapshot: %s", msg);
	}
	return rc;
}

/* out_dir exists afterwards (one level made when missing). */
static int ensure_dir(const char *dir, struct err *err)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode)
		               ? KV_OK
		               : err_set(err, KV_EINVAL, "--out %s: exists and is not a directory",
		                         dir);
	if (mkdir(dir, 0750) != 0)
		return err_set(err, errno == ENOENT ? KV_EINVAL : KV_EIO,
		               "--out %s: cannot create: %s", dir, strerror(errno));
	return KV_OK;
}

int records_snapshot_take(const struct op_ctx *op, int64_t account, const char *day,
                          const char *out_dir, const char *reason,
                          const struct snapshot_settings *set, struct snapshot_result *out,
                          struct err *err)
{
	const char *font = set && set->font[0] ? set->font : NULL;
	unsigned char *shot = NULL;
	size_t shot_len = 0;
	char shot_note[ERR_MSG_MAX + 64] = "";
	struct account_rec *r = NULL;
	struct render_doc *doc = NULL;
	struct arena a;
	const char *org_name = NULL;
	char today[11], dayb[11], title[512], path[PATH_MAX + 600];
	int64_t day_from, day_end, n_items = 0, sid = 0, bytes = 0;
	int pages = 0, wrote = 0, rc;
	char sha[65];

	arena_init(&a);
	memset(out, 0, sizeof(*out));
	rc = op_ctx_require(op, PERM_RECORDS, account, err);
	if (rc)
		goto out;
	if (!reason)
		reason = "manual";
	records_print_day(today, op->now);
	snprintf(dayb, sizeof(dayb), "%s", day ? day : today);
	rc = records_print_day_range("--date", dayb, &day_from, &day_end, err);
	if (rc)
		goto out;
	if (strcmp(dayb, today) > 0) {
		rc = err_set(err, KV_EINVAL,
		             "--date %s: is after today (%s); a snapshot shows what "
		             "was captured",
		             dayb, today);
		goto out;
	}
	rc = register_row_account_load(op->store, account, &r, err);
	if (rc == KV_OK && r->org_id != op->org)
		rc = err_set(err, KV_ENOTFOUND, "no account %lld in this organisation",
		             (long long)account);
	rc = rc ? rc : register_row_org_name(op->store, op->org, &a, &org_name, err);
	if (rc)
		goto out;
	if (name_of(r, dayb, out->file_name, sizeof(out->file_name)) != KV_OK) {
		rc = err_set(err, KV_EINVAL, "snapshot: the file name is too long");
		goto out;
	}
	rc = ensure_dir(out_dir, err);
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", out_dir, out->file_name);
	if (strlen(path) >= sizeof(out->path)) {
		rc = err_set(err, KV_EINVAL, "--out %s: the path is too long", out_dir);
		goto out;
	}
	if (access(path, F_OK) == 0) {
		rc = err_set(err, KV_ECONFLICT,
		             "%s already exists; a snapshot is never overwritten", path);
		goto out;
	}
	snprintf(title, sizeof(title), "%s", out->file_name);
	title[strlen(title) - 4] = '\0'; /* without ".pdf" */
	rc = render_doc_new(&doc);
	if (rc) {
		rc = err_set(err, rc, "out of memory");
		goto out;
	}
	struct account_print ap = {dayb, 0, day_end, 1, "periodiskt uttag", NULL, 0, NULL};
	/* The live page shows today, so only a snapshot of today gets its picture. */
	if (set && set->screenshot && r->v.url && strcmp(dayb, today) == 0) {
		struct err serr = {0};

		if (records_screenshot_take(set->chromium, r->v.url, &shot, &shot_len, &serr) ==
		    KV_OK) {
			ap.shot = shot;
			ap.shot_len = shot_len;
		} else {
			snprintf(shot_note, sizeof(shot_note), "Ingen skärmbild av sidan: %s",
			         serr.msg);
			ap.shot_note = shot_note;
		}
	}
	rc = build_doc(doc, op, r, org_name, &ap, title, &n_items, err);
	if (rc)
		goto out;
	struct pdfa_meta meta = {.title = title,
	                         .author = org_name,
	                         .subject = "Periodiskt uttag",
	                         .keywords = r->v.handle,
	                         .created = op->now,
	                         .font = font && *font ? font : NULL};
	rc = records_pdfa_write_pages(doc, &meta, path, &pages, err);
	if (rc)
		goto out;
	wrote = 1;
	rc = records_print_sha256_file(path, sha, &bytes, err);
	if (rc)
		goto out;

	struct snapshot_row row = {.account_id = account,
	                           .as_of = dayb,
	                           .reason = reason,
	                           .file_name = out->file_name,
	                           .path = path,
	                           .sha256 = sha,
	                           .bytes = bytes,
	                           .pages = pages,
	                           .items = n_items,
	                           .taken_by = op_ctx_actor(op),
	                           .taken_at = op->now};
	rc = store_begin(op->store, err);
	if (rc)
		goto out;
	rc = records_row_snapshot_add(op->store, op->org, &row, &sid, err);
	if (!rc) {
		char idtext[24];
		json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:i,s:I}", "snapshot",
		                      (json_int_t)sid, "as_of", dayb, "reason", reason, "file",
		                      out->file_name, "sha256", sha, "bytes", (json_int_t)bytes,
		                      "pages", pages, "items", (json_int_t)n_items);
		char *after = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
		snprintf(idtext, sizeof(idtext), "%lld", (long long)account);
		rc = after ? audit_append(op->store, NULL, op->org, op_ctx_actor(op),
		                          "snapshot.take", "account", idtext, NULL, after, err)
		           : err_set(err, KV_ENOMEM, "out of memory");
		free(after);
	}
	rc = rc ? rc : store_commit(op->store, err);
	if (rc) {
		store_rollback(op->store);
		goto out;
	}
	out->id = sid;
	snprintf(out->path, sizeof(out->path), "%s", path);
	snprintf(out->day, sizeof(out->day), "%s", dayb);
	snprintf(out->sha256, sizeof(out->sha256), "%s", sha);
	out->bytes = bytes;
	out->pages = pages;
	out->items = n_items;
out:
	if (rc && wrote)
		unlink(path); /* not recorded: not left looking like a snapshot */
	free(shot);
	render_doc_free(doc);
	register_row_account_free(r);
	arena_done(&a);
	return rc;
}

/* The latest configured day on or before today ("YYYY-MM-DD"). */
static void latest_day(const struct snapshot_settings *set, const char *today, char out[11])
{
	int y = 0, m = 0, d = 0;

	out[0] = '\0';
	if (time_parse_date(today, &y, &m, &d) != 0)
		return;
	for (int yy = y; yy >= y - 1 && !out[0]; yy--) {
		char best[11] = "";
		for (int i = 0; i < set->n_dates; i++) {
			char c[16];
			if (!time_date_valid(yy, set->month[i], set->day[i]))
				continue; /* 02-29 in a common year */
			snprintf(c, sizeof(c), "%04d-%02d-%02d", yy % 10000, set->month[i] % 100,
			         set->day[i] % 100);
			c[10] = '\0';
			if (strcmp(c, today) <= 0 && strcmp(c, best) > 0)
				memcpy(best, c, 11);
		}
		if (best[0])
			snprintf(out, 11, "%s", best);
	}
}

int records_snapshot_due(const struct op_ctx *op, const struct snapshot_settings *set,
                         struct snapshot_due **out, size_t *n, struct err *err)
{
	int64_t *ids = NULL;
	size_t n_ids = 0, k = 0;
	struct snapshot_due *v = NULL;
	char today[11], sched[11];
	int rc;

	*out = NULL;
	*n = 0;
	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	rc = rc ? rc : register_row_account_ids(op->store, op->org, &ids, &n_ids, err);
	if (rc)
		return rc;
	v = calloc(n_ids + 1, sizeof(*v));
	if (!v) {
		free(ids);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	records_print_day(today, op->now);
	latest_day(set, today, sched);
	for (size_t i = 0; i < n_ids && !rc; i++) {
		struct account_rec *r = NULL;
		const char *day = NULL, *why = NULL;
		int have = 0;

		rc = register_row_account_load(op->store, ids[i], &r, err);
		if (rc)
			break;
		if (r->v.status == ACCOUNT_CLOSED && r->closed_on && strlen(r->closed_on) >= 10) {
			day = r->closed_on;
			why = "final";
		} else if ((r->v.status == ACCOUNT_ACTIVE || r->v.status == ACCOUNT_INACTIVE) &&
		           sched[0] && (!r->opened_on || strncmp(r->opened_on, sched, 10) <= 0)) {
			day = sched;
			why = "scheduled";
		}
		if (day) {
			char d10[11];
			snprintf(d10, sizeof(d10), "%.10s", day);
			rc = records_row_snapshot_exists(op->store, ids[i], d10, &have, err);
			if (!rc && !have && strcmp(d10, today) <= 0) {
				v[k].account_id = ids[i];
				snprintf(v[k].handle, sizeof(v[k].handle), "%s", r->v.handle);
				snprintf(v[k].day, sizeof(v[k].day), "%s", d10);
				v[k].reason = why;
				k++;
			}
		}
		register_row_account_free(r);
	}
	free(ids);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return KV_OK;
}

/* Raises (once per account and day) the alert that a snapshot is missing. */
static void raise_missed(const struct op_ctx *op, const struct snapshot_due *d, const char *why)
{
	struct err e;
	char key[200];
	int64_t id = 0;
	json_t *j = json_pack("{s:s,s:s,s:s}", "day", d->day, "reason", d->reason, "error", why);
	char *detail = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(j);
	if (!detail)
		return;
	err_clear(&e);
	snprintf(key, sizeof(key), "snapshot.missed:%lld:%s", (long long)d->account_id, d->day);
	if (store_begin(op->store, &e) == KV_OK) {
		int rc = alert_row_insert(op->store, op->org, d->account_id, "snapshot.missed", key,
		                          detail, op->now, &id, &e);
		if (!rc && id)
			rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op),
			                  "alert.create", "alert", key, NULL, detail, &e);
		if (!rc)
			rc = store_commit(op->store, &e);
		if (rc)
			store_rollback(op->store);
	}
	free(detail);
}

int records_snapshot_run_due(const struct op_ctx *op, const struct snapshot_settings *set,
                             records_snapshot_event_fn fn, void *ctx, int *n_taken, int *n_failed,
                             struct err *err)
{
	struct snapshot_due *due = NULL;
	size_t n = 0;
	int taken = 0, failed = 0;
	int rc = records_snapshot_due(op, set, &due, &n, err);

	if (rc)
		return rc;
	if (n > 0 && ensure_dir(set->out_dir, err) != KV_OK) {
		for (size_t i = 0; i < n; i++) {
			struct snapshot_event ev = {&due[i], NULL, err->msg};
			raise_missed(op, &due[i], err->msg);
			if (fn)
				fn(ctx, &ev);
		}
		free(due);
		if (n_failed)
			*n_failed = (int)n;
		if (n_taken)
			*n_taken = 0;
		err_clear(err);
		return KV_OK;
	}
	for (size_t i = 0; i < n; i++) {
		struct snapshot_result res;
		struct err e;
		char dir[PATH_MAX + 200], handle[128];

		err_clear(&e);
		snprintf(handle, sizeof(handle), "%s", due[i].handle);
		clean_name(handle);
		snprintf(dir, sizeof(dir), "%s/%s", set->out_dir, handle);
		int trc = records_snapshot_take(op, due[i].account_id, due[i].day, dir,
		                                due[i].reason, set, &res, &e);
		struct snapshot_event ev = {&due[i], trc ? NULL : &res, trc ? e.msg : NULL};
		if (trc) {
			failed++;
			raise_missed(op, &due[i], e.msg);
		} else {
			taken++;
		}
		if (fn)
			fn(ctx, &ev);
	}
	free(due);
	if (n_taken)
		*n_taken = taken;
	if (n_failed)
		*n_failed = failed;
	return KV_OK;
}

int records_snapshot_printout(const struct op_ctx *op, int64_t account, int64_t from, int64_t to,
                              const char *path, const char *font, int *n_pages, struct err *err)
{
	struct account_rec *r = NULL;
	struct render_doc *doc = NULL;
	struct arena a;
	const char *org_name = NULL;
	char title[600], d0[11] = "", d1[11] = "", period[40];
	int64_t n_items = 0;
	int rc;

	arena_init(&a);
	rc = op_ctx_require(op, PERM_RECORDS, account, err);
	rc = rc ? rc : register_row_account_load(op->store, account, &r, err);
	if (!rc && r->org_id != op->org)
		rc = err_set(err, KV_ENOTFOUND, "no account %lld in this organisation",
		             (long long)account);
	rc = rc ? rc : register_row_org_name(op->store, op->org, &a, &org_name, err);
	if (rc)
		goto out;
	if (from)
		records_print_day(d0, from);
	/* to is exclusive: the last day printed is the one before it. */
	records_print_day(d1, (to ? to : op->now + 1) - 1);
	snprintf(period, sizeof(period), "%s – %s", d0[0] ? d0 : "början", d1);
	snprintf(title, sizeof(title), "%s %s %s utskrift", register_platform_label(r->v.platform),
	         verksamhet(r), period);
	rc = render_doc_new(&doc);
	if (rc) {
		rc = err_set(err, rc, "out of memory");
		goto out;
	}
	struct account_print ap = {period, from, to ? to : op->now + 1, 0, "utskrift", NULL,
	                           0,      NULL};
	rc = build_doc(doc, op, r, org_name, &ap, title, &n_items, err);
	if (rc)
		goto out;
	struct pdfa_meta meta = {.title = title,
	                         .author = org_name,
	                         .subject = "Utskrift av kontots poster",
	                         .keywords = r->v.handle,
	                         .created = op->now,
	                         .font = font && *font ? font : NULL};
	rc = records_pdfa_write_pages(doc, &meta, path, n_pages, err);
out:
	render_doc_free(doc);
	register_row_account_free(r);
	arena_done(&a);
	return rc;
}

/* ---- the register ---- */

/* The timestamp rows of the organisation that name a file, loaded before
 * the register is walked so that no query runs inside another's walk. */
struct stamp_set {
	struct stamp_file {
		char *path, *state, *gen_time;
	} * f;
	size_t n, cap;
};

static int got_stamp(void *arg, const struct timestamp_row *r)
{
	struct stamp_set *ss = arg;
	struct stamp_file *f;

	if (!r->path)
		return 0;
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? 2 * ss->cap : 16;
		struct stamp_file *grown = realloc(ss->f, cap * sizeof(*grown));

		if (!grown)
			return KV_ENOMEM;
		ss->f = grown;
		ss->cap = cap;
	}
	f = &ss->f[ss->n];
	f->path = strdup(r->path);
	f->state = strdup(r->state ? r->state : "pending");
	f->gen_time = r->gen_time ? strdup(r->gen_time) : NULL;
	if (!f->path || !f->state || (r->gen_time && !f->gen_time)) {
		free(f->path);
		free(f->state);
		free(f->gen_time);
		return KV_ENOMEM;
	}
	ss->n++;
	return 0;
}

static void stamp_set_done(struct stamp_set *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		free(ss->f[i].path);
		free(ss->f[i].state);
		free(ss->f[i].gen_time);
	}
	free(ss->f);
}

/* The newest row for path wins: rows come oldest first. */
static const struct stamp_file *stamp_find(const struct stamp_set *ss, const char *path)
{
	char abs[PATH_MAX];
	const struct stamp_file *hit = NULL;

	if (realpath(path, abs))
		path = abs;
	for (size_t i = 0; i < ss->n; i++)
		if (strcmp(ss->f[i].path, path) == 0)
			hit = &ss->f[i];
	return hit;
}

struct list_ctx {
	const struct stamp_set *ss;
	records_snapshot_fn fn;
	void *ctx;
};

static int list_row(void *arg, const struct snapshot_row *r)
{
	struct list_ctx *l = arg;
	const struct stamp_file *f = stamp_find(l->ss, r->path);
	struct snapshot_stamp ts = {f ? f->state : NULL, f ? f->gen_time : NULL};

	return l->fn(l->ctx, r, &ts);
}

int records_snapshot_list(const struct op_ctx *op, int64_t account, records_snapshot_fn fn,
                          void *ctx, struct err *err)
{
	struct stamp_set ss = {0};
	struct list_ctx l = {&ss, fn, ctx};
	int rc = op_ctx_require(op, PERM_RECORDS, account, err);

	if (rc)
		goto out;
	rc = timestamp_row_each(op->store, op->org, NULL, NULL, got_stamp, &ss, err);
	if (rc == KV_ENOMEM)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (rc)
		goto out;
	rc = records_row_snapshot_each(op->store, op->org, account, list_row, &l, err);
out:
	stamp_set_done(&ss);
	return rc;
}

json_t *records_snapshot_json(const struct snapshot_row *r, const struct snapshot_stamp *ts)
{
	json_t *stamp = ts && ts->state ? json_pack("{s:s,s:s?}", "state", ts->state, "gen_time",
	                                            ts->gen_time)
	                                : json_null();

	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:o,s:o}", "id",
	                 (json_int_t)r->id, "account", r->account_handle, "date", r->as_of,
	                 "reason", r->reason, "file", r->file_name ? r->file_name : "", "path",
	                 r->path, "sha256", r->sha256, "bytes", (json_int_t)r->bytes, "pages",
	                 (json_int_t)r->pages, "items", (json_int_t)r->items, "taken_by",
	                 r->taken_by, "taken_at", calendar_json_local(r->taken_at), "timestamp",
	                 stamp);
}
