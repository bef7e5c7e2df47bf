/* The alert rules: surges of flagged comments, identical answers, crisis
 * mode. Both window rules share one scan: for a time-ordered list of events
 * of one account (and text), find the first event at which enough events lie
 * within one window behind it, raise an alert keyed by that event's time,
 * then look again only one window later. The scan reads the last alert's key
 * back from the store, so it is deterministic and safe to repeat. Crisis
 * mode itself is a policy setting (workflow/policy); this module switches it. */
#include "workflow/alerts.h"

#include "base/arena.h"
#include "base/calendar.h"
#include "base/config.h"
#include "base/hash.h"
#include "base/utf8.h"
#include "screen/screen.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/store.h"
#include "workflow/policy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define DURATION_MAX  ((int64_t)10 * 366 * 86400)
#define TEXT_HASH_LEN 16 /* hex digits of the text hash in a dedup key */
#define EXCERPT_MAX   160

void alerts_settings_default(struct alert_settings *out)
{
	out->surge_count = 5;
	out->surge_window = 2 * 3600;
	out->identical_count = 3;
	out->identical_window = 7 * 86400;
	out->identical_min_chars = 40;
	out->lookback = 86400;
	out->case_warning = 4 * 3600;
}

int alerts_parse_duration(const char *text, int64_t *out, struct err *err)
{
	char *end = NULL;
	long long v;
	int64_t unit = 1;

	if (text && *text >= '0' && *text <= '9') {
		v = strtoll(text, &end, 10);
		if (*end == 's')
			end++;
		else if (*end == 'm')
			unit = 60, end++;
		else if (*end == 'h')
			unit = 3600, end++;
		else if (*end == 'd')
			unit = 86400, end++;
		if (!*end && v > 0 && v <= DURATION_MAX / unit) {
			*out = v * unit;
			return KV_OK;
		}
	}
	return err_set(err, KV_EINVAL,
	               "'%s' is not a duration (a positive whole number with s, m, h or d, at most "
	               "10 years)",
	               text ? text : "");
}

static int get_count(const struct config *cfg, const char *key, int64_t *v, struct err *err)
{
	int64_t n;

	if (config_get_int(cfg, "alerts", key, *v, &n, err) != KV_OK)
		return KV_EINVAL;
	if (n <= 0 || n > 1000000)
		return err_set(err, KV_EINVAL, "[alerts] %s = %lld: must be between 1 and 1000000",
		               key, (long long)n);
	*v = n;
	return KV_OK;
}

static int get_duration(const struct config *cfg, const char *key, int64_t *v, struct err *err)
{
	const char *text = config_get(cfg, "alerts", key, NULL);

	if (!text)
		return KV_OK;
	if (alerts_parse_duration(text, v, err) != KV_OK)
		return err_prefix(err, "[alerts] %s: ", key);
	return KV_OK;
}

int alerts_settings_load(struct alert_settings *out, const struct config *cfg, struct err *err)
{
	struct alert_settings a;

	alerts_settings_default(&a);
	if (cfg && (get_count(cfg, "surge_count", &a.surge_count, err) ||
	            get_duration(cfg, "surge_window", &a.surge_window, err) ||
	            get_count(cfg, "identical_count", &a.identical_count, err) ||
	            get_duration(cfg, "identical_window", &a.identical_window, err) ||
	            get_count(cfg, "identical_min_chars", &a.identical_min_chars, err) ||
	            get_duration(cfg, "lookback", &a.lookback, err) ||
	            get_duration(cfg, "case_warning", &a.case_warning, err)))
		return KV_EINVAL;
	*out = a;
	return KV_OK;
}

/* ---- normalising a reply ---- */

static int starts_with_ci(const char *s, const char *prefix)
{
	/* The greetings below are lower-case; casefold only what is compared. */
	size_t n = strlen(prefix);
	utf8proc_uint8_t *folded = NULL;
	int yes;

	if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strnlen(s, n + 16), &folded,
	                 UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE) < 0)
		return 0;
	yes = strncmp((const char *)folded, prefix, n) == 0;
	free(folded);
	return yes;
}

/* 1 when a (trimmed) line starts a signature. */
static int signature_line(const char *line, size_t len)
{
	static const char *const greetings[] = {
	        "vänliga hälsningar",
	        "vänlig hälsning",
	        "med vänlig hälsning",
	        "hälsningar",
	        "mvh",
	        "allt gott",
	        "hälsar",
	        "//",
	};
	char tmp[64];

	if (len == 0)
		return 0;
	if (line[0] == '/' || line[0] == '-' || line[0] == '~')
		return 1;
	/* en dash and em dash */
	if (len >= 3 && (unsigned char)line[0] == 0xe2 && (unsigned char)line[1] == 0x80 &&
	    ((unsigned char)line[2] == 0x93 || (unsigned char)line[2] == 0x94))
		return 1;
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1),
	         line);
	for (size_t i = 0; i < sizeof(greetings) / sizeof(greetings[0]); i++)
		if (starts_with_ci(tmp, greetings[i]))
			return 1;
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int alerts_normalise_answer(struct buf *out, const char *text, struct err *err)
{
	size_t len = strlen(text), keep = 0, pos = 0, last_start = 0;
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n;
	int space = 0, any = 0, rc = KV_OK;

	/* Keep lines up to the first signature line after the first line. */
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		size_t a = 0;

		while (a < ll && is_space((unsigned char)line[a]))
			a++;
		if (any && signature_line(line + a, ll - a))
			break;
		if (a < ll) {
			any = 1;
			last_start = pos;
		}
		pos += ll + (nl ? 1 : 0);
		keep = pos;
	}
	/* A signature at the end of the last line kept: "… /Eva, kommunikatör". */
	{
		const char *slash = NULL;

		for (size_t i = last_start; i + 1 < keep; i++)
			if (text[i] == ' ' && text[i + 1] == '/')
				slash = text + i;
		if (slash && (size_t)(text + keep - slash) <= 80 &&
		    (size_t)(slash - text) > last_start)
			keep = (size_t)(slash - text);
	}
	n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)keep, &folded,
	                 UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (n < 0)
		return err_set(err, KV_EINVAL, "reply text is not valid UTF-8: %s",
		               utf8proc_errmsg(n));
	space = 0;
	any = 0;
	for (utf8proc_ssize_t i = 0; i < n && !rc; i++) {
		unsigned char c = folded[i];

		if (is_space(c)) {
			space = 1;
			continue;
		}
		if (space && any)
			rc = buf_putc(out, ' ');
		if (!rc)
			rc = buf_putc(out, (char)c);
		space = 0;
		any = 1;
	}
	free(folded);
	if (rc)
		return err_set(err, rc, "reply text too long to normalise");
	return KV_OK;
}

/* ---- the window scan ---- */

struct event {
	int64_t at;
	int64_t item_id;
	int64_t account_id;
	char hash[TEXT_HASH_LEN + 1]; /* identical answers: the text's hash */
	const char *who;              /* identical answers: who was answered */
	const char *text;             /* identical answers: the reply (for the excerpt) */
	const char *categories;       /* surges: the item's categories */
};

struct events {
	struct event *v;
	size_t n, cap;
	struct arena a;
};

static int events_push(struct events *e, const struct event *ev)
{
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 64;
		struct event *grown = realloc(e->v, ncap * sizeof(*grown));

		if (!grown)
			return KV_ENOMEM;
		e->v = grown;
		e->cap = ncap;
	}
	e->v[e->n++] = *ev;
	return KV_OK;
}

static void events_done(struct events *e)
{
	free(e->v);
	arena_done(&e->a);
}

struct scan {
	struct store *s;
	int64_t org;
	const struct alert_settings *set;
	int64_t now;
	const char *actor;
	struct alert_scan_report *rep;
	struct err *err;
};

/* The time at the end of a dedup key "...:<time>", or -1. */
static int64_t key_time(const char *key)
{
	const char *colon = strrchr(key, ':');
	char *end = NULL;
	long long v;

	if (!colon)
		return -1;
	v = strtoll(colon + 1, &end, 10);
	return end && !*end && end != colon + 1 ? v : -1;
}

static int last_trigger(struct scan *sc, const char *prefix, int64_t *out)
{
	char key[256];
	int rc = alert_row_last_key(sc->s, sc->org, prefix, key, sizeof(key), sc->err);

	if (rc == KV_ENOTFOUND) {
		*out = INT64_MIN;
		return KV_OK;
	}
	if (rc)
		return rc;
	*out = key_time(key);
	if (*out < 0)
		*out = INT64_MIN;
	return KV_OK;
}

static int raise_alert(struct scan *sc, int64_t account, const char *kind, const char *key,
                       json_t *detail)
{
	char *text = json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char idtext[32];
	int64_t id = 0;
	int rc;

	if (!text)
		return err_set(sc->err, KV_ENOMEM, "out of memory writing an alert");
	rc = alert_row_insert(sc->s, sc->org, account, kind, key, text, sc->now, &id, sc->err);
	if (!rc && id) {
		json_t *a = json_pack("{s:s,s:I,s:s,s:O}", "kind", kind, "account",
		                      (json_int_t)account, "dedup_key", key, "detail", detail);
		char *after = a ? json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		rc = after ? audit_append(sc->s, NULL, sc->org, sc->actor, "alert.create", "alert",
		                          idtext, NULL, after, sc->err)
		           : err_set(sc->err, KV_ENOMEM, "out of memory");
		free(after);
		json_decref(a);
		if (!rc && strcmp(kind, ALERT_KIND_SURGE) == 0)
			sc->rep->surges++;
		else if (!rc)
			sc->rep->identical++;
	}
	free(text);
	return rc;
}

static json_t *local_time(int64_t t)
{
	char iso[CALENDAR_ISO_LEN];

	calendar_format_local(iso, t);
	return json_string(iso);
}

/* A surge on one account: ev[0..n) sorted by time. */
static int surge_account(struct scan *sc, const struct event *ev, size_t n)
{
	const struct alert_settings *set = sc->set;
	char prefix[64], key[96];
	int64_t last;
	size_t j = 0;
	int rc;

	if (n == 0)
		return KV_OK;
	snprintf(prefix, sizeof(prefix), "surge:%lld:", (long long)ev[0].account_id);
	rc = last_trigger(sc, prefix, &last);
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *d, *items, *cats;

		while (ev[j].at <= ev[i].at - set->surge_window)
			j++;
		if ((int64_t)(i - j + 1) < set->surge_count)
			continue;
		if (last != INT64_MIN && ev[i].at < last + set->surge_window)
			continue;
		if (ev[i].at < sc->now - set->lookback)
			continue;
		items = json_array();
		cats = json_object();
		for (size_t k = j; k <= i; k++) {
			const char *c = ev[k].categories;

			json_array_append_new(items, json_integer(ev[k].item_id));
			while (c && *c) {
				const char *comma = strchr(c, ',');
				size_t len = comma ? (size_t)(comma - c) : strlen(c);
				char name[64];

				snprintf(name, sizeof(name), "%.*s", (int)len, c);
				if (*name && lexicon_category_id(name) != SCREEN_QUESTION) {
					json_t *cnt = json_object_get(cats, name);

					json_object_set_new(
					        cats, name,
					        json_integer(cnt ? json_integer_value(cnt) + 1
					                         : 1));
				}
				c = comma ? comma + 1 : NULL;
			}
		}
		d = json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:s}", "count", (json_int_t)(i - j + 1),
		              "window_seconds", (json_int_t)set->surge_window, "first",
		              local_time(ev[j].at), "last", local_time(ev[i].at), "categories",
		              cats, "items", items, "message",
		              "Många kritiska eller otillåtna kommentarer på kort tid: samråd med "
		              "ansvarig chef och kommunikationsenheten innan ni svarar.");
		snprintf(key, sizeof(key), "%s%lld", prefix, (long long)ev[i].at);
		rc = d ? raise_alert(sc, ev[0].account_id, ALERT_KIND_SURGE, key, d)
		       : err_set(sc->err, KV_ENOMEM, "out of memory");
		json_decref(d);
		last = ev[i].at;
	}
	return rc;
}

static int counts_for_surge(const char *categories)
{
	const char *c = categories;

	while (c && *c) {
		const char *comma = strchr(c, ',');
		size_t len = comma ? (size_t)(comma - c) : strlen(c);
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)len, c);
		if (*name && lexicon_category_id(name) != SCREEN_QUESTION)
			return 1;
		c = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int collect_flagged(void *arg, const struct alert_flagged *r)
{
	struct events *e = arg;
	struct event ev = {.at = r->at, .item_id = r->item_id, .account_id = r->account_id};

	if (!counts_for_surge(r->categories))
		return 0;
	ev.categories = arena_strdup(&e->a, r->categories);
	if (!ev.categories || events_push(e, &ev))
		return KV_ENOMEM;
	return 0;
}

/* At most EXCERPT_MAX bytes of s, ending on a character boundary. */
static size_t excerpt_len(const char *s, size_t len)
{
	if (len <= EXCERPT_MAX)
		return len;
	len = EXCERPT_MAX;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

static int collect_reply(void *arg, const struct alert_reply *r)
{
	struct events *e = ((void **)arg)[0];
	const struct alert_settings *set = ((void **)arg)[1];
	struct event ev = {.at = r->at, .item_id = r->item_id, .account_id = r->account_id};
	struct buf norm;
	char hex[HASH_SHA256_HEX_LEN + 1];
	struct err ignored;
	int rc = 0;

	buf_init(&norm, 1 << 20);
	/* A reply that cannot be normalised (not UTF-8) is not compared. */
	if (alerts_normalise_answer(&norm, r->text ? r->text : "", &ignored) != KV_OK)
		goto out;
	if ((int64_t)utf8_length(buf_cstr(&norm), norm.len) < set->identical_min_chars)
		goto out;
	hash_sha256_hex(hex, norm.ptr, norm.len);
	memcpy(ev.hash, hex, TEXT_HASH_LEN);
	ev.hash[TEXT_HASH_LEN] = '\0';
	ev.who = arena_strdup(&e->a, r->addressee ? r->addressee : "");
	ev.text = arena_strndup(&e->a, norm.ptr, excerpt_len(norm.ptr, norm.len));
	if (!ev.who || !ev.text || events_push(e, &ev))
		rc = KV_ENOMEM;
out:
	buf_done(&norm);
	return rc;
}

static int cmp_reply(const void *pa, const void *pb)
{
	const struct event *a = pa, *b = pb;
	int c;

	if (a->account_id != b->account_id)
		return a->account_id < b->account_id ? -1 : 1;
	c = strcmp(a->hash, b->hash);
	if (c)
		return c;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->item_id < b->item_id ? -1 : a->item_id > b->item_id;
}

/* Different people answered among ev[j..i]. Groups are small (one text of
 * one account within a window), so a quadratic count is fine. */
static int64_t distinct_people(const struct event *ev, size_t j, size_t i)
{
	int64_t n = 0;

	for (size_t k = j; k <= i; k++) {
		size_t m = j;

		while (m < k && strcmp(ev[m].who, ev[k].who) != 0)
			m++;
		if (m == k)
			n++;
	}
	return n;
}

/* One text of one account: ev[0..n) sorted by time. */
static int identical_group(struct scan *sc, const struct event *ev, size_t n)
{
	const struct alert_settings *set = sc->set;
	char prefix[96], key[128];
	int64_t last, people;
	size_t j = 0;
	int rc;

	if ((int64_t)n < set->identical_count)
		return KV_OK;
	snprintf(prefix, sizeof(prefix), "identical_answer:%lld:%s:", (long long)ev[0].account_id,
	         ev[0].hash);
	rc = last_trigger(sc, prefix, &last);
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *d, *items;

		while (ev[j].at <= ev[i].at - set->identical_window)
			j++;
		if ((int64_t)(i - j + 1) < set->identical_count)
			continue;
		if (last != INT64_MIN && ev[i].at < last + set->identical_window)
			continue;
		if (ev[i].at < sc->now - set->lookback)
			continue;
		people = distinct_people(ev, j, i);
		if (people < set->identical_count)
			continue;
		items = json_array();
		for (size_t k = j; k <= i; k++)
			json_array_append_new(items, json_integer(ev[k].item_id));
		d = json_pack("{s:I,s:I,s:o,s:o,s:s,s:o,s:s}", "people", (json_int_t)people,
		              "window_seconds", (json_int_t)set->identical_window, "first",
		              local_time(ev[j].at), "last", local_time(ev[i].at), "text",
		              ev[i].text, "items", items, "message",
		              "Samma svar har klistrats in till flera personer: ge ett personligt "
		              "utformat svar.");
		snprintf(key, sizeof(key), "%s%lld", prefix, (long long)ev[i].at);
		rc = d ? raise_alert(sc, ev[0].account_id, ALERT_KIND_IDENTICAL, key, d)
		       : err_set(sc->err, KV_ENOMEM, "out of memory");
		json_decref(d);
		last = ev[i].at;
	}
	return rc;
}

static int nomem(struct err *err, int rc)
{
	if (rc == KV_ENOMEM && !err->msg[0])
		return err_set(err, KV_ENOMEM, "out of memory scanning for alerts");
	return rc;
}

int alerts_scan(const struct op_ctx *op, const struct alert_settings *set,
                struct alert_scan_report *out, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	int64_t now = op->now;
	struct alert_scan_report rep = {0};
	struct scan sc = {s, org, set, now, actor, &rep, err};
	struct events e = {0};
	void *reply_args[2];
	int rc;

	arena_init(&e.a);
	err_clear(err);
	rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);
	if (!rc)
		rc = store_begin(s, err);
	if (rc)
		goto done;
	rc = nomem(err, alert_row_flagged_items(s, org, now - set->lookback - set->surge_window,
	                                        now + 1, collect_flagged, &e, err));
	for (size_t i = 0, j; !rc && i < e.n; i = j) {
		for (j = i; j < e.n && e.v[j].account_id == e.v[i].account_id; j++)
			;
		rc = surge_account(&sc, e.v + i, j - i);
	}
	e.n = 0;
	reply_args[0] = &e;
	reply_args[1] = (void *)set;
	if (!rc)
		rc = nomem(err,
		           alert_row_replies(s, org, now - set->lookback - set->identical_window,
		                             now + 1, collect_reply, reply_args, err));
	if (!rc && e.n)
		qsort(e.v, e.n, sizeof(*e.v), cmp_reply);
	for (size_t i = 0, j; !rc && i < e.n; i = j) {
		for (j = i; j < e.n && e.v[j].account_id == e.v[i].account_id &&
		            strcmp(e.v[j].hash, e.v[i].hash) == 0;
		     j++)
			;
		rc = identical_group(&sc, e.v + i, j - i);
	}
	if (!rc)
		rc = store_commit(s, err);
	else
		store_rollback(s);
done:
	events_done(&e);
	if (!rc)
		*out = rep;
	return rc;
}

int alerts_ack(const struct op_ctx *op, int64_t id, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	int64_t now = op->now;
	char idtext[32], after[160];
	int rc;

	rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);
	if (!rc)
		rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = alert_row_ack(s, org, id, actor, now, err);
	if (!rc) {
		json_t *j = json_pack("{s:s}", "acknowledged_by", actor);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		snprintf(after, sizeof(after), "%s", text ? text : "{}");
		free(text);
		json_decref(j);
		rc = audit_append(s, NULL, org, actor, "alert.ack", "alert", idtext, NULL, after,
		                  err);
	}
	if (!rc)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

int alerts_crisis_get(const struct op_ctx *op, int *on, struct err *err)
{
	return policy_crisis(op->store, op->org, on, err);
}

int alerts_crisis_set(const struct op_ctx *op, int on, int *changed, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	int cur = 0, rc;

	on = on ? 1 : 0;
	rc = op_ctx_require(op, PERM_POLICY_WRITE, 0, err);
	if (!rc)
		rc = policy_crisis(s, org, &cur, err);
	if (!rc && cur != on)
		rc = policy_set(op, 0, "crisis", on ? "on" : "off", err);
	if (!rc && changed)
		*changed = cur != on;
	return rc;
}
