/* The storing sink and the import run around it. */
#include "capture/import.h"

#include "base/hash.h"
#include "base/time.h"
#include "capture/reach.h"
#include "capture/screener.h"
#include "store/audit.h"
#include "store/house_rules_rows.h"
#include "store/items.h"
#include "store/media_rows.h"
#include "store/profile_rows.h"
#include "store/reach_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ACCOUNT_CACHE 16

struct account_info {
	int64_t id;
	char platform[16];
	char ref[200]; /* the reference the source used */
	char handle[200];
	char platform_id[200];
};

struct import_run {
	struct store *s;
	const struct import_opts *o;
	struct import_report *r;
	struct items_batch batch;
	int64_t now;
	int64_t records;
	struct account_info accounts[ACCOUNT_CACHE];
	size_t n_accounts;
	const char *name;
};

static int load_account(struct import_run *run, int64_t id, const char *platform, const char *ref,
                        struct account_info **out, struct err *err)
{
	struct account_rec *rec = NULL;
	struct account_info *a;
	int rc;

	rc = register_row_account_load(run->s, id, &rec, err);
	if (rc)
		return rc;
	if (run->n_accounts == ACCOUNT_CACHE)
		run->n_accounts = 0; /* a source names few accounts; start over */
	a = &run->accounts[run->n_accounts++];
	memset(a, 0, sizeof(*a));
	a->id = id;
	snprintf(a->platform, sizeof(a->platform), "%s", platform ? platform : "");
	snprintf(a->ref, sizeof(a->ref), "%s", ref ? ref : "");
	snprintf(a->handle, sizeof(a->handle), "%s", rec->v.handle ? rec->v.handle : "");
	snprintf(a->platform_id, sizeof(a->platform_id), "%s",
	         rec->platform_account_id ? rec->platform_account_id : "");
	register_row_account_free(rec);
	*out = a;
	return KV_OK;
}

/* The account an item or event belongs to. */
static int resolve_account(struct import_run *run, const char *platform, const char *ref,
                           struct account_info **out, struct err *err)
{
	int64_t id = 0;
	int rc;

	/* The source's own account wins; --account fills in only where the
	 * source names none, or names one the register does not know. */
	if (!ref || !*ref) {
		if (!run->o->account_id)
			return err_set(err, KV_EINVAL,
			               "%s: the source does not say which account its %s items"
			               " belong to; give --account",
			               run->name, platform);
		ref = "";
	}
	for (size_t i = 0; i < run->n_accounts; i++) {
		struct account_info *a = &run->accounts[i];

		if (strcmp(a->platform, platform) == 0 && strcmp(a->ref, ref) == 0) {
			*out = a;
			return KV_OK;
		}
	}
	rc = *ref ? items_account_by_ref(run->s, run->o->org, platform, ref, &id, err)
	          : KV_ENOTFOUND;
	if (rc == KV_ENOTFOUND && run->o->account_id) {
		err_clear(err);
		id = run->o->account_id;
		rc = KV_OK;
	}
	if (rc == KV_ENOTFOUND)
		return err_set(err, KV_EINVAL,
		               "%s: no %s account '%s' in the register: register it (with "
		               "--platform-id) or give --account",
		               run->name, platform, ref);
	if (rc)
		return rc;
	return load_account(run, id, platform, ref, out, err);
}

static int is_upprattad(const struct item *it, const struct account_info *a)
{
	const char *name;

	if (it->author_is_account >= 0)
		return it->author_is_account;
	if (it->author_id && a->platform_id[0] && strcmp(it->author_id, a->platform_id) == 0)
		return 1;
	name = it->author_name;
	if (name && name[0] == '@')
		name++;
	return name && a->handle[0] && strcasecmp(name, a->handle) == 0;
}

static char *links_json(const struct item *it)
{
	json_t *a;
	char *s;

	if (!it->n_links)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < it->n_links; i++)
		json_array_append_new(a, json_string(it->links[i]));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static char *media_json(const struct item *it)
{
	json_t *a;
	char *s;

	if (!it->n_media)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < it->n_media; i++)
		json_array_append_new(a, json_pack("{s:s?,s:s?,s:s?}", "id",
		                                   it->media[i].platform_id, "type",
		                                   it->media[i].type, "url", it->media[i].url));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static void tick(struct import_run *run)
{
	run->records++;
	if (run->o->progress && run->records % 10000 == 0)
		run->o->progress(run->o->progress_ctx, run->records);
}

/* 1995-01-01T00:00:00Z */
#define IMPORT_EARLIEST 788918400

static int sink_item(void *ctx, const struct item *it, struct err *err)
{
	struct import_run *run = ctx;
	struct account_info *a = NULL;
	struct item_write w = {0};
	struct item_put_result res;
	char *links = NULL, *media = NULL;
	int rc;

	/* No social-media item is older than the platforms: a date before 1995
	 * (1900-01-01 is a common "no date" in exports) is a bad value. */
	if (it->created_at && it->created_at < IMPORT_EARLIEST) {
		char when[TIME_ISO_LEN];

		time_format_utc(when, it->created_at);
		return err_set(err, KV_EINVAL,
		               "%s: item %s: created_at %s is implausible for a social-media item"
		               " (before 1995)",
		               run->name, it->platform_id, when);
	}
	rc = resolve_account(run, it->platform, it->account_ref, &a, err);
	if (rc)
		return rc;
	links = links_json(it);
	media = media_json(it);
	w.org_id = run->o->org;
	w.account_id = a->id;
	w.it = it;
	w.upprattad = is_upprattad(it, a);
	w.captured_at = run->now;
	w.links_json = links;
	w.media_json = media;
	w.batch = &run->batch;
	rc = items_put(run->s, &w, &res, err);
	/* Media are noted now and fetched into the blob store later
	 * (capture/media), so that an import never waits on the network. */
	for (size_t i = 0; !rc && i < it->n_media; i++)
		if (it->media[i].url && *it->media[i].url)
			rc = media_row_add(run->s, res.id, it->media[i].url, it->media[i].type,
			                   err);
	/* The reach figures the platform gave for an own post, as now. */
	if (!rc && w.upprattad && it->kind == ITEM_POST && it->raw_json) {
		struct reach_row fig;

		if (reach_parse(it->platform, it->raw_json, &fig))
			rc = reach_row_put(run->s, res.id, run->now, &fig, err);
	}
	if (!rc && run->o->screener && !w.upprattad && res.text_changed) {
		int flagged = 0;

		rc = capture_screener_item(run->s, run->o->screener, res.id, res.version, it->text,
		                           run->now, &flagged, err);
		run->r->screened++;
		run->r->flagged += flagged;
	}
	free(links);
	free(media);
	if (rc)
		return err_prefix(err, "%s: item %s: ", run->name, it->platform_id);
	if (res.outcome == ITEM_OUT_NEW)
		run->r->new_items++;
	else if (res.outcome == ITEM_OUT_UPDATED)
		run->r->updated++;
	else
		run->r->unchanged++;
	tick(run);
	return KV_OK;
}

static void note_skip(struct import_report *r, const char *what, const char *reason)
{
	r->skipped++;
	if (r->n_skips < IMPORT_SKIPS_KEPT) {
		snprintf(r->skips[r->n_skips].what, sizeof(r->skips[0].what), "%s", what);
		snprintf(r->skips[r->n_skips].reason, sizeof(r->skips[0].reason), "%s", reason);
		r->n_skips++;
	}
}

static int sink_event(void *ctx, const struct item_event *ev, struct err *err)
{
	struct import_run *run = ctx;
	struct account_info *a = NULL;
	enum item_outcome outcome;
	char what[160];
	int rc;

	rc = resolve_account(run, ev->platform, ev->account_ref, &a, err);
	if (rc)
		return rc;
	rc = items_event(run->s, a->id, ev, run->now, &outcome, err);
	if (rc == KV_ENOTFOUND) {
		/* The platform reports on an item we never saw: say so, keep going. */
		snprintf(what, sizeof(what), "%s event for %s", item_event_name(ev->kind),
		         ev->platform_id);
		note_skip(run->r, what, "the item was never captured");
		tick(run);
		return KV_OK;
	}
	if (rc)
		return err_prefix(err, "%s: ", run->name);
	if (outcome != ITEM_OUT_UNCHANGED)
		run->r->events++;
	tick(run);
	return KV_OK;
}

static int sink_skip(void *ctx, const char *what, const char *reason, struct err *err)
{
	struct import_run *run = ctx;

	note_skip(run->r, what, reason);
	tick(run);
	return KV_OK;
}

static int same_about(void *ctx, const struct house_about_row *r)
{
	struct house_about_row *want = ctx;

	want->id = strcmp(r->body, want->body) == 0;
	return KV_OK;
}

/* The account's profile text as captured: kept beside those recorded by
 * hand (registry/house_rules), only when it differs from the newest. */
static int sink_about(void *ctx, const struct item *it, const char *text, struct err *err)
{
	struct import_run *run = ctx;
	struct account_info *a = NULL;
	struct house_about_row r = {.body = text,
	                            .source = "capture",
	                            .recorded_by = run->o->actor ? run->o->actor : "capture",
	                            .recorded_at = run->now};
	int rc = resolve_account(run, it->platform, it->account_ref, &a, err);

	/* Another author's profile is not the account's about text. */
	if (!rc && !is_upprattad(it, a))
		return KV_OK;
	if (!rc)
		rc = house_rules_row_about_latest(run->s, a->id, same_about, &r, err);
	if (!rc && !r.id)
		rc = house_rules_row_about_insert(run->s, a->id, &r, NULL, err);
	return rc ? err_prefix(err, "%s: ", run->name) : KV_OK;
}

/* The account's profile picture as captured: noted (to be fetched by
 * capture/media) only when its URL differs from the newest noted, so a new
 * picture makes a new row and the old ones stay as history. */
static int sink_picture(void *ctx, const struct item *it, const char *url, struct err *err)
{
	struct import_run *run = ctx;
	struct account_info *a = NULL;
	int rc = resolve_account(run, it->platform, it->account_ref, &a, err);

	/* A picture alone (a page object) names no account the register knows:
	 * passed over like the object itself, not a failure of the source. */
	if (rc == KV_EINVAL) {
		char why[160];

		snprintf(why, sizeof(why), "%.150s", err->msg);
		note_skip(run->r, "profile picture", why);
		err_clear(err);
		return KV_OK;
	}
	/* Another author's picture is not the account's. */
	if (!rc && !is_upprattad(it, a))
		return KV_OK;
	if (!rc && strlen(url) > 2048) {
		note_skip(run->r, "profile picture", "its URL is longer than 2048 bytes");
		return KV_OK;
	}
	if (!rc)
		rc = profile_row_note(run->s, a->id, url, run->o->actor ? run->o->actor : "capture",
		                      run->now, NULL, err);
	if (rc == 1)
		run->r->pictures++;
	return rc < 0 ? err_prefix(err, "%s: ", run->name) : KV_OK;
}

int capture_import_stream(struct store *s, const struct import_opts *o, FILE *f, const char *name,
                          struct import_report *out, struct err *err)
{
	struct import_report r = {0};
	struct import_run run = {.s = s, .o = o, .r = &r, .name = name};
	struct item_sink sink = {sink_item, sink_event, sink_skip, &run, sink_about, sink_picture};
	struct stat st;
	char *after = NULL;
	int rc;

	run.now = time_now();
	r.format = o->format;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		r.bytes = (int64_t)st.st_size;
	/* A large source is one transaction: give it a page cache that holds
	 * what it writes (about three times its size), so that pages are not
	 * spilled and written twice. */
	if (r.bytes > (int64_t)32 << 20) {
		int64_t want = r.bytes * 3, most = (int64_t)2 << 30;

		store_set_cache(s, want < most ? want : most, NULL);
	}
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = items_batch_begin(s, &run.batch, err);
	if (!rc)
		rc = parse_file_about(f, name, o->format, NULL, o->subject, &sink, err);
	if (!rc)
		rc = items_batch_end(s, &run.batch, err);
	if (!rc) {
		json_t *counts = json_pack(
		        "{s:s,s:I,s:I,s:I,s:I,s:I}", "source", name, "new", (json_int_t)r.new_items,
		        "updated", (json_int_t)r.updated, "unchanged", (json_int_t)r.unchanged,
		        "skipped", (json_int_t)r.skipped, "events", (json_int_t)r.events);

		if (r.pictures)
			json_object_set_new(counts, "pictures", json_integer(r.pictures));
		after = json_dumps(counts, JSON_COMPACT);
		json_decref(counts);
		/* A run that changed nothing leaves no trace in the audit log. */
		if (r.new_items || r.updated || r.events || r.pictures)
			rc = audit_append(s, NULL, o->org, o->actor, "capture.import", "source",
			                  name, NULL, after, err);
		free(after);
	}
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, err);
	if (r.bytes > (int64_t)32 << 20)
		store_set_cache(s, STORE_CACHE_DEFAULT, NULL);
	if (!rc)
		*out = r;
	return rc;
}

int capture_import_buffer(struct store *s, const struct import_opts *o, const char *data,
                          size_t len, const char *name, struct import_report *out, struct err *err)
{
	FILE *f;
	int rc;

	if (len == 0)
		return err_set(err, KV_EINVAL, "%s: empty", name);
	f = fmemopen((void *)data, len, "rb");
	if (!f)
		return err_set(err, KV_ENOMEM, "%s: cannot open a memory stream", name);
	rc = capture_import_stream(s, o, f, name, out, err);
	fclose(f);
	return rc;
}

int capture_import_file(struct store *s, const struct import_opts *o, const char *path,
                        struct import_report *out, struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	int rc;

	if (!f)
		return err_set(err, errno == ENOENT ? KV_ENOTFOUND : KV_EIO, "%s: %s", path,
		               strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return err_set(err, KV_EINVAL,
		               "%s: is a directory; name the files to import (%s/*.json)", path,
		               path);
	}
	rc = capture_import_stream(s, o, f, path, out, err);
	fclose(f);
	return rc;
}
