#!/usr/bin/env bash
# Culling on the platform end to end (ÖS: own posts stay at most 18 months
# on Facebook and Instagram): the policy value and its refusals; a dry run
# that lists and changes nothing; posts in no delivered package refused;
# a held post kept; deletions reaching a local stand-in for Graph
# (tests/fakeplatform) as DELETE /{post-id}, each an item event from
# kanalvakt and an audit entry; a platform error that leaves the post as it
# was while the rest go on; four eyes (a proposal, refused to its proposer,
# carried out by another); the run's protokoll; `audit verify` at the end.
source "$(dirname "$0")/lib.bash"
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/platcull

start_fakeplatform "$FIX"
DB=$KANALVAKT_DATA/kanalvakt.db
q() { kv_sql "$1"; }
state_of() { q "SELECT state FROM item WHERE platform_id = '$1'"; }
deletes() { grep -c "^DELETE /v19.0/$1?" "$WORK/requests.log" || true; }

export KANALVAKT_NOW=2026-07-01T10:00:00+02:00
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name "Kommunikationsenheten" >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --platform-id 300 \
	--unit "Kommunikationsenheten" >/dev/null
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[fetch]
backoff_ms = 1
max_attempts = 2

[account exempelbykommun]
token = EAAB-kommun-s3cr3t
base_url = $BASE/v19.0
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
# The 2024 question would be history when imported in 2026 (history_after):
# here it is one the kommun still has to answer.
"$K" policy set history_after 1000d >/dev/null
expect_exit 0 "import the kommun's posts" -- "$K" import --account exempelbykommun "$FIX/posts.jsonl"

# ---- the policy value ----
before=$(db_state)
expect_exit 2 "culling on the platform without a limit is refused" -- \
	"$K" cull --platform --account exempelbykommun --dry-run
expect_grep "platform_keep_months is 0" "$WORK/err" "the error says no limit is set"
expect_exit 2 "a negative number of months is refused" -- \
	"$K" policy set platform_keep_months --account exempelbykommun -- -3
expect_grep "platform_keep_months: '-3' is not a number of months" "$WORK/err" "the error names key and value"
expect_exit 2 "months that are no number are refused" -- \
	"$K" policy set platform_keep_months 18m --account exempelbykommun
expect_exit 2 "an unknown account is refused" -- "$K" cull --platform --account nobody --dry-run
expect_grep "nobody" "$WORK/err" "the error names the account"
expect_exit 2 "cull --platform without an account" -- "$K" cull --platform
expect_exit 2 "--account without --platform" -- "$K" cull --account exempelbykommun
expect_exit 2 "--batch with --platform" -- "$K" cull --platform --account exempelbykommun --batch 5
[[ "$(db_state)" == "$before" ]] && ok "refusals changed nothing" || bad "a refusal changed the database"
expect_exit 0 "policy set platform_keep_months 18" -- \
	"$K" policy set platform_keep_months 18 --account exempelbykommun
expect_exit 0 "policy show" -- "$K" --json policy show --account exempelbykommun
grep -F '"platform_keep_months"' "$WORK/out" | jq -e '.value == "18" and .source == "account"' >/dev/null &&
	ok "policy show has the account's value" || bad "policy show: $(cat "$WORK/out")"

# ---- nothing archived yet: every old post is refused ----
before=$(db_state)
expect_exit 0 "dry run before archiving" -- "$K" --json cull --platform --account exempelbykommun --dry-run
[[ "$(db_state)" == "$before" ]] && ok "a dry run changes nothing" || bad "the dry run changed the database"
jq -e '.state == "dry_run" and .deleted_before == "2025-01-01T10:00:00+01:00" and (.posts | length) == 5
	and ([.posts[] | .outcome] | sort) == ["action", "not_archived", "not_archived", "not_archived", "not_archived"] and (.posts | map(.platform_id) | index("300_4")) == null' \
	"$WORK/out" >/dev/null && ok "the five posts before 2025-01-01 are listed: four not archived, one with an action" ||
	bad "dry run: $(cat "$WORK/out")"
expect_exit 0 "a run before archiving" -- "$K" --json cull --platform --account exempelbykommun
jq -e '.deleted == 0 and .kept == 5' "$WORK/out" >/dev/null && ok "nothing is deleted before archiving" ||
	bad "run before archiving: $(cat "$WORK/out")"
[[ ! -s $WORK/requests.log ]] && ok "nothing was sent to the platform" || bad "requests: $(cat "$WORK/requests.log")"

# ---- archive up to September 2024, hold one post ----
expect_exit 0 "archive sip" -- "$K" archive sip --account exempelbykommun --from 2024-01-01 --to 2024-09-30 \
	--out "$WORK/exempelbykommun-2024"
expect_exit 0 "hold 300_2" -- "$K" hold add --item "$(q "SELECT id FROM item WHERE platform_id = '300_2'")" \
	--reason "Begäran om utlämnande"
expect_exit 0 "dry run after archiving" -- "$K" --json cull --platform --account exempelbykommun --dry-run \
	--as-of 2026-07-01
out() { jq -r --arg p "$1" '.posts[] | select(.platform_id == $p) | .outcome' "$WORK/out"; }
[[ $(out 300_1) == due && $(out 300_3) == due ]] && ok "the archived posts are due" || bad "due: $(cat "$WORK/out")"
[[ $(out 300_2) == held ]] && ok "the held post is kept" || bad "300_2: $(out 300_2)"
[[ $(out 300_5) == not_archived ]] && ok "the post after the package is refused" || bad "300_5: $(out 300_5)"
[[ $(out 300_6) == action ]] && ok "the post with a question being handled in its thread is kept" || bad "300_6: $(out 300_6)"
jq -e '.posts[] | select(.platform_id == "300_6") | .detail == "a question being handled (open)"' "$WORK/out" >/dev/null &&
	ok "the reason names the question" || bad "300_6 detail"
expect_exit 0 "dry run as of 2025-11-15" -- "$K" --json cull --platform --account exempelbykommun --dry-run \
	--as-of 2025-11-15
jq -e '(.posts | map(.platform_id)) == ["300_1"]' "$WORK/out" >/dev/null &&
	ok "--as-of moves the limit (before 2024-05-15: 300_1 only)" || bad "as of 2025-11-15: $(cat "$WORK/out")"

# ---- deleting, with a platform failure ----
expect_exit 3 "the run reports the post the platform did not delete" -- \
	"$K" --json cull --platform --account exempelbykommun
run=$(jq .run "$WORK/out")
jq -e '.state == "done" and .deleted == 1 and .failed == 1 and .kept == 3' "$WORK/out" >/dev/null &&
	ok "one deleted, one failed, three kept" || bad "run: $(cat "$WORK/out")"
[[ $(deletes 300_1) == 1 ]] && ok "Graph got DELETE /300_1" || bad "requests: $(cat "$WORK/requests.log")"
expect_grep '^DELETE /v19.0/300_1\?access_token=EAAB-kommun-s3cr3t' "$WORK/requests.log" "with the account's token"
[[ $(deletes 300_2) == 0 && $(deletes 300_5) == 0 && $(deletes 300_6) == 0 ]] &&
	ok "nothing sent for the held, the unarchived and the answered-to-be post" ||
	bad "sent for kept posts: $(cat "$WORK/requests.log")"
[[ $(state_of 300_1) == deleted ]] && ok "300_1 is marked deleted" || bad "300_1: $(state_of 300_1)"
[[ $(state_of 300_3) == visible ]] && ok "the failed post is as it was" || bad "300_3: $(state_of 300_3)"
[[ $(q "SELECT e.source || '/' || e.kind FROM item_event e JOIN item i ON i.id = e.item_id WHERE i.platform_id = '300_1'") == kanalvakt/deleted ]] &&
	ok "the deletion is an item event from kanalvakt" || bad "events: $(q 'SELECT * FROM item_event')"
[[ $(q "SELECT COUNT(*) FROM item_event e JOIN item i ON i.id = e.item_id WHERE i.platform_id = '300_3'") == 0 ]] &&
	ok "no event for the failed post" || bad "an event for the failed post"
"$K" --json audit list >"$WORK/audit.jsonl"
grep -F '"cull.platform_delete"' "$WORK/audit.jsonl" | grep -qF '300_1' && ok "the deletion is audited" || bad "no cull.platform_delete"
grep -F '"cull.platform_failed"' "$WORK/audit.jsonl" | grep -qF '300_3' && ok "the failure is audited" || bad "no cull.platform_failed"
grep -qF '"cull.platform"' "$WORK/audit.jsonl" && ok "the run is audited" || bad "no cull.platform entry"
expect_exit 0 "cull show --platform" -- "$K" --json cull show --platform "$run"
sha=$(printf '300_1\n' | sha256sum | cut -d' ' -f1)
jq -e --arg sha "$sha" '.format == "kanalvakt-platform-gallringsprotokoll/1" and .account == "facebook/exempelbykommun"
	and .months == 18 and .as_of == "2026-07-01T10:00:00+02:00" and .deleted_before == "2025-01-01T10:00:00+01:00"
	and (.entries[] | select(.platform_id == "300_1") | .written == "2024-05-02T10:00:00+02:00"
		and .at == "2026-07-01T10:00:00+02:00")
	and .counts.deleted == 1 and .counts.failed == 1 and .counts.held == 1
	and .counts.not_archived == 1 and .counts.action == 1 and .list_sha256 == $sha and .proposed_by == "e2e"
	and (.entries[] | select(.platform_id == "300_3") | .detail | test("^HTTP 500: "))' "$WORK/out" >/dev/null &&
	ok "the protokoll counts each outcome and hashes what was deleted" || bad "protokoll: $(cat "$WORK/out")"
expect_exit 0 "cull show --platform --pdf" -- "$K" --json cull show --platform "$run" --pdf "$WORK/platform.pdf"
jq -e --arg s "$(sha256sum <"$WORK/platform.pdf" | cut -d' ' -f1)" '.sha256 == $s' "$WORK/out" >/dev/null &&
	ok "the PDF written is the one kept" || bad "pdf: $(cat "$WORK/out")"
[[ $(q "SELECT protokoll_pdf_sha256 FROM platcull_run WHERE id = $run") == $(jq -r .sha256 "$WORK/out") ]] &&
	ok "the run names its PDF, kept since it was done" || bad "no PDF kept with the run"
"$KV_SOURCE_DIR/scripts/pdfa-preflight" "$WORK/platform.pdf" >"$WORK/preflight" 2>&1 &&
	ok "the platform protokoll PDF is valid PDF/A-1b" || bad "preflight: $(head -5 "$WORK/preflight")"
pdftotext -enc UTF-8 "$WORK/platform.pdf" - >"$WORK/platform.txt"
expect_grep "Gallringsprotokoll, plattform, nr $run" "$WORK/platform.txt" "the PDF names the run"
expect_grep "kunde inte raderas" "$WORK/platform.txt" "the PDF gives each outcome in Swedish"
expect_grep "300_3" "$WORK/platform.txt" "the PDF lists the failed post"
expect_grep "${sha:0:32}" "$WORK/platform.txt" "the PDF carries the list's SHA-256"
expect_exit 2 "--pdf over an existing file is refused" -- "$K" cull show --platform "$run" --pdf "$WORK/platform.pdf"
expect_exit 2 "--platform --list is refused" -- "$K" cull show --platform "$run" --list
expect_exit 0 "cull list --platform" -- "$K" --json cull list --platform
[[ $(wc -l <"$WORK/out") -eq 2 ]] && ok "two platform runs listed" || bad "list: $(cat "$WORK/out")"
jq -e -s --arg r "$run" --arg s "$(sha256sum <"$WORK/platform.pdf" | cut -d' ' -f1)" \
	'map(select(.run == ($r | tonumber)))[0].protokoll_pdf_sha256 == $s' "$WORK/out" >/dev/null &&
	ok "the list names the done run's PDF" || bad "list: $(cat "$WORK/out")"
expect_exit 2 "an unknown platform run" -- "$K" cull show --platform 99
expect_exit 2 "a closed run cannot be confirmed" -- "$K" --as bo cull --platform --confirm "$run"

# ---- four eyes ----
expect_exit 0 "four eyes on" -- "$K" policy set four_eyes on --account exempelbykommun
n=$(wc -l <"$WORK/requests.log")
expect_exit 0 "anna proposes" -- "$K" --as anna --json cull --platform --account exempelbykommun
prop=$(jq .run "$WORK/out")
jq -e '.state == "proposed" and .four_eyes and (.posts[] | select(.platform_id == "300_3") | .outcome) == "proposed"
	and ((.posts | map(.platform_id) | index("300_1")) == null)' "$WORK/out" >/dev/null &&
	ok "the run is proposed, the deleted post no longer taken up" || bad "proposal: $(cat "$WORK/out")"
[[ $(wc -l <"$WORK/requests.log") -eq $n ]] && ok "nothing sent on a proposal" || bad "sent on a proposal"
expect_exit 2 "a proposed run has no PDF yet" -- "$K" --as anna cull show --platform "$prop" --pdf "$WORK/never.pdf"
[[ ! -e $WORK/never.pdf ]] && ok "no file written for it" || bad "a PDF file was written for a proposal"
before=$(db_state)
expect_exit 2 "anna cannot confirm her own proposal" -- "$K" --as anna cull --platform --confirm "$prop"
expect_grep "cannot also confirm" "$WORK/err" "the refusal names four eyes"
expect_exit 2 "--confirm with --account" -- "$K" --as bo cull --platform --confirm "$prop" --account exempelbykommun
[[ "$(db_state)" == "$before" ]] && ok "the refusals changed nothing" || bad "a refusal changed the database"
expect_exit 0 "bo confirms" -- "$K" --as bo --json cull --platform --confirm "$prop"
jq -e '.state == "done" and .deleted == 1 and .failed == 0' "$WORK/out" >/dev/null && ok "the proposal is carried out" ||
	bad "confirm: $(cat "$WORK/out")"
[[ $(state_of 300_3) == deleted && $(deletes 300_3) == 2 ]] && ok "300_3 deleted on the platform at last" ||
	bad "300_3: $(state_of 300_3), $(deletes 300_3) DELETEs"
[[ $(state_of 300_2) == visible && $(state_of 300_5) == visible && $(state_of 300_4) == visible &&
	$(state_of 300_6) == visible ]] &&
	ok "the held, the unarchived, the questioned and the recent post stay" || bad "states: $(q 'SELECT platform_id, state FROM item')"
expect_exit 0 "cull show --platform of the confirmed run" -- "$K" --json cull show --platform "$prop"
jq -e '.proposed_by == "anna" and .confirmed_by == "bo" and .counts.deleted == 1' "$WORK/out" >/dev/null &&
	ok "the protokoll names both persons" || bad "protokoll: $(cat "$WORK/out")"
expect_exit 2 "a confirmed run is not confirmed again" -- "$K" --as cecilia cull --platform --confirm "$prop"

# ---- by hand ----
expect_exit 0 "policy four_eyes off" -- "$K" policy set four_eyes off --account exempelbykommun
expect_exit 0 "hold release" -- "$K" hold release 1 --reason "utlämnat"
expect_exit 0 "300_2 deleted by hand" -- "$K" --json cull --platform --account exempelbykommun --by-hand
jq -e '.deleted == 1 and .kept == 2 and (.posts[] | select(.platform_id == "300_2") | .detail | test("by hand"))' "$WORK/out" >/dev/null &&
	ok "recorded as deleted by hand" || bad "by hand: $(cat "$WORK/out")"
[[ $(deletes 300_2) == 0 && $(state_of 300_2) == deleted ]] && ok "nothing sent, the post marked deleted" || bad "by hand 300_2"

expect_exit 0 "cull --help" -- "$K" cull --help
expect_grep -- "--platform" "$WORK/out" "the help names --platform"
expect_exit 0 "audit verify" -- "$K" audit verify
finish
