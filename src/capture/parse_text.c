/* Text as the parsers in capture/ hand it on: the length and UTF-8 check,
 * lists of strings (links), and HTML fragments turned into plain text with
 * libxml2. Not a parser itself and not the format dispatcher. */
#define _GNU_SOURCE
#include "capture/parse_text.h"

#include "base/buf.h"
#include "base/utf8.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

int parse_text_check(const char *s, size_t len, const char *name, const char *where,
                     const char *field, struct err *err)
{
	ssize_t bad;

	if (len > PARSE_TEXT_MAX)
		return err_set(err, KV_EINVAL, "%s: %s: '%s' is %zu bytes, over the 1 MiB limit",
		               name, where, field, len);
	bad = utf8_check(s, len);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "%s: %s: '%s' is not valid UTF-8 at byte %zd", name,
		               where, field, bad);
	return KV_OK;
}

void parse_text_strs_init(struct parse_text_strs *s)
{
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

void parse_text_strs_done(struct parse_text_strs *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	parse_text_strs_init(s);
}

int parse_text_strs_add(struct parse_text_strs *s, const char *str)
{
	char *copy;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return KV_OK;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return KV_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	copy = strdup(str);
	if (!copy)
		return KV_ENOMEM;
	s->v[s->n++] = copy;
	return KV_OK;
}

/* ---- HTML to text ---- */

struct text_out {
	struct buf b;
	int space;    /* white space seen since the last character */
	int newlines; /* line breaks owed before the next character */
	int rc;
};

static void out_char_run(struct text_out *t, const char *s, size_t n)
{
	if (t->rc)
		return;
	if (t->b.len > 0) {
		if (t->newlines > 0) {
			for (int i = 0; i < t->newlines && !t->rc; i++)
				t->rc = buf_putc(&t->b, '\n');
		} else if (t->space) {
			t->rc = buf_putc(&t->b, ' ');
		}
	}
	t->newlines = 0;
	t->space = 0;
	if (!t->rc)
		t->rc = buf_put(&t->b, s, n);
}

static void out_text(struct text_out *t, const char *s)
{
	while (*s && !t->rc) {
		size_t run;

		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
			t->space = 1;
			s++;
			continue;
		}
		run = strcspn(s, " \t\n\r\f");
		out_char_run(t, s, run);
		s += run;
	}
}

static int is_block(const char *n)
{
	static const char *const blocks[] = {"p",  "div", "li", "h1",         "h2",    "h3",
	                                     "h4", "h5",  "h6", "blockquote", "pre",   "tr",
	                                     "ul", "ol",  "dl", "dd",         "table", "section"};

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcasecmp(n, blocks[i]) == 0)
			return 1;
	return 0;
}

static int skipped_link(xmlNode *a)
{
	xmlChar *cls = xmlGetProp(a, (const xmlChar *)"class");
	int skip = 0;

	if (cls) {
		skip = strstr((const char *)cls, "mention") || strstr((const char *)cls, "hashtag");
		xmlFree(cls);
	}
	return skip;
}

/* Walks the tree without recursion so deep nesting cannot exhaust the stack. */
static void walk_html(xmlNode *root, struct text_out *t, struct parse_text_strs *links)
{
	xmlNode *n = root;

	while (n && !t->rc) {
		int descend = 0;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				out_text(t, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			const char *nm = (const char *)n->name;

			if (strcasecmp(nm, "br") == 0) {
				t->newlines++;
			} else if (strcasecmp(nm, "script") != 0 && strcasecmp(nm, "style") != 0) {
				if (links && strcasecmp(nm, "a") == 0 && !skipped_link(n)) {
					xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");

					if (href && *href &&
					    parse_text_strs_add(links, (const char *)href))
						t->rc = KV_ENOMEM;
					xmlFree(href);
				}
				descend = n->children != NULL;
				if (!descend && is_block(nm) && t->newlines < 2)
					t->newlines = 2;
			}
		}
		if (descend) {
			n = n->children;
			continue;
		}
		/* Up until there is a next sibling, closing blocks on the way. */
		while (n && n != root && !n->next) {
			n = n->parent;
			if (n && n->type == XML_ELEMENT_NODE && is_block((const char *)n->name) &&
			    t->newlines < 2)
				t->newlines = 2;
		}
		if (!n || n == root)
			break;
		n = n->next;
	}
}

int parse_text_html(char **out, const char *html, size_t len, struct parse_text_strs *links,
                    const char *name, const char *where, const char *field, struct err *err)
{
	struct text_out t = {.space = 0, .newlines = 0, .rc = 0};
	htmlDocPtr doc = NULL;
	int rc = KV_OK;

	buf_init(&t.b, PARSE_TEXT_MAX);
	if (len > 0) {
		if (len > (size_t)INT32_MAX) {
			rc = err_set(err, KV_EINVAL, "%s: %s: '%s' is too long", name, where,
			             field);
			goto out;
		}
		doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
		                     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
		if (doc && xmlDocGetRootElement(doc))
			walk_html(xmlDocGetRootElement(doc), &t, links);
	}
	if (t.rc == KV_EINVAL) {
		rc = err_set(err, KV_EINVAL, "%s: %s: '%s' gives more than 1 MiB of text", name,
		             where, field);
		goto out;
	}
	if (t.rc) {
		rc = err_set(err, t.rc, "%s: %s: out of memory", name, where);
		goto out;
	}
	*out = t.b.ptr ? buf_detach(&t.b) : strdup("");
	if (!*out)
		rc = err_set(err, KV_ENOMEM, "%s: %s: out of memory", name, where);
out:
	if (doc)
		xmlFreeDoc(doc);
	buf_done(&t.b);
	return rc;
}
