/* The retention plan: parsing the plain-text format, storing versions,
 * reading them back, and finding the rule for a class on an account. */
#include "records/retention.h"

#include "base/hash.h"
#include "base/utf8.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/retention_rows.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *label;
} classes[RC_COUNT] = {
        [RC_UPPRATTADE] = {"upprattade", "upprättade inlägg"},
        [RC_INKOMNA] = {"inkomna", "inkomna kommentarer och svar"},
        [RC_MEDDELANDEN] = {"meddelanden", "privata meddelanden"},
        [RC_ENKLA_FRAGOR] = {"enkla_fragor", "frågor som besvarats direkt"},
        [RC_SKRAP] = {"skrap", "skräp och reklam"},
        [RC_BORTTAGET] = {"borttaget", "innehåll borttaget enligt 4.4"},
        [RC_WEBHOOKS] = {"webhooks", "webhookleveranser"},
        [RC_MEDIA] = {"media", "mediefiler"},
        [RC_LOGGAR] = {"loggar", "loggar (skickad e-post, kvitterade larm)"},
};

const char *retention_class_name(enum records_class c)
{
	return c < RC_COUNT ? classes[c].name : "?";
}

const char *retention_class_label(enum records_class c)
{
	return c < RC_COUNT ? classes[c].label : "?";
}

int retention_class_from_name(const char *s, enum records_class *out, struct err *err)
{
	char known[256] = "";
	size_t n = 0;

	for (int c = 0; c < RC_COUNT; c++)
		if (strcmp(s, classes[c].name) == 0) {
			*out = (enum records_class)c;
			return KV_OK;
		}
	for (int c = 0; c < RC_COUNT; c++)
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", c ? ", " : "",
		                      classes[c].name);
	return err_set(err, KV_EINVAL, "unknown class '%s' (known: %s)", s, known);
}

/* Classes that are not items of an account: no override per account, and
 * nothing to find in an e-archive package. */
static int org_only(enum records_class c)
{
	return c == RC_WEBHOOKS || c == RC_LOGGAR;
}

void retention_rule_text(const struct retention_rule *r, char *out, size_t outsz)
{
	if (!r->set || r->action == RETAIN_KEEP)
		snprintf(out, outsz, "bevaras");
	else if (r->action == RETAIN_CLOSED)
		snprintf(out, outsz, "gallras när kanalen läggs ned");
	else if (r->months == 0)
		snprintf(out, outsz, "gallras omedelbart");
	else if (r->months % 12 == 0)
		snprintf(out, outsz, "gallras efter %d år", r->months / 12);
	else
		snprintf(out, outsz, "gallras efter %d %s", r->months,
		         r->months == 1 ? "månad" : "månader");
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int word_is(const char *w, const char *a, const char *b)
{
	return strcmp(w, a) == 0 || (b && strcmp(w, b) == 0);
}

/* Parses the rule field into r. */
static int parse_rule(struct retention_rule *r, char *field, const char *where, struct err *err)
{
	char *w[8], *save = NULL, *p;
	int n = 0;

	for (p = strtok_r(field, " \t", &save); p && n < 8; p = strtok_r(NULL, " \t", &save))
		w[n++] = p;
	if (n == 1 && strcmp(w[0], "bevaras") == 0) {
		r->action = RETAIN_KEEP;
		return KV_OK;
	}
	if (n >= 1 && strcmp(w[0], "gallras") == 0) {
		if (n == 2 && strcmp(w[1], "omedelbart") == 0) {
			r->action = RETAIN_AFTER;
			r->months = 0;
			return KV_OK;
		}
		if (n == 5 && word_is(w[1], "när", "nar") && strcmp(w[2], "kanalen") == 0 &&
		    word_is(w[3], "läggs", "laggs") && strcmp(w[4], "ned") == 0) {
			r->action = RETAIN_CLOSED;
			return KV_OK;
		}
		if (n >= 2 && strcmp(w[1], "efter") == 0) {
			char *end = NULL;
			long v;

			if (n != 4)
				return err_set(
				        err, KV_EINVAL,
				        "%s: 'gallras efter' needs a period: N månader or N år",
				        where);
			v = strtol(w[2], &end, 10);
			if (!end || *end || end == w[2] || v < 1 || v > 1200)
				return err_set(
				        err, KV_EINVAL,
				        "%s: '%s' is not a period length (a whole number from 1"
				        " to 1200)",
				        where, w[2]);
			if (word_is(w[3], "månad", "manad") || word_is(w[3], "månader", "manader"))
				r->months = (int)v;
			else if (word_is(w[3], "år", "ar") && v <= 100)
				r->months = (int)v * 12;
			else
				return err_set(
				        err, KV_EINVAL,
				        "%s: '%s' is not a unit of the period (månader or år, at"
				        " most 100 år)",
				        where, w[3]);
			r->action = RETAIN_AFTER;
			return KV_OK;
		}
	}
	return err_set(err, KV_EINVAL,
	               "%s: unknown rule (write 'bevaras', 'gallras efter N månader', 'gallras"
	               " efter N år', 'gallras omedelbart' or 'gallras när kanalen läggs ned')",
	               where);
}

void retention_plan_done(struct retention_plan *p)
{
	if (!p)
		return;
	free(p->accounts);
	memset(p, 0, sizeof(*p));
}

static int add_account(struct retention_plan *p, const char *ref, int line,
                       retention_account_resolve_fn resolve, void *ctx, const char *where,
                       struct retention_rule **out, struct err *err)
{
	struct retention_account_rules *a, *grown;
	int64_t id = 0;
	int rc;

	if (!*ref)
		return err_set(err, KV_EINVAL, "%s: [konto] needs an account: [konto HANDLE]",
		               where);
	if (resolve) {
		rc = resolve(ctx, ref, &id, err);
		if (rc) {
			/* An unknown account is a mistake in the file, like any other. */
			err_prefix(err, "%s: [konto %s]: ", where, ref);
			err->code = KV_EINVAL;
			return KV_EINVAL;
		}
	}
	for (size_t i = 0; i < p->n_accounts; i++)
		if ((id && p->accounts[i].account_id == id) || strcmp(p->accounts[i].ref, ref) == 0)
			return err_set(err, KV_EINVAL,
			               "%s: account '%s' has a section already (line %d)", where,
			               ref, p->accounts[i].line);
	grown = realloc(p->accounts, (p->n_accounts + 1) * sizeof(*grown));
	if (!grown)
		return err_set(err, KV_ENOMEM, "out of memory");
	p->accounts = grown;
	a = &p->accounts[p->n_accounts++];
	memset(a, 0, sizeof(*a));
	a->account_id = id;
	a->line = line;
	snprintf(a->ref, sizeof(a->ref), "%s", ref);
	*out = a->rules;
	return KV_OK;
}

static int parse_line(struct retention_plan *p, char *s, int line, int *section,
                      struct retention_rule **rules, retention_account_resolve_fn resolve,
                      void *ctx, const char *where, struct err *err)
{
	char *field[5], *bar;
	struct retention_rule r = {0};
	enum records_class c;
	int n = 0, rc;

	if (s[0] == '[') {
		char *close = strchr(s, ']');

		if (!close || *trim(close + 1))
			return err_set(err, KV_EINVAL,
			               "%s: a section line is [organisation] or"
			               " [konto HANDLE]",
			               where);
		*close = '\0';
		s = trim(s + 1);
		if (strcmp(s, "organisation") == 0) {
			if (*section == 1)
				return err_set(err, KV_EINVAL, "%s: [organisation] appears twice",
				               where);
			*section = 1;
			*rules = p->org;
			return KV_OK;
		}
		if (strncmp(s, "konto", 5) == 0 && (s[5] == ' ' || s[5] == '\t' || !s[5])) {
			*section = 2;
			return add_account(p, trim(s + 5), line, resolve, ctx, where, rules, err);
		}
		return err_set(err, KV_EINVAL,
		               "%s: unknown section [%s] (organisation or konto HANDLE)", where, s);
	}
	if (!*section) {
		if (strncmp(s, "plan:", 5) == 0) {
			const char *name = trim(s + 5);

			if (!*name || strlen(name) >= sizeof(p->name))
				return err_set(err, KV_EINVAL,
				               "%s: the plan's name must be 1 to %zu bytes", where,
				               sizeof(p->name) - 1);
			snprintf(p->name, sizeof(p->name), "%s", name);
			return KV_OK;
		}
		return err_set(err, KV_EINVAL,
		               "%s: a rule before any section (start with [organisation])", where);
	}
	while (n < 5) {
		field[n++] = s;
		bar = strchr(s, '|');
		if (!bar)
			break;
		*bar = '\0';
		s = bar + 1;
	}
	if (n != 4)
		return err_set(err, KV_EINVAL,
		               "%s: a rule has four fields separated by '|': class | rule |"
		               " arkivera först (ja or nej) | source (%d found)",
		               where, n);
	for (int i = 0; i < 4; i++)
		field[i] = trim(field[i]);
	rc = retention_class_from_name(field[0], &c, err);
	if (rc)
		return err_prefix(err, "%s: ", where);
	if ((*rules)[c].set)
		return err_set(err, KV_EINVAL,
		               "%s: class '%s' has a rule in this section already"
		               " (line %d)",
		               where, field[0], (*rules)[c].line);
	if (*section == 2 && org_only(c))
		return err_set(err, KV_EINVAL,
		               "%s: class '%s' is not kept per account; give its rule under"
		               " [organisation]",
		               where, field[0]);
	rc = parse_rule(&r, field[1], where, err);
	if (rc)
		return rc;
	if (r.action == RETAIN_CLOSED && org_only(c))
		return err_set(err, KV_EINVAL,
		               "%s: class '%s' belongs to no account, so it cannot be culled when"
		               " an account is closed",
		               where, field[0]);
	if (strcmp(field[2], "ja") == 0)
		r.archive_first = 1;
	else if (strcmp(field[2], "nej") != 0)
		return err_set(err, KV_EINVAL, "%s: arkivera först is 'ja' or 'nej', not '%s'",
		               where, field[2]);
	if (r.archive_first && org_only(c))
		return err_set(err, KV_EINVAL,
		               "%s: class '%s' is not delivered in e-archive packages, so"
		               " 'arkivera först' cannot be checked for it",
		               where, field[0]);
	if (!*field[3])
		return err_set(err, KV_EINVAL,
		               "%s: the rule for '%s' needs its source (the policy"
		               " or decision it follows)",
		               where, field[0]);
	if (strlen(field[3]) >= sizeof(r.source))
		return err_set(err, KV_EINVAL, "%s: the source is longer than %zu bytes", where,
		               sizeof(r.source) - 1);
	snprintf(r.source, sizeof(r.source), "%s", field[3]);
	r.set = 1;
	r.line = line;
	(*rules)[c] = r;
	return KV_OK;
}

int retention_plan_parse(struct retention_plan *out, const char *text, size_t len, const char *file,
                         retention_account_resolve_fn resolve, void *ctx, struct err *err)
{
	struct retention_plan p = {0};
	struct retention_rule *rules = NULL;
	ssize_t bad;
	size_t pos = 0;
	int line = 0, section = 0, rc = KV_OK, n_rules = 0;
	char where[300], buf[2048];

	if (!file)
		file = "plan";
	bad = utf8_check(text, len);
	if (bad >= 0)
		return err_set(err, KV_EINVAL, "%s: not UTF-8 text (byte %zd)", file, bad);
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s;

		line++;
		snprintf(where, sizeof(where), "%s:%d", file, line);
		if (n >= sizeof(buf)) {
			rc = err_set(err, KV_EINVAL, "%s: line longer than %zu bytes", where,
			             sizeof(buf) - 1);
			break;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + 1;
		s = trim(buf);
		if (!*s || *s == '#')
			continue;
		rc = parse_line(&p, s, line, &section, &rules, resolve, ctx, where, err);
		if (!rc && s[0] != '[' && section)
			n_rules++;
	}
	if (!rc && n_rules == 0)
		rc = err_set(err, KV_EINVAL, "%s: the plan has no rules", file);
	if (rc) {
		retention_plan_done(&p);
		return rc;
	}
	hash_sha256_hex(p.sha256, text, len);
	*out = p;
	return KV_OK;
}

const struct retention_rule *retention_plan_rule(const struct retention_plan *p, int64_t account,
                                                 enum records_class c)
{
	static const struct retention_rule unset = {0};

	for (size_t i = 0; account && i < p->n_accounts; i++)
		if (p->accounts[i].account_id == account && p->accounts[i].rules[c].set)
			return &p->accounts[i].rules[c];
	return p->org[c].set ? &p->org[c] : &unset;
}

static int resolve_account(void *ctx, const char *ref, int64_t *out, struct err *err)
{
	return registry_account_find(ctx, ref, out, err);
}

static const char *action_name(enum retention_action a)
{
	return a == RETAIN_KEEP ? "keep" : a == RETAIN_AFTER ? "after" : "closed";
}

static int put_rules(struct store *s, int64_t plan, int64_t account,
                     const struct retention_rule *rules, struct err *err)
{
	int rc = KV_OK;

	for (int c = 0; c < RC_COUNT && !rc; c++) {
		struct retention_rule_row row;

		if (!rules[c].set)
			continue;
		row.account_id = account;
		row.class_name = retention_class_name((enum records_class)c);
		row.action = action_name(rules[c].action);
		row.months = rules[c].months;
		row.archive_first = rules[c].archive_first;
		row.source = rules[c].source;
		row.line = rules[c].line;
		rc = retention_rows_rule_insert(s, plan, &row, err);
	}
	return rc;
}

int retention_load(const struct op_ctx *op, const char *file, const char *text, size_t len,
                   int64_t *out_version, struct err *err)
{
	struct retention_plan p = {0};
	int64_t id = 0, version = 0;
	char idtext[32], *after = NULL;
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (rc)
		return rc;
	rc = retention_plan_parse(&p, text, len, file, resolve_account, (void *)op, err);
	if (rc)
		return rc;
	rc = store_begin(op->store, err);
	if (rc)
		goto out;
	rc = retention_rows_plan_insert(op->store, op->org, p.name[0] ? p.name : NULL, file,
	                                p.sha256, text, op_ctx_actor(op), op->now, &id, &version,
	                                err);
	if (!rc)
		rc = put_rules(op->store, id, 0, p.org, err);
	for (size_t i = 0; !rc && i < p.n_accounts; i++)
		rc = put_rules(op->store, id, p.accounts[i].account_id, p.accounts[i].rules, err);
	if (!rc) {
		json_t *j = json_pack("{s:I,s:s?,s:s?,s:s,s:I}", "version", (json_int_t)version,
		                      "name", p.name[0] ? p.name : NULL, "file", file, "sha256",
		                      p.sha256, "accounts", (json_int_t)p.n_accounts);

		after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		rc = after ? audit_append(op->store, NULL, op->org, op_ctx_actor(op),
		                          "retention.load", "retention_plan", idtext, NULL, after,
		                          err)
		           : err_set(err, KV_ENOMEM, "out of memory");
	}
	if (rc)
		store_rollback(op->store);
	else
		rc = store_commit(op->store, err);
	if (!rc)
		*out_version = version;
out:
	free(after);
	retention_plan_done(&p);
	return rc;
}

struct get_ctx {
	struct retention_plan *p;
	int64_t account; /* the section being filled, -1 none yet */
	struct retention_rule *rules;
	struct err *err;
};

static int got_plan(void *arg, const struct retention_plan_row *r)
{
	struct get_ctx *g = arg;

	g->p->id = r->id;
	g->p->version = r->version;
	snprintf(g->p->name, sizeof(g->p->name), "%s", r->name ? r->name : "");
	snprintf(g->p->sha256, sizeof(g->p->sha256), "%s", r->sha256);
	return 0;
}

static int got_rule(void *arg, const struct retention_rule_row *r)
{
	struct get_ctx *g = arg;
	struct retention_rule *rule;
	enum records_class c;

	if (retention_class_from_name(r->class_name, &c, g->err))
		return KV_EINVAL;
	if (r->account_id != g->account) {
		if (r->account_id == 0) {
			g->rules = g->p->org;
		} else {
			struct retention_account_rules *grown =
			        realloc(g->p->accounts, (g->p->n_accounts + 1) * sizeof(*grown));

			if (!grown)
				return err_set(g->err, KV_ENOMEM, "out of memory");
			g->p->accounts = grown;
			memset(&grown[g->p->n_accounts], 0, sizeof(*grown));
			grown[g->p->n_accounts].account_id = r->account_id;
			snprintf(grown[g->p->n_accounts].ref, sizeof(grown->ref), "%lld",
			         (long long)r->account_id);
			g->rules = grown[g->p->n_accounts++].rules;
		}
		g->account = r->account_id;
	}
	rule = &g->rules[c];
	rule->set = 1;
	rule->action = strcmp(r->action, "keep") == 0    ? RETAIN_KEEP
	               : strcmp(r->action, "after") == 0 ? RETAIN_AFTER
	                                                 : RETAIN_CLOSED;
	rule->months = (int)r->months;
	rule->archive_first = r->archive_first;
	rule->line = (int)r->line;
	snprintf(rule->source, sizeof(rule->source), "%s", r->source);
	return 0;
}

int retention_get(const struct op_ctx *op, int64_t version, struct retention_plan *out,
                  struct err *err)
{
	struct retention_plan p = {0};
	struct get_ctx g = {.p = &p, .account = -1, .err = err};
	int rc;

	rc = op_ctx_require(op, PERM_RECORDS, 0, err);
	if (!rc)
		rc = retention_rows_plan_get(op->store, op->org, version, got_plan, &g, err);
	if (!rc)
		rc = retention_rows_rules(op->store, p.id, got_rule, &g, err);
	if (rc) {
		retention_plan_done(&p);
		return rc;
	}
	*out = p;
	return KV_OK;
}

struct versions_ctx {
	retention_version_fn fn;
	void *ctx;
};

static int got_version(void *arg, const struct retention_plan_row *r)
{
	struct versions_ctx *v = arg;

	return v->fn(v->ctx, r->version, r->name, r->sha256, r->loaded_by, r->loaded_at);
}

int retention_versions(const struct op_ctx *op, retention_version_fn fn, void *ctx, struct err *err)
{
	struct versions_ctx v = {fn, ctx};
	int rc = op_ctx_require(op, PERM_RECORDS, 0, err);

	return rc ? rc : retention_rows_plan_each(op->store, op->org, got_version, &v, err);
}

static json_t *rule_json(const struct retention_rule *r, enum records_class c, const char *acc)
{
	char text[80];

	retention_rule_text(r, text, sizeof(text));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:b,s:I,s:s}", "class", retention_class_name(c),
	                 "label", retention_class_label(c), "account", acc, "rule", text, "months",
	                 r->set && r->action == RETAIN_AFTER ? json_integer(r->months)
	                                                     : json_null(),
	                 "archive_first", r->archive_first, "line", (json_int_t)r->line, "source",
	                 r->set ? r->source : "not in the plan: kept");
}

json_t *retention_plan_json(const struct retention_plan *p)
{
	json_t *rules = json_array();

	for (int k = 0; rules && k < RC_COUNT; k++)
		json_array_append_new(rules, rule_json(&p->org[k], (enum records_class)k, "-"));
	for (size_t i = 0; rules && i < p->n_accounts; i++)
		for (int k = 0; k < RC_COUNT; k++)
			if (p->accounts[i].rules[k].set)
				json_array_append_new(rules, rule_json(&p->accounts[i].rules[k],
				                                       (enum records_class)k,
				                                       p->accounts[i].ref));
	return json_pack("{s:I,s:s,s:s,s:o}", "version", (json_int_t)p->version, "name", p->name,
	                 "sha256", p->sha256, "rules", rules);
}
