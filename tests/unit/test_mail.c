/* Tests for workflow/mail and store/outbox: settings, addresses, message
 * format (headers, RFC 2047 subjects, CRLF), the dedup key, delivery to a
 * local SMTP sink (tests/smtpsink, with and without login), and retries with
 * backoff until the outbox gives up and keeps the row. */
#include "testlib.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/hash.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/store.h"
#include "workflow/mail.h"

#include <dirent.h>
#include <libgen.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T0 1780000000

struct sink {
	pid_t pid;
	char dir[4096];
	unsigned port;
};

static void sink_start(struct sink *k, const char *auth)
{
	const char *bin = getenv("KANALVAKT_BIN");
	char path[4096], portfile[4096], tmp[4096];

	CHECK(bin);
	snprintf(tmp, sizeof(tmp), "%s", bin);
	snprintf(path, sizeof(path), "%s/smtpsink", dirname(tmp));
	snprintf(k->dir, sizeof(k->dir), "%s/mail", test_tmpdir());
	snprintf(portfile, sizeof(portfile), "%s/port", test_tmpdir());
	CHECK(mkdir(k->dir, 0700) == 0 || errno == EEXIST);
	unlink(portfile);
	k->pid = fork();
	CHECK(k->pid >= 0);
	if (k->pid == 0) {
		if (auth)
			execl(path, path, k->dir, portfile, "--auth", auth, (char *)NULL);
		else
			execl(path, path, k->dir, portfile, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		char *text = test_read_file(portfile, NULL);

		if (text) {
			k->port = (unsigned)strtoul(text, NULL, 10);
			free(text);
			return;
		}
		usleep(50000);
	}
	test_fail(__FILE__, __LINE__, "smtpsink did not start (%s)", path);
}

static void sink_stop(struct sink *k)
{
	kill(k->pid, SIGTERM);
	waitpid(k->pid, NULL, 0);
}

/* The messages received, concatenated; *n how many. */
static char *sink_read(struct sink *k, int *n)
{
	struct buf all;
	DIR *d = opendir(k->dir);
	struct dirent *de;

	buf_init(&all, 0);
	*n = 0;
	CHECK(d);
	while ((de = readdir(d)) != NULL) {
		char path[8192];
		char *text;

		if (strncmp(de->d_name, "msg-", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", k->dir, de->d_name);
		text = test_read_file(path, NULL);
		CHECK(text);
		buf_puts(&all, text);
		free(text);
		(*n)++;
	}
	closedir(d);
	return all.ptr ? buf_detach(&all) : calloc(1, 1);
}

static struct store *open_store(int64_t *org)
{
	struct store *s = NULL;
	struct err e = {0};
	char dir[4096];

	CHECK_INT(hash_init(), KV_OK);
	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	if (store_open(&s, dir, &e) || registry_init(test_op(s, 0, "t"), "Sjövik", org, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	return s;
}

static void settings(struct mail_settings *m, const char *server)
{
	struct config *c = config_new();
	struct err e = {0};

	/* Borrowed strings must outlive the settings: keep the config. */
	config_set(c, "mail", "server", server);
	config_set(c, "mail", "from", "kanalvakt@sjovik.se");
	config_set(c, "mail", "starttls", "no");
	config_set(c, "mail", "max_attempts", "3");
	config_set(c, "mail", "timeout", "5");
	if (mail_settings_load(m, c, &e))
		test_fail(__FILE__, __LINE__, "settings: %s", e.msg);
}

static void settings_are_checked(void)
{
	struct config *c = config_new();
	struct mail_settings m = {0};
	struct err e = {0};

	CHECK_INT(mail_settings_load(&m, c, &e), KV_OK);
	CHECK(m.server == NULL);
	CHECK_INT(m.max_attempts, 8);
	config_set(c, "mail", "server", "http://mail.sjovik.se");
	CHECK_INT(mail_settings_load(&m, c, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "smtp://");
	config_set(c, "mail", "server", "smtp://mail.sjovik.se:587");
	CHECK_INT(mail_settings_load(&m, c, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[mail] from");
	config_set(c, "mail", "from", "kanalvakt@sjovik.se");
	config_set(c, "mail", "user", "kanalvakt");
	CHECK_INT(mail_settings_load(&m, c, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "password");
	config_set(c, "mail", "password", "hemligt-ord");
	config_set(c, "mail", "starttls", "maybe");
	CHECK_INT(mail_settings_load(&m, c, &e), KV_EINVAL);
	CHECK(!strstr(e.msg, "hemligt-ord"));
	config_set(c, "mail", "starttls", "required");
	CHECK_INT(mail_settings_load(&m, c, &e), KV_OK);
	CHECK_INT(m.tls, MAIL_TLS_REQUIRED);
	CHECK_STR(m.user, "kanalvakt");
	config_free(c);
}

static void backoff_doubles_to_a_cap(void)
{
	struct mail_settings m = {.backoff_s = 60};

	CHECK_INT(mail_backoff(&m, 1), 60);
	CHECK_INT(mail_backoff(&m, 2), 120);
	CHECK_INT(mail_backoff(&m, 4), 480);
	CHECK_INT(mail_backoff(&m, 40), 6 * 3600);
}

static void addresses(void)
{
	CHECK(mail_address_ok("asa.oberg@sjovik.se"));
	CHECK(!mail_address_ok(""));
	CHECK(!mail_address_ok("asa"));
	CHECK(!mail_address_ok("@sjovik.se"));
	CHECK(!mail_address_ok("asa@"));
	CHECK(!mail_address_ok("a@b@c"));
	CHECK(!mail_address_ok("asa@sjovik.se\r\nBcc: x@y.se"));
	CHECK(!mail_address_ok("Åsa <asa@sjovik.se>"));
	CHECK(!mail_address_ok("asa@sjovik.se,bo@sjovik.se"));
}

static void message_format(void)
{
	struct buf b;
	struct err e = {0};
	const char *subject = "Försenad fråga på facebook/sjovik (fråga 12) — åtgärda snarast, "
	                      "svarstiden har gått ut för länge sedan";
	char decoded[512] = "";
	const char *p;

	buf_init(&b, 0);
	CHECK_INT(mail_format(&b, "kv@sjovik.se", "asa@sjovik.se, bo@sjovik.se", subject,
	                      "Rad ett\nRad två\n", T0, "kv-1-1", &e),
	          KV_OK);
	CHECK_CONTAINS(b.ptr, "From: kv@sjovik.se\r\n");
	CHECK_CONTAINS(b.ptr, "To: asa@sjovik.se,\r\n bo@sjovik.se\r\n");
	CHECK_CONTAINS(b.ptr, "Date: Thu, 28 May 2026 ");
	CHECK_CONTAINS(b.ptr, "Message-ID: <kv-1-1@kanalvakt>\r\n");
	CHECK_CONTAINS(b.ptr, "Content-Type: text/plain; charset=UTF-8\r\n");
	CHECK_CONTAINS(b.ptr, "\r\n\r\nRad ett\r\nRad två\r\n");
	CHECK(!strstr(b.ptr, "fråga 12")); /* the subject is encoded */
	/* Decode every encoded word of the subject and compare. */
	for (p = strstr(b.ptr, "=?UTF-8?B?"); p; p = strstr(p, "=?UTF-8?B?")) {
		const char *end = strstr(p + 10, "?=");
		unsigned char bin[128];
		size_t len = 0;

		CHECK(end && end - (p + 10) <= 60);
		CHECK_INT(sodium_base642bin(bin, sizeof(bin), p + 10, (size_t)(end - (p + 10)),
		                            NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL),
		          0);
		strncat(decoded, (const char *)bin, len);
		p = end;
	}
	CHECK_STR(decoded, subject);
	/* Header injection through an address or the message id is refused. */
	buf_clear(&b);
	CHECK_INT(mail_format(&b, "kv@sjovik.se", "asa@sjovik.se\r\nBcc: x@y.se", "S", "B", T0,
	                      "kv-1", &e),
	          KV_EINVAL);
	CHECK_INT(mail_format(&b, "kv@sjovik.se", "asa@sjovik.se", "S", "B", T0, "a>b", &e),
	          KV_EINVAL);
	CHECK_INT(mail_format(&b, "kv@sjovik.se", " , ", "S", "B", T0, "kv-1", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "no recipients");
	buf_done(&b);
}

static int count_audit(void *arg, const struct audit_entry *en)
{
	if (strncmp(en->action, "mail.", 5) == 0)
		(*(int *)arg)++;
	return 0;
}

struct row_copy {
	int64_t attempts, sent_at, next;
	char error[512];
	int n;
};

static int copy_row(void *arg, const struct outbox_row *r)
{
	struct row_copy *c = arg;

	c->n++;
	c->attempts = r->attempts;
	c->sent_at = r->sent_at;
	c->next = r->next_attempt_at;
	snprintf(c->error, sizeof(c->error), "%s", r->last_error ? r->last_error : "");
	return 0;
}

static struct row_copy row(struct store *s, int64_t org, int64_t id)
{
	struct outbox_filter f = {.org_id = org, .id = id};
	struct row_copy c = {0};
	struct err e = {0};

	CHECK_INT(outbox_each(s, &f, copy_row, &c, &e), KV_OK);
	CHECK_INT(c.n, 1);
	return c;
}

static void queue_once_and_send(void)
{
	int64_t org = 0, id = 0, id2 = 1;
	struct store *s = open_store(&org);
	struct mail_settings m;
	struct mail_flush_report r;
	struct err e = {0};
	struct sink k;
	char server[64], *got;
	int n = 0, audited = 0;

	sink_start(&k, NULL);
	snprintf(server, sizeof(server), "smtp://127.0.0.1:%u", k.port);
	settings(&m, server);
	CHECK_INT(mail_queue(s, org, "overdue-question:7", "asa@sjovik.se,bo@sjovik.se",
	                     "Försenad fråga", "Hej!\n.En rad som börjar med punkt\n.\nSlut\n",
	                     "tester", T0, &id, &e),
	          KV_OK);
	CHECK(id > 0);
	CHECK_INT(mail_queue(s, org, "overdue-question:7", "asa@sjovik.se", "Annan", "Annan",
	                     "tester", T0, &id2, &e),
	          KV_OK);
	CHECK_INT(id2, 0);
	CHECK_INT(mail_queue(s, org, "x", "inte en adress", "S", "B", "tester", T0, NULL, &e),
	          KV_EINVAL);
	CHECK_INT(mail_flush(test_op_at(s, org, "tester", T0), &m, NULL, NULL, &r, &e), KV_OK);
	CHECK_INT(r.sent, 1);
	CHECK_INT(r.failed, 0);
	CHECK_INT(mail_flush(test_op_at(s, org, "tester", T0 + 600), &m, NULL, NULL, &r, &e),
	          KV_OK);
	CHECK_INT(r.sent, 0);
	got = sink_read(&k, &n);
	CHECK_INT(n, 1);
	CHECK_CONTAINS(got, "X-Sink-Mail-From: kanalvakt@sjovik.se\r\n");
	CHECK_CONTAINS(got, "X-Sink-Rcpt-To: asa@sjovik.se\r\nX-Sink-Rcpt-To: bo@sjovik.se\r\n");
	/* The dot-stuffing was undone by the sink: the body arrived as written. */
	CHECK_CONTAINS(got, "\r\n\r\nHej!\r\n.En rad som börjar med punkt\r\n.\r\nSlut\r\n");
	CHECK(row(s, org, id).sent_at == T0);
	CHECK_INT(row(s, org, id).attempts, 1);
	CHECK_INT(audit_list(s, org, count_audit, &audited, &e), KV_OK);
	CHECK_INT(audited, 2); /* mail.queue, mail.sent */
	free(got);
	sink_stop(&k);
	store_free(s);
}

static void login_reaches_the_server(void)
{
	int64_t org = 0;
	struct store *s = open_store(&org);
	struct mail_settings m;
	struct mail_flush_report r;
	struct err e = {0};
	struct sink k;
	char server[64], *got;
	int n = 0;

	sink_start(&k, "kanalvakt:hemligt-ord");
	snprintf(server, sizeof(server), "smtp://127.0.0.1:%u", k.port);
	settings(&m, server);
	/* Without the login the server refuses; the error does not leak. */
	CHECK_INT(mail_send(&m, "asa@sjovik.se", "Test", "Hej", T0, "kv-a", &e), KV_EIO);
	m.user = "kanalvakt";
	m.password = "fel-ord";
	CHECK_INT(mail_send(&m, "asa@sjovik.se", "Test", "Hej", T0, "kv-b", &e), KV_EIO);
	CHECK(!strstr(e.msg, "fel-ord"));
	/* Nor does a password written into the URL. */
	snprintf(server, sizeof(server), "smtp://kanalvakt:url-ord@127.0.0.1:%u", k.port);
	m.server = server;
	m.user = NULL;
	CHECK_INT(mail_send(&m, "asa@sjovik.se", "Test", "Hej", T0, "kv-c", &e), KV_EIO);
	CHECK(!strstr(e.msg, "url-ord"));
	CHECK_CONTAINS(e.msg, "smtp://127.0.0.1:");
	snprintf(server, sizeof(server), "smtp://127.0.0.1:%u", k.port);
	m.user = "kanalvakt";
	m.password = "hemligt-ord";
	CHECK_INT(mail_queue(s, org, "k", "asa@sjovik.se", "Test", "Hej", "t", T0, NULL, &e),
	          KV_OK);
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0), &m, NULL, NULL, &r, &e), KV_OK);
	CHECK_INT(r.sent, 1);
	got = sink_read(&k, &n);
	CHECK_INT(n, 1);
	CHECK_CONTAINS(got, "X-Sink-Auth: kanalvakt\r\n");
	CHECK(!strstr(got, "hemligt-ord"));
	free(got);
	sink_stop(&k);
	store_free(s);
}

struct events {
	int sent, failed, gave_up;
};

static void on_event(void *arg, const struct mail_event *ev)
{
	struct events *c = arg;

	if (ev->ok)
		c->sent++;
	else if (ev->gave_up)
		c->gave_up++;
	else
		c->failed++;
}

static void retries_then_gives_up(void)
{
	int64_t org = 0, id = 0, *due = NULL;
	struct store *s = open_store(&org);
	struct mail_settings m;
	struct mail_flush_report r;
	struct events ev = {0};
	struct row_copy c;
	struct err e = {0};
	size_t n = 0;
	struct sink k;
	char server[64];

	/* A port nobody listens on: the sink's, after it stopped. */
	sink_start(&k, NULL);
	sink_stop(&k);
	snprintf(server, sizeof(server), "smtp://127.0.0.1:%u", k.port);
	settings(&m, server);
	CHECK_INT(mail_queue(s, org, "case-near-deadline:3", "asa@sjovik.se", "Snart deadline",
	                     "Hej", "t", T0, &id, &e),
	          KV_OK);
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0), &m, on_event, &ev, &r, &e), KV_OK);
	CHECK_INT(r.failed, 1);
	c = row(s, org, id);
	CHECK_INT(c.attempts, 1);
	CHECK_INT(c.sent_at, 0);
	CHECK_INT(c.next, T0 + 60);
	CHECK_CONTAINS(c.error, "127.0.0.1");
	/* Not due before the backoff has passed. */
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0 + 59), &m, on_event, &ev, &r, &e), KV_OK);
	CHECK_INT(r.failed + r.sent + r.gave_up, 0);
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0 + 60), &m, on_event, &ev, &r, &e), KV_OK);
	CHECK_INT(r.failed, 1);
	CHECK_INT(row(s, org, id).next, T0 + 60 + 120);
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0 + 180), &m, on_event, &ev, &r, &e), KV_OK);
	CHECK_INT(r.gave_up, 1);
	CHECK_INT(ev.failed, 2);
	CHECK_INT(ev.gave_up, 1);
	/* Given up: never tried again, but the row and its error stay. */
	CHECK_INT(outbox_due(s, org, T0 + 86400, m.max_attempts, &due, &n, &e), KV_OK);
	CHECK_INT(n, 0);
	free(due);
	c = row(s, org, id);
	CHECK_INT(c.attempts, 3);
	CHECK(c.error[0]);
	/* Once the server is back, a row that has not given up is delivered. */
	sink_start(&k, NULL);
	snprintf(server, sizeof(server), "smtp://127.0.0.1:%u", k.port);
	settings(&m, server);
	CHECK_INT(mail_queue(s, org, "not-reviewed:1:2026-05-27", "asa@sjovik.se", "Granska", "Hej",
	                     "t", T0, &id, &e),
	          KV_OK);
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0 + 200), &m, on_event, &ev, &r, &e), KV_OK);
	CHECK_INT(r.sent, 1);
	CHECK_INT(r.gave_up, 0);
	sink_stop(&k);
	store_free(s);
}

static void no_server_tries_nothing(void)
{
	int64_t org = 0, id = 0;
	struct store *s = open_store(&org);
	struct mail_settings m = {.max_attempts = 8, .backoff_s = 60, .timeout_s = 5};
	struct mail_flush_report r;
	struct err e = {0};

	CHECK_INT(mail_queue(s, org, "k", "asa@sjovik.se", "S", "B", "t", T0, &id, &e), KV_OK);
	CHECK_INT(mail_flush(test_op_at(s, org, "t", T0), &m, NULL, NULL, &r, &e), KV_OK);
	CHECK_INT(r.not_configured, 1);
	CHECK_INT(row(s, org, id).attempts, 0);
	CHECK_INT(mail_send(&m, "asa@sjovik.se", "S", "B", T0, "kv-1", &e), KV_EINVAL);
	store_free(s);
}

TEST_MAIN(T(settings_are_checked), T(backoff_doubles_to_a_cap), T(addresses), T(message_format),
          T(queue_once_and_send), T(login_reaches_the_server), T(retries_then_gives_up),
          T(no_server_tries_nothing))
