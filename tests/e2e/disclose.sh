#!/usr/bin/env bash
# Disclosure on request (utlämnande): PDF printout with the reference on
# every page, JSON, CSV and a SHA-256 manifest; masks from the PII detectors
# and by hand, each with its reason; masked text gone from every file; the
# disclosure register and the audit chain; bad input that changes nothing.
source "$(dirname "$0")/lib.bash"
SRC=${KV_SOURCE_DIR:?}
FIX="$SRC/tests/fixtures/records"
export KANALVAKT_NOW=2026-07-10T12:00:00+02:00

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name "Kultur och fritid" >/dev/null
"$K" account add --platform facebook --handle fritid --name "Fritidsfabriken" --unit "Kultur och fritid" >/dev/null
"$K" account add --platform facebook --handle annat --unit "Kultur och fritid" >/dev/null
"$K" import --account fritid "$FIX/items.jsonl" >/dev/null
"$K" import --account fritid "$FIX/edits.jsonl" >/dev/null
# Someone else names the author who is masked below.
cat >"$WORK/mention.jsonl" <<'JSONL'
{"id":"c4","platform":"facebook","kind":"comment","parent_id":"p2","root_id":"p2","author":{"id":"u3","name":"Kalle Kvist"},"created_at":"2026-05-12T10:00:00+02:00","text":"Hälsa Stina Sjö från mig!"}
JSONL
"$K" import --account fritid "$WORK/mention.jsonl" >/dev/null

expect_exit 0 "disclose --help" -- "$K" disclose --help
expect_grep -- '--redact-pii' "$WORK/out" "usage names the mask options"

D="$WORK/ks-2026-77"
expect_exit 0 "disclose a period with masks" -- "$K" --json disclose --account fritid --from 2026-03-01 --to 2026-06-30 \
	--out "$D" --redact-pii --redact "blåbärssylt" --redact-author u2 --reason "OSL 21 kap. 7 §" \
	--ref "KS 2026/77" --requester "Anna Journalist"
jq -e '.items == 8 and .masks >= 7 and .pages >= 1' "$WORK/out" >/dev/null && ok "eight items (with the private message), the masks counted" || bad "result: $(cat "$WORK/out")"
for f in utlamnande.pdf utlamnande.json utlamnande.csv manifest.json; do
	[[ -f "$D/$f" ]] && ok "$f written" || bad "$f missing"
done
ls -A "$WORK" | grep -q '\.tmp-' && bad "temporary directory left" || ok "no temporary directory left"
pdftotext -enc UTF-8 "$D/utlamnande.pdf" "$WORK/d.txt"
pages=$(pdfinfo "$D/utlamnande.pdf" | awk '/^Pages:/ {print $2}')
[[ $(grep -c 'KS 2026/77' "$WORK/d.txt") -ge $pages ]] && ok "the reference on every page" || bad "reference per page"
expect_grep "Sida 1 av $pages" "$WORK/d.txt" "page numbers"
expect_grep 'Maskerat: OSL 21 kap. 7 §' "$WORK/d.txt" "the masked box shows its reason"
expect_grep 'Borttaget på plattformen' "$WORK/d.txt" "deletions marked"
expect_grep 'Tidigare version 1' "$WORK/d.txt" "earlier versions shown"
expect_grep 'Välkommen till vårlovets aktiviteter på ängen vid Åsunden' "$WORK/d.txt" "unmasked text kept with å ä ö"
expect_grep 'Tack Örjan' "$WORK/d.txt" "an author's name that is not masked stays"
expect_grep 'Hälsa Maskerat: OSL 21 kap. 7 § från mig' "$WORK/d.txt" "the masked author's name is masked where others mention it"
expect_no_grep 'Juliinlägg' "$WORK/d.txt" "nothing after --to"
if "$SRC/scripts/pdfa-preflight" "$D/utlamnande.pdf" 2>"$WORK/pf"; then ok "the printout is valid PDF/A-1b"; else bad "Preflight"; head "$WORK/pf"; fi
# Chronological, replies indented under what they answer.
order=$(grep -nE 'Välkommen till|Ring mig|Tack Örjan|Sommarprogrammet' "$WORK/d.txt" | cut -d: -f1 | tr '\n' ' ')
read -r a b c d <<<"$order"
[[ $a -lt $b && $b -lt $c && $c -lt $d ]] && ok "chronological threads" || bad "order: $order"

# The masked text is gone from every file (pdftotext for the PDF).
for secret in '070-123 45 67' '0701234567' 'orjan.ek@example.se' '811228-9874' 'Storgatan 12' 'blåbärssylt' 'Blåbärssylt' 'Stina' 'Sjö' 'u2'; do
	if grep -rqiF -- "$secret" "$WORK/d.txt" "$D/utlamnande.json" "$D/utlamnande.csv" "$D/manifest.json"; then
		bad "masked '$secret' found in an output file"
	else ok "masked '$secret' is in no output file"; fi
done
jq -e '.ref == "KS 2026/77" and (.items | length) == 8 and (.items[0].text | test("Välkommen"))' "$D/utlamnande.json" >/dev/null &&
	ok "JSON holds the same records" || bad "json content"
jq -e '[.items[] | select(.author == "[MASKERAT: OSL 21 kap. 7 §]")] | length == 1' "$D/utlamnande.json" >/dev/null &&
	ok "the masked author is masked in JSON" || bad "json author"
[[ $(($(wc -l <"$D/utlamnande.csv") - 1)) -ge 8 ]] && ok "CSV has a row per record" || bad "csv rows"
expect_grep '^id,tid,typ' "$D/utlamnande.csv" "CSV header"
(cd "$D" && jq -r '.files[] | "\(.sha256)  \(.name)"' manifest.json | sha256sum -c --quiet) && ok "manifest SHA-256 match the files" || bad "manifest"

"$K" --json disclose list >"$WORK/list"
jq -e -s 'length == 1 and .[0].ref == "KS 2026/77" and .[0].requester == "Anna Journalist" and .[0].disclosed_by == "e2e" and .[0].items == 8' "$WORK/list" >/dev/null &&
	ok "the disclosure register: who asked, what, by whom" || bad "list: $(cat "$WORK/list")"
jq -e -s '.[0].masks | map(select(.kind == "personnummer")) | length == 1' "$WORK/list" >/dev/null && ok "what was masked is registered by kind" || bad "masks"
! grep -qF 'blåbärssylt' "$WORK/list" && ok "the register does not hold the masked text" || bad "masked text in the register"
"$K" --json audit list >"$WORK/audit"
jq -e -s 'map(select(.action == "disclose" and .actor == "e2e")) | length == 1' "$WORK/audit" >/dev/null && ok "audited" || bad "audit"

# A thread and single items.
root=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT platform_id FROM item WHERE platform_id = 'p2'")
expect_exit 0 "one thread" -- "$K" --json disclose --account fritid --thread "$root" --out "$WORK/t" --ref "KS 2026/78" --requester anonym
jq -e '.items == 3' "$WORK/out" >/dev/null && ok "the thread's three items" || bad "thread: $(cat "$WORK/out")"
id=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT id FROM item WHERE platform_id = 'r1'")
expect_exit 0 "one item" -- "$K" --json disclose --account fritid --item "$id" --out "$WORK/i" --ref "KS 2026/79" --requester anonym
jq -e '.items == 1' "$WORK/out" >/dev/null && ok "the one item" || bad "item: $(cat "$WORK/out")"

# Bad input: named, exit 2, nothing written, nothing changed.
before=$(db_state)
expect_exit 2 "existing output directory" -- "$K" disclose --account fritid --out "$D" --ref R --requester anonym
expect_grep 'already exists' "$WORK/err" "names the directory"
expect_exit 2 "unknown account" -- "$K" disclose --account nosuch --out "$WORK/b1" --ref R --requester anonym
expect_grep 'nosuch' "$WORK/err" "names the account"
expect_exit 2 "an item of another account" -- "$K" disclose --account annat --item "$id" --out "$WORK/b2" --ref R --requester anonym
expect_grep -- "--item $id" "$WORK/err" "names the item"
expect_exit 2 "a thread that does not exist" -- "$K" disclose --account fritid --thread nosuchthread --out "$WORK/b3" --ref R --requester anonym
expect_exit 2 "a bad date" -- "$K" disclose --account fritid --from 2026-13-01 --out "$WORK/b4" --ref R --requester anonym
expect_grep -- "--from" "$WORK/err" "names the option"
expect_exit 2 "empty selection" -- "$K" disclose --account fritid --from 2025-01-01 --to 2025-01-31 --out "$WORK/b5" --ref R --requester anonym
expect_exit 2 "no reference" -- "$K" disclose --account fritid --out "$WORK/b6" --requester anonym
expect_exit 2 "no requester" -- "$K" disclose --account fritid --out "$WORK/b7" --ref R
expect_exit 2 "a one-letter mask" -- "$K" disclose --account fritid --out "$WORK/b8" --ref R --requester anonym --redact a
expect_exit 2 "a missing font" -- "$K" disclose --account fritid --out "$WORK/b9" --ref R --requester anonym --font "Ingen Sådan Font"
expect_grep "Ingen Sådan Font" "$WORK/err" "names the font"
expect_exit 2 "out under a missing directory" -- "$K" disclose --account fritid --out "$WORK/no/such" --ref R --requester anonym
for b in b1 b2 b3 b4 b5 b6 b7 b8 b9; do [[ -e "$WORK/$b" ]] && bad "$b written"; done
ls -A "$WORK" | grep -q '\.tmp-' && bad "temporary directory left" || ok "no partial directory left"
[[ "$(db_state)" == "$before" ]] && ok "refused disclosures changed nothing" || bad "database changed"
finish
