/* Shared printout pieces: times, states, images, digests. */
#include "records/records_print.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/hash.h"
#include "base/time.h"
#include "store/blob.h"
#include "store/items.h"
#include "store/media_rows.h"
#include "store/profile_rows.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define IMAGE_MAX (20u << 20)

void records_print_time(char out[32], int64_t t)
{
	struct calendar_local l;

	calendar_to_local(&l, t);
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", l.y, l.m, l.d, l.hour, l.min);
}

void records_print_day(char out[11], int64_t t)
{
	struct calendar_local l;

	char tmp[40];

	calendar_to_local(&l, t);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", l.y, l.m, l.d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

int records_print_day_range(const char *what, const char *day, int64_t *from, int64_t *to,
                            struct err *err)
{
	int y, m, d;

	if (!day || strlen(day) != 10 || time_parse_date(day, &y, &m, &d) != 0 ||
	    !time_date_valid(y, m, d))
		return err_set(err, KV_EINVAL, "%s: '%s' is not a date (YYYY-MM-DD)", what,
		               day ? day : "");
	int64_t next = time_days_from_civil(y, m, d) + 1;
	int ny, nm, nd;
	time_civil_from_days(next, &ny, &nm, &nd);
	if (calendar_from_local(from, y, m, d, 0, 0, 0) != 0 ||
	    calendar_from_local(to, ny, nm, nd, 0, 0, 0) != 0)
		return err_set(err, KV_EINVAL, "%s: '%s' is out of range", what, day);
	return KV_OK;
}

const char *records_print_kind(const char *kind)
{
	if (!kind)
		return "post";
	if (strcmp(kind, "post") == 0)
		return "inlägg";
	if (strcmp(kind, "comment") == 0)
		return "kommentar";
	if (strcmp(kind, "reply") == 0)
		return "svar";
	if (strcmp(kind, "message") == 0)
		return "privat meddelande";
	if (strcmp(kind, "media") == 0)
		return "bild/video";
	return kind;
}

struct state_ctx {
	int64_t at;
	char *note;
	size_t cap;
};

static int on_event(void *ctx, const struct item_event_row *e)
{
	struct state_ctx *c = ctx;
	char when[32];

	if (e->at >= c->at)
		return 0;
	records_print_time(when, e->at);
	if (strcmp(e->kind, "deleted") == 0)
		snprintf(c->note, c->cap, "Borttaget på plattformen %s", when);
	else if (strcmp(e->kind, "hidden") == 0)
		snprintf(c->note, c->cap, "Dolt på plattformen %s", when);
	else if (strcmp(e->kind, "unhidden") == 0)
		c->note[0] = '\0';
	return 0;
}

int records_print_state_at(struct store *s, const struct records_item *it, int64_t at, char *note,
                           size_t cap, struct err *err)
{
	struct state_ctx c = {at, note, cap};

	note[0] = '\0';
	/* Most items never change state: no query for them. */
	if (!it->state || strcmp(it->state, "visible") == 0)
		return KV_OK;
	return items_events(s, it->id, on_event, &c, err);
}

struct img_ctx {
	struct render_doc *doc;
	struct store *s;
	int n;
	int rc;
	struct err *err;
};

static int on_media(void *ctx, const struct media_row *m)
{
	struct img_ctx *c = ctx;
	struct buf b;
	struct err e;
	const char *mime = NULL;

	if (!m->sha256)
		return 0;
	buf_init(&b, IMAGE_MAX);
	err_clear(&e);
	if (blob_get(c->s, m->sha256, &b, IMAGE_MAX, &e) == KV_OK && b.len >= 8) {
		const unsigned char *d = (const unsigned char *)b.ptr;
		if (d[0] == 0xFF && d[1] == 0xD8)
			mime = "image/jpeg";
		else if (memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
			mime = "image/png";
	}
	if (mime) {
		int w, h;
		if (render_doc_image_size(b.ptr, b.len, mime, &w, &h, &e) == KV_OK) {
			c->rc = render_doc_image(c->doc, b.ptr, b.len, mime, NULL);
			c->n++;
		} else {
			mime = NULL;
		}
	}
	if (!mime && m->type && strncmp(m->type, "video", 5) != 0) {
		char line[600];
		snprintf(line, sizeof(line), "[Bild som inte kan visas: %s]", m->url ? m->url : "");
		c->rc = render_doc_paragraph(c->doc, RENDER_NOTE, line);
	}
	buf_done(&b);
	return c->rc;
}

int records_print_images(struct render_doc *doc, struct store *s, int64_t org, int64_t item_id,
                         int *n_added, struct err *err)
{
	struct img_ctx c = {doc, s, 0, 0, err};
	int rc = media_row_each(s, org, item_id, on_media, &c, err);

	if (rc == KV_OK && c.rc) {
		const char *msg;
		render_doc_status(doc, &msg);
		rc = err_set(err, c.rc, "printout: %s", msg);
	}
	if (n_added)
		*n_added = c.n;
	return rc;
}

struct picture {
	int found;
	char sha256[HASH_SHA256_HEX_LEN + 1];
	char url[600];
	int64_t noted_at;
};

static int on_picture(void *ctx, const struct profile_row *p)
{
	struct picture *c = ctx;

	c->found = 1;
	snprintf(c->sha256, sizeof(c->sha256), "%s", p->sha256);
	snprintf(c->url, sizeof(c->url), "%s", p->url);
	c->noted_at = p->noted_at;
	return 1;
}

int records_print_profile_picture(struct render_doc *doc, struct store *s, int64_t account_id,
                                  int64_t until, int *n_added, struct err *err)
{
	struct picture c = {0};
	struct buf b;
	struct err e = {0};
	const char *mime = NULL;
	char when[32], line[800];
	int w, h, rc;

	if (n_added)
		*n_added = 0;
	rc = profile_row_latest(s, account_id, until, on_picture, &c, err);
	if (rc || !c.found)
		return rc;
	records_print_time(when, c.noted_at);
	if (strcmp(c.url, PROFILE_SOURCE_FILE) == 0)
		snprintf(line, sizeof(line), "Profilbild (satt för hand, noterad %s)", when);
	else
		snprintf(line, sizeof(line), "Profilbild (från %s, noterad %s)", c.url, when);
	buf_init(&b, IMAGE_MAX);
	if (blob_get(s, c.sha256, &b, IMAGE_MAX, &e) == KV_OK) {
		mime = blob_image_type(b.ptr, b.len);
		if (mime && strcmp(mime, "image/png") != 0 && strcmp(mime, "image/jpeg") != 0)
			mime = NULL;
		if (mime && render_doc_image_size(b.ptr, b.len, mime, &w, &h, &e) != KV_OK)
			mime = NULL;
	}
	if (mime) {
		rc = render_doc_image(doc, b.ptr, b.len, mime, line);
		if (!rc && n_added)
			*n_added = 1;
	} else {
		char note[900];

		snprintf(note, sizeof(note), "[%s kan inte visas]", line);
		rc = render_doc_paragraph(doc, RENDER_NOTE, note);
	}
	buf_done(&b);
	if (rc) {
		const char *msg;

		render_doc_status(doc, &msg);
		rc = err_set(err, rc, "printout: %s", msg);
	}
	return rc;
}

int records_print_sha256_file(const char *path, char out[65], int64_t *bytes, struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct hash_sha256_ctx h;
	unsigned char chunk[65536];
	size_t n;
	int64_t total = 0;

	if (!f)
		return err_set(err, KV_EIO, "%s: cannot read: %s", path, strerror(errno));
	hash_sha256_begin(&h);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		hash_sha256_update(&h, chunk, n);
		total += (int64_t)n;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return err_set(err, KV_EIO, "%s: read failed", path);
	hash_sha256_end_hex(&h, out);
	if (bytes)
		*bytes = total;
	return KV_OK;
}
