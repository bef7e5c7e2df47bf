/* Commands for notices, alerts and crisis mode: run one notify pass, list and
 * send the mail outbox, list and acknowledge alerts, switch crisis mode.
 * Settings come from the configuration file ([mail], [alerts]); the mail
 * password is never printed. */
#include "cli/cli.h"

#include "base/calendar.h"
#include "base/time.h"
#include "records/consent.h"
#include "records/gdpr.h"
#include "store/alert_rows.h"
#include "store/outbox.h"
#include "store/store.h"
#include "workflow/alerts.h"
#include "workflow/mail.h"
#include "workflow/notify.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int no_args(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[1]);
	return 0;
}

static int load_settings(struct cli_ctx *ctx, struct notify_settings *out)
{
	struct config *cfg = cli_config_used(ctx, "mail");

	if (!cfg)
		return ctx->err.code ? ctx->err.code : KV_EIO;
	return notify_settings_load(out, cfg, &ctx->err);
}

struct printer {
	struct cli_ctx *ctx;
	int failed;
};

static void print_event(void *arg, const struct notify_event *ev)
{
	struct printer *p = arg;

	if (strcmp(ev->what, "failed") == 0 || strcmp(ev->what, "gave_up") == 0)
		p->failed = 1;
	if (p->ctx->json) {
		cli_print_json(json_pack("{s:s,s:s,s:s?,s:s?,s:s?}", "event", ev->what, "key",
		                         ev->key, "to", ev->recipients, "subject", ev->subject,
		                         "error", ev->error));
		return;
	}
	if (strcmp(ev->what, "alert") == 0)
		printf("alert    %s\n", ev->key);
	else if (strcmp(ev->what, "no_recipient") == 0)
		printf("skipped  %s: nobody to send it to (no responsible or deputy with an "
		       "e-mail)\n",
		       ev->key);
	else if (ev->error)
		printf("%-8s %s to %s: %s\n", ev->what, ev->key, ev->recipients, ev->error);
	else
		printf("%-8s %s to %s: %s\n", ev->what, ev->key, ev->recipients, ev->subject);
}

static void on_mail(void *arg, const struct mail_event *ev)
{
	struct notify_event ne = {ev->ok        ? "sent"
	                          : ev->gave_up ? "gave_up"
	                                        : "failed",
	                          ev->dedup_key, ev->recipients, ev->subject, ev->error};

	print_event(arg, &ne);
}

static void print_mail_summary(struct cli_ctx *ctx, const struct mail_flush_report *m)
{
	if (m->not_configured)
		fprintf(stderr,
		        "kanalvakt: no mail server configured ([mail] server): mail stays in "
		        "the outbox\n");
	if (!ctx->json)
		printf("mail: %lld sent, %lld failed (will be retried), %lld given up%s\n",
		       (long long)m->sent, (long long)m->failed, (long long)m->gave_up,
		       m->after_crash ? "; some were left being sent by a sender that stopped,"
		                        " and went out again with the same Message-ID"
		                      : "");
}

static int cmd_notify_run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct notify_settings set;
	struct notify_report rep;
	struct printer p = {ctx, 0};
	int64_t org, consent_alerts = 0, gdpr_alerts = 0, policy_alerts = 0;
	int code;

	if (no_args(ctx, argc, argv))
		return 2;
	code = load_settings(ctx, &set);
	if (!code)
		code = cli_org(ctx, &org);
	/* Review reminders first, so their mail goes out in this run. */
	if (!code)
		code = cli_policydoc_check(ctx, org, &policy_alerts);
	if (!code)
		code = notify_run(cli_op_at(ctx, org, 0), &set, print_event, &p, &rep, &ctx->err);
	if (!code)
		code = consent_check_expired(&ctx->op, &consent_alerts, &ctx->err);
	if (!code)
		code = gdpr_requests_check(&ctx->op, &gdpr_alerts, &ctx->err);

	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack(
		        "{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "event", "summary",
		        "policydoc_alerts", (json_int_t)policy_alerts, "surge_alerts",
		        (json_int_t)rep.alerts.surges, "identical_answer_alerts",
		        (json_int_t)rep.alerts.identical, "consent_expired_alerts",
		        (json_int_t)consent_alerts, "gdpr_overdue_alerts", (json_int_t)gdpr_alerts,
		        "queued", (json_int_t)rep.queued, "sent", (json_int_t)rep.mail.sent,
		        "failed", (json_int_t)rep.mail.failed, "gave_up",
		        (json_int_t)rep.mail.gave_up, "no_recipient",
		        (json_int_t)rep.no_recipient));
	else
		printf("alerts: %lld surge, %lld identical answers, %lld expired consents, %lld "
		       "overdue GDPR requests, %lld policy reviews; %lld mail queued\n",
		       (long long)rep.alerts.surges, (long long)rep.alerts.identical,
		       (long long)consent_alerts, (long long)gdpr_alerts, (long long)policy_alerts,
		       (long long)rep.queued);
	print_mail_summary(ctx, &rep.mail);
	return p.failed ? 1 : 0;
}

struct mail_list {
	struct cli_ctx *ctx;
	int64_t max_attempts;
};

static int print_mail(void *arg, const struct outbox_row *r)
{
	struct mail_list *ml = arg;
	struct cli_ctx *ctx = ml->ctx;
	char created[CALENDAR_ISO_LEN], next[CALENDAR_ISO_LEN], sent[CALENDAR_ISO_LEN] = "";
	const char *state;

	calendar_format_local(created, r->created_at);
	calendar_format_local(next, r->next_attempt_at);
	if (r->sent_at)
		calendar_format_local(sent, r->sent_at);
	state = r->sent_at                                     ? "sent"
	        : r->state && strcmp(r->state, "sending") == 0 ? "sending"
	        : r->attempts >= ml->max_attempts              ? "gave_up"
	                                                       : "pending";
	if (ctx->json) {
		cli_print_json(json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s,s:s,s:I,s:s?,s:s?,s:s?}", "id",
		                         (json_int_t)r->id, "state", state, "message_id",
		                         r->message_id, "key", r->dedup_key, "to", r->recipients,
		                         "subject", r->subject, "created_at", created, "attempts",
		                         (json_int_t)r->attempts, "next_attempt_at",
		                         r->sent_at ? NULL : next, "sent_at",
		                         r->sent_at ? sent : NULL, "last_error", r->last_error));
		return 0;
	}
	printf("%-5lld %-8s %-30s %-40s %s%s%s\n", (long long)r->id, state, r->dedup_key,
	       r->recipients, r->subject, r->last_error ? "\n      last error: " : "",
	       r->last_error ? r->last_error : "");
	return 0;
}

static int cmd_mail_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"unsent", no_argument, NULL, 'u'}, {0}};
	struct outbox_filter f = {0};
	struct notify_settings set;
	struct mail_list ml = {ctx, 0};
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'u')
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
		f.unsent_only = 1;
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = load_settings(ctx, &set);
	ml.max_attempts = set.mail.max_attempts;
	if (!code)
		code = cli_org(ctx, &f.org_id);
	if (!code)
		code = outbox_each(ctx->store, &f, print_mail, &ml, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_mail_send(struct cli_ctx *ctx, int argc, char **argv)
{
	struct notify_settings set;
	struct mail_flush_report rep;
	struct printer p = {ctx, 0};
	int64_t org;
	int code;

	if (no_args(ctx, argc, argv))
		return 2;
	code = load_settings(ctx, &set);
	if (!code)
		code = cli_org(ctx, &org);
	if (!code)
		code = mail_flush(cli_op_at(ctx, org, 0), &set.mail, on_mail, &p, &rep, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	print_mail_summary(ctx, &rep);
	return p.failed ? 1 : 0;
}

static int print_alert(void *arg, const struct alert_row *r)
{
	struct cli_ctx *ctx = arg;
	char created[CALENDAR_ISO_LEN], acked[CALENDAR_ISO_LEN] = "";
	json_t *detail = json_loads(r->detail, 0, NULL);

	calendar_format_local(created, r->created_at);
	if (r->acknowledged_by)
		calendar_format_local(acked, r->acknowledged_at);
	if (ctx->json) {
		json_t *o = json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s?,s:s?}", "id", (json_int_t)r->id,
		                      "kind", r->kind, "account", r->account_handle, "created_at",
		                      created, "key", r->dedup_key, "acknowledged_by",
		                      r->acknowledged_by, "acknowledged_at",
		                      r->acknowledged_by ? acked : NULL);

		json_object_set_new(o, "detail", detail ? detail : json_string(r->detail));
		cli_print_json(o);
		return 0;
	}
	printf("%-5lld %-16s %s/%s %s %s\n      %s\n", (long long)r->id, r->kind,
	       r->platform ? r->platform : "-", r->account_handle ? r->account_handle : "-",
	       created, r->acknowledged_by ? "(kvitterat)" : "(öppet)",
	       json_string_value(json_object_get(detail, "message"))
	               ? json_string_value(json_object_get(detail, "message"))
	               : r->detail);
	json_decref(detail);
	return 0;
}

static int cmd_alert_list(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"open", no_argument, NULL, 'o'}, {"kind", required_argument, NULL, 'k'}, {0}};
	struct alert_filter f = {0};
	int c, code;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			f.open_only = 1;
		else if (c == 'k') {
			if (strcmp(optarg, ALERT_KIND_SURGE) != 0 &&
			    strcmp(optarg, ALERT_KIND_IDENTICAL) != 0)
				return cli_usage(ctx, ctx->cmd, "--kind: '%s' is not surge or %s",
				                 optarg, ALERT_KIND_IDENTICAL);
			f.kind = optarg;
		} else
			return cli_bad_option(ctx, ctx->cmd, argc, argv);
	}
	if (optind < argc)
		return cli_usage(ctx, ctx->cmd, "unexpected argument '%s'", argv[optind]);
	code = cli_org(ctx, &f.org_id);
	if (!code)
		code = alert_row_each(ctx->store, &f, print_alert, ctx, &ctx->err);
	return code ? cli_fail(ctx, code) : 0;
}

static int cmd_alert_ack(struct cli_ctx *ctx, int argc, char **argv)
{
	char *end = NULL;
	long long id;
	int64_t org;
	int code;

	if (argc != 2)
		return cli_usage(ctx, ctx->cmd, "give the id of one alert");
	id = strtoll(argv[1], &end, 10);
	if (id <= 0 || !end || *end)
		return cli_usage(ctx, ctx->cmd, "'%s' is not an alert id", argv[1]);
	code = cli_org(ctx, &org);
	if (!code)
		code = alerts_ack(cli_op_at(ctx, org, 0), id, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "acknowledged_by",
		                         ctx->actor));
	else
		printf("alert %lld acknowledged by %s\n", id, ctx->actor);
	return 0;
}

static int crisis_switch(struct cli_ctx *ctx, int argc, char **argv, int on)
{
	int64_t org;
	int code, changed = 0;

	if (no_args(ctx, argc, argv))
		return 2;
	code = cli_org(ctx, &org);
	if (!code)
		code = alerts_crisis_set(cli_op_at(ctx, org, 0), on, &changed, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:b,s:b}", "crisis", on, "changed", changed));
	else if (changed)
		printf("crisis mode is now %s\n",
		       on ? "on: shorter deadlines and review intervals" : "off: normal deadlines");
	else
		printf("crisis mode was already %s\n", on ? "on" : "off");
	return 0;
}

static int cmd_crisis_on(struct cli_ctx *ctx, int argc, char **argv)
{
	return crisis_switch(ctx, argc, argv, 1);
}

static int cmd_crisis_off(struct cli_ctx *ctx, int argc, char **argv)
{
	return crisis_switch(ctx, argc, argv, 0);
}

static int cmd_crisis_status(struct cli_ctx *ctx, int argc, char **argv)
{
	int64_t org;
	int code, on = 0;

	if (no_args(ctx, argc, argv))
		return 2;
	code = cli_org(ctx, &org);
	if (!code)
		code = alerts_crisis_get(cli_op_at(ctx, org, 0), &on, &ctx->err);
	if (code)
		return cli_fail(ctx, code);
	if (ctx->json)
		cli_print_json(json_pack("{s:b}", "crisis", on));
	else
		printf("crisis mode is %s\n", on ? "on" : "off");
	return 0;
}

const struct cli_command cli_cmds_notify[] = {
        {"notify", "run", cmd_notify_run, "",
         "one notify pass: raise alerts, queue the e-mail notices due, send the outbox"},
        {"mail", "list", cmd_mail_list, "[--unsent]", "list the mail outbox"},
        {"mail", "send", cmd_mail_send, "", "send the mail that is due now"},
        {"alert", "list", cmd_alert_list, "[--open] [--kind surge|identical_answer]",
         "list alerts, newest first"},
        {"alert", "ack", cmd_alert_ack, "ID", "acknowledge an alert"},
        {"crisis", "on", cmd_crisis_on, "", "switch crisis mode on (shorter deadlines)"},
        {"crisis", "off", cmd_crisis_off, "", "switch crisis mode off"},
        {"crisis", "status", cmd_crisis_status, "", "show whether crisis mode is on"},
        {0},
};
