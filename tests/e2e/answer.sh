#!/usr/bin/env bash
# Answering questions: the standard texts from the command line (add, list,
# remove, bad input refused and nothing changed) and over the API (what
# each user may see), and answering a question over the API and the
# command line: closed as answered by the one answering with the response
# time, audited; refusals (empty, too long, another account's question,
# already answered) change nothing.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"
db() { kv_sql "$1"; }

# --- Standard texts from the command line ---------------------------------
before=$(db_state)
expect_exit 2 "add without --title" -- bash -c "echo Hej | '$K' answer text add"
expect_exit 2 "add with an empty text" -- bash -c "printf '  \n' | '$K' answer text add --title Tom"
expect_exit 2 "add for an unknown account" -- bash -c "echo Hej | '$K' answer text add --title T --account nosuch"
expect_exit 2 "add with a text too long" -- bash -c "head -c 6000 /dev/zero | tr '\\0' a | '$K' answer text add --title Lång"
expect_exit 2 "an unknown sub-command" -- "$K" answer text rename 1
expect_exit 2 "remove a text that does not exist" -- "$K" answer text remove 99
expect_exit 2 "remove with a bad id" -- "$K" answer text remove x
[[ $(db_state) == "$before" ]] && ok "refused standard-text commands changed nothing" || bad "a refused command changed the store"
expect_exit 0 "answer text --help" -- "$K" answer text --help
expect_grep 'add --title' "$WORK/out" "the help names add"

expect_exit 0 "add a text for every account" -- bash -c "echo 'Tack för din fråga! Vi har öppet 8–17.' | '$K' --json answer text add --title Öppettider"
all_id=$(jq .id "$WORK/out")
expect_exit 0 "add a text for Kultur's account" -- bash -c "echo 'Evenemangen finns i kalendern.' | '$K' answer text add --title Evenemang --account exempelbykommun"
expect_exit 0 "add a text for Socialtjänsten's account" -- bash -c "echo 'Ring socialtjänsten.' | '$K' answer text add --title Kontakt --account exempelby"
expect_exit 0 "list" -- "$K" --json answer text list
jq -e -s 'length == 3 and (map(.title) == ["Evenemang", "Kontakt", "Öppettider"])' "$WORK/out" >/dev/null &&
	ok "three texts in title order" || bad "list: $(cat "$WORK/out")"
expect_exit 0 "list for one account" -- "$K" --json answer text list --account exempelby
jq -e -s 'map(.title) == ["Kontakt", "Öppettider"] and .[0].account == "facebook/exempelby" and .[1].account == null' "$WORK/out" >/dev/null &&
	ok "an account sees its own and the shared text" || bad "list --account: $(cat "$WORK/out")"
[[ $(db "SELECT COUNT(*) FROM audit WHERE action = 'standard_text.add' AND actor = 'e2e'") == 3 ]] &&
	ok "each addition audited as the operator" || bad "audit of additions"

# --- Standard texts over the API --------------------------------------------
c_editor=$(login editor)
c_kultur=$(login kultur)
c_analyst=$(login analyst)
get() { curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.$1" "$API$2"; }
post() { curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.$1" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' --data-binary "$4" "$API$3"; }
[[ $(get editor /standard-texts) == 200 ]] && jq -e '(.items | length) == 3 and .next == null and (.items[0] | has("id") and has("title") and has("text") and has("account"))' "$WORK/body" >/dev/null &&
	ok "the editor of every account gets every text" || bad "GET /standard-texts as editor: $(cat "$WORK/body")"
[[ $(get kultur /standard-texts) == 200 ]] && jq -e '.items | map(.title) == ["Evenemang", "Öppettider"]' "$WORK/body" >/dev/null &&
	ok "Kultur's editor sees Kultur's and the shared texts only" || bad "GET as kultur: $(cat "$WORK/body")"
[[ $(get kultur '/standard-texts?account=exempelby') == 403 ]] && ok "not another account's texts (403)" || bad "GET ?account=exempelby as kultur: $(cat "$WORK/body")"
[[ $(get analyst /standard-texts) == 403 ]] && ok "the analyst may not work the inbox (403)" || bad "GET as analyst: $(cat "$WORK/body")"
[[ $(get editor '/standard-texts?account=nosuch') == 404 ]] && ok "an unknown account is 404" || bad "GET ?account=nosuch: $(cat "$WORK/body")"

# --- Answering over the API ----------------------------------------------------
qid=$(db "SELECT MIN(q.id) FROM question q JOIN account a ON a.id = q.account_id WHERE a.handle = 'exempelby' AND q.state = 'open'")
[[ -n $qid ]] && ok "an open question on Socialtjänsten's account ($qid)" || bad "no open question to answer"
before=$(db_state)
[[ $(post editor "$c_editor" "/inbox/$qid/answer" '{"text":""}') == 400 ]] && jq -e '.field == "text"' "$WORK/body" >/dev/null &&
	ok "an empty answer is 400 naming text" || bad "empty answer: $(cat "$WORK/body")"
[[ $(post editor "$c_editor" "/inbox/$qid/answer" '{"text":"   "}') == 400 ]] && ok "a blank answer is 400" || bad "blank: $(cat "$WORK/body")"
long=$(head -c 5001 /dev/zero | tr '\0' a)
[[ $(post editor "$c_editor" "/inbox/$qid/answer" "{\"text\":\"$long\"}") == 400 ]] && ok "a too long answer is 400" || bad "long: $(cat "$WORK/body")"
[[ $(post editor "$c_editor" "/inbox/$qid/answer" '{"text":"Hej","by_hand":"ja"}') == 400 ]] && jq -e '.field == "by_hand"' "$WORK/body" >/dev/null &&
	ok "by_hand must be a boolean" || bad "by_hand: $(cat "$WORK/body")"
[[ $(post editor "$c_editor" "/inbox/$qid/answer" '{"text":"Hej","extra":1}') == 400 ]] && ok "an unknown member is 400" || bad "extra: $(cat "$WORK/body")"
[[ $(post kultur "$c_kultur" "/inbox/$qid/answer" '{"text":"Hej"}') == 403 ]] && ok "Kultur's editor may not answer Socialtjänsten's question" || bad "kultur: $(cat "$WORK/body")"
[[ $(post editor "$c_editor" "/inbox/99999/answer" '{"text":"Hej"}') == 404 ]] && ok "an unknown question is 404" || bad "404: $(cat "$WORK/body")"
[[ $(db_state) == "$before" ]] && ok "refused answers changed nothing" || bad "a refused answer changed the store"

answer='Hej! Ring socialtjänsten på 010-123 45 67.

Vänliga hälsningar, Eva'
[[ $(post editor "$c_editor" "/inbox/$qid/answer" "$(jq -n --arg t "$answer" '{text: $t}')") == 200 ]] &&
	jq -e '.state == "answered" and .closed_by == "editor" and .response_seconds != null' "$WORK/body" >/dev/null &&
	ok "answered: closed by the editor, with a response time" || bad "answer: $(cat "$WORK/body")"
[[ $(db "SELECT answer_text FROM question WHERE id = $qid") == "$answer" ]] && ok "the answer's text is kept" || bad "answer_text"
[[ $(db "SELECT COUNT(*) FROM audit WHERE action = 'question.answer' AND actor = 'editor' AND entity_id = '$qid'") == 1 ]] &&
	ok "the answer audited as the editor" || bad "audit of the answer"
[[ $(post editor "$c_editor" "/inbox/$qid/answer" '{"text":"Igen","by_hand":true}') == 409 ]] && ok "a second answer is 409" || bad "again: $(cat "$WORK/body")"

# --- Answering from the command line -------------------------------------------
export KANALVAKT_NOW=2026-04-15T10:00:00+02:00
"$K" import "$FIXW/more_questions.jsonl" >/dev/null
"$K" workflow sync >/dev/null
cq=$(db "SELECT MIN(id) FROM question WHERE state = 'open'")
if [[ -n $cq ]]; then
	before=$(db_state)
	: >"$WORK/empty.txt"
	expect_exit 2 "inbox answer without --text-file" -- "$K" inbox answer "$cq"
	expect_exit 2 "inbox answer with a missing file" -- "$K" inbox answer "$cq" --text-file "$WORK/nosuch.txt"
	expect_exit 2 "inbox answer with an empty file" -- "$K" inbox answer "$cq" --text-file "$WORK/empty.txt"
	expect_grep 'empty' "$WORK/err" "the error says the answer is empty"
	expect_exit 2 "inbox answer on an answered question" -- bash -c "echo Hej | '$K' inbox answer $qid --text-file -"
	expect_exit 2 "inbox answer with a bad id" -- "$K" inbox answer 0 --text-file "$WORK/empty.txt"
	[[ $(db_state) == "$before" ]] && ok "refused CLI answers changed nothing" || bad "a refused CLI answer changed the store"
	echo "Tack, vi återkommer." >"$WORK/svar.txt"
	expect_exit 0 "inbox answer" -- "$K" --json inbox answer "$cq" --text-file "$WORK/svar.txt" --by-hand
	jq -e ".id == $cq and .done == \"answered\" and .by_hand == true" "$WORK/out" >/dev/null && ok "the CLI answer reported" || bad "cli answer: $(cat "$WORK/out")"
	[[ $(db "SELECT state || ' ' || closed_by FROM question WHERE id = $cq") == "answered e2e" ]] && ok "closed as answered by the operator" || bad "cli state"
else
	bad "no second open question for the command line"
fi

# --- Removing a text ---------------------------------------------------------
expect_exit 0 "remove a text" -- "$K" answer text remove "$all_id"
[[ $(db "SELECT COUNT(*) FROM standard_text") == 2 && $(db "SELECT COUNT(*) FROM audit WHERE action = 'standard_text.remove'") == 1 ]] &&
	ok "removed and audited" || bad "remove"
finish
