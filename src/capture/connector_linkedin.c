/* Polling LinkedIn: an organisation's posts through the Posts API
 * (q=author, sortBy=CREATED, start/count paging), and for those that are new
 * or in the look-back window their comments (socialActions/{post}/comments)
 * and the replies of the comments that have some (socialActions/{comment}/
 * comments), every page a part imported with the post page. LinkedIn names
 * a post in a comment by its activity, so each comment page is imported with
 * the post it was read for as its subject. */
#include "capture/connector_linkedin.h"

#include "capture/connector_run.h"

#include "base/buf.h"
#include "capture/fetch.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define LINKEDIN_POSTS_COUNT    50
#define LINKEDIN_COMMENTS_COUNT 100

int connector_linkedin_headers(struct fetch *f, const struct connector_conf *c, struct err *err)
{
	char line[64];
	int rc;

	snprintf(line, sizeof(line), "LinkedIn-Version: %s", c->api_version);
	rc = fetch_add_header(f, line, err);
	if (!rc)
		rc = fetch_add_header(f, "X-Restli-Protocol-Version: 2.0.0", err);
	return rc;
}

/* Whether a page of n elements from start is the last: fewer than a page
 * holds (paging.count, which LinkedIn may set below the count asked for),
 * or as many as paging.total says there are. */
static int last_page(const json_t *page, int64_t start, size_t n, int64_t asked)
{
	const json_t *paging = json_object_get(page, "paging");
	const json_t *count = json_object_get(paging, "count");
	const json_t *total = json_object_get(paging, "total");
	int64_t holds = json_is_integer(count) && json_integer_value(count) > 0
	                        ? (int64_t)json_integer_value(count)
	                        : asked;

	if (n == 0 || (int64_t)n < holds)
		return 1;
	return json_is_integer(total) && start + (int64_t)n >= json_integer_value(total);
}

/* A comment with replies of its own, as its commentsSummary says. */
static int has_replies(const json_t *c)
{
	const json_t *sum = json_object_get(c, "commentsSummary");
	const json_t *n = json_object_get(sum, "aggregatedTotalComments");

	if (!json_is_integer(n))
		n = json_object_get(sum, "totalFirstLevelComments");
	return json_is_integer(n) && json_integer_value(n) > 0;
}

/* Reads the comments on target (a post or a comment URN) page by page into
 * parts, each page a part imported with post as its subject. The first page
 * of a post's comments comes with the post; every other page spends one of
 * the poll's nested pages, and when none is left the list counts as cut
 * short on the part origin. When replies is not NULL, the comments that have
 * replies are added to it. */
static int read_comments(struct run *run, struct parts *parts, const char *target, const char *post,
                         int first_free, json_t *replies, size_t origin, const char *name0,
                         struct err *err)
{
	struct buf url;
	json_t *j = NULL;
	char *esc = curl_easy_escape(NULL, target, 0);
	int64_t start = 0;
	int rc = KV_OK;

	buf_init(&url, 1 << 20);
	if (!esc) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	for (int page = 1;; page++) {
		json_t *elements;
		struct part *pt;
		char name[256];

		if (!(first_free && page == 1)) {
			if (run->comment_pages_left <= 0) {
				run->r->comment_lists_cut++;
				parts->v[origin].cut++;
				break;
			}
			run->comment_pages_left--;
		}
		snprintf(name, sizeof(name), "%.120s, comments of %.100s page %d", name0, target,
		         page);
		buf_clear(&url);
		if (buf_printf(&url, "%s/rest/socialActions/%s/comments?count=%d&start=%lld",
		               run->c->base_url, esc, LINKEDIN_COMMENTS_COUNT,
		               (long long)start) != KV_OK) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			break;
		}
		rc = connector_run_get_json_page(run, parts, buf_cstr(&url), run->c->token,
		                                 PARSE_LINKEDIN, name, &j, NULL, err);
		if (rc) {
			if (!strstr(err->msg, name))
				err_prefix(err, "%s: ", name);
			break;
		}
		pt = &parts->v[parts->n - 1];
		snprintf(pt->subject, sizeof(pt->subject), "%s", post);
		elements = json_object_get(j, "elements");
		if (!json_is_array(elements)) {
			rc = err_set(err, KV_EINVAL, "%s: expected a list of comments ('elements')",
			             name);
			break;
		}
		for (size_t i = 0; replies && i < json_array_size(elements); i++) {
			json_t *c = json_array_get(elements, i);
			json_t *urn = json_object_get(c, "commentUrn");

			if (!json_is_string(urn))
				urn = json_object_get(c, "$URN");
			if (json_is_string(urn) && has_replies(c) &&
			    json_array_append(replies, urn)) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
		}
		if (last_page(j, start, json_array_size(elements), LINKEDIN_COMMENTS_COUNT))
			break;
		start += (int64_t)json_array_size(elements);
	}
out:
	curl_free(esc);
	json_decref(j);
	buf_done(&url);
	return rc;
}

/* A post's comments, then the replies of those that have some (LinkedIn
 * nests one level only). */
static int read_thread(struct run *run, struct parts *parts, const char *post, size_t origin,
                       const char *page_name, struct err *err)
{
	json_t *replies = json_array();
	int rc;

	if (!replies)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = read_comments(run, parts, post, post, 1, replies, origin, page_name, err);
	for (size_t i = 0; !rc && i < json_array_size(replies); i++)
		rc = read_comments(run, parts, json_string_value(json_array_get(replies, i)), post,
		                   0, NULL, origin, page_name, err);
	json_decref(replies);
	return rc;
}

static int linkedin_url(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;

	(void)err;
	/* The cursor's next is the start of the page to read (a number:
	 * anything else in a cursor starts over). */
	buf_printf(&pg->url,
	           "%s/rest/posts?author=urn%%3Ali%%3Aorganization%%3A%s&q=author&count=%d"
	           "&sortBy=CREATED&start=%s",
	           run->c->base_url, run->pid, LINKEDIN_POSTS_COUNT,
	           connector_run_is_num(pg->c.next) ? pg->c.next : "0");
	return KV_OK;
}

static int linkedin_page(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;
	json_t *elements = json_object_get(pg->j, "elements");
	size_t origin = pg->parts.n - 1, n;
	int64_t start = connector_run_is_num(pg->c.next) ? strtoll(pg->c.next, NULL, 10) : 0;
	int rc = KV_OK;

	if (!json_is_array(elements))
		return err_set(err, KV_EINVAL, "%s: expected a list of posts ('elements')",
		               pg->name);
	n = json_array_size(elements);
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *post = json_array_get(elements, i);
		const char *id = json_string_value(json_object_get(post, "id"));
		const char *state = json_string_value(json_object_get(post, "lifecycleState"));
		json_t *created = json_object_get(post, "createdAt");
		char key[32];
		int64_t t;

		if (!id || !json_is_integer(created) || json_integer_value(created) < 0)
			continue;
		/* Since values are creation times in milliseconds, as LinkedIn
		 * gives them; the window is in seconds. */
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(created));
		t = (int64_t)(json_integer_value(created) / 1000);
		connector_run_keep_max(pg->c.pending, sizeof(pg->c.pending), key);
		connector_run_reach_note(&pg->reach, key, t);
		if (state && (strcmp(state, "DELETED") == 0 || strcmp(state, "DRAFT") == 0))
			continue;
		if (!connector_run_reach_wants(&pg->reach, key, t))
			continue;
		rc = read_thread(run, &pg->parts, id, origin, pg->name, err);
	}
	if (rc)
		return rc;
	/* Posts come newest first: the next page starts after this one, until
	 * a page is the last or reaches back to the cursor and to the start of
	 * the window. */
	if (last_page(pg->j, start, n, LINKEDIN_POSTS_COUNT) ||
	    connector_run_reach_done(&pg->reach))
		pg->c.next[0] = '\0';
	else
		snprintf(pg->c.next, sizeof(pg->c.next), "%lld", (long long)(start + (int64_t)n));
	return KV_OK;
}

int connector_linkedin_poll(struct run *run, struct err *err)
{
	static const struct paged_ops ops = {
	        .family = "linkedin",
	        .endpoint = "posts",
	        .fmt = PARSE_LINKEDIN,
	        .bearer = 1,
	        .url = linkedin_url,
	        .page = linkedin_page,
	};
	int rc;

	if (!connector_run_is_num(run->pid))
		return connector_run_poll_result(
		        run, ops.endpoint,
		        err_set(err, KV_EINVAL,
		                "platform id '%s' is not a LinkedIn organisation's numeric id (the "
		                "number in linkedin.com/company/<id>/admin)",
		                run->pid),
		        err);
	rc = connector_linkedin_headers(run->f, run->c, err);
	if (rc)
		return rc;
	return connector_run_paged_poll(run, &ops, err);
}
