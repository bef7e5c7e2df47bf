/* The E-ARK SIP writer (see sip.h and docs/internals/sip.md). Every XML
 * document is written by libxml2's xmlTextWriter straight to its file, and
 * the records file line by line from the store, so memory stays flat however
 * many items a package holds; only the list of file entries (one per file,
 * not per item) is kept. */
#include "records/sip.h"

#include "base/arena.h"
#include "base/calendar.h"
#include "base/hash.h"
#include "base/time.h"
#include "model/op_ctx.h"
#include "model/principal.h"
#include "model/register.h"
#include "records/timestamp.h"
#include "store/archive_rows.h"
#include "store/audit.h"
#include "store/blob.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS_METS           "http://www.loc.gov/METS/"
#define NS_CSIP           "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
#define NS_SIP            "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
#define NS_XLINK          "http://www.w3.org/1999/xlink"
#define NS_XSI            "http://www.w3.org/2001/XMLSchema-instance"
#define NS_PREMIS         "http://www.loc.gov/premis/v3"
#define SIP_PROFILE       "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
#define CONTENT_OTHERTYPE "Social media records"
#define CONTENT_INFOTYPE  "Kanalvakt records 1 (JSON Lines)"

/* One file of the package, as its METS entry needs it. */
struct entry {
	char *rel; /* path from the package root */
	char *mime;
	char sha[65];
	int64_t size;
	int64_t created;
};

struct writer {
	const struct op_ctx *op;
	const struct sip_opts *opts;
	struct archive_scope scope;
	char tmp[PATH_MAX];
	char objid[SIP_OBJID_MAX];
	char created[TIME_ISO_LEN];
	const char *org_name;
	char org_number[12];       /* NNNNNN-NNNN or "" */
	const char *account_label; /* platform label and name */
	const char *platform;
	const char *handle;
	struct entry *v;
	size_t n, cap;
	int64_t items, data_bytes, media;
	FILE *lines;
	struct hash_sha256_ctx lines_hash;
	struct arena a;
	struct err *err;
};

/* ---- files ---- */

static int add_entry(struct writer *w, const char *rel, const char *mime, const char *sha,
                     int64_t size, struct err *err)
{
	struct entry *e;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;
		struct entry *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return err_set(err, KV_ENOMEM, "out of memory listing package files");
		w->v = v;
		w->cap = cap;
	}
	e = &w->v[w->n];
	e->rel = arena_strdup(&w->a, rel);
	e->mime = arena_strdup(&w->a, mime);
	if (!e->rel || !e->mime)
		return err_set(err, KV_ENOMEM, "out of memory listing package files");
	snprintf(e->sha, sizeof(e->sha), "%s", sha);
	e->size = size;
	e->created = w->op->now;
	w->n++;
	return KV_OK;
}

static const struct entry *find_entry(const struct writer *w, const char *rel)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].rel, rel) == 0)
			return &w->v[i];
	return NULL;
}

static int full_path(const struct writer *w, const char *rel, char *out, size_t cap,
                     struct err *err)
{
	if ((size_t)snprintf(out, cap, "%s/%s", w->tmp, rel) >= cap)
		return err_set(err, KV_EINVAL, "path too long: %s/%s", w->tmp, rel);
	return KV_OK;
}

static int make_dir(const struct writer *w, const char *rel, struct err *err)
{
	char p[PATH_MAX];
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	if (mkdir(p, 0755) != 0)
		return err_set(err, KV_EIO, "%s: %s", p, strerror(errno));
	return KV_OK;
}

static int sync_path(const char *path, int dir, struct err *err)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return err_set(err, KV_EIO, "%s: %s", path, strerror(errno));
	if (fsync(fd) != 0) {
		close(fd);
		return err_set(err, KV_EIO, "%s: fsync: %s", path, strerror(errno));
	}
	close(fd);
	return KV_OK;
}

/* Hashes and syncs a written file and lists it. */
static int finish_file(struct writer *w, const char *rel, const char *mime, struct err *err)
{
	char p[PATH_MAX], sha[65];
	int64_t size = 0;
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (!rc)
		rc = sync_path(p, 0, err);
	if (!rc)
		rc = timestamp_sha256_file(p, sha, &size, err);
	if (!rc)
		rc = add_entry(w, rel, mime, sha, size, err);
	return rc;
}

/* Copies src to rel, checking that its bytes hash to want (a blob). */
static int copy_file(struct writer *w, const char *src, const char *rel, const char *want,
                     int64_t *bytes, struct err *err)
{
	struct hash_sha256_ctx h;
	char p[PATH_MAX], got[65], chunk[65536];
	FILE *in = NULL, *out = NULL;
	int64_t total = 0;
	size_t n;
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	in = fopen(src, "rb");
	if (!in)
		return err_set(err, KV_EIO, "%s: %s", src, strerror(errno));
	out = fopen(p, "wb");
	if (!out) {
		fclose(in);
		return err_set(err, KV_EIO, "%s: %s", p, strerror(errno));
	}
	hash_sha256_begin(&h);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		hash_sha256_update(&h, chunk, n);
		total += (int64_t)n;
		if (fwrite(chunk, 1, n, out) != n) {
			rc = err_set(err, KV_EIO, "%s: write error", p);
			break;
		}
	}
	if (!rc && ferror(in))
		rc = err_set(err, KV_EIO, "%s: read error", src);
	fclose(in);
	if (fclose(out) != 0 && !rc)
		rc = err_set(err, KV_EIO, "%s: write error", p);
	if (rc)
		return rc;
	hash_sha256_end_hex(&h, got);
	if (want && strcmp(got, want) != 0)
		return err_set(err, KV_EIO, "blob %s is damaged (its bytes hash to %s)", want, got);
	if (bytes)
		*bytes = total;
	return KV_OK;
}

static int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX];

	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", path, de->d_name) < sizeof(p))
			remove_tree(p);
	}
	closedir(d);
	return rmdir(path);
}

/* ---- XML helpers ---- */

#define X(s) ((const xmlChar *)(s))

struct xw {
	xmlTextWriterPtr w;
	int bad; /* a call failed */
};

static int xw_open(struct xw *x, const char *path, struct err *err)
{
	x->bad = 0;
	x->w = xmlNewTextWriterFilename(path, 0);
	if (!x->w)
		return err_set(err, KV_EIO, "%s: cannot open for writing", path);
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, X("  "));
	if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
		x->bad = 1;
	return KV_OK;
}

static int xw_close(struct xw *x, const char *path, struct err *err)
{
	int bad = x->bad;

	if (!x->w)
		return KV_OK;
	if (!bad && xmlTextWriterEndDocument(x->w) < 0)
		bad = 1;
	xmlFreeTextWriter(x->w); /* flushes and closes the file */
	x->w = NULL;
	return bad ? err_set(err, KV_EIO, "%s: cannot write the XML", path) : KV_OK;
}

static void start(struct xw *x, const char *prefix, const char *name)
{
	if (xmlTextWriterStartElementNS(x->w, X(prefix), X(name), NULL) < 0)
		x->bad = 1;
}

static void end(struct xw *x)
{
	if (xmlTextWriterEndElement(x->w) < 0)
		x->bad = 1;
}

static void attr(struct xw *x, const char *name, const char *v)
{
	if (v && xmlTextWriterWriteAttribute(x->w, X(name), X(v)) < 0)
		x->bad = 1;
}

static void attr_ns(struct xw *x, const char *prefix, const char *name, const char *v)
{
	if (v && xmlTextWriterWriteAttributeNS(x->w, X(prefix), X(name), NULL, X(v)) < 0)
		x->bad = 1;
}

static void attr_int(struct xw *x, const char *name, int64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	attr(x, name, s);
}

static void text_el(struct xw *x, const char *prefix, const char *name, const char *v)
{
	if (xmlTextWriterWriteElementNS(x->w, X(prefix), X(name), NULL, X(v ? v : "")) < 0)
		x->bad = 1;
}

static void iso(char out[TIME_ISO_LEN], int64_t t)
{
	time_format_utc(out, t);
}

/* ---- METS ---- */

/* An xsd:ID for a package path: "file-" and the path with every other
 * character than letters, digits, '-' and '.' made '_'. */
static void file_id(char *out, size_t cap, const char *prefix, const char *rel)
{
	size_t k = (size_t)snprintf(out, cap, "%s", prefix);

	for (const char *p = rel; *p && k + 1 < cap; p++) {
		char c = *p;

		out[k++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '.')
		                   ? c
		                   : '_';
	}
	out[k] = '\0';
}

static void mets_root(struct xw *x, const struct writer *w, const char *objid, const char *label)
{
	start(x, "mets", "mets");
	if (xmlTextWriterWriteAttribute(x->w, X("xmlns:mets"), X(NS_METS)) < 0 ||
	    xmlTextWriterWriteAttribute(x->w, X("xmlns:csip"), X(NS_CSIP)) < 0 ||
	    xmlTextWriterWriteAttribute(x->w, X("xmlns:sip"), X(NS_SIP)) < 0 ||
	    xmlTextWriterWriteAttribute(x->w, X("xmlns:xlink"), X(NS_XLINK)) < 0 ||
	    xmlTextWriterWriteAttribute(x->w, X("xmlns:xsi"), X(NS_XSI)) < 0)
		x->bad = 1;
	attr_ns(x, "xsi", "schemaLocation",
	        NS_METS " schemas/mets.xsd " NS_XLINK " schemas/xlink.xsd " NS_CSIP
	                " schemas/DILCISExtensionMETS.xsd " NS_SIP
	                " schemas/DILCISExtensionSIPMETS.xsd");
	attr(x, "OBJID", objid);
	attr(x, "LABEL", label);
	attr(x, "TYPE", "Other");
	attr_ns(x, "csip", "OTHERTYPE", CONTENT_OTHERTYPE);
	attr_ns(x, "csip", "CONTENTINFORMATIONTYPE", "OTHER");
	attr_ns(x, "csip", "OTHERCONTENTINFORMATIONTYPE", CONTENT_INFOTYPE);
	attr(x, "PROFILE", SIP_PROFILE);
}

static void agent(struct xw *x, const char *role, const char *type, const char *othertype,
                  const char *name, const char *notetype, const char *note)
{
	start(x, "mets", "agent");
	attr(x, "ROLE", role);
	attr(x, "TYPE", type);
	attr(x, "OTHERTYPE", othertype);
	text_el(x, "mets", "name", name);
	if (note) {
		start(x, "mets", "note");
		attr_ns(x, "csip", "NOTETYPE", notetype);
		if (xmlTextWriterWriteString(x->w, X(note)) < 0)
			x->bad = 1;
		end(x);
	}
	end(x);
}

static void mets_hdr(struct xw *x, const struct writer *w)
{
	start(x, "mets", "metsHdr");
	attr(x, "CREATEDATE", w->created);
	attr(x, "RECORDSTATUS", "NEW");
	attr_ns(x, "csip", "OAISPACKAGETYPE", "SIP");
	agent(x, "CREATOR", "OTHER", "SOFTWARE", "Kanalvakt", "SOFTWARE VERSION", KV_VERSION);
	/* SIP9-14: the archival creator; SIP15-20: the submitting agent. Both
	 * are the organisation (the kommun delivers its own records). */
	agent(x, "ARCHIVIST", "ORGANIZATION", NULL, w->org_name, "IDENTIFICATIONCODE",
	      w->org_number[0] ? w->org_number : NULL);
	agent(x, "CREATOR", "ORGANIZATION", NULL, w->org_name, "IDENTIFICATIONCODE",
	      w->org_number[0] ? w->org_number : NULL);
	agent(x, "CREATOR", "INDIVIDUAL", NULL, op_ctx_actor(w->op), NULL, NULL);
	end(x);
}

static void file_attrs(struct xw *x, const struct entry *e, const char *id)
{
	char created[TIME_ISO_LEN];

	iso(created, e->created);
	attr(x, "ID", id);
	attr(x, "MIMETYPE", e->mime);
	attr_int(x, "SIZE", e->size);
	attr(x, "CREATED", created);
	attr(x, "CHECKSUM", e->sha);
	attr(x, "CHECKSUMTYPE", "SHA-256");
}

static void link_attrs(struct xw *x, const char *href)
{
	attr(x, "LOCTYPE", "URL");
	attr_ns(x, "xlink", "type", "simple");
	attr_ns(x, "xlink", "href", href);
}

static void file_el(struct xw *x, const struct entry *e, const char *href)
{
	char id[PATH_MAX];

	file_id(id, sizeof(id), "file-", e->rel);
	start(x, "mets", "file");
	file_attrs(x, e, id);
	start(x, "mets", "FLocat");
	link_attrs(x, href);
	end(x);
	end(x);
}

static void md_ref(struct xw *x, const struct entry *e, const char *mdtype)
{
	char created[TIME_ISO_LEN];

	iso(created, e->created);
	start(x, "mets", "mdRef");
	link_attrs(x, e->rel);
	attr(x, "MDTYPE", mdtype);
	attr(x, "MIMETYPE", e->mime);
	attr_int(x, "SIZE", e->size);
	attr(x, "CREATED", created);
	attr(x, "CHECKSUM", e->sha);
	attr(x, "CHECKSUMTYPE", "SHA-256");
	end(x);
}

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* A mets element with its ID (and LABEL, TYPE when given), left open. */
static void mets_el(struct xw *x, const char *name, const char *type, const char *label,
                    const char *id)
{
	start(x, "mets", name);
	attr(x, "ID", id);
	if (type)
		attr(x, "TYPE", type);
	if (label)
		attr(x, "LABEL", label);
}

/* A fileGrp USE/ID with the package's files under prefix, each named by
 * its path after strip bytes. */
static void file_grp(struct xw *x, const struct writer *w, const char *use, const char *id,
                     const char *prefix, size_t strip)
{
	start(x, "mets", "fileGrp");
	attr(x, "USE", use);
	attr(x, "ID", id);
	for (size_t i = 0; i < w->n; i++)
		if (has_prefix(w->v[i].rel, prefix))
			file_el(x, &w->v[i], w->v[i].rel + strip);
	end(x);
}

/* A structMap div pointing at one file group. */
static void div_fptr(struct xw *x, const char *id, const char *label, const char *fileid)
{
	mets_el(x, "div", NULL, label, id);
	start(x, "mets", "fptr");
	attr(x, "FILEID", fileid);
	end(x);
	end(x);
}

/* representations/rep1/METS.xml: the data files of the representation. */
static int write_rep_mets(struct writer *w, struct err *err)
{
	const char *rel = "representations/rep1/METS.xml", *base = "representations/rep1/";
	char p[PATH_MAX], objid[SIP_OBJID_MAX + 8];
	struct xw x;
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	snprintf(objid, sizeof(objid), "%s-rep1", w->objid);
	rc = xw_open(&x, p, err);
	if (rc)
		return rc;
	mets_root(&x, w, objid, "rep1");
	mets_hdr(&x, w);
	start(&x, "mets", "fileSec");
	attr(&x, "ID", "rep1-filesec");
	file_grp(&x, w, "Data", "rep1-grp-data", "representations/rep1/data/", strlen(base));
	end(&x);
	mets_el(&x, "structMap", "PHYSICAL", "CSIP", "rep1-structmap");
	mets_el(&x, "div", NULL, objid, "rep1-div");
	div_fptr(&x, "rep1-div-data", "Data", "rep1-grp-data");
	end(&x);
	end(&x);
	end(&x);
	rc = xw_close(&x, p, err);
	if (!rc)
		rc = finish_file(w, rel, "text/xml", err);
	return rc;
}

static int write_root_mets(struct writer *w, struct err *err)
{
	const struct entry *dc = find_entry(w, "metadata/descriptive/dc.xml");
	const struct entry *premis = find_entry(w, "metadata/preservation/premis.xml");
	const struct entry *rep = find_entry(w, "representations/rep1/METS.xml");
	char p[PATH_MAX];
	struct xw x;
	int rc = full_path(w, "METS.xml", p, sizeof(p), err);

	if (rc)
		return rc;
	if (!dc || !premis || !rep)
		return err_set(err, KV_EINTERNAL, "package metadata missing before METS.xml");
	rc = xw_open(&x, p, err);
	if (rc)
		return rc;
	mets_root(&x, w, w->objid, w->account_label);
	mets_hdr(&x, w);

	start(&x, "mets", "dmdSec");
	attr(&x, "ID", "dmd-dc");
	attr(&x, "CREATED", w->created);
	attr(&x, "STATUS", "CURRENT");
	md_ref(&x, dc, "DC");
	end(&x);

	start(&x, "mets", "amdSec");
	attr(&x, "ID", "amd-1");
	start(&x, "mets", "digiprovMD");
	attr(&x, "ID", "digiprov-premis");
	attr(&x, "STATUS", "CURRENT");
	md_ref(&x, premis, "PREMIS");
	end(&x);
	end(&x);

	start(&x, "mets", "fileSec");
	attr(&x, "ID", "filesec");
	file_grp(&x, w, "Documentation", "grp-documentation", "documentation/", 0);
	file_grp(&x, w, "Schemas", "grp-schemas", "schemas/", 0);
	start(&x, "mets", "fileGrp");
	attr(&x, "USE", "Representations/rep1");
	attr(&x, "ID", "grp-rep1");
	file_el(&x, rep, rep->rel);
	end(&x);
	end(&x);

	mets_el(&x, "structMap", "PHYSICAL", "CSIP", "structmap-csip");
	mets_el(&x, "div", NULL, w->objid, "div-package");
	mets_el(&x, "div", NULL, "Metadata", "div-metadata");
	attr(&x, "DMDID", "dmd-dc");
	attr(&x, "ADMID", "digiprov-premis");
	end(&x);
	div_fptr(&x, "div-documentation", "Documentation", "grp-documentation");
	div_fptr(&x, "div-schemas", "Schemas", "grp-schemas");
	mets_el(&x, "div", NULL, "Representations/rep1", "div-rep1");
	start(&x, "mets", "mptr");
	link_attrs(&x, rep->rel);
	attr_ns(&x, "xlink", "title", "rep1");
	end(&x);
	start(&x, "mets", "fptr");
	attr(&x, "FILEID", "grp-rep1");
	end(&x);
	end(&x);
	end(&x);
	end(&x);
	end(&x);
	rc = xw_close(&x, p, err);
	if (!rc)
		rc = sync_path(p, 0, err);
	return rc;
}

/* ---- descriptive and preservation metadata ---- */

static int write_dc(struct writer *w, struct err *err)
{
	const char *rel = "metadata/descriptive/dc.xml";
	char p[PATH_MAX], title[512], coverage[64];
	struct xw x;
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	rc = xw_open(&x, p, err);
	if (rc)
		return rc;
	snprintf(title, sizeof(title), "%s %s – %s", w->account_label, w->opts->from, w->opts->to);
	snprintf(coverage, sizeof(coverage), "%s/%s", w->opts->from, w->opts->to);
	start(&x, "oai_dc", "dc");
	if (xmlTextWriterWriteAttribute(x.w, X("xmlns:oai_dc"),
	                                X("http://www.openarchives.org/OAI/2.0/oai_dc/")) < 0 ||
	    xmlTextWriterWriteAttribute(x.w, X("xmlns:dc"), X("http://purl.org/dc/elements/1.1/")) <
	            0)
		x.bad = 1;
	text_el(&x, "dc", "title", title);
	text_el(&x, "dc", "creator", w->org_name);
	text_el(&x, "dc", "publisher", w->org_name);
	text_el(&x, "dc", "subject", "Sociala medier");
	text_el(&x, "dc", "description",
	        "Allmänna handlingar från kommunens konto i sociala medier: inlägg, kommentarer, "
	        "svar och meddelanden med versioner, händelser och media, fångade av Kanalvakt.");
	text_el(&x, "dc", "date", coverage);
	text_el(&x, "dc", "coverage", coverage);
	text_el(&x, "dc", "type", "Text");
	text_el(&x, "dc", "format", "application/x-ndjson");
	text_el(&x, "dc", "identifier", w->objid);
	text_el(&x, "dc", "source", w->handle);
	text_el(&x, "dc", "language", "sv");
	end(&x);
	rc = xw_close(&x, p, err);
	if (!rc)
		rc = finish_file(w, rel, "text/xml", err);
	return rc;
}

struct premis_ctx {
	struct xw *x;
	int64_t n;
	const char *records_id;
};

static void premis_ident(struct xw *x, const char *el, const char *type_el, const char *value_el,
                         const char *type, const char *value)
{
	start(x, "premis", el);
	text_el(x, "premis", type_el, type);
	text_el(x, "premis", value_el, value);
	end(x);
}

static void premis_event(struct premis_ctx *c, const char *type, int64_t at, const char *detail,
                         const char *agent_name, int64_t item_id, const char *outcome)
{
	struct xw *x = c->x;
	char id[32], when[TIME_ISO_LEN], item[32];

	snprintf(id, sizeof(id), "event-%lld", (long long)++c->n);
	iso(when, at);
	start(x, "premis", "event");
	premis_ident(x, "eventIdentifier", "eventIdentifierType", "eventIdentifierValue", "local",
	             id);
	text_el(x, "premis", "eventType", type);
	text_el(x, "premis", "eventDateTime", when);
	if (detail) {
		start(x, "premis", "eventDetailInformation");
		text_el(x, "premis", "eventDetail", detail);
		end(x);
	}
	if (outcome) {
		start(x, "premis", "eventOutcomeInformation");
		text_el(x, "premis", "eventOutcome", outcome);
		end(x);
	}
	premis_ident(x, "linkingAgentIdentifier", "linkingAgentIdentifierType",
	             "linkingAgentIdentifierValue", "local",
	             agent_name ? agent_name : "agent-kanalvakt");
	premis_ident(x, "linkingObjectIdentifier", "linkingObjectIdentifierType",
	             "linkingObjectIdentifierValue", "local", c->records_id);
	if (item_id) {
		snprintf(item, sizeof(item), "item-%lld", (long long)item_id);
		premis_ident(x, "linkingObjectIdentifier", "linkingObjectIdentifierType",
		             "linkingObjectIdentifierValue", "kanalvakt item", item);
	}
	end(x);
}

static int on_event(void *arg, const struct archive_event_row *e)
{
	struct premis_ctx *c = arg;
	char detail[1024];

	if (strcmp(e->kind, "capture") == 0)
		snprintf(detail, sizeof(detail), "%lld items captured on %s", (long long)e->count,
		         e->ref ? e->ref : "?");
	else if (strcmp(e->kind, "screening") == 0)
		snprintf(detail, sizeof(detail), "%lld items screened with rule set %s",
		         (long long)e->count, e->ref ? e->ref : "?");
	else
		snprintf(detail, sizeof(detail), "%s of item %s%s%s%s%s", e->kind,
		         e->ref ? e->ref : "?", e->detail ? ": " : "", e->detail ? e->detail : "",
		         e->agent ? ", by " : "", e->agent ? e->agent : "");
	premis_event(c, e->kind, e->at, detail, e->agent ? "agent-organisation" : NULL, e->item_id,
	             NULL);
	return c->x->bad ? KV_EIO : 0;
}

static void premis_object(struct xw *x, const struct entry *e)
{
	char id[PATH_MAX], size[32];

	file_id(id, sizeof(id), "file-", e->rel);
	snprintf(size, sizeof(size), "%lld", (long long)e->size);
	start(x, "premis", "object");
	attr_ns(x, "xsi", "type", "premis:file");
	premis_ident(x, "objectIdentifier", "objectIdentifierType", "objectIdentifierValue",
	             "local", id);
	start(x, "premis", "objectCharacteristics");
	text_el(x, "premis", "compositionLevel", "0");
	start(x, "premis", "fixity");
	text_el(x, "premis", "messageDigestAlgorithm", "SHA-256");
	text_el(x, "premis", "messageDigest", e->sha);
	end(x);
	text_el(x, "premis", "size", size);
	start(x, "premis", "format");
	start(x, "premis", "formatDesignation");
	text_el(x, "premis", "formatName", e->mime);
	end(x);
	end(x);
	end(x);
	text_el(x, "premis", "originalName", e->rel);
	end(x);
}

static void premis_agent(struct xw *x, const char *id, const char *name, const char *type,
                         const char *version)
{
	start(x, "premis", "agent");
	premis_ident(x, "agentIdentifier", "agentIdentifierType", "agentIdentifierValue", "local",
	             id);
	text_el(x, "premis", "agentName", name);
	text_el(x, "premis", "agentType", type);
	if (version)
		text_el(x, "premis", "agentVersion", version);
	end(x);
}

static int write_premis(struct writer *w, struct err *err)
{
	const char *rel = "metadata/preservation/premis.xml";
	char p[PATH_MAX], records_id[PATH_MAX], detail[512];
	struct premis_ctx c = {0};
	struct xw x;
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	file_id(records_id, sizeof(records_id), "file-", "representations/rep1/data/records.jsonl");
	rc = xw_open(&x, p, err);
	if (rc)
		return rc;
	c.x = &x;
	c.records_id = records_id;
	start(&x, "premis", "premis");
	if (xmlTextWriterWriteAttribute(x.w, X("xmlns:premis"), X(NS_PREMIS)) < 0 ||
	    xmlTextWriterWriteAttribute(x.w, X("xmlns:xsi"), X(NS_XSI)) < 0)
		x.bad = 1;
	attr_ns(&x, "xsi", "schemaLocation", NS_PREMIS " ../../schemas/premis.xsd");
	attr(&x, "version", "3.0");
	for (size_t i = 0; i < w->n; i++)
		if (has_prefix(w->v[i].rel, "representations/rep1/data/"))
			premis_object(&x, &w->v[i]);
	rc = archive_row_events_each(w->op->store, &w->scope, on_event, &c, err);
	if (rc == KV_EIO && x.bad)
		err_set(err, KV_EIO, "%s: cannot write the XML", p);
	snprintf(detail, sizeof(detail), "package %s of %lld items written by %s", w->objid,
	         (long long)w->items, op_ctx_actor(w->op));
	if (!rc)
		premis_event(&c, "creation", w->op->now, detail, NULL, 0, "success");
	premis_agent(&x, "agent-kanalvakt", "Kanalvakt", "software", KV_VERSION);
	premis_agent(&x, "agent-organisation", w->org_name, "organization", NULL);
	end(&x);
	if (rc) {
		xw_close(&x, p, NULL);
		return rc;
	}
	rc = xw_close(&x, p, err);
	if (!rc)
		rc = finish_file(w, rel, "text/xml", err);
	return rc;
}

/* ---- data ---- */

static int on_line(void *arg, int64_t item_id, const char *line, size_t len)
{
	struct writer *w = arg;

	if (fwrite(line, 1, len, w->lines) != len || fputc('\n', w->lines) == EOF)
		return err_set(w->err, KV_EIO, "cannot write the records file: %s",
		               strerror(errno));
	hash_sha256_update(&w->lines_hash, line, len);
	hash_sha256_update(&w->lines_hash, "\n", 1);
	w->items++;
	w->data_bytes += (int64_t)len + 1;
	return 0;
}

static int write_records(struct writer *w, struct err *err)
{
	const char *rel = "representations/rep1/data/records.jsonl";
	char p[PATH_MAX], sha[65];
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	w->lines = fopen(p, "wb");
	if (!w->lines)
		return err_set(err, KV_EIO, "%s: %s", p, strerror(errno));
	setvbuf(w->lines, NULL, _IOFBF, 1 << 20);
	hash_sha256_begin(&w->lines_hash);
	w->err = err;
	rc = archive_row_items_each(w->op->store, &w->scope, on_line, w, err);
	if (fclose(w->lines) != 0 && !rc)
		rc = err_set(err, KV_EIO, "%s: %s", p, strerror(errno));
	w->lines = NULL;
	if (rc)
		return rc;
	rc = sync_path(p, 0, err);
	if (rc)
		return rc;
	hash_sha256_end_hex(&w->lines_hash, sha);
	return add_entry(w, rel, "application/x-ndjson", sha, w->data_bytes, err);
}

/* The media type of a blob from its first bytes. */
static const char *sniff(const char *path)
{
	unsigned char h[12] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(h, 1, sizeof(h), f) : 0;

	if (f)
		fclose(f);
	if (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
		return "image/jpeg";
	if (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 6 && (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0))
		return "image/gif";
	if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (n >= 8 && memcmp(h + 4, "ftyp", 4) == 0)
		return "video/mp4";
	if (n >= 5 && memcmp(h, "%PDF-", 5) == 0)
		return "application/pdf";
	return "application/octet-stream";
}

struct media_ctx {
	struct writer *w;
	struct err *err;
};

static int on_media(void *arg, const char *sha, const char *type)
{
	struct media_ctx *m = arg;
	struct writer *w = m->w;
	char src[PATH_MAX], rel[128], dst[PATH_MAX];
	int64_t bytes = 0;
	int rc;

	rc = blob_path(w->op->store, sha, src, sizeof(src), m->err);
	if (rc)
		return rc;
	snprintf(rel, sizeof(rel), "representations/rep1/data/media/%s", sha);
	rc = copy_file(w, src, rel, sha, &bytes, m->err);
	if (rc)
		return rc;
	rc = full_path(w, rel, dst, sizeof(dst), m->err);
	if (!rc)
		rc = add_entry(w, rel, sniff(dst), sha, bytes, m->err);
	w->media++;
	w->data_bytes += bytes;
	return rc;
}

static int write_printout(struct writer *w, struct err *err)
{
	const char *rel = "representations/rep1/data/printout.pdf";
	char p[PATH_MAX];
	int rc;

	if (!w->opts->printout)
		return KV_OK;
	rc = full_path(w, rel, p, sizeof(p), err);
	if (!rc)
		rc = w->opts->printout(w->opts->printout_ctx, w->op, &w->scope, p, err);
	/* The hook may decline (too many items for a printout): no file, no entry. */
	if (!rc && access(p, F_OK) == 0)
		rc = finish_file(w, rel, "application/pdf", err);
	return rc;
}

static int write_documentation(struct writer *w, struct err *err)
{
	const char *rel = "documentation/kanalvakt-records.txt";
	char p[PATH_MAX];
	FILE *f;
	int rc = full_path(w, rel, p, sizeof(p), err);

	if (rc)
		return rc;
	f = fopen(p, "w");
	if (!f)
		return err_set(err, KV_EIO, "%s: %s", p, strerror(errno));
	fprintf(f,
	        "Paket %s\n"
	        "Arkivbildare: %s\n"
	        "Konto: %s (%s, %s)\n"
	        "Period: %s -- %s (svensk tid)\n"
	        "Poster: %lld, mediefiler: %lld\n\n"
	        "representations/rep1/data/records.jsonl holds one JSON object per line, one per\n"
	        "captured item (post, comment, reply, private message), oldest first: id,\n"
	        "platform, platform_id, kind, parent_platform_id, root_platform_id, author_id,\n"
	        "author_name, direction (inkommen/upprattad), created_at, captured_at, permalink,\n"
	        "state (visible/hidden/deleted), text (the current text), versions (every text\n"
	        "the item had, with its SHA-256), events (deletions and hidings the platform\n"
	        "reported), screening (rule set and categories) and media (URL, type, SHA-256 of\n"
	        "the file under data/media/). Times are ISO 8601 UTC.\n"
	        "metadata/preservation/premis.xml lists the files with their checksums and the\n"
	        "events of the records: capture, screening, edits, deletions, takedowns.\n"
	        "Written by Kanalvakt %s.\n",
	        w->objid, w->org_name, w->account_label, w->platform, w->handle, w->opts->from,
	        w->opts->to, (long long)w->items, (long long)w->media, KV_VERSION);
	if (fclose(f) != 0)
		return err_set(err, KV_EIO, "%s: write error", p);
	return finish_file(w, rel, "text/plain", err);
}

/* schemas/: the XLink schema Kanalvakt ships, and what the schemas folder
 * given holds of the METS, DILCIS and PREMIS schemas. */
static int write_schemas(struct writer *w, struct err *err)
{
	static const char *const names[] = {"mets.xsd", "DILCISExtensionMETS.xsd",
	                                    "DILCISExtensionSIPMETS.xsd", "premis.xsd"};
	char src[PATH_MAX], rel[128], shipped[PATH_MAX];
	struct stat st;
	int rc;

	rc = sip_schema_file(shipped, sizeof(shipped), "xlink.xsd", err);
	if (rc)
		return rc;
	rc = copy_file(w, shipped, "schemas/xlink.xsd", NULL, NULL, err);
	if (!rc)
		rc = finish_file(w, "schemas/xlink.xsd", "application/xml", err);
	for (size_t i = 0; !rc && w->opts->schemas && i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", w->opts->schemas, names[i]);
		if (stat(src, &st) != 0)
			continue;
		snprintf(rel, sizeof(rel), "schemas/%s", names[i]);
		rc = copy_file(w, src, rel, NULL, NULL, err);
		if (!rc)
			rc = finish_file(w, rel, "application/xml", err);
	}
	return rc;
}

/* ---- the whole ---- */

/* The instant a Stockholm calendar day begins (after is 1: the day after it
 * begins, the end of the day). A period of a Swedish kommun's records is in
 * its own days. */
static int parse_day(const char *s, const char *what, int after, int64_t *out, struct err *err)
{
	int y, m, d;

	if (!s || time_parse_date(s, &y, &m, &d) != 0 || !time_date_valid(y, m, d))
		return err_set(err, KV_EINVAL, "--%s: '%s' is not a date (YYYY-MM-DD)", what,
		               s ? s : "");
	if (after)
		time_civil_from_days(time_days_from_civil(y, m, d) + 1, &y, &m, &d);
	if (calendar_from_local(out, y, m, d, 0, 0, 0) != KV_OK)
		return err_set(err, KV_EINVAL, "--%s: '%s' is outside the years the calendar knows",
		               what, s);
	return KV_OK;
}

/* The package's OBJID is the name of its folder (CSIPSTR2): letters, digits
 * and . _ - only, so that it is the same string on every file system. */
static int objid_from_out(char out[SIP_OBJID_MAX], const char *path, struct err *err)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n == 0 || n >= SIP_OBJID_MAX || base[0] == '.')
		return err_set(
		        err, KV_EINVAL,
		        "--out: the package folder's name '%s' is its OBJID and must be 1 to "
		        "%d characters, not starting with '.'",
		        base, SIP_OBJID_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = base[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return err_set(err, KV_EINVAL,
			               "--out: the package folder's name '%s' is its OBJID and may "
			               "hold only letters a-z, digits and . _ - (not '%c')",
			               base, c);
	}
	memcpy(out, base, n + 1);
	return KV_OK;
}

static int write_all(struct writer *w, struct err *err)
{
	static const char *const dirs[] = {
	        "metadata",
	        "metadata/descriptive",
	        "metadata/preservation",
	        "representations",
	        "representations/rep1",
	        "representations/rep1/data",
	        "representations/rep1/data/media",
	        "schemas",
	        "documentation",
	};
	struct media_ctx m = {w, err};
	int rc = KV_OK;

	for (size_t i = 0; !rc && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rc = make_dir(w, dirs[i], err);
	if (!rc)
		rc = write_records(w, err);
	if (!rc)
		rc = archive_row_media_each(w->op->store, &w->scope, on_media, &m, err);
	if (!rc)
		rc = write_printout(w, err);
	if (!rc)
		rc = write_schemas(w, err);
	if (!rc)
		rc = write_documentation(w, err);
	if (!rc)
		rc = write_dc(w, err);
	if (!rc)
		rc = write_premis(w, err);
	if (!rc)
		rc = write_rep_mets(w, err);
	if (!rc)
		rc = write_root_mets(w, err);
	for (size_t i = 0; !rc && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char p[PATH_MAX];

		rc = full_path(w, dirs[i], p, sizeof(p), err);
		if (!rc)
			rc = sync_path(p, 1, err);
	}
	if (!rc)
		rc = sync_path(w->tmp, 1, err);
	return rc;
}

static int record(struct writer *w, const char *out_abs, struct sip_result *res, struct err *err)
{
	char mets[PATH_MAX + 16], sha[65], idtext[32];
	struct archive_package_row r = {0};
	int64_t id = 0;
	json_t *after;
	char *js;
	int rc;

	snprintf(mets, sizeof(mets), "%s/METS.xml", out_abs);
	rc = timestamp_sha256_file(mets, sha, NULL, err);
	if (rc)
		return rc;
	r.org_id = w->op->org;
	r.objid = w->objid;
	r.account_id = w->scope.account_id;
	r.period_from = w->opts->from;
	r.period_to = w->opts->to;
	r.path = out_abs;
	r.items = w->items;
	r.files = (int64_t)w->n + 1;
	r.bytes = w->data_bytes;
	r.mets_sha256 = sha;
	r.created_by = op_ctx_actor(w->op);
	r.created_at = w->op->now;
	rc = store_begin(w->op->store, err);
	if (rc)
		return rc;
	rc = archive_row_insert(w->op->store, &r, &w->scope, &id, err);
	after = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "objid", w->objid, "account",
	                  w->handle, "from", w->opts->from, "to", w->opts->to, "path", out_abs,
	                  "items", (json_int_t)w->items, "media", (json_int_t)w->media,
	                  "mets_sha256", sha);
	js = after ? json_dumps(after, JSON_COMPACT) : NULL;
	json_decref(after);
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	if (!rc)
		rc = audit_append(w->op->store, NULL, w->op->org, op_ctx_actor(w->op),
		                  "archive.sip", "archive_package", w->objid, NULL, js, err);
	free(js);
	if (rc) {
		store_rollback(w->op->store);
		return rc;
	}
	rc = store_commit(w->op->store, err);
	if (rc)
		return rc;
	res->package_id = id;
	res->files = r.files;
	return KV_OK;
}

static int package_seen(void *ctx, const struct archive_package_row *r)
{
	return 0;
}

int sip_schema_file(char *out, size_t cap, const char *name, struct err *err)
{
	const char *env = getenv("KANALVAKT_SCHEMAS");
	const char *dirs[] = {env && *env ? env : NULL, "schemas", KV_SOURCE_DIR "/schemas"};
	struct stat st;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i])
			continue;
		if ((size_t)snprintf(out, cap, "%s/%s", dirs[i], name) < cap && stat(out, &st) == 0)
			return KV_OK;
	}
	return err_set(err, KV_EIO,
	               "cannot find Kanalvakt's %s (looked in $KANALVAKT_SCHEMAS, ./schemas and "
	               "%s/schemas)",
	               name, KV_SOURCE_DIR);
}

int sip_org_number(const char *s, char out[12], struct err *err)
{
	char d[11];
	size_t n = 0;
	int sum = 0;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] >= '0' && s[i] <= '9' && n < 10)
			d[n++] = s[i];
		else if (!(s[i] == '-' && i == 6 && n == 6))
			return err_set(err, KV_EINVAL,
			               "--org-number ([archive] organisation_number): '%.40s' is "
			               "not an organisationsnummer "
			               "(ten digits, NNNNNN-NNNN)",
			               s);
	}
	if (n != 10)
		return err_set(err, KV_EINVAL,
		               "--org-number ([archive] organisation_number): '%.40s' has %zu "
		               "digits; an organisationsnummer has ten",
		               s, n);
	/* Luhn over all ten: every other digit from the first doubled. */
	for (size_t i = 0; i < 10; i++) {
		int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);

		sum += v > 9 ? v - 9 : v;
	}
	if (sum % 10 != 0)
		return err_set(err, KV_EINVAL,
		               "--org-number ([archive] organisation_number): '%.40s': the check "
		               "digit is wrong (mistyped?)",
		               s);
	snprintf(out, 12, "%.6s-%.4s", d, d + 6);
	return KV_OK;
}

int sip_write(const struct op_ctx *op, const struct sip_opts *opts, struct sip_result *out,
              struct err *err)
{
	struct writer w = {0};
	struct account_rec *acct = NULL;
	char parent[PATH_MAX], out_abs[PATH_MAX], label[512];
	const char *slash;
	struct stat st;
	int64_t from = 0, to = 0;
	int rc, tmp_made = 0, cache_set = 0;

	arena_init(&w.a);
	w.op = op;
	w.opts = opts;
	if (!opts->account || !*opts->account) {
		rc = err_set(err, KV_EINVAL, "--account is required");
		goto out;
	}
	if (!opts->out || !*opts->out) {
		rc = err_set(err, KV_EINVAL, "--out is required");
		goto out;
	}
	rc = parse_day(opts->from, "from", 0, &from, err);
	if (!rc)
		rc = parse_day(opts->to, "to", 1, &to, err);
	if (!rc && opts->org_number)
		rc = sip_org_number(opts->org_number, w.org_number, err);
	if (rc)
		goto out;
	if (to <= from) {
		rc = err_set(err, KV_EINVAL, "--to %s is before --from %s", opts->to, opts->from);
		goto out;
	}
	rc = register_row_account_find(op->store, op->org, opts->account, &w.scope.account_id, err);
	if (rc == KV_ENOTFOUND)
		rc = err_set(err, KV_EINVAL, "--account: no account '%s' in the register",
		             opts->account);
	if (rc)
		goto out;
	rc = op_ctx_require(op, PERM_RECORDS, w.scope.account_id, err);
	if (rc)
		goto out;
	rc = objid_from_out(w.objid, opts->out, err);
	if (rc)
		goto out;
	if (lstat(opts->out, &st) == 0) {
		rc = err_set(err, KV_ECONFLICT,
		             "--out: %s exists already; a package is written to a new directory",
		             opts->out);
		goto out;
	}
	if (archive_row_find(op->store, op->org, w.objid, package_seen, NULL, NULL) == KV_OK) {
		rc = err_set(err, KV_ECONFLICT,
		             "--out: a package %s was delivered already; its folder name is its "
		             "OBJID and must be new",
		             w.objid);
		goto out;
	}
	/* The temporary directory sits beside the package, so the rename that
	 * makes it whole never crosses a file system. */
	slash = strrchr(opts->out, '/');
	if (slash && slash != opts->out)
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - opts->out), opts->out);
	else
		snprintf(parent, sizeof(parent), "%s", slash ? "/" : ".");
	if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = err_set(err, KV_EINVAL, "--out: the folder %s does not exist", parent);
		goto out;
	}
	if ((size_t)snprintf(w.tmp, sizeof(w.tmp), "%s.partial-XXXXXX", opts->out) >=
	    sizeof(w.tmp)) {
		rc = err_set(err, KV_EINVAL, "--out: path too long");
		goto out;
	}
	if (!mkdtemp(w.tmp)) {
		rc = err_set(err, KV_EIO, "%s: %s", w.tmp, strerror(errno));
		goto out;
	}
	tmp_made = 1;
	chmod(w.tmp, 0755);

	rc = register_row_account_load(op->store, w.scope.account_id, &acct, err);
	if (!rc)
		rc = register_row_org_name(op->store, op->org, &w.a, &w.org_name, err);
	if (!rc)
		rc = archive_row_max_item(op->store, &w.scope.max_id, err);
	if (rc)
		goto out;
	w.platform = arena_strdup(&w.a, register_platform_name(acct->v.platform));
	w.handle = arena_strdup(&w.a, acct->v.handle);
	snprintf(label, sizeof(label), "%s %s", register_platform_label(acct->v.platform),
	         acct->v.display_name && *acct->v.display_name ? acct->v.display_name
	         : acct->unit_name                             ? acct->unit_name
	                                                       : acct->v.handle);
	w.account_label = arena_strdup(&w.a, label);
	w.scope.org = op->org;
	w.scope.from = from;
	w.scope.to = to;
	iso(w.created, op->now);

	/* The records are read once, in order: a large page cache only holds
	 * pages that are never read again, and would be most of the RSS. */
	rc = archive_row_streaming(op->store, 1, err);
	if (rc)
		goto out;
	cache_set = 1;
	rc = write_all(&w, err);
	if (rc)
		goto out;
	if (rename(w.tmp, opts->out) != 0) {
		rc = err_set(err, KV_EIO, "cannot rename %s to %s: %s", w.tmp, opts->out,
		             strerror(errno));
		goto out;
	}
	tmp_made = 0;
	sync_path(parent, 1, NULL);
	if (!realpath(opts->out, out_abs))
		snprintf(out_abs, sizeof(out_abs), "%s", opts->out);
	memset(out, 0, sizeof(*out));
	rc = record(&w, out_abs, out, err);
	if (rc) {
		/* Not recorded: the package must not stand as if delivered. */
		remove_tree(opts->out);
		goto out;
	}
	snprintf(out->objid, sizeof(out->objid), "%s", w.objid);
	out->items = w.items;
	out->bytes = w.data_bytes;
	out->media = w.media;
	if (opts->tsa) {
		char mets[PATH_MAX + 16];

		snprintf(mets, sizeof(mets), "%s/METS.xml", out_abs);
		rc = timestamp_file(op, opts->tsa, mets, TIMESTAMP_KIND_PACKAGE, w.objid,
		                    &out->timestamp, err);
	}
out:
	if (cache_set)
		archive_row_streaming(op->store, 0, NULL);
	if (tmp_made)
		remove_tree(w.tmp);
	register_row_account_free(acct);
	free(w.v);
	arena_done(&w.a);
	return rc;
}

int sip_archived_in(const struct op_ctx *op, int64_t item_id, char objid_out[SIP_OBJID_MAX],
                    struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (rc)
		return rc;
	return archive_row_archived_in(op->store, item_id, objid_out, err);
}

int sip_list(const struct op_ctx *op, archive_package_fn fn, void *ctx, struct err *err)
{
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	if (rc)
		return rc;
	return archive_row_each(op->store, op->org, fn, ctx, err);
}

json_t *sip_package_json(const struct archive_package_row *r)
{
	char at[TIME_ISO_LEN];

	time_format_utc(at, r->created_at);
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s?,s:s,s:s}", "objid", r->objid,
	                 "account", r->account_handle, "from", r->period_from, "to", r->period_to,
	                 "items", (json_int_t)r->items, "files", (json_int_t)r->files, "bytes",
	                 (json_int_t)r->bytes, "path", r->path, "mets_sha256", r->mets_sha256,
	                 "created_at", at, "created_by", r->created_by);
}
