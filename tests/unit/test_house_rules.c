/* Tests for registry/house_rules: the template format (paragraphs, the
 * essential marker, comments, braces, placeholder errors naming the line),
 * filling from the register, the normalised presence check, versions (same
 * text no new version), stale and missing in the register checks, and the
 * permissions. */
#include "wf_fixture.h"

#include "base/utf8.h"
#include "model/principal.h"
#include "registry/house_rules.h"
#include "store/audit.h"

#include <stdlib.h>

static const char tmpl_text[] = "# source: TI 4.4\n"
                                "! Kommentarer som bryter mot lag tar vi bort\n"
                                "inom 48 timmar.\n"
                                "\n"
                                "# not essential\n"
                                "Vi svarar inom en arbetsdag på {plattform}.\r\n"
                                "\n"
                                "\n"
                                "! Kontakta {verksamhet} på {epost}. {{Inte}} en platshållare.\n";

static struct house_tmpl *parse_ok(const char *text)
{
	struct house_tmpl *t = NULL;
	struct err e = {0};

	if (house_rules_parse(text, strlen(text), &t, &e))
		test_fail(__FILE__, __LINE__, "parse: %s", e.msg);
	return t;
}

static void paragraphs_and_marker(void)
{
	struct house_tmpl *t = parse_ok(tmpl_text);

	CHECK_INT(t->n, 3);
	CHECK_STR(t->paras[0].text, "Kommentarer som bryter mot lag tar vi bort\ninom 48 timmar.");
	CHECK_INT(t->paras[0].essential, 1);
	CHECK_INT(t->paras[0].line, 2);
	CHECK_STR(t->paras[1].text, "Vi svarar inom en arbetsdag på {plattform}.");
	CHECK_INT(t->paras[1].essential, 0);
	CHECK_INT(t->paras[1].line, 6);
	CHECK_INT(t->paras[2].essential, 1);
	CHECK_INT(t->paras[2].line, 9);
	house_rules_tmpl_free(t);
}

static void parse_errors_name_the_line(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
	        {"! Hej\n\n! Skriv till {epost} eller {adress}.\n",
	         "line 3: unknown placeholder {adress}"},
	        {"! Hej {konto\n", "line 1: '{' without a closing '}'"},
	        {"# a\n! Hej }\n", "line 2: '}' without an opening '{'"},
	        {"Hej {konto}\n\nDå\n", "no paragraph is marked essential"},
	        {"# bara kommentarer\n\n", "the template has no text"},
	        {"! Hej\n\n! K\xc3\x28rt\n", "line 3: not valid UTF-8"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct house_tmpl *t = NULL;
		struct err e = {0};

		CHECK_INT(house_rules_parse(bad[i].text, strlen(bad[i].text), &t, &e), KV_EINVAL);
		CHECK(t == NULL);
		CHECK_CONTAINS(e.msg, bad[i].msg);
	}
}

static struct house_values values(void)
{
	struct house_values v = {0};

	v.v[HOUSE_KONTO] = "Kultur i Sjövik";
	v.v[HOUSE_PLATTFORM] = "Facebook";
	v.v[HOUSE_VERKSAMHET] = "Kultur och fritid";
	v.v[HOUSE_KOMMUN] = "Sjövik";
	v.v[HOUSE_EPOST] = "kultur@sjovik.se";
	v.hint[HOUSE_TELEFON] = "set the phone";
	return v;
}

static void fill_and_missing_value(void)
{
	struct house_tmpl *t = parse_ok(tmpl_text);
	struct house_values v = values();
	struct buf b;
	struct err e = {0};

	buf_init(&b, 0);
	CHECK_INT(house_rules_fill(t, &v, &b, &e), KV_OK);
	CHECK_STR(buf_cstr(&b), "Kommentarer som bryter mot lag tar vi bort\ninom 48 timmar.\n\n"
	                        "Vi svarar inom en arbetsdag på Facebook.\n\n"
	                        "Kontakta Kultur och fritid på kultur@sjovik.se. {Inte} en "
	                        "platshållare.\n");
	house_rules_tmpl_free(t);
	t = parse_ok("! A\n\n! Ring\n{telefon} i dag\n");
	buf_clear(&b);
	CHECK_INT(house_rules_fill(t, &v, &b, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "{telefon} on line 4: set the phone");
	buf_done(&b);
	house_rules_tmpl_free(t);
}

static void normalised_presence(void)
{
	struct house_tmpl *t = parse_ok(tmpl_text);
	struct house_values v = values();
	unsigned char missing[3];
	size_t n = 9;
	struct err e = {0};
	/* Other case, the line breaks and spaces of another layout, a
	 * non-breaking space, text around it: still present. */
	const char *about = "Välkommen!  KOMMENTARER som bryter mot lag tar vi bort inom\n"
	                    "48\xc2\xa0timmar.   Kontakta kultur och fritid på KULTUR@sjovik.se.\n"
	                    "{Inte} en platshållare. Hej då.";
	struct buf b;

	CHECK_INT(house_rules_missing(t, &v, about, strlen(about), missing, &n, &e), KV_OK);
	CHECK_INT(n, 0);
	/* A changed word is missing; the non-essential paragraph never is. */
	about = "Kommentarer som bryter mot lag tar vi bort inom 24 timmar.";
	CHECK_INT(house_rules_missing(t, &v, about, strlen(about), missing, &n, &e), KV_OK);
	CHECK_INT(n, 2);
	CHECK_INT(missing[0], 1);
	CHECK_INT(missing[1], 0);
	CHECK_INT(missing[2], 1);
	/* A value the register lacks: the paragraph cannot be found. */
	v.v[HOUSE_EPOST] = NULL;
	about = "Kommentarer som bryter mot lag tar vi bort inom 48 timmar.";
	CHECK_INT(house_rules_missing(t, &v, about, strlen(about), missing, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	CHECK_INT(missing[2], 2);
	buf_init(&b, 0);
	CHECK_INT(house_rules_normalise(" Å\tÄ\n\nÖ ", 10, &b, &e), KV_OK);
	CHECK_STR(buf_cstr(&b), "å ä ö");
	buf_clear(&b);
	/* Typographic quotes and dashes as ASCII. */
	CHECK_INT(house_rules_normalise("\xe2\x80\x9c"
	                                "A\xe2\x80\x9d \xe2\x80\x93 B",
	                                13, &b, &e),
	          KV_OK);
	CHECK_STR(buf_cstr(&b), "\"a\" - b");
	buf_done(&b);
	house_rules_tmpl_free(t);
}

/* Sets up the account's responsible person with a public contact. */
static void contact(struct wf *fx, int pub)
{
	struct person_input p = {.name = "Åsa Öberg",
	                         .email = "asa@sjovik.se",
	                         .phone = "0123-456",
	                         .contact_public = pub};
	struct account_input a = {.responsible = "asa@sjovik.se"};
	struct err e = {0};

	if (registry_person_add(test_op(fx->s, fx->org, "t"), &p, NULL, &e) ||
	    registry_account_edit(test_op(fx->s, fx->org, "t"), "sjovik", &a, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
}

static const char *check_detail(struct wf *fx, const char *rule)
{
	static char detail[256];
	struct registry_problem *p = NULL;
	struct err e = {0};
	size_t n = 0;
	const char *found = NULL;

	CHECK_INT(registry_check(test_op(fx->s, fx->org, "t"), "sjovik", &p, &n, &e), KV_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].rule->id, rule) == 0) {
			snprintf(detail, sizeof(detail), "%s", p[i].detail);
			found = detail;
		}
	free(p);
	return found;
}

static char *account_text(struct wf *fx)
{
	json_t *j = NULL;
	struct err e = {0};
	char *s;

	if (house_rules_account_text(test_op(fx->s, fx->org, "t"), "sjovik", &j, &e))
		test_fail(__FILE__, __LINE__, "account text: %s", e.msg);
	s = strdup(json_string_value(json_object_get(j, "text")));
	json_decref(j);
	return s;
}

static void record(struct wf *fx, const char *text)
{
	json_t *j = NULL;
	struct err e = {0};

	if (house_rules_about(test_op(fx->s, fx->org, "t"), "sjovik", text, strlen(text), &j, &e))
		test_fail(__FILE__, __LINE__, "about: %s", e.msg);
	json_decref(j);
}

static int64_t audits(struct wf *fx)
{
	int64_t n = 0;
	struct err e = {0};

	CHECK_INT(store_query_int(fx->s, &n, &e, "SELECT COUNT(*) FROM audit", 0, NULL), KV_OK);
	return n;
}

static void versions_stale_and_missing(void)
{
	struct wf fx = wf_setup();
	struct op_ctx op = *test_op(fx.s, fx.org, "t");
	json_t *j = NULL;
	struct err e = {0};
	char *standard, *v2;
	int64_t before;

	contact(&fx, 1);
	/* Proposed: not checked yet; active without an about text: missing. */
	CHECK(check_detail(&fx, "house_rules_missing") == NULL);
	CHECK_INT(store_exec(fx.s, "UPDATE account SET status = 'active'", &e), KV_OK);
	CHECK_CONTAINS(check_detail(&fx, "house_rules_missing"), "ingen om-text");

	/* The standard's text, recorded as published: present. */
	standard = account_text(&fx);
	CHECK_CONTAINS(standard, "Åsa Öberg");
	CHECK_CONTAINS(standard, "0123-456");
	record(&fx, standard);
	CHECK(check_detail(&fx, "house_rules_missing") == NULL);
	CHECK(check_detail(&fx, "house_rules_stale") == NULL);

	/* The organisation's template: version 1, the same text again is no
	 * new version and no audit entry. */
	CHECK_INT(house_rules_template_load(&op, tmpl_text, strlen(tmpl_text), &j, &e), KV_OK);
	CHECK_INT(json_integer_value(json_object_get(j, "version")), 1);
	CHECK(json_is_true(json_object_get(j, "new")));
	json_decref(j);
	before = audits(&fx);
	CHECK_INT(house_rules_template_load(&op, tmpl_text, strlen(tmpl_text), &j, &e), KV_OK);
	CHECK_INT(json_integer_value(json_object_get(j, "version")), 1);
	CHECK(json_is_false(json_object_get(j, "new")));
	json_decref(j);
	CHECK_INT(audits(&fx), before);
	/* The about text follows the standard, an older version now. */
	CHECK_CONTAINS(check_detail(&fx, "house_rules_stale"), "version 0");
	CHECK(check_detail(&fx, "house_rules_missing") == NULL);

	/* Recorded anew from version 1: present, then stale after version 2. */
	v2 = account_text(&fx);
	record(&fx, v2);
	CHECK(check_detail(&fx, "house_rules_stale") == NULL);
	{
		const char *next = "! Kommentarer som bryter mot lag tar vi bort inom 24 timmar.\n";

		CHECK_INT(house_rules_template_load(&op, next, strlen(next), &j, &e), KV_OK);
		CHECK_INT(json_integer_value(json_object_get(j, "version")), 2);
		json_decref(j);
	}
	CHECK_CONTAINS(check_detail(&fx, "house_rules_stale"), "version 1");
	CHECK_CONTAINS(check_detail(&fx, "house_rules_stale"), "version 2");
	/* A text that follows no version: missing, naming the paragraph. */
	record(&fx, "Välkommen till vår sida!");
	CHECK_CONTAINS(check_detail(&fx, "house_rules_missing"), "stycke 1 (rad 1");
	CHECK(check_detail(&fx, "house_rules_stale") == NULL);
	CHECK_INT(house_rules_template_show(&op, &j, &e), KV_OK);
	CHECK_INT(json_integer_value(json_object_get(j, "version")), 2);
	CHECK_STR(json_string_value(json_object_get(j, "source")), "organisation");
	json_decref(j);
	free(standard);
	free(v2);
	store_free(fx.s);
}

static void private_contact_is_not_filled(void)
{
	struct wf fx = wf_setup();
	json_t *j = NULL;
	struct err e = {0};

	contact(&fx, 0);
	CHECK_INT(house_rules_account_text(test_op(fx.s, fx.org, "t"), "sjovik", &j, &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "{epost} on line");
	CHECK_CONTAINS(e.msg, "person contact asa@sjovik.se --public");
	store_free(fx.s);
}

static void bad_input_writes_nothing(void)
{
	struct wf fx = wf_setup();
	struct op_ctx op = *test_op(fx.s, fx.org, "t");
	json_t *j = NULL;
	struct err e = {0};
	int64_t before = audits(&fx), rows = -1;
	static const char bad[] = "! Hej {namn}\n";

	CHECK_INT(house_rules_template_load(&op, bad, strlen(bad), &j, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "line 1: unknown placeholder {namn}");
	CHECK_INT(house_rules_about(&op, "sjovik", " \n\t", 3, &j, &e), KV_EINVAL);
	CHECK_INT(house_rules_about(&op, "sjovik", "a\xff", 2, &j, &e), KV_EINVAL);
	CHECK_INT(house_rules_about(&op, "finnsinte", "Hej", 3, &j, &e), KV_ENOTFOUND);
	CHECK_INT(audits(&fx), before);
	CHECK_INT(store_query_int(fx.s, &rows, &e,
	                          "SELECT (SELECT COUNT(*) FROM house_rules_version) +"
	                          " (SELECT COUNT(*) FROM account_about)",
	                          0, NULL),
	          KV_OK);
	CHECK_INT(rows, 0);
	store_free(fx.s);
}

static void permissions_are_checked(void)
{
	struct wf fx = wf_setup();
	struct principal eva;
	struct op_ctx op = {0};
	json_t *j = NULL;
	struct err e = {0};

	/* A moderator of one account: may read the rules for it, may not load
	 * a template or record an about text. */
	principal_init_user(&eva, 7, 0, "eva", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&eva, ROLE_MODERATOR, 0, &fx.fb, 1, &e), KV_OK);
	op.store = fx.s;
	op.org = fx.org;
	op.who = &eva;
	op.now = 1;
	CHECK_INT(house_rules_template_show(&op, &j, &e), KV_OK);
	json_decref(j);
	CHECK_INT(house_rules_template_load(&op, tmpl_text, strlen(tmpl_text), &j, &e), KV_EDENIED);
	CHECK_INT(house_rules_about(&op, "sjovik", "Hej", 3, &j, &e), KV_EDENIED);
	CHECK_INT(house_rules_about(&op, "sjovik_x", NULL, 0, &j, &e), KV_EDENIED);
	store_free(fx.s);
}

/* Many missing paragraphs: the detail names whole ones, stays valid UTF-8
 * and within the check's detail, and says that more follow. */
static void long_detail_is_cut_whole(void)
{
	struct wf fx = wf_setup();
	struct op_ctx op = *test_op(fx.s, fx.org, "t");
	json_t *j = NULL;
	struct err e = {0};
	struct buf t;
	const char *d;

	buf_init(&t, 0);
	for (int i = 0; i < 12; i++)
		buf_printf(&t,
		           "! Åtgärdsförteckningsöversyn nummer %d för {konto} på {plattform}.\n\n",
		           i);
	CHECK_INT(house_rules_template_load(&op, buf_cstr(&t), t.len, &j, &e), KV_OK);
	json_decref(j);
	CHECK_INT(store_exec(fx.s, "UPDATE account SET status = 'active'", &e), KV_OK);
	record(&fx, "Välkommen!");
	d = check_detail(&fx, "house_rules_missing");
	CHECK(d != NULL);
	CHECK(utf8_check(d, strlen(d)) < 0);
	CHECK_CONTAINS(d, "stycke 1 (rad 1, \"Åtgärdsförteckningsöversyn nummer 0 för…\")");
	CHECK_CONTAINS(d, "; …");
	CHECK(strlen(d) < 240);
	buf_done(&t);
	store_free(fx.s);
}

TEST_MAIN(T(paragraphs_and_marker), T(parse_errors_name_the_line), T(fill_and_missing_value),
          T(normalised_presence), T(versions_stale_and_missing), T(private_contact_is_not_filled),
          T(bad_input_writes_nothing), T(permissions_are_checked), T(long_detail_is_cut_whole))
