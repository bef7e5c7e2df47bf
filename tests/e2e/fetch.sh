#!/usr/bin/env bash
# `kanalvakt fetch` against a local stand-in for the platforms
# (tests/fakeplatform) serving responses in their real shapes: paging is
# followed, items are imported once, the next poll continues from the cursor,
# rate limits and server errors are retried, an error envelope is reported
# and leaves the earlier pages stored, and no token is ever printed. Further
# pages of nested comment lists are read with their feed page; the look-back
# window finds new comments on older posts.
source "$(dirname "$0")/lib.bash"
# The clock is pinned: the look-back window is counted back from it. By
# default it lies well after the fixtures' posts, so the window starts
# after the cursor and only the look-back tests (which set their own time)
# reach further back.
export KANALVAKT_NOW=2026-06-30T12:00:00Z
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/connectors

start_fakeplatform "$FIX"

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
add facebook exempelbyidrott 604857392066666 https://www.facebook.com/exempelbyidrott
add facebook exempelbymuseet 704857392077777 https://www.facebook.com/exempelbymuseet
add instagram exempelby.ung 17841400000000002 https://www.instagram.com/exempelby.ung
add mastodon bibliotek 109000000000000002 https://social.exempelby.se/@bibliotek
add x exempelby_ung_x 987650000000000002 https://x.com/exempelby_ung_x
add youtube exempelbykultur UCexempelbyKultur00000BB https://www.youtube.com/@exempelbykultur
add facebook exempelbystad 804857392088888 https://www.facebook.com/exempelbystad
add facebook exempelbyhamn 904857392099999 https://www.facebook.com/exempelbyhamn
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

[account exempelbyidrott]
token = EAAB-idrott-s3cr3t
base_url = $BASE/v19.0

[account exempelbymuseet]
token = EAAB-museet-s3cr3t
base_url = $BASE/v19.0

[account exempelby.ung]
token = IGQV-ung-s3cr3t
base_url = $BASE/v19.0

[account bibliotek]
token = masto-bib-s3cr3t
base_url = $BASE

[account exempelby_ung_x]
token = x-ung-s3cr3t
base_url = $BASE

[account exempelbykultur]
token = AIza-kultur-s3cr3t
base_url = $BASE/youtube/v3

[account exempelbystad]
token = EAAB-stad-s3cr3t
base_url = $BASE/v19.0

[account exempelbyhamn]
token = EAAB-hamn-s3cr3t
base_url = $BASE/v19.0
messages = yes
max_comment_pages = 0
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"

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

# Nested comment lists with more than one page: their paging.next is read
# with the feed page, breadth first, and imported in the same transaction.
# Page 3 of the post's comments fails once: nothing of the feed page is
# stored, and the next fetch reads it all again.
thread() { "$K" --json item list --account exempelbyidrott | jq -r "select(.platform_id == \"$1\") | \"\(.kind) \(.parent) \(.root)\""; }
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 3 "a failed comment page fails the fetch" --account exempelbyidrott
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
expect_grep 'comments of 604857392066666_9002 page 3: .*Graph API error 100' "$WORK/err" "the message names the comment page"
[[ $(items exempelbyidrott) -eq 0 ]] && ok "nothing of the feed page stored" || bad "nothing of the feed page stored ($(items exempelbyidrott))"
expect_grep 'comments of 604857392066666_9002 page 3' <(cursor exempelbyidrott last_error) "last_error names the comment page"
expect_grep '^GET /v19.0/604857392066666_9002/comments\?.*after=QzkxMDU.*access_token=EAAB-idrott-s3cr3t' "$WORK/new.log" \
	"the comments' paging.next is followed with the configured token"
expect_no_grep 'EAAGechoedtokenFROMGRAPH' "$WORK/new.log" "a token echoed in a nested paging.next is not sent on"
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "the next fetch reads the feed page and its comment pages again" --json --account exempelbyidrott
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 12 and .unchanged == 0 and .pages == 5 and .skipped == 0 and .comment_lists_cut == 0 and .complete' "$WORK/out" >/dev/null &&
	ok "three posts, nine comments and replies, from five pages" || bad "three posts, nine comments and replies, from five pages ($(cat "$WORK/out"))"
expect_grep '^GET /v19.0/604857392066666/feed\?' <(head -1 "$WORK/new.log") "the resumed fetch starts at the feed page"
expect_no_grep 'since=' <(head -1 "$WORK/new.log") "the first poll has no since="
[[ $(grep -c '/comments' "$WORK/new.log") -eq 4 ]] && ok "four comment pages read" || bad "four comment pages read"
for want in "comment 604857392066666_9002 604857392066666_9002:9002_9104" \
	"comment 604857392066666_9002 604857392066666_9002:9002_9103" \
	"comment 604857392066666_9002 604857392066666_9002:9002_9101" \
	"reply 9002_9105 604857392066666_9002:9002_9107" \
	"reply 9002_9103 604857392066666_9002:9002_9110" \
	"reply 9002_9103 604857392066666_9002:9002_9109"; do
	[[ $(thread "${want##*:}") == "${want%:*}" ]] && ok "${want##*:}: ${want%:*}" || bad "${want##*:}: wanted '${want%:*}', got '$(thread "${want##*:}")'"
done
[[ $(thread 604857392066666_9002) == "post null null" ]] && ok "the post is stored once, as a post" || bad "the post: $(thread 604857392066666_9002)"
expect_grep '"since":"1779177600"' <(cursor exempelbyidrott cursor) "cursor holds the newest post's time"

# Fetching again changes nothing: the look-back window (14 days back from
# 2026-05-20T12:00Z) re-reads the posts and their comment pages.
before=$(db_state)
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "re-fetch" --json --account exempelbyidrott
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 0 and .updated == 0 and .unchanged == 11 and .events == 0 and .skipped == 0' "$WORK/out" >/dev/null &&
	ok "re-fetch: nothing new or updated" || bad "re-fetch: nothing new or updated ($(cat "$WORK/out"))"
expect_grep '^GET /v19.0/604857392066666/feed\?.*since=1778068800' "$WORK/new.log" "since= is the start of the look-back window"
[[ $(db_state) == "$before" ]] && ok "re-fetch changed nothing in the database" || bad "re-fetch changed nothing in the database"

# A day later a comment arrives on a post older than the cursor's since; the
# look-back window finds it.
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "look-back fetch" --json --account exempelbyidrott
jq -e '.ok and .new == 1' "$WORK/out" >/dev/null && ok "the new comment on the older post is stored" || bad "the new comment on the older post is stored ($(cat "$WORK/out"))"
[[ $(thread 9001_9201) == "comment 604857392066666_9001 604857392066666_9001" ]] && ok "under the older post" || bad "under the older post: $(thread 9001_9201)"
expect_grep '"since":"1779177600"' <(cursor exempelbyidrott cursor) "the cursor's since stays at the newest post"

# lookback_days = 0 turns the window off: since= is the cursor's.
sed -i 's/^\[account exempelbyidrott\]$/&\nlookback_days = 0/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(requests)
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "fetch without look-back" --account exempelbyidrott
expect_grep '^GET /v19.0/604857392066666/feed\?.*since=1779177600' <(tail -n +$((n + 1)) "$WORK/requests.log") "since= is the cursor's"

# max_comment_pages bounds the comment pages a poll reads; the lists left
# unread are reported.
sed -i 's/^lookback_days = 0$/max_comment_pages = 1/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "fetch with max_comment_pages = 1" --json --account exempelbyidrott
[[ $(tail -n +$((n + 1)) "$WORK/requests.log" | grep -c '/comments') -eq 1 ]] && ok "one comment page read" || bad "one comment page read"
jq -e '.ok and .new == 0 and .comment_lists_cut == 3 and .skipped == 3' "$WORK/out" >/dev/null &&
	ok "three comment lists reported as cut short" || bad "three comment lists reported as cut short ($(cat "$WORK/out"))"
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "the same as text" --account exempelbyidrott
expect_grep '3 comment lists cut short at max_comment_pages' "$WORK/out" "the text says so"
sed -i '/^max_comment_pages = 1$/d' "$KANALVAKT_DATA/kanalvakt.conf"

# A nested paging.next on another host is not followed: the token goes only
# to base_url, and nothing of the feed page is stored.
n=$(requests)
fetch 3 "nested paging.next to another host refused" --account exempelbymuseet
expect_grep 'comments of 704857392077777_50 page 2: paging.next points at another host \(https://graph.example.net/.*access_token=\*\*\*' \
	"$WORK/err" "the refusal names the comment list and the scrubbed URL"
[[ $(items exempelbymuseet) -eq 0 ]] && ok "nothing stored from the refused feed page" || bad "nothing stored from the refused feed page"
[[ $(tail -n +$((n + 1)) "$WORK/requests.log" | wc -l) -eq 1 ]] && ok "only the feed page was requested" || bad "only the feed page was requested"

# Instagram: further pages of a media's comments and of a comment's replies,
# then a new comment on older media found by the look-back window.
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "instagram comment pages" --json --account exempelby.ung
jq -e '.ok and .new == 8 and .pages == 3 and .skipped == 0' "$WORK/out" >/dev/null &&
	ok "two media, four comments and two replies" || bad "two media, four comments and two replies ($(cat "$WORK/out"))"
ig_thread() { "$K" --json item list --account exempelby.ung | jq -r "select(.platform_id == \"$1\") | \"\(.kind) \(.parent) \(.root)\""; }
[[ $(ig_thread 17950000000000414) == "comment 17900000000000401 17900000000000401" ]] && ok "a comment from page 2" || bad "a comment from page 2: $(ig_thread 17950000000000414)"
[[ $(ig_thread 17950000000000416) == "reply 17950000000000411 17900000000000401" ]] && ok "a reply from page 2" || bad "a reply from page 2: $(ig_thread 17950000000000416)"
expect_grep '^GET /v19.0/17950000000000411/replies\?.*access_token=IGQV-ung-s3cr3t' "$WORK/requests.log" "the replies' paging.next is followed"
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "instagram look-back" --json --account exempelby.ung
jq -e '.ok and .new == 1' "$WORK/out" >/dev/null && ok "the new comment on older media is stored" || bad "the new comment on older media is stored ($(cat "$WORK/out"))"
[[ $(ig_thread 17950000000000417) == "comment 17900000000000400 17900000000000400" ]] && ok "under the older media" || bad "under the older media: $(ig_thread 17950000000000417)"
expect_grep '^GET /v19.0/17841400000000002/media\?.*since=1778155200' "$WORK/requests.log" "since= is the start of the look-back window"

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
# The look-back window reaches past the cursor: threads started in it are
# read again (for their new replies), so page 1 is no longer the last.
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "youtube look-back" --account exempelbytv
expect_grep 'stopped at max_pages' "$WORK/out" "page 1 does not reach back to the window's start"
expect_no_grep 'pageToken' <(tail -n +$((n + 1)) "$WORK/requests.log") "the poll starts at page 1"
fetch 0 "youtube look-back, page 2" --account exempelbytv
fetch 0 "youtube later, window after the cursor" --account exempelbytv
expect_no_grep 'stopped' "$WORK/out" "page 1 reaches back to the cursor: the poll is complete"

# YouTube: a thread's replies beyond the few commentThreads shows inline are
# read with comments.list?parentId=, page after page, and imported inside
# the thread, so that they get the thread's video as root (a comment
# resource does not name its video).
yt_thread() { "$K" --json item list --account exempelbykultur | jq -r "select(.platform_id == \"$1\") | \"\(.kind) \(.parent) \(.root)\""; }
yt_a=UgzKulturThreadA0000AaABAg
# The first page of thread A's replies fails: nothing of the thread page is stored.
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 3 "youtube replies: a failed replies page fails the fetch" --account exempelbykultur
expect_grep "replies of $yt_a page 1" "$WORK/err" "the message names the thread"
[[ $(items exempelbykultur) -eq 0 ]] && ok "nothing of the thread page stored" || bad "nothing of the thread page stored ($(items exempelbykultur))"
expect_grep "replies of $yt_a" <(cursor exempelbykultur last_error) "last_error names the thread"
# max_comment_pages = 1: thread A's first page is read; its second page and
# thread C's replies are left and reported.
sed -i 's/^\[account exempelbykultur\]$/&\nmax_comment_pages = 1/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "youtube replies: cut at max_comment_pages" --json --account exempelbykultur
jq -e '.ok and .comment_lists_cut == 2 and .skipped == 2 and .new == 9 and .pages == 2 and .complete' "$WORK/out" >/dev/null &&
	ok "one replies page read, two lists cut" || bad "one replies page read, two lists cut ($(cat "$WORK/out"))"
expect_grep "^GET /youtube/v3/comments\?part=snippet&parentId=$yt_a&maxResults=100&key=AIza-kultur-s3cr3t" "$WORK/requests.log" \
	"comments.list asked with parentId and the key"
[[ $(tail -n +$((n + 1)) "$WORK/requests.log" | grep -c '/comments?') -eq 1 ]] && ok "one comments.list request" || bad "one comments.list request"
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "youtube replies: the cut is shown" --account exempelbykultur
expect_grep '\(2 comment lists cut short at max_comment_pages\)' "$WORK/out" "the fetch line reports the cut"
sed -i '/^max_comment_pages = 1$/d' "$KANALVAKT_DATA/kanalvakt.conf"
# The threads are in the look-back window: the next poll reads all replies.
n=$(requests)
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "youtube replies: all pages" --json --account exempelbykultur
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 5 and .updated == 0 and .comment_lists_cut == 0 and .skipped == 0 and .pages == 4' "$WORK/out" >/dev/null &&
	ok "the remaining five replies stored" || bad "the remaining five replies stored ($(cat "$WORK/out"))"
expect_grep "parentId=$yt_a&maxResults=100&pageToken=QURTSl9rdWx0dXJBX3BhZ2Uy&key=" "$WORK/new.log" "nextPageToken followed"
expect_no_grep 'parentId=UgzKulturThreadB' "$WORK/new.log" "a thread with all its replies inline is not asked for"
n_a=0
for r in 1 2 3 4 5 6 7; do
	[[ $(yt_thread "$yt_a.9xR${r}KultA0a") == "reply $yt_a exKulVid01a" ]] && n_a=$((n_a + 1))
done
[[ $n_a -eq 7 ]] && ok "all seven replies of thread A, under it and the video" || bad "all seven replies of thread A ($n_a)"
[[ $(yt_thread UgzKulturThreadC0000AaABAg.9xC3KultC0a) == "reply UgzKulturThreadC0000AaABAg exKulVid01a" ]] &&
	ok "thread C's replies too" || bad "thread C's replies too: $(yt_thread UgzKulturThreadC0000AaABAg.9xC3KultC0a)"
[[ $(items exempelbykultur) -eq 14 ]] && ok "three threads, eleven replies" || bad "three threads, eleven replies ($(items exempelbykultur))"
[[ $("$K" --json item list --account exempelbykultur --direction upprattad | wc -l) -eq 6 ]] &&
	ok "the channel's own replies are upprättad" || bad "the channel's own replies are upprättad"
before=$(db_state)
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "youtube replies: again" --json --account exempelbykultur
jq -e '.ok and .new == 0 and .updated == 0 and .events == 0' "$WORK/out" >/dev/null &&
	ok "youtube re-run: nothing new or updated" || bad "youtube re-run: nothing new or updated ($(cat "$WORK/out"))"
[[ $(db_state) == "$before" ]] && ok "youtube re-run changed nothing in the database" || bad "youtube re-run changed nothing in the database"
# From 2026-06-30 the threads are older than the window: no replies asked for.
n=$(requests)
fetch 0 "youtube replies: outside the window" --account exempelbykultur
expect_no_grep '/comments\?' <(tail -n +$((n + 1)) "$WORK/requests.log") "no replies of older threads asked for"

# Facebook Page conversations (private messages): only with messages = yes.
convs() { grep -c '/conversations' "$WORK/requests.log" || true; }
n=$(convs)
fetch 0 "facebook without messages" --json --account exempelbystad
[[ $(convs) -eq $n ]] && ok "the inbox is not read by default" || bad "the inbox is not read by default"
sed -i 's/^\[account exempelbystad\]$/&\nmessages = yes/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(requests)
fetch 0 "facebook conversations" --json --account exempelbystad
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 7 and .pages == 4 and .skipped == 0 and .complete' "$WORK/out" >/dev/null &&
	ok "seven messages from three conversations" || bad "seven messages from three conversations ($(cat "$WORK/out"))"
expect_grep '^GET /v19.0/804857392088888/conversations\?fields=id,updated_time,messages.limit\(100\)\{id,message,created_time,from,to,attachments\}&limit=25&access_token=EAAB-stad-s3cr3t' \
	"$WORK/new.log" "the conversations are asked for with their messages"
expect_grep '^GET /v19.0/804857392088888/conversations\?.*after=Q29udjI.*access_token=EAAB-stad-s3cr3t' "$WORK/new.log" "paging.next followed"
expect_grep '^GET /v19.0/t_100000000000001/messages\?.*after=TWVzc0Fubmax.*access_token=EAAB-stad-s3cr3t' "$WORK/new.log" \
	"a conversation's further messages are read"
msg_in() { "$K" --json item list --account exempelbystad | jq -r "select(.platform_id == \"$1\") | \"\(.kind) \(.direction)\""; }
[[ $(msg_in m_AnnaFraga1Ea0TnSt2OpQ3yZ6uW8bX1lR4sD) == "message inkommen" ]] && ok "a visitor's message is inkommen" || bad "a visitor's message is inkommen: $(msg_in m_AnnaFraga1Ea0TnSt2OpQ3yZ6uW8bX1lR4sD)"
[[ $(msg_in m_AnnaSvar2Bx7QkPq9LmN0vW3rT5yU8iO1pA) == "message upprättad" ]] && ok "the Page's answer is upprättad" || bad "the Page's answer is upprättad: $(msg_in m_AnnaSvar2Bx7QkPq9LmN0vW3rT5yU8iO1pA)"
root_of() { "$K" --json item list --account exempelbystad | jq -r "select(.platform_id == \"$1\") | .root"; }
[[ $(root_of m_AnnaSvar2Bx7QkPq9LmN0vW3rT5yU8iO1pA) == t_100000000000001 && $(root_of m_AnnaFraga1Ea0TnSt2OpQ3yZ6uW8bX1lR4sD) == t_100000000000001 ]] &&
	ok "messages, also from a further page, belong to their conversation" || bad "conversation roots: $(root_of m_AnnaSvar2Bx7QkPq9LmN0vW3rT5yU8iO1pA) $(root_of m_AnnaFraga1Ea0TnSt2OpQ3yZ6uW8bX1lR4sD)"
[[ $(root_of m_ErikFraga1Fb1UoTu3PqR4zA7vX9cY2mS5tE) == t_100000000000002 ]] && ok "each conversation its own thread" || bad "second conversation root: $(root_of m_ErikFraga1Fb1UoTu3PqR4zA7vX9cY2mS5tE)"
[[ $("$K" --json item list --account exempelbystad --direction upprattad | wc -l) -eq 3 ]] &&
	ok "three answers upprättade, four inkomna" || bad "three answers upprättade"
[[ $(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT c.cursor FROM connector_cursor c JOIN account a ON a.id = c.account_id WHERE a.handle = 'exempelbystad' AND c.endpoint = 'conversations'") == '{"since":"1779267600"}' ]] &&
	ok "the conversations cursor holds the newest updated_time" || bad "the conversations cursor holds the newest updated_time"
before=$(db_state)
n=$(requests)
fetch 0 "facebook conversations again" --json --account exempelbystad
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 0 and .updated == 0 and .events == 0' "$WORK/out" >/dev/null &&
	ok "conversations re-run: nothing new or updated" || bad "conversations re-run: nothing new or updated ($(cat "$WORK/out"))"
[[ $(db_state) == "$before" ]] && ok "conversations re-run changed nothing in the database" || bad "conversations re-run changed nothing in the database"
[[ $(grep -c '/conversations' "$WORK/new.log") -eq 1 ]] && ok "page 1 reaches back to the cursor: one page" || bad "page 1 reaches back to the cursor: one page"
expect_no_grep '/messages' "$WORK/new.log" "no messages of conversations not updated since"
fetch 0 "facebook conversations: a conversation updated" --json --account exempelbystad
jq -e '.ok and .new == 1 and .complete' "$WORK/out" >/dev/null && ok "its new message is stored" || bad "its new message is stored ($(cat "$WORK/out"))"
[[ $(msg_in m_ErikFraga2Gc2VpUv4QrS5aB8wY0dZ3nT6uF) == "message inkommen" ]] && ok "as an inkommen message" || bad "as an inkommen message"
[[ $(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT c.cursor FROM connector_cursor c JOIN account a ON a.id = c.account_id WHERE a.handle = 'exempelbystad' AND c.endpoint = 'conversations'") == '{"since":"1779357600"}' ]] &&
	ok "the cursor moves to the conversation's updated_time" || bad "the cursor moves to the conversation's updated_time"
sed -i 's/^messages = yes$/messages = no/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(convs)
fetch 0 "facebook with messages = no" --account exempelbystad
[[ $(convs) -eq $n ]] && ok "messages = no: nothing asked" || bad "messages = no: nothing asked"

# A conversation whose message list is cut short (max_comment_pages = 0):
# the cursor is held below it, so the next poll reads it again, to its end.
hamn_cursor() { sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT c.cursor FROM connector_cursor c JOIN account a ON a.id = c.account_id WHERE a.handle = 'exempelbyhamn' AND c.endpoint = 'conversations'"; }
hamn_conf() { sed -i "/^\[account exempelbyhamn\]\$/,/^\[/{$1}" "$KANALVAKT_DATA/kanalvakt.conf"; }
hamn_conf 's/^messages = no$/messages = yes/'
n=$(requests)
fetch 0 "conversations: messages cut short" --json --account exempelbyhamn
jq -e '.ok and .new == 1 and .comment_lists_cut == 1' "$WORK/out" >/dev/null &&
	ok "the newest message stored, the list reported cut" || bad "cut short: $(cat "$WORK/out")"
expect_no_grep '/t_900000000000001/messages' <(tail -n +$((n + 1)) "$WORK/requests.log") "no further page read"
since=$(hamn_cursor | jq -r '.since // empty')
[[ -n $since && $since -lt 1779271200 ]] && ok "the cursor is held below the conversation ($since)" || bad "cursor not held: $(hamn_cursor)"
hamn_conf '/^max_comment_pages = 0$/d'
n=$(requests)
fetch 0 "conversations: read again to the end" --json --account exempelbyhamn
jq -e '.ok and .new == 1 and .comment_lists_cut == 0 and .complete' "$WORK/out" >/dev/null &&
	ok "the older message is stored by the next poll" || bad "read again: $(cat "$WORK/out")"
expect_grep '^GET /v19.0/t_900000000000001/messages\?.*after=SGFtbjI.*access_token=EAAB-hamn-s3cr3t' "$WORK/requests.log" \
	"the conversation's second page is read with the configured token"
[[ $(hamn_cursor | jq -r '.since') == 1779271200 ]] && ok "then the cursor moves to the conversation" || bad "cursor: $(hamn_cursor)"
[[ $("$K" --json item list --account exempelbyhamn | jq -r .root | sort -u) == t_900000000000001 ]] &&
	ok "both messages in their conversation" || bad "roots: $("$K" --json item list --account exempelbyhamn | jq -r .root)"
before=$(db_state)
fetch 0 "conversations: again" --json --account exempelbyhamn
[[ $(db_state) == "$before" ]] && ok "nothing changes on a re-run" || bad "re-run changed the database"

# Mastodon: statuses and their contexts with a Bearer token.
fetch 0 "mastodon" --account exempelby
expect_grep '^GET /api/v1/statuses/114500000000000002/context auth=Bearer masto-s3cr3t' "$WORK/requests.log" \
	"context fetched with the Bearer token"
[[ $(items exempelby) -eq 3 ]] && ok "two statuses and a reply" || bad "two statuses and a reply ($(items exempelby))"
# The look-back window (from 2026-06-30) starts after both statuses: the
# first page reaches back to the cursor and to the window, and no replies
# are asked for again.
n=$(requests)
fetch 0 "mastodon again" --account exempelby
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
[[ $(wc -l <"$WORK/new.log") -eq 1 ]] && ok "one page read, no replies asked for" || bad "one page read, no replies asked for ($(cat "$WORK/new.log"))"

thread_in() { "$K" --json item list --account "$1" | jq -r "select(.platform_id == \"$2\") | \"\(.kind) \(.parent) \(.root)\""; }
contexts() { sed -nE 's|^GET /api/v1/statuses/([0-9]+)/context .*|\1|p' "$1" | paste -sd ' ' -; }

# Mastodon look-back: every poll walks the statuses back (max_id) to the
# start of the window, 14 days, and reads again the replies of the statuses
# created in it, so a reply to a status older than the cursor is found.
n=$(requests)
KANALVAKT_NOW=2026-05-20T12:00:00Z fetch 0 "mastodon look-back: first poll" --json --account bibliotek
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 5 and .complete' "$WORK/out" >/dev/null && ok "four statuses and a reply" || bad "four statuses and a reply ($(cat "$WORK/out"))"
[[ $(contexts "$WORK/new.log") == "114600000000000004 114600000000000003 114600000000000002 114600000000000001" ]] &&
	ok "the first poll reads the replies of every status" || bad "the first poll reads the replies of every status ($(contexts "$WORK/new.log"))"
expect_grep 'max_id=114600000000000001' "$WORK/new.log" "the first poll pages on to the end"
expect_grep '"since":"114600000000000004"' <(cursor bibliotek cursor) "cursor holds the newest status id"
n=$(requests)
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "mastodon look-back: a day later" --json --account bibliotek
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 1 and .updated == 0 and .complete' "$WORK/out" >/dev/null &&
	ok "the new reply to the older status is stored" || bad "the new reply to the older status is stored ($(cat "$WORK/out"))"
want="comment 114600000000000002 114600000000000002"
[[ $(thread_in bibliotek 114600000000000022) == "$want" ]] && ok "under the older status" || bad "under the older status: $(thread_in bibliotek 114600000000000022)"
expect_no_grep 'since_id=' "$WORK/new.log" "the walk back is not cut short by since_id"
expect_grep '^GET /api/v1/accounts/109000000000000002/statuses\?.*max_id=114600000000000003 auth=Bearer masto-bib-s3cr3t' \
	"$WORK/new.log" "page 2 is read"
expect_no_grep 'max_id=114600000000000001' "$WORK/new.log" "page 2 reaches back past the window's start: the walk stops"
[[ $(contexts "$WORK/new.log") == "114600000000000004 114600000000000003 114600000000000002" ]] &&
	ok "replies read for the statuses in the window only" || bad "replies read for the statuses in the window only ($(contexts "$WORK/new.log"))"
expect_grep '"since":"114600000000000004"' <(cursor bibliotek cursor) "the cursor's since stays at the newest status"
before=$(db_state)
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "mastodon look-back: again" --json --account bibliotek
jq -e '.ok and .new == 0 and .updated == 0 and .events == 0' "$WORK/out" >/dev/null &&
	ok "mastodon re-run: nothing new or updated" || bad "mastodon re-run: nothing new or updated ($(cat "$WORK/out"))"
[[ $(db_state) == "$before" ]] && ok "mastodon re-run changed nothing in the database" || bad "mastodon re-run changed nothing in the database"
# A new status heads page 1, and the replies of an older status on it
# cannot be read: nothing of the page is stored, the next fetch reads it.
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 3 "mastodon look-back: a failed context request fails the fetch" --account bibliotek
expect_grep 'status 114600000000000003 context' "$WORK/err" "the message names the status"
[[ -z $(thread_in bibliotek 114600000000000005) ]] && ok "nothing of the page stored" || bad "nothing of the page stored"
[[ $(items bibliotek) -eq 6 ]] && ok "six items as before" || bad "six items as before ($(items bibliotek))"
expect_grep 'status 114600000000000003 context' <(cursor bibliotek last_error) "last_error names the status"
expect_grep '"since":"114600000000000004"' <(cursor bibliotek cursor) "the cursor did not move"
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "mastodon look-back: the next fetch" --json --account bibliotek
jq -e '.ok and .new == 1 and .complete' "$WORK/out" >/dev/null && ok "the new status is stored" || bad "the new status is stored ($(cat "$WORK/out"))"
[[ $(thread_in bibliotek 114600000000000005) == "post null null" ]] && ok "as a post" || bad "as a post: $(thread_in bibliotek 114600000000000005)"
expect_grep '"since":"114600000000000005"' <(cursor bibliotek cursor) "the cursor holds the new status"
# lookback_days = 0: since_id= as before, and no replies of older statuses.
sed -i 's/^\[account bibliotek\]$/&\nlookback_days = 0/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(requests)
KANALVAKT_NOW=2026-05-21T12:00:00Z fetch 0 "mastodon without look-back" --json --account bibliotek
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
expect_grep '^GET /api/v1/accounts/109000000000000002/statuses\?.*since_id=114600000000000005' "$WORK/new.log" "since_id= is the cursor's"
expect_no_grep '/context' "$WORK/new.log" "no replies of older statuses asked for"
jq -e '.ok and .new == 0 and .complete' "$WORK/out" >/dev/null && ok "nothing new" || bad "nothing new ($(cat "$WORK/out"))"

# X: the timeline and the conversation search (the clock pinned a day
# after the tweet).
fetch_x() { KANALVAKT_NOW=$1 fetch "${@:2}"; }
fetch_x 2026-05-13T12:00:00Z 0 "x" --account exempelby_x
expect_grep '^GET /2/tweets/search/recent\?query=conversation_id:1923000000000000002' "$WORK/requests.log" \
	"conversation searched"
[[ $(items exempelby_x) -eq 2 ]] && ok "tweet and reply" || bad "tweet and reply ($(items exempelby_x))"
# From 2026-06-30 the tweet is older than the window: one page, no search.
n=$(requests)
fetch 0 "x again" --account exempelby_x
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
[[ $(wc -l <"$WORK/new.log") -eq 1 ]] && ok "one page read, no conversation searched" || bad "one page read, no conversation searched ($(cat "$WORK/new.log"))"

# X look-back: as for Mastodon: the walk pages on (next_token) to the
# window's start, and the conversations started in it are searched again
# (recent search gives the replies of the last 7 days, whenever the
# conversation started).
searches() { grep -oE 'conversation_id:[0-9]+' "$1" | grep -oE '[0-9]+' | paste -sd ' ' -; }
n=$(requests)
fetch_x 2026-05-20T12:00:00Z 0 "x look-back: first poll" --json --account exempelby_ung_x
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 5 and .complete' "$WORK/out" >/dev/null && ok "four tweets and a reply" || bad "four tweets and a reply ($(cat "$WORK/out"))"
[[ $(searches "$WORK/new.log") == "1925000000000000004 1925000000000000003 1925000000000000002 1925000000000000001" ]] &&
	ok "every conversation of a first poll searched" || bad "every conversation of a first poll searched ($(searches "$WORK/new.log"))"
expect_grep '"since":"1925000000000000004"' <(cursor exempelby_ung_x cursor) "cursor holds the newest tweet id"
n=$(requests)
fetch_x 2026-05-21T12:00:00Z 0 "x look-back: a day later" --json --account exempelby_ung_x
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
jq -e '.ok and .new == 1 and .updated == 0 and .complete' "$WORK/out" >/dev/null &&
	ok "the new reply to the older tweet is stored" || bad "the new reply to the older tweet is stored ($(cat "$WORK/out"))"
want="comment 1925000000000000002 1925000000000000002"
[[ $(thread_in exempelby_ung_x 1925000000000000052) == "$want" ]] && ok "in the older conversation" || bad "in the older conversation: $(thread_in exempelby_ung_x 1925000000000000052)"
expect_no_grep 'since_id=' "$WORK/new.log" "the walk back is not cut short by since_id"
expect_grep '^GET /2/users/987650000000000002/tweets\?.*pagination_token=7140dibdnow9c7btw423x1zvq1qzn8vgxf0ftpfh1o3wc auth=Bearer x-ung-s3cr3t' \
	"$WORK/new.log" "page 2 is read"
[[ $(searches "$WORK/new.log") == "1925000000000000004 1925000000000000003 1925000000000000002 1925000000000000001" ]] &&
	ok "conversations in the window searched, also one older than 7 days" || bad "conversations in the window searched ($(searches "$WORK/new.log"))"
expect_grep '"since":"1925000000000000004"' <(cursor exempelby_ung_x cursor) "the cursor's since stays at the newest tweet"
before=$(db_state)
fetch_x 2026-05-21T12:00:00Z 0 "x look-back: again" --json --account exempelby_ung_x
jq -e '.ok and .new == 0 and .updated == 0 and .events == 0' "$WORK/out" >/dev/null &&
	ok "x re-run: nothing new or updated" || bad "x re-run: nothing new or updated ($(cat "$WORK/out"))"
[[ $(db_state) == "$before" ]] && ok "x re-run changed nothing in the database" || bad "x re-run changed nothing in the database"
fetch_x 2026-05-21T12:00:00Z 3 "x look-back: a failed search fails the fetch" --account exempelby_ung_x
expect_grep 'conversation 1925000000000000004' "$WORK/err" "the message names the conversation"
[[ -z $(thread_in exempelby_ung_x 1925000000000000005) ]] && ok "nothing of the page stored" || bad "nothing of the page stored"
[[ $(items exempelby_ung_x) -eq 6 ]] && ok "six items as before" || bad "six items as before ($(items exempelby_ung_x))"
expect_grep 'conversation 1925000000000000004' <(cursor exempelby_ung_x last_error) "last_error names the conversation"
expect_grep '"since":"1925000000000000004"' <(cursor exempelby_ung_x cursor) "the cursor did not move"
fetch_x 2026-05-21T12:00:00Z 0 "x look-back: the next fetch" --json --account exempelby_ung_x
jq -e '.ok and .new == 1 and .complete' "$WORK/out" >/dev/null && ok "the new tweet is stored" || bad "the new tweet is stored ($(cat "$WORK/out"))"
expect_grep '"since":"1925000000000000005"' <(cursor exempelby_ung_x cursor) "the cursor holds the new tweet"
sed -i 's/^\[account exempelby_ung_x\]$/&\nlookback_days = 0/' "$KANALVAKT_DATA/kanalvakt.conf"
n=$(requests)
fetch_x 2026-05-21T12:00:00Z 0 "x without look-back" --json --account exempelby_ung_x
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
expect_grep '^GET /2/users/987650000000000002/tweets\?.*since_id=1925000000000000005' "$WORK/new.log" "since_id= is the cursor's"
expect_no_grep 'search/recent' "$WORK/new.log" "no older conversation searched"

# Configuration errors.
fetch 2 "explicit account without a token" --account utantoken
expect_grep 'no token configured' "$WORK/err" "says the token is missing"
sed -i 's/^\[account exempelbymuseet\]$/&\nlookback_days = -1/' "$KANALVAKT_DATA/kanalvakt.conf"
fetch 2 "a look-back window out of range" --account exempelbymuseet
expect_grep '\[account exempelbymuseet\] lookback_days: -1 is out of range' "$WORK/err" "names the section and key"
sed -i '/^lookback_days = -1$/d' "$KANALVAKT_DATA/kanalvakt.conf"
sed -i 's/^\[account exempelbymuseet\]$/&\nmessages = kanske/' "$KANALVAKT_DATA/kanalvakt.conf"
fetch 2 "a messages value that is not yes or no" --account exempelbymuseet
expect_grep 'exempelbymuseet.*messages' "$WORK/err" "names the section and key"
sed -i '/^messages = kanske$/d' "$KANALVAKT_DATA/kanalvakt.conf"

# Tokens go only to the fake platform and never to the output or the database.
expect_no_grep 's3cr3t' "$WORK/all-output" "no token in any output"
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" .dump >"$WORK/dump.sql"
expect_no_grep 's3cr3t|EAAGecho' "$WORK/dump.sql" "no token in the database"
finish
