/* Polling the Graph API: a Facebook Page's feed and an Instagram account's
 * media with their comments (further comment pages followed), and a Page's
 * conversations (private messages). */
#include "capture/connector_graph.h"

#include "capture/connector_run.h"
#include "capture/publish_post.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_meta.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define GRAPH_FEED_FIELDS                                                                          \
	"id,message,created_time,updated_time,from{id,name,picture},permalink_url,status_type,"    \
	"is_hidden,attachments,shares,reactions.limit(0).summary(total_count),"                    \
	"comments.limit(100).summary(true){id,message,created_time,from,permalink_url,is_hidden,"  \
	"parent,attachment,comments.limit(100){id,message,created_time,from,permalink_url,"        \
	"is_hidden,parent,attachment}}"
#define GRAPH_MEDIA_FIELDS                                                                         \
	"id,caption,media_type,media_url,permalink,timestamp,username,owner,like_count,"           \
	"comments_count,children{id,"                                                              \
	"media_type,media_url},comments.limit(100){id,text,timestamp,username,from,hidden,"        \
	"parent_id,replies{id,text,timestamp,username,from,hidden,parent_id}}"
#define GRAPH_CONVERSATION_FIELDS                                                                  \
	"id,updated_time,messages.limit(100){id,message,created_time,from,to,attachments}"

/* ---- Graph API: Facebook Page feed, Instagram media ---- */

/* How deep nested comment lists are followed: a post's (or a media's)
 * comments, and each comment's replies. The fields asked for hold no
 * deeper lists. */
#define GRAPH_NEST_DEPTH 2

/* The key of the nested list of an object at depth (0 = a post or media):
 * Facebook comments hold comments, Instagram comments hold replies. */
static const char *nest_key(int instagram, size_t depth)
{
	return instagram && depth > 0 ? "replies" : "comments";
}

/* chain with o appended, as a new array; o is copied shallowly without its
 * children (comments, replies), which travel in the pages instead. */
static json_t *chain_push(const json_t *chain, json_t *o)
{
	json_t *c = json_array(), *copy = json_copy(o);
	size_t i;
	json_t *v;
	int ok = 0;

	if (!c || !copy)
		goto out;
	json_object_del(copy, "comments");
	json_object_del(copy, "replies");
	json_array_foreach((json_t *)chain, i, v)
	{
		if (json_array_append(c, v))
			goto out;
	}
	/* json_array_append_new takes copy whether or not it succeeds. */
	ok = json_array_append_new(c, copy) == 0;
	copy = NULL;
out:
	json_decref(copy);
	if (!ok) {
		json_decref(c);
		c = NULL;
	}
	return c;
}

/* Queues the nested lists of the objects in data (at depth under chain)
 * that have a further page, and looks into the lists' own objects. The
 * parser notes each such list as cut short in the import of part origin;
 * only objects with an id are followed, as only they are imported. */
static int nests_scan(struct nests *q, json_t *data, json_t *chain, size_t depth, int instagram,
                      size_t origin, struct err *err)
{
	size_t i;
	json_t *o;
	int rc = KV_OK;

	if (depth >= GRAPH_NEST_DEPTH)
		return KV_OK;
	json_array_foreach(data, i, o)
	{
		json_t *list = json_object_get(o, nest_key(instagram, depth));
		json_t *sub;
		const char *next;

		if (!json_is_object(list) || !json_is_string(json_object_get(o, "id")))
			continue;
		sub = chain_push(chain, o);
		if (!sub)
			return err_set(err, KV_ENOMEM, "out of memory");
		next = json_string_value(json_object_get(json_object_get(list, "paging"), "next"));
		if (next && *next)
			rc = connector_run_nests_push(q, next, sub, origin, 2, err);
		if (!rc)
			rc = nests_scan(q, json_object_get(list, "data"), sub, depth + 1, instagram,
			                origin, err);
		json_decref(sub);
		if (rc)
			return rc;
	}
	return KV_OK;
}

/* The document a nested page is imported as: the page inside copies of the
 * objects it hangs under, {"data":[post{comments:{"data":[comment{comments:
 * page}]}}]}, the shape of the feed page it was found on. The parser then
 * gives each comment its parent and root as on the feed page; the objects
 * above it are the same as there, so they are stored unchanged. Imported
 * bare, a /{id}/comments page would leave parent and root to what the
 * permalinks spell out, which pfbid links do not. */
static char *nest_wrap(const json_t *chain, json_t *page, int instagram)
{
	json_t *inner = json_incref(page);
	char *out = NULL;

	for (size_t i = json_array_size(chain); inner && i-- > 0;) {
		json_t *o = json_copy(json_array_get(chain, i));
		json_t *list = json_array(), *doc = json_object();

		if (!o || !list || !doc || json_object_set(o, nest_key(instagram, i), inner) ||
		    json_array_append(list, o) || json_object_set(doc, "data", list)) {
			json_decref(doc);
			doc = NULL;
		}
		json_decref(inner);
		json_decref(o);
		json_decref(list);
		inner = doc;
	}
	if (inner)
		out = json_dumps(inner, JSON_COMPACT);
	json_decref(inner);
	return out;
}

/* Checks a Graph paging.next before it is followed: only to the origin of
 * base_url, so that the token goes nowhere else. *out is next without any
 * secret Graph echoed in it (a heap string, for the cursor and the request). */
static int graph_next_check(struct run *run, const char *next, const char *name, char **out,
                            struct err *err)
{
	char origin[600], shown[600];
	char *stripped;

	if (fetch_url_origin(origin, sizeof(origin), next) != KV_OK ||
	    strcmp(origin, run->origin) != 0) {
		fetch_scrub_url(shown, sizeof(shown), next);
		return err_set(err, KV_EIO,
		               "%s: paging.next points at another host (%s); not followed, so that "
		               "the token goes only to %s",
		               name, shown, run->origin);
	}
	stripped = connector_run_strip_secrets(next);
	if (!stripped)
		return err_set(err, KV_ENOMEM, "out of memory");
	*out = stripped;
	return KV_OK;
}

/* Appends the configured token to url as access_token=. */
static int graph_add_token(struct run *run, struct buf *url, struct err *err)
{
	if (buf_printf(url, "%saccess_token=%s", strchr(buf_cstr(url), '?') ? "&" : "?",
	               run->tok_esc) != KV_OK)
		return err_set(err, KV_ENOMEM, "out of memory");
	return KV_OK;
}

/* The URL of a further page of a nested list at link (a paging.next as
 * Graph gave it), checked and stripped by graph_next_check, with the token
 * added, into url. */
static int graph_link_url(struct run *run, const char *link, const char *name, struct buf *url,
                          struct err *err)
{
	char *stripped = NULL;
	int rc = graph_next_check(run, link, name, &stripped, err);

	if (rc)
		return rc;
	buf_clear(url);
	buf_puts(url, stripped);
	free(stripped);
	return graph_add_token(run, url, err);
}

/* The paging.next of the page held by pt into *next (a heap string, NULL
 * on the last page; the previous *next is freed). An error names the page. */
static int graph_page_next(const struct part *pt, const char *name, char **next, struct err *err)
{
	int rc;

	free(*next);
	*next = NULL;
	rc = parse_meta_graph_next(pt->data, pt->len, next, err);
	if (rc)
		err_prefix(err, "%s: ", name);
	return rc;
}

/* Keeps stripped (a checked paging.next) as where the cursor continues. */
static int graph_keep_next(struct cur *c, const char *stripped, const char *name, struct err *err)
{
	if ((size_t)snprintf(c->next, sizeof(c->next), "%s", stripped) >= sizeof(c->next))
		return err_set(err, KV_EIO, "%s: paging.next is longer than %zu bytes", name,
		               sizeof(c->next) - 1);
	return KV_OK;
}

/* One further page of a nested Graph list (comments, messages) at link:
 * fetched as a part of its own (*pt, *j) with its own paging.next in *next
 * (see graph_page_next); url is the caller's buffer for the request. */
static int graph_nest_fetch(struct run *run, struct parts *parts, const char *link,
                            const char *name, struct buf *url, json_t **j, struct part **pt,
                            char **next, struct err *err)
{
	int rc = graph_link_url(run, link, name, url, err);

	if (!rc)
		rc = connector_run_nest_fetch(run, parts, buf_cstr(url), PARSE_GRAPH, name, j, pt,
		                              err);
	if (!rc)
		rc = graph_page_next(*pt, name, next, err);
	return rc;
}

/* Reads the further pages of the nested comment lists on a feed page (the
 * last part in parts, parsed as page), and of the lists those pages show,
 * each as a part of its own to import with the feed page. Breadth first,
 * so every post gets its second page of comments before any gets its
 * third, until the poll's max_comment_pages is spent; lists left unread
 * then stay noted as cut short. */
static int graph_nested(struct run *run, struct parts *parts, json_t *page, int instagram,
                        const char *feed_name, struct err *err)
{
	struct nests q = {0};
	struct buf url;
	json_t *j = NULL, *root = json_array();
	char *next = NULL;
	int rc;

	buf_init(&url, 1 << 20);
	if (!root) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = nests_scan(&q, json_object_get(page, "data"), root, 0, instagram, parts->n - 1, err);
	for (; !rc && q.head < q.n; q.head++) {
		struct nest *e = &q.v[q.head];
		json_t *chain = e->chain;
		size_t depth = json_array_size(chain), origin = e->origin;
		int npage = e->page;
		const char *parent =
		        json_string_value(json_object_get(json_array_get(chain, depth - 1), "id"));
		struct part *pt;
		char name[256];

		if (!connector_run_nest_budget(run, &q))
			break;
		snprintf(name, sizeof(name), "%.160s, %s of %.64s page %d", feed_name,
		         nest_key(instagram, depth - 1), parent ? parent : "?", npage);
		/* e points into q, which the pushes below may move: what is
		 * needed of it was copied above. */
		rc = graph_nest_fetch(run, parts, e->url, name, &url, &j, &pt, &next, err);
		if (rc)
			break;
		rc = connector_run_part_set(pt, nest_wrap(chain, j, instagram), err);
		if (rc)
			break;
		pt->echoed = (int64_t)depth;
		parts->v[origin].followed++;
		if (next)
			rc = connector_run_nests_push(&q, next, chain, parts->n - 1, npage + 1,
			                              err);
		if (!rc)
			rc = nests_scan(&q, json_object_get(j, "data"), chain, depth, instagram,
			                parts->n - 1, err);
	}
out:
	json_decref(j);
	json_decref(root);
	free(next);
	connector_run_nests_done(&q);
	buf_done(&url);
	return rc;
}

/* The first URL of a Graph poll into url: where the last poll stopped
 * (the cursor's next), or the endpoint with fields from its start. Returns
 * 1 when the poll starts over (the caller may add since=), 0 when it
 * resumes, or a negative KV_E*. A next on another host than base_url is
 * dropped: base_url may have moved since the cursor was written, and the
 * token goes only to the host configured now. */
static int graph_first_url(struct run *run, struct cur *c, const char *endpoint, const char *fields,
                           struct buf *url, struct err *err)
{
	char *esc;

	if (c->next[0]) {
		char origin[600];

		if (fetch_url_origin(origin, sizeof(origin), c->next) != KV_OK ||
		    strcmp(origin, run->origin) != 0)
			c->next[0] = '\0';
	}
	if (c->next[0]) {
		buf_puts(url, c->next);
		return 0;
	}
	esc = curl_easy_escape(NULL, fields, 0);
	if (!esc)
		return err_set(err, KV_ENOMEM, "out of memory");
	buf_printf(url, "%s/%s/%s?fields=%s&limit=25", run->c->base_url, run->pid, endpoint, esc);
	curl_free(esc);
	return 1;
}

/* What tells the Graph polls apart: the fields asked for, and whether a
 * poll that starts over asks for since= (feed and media). */
struct graph_poll {
	const char *fields;
	int since;
	int instagram;
};

/* The URL of a Graph page: the first from graph_first_url (with since= for
 * feed and media), each further one where the previous page's paging.next
 * (kept in the cursor) points; the token added. */
static int graph_url(struct paged *pg, struct err *err)
{
	const struct graph_poll *gp = pg->ops->ctx;
	struct run *run = pg->run;
	int rc;

	if (pg->page > 1) {
		buf_puts(&pg->url, pg->c.next);
		return graph_add_token(run, &pg->url, err);
	}
	rc = graph_first_url(run, &pg->c, pg->ops->endpoint, gp->fields, &pg->url, err);
	if (rc < 0)
		return rc;
	if (rc == 1 && gp->since) {
		char since[64];

		connector_run_lookback_since(run, pg->c.since, since, sizeof(since));
		if (since[0])
			buf_printf(&pg->url, "&since=%s", since);
	}
	return graph_add_token(run, &pg->url, err);
}

/* Keeps a page's paging.next (checked, without secrets) as where the
 * cursor continues; none ends the poll. */
static int graph_continue(struct run *run, struct cur *c, const char *next, const char *name,
                          struct err *err)
{
	char *stripped = NULL;
	int rc;

	if (!next) {
		c->next[0] = '\0';
		return KV_OK;
	}
	rc = graph_next_check(run, next, name, &stripped, err);
	if (!rc)
		rc = graph_keep_next(c, stripped, name, err);
	free(stripped);
	return rc;
}

static int graph_page(struct paged *pg, struct err *err)
{
	const struct graph_poll *gp = pg->ops->ctx;
	const char *time_key = gp->instagram ? "timestamp" : "created_time";
	json_t *data = json_object_get(pg->j, "data");
	char *next = NULL;
	int rc;

	for (size_t i = 0; json_is_array(data) && i < json_array_size(data); i++) {
		char t[64];
		json_t *tv = json_object_get(json_array_get(data, i), time_key);

		connector_run_iso_to_num(t, sizeof(t), json_string_value(tv));
		connector_run_keep_max(pg->c.pending, sizeof(pg->c.pending), t);
	}
	rc = graph_page_next(&pg->parts.v[pg->parts.n - 1], pg->name, &next, err);
	if (!rc)
		rc = graph_continue(pg->run, &pg->c, next, pg->name, err);
	if (!rc)
		rc = graph_nested(pg->run, &pg->parts, pg->j, gp->instagram, pg->name, err);
	free(next);
	return rc;
}

/* Polls endpoint (feed, media, conversations) page by page with page. */
static int graph_paged(struct run *run, const char *endpoint, const struct graph_poll *gp,
                       int (*page)(struct paged *pg, struct err *err), struct err *err)
{
	char label[256];
	struct paged_ops ops = {
	        .family = run->platform,
	        .endpoint = endpoint,
	        .label = label,
	        .ctx = (void *)gp,
	        .fmt = PARSE_GRAPH,
	        .bearer = 0,
	        .url = graph_url,
	        .page = page,
	};

	snprintf(label, sizeof(label), "%s/%s", run->pid, endpoint);
	return connector_run_paged_poll(run, &ops, err);
}

int connector_graph_poll(struct run *run, int instagram, struct err *err)
{
	struct graph_poll gp = {
	        .fields = instagram ? GRAPH_MEDIA_FIELDS : GRAPH_FEED_FIELDS,
	        .since = 1,
	        .instagram = instagram,
	};

	return graph_paged(run, instagram ? "media" : "feed", &gp, graph_page, err);
}

/* ---- Graph API: Facebook Page conversations (private messages) ---- */

/* Holds the cursor's since below a conversation whose message list was cut
 * short (updated is its updated_time in Unix seconds), so that the next
 * poll finds it updated and reads its messages again. */
static void conv_hold(struct cur *c, const char *updated)
{
	char v[32];
	long long t;
	char *end;

	if (!connector_run_is_num(updated))
		return;
	t = strtoll(updated, &end, 10);
	if (*end || t <= 0)
		return;
	snprintf(v, sizeof(v), "%lld", t - 1);
	if (!c->floor[0] || connector_run_num_cmp(v, c->floor) < 0)
		snprintf(c->floor, sizeof(c->floor), "%s", v);
}

/* The conversations on a page as the parser should read them: each
 * conversation's id with its messages, without the paging the poll follows
 * itself (conv_messages), so the parser neither counts those lists as cut
 * short nor loses which conversation a message belongs to. cid with data
 * (a further /{conversation}/messages page's messages) gives one such
 * conversation. A heap string, NULL when out of memory. */
static char *conv_doc(json_t *data, const char *cid)
{
	json_t *convs = json_array(), *conv, *doc = NULL;
	char *out = NULL;
	size_t i;

	if (!convs)
		return NULL;
	if (cid) {
		if (json_array_append_new(
		            convs, json_pack("{s:s,s:{s:O}}", "id", cid, "messages", "data", data)))
			goto out;
	} else {
		json_array_foreach(data, i, conv)
		{
			json_t *id = json_object_get(conv, "id");
			json_t *msgs = json_object_get(json_object_get(conv, "messages"), "data");

			if (json_is_string(id) && json_is_array(msgs) &&
			    json_array_append_new(convs, json_pack("{s:O,s:{s:O}}", "id", id,
			                                           "messages", "data", msgs)))
				goto out;
		}
	}
	doc = json_pack("{s:O}", "data", convs);
	if (doc)
		out = json_dumps(doc, JSON_COMPACT);
out:
	json_decref(convs);
	json_decref(doc);
	return out;
}

/* Reads the further pages of the message lists of the conversations
 * queued in q (breadth first, each page a part of its own, imported as
 * Graph gives it: a /{conversation}/messages page, which the parser reads),
 * until the poll's max_comment_pages is spent; the lists left then are
 * counted as cut short and hold the cursor below their conversations. */
static int conv_messages(struct run *run, struct parts *parts, struct nests *q, struct cur *c,
                         const char *page_name, struct err *err)
{
	struct buf url;
	json_t *j = NULL;
	char *next = NULL;
	int rc = KV_OK;

	buf_init(&url, 1 << 20);
	for (; q->head < q->n; q->head++) {
		/* What is needed of the entry is copied: the push below may
		 * move it. */
		json_t *conv = q->v[q->head].chain;
		const char *link = q->v[q->head].url;
		int npage = q->v[q->head].page;
		const char *cid = json_string_value(json_object_get(conv, "id"));
		struct part *pt = NULL;
		json_t *msgs;
		char name[256];

		if (!connector_run_nest_budget(run, q)) {
			for (size_t i = q->head; i < q->n; i++) {
				parts->v[q->v[i].origin].cut++;
				conv_hold(c, json_string_value(
				                     json_object_get(q->v[i].chain, "updated")));
			}
			break;
		}
		snprintf(name, sizeof(name), "%.160s, messages of %.64s page %d", page_name,
		         cid ? cid : "?", npage);
		rc = graph_nest_fetch(run, parts, link, name, &url, &j, &pt, &next, err);
		if (rc)
			break;
		if (next &&
		    (rc = connector_run_nests_push(q, next, conv, parts->n - 1, npage + 1, err)))
			break;
		/* The messages are read with their conversation, as on the
		 * conversations page. */
		msgs = json_object_get(j, "data");
		if (!json_is_array(msgs) || !cid) {
			rc = err_set(err, KV_EINVAL, "%s: expected a list of messages", name);
			break;
		}
		rc = connector_run_part_set(pt, conv_doc(msgs, cid), err);
		if (rc)
			break;
	}
	json_decref(j);
	free(next);
	buf_done(&url);
	return rc;
}

static int conv_page(struct paged *pg, struct err *err)
{
	struct run *run = pg->run;
	struct cur *c = &pg->c;
	struct nests q = {0};
	json_t *data, *conv;
	char oldest[64] = "";
	char *next = NULL;
	size_t i, origin = pg->parts.n - 1;
	int rc;

	rc = graph_page_next(&pg->parts.v[origin], pg->name, &next, err);
	if (rc)
		goto out;
	data = json_object_get(pg->j, "data");
	if (!json_is_array(data)) {
		rc = err_set(err, KV_EINVAL, "%s: expected a list of conversations ('data')",
		             pg->name);
		goto out;
	}
	json_array_foreach(data, i, conv)
	{
		const char *link = json_string_value(json_object_get(
		        json_object_get(json_object_get(conv, "messages"), "paging"), "next"));
		const char *cid = json_string_value(json_object_get(conv, "id"));
		json_t *key;
		char t[64];

		connector_run_iso_to_num(t, sizeof(t),
		                         json_string_value(json_object_get(conv, "updated_time")));
		connector_run_keep_max(c->pending, sizeof(c->pending), t);
		if (t[0] && (!oldest[0] || connector_run_num_cmp(t, oldest) < 0))
			snprintf(oldest, sizeof(oldest), "%s", t);
		/* Older messages of a conversation not updated since the last
		 * complete poll were read then. */
		if (!link || !*link || !cid ||
		    (c->since[0] && t[0] && connector_run_num_cmp(t, c->since) <= 0))
			continue;
		key = json_pack("{s:s,s:s}", "id", cid, "updated", t);
		if (!key) {
			rc = err_set(err, KV_ENOMEM, "out of memory");
			goto out;
		}
		rc = connector_run_nests_push(&q, link, key, origin, 2, err);
		json_decref(key);
		if (rc)
			goto out;
	}
	rc = connector_run_part_set(&pg->parts.v[origin], conv_doc(data, NULL), err);
	if (rc)
		goto out;
	/* Conversations come most recently updated first: a page that
	 * reaches back to the cursor is the last one needed. */
	if (c->since[0] && oldest[0] && connector_run_num_cmp(oldest, c->since) <= 0) {
		free(next);
		next = NULL;
	}
	rc = graph_continue(run, c, next, pg->name, err);
	if (!rc)
		rc = conv_messages(run, &pg->parts, &q, c, pg->name, err);
out:
	free(next);
	connector_run_nests_done(&q);
	return rc;
}

/* A Page's conversations, most recently updated first, each with its
 * newest 100 messages and a paging.next to the older ones. Graph cannot be
 * asked for "updated since T" here, so the poll pages on until a page
 * reaches back to the cursor's since (the newest updated_time of the last
 * complete poll). The message lists of conversations updated since then
 * are read to their end (max_comment_pages permitting); the messages of
 * the others on the last page are imported again, which changes nothing. */
int connector_graph_conv_poll(struct run *run, struct err *err)
{
	struct graph_poll gp = {.fields = GRAPH_CONVERSATION_FIELDS};

	return graph_paged(run, "conversations", &gp, conv_page, err);
}

/* ---- Graph API: publishing to a Facebook Page, replying on Facebook and
 * Instagram ---- */

/* URL base/<node>/<edge>?access_token=... into url. */
static int graph_edge(struct buf *url, const struct connector_conf *c, const char *node,
                      const char *edge)
{
	int rc = buf_printf(url, "%s/", c->base_url);

	if (!rc)
		rc = publish_post_escape(url, node);
	if (!rc)
		rc = buf_printf(url, "/%s?access_token=", edge);
	if (!rc)
		rc = publish_post_escape(url, c->token);
	return rc;
}

/* One photo of a page: published with the post's message when it is the
 * only one, else uploaded unpublished to be attached to the post. */
static int graph_photo(struct fetch *f, const struct connector_conf *c, const char *page,
                       const struct publish_media *m, const char *message, char *id, size_t cap,
                       struct publish_outcome *out, struct err *err)
{
	struct fetch_part parts[4];
	json_t *reply = NULL;
	struct buf url;
	size_t n = 0;
	int rc;

	buf_init(&url, 8192);
	parts[n++] = (struct fetch_part){"source", m->data, m->len, m->name, m->type};
	if (m->alt)
		parts[n++] =
		        (struct fetch_part){"alt_text_custom", m->alt, strlen(m->alt), NULL, NULL};
	if (message)
		parts[n++] = (struct fetch_part){"message", message, strlen(message), NULL, NULL};
	else
		parts[n++] = (struct fetch_part){"published", "false", 5, NULL, NULL};
	rc = graph_edge(&url, c, page, "photos");
	if (rc)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = publish_post_send(f, "POST", buf_cstr(&url), NULL, NULL, NULL, parts, n, out,
		                       &reply, err);
	/* A published photo names the post it made; an unpublished one only
	 * itself. */
	if (!rc && !(message && publish_post_string(id, cap, reply, "post_id", NULL)) &&
	    !publish_post_string(id, cap, reply, "id", NULL))
		rc = err_set(err, KV_EIO, "%s: the answer holds no id: %s", out->request,
		             out->response);
	json_decref(reply);
	if (url.ptr)
		sodium_memzero(url.ptr, url.len);
	buf_done(&url);
	return rc;
}

int connector_graph_publish(struct fetch *f, const struct connector_conf *c, int instagram,
                            const struct publish_post *post, struct publish_outcome *out,
                            struct err *err)
{
	json_t *reply = NULL;
	struct buf url, body;
	char ids[10][128];
	int rc = KV_OK;

	buf_init(&url, 8192);
	buf_init(&body, (size_t)1 << 20);
	if (instagram && !post->reply_to) {
		rc = err_set(err, KV_EINVAL,
		             "Instagram: posts are published through a media container from a "
		             "public image address, which Kanalvakt does not do; publish by hand");
		goto out;
	}
	if (!post->reply_to && (!post->account_pid || !*post->account_pid)) {
		rc = err_set(err, KV_EINVAL,
		             "the account has no platform id (the page id): set it with "
		             "'kanalvakt account edit --platform-id'");
		goto out;
	}
	if (post->n_media > sizeof(ids) / sizeof(ids[0])) {
		rc = err_set(err, KV_EINVAL, "Facebook: at most %zu images in one post",
		             sizeof(ids) / sizeof(ids[0]));
		goto out;
	}
	for (size_t i = 0; i < post->n_media; i++)
		if (!post->media[i].type || strncmp(post->media[i].type, "image/", 6) != 0) {
			rc = err_set(err, KV_EINVAL,
			             "Facebook: only images are published through the API by "
			             "Kanalvakt (%s is %s); publish a video by hand",
			             post->media[i].name,
			             post->media[i].type ? post->media[i].type : "?");
			goto out;
		}
	if (post->n_media == 1 && !post->reply_to) {
		rc = graph_photo(f, c, post->account_pid, &post->media[0], post->text,
		                 out->platform_id, sizeof(out->platform_id), out, err);
		goto permalink;
	}
	for (size_t i = 0; i < post->n_media && !rc && !post->reply_to; i++)
		rc = graph_photo(f, c, post->account_pid, &post->media[i], NULL, ids[i],
		                 sizeof(ids[i]), out, err);
	if (rc)
		goto out;
	if (post->reply_to)
		rc = graph_edge(&url, c, post->reply_to, instagram ? "replies" : "comments");
	else
		rc = graph_edge(&url, c, post->account_pid, "feed");
	if (!rc)
		rc = buf_puts(&body, "message=");
	if (!rc)
		rc = publish_post_escape(&body, post->text);
	for (size_t i = 0; i < post->n_media && !rc && !post->reply_to; i++) {
		rc = buf_printf(&body, "&attached_media%%5B%zu%%5D=", i);
		if (!rc)
			rc = buf_printf(&body, "%%7B%%22media_fbid%%22%%3A%%22");
		if (!rc)
			rc = publish_post_escape(&body, ids[i]);
		if (!rc)
			rc = buf_puts(&body, "%22%7D");
	}
	if (rc) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = publish_post_send(f, "POST", buf_cstr(&url), NULL, "application/x-www-form-urlencoded",
	                       buf_cstr(&body), NULL, 0, out, &reply, err);
	if (!rc &&
	    !publish_post_string(out->platform_id, sizeof(out->platform_id), reply, "id", NULL))
		rc = err_set(err, KV_EIO, "%s: the answer holds no id: %s", out->request,
		             out->response);
permalink:
	if (!rc && !instagram)
		snprintf(out->permalink, sizeof(out->permalink), "https://www.facebook.com/%s",
		         out->platform_id);
out:
	json_decref(reply);
	/* The URL held the token. */
	if (url.ptr)
		sodium_memzero(url.ptr, url.len);
	buf_done(&url);
	buf_done(&body);
	return rc;
}
