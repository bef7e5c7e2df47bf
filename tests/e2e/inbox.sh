#!/usr/bin/env bash
# The question inbox, policy settings, the daily review and the activity
# checks from the command line: a question captured the Thursday before
# Easter is due the Tuesday after, the account's reply closes it with the
# response time; forwarding, closing, assigning, overdue order, bad input;
# review status over the Easter weekend; activity over weeks without posts;
# the audit chain at the end.
source "$(dirname "$0")/lib.bash"
F="${KV_SOURCE_DIR:?}/tests/fixtures/workflow"
export KANALVAKT_RULES="$KV_SOURCE_DIR/rules"
export KANALVAKT_NOW=2026-03-02T09:00:00+01:00
db() { kv_sql "$1"; }
at() { KANALVAKT_NOW=$1 "${@:2}"; }
id_of() { db "SELECT q.id FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = '$1'"; }

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" person add --name "Åsa Öberg" --email asa@exempelby.se --unit Kommunikation >/dev/null
"$K" person add --name "Bo Berg" --email bo@exempelby.se --unit Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --platform-id 104857392011234 \
	--name "Exempelby kommun" --url https://www.facebook.com/exempelby --unit Kommunikation \
	--purpose "Information till invånarna" --goal "Snabba svar" --audience "Invånare" \
	--responsible asa@exempelby.se --deputy bo@exempelby.se --admin asa@exempelby.se --admin bo@exempelby.se \
	--decided-by asa@exempelby.se --decided-on 2026-02-01 --decision-ref "KS 2026/0007" \
	--posts-per-week 3 --house-rules "Vi tar bort inlägg som bryter mot lag." >/dev/null
for key in syfte mal budskap malgrupp kanal kontotyp avtal funktion_och_teknik resurser bevakning \
	avsandare risker diarieforing_gallring_arkivering kriskommunikation marknadsforing informationskrav; do
	"$K" account checklist exempelby "$key" "Besvarat i beslutet" >/dev/null
done
expect_exit 0 "account activated" -- "$K" account activate exempelby

# --- The Easter case -------------------------------------------------------
# Thursday 2026-04-02 16:30: långfredagen, the weekend and annandag påsk do
# not count, so one working day later is Tuesday 16:30.
expect_exit 0 "import the question" -- at 2026-04-02T16:45:00+02:00 "$K" import "$F/easter_questions.jsonl"
expect_exit 0 "inbox list" -- at 2026-04-02T16:45:00+02:00 "$K" --json inbox list
jq -e -s 'length == 1' "$WORK/out" >/dev/null && ok "one open question (the thank-you is not one)" || bad "open questions: $(cat "$WORK/out")"
jq -e -s '.[0].due_at == "2026-04-07T16:30:00+02:00" and .[0].arrived_at == "2026-04-02T16:30:00+02:00"' "$WORK/out" >/dev/null &&
	ok "due on the Tuesday after Easter at 16:30" || bad "due: $(cat "$WORK/out")"
jq -e -s '.[0].overdue == false and .[0].state == "open" and .[0].author == "Karin Lund"' "$WORK/out" >/dev/null &&
	ok "open, not overdue yet" || bad "state: $(cat "$WORK/out")"
qid=$(jq -s '.[0].id' "$WORK/out")

expect_exit 0 "overdue list on Tuesday 17:00" -- at 2026-04-07T17:00:00+02:00 "$K" --json inbox list --overdue
jq -e -s "length == 1 and .[0].id == $qid and .[0].overdue" "$WORK/out" >/dev/null && ok "overdue after the due time" || bad "overdue: $(cat "$WORK/out")"
expect_exit 0 "not overdue on Tuesday 16:29" -- at 2026-04-07T16:29:00+02:00 "$K" --json inbox list --overdue
[[ ! -s "$WORK/out" ]] && ok "nothing overdue before the due time" || bad "overdue too early: $(cat "$WORK/out")"

# The account's reply in the thread, Tuesday 10:00, answers it:
# 30 minutes on Thursday and 2 hours on Tuesday of office time.
expect_exit 0 "import the reply" -- at 2026-04-07T10:05:00+02:00 "$K" import "$F/easter_reply.jsonl"
expect_exit 0 "inbox list --state answered" -- "$K" --json inbox list --state answered
jq -e -s "length == 1 and .[0].id == $qid and .[0].answered_at == \"2026-04-07T10:00:00+02:00\"" "$WORK/out" >/dev/null &&
	ok "the reply answered the question" || bad "answered: $(cat "$WORK/out")"
jq -e -s '.[0].response_seconds == 9000 and .[0].response_hours == 2.5' "$WORK/out" >/dev/null &&
	ok "response time 2.5 working hours stored" || bad "response time: $(cat "$WORK/out")"
[[ "$(db "SELECT response_seconds FROM question WHERE id = $qid")" == 9000 ]] && ok "response seconds in the store" || bad "stored response"
expect_exit 0 "text list shows the response" -- "$K" inbox list --state answered
expect_grep 'efter 2:30 arbetstimmar' "$WORK/out" "text list gives the working hours"

# Idempotent: the hook again, and the same files again, change nothing.
before=$(db "SELECT id || ':' || state FROM question ORDER BY id")
expect_exit 0 "workflow sync by hand" -- "$K" --json workflow sync
jq -e '.questions_opened == 0 and .questions_answered == 0' "$WORK/out" >/dev/null && ok "sync again does nothing" || bad "sync: $(cat "$WORK/out")"
"$K" import "$F/easter_questions.jsonl" "$F/easter_reply.jsonl" >/dev/null
[[ "$(db "SELECT id || ':' || state FROM question ORDER BY id")" == "$before" ]] && ok "re-import opens nothing" || bad "re-import changed questions"
db "DELETE FROM workflow_cursor WHERE name = 'inbox'"
"$K" workflow sync >/dev/null
[[ "$(db "SELECT id || ':' || state FROM question ORDER BY id")" == "$before" ]] && ok "a sync from the start changes nothing" || bad "resync changed questions"

# --- Policy ---------------------------------------------------------------
expect_exit 0 "policy show" -- "$K" --json policy show --account exempelby
jq -e -s 'map(select(.key == "answer_deadline"))[0] | .value == "1wd" and .source == "default"' "$WORK/out" >/dev/null &&
	ok "default answer deadline 1 working day" || bad "policy show: $(cat "$WORK/out")"
jq -e -s 'map(select(.key == "max_posts_per_day"))[0].value == "2"' "$WORK/out" >/dev/null && ok "Facebook: at most 2 posts a day" || bad "max_posts_per_day"
# Tibro: "48 timmar (på vardagar)".
expect_exit 0 "policy set per account" -- "$K" policy set answer_deadline 48weekday-h --account exempelby
expect_exit 0 "policy show after set" -- "$K" --json policy show --account exempelby
jq -e -s 'map(select(.key == "answer_deadline"))[0] | .value == "48weekday-h" and .source == "account"' "$WORK/out" >/dev/null &&
	ok "account override shown" || bad "override: $(cat "$WORK/out")"
expect_exit 0 "import a question under the new policy" -- at 2026-04-02T16:40:00+02:00 "$K" import "$F/tibro_question.jsonl"
[[ "$(at 2026-04-02T16:40:00+02:00 "$K" --json inbox list | jq -r 'select(.author == "Gun Sjö") | .due_at')" == "2026-04-08T16:30:00+02:00" ]] &&
	ok "48 weekday hours from Thursday 16:30 is Wednesday 16:30" || bad "weekday-hours due"
expect_exit 0 "close it as answered elsewhere" -- at 2026-04-03T10:00:00+02:00 "$K" inbox close "$(id_of 7001_8005)" --as answered
[[ "$(db "SELECT response_seconds FROM question WHERE id = $(id_of 7001_8005)")" == 1800 ]] &&
	ok "long Friday counts nothing: 30 working minutes" || bad "manual answer over långfredagen"
expect_exit 2 "bad duration refused" -- "$K" policy set answer_deadline 3x
expect_grep "unit 'x'" "$WORK/err" "the error names the unit"
expect_exit 2 "unknown key refused" -- "$K" policy set answer_time 1wd
expect_exit 2 "crisis is organisation-wide" -- "$K" policy set crisis on --account exempelby
expect_exit 2 "bad office hours refused" -- "$K" policy set office_hours 17:00-08:00
expect_exit 0 "policy unset" -- "$K" policy unset answer_deadline --account exempelby
expect_exit 2 "unset twice" -- "$K" policy unset answer_deadline --account exempelby

# --- Forward, close, assign, overdue order --------------------------------
expect_exit 0 "import a busy thread" -- at 2026-04-14T14:00:00+02:00 "$K" import "$F/more_questions.jsonl"
qa=$(id_of 7100_9001) qb=$(id_of 7100_9002) qc=$(id_of 7100_9003) qd=$(id_of 7100_9004)
[[ -n "$qa" && -n "$qb" && -n "$qc" && -n "$qd" ]] && ok "four questions opened" || bad "questions: $qa $qb $qc $qd"
[[ "$(db "SELECT state FROM question WHERE id = $qa")" == answered ]] && ok "a reply under the post answers the oldest question before it" || bad "thread reply"
[[ "$(db "SELECT state FROM question WHERE id = $qd")" == open ]] && ok "a question after the reply stays open" || bad "later question"
expect_exit 0 "list all on Wednesday" -- at 2026-04-15T10:00:00+02:00 "$K" --json inbox list --state all
jq -e -s "[.[] | select(.overdue)] | map(.id) == [$qb, $qc]" "$WORK/out" >/dev/null && ok "overdue questions by due time" || bad "overdue set: $(jq -c -s 'map([.id,.overdue])' "$WORK/out")"
jq -e -s '(map(.overdue) | index(false)) as $f | (.[$f:] | map(.overdue) | all(. == false)) and .[0].overdue' "$WORK/out" >/dev/null &&
	ok "overdue first" || bad "order: $(jq -c -s 'map([.id,.overdue,.due_at])' "$WORK/out")"
jq -e -s "map(select(.id == $qb))[0].referral" "$WORK/out" >/dev/null && ok "the political question is marked for referral" || bad "referral"

expect_exit 0 "assign" -- "$K" inbox assign "$qc" --to bo@exempelby.se
[[ "$(at 2026-04-15T10:00:00+02:00 "$K" --json inbox list | jq -r "select(.id == $qc) | .assigned_to")" == bo@exempelby.se ]] && ok "assigned to Bo" || bad "assign"
expect_exit 0 "forward to a unit" -- "$K" inbox forward "$qd" --to Kommunikation --note "Badmästaren vet"
expect_exit 0 "list forwarded" -- "$K" --json inbox list --state forwarded
jq -e -s "length == 1 and .[0].id == $qd and .[0].forwarded_to == \"Kommunikation\" and .[0].note == \"Badmästaren vet\"" "$WORK/out" >/dev/null &&
	ok "forwarded with the note" || bad "forward: $(cat "$WORK/out")"
expect_exit 0 "close as referred" -- "$K" inbox close "$qb" --as referred --reason "Partipolitisk fråga, hänvisad till partierna"
expect_exit 2 "no_answer needs a reason" -- "$K" inbox close "$qc" --as no_answer
expect_exit 0 "close as no_answer" -- "$K" inbox close "$qc" --as no_answer --reason "Frågan rör inte kommunen"
expect_exit 2 "closing twice is refused" -- "$K" inbox close "$qc" --as answered
expect_grep "already closed" "$WORK/err" "the refusal says why"
expect_exit 0 "overdue list after the work" -- at 2026-04-15T10:00:00+02:00 "$K" --json inbox list --overdue
[[ ! -s "$WORK/out" ]] && ok "nothing overdue once handled (forwarded is not overdue)" || bad "still overdue: $(cat "$WORK/out")"
expect_exit 0 "close forwarded as answered" -- at 2026-04-15T10:00:00+02:00 "$K" inbox close "$qd" --as answered --reason "Svarat per telefon"
[[ "$(db "SELECT state || ',' || response_seconds FROM question WHERE id = $qd")" == "answered,21600" ]] &&
	ok "answered by hand: response time runs to now (6 working hours)" || bad "manual answer: $(db "SELECT state, response_seconds FROM question WHERE id = $qd")"

# Bad input: exit 2 and nothing changed.
state=$(db_state)
expect_exit 2 "unknown question" -- "$K" inbox close 999 --as answered
expect_exit 2 "not a number" -- "$K" inbox assign abc --to bo@exempelby.se
expect_exit 2 "unknown person" -- "$K" inbox assign "$qa" --to nobody@exempelby.se
expect_exit 2 "unknown close state" -- "$K" inbox close "$qa" --as done
expect_exit 2 "bad e-mail" -- "$K" inbox forward "$qa" --to "x@" --note hej
expect_exit 2 "unknown unit" -- "$K" inbox forward "$qa" --to Finnsinte --note hej
expect_exit 2 "forward without note" -- "$K" inbox forward "$qa" --to Kommunikation
expect_exit 2 "bad state filter" -- "$K" inbox list --state closed
expect_exit 2 "unknown account" -- "$K" inbox list --account nosuch
[[ "$(db_state)" == "$state" ]] && ok "refused commands changed nothing" || bad "refused commands changed the database"

# --- An archive imported later: history, not overdue work -----------------
# Imported 2026-04-16: the January questions arrived more than history_after
# (30 days) before they were captured; the one from 20 March did not.
expect_exit 0 "import an archive" -- at 2026-04-16T09:00:00+02:00 "$K" --json import "$F/archive_questions.jsonl"
for pid in 6001_9001 6001_9002 6001_9004; do
	[[ -n "$(id_of "$pid")" ]] && ok "question $pid recorded" || bad "no question for $pid"
done
[[ "$(db "SELECT state FROM question WHERE id = $(id_of 6001_9001)")" == no_answer ]] &&
	ok "an old question is closed as needing no answer" || bad "old question state: $(db "SELECT state FROM question WHERE id = $(id_of 6001_9001)")"
db "SELECT note FROM question WHERE id = $(id_of 6001_9001)" | grep -q "historik: fångad 93 dagar" &&
	ok "with the reason: captured 93 days after it arrived" || bad "note: $(db "SELECT note FROM question WHERE id = $(id_of 6001_9001)")"
[[ "$(db "SELECT state FROM question WHERE id = $(id_of 6001_9002)")" == answered ]] &&
	ok "an old question answered in the thread stays answered" || bad "answered: $(db "SELECT state FROM question WHERE id = $(id_of 6001_9002)")"
[[ "$(db "SELECT state FROM question WHERE id = $(id_of 6001_9004)")" == open ]] &&
	ok "a question within history_after opens as usual" || bad "recent: $(db "SELECT state FROM question WHERE id = $(id_of 6001_9004)")"
expect_exit 0 "overdue list" -- at 2026-04-16T09:05:00+02:00 "$K" --json inbox list --overdue
expect_no_grep "Olle Ek" "$WORK/out" "history is not overdue"
expect_exit 0 "no_answer list" -- at 2026-04-16T09:05:00+02:00 "$K" --json inbox list --state no_answer
expect_grep "Olle Ek" "$WORK/out" "history is listed as no answer needed"
[[ "$(db "SELECT COUNT(*) FROM audit WHERE action = 'question.history'")" == 1 ]] && ok "audited as history" || bad "question.history audit"
expect_exit 0 "notify pass" -- at 2026-04-16T09:10:00+02:00 "$K" notify run
[[ "$(db "SELECT COUNT(*) FROM mail_outbox WHERE dedup_key = 'overdue-question:$(id_of 6001_9001)'")" == 0 ]] &&
	ok "no overdue e-mail for history" || bad "history was mailed"
[[ "$(db "SELECT COUNT(*) FROM mail_outbox WHERE dedup_key = 'overdue-question:$(id_of 6001_9004)'")" == 1 ]] &&
	ok "the recent overdue question is mailed" || bad "recent overdue question not mailed"
# A violation in the archive still opens a case to judge, marked as history:
# its removal time counts from the capture, and it calls for no e-mail.
expect_exit 0 "case list" -- at 2026-04-16T09:15:00+02:00 "$K" --json case list
jq -e -s 'map(select(.platform_id == "6001_9006")) | length == 1 and .[0].history == true and .[0].state == "open"' "$WORK/out" >/dev/null &&
	ok "the archive's violation is an open history case" || bad "history case: $(cat "$WORK/out")"
jq -e -s 'map(select(.platform_id == "6001_9006"))[0].due_at == "2026-04-18T09:00:00+02:00"' "$WORK/out" >/dev/null &&
	ok "due 48 hours after the capture, not after it was written" || bad "history case due: $(jq -s -c 'map(select(.platform_id == "6001_9006"))[0].due_at' "$WORK/out")"
cid=$(jq -s 'map(select(.platform_id == "6001_9006"))[0].id' "$WORK/out")
expect_exit 0 "notify pass two days later" -- at 2026-04-18T10:00:00+02:00 "$K" notify run
[[ "$(db "SELECT COUNT(*) FROM mail_outbox WHERE dedup_key = 'case-near-deadline:$cid'")" == 0 ]] &&
	ok "no deadline e-mail for a history case" || bad "history case was mailed"
db "SELECT after FROM audit WHERE action = 'case.open' AND entity_id = '$cid'" | grep -q '"history":true' &&
	ok "the case's opening is audited as history" || bad "case.open audit: $(db "SELECT after FROM audit WHERE action = 'case.open' AND entity_id = '$cid'")"
# A longer history_after opens what arrives later.
expect_exit 0 "history_after 120d" -- "$K" policy set history_after 120d --account exempelby
cat >"$WORK/late.jsonl" <<JSONL
{"id":"6001_9005","platform":"facebook","account":"104857392011234","kind":"comment","parent_id":"104857392011234_6001","root_id":"104857392011234_6001","author":{"id":"55604","name":"Lina Berg","is_account":false},"created_at":"2026-01-14T10:00:00+01:00","text":"Finns det simskola för vuxna?"}
JSONL
expect_exit 0 "import a late one" -- at 2026-04-16T10:00:00+02:00 "$K" import "$WORK/late.jsonl"
[[ "$(db "SELECT state FROM question WHERE id = $(id_of 6001_9005)")" == open ]] &&
	ok "within 120 days it opens (overdue)" || bad "late: $(db "SELECT state FROM question WHERE id = $(id_of 6001_9005)")"
expect_exit 2 "a bad history_after is refused" -- "$K" policy set history_after soon

# --- Daily review over Easter ---------------------------------------------
expect_exit 1 "never reviewed" -- at 2026-04-02T15:00:00+02:00 "$K" --json review status
jq -e -s '.[0].missing and .[0].last_review_at == null' "$WORK/out" >/dev/null && ok "never reviewed is missing" || bad "status: $(cat "$WORK/out")"
expect_exit 0 "review mark" -- at 2026-04-02T15:00:00+02:00 "$K" review mark exempelby --note "Inget att åtgärda"
expect_exit 0 "Tuesday after Easter: Thursday was the last working day" -- at 2026-04-07T09:00:00+02:00 "$K" --json review status
jq -e -s '.[0].missing == false and .[0].reviewed_since == "2026-04-02T00:00:00+02:00"' "$WORK/out" >/dev/null && ok "reviewed on the last working day" || bad "status: $(cat "$WORK/out")"
expect_exit 1 "Wednesday: Tuesday went unreviewed" -- at 2026-04-08T09:00:00+02:00 "$K" --json review status
jq -e -s '.[0].missing and .[0].last_review_by == "e2e"' "$WORK/out" >/dev/null && ok "missing review listed with the last reviewer" || bad "status: $(cat "$WORK/out")"
expect_exit 0 "review mark Wednesday" -- at 2026-04-08T09:30:00+02:00 "$K" review mark exempelby
expect_exit 0 "reviewed today" -- at 2026-04-08T09:45:00+02:00 "$K" review status
expect_exit 2 "review of an unknown account" -- "$K" review mark nosuch

# --- Activity checks --------------------------------------------------------
expect_exit 0 "a busy day" -- at 2026-04-16T18:30:00+02:00 "$K" import "$F/busy_day.jsonl"
expect_exit 1 "activity problems after a week without posts" -- at 2026-04-24T10:00:00+02:00 "$K" --json account check exempelby
expect_grep '"rule":"no_post_week"' "$WORK/out" "no own post for a week"
expect_grep '"rule":"posts_below_target"' "$WORK/out" "posts per week below the target of 3"
expect_grep '"rule":"too_many_posts_per_day".*2026-04-16' "$WORK/out" "three posts on 16 April, two allowed"
expect_no_grep '"rule":"inactive_year"' "$WORK/out" "not inactive for a year"
expect_exit 1 "a year later" -- at 2027-05-01T10:00:00+02:00 "$K" --json account check exempelby
expect_grep '"rule":"inactive_year"' "$WORK/out" "a year without posts proposes closing"
expect_no_grep '"rule":"no_post_week"' "$WORK/out" "the week rule is implied, not repeated"
expect_exit 0 "the day after the busy day is fine" -- at 2026-04-17T10:00:00+02:00 "$K" --json policy set max_posts_per_day 3 --account exempelby
expect_exit 1 "check with the higher limit" -- at 2026-04-24T10:00:00+02:00 "$K" --json account check exempelby
expect_no_grep '"rule":"too_many_posts_per_day"' "$WORK/out" "three a day allowed now"

# --- The audit chain ----------------------------------------------------------
for action in question.open question.answered question.assign question.forward question.close policy.set review.mark; do
	[[ "$(db "SELECT COUNT(*) FROM audit WHERE action = '$action'")" -ge 1 ]] && ok "audited: $action" || bad "no audit entry $action"
done
expect_exit 0 "audit verify" -- "$K" audit verify

finish
