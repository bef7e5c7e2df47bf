#!/usr/bin/env bash
# Moderation cases end to end: violating comments captured and screened open
# cases due at the removal deadline; hide and remove are refused until the
# evidence is saved; the evidence blob hashes to the recorded hash, which is
# in the audit chain; registration numbers count up and are never reused;
# four eyes; takedowns reach a local stand-in for the platforms
# (tests/fakeplatform) with the right method and path, or are recorded as
# done by hand (Instagram hidden, an own Mastodon status deleted, another
# instance's reply by hand, an own LinkedIn post deleted); the register of removed content; `audit verify`.
source "$(dirname "$0")/lib.bash"
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/cases
export KANALVAKT_RULES=$KV_SOURCE_DIR/rules/sv

start_fakeplatform "$FIX"
case_of() { kv_sql "SELECT c.id FROM mod_case c JOIN item i ON i.id = c.item_id WHERE i.platform_id = '$1'"; }
field() { kv_sql "SELECT $2 FROM mod_case WHERE id = $1"; }

export KANALVAKT_NOW=2026-04-02T16:40:00+02:00
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name "Kommunikationsenheten" >/dev/null
add() {
	"$K" account add --platform "$1" --handle "$2" --platform-id "$3" --unit "Kommunikationsenheten" \
		--url "$4" >/dev/null
}
add facebook exempelbykommun 204857392011111 https://www.facebook.com/exempelbykommun
add youtube exempelbytv UCexempelbyKommun00000AA https://www.youtube.com/@exempelbytv
add x exempelby_x 987650000000000001 https://x.com/exempelby_x
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[fetch]
backoff_ms = 1
max_attempts = 2

[cases]
series_prefix = KS

[account exempelbykommun]
token = EAAB-kommun-s3cr3t
base_url = $BASE/v19.0

[account youtube/exempelbytv]
token = AIza-yt-s3cr3t
moderation_token = ya29-oauth-s3cr3t
base_url = $BASE/youtube/v3

[account exempelby_x]
token = x-bearer-s3cr3t
base_url = $BASE
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"

expect_exit 0 "import facebook comments" -- "$K" import --account exempelbykommun "$FIX/facebook.jsonl"
expect_exit 0 "import youtube comments" -- "$K" import --account exempelbytv "$FIX/youtube.jsonl"
expect_exit 0 "import x replies" -- "$K" import --account exempelby_x "$FIX/x.jsonl"
expect_exit 0 "workflow sync" -- "$K" workflow sync
state_before=$(db_state)
expect_exit 0 "workflow sync again" -- "$K" workflow sync
[[ "$(db_state)" == "$state_before" ]] && ok "a second sync changes nothing" || bad "a second sync changed the database"

expect_exit 0 "case list" -- "$K" --json case list
[[ $(wc -l <"$WORK/out") -eq 6 ]] && ok "six cases: threat, insult x2, reklam, youtube, x" || bad "cases: $(cat "$WORK/out")"
jq -e -s 'map(select(.platform_id == "204857392011111_1005")) | length == 0' "$WORK/out" >/dev/null &&
	ok "the friendly comment opens no case" || bad "the friendly comment opened a case"
threat=$(case_of 204857392011111_1002)
insult=$(case_of 204857392011111_1003)
reklam=$(case_of 204857392011111_1004)
failing=$(case_of 204857392011111_1006)
yt=$(case_of UgzKwHot0000000000001)
xr=$(case_of 1923000000000000101)
jq -e -s --argjson id "$threat" 'map(select(.id == $id))[0] | .due_at == "2026-04-04T16:30:00+02:00"
	and .state == "open" and (.categories | test("threat"))' "$WORK/out" >/dev/null &&
	ok "the threat is due 48 hours after it was written" || bad "due time of the threat: $(grep "\"id\":$threat," "$WORK/out")"
jq -e -s --argjson id "$reklam" 'map(select(.id == $id))[0] | .categories == "commercial"' "$WORK/out" >/dev/null &&
	ok "reklam is its own category" || bad "reklam categories"

# Evidence first.
state_before=$(db_state)
expect_exit 2 "remove refused without evidence" -- "$K" case decide "$threat" remove --reason "olaga hot"
expect_grep 'evidence is not saved' "$WORK/err" "the refusal says why"
expect_exit 2 "hide refused without evidence" -- "$K" case decide "$threat" hide
[[ "$(db_state)" == "$state_before" ]] && ok "refusals change nothing" || bad "a refusal changed the database"
[[ ! -s $WORK/requests.log ]] && ok "nothing sent to the platform" || bad "requests before evidence: $(cat "$WORK/requests.log")"

expect_exit 0 "save the evidence" -- "$K" --json case evidence "$threat"
sha=$(jq -r .evidence_sha256 "$WORK/out")
[[ $sha == "$(field "$threat" evidence_sha256)" ]] && ok "the hash is recorded in the case" || bad "evidence hash in the case"
blob=$KANALVAKT_DATA/blobs/${sha:0:2}/${sha:2}
[[ -f $blob ]] && ok "the evidence blob exists" || bad "no blob at $blob"
[[ $(sha256sum "$blob" | cut -d' ' -f1) == "$sha" ]] && ok "sha256sum of the blob equals the recorded hash" || bad "blob hash differs"
jq -e '.format == "kanalvakt-evidence/1" and .sender.name == "Örjan Ek" and (.versions | length) == 1
	and (.versions[0].text | test("döda dig")) and (.thread | length) == 6 and (.flags | length) >= 1
	and .saved_by == "e2e" and .item.created_at == "2026-04-02T16:30:00+02:00"' "$blob" >/dev/null &&
	ok "the evidence holds the text, sender, times, thread and flags" || bad "evidence contents"
"$K" --json audit list >"$WORK/audit.jsonl"
grep -F '"case.evidence"' "$WORK/audit.jsonl" | grep -qF "$sha" && ok "the hash is in the audit chain" || bad "the hash is not in the audit chain"
expect_exit 0 "case show" -- "$K" --json case show "$threat"
jq -e '.evidence_verified == true' "$WORK/out" >/dev/null && ok "case show verifies the blob" || bad "case show: $(cat "$WORK/out")"

# Registration: the series counts up and never gives a number twice.
expect_exit 2 "remove refused before registration" -- "$K" case decide "$threat" remove --reason "olaga hot"
expect_grep 'registered' "$WORK/err" "the refusal asks for registration"
expect_exit 0 "register the threat" -- "$K" case register "$threat" --series
expect_grep '^case [0-9]+: registered as KS 2026/0001$' "$WORK/out" "first number KS 2026/0001"
expect_exit 0 "register the insult" -- "$K" case register "$insult" --series
expect_grep 'KS 2026/0002' "$WORK/out" "next number KS 2026/0002"
expect_exit 2 "a case is registered once" -- "$K" case register "$threat" --series
expect_exit 0 "external reference" -- "$K" case register "$yt" --external "ÄR 2026-117"
expect_exit 0 "register the failing one" -- "$K" case register "$failing" --series
expect_grep 'KS 2026/0003' "$WORK/out" "third number KS 2026/0003"

# Remove through the Graph API.
expect_exit 0 "remove the threat" -- "$K" case decide "$threat" remove --reason "olaga hot"
expect_grep 'done through the platform' "$WORK/out" "removed through the API"
expect_grep '^DELETE /v19.0/204857392011111_1002\?access_token=EAAB-kommun-s3cr3t ' "$WORK/requests.log" \
	"Graph got DELETE /{comment-id}"
[[ $(field "$threat" state) == removed && $(field "$threat" takedown_via) == api ]] && ok "case removed via api" || bad "threat state"
[[ $(kv_sql "SELECT state FROM item WHERE platform_id = '204857392011111_1002'") == deleted ]] &&
	ok "the item is marked deleted" || bad "item state"
[[ $(kv_sql "SELECT source FROM item_event e JOIN item i ON i.id = e.item_id WHERE i.platform_id = '204857392011111_1002'") == kanalvakt ]] &&
	ok "an item event from kanalvakt" || bad "item event"

# Four eyes on the Facebook account: the same person cannot confirm.
expect_exit 0 "four eyes on" -- "$K" policy set four_eyes yes --account exempelbykommun
expect_exit 0 "evidence of the insult" -- "$K" --as anna case evidence "$insult"
expect_exit 0 "anna proposes hiding" -- "$K" --as anna case decide "$insult" hide --reason "personangrepp"
expect_grep 'pending_confirmation' "$WORK/out" "waits for confirmation"
n=$(wc -l <"$WORK/requests.log")
expect_exit 2 "anna cannot confirm her own proposal" -- "$K" --as anna case confirm "$insult"
expect_grep 'cannot also confirm' "$WORK/err" "the refusal names four eyes"
[[ $(wc -l <"$WORK/requests.log") -eq $n ]] && ok "nothing sent before confirmation" || bad "sent before confirmation"
expect_exit 0 "bo confirms" -- "$K" --as bo case confirm "$insult"
expect_grep '^POST /v19.0/204857392011111_1003\?is_hidden=true&access_token=' "$WORK/requests.log" \
	"Graph got POST /{comment-id} is_hidden=true"
[[ $(field "$insult" decided_by) == anna && $(field "$insult" confirmed_by) == bo ]] && ok "both persons recorded" || bad "four eyes record"

# Reklam: removed without registration, the evidence still saved.
expect_exit 0 "evidence of the reklam" -- "$K" --as anna case evidence "$reklam"
expect_exit 0 "anna proposes removing reklam" -- "$K" --as anna case decide "$reklam" remove --reason reklam
expect_exit 0 "bo confirms the reklam" -- "$K" --as bo case confirm "$reklam"
[[ $(field "$reklam" state) == removed && -z $(field "$reklam" registration) ]] && ok "reklam removed without registration" || bad "reklam"

# A platform that keeps failing: the case stays as it was, the failure is recorded.
expect_exit 0 "four eyes off" -- "$K" policy unset four_eyes --account exempelbykommun
expect_exit 0 "evidence of the failing one" -- "$K" case evidence "$failing"
expect_exit 3 "platform failure is reported" -- "$K" case decide "$failing" remove --reason "personangrepp"
expect_grep 'did not remove' "$WORK/err" "says the platform did not do it"
expect_no_grep 's3cr3t' "$WORK/err" "no token in the message"
[[ $(field "$failing" state) == open ]] && ok "the case stays open" || bad "failing case state $(field "$failing" state)"
field "$failing" takedown_result | grep -q '^failed' && ok "the failure is recorded" || bad "failure not recorded"
expect_exit 0 "done by hand instead" -- "$K" case decide "$failing" remove --reason "personangrepp" --by-hand
[[ $(field "$failing" takedown_via) == hand && $(field "$failing" takedown_by) == e2e ]] && ok "recorded as by hand, by whom" || bad "by hand"

# YouTube: held for review with the OAuth token; X: the reply hidden.
expect_exit 0 "evidence youtube" -- "$K" case evidence "$yt"
expect_exit 0 "hide youtube comment" -- "$K" case decide "$yt" hide
expect_grep '^POST /youtube/v3/comments/setModerationStatus\?id=UgzKwHot0000000000001&moderationStatus=heldForReview auth=Bearer ya29-oauth-s3cr3t' \
	"$WORK/requests.log" "YouTube got setModerationStatus with the moderation token"
expect_exit 0 "evidence x" -- "$K" case evidence "$xr"
expect_exit 0 "hide x reply" -- "$K" case decide "$xr" hide
expect_grep '^PUT /2/tweets/1923000000000000101/hidden auth=Bearer x-bearer-s3cr3t body=\{"hidden":true\}' \
	"$WORK/requests.log" "X got PUT /2/tweets/{id}/hidden {\"hidden\":true}"
expect_exit 0 "open cases" -- "$K" case list --open
[[ $(grep -c '^[0-9]' "$WORK/out" || true) -eq 0 ]] && ok "no case left open" || bad "open cases: $(cat "$WORK/out")"

# The register of removed content.
expect_exit 0 "removed list" -- "$K" --json removed list
[[ $(wc -l <"$WORK/out") -eq 6 ]] && ok "six hidden or removed items" || bad "removed list: $(cat "$WORK/out")"
jq -e -s 'map(select(.state == "removed" and .registration == "KS 2026/0001" and .takedown.via == "api"
	and (.evidence_sha256 | length) == 64)) | length == 1' "$WORK/out" >/dev/null &&
	ok "the register shows registration, evidence, via" || bad "removed list contents"
expect_exit 0 "removed list as text" -- "$K" removed list
expect_grep 'KS 2026/0001' "$WORK/out" "text register lists the number"

# Instagram: a comment hidden through the Graph API (POST /{ig-comment-id}?hide=true).
# Mastodon: the account's own status deleted (DELETE /api/v1/statuses/:id); someone
# else's reply cannot be deleted through the API (it lives on its own instance), so
# that takedown is recorded as done by hand.
add instagram exempelby.ig 17841400000000001 https://www.instagram.com/exempelby.ig
add mastodon exempelby 109000000000000001 https://social.exempelby.se/@exempelby
cat >>"$KANALVAKT_DATA/kanalvakt.conf" <<CONF

[account exempelby.ig]
token = IGQV-s3cr3t
base_url = $BASE/v19.0

[account mastodon/exempelby]
token = masto-s3cr3t
base_url = $BASE
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 0 "import instagram comments" -- "$K" import --account exempelby.ig "$FIX/instagram.jsonl"
expect_exit 0 "import mastodon statuses" -- "$K" import --account exempelby "$FIX/mastodon.jsonl"
expect_exit 0 "workflow sync for them" -- "$K" workflow sync
ig=$(case_of 17900000000000777)
mreply=$(case_of 114500000000000778)
[[ -n $ig && -n $mreply ]] && ok "cases for the instagram comment and the mastodon reply" || bad "cases: ig=$ig reply=$mreply"
[[ -z $(case_of 114500000000000777) ]] && ok "the account's own status is not screened" || bad "own status opened a case"
own_row=$(kv_sql "SELECT id FROM item WHERE platform_id = '114500000000000777'")
expect_exit 0 "a case opened by hand for the own status" -- "$K" --json case open "$own_row" --categories contact
mown=$(jq -r .case "$WORK/out")
[[ $mown == "$(case_of 114500000000000777)" ]] && ok "the case is the own status's" || bad "case open: $(cat "$WORK/out")"
expect_exit 2 "a second case for the same item" -- "$K" case open "$own_row" --categories contact
expect_exit 2 "a case by hand needs a violation category" -- "$K" case open "$own_row" --categories question
expect_grep "names no violation category" "$WORK/err" "the refusal names the categories"
for c in "$ig" "$mreply" "$mown"; do
	"$K" case evidence "$c" >/dev/null
	"$K" case register "$c" --series >/dev/null
done
expect_exit 0 "hide the instagram comment" -- "$K" case decide "$ig" hide --reason personangrepp
expect_grep '^POST /v19.0/17900000000000777\?hide=true&access_token=IGQV-s3cr3t ' "$WORK/requests.log" \
	"Graph got POST /{ig-comment-id}?hide=true"
[[ $(field "$ig" state) == hidden && $(field "$ig" takedown_via) == api ]] && ok "instagram case hidden via api" || bad "ig case $(field "$ig" state)"
expect_exit 0 "remove the own mastodon status" -- "$K" case decide "$mown" remove --reason personuppgifter
expect_grep '^DELETE /api/v1/statuses/114500000000000777 auth=Bearer masto-s3cr3t' "$WORK/requests.log" \
	"Mastodon got DELETE /api/v1/statuses/:id with the token"
[[ $(field "$mown" state) == removed && $(field "$mown" takedown_via) == api ]] && ok "own status removed via api" || bad "own status case $(field "$mown" takedown_via)"
[[ $(kv_sql "SELECT state FROM item WHERE platform_id = '114500000000000777'") == deleted ]] &&
	ok "the own status is marked deleted" || bad "own status item state"
n=$(wc -l <"$WORK/requests.log")
expect_exit 0 "remove someone else's mastodon reply" -- "$K" case decide "$mreply" remove --reason "olaga hot"
expect_grep 'by hand' "$WORK/out" "recorded as done by hand"
[[ $(wc -l <"$WORK/requests.log") -eq $n ]] && ok "nothing sent for another instance's status" || bad "sent: $(tail -n +$((n + 1)) "$WORK/requests.log")"
field "$mreply" takedown_result | grep -q "Mastodon cannot remove other people's items" &&
	ok "the record says why it was done by hand" || bad "takedown_result: $(field "$mreply" takedown_result)"

# LinkedIn: the organisation's own post deleted (DELETE /rest/posts/{urn}, with
# LinkedIn's version headers); someone else's comment is removed by hand.
"$K" account add --platform linkedin --handle vasterby-li --platform-id 10455123 --unit "Kommunikationsenheten" \
	--url https://www.linkedin.com/company/vasterby-li >/dev/null
cat >>"$KANALVAKT_DATA/kanalvakt.conf" <<CONF

[account vasterby-li]
token = AQV-li-s3cr3t
base_url = $BASE
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 0 "import linkedin posts" -- "$K" import "$FIX/linkedin_posts.json"
expect_exit 0 "import linkedin comments" -- "$K" import --account vasterby-li "$FIX/linkedin_comments.json"
expect_exit 0 "workflow sync for linkedin" -- "$K" workflow sync
lcomment=$(case_of "urn:li:comment:(urn:li:activity:7190000000000000655,7190000000000000656)")
[[ -n $lcomment ]] && ok "the threat in a linkedin comment opens a case" || bad "no case for the linkedin comment"
expect_exit 0 "a case by hand for the own post, by platform id" -- "$K" --json case open urn:li:share:7190000000000000555 --categories contact
lpost=$(jq -r .case "$WORK/out")
for c in "$lcomment" "$lpost"; do
	"$K" case evidence "$c" >/dev/null
	"$K" case register "$c" --series >/dev/null
done
expect_exit 0 "remove the own linkedin post" -- "$K" case decide "$lpost" remove --reason personuppgifter
expect_grep '^DELETE /rest/posts/urn:li:share:7190000000000000555 auth=Bearer AQV-li-s3cr3t li-version=[0-9]{6} restli=2.0.0$' \
	"$WORK/requests.log" "LinkedIn got DELETE /rest/posts/{urn} with its headers"
[[ $(field "$lpost" state) == removed && $(field "$lpost" takedown_via) == api ]] && ok "own post removed via api" || bad "linkedin post case"
n=$(wc -l <"$WORK/requests.log")
expect_exit 0 "remove someone else's linkedin comment" -- "$K" case decide "$lcomment" remove --reason "olaga hot"
[[ $(wc -l <"$WORK/requests.log") -eq $n && $(field "$lcomment" takedown_via) == hand ]] &&
	ok "another person's comment is recorded as removed by hand" || bad "linkedin comment: $(field "$lcomment" takedown_result)"

expect_exit 0 "audit verify" -- "$K" audit verify
"$K" --json audit list >"$WORK/audit.jsonl"
for a in case.open case.evidence case.register case.decide case.confirm case.takedown case.takedown_failed; do
	grep -qF "\"$a\"" "$WORK/audit.jsonl" && ok "audit has $a" || bad "audit lacks $a"
done
expect_no_grep 's3cr3t' <(kv_dump) "no token in the database"
finish
