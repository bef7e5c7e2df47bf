#!/usr/bin/env bash
# Alerts and e-mail notices end to end, against a local SMTP sink
# (tests/smtpsink): an overdue question, a moderation case past its deadline,
# an account nobody reviewed and a surge of critical comments each give one
# mail to the right people with a Swedish subject, exactly once however often
# `notify run` runs; a mail that cannot be delivered stays in the outbox with
# its error and goes out on a later run; identical answers raise an alert;
# crisis mode switches; the audit chain verifies at the end.
source "$(dirname "$0")/lib.bash"
SINK=${SMTPSINK_BIN:-$KV_BIN_DIR/smtpsink}
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/notify
[[ -x $SINK ]] || { echo "smtpsink not built ($SINK)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed"; exit 1; }

sink_pid=
start_sink() {
	rm -f "$WORK/port"
	"$SINK" "$WORK/mail" "$WORK/port" 2>"$WORK/sink.err" &
	sink_pid=$!
	for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
	[[ -s $WORK/port ]] || { echo "smtpsink did not start"; cat "$WORK/sink.err"; exit 1; }
	write_config "smtp://127.0.0.1:$(cat "$WORK/port")"
}
stop_sink() {
	kill "$sink_pid" 2>/dev/null || true
	wait "$sink_pid" 2>/dev/null || true
	sink_pid=
}
trap 'stop_sink; rm -rf "$WORK"' EXIT
write_config() {
	cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[mail]
server = $1
from = kanalvakt@exempelby.se
starttls = no
backoff = 60
timeout = 5

[alerts]
surge_count = 3
surge_window = 2h
identical_count = 3
identical_window = 7d
CONF
}
mails() { find "$WORK/mail" -name 'msg-*.eml' | wc -l; }
# The file of the one mail whose body names a dedup-key-specific text.
mail_with() { grep -l -- "$1" "$WORK/mail"/msg-*.eml 2>/dev/null || true; }
# The Subject of a stored message, RFC 2047 base64 words decoded.
subject_of() {
	local raw
	raw=$(awk '/^Subject: /{s=1; sub(/^Subject: /, ""); print; next} s&&/^ /{print; next} s{exit}' "$1" | tr -d '\r')
	if grep -q '=?UTF-8?B?' <<<"$raw"; then
		grep -o '=?UTF-8?B?[^?]*?=' <<<"$raw" | sed 's/=?UTF-8?B?//; s/?=$//' |
			while read -r w; do printf '%s' "$w" | base64 -d; done
	else
		printf '%s' "$raw"
	fi
}
rcpts() { grep '^X-Sink-Rcpt-To:' "$1" | sed 's/^X-Sink-Rcpt-To: //' | tr -d '\r' | sort | paste -sd' '; }
db() { sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "$1"; }

mkdir -p "$WORK/mail"
expect_exit 0 "init" -- "$K" init --org "Exempelby kommun"
"$K" unit add --name "Kommunikationsenheten" >/dev/null
"$K" person add --name "Åsa Öberg" --email asa@exempelby.se >/dev/null
"$K" person add --name "Bo Berg" --email bo@exempelby.se >/dev/null
"$K" person add --name "Cia Dahl" --email cia@exempelby.se >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --platform-id 204857392011111 \
	--unit "Kommunikationsenheten" --url https://www.facebook.com/exempelbykommun --name "Exempelby kommun" \
	--purpose "Information" --goal "Nå invånare" --audience "Invånare" \
	--responsible asa@exempelby.se --deputy bo@exempelby.se --admin asa@exempelby.se \
	--admin bo@exempelby.se --decided-by asa@exempelby.se --decided-on 2026-01-15 \
	--decision-ref "KS 2026/1" --posts-per-week 2 --house-rules "Vi följer lagen." >/dev/null
for key in syfte mal budskap malgrupp kanal kontotyp avtal funktion_och_teknik resurser bevakning \
	avsandare risker diarieforing_gallring_arkivering kriskommunikation marknadsforing informationskrav; do
	"$K" account checklist exempelbykommun "$key" "Besvarat i beslutet" >/dev/null
done
expect_exit 0 "account active" -- "$K" account activate exempelbykommun
start_sink

# Thursday before Easter, 16:30: a question and an insult arrive.
export KANALVAKT_NOW=2026-04-02T16:30:00+02:00
expect_exit 0 "import the comments before Easter" -- "$K" import "$FIX/before_easter.jsonl"
qid=$(db "SELECT q.id FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = 'fb-101'")
cid=$(db "SELECT c.id FROM mod_case c JOIN item i ON i.id = c.item_id WHERE i.platform_id = 'fb-102'")
[[ -n $qid ]] && ok "the question is in the inbox" || bad "no question for fb-101"
[[ -n $cid ]] && ok "the insult opened a case" || bad "no case for fb-102"
expect_exit 0 "assign the question" -- "$K" inbox assign "$qid" --to cia@exempelby.se
"$K" review mark exempelbykommun >/dev/null

expect_exit 0 "notify run on Thursday: nothing overdue yet" -- "$K" notify run
[[ $(mails) -eq 0 ]] && ok "no mail on Thursday" || bad "mail sent too early ($(mails))"

# Wednesday after Easter, 09:00: the question (due Tuesday 16:30) is overdue,
# the case (48 h) is long overdue, nobody reviewed on Tuesday, and a storm of
# critical comments came in this morning.
export KANALVAKT_NOW=2026-04-08T09:00:00+02:00
expect_exit 0 "import the storm" -- "$K" import "$FIX/storm.jsonl"
expect_exit 0 "notify run" -- "$K" notify run
cp "$WORK/out" "$WORK/run1"
expect_grep "queued +overdue-question:$qid" "$WORK/run1" "overdue question queued"
expect_grep "sent +overdue-question:$qid" "$WORK/run1" "overdue question sent"
expect_grep "sent +case-near-deadline:$cid" "$WORK/run1" "case reminder sent"
expect_grep "sent +not-reviewed:[0-9]+:2026-04-07" "$WORK/run1" "missing review sent"
expect_grep "sent +surge:[0-9]+" "$WORK/run1" "surge sent"
[[ $(mails) -eq 4 ]] && ok "four mails at the sink" || bad "$(mails) mails at the sink, wanted 4"

m=$(mail_with "Fråga:     $qid")
[[ $(echo "$m" | grep -c .) -eq 1 ]] && ok "one mail for the question" || bad "question mails: '$m'"
[[ $(rcpts "$m") == "asa@exempelby.se bo@exempelby.se cia@exempelby.se" ]] &&
	ok "question mail to responsible, deputy and assignee" || bad "question mail to '$(rcpts "$m")'"
[[ $(subject_of "$m") == "Försenad fråga på facebook/exempelbykommun (fråga $qid)" ]] &&
	ok "question mail has a Swedish subject" || bad "subject '$(subject_of "$m")'"
grep -q "^Svar senast: 2026-04-07 16:30" "$m" && ok "question mail names the deadline after Easter" ||
	bad "deadline not in the question mail"
m=$(mail_with "Ärende:    $cid")
[[ $(rcpts "$m") == "asa@exempelby.se bo@exempelby.se" ]] && ok "case mail to responsible and deputy" ||
	bad "case mail to '$(rcpts "$m")'"
[[ $(subject_of "$m") == "Tiden har gått ut: moderationsärende $cid på facebook/exempelbykommun" ]] &&
	ok "case mail subject" || bad "case subject '$(subject_of "$m")'"
m=$(mail_with "kanalvakt alert ack")
[[ $(subject_of "$m") == "Många kritiska kommentarer på facebook/exempelbykommun: samråd innan ni svarar" ]] &&
	ok "surge mail subject" || bad "surge subject '$(subject_of "$m")'"
m=$(mail_with "kanalvakt review mark")
[[ $(subject_of "$m") == "Kontot facebook/exempelbykommun har inte granskats sedan arbetsdagen 2026-04-07" ]] &&
	ok "review mail subject" || bad "review subject '$(subject_of "$m")'"
grep -q "^From: kanalvakt@exempelby.se" "$m" && ok "sender from the configuration" || bad "no From line"

# Running again changes nothing.
before=$(db_state)
expect_exit 0 "notify run again" -- "$K" notify run
[[ $(mails) -eq 4 ]] && ok "no mail sent twice" || bad "$(mails) mails after the second run"
expect_no_grep "^(queued|sent) " "$WORK/out" "second run queues and sends nothing"
[[ $(db_state) == "$before" ]] && ok "second run leaves the database as it was" ||
	bad "second run changed the database"

# The account pastes the same answer to three people: an alert, no mail.
expect_exit 0 "import the pasted answers" -- "$K" import "$FIX/pasted_answers.jsonl"
expect_exit 0 "notify run after the answers" -- "$K" notify run
expect_exit 0 "alert list" -- "$K" --json alert list --kind identical_answer
[[ $(wc -l <"$WORK/out") -eq 1 ]] && ok "one identical-answer alert" || bad "identical alerts: $(cat "$WORK/out")"
expect_grep '"people":3' "$WORK/out" "three people got the same answer"
expect_exit 0 "surge alert listed" -- "$K" --json alert list --kind surge --open
sid=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$WORK/out" | head -1)
expect_grep '"count":3' "$WORK/out" "surge counted three critical comments"
expect_exit 0 "acknowledge the surge" -- "$K" --as asa@exempelby.se alert ack "$sid"
expect_exit 2 "acknowledging twice is refused" -- "$K" alert ack "$sid"
expect_grep "already acknowledged by asa@exempelby.se" "$WORK/err" "the refusal names who acknowledged"

# The mail server is down: the next day's review reminder stays in the
# outbox with its error and goes out on a later run.
stop_sink
export KANALVAKT_NOW=2026-04-09T09:00:00+02:00
expect_exit 1 "notify run with the mail server down (exit 1: mail failed)" -- "$K" notify run
expect_grep "failed +not-reviewed:[0-9]+:2026-04-08" "$WORK/out" "the failure is reported"
expect_exit 0 "mail list --unsent" -- "$K" --json mail list --unsent
expect_grep '"attempts":1' "$WORK/out" "one attempt counted"
expect_grep '"last_error":"mail to .*failed' "$WORK/out" "the error is kept"
start_sink
expect_exit 0 "notify run within the backoff sends nothing" -- "$K" notify run
[[ $(mails) -eq 4 ]] && ok "not retried before the backoff" || bad "retried too early"
export KANALVAKT_NOW=2026-04-09T09:02:00+02:00
expect_exit 0 "notify run after the backoff" -- "$K" notify run
expect_grep "sent +not-reviewed:[0-9]+:2026-04-08" "$WORK/out" "sent on the later run"
[[ $(mails) -eq 5 ]] && ok "five mails in all" || bad "$(mails) mails, wanted 5"
expect_exit 0 "notify run once more" -- "$K" notify run
[[ $(mails) -eq 5 ]] && ok "still five mails" || bad "$(mails) mails after the last run"
expect_exit 0 "mail list" -- "$K" --json mail list
[[ $(grep -c '"state":"sent"' "$WORK/out") -eq 5 ]] && ok "five mails marked sent" || bad "outbox: $(cat "$WORK/out")"

# Crisis mode.
expect_exit 0 "crisis on" -- "$K" crisis on
expect_grep "now on" "$WORK/out" "crisis switched on"
expect_exit 0 "crisis status" -- "$K" crisis status
expect_grep "is on" "$WORK/out" "crisis reported on"
expect_exit 0 "crisis on again" -- "$K" crisis on
expect_grep "already on" "$WORK/out" "switching on twice changes nothing"
expect_exit 0 "crisis off" -- "$K" crisis off

# `serve` runs the pass by itself: the next day's reminder goes out without
# a command, once.
export KANALVAKT_NOW=2026-04-10T09:00:00+02:00
{ cat "$KANALVAKT_DATA/kanalvakt.conf"; printf '[meta]\napp_secret = e2e-secret\n[server]\nnotify_interval = 1s\n'; } \
	>"$WORK/serve.conf"
kv_secrets "$WORK/serve.conf"
# Two serve processes on the one database (as behind a load balancer): the
# background passes run in one of them, so the reminder still goes once.
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve.log" &
serve_pid=$!
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve2.log" &
serve2_pid=$!
for _ in $(seq 600); do [[ $(mails) -ge 6 ]] && break; sleep 0.1; done
sleep 1.5 # at least one more pass each, which must send nothing
runs() { grep -c "notify: runs the background passes" "$1" || true; }
waits() { grep -c "another serve process runs the background passes" "$1" || true; }
[[ $(( $(runs "$WORK/serve.log") + $(runs "$WORK/serve2.log") )) -eq 1 &&
	$(( $(waits "$WORK/serve.log") + $(waits "$WORK/serve2.log") )) -eq 1 ]] &&
	ok "one of two serve processes runs the background passes, the other waits" ||
	bad "leases: $(cat "$WORK/serve.log" "$WORK/serve2.log")"
if [[ $(runs "$WORK/serve.log") -eq 1 ]]; then holder=$serve_pid other=$serve2_pid olog=$WORK/serve2.log
else holder=$serve2_pid other=$serve_pid olog=$WORK/serve.log; fi
kill "$holder"
wait "$holder" || true
for _ in $(seq 100); do [[ $(runs "$olog") -ge 1 ]] && break; sleep 0.1; done
[[ $(runs "$olog") -eq 1 ]] && ok "when it stops, the other takes the passes over" || bad "no take-over: $(cat "$olog")"
kill "$other"
wait "$other" || true
# A holder killed outright leaves its lease behind; a serve on the same
# machine sees that process gone and takes the passes at once.
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve3.log" &
serve3_pid=$!
for _ in $(seq 100); do [[ $(runs "$WORK/serve3.log") -ge 1 ]] && break; sleep 0.1; done
kill -9 "$serve3_pid"
wait "$serve3_pid" 2>/dev/null || true
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve4.log" &
serve4_pid=$!
for _ in $(seq 100); do [[ $(runs "$WORK/serve4.log") -ge 1 ]] && break; sleep 0.1; done
[[ $(runs "$WORK/serve3.log") -eq 1 && $(runs "$WORK/serve4.log") -eq 1 ]] &&
	ok "after a kill -9 of the holder the next serve takes the passes at once" ||
	bad "after kill -9: $(cat "$WORK/serve3.log" "$WORK/serve4.log")"
kill "$serve4_pid"
wait "$serve4_pid" || true
cat "$WORK/serve2.log" "$WORK/serve3.log" "$WORK/serve4.log" >>"$WORK/serve.log"
[[ $(mails) -eq 6 ]] && ok "serve sent the reminder once" || bad "$(mails) mails after serve, wanted 6"
expect_grep "notify: sent not-reviewed:[0-9]+:2026-04-09" "$WORK/serve.log" "serve logs the mail it sent"
[[ $(grep -c "notify: sent" "$WORK/serve.log") -eq 1 ]] && ok "serve sent nothing twice" ||
	bad "serve log: $(grep notify: "$WORK/serve.log")"
expect_no_grep "e2e-secret" "$WORK/serve.log" "no secret in the serve log"

# Every change is in the audit chain, which verifies.
expect_exit 0 "audit list" -- "$K" audit list
for action in alert.create alert.ack mail.queue mail.sent mail.failed policy.set; do
	expect_grep " $action " "$WORK/out" "audit has $action"
done
expect_exit 0 "audit verify" -- "$K" audit verify
expect_exit 2 "a bad [alerts] value is refused" -- env KANALVAKT_NOW=2026-04-09T09:03:00+02:00 \
	bash -c "printf '[alerts]\nsurge_window = soon\n' >'$KANALVAKT_DATA/kanalvakt.conf' && '$K' notify run"
expect_grep "surge_window" "$WORK/err" "the error names the key"
grep -rq "password" "$WORK/mail" && bad "a password reached the mail" || ok "no password anywhere in the mail"
finish
