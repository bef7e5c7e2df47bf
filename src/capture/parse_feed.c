/* RSS 2.0 and Atom feeds into items, with libxml2. The parser runs with the
 * network off and without entity substitution or DTD loading, and entity
 * references left in the tree are not followed, so external entities (XXE)
 * are never read. Not RSS 1.0 and not fetching. */
#include "capture/parse_feed.h"

#include "base/buf.h"
#include "base/time.h"
#include "capture/parse_text.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int parse_feed_rfc822_date(const char *s, int64_t *out)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                     "jul", "aug", "sep", "oct", "nov", "dec"};
	static const struct {
		const char *name;
		int hours;
	} zones[] = {{"GMT", 0},  {"UT", 0},   {"UTC", 0},  {"Z", 0},    {"EST", -5}, {"EDT", -4},
	             {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
	char mon[16], zone[16];
	int d, y, hh, mm, ss = 0, m = 0, ys = 0, ye = 0, used = 0, off = 0, found = 0;
	const char *p = s;

	if (!s)
		return KV_EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (isalpha((unsigned char)*p)) {
		const char *comma = strchr(p, ',');

		if (!comma || comma - p > 10)
			return KV_EINVAL;
		p = comma + 1;
	}
	if (sscanf(p, "%2d %15s %n%4d%n %2d:%2d%n", &d, mon, &ys, &y, &ye, &hh, &mm, &used) != 5)
		return KV_EINVAL;
	p += used;
	if (*p == ':') {
		int n = 0;

		if (sscanf(p, ":%2d%n", &ss, &n) != 1)
			return KV_EINVAL;
		p += n;
	}
	if (ye - ys == 2)
		y += y < 50 ? 2000 : 1900;
	else if (ye - ys != 4)
		return KV_EINVAL;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(mon, months[i], 3) == 0)
			m = i + 1;
	while (isspace((unsigned char)*p))
		p++;
	if (sscanf(p, "%15s", zone) != 1)
		return KV_EINVAL;
	p += strlen(zone);
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		return KV_EINVAL;
	if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 5 &&
	    strspn(zone + 1, "0123456789") == 4) {
		off = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 3600 +
		      ((zone[3] - '0') * 10 + (zone[4] - '0')) * 60;
		if (zone[0] == '-')
			off = -off;
		found = 1;
	}
	for (size_t i = 0; !found && i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcasecmp(zone, zones[i].name) == 0) {
			off = zones[i].hours * 3600;
			found = 1;
		}
	/* RFC 2822 says military zone letters carry no information: treat as UTC. */
	if (!found && strlen(zone) == 1 && isalpha((unsigned char)zone[0]))
		found = 1;
	if (!found || !m || !time_date_valid(y, m, d) || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
	    ss < 0 || ss > 60)
		return KV_EINVAL;
	*out = time_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - off;
	return KV_OK;
}

struct run {
	const char *name;
	const char *account_ref;
	const struct item_sink *sink;
	struct err *err;
};

static int is_el(const xmlNode *n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *local)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (is_el(c, local))
			return c;
	return NULL;
}

/* An element with a namespace URI that contains ns (content:encoded,
 * dc:creator); plain children of the same name without one do not count. */
static xmlNode *child_ns(const xmlNode *parent, const char *local, const char *ns)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (is_el(c, local) && c->ns && c->ns->href &&
		    strstr((const char *)c->ns->href, ns))
			return c;
	return NULL;
}

/* The text inside an element: text and CDATA of its subtree, without
 * following entity references (no XXE), trimmed. *out is a heap string
 * (NULL when n is NULL). */
static int elem_text(struct run *r, const xmlNode *n, const char *where, const char *field,
                     char **out)
{
	struct buf b;
	const xmlNode *c;
	int rc = KV_OK;

	*out = NULL;
	if (!n)
		return KV_OK;
	buf_init(&b, PARSE_TEXT_MAX);
	c = n->children;
	while (c && !rc) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			rc = buf_puts(&b, (const char *)c->content);
		if (c->type == XML_ELEMENT_NODE && c->children) {
			c = c->children;
			continue;
		}
		while (c && c != n && !c->next)
			c = c->parent;
		if (!c || c == n)
			break;
		c = c->next;
	}
	if (rc) {
		buf_done(&b);
		return err_set(r->err, rc, "%s: %s: '%s' %s", r->name, where, field,
		               rc == KV_EINVAL ? "is over the 1 MiB limit" : ": out of memory");
	}
	{
		const char *s = buf_cstr(&b);
		size_t len = b.len;

		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		while (len && isspace((unsigned char)*s)) {
			s++;
			len--;
		}
		*out = strndup(s, len);
	}
	buf_done(&b);
	if (!*out)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	return KV_OK;
}

static char *attr(const xmlNode *n, const char *name)
{
	return n ? (char *)xmlGetProp(n, (const xmlChar *)name) : NULL;
}

/* Body text of an element holding HTML (escaped or CDATA), XHTML (child
 * elements) or plain text, as Atom's type attribute or RSS's custom says. */
static int body_text(struct run *r, const xmlNode *n, const char *where, const char *field,
                     struct parse_text_strs *links, char **out)
{
	char *type = attr(n, "type"), *s = NULL;
	int rc = KV_OK;

	*out = NULL;
	if (!n)
		goto out;
	if (type && strcmp(type, "xhtml") == 0) {
		xmlBufferPtr xb = xmlBufferCreate();

		if (!xb) {
			rc = err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
			goto out;
		}
		for (xmlNode *c = n->children; c; c = c->next)
			xmlNodeDump(xb, n->doc, c, 0, 0);
		if ((size_t)xmlBufferLength(xb) > PARSE_TEXT_MAX)
			rc = err_set(r->err, KV_EINVAL, "%s: %s: '%s' is over the 1 MiB limit",
			             r->name, where, field);
		else
			rc = parse_text_html(out, (const char *)xmlBufferContent(xb),
			                     (size_t)xmlBufferLength(xb), links, r->name, where,
			                     field, r->err);
		xmlBufferFree(xb);
		goto out;
	}
	rc = elem_text(r, n, where, field, &s);
	if (rc)
		goto out;
	if (type && strcmp(type, "text") == 0) {
		*out = s;
		s = NULL;
	} else {
		rc = parse_text_html(out, s, strlen(s), links, r->name, where, field, r->err);
	}
out:
	xmlFree(type);
	free(s);
	return rc;
}

static int join_text(struct run *r, const char *title, const char *body, char **out)
{
	size_t n = (title ? strlen(title) : 0) + (body ? strlen(body) : 0) + 3;

	*out = malloc(n);
	if (!*out)
		return err_set(r->err, KV_ENOMEM, "%s: out of memory", r->name);
	snprintf(*out, n, "%s%s%s", title ? title : "",
	         title && *title && body && *body ? "\n\n" : "", body ? body : "");
	return KV_OK;
}

static int feed_time(struct run *r, const char *s, const char *where, const char *field,
                     int64_t *out)
{
	*out = 0;
	if (!s || !*s)
		return KV_OK;
	if (parse_feed_rfc822_date(s, out) == KV_OK || time_parse_iso(s, out) == KV_OK)
		return KV_OK;
	return err_set(r->err, KV_EINVAL, "%s: %s: '%s' is not a date: \"%.40s\"", r->name, where,
	               field, s);
}

/* Everything one item/entry needs; freed together. */
struct entry {
	char *id, *title, *link, *body, *text, *author, *date1, *date2;
	char *enc_url, *enc_type;
	struct parse_text_strs links;
};

static void entry_done(struct entry *e)
{
	free(e->id);
	free(e->title);
	free(e->body);
	free(e->text);
	free(e->author);
	free(e->date1);
	free(e->date2);
	xmlFree(e->link);
	xmlFree(e->enc_url);
	xmlFree(e->enc_type);
	parse_text_strs_done(&e->links);
}

static int emit_entry(struct run *r, struct entry *e, const char *account, const char *where,
                      int64_t created, int64_t updated)
{
	struct item it;
	struct item_media media = {NULL, e->enc_type, e->enc_url};
	int rc;

	memset(&it, 0, sizeof(it));
	rc = join_text(r, e->title, e->body, &e->text);
	if (rc)
		return rc;
	rc = parse_text_check(e->text, strlen(e->text), r->name, where, "text", r->err);
	if (rc)
		return rc;
	it.platform = "blog";
	it.platform_id = e->id;
	it.kind = ITEM_POST;
	it.account_ref = account;
	it.author_name = e->author;
	it.author_is_account = 1;
	it.created_at = created ? created : updated;
	it.version_at = created && updated > created ? updated : 0;
	it.text = e->text;
	it.permalink = e->link;
	it.links = (const char *const *)e->links.v;
	it.n_links = e->links.n;
	it.media = e->enc_url ? &media : NULL;
	it.n_media = e->enc_url ? 1 : 0;
	it.state = ITEM_VISIBLE;
	it.source = "feed";
	return r->sink->item(r->sink->ctx, &it, r->err);
}

/* An entry without an id of its own is known by its link; without either
 * it is refused with missing (what the format calls them). */
static int entry_id(struct run *r, struct entry *e, const char *where, const char *missing)
{
	if ((!e->id || !*e->id) && e->link) {
		free(e->id);
		e->id = strdup(e->link);
	}
	if (!e->id || !*e->id)
		return err_set(r->err, KV_EINVAL, "%s: %s: %s", r->name, where, missing);
	return KV_OK;
}

static int rss_item(struct run *r, const xmlNode *n, size_t index, const char *account)
{
	struct entry e;
	char where[160];
	xmlNode *body, *enc, *creator;
	int64_t created = 0;
	int rc;

	memset(&e, 0, sizeof(e));
	parse_text_strs_init(&e.links);
	snprintf(where, sizeof(where), "item %zu (line %ld)", index, (long)xmlGetLineNo(n));
	rc = elem_text(r, child(n, "guid"), where, "guid", &e.id);
	if (!rc) {
		char *link_text = NULL;

		rc = elem_text(r, child(n, "link"), where, "link", &link_text);
		if (link_text) {
			e.link = (char *)xmlStrdup((const xmlChar *)link_text);
			free(link_text);
		}
	}
	if (rc)
		goto out;
	rc = entry_id(r, &e, where, "the item has neither <guid> nor <link>");
	if (rc)
		goto out;
	body = child_ns(n, "encoded", "purl.org/rss/1.0/modules/content");
	if (!body)
		body = child(n, "description");
	creator = child_ns(n, "creator", "purl.org/dc/elements");
	enc = child(n, "enclosure");
	e.enc_url = attr(enc, "url");
	e.enc_type = attr(enc, "type");
	rc = elem_text(r, child(n, "title"), where, "title", &e.title);
	if (!rc)
		rc = body_text(r, body, where, body ? (const char *)body->name : "description",
		               &e.links, &e.body);
	if (!rc)
		rc = elem_text(r, creator ? creator : child(n, "author"), where, "author",
		               &e.author);
	if (!rc)
		rc = elem_text(r, child(n, "pubDate"), where, "pubDate", &e.date1);
	if (!rc)
		rc = feed_time(r, e.date1, where, "pubDate", &created);
	if (!rc)
		rc = emit_entry(r, &e, account, where, created, 0);
out:
	entry_done(&e);
	return rc;
}

static xmlNode *atom_link(const xmlNode *n, const char *rel)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		char *rv;
		int match;

		if (!is_el(c, "link"))
			continue;
		rv = attr(c, "rel");
		match = rv ? strcmp(rv, rel) == 0 : strcmp(rel, "alternate") == 0;
		xmlFree(rv);
		if (match)
			return c;
	}
	return NULL;
}

static int atom_entry(struct run *r, const xmlNode *n, size_t index, const char *account)
{
	struct entry e;
	char where[160];
	xmlNode *body, *enc;
	int64_t created = 0, updated = 0;
	int rc;

	memset(&e, 0, sizeof(e));
	parse_text_strs_init(&e.links);
	snprintf(where, sizeof(where), "entry %zu (line %ld)", index, (long)xmlGetLineNo(n));
	e.link = attr(atom_link(n, "alternate"), "href");
	rc = elem_text(r, child(n, "id"), where, "id", &e.id);
	if (rc)
		goto out;
	rc = entry_id(r, &e, where, "the entry has neither <id> nor a link");
	if (rc)
		goto out;
	body = child(n, "content");
	if (!body)
		body = child(n, "summary");
	enc = atom_link(n, "enclosure");
	e.enc_url = attr(enc, "href");
	e.enc_type = attr(enc, "type");
	rc = body_text(r, child(n, "title"), where, "title", NULL, &e.title);
	if (!rc)
		rc = body_text(r, body, where, body ? (const char *)body->name : "content",
		               &e.links, &e.body);
	if (!rc)
		rc = elem_text(r, child(child(n, "author"), "name"), where, "author", &e.author);
	if (!rc)
		rc = elem_text(r, child(n, "published"), where, "published", &e.date1);
	if (!rc)
		rc = elem_text(r, child(n, "updated"), where, "updated", &e.date2);
	if (!rc)
		rc = feed_time(r, e.date1, where, "published", &created);
	if (!rc)
		rc = feed_time(r, e.date2, where, "updated", &updated);
	if (!rc)
		rc = emit_entry(r, &e, account, where, created, updated);
out:
	entry_done(&e);
	return rc;
}

int parse_feed(const char *data, size_t len, const char *name, const char *account_ref,
               const struct item_sink *sink, struct err *err)
{
	struct run r = {name ? name : "input", account_ref, sink, err};
	xmlDocPtr doc = NULL;
	xmlNode *root, *channel;
	char *feed_ref = NULL;
	size_t index = 0;
	int rc = KV_OK;

	if (len > PARSE_DOC_MAX) {
		rc = err_set(err, KV_EINVAL, "%s: feed is %zu bytes, over the 256 MiB limit",
		             r.name, len);
		goto out;
	}
	xmlResetLastError();
	/* No XML_PARSE_NOENT and no DTD loading: entities stay references and
	 * nothing outside the document is read. NOERROR/NOWARNING keep libxml2
	 * from printing; the error is read back below. */
	doc = xmlReadMemory(data, (int)len, r.name, NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *xe = xmlGetLastError();
		char msg[256] = "not well-formed XML";
		size_t n;

		if (xe && xe->message) {
			snprintf(msg, sizeof(msg), "%s", xe->message);
			n = strlen(msg);
			while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
		}
		rc = err_set(err, KV_EINVAL, "%s: line %d, column %d: %s", r.name,
		             xe ? xe->line : 0, xe ? xe->int2 : 0, msg);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (is_el(root, "rss")) {
		channel = child(root, "channel");
		if (!channel) {
			rc = err_set(err, KV_EINVAL, "%s: <rss> has no <channel>", r.name);
			goto out;
		}
		if (!account_ref) {
			rc = elem_text(&r, child(channel, "link"), "channel", "link", &feed_ref);
			if (rc)
				goto out;
		}
		for (xmlNode *c = channel->children; c && !rc; c = c->next)
			if (is_el(c, "item"))
				rc = rss_item(&r, c, index++, account_ref ? account_ref : feed_ref);
	} else if (is_el(root, "feed")) {
		if (!account_ref) {
			char *href = attr(atom_link(root, "alternate"), "href");

			if (href) {
				feed_ref = strdup(href);
				xmlFree(href);
			} else {
				rc = elem_text(&r, child(root, "id"), "feed", "id", &feed_ref);
				if (rc)
					goto out;
			}
		}
		for (xmlNode *c = root->children; c && !rc; c = c->next)
			if (is_el(c, "entry"))
				rc = atom_entry(&r, c, index++,
				                account_ref ? account_ref : feed_ref);
	} else {
		rc = err_set(err, KV_EINVAL, "%s: the root element is <%s>, not <rss> or <feed>",
		             r.name, root ? (const char *)root->name : "(none)");
	}
out:
	free(feed_ref);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}
