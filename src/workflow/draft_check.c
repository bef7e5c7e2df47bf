/* The automatic points of a draft's check. The limits and where they come
 * from are in docs/publishing.md. */
#include "workflow/draft_check.h"

#include "base/buf.h"
#include "base/calendar.h"
#include "base/config.h"
#include "capture/fetch.h"
#include "capture/publish.h"
#include "capture/screener.h"
#include "screen/detect.h"
#include "screen/screen.h"
#include "screen/spell.h"
#include "store/consent_rows.h"
#include "store/draft_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define LINKS_MAX      10
#define URL_MAX        2000
#define SPELL_LIST_MAX 20
#define SPELL_SUGGEST  10
#define HITS_MAX       20

void draft_check_limits_of(enum platform p, struct draft_check_limits *out)
{
	memset(out, 0, sizeof(*out));
	switch (p) {
	case PLATFORM_FACEBOOK:
		out->max = 63206;
		out->fold = 480;
		break;
	case PLATFORM_INSTAGRAM:
		out->max = 2200;
		out->fold = 125;
		break;
	case PLATFORM_X:
		out->max = 280;
		out->url_weight = 23;
		break;
	case PLATFORM_MASTODON:
		out->max = 500;
		out->url_weight = 23;
		break;
	case PLATFORM_LINKEDIN:
		out->max = 3000;
		out->fold = 210;
		break;
	case PLATFORM_TIKTOK:
		out->max = 2200;
		break;
	case PLATFORM_YOUTUBE:
		out->max = 10000;
		break;
	default:
		break;
	}
}

/* Length in bytes of the address starting at s, or 0 when none starts
 * there: "http://", "https://" or "www." up to white space. */
static size_t url_at(const char *s)
{
	size_t n;

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0 &&
	    strncmp(s, "www.", 4) != 0)
		return 0;
	n = strcspn(s, " \t\r\n");
	/* Punctuation after an address belongs to the sentence. */
	while (n > 0 && strchr(".,;:!?)\"'", s[n - 1]))
		n--;
	return n;
}

int64_t draft_check_length(enum platform p, const char *text)
{
	struct draft_check_limits lim;
	int64_t n = 0;
	size_t i = 0, len = strlen(text);

	draft_check_limits_of(p, &lim);
	while (i < len) {
		size_t u = (i == 0 || strchr(" \t\r\n", text[i - 1])) ? url_at(text + i) : 0;
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (u && lim.url_weight) {
			n += lim.url_weight;
			i += u;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
		                     (utf8proc_ssize_t)(len - i), &cp);
		i += k > 0 ? (size_t)k : 1;
		n++;
	}
	return n;
}

/* Appends a point to the list. */
static int point(json_t *points, const char *key, const char *title, const char *status,
                 const char *detail)
{
	json_t *p = json_pack("{s:s,s:s,s:s,s:s}", "key", key, "title", title, "status", status,
	                      "detail", detail ? detail : "");

	return !p || json_array_append_new(points, p) ? KV_ENOMEM : KV_OK;
}

/* ---- length and fold ---- */

static int check_length(const struct draft_check_in *in, struct draft_check_out *out,
                        struct err *err)
{
	struct draft_check_limits lim;
	int64_t n = draft_check_length(in->platform, in->text);
	char d[400], key[64];
	int rc;

	draft_check_limits_of(in->platform, &lim);
	/* An instance may allow more than Mastodon's 500 ([drafts]
	 * mastodon_max = 1000), a platform may change its limits. */
	snprintf(key, sizeof(key), "%s_max", register_platform_name(in->platform));
	rc = config_get_int(in->cfg, "drafts", key, lim.max, &lim.max, err);
	snprintf(key, sizeof(key), "%s_fold", register_platform_name(in->platform));
	if (!rc)
		rc = config_get_int(in->cfg, "drafts", key, lim.fold, &lim.fold, err);
	if (!rc && (lim.max < 0 || lim.fold < 0))
		rc = err_set(err, KV_EINVAL, "[drafts] %s_max, %s_fold: not negative",
		             register_platform_name(in->platform),
		             register_platform_name(in->platform));
	if (rc)
		return rc;
	out->fold_ok = 1;
	if (!lim.max) {
		snprintf(d, sizeof(d), "%lld tecken; ingen gräns känd för %s", (long long)n,
		         register_platform_label(in->platform));
		return point(out->points, "length", "Längd", "ok", d);
	}
	snprintf(d, sizeof(d), "%lld av högst %lld tecken på %s%s", (long long)n,
	         (long long)lim.max, register_platform_label(in->platform),
	         lim.url_weight ? " (en webbadress räknas som 23)" : "");
	rc = point(out->points, "length", "Längd", n > lim.max ? "error" : "ok", d);
	if (rc || !lim.fold)
		return rc;
	out->fold_ok = n <= lim.fold;
	if (out->fold_ok)
		snprintf(d, sizeof(d), "hela texten syns utan \"läs mer\" (%lld av %lld tecken)",
		         (long long)n, (long long)lim.fold);
	else
		snprintf(
		        d, sizeof(d),
		        "bara de första %lld tecknen syns innan \"läs mer\"; texten har %lld. Står "
		        "budskapet i början?",
		        (long long)lim.fold, (long long)n);
	return point(out->points, "fold", "Läs mer", out->fold_ok ? "ok" : "warning", d);
}

/* ---- personal data ---- */

struct pii {
	const char *text;
	const char *own; /* [drafts] own_domains: "kommun.se,skola.kommun.se" */
	struct buf found;
	int n;
};

/* 1 when the e-mail address text[a, b) is at one of the kommun's own
 * domains (or a subdomain of one). */
static int own_address(const char *own, const char *text, size_t a, size_t b)
{
	const char *at = memchr(text + a, '@', b - a);
	size_t dl;

	if (!own || !at)
		return 0;
	at++;
	dl = (size_t)(text + b - at);
	while (*own) {
		size_t n = strcspn(own, ",");
		const char *o = own;

		while (n && *o == ' ')
			o++, n--;
		while (n && o[n - 1] == ' ')
			n--;
		if (n && dl >= n && strncasecmp(at + dl - n, o, n) == 0 &&
		    (dl == n || at[dl - n - 1] == '.'))
			return 1;
		own += strcspn(own, ",");
		if (*own == ',')
			own++;
	}
	return 0;
}

static int on_pii(void *arg, int category, const char *rule, size_t start, size_t end)
{
	struct pii *p = arg;

	if (strcmp(rule, "detect.email") == 0 && own_address(p->own, p->text, start, end))
		return 0;
	if (p->n < HITS_MAX)
		buf_printf(&p->found, "%s%s \"%.*s\"", p->n ? "; " : "",
		           strchr(rule, '.') ? strchr(rule, '.') + 1 : rule, (int)(end - start),
		           p->text + start);
	p->n++;
	(void)category;
	return 0;
}

static int check_pii(const struct draft_check_in *in, struct draft_check_out *out)
{
	struct pii p = {in->text,
	                in->cfg ? config_get(in->cfg, "drafts", "own_domains", NULL) : NULL,
	                {0},
	                0};
	int rc;

	buf_init(&p.found, 16384);
	detect_all(in->text, strlen(in->text), on_pii, &p);
	if (p.n) {
		char d[1200];

		snprintf(d, sizeof(d),
		         "texten innehåller personuppgifter (%s); publicera dem inte utan "
		         "skriftligt "
		         "samtycke, sekretessbelagda uppgifter aldrig",
		         buf_cstr(&p.found));
		out->flagged = 1;
		rc = json_array_append_new(out->reasons, json_string("personuppgifter")) ? KV_ENOMEM
		                                                                         : KV_OK;
		if (!rc)
			rc = point(out->points, "personal_data", "Personuppgifter", "warning", d);
	} else {
		rc = point(out->points, "personal_data", "Personuppgifter", "ok",
		           "inga personnummer, telefonnummer, e-postadresser eller andra "
		           "personuppgifter hittades");
	}
	buf_done(&p.found);
	return rc;
}

/* ---- screening ---- */

static int check_screening(const struct draft_check_in *in, struct draft_check_out *out,
                           struct err *err)
{
	const struct screen_result *res = NULL;
	struct buf cats;
	int rc, sensitive = 0;

	if (!in->screener)
		return point(out->points, "screening", "Granskning", "manual",
		             "texten granskades inte mot reglerna; läs den med policyns förbud i "
		             "tankarna");
	rc = capture_screener_text(in->screener, in->text, strlen(in->text), &res, err);
	if (rc)
		return rc;
	buf_init(&cats, 4096);
	for (int c = 0; c < SCREEN_NCAT; c++) {
		/* Personal data has its own point; a question or criticism
		 * is no reason to stop a post. */
		if (!res->flagged[c] || c == SCREEN_PERSONAL_ID || c == SCREEN_CONTACT ||
		    c == SCREEN_FINANCIAL || c == SCREEN_QUESTION || c == SCREEN_CRITICAL)
			continue;
		buf_printf(&cats, "%s%s", cats.len ? ", " : "", lexicon_category_name(c));
		/* What the policies forbid outright makes the post sensitive;
		 * a commercial word in an invitation is only pointed out. */
		if (lexicon_category_abusive(c) || c == SCREEN_SENSITIVE || c == SCREEN_POLITICAL)
			sensitive = 1;
	}
	if (cats.len) {
		char d[800];

		snprintf(d, sizeof(d), "granskningen flaggade texten: %s", buf_cstr(&cats));
		out->flagged |= sensitive;
		rc = sensitive && json_array_append_new(out->reasons, json_string("granskning"))
		             ? KV_ENOMEM
		             : KV_OK;
		if (!rc)
			rc = point(out->points, "screening", "Granskning", "warning", d);
	} else {
		rc = point(out->points, "screening", "Granskning", "ok",
		           "granskningen flaggade ingenting");
	}
	buf_done(&cats);
	return rc;
}

/* ---- links ---- */

/* Checks one address; appends what became of it to d and returns the
 * point's status for it. */
static const char *check_link(struct fetch *f, const char *url, struct buf *d)
{
	struct fetch_result res;
	struct err e = {0};
	const char *st = "ok";
	int rc;

	fetch_result_init(&res);
	if (strncmp(url, "http://", 7) == 0 && !fetch_url_secure(url)) {
		buf_printf(d, "%s: inte kontrollerad, använd https\n", url);
		return "warning";
	}
	rc = fetch_request(f, "HEAD", url, NULL, NULL, NULL, 0, &res, &e);
	if (rc && (res.status == 405 || res.status == 501)) {
		/* Some servers answer only GET. */
		fetch_result_done(&res);
		fetch_result_init(&res);
		err_clear(&e);
		rc = fetch_request(f, "GET", url, NULL, NULL, NULL, 0, &res, &e);
		if (rc == KV_EINVAL && strstr(e.msg, "larger than"))
			rc = KV_OK; /* it answered, with more than is read */
	}
	if (!rc) {
		buf_printf(d, "%s: svarar (HTTP %ld)\n", url, res.status);
	} else if (res.status >= 300 && res.status < 400) {
		buf_printf(d, "%s: leder vidare (HTTP %ld); länka gärna direkt till målet\n", url,
		           res.status);
		st = "warning";
	} else if (res.status >= 400) {
		buf_printf(d, "%s: fungerar inte (HTTP %ld)\n", url, res.status);
		st = "error";
	} else if (strstr(e.msg, "private/internal")) {
		buf_printf(d, "%s: inte kontrollerad, adressen är intern\n", url);
		st = "warning";
	} else {
		buf_printf(d, "%s: kunde inte kontrolleras (%.200s)\n", url, e.msg);
		st = "warning";
	}
	fetch_result_done(&res);
	return st;
}

static int worse(const char *a, const char *b)
{
	static const char *const order[] = {"ok", "warning", "manual", "error"};
	int ia = 0, ib = 0;

	for (int i = 0; i < 4; i++) {
		if (strcmp(a, order[i]) == 0)
			ia = i;
		if (strcmp(b, order[i]) == 0)
			ib = i;
	}
	return ib > ia;
}

static int check_links(const struct draft_check_in *in, struct draft_check_out *out,
                       struct err *err)
{
	struct fetch_opts fo = {0};
	struct fetch *f = NULL;
	struct buf d;
	const char *status = "ok", *t = in->text;
	int64_t timeout = 10;
	int internal = 0, rc;

	rc = config_get_bool(in->cfg, "drafts", "links_allow_internal", 0, &internal, err);
	if (!rc)
		rc = config_get_int(in->cfg, "drafts", "links_timeout", 10, &timeout, err);
	if (rc)
		return rc;
	fo.timeout_s = timeout > 0 ? timeout : 10;
	fo.max_attempts = 1;
	fo.max_bytes = (size_t)1 << 20;
	fo.public_only = !internal;
	buf_init(&d, 65536);
	for (size_t i = 0; t[i] && out->links < LINKS_MAX; i++) {
		size_t n = (i == 0 || strchr(" \t\r\n(", t[i - 1])) ? url_at(t + i) : 0;
		char url[URL_MAX + 16];
		const char *s;

		if (!n)
			continue;
		if (n > URL_MAX) {
			i += n - 1;
			continue;
		}
		snprintf(url, sizeof(url), "%s%.*s", t[i] == 'w' ? "https://" : "", (int)n, t + i);
		i += n - 1;
		if (!f && fetch_new(&f, &fo, err) != KV_OK) {
			buf_done(&d);
			return err->code;
		}
		out->links++;
		s = check_link(f, url, &d);
		out->links_ok += strcmp(s, "ok") == 0;
		if (worse(status, s))
			status = s;
	}
	fetch_free(f);
	if (d.len && d.ptr[d.len - 1] == '\n')
		d.ptr[--d.len] = '\0';
	if (!out->links)
		rc = point(out->points, "links", "Webbadresser", "ok",
		           "inga webbadresser i texten");
	else
		rc = point(out->points, "links", "Webbadresser", status, buf_cstr(&d));
	buf_done(&d);
	return rc;
}

/* ---- spelling and hashtags ---- */

struct miss {
	const char *text;
	struct buf list;
	int n;
};

static int on_miss(void *arg, size_t start, size_t end, const char *suggestion)
{
	struct miss *m = arg;

	if (m->n < SPELL_LIST_MAX) {
		buf_printf(&m->list, "%s%.*s", m->n ? ", " : "", (int)(end - start),
		           m->text + start);
		if (suggestion)
			buf_printf(&m->list, " (%s?)", suggestion);
	}
	m->n++;
	return 0;
}

int draft_check_hashtag(struct spell *sp, const char *tag, size_t n, char *suggest, size_t cap)
{
	char parts[512];
	int k = spell_parts(sp, tag, n, parts, sizeof(parts)), caps = 0, letters = 0, first = 1;
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)tag + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);

		if (l <= 0)
			return 0;
		i += (size_t)l;
		letters++;
		if (!first && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU)
			caps++;
		if (first && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU)
			caps += 100; /* a capital first letter: counted apart */
		first = 0;
	}
	if (k < 2)
		return 0;
	if (!(caps == 0 && letters >= 10) && !(k >= 3 && caps % 100 == 0))
		return 0;
	/* Each part with a capital first letter. */
	for (const char *p = parts; *p && o + 8 < cap;) {
		size_t len = strcspn(p, "|");
		utf8proc_int32_t cp;
		utf8proc_ssize_t l =
		        utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)len, &cp);

		if (l <= 0 || o + len + 8 >= cap)
			break;
		o += (size_t)utf8proc_encode_char(utf8proc_toupper(cp),
		                                  (utf8proc_uint8_t *)suggest + o);
		memcpy(suggest + o, p + l, len - (size_t)l);
		o += len - (size_t)l;
		p += len;
		if (*p == '|')
			p++;
	}
	suggest[o] = '\0';
	return 1;
}

static int check_words(const struct draft_check_in *in, struct draft_check_out *out,
                       struct err *err)
{
	const char *dict = in->cfg ? config_get(in->cfg, "drafts", "dictionary", NULL) : NULL;
	struct spell *sp = NULL;
	struct miss m = {in->text, {0}, 0};
	struct buf tags;
	struct err e2 = {0};
	const char *t = in->text;
	int n_tags = 0, rc;

	if (spell_new(&sp, dict, &e2) != KV_OK) {
		char d[ERR_MSG_MAX + 80];

		snprintf(d, sizeof(d), "stavningen kunde inte kontrolleras: %s", e2.msg);
		rc = point(out->points, "spelling", "Stavning", "manual", d);
		if (!rc)
			rc = point(out->points, "hashtags", "Hashtaggar", "manual",
			           "hashtaggarna kunde inte delas i ord utan ordlista");
		return rc;
	}
	buf_init(&m.list, 16384);
	buf_init(&tags, 16384);
	spell_check(sp, t, strlen(t), SPELL_SUGGEST, on_miss, &m);
	if (m.n) {
		char d[4200];

		snprintf(d, sizeof(d), "%d ord finns inte i ordlistan: %s%s", m.n,
		         buf_cstr(&m.list), m.n > SPELL_LIST_MAX ? " …" : "");
		rc = point(out->points, "spelling", "Stavning", "warning", d);
	} else {
		rc = point(out->points, "spelling", "Stavning", "ok",
		           "alla ord finns i ordlistan (sv_SE)");
	}
	for (size_t i = 0; t[i] && !rc; i++) {
		size_t n;
		char sug[512];

		if (t[i] != '#' || (i > 0 && !strchr(" \t\r\n(", t[i - 1])))
			continue;
		n = 0;
		while (t[i + 1 + n] && !strchr(" \t\r\n.,;:!?()#\"'", t[i + 1 + n]))
			n++;
		if (!n)
			continue;
		n_tags++;
		if (draft_check_hashtag(sp, t + i + 1, n, sug, sizeof(sug)))
			buf_printf(&tags, "%s#%.*s: skriv #%s", tags.len ? "; " : "", (int)n,
			           t + i + 1, sug);
		i += n;
	}
	if (!rc && tags.len) {
		char d[4200];

		snprintf(d, sizeof(d),
		         "hashtaggar av flera ord läses lättare, även av skärmläsare, med stor "
		         "bokstav i varje ord: %s",
		         buf_cstr(&tags));
		rc = point(out->points, "hashtags", "Hashtaggar", "warning", d);
	} else if (!rc) {
		rc = point(out->points, "hashtags", "Hashtaggar", "ok",
		           n_tags ? "hashtaggarna är skrivna så att orden syns"
		                  : "inga hashtaggar i texten");
	}
	buf_done(&m.list);
	buf_done(&tags);
	spell_free(sp);
	(void)err;
	return rc;
}

/* ---- media: alt text, consent ---- */

/* The consents in the register that cover the account on the day the
 * draft goes out, named in the point's detail so the person can see that
 * everyone in the picture is among them; none is an error (register the
 * signed form with consent add first). Whether the people in the picture
 * are those people stays the person's answer to the checklist. */
struct consent_names {
	struct buf list;
	size_t n;
};

static int consent_name(void *ctx, const struct consent_row *r)
{
	struct consent_names *c = ctx;

	if (c->n < 10)
		buf_printf(&c->list, "%s#%lld %s", c->n ? ", " : "", (long long)r->id,
		           r->person_name);
	c->n++;
	return 0;
}

static int consent_hook(const struct draft_check_in *in, struct draft_check_out *out,
                        struct err *err)
{
	struct calendar_local lt;
	struct consent_names c = {.n = 0};
	struct consent_filter f = {.org_id = in->org_id, .account_id = in->account_id};
	char day[11], t[1400];
	int rc;

	calendar_to_local(&lt, in->day_at);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", lt.y, lt.m, lt.d);
	f.active_on = day;
	buf_init(&c.list, 1024);
	rc = consent_row_each(in->store, &f, consent_name, &c, err);
	if (rc)
		goto out;
	if (!c.n) {
		snprintf(
		        t, sizeof(t),
		        "inget samtycke i registret gäller kontot %s: registrera den undertecknade "
		        "blanketten med consent add innan bilden publiceras",
		        day);
		rc = point(out->points, "consent", "Samtycke", "error", t);
	} else {
		snprintf(t, sizeof(t),
		         "%zu samtycke%s gäller kontot %s: %s%s; kontrollera att alla på bilden "
		         "finns "
		         "bland dem och koppla inlägget med consent link när det är publicerat",
		         c.n, c.n == 1 ? "" : "n", day, buf_cstr(&c.list), c.n > 10 ? " …" : "");
		rc = point(out->points, "consent", "Samtycke", "manual", t);
	}
out:
	buf_done(&c.list);
	return rc;
}

static int check_media(const struct draft_check_in *in, struct draft_check_out *out,
                       struct err *err)
{
	size_t n = json_array_size(in->media), missing = 0;
	struct buf d;
	int rc = KV_OK;

	if (!n)
		return point(out->points, "alt_text", "Alternativtext", "ok",
		             "inga bilder eller filmer");
	out->has_media = 1;
	buf_init(&d, 16384);
	for (size_t i = 0; i < n; i++) {
		json_t *m = json_array_get(in->media, i);
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *alt = json_string_value(json_object_get(m, "alt"));

		if (type && strncmp(type, "video/", 6) == 0)
			out->has_video = 1;
		if (!alt || !*alt) {
			buf_printf(&d, "%s%s", missing ? ", " : "",
			           json_string_value(json_object_get(m, "name")));
			missing++;
		}
	}
	if (missing) {
		char t[2200];

		snprintf(t, sizeof(t), "%zu av %zu saknar alternativtext: %s (draft edit --alt)",
		         missing, n, buf_cstr(&d));
		rc = point(out->points, "alt_text", "Alternativtext", "error", t);
	} else {
		rc = point(out->points, "alt_text", "Alternativtext", "ok",
		           "alla bilder och filmer har alternativtext");
	}
	buf_done(&d);
	if (!rc && in->shows_people)
		rc = consent_hook(in, out, err);
	return rc;
}

/* ---- ÖS: a sender, posts per day ---- */

static int check_sender(const struct draft_check_in *in, struct draft_check_out *out)
{
	const char *t = in->text, *last = t;
	size_t n = strlen(t);

	/* The last line that is not empty. */
	while (n > 0 && strchr(" \t\r\n", t[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++)
		if (t[i] == '\n')
			last = t + i + 1;
	if (last < t + n &&
	    (*last == '/' || strncmp(last, "–", strlen("–")) == 0 || strstr(last, "hälsningar") ||
	     strstr(last, "Hälsningar") || strstr(last, "Allt gott") || strstr(last, "allt gott")))
		return point(out->points, "sender", "Avsändare", "ok",
		             "texten slutar med en avsändare");
	return point(out->points, "sender", "Avsändare", "warning",
	             "ÖS: inläggen ska ha en avsändare, t.ex. \"Vänliga hälsningar, Eva, "
	             "kommunikatör\" eller \"/ Eva, kommunikatör\"");
}

static int check_per_day(const struct draft_check_in *in, struct draft_check_out *out,
                         struct err *err)
{
	struct calendar_local lt;
	int64_t from = 0, to = 0, n = 0;
	char d[300];
	int rc;

	if (in->platform != PLATFORM_FACEBOOK)
		return KV_OK;
	calendar_to_local(&lt, in->day_at);
	rc = calendar_from_local(&from, lt.y, lt.m, lt.d, 0, 0, 0);
	if (!rc)
		rc = calendar_from_local(&to, lt.y, lt.m, lt.d, 23, 59, 59);
	if (!rc)
		rc = draft_row_own_posts(in->store, in->account_id, from, to + 1, &n, err);
	if (rc)
		return rc;
	snprintf(d, sizeof(d),
	         "ÖS: högst 1–2 inlägg per dag på Facebook; kontot har %lld inlägg den "
	         "%04d-%02d-%02d",
	         (long long)n, lt.y, lt.m, lt.d);
	return point(out->points, "per_day", "Inlägg per dag", n >= 2 ? "warning" : "ok", d);
}

static int check_platform(const struct draft_check_in *in, struct draft_check_out *out)
{
	const char *why =
	        publish_unsupported_reason(in->platform, 0, json_array_size(in->media) > 0);
	char d[400];

	if (!why)
		return point(out->points, "platform", "Publicering", "ok",
		             "publiceras genom plattformens API när kontot har en token");
	snprintf(d, sizeof(d),
	         "publiceras för hand (%s); registrera det med draft publish --by-hand", why);
	return point(out->points, "platform", "Publicering", "warning", d);
}

int draft_check_run(const struct draft_check_in *in, struct draft_check_out *out, struct err *err)
{
	int rc = KV_OK;

	memset(out, 0, sizeof(*out));
	out->points = json_array();
	out->reasons = json_array();
	if (!out->points || !out->reasons)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = check_platform(in, out);
	if (!rc)
		rc = check_length(in, out, err);
	if (!rc)
		rc = check_pii(in, out);
	if (!rc)
		rc = check_screening(in, out, err);
	if (!rc)
		rc = check_links(in, out, err);
	if (!rc)
		rc = check_words(in, out, err);
	if (!rc)
		rc = check_media(in, out, err);
	if (!rc)
		rc = check_sender(in, out);
	if (!rc)
		rc = check_per_day(in, out, err);
	if (rc == KV_ENOMEM && !err->code)
		err_set(err, KV_ENOMEM, "out of memory");
	if (rc) {
		json_decref(out->points);
		json_decref(out->reasons);
		out->points = out->reasons = NULL;
	}
	return rc;
}
