/* The package validator (see sip_validate.h). The METS documents are small
 * (a few entries per folder, one per media file) and are read as trees for
 * the XPath requirement checks; PREMIS, which grows with the events, is
 * validated streaming with an xmlTextReader. Nothing is ever fetched: every
 * parse has XML_PARSE_NONET, the catalog maps the XLink schema to the copy
 * Kanalvakt ships, and the entity loader refuses any other remote address. */
#include "records/sip_validate.h"

#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/sip.h"
#include "store/audit.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/uri.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <limits.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NS_METS         "http://www.loc.gov/METS/"
#define NS_CSIP         "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
#define NS_SIP          "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
#define NS_XLINK        "http://www.w3.org/1999/xlink"
#define SIP_PROFILE_URL "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"

#define X(s) ((const xmlChar *)(s))

/* ---- findings ---- */

static void add(struct sip_report *r, const char *id, enum sip_level level, const char *file,
                long line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(struct sip_report *r, const char *id, enum sip_level level, const char *file,
                long line, const char *fmt, ...)
{
	struct sip_finding *f;
	va_list ap;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct sip_finding *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return; /* the count below still tells */
		r->v = v;
		r->cap = cap;
	}
	if (level == SIP_MUST)
		r->errors++;
	else
		r->warnings++;
	if (r->n >= 10000)
		return; /* enough to say what is wrong */
	f = &r->v[r->n++];
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->level = level;
	snprintf(f->file, sizeof(f->file), "%s", file ? file : "");
	f->line = line;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
}

void sip_validate_report_done(struct sip_report *r)
{
	if (!r)
		return;
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- offline loading ---- */

static xmlExternalEntityLoader default_loader;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int catalog_loaded;

static xmlParserInputPtr offline_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	xmlChar *resolved = NULL;
	const char *use = url;
	xmlParserInputPtr in;

	if (url) {
		resolved = xmlCatalogResolveURI(X(url));
		if (!resolved)
			resolved = xmlCatalogResolveSystem(X(url));
		if (resolved)
			use = (const char *)resolved;
	}
	if (use && (strncmp(use, "http:", 5) == 0 || strncmp(use, "https:", 6) == 0 ||
	            strncmp(use, "ftp:", 4) == 0)) {
		xmlFree(resolved);
		return NULL; /* never fetched: an unmapped remote schema fails the load */
	}
	in = default_loader(use, id, ctxt);
	xmlFree(resolved);
	return in;
}

static void init(void)
{
	char path[PATH_MAX];

	xmlInitParser();
	if (sip_schema_file(path, sizeof(path), "catalog.xml", NULL) == KV_OK &&
	    xmlLoadCatalog(path) == 0)
		catalog_loaded = 1;
	default_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(offline_loader);
}

/* ---- XSD ---- */

struct xsd_ctx {
	struct sip_report *r;
	const char *file;
};

static void on_xsd_error(void *arg, const xmlError *e)
{
	struct xsd_ctx *c = arg;
	char msg[600];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "invalid");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	add(c->r, e->domain == XML_FROM_SCHEMASV ? "XSD" : "XML", SIP_MUST, c->file, e->line, "%s",
	    msg);
}

static void on_parse_error(void *arg, const xmlError *e)
{
	on_xsd_error(arg, e);
}

static void ignore_error(void *arg, const xmlError *e)
{
}

static int schema_path(const char *dir, const char *const *names, char *out, size_t cap)
{
	struct stat st;

	for (; *names; names++)
		if ((size_t)snprintf(out, cap, "%s/%s", dir, *names) < cap && stat(out, &st) == 0)
			return 1;
	return 0;
}

/* The wrapper schema: imports mets.xsd and the two DILCIS extension schemas,
 * so that the csip: and sip: attributes are checked strictly, not laxly. */
static xmlSchemaPtr load_mets_schema(const char *dir, struct err *err)
{
	static const char *const mets[] = {"mets.xsd", NULL};
	static const char *const csip[] = {"DILCISExtensionMETS.xsd", "CSIPExtensionMETS.xsd",
	                                   NULL};
	static const char *const sip[] = {"DILCISExtensionSIPMETS.xsd", "SIPExtensionMETS.xsd",
	                                  NULL};
	const char *const *names[] = {mets, csip, sip};
	const char *ns[] = {NS_METS, NS_CSIP, NS_SIP};
	char paths[3][PATH_MAX];
	xmlBufferPtr b = xmlBufferCreate();
	xmlTextWriterPtr w = b ? xmlNewTextWriterMemory(b, 0) : NULL;
	xmlSchemaParserCtxtPtr pc = NULL;
	xmlSchemaPtr s = NULL;
	int bad = !w;

	for (int i = 0; i < 3; i++)
		if (!schema_path(dir, names[i], paths[i], sizeof(paths[i]))) {
			err_set(err, KV_EINVAL, "--schemas %s: no %s in that folder", dir,
			        names[i][0]);
			goto out;
		}
	bad |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElementNS(w, X("xs"), X("schema"),
	                                   X("http://www.w3.org/2001/XMLSchema")) < 0;
	bad |= xmlTextWriterWriteAttribute(w, X("targetNamespace"),
	                                   X("urn:kanalvakt:sip-wrapper")) < 0;
	for (int i = 0; i < 3; i++) {
		bad |= xmlTextWriterStartElementNS(w, X("xs"), X("import"), NULL) < 0;
		bad |= xmlTextWriterWriteAttribute(w, X("namespace"), X(ns[i])) < 0;
		bad |= xmlTextWriterWriteAttribute(w, X("schemaLocation"), X(paths[i])) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	w = NULL;
	if (bad) {
		err_set(err, KV_EINTERNAL, "cannot write the wrapper schema");
		goto out;
	}
	pc = xmlSchemaNewMemParserCtxt((const char *)xmlBufferContent(b), xmlBufferLength(b));
	if (pc) {
		xmlSchemaSetParserStructuredErrors(pc, (xmlStructuredErrorFunc)ignore_error, NULL);
		s = xmlSchemaParse(pc);
	}
	if (!s)
		err_set(err, KV_EIO,
		        "cannot compile the METS schemas in %s (is the XLink schema mapped by %s?)",
		        dir, catalog_loaded ? "the catalog" : "a catalog: none was loaded");
out:
	xmlFreeTextWriter(w);
	xmlSchemaFreeParserCtxt(pc);
	xmlBufferFree(b);
	return s;
}

static xmlSchemaPtr load_premis_schema(const char *dir, struct err *err)
{
	static const char *const names[] = {"premis.xsd", "premis-v3-0.xsd", NULL};
	char path[PATH_MAX];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s = NULL;

	if (!schema_path(dir, names, path, sizeof(path))) {
		err_set(err, KV_EINVAL,
		        "--schemas %s: no premis.xsd (or premis-v3-0.xsd) in that folder", dir);
		return NULL;
	}
	pc = xmlSchemaNewParserCtxt(path);
	if (pc) {
		xmlSchemaSetParserStructuredErrors(pc, (xmlStructuredErrorFunc)ignore_error, NULL);
		s = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	if (!s)
		err_set(err, KV_EIO, "cannot compile the PREMIS schema %s", path);
	return s;
}

/* ---- requirement checks ---- */

enum scope { ON_ROOT = 1, ON_REP = 2, BOTH = 3, SIP_ONLY = 4 };

struct req {
	const char *id;
	enum sip_level level;
	unsigned scope;
	const char *xpath; /* true when the requirement holds */
	const char *msg;   /* what is wrong when it does not */
};

#define M   "/m:mets"
#define HDR M "/m:metsHdr"
#define SA  HDR "/m:agent[@OTHERTYPE='SOFTWARE']"
/* The CSIP structMap: LABEL "CSIP" (2.1), or "CSIP StructMap" as packages
 * made to CSIP 2.0 label it (reported as a warning, CSIP82). */
#define SM  M "/m:structMap[@LABEL='CSIP' or @LABEL='CSIP StructMap']"
#define DIV SM "/m:div/m:div"
#define MDREF_REQS(sec, a, b, c, d, e, f, g, h, i)                                                 \
	{a, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@LOCTYPE='URL')])",                           \
	 sec "/mdRef: LOCTYPE must be URL"},                                                       \
	        {b, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@xlink:type='simple')])",             \
	         sec "/mdRef: xlink:type must be simple"},                                         \
	        {c, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@xlink:href)])",                      \
	         sec "/mdRef: xlink:href missing"},                                                \
	        {d, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@MDTYPE)])",                          \
	         sec "/mdRef: MDTYPE missing"},                                                    \
	        {e, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@MIMETYPE)])",                        \
	         sec "/mdRef: MIMETYPE missing"},                                                  \
	        {f, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@SIZE)])",                            \
	         sec "/mdRef: SIZE missing"},                                                      \
	        {g, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@CREATED)])",                         \
	         sec "/mdRef: CREATED missing"},                                                   \
	        {h, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@CHECKSUM)])",                        \
	         sec "/mdRef: CHECKSUM missing"},                                                  \
	{                                                                                          \
		i, SIP_MUST, BOTH, "not(" sec "/m:mdRef[not(@CHECKSUMTYPE)])",                     \
		        sec "/mdRef: CHECKSUMTYPE missing"                                         \
	}

/* The content categories of CSIPVocabularyContentCategory (CSIP2). */
#define CATEGORIES                                                                                  \
	"'|Textual works – Print|Textual works – Digital|Textual works – Electronic Serials|" \
	"Digital Musical Composition (score-based representations)|Musical Scores - Print|"         \
	"Musical Scores - Digital|Photographs – Print|Photographs – Digital|"                   \
	"Other Graphic Images – Print|Other Graphic Images – Digital|Microforms|"               \
	"Audio – On Tangible Medium (digital or analog)|Audio – Media-independent (digital)|"   \
	"Motion Pictures – Digital and Physical Media|Video – File-based and Physical Media|"   \
	"Software|Software and Video Games|Email|Datasets|Geospatial Data|"                         \
	"Geographic Information System (GIS) - Vector Data|GIS Raster and Georeferenced Images|"    \
	"GIS Vector and Raster Combined|Non-GIS Cartographic|2D and 3D Computer Aided Design|"      \
	"Design (schematics, architectural drawings) - Print|"                                      \
	"Scanned 3D Objects (output from photogrammetry scanning)|Databases|Websites|"              \
	"Web Archives|Collection|Event|Image|Interactive resource|Moving image|Sound|"              \
	"Still image|Text|Physical object|Service|Mixed|Other|'"

static const struct req reqs[] = {
        {"CSIP1", SIP_MUST, BOTH, "boolean(" M "/@OBJID[normalize-space(.)!=''])",
         "mets/@OBJID (the package identifier) is missing"},
        {"CSIP2", SIP_MUST, BOTH, "boolean(" M "/@TYPE)",
         "mets/@TYPE (the content category) is missing"},
        {"CSIP2", SIP_MUST, BOTH,
         "not(" M "/@TYPE) or contains(" CATEGORIES ", concat('|', " M "/@TYPE, '|'))",
         "mets/@TYPE is not a term of the CSIP content category vocabulary"},
        {"CSIP3", SIP_SHOULD, BOTH,
         "not(" M "/@TYPE='Other' or " M "/@TYPE='OTHER') or boolean(" M "/@csip:OTHERTYPE)",
         "mets/@TYPE is Other but mets/@csip:OTHERTYPE does not say what"},
        {"CSIP4", SIP_SHOULD, ON_ROOT, "boolean(" M "/@csip:CONTENTINFORMATIONTYPE)",
         "mets/@csip:CONTENTINFORMATIONTYPE is missing"},
        {"CSIP4", SIP_MUST, ON_REP, "boolean(" M "/@csip:CONTENTINFORMATIONTYPE)",
         "mets/@csip:CONTENTINFORMATIONTYPE is missing (mandatory for a representation)"},
        {"CSIP5", SIP_SHOULD, BOTH,
         "not(" M "/@csip:CONTENTINFORMATIONTYPE='OTHER') or boolean(" M
         "/@csip:OTHERCONTENTINFORMATIONTYPE)",
         "CONTENTINFORMATIONTYPE is OTHER but OTHERCONTENTINFORMATIONTYPE is missing"},
        {"CSIP6", SIP_MUST, BOTH, "boolean(" M "/@PROFILE)", "mets/@PROFILE is missing"},
        {"CSIP117", SIP_MUST, BOTH, "count(" HDR ")=1", "there must be one mets/metsHdr"},
        {"CSIP7", SIP_MUST, BOTH, "boolean(" HDR "/@CREATEDATE)",
         "mets/metsHdr/@CREATEDATE is missing"},
        {"CSIP9", SIP_MUST, BOTH, "boolean(" HDR "/@csip:OAISPACKAGETYPE)",
         "mets/metsHdr/@csip:OAISPACKAGETYPE is missing"},
        {"CSIP10", SIP_MUST, BOTH, "count(" HDR "/m:agent)>=1", "mets/metsHdr has no agent"},
        {"CSIP13", SIP_MUST, BOTH, "count(" SA ")>=1",
         "no metsHdr/agent with OTHERTYPE SOFTWARE (the software that made the package)"},
        {"CSIP11", SIP_MUST, BOTH, "count(" SA "[@ROLE='CREATOR'])>=1",
         "the software agent's ROLE is not CREATOR"},
        {"CSIP12", SIP_MUST, BOTH, "count(" SA "[@TYPE='OTHER'])>=1",
         "the software agent's TYPE is not OTHER"},
        {"CSIP14", SIP_MUST, BOTH, "count(" SA "/m:name)>=1", "the software agent has no name"},
        {"CSIP15", SIP_MUST, BOTH, "count(" SA "/m:note)>=1",
         "the software agent has no note with its version"},
        {"CSIP16", SIP_MUST, BOTH, "count(" SA "/m:note[@csip:NOTETYPE='SOFTWARE VERSION'])>=1",
         "the software agent's note is not typed SOFTWARE VERSION"},
        {"CSIP17", SIP_SHOULD, ON_ROOT, "count(" M "/m:dmdSec)>=1",
         "no descriptive metadata (dmdSec)"},
        {"CSIP18", SIP_MUST, BOTH, "not(" M "/m:dmdSec[not(@ID)])", "a dmdSec has no ID"},
        {"CSIP19", SIP_MUST, BOTH, "not(" M "/m:dmdSec[not(@CREATED)])", "a dmdSec has no CREATED"},
        MDREF_REQS(M "/m:dmdSec", "CSIP22", "CSIP23", "CSIP24", "CSIP25", "CSIP26", "CSIP27",
                   "CSIP28", "CSIP29", "CSIP30"),
        {"CSIP31", SIP_SHOULD, ON_ROOT, "count(" M "/m:amdSec)>=1",
         "no administrative metadata (amdSec)"},
        {"CSIP33", SIP_MUST, BOTH, "not(" M "/m:amdSec/m:digiprovMD[not(@ID)])",
         "a digiprovMD has no ID"},
        MDREF_REQS(M "/m:amdSec/m:digiprovMD", "CSIP36", "CSIP37", "CSIP38", "CSIP39", "CSIP40",
                   "CSIP41", "CSIP42", "CSIP43", "CSIP44"),
        {"CSIP46", SIP_MUST, BOTH, "not(" M "/m:amdSec/m:rightsMD[not(@ID)])",
         "a rightsMD has no ID"},
        MDREF_REQS(M "/m:amdSec/m:rightsMD", "CSIP49", "CSIP50", "CSIP51", "CSIP52", "CSIP53",
                   "CSIP54", "CSIP55", "CSIP56", "CSIP57"),
        {"CSIP58", SIP_SHOULD, BOTH, "count(" M "/m:fileSec)<=1", "more than one fileSec"},
        {"CSIP59", SIP_MUST, BOTH, "not(" M "/m:fileSec[not(@ID)])", "mets/fileSec has no ID"},
        {"CSIP64", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp[not(@USE)])",
         "a fileGrp has no USE"},
        {"CSIP65", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp[not(@ID)])",
         "a fileGrp has no ID"},
        {"CSIP66", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp[not(m:file)])",
         "a fileGrp holds no file"},
        {"CSIP67", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[not(@ID)])",
         "a file has no ID"},
        {"CSIP68", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[not(@MIMETYPE)])",
         "a file has no MIMETYPE"},
        {"CSIP69", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[not(@SIZE)])",
         "a file has no SIZE"},
        {"CSIP70", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[not(@CREATED)])",
         "a file has no CREATED"},
        {"CSIP71", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[not(@CHECKSUM)])",
         "a file has no CHECKSUM"},
        {"CSIP72", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[not(@CHECKSUMTYPE)])",
         "a file has no CHECKSUMTYPE"},
        {"CSIP76", SIP_MUST, BOTH, "not(" M "/m:fileSec/m:fileGrp/m:file[count(m:FLocat)!=1])",
         "a file has not exactly one FLocat"},
        {"CSIP77", SIP_MUST, BOTH, "not(" M "//m:file/m:FLocat[not(@LOCTYPE='URL')])",
         "an FLocat's LOCTYPE is not URL"},
        {"CSIP78", SIP_MUST, BOTH, "not(" M "//m:file/m:FLocat[not(@xlink:type='simple')])",
         "an FLocat's xlink:type is not simple"},
        {"CSIP79", SIP_MUST, BOTH, "not(" M "//m:file/m:FLocat[not(@xlink:href)])",
         "an FLocat has no xlink:href"},
        {"CSIP80", SIP_MUST, BOTH, "count(" M "/m:structMap)>=1", "there is no structMap"},
        {"CSIP82", SIP_MUST, BOTH, "count(" SM ")=1", "there must be one structMap labelled CSIP"},
        {"CSIP82", SIP_SHOULD, BOTH, "count(" SM ")=0 or count(" M "/m:structMap[@LABEL='CSIP'])=1",
         "the structMap is labelled 'CSIP StructMap' as in CSIP 2.0; CSIP 2.1 says 'CSIP'"},
        {"CSIP81", SIP_MUST, BOTH, "not(" SM ") or count(" SM "[@TYPE='PHYSICAL'])=1",
         "the CSIP structMap's TYPE is not PHYSICAL"},
        {"CSIP83", SIP_MUST, BOTH, "not(" SM "[not(@ID)])", "the CSIP structMap has no ID"},
        {"CSIP84", SIP_MUST, BOTH, "not(" SM ") or count(" SM "/m:div)=1",
         "the CSIP structMap must hold one div"},
        {"CSIP85", SIP_MUST, BOTH, "not(" SM "/m:div[not(@ID)])",
         "the structMap's main div has no ID"},
        {"CSIP88", SIP_MUST, ON_ROOT,
         "not(" M "/m:dmdSec or " M "/m:amdSec) or count(" DIV "[@LABEL='Metadata'])=1",
         "there is metadata but no structMap div labelled Metadata"},
        {"CSIP89", SIP_MUST, BOTH, "not(" DIV "[@LABEL='Metadata'][not(@ID)])",
         "the Metadata div has no ID"},
        {"CSIP91", SIP_SHOULD, ON_ROOT,
         "not(" M "/m:amdSec/*[@STATUS='CURRENT'][not(contains(concat(' ', " DIV
         "[@LABEL='Metadata']/@ADMID, ' '), concat(' ', @ID, ' ')))])",
         "a current administrative metadata section is not referenced by the Metadata div"},
        {"CSIP92", SIP_SHOULD, ON_ROOT,
         "not(" M "/m:dmdSec[@STATUS='CURRENT'][not(contains(concat(' ', " DIV
         "[@LABEL='Metadata']/@DMDID, ' '), concat(' ', @ID, ' ')))])",
         "a current descriptive metadata section is not referenced by the Metadata div"},
        {"CSIP93", SIP_SHOULD, ON_ROOT,
         "not(" M "/m:fileSec/m:fileGrp[@USE='Documentation']) or count(" DIV
         "[@LABEL='Documentation'])=1",
         "documentation files but no structMap div labelled Documentation"},
        {"CSIP94", SIP_MUST, BOTH, "not(" DIV "[@LABEL='Documentation'][not(@ID)])",
         "the Documentation div has no ID"},
        /* CSIP 2.0 referred to the file groups with div/@CONTENTIDS: such a
         * package gets a warning for the fptr of 2.1, not an error. */
        {"CSIP96", SIP_MUST, BOTH,
         "boolean(" DIV "[@LABEL='Documentation'][@CONTENTIDS]) or not(" M
         "/m:fileSec/m:fileGrp[@USE='Documentation'][not(@ID = " DIV
         "[@LABEL='Documentation']/m:fptr/@FILEID)])",
         "a Documentation fileGrp is not referenced by an fptr of the Documentation div"},
        {"CSIP96", SIP_SHOULD, BOTH,
         "not(" DIV "[@LABEL='Documentation'][@CONTENTIDS]) or not(" M
         "/m:fileSec/m:fileGrp[@USE='Documentation'][not(@ID = " DIV
         "[@LABEL='Documentation']/m:fptr/@FILEID)])",
         "the Documentation div refers to its files by CONTENTIDS (CSIP 2.0), not by fptr"},
        {"CSIP97", SIP_SHOULD, ON_ROOT,
         "not(" M "/m:fileSec/m:fileGrp[@USE='Schemas']) or count(" DIV "[@LABEL='Schemas'])=1",
         "schema files but no structMap div labelled Schemas"},
        {"CSIP98", SIP_MUST, BOTH, "not(" DIV "[@LABEL='Schemas'][not(@ID)])",
         "the Schemas div has no ID"},
        {"CSIP100", SIP_MUST, BOTH,
         "boolean(" DIV "[@LABEL='Schemas'][@CONTENTIDS]) or not(" M
         "/m:fileSec/m:fileGrp[@USE='Schemas'][not(@ID = " DIV
         "[@LABEL='Schemas']/m:fptr/@FILEID)])",
         "a Schemas fileGrp is not referenced by an fptr of the Schemas div"},
        {"CSIP100", SIP_SHOULD, BOTH,
         "not(" DIV "[@LABEL='Schemas'][@CONTENTIDS]) or not(" M
         "/m:fileSec/m:fileGrp[@USE='Schemas'][not(@ID = " DIV
         "[@LABEL='Schemas']/m:fptr/@FILEID)])",
         "the Schemas div refers to its files by CONTENTIDS (CSIP 2.0), not by fptr"},
        {"CSIP105", SIP_SHOULD, ON_ROOT,
         "not(" M "/m:fileSec/m:fileGrp[starts-with(@USE, 'Representations/')][not(@USE = " DIV
         "/@LABEL)])",
         "a representation's fileGrp has no structMap div of the same label"},
        {"CSIP106", SIP_MUST, ON_ROOT,
         "not(" DIV "[starts-with(@LABEL, 'Representations')][not(@ID)])",
         "a representation div has no ID"},
        {"CSIP108", SIP_MUST, ON_ROOT,
         "not(" M "/m:fileSec/m:fileGrp[starts-with(@USE, 'Representations')][not(@ID = " DIV
         "/m:fptr/@FILEID)])",
         "a Representations fileGrp is not referenced by an fptr of the structMap"},
        {"CSIP109", SIP_MUST, ON_ROOT,
         "not(" DIV "[starts-with(@LABEL, 'Representations/')][count(m:mptr)!=1])",
         "a representation div has not exactly one mptr to its METS.xml"},
        {"CSIP110", SIP_MUST, ON_ROOT, "not(" DIV "/m:mptr[not(@xlink:href)])",
         "an mptr has no xlink:href"},
        {"CSIP111", SIP_MUST, ON_ROOT, "not(" DIV "/m:mptr[not(@xlink:type='simple')])",
         "an mptr's xlink:type is not simple"},
        {"CSIP112", SIP_MUST, ON_ROOT, "not(" DIV "/m:mptr[not(@LOCTYPE='URL')])",
         "an mptr's LOCTYPE is not URL"},
        /* E-ARK SIP 2.1 */
        {"SIP2", SIP_MUST, ON_ROOT | SIP_ONLY, M "/@PROFILE='" SIP_PROFILE_URL "'",
         "mets/@PROFILE is not " SIP_PROFILE_URL},
        {"SIP4", SIP_MUST, ON_ROOT | SIP_ONLY, HDR "/@csip:OAISPACKAGETYPE='SIP'",
         "metsHdr/@csip:OAISPACKAGETYPE is not SIP"},
        {"SIP11", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='ARCHIVIST'][not(@TYPE='ORGANIZATION' or "
         "@TYPE='INDIVIDUAL')])",
         "the archival creator agent's TYPE is not ORGANIZATION or INDIVIDUAL"},
        {"SIP14", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='ARCHIVIST']/m:note[not(@csip:NOTETYPE='IDENTIFICATIONCODE')])",
         "the archival creator agent's note is not typed IDENTIFICATIONCODE"},
        {"SIP15", SIP_MUST, ON_ROOT | SIP_ONLY,
         "count(" HDR "/m:agent[@ROLE='CREATOR'][@TYPE='ORGANIZATION' or @TYPE='INDIVIDUAL'])>=1",
         "no submitting agent (agent ROLE CREATOR, TYPE ORGANIZATION or INDIVIDUAL)"},
        {"SIP18", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='CREATOR'][@TYPE='ORGANIZATION'][not(m:name)])",
         "the submitting agent has no name"},
        {"SIP20", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='CREATOR'][@TYPE='ORGANIZATION']/m:note[not(@csip:NOTETYPE="
         "'IDENTIFICATIONCODE')])",
         "the submitting agent's note is not typed IDENTIFICATIONCODE"},
        {"SIP24", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='CREATOR'][@TYPE='INDIVIDUAL'][not(m:name)])",
         "the contact person agent has no name"},
        {"SIP28", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='PRESERVATION'][not(@TYPE='ORGANIZATION')])",
         "the preservation agent's TYPE is not ORGANIZATION"},
        {"SIP31", SIP_MUST, ON_ROOT | SIP_ONLY,
         "not(" HDR "/m:agent[@ROLE='PRESERVATION']/m:note[not(@csip:NOTETYPE="
         "'IDENTIFICATIONCODE')])",
         "the preservation agent's note is not typed IDENTIFICATIONCODE"},
};

static xmlXPathContextPtr xpath_ctx(xmlDocPtr doc)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);

	if (!x)
		return NULL;
	xmlXPathRegisterNs(x, X("m"), X(NS_METS));
	xmlXPathRegisterNs(x, X("csip"), X(NS_CSIP));
	xmlXPathRegisterNs(x, X("sip"), X(NS_SIP));
	xmlXPathRegisterNs(x, X("xlink"), X(NS_XLINK));
	return x;
}

static int xp_bool(xmlXPathContextPtr x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(X(expr), x);
	int v = o ? xmlXPathCastToBoolean(o) : -1;

	xmlXPathFreeObject(o);
	return v;
}

static int run_reqs(struct sip_report *r, xmlXPathContextPtr x, unsigned scope, int sip,
                    const char *file)
{
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		int v;

		if (!(reqs[i].scope & scope) || ((reqs[i].scope & SIP_ONLY) && !sip))
			continue;
		v = xp_bool(x, reqs[i].xpath);
		r->checks_run++;
		if (v < 0)
			return KV_EINTERNAL; /* a check of ours does not compile */
		if (!v)
			add(r, reqs[i].id, reqs[i].level, file, 0, "%s", reqs[i].msg);
	}
	return KV_OK;
}

/* ---- files and checksums ---- */

static const EVP_MD *digest_for(const char *type)
{
	if (!type)
		return NULL;
	if (strcmp(type, "SHA-256") == 0)
		return EVP_sha256();
	if (strcmp(type, "SHA-512") == 0)
		return EVP_sha512();
	if (strcmp(type, "SHA-384") == 0)
		return EVP_sha384();
	if (strcmp(type, "SHA-1") == 0)
		return EVP_sha1();
	if (strcmp(type, "MD5") == 0)
		return EVP_md5();
	return NULL;
}

static int hash_file(const char *path, const EVP_MD *md, char *hex, size_t cap, int64_t *size)
{
	unsigned char d[EVP_MAX_MD_SIZE], chunk[65536];
	unsigned dl = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t n;
	int ok = c && f && EVP_DigestInit_ex(c, md, NULL);

	*size = 0;
	while (ok && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		ok = EVP_DigestUpdate(c, chunk, n);
		*size += (int64_t)n;
	}
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(c, d, &dl);
	if (f)
		fclose(f);
	EVP_MD_CTX_free(c);
	if (!ok || 2 * dl + 1 > cap)
		return -1;
	for (unsigned i = 0; i < dl; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* Resolves href (relative to base_dir) to a path inside pkg_dir. 0 on
 * success; -1 when it is absolute, remote or leaves the package. */
static int resolve(const char *pkg_dir, const char *base_dir, const char *href, char *out,
                   size_t cap)
{
	char *dec, *p;
	int up = 0;

	if (strncmp(href, "file://", 7) == 0)
		return -1;
	if (strncmp(href, "file:", 5) == 0)
		href += 5;
	if (href[0] == '/' || strstr(href, "://"))
		return -1;
	dec = (char *)xmlURIUnescapeString(href, 0, NULL);
	if (!dec)
		return -1;
	for (p = dec; *p; p++)
		if ((p == dec || p[-1] == '/') && p[0] == '.' && p[1] == '.' &&
		    (!p[2] || p[2] == '/'))
			up = 1;
	if (up || (size_t)snprintf(out, cap, "%s/%s", base_dir, dec) >= cap) {
		xmlFree(dec);
		return -1;
	}
	xmlFree(dec);
	(void)pkg_dir;
	return 0;
}

static char *prop(xmlNodePtr n, const char *name)
{
	return (char *)xmlGetProp(n, X(name));
}

/* Compares one file entry (file/FLocat or mdRef) with the file. */
static void check_entry(struct sip_report *r, const char *pkg, const char *base,
                        const char *mets_rel, xmlNodePtr holder, xmlNodePtr loc)
{
	char *href = (char *)xmlGetNsProp(loc, X("href"), X(NS_XLINK));
	char *sum = prop(holder, "CHECKSUM"), *type = prop(holder, "CHECKSUMTYPE");
	char *size = prop(holder, "SIZE");
	char path[PATH_MAX], hex[2 * EVP_MAX_MD_SIZE + 1];
	const EVP_MD *md = digest_for(type);
	long line = (long)xmlGetLineNo(holder);
	int64_t got = 0;
	struct stat st;

	if (!href)
		goto out; /* CSIP79 / CSIP24 report it */
	if (resolve(pkg, base, href, path, sizeof(path)) != 0) {
		add(r, "CSIP79", SIP_MUST, mets_rel, line,
		    "xlink:href '%s' is not a relative path inside the package", href);
		goto out;
	}
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		add(r, "CSIP79", SIP_MUST, mets_rel, line, "xlink:href '%s' names no file", href);
		goto out;
	}
	if (!sum || !type)
		goto out; /* CSIP71/72 report it */
	if (!md) {
		add(r, "CSIP72", SIP_SHOULD, mets_rel, line,
		    "checksum type '%s' of %s is not one this validator computes", type, href);
		goto out;
	}
	if (hash_file(path, md, hex, sizeof(hex), &got) != 0) {
		add(r, "CHECKSUM", SIP_MUST, mets_rel, line, "%s cannot be read", href);
		goto out;
	}
	r->files_checked++;
	if (strcasecmp(hex, sum) != 0)
		add(r, "CHECKSUM", SIP_MUST, mets_rel, line,
		    "%s: %s is %s, the METS says %s (the file was changed)", href, type, hex, sum);
	if (size) {
		char *end = NULL;
		long long want = strtoll(size, &end, 10);

		if (!end || *end || want != (long long)got)
			add(r, "CHECKSUM", SIP_MUST, mets_rel, line,
			    "%s: %lld bytes, the METS says %s", href, (long long)got, size);
	}
out:
	xmlFree(href);
	xmlFree(sum);
	xmlFree(type);
	xmlFree(size);
}

static void check_files(struct sip_report *r, const char *pkg, const char *base,
                        const char *mets_rel, xmlXPathContextPtr x)
{
	xmlXPathObjectPtr o;

	o = xmlXPathEvalExpression(X(M "/m:fileSec//m:file/m:FLocat"), x);
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr loc = o->nodesetval->nodeTab[i];

		check_entry(r, pkg, base, mets_rel, loc->parent, loc);
	}
	xmlXPathFreeObject(o);
	o = xmlXPathEvalExpression(X(M "//m:mdRef"), x);
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];

		check_entry(r, pkg, base, mets_rel, n, n);
	}
	xmlXPathFreeObject(o);
}

/* Reads an XML file through (validating with schema when given), streamed. */
static void stream_check(struct sip_report *r, const char *path, const char *rel,
                         xmlSchemaPtr schema)
{
	struct xsd_ctx c = {r, rel};
	xmlTextReaderPtr rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	int ret;

	if (!rd) {
		add(r, "XML", SIP_MUST, rel, 0, "cannot be read as XML");
		return;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, (xmlStructuredErrorFunc)on_parse_error, &c);
	if (schema && xmlTextReaderSetSchema(rd, schema) != 0)
		add(r, "XSD", SIP_MUST, rel, 0, "cannot attach the schema");
	while ((ret = xmlTextReaderRead(rd)) == 1)
		;
	if (ret < 0 && r->errors == 0)
		add(r, "XML", SIP_MUST, rel, 0, "not well-formed");
	if (schema && xmlTextReaderIsValid(rd) == 0 && r->errors == 0)
		add(r, "XSD", SIP_MUST, rel, 0, "not valid against its schema");
	xmlFreeTextReader(rd);
}

/* The metadata files in mdRefs: PREMIS validated, other XML checked for
 * well-formedness. */
static void check_metadata_files(struct sip_report *r, const char *base, const char *rel_base,
                                 xmlXPathContextPtr x, xmlSchemaPtr premis)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(X(M "//m:mdRef"), x);

	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];
		char *href = (char *)xmlGetNsProp(n, X("href"), X(NS_XLINK));
		char *type = prop(n, "MDTYPE"), *mime = prop(n, "MIMETYPE");
		char path[PATH_MAX], rel[PATH_MAX];
		struct stat st;

		if (href && resolve(NULL, base, href, path, sizeof(path)) == 0 &&
		    stat(path, &st) == 0 &&
		    ((mime && strstr(mime, "xml")) || (type && strcmp(type, "PREMIS") == 0))) {
			snprintf(rel, sizeof(rel), "%s%s", rel_base, href);
			stream_check(r, path, rel,
			             type && strcmp(type, "PREMIS") == 0 ? premis : NULL);
		}
		xmlFree(href);
		xmlFree(type);
		xmlFree(mime);
	}
	xmlXPathFreeObject(o);
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 when folder p holds a file other than dot files (.gitkeep), at any
 * depth. */
static int dir_has_files(const char *p)
{
	DIR *d = opendir(p);
	struct dirent *de;
	char sub[PATH_MAX];
	struct stat st;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", p, de->d_name) >= sizeof(sub) ||
		    lstat(sub, &st) != 0)
			continue;
		found = S_ISDIR(st.st_mode) ? dir_has_files(sub) : 1;
	}
	closedir(d);
	return found;
}

/* One METS document: parse, XSD, requirements, files. rel_base is the
 * folder of the document inside the package ("" or "representations/x/"). */
static int check_mets(struct sip_report *r, const char *pkg, const char *rel_base, unsigned scope,
                      xmlSchemaPtr mets_schema, xmlSchemaPtr premis, int force_sip, xmlDocPtr *keep)
{
	char path[PATH_MAX + 16], base[PATH_MAX], rel[PATH_MAX + 16];
	struct xsd_ctx c;
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr x = NULL;
	int rc = KV_OK;

	snprintf(base, sizeof(base), "%s/%s", pkg, rel_base);
	snprintf(path, sizeof(path), "%sMETS.xml", base);
	snprintf(rel, sizeof(rel), "%sMETS.xml", rel_base);
	c.r = r;
	c.file = rel;
	pc = xmlNewParserCtxt();
	if (!pc)
		return KV_ENOMEM;
	xmlSetStructuredErrorFunc(&c, (xmlStructuredErrorFunc)on_parse_error);
	doc = xmlCtxtReadFile(pc, path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(pc);
	if (!doc) {
		add(r, "XML", SIP_MUST, rel, 0, "not well-formed XML; nothing more checked in it");
		return KV_OK;
	}
	if (mets_schema) {
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(mets_schema);

		if (!vc) {
			rc = KV_ENOMEM;
			goto out;
		}
		xmlSchemaSetValidStructuredErrors(vc, (xmlStructuredErrorFunc)on_xsd_error, &c);
		if (xmlSchemaValidateDoc(vc, doc) != 0 && r->errors == 0)
			add(r, "XSD", SIP_MUST, rel, 0, "not valid against the METS schemas");
		xmlSchemaFreeValidCtxt(vc);
	}
	x = xpath_ctx(doc);
	if (!x) {
		rc = KV_ENOMEM;
		goto out;
	}
	if (scope & ON_ROOT) {
		char *profile = (char *)xmlGetProp(xmlDocGetRootElement(doc), X("PROFILE"));

		r->sip_profile = force_sip || (profile && strcmp(profile, SIP_PROFILE_URL) == 0);
		xmlFree(profile);
	}
	rc = run_reqs(r, x, scope, r->sip_profile, rel);
	if (rc)
		goto out;
	check_files(r, pkg, base, rel, x);
	check_metadata_files(r, base, rel_base, x, premis);
out:
	xmlXPathFreeContext(x);
	if (keep && rc == KV_OK)
		*keep = doc;
	else
		xmlFreeDoc(doc);
	return rc;
}

/* The representation METS files the root METS points to (mptr). */
static int check_reps(struct sip_report *r, const char *pkg, xmlDocPtr root,
                      xmlSchemaPtr mets_schema, xmlSchemaPtr premis)
{
	xmlXPathContextPtr x = xpath_ctx(root);
	xmlXPathObjectPtr o = x ? xmlXPathEvalExpression(X(DIV "/m:mptr"), x) : NULL;
	int rc = KV_OK;

	for (int i = 0; rc == KV_OK && o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		char *href =
		        (char *)xmlGetNsProp(o->nodesetval->nodeTab[i], X("href"), X(NS_XLINK));
		char path[PATH_MAX], rel_base[PATH_MAX];
		size_t n;
		struct stat st;

		if (href && resolve(pkg, pkg, href, path, sizeof(path)) == 0 &&
		    stat(path, &st) == 0) {
			n = strlen(href);
			if (n >= 8 && strcmp(href + n - 8, "METS.xml") == 0) {
				snprintf(rel_base, sizeof(rel_base), "%.*s", (int)(n - 8), href);
				rc = check_mets(r, pkg, rel_base, ON_REP, mets_schema, premis, 0,
				                NULL);
			}
		} else if (href) {
			add(r, "CSIP110", SIP_MUST, "METS.xml", 0,
			    "mptr xlink:href '%s' names no representation METS", href);
		}
		xmlFree(href);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(x);
	return rc;
}

/* Folder structure (CSIPSTR) and the file groups that depend on it. */
static void check_structure(struct sip_report *r, const char *pkg, xmlDocPtr root)
{
	char p[PATH_MAX + 32];
	const char *base = strrchr(pkg, '/');
	xmlXPathContextPtr x = root ? xpath_ctx(root) : NULL;

	base = base && base[1] ? base + 1 : pkg;
	snprintf(p, sizeof(p), "%s/metadata", pkg);
	if (!is_dir(p))
		add(r, "CSIPSTR5", SIP_SHOULD, "", 0, "no metadata folder");
	snprintf(p, sizeof(p), "%s/representations", pkg);
	if (!is_dir(p))
		add(r, "CSIPSTR9", SIP_SHOULD, "", 0, "no representations folder");
	snprintf(p, sizeof(p), "%s/schemas", pkg);
	if (!is_dir(p))
		add(r, "CSIPSTR15", SIP_SHOULD, "", 0, "no schemas folder");
	if (x) {
		xmlXPathObjectPtr o = xmlXPathEvalExpression(X("string(" M "/@OBJID)"), x);
		const char *objid = o && o->stringval ? (const char *)o->stringval : "";

		if (*objid && strcmp(objid, base) != 0)
			add(r, "CSIPSTR2", SIP_SHOULD, "", 0,
			    "the package folder '%s' is not named after its OBJID '%s'", base,
			    objid);
		xmlXPathFreeObject(o);
		snprintf(p, sizeof(p), "%s/documentation", pkg);
		if (dir_has_files(p) &&
		    !xp_bool(x, "count(" M "/m:fileSec/m:fileGrp[@USE='Documentation'])>=1"))
			add(r, "CSIP60", SIP_MUST, "METS.xml", 0,
			    "there is a documentation folder but no fileGrp USE=\"Documentation\"");
		snprintf(p, sizeof(p), "%s/schemas", pkg);
		if (dir_has_files(p) &&
		    !xp_bool(x, "count(" M "/m:fileSec/m:fileGrp[@USE='Schemas'])>=1"))
			add(r, "CSIP113", SIP_MUST, "METS.xml", 0,
			    "there is a schemas folder but no fileGrp USE=\"Schemas\"");
		snprintf(p, sizeof(p), "%s/representations", pkg);
		if (dir_has_files(p) &&
		    !xp_bool(x, "count(" M
		                "/m:fileSec/m:fileGrp[starts-with(@USE, 'Representations')])>=1"))
			add(r, "CSIP114", SIP_MUST, "METS.xml", 0,
			    "there is a representations folder but no fileGrp whose USE starts "
			    "with \"Representations\"");
		r->checks_run += 4;
		xmlXPathFreeContext(x);
	}
}

int sip_validate(const struct op_ctx *op, const char *dir, const struct sip_validate_opts *o,
                 struct sip_report *out, struct err *err)
{
	struct sip_validate_opts none = {0};
	xmlSchemaPtr mets_schema = NULL, premis = NULL;
	xmlDocPtr root = NULL;
	char pkg[PATH_MAX], mets[PATH_MAX + 16];
	struct stat st;
	int rc;

	if (!o)
		o = &none;
	memset(out, 0, sizeof(*out));
	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	if (!dir || !realpath(dir, pkg) || !is_dir(pkg))
		return err_set(err, KV_EINVAL, "%s is not a folder", dir ? dir : "(none)");
	pthread_once(&init_once, init);
	if (o->schemas) {
		mets_schema = load_mets_schema(o->schemas, err);
		if (!mets_schema)
			return err->code ? err->code : KV_EIO;
		premis = load_premis_schema(o->schemas, err);
		if (!premis) {
			xmlSchemaFree(mets_schema);
			return err->code ? err->code : KV_EIO;
		}
		out->xsd = 1;
	}
	snprintf(mets, sizeof(mets), "%s/METS.xml", pkg);
	if (stat(mets, &st) != 0) {
		add(out, "CSIPSTR4", SIP_MUST, "", 0, "the package folder has no METS.xml");
	} else {
		rc = check_mets(out, pkg, "", ON_ROOT, mets_schema, premis, o->force_sip, &root);
		if (!rc && root)
			rc = check_reps(out, pkg, root, mets_schema, premis);
	}
	check_structure(out, pkg, root);
	xmlFreeDoc(root);
	xmlSchemaFree(mets_schema);
	xmlSchemaFree(premis);
	if (rc)
		return err_set(err, rc, "validating %s failed (%s)", dir, err_name(rc));
	if (op->store) {
		json_t *after = json_pack("{s:s,s:I,s:I,s:b}", "path", pkg, "errors",
		                          (json_int_t)out->errors, "warnings",
		                          (json_int_t)out->warnings, "xsd", out->xsd);
		char *js = after ? json_dumps(after, JSON_COMPACT) : NULL;

		json_decref(after);
		rc = audit_append(op->store, NULL, op->org, op_ctx_actor(op), "archive.validate",
		                  "archive_package", pkg, NULL, js, err);
		free(js);
	}
	return rc;
}

int sip_validate_checksums(const char *dir, struct sip_report *out, struct err *err)
{
	char pkg[PATH_MAX], path[PATH_MAX + 16];
	const char *bases[64];
	char rep_bases[64][PATH_MAX];
	size_t nb = 0;
	xmlDocPtr doc;
	xmlXPathContextPtr x;
	xmlXPathObjectPtr o;

	memset(out, 0, sizeof(*out));
	if (!dir || !realpath(dir, pkg) || !is_dir(pkg))
		return err_set(err, KV_EINVAL, "%s is not a folder", dir ? dir : "(none)");
	pthread_once(&init_once, init);
	snprintf(path, sizeof(path), "%s/METS.xml", pkg);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	if (!doc) {
		add(out, "XML", SIP_MUST, "METS.xml", 0, "missing or not well-formed");
		return KV_OK;
	}
	x = xpath_ctx(doc);
	if (!x) {
		xmlFreeDoc(doc);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	check_files(out, pkg, pkg, "METS.xml", x);
	bases[nb++] = "";
	o = xmlXPathEvalExpression(X(DIV "/m:mptr"), x);
	for (int i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr && nb < 64; i++) {
		char *href =
		        (char *)xmlGetNsProp(o->nodesetval->nodeTab[i], X("href"), X(NS_XLINK));
		size_t n = href ? strlen(href) : 0;

		if (n >= 8 && strcmp(href + n - 8, "METS.xml") == 0 && !strstr(href, "..")) {
			snprintf(rep_bases[nb], sizeof(rep_bases[nb]), "%.*s", (int)(n - 8), href);
			bases[nb] = rep_bases[nb];
			nb++;
		}
		xmlFree(href);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
	for (size_t i = 1; i < nb; i++) {
		char base[PATH_MAX + 2], rel[PATH_MAX + 16];

		snprintf(base, sizeof(base), "%s/%s", pkg, bases[i]);
		snprintf(path, sizeof(path), "%sMETS.xml", base);
		snprintf(rel, sizeof(rel), "%sMETS.xml", bases[i]);
		doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
		if (!doc) {
			add(out, "XML", SIP_MUST, rel, 0, "missing or not well-formed");
			continue;
		}
		x = xpath_ctx(doc);
		if (x)
			check_files(out, pkg, base, rel, x);
		xmlXPathFreeContext(x);
		xmlFreeDoc(doc);
	}
	return KV_OK;
}
