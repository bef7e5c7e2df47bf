#!/usr/bin/env bash
# Records end to end: retention plans (bad ones refused with file:line and
# nothing stored, versions kept), holds (on things that must exist), a dry
# run that changes nothing and says per class and account what would go and
# why, culls that remove items with their versions, search entries, cases,
# questions and evidence files, refuse what must be archived first until it
# is in a delivered package, keep what is held or led to an action, and
# write a gallringsprotokoll whose list hash matches the list; the
# diarieföring export of a case; the audit chain at the end.
source "$(dirname "$0")/lib.bash"
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/records
export KANALVAKT_RULES=$KV_SOURCE_DIR/rules/sv
DB=$KANALVAKT_DATA/kanalvakt.db
q() { kv_sql "$1"; }
item_id() { q "SELECT id FROM item WHERE platform_id = '$1'"; }
exists() { [[ $(q "SELECT COUNT(*) FROM item WHERE platform_id = '$1'") == 1 ]]; }

export KANALVAKT_NOW=2026-01-12T18:00:00+01:00
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name "Kommunikationsenheten" >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --platform-id 500 \
	--unit "Kommunikationsenheten" >/dev/null
"$K" account add --platform facebook --handle fritid --platform-id 600 \
	--unit "Kommunikationsenheten" >/dev/null
expect_exit 0 "import the kommun's page" -- "$K" import --account exempelbykommun "$FIX/feed.jsonl"
expect_exit 0 "import the fritid page" -- "$K" import --account fritid "$FIX/fritid.jsonl"
spam_case=$(q "SELECT c.id FROM mod_case c JOIN item i ON i.id = c.item_id WHERE i.platform_id = '500_14'")
threat_case=$(q "SELECT c.id FROM mod_case c JOIN item i ON i.id = c.item_id WHERE i.platform_id = '500_15'")
[[ -n $spam_case && -n $threat_case ]] && ok "the spam and the threat opened cases" || bad "cases: $(q 'SELECT * FROM mod_case')"
[[ $(q "SELECT q.state FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = '500_12'") == answered ]] &&
	ok "the library question was answered directly" || bad "question 500_12 not answered"
bygglov=$(q "SELECT q.id FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = '500_18'")
expect_exit 0 "forward the bygglov question" -- "$K" inbox forward "$bygglov" --to Kommunikationsenheten --note "bygglov"
expect_exit 0 "evidence for the spam" -- "$K" case evidence "$spam_case"
expect_exit 0 "remove the spam" -- "$K" case decide "$spam_case" remove --by-hand --reason reklam
spam_blob=$(q "SELECT evidence_sha256 FROM mod_case WHERE id = $spam_case")
expect_exit 0 "evidence for the threat" -- "$K" case evidence "$threat_case"
expect_exit 0 "register the threat" -- "$K" case register "$threat_case" --external "KS 2026/17"
expect_exit 0 "remove the threat" -- "$K" case decide "$threat_case" remove --by-hand --reason "olaga hot"

# ---- the plan ----
cat >"$WORK/plan.txt" <<'EOF'
# Testplan
plan: Exempelby testplan
[organisation]
upprattade   | bevaras                 | nej | TI 4.3
inkomna      | gallras efter 6 månader | ja  | TI 4.3 och NY Arkivering
enkla_fragor | gallras efter 6 månader | nej | NY Diarieföring: enkel karaktär
skrap        | gallras omedelbart      | nej | AL Diarieföring och gallring
borttaget    | bevaras                 | nej | TI 4.4

[konto fritid]
inkomna      | gallras när kanalen läggs ned | nej | TI 4.3: när kanalen inte längre används
EOF
before=$(db_state)
sed 's/^skrap /skrapp/' "$WORK/plan.txt" >"$WORK/bad1.txt"
expect_exit 2 "a plan with an unknown class is refused" -- "$K" retention load "$WORK/bad1.txt"
expect_grep "bad1.txt:7: unknown class 'skrapp'" "$WORK/err" "the error names file, line and class"
sed 's/gallras efter 6 månader | nej/gallras efter | nej/' "$WORK/plan.txt" >"$WORK/bad2.txt"
expect_exit 2 "a rule without a period is refused" -- "$K" retention load "$WORK/bad2.txt"
expect_grep "bad2.txt:6: 'gallras efter' needs a period" "$WORK/err" "the error names the line without a period"
sed 's/\[konto fritid\]/[konto finnsinte]/' "$WORK/plan.txt" >"$WORK/bad3.txt"
expect_exit 2 "a section for an unknown account is refused" -- "$K" retention load "$WORK/bad3.txt"
expect_grep "bad3.txt:10: \[konto finnsinte\]" "$WORK/err" "the error names the account's line"
sed 's/| TI 4.4$/|/' "$WORK/plan.txt" >"$WORK/bad4.txt"
expect_exit 2 "a rule without its source is refused" -- "$K" retention load "$WORK/bad4.txt"
expect_grep "bad4.txt:8: .*needs its source" "$WORK/err" "the error says the source is missing"
printf 'plan: tom\n[organisation]\nwebhooks | bevaras | ja | x\n' >"$WORK/bad5.txt"
expect_exit 2 "arkivera först for webhooks is refused" -- "$K" retention load "$WORK/bad5.txt"
[[ "$(db_state)" == "$before" ]] && ok "refused plans changed nothing" || bad "a refused plan changed the database"
expect_exit 2 "retention show before any plan" -- "$K" retention show
expect_grep "no retention plan is loaded" "$WORK/err" "the error says no plan is loaded"

expect_exit 0 "load the plan" -- "$K" --json retention load "$WORK/plan.txt"
expect_grep '"version":1' "$WORK/out" "the first plan is version 1"
sed 's/| AL Diarieföring och gallring$/| AL Diarieföring och gallring (skräppostning, reklam)/' \
	"$WORK/plan.txt" >"$WORK/plan2.txt"
expect_exit 0 "load a second version" -- "$K" --json retention load "$WORK/plan2.txt"
expect_grep '"version":2' "$WORK/out" "the second plan is version 2"
expect_exit 0 "retention show --versions" -- "$K" --json retention show --versions
[[ $(wc -l <"$WORK/out") -eq 2 ]] && ok "both versions are kept" || bad "versions: $(cat "$WORK/out")"
expect_exit 0 "retention show" -- "$K" --json retention show
jq -e '.version == 2 and (.rules[] | select(.class == "inkomna" and .account == "-") |
	.months == 6 and .archive_first == true and .line == 5 and .source == "TI 4.3 och NY Arkivering")' \
	"$WORK/out" >/dev/null && ok "the rule shows its period, archive-first, line and source" || bad "show: $(cat "$WORK/out")"
jq -e '.rules[] | select(.class == "inkomna" and .account != "-") | .rule == "gallras när kanalen läggs ned"' \
	"$WORK/out" >/dev/null && ok "the account's override is shown" || bad "override not shown"
expect_exit 0 "retention show --version 1" -- "$K" --json retention show --version 1
jq -e '.version == 1 and (.rules[] | select(.class == "skrap") | .source == "AL Diarieföring och gallring")' \
	"$WORK/out" >/dev/null && ok "the older version is shown as it was" || bad "version 1: $(cat "$WORK/out")"

# ---- holds ----
before=$(db_state)
expect_exit 2 "a hold on an item that does not exist" -- "$K" hold add --item 99999 --reason "JO-ärende"
expect_grep "item 99999 does not exist" "$WORK/err" "the error names the item"
expect_exit 2 "a hold on a case that does not exist" -- "$K" hold add --case 99 --reason "JO-ärende"
expect_grep "case 99 does not exist" "$WORK/err" "the error names the case"
expect_exit 2 "a hold on a thread that does not exist" -- "$K" hold add --thread 777_1 --reason x
expect_grep "thread '777_1' does not exist" "$WORK/err" "the error names the thread"
expect_exit 2 "a hold on an account that does not exist" -- "$K" hold add --account nobody --reason x
expect_exit 2 "a hold without a reason" -- "$K" hold add --item "$(item_id 500_16)"
expect_exit 2 "a hold on two things at once" -- "$K" hold add --item 1 --case 1 --reason x
[[ "$(db_state)" == "$before" ]] && ok "refused holds changed nothing" || bad "a refused hold changed the database"
expect_exit 0 "hold an item" -- "$K" --json hold add --item "$(item_id 500_16)" --reason "Begäran om utlämnande"
item_hold=$(jq .hold "$WORK/out")
expect_exit 0 "hold a thread" -- "$K" --json hold add --thread 500_2 --account exempelbykommun --reason "Klagomål på snöröjningen"
thread_hold=$(jq .hold "$WORK/out")
expect_exit 0 "hold list" -- "$K" --json hold list
[[ $(wc -l <"$WORK/out") -eq 2 ]] && ok "two active holds" || bad "holds: $(cat "$WORK/out")"

# ---- a dry run ----
export KANALVAKT_NOW=2026-07-11T09:00:00+02:00
before=$(db_state)
expect_exit 0 "cull --dry-run" -- "$K" --json cull --dry-run --as-of 2026-07-11
[[ "$(db_state)" == "$before" ]] && ok "a dry run changes nothing" || bad "the dry run changed the database"
line() { jq -c --arg c "$1" --arg a "$2" '.lines[] | select(.class == $c and .account == $a)' "$WORK/out"; }
[[ $(line enkla_fragor facebook/exempelbykommun | jq .go) == 1 ]] && ok "the direct question would go" || bad "enkla_fragor: $(line enkla_fragor facebook/exempelbykommun)"
[[ $(line skrap facebook/exempelbykommun | jq .go) == 1 ]] && ok "the spam would go" || bad "skrap: $(line skrap facebook/exempelbykommun)"
l=$(line inkomna facebook/exempelbykommun)
jq -e '.go == 0 and .kept["refused: must be archived first, in no delivered package"] == 2
	and .kept["under a hold"] == 1 and .kept["led to an action"] == 1 and .kept["not yet due"] == 2' \
	<<<"$l" >/dev/null && ok "inkomna: two not archived, one held, one led to an action, two not due" || bad "inkomna: $l"
jq -e '.go == 0 and .kept["not yet due"] == 1' <<<"$(line inkomna facebook/fritid)" >/dev/null &&
	ok "the fritid page's comments wait for the account to close" || bad "fritid: $(line inkomna facebook/fritid)"
[[ $(line borttaget facebook/exempelbykommun | jq '.kept["the plan keeps it"]') == 1 ]] &&
	ok "content removed under 4.4 is kept" || bad "borttaget: $(line borttaget facebook/exempelbykommun)"
expect_exit 0 "cull --dry-run (text)" -- "$K" cull --dry-run --as-of 2026-07-11
expect_grep "enkla_fragor +facebook/exempelbykommun +gallras efter 6 månader \(plan line 6, older than 2026-01-11\)" \
	"$WORK/out" "the dry run names the rule, its line and the date"
expect_grep "why: NY Diarieföring: enkel karaktär" "$WORK/out" "the dry run says why, from the plan's source"

# ---- the first cull ----
spam_path="$KANALVAKT_DATA/blobs/${spam_blob:0:2}/${spam_blob:2}"
[[ -f $spam_path ]] && ok "the spam's evidence file exists before" || bad "no evidence file $spam_path"
expect_exit 0 "search finds the spam before" -- "$K" --json search rabattkod
[[ -s $WORK/out ]] && ok "the spam is in the search index" || bad "spam not found before the cull"
expect_exit 0 "cull" -- "$K" --json cull --as-of 2026-07-11 --batch 2
run1=$(jq .run "$WORK/out")
jq -e '.removed == 2 and .versions == 2 and .fts == 2 and .bytes_reclaimed > 0' "$WORK/out" >/dev/null &&
	ok "two records removed with their versions, search entries and a file" || bad "cull: $(cat "$WORK/out")"
! exists 500_12 && ! exists 500_14 && ok "the direct question and the spam are gone" || bad "items still there"
exists 500_13 && exists 500_15 && exists 500_16 && exists 500_18 && exists 500_11 &&
	ok "the answer, the 4.4 content, the held, the acted-on and the unarchived stay" || bad "an item that must stay is gone"
[[ $(q "SELECT COUNT(*) FROM mod_case WHERE id = $spam_case") == 0 ]] && ok "the spam's case row is culled with it" || bad "spam case left"
[[ ! -e $spam_path ]] && ok "its evidence file is removed" || bad "evidence file still there"
[[ $(q "SELECT COUNT(*) FROM question q JOIN item i ON i.id = q.answer_item_id WHERE i.platform_id = '500_13'") == 0 ]] &&
	ok "the answered question's row went with it" || bad "question row left"
expect_exit 0 "search after the cull" -- "$K" --json search rabattkod
[[ ! -s $WORK/out ]] && ok "the spam is gone from the search index" || bad "search still finds: $(cat "$WORK/out")"
expect_exit 0 "search for the answer" -- "$K" --json search lördagar
[[ $(jq -r .platform_id "$WORK/out") == 500_13 ]] && ok "search still finds what stayed" || bad "search: $(cat "$WORK/out")"

expect_exit 0 "cull list" -- "$K" --json cull list
jq -e --argjson r "$run1" 'select(.run == $r) | .state == "done" and .removed == 2 and .plan_version == 2' \
	"$WORK/out" >/dev/null && ok "the run is listed as done" || bad "cull list: $(cat "$WORK/out")"
expect_exit 0 "cull show --list" -- "$K" cull show "$run1" --list
listsha=$(sha256sum <"$WORK/out" | cut -d' ' -f1)
grep -qP '^enkla_fragor\tfacebook/exempelbykommun\titem\t500_12$' "$WORK/out" && ok "the list names the question" || bad "list: $(cat "$WORK/out")"
grep -qP "^skrap\tfacebook/exempelbykommun\tblob\t$spam_blob\$" "$WORK/out" && ok "the list names the freed file" || bad "list lacks the blob"
expect_exit 0 "cull show" -- "$K" --json cull show "$run1"
jq -e --arg s "$listsha" '.protokoll == "gallringsprotokoll" and .list.sha256 == $s and .list.entries == 3 and .removed == 2 and .files_removed == 1
	and .plan.version == 2 and .by == "e2e" and .state == "done"
	and (.counts[] | select(.class == "enkla_fragor") | .count == 1 and .plan_line == 6
	     and .removed_before == "2026-01-11T00:00:00+01:00" and .source == "NY Diarieföring: enkel karaktär")' \
	"$WORK/out" >/dev/null && ok "the protokoll: plan, line, period, counts, who, and the list's SHA-256" || bad "protokoll: $(cat "$WORK/out")"
expect_exit 0 "cull show --pdf" -- "$K" cull show "$run1" --pdf "$WORK/protokoll.pdf"
"$KV_SOURCE_DIR/scripts/pdfa-preflight" "$WORK/protokoll.pdf" >"$WORK/preflight" 2>&1 &&
	ok "the protokoll PDF is valid PDF/A-1b" || bad "preflight: $(head -5 "$WORK/preflight")"
pdftotext -enc UTF-8 "$WORK/protokoll.pdf" - >"$WORK/protokoll.txt"
expect_grep "Gallringsprotokoll nr $run1" "$WORK/protokoll.txt" "the PDF names the run"
expect_grep "${listsha:0:16}" "$WORK/protokoll.txt" "the PDF carries the list's SHA-256"
expect_grep "besvarats" "$WORK/protokoll.txt" "the PDF counts per class, in Swedish"
expect_exit 2 "cull show --pdf onto an existing file" -- "$K" cull show "$run1" --pdf "$WORK/protokoll.pdf"
psha=$(q "SELECT protokoll_sha256 FROM cull_run WHERE id = $run1")
[[ -f "$KANALVAKT_DATA/blobs/${psha:0:2}/${psha:2}" ]] && ok "the protokoll is kept as a blob too" || bad "no protokoll blob"

# ---- archived first ----
# A package that delivered 500_17 and 500_16, as the e-archive writer
# records it (archive_package, archive_package_item), lets 500_17 go.
q "INSERT INTO archive_package VALUES (1, 1, 'urn:uuid:7f0c', 1, '2026-01-01', '2026-01-31', '/x', 1, 1, 1, 'ab', 'e2e', 0);
	INSERT INTO archive_package_item VALUES ($(item_id 500_17), 1), ($(item_id 500_16), 1);"
expect_exit 0 "cull after a delivery" -- "$K" --json cull --as-of 2026-08-01
jq -e '.removed == 1 and (.lines[] | select(.class == "inkomna" and .account == "facebook/exempelbykommun")
	| .go == 1 and .kept["under a hold"] == 3 and .kept["refused: must be archived first, in no delivered package"] == 1)' \
	"$WORK/out" >/dev/null && ok "the delivered comment goes; held ones stay even when delivered" || bad "second cull: $(cat "$WORK/out")"
! exists 500_17 && exists 500_16 && exists 500_21 && ok "500_17 gone, 500_16 and the held thread stay" || bad "after delivery"

expect_exit 2 "release without a reason" -- "$K" hold release "$thread_hold"
expect_exit 0 "release the thread hold" -- "$K" hold release "$thread_hold" --reason "Klagomålet är besvarat"
expect_exit 2 "release it twice" -- "$K" hold release "$thread_hold" --reason again
expect_exit 2 "release a hold that does not exist" -- "$K" hold release 999 --reason x
expect_exit 0 "dry run after the release" -- "$K" --json cull --dry-run --as-of 2026-08-01
jq -e '.lines[] | select(.class == "inkomna" and .account == "facebook/exempelbykommun")
	| .kept["under a hold"] == 1 and .kept["refused: must be archived first, in no delivered package"] == 3' \
	"$WORK/out" >/dev/null && ok "released: the thread waits only for its archiving" || bad "after release: $(cat "$WORK/out")"
expect_exit 0 "hold list --all" -- "$K" --json hold list --all
jq -e -s 'map(select(.active == false)) | length == 1 and .[0].release_reason == "Klagomålet är besvarat"' \
	"$WORK/out" >/dev/null && ok "the released hold keeps its reason" || bad "hold list --all"

# ---- an account closed ----
expect_exit 0 "close the fritid account" -- "$K" account close fritid --reason "Nedlagd" --date 2026-06-30
expect_exit 0 "cull after the close" -- "$K" --json cull --as-of 2026-08-01
jq -e '.removed == 1 and (.lines[] | select(.class == "inkomna" and .account == "facebook/fritid") | .go == 1)' \
	"$WORK/out" >/dev/null && ok "the closed account's comments go" || bad "closed: $(cat "$WORK/out")"
exists 600_1 && ! exists 600_11 && ok "its own post stays" || bad "fritid items"

# ---- diarieföring export ----
expect_exit 0 "case export" -- "$K" case export "$threat_case" --out "$WORK/export"
[[ -f $WORK/export/case.json && -f $WORK/export/evidence.json && -f $WORK/export/case.pdf ]] &&
	ok "case.json, evidence.json and case.pdf written" || bad "export files: $(ls "$WORK/export")"
"$KV_SOURCE_DIR/scripts/pdfa-preflight" "$WORK/export/case.pdf" >"$WORK/preflight" 2>&1 &&
	ok "case.pdf is valid PDF/A-1b" || bad "preflight: $(head -5 "$WORK/preflight")"
pdftotext -enc UTF-8 "$WORK/export/case.pdf" - >"$WORK/case.txt"
expect_grep "Ärende KS 2026/17" "$WORK/case.txt" "case.pdf carries the case number"
expect_grep "Jag ska döda dig" "$WORK/case.txt" "case.pdf holds the text"
(cd "$WORK/export" && sha256sum -c --quiet manifest.sha256) && ok "the manifest checks" || bad "manifest"
jq -e '.format == "kanalvakt-case-export/1" and .case_number == "KS 2026/17" and .item.platform_id == "500_15"
	and .case.decision == "remove" and (.item.versions | length) == 1' "$WORK/export/case.json" >/dev/null &&
	ok "case.json: number, item, decision, versions" || bad "case.json: $(cat "$WORK/export/case.json")"
[[ $(sha256sum <"$WORK/export/evidence.json" | cut -d' ' -f1) == $(jq -r .evidence.sha256 "$WORK/export/case.json") ]] &&
	ok "the evidence hashes to the recorded hash" || bad "evidence hash"
expect_exit 2 "export into a directory that exists" -- "$K" case export "$threat_case" --out "$WORK/export"
expect_grep "exists already" "$WORK/err" "the error says the directory exists"
expect_exit 2 "export a case that does not exist" -- "$K" case export 99 --out "$WORK/none"
[[ ! -e $WORK/none ]] && ok "nothing written for it" || bad "a directory was left"
expect_exit 0 "export the cases registered in January" -- "$K" --json case export --from 2026-01-01 --to 2026-01-31 --out "$WORK/jan"
jq -e '.cases == 1' "$WORK/out" >/dev/null && ok "one registered case in the period" || bad "period: $(cat "$WORK/out")"
jq -e '.index[0].case_number == null and .index[0].external_ref == "KS 2026/17"' "$WORK/jan/index.json" >/dev/null &&
	ok "index.json lists it" || bad "index: $(cat "$WORK/jan/index.json")"

# ---- audit ----
expect_exit 0 "audit list" -- "$K" --json audit list
for a in retention.load hold.add hold.release cull.start cull.batch cull.finish case.export; do
	grep -q "\"action\":\"$a\"" "$WORK/out" && ok "audited: $a" || bad "no $a in the audit log"
done
expect_exit 0 "audit verify" -- "$K" audit verify
for c in "retention load" "retention show" "hold add" "hold list" "hold release" "cull" "cull list" "cull show" "case export"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$c --help" -- "$K" $c --help
done
finish
