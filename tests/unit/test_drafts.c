/* Tests for drafts: the length each platform counts, hashtags that should
 * be CamelCase, spelling with the Swedish dictionary, what the platforms'
 * APIs can publish, the permission, refusals that change nothing, the
 * answers to the checklist, an edit making a new version, and the second
 * reader (not the writer; two persons, one of them responsible). */
#include "wf_fixture.h"

#include "capture/publish.h"
#include "model/principal.h"
#include "screen/spell.h"
#include "workflow/draft_check.h"
#include "workflow/drafts.h"

#include <stdlib.h>
#include <string.h>

static void lengths_as_platforms_count(void)
{
	struct draft_check_limits l;
	char text[600];

	draft_check_limits_of(PLATFORM_X, &l);
	CHECK_INT(l.max, 280);
	CHECK_INT(l.url_weight, 23);
	draft_check_limits_of(PLATFORM_INSTAGRAM, &l);
	CHECK_INT(l.max, 2200);
	CHECK_INT(l.fold, 125);
	draft_check_limits_of(PLATFORM_FACEBOOK, &l);
	CHECK_INT(l.fold, 480);
	draft_check_limits_of(PLATFORM_MASTODON, &l);
	CHECK_INT(l.max, 500);
	/* å, ä, ö are one character each, not two bytes. */
	CHECK_INT(draft_check_length(PLATFORM_FACEBOOK, "Välkommen på öppet hus"), 22);
	/* On X and Mastodon an address counts 23, however long; on Facebook
	 * as written. Punctuation after it is the sentence's. */
	snprintf(text, sizeof(text), "Läs mer: https://www.exempelby.se/%s.",
	         "a-very-long-path-to-a-page");
	CHECK_INT(draft_check_length(PLATFORM_X, text), 9 + 23 + 1);
	CHECK_INT(draft_check_length(PLATFORM_MASTODON, text), 9 + 23 + 1);
	CHECK_INT(draft_check_length(PLATFORM_FACEBOOK, text), (int64_t)strlen(text) - 1);
	CHECK_INT(draft_check_length(PLATFORM_X, "www.exempelby.se"), 23);
	/* An address inside a word is no address. */
	CHECK_INT(draft_check_length(PLATFORM_X, "xhttps://a"), 10);
}

static struct spell *dictionary(void)
{
	struct spell *sp = NULL;
	struct err e = {0};

	if (spell_new(&sp, NULL, &e) != KV_OK)
		test_fail(__FILE__, __LINE__, "the sv_SE dictionary (hunspell-sv): %s", e.msg);
	return sp;
}

static int hashtag(struct spell *sp, const char *tag, char *sug, size_t cap)
{
	sug[0] = '\0';
	return draft_check_hashtag(sp, tag, strlen(tag), sug, cap);
}

static void hashtags_in_camel_case(void)
{
	struct spell *sp = dictionary();
	char sug[256], parts[256];

	CHECK_INT(hashtag(sp, "Stadsbyggnad", sug, sizeof(sug)), 0);
	CHECK_INT(hashtag(sp, "stadsbyggnadskontoret", sug, sizeof(sug)), 1);
	CHECK_STR(sug, "StadsbyggnadsKontoret");
	CHECK_INT(hashtag(sp, "kulturnatten", sug, sizeof(sug)), 1);
	CHECK_STR(sug, "KulturNatten");
	/* One word, a short compound, a name the dictionary does not know,
	 * CamelCase already: all fine. */
	CHECK_INT(hashtag(sp, "kultur", sug, sizeof(sug)), 0);
	CHECK_INT(hashtag(sp, "badplats", sug, sizeof(sug)), 0);
	CHECK_INT(hashtag(sp, "Tibro", sug, sizeof(sug)), 0);
	CHECK_INT(hashtag(sp, "StadsbyggnadsKontoret", sug, sizeof(sug)), 0);
	CHECK_INT(hashtag(sp, "sommar2026", sug, sizeof(sug)), 0);
	/* The split itself: the linking s stays with its word. */
	CHECK_INT(spell_parts(sp, "sommarlovsaktiviteter", 21, parts, sizeof(parts)), 2);
	CHECK_STR(parts, "sommarlovs|aktiviteter");
	CHECK_INT(spell_parts(sp, "biblioteket", 11, parts, sizeof(parts)), 1);
	CHECK_INT(spell_parts(sp, "xqzvw", 5, parts, sizeof(parts)), 0);
	spell_free(sp);
}

struct misses {
	char words[8][64];
	char sugg[8][64];
	int n;
	const char *text;
};

static int miss(void *arg, size_t a, size_t b, const char *s)
{
	struct misses *m = arg;

	if (m->n < 8) {
		snprintf(m->words[m->n], 64, "%.*s", (int)(b - a), m->text + a);
		snprintf(m->sugg[m->n], 64, "%s", s ? s : "");
	}
	m->n++;
	return 0;
}

static void spelling_in_swedish(void)
{
	struct spell *sp = dictionary();
	const char *t = "Välkommen till Biblioteket! Vi har öpet hela vekan. GDPR och KS gäller. "
	                "Läs på https://www.exempelby.se/sidan-hjbk eller mejla hjbk@exempelby.se, "
	                "#sommarlovsaktiviteter @hjbkqw 2026hjbk";
	struct misses m = {.text = t};

	CHECK_INT(spell_check(sp, t, strlen(t), 10, miss, &m), 2);
	CHECK_STR(m.words[0], "öpet");
	CHECK_STR(m.sugg[0], "öppet");
	CHECK_STR(m.words[1], "vekan");
	/* The first misspelling only gets a suggestion when one is allowed. */
	m.n = 0;
	CHECK_INT(spell_check(sp, t, strlen(t), 0, miss, &m), 2);
	CHECK_STR(m.sugg[0], "");
	spell_free(sp);
	{
		struct err e = {0};

		CHECK_INT(spell_new(&sp, "/nonexistent/sv_XX", &e), KV_ENOTFOUND);
		CHECK_CONTAINS(e.msg, "/nonexistent/sv_XX");
	}
}

static void what_apis_publish(void)
{
	CHECK(publish_supported(PLATFORM_FACEBOOK, 0, 1));
	CHECK(publish_supported(PLATFORM_MASTODON, 0, 1));
	CHECK(publish_supported(PLATFORM_X, 0, 0));
	CHECK(!publish_supported(PLATFORM_X, 0, 1));
	CHECK(!publish_supported(PLATFORM_YOUTUBE, 0, 0));
	CHECK(publish_supported(PLATFORM_YOUTUBE, 1, 0));
	CHECK(!publish_supported(PLATFORM_INSTAGRAM, 0, 0));
	CHECK(publish_supported(PLATFORM_INSTAGRAM, 1, 0));
	CHECK(!publish_supported(PLATFORM_LINKEDIN, 1, 0));
	CHECK_CONTAINS(publish_unsupported_reason(PLATFORM_YOUTUBE, 0, 0), "no public API");
	/* Publishing is the editor's; the analyst only reads. */
	CHECK(principal_role_perms(ROLE_EDITOR) & PERM_PUBLISH);
	CHECK(!(principal_role_perms(ROLE_ANALYST) & PERM_PUBLISH));
	CHECK_STR(principal_perm_name(PERM_PUBLISH), "publish");
}

/* The fixture's organisation with people and an account they are
 * responsible for: anna responsible, bo deputy, eva and carl neither. */
struct people {
	struct wf fx;
	int64_t acc, anna, bo, eva;
};

static struct people people(void)
{
	struct people p = {wf_setup(), 0, 0, 0, 0};
	struct account_input a = {.platform = "mastodon",
	                          .handle = "sjovik_m",
	                          .url = "https://social.example/@sjovik",
	                          .unit = "Enhet",
	                          .responsible = "anna@sjovik.se",
	                          .deputy = "bo@sjovik.se"};
	const char *names[] = {"anna", "bo", "eva", "carl"};
	int64_t *ids[] = {&p.anna, &p.bo, &p.eva, NULL};
	struct err e = {0};

	for (int i = 0; i < 4; i++) {
		char email[64];
		struct person_input in = {.name = names[i], .email = email, .unit = "Enhet"};
		int64_t id = 0;

		snprintf(email, sizeof(email), "%s@sjovik.se", names[i]);
		if (registry_person_add(test_op(p.fx.s, p.fx.org, "t"), &in, &id, &e))
			test_fail(__FILE__, __LINE__, "person: %s", e.msg);
		if (ids[i])
			*ids[i] = id;
	}
	if (registry_account_add(test_op(p.fx.s, p.fx.org, "t"), &a, &p.acc, &e))
		test_fail(__FILE__, __LINE__, "account: %s", e.msg);
	return p;
}

/* A logged-in editor as person (the register's id) named name. */
static struct op_ctx user(struct people *p, struct principal *who, int64_t uid, int64_t person,
                          const char *name)
{
	struct op_ctx op = {0};
	struct err e = {0};

	principal_init_user(who, uid, person, name, AUTH_PASSWORD);
	if (principal_grant_add(who, ROLE_EDITOR, 0, NULL, 0, &e))
		test_fail(__FILE__, __LINE__, "grant: %s", e.msg);
	op.store = p->fx.s;
	op.org = p->fx.org;
	op.who = who;
	op.now = wf_at("2026-06-10T09:00");
	return op;
}

static void refusals_change_nothing(void)
{
	struct people p = people();
	struct principal an;
	struct op_ctx op = user(&p, &an, 9, 0, "analyst");
	struct drafts_input in = {.account_id = p.acc, .text = "Hej"};
	struct drafts_media m = {"notes.docx", "x", 1, NULL};
	struct err e = {0};
	int64_t id = 0, audits = wf_count(&p.fx, "SELECT COUNT(*) FROM audit");

	/* An analyst may not write drafts. */
	principal_init_user(&an, 9, 0, "analyst", AUTH_PASSWORD);
	CHECK_INT(principal_grant_add(&an, ROLE_ANALYST, 0, NULL, 0, &e), KV_OK);
	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_EDENIED);
	op.who = test_shell("t");
	in.account_id = 999;
	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_ENOTFOUND);
	in.account_id = p.acc;
	in.text = " \n";
	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "--text");
	in.text = "ok \xc3";
	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "UTF-8");
	in.text = "Hej";
	in.media = &m;
	in.n_media = 1;
	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "notes.docx");
	in.n_media = 0;
	in.publish_at = op.now - 60;
	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_EINVAL);
	CHECK_INT(wf_count(&p.fx, "SELECT COUNT(*) FROM draft"), 0);
	CHECK_INT(wf_count(&p.fx, "SELECT COUNT(*) FROM audit"), audits);
	store_free(p.fx.s);
}

static json_t *check(const struct op_ctx *op, int64_t id, const struct drafts_answer *a, size_t n,
                     int want)
{
	struct drafts_check_opts o = {NULL, NULL};
	json_t *r = NULL;
	struct err e = {0};
	int rc = drafts_check(op, id, &o, a, n, &r, &e);

	if (rc != want)
		test_fail(__FILE__, __LINE__, "check: %d (%s), wanted %d", rc, e.msg, want);
	return r;
}

static int blocks(json_t *r, const char *what)
{
	size_t i;
	json_t *b;

	json_array_foreach(json_object_get(r, "blocking"), i,
	                   b) if (strstr(json_string_value(b), what)) return 1;
	return 0;
}

static const struct drafts_answer all_yes[] = {
        {"relevant", 1},   {"spelling", 1},     {"timing", 1},  {"tone", 1},
        {"channel", 1},    {"targeting", 0},    {"shorten", 0}, {"hashtags", 0},
        {"anonymised", 1}, {"central_page", 0}, {"website", 0},
};

static void answers_and_versions(void)
{
	struct people p = people();
	struct principal eva;
	struct op_ctx op = user(&p, &eva, 3, p.eva, "eva");
	struct drafts_input in = {.account_id = p.acc,
	                          .text = "Biblioteket har öppet hela sommaren.\n\n/ Eva"};
	struct drafts_answer bad[] = {{"nosuch", 1}}, automatic[] = {{"fold", 1}},
	                     media_only[] = {{"copyright", 1}}, no[] = {{"timing", 0}};
	struct drafts_change ch = {"Biblioteket har öppet i sommar.\n\n/ Eva", -1, -1, -1, NULL, 0};
	struct draft_loaded *l = NULL;
	struct err e = {0};
	json_t *r;
	int64_t id = 0;

	CHECK_INT(drafts_add(&op, &in, &id, &e), KV_OK);
	r = check(&op, id, NULL, 0, KV_OK);
	CHECK(!json_is_true(json_object_get(r, "ready")));
	CHECK(blocks(r, "obesvarad fråga relevant"));
	CHECK(!json_is_true(json_object_get(r, "needs_second_reader")));
	json_decref(r);
	/* Refused answers record nothing. */
	check(&op, id, bad, 1, KV_EINVAL);
	check(&op, id, automatic, 1, KV_EINVAL);
	check(&op, id, media_only, 1, KV_EINVAL);
	CHECK_INT(wf_count(&p.fx, "SELECT COUNT(*) FROM audit WHERE action = 'draft.check'"), 1);
	/* Every answer: ready, with nobody else reading (not sensitive). */
	r = check(&op, id, all_yes, sizeof(all_yes) / sizeof(all_yes[0]), KV_OK);
	CHECK(json_is_true(json_object_get(r, "ready")));
	json_decref(r);
	/* A "no" where yes is the good answer stops it. */
	r = check(&op, id, no, 1, KV_OK);
	CHECK(blocks(r, "svaret nej på timing"));
	json_decref(r);
	/* An edit is a new version: the answers of the old one do not count. */
	CHECK_INT(drafts_edit(&op, id, &ch, &e), KV_OK);
	CHECK_INT(drafts_get(&op, id, &l, &e), KV_OK);
	CHECK_INT(l->d.version, 2);
	r = drafts_view_json(&l->d, op.now);
	CHECK(blocks(r, "ändrats sedan kontrollen"));
	json_decref(r);
	draft_row_loaded_free(l);
	r = check(&op, id, NULL, 0, KV_OK);
	CHECK(blocks(r, "obesvarad fråga relevant"));
	json_decref(r);
	/* Marked sensitive by its writer: a reader is needed. */
	ch = (struct drafts_change){NULL, -1, 1, -1, NULL, 0};
	CHECK_INT(drafts_edit(&op, id, &ch, &e), KV_OK);
	r = check(&op, id, all_yes, sizeof(all_yes) / sizeof(all_yes[0]), KV_OK);
	CHECK(json_is_true(json_object_get(r, "needs_second_reader")));
	CHECK(blocks(r, "andra läsare"));
	json_decref(r);
	store_free(p.fx.s);
}

static void second_reader(void)
{
	struct people p = people();
	struct principal eva, carl, anna, bo, shell_bo;
	struct op_ctx oe = user(&p, &eva, 3, p.eva, "eva");
	struct op_ctx oc = user(&p, &carl, 4, 0, "carl");
	struct op_ctx oa = user(&p, &anna, 1, p.anna, "anna");
	struct op_ctx ob = user(&p, &bo, 2, p.bo, "bo");
	struct drafts_input in = {
	        .account_id = p.acc, .text = "Känsligt.\n\n/ Eva", .sensitive = 1};
	struct draft_loaded *l = NULL;
	struct err e = {0};
	json_t *r;
	int64_t id = 0, id2 = 0;

	CHECK_INT(drafts_add(&oe, &in, &id, &e), KV_OK);
	json_decref(check(&oe, id, all_yes, sizeof(all_yes) / sizeof(all_yes[0]), KV_OK));
	/* Not the writer; not someone responsible for neither. */
	CHECK_INT(drafts_review(&oe, id, 1, NULL, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "wrote it");
	CHECK_INT(drafts_review(&oc, id, 1, NULL, &e), KV_EDENIED);
	CHECK_CONTAINS(e.msg, "anna@sjovik.se");
	CHECK_INT(wf_count(&p.fx, "SELECT COUNT(*) FROM draft WHERE review <> 'none'"), 0);
	/* The responsible, known by her person in the register. */
	CHECK_INT(drafts_review(&oa, id, 1, NULL, &e), KV_OK);
	CHECK_INT(drafts_get(&oe, id, &l, &e), KV_OK);
	r = drafts_view_json(&l->d, oe.now);
	CHECK(json_is_true(json_object_get(r, "ready")));
	json_decref(r);
	draft_row_loaded_free(l);

	/* When the writer is responsible, any other person may be the second
	 * reader: two persons, one of them responsible. */
	CHECK_INT(drafts_add(&ob, &in, &id2, &e), KV_OK);
	json_decref(check(&ob, id2, all_yes, sizeof(all_yes) / sizeof(all_yes[0]), KV_OK));
	CHECK_INT(drafts_review(&ob, id2, 1, NULL, &e), KV_EDENIED);
	/* The writer acting through the shell under the same name is still the writer. */
	principal_init_shell(&shell_bo, "bo");
	oc.who = &shell_bo;
	CHECK_INT(drafts_review(&oc, id2, 1, NULL, &e), KV_EDENIED);
	oc.who = &carl;
	CHECK_INT(drafts_review(&oc, id2, 0, NULL, &e), KV_EINVAL);
	CHECK_INT(drafts_review(&oc, id2, 0, "Vänta till måndag", &e), KV_OK);
	CHECK_INT(drafts_get(&ob, id2, &l, &e), KV_OK);
	CHECK_STR(l->d.review, "rejected");
	CHECK_STR(l->d.reviewed_by, "carl");
	draft_row_loaded_free(l);
	CHECK_INT(wf_count(&p.fx, "SELECT COUNT(*) FROM audit WHERE action = 'draft.review'"), 2);
	store_free(p.fx.s);
}

TEST_MAIN(T(lengths_as_platforms_count), T(hashtags_in_camel_case), T(spelling_in_swedish),
          T(what_apis_publish), T(refusals_change_nothing), T(answers_and_versions),
          T(second_reader))
