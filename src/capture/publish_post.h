/* What a publish sends and what came back, shared by capture/publish (the
 * dispatch) and the per-platform publish functions beside each connector
 * (connector_graph, connector_mastodon, connector_x, connector_youtube):
 * the post, its media, the outcome, and sending one request so that the
 * outcome always says what was sent (scrubbed of tokens) and what the
 * platform answered. Includes nothing of the connectors, so they can use
 * it without a cycle. */
#ifndef KV_CAPTURE_PUBLISH_POST_H
#define KV_CAPTURE_PUBLISH_POST_H

#include "base/buf.h"
#include "base/err.h"
#include "capture/fetch.h"

#include <jansson.h>
#include <stddef.h>

/* One medium of a post: the file's bytes, its name and content type, and
 * the alt text read out for those who cannot see it. */
struct publish_media {
	const char *data;
	size_t len;
	const char *name;
	const char *type; /* "image/jpeg" ... */
	const char *alt;  /* may be NULL */
};

/* A post, or a reply to reply_to. */
struct publish_post {
	const char *text;
	const struct publish_media *media;
	size_t n_media;
	const char *reply_to;    /* the platform id answered; NULL for a post */
	const char *account_pid; /* the account's platform id (page id, channel id) */
};

/* What was sent and what came back, for the record. */
struct publish_outcome {
	long status;           /* HTTP status of the last request; 0 when none was made */
	int requests;          /* requests made (media uploads included) */
	char request[1200];    /* "POST https://graph.facebook.com/v19.0/300/feed" (scrubbed) */
	char response[512];    /* the start of the last response body */
	char platform_id[256]; /* the new post's id on the platform */
	char permalink[512];   /* its address, when the platform gave one */
};

/* Sends one request with f and records it in out (request, status,
 * response). form (n_form parts) makes it a multipart POST, else body (may
 * be NULL) is sent with content_type. On success *reply (may be NULL) is
 * the answer parsed as JSON (a new reference; NULL when it is not JSON).
 * Errors as fetch_request, prefixed with nothing: the message names the
 * request. */
int publish_post_send(struct fetch *f, const char *method, const char *url, const char *bearer,
                      const char *content_type, const char *body, const struct fetch_part *form,
                      size_t n_form, struct publish_outcome *out, json_t **reply, struct err *err);

/* POSTs body (consumed; NULL is out of memory) as application/json to
 * url with publish_post_send, then copies the string at key (and key2
 * below it, when not NULL) of the answer to out->platform_id: KV_EIO
 * naming the request when it is not there. *reply as publish_post_send. */
int publish_post_json(struct fetch *f, const char *url, const char *bearer, json_t *body,
                      const char *key, const char *key2, struct publish_outcome *out,
                      json_t **reply, struct err *err);

/* Appends s percent-encoded for a URL or a form body (libcurl's escaping).
 * KV_ENOMEM. */
int publish_post_escape(struct buf *b, const char *s);

/* Copies a string member of reply into out (cap bytes); 1 when it was a
 * non-empty string. path is one or two member names ("data", "id"). */
int publish_post_string(char *out, size_t cap, json_t *reply, const char *key, const char *key2);

#endif
