#!/usr/bin/env bash
# Policy documents and their reviews: registered with when they must be
# reviewed, the account's policy named, reminders before the review and when
# it is late (an alert and a mail to the responsible person, each once),
# reviews moving the next date, bad input refused with nothing changed.
source "$(dirname "$0")/lib.bash"
DB="$KANALVAKT_DATA/kanalvakt.db"
sql() { kv_sql "$1"; }

for cmd in "policydoc add" "policydoc list" "policydoc show" "policydoc review" "policydoc retire" "policydoc apply" "policydoc check"; do
	expect_exit 0 "$cmd --help" -- "$K" $cmd --help
done
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" person add --name "Karin Lund" --email karin@exempelby.se --unit Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --unit Kommunikation >/dev/null

before=$(db_state)
add() { "$K" policydoc add --title "Riktlinjer för sociala medier" --by Kommunstyrelsen "$@"; }
expect_exit 2 "a review before the adoption" -- add --adopted 2026-01-01 --review-on 2025-06-01
expect_grep "not after the adoption" "$WORK/err" "the refusal names the dates"
expect_exit 2 "an unknown person" -- add --adopted 2026-01-01 --review-every 4y --responsible nobody@exempelby.se
expect_grep "nobody@exempelby.se" "$WORK/err" "the refusal names the person"
expect_exit 2 "a period that is not one" -- add --adopted 2026-01-01 --review-every 4 
expect_grep "review-every" "$WORK/err" "the refusal names --review-every"
expect_exit 2 "no review date at all" -- add --adopted 2026-01-01
expect_exit 2 "an impossible date" -- add --adopted 2026-02-30 --review-every 4y
expect_grep -- "--adopted" "$WORK/err" "the refusal names --adopted"
[[ $(db_state) == "$before" ]] && ok "refused documents changed nothing" || bad "a refused document changed the store"

export KANALVAKT_NOW=2026-09-01T09:00:00+02:00
expect_exit 0 "add: every fourth year (FÄ)" -- add --adopted 2022-12-15 --review-every 4y --responsible karin@exempelby.se
expect_exit 0 "add: a review date (TI)" -- "$K" policydoc add --title "Kommunikationspolicy" --adopted 2024-03-01 --by Kommunfullmäktige --review-on 2027-03-01
expect_exit 0 "list" -- "$K" --json policydoc list
jq -e -s '.[0].next_review == "2026-12-15" and .[0].review_every_months == 48 and .[1].next_review == "2027-03-01"' "$WORK/out" >/dev/null &&
	ok "the next reviews follow from the adoption and the period" || bad "list: $(cat "$WORK/out")"
expect_exit 2 "apply to an unknown account" -- "$K" policydoc apply 1 --account nosuch
expect_exit 0 "the account follows document 1" -- "$K" policydoc apply 1 --account exempelbykommun
expect_exit 0 "show" -- "$K" --json policydoc show 1
jq -e '.accounts == ["facebook/exempelbykommun"]' "$WORK/out" >/dev/null && ok "the document names its accounts" || bad "show: $(cat "$WORK/out")"
expect_exit 0 "account show" -- "$K" --json account show exempelbykommun
jq -e '.policydoc == 1' "$WORK/out" >/dev/null && ok "the account's register entry names its policy" || bad "account show: $(cat "$WORK/out")"

# 105 days before: nothing; within 60 days: one alert and one mail, once.
expect_exit 0 "check early" -- "$K" --json policydoc check
jq -e '.alerts == 0' "$WORK/out" >/dev/null && ok "no reminder 105 days before" || bad "early: $(cat "$WORK/out")"
export KANALVAKT_NOW=2026-11-01T09:00:00+01:00
expect_exit 0 "check within 60 days" -- "$K" --json policydoc check
jq -e '.alerts == 1' "$WORK/out" >/dev/null && ok "a reminder 44 days before" || bad "due: $(cat "$WORK/out")"
expect_exit 0 "check again" -- "$K" --json policydoc check
jq -e '.alerts == 0' "$WORK/out" >/dev/null && ok "the reminder is raised once" || bad "again: $(cat "$WORK/out")"
[[ $(sql "SELECT COUNT(*) FROM mail_outbox WHERE recipients = 'karin@exempelby.se' AND subject LIKE 'Översyn:%2026-12-15'") == 1 ]] &&
	ok "one mail to the responsible person" || bad "mail: $(sql "SELECT recipients, subject FROM mail_outbox")"
[[ $(sql "SELECT COUNT(*) FROM alert WHERE kind = 'policydoc_review_due'") == 1 ]] && ok "one alert" || bad "alerts: $(sql "SELECT kind FROM alert")"

# Late: the overdue alert through notify run, with a shorter warning in the config.
export KANALVAKT_NOW=2026-12-20T09:00:00+01:00
printf '[policy]\nreview_warn_days = 30\n' >"$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 0 "notify run" -- "$K" --json notify run
jq -e -s 'map(select(.event == "summary"))[0].policydoc_alerts == 1' "$WORK/out" >/dev/null && ok "notify run raises the overdue review" || bad "notify: $(cat "$WORK/out")"
[[ $(sql "SELECT COUNT(*) FROM alert WHERE kind = 'policydoc_overdue'") == 1 ]] && ok "an overdue alert" || bad "alerts: $(sql "SELECT kind FROM alert")"
expect_exit 0 "list shows it late" -- "$K" policydoc list
expect_grep "FÖRSENAD" "$WORK/out" "the list marks the late review"

# The review moves the next date; a review before the adoption is refused.
before=$(db_state)
expect_exit 2 "a review dated before the adoption" -- "$K" policydoc review 1 --on 2020-01-01
expect_exit 2 "a review of no document" -- "$K" policydoc review 9 --on 2026-12-20
[[ $(db_state) == "$before" ]] && ok "refused reviews changed nothing" || bad "a refused review changed the store"
expect_exit 0 "review" -- "$K" policydoc review 1 --on 2026-12-18
[[ $(sql "SELECT next_review || ' ' || last_review FROM policydoc WHERE id = 1") == "2030-12-18 2026-12-18" ]] && ok "the next review four years on" || bad "after review: $(sql "SELECT next_review, last_review FROM policydoc WHERE id = 1")"
expect_exit 2 "a document without a period needs --next" -- "$K" policydoc review 2 --on 2027-02-01
expect_exit 0 "review with --next" -- "$K" policydoc review 2 --on 2027-02-01 --next 2029-02-01
expect_exit 0 "retire" -- "$K" policydoc retire 2
expect_exit 2 "retire twice" -- "$K" policydoc retire 2
n=$(sql "SELECT COUNT(*) FROM audit WHERE action LIKE 'policydoc.%'")
[[ $n == 5 && $(sql "SELECT COUNT(*) FROM audit WHERE action = 'account.policy'") == 1 ]] && ok "every change is audited" || bad "$n policydoc audit entries"
expect_exit 0 "audit chain intact" -- "$K" audit verify
finish
