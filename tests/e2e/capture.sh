#!/usr/bin/env bash
# Capture from the command line: importing platform files, idempotency, one
# item whether seen by webhook or API, versions and events, Swedish search,
# and malformed input that is refused whole.
source "$(dirname "$0")/lib.bash"
F="${KV_SOURCE_DIR:?}/tests/fixtures"

count_items() { sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM item"; }

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation --platform-id 104857392011234 >/dev/null
"$K" account add --platform linkedin --handle vasterby-kommun --unit Kommunikation >/dev/null

# The webhook sees a comment first; the Graph API response later holds it too.
expect_exit 0 "webhook delivery imports" -- "$K" --json import "$F/meta/webhook_page_comments.json"
jq -e '.new == 3' "$WORK/out" >/dev/null && ok "three comments from the webhook" || bad "webhook counts: $(cat "$WORK/out")"
expect_exit 0 "graph pages import" -- "$K" --json import "$F/meta/graph_feed_p1.json" "$F/meta/graph_feed_p2.json"
n=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM item WHERE platform_id = '580001_9001'")
[[ $n == 1 ]] && ok "the comment seen by webhook and API is one item" || bad "580001_9001 stored $n times"
before=$(count_items)
state_before=$(db_state)
expect_exit 0 "importing the same files again" -- "$K" --json import "$F/meta/graph_feed_p1.json" "$F/meta/graph_feed_p2.json" "$F/meta/webhook_page_comments.json"
jq -e -s 'map(.new + .updated + .events) | add == 0' "$WORK/out" >/dev/null && ok "re-import reports nothing new" || bad "re-import: $(cat "$WORK/out")"
[[ "$(db_state)" == "$state_before" ]] && ok "re-import changes nothing" || bad "re-import changed the database"

# Direction: the page's own reply is upprättad, the visitor's comment inkommen.
"$K" --json item list --direction upprättad >"$WORK/up.jsonl"
jq -e -s 'map(select(.platform_id == "580001_9003")) | length == 1' "$WORK/up.jsonl" >/dev/null && ok "the account's reply is upprättad" || bad "direction of 580001_9003"
"$K" --json item list --direction inkommen >"$WORK/in.jsonl"
jq -e -s 'map(select(.platform_id == "580001_9001")) | length == 1' "$WORK/in.jsonl" >/dev/null && ok "the visitor's comment is inkommen" || bad "direction of 580001_9001"

# A hidden comment stays, with its state; an edit adds a version.
jq -e -s 'map(select(.state == "hidden")) | length >= 1' "$WORK/in.jsonl" >/dev/null && ok "hidden comment kept as hidden" || bad "no hidden comment"
expect_exit 0 "webhook edit" -- "$K" import "$F/meta/webhook_page_edited.json"
id=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT id FROM item WHERE versions > 1 LIMIT 1")
if [[ -n "$id" ]]; then
	"$K" --json item show "$id" >"$WORK/show.json"
	jq -e '(.versions | length) >= 2 and (.versions[0].sha256 | length) == 64' "$WORK/show.json" >/dev/null && ok "item show lists every version with its hash" || bad "item show versions"
	jq -e '(.thread | length) >= 1' "$WORK/show.json" >/dev/null && ok "item show gives the thread" || bad "item show thread"
else
	bad "no edited item after the edit webhook"
fi
expect_exit 0 "webhook moderation events" -- "$K" --json import "$F/meta/webhook_page_moderation.json"
jq -e '.skipped >= 1' "$WORK/out" >/dev/null && ok "events for unknown items are reported as skipped" || bad "moderation counts"

# Search: Swedish letters and stems, snippets marked, filters.
expect_exit 0 "search" -- "$K" --json search kiosken
expect_grep '\[kiosken\]' "$WORK/out" "snippet marks the hit"
expect_exit 0 "search is case-insensitive" -- "$K" --json search KIOSKEN
expect_grep 'kiosken' "$WORK/out" "upper case finds lower case"
"$K" --json search öppnar --direction upprättad --kind post >"$WORK/s.jsonl"
jq -e -s 'all(.direction == "upprättad" and .kind == "post")' "$WORK/s.jsonl" >/dev/null && ok "search filters apply" || bad "search filters"
expect_exit 2 "search without words" -- "$K" search "!!!"
# Phrases, prefixes and words left out, as typed on the command line.
n_kiosk=$("$K" --json search kiosken | wc -l)
n_kiosk_only=$("$K" --json search 'kiosken -öppnar' | wc -l)
n_kiosk_both=$("$K" --json search kiosken öppnar | wc -l)
[[ $n_kiosk -gt 0 && $((n_kiosk_only + n_kiosk_both)) -eq $n_kiosk ]] &&
	ok "a word left out splits the matches" || bad "left out: $n_kiosk = $n_kiosk_only + $n_kiosk_both?"
[[ $("$K" --json search -- kiosken -öppnar | wc -l) -eq $n_kiosk_only ]] && ok "-- before the query works too" || bad "-- before the query"
[[ $("$K" --json search 'kiosk*' | wc -l) -ge $n_kiosk ]] && ok "a prefix finds at least the word" || bad "prefix"
expect_exit 2 "a bare -word is refused with a hint" -- "$K" search kiosken -öppnar
expect_grep "inside the quoted query" "$WORK/err" "the hint says to quote the query"
expect_exit 2 "only words left out" -- "$K" search -- -kiosken

# Our own JSON Lines format with --account.
expect_exit 0 "jsonl import" -- "$K" --json import --account vasterby-kommun "$F/jsonl/items.jsonl"
jq -e '.new >= 3' "$WORK/out" >/dev/null && ok "jsonl items stored" || bad "jsonl: $(cat "$WORK/out")"

# Malformed input: refused whole, with file and position, nothing stored.
state_before=$(db_state)
{
	echo '{"id":"ok-1","platform":"linkedin","created_at":"2026-01-01T10:00:00Z","text":"första raden är bra"}'
	echo '{"id":"ok-2","platform":"linkedin","created_at":"2026-01-01T10:01:00Z","text":"andra raden är bra"}'
	echo '{"id":"bad","platform":"linkedin","created_at":"2026-01-01T10:02:00Z","text":"avbruten'
} >"$WORK/truncated.jsonl"
expect_exit 2 "truncated JSON Lines" -- "$K" import --account vasterby-kommun "$WORK/truncated.jsonl"
expect_grep 'truncated.jsonl.*line 3' "$WORK/err" "error names the file and line"
printf '{"id":"w","platform":"linkedin","created_at":"2026-01-01T10:00:00Z","text":17}\n' >"$WORK/wrongtype.jsonl"
expect_exit 2 "wrong type" -- "$K" import --account vasterby-kommun "$WORK/wrongtype.jsonl"
expect_grep 'text' "$WORK/err" "wrong type names the field"
printf '{"id":"u","platform":"linkedin","created_at":"2026-01-01T10:00:00Z","text":"ogiltig \xff byte"}\n' >"$WORK/utf8.jsonl"
expect_exit 2 "invalid UTF-8" -- "$K" import --account vasterby-kommun "$WORK/utf8.jsonl"
expect_grep 'UTF-8' "$WORK/err" "invalid UTF-8 is named"
{
	printf '{"id":"big","platform":"linkedin","created_at":"2026-01-01T10:00:00Z","text":"'
	head -c 10485760 /dev/zero | tr '\0' 'a'
	printf '"}\n'
} >"$WORK/big.jsonl"
expect_exit 2 "a 10 MB string" -- "$K" import --account vasterby-kommun "$WORK/big.jsonl"
expect_grep 'big.jsonl' "$WORK/err" "the 10 MB string is refused naming the file"
truncate -s 3G "$WORK/huge.json"
expect_exit 2 "a multi-GB document" -- "$K" import --format graph "$WORK/huge.json"
expect_grep '256 MiB' "$WORK/err" "the multi-GB document is refused before reading it"
expect_exit 2 "unknown format" -- "$K" import --format myspace "$F/jsonl/items.jsonl"
expect_exit 2 "missing file" -- "$K" import "$WORK/nope.json"
[[ "$(db_state)" == "$state_before" ]] && ok "refused files left nothing behind" || bad "a refused file changed the database"
rm -f "$WORK/huge.json" "$WORK/big.jsonl"

# Screening on capture: inkommen texts are screened and their flags kept with
# the rule set; upprättad ones are not; a rule change is caught up by rescreen.
id=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT id FROM item WHERE platform_id = '580001_9001'")
"$K" --json item show "$id" >"$WORK/q.json"
jq -e '[.flags[] | select(.category == "question")] | length >= 1' "$WORK/q.json" >/dev/null && ok "a visitor's question is flagged as a question" || bad "no question flag on 580001_9001"
jq -e '.flags | all(.start < .end)' "$WORK/q.json" >/dev/null && ok "flags carry byte offsets" || bad "flag offsets"
n=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM item_screening s JOIN item i ON i.id = s.item_id WHERE i.direction = 'upprattad'")
[[ $n == 0 ]] && ok "upprättad items are not screened" || bad "$n upprättad items screened"
expect_exit 0 "rescreen with unchanged rules" -- "$K" --json rescreen
jq -e '.screened == 0' "$WORK/out" >/dev/null && ok "nothing to rescreen with unchanged rules" || bad "rescreen: $(cat "$WORK/out")"
cp -r "$KV_SOURCE_DIR/rules" "$WORK/rules"
printf 'com.kiosk commercial 0.60 kiosk*\n' >>"$WORK/rules/sv/commercial.rules"
expect_exit 0 "rescreen after a rule change" -- "$K" --rules "$WORK/rules" --json rescreen
jq -e '.screened > 0' "$WORK/out" >/dev/null && ok "a changed rule set rescreens the items" || bad "rescreen after change: $(cat "$WORK/out")"
ruleset=$(jq -r .ruleset "$WORK/out")
n=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(DISTINCT ruleset) FROM item_screening")
[[ $n == 1 ]] && ok "every item now carries the new rule set" || bad "$n rule sets in use"
[[ $(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT ruleset FROM item_screening LIMIT 1") == "$ruleset" ]] && ok "stored rule set is the one reported" || bad "stored rule set"

expect_exit 0 "audit chain intact" -- "$K" audit verify
finish
