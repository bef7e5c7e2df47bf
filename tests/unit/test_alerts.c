/* Tests for workflow/alerts and store/alerts: durations and settings, the
 * normal form of replies, surge and identical-answer alerts (once per
 * window, idempotent), acknowledging, crisis mode, and the audit chain. */
#include "testlib.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/hash.h"
#include "registry/registry.h"
#include "store/alert_rows.h"
#include "store/audit.h"
#include "store/items.h"
#include "store/screening_rows.h"
#include "store/store.h"
#include "workflow/alerts.h"

#include <stdio.h>
#include <stdlib.h>

#define T0 1780000000 /* 2026-05-28, a Thursday */

struct fixture {
	struct store *s;
	int64_t org, account;
	struct alert_settings set;
};

static struct fixture setup(void)
{
	struct fixture fx = {0};
	struct op_ctx op = {0};
	struct account_input in = {.platform = "facebook", .handle = "sjovik", .unit = "Enhet"};
	struct err e = {0};
	char dir[4096];

	CHECK_INT(hash_init(), KV_OK);
	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	if (store_open(&fx.s, dir, &e) ||
	    registry_init(test_op(fx.s, 0, "t"), "Sjövik", &fx.org, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	op.store = fx.s;
	op.org = fx.org;
	op.who = test_shell("t");
	if (registry_unit_add(&op, "Enhet", NULL, NULL, &e) ||
	    registry_account_add(&op, &in, &fx.account, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	alerts_settings_default(&fx.set);
	fx.set.surge_count = 3;
	fx.set.surge_window = 3600;
	fx.set.identical_count = 3;
	fx.set.identical_window = 86400;
	fx.set.identical_min_chars = 20;
	return fx;
}

/* Stores an item and, for incoming ones, its screening categories. */
static int64_t put(struct fixture *fx, const char *id, const char *parent, const char *author,
                   int own, const char *text, int64_t at, const char *categories)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .kind = ITEM_COMMENT,
	                  .root_id = "post1",
	                  .parent_id = parent,
	                  .author_id = author,
	                  .author_is_account = own,
	                  .created_at = at,
	                  .text = text,
	                  .state = ITEM_VISIBLE,
	                  .source = "test"};
	struct item_write w = {.org_id = fx->org,
	                       .account_id = fx->account,
	                       .it = &it,
	                       .upprattad = own,
	                       .captured_at = at};
	struct item_put_result out = {0};
	struct err e = {0};

	if (items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "items_put: %s", e.msg);
	if (categories &&
	    screening_row_put(fx->s, out.id, 1, "test", 0, categories, NULL, 0, at, &e) != KV_OK)
		test_fail(__FILE__, __LINE__, "screening_row_put: %s", e.msg);
	return out.id;
}

static struct alert_scan_report scan(struct fixture *fx, int64_t now)
{
	struct alert_scan_report r = {0};
	struct err e = {0};

	if (alerts_scan(test_op_at(fx->s, fx->org, "tester", now), &fx->set, &r, &e))
		test_fail(__FILE__, __LINE__, "alerts_scan: %s", e.msg);
	return r;
}

static int count_alert(void *arg, const struct alert_row *r)
{
	(*(int *)arg)++;
	return 0;
}

static int alerts_of(struct fixture *fx, const char *kind)
{
	struct alert_filter f = {.org_id = fx->org, .kind = kind};
	struct err e = {0};
	int n = 0;

	CHECK_INT(alert_row_each(fx->s, &f, count_alert, &n, &e), KV_OK);
	return n;
}

static int audit_count(void *arg, const struct audit_entry *en)
{
	if (strcmp(en->action, "alert.create") == 0)
		(*(int *)arg)++;
	return 0;
}

static void duration_forms(void)
{
	struct err e = {0};
	int64_t v = 0;

	CHECK_INT(alerts_parse_duration("90", &v, &e), KV_OK);
	CHECK_INT(v, 90);
	CHECK_INT(alerts_parse_duration("30m", &v, &e), KV_OK);
	CHECK_INT(v, 1800);
	CHECK_INT(alerts_parse_duration("2h", &v, &e), KV_OK);
	CHECK_INT(v, 7200);
	CHECK_INT(alerts_parse_duration("7d", &v, &e), KV_OK);
	CHECK_INT(v, 7 * 86400);
	v = 5;
	CHECK_INT(alerts_parse_duration("0h", &v, &e), KV_EINVAL);
	CHECK_INT(alerts_parse_duration("2 h", &v, &e), KV_EINVAL);
	CHECK_INT(alerts_parse_duration("-1h", &v, &e), KV_EINVAL);
	CHECK_INT(alerts_parse_duration("soon", &v, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "'soon'");
	CHECK_INT(alerts_parse_duration("99999999999d", &v, &e), KV_EINVAL);
	CHECK_INT(v, 5);
}

static void settings_from_config(void)
{
	struct config *c = config_new();
	struct alert_settings a;
	struct err e = {0};

	CHECK(c);
	config_set(c, "alerts", "surge_count", "7");
	config_set(c, "alerts", "surge_window", "45m");
	CHECK_INT(alerts_settings_load(&a, c, &e), KV_OK);
	CHECK_INT(a.surge_count, 7);
	CHECK_INT(a.surge_window, 2700);
	CHECK_INT(a.identical_count, 3);
	config_set(c, "alerts", "identical_window", "forever");
	CHECK_INT(alerts_settings_load(&a, c, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[alerts] identical_window");
	config_set(c, "alerts", "identical_window", "1d");
	config_set(c, "alerts", "surge_count", "0");
	CHECK_INT(alerts_settings_load(&a, c, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "surge_count");
	config_free(c);
}

static char *norm(const char *text)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b, 0);
	if (alerts_normalise_answer(&b, text, &e))
		test_fail(__FILE__, __LINE__, "normalise: %s", e.msg);
	if (!b.ptr)
		return calloc(1, 1);
	return buf_detach(&b);
}

static void normal_form_drops_signature_case_and_space(void)
{
	const char *forms[] = {
	        "Hej! Taxan gäller från april.",
	        "HEJ!   taxan GÄLLER från april.\n",
	        "Hej! Taxan gäller från april.\nVänliga hälsningar\nEva, kommunikatör",
	        "Hej! Taxan gäller från april. /Eva",
	        "Hej!\nTaxan gäller från april.\n– Bo, kommunikatör",
	        "Hej! Taxan gäller från april.\n\nMvh Åsa",
	        "  Hej! Taxan gäller från april.\n/Kundcenter",
	};
	char *first = norm(forms[0]);

	CHECK_STR(first, "hej! taxan gäller från april.");
	for (size_t i = 1; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char *n = norm(forms[i]);

		if (strcmp(n, first) != 0)
			test_fail(__FILE__, __LINE__, "form %zu: \"%s\" != \"%s\"", i, n, first);
		free(n);
	}
	free(first);
	/* Different content stays different; a slash inside a sentence stays. */
	first = norm("Ring 08-123 45 och/eller maila oss.");
	CHECK_STR(first, "ring 08-123 45 och/eller maila oss.");
	free(first);
	/* A text that is only a signature-looking line is kept. */
	first = norm("/Eva");
	CHECK_STR(first, "/eva");
	free(first);
}

static void normal_form_refuses_bad_utf8(void)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b, 0);
	CHECK_INT(alerts_normalise_answer(&b, "Hej \xff\xfe", &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "UTF-8");
	buf_done(&b);
}

static void surge_once_per_window(void)
{
	struct fixture fx = setup();
	struct alert_scan_report r;
	struct audit_report ar = {0};
	struct err e = {0};
	int audited = 0;

	put(&fx, "post1", NULL, "page", 1, "Ny taxa", T0 - 7200, NULL);
	put(&fx, "c1", "post1", "u1", 0, "Skandal!", T0, "critical");
	put(&fx, "c2", "post1", "u2", 0, "Fråga?", T0 + 60, "question");
	put(&fx, "c3", "post1", "u3", 0, "Idiot", T0 + 120, "defamation_insult");
	r = scan(&fx, T0 + 600);
	CHECK_INT(r.surges, 0); /* a question does not count */
	put(&fx, "c4", "post1", "u4", 0, "Dåligt", T0 + 1800, "critical,question");
	r = scan(&fx, T0 + 1900);
	CHECK_INT(r.surges, 1);
	CHECK_INT(alerts_of(&fx, ALERT_KIND_SURGE), 1);
	/* Again, and with more flagged comments in the same burst: nothing new. */
	r = scan(&fx, T0 + 1900);
	CHECK_INT(r.surges, 0);
	put(&fx, "c5", "post1", "u5", 0, "Usch", T0 + 2000, "critical");
	put(&fx, "c6", "post1", "u6", 0, "Usch igen", T0 + 2100, "hate");
	r = scan(&fx, T0 + 2200);
	CHECK_INT(r.surges, 0);
	/* A window after the first alert, a new burst alerts again. */
	put(&fx, "c7", "post1", "u7", 0, "a", T0 + 1800 + 3600, "critical");
	put(&fx, "c8", "post1", "u8", 0, "b", T0 + 1800 + 3700, "critical");
	put(&fx, "c9", "post1", "u9", 0, "c", T0 + 1800 + 3800, "threat");
	r = scan(&fx, T0 + 1800 + 3900);
	CHECK_INT(r.surges, 1);
	CHECK_INT(alerts_of(&fx, ALERT_KIND_SURGE), 2);
	CHECK_INT(audit_list(fx.s, fx.org, audit_count, &audited, &e), KV_OK);
	CHECK_INT(audited, 2);
	CHECK_INT(audit_verify(fx.s, &ar, &e), KV_OK);
	CHECK_INT(ar.n_problems, 0);
	audit_report_done(&ar);
	store_free(fx.s);
}

static void surge_ignores_old_bursts(void)
{
	struct fixture fx = setup();

	/* A burst imported long after it happened is history, not an alarm. */
	put(&fx, "c1", "post1", "u1", 0, "a", T0, "critical");
	put(&fx, "c2", "post1", "u2", 0, "b", T0 + 10, "critical");
	put(&fx, "c3", "post1", "u3", 0, "c", T0 + 20, "critical");
	CHECK_INT(scan(&fx, T0 + 3 * 86400).surges, 0);
	CHECK_INT(scan(&fx, T0 + 30).surges, 1);
	store_free(fx.s);
}

static void identical_answers_to_different_people(void)
{
	struct fixture fx = setup();
	const char *answer = "Hej! Taxan beslutades av fullmäktige i december.";
	char text[256];

	put(&fx, "q1", "post1", "u1", 0, "Varför?", T0, "question");
	put(&fx, "q2", "post1", "u2", 0, "Varför då?", T0 + 10, "question");
	put(&fx, "q3", "post1", "u1", 0, "Och?", T0 + 20, "question");
	put(&fx, "q4", "post1", "u3", 0, "Hur?", T0 + 30, "question");
	/* Two people, three replies (u1 twice): not yet. */
	snprintf(text, sizeof(text), "%s\n/Eva", answer);
	put(&fx, "r1", "q1", "page", 1, text, T0 + 100, NULL);
	put(&fx, "r2", "q2", "page", 1, answer, T0 + 200, NULL);
	snprintf(text, sizeof(text), "%s /Bo", answer);
	put(&fx, "r3", "q3", "page", 1, text, T0 + 300, NULL);
	CHECK_INT(scan(&fx, T0 + 400).identical, 0);
	/* A short thank-you to everyone is no problem. */
	put(&fx, "t1", "q1", "page", 1, "Tack!", T0 + 410, NULL);
	put(&fx, "t2", "q2", "page", 1, "Tack!", T0 + 420, NULL);
	put(&fx, "t3", "q4", "page", 1, "Tack!", T0 + 430, NULL);
	CHECK_INT(scan(&fx, T0 + 440).identical, 0);
	/* The third person: an alert, once. */
	snprintf(text, sizeof(text), "%s\nVänliga hälsningar, Åsa", answer);
	put(&fx, "r4", "q4", "page", 1, text, T0 + 500, NULL);
	CHECK_INT(scan(&fx, T0 + 600).identical, 1);
	CHECK_INT(scan(&fx, T0 + 700).identical, 0);
	CHECK_INT(alerts_of(&fx, ALERT_KIND_IDENTICAL), 1);
	CHECK_INT(alerts_of(&fx, ALERT_KIND_SURGE), 0);
	store_free(fx.s);
}

static void ack_once(void)
{
	struct fixture fx = setup();
	struct alert_filter f = {0};
	struct err e = {0};
	int n = 0;

	put(&fx, "c1", "post1", "u1", 0, "a", T0, "critical");
	put(&fx, "c2", "post1", "u2", 0, "b", T0 + 10, "critical");
	put(&fx, "c3", "post1", "u3", 0, "c", T0 + 20, "critical");
	CHECK_INT(scan(&fx, T0 + 30).surges, 1);
	f.org_id = fx.org;
	f.open_only = 1;
	CHECK_INT(alert_row_each(fx.s, &f, count_alert, &n, &e), KV_OK);
	CHECK_INT(n, 1);
	CHECK_INT(alerts_ack(test_op_at(fx.s, fx.org, "asa", T0 + 60), 1, &e), KV_OK);
	CHECK_INT(alerts_ack(test_op_at(fx.s, fx.org, "bo", T0 + 70), 1, &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "asa");
	CHECK_INT(alerts_ack(test_op_at(fx.s, fx.org, "bo", T0 + 70), 99, &e), KV_ENOTFOUND);
	n = 0;
	CHECK_INT(alert_row_each(fx.s, &f, count_alert, &n, &e), KV_OK);
	CHECK_INT(n, 0);
	store_free(fx.s);
}

static void crisis_switch(void)
{
	struct fixture fx = setup();
	struct err e = {0};
	int on = 1, changed = 0;

	CHECK_INT(alerts_crisis_get(test_op(fx.s, fx.org, "t"), &on, &e), KV_OK);
	CHECK_INT(on, 0);
	CHECK_INT(alerts_crisis_set(test_op(fx.s, fx.org, "asa"), 1, &changed, &e), KV_OK);
	CHECK_INT(changed, 1);
	CHECK_INT(alerts_crisis_get(test_op(fx.s, fx.org, "t"), &on, &e), KV_OK);
	CHECK_INT(on, 1);
	CHECK_INT(alerts_crisis_set(test_op(fx.s, fx.org, "asa"), 1, &changed, &e), KV_OK);
	CHECK_INT(changed, 0);
	CHECK_INT(alerts_crisis_set(test_op(fx.s, fx.org, "asa"), 0, &changed, &e), KV_OK);
	CHECK_INT(changed, 1);
	CHECK_INT(alerts_crisis_get(test_op(fx.s, fx.org, "t"), &on, &e), KV_OK);
	CHECK_INT(on, 0);
	store_free(fx.s);
}

TEST_MAIN(T(duration_forms), T(settings_from_config), T(normal_form_drops_signature_case_and_space),
          T(normal_form_refuses_bad_utf8), T(surge_once_per_window), T(surge_ignores_old_bursts),
          T(identical_answers_to_different_people), T(ack_once), T(crisis_switch))
