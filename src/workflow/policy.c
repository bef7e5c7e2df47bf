/* Policy settings: the table of keys with their defaults and checks, the
 * resolution default → organisation → account, and the duration arithmetic
 * on top of the Swedish calendar. Values are stored as the text the user
 * gave, so what is shown is what was set. */
#include "workflow/policy.h"

#include "base/config.h"
#include "base/time.h"
#include "base/utf8.h"
#include "model/register.h"
#include "store/audit.h"
#include "store/policy_rows.h"
#include "store/register_rows.h"
#include "store/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_kind { K_DURATION, K_COUNT, K_BOOL, K_TEXT, K_HOURS, K_DATES, K_DE_FACTO, K_MONTHS };

enum {
	I_ANSWER = 0,
	I_REMOVAL,
	I_REVIEW,
	I_INACTIVITY,
	I_WEEKLY,
	I_CRISIS_ANSWER,
	I_CRISIS_REMOVAL,
	I_CRISIS_REVIEW,
	I_POSTS_PER_WEEK,
	I_MAX_PER_DAY,
	I_FOUR_EYES,
	I_SIGNATURE,
	I_OFFICE_HOURS,
	I_CLOSED_DAYS,
	I_DE_FACTO,
	I_HISTORY,
	I_PLATFORM_KEEP,
	I_CRISIS,
	I_COUNT
};

const struct policy_key policy_keys[] = {
        {"answer_deadline", "Svarstid för frågor", 1},
        {"removal_deadline", "Tid att ta bort otillåtet innehåll", 1},
        {"review_interval", "Hur ofta kontot ska bevakas", 1},
        {"inactivity_limit", "Utan egna inlägg så länge föreslås kontot avslutas", 1},
        {"weekly_limit", "Längsta tid utan eget inlägg", 1},
        {"crisis_answer_deadline", "Svarstid i krisläge", 1},
        {"crisis_removal_deadline", "Tid att ta bort otillåtet innehåll i krisläge", 1},
        {"crisis_review_interval", "Bevakningsintervall i krisläge", 1},
        {"posts_per_week", "Mål för antal inlägg per vecka", 1},
        {"max_posts_per_day", "Högsta antal inlägg per dag", 1},
        {"four_eyes", "Två personer krävs för att dölja eller ta bort", 1},
        {"signature_template", "Mall för underskrift i svar", 1},
        {"office_hours", "Kontorstid (HH:MM-HH:MM)", 1},
        {"closed_days", "Egna stängda dagar (ÅÅÅÅ-MM-DD, kommaseparerade)", 1},
        {"de_facto_off", "Lediga aftnar: all, none eller midsommarafton,julafton,nyarsafton", 1},
        {"history_after",
         "Frågor som fångas så långt efter att de kom in är historik: de öppnas inte", 1},
        {"platform_keep_months",
         "Så många månader får egna inlägg ligga kvar på plattformen (0 = gallras inte där)", 1},
        {"crisis", "Krisläge för hela organisationen (on/off)", 0},
};
const size_t policy_key_count = sizeof(policy_keys) / sizeof(policy_keys[0]);

static const enum key_kind kinds[I_COUNT] = {
        K_DURATION, K_DURATION, K_DURATION, K_DURATION, K_DURATION, K_DURATION,
        K_DURATION, K_DURATION, K_COUNT,    K_COUNT,    K_BOOL,     K_TEXT,
        K_HOURS,    K_DATES,    K_DE_FACTO, K_DURATION, K_MONTHS,   K_BOOL,
};

static const char *const defaults[I_COUNT] = {
        "1wd", "48h", "1wd",         "365d", "7d",  "4wh", "24h", "4wh",
        NULL, /* posts_per_week: from the register */
        NULL, /* max_posts_per_day: by platform */
        "off", "",    "08:00-17:00", "",     "all", "30d", "0",   "off",
};

static const struct {
	const char *suffix;
	enum policy_unit unit;
} units[] = {
        /* Longest suffix first: "weekday-h" and "wh" end in "h". */
        {"weekday-h", POLICY_WEEKDAY_HOURS},
        {"wd", POLICY_WORKING_DAYS},
        {"wh", POLICY_WORKING_HOURS},
        {"h", POLICY_HOURS},
        {"d", POLICY_DAYS},
};

static int key_index(const char *key)
{
	for (size_t i = 0; i < policy_key_count; i++)
		if (strcmp(policy_keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

int policy_duration_parse(struct policy_duration *out, const char *text, struct err *err)
{
	const char *p = text;
	int64_t n = 0;

	if (!text || !*text)
		return err_set(err, KV_EINVAL,
		               "empty duration (write e.g. 1wd, 48wh, 48h, "
		               "48weekday-h or 365d)");
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p - '0');
		if (n > CALENDAR_AMOUNT_MAX)
			return err_set(err, KV_EINVAL, "duration '%s': more than %d", text,
			               CALENDAR_AMOUNT_MAX);
		p++;
	}
	if (p == text)
		return err_set(err, KV_EINVAL, "duration '%s' does not start with a number", text);
	if (n == 0)
		return err_set(err, KV_EINVAL, "duration '%s' must be more than 0", text);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].suffix) == 0) {
			out->unit = units[i].unit;
			out->amount = n;
			return KV_OK;
		}
	return err_set(err, KV_EINVAL,
	               "duration '%s': unit '%s' is not wd (working days), wh (working hours), "
	               "h (hours), weekday-h (hours on working days) or d (days)",
	               text, p);
}

int policy_is_history(const struct policy *p, int64_t arrived, int64_t captured, int *out,
                      struct err *err)
{
	int64_t end;
	int rc = policy_due(&end, &p->cal, &p->history_after, arrived, err);

	if (!rc)
		*out = captured > end;
	return rc;
}

void policy_duration_format(char out[POLICY_DUR_LEN], const struct policy_duration *d)
{
	const char *suffix = "?";

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].unit == d->unit)
			suffix = units[i].suffix;
	snprintf(out, POLICY_DUR_LEN, "%lld%s", (long long)d->amount, suffix);
}

int policy_due(int64_t *out, const struct calendar_config *cal, const struct policy_duration *d,
               int64_t t, struct err *err)
{
	switch (d->unit) {
	case POLICY_WORKING_DAYS:
		return calendar_add_working_days(out, cal, t, (int)d->amount, err);
	case POLICY_WORKING_HOURS:
		return calendar_add_working_seconds(out, cal, t, d->amount * 3600, err);
	case POLICY_HOURS:
		return calendar_add_hours(out, t, d->amount, err);
	case POLICY_WEEKDAY_HOURS:
		return calendar_add_weekday_seconds(out, cal, t, d->amount * 3600, err);
	case POLICY_DAYS:
		return calendar_add_hours(out, t, d->amount * 24, err);
	}
	return err_set(err, KV_EINTERNAL, "unknown duration unit %d", (int)d->unit);
}

static int parse_count(int64_t *out, const char *v, int min, struct err *err)
{
	char *end = NULL;
	long long n;

	if (strcmp(v, "none") == 0) {
		*out = -1;
		return KV_OK;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (!*v || !end || *end || errno || n < min || n > 10000)
		return err_set(err, KV_EINVAL, "'%s' is not a number from %d to 10000 or 'none'", v,
		               min);
	*out = n;
	return KV_OK;
}

static int parse_bool(int *out, const char *v, struct err *err)
{
	if (config_parse_bool(v, out))
		return err_set(err, KV_EINVAL, "'%s' is not on or off", v);
	return KV_OK;
}

static int parse_dates(struct calendar_config *cal, const char *v, struct err *err)
{
	char one[16];
	const char *p = v;

	while (*p) {
		size_t n = strcspn(p, ",");
		int y, m, d, rc;

		while (n && *p == ' ')
			p++, n--;
		if (n == 0 || n >= sizeof(one))
			return err_set(err, KV_EINVAL, "'%.*s' in '%s' is not a date YYYY-MM-DD",
			               (int)n, p, v);
		memcpy(one, p, n);
		one[n] = '\0';
		while (n && one[n - 1] == ' ')
			one[--n] = '\0';
		if (time_parse_date(one, &y, &m, &d) != KV_OK)
			return err_set(err, KV_EINVAL, "'%s' in '%s' is not a date YYYY-MM-DD", one,
			               v);
		rc = calendar_config_add_closed(cal, y, m, d, err);
		if (rc)
			return rc;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return KV_OK;
}

static int parse_de_facto(unsigned *out, const char *v, struct err *err)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"midsommarafton", CALENDAR_MIDSOMMARAFTON},
	             {"julafton", CALENDAR_JULAFTON},
	             {"nyarsafton", CALENDAR_NYARSAFTON},
	             {"nyårsafton", CALENDAR_NYARSAFTON}};
	unsigned bits = 0;
	const char *p = v;

	if (strcmp(v, "all") == 0) {
		*out = CALENDAR_DE_FACTO_ALL;
		return KV_OK;
	}
	if (strcmp(v, "none") == 0) {
		*out = 0;
		return KV_OK;
	}
	while (*p) {
		size_t n = strcspn(p, ","), k;

		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == n && strncmp(p, names[k].name, n) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return err_set(err, KV_EINVAL,
			               "'%.*s' is not all, none, midsommarafton, julafton or "
			               "nyarsafton",
			               (int)n, p);
		bits |= names[k].bit;
		p += n;
		if (*p == ',')
			p++;
	}
	*out = bits;
	return KV_OK;
}

/* Whole months, 0 (or "none") for no limit, at most 1200 (a century). */
static int parse_months(int64_t *out, const char *v, struct err *err)
{
	char *end = NULL;
	long long n;

	if (strcmp(v, "none") == 0) {
		*out = 0;
		return KV_OK;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (!*v || !end || *end || errno || n < 0 || n > 1200)
		return err_set(err, KV_EINVAL,
		               "'%s' is not a number of months from 0 to 1200 (0 or 'none': "
		               "not culled on the platform)",
		               v);
	*out = n;
	return KV_OK;
}

/* Checks one value and applies it to p (p may be a scratch policy). */
static int apply(struct policy *p, int idx, const char *v, struct err *err)
{
	struct policy_duration d;
	int rc = KV_OK;

	switch (kinds[idx]) {
	case K_DURATION:
		rc = policy_duration_parse(&d, v, err);
		if (rc)
			return rc;
		if (idx == I_ANSWER)
			p->answer_deadline = d;
		else if (idx == I_REMOVAL)
			p->removal_deadline = d;
		else if (idx == I_REVIEW)
			p->review_interval = d;
		else if (idx == I_INACTIVITY)
			p->inactivity_limit = d;
		else if (idx == I_WEEKLY)
			p->weekly_limit = d;
		else if (idx == I_HISTORY)
			p->history_after = d;
		/* The crisis durations are checked here and applied in resolve(). */
		return KV_OK;
	case K_COUNT:
		return parse_count(idx == I_POSTS_PER_WEEK ? &p->posts_per_week
		                                           : &p->max_posts_per_day,
		                   v, idx == I_POSTS_PER_WEEK ? 0 : 1, err);
	case K_BOOL:
		return parse_bool(idx == I_FOUR_EYES ? &p->four_eyes : &p->crisis, v, err);
	case K_TEXT:
		if (strlen(v) >= POLICY_TEXT_MAX)
			return err_set(err, KV_EINVAL, "longer than %d bytes", POLICY_TEXT_MAX - 1);
		if (utf8_check(v, strlen(v)) >= 0)
			return err_set(err, KV_EINVAL, "not valid UTF-8");
		snprintf(p->signature_template, sizeof(p->signature_template), "%s", v);
		return KV_OK;
	case K_HOURS:
		return calendar_config_set_hours(&p->cal, v, err);
	case K_DATES:
		p->cal.n_closed = 0;
		return parse_dates(&p->cal, v, err);
	case K_DE_FACTO:
		return parse_de_facto(&p->cal.de_facto_off, v, err);
	case K_MONTHS:
		return parse_months(&p->platform_keep_months, v, err);
	}
	return rc;
}

/* The texts in force, and where each came from. */
struct raw {
	char *value[I_COUNT];
	const char *source[I_COUNT];
	int64_t account_id;
};

static void raw_done(struct raw *r)
{
	for (int i = 0; i < I_COUNT; i++)
		free(r->value[i]);
}

static int raw_set(struct raw *r, int idx, const char *v, const char *source)
{
	char *copy = strdup(v);

	if (!copy)
		return KV_ENOMEM;
	free(r->value[idx]);
	r->value[idx] = copy;
	r->source[idx] = source;
	return KV_OK;
}

static int collect(void *ctx, int64_t account_id, const char *key, const char *value)
{
	struct raw *r = ctx;
	int idx = key_index(key);

	/* A key this version does not know (written by a newer one) is
	 * skipped rather than refused: it cannot change what this code does. */
	if (idx < 0)
		return 0;
	if (account_id && !policy_keys[idx].per_account)
		return 0;
	return raw_set(r, idx, value, account_id ? "account" : "organisation") ? 1 : 0;
}

static int load_raw(struct store *s, int64_t org, int64_t account_id, struct raw *r,
                    struct err *err)
{
	struct account_rec *acc = NULL;
	char buf[32];
	int rc = KV_OK;

	memset(r, 0, sizeof(*r));
	r->account_id = account_id;
	if (account_id) {
		rc = register_row_account_load(s, account_id, &acc, err);
		if (rc)
			goto out;
		if (acc->org_id != org) {
			rc = err_set(err, KV_ENOTFOUND, "account %lld does not exist",
			             (long long)account_id);
			goto out;
		}
	}
	for (int i = 0; i < I_COUNT && !rc; i++) {
		const char *v = defaults[i];

		if (i == I_POSTS_PER_WEEK) {
			v = "none";
			if (acc && acc->v.posts_per_week >= 0) {
				snprintf(buf, sizeof(buf), "%lld",
				         (long long)acc->v.posts_per_week);
				v = buf;
			}
		} else if (i == I_MAX_PER_DAY) {
			/* Östhammar: "Max 1-2 inlägg per dag" on Facebook. */
			v = acc && acc->v.platform == PLATFORM_FACEBOOK ? "2" : "none";
		}
		rc = raw_set(r, i, v, "default");
	}
	if (rc) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	rc = policy_row_each(s, org, account_id, collect, r, err);
	if (rc > 0)
		rc = err_set(err, KV_ENOMEM, "out of memory");
out:
	register_row_account_free(acc);
	return rc;
}

static int resolve(const struct raw *r, struct policy *out, struct err *err)
{
	struct policy p;
	struct policy_duration crisis[3];

	memset(&p, 0, sizeof(p));
	calendar_config_default(&p.cal);
	for (int i = 0; i < I_COUNT; i++) {
		int rc = apply(&p, i, r->value[i], err);

		if (!rc && i >= I_CRISIS_ANSWER && i <= I_CRISIS_REVIEW)
			rc = policy_duration_parse(&crisis[i - I_CRISIS_ANSWER], r->value[i], err);
		if (rc) {
			err_prefix(err, "policy %s (%s%s): ", policy_keys[i].key, r->source[i],
			           r->account_id ? " setting" : "");
			return rc;
		}
	}
	if (p.crisis) {
		p.answer_deadline = crisis[0];
		p.removal_deadline = crisis[1];
		p.review_interval = crisis[2];
	}
	*out = p;
	return KV_OK;
}

int policy_get(struct store *s, int64_t org, int64_t account_id, struct policy *out,
               struct err *err)
{
	struct raw r;
	int rc = load_raw(s, org, account_id, &r, err);

	if (!rc)
		rc = resolve(&r, out, err);
	raw_done(&r);
	return rc;
}

int policy_crisis(struct store *s, int64_t org, int *out, struct err *err)
{
	struct raw r;
	int rc = load_raw(s, org, 0, &r, err);

	if (!rc)
		rc = parse_bool(out, r.value[I_CRISIS], err);
	raw_done(&r);
	return rc;
}

static char *value_json(const char *key, const char *v)
{
	json_t *j = v ? json_pack("{s:s,s:s}", "key", key, "value", v) : NULL;
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(j);
	return s;
}

static int change(struct store *s, int64_t org, int64_t account_id, const char *key,
                  const char *value, const char *actor, struct err *err)
{
	char *before = NULL, *jb = NULL, *ja = NULL;
	char entity_id[48];
	int rc;

	rc = store_begin(s, err);
	if (rc)
		return rc;
	if (value)
		rc = policy_row_put(s, org, account_id, key, value, time_now(), &before, err);
	else
		rc = policy_row_delete(s, org, account_id, key, &before, err);
	if (rc)
		goto out;
	jb = value_json(key, before);
	ja = value_json(key, value);
	snprintf(entity_id, sizeof(entity_id), "%lld/%s", (long long)account_id, key);
	rc = audit_append(s, NULL, org, actor, value ? "policy.set" : "policy.unset", "policy",
	                  entity_id, jb, ja, err);
out:
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, err);
	free(before);
	free(jb);
	free(ja);
	return rc;
}

int policy_set(const struct op_ctx *op, int64_t account_id, const char *key, const char *value,
               struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	const char *actor = op_ctx_actor(op);
	struct raw r;
	struct policy scratch;
	int idx = key ? key_index(key) : -1;
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, account_id, err);

	if (rc)
		return rc;
	if (idx < 0)
		return err_set(err, KV_EINVAL, "'%s' is not a policy setting (see policy show)",
		               key ? key : "");
	if (account_id && !policy_keys[idx].per_account)
		return err_set(err, KV_EINVAL,
		               "'%s' applies to the whole organisation, not one "
		               "account",
		               key);
	memset(&scratch, 0, sizeof(scratch));
	calendar_config_default(&scratch.cal);
	rc = apply(&scratch, idx, value, err);
	if (rc)
		return err_prefix(err, "%s: ", key);
	/* The rest of the policy must still resolve with the new value (a
	 * per-account value is checked against what the account inherits). */
	rc = load_raw(s, org, account_id, &r, err);
	if (!rc && !(rc = raw_set(&r, idx, value, "new")))
		rc = resolve(&r, &scratch, err);
	raw_done(&r);
	if (rc)
		return rc;
	return change(s, org, account_id, key, value, actor, err);
}

int policy_unset(const struct op_ctx *op, int64_t account_id, const char *key, struct err *err)
{
	int rc = op_ctx_require(op, PERM_POLICY_WRITE, account_id, err);

	if (rc)
		return rc;
	if (!key || key_index(key) < 0)
		return err_set(err, KV_EINVAL, "'%s' is not a policy setting (see policy show)",
		               key ? key : "");
	return change(op->store, op->org, account_id, key, NULL, op_ctx_actor(op), err);
}

int policy_show(const struct op_ctx *op, int64_t account_id, policy_show_fn fn, void *ctx,
                struct err *err)
{
	struct store *s = op->store;
	int64_t org = op->org;
	struct raw r;
	int rc = account_id ? op_ctx_require(op, PERM_REGISTER_READ, account_id, err)
	                    : (principal_can_any(op->who, PERM_REGISTER_READ)
	                               ? KV_OK
	                               : op_ctx_require(op, PERM_REGISTER_READ, 0, err));

	if (rc)
		return rc;
	rc = load_raw(s, org, account_id, &r, err);
	for (int i = 0; i < I_COUNT && !rc; i++)
		rc = fn(ctx, policy_keys[i].key, r.value[i], r.source[i]);
	raw_done(&r);
	return rc;
}
