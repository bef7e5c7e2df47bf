/* Sending one publish request and keeping its record. */
#include "capture/publish_post.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int publish_post_send(struct fetch *f, const char *method, const char *url, const char *bearer,
                      const char *content_type, const char *body, const struct fetch_part *form,
                      size_t n_form, struct publish_outcome *out, json_t **reply, struct err *err)
{
	struct fetch_result res;
	size_t n;
	int rc;

	if (reply)
		*reply = NULL;
	fetch_result_init(&res);
	n = (size_t)snprintf(out->request, sizeof(out->request), "%s ", method);
	fetch_scrub_url(out->request + n, sizeof(out->request) - n, url);
	out->requests++;
	if (form)
		rc = fetch_post_form(f, url, bearer, form, n_form, &res, err);
	else
		rc = fetch_request(f, method, url, bearer, content_type, body,
		                   body ? strlen(body) : 0, &res, err);
	out->status = res.status;
	out->response[0] = '\0';
	if (!rc) {
		size_t k = res.body.len < sizeof(out->response) ? res.body.len
		                                                : sizeof(out->response) - 1;

		memcpy(out->response, res.body.len ? res.body.ptr : "", k);
		out->response[k] = '\0';
		if (reply && res.body.len)
			*reply = json_loadb(res.body.ptr, res.body.len, 0, NULL);
	}
	fetch_result_done(&res);
	return rc;
}

int publish_post_escape(struct buf *b, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	int rc;

	if (!e)
		return KV_ENOMEM;
	rc = buf_puts(b, e);
	curl_free(e);
	return rc;
}

int publish_post_string(char *out, size_t cap, json_t *reply, const char *key, const char *key2)
{
	json_t *v = json_object_get(reply, key);
	const char *s;

	if (key2)
		v = json_object_get(v, key2);
	s = json_string_value(v);
	if (!s || !*s)
		return 0;
	snprintf(out, cap, "%s", s);
	return 1;
}

int publish_post_json(struct fetch *f, const char *url, const char *bearer, json_t *body,
                      const char *key, const char *key2, struct publish_outcome *out,
                      json_t **reply, struct err *err)
{
	char *js = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc;

	json_decref(body);
	if (!js)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = publish_post_send(f, "POST", url, bearer, "application/json", js, NULL, 0, out, reply,
	                       err);
	free(js);
	if (!rc && !publish_post_string(out->platform_id, sizeof(out->platform_id),
	                                reply ? *reply : NULL, key, key2))
		rc = err_set(err, KV_EIO, "%s: the answer holds no id: %s", out->request,
		             out->response);
	return rc;
}
