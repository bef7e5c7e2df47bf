/* E-mail notices: a persisted outbox (store/outbox) that queues each notice
 * once under a dedup key, and a sender that delivers the due ones over SMTP
 * with libcurl, retries failures with a growing delay and gives up after a
 * number of attempts (the row stays, with its last error). Every queued,
 * sent and failed mail is written to the audit chain. The password is never
 * logged or put in an error message. Not what to send (workflow/notify). */
#ifndef KV_WORKFLOW_MAIL_H
#define KV_WORKFLOW_MAIL_H

#include "base/buf.h"
#include "base/err.h"
#include "model/op_ctx.h"

#include <stdint.h>

struct store;
struct config;

enum mail_tls {
	MAIL_TLS_TRY = 0,  /* STARTTLS when the server offers it */
	MAIL_TLS_REQUIRED, /* STARTTLS or fail (smtps:// is TLS from the start) */
	MAIL_TLS_NO,       /* never (a local relay) */
};

/* [mail] of the configuration; strings are borrowed from it. */
struct mail_settings {
	const char *server;   /* "smtp://host:port" or "smtps://…"; NULL = not configured */
	const char *from;     /* the sender address */
	const char *user;     /* NULL = no login */
	const char *password; /* never printed */
	enum mail_tls tls;
	const char *ca;    /* CA certificates (PEM) to verify the server by; NULL = the system's */
	int64_t timeout_s; /* per attempt (30) */
	int64_t max_attempts; /* then give up (8) */
	int64_t backoff_s;    /* first retry delay, doubled each time (60), at most 6 h */
};

/* Reads [mail] server, from, user, password, starttls (try | required | no), ca,
 * timeout, max_attempts, backoff. cfg may be NULL (nothing configured).
 * KV_EINVAL naming the key for a bad value: a server that is not smtp:// or
 * smtps://, a sender that is not an address, a login without a password,
 * numbers out of range. *out is untouched on error. */
int mail_settings_load(struct mail_settings *out, const struct config *cfg, struct err *err);

/* The delay before the next try after `attempts` failed attempts. */
int64_t mail_backoff(const struct mail_settings *m, int64_t attempts);

/* 1 when addr looks like a mail address safe to put in a header: printable
 * ASCII without spaces, quotes, brackets, commas or semicolons, one '@' with
 * text on both sides. */
int mail_address_ok(const char *addr);

/* Appends to out the RFC 5322 message (CRLF line ends): From, To, Subject
 * (RFC 2047 encoded when not ASCII), Date (of now), Message-ID
 * (<msgid@kanalvakt>), MIME headers for UTF-8 text, and the body.
 * KV_EINVAL when an address is unsafe (mail_address_ok) or msgid holds
 * anything but letters, digits, '.', '-' and '_'; KV_ENOMEM. */
int mail_format(struct buf *out, const char *from, const char *recipients, const char *subject,
                const char *body, int64_t now, const char *msgid, struct err *err);

/* The local part of a notice's Message-ID ("kv-" and 32 hex digits of the
 * SHA-256 of the organisation and the dedup key): the same for every attempt
 * to send it, so a receiver can tell a repeat from a new notice. */
#define MAIL_MSGID_MAX 40
void mail_message_id(char out[MAIL_MSGID_MAX], int64_t org, const char *dedup_key);

/* Sends one message now with libcurl. recipients is a comma-separated list.
 * KV_EINVAL when the settings have no server or sender or an address is
 * unsafe; KV_EIO when the transfer fails, err holding the server's or
 * libcurl's reason (never the password). */
int mail_send(const struct mail_settings *m, const char *recipients, const char *subject,
              const char *body, int64_t now, const char *msgid, struct err *err);

/* Queues a notice unless one with dedup_key was ever queued. *out_id (may
 * be NULL) receives the new row's id, or 0 when it existed. A new row is
 * written to the audit chain ("mail.queue") as actor, in one transaction.
 * KV_EINVAL when recipients is empty or holds an unsafe address. */
int mail_queue(struct store *s, int64_t org, const char *dedup_key, const char *recipients,
               const char *subject, const char *body, const char *actor, int64_t now,
               int64_t *out_id, struct err *err);

/* What happened to one mail in mail_flush. */
struct mail_event {
	int64_t id;
	const char *dedup_key;
	const char *recipients;
	const char *subject;
	int ok;            /* 1 sent */
	int gave_up;       /* failed for the last allowed time */
	const char *error; /* when not ok */
	int after_crash;   /* it was being sent when a sender died: sent again */
};
typedef void (*mail_event_fn)(void *ctx, const struct mail_event *ev);

struct mail_flush_report {
	int64_t sent;
	int64_t failed;
	int64_t gave_up;
	int not_configured;  /* no server: nothing was tried */
	int64_t after_crash; /* of those tried, left sending by a sender that died */
};

/* Sends the due mails of org (unsent, next attempt at or before now, fewer
 * than max_attempts tries), each claimed first so that two senders never
 * send the same row. A success marks the row sent ("mail.sent" in the audit
 * chain); a failure counts the attempt, keeps the error and sets the next
 * try by mail_backoff ("mail.failed"). fn (may be NULL) hears about each.
 * Mail that fails is not an error of the call: KV_EIO only when the store
 * fails. With no server configured nothing is tried. */
int mail_flush(const struct op_ctx *op, const struct mail_settings *m, mail_event_fn fn, void *ctx,
               struct mail_flush_report *out, struct err *err);

#endif
