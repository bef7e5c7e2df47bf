/* Commands for the audit log (list the entries, verify the hash chain) and
 * `check`, the database's consistency check that includes the chain. */
#include "cli/cli.h"

#include "store/audit.h"
#include "store/dbcheck.h"
#include "store/store.h"

#include <string.h>

static int print_entry(void *arg, const struct audit_entry *e)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:s}", "seq", (json_int_t)e->seq,
		                      "at", e->at, "actor", e->actor, "action", e->action, "entity",
		                      e->entity, "entity_id", e->entity_id, "hash",
		                      e->hash ? e->hash : "");
		json_t *before = e->before ? json_loads(e->before, 0, NULL) : NULL;
		json_t *after = e->after ? json_loads(e->after, 0, NULL) : NULL;

		json_object_set_new(o, "before", before ? before : json_null());
		json_object_set_new(o, "after", after ? after : json_null());
		cli_print_json(o);
	} else {
		printf("%6lld %s %-24s %-22s %s %s\n", (long long)e->seq, e->at, e->actor,
		       e->action, e->entity, e->entity_id ? e->entity_id : "");
	}
	return 0;
}

static int cmd_audit_list(struct cli_ctx *ctx, int argc, char **argv)
{
	int64_t org = 0;
	int code;

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	code = cli_org(ctx, &org);
	if (!code)
		code = audit_list(ctx->store, org, print_entry, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_audit_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	struct audit_report r = {0};
	struct store *s;
	int code;

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	s = cli_store(ctx);
	if (!s)
		return cli_fail(ctx, ctx->err.code);
	code = audit_verify(s, &r, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	for (size_t i = 0; i < r.n_problems; i++) {
		if (ctx->json)
			cli_print_json(json_pack(
			        "{s:I,s:s,s:s}", "seq", (json_int_t)r.problems[i].seq, "problem",
			        r.problems[i].kind, "detail", r.problems[i].detail));
		else
			printf("entry %lld: %s: %s\n", (long long)r.problems[i].seq,
			       r.problems[i].kind, r.problems[i].detail);
	}
	if (ctx->json && r.n_problems == 0)
		cli_print_json(json_pack("{s:b,s:I}", "ok", 1, "entries", (json_int_t)r.checked));
	else if (r.n_problems == 0)
		printf("audit chain intact: %lld entries verified\n", (long long)r.checked);
	code = r.n_problems ? 1 : 0;
	audit_report_done(&r);
	return code;
}

static int print_problem(void *arg, const char *kind, const char *detail)
{
	struct cli_ctx *ctx = arg;

	if (ctx->json)
		cli_print_json(json_pack("{s:s,s:s}", "problem", kind, "detail", detail));
	else
		printf("%s: %s\n", kind, detail);
	return 0;
}

/* `kanalvakt check`: the database's integrity and foreign keys, the search
 * index against the items (with the project's tokenizer), one item per
 * platform id, and the audit chain. Exit 1 when anything is wrong. */
static int cmd_check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct dbcheck_counts c = {0};
	struct audit_report r = {0};
	struct store *s;
	int code;

	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	s = cli_store(ctx);
	if (!s)
		return cli_fail(ctx, ctx->err.code);
	code = dbcheck_run(s, print_problem, ctx, &c, &ctx->err);
	if (!code)
		code = audit_verify(s, &r, &ctx->err);
	if (code) {
		audit_report_done(&r);
		return cli_fail(ctx, code);
	}
	for (size_t i = 0; i < r.n_problems; i++) {
		char detail[600];

		snprintf(detail, sizeof(detail), "entry %lld: %s: %s", (long long)r.problems[i].seq,
		         r.problems[i].kind, r.problems[i].detail);
		print_problem(ctx, "audit_chain", detail);
	}
	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:b,s:I,s:I,s:b,s:I}", "ok", c.problems == 0 && r.n_problems == 0,
		        "items", (json_int_t)c.items, "audit_entries", (json_int_t)r.checked,
		        "engine_checks", c.engine, "problems",
		        (json_int_t)(c.problems + (int64_t)r.n_problems)));
	else if (c.problems == 0 && r.n_problems == 0)
		printf("database ok: integrity%s, %lld items each once%s, audit chain of %lld "
		       "entries\n",
		       c.engine ? " and foreign keys" : "", (long long)c.items,
		       c.engine ? " and in the search index" : "", (long long)r.checked);
	code = c.problems || r.n_problems ? 1 : 0;
	audit_report_done(&r);
	return code;
}

const struct cli_command cli_cmds_audit[] = {
        {"audit", "list", cmd_audit_list, "", "list the audit log of the organisation"},
        {"audit", "verify", cmd_audit_verify, "",
         "verify the hash chain (exit 1 when an entry was edited, deleted or moved)"},
        {"check", NULL, cmd_check, "",
         "check the database: integrity, foreign keys, the search index against the items, one "
         "item per platform id, the audit chain (exit 1 when a problem is found)"},
        {0},
};
