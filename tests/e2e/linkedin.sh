#!/usr/bin/env bash
# LinkedIn end to end: `kanalvakt fetch` polls an organisation page's posts
# and their comments and replies from a local stand-in for the Community
# Management API (tests/fakeplatform, responses in the API's shapes under
# tests/fixtures/linkedin), with LinkedIn's version headers, start/count
# paging, a retry on 429 with Retry-After, the cursor and the look-back
# window; the kommun's own posts and replies are upprättad, the others'
# comments inkommen, threaded by parent; `import` reads the same responses.
source "$(dirname "$0")/lib.bash"
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/linkedin

start_fakeplatform "$FIX"
DB=$KANALVAKT_DATA/kanalvakt.db
SHARE3=urn:li:share:7190000000000000003
C201="urn:li:comment:(urn:li:activity:7190000000000000103,7190000000000000201)"
C211="urn:li:comment:(urn:li:activity:7190000000000000103,7190000000000000211)"

fetch() {
	local want=$1 what=$2
	shift 2
	expect_exit "$want" "$what" -- "$K" fetch "$@"
	cat "$WORK/out" "$WORK/err" >>"$WORK/all-output"
}
items() { "$K" --json item list --account "$1" | wc -l; }
requests() { wc -l <"$WORK/requests.log"; }
item() {
	"$K" --json item list --account vasterby-kommun |
		jq -r --arg id "$1" 'select(.platform_id == $id) | "\(.kind) \(.direction) \(.parent) \(.root) \(.state)"'
}
cursor() {
	kv_sql "SELECT c.$2 FROM connector_cursor c JOIN account a ON a.id = c.account_id WHERE a.handle = '$1'"
}

export KANALVAKT_NOW=2026-05-14T12:00:00Z
"$K" init --org "Västerby kommun" >/dev/null
"$K" unit add --name "Kommunikationsenheten" >/dev/null
add() {
	"$K" account add --platform linkedin --handle "$1" --platform-id "$2" --unit "Kommunikationsenheten" \
		--url "https://www.linkedin.com/company/$1" >/dev/null
}
add vasterby-kommun 10455123
add vasterby-skola 10455777
add vasterby-urn urn-10455888
add vasterby-gymnasiet 10455999
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[fetch]
backoff_ms = 1
max_attempts = 3

[account vasterby-kommun]
token = AQV-li-s3cr3t
base_url = $BASE
api_version = 202505

[account vasterby-skola]
token = AQV-skola-s3cr3t
base_url = $BASE

[account vasterby-urn]
token = AQV-urn-s3cr3t
base_url = $BASE

[account vasterby-gymnasiet]
token = AQV-gym-s3cr3t
base_url = $BASE
max_comment_pages = 0
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"

# The first poll reads everything: two pages of posts, every post's comments
# (two pages for the edited post) and the replies of the comment that has some.
fetch 0 "first poll" --json --account vasterby-kommun
jq -e '.ok and .new == 9 and .complete and .comment_lists_cut == 0' "$WORK/out" >/dev/null &&
	ok "four posts, four comments and a reply" || bad "first poll: $(cat "$WORK/out")"
[[ $(items vasterby-kommun) -eq 9 ]] && ok "nine items stored" || bad "items stored: $(items vasterby-kommun)"
expect_grep "^GET /rest/posts\?author=urn:li:organization:10455123&q=author&count=50&sortBy=CREATED&start=0 auth=Bearer AQV-li-s3cr3t li-version=202505 restli=2.0.0$" \
	"$WORK/requests.log" "posts asked by author with the bearer token and LinkedIn's headers"
expect_grep "^GET /rest/posts\?.*&start=2 " "$WORK/requests.log" "the second page starts after the first"
expect_grep "^GET /rest/socialActions/urn:li:share:7190000000000000003/comments\?count=100&start=2 " \
	"$WORK/requests.log" "the comments' second page is read"
expect_grep "^GET /rest/socialActions/urn:li:comment:\(urn:li:activity:7190000000000000103,7190000000000000201\)/comments\?" \
	"$WORK/requests.log" "the replies of the comment with replies are read"
expect_no_grep "7180000000000000009/comments" "$WORK/requests.log" "no comments are asked for a deleted post"
[[ $(grep -c "urn:li:share:7190000000000000001/comments" "$WORK/requests.log") -eq 2 ]] &&
	ok "429 with Retry-After is retried once" || bad "retries: $(grep -c 7190000000000000001/comments "$WORK/requests.log")"
expect_no_grep 'li-version=- |restli=- ' "$WORK/requests.log" "every request carries the version headers"
[[ $(item "$SHARE3") == "post upprättad null null visible" ]] && ok "the kommun's post is upprättad" || bad "post: $(item "$SHARE3")"
[[ $(item "$C201") == "comment inkommen $SHARE3 $SHARE3 visible" ]] &&
	ok "a comment is inkommen, under the post it was read for" || bad "comment: $(item "$C201")"
[[ $(item "$C211") == "reply upprättad $C201 $SHARE3 visible" ]] &&
	ok "the kommun's reply is upprättad, under the comment" || bad "reply: $(item "$C211")"
[[ $(item urn:li:share:7180000000000000009) == "post upprättad null null deleted" ]] &&
	ok "a deleted post is stored as deleted" || bad "deleted: $(item urn:li:share:7180000000000000009)"
"$K" --json item list --account vasterby-kommun | jq -r 'select(.platform_id == "urn:li:share:7190000000000000003") | .text' >"$WORK/text"
expect_grep '^Vi söker sommarvikarier .* Tillsammans med Region Västerby erbjuder vi introduktion \(betald\)\. #sommarjobb #Västerby$' \
	"$WORK/text" "the commentary is plain text"
expect_grep '"since":"1778572800000"' <(cursor vasterby-kommun cursor) "the cursor holds the newest post's creation time"

# The second poll re-reads the posts of the look-back window and their
# comments: the video post has a new comment.
n=$(requests)
fetch 0 "second poll" --json --account vasterby-kommun
jq -e '.ok and .new == 1 and .updated == 0 and .complete' "$WORK/out" >/dev/null &&
	ok "one new comment on an older post" || bad "second poll: $(cat "$WORK/out")"
[[ $(tail -n +$((n + 1)) "$WORK/requests.log" | grep -c "/rest/socialActions/") -eq 5 ]] &&
	ok "the window's comment lists are read again" || bad "second poll requests: $(tail -n +$((n + 1)) "$WORK/requests.log")"

# Long after: the window lies after every post; only the first page is read.
n=$(requests)
KANALVAKT_NOW=2026-06-20T12:00:00Z fetch 0 "a later poll" --json --account vasterby-kommun
jq -e '.ok and .new == 0 and .pages == 1 and .complete' "$WORK/out" >/dev/null &&
	ok "nothing new, one page" || bad "later poll: $(cat "$WORK/out")"
[[ $(($(requests) - n)) -eq 1 ]] && ok "one request" || bad "later poll requests: $(tail -n +$((n + 1)) "$WORK/requests.log")"

# A new post heads page 1: it and its comments are read, nothing more.
n=$(requests)
KANALVAKT_NOW=2026-06-30T12:00:00Z fetch 0 "a new post" --json --account vasterby-kommun
jq -e '.ok and .new == 1 and .unchanged == 1 and .complete' "$WORK/out" >/dev/null &&
	ok "the new post is stored" || bad "new post: $(cat "$WORK/out")"
tail -n +$((n + 1)) "$WORK/requests.log" >"$WORK/new.log"
expect_grep "urn:li:share:7190000000000000004/comments" "$WORK/new.log" "the new post's comments are read"
[[ $(wc -l <"$WORK/new.log") -eq 2 ]] && ok "two requests" || bad "new post requests: $(cat "$WORK/new.log")"
expect_grep '"since":"1782720000000"' <(cursor vasterby-kommun cursor) "the cursor moves to the new post"

# max_comment_pages = 0: a post's first comment page comes with it; its
# second page and the reply list are left unread, and counted.
n=$(requests)
fetch 0 "comment lists cut short" --json --account vasterby-gymnasiet
jq -e '.ok and .new == 2 and .comment_lists_cut == 2 and .skipped == 2' "$WORK/out" >/dev/null &&
	ok "the post and its first comment; two lists cut short" || bad "cut: $(cat "$WORK/out")"
[[ $(($(requests) - n)) -eq 2 ]] && ok "no request beyond the budget" || bad "cut requests: $(tail -n +$((n + 1)) "$WORK/requests.log")"

# Errors: a refused token, an id that is no organisation's, a bad version.
fetch 2 "a refused token" --account vasterby-skola
expect_grep 'HTTP 401: INVALID_ACCESS_TOKEN: Invalid access token' "$WORK/err" "LinkedIn's error message is shown"
[[ $(items vasterby-skola) -eq 0 ]] && ok "nothing stored" || bad "stored on a refused token"
fetch 2 "a platform id that is not numeric" --account vasterby-urn
expect_grep "not a LinkedIn organisation's numeric id" "$WORK/err" "the message says what the id must be"
printf '\n[account linkedin/vasterby-urn]\napi_version = 2025-05\n' >>"$KANALVAKT_DATA/kanalvakt.conf"
fetch 2 "an api_version that is not YYYYMM" --account vasterby-urn
expect_grep "api_version: '2025-05' is not a LinkedIn version" "$WORK/err" "the message names the key"
expect_no_grep 's3cr3t' "$WORK/all-output" "no token is ever printed"

# The same responses, saved as files, import by hand (detected by shape);
# a comments page needs --account, since it does not name its page.
expect_exit 0 "import a page of posts" -- "$K" --json import "$FIX/posts_p1.json"
jq -e '.new == 0 and .unchanged == 2' "$WORK/out" >/dev/null &&
	ok "detected as linkedin, found again unchanged" || bad "import: $(cat "$WORK/out")"
expect_exit 2 "a comments page without --account" -- "$K" import "$FIX/comments_share3_p2.json"
expect_grep 'give --account' "$WORK/err" "the message asks for --account"
expect_exit 0 "a comments page with --account" -- "$K" import --account vasterby-kommun "$FIX/comments_share3_p2.json"
[[ $(items vasterby-kommun) -eq 11 ]] && ok "nothing imported twice" || bad "items after import: $(items vasterby-kommun)"
finish
