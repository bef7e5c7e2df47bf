/* `kanalvakt calendar holidays YEAR` and `kanalvakt calendar due ...`: the
 * Swedish working-day calendar from the command line. Parsing and printing
 * only; the rules live in base/calendar. */
#include "base/calendar.h"
#include "base/time.h"
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int cmd_holidays(struct cli_ctx *ctx, int argc, char **argv);
static int cmd_due(struct cli_ctx *ctx, int argc, char **argv);

const struct cli_command cli_cmds_calendar[] = {
        {"calendar", "holidays", cmd_holidays, "YEAR",
         "list the public holidays and de facto days off of a year"},
        {"calendar", "due", cmd_due,
         "[--from TIME] (--working-days N | --working-hours N | --hours N | --weekday-hours N)\n"
         "       [--office-hours HH:MM-HH:MM] [--de-facto LIST|none] [--closed YYYY-MM-DD]...",
         "compute a deadline in Swedish working time (Europe/Stockholm)"},
        {0},
};

static const struct cli_command *const cmd_holidays_def = &cli_cmds_calendar[0];
static const struct cli_command *const cmd_due_def = &cli_cmds_calendar[1];

/* A whole number lo..hi and nothing else; -1 when s is not one. */
static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '-'))
		return -1; /* strtoll would skip spaces and take a '+' */
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static const char *kind_name(enum calendar_kind kind)
{
	return kind == CALENDAR_PUBLIC ? "public" : "de_facto";
}

static int cmd_holidays(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{0, 0, 0, 0}};
	static const char *const wd[] = {"mån", "tis", "ons", "tor", "fre", "lör", "sön"};
	struct calendar_day days[CALENDAR_HOLIDAYS_MAX];
	long long year;
	size_t n;
	int rc;

	optind = 0;
	opterr = 0;
	if (getopt_long(argc, argv, ":", opts, NULL) != -1)
		return cli_bad_option(ctx, cmd_holidays_def, argc, argv);
	if (optind >= argc)
		return cli_usage(ctx, cmd_holidays_def, "YEAR is missing");
	if (optind + 1 < argc)
		return cli_usage(ctx, cmd_holidays_def, "unexpected argument '%s'",
		                 argv[optind + 1]);
	if (parse_int(argv[optind], CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX, &year))
		return cli_usage(ctx, cmd_holidays_def, "YEAR '%s' is not a year in %d-%d",
		                 argv[optind], CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
	rc = calendar_holidays(days, &n, (int)year, &ctx->err);
	if (rc != KV_OK)
		return cli_fail(ctx, rc);
	for (size_t i = 0; i < n; i++) {
		char date[16];

		snprintf(date, sizeof(date), "%04d-%02d-%02d", days[i].y, days[i].m, days[i].d);
		if (ctx->json) {
			cli_print_json(json_pack("{s:s, s:s, s:s}", "date", date, "name",
			                         days[i].name, "kind", kind_name(days[i].kind)));
		} else {
			int w = time_weekday(time_days_from_civil(days[i].y, days[i].m, days[i].d));

			printf("%s  %s  %-8s  %s\n", date, wd[w - 1], kind_name(days[i].kind),
			       days[i].name);
		}
	}
	return 0;
}

/* "--de-facto midsommarafton,julafton" (or "none", or "all"): which de facto
 * days are days off. -1 with the offending word in *bad. */
static int parse_de_facto(const char *s, unsigned *out, char bad[64])
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	        {"midsommarafton", CALENDAR_MIDSOMMARAFTON},
	        {"julafton", CALENDAR_JULAFTON},
	        {"nyårsafton", CALENDAR_NYARSAFTON},
	        {"nyarsafton", CALENDAR_NYARSAFTON},
	        {"all", CALENDAR_DE_FACTO_ALL},
	        {"none", 0},
	};
	unsigned bits = 0;

	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			snprintf(bad, 64, "%.*s", (int)(len < 60 ? len : 60), p);
			return -1;
		}
		bits |= names[i].bit;
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = bits;
	return 0;
}

enum {
	OPT_FROM = 1,
	OPT_WDAYS,
	OPT_WHOURS,
	OPT_HOURS,
	OPT_WEEKDAY_HOURS,
	OPT_OFFICE,
	OPT_DEFACTO,
	OPT_CLOSED
};

static int cmd_due(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"from", required_argument, NULL, OPT_FROM},
	        {"working-days", required_argument, NULL, OPT_WDAYS},
	        {"working-hours", required_argument, NULL, OPT_WHOURS},
	        {"hours", required_argument, NULL, OPT_HOURS},
	        {"weekday-hours", required_argument, NULL, OPT_WEEKDAY_HOURS},
	        {"office-hours", required_argument, NULL, OPT_OFFICE},
	        {"de-facto", required_argument, NULL, OPT_DEFACTO},
	        {"closed", required_argument, NULL, OPT_CLOSED},
	        {0, 0, 0, 0},
	};
	struct calendar_config cfg;
	const char *from_text = NULL;
	char from_iso[CALENDAR_ISO_LEN], due_iso[CALENDAR_ISO_LEN];
	long long amount = 0;
	int64_t from, due;
	int c, rc, which = 0;

	calendar_config_default(&cfg);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			from_text = optarg;
			break;
		case OPT_WDAYS:
		case OPT_WHOURS:
		case OPT_HOURS:
		case OPT_WEEKDAY_HOURS:
			if (which)
				return cli_usage(
				        ctx, cmd_due_def,
				        "give only one of --working-days, --working-hours, "
				        "--hours, --weekday-hours");
			which = c;
			if (parse_int(optarg, 0, CALENDAR_AMOUNT_MAX, &amount))
				return cli_usage(ctx, cmd_due_def,
				                 "--%s '%s' is not a whole number in 0-%d",
				                 opts[c - 1].name, optarg, CALENDAR_AMOUNT_MAX);
			break;
		case OPT_OFFICE:
			if (calendar_config_set_hours(&cfg, optarg, &ctx->err) != KV_OK)
				return cli_usage(ctx, cmd_due_def, "--office-hours: %s",
				                 ctx->err.msg);
			break;
		case OPT_DEFACTO: {
			char bad[64];

			if (parse_de_facto(optarg, &cfg.de_facto_off, bad))
				return cli_usage(ctx, cmd_due_def,
				                 "--de-facto: unknown day '%s' (midsommarafton, "
				                 "julafton, nyårsafton, all or none)",
				                 bad);
			break;
		}
		case OPT_CLOSED: {
			int y, m, d;

			if (time_parse_date(optarg, &y, &m, &d) != KV_OK)
				return cli_usage(ctx, cmd_due_def,
				                 "--closed '%s' is not a date YYYY-MM-DD", optarg);
			if (calendar_config_add_closed(&cfg, y, m, d, &ctx->err) != KV_OK)
				return cli_usage(ctx, cmd_due_def, "--closed: %s", ctx->err.msg);
			break;
		}
		case ':':
			return cli_usage(ctx, cmd_due_def, "option '%s' needs a value",
			                 argv[optind - 1]);
		default:
			return cli_bad_option(ctx, cmd_due_def, argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage(ctx, cmd_due_def, "unexpected argument '%s'", argv[optind]);
	if (!which)
		return cli_usage(ctx, cmd_due_def,
		                 "say how long: --working-days, --working-hours, --hours or "
		                 "--weekday-hours");
	if (from_text) {
		if (calendar_parse_instant(&from, from_text, &ctx->err) != KV_OK)
			return cli_usage(ctx, cmd_due_def, "--from: %s", ctx->err.msg);
	} else {
		from = time_now();
	}
	switch (which) {
	case OPT_WDAYS:
		rc = calendar_add_working_days(&due, &cfg, from, (int)amount, &ctx->err);
		break;
	case OPT_WHOURS:
		rc = calendar_add_working_seconds(&due, &cfg, from, amount * 3600, &ctx->err);
		break;
	case OPT_WEEKDAY_HOURS:
		rc = calendar_add_weekday_seconds(&due, &cfg, from, amount * 3600, &ctx->err);
		break;
	default:
		rc = calendar_add_hours(&due, from, amount, &ctx->err);
		break;
	}
	if (rc != KV_OK)
		return cli_fail(ctx, rc);
	calendar_format_local(from_iso, from);
	calendar_format_local(due_iso, due);
	if (ctx->json)
		cli_print_json(json_pack("{s:s, s:s, s:s, s:I}", "from", from_iso, "due", due_iso,
		                         "rule", opts[which - 1].name, "amount",
		                         (json_int_t)amount));
	else
		printf("%s\n", due_iso);
	return 0;
}
