#!/usr/bin/env bash
# `kanalvakt fetch` against a local stand-in for the platforms
# (tests/fakeplatform) serving responses in their real shapes: paging is
# followed, items are imported once, the next poll continues from the cursor,
# rate limits and server errors are retried, an error envelope is reported
# and leaves the earlier pages stored, and no token is ever printed.
source "$(dirname "$0")/lib.bash"
FAKE=${FAKEPLATFORM_BIN:-$(dirname "$K")/fakeplatform}
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/connectors
[[ -x $FAKE ]] || { echo "fakeplatform not built ($FAKE)"; exit 1; }

"$FAKE" "$FIX" "$FIX/routes" "$WORK/port" "$WORK/requests.log" 2>"$WORK/fake.err" &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
[[ -s $WORK/port ]] || { echo "fakeplatform did not start"; cat "$WORK/fake.err"; exit 1; }
BASE="http://127.0.0.1:$(cat "$WORK/port")"

# Every fetch's output is kept, to show at the end that no token was printed.
fetch() {
	local want=$1 what=$2 json=()
	shift 2
	[[ ${1:-} == --json ]] && { json=(--json); shift; }
	expect_exit "$want" "$what" -- "$K" "${json[@]}" fetch "$@"
	cat "$WORK/out" "$WORK/err" >>"$WORK/all-output"
}
items() { "$K" --json item list --account "$1" | wc -l; }
requests() { wc -l <"$WORK/requests.log"; }
cursor() {
	sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT c.$2 FROM connector_cursor c JOIN account a ON a.id = c.account_id WHERE a.handle = '$1'"
}

expect_exit 0 "init" -- "$K" init --org "Exempelby kommun"
"$K" unit add --name "Kommunikationsenheten" >/dev/null
"$K" person add --name "Åsa Öberg" --email asa@exempelby.se >/dev/null
"$K" person add --name "Bo Berg" --email bo@exempelby.se >/dev/null
add() {
	"$K" account add --platform "$1" --handle "$2" --platform-id "$3" --unit "Kommunikationsenheten" \
		--url "$4" --name "$2" --purpose "Information" --goal "Nå invånare" --audience "Invånare" \
		--responsible asa@exempelby.se --deputy bo@exempelby.se --admin asa@exempelby.se \
		--admin bo@exempelby.se --decided-by asa@exempelby.se --decided-on 2026-01-15 \
		--decision-ref "KS 2026/1" --posts-per-week 2 --house-rules "Vi följer lagen." >/dev/null
}
add facebook exempelbykommun 204857392011111 https://www.facebook.com/exempelbykommun
add facebook exempelbyfritid 304857392022222 https://www.facebook.com/exempelbyfritid
add facebook kulturskolan 404857392033333 https://www.facebook.com/kulturskolan
add facebook utantoken 504857392044444 https://www.facebook.com/utantoken
add instagram exempelby.ig 17841400000000001 https://www.instagram.com/exempelby.ig
add youtube exempelbytv UCexempelbyKommun00000AA https://www.youtube.com/@exempelbytv
add mastodon exempelby 109000000000000001 https://social.exempelby.se/@exempelby
add x exempelby_x 987650000000000001 https://x.com/exempelby_x
for key in syfte mal budskap malgrupp kanal kontotyp avtal funktion_och_teknik resurser bevakning \
	avsandare risker diarieforing_gallring_arkivering kriskommunikation marknadsforing informationskrav; do
	"$K" account checklist exempelbykommun "$key" "Besvarat i beslutet" >/dev/null
done
expect_exit 0 "one account is active" -- "$K" account activate exempelbykommun

cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[fetch]
backoff_ms = 1
max_attempts = 4
timeout_s = 10

[account exempelbykommun]
token = EAAB-kommun-s3cr3t
base_url = $BASE/v19.0

[account exempelbyfritid]
token = EAAB-fritid-s3cr3t
base_url = $BASE/v19.0/

[account kulturskolan]
token = EAAB-kultur-s3cr3t
base_url = $BASE/v19.0

[account exempelby.ig]
token = IGQV-s3cr3t
base_url = $BASE/v19.0

[account youtube/exempelbytv]
token = AIza-yt-s3cr3t
base_url = $BASE/youtube/v3
max_pages = 1

[account exempelby]
token = masto-s3cr3t
base_url = $BASE

[account exempelby_x]
token = x-bearer-s3cr3t
base_url = $BASE
CONF

# Without --account: only active accounts with a token are polled.
fetch 0 "fetch all active accounts"
expect_grep '^facebook/exempelbykommun: 2 pages, 6 new' "$WORK/out" "both feed pages imported"
[[ $(wc -l <"$WORK/out") -eq 1 ]] && ok "proposed accounts are passed over" || bad "proposed accounts are passed over"
[[ $(items exempelbykommun) -eq 6 ]] && ok "six items stored" || bad "six items stored ($(items exempelbykommun))"
expect_grep "GET /v19.0/204857392011111/feed\?.*after=QVFIUk5leHQy.*access_token=EAAB-kommun-s3cr3t" \
	"$WORK/requests.log" "paging.next followed with the configured token"
expect_no_grep "EAAGechoedtokenFROMGRAPH" "$WORK/requests.log" "a token echoed in paging.next is not sent on"
[[ $(grep -c '204857392011111/feed' "$WORK/requests.log") -eq 2 ]] && ok "two requests" || bad "two requests"
expect_grep '"since":"1778571000"' <(cursor exempelbykommun cursor) "cursor holds the newest created_time"

n=$(requests)
fetch 0 "second fetch" --json --account exempelbykommun
jq -e 'select(.account == "facebook/exempelbykommun") | .ok and .new == 1 and .unchanged == 1 and .pages == 1 and .complete' \
	"$WORK/out" >/dev/null && ok "second fetch: one new, one unchanged" || bad "second fetch: one new, one unchanged"
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
expect_grep "since=1778571000" "$WORK/new.log" "second fetch continues from the cursor (since=)"
[[ $(items exempelbykommun) -eq 7 ]] && ok "nothing imported twice" || bad "nothing imported twice ($(items exempelbykommun))"

# A Graph error envelope on page 2: page 1 stays, the message is shown, the
# next fetch resumes at page 2.
fetch 3 "error envelope fails the fetch" --account exempelbyfritid
expect_grep 'Graph API error 100/0: \(#100\) Tried accessing nonexisting field' "$WORK/err" "the envelope's message is reported"
expect_grep 'access_token=\*\*\*' "$WORK/err" "the URL in the message is scrubbed"
[[ $(items exempelbyfritid) -eq 2 ]] && ok "page 1 kept, nothing of page 2" || bad "page 1 kept, nothing of page 2 ($(items exempelbyfritid))"
expect_grep 'after=QVFIUmZyMg' <(cursor exempelbyfritid cursor) "cursor points at the failed page"
expect_grep 'nonexisting field' <(cursor exempelbyfritid last_error) "last_error recorded"
n=$(requests)
fetch 0 "resumed fetch" --account exempelbyfritid
expect_grep "^GET /v19.0/304857392022222/feed\?.*after=QVFIUmZyMg" <(tail -n +$((n + 1)) "$WORK/requests.log" | head -1) \
	"the next fetch starts at the failed page"
[[ $(items exempelbyfritid) -eq 3 ]] && ok "page 2 imported after the resume" || bad "page 2 imported after the resume"
[[ -z $(cursor exempelbyfritid last_error) ]] && ok "last_error cleared" || bad "last_error cleared"

# paging.next on another host is not followed, and its page is not stored.
fetch 3 "paging.next to another host refused" --account kulturskolan
expect_grep 'another host' "$WORK/err" "the refusal names the reason"
[[ $(items kulturskolan) -eq 0 ]] && ok "nothing stored from the refused page" || bad "nothing stored from the refused page"

# 429 with Retry-After, then a Graph rate-limit envelope, then success.
n=$(requests)
fetch 0 "rate limits are waited out" --json --account exempelby.ig
[[ $(tail -n +$((n + 1)) "$WORK/requests.log" | grep -c '/media') -eq 3 ]] && ok "three attempts" || bad "three attempts"
jq -e '.new == 3' "$WORK/out" >/dev/null && ok "instagram media, comment and reply stored" || bad "instagram items"

# YouTube: a 500 is retried; max_pages = 1 stops after page 1 and the next
# fetch continues with the page token.
fetch 0 "youtube first page" --account exempelbytv
expect_grep 'stopped at max_pages' "$WORK/out" "the stop is reported"
expect_grep '^GET /youtube/v3/commentThreads\?.*key=AIza-yt-s3cr3t' "$WORK/requests.log" "the API key is sent as key="
[[ $(grep -c '/commentThreads' "$WORK/requests.log") -eq 2 ]] && ok "5xx retried once" || bad "5xx retried once"
n=$(requests)
fetch 0 "youtube second page" --account exempelbytv
expect_grep "pageToken=QURTSl9pM3BhZ2UyX2V4ZW1wZWxieQ==" <(tail -n +$((n + 1)) "$WORK/requests.log") \
	"second fetch continues with pageToken"
[[ $(items exempelbytv) -eq 3 ]] && ok "three youtube comments" || bad "three youtube comments ($(items exempelbytv))"

# Mastodon: statuses and their contexts with a Bearer token; then since_id.
fetch 0 "mastodon" --account exempelby
expect_grep '^GET /api/v1/statuses/114500000000000002/context auth=Bearer masto-s3cr3t' "$WORK/requests.log" \
	"context fetched with the Bearer token"
[[ $(items exempelby) -eq 3 ]] && ok "two statuses and a reply" || bad "two statuses and a reply ($(items exempelby))"
fetch 0 "mastodon again" --account exempelby
expect_grep 'since_id=114500000000000002' "$WORK/requests.log" "second poll asks since_id"

# X: the timeline and the conversation search, then since_id.
fetch 0 "x" --account exempelby_x
expect_grep '^GET /2/tweets/search/recent\?query=conversation_id:1923000000000000002' "$WORK/requests.log" \
	"conversation searched"
[[ $(items exempelby_x) -eq 2 ]] && ok "tweet and reply" || bad "tweet and reply ($(items exempelby_x))"
fetch 0 "x again" --account exempelby_x
expect_grep 'since_id=1923000000000000002' "$WORK/requests.log" "second poll asks since_id"

# Configuration errors.
fetch 2 "explicit account without a token" --account utantoken
expect_grep 'no token configured' "$WORK/err" "says the token is missing"

# Tokens go only to the fake platform and never to the output or the database.
expect_no_grep 's3cr3t' "$WORK/all-output" "no token in any output"
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" .dump >"$WORK/dump.sql"
expect_no_grep 's3cr3t|EAAGecho' "$WORK/dump.sql" "no token in the database"
finish
