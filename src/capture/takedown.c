/* Takedowns through the platforms' APIs. Each platform gets one small
 * function that builds the request; the HTTP client (capture/fetch) sends
 * it with its retries and scrubbing. Tokens go in the query for Graph (as
 * the connectors send them) and in an Authorization header elsewhere. */
#include "capture/takedown.h"

#include "base/buf.h"
#include "base/config.h"
#include "capture/connector_linkedin.h"
#include "capture/fetch.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char *takedown_action_name(enum takedown_action a)
{
	return a == TAKEDOWN_HIDE ? "hide" : "remove";
}

int takedown_conf_load(struct takedown_conf *out, const struct config *cfg, enum platform p,
                       const char *handle, const char *account_url, struct err *err)
{
	struct takedown_conf c;
	int rc = connector_conf_load_token(&c.conn, cfg, p, handle, account_url, "moderation_token",
	                                   err);

	if (!rc)
		*out = c;
	return rc;
}

int takedown_supported(enum platform p, enum takedown_action action, int own)
{
	switch (p) {
	case PLATFORM_FACEBOOK:
	case PLATFORM_INSTAGRAM:
	case PLATFORM_YOUTUBE:
		return 1;
	case PLATFORM_X:
		/* Anyone's reply to the account can be hidden; only own posts deleted. */
		return action == TAKEDOWN_HIDE || own;
	case PLATFORM_MASTODON:
		/* No hiding on Mastodon; others' statuses are their instance's. */
		return action == TAKEDOWN_REMOVE && own;
	case PLATFORM_LINKEDIN:
		/* The organisation deletes its own posts; LinkedIn has no hiding. */
		return action == TAKEDOWN_REMOVE && own;
	default:
		return 0;
	}
}

/* Appends s percent-encoded (everything but RFC 3986 unreserved characters). */
static int put_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = KV_OK;

	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			rc = buf_putc(b, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			rc = buf_put(b, e, 3);
		}
	}
	return rc;
}

/* One request to send. */
struct req {
	const char *method;
	struct buf url;
	const char *bearer;
	const char *content_type;
	const char *body;
};

/* Builds the request for action on id; KV_ENOMEM or KV_EINVAL (unsupported). */
static int build(struct req *r, const struct takedown_conf *conf, enum platform p,
                 enum takedown_action action, const char *id, int own)
{
	const char *base = conf->conn.base_url;
	const char *tok = conf->conn.token;
	int rc = KV_OK;

	switch (p) {
	case PLATFORM_FACEBOOK:
	case PLATFORM_INSTAGRAM:
		rc = buf_printf(&r->url, "%s/", base);
		if (!rc)
			rc = put_escaped(&r->url, id);
		if (action == TAKEDOWN_HIDE) {
			r->method = "POST";
			if (!rc)
				rc = buf_puts(&r->url, p == PLATFORM_INSTAGRAM ? "?hide=true"
				                                               : "?is_hidden=true");
		} else {
			r->method = "DELETE";
		}
		if (!rc)
			rc = buf_puts(&r->url, action == TAKEDOWN_HIDE ? "&access_token="
			                                               : "?access_token=");
		if (!rc)
			rc = put_escaped(&r->url, tok);
		return rc;
	case PLATFORM_YOUTUBE:
		r->bearer = tok;
		if (action == TAKEDOWN_REMOVE && own) {
			/* comments.delete is for the channel's own comments. */
			r->method = "DELETE";
			rc = buf_printf(&r->url, "%s/comments?id=", base);
			if (!rc)
				rc = put_escaped(&r->url, id);
			return rc;
		}
		/* Someone else's comment is held for review (hidden) or rejected
		 * (removed from the channel). */
		r->method = "POST";
		rc = buf_printf(&r->url, "%s/comments/setModerationStatus?id=", base);
		if (!rc)
			rc = put_escaped(&r->url, id);
		if (!rc)
			rc = buf_printf(&r->url, "&moderationStatus=%s",
			                action == TAKEDOWN_HIDE ? "heldForReview" : "rejected");
		return rc;
	case PLATFORM_X:
		r->bearer = tok;
		rc = buf_printf(&r->url, "%s/2/tweets/", base);
		if (!rc)
			rc = put_escaped(&r->url, id);
		if (action == TAKEDOWN_HIDE) {
			r->method = "PUT";
			r->content_type = "application/json";
			r->body = "{\"hidden\":true}";
			if (!rc)
				rc = buf_puts(&r->url, "/hidden");
		} else {
			r->method = "DELETE";
		}
		return rc;
	case PLATFORM_MASTODON:
		r->bearer = tok;
		r->method = "DELETE";
		rc = buf_printf(&r->url, "%s/api/v1/statuses/", base);
		if (!rc)
			rc = put_escaped(&r->url, id);
		return rc;
	case PLATFORM_LINKEDIN:
		/* DELETE /rest/posts/{post URN, encoded whole}. */
		r->bearer = tok;
		r->method = "DELETE";
		rc = buf_printf(&r->url, "%s/rest/posts/", base);
		if (!rc)
			rc = put_escaped(&r->url, id);
		return rc;
	default:
		return KV_EINVAL;
	}
}

/* Some platforms answer 200 with a body saying it did not happen. */
static int answer_says_no(enum platform p, const struct buf *body)
{
	json_t *root, *v;
	int no = 0;

	if (!body->len)
		return 0;
	root = json_loadb(body->ptr, body->len, 0, NULL);
	if (!json_is_object(root))
		goto out;
	if (p == PLATFORM_FACEBOOK || p == PLATFORM_INSTAGRAM) {
		v = json_object_get(root, "success");
		no = json_is_false(v);
	} else if (p == PLATFORM_X) {
		json_t *d = json_object_get(root, "data");

		v = json_object_get(d, "hidden");
		if (!v)
			v = json_object_get(d, "deleted");
		no = json_is_false(v);
	}
out:
	json_decref(root);
	return no;
}

int takedown_run(const struct takedown_conf *conf, enum platform p, enum takedown_action action,
                 const char *platform_id, int own, struct takedown_outcome *out, struct err *err)
{
	struct req r = {0};
	struct fetch *f = NULL;
	struct fetch_result res;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	fetch_result_init(&res);
	buf_init(&r.url, 8192);
	if (!takedown_supported(p, action, own)) {
		rc = err_set(err, KV_EINVAL, "%s cannot %s %s items through its API",
		             register_platform_label(p),
		             action == TAKEDOWN_HIDE ? "hide" : "remove",
		             own ? "its own" : "other people's");
		goto out;
	}
	if (!platform_id || !*platform_id) {
		rc = err_set(err, KV_EINVAL, "the item has no platform id");
		goto out;
	}
	if (!conf->conn.token) {
		rc = err_set(err, KV_EINVAL,
		             "no token configured for the account (token or "
		             "moderation_token in its [account ...] section)");
		goto out;
	}
	if (p == PLATFORM_LINKEDIN && strncmp(platform_id, "urn:li:share:", 13) != 0 &&
	    strncmp(platform_id, "urn:li:ugcPost:", 15) != 0) {
		rc = err_set(err, KV_EINVAL,
		             "LinkedIn deletes only the organisation's own posts through its API, "
		             "not %s; remove it on LinkedIn and record it by hand",
		             platform_id);
		goto out;
	}
	rc = build(&r, conf, p, action, platform_id, own);
	if (rc) {
		rc = err_set(err, rc, "cannot build the %s request", register_platform_label(p));
		goto out;
	}
	n = (size_t)snprintf(out->request, sizeof(out->request), "%s ", r.method);
	fetch_scrub_url(out->request + n, sizeof(out->request) - n, buf_cstr(&r.url));
	rc = fetch_new(&f, &conf->conn.fetch, err);
	if (!rc && p == PLATFORM_LINKEDIN)
		rc = connector_linkedin_headers(f, &conf->conn, err);
	if (rc)
		goto out;
	rc = fetch_request(f, r.method, buf_cstr(&r.url), r.bearer, r.content_type, r.body,
	                   r.body ? strlen(r.body) : 0, &res, err);
	out->status = res.status;
	if (!rc) {
		snprintf(out->response, sizeof(out->response), "%.*s",
		         (int)(res.body.len < sizeof(out->response) ? res.body.len
		                                                    : sizeof(out->response) - 1),
		         buf_cstr(&res.body));
		if (answer_says_no(p, &res.body))
			rc = err_set(err, KV_EIO,
			             "%s: the platform answered that it was not done: %s",
			             out->request, out->response);
	}
out:
	fetch_free(f);
	fetch_result_done(&res);
	/* The URL held the token for Graph. */
	if (r.url.ptr)
		sodium_memzero(r.url.ptr, r.url.len);
	buf_done(&r.url);
	return rc;
}
