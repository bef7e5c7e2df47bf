/* Tests for the e-archive package (records/sip with store/archive_rows) and
 * its validator's requirement checks (records/sip_validate): every item of
 * the period and only those, media copied by hash, the items marked with
 * the OBJID, preservation events, refused output folders that leave nothing
 * behind, the permission check, and the requirement ids a damaged package
 * is reported by. XSD validation against the real schemas is in
 * tests/conformance/eark_sip.sh. */
#include "testlib.h"
#include "wf_fixture.h"

#include "model/op_ctx.h"
#include "model/principal.h"
#include "records/sip.h"
#include "records/sip_validate.h"
#include "store/blob.h"
#include "store/media_rows.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

struct sipfx {
	struct wf wf;
	struct principal who;
	struct op_ctx op;
	int64_t in1, in2, out1, media_item;
	char sha[65];
};

static void setup(struct sipfx *f)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = "p1",
	                  .kind = ITEM_COMMENT,
	                  .text = "andra versionen",
	                  .source = "test"};
	struct item_write w = {0};
	struct item_put_result res = {0};
	struct item_event ev = {
	        .platform = "facebook", .platform_id = "p2", .kind = ITEM_EV_DELETED};
	enum item_outcome oc;
	struct err e = {0};
	int64_t media_id = 0;
	static const char jpeg[] = "\xff\xd8\xff\xe0 not really a picture";

	f->wf = wf_setup();
	f->in1 = wf_item(&f->wf, f->wf.fb, "p1", NULL, NULL, 0, ITEM_COMMENT, "2026-03-01 10:00",
	                 "question");
	f->in2 =
	        wf_item(&f->wf, f->wf.fb, "p2", NULL, NULL, 1, ITEM_POST, "2026-04-30 23:30", NULL);
	f->out1 = wf_item(&f->wf, f->wf.fb, "p3", NULL, NULL, 0, ITEM_COMMENT, "2026-07-02 10:00",
	                  NULL);
	wf_item(&f->wf, f->wf.x, "x1", NULL, NULL, 0, ITEM_COMMENT, "2026-03-01 10:00", NULL);
	/* The period is in Swedish days: 00:30 on 1 January is in it (23:30 UTC
	 * the day before), 00:30 on 1 July is not (22:30 UTC on 30 June). */
	wf_item(&f->wf, f->wf.fb, "b0", NULL, NULL, 0, ITEM_COMMENT, "2026-01-01 00:30", NULL);
	wf_item(&f->wf, f->wf.fb, "b1", NULL, NULL, 0, ITEM_COMMENT, "2026-07-01 00:30", NULL);
	/* an edit of p1 and a deletion of p2 */
	it.created_at = wf_at("2026-03-01 10:00");
	w.org_id = f->wf.org;
	w.account_id = f->wf.fb;
	w.it = &it;
	w.captured_at = wf_at("2026-03-02 10:00");
	CHECK_INT(items_put(f->wf.s, &w, &res, &e), KV_OK);
	CHECK_INT(res.text_changed, 1);
	ev.at = wf_at("2026-05-01 12:00");
	CHECK_INT(items_event(f->wf.s, f->wf.fb, &ev, ev.at, &oc, &e), KV_OK);
	/* a fetched picture */
	CHECK_INT(blob_put(f->wf.s, jpeg, sizeof(jpeg) - 1, f->sha, &e), KV_OK);
	CHECK_INT(media_row_add(f->wf.s, f->in2, "https://cdn.example/p2.jpg", "photo", &e), KV_OK);
	CHECK(wf_count(&f->wf, "SELECT COUNT(*) FROM item_media") == 1);
	media_id = wf_count(&f->wf, "SELECT id FROM item_media");
	CHECK_INT(media_row_fetched(f->wf.s, media_id, f->sha, (int64_t)sizeof(jpeg) - 1,
	                            wf_at("2026-05-01 10:00"), &e),
	          KV_OK);
	principal_init_shell(&f->who, "arkivarie");
	op_ctx_init(&f->op, f->wf.s, f->wf.org, &f->who, wf_at("2026-08-01 09:00"));
}

static struct sip_opts opts_for(const char *out)
{
	struct sip_opts o = {
	        .account = "sjovik", .from = "2026-01-01", .to = "2026-06-30", .out = out};

	return o;
}

static char *pkg_path(const char *name)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", test_tmpdir(), name);
	return p;
}

static char *read_rel(const char *pkg, const char *rel)
{
	char p[8192];

	snprintf(p, sizeof(p), "%s/%s", pkg, rel);
	return test_read_file(p, NULL);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void package_holds_the_period_and_marks_its_items(void)
{
	struct sipfx f;
	struct sip_result r;
	struct sip_opts o;
	struct err e = {0};
	char objid[SIP_OBJID_MAX], *lines, *premis, *mets, *rep;
	char media[200];
	struct stat st;
	const char *pkg = pkg_path("sjovik-2026-1");

	setup(&f);
	o = opts_for(pkg);
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_OK);
	CHECK_STR(r.objid, "sjovik-2026-1");
	CHECK_INT(r.items, 3);
	CHECK_INT(r.media, 1);
	lines = read_rel(pkg, "representations/rep1/data/records.jsonl");
	CHECK_INT(count_lines(lines), 3);
	CHECK_CONTAINS(lines, "\"platform_id\":\"b0\"");
	CHECK(!strstr(lines, "\"b1\""));
	CHECK_CONTAINS(lines, "\"platform_id\":\"p1\"");
	CHECK_CONTAINS(lines, "\"text\":\"andra versionen\"");
	CHECK_CONTAINS(lines, "\"version\":2");
	CHECK_CONTAINS(lines, "\"kind\":\"deleted\"");
	CHECK(!strstr(lines, "\"p3\"")); /* after the period */
	CHECK(!strstr(lines, "\"x1\"")); /* another account */
	snprintf(media, sizeof(media), "representations/rep1/data/media/%s", f.sha);
	{
		char p[8192];

		snprintf(p, sizeof(p), "%s/%s", pkg, media);
		CHECK_INT(stat(p, &st), 0);
	}
	rep = read_rel(pkg, "representations/rep1/METS.xml");
	CHECK_CONTAINS(rep, "MIMETYPE=\"image/jpeg\"");
	CHECK_CONTAINS(rep, f.sha);
	CHECK_CONTAINS(rep, "LABEL=\"CSIP\"");
	premis = read_rel(pkg, "metadata/preservation/premis.xml");
	CHECK_CONTAINS(premis, "<premis:eventType>capture</premis:eventType>");
	CHECK_CONTAINS(premis, "<premis:eventType>screening</premis:eventType>");
	CHECK_CONTAINS(premis, "<premis:eventType>edit</premis:eventType>");
	CHECK_CONTAINS(premis, "<premis:eventType>deletion</premis:eventType>");
	CHECK_CONTAINS(premis, f.sha);
	mets = read_rel(pkg, "METS.xml");
	CHECK_CONTAINS(mets, "OBJID=\"sjovik-2026-1\"");
	CHECK_CONTAINS(mets, "csip:CONTENTINFORMATIONTYPE=\"OTHER\"");
	CHECK_CONTAINS(mets, "PROFILE=\"https://earksip.dilcis.eu/profile/E-ARK-SIP.xml\"");
	CHECK_CONTAINS(mets, "ROLE=\"ARCHIVIST\" TYPE=\"ORGANIZATION\"");
	CHECK_CONTAINS(mets, "<mets:name>Sjövik</mets:name>");
	CHECK_CONTAINS(mets, "csip:NOTETYPE=\"SOFTWARE VERSION\"");
	/* the cull's question */
	CHECK_INT(sip_archived_in(&f.op, f.in1, objid, &e), KV_OK);
	CHECK_STR(objid, "sjovik-2026-1");
	CHECK_INT(sip_archived_in(&f.op, f.in2, objid, &e), KV_OK);
	CHECK_INT(sip_archived_in(&f.op, f.out1, objid, &e), KV_ENOTFOUND);
	CHECK_INT(wf_count(&f.wf, "SELECT COUNT(*) FROM audit WHERE action = 'archive.sip'"), 1);
	free(lines);
	free(premis);
	free(mets);
	free(rep);
	store_free(f.wf.s);
}

static int no_partial(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int clean = 1;

	while (d && (de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".partial-"))
			clean = 0;
	if (d)
		closedir(d);
	return clean;
}

static void bad_input_is_refused_and_leaves_nothing(void)
{
	struct sipfx f;
	struct sip_result r;
	struct sip_opts o;
	struct err e = {0};
	const char *taken = pkg_path("taken");

	setup(&f);
	CHECK_INT(mkdir(taken, 0755), 0);
	o = opts_for(taken);
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "exists already");
	o = opts_for(pkg_path("p-a"));
	o.from = "2026-02-30";
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--from");
	o = opts_for(pkg_path("p-b"));
	o.account = "okänd";
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "okänd");
	o = opts_for(pkg_path("p c"));
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "OBJID");
	o = opts_for(pkg_path("no/such/folder/p"));
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_EINVAL);
	CHECK(no_partial(test_tmpdir()));
	CHECK_INT(wf_count(&f.wf, "SELECT COUNT(*) FROM archive_package"), 0);
	CHECK_INT(wf_count(&f.wf, "SELECT COUNT(*) FROM archive_package_item"), 0);
	/* the same OBJID twice */
	o = opts_for(pkg_path("once"));
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_OK);
	{
		char moved[4096];

		snprintf(moved, sizeof(moved), "%s/elsewhere", test_tmpdir());
		CHECK_INT(mkdir(moved, 0755), 0);
		snprintf(moved, sizeof(moved), "%s/elsewhere/once", test_tmpdir());
		o = opts_for(moved);
		CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_ECONFLICT);
		CHECK_CONTAINS(e.msg, "delivered already");
	}
	store_free(f.wf.s);
}

static void records_permission_is_needed(void)
{
	struct sipfx f;
	struct principal editor;
	struct op_ctx op;
	struct sip_result r;
	struct sip_opts o;
	struct sip_report rep;
	struct err e = {0};
	char objid[SIP_OBJID_MAX];

	setup(&f);
	principal_init_user(&editor, 7, 0, "redaktör", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&editor, ROLE_EDITOR, 0, NULL, 0, &e), KV_OK);
	op_ctx_init(&op, f.wf.s, f.wf.org, &editor, f.op.now);
	o = opts_for(pkg_path("denied"));
	CHECK_INT(sip_write(&op, &o, &r, &e), KV_EDENIED);
	CHECK_INT(sip_archived_in(&op, f.in1, objid, &e), KV_EDENIED);
	CHECK_INT(sip_validate(&op, test_tmpdir(), NULL, &rep, &e), KV_EDENIED);
	CHECK(no_partial(test_tmpdir()));
	store_free(f.wf.s);
}

/* Rewrites the first occurrence of from in pkg/rel with to. */
static void edit(const char *pkg, const char *rel, const char *from, const char *to)
{
	char p[8192], *s, *hit, *out;
	size_t len;

	snprintf(p, sizeof(p), "%s/%s", pkg, rel);
	s = test_read_file(p, &len);
	CHECK(s != NULL);
	hit = strstr(s, from);
	if (!hit)
		test_fail(__FILE__, __LINE__, "no '%s' in %s", from, rel);
	out = malloc(len + strlen(to) + 1);
	memcpy(out, s, (size_t)(hit - s));
	memcpy(out + (hit - s), to, strlen(to));
	memcpy(out + (hit - s) + strlen(to), hit + strlen(from),
	       len - (size_t)(hit - s) - strlen(from) + 1);
	test_write_file(p, out, strlen(out));
	free(s);
	free(out);
}

static int has_finding(const struct sip_report *r, const char *id, enum sip_level level)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0 && r->v[i].level == level)
			return 1;
	return 0;
}

static void copy_package(const char *from, const char *to)
{
	char cmd[9000];

	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", from, to);
	CHECK_INT(system(cmd), 0);
}

static void validator_reports_damage_by_requirement_id(void)
{
	struct sipfx f;
	struct sip_result r;
	struct sip_opts o;
	struct sip_report rep;
	struct err e = {0};
	const char *pkg = pkg_path("good");
	char bad[4096];

	setup(&f);
	o = opts_for(pkg);
	CHECK_INT(sip_write(&f.op, &o, &r, &e), KV_OK);
	CHECK_INT(sip_validate(&f.op, pkg, NULL, &rep, &e), KV_OK);
	for (size_t i = 0; i < rep.n; i++)
		fprintf(stderr, "unexpected: %s %s\n", rep.v[i].id, rep.v[i].msg);
	CHECK_INT(rep.errors, 0);
	CHECK_INT(rep.warnings, 0);
	CHECK_INT(rep.sip_profile, 1);
	CHECK(rep.checks_run > 100);
	CHECK_INT(rep.files_checked, 7); /* 5 in METS.xml, 2 in rep1 */
	CHECK_INT(rep.xsd, 0);
	sip_validate_report_done(&rep);

	struct {
		const char *rel, *from, *to, *id;
	} cases[] = {
	        {"METS.xml", " CREATEDATE=", " CREATED_NOT=", "CSIP7"},
	        {"METS.xml", "<mets:fileSec ID=\"filesec\">", "<mets:fileSec>", "CSIP59"},
	        {"METS.xml", " csip:OAISPACKAGETYPE=\"SIP\"", "", "CSIP9"},
	        {"METS.xml", "LABEL=\"CSIP\"", "LABEL=\"Other\"", "CSIP82"},
	        {"METS.xml", "OTHERTYPE=\"SOFTWARE\"", "OTHERTYPE=\"HUMAN\"", "CSIP13"},
	        {"METS.xml", "TYPE=\"Other\"", "TYPE=\"Tweets\"", "CSIP2"},
	        {"representations/rep1/METS.xml", "CHECKSUMTYPE=\"SHA-256\"", "", "CSIP72"},
	        {"representations/rep1/data/records.jsonl", "\"p1\"", "\"p9\"", "CHECKSUM"},
	        {"METS.xml", "</mets:structMap>", "</mets:structMapx>", "XML"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(bad, sizeof(bad), "%s/bad%zu", test_tmpdir(), i);
		copy_package(pkg, bad);
		edit(bad, cases[i].rel, cases[i].from, cases[i].to);
		CHECK_INT(sip_validate(&f.op, bad, NULL, &rep, &e), KV_OK);
		if (!has_finding(&rep, cases[i].id, SIP_MUST))
			test_fail(__FILE__, __LINE__, "case %zu: no %s among %zu findings", i,
			          cases[i].id, rep.n);
		sip_validate_report_done(&rep);
	}
	/* SIP2 is a SIP requirement: a CSIP profile is checked without it unless asked. */
	snprintf(bad, sizeof(bad), "%s/csip", test_tmpdir());
	copy_package(pkg, bad);
	edit(bad, "METS.xml", "PROFILE=\"https://earksip.dilcis.eu/profile/E-ARK-SIP.xml\"",
	     "PROFILE=\"https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml\"");
	CHECK_INT(sip_validate(&f.op, bad, NULL, &rep, &e), KV_OK);
	CHECK_INT(rep.errors, 0);
	CHECK_INT(rep.sip_profile, 0);
	sip_validate_report_done(&rep);
	{
		struct sip_validate_opts vo = {.force_sip = 1};

		CHECK_INT(sip_validate(&f.op, bad, &vo, &rep, &e), KV_OK);
		CHECK(has_finding(&rep, "SIP2", SIP_MUST));
		sip_validate_report_done(&rep);
	}
	/* a missing METS.xml */
	snprintf(bad, sizeof(bad), "%s/empty", test_tmpdir());
	CHECK_INT(mkdir(bad, 0755), 0);
	CHECK_INT(sip_validate(&f.op, bad, NULL, &rep, &e), KV_OK);
	CHECK(has_finding(&rep, "CSIPSTR4", SIP_MUST));
	sip_validate_report_done(&rep);
	CHECK_INT(sip_validate(&f.op, pkg_path("nothing"), NULL, &rep, &e), KV_EINVAL);
	CHECK_INT(wf_count(&f.wf, "SELECT COUNT(*) FROM audit WHERE action = 'archive.validate'"),
	          (int64_t)(sizeof(cases) / sizeof(cases[0])) + 4);
	store_free(f.wf.s);
}

TEST_MAIN(T(package_holds_the_period_and_marks_its_items),
          T(bad_input_is_refused_and_leaves_nothing), T(records_permission_is_needed),
          T(validator_reports_damage_by_requirement_id))
