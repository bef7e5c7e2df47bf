/* `kanalvakt migrate --to postgresql://…`: the data directory's SQLite
 * database moved into an empty PostgreSQL database. Parsing and printing
 * only; the copy and its verification are store/migrate_db. */
#include "cli/cli.h"

#include "base/config.h"
#include "store/migrate_db.h"
#include "store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define SEARCH_NOTE                                                                                \
	"the search index is not copied: PostgreSQL has none yet (docs/postgresql.md), so "        \
	"search is refused there"

static void print_report(struct cli_ctx *ctx, const struct migrate_db_report *r)
{
	size_t bad = 0;

	for (size_t i = 0; i < r->n_tables; i++)
		bad += !r->tables[i].match;
	if (ctx->json) {
		json_t *tables = json_array(), *skipped = json_array();

		for (size_t i = 0; i < r->n_tables; i++) {
			const struct migrate_db_table *t = &r->tables[i];

			json_array_append_new(
			        tables, json_pack("{s:s,s:I,s:I,s:s,s:s,s:b}", "table", t->name,
			                          "rows", (json_int_t)t->rows, "rows_after",
			                          (json_int_t)t->rows_after, "source_sha256",
			                          t->source_sha256, "target_sha256",
			                          t->target_sha256, "match", t->match));
		}
		for (size_t i = 0; i < r->n_skipped; i++)
			json_array_append_new(skipped, json_string(r->skipped[i]));
		cli_print_json(json_pack(
		        "{s:b,s:s,s:s,s:i,s:o,s:I,s:I,s:I,s:I,s:o,s:s}", "ok", r->committed,
		        "source", r->source, "target", r->target, "schema_version",
		        r->schema_version, "tables", tables, "tables_copied",
		        (json_int_t)r->n_tables, "rows", (json_int_t)r->rows, "audit_entries",
		        (json_int_t)r->audit_checked, "audit_problems",
		        (json_int_t)r->audit_problems, "skipped", skipped, "search_index",
		        "not copied: PostgreSQL has no search index yet"));
		return;
	}
	printf("%-28s %10s  %s\n", "table", "rows", "hash");
	for (size_t i = 0; i < r->n_tables; i++) {
		const struct migrate_db_table *t = &r->tables[i];

		printf("%-28s %10lld  %s\n", t->name, (long long)t->rows,
		       t->match ? "match" : "DIFFERS");
		if (!t->match)
			printf("  %s: source %lld rows %.16s…, target %lld rows %.16s…\n", t->name,
			       (long long)t->rows, t->source_sha256, (long long)t->rows_after,
			       t->target_sha256);
	}
	for (size_t i = 0; i < r->n_skipped; i++)
		printf("skipped %s (SQLite only)\n", r->skipped[i]);
	printf("note: %s\n", SEARCH_NOTE);
	if (r->audit_problems)
		printf("audit chain on the target: %zu problems in %lld entries\n",
		       r->audit_problems, (long long)r->audit_checked);
	if (r->committed)
		printf("%lld rows in %zu tables copied from %s to %s and verified (schema version "
		       "%d, audit chain of %lld entries intact)\n",
		       (long long)r->rows, r->n_tables, r->source, r->target, r->schema_version,
		       (long long)r->audit_checked);
	else
		printf("the copy differs from the source (%zu tables%s): rolled back, nothing was "
		       "kept in %s\n",
		       bad, r->audit_problems ? ", the audit chain" : "", r->target);
}

static int cmd_migrate(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"to", required_argument, NULL, 't'}, {0}};
	struct migrate_db_report r = {0};
	const char *to = NULL, *used = ctx->database;
	struct config *cfg;
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			to = optarg;
		else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	if (!to || !*to)
		return cli_usage(ctx, ctx->cmd,
		                 "--to postgresql://USER:PASSWORD@HOST/DB is required");
	if (!store_database_is_pg(to))
		return cli_usage(
		        ctx, ctx->cmd,
		        "--to '%.40s': not a PostgreSQL URL (postgresql://USER:PASSWORD@HOST/DB)",
		        to);
	/* The source is the data directory's SQLite database: a directory
	 * already on PostgreSQL has nothing to move. */
	if (!used) {
		cfg = cli_config(ctx);
		if (!cfg)
			return cli_fail(ctx, ctx->err.code);
		used = config_get(cfg, "database", "url", NULL);
	}
	if (used && *used) {
		err_set(&ctx->err, KV_EINVAL,
		        "this data directory's database is already PostgreSQL (--database or "
		        "[database]"
		        " url); migrate reads its SQLite database, so run it without one");
		return cli_fail(ctx, KV_EINVAL);
	}
	code = migrate_db_run(ctx->data_dir, to, ctx->actor, &r, &ctx->err);
	if (code) {
		migrate_db_report_done(&r);
		return cli_fail(ctx, code);
	}
	print_report(ctx, &r);
	code = r.committed ? 0 : 1;
	if (!r.committed)
		for (size_t i = 0; i < r.n_tables; i++)
			if (!r.tables[i].match)
				fprintf(stderr,
				        "kanalvakt: table %s differs after the copy: rolled back\n",
				        r.tables[i].name);
	if (!r.committed && r.audit_problems)
		fprintf(stderr, "kanalvakt: the audit chain on the target does not verify: rolled "
		                "back\n");
	migrate_db_report_done(&r);
	return code;
}

const struct cli_command cli_cmds_migrate[] = {
        {"migrate", NULL, cmd_migrate, "--to postgresql://USER:PASSWORD@HOST/DB",
         "move the data directory's SQLite database into an empty PostgreSQL database: every "
         "table copied in one transaction, counted and hashed on both sides, the audit chain "
         "verified, committed only when all agree (exit 1 when not)"},
        {0},
};
