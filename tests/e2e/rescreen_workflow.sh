#!/usr/bin/env bash
# What new flags call for: a rescreen with new rules opens the questions and
# cases the new flags call for (once), and an edit of a kept item opens its
# case again; a rescreen of the version that was judged does not.
source "$(dirname "$0")/lib.bash"
DB="$KANALVAKT_DATA/kanalvakt.db"
sql() { kv_sql "$1"; }
export KANALVAKT_NOW=2026-05-04T10:00:00Z

mkdir -p "$WORK/rulesA" "$WORK/rulesB"
printf 'ins.idiot defamation_insult 0.9 idiot*\n' >"$WORK/rulesA/test.rules"
printf '%s\n' 'ins.idiot defamation_insult 0.9 idiot*' 'que.glass question 0.9 glasspris*' \
	'com.glass commercial 0.9 glassbil*' >"$WORK/rulesB/test.rules"

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform linkedin --handle exempelby --unit Kommunikation --platform-id org-1 >/dev/null
line() { # ID PARENT AUTHOR_ID TEXT [CREATED] [EDITED]
	local own=false
	[[ $3 == org-1 ]] && own=true
	jq -cn --arg id "$1" --arg p "$2" --arg a "$3" --arg t "$4" --arg c "${5:-2026-05-04T09:00:00Z}" --arg e "${6:-}" --argjson own "$own" \
		'{id: $id, platform: "linkedin", account: "exempelby", kind: (if $p == "" then "post" else "comment" end),
		  author: {id: $a, name: (if $own then "Exempelby kommun" else "Besökare " + $a end), is_account: $own},
		  created_at: $c, text: $t}
		 + (if $p == "" then {} else {parent_id: $p, root_id: "p1"} end)
		 + (if $e == "" then {} else {edited_at: $e} end)'
}
{
	line p1 "" org-1 "Sommaren är här och badplatserna öppnar."
	line c1 p1 u1 "Glasspriset i kiosken i år, vet någon?" 2026-05-04T09:05:00Z
	line r1 c1 org-1 "Samma som i fjol, 25 kronor." 2026-05-04T09:30:00Z
	line c2 p1 u2 "Glassbilen kommer klockan tre!" 2026-05-04T09:10:00Z
	line c3 p1 u3 "Glasspriset höjs väl som vanligt" 2026-05-04T09:12:00Z
} >"$WORK/items.jsonl"
expect_exit 0 "import with the old rules" -- "$K" --rules "$WORK/rulesA" import "$WORK/items.jsonl"
[[ $(sql "SELECT COUNT(*) FROM question") == 0 && $(sql "SELECT COUNT(*) FROM mod_case") == 0 ]] &&
	ok "the old rules call for no question and no case" || bad "before: $(sql "SELECT COUNT(*) FROM question") questions"

expect_exit 0 "rescreen with new rules" -- "$K" --rules "$WORK/rulesB" --json rescreen
jq -e '.screened == 3 and .questions_opened == 2 and .cases_opened == 1' "$WORK/out" >/dev/null &&
	ok "the rescreen says what it opened" || bad "rescreen: $(cat "$WORK/out")"
q() { sql "SELECT q.state || ':' || COALESCE((SELECT platform_id FROM item WHERE id = q.answer_item_id), '-') FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = '$1'"; }
[[ $(q c3) == "open:-" ]] && ok "a new question is open in the inbox" || bad "c3: $(q c3)"
[[ $(q c1) == "answered:r1" ]] && ok "a new question the account had answered is closed by that reply" || bad "c1: $(q c1)"
due=$(sql "SELECT due_at - arrived_at FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = 'c3'")
[[ $due -gt 0 && $due -lt $((30 * 86400)) ]] && ok "its deadline runs from when it was asked" || bad "due - arrived = $due"
case_of() { sql "SELECT m.id FROM mod_case m JOIN item i ON i.id = m.item_id WHERE i.platform_id = '$1'"; }
cs=$(case_of c2)
[[ -n $cs && $(sql "SELECT state || ':' || categories FROM mod_case WHERE id = $cs") == "open:commercial" ]] &&
	ok "the new violation is a case" || bad "case of c2: $(sql "SELECT * FROM mod_case")"
n=$(sql "SELECT COUNT(*) FROM audit WHERE action IN ('question.open', 'case.open')")
expect_exit 0 "rescreen --all again" -- "$K" --rules "$WORK/rulesB" --json rescreen --all
jq -e '.questions_opened == 0 and .cases_opened == 0 and .cases_reopened == 0' "$WORK/out" >/dev/null &&
	ok "a second rescreen opens nothing" || bad "second: $(cat "$WORK/out")"
[[ $(sql "SELECT COUNT(*) FROM audit WHERE action IN ('question.open', 'case.open')") == "$n" ]] && ok "nor writes anything" || bad "audit grew"

# Kept, then the same version rescreened: still kept. Then edited: open again.
due0=$(sql "SELECT due_at FROM mod_case WHERE id = $cs")
expect_exit 0 "the case is kept" -- "$K" --as mia case decide "$cs" keep --reason "Information om glassbilen, inte reklam"
expect_exit 0 "rescreen --all after the decision" -- "$K" --rules "$WORK/rulesB" --json rescreen --all
[[ $(sql "SELECT state FROM mod_case WHERE id = $cs") == kept ]] && ok "a rescreen of the judged text leaves the case kept" || bad "state $(sql "SELECT state FROM mod_case WHERE id = $cs")"
line c2 p1 u2 "Glassbilen säljer glass billigt, ring 070-123 45 67" 2026-05-04T09:10:00Z 2026-05-05T08:00:00Z >"$WORK/edit.jsonl"
export KANALVAKT_NOW=2026-05-05T08:30:00Z
expect_exit 0 "the kept comment is edited" -- "$K" --rules "$WORK/rulesB" import "$WORK/edit.jsonl"
[[ $(sql "SELECT state || ':' || COALESCE(decision, '-') FROM mod_case WHERE id = $cs") == "open:-" ]] &&
	ok "the edit opens the kept case again" || bad "after edit: $(sql "SELECT state, decision FROM mod_case WHERE id = $cs")"
due=$(sql "SELECT due_at FROM mod_case WHERE id = $cs")
edited=$(date -d 2026-05-05T08:00:00Z +%s)
[[ $due -gt $edited && $due -gt $due0 ]] && ok "due from the edit" || bad "due $due, edited $edited, first due $due0"
a=$(sql "SELECT after FROM audit WHERE action = 'case.reopen' AND entity_id = '$cs'")
[[ -n $a ]] && jq -e '.version == 2 and .state == "open"' <<<"$a" >/dev/null && ok "the reopening is audited with the version" || bad "audit: $a"
b=$(sql "SELECT before FROM audit WHERE action = 'case.reopen' AND entity_id = '$cs'")
[[ -n $b ]] && jq -e '.decided_by == "mia" and (.reason | test("inte reklam"))' <<<"$b" >/dev/null && ok "the audit keeps the earlier decision" || bad "before: $b"
expect_exit 2 "removal waits for evidence of the new version" -- "$K" --as mia case decide "$cs" remove --reason "reklam"
expect_exit 0 "audit chain intact" -- "$K" audit verify
finish
