/* The outbox sender: message formatting (RFC 5322 with RFC 2047 subjects),
 * SMTP delivery with libcurl, and the queue/flush cycle with retries. A row
 * is claimed (state sending, committed) before the SMTP transaction starts
 * and marked sent the moment the server has accepted the message, before
 * the connection is closed; every attempt of a notice carries the same
 * Message-ID, derived from the notice. What is left (docs/internals/mail.md):
 * a crash after the server's reply to the end of DATA and before that commit
 * leaves the row sending; when its lease runs out it is sent again, with the
 * same Message-ID, so a notice may arrive twice but is never lost. */
#include "workflow/mail.h"

#include "base/config.h"
#include "base/hash.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/store.h"

#include <curl/curl.h>
#include <pthread.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKOFF_MAX    (6 * 3600)
#define MESSAGE_MAX    ((size_t)4 << 20)
#define RECIPIENTS_MAX 64
/* A claimed row is skipped by other senders this long after the attempt's
 * timeout: past it, the sender is taken to have died. */
#define CLAIM_MARGIN 60

static int get_positive(const struct config *cfg, const char *key, int64_t max, int64_t *v,
                        struct err *err)
{
	int64_t n;

	if (config_get_int(cfg, "mail", key, *v, &n, err) != KV_OK)
		return KV_EINVAL;
	if (n <= 0 || n > max)
		return err_set(err, KV_EINVAL, "[mail] %s = %lld: must be between 1 and %lld", key,
		               (long long)n, (long long)max);
	*v = n;
	return KV_OK;
}

int mail_address_ok(const char *addr)
{
	const char *at;

	if (!addr || !*addr || strlen(addr) > 254)
		return 0;
	for (const char *p = addr; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || strchr("\"<>(),;:[]\\", c))
			return 0;
	}
	at = strchr(addr, '@');
	return at && at != addr && at[1] && !strchr(at + 1, '@');
}

int mail_settings_load(struct mail_settings *out, const struct config *cfg, struct err *err)
{
	struct mail_settings m = {.timeout_s = 30, .max_attempts = 8, .backoff_s = 60};
	const char *tls;

	if (!cfg) {
		*out = m;
		return KV_OK;
	}
	m.server = config_get(cfg, "mail", "server", NULL);
	m.from = config_get(cfg, "mail", "from", NULL);
	m.user = config_get(cfg, "mail", "user", NULL);
	m.password = config_get(cfg, "mail", "password", NULL);
	tls = config_get(cfg, "mail", "starttls", "try");
	m.ca = config_get(cfg, "mail", "ca", NULL);
	if (m.ca && !*m.ca)
		m.ca = NULL;
	if (m.server && !*m.server)
		m.server = NULL;
	if (m.user && !*m.user)
		m.user = NULL;
	if (m.server && strncmp(m.server, "smtp://", 7) != 0 &&
	    strncmp(m.server, "smtps://", 8) != 0)
		return err_set(err, KV_EINVAL,
		               "[mail] server = %s: must start with smtp:// or smtps:// "
		               "(smtp://mail.example.se:587)",
		               m.server);
	if (m.server && !mail_address_ok(m.from))
		return err_set(err, KV_EINVAL,
		               "[mail] from = %s: not a mail address (needed when a "
		               "server is set)",
		               m.from ? m.from : "");
	if (m.user && (!m.password || !*m.password))
		return err_set(err, KV_EINVAL, "[mail] user is set but password is not");
	if (strcmp(tls, "try") == 0)
		m.tls = MAIL_TLS_TRY;
	else if (strcmp(tls, "required") == 0 || strcmp(tls, "yes") == 0)
		m.tls = MAIL_TLS_REQUIRED;
	else if (strcmp(tls, "no") == 0)
		m.tls = MAIL_TLS_NO;
	else
		return err_set(err, KV_EINVAL, "[mail] starttls = %s: must be try, required or no",
		               tls);
	if (get_positive(cfg, "timeout", 600, &m.timeout_s, err) ||
	    get_positive(cfg, "max_attempts", 1000, &m.max_attempts, err) ||
	    get_positive(cfg, "backoff", BACKOFF_MAX, &m.backoff_s, err))
		return KV_EINVAL;
	*out = m;
	return KV_OK;
}

int64_t mail_backoff(const struct mail_settings *m, int64_t attempts)
{
	int64_t d = m->backoff_s > 0 ? m->backoff_s : 60;

	for (int64_t i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

/* ---- formatting ---- */

/* Calls fn for each address of a comma-separated list (trimmed, non-empty).
 * Stops at the first non-zero return. */
static int each_address(const char *list, int (*fn)(void *ctx, const char *addr), void *ctx)
{
	const char *p = list;
	int rc = 0;

	while (p && *p && !rc) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char addr[256];

		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len >= sizeof(addr))
			return KV_EINVAL;
		if (len) {
			memcpy(addr, p, len);
			addr[len] = '\0';
			rc = fn(ctx, addr);
		}
		p = comma ? comma + 1 : NULL;
	}
	return rc;
}

struct count_ctx {
	int n;
	const char *bad;
	char bad_copy[256];
};

static int check_address(void *arg, const char *addr)
{
	struct count_ctx *c = arg;

	if (!mail_address_ok(addr)) {
		snprintf(c->bad_copy, sizeof(c->bad_copy), "%s", addr);
		c->bad = c->bad_copy;
		return KV_EINVAL;
	}
	c->n++;
	return c->n > RECIPIENTS_MAX ? KV_EINVAL : 0;
}

static int check_recipients(const char *recipients, struct err *err)
{
	struct count_ctx c = {0};

	if (each_address(recipients, check_address, &c) != 0 || c.n == 0) {
		if (c.bad)
			return err_set(err, KV_EINVAL, "recipient '%s' is not a mail address",
			               c.bad);
		if (c.n > RECIPIENTS_MAX)
			return err_set(err, KV_EINVAL, "more than %d recipients", RECIPIENTS_MAX);
		return err_set(err, KV_EINVAL, "no recipients");
	}
	return KV_OK;
}

static int is_ascii_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x7f || (unsigned char)*s < ' ')
			return 0;
	return 1;
}

/* "Subject: " and the subject, as RFC 2047 encoded words of at most 45 bytes
 * of text each (60 base64 characters) when it is not plain ASCII, folded. */
static int put_subject(struct buf *out, const char *subject)
{
	size_t len = strlen(subject), pos = 0;
	int rc = buf_puts(out, "Subject: ");

	if (rc)
		return rc;
	if (is_ascii_text(subject) && len <= 900)
		return buf_printf(out, "%s\r\n", subject);
	while (!rc && pos < len) {
		size_t n = len - pos > 45 ? 45 : len - pos;
		char b64[64 + 4];

		/* Never split a UTF-8 sequence across two words. */
		while (n > 1 && pos + n < len && ((unsigned char)subject[pos + n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)subject + pos, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		rc = buf_printf(out, "%s=?UTF-8?B?%s?=", pos ? "\r\n " : "", b64);
		pos += n;
	}
	if (!rc)
		rc = buf_puts(out, "\r\n");
	return rc;
}

static void rfc5322_date(char out[40], int64_t now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int put_body(struct buf *out, const char *body)
{
	int rc = 0;

	/* CRLF line ends; a bare CR is dropped. libcurl adds the dot-stuffing. */
	for (const char *p = body; *p && !rc; p++) {
		if (*p == '\r')
			continue;
		rc = *p == '\n' ? buf_put(out, "\r\n", 2) : buf_putc(out, *p);
	}
	if (!rc && (out->len < 2 || memcmp(out->ptr + out->len - 2, "\r\n", 2) != 0))
		rc = buf_put(out, "\r\n", 2);
	return rc;
}

int mail_format(struct buf *out, const char *from, const char *recipients, const char *subject,
                const char *body, int64_t now, const char *msgid, struct err *err)
{
	char date[40];
	int rc;

	if (!mail_address_ok(from))
		return err_set(err, KV_EINVAL, "sender '%s' is not a mail address",
		               from ? from : "");
	rc = check_recipients(recipients, err);
	if (rc)
		return rc;
	for (const char *p = msgid; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return err_set(err, KV_EINVAL, "message id '%s' holds '%c'", msgid, *p);
	rfc5322_date(date, now);
	rc = buf_printf(out, "From: %s\r\nTo: ", from);
	{
		/* To: the same list, normalised to ", " separators. */
		const char *p = recipients;
		int first = 1;

		while (!rc && p && *p) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			while (len && (*p == ' ' || *p == '\t'))
				p++, len--;
			while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
				len--;
			if (len) {
				rc = buf_printf(out, "%s%.*s", first ? "" : ",\r\n ", (int)len, p);
				first = 0;
			}
			p = comma ? comma + 1 : NULL;
		}
	}
	if (!rc)
		rc = buf_puts(out, "\r\n");
	if (!rc)
		rc = put_subject(out, subject);
	if (!rc)
		rc = buf_printf(
		        out,
		        "Date: %s\r\nMessage-ID: <%s@kanalvakt>\r\nMIME-Version: 1.0\r\n"
		        "Content-Type: text/plain; charset=UTF-8\r\n"
		        "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n"
		        "\r\n",
		        date, msgid);
	if (!rc)
		rc = put_body(out, body);
	if (rc)
		return err_set(err, rc, "mail message too large");
	return KV_OK;
}

/* ---- sending ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

struct rcpt_ctx {
	struct curl_slist *list;
	int nomem;
};

static int add_rcpt(void *arg, const char *addr)
{
	struct rcpt_ctx *r = arg;
	char bracketed[260];
	struct curl_slist *next;

	snprintf(bracketed, sizeof(bracketed), "<%s>", addr);
	next = curl_slist_append(r->list, bracketed);
	if (!next) {
		r->nomem = 1;
		return KV_ENOMEM;
	}
	r->list = next;
	return 0;
}

/* The server URL for messages, without any user:password@ in it. */
static void server_display(char *out, size_t cap, const char *url)
{
	const char *host = strstr(url, "://");
	const char *at = host ? strchr(host + 3, '@') : NULL;
	const char *slash = host ? strchr(host + 3, '/') : NULL;

	if (at && (!slash || at < slash))
		snprintf(out, cap, "%.*s%s", (int)(host + 3 - url), url, at + 1);
	else
		snprintf(out, cap, "%s", url);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void mail_message_id(char out[MAIL_MSGID_MAX], int64_t org, const char *dedup_key)
{
	char hex[HASH_SHA256_HEX_LEN + 1];
	struct hash_sha256_ctx ctx;
	char orgtext[32];

	snprintf(orgtext, sizeof(orgtext), "%lld\n", (long long)org);
	hash_sha256_begin(&ctx);
	hash_sha256_update(&ctx, orgtext, strlen(orgtext));
	hash_sha256_update(&ctx, dedup_key, strlen(dedup_key));
	hash_sha256_end_hex(&ctx, hex);
	snprintf(out, MAIL_MSGID_MAX, "kv-%.32s", hex);
}

/* Sends one message; accepted (may be NULL) is called once the server has
 * accepted it and before the connection is closed (libcurl sends QUIT when
 * the handle is cleaned up), and its failure is the call's. */
static int send_message(const struct mail_settings *m, const char *recipients, const char *subject,
                        const char *body, int64_t now, const char *msgid,
                        int (*accepted)(void *ctx, struct err *err), void *actx, struct err *err)
{
	struct buf msg;
	struct rcpt_ctx rc_list = {0};
	struct upload up;
	char errbuf[CURL_ERROR_SIZE] = "", from[260];
	CURL *c = NULL;
	CURLcode cc = CURLE_OK;
	int rc;

	if (!m->server || !m->from)
		return err_set(err, KV_EINVAL, "no mail server configured ([mail] server, from)");
	buf_init(&msg, MESSAGE_MAX);
	rc = mail_format(&msg, m->from, recipients, subject, body, now, msgid, err);
	if (rc)
		goto out;
	if (each_address(recipients, add_rcpt, &rc_list) != 0) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	pthread_once(&curl_once, curl_init_once);
	c = curl_easy_init();
	if (!c) {
		rc = err_set(err, KV_ENOMEM, "cannot start a mail transfer");
		goto out;
	}
	up.p = msg.ptr;
	up.left = msg.len;
	snprintf(from, sizeof(from), "<%s>", m->from);
#define SET(opt, val)                                                                              \
	do {                                                                                       \
		if (cc == CURLE_OK)                                                                \
			cc = curl_easy_setopt(c, opt, val);                                        \
	} while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_URL, m->server);
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_MAIL_FROM, from);
	SET(CURLOPT_MAIL_RCPT, rc_list.list);
	SET(CURLOPT_READFUNCTION, read_cb);
	SET(CURLOPT_READDATA, &up);
	SET(CURLOPT_UPLOAD, 1L);
	SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	SET(CURLOPT_TIMEOUT, (long)m->timeout_s);
	SET(CURLOPT_CONNECTTIMEOUT, (long)(m->timeout_s < 10 ? m->timeout_s : 10));
	SET(CURLOPT_USE_SSL, m->tls == MAIL_TLS_REQUIRED ? (long)CURLUSESSL_ALL
	                     : m->tls == MAIL_TLS_TRY    ? (long)CURLUSESSL_TRY
	                                                 : (long)CURLUSESSL_NONE);
	if (m->ca)
		SET(CURLOPT_CAINFO, m->ca);
	if (m->user) {
		SET(CURLOPT_USERNAME, m->user);
		SET(CURLOPT_PASSWORD, m->password);
	}
#undef SET
	if (cc == CURLE_OK)
		cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		char where[256];
		long code = 0;

		server_display(where, sizeof(where), m->server);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code)
			rc = err_set(err, KV_EIO, "mail to %s via %s failed: %s (SMTP %ld)",
			             recipients, where, errbuf[0] ? errbuf : curl_easy_strerror(cc),
			             code);
		else
			rc = err_set(err, KV_EIO, "mail to %s via %s failed: %s", recipients, where,
			             errbuf[0] ? errbuf : curl_easy_strerror(cc));
	} else if (accepted) {
		rc = accepted(actx, err);
	}
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(rc_list.list);
	buf_done(&msg);
	return rc;
}

int mail_send(const struct mail_settings *m, const char *recipients, const char *subject,
              const char *body, int64_t now, const char *msgid, struct err *err)
{
	return send_message(m, recipients, subject, body, now, msgid, NULL, NULL, err);
}

/* ---- the outbox ---- */

static char *audit_json(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(j);
	return text;
}

int mail_queue(struct store *s, int64_t org, const char *dedup_key, const char *recipients,
               const char *subject, const char *body, const char *actor, int64_t now,
               int64_t *out_id, struct err *err)
{
	int64_t id = 0;
	char *after = NULL, idtext[32];
	int rc;

	rc = check_recipients(recipients, err);
	if (rc)
		return rc;
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = outbox_enqueue(s, org, dedup_key, recipients, subject, body, now, &id, err);
	if (!rc && id) {
		after = audit_json(json_pack("{s:s,s:s,s:s}", "dedup_key", dedup_key, "to",
		                             recipients, "subject", subject));
		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		rc = after ? audit_append(s, NULL, org, actor, "mail.queue", "mail", idtext, NULL,
		                          after, err)
		           : err_set(err, KV_ENOMEM, "out of memory");
	}
	free(after);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s, err);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

/* A copy of one outbox row, held while it is sent outside any transaction. */
struct held {
	int found;
	int in_doubt; /* it was sending when its sender died */
	int64_t attempts;
	char *dedup_key, *recipients, *subject, *body;
};

static int hold_row(void *arg, const struct outbox_row *r)
{
	struct held *h = arg;

	h->found = 1;
	h->attempts = r->attempts;
	h->dedup_key = strdup(r->dedup_key);
	h->recipients = strdup(r->recipients);
	h->subject = strdup(r->subject);
	h->body = strdup(r->body);
	return h->dedup_key && h->recipients && h->subject && h->body ? 0 : KV_ENOMEM;
}

static void held_done(struct held *h)
{
	free(h->dedup_key);
	free(h->recipients);
	free(h->subject);
	free(h->body);
}

/* Marks the attempt's outcome and audits it, in one transaction. */
static int record(struct store *s, int64_t org, int64_t id, const struct held *h, int ok,
                  const char *error, int64_t next, const char *actor, int64_t now, struct err *err)
{
	char idtext[32], *after;
	int rc;

	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	after = ok ? audit_json(json_pack("{s:s,s:s,s:I,s:b}", "dedup_key", h->dedup_key, "to",
	                                  h->recipients, "attempt", (json_int_t)(h->attempts + 1),
	                                  "after_crash", h->in_doubt))
	           : audit_json(json_pack("{s:s,s:s,s:I,s:s}", "dedup_key", h->dedup_key, "to",
	                                  h->recipients, "attempt", (json_int_t)(h->attempts + 1),
	                                  "error", error));
	if (!after)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = store_begin(s, err);
	if (!rc) {
		rc = ok ? outbox_mark_sent(s, id, now, err)
		        : outbox_mark_failed(s, id, error, next, err);
		if (!rc)
			rc = audit_append(s, NULL, org, actor, ok ? "mail.sent" : "mail.failed",
			                  "mail", idtext, NULL, after, err);
		if (!rc)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	free(after);
	return rc;
}

/* The attempt's outcome, recorded from inside the SMTP transaction (when
 * the server accepted) or after it (when it failed). */
struct attempt {
	struct store *s;
	int64_t org, id, now, next;
	const struct held *h;
	const char *actor;
	int accepted; /* the server took the message */
	int recorded; /* and the success is committed */
};

static int accepted(void *arg, struct err *err)
{
	struct attempt *a = arg;
	int rc;

	a->accepted = 1;
	rc = record(a->s, a->org, a->id, a->h, 1, NULL, 0, a->actor, a->now, err);
	a->recorded = rc == KV_OK;
	return rc;
}

/* Claims row id (reading it first for its Message-ID), committed before the
 * mail is sent. */
static int claim(const struct op_ctx *op, const struct mail_settings *m, int64_t id, struct held *h,
                 int *claimed, struct err *err)
{
	struct outbox_filter f = {.org_id = op->org, .id = id};
	char msgid[MAIL_MSGID_MAX];
	int rc;

	rc = outbox_each(op->store, &f, hold_row, h, err);
	if (rc == KV_ENOMEM && !err->msg[0])
		rc = err_set(err, KV_ENOMEM, "out of memory reading mail %lld", (long long)id);
	if (rc || !h->found)
		return rc;
	mail_message_id(msgid, op->org, h->dedup_key);
	rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = outbox_claim(op->store, id, op->now, op->now + m->timeout_s + CLAIM_MARGIN, msgid,
	                  claimed, &h->in_doubt, err);
	if (rc) {
		store_rollback(op->store);
		return rc;
	}
	return store_commit(op->store, err);
}

int mail_flush(const struct op_ctx *op, const struct mail_settings *m, mail_event_fn fn, void *ctx,
               struct mail_flush_report *out, struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	int64_t now = op->now;
	struct mail_flush_report rep = {0};
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = op_ctx_require(op, PERM_ALERT_WORK, 0, err);

	if (rc)
		return rc;
	if (!m->server) {
		rep.not_configured = 1;
		*out = rep;
		return KV_OK;
	}
	rc = outbox_due(s, org, now, m->max_attempts, &ids, &n, err);
	for (size_t i = 0; !rc && i < n; i++) {
		struct held h = {0};
		struct err send_err;
		char msgid[MAIL_MSGID_MAX];
		struct attempt a = {s, org, ids[i], now, 0, &h, actor, 0, 0};
		int claimed = 0, ok;

		rc = claim(op, m, ids[i], &h, &claimed, err);
		if (rc || !claimed || !h.found) {
			held_done(&h);
			continue;
		}
		err_clear(&send_err);
		mail_message_id(msgid, org, h.dedup_key);
		ok = send_message(m, h.recipients, h.subject, h.body, now, msgid, accepted, &a,
		                  &send_err) == KV_OK;
		if (a.recorded) {
			ok = 1;
		} else if (a.accepted) {
			/* Accepted by the server, but the success could not be
			 * committed: the row stays sending and is sent again when
			 * its lease runs out (the same Message-ID). */
			rc = err_set(err, send_err.code ? send_err.code : KV_EIO, "%s",
			             send_err.msg);
		} else {
			rc = record(s, org, ids[i], &h, 0, send_err.msg,
			            now + mail_backoff(m, h.attempts + 1), actor, now, err);
		}
		if (!rc) {
			struct mail_event ev = {
			        .id = ids[i],
			        .dedup_key = h.dedup_key,
			        .recipients = h.recipients,
			        .subject = h.subject,
			        .ok = ok,
			        .gave_up = !ok && h.attempts + 1 >= m->max_attempts,
			        .error = ok ? NULL : send_err.msg,
			        .after_crash = h.in_doubt,
			};

			if (ok)
				rep.sent++;
			else if (ev.gave_up)
				rep.gave_up++;
			else
				rep.failed++;
			if (h.in_doubt)
				rep.after_crash++;
			if (fn)
				fn(ctx, &ev);
		}
		held_done(&h);
	}
	free(ids);
	if (!rc)
		*out = rep;
	return rc;
}
