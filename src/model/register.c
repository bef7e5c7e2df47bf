/* Register vocabulary (platforms, statuses, the start checklist), the named
 * checks and field validation. Messages are Swedish: they are read by the
 * kommun's communicators and printed in the register's reports. */
#include "model/register.h"

#include "base/time.h"
#include "base/utf8.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	const char *label;
} platforms[PLATFORM_COUNT] = {
        {"facebook", "Facebook"}, {"instagram", "Instagram"}, {"x", "X"},
        {"youtube", "YouTube"},   {"linkedin", "LinkedIn"},   {"tiktok", "TikTok"},
        {"mastodon", "Mastodon"}, {"blog", "Blogg"},          {"other", "Annan kanal"},
};

const char *register_platform_name(enum platform p)
{
	return (unsigned)p < PLATFORM_COUNT ? platforms[p].name : "?";
}

const char *register_platform_label(enum platform p)
{
	return (unsigned)p < PLATFORM_COUNT ? platforms[p].label : "?";
}

int register_platform_from_name(const char *s, enum platform *out)
{
	for (int i = 0; s && i < PLATFORM_COUNT; i++)
		if (strcasecmp(s, platforms[i].name) == 0) {
			*out = (enum platform)i;
			return KV_OK;
		}
	return KV_EINVAL;
}

const char *register_platform_names(void)
{
	return "facebook, instagram, x, youtube, linkedin, tiktok, mastodon, blog, other";
}

static const char *const statuses[ACCOUNT_STATUS_COUNT] = {"proposed", "active", "inactive",
                                                           "closed"};

const char *register_account_status_name(enum account_status s)
{
	return (unsigned)s < ACCOUNT_STATUS_COUNT ? statuses[s] : "?";
}

int register_account_status_from_name(const char *s, enum account_status *out)
{
	for (int i = 0; s && i < ACCOUNT_STATUS_COUNT; i++)
		if (strcmp(s, statuses[i]) == 0) {
			*out = (enum account_status)i;
			return KV_OK;
		}
	return KV_EINVAL;
}

const struct checklist_item register_checklist_items[] = {
        {"syfte", "Syfte", "Varför ska kanalen användas?"},
        {"mal", "Mål", "Vad vill ni uppnå med kommunikationen?"},
        {"budskap", "Budskap",
         "Vilka frågor ska kommuniceras, och hur hänger de ihop med budskap i kommunens andra "
         "kanaler?"},
        {"malgrupp", "Målgrupp", "Vilka vänder vi oss till?"},
        {"kanal", "Kanal", "Vilken kanal ska användas?"},
        {"kontotyp", "Typ av konto",
         "Skapar verksamheten en företagssida/-konto, inte ett personkonto?"},
        {"avtal", "Avtal", "Har verksamheten gått igenom det sociala mediets avtalsvillkor?"},
        {"funktion_och_teknik", "Funktion och teknik", "Krävs det insatser från IT-avdelningen?"},
        {"resurser", "Resurser",
         "Vilka resurser behövs för att bevaka kontot och uppdatera det kontinuerligt? Minst två "
         "redaktörer och ersättare vid frånvaro."},
        {"bevakning", "Bevakning",
         "Vilka sköter bevakning och uppdatering? Vem hoppar in vid semester?"},
        {"avsandare", "Avsändare", "Framgår det tydligt att kontot är en del av kommunen?"},
        {"risker", "Risker",
         "Riskerar sekretess att röjas? Hur tar vi hänsyn till GDPR, andra lagar och regler?"},
        {"diarieforing_gallring_arkivering", "Diarieföring, gallring och arkivering",
         "Hur ser verksamhetens rutiner ut?"},
        {"kriskommunikation", "Kriskommunikation",
         "Hur kan kanalen användas vid en kris, och hur hänger den ihop med andra kanaler?"},
        {"marknadsforing", "Marknadsföring", "Hur hittar besökarna till kontot?"},
        {"informationskrav", "Informationskrav",
         "Finns den övergripande information som ska finnas: vilka inlägg som inte får förekomma, "
         "vad som händer vid brott mot reglerna, myndighetens identitet, syftet, att inläggen kan "
         "bli allmän handling?"},
};
const size_t register_checklist_count =
        sizeof(register_checklist_items) / sizeof(register_checklist_items[0]);

int register_checklist_find(const char *key)
{
	for (size_t i = 0; key && i < register_checklist_count; i++)
		if (strcasecmp(key, register_checklist_items[i].key) == 0 ||
		    strcasecmp(key, register_checklist_items[i].label) == 0)
			return (int)i;
	return -1;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int r_no_purpose(const struct account_view *a, char *buf, size_t n)
{
	return blank(a->purpose);
}

static int r_no_goal(const struct account_view *a, char *buf, size_t n)
{
	return blank(a->goal);
}

static int r_no_audience(const struct account_view *a, char *buf, size_t n)
{
	return blank(a->audience);
}

static int r_no_url(const struct account_view *a, char *buf, size_t n)
{
	return blank(a->url);
}

static int r_no_responsible(const struct account_view *a, char *buf, size_t n)
{
	return a->responsible.id == 0;
}

static int r_no_deputy(const struct account_view *a, char *buf, size_t n)
{
	return a->deputy.id == 0;
}

static int r_deputy_is_responsible(const struct account_view *a, char *buf, size_t n)
{
	return a->deputy.id != 0 && a->deputy.id == a->responsible.id;
}

static int r_vault_too_few(const struct account_view *a, char *buf, size_t n)
{
	if (a->vault_under_two <= 0)
		return 0;
	snprintf(buf, n,
	         "%lld av %lld inloggningsuppgifter i valvet kan användas av färre än två "
	         "personer i tjänst (vault grant)",
	         (long long)a->vault_under_two, (long long)a->vault_secrets);
	return 1;
}

static int r_no_policy(const struct account_view *a, char *buf, size_t n)
{
	(void)buf;
	(void)n;
	return a->policydoc_id == 0;
}

static int r_too_few_admins(const struct account_view *a, char *buf, size_t n)
{
	size_t active = 0;

	for (size_t i = 0; i < a->n_admins; i++)
		if (a->admins[i].exists && a->admins[i].active)
			active++;
	if (active >= 2)
		return 0;
	snprintf(buf, n, "%zu aktiv(a) administratör(er)", active);
	return 1;
}

static int r_no_decision(const struct account_view *a, char *buf, size_t n)
{
	if (a->decided_by.id != 0 && !blank(a->decided_on))
		return 0;
	/* The message says both are needed; the detail says which is missing. */
	if (a->decided_by.id != 0 || !blank(a->decided_on))
		snprintf(buf, n, "%s saknas",
		         a->decided_by.id == 0 ? "vem som beslutat" : "beslutsdatum");
	return 1;
}

static int r_no_decision_ref(const struct account_view *a, char *buf, size_t n)
{
	return blank(a->decision_ref);
}

static int r_checklist(const struct account_view *a, char *buf, size_t n)
{
	size_t used = 0, missing = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < register_checklist_count; i++) {
		if (a->answered && a->answered[i])
			continue;
		missing++;
		if (used < n) {
			int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "obesvarat: ",
			                 register_checklist_items[i].key);
			used += w > 0 ? (size_t)w : 0;
		}
	}
	if (used >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
	return missing > 0;
}

static int r_no_house_rules(const struct account_view *a, char *buf, size_t n)
{
	return blank(a->house_rules);
}

/* The about text is published once the account is in use: a proposed
 * account is not there yet, an inactive one is not worked on. */
static int r_house_rules_missing(const struct account_view *a, char *buf, size_t n)
{
	if (!a->house_assessed || a->status != ACCOUNT_ACTIVE || !a->house_missing)
		return 0;
	snprintf(buf, n, "%s", a->house_missing);
	return 1;
}

static int r_house_rules_stale(const struct account_view *a, char *buf, size_t n)
{
	if (!a->house_assessed || a->status != ACCOUNT_ACTIVE || !a->house_stale)
		return 0;
	snprintf(buf, n, "%s", a->house_stale);
	return 1;
}

static int r_no_posting_target(const struct account_view *a, char *buf, size_t n)
{
	return a->posts_per_week < 0;
}

static int r_unit(const struct account_view *a, char *buf, size_t n)
{
	if (a->unit_id == 0 || !a->unit_exists) {
		snprintf(buf, n, "ingen ägande enhet");
		return 1;
	}
	if (a->unit_closed) {
		snprintf(buf, n, "den ägande enheten är nedlagd");
		return 1;
	}
	return 0;
}

static int person_gone(const struct person_ref *p)
{
	return p->id != 0 && (!p->exists || !p->active);
}

static int r_person_inactive(const struct account_view *a, char *buf, size_t n)
{
	const struct person_ref *gone = NULL;
	const char *role = NULL;

	if (person_gone(&a->responsible)) {
		gone = &a->responsible;
		role = "ansvarig";
	} else if (person_gone(&a->deputy)) {
		gone = &a->deputy;
		role = "ersättare";
	} else {
		for (size_t i = 0; i < a->n_admins && !gone; i++)
			if (person_gone(&a->admins[i])) {
				gone = &a->admins[i];
				role = "administratör";
			}
	}
	if (!gone)
		return 0;
	snprintf(buf, n, "%s %s", role, gone->name ? gone->name : "(okänd)");
	return 1;
}

const struct check_rule register_check_rules[] = {
        {"no_purpose", CHECK_ERROR, "Syfte saknas", r_no_purpose},
        {"no_goal", CHECK_WARNING, "Mål saknas", r_no_goal},
        {"no_audience", CHECK_ERROR, "Huvudsaklig målgrupp saknas", r_no_audience},
        {"no_url", CHECK_ERROR, "Kanalens adress (URL) saknas", r_no_url},
        {"unit_missing", CHECK_ERROR, "Ägande enhet saknas eller är nedlagd", r_unit},
        {"no_responsible", CHECK_ERROR, "Ansvarig saknas", r_no_responsible},
        {"no_deputy", CHECK_ERROR, "Ersättare saknas", r_no_deputy},
        {"deputy_is_responsible", CHECK_ERROR, "Ersättaren är samma person som den ansvarige",
         r_deputy_is_responsible},
        {"too_few_admins", CHECK_ERROR, "Färre än två personer kan administrera kontot",
         r_too_few_admins},
        {"vault_too_few", CHECK_ERROR,
         "Inloggningsuppgifter i valvet som färre än två personer kommer åt", r_vault_too_few},
        {"person_inactive", CHECK_ERROR, "En utsedd person finns inte längre i tjänst",
         r_person_inactive},
        {"no_decision", CHECK_ERROR, "Beslut saknas (vem som beslutat och när)", r_no_decision},
        {"no_decision_ref", CHECK_WARNING, "Diarienummer för beslutet saknas", r_no_decision_ref},
        {"checklist_incomplete", CHECK_ERROR, "Startchecklistan är inte färdigbesvarad",
         r_checklist},
        {"no_house_rules", CHECK_ERROR, "Regler för besökarna (husregler) saknas",
         r_no_house_rules},
        {"house_rules_missing", CHECK_ERROR,
         "Kontots om-text saknar husreglernas väsentliga stycken (account rules, account about)",
         r_house_rules_missing},
        {"house_rules_stale", CHECK_WARNING,
         "Kontots om-text följer en äldre version av husreglerna (account rules)",
         r_house_rules_stale},
        {"no_policy", CHECK_WARNING,
         "Vilket styrdokument kontot följer är inte angivet (policydoc apply)", r_no_policy},
        {"no_posting_target", CHECK_WARNING, "Mål för antal inlägg per vecka saknas",
         r_no_posting_target},
};
const size_t register_check_rule_count =
        sizeof(register_check_rules) / sizeof(register_check_rules[0]);

size_t register_check_account(const struct account_view *a, struct check_problem *out, size_t max)
{
	size_t found = 0;

	if (a->status == ACCOUNT_CLOSED)
		return 0;
	for (size_t i = 0; i < register_check_rule_count; i++) {
		char detail[256] = "";

		if (!register_check_rules[i].test(a, detail, sizeof(detail)))
			continue;
		if (found < max) {
			out[found].rule = &register_check_rules[i];
			memcpy(out[found].detail, detail, sizeof(detail));
		}
		found++;
	}
	return found;
}

int register_validate_text(const char *field, const char *value, size_t max, int required,
                           struct err *err)
{
	size_t len;
	ssize_t bad;

	if (!value || !*value) {
		if (required)
			return err_set(err, KV_EINVAL, "%s: a value is required", field);
		return KV_OK;
	}
	len = strlen(value);
	bad = utf8_check(value, len);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "%s: invalid UTF-8 at byte %zd", field, bad);
	if (len > max)
		return err_set(err, KV_EINVAL, "%s: too long (%zu bytes; at most %zu)", field, len,
		               max);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] < 0x20 && value[i] != '\n' && value[i] != '\t' &&
		    value[i] != '\r')
			return err_set(err, KV_EINVAL, "%s: control character at byte %zu", field,
			               i);
	return KV_OK;
}

int register_validate_date(const char *field, const char *value, struct err *err)
{
	int y, m, d;

	if (!value || !*value)
		return KV_OK;
	if (time_parse_date(value, &y, &m, &d) != KV_OK)
		return err_set(err, KV_EINVAL, "%s: '%.40s' is not a date (YYYY-MM-DD)", field,
		               value);
	return KV_OK;
}

int register_validate_email(const char *field, const char *value, struct err *err)
{
	const char *at;
	int rc = register_validate_text(field, value, 254, 1, err);

	if (rc)
		return rc;
	at = strchr(value, '@');
	if (!at || at == value || !strchr(at, '.') || strchr(at + 1, '@') ||
	    strpbrk(value, " \t<>,;"))
		return err_set(err, KV_EINVAL, "%s: '%.80s' is not an e-mail address", field,
		               value);
	return KV_OK;
}

int register_validate_url(const char *field, const char *value, struct err *err)
{
	int rc = register_validate_text(field, value, REG_FIELD_MAX, 0, err);

	if (rc || !value || !*value)
		return rc;
	if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0)
		return err_set(err, KV_EINVAL, "%s: '%.80s' is not an http(s) address", field,
		               value);
	if (strpbrk(value, " \t\n\"<>"))
		return err_set(err, KV_EINVAL, "%s: the address contains spaces or quotes", field);
	return KV_OK;
}
