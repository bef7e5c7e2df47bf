#!/usr/bin/env bash
# Media of captured items: noted on import, fetched into the blob store by
# their SHA-256, failures kept with their error and given up after a few
# attempts, nothing fetched from plain-http addresses elsewhere, and nothing
# from private/internal addresses unless [media] allow_internal says so (the
# stand-in platform is on 127.0.0.1, so most of this script sets it).
source "$(dirname "$0")/lib.bash"

mkdir -p "$WORK/files"
# The stand-in serves text files; printable bytes stand in for a photo.
head -c 150000 /dev/urandom | base64 >"$WORK/files/photo.jpg"
cp "$KV_SOURCE_DIR/tests/fixtures/images/circle.png" "$WORK/files/avatar.png"
printf '<html>Inte en bild</html>\n' >"$WORK/files/page.html"
printf '/media/photo.jpg - 200 photo.jpg\n/media/gone.jpg - 404 -\n/media/inside.jpg - 200 photo.jpg\n/media/later.jpg - 200 photo.jpg\n' >"$WORK/routes"
printf '/avatars/kommunen.png - 200 avatar.png\n/avatars/anna.png - 200 avatar.png\n/avatars/new.png - 200 page.html\n' >>"$WORK/routes"
start_fakeplatform "$WORK/files" "$WORK/routes"
PORT=$(cat "$WORK/port")

"$K" init --org "Exempelby kommun" >/dev/null
# The stand-in is on loopback: allowed here, taken away at the end.
printf '[media]\nallow_internal = yes\n' >"$KANALVAKT_DATA/kanalvakt.conf"
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation >/dev/null
cat >"$WORK/items.jsonl" <<JSONL
{"id":"m1","platform":"facebook","kind":"post","author":{"id":"page","is_account":true},"created_at":"2026-06-01T10:00:00+02:00","text":"Sommarbild från badplatsen","media":[{"url":"$BASE/media/photo.jpg","type":"photo"}]}
{"id":"m2","platform":"facebook","kind":"comment","parent_id":"m1","root_id":"m1","author":{"id":"u1","name":"Åsa"},"created_at":"2026-06-01T11:00:00+02:00","text":"Min bild!","media":[{"url":"$BASE/media/gone.jpg","type":"photo"},{"url":"http://192.0.2.10/inside.jpg","type":"photo"}]}
JSONL
expect_exit 0 "import notes the media" -- "$K" import --account exempelby "$WORK/items.jsonl"
"$K" --json media list >"$WORK/media.jsonl"
[[ $(wc -l <"$WORK/media.jsonl") == 3 ]] && ok "three media noted" || bad "media noted: $(cat "$WORK/media.jsonl")"
jq -e -s 'all(.sha256 == null)' "$WORK/media.jsonl" >/dev/null && ok "nothing fetched during the import" || bad "fetched during import"

expect_exit 3 "media fetch (one fails, one refused)" -- "$K" --json media fetch
jq -e '.fetched == 1 and .failed == 2' "$WORK/out" >/dev/null && ok "one fetched, two failed" || bad "fetch counts: $(cat "$WORK/out")"
want=$(sha256sum "$WORK/files/photo.jpg" | cut -d' ' -f1)
"$K" --json media list >"$WORK/media.jsonl"
got=$(jq -r -s 'map(select(.url | endswith("photo.jpg")))[0].sha256' "$WORK/media.jsonl")
[[ "$got" == "$want" ]] && ok "the blob's hash is the file's SHA-256" || bad "hash $got != $want"
blob="$KANALVAKT_DATA/blobs/${want:0:2}/${want:2}"
[[ -f "$blob" ]] && cmp -s "$blob" "$WORK/files/photo.jpg" && ok "the blob holds the bytes" || bad "blob $blob"
jq -e -s 'map(select(.url | endswith("gone.jpg")))[0].error | test("404")' "$WORK/media.jsonl" >/dev/null && ok "a 404 is kept with its error" || bad "404 error"
jq -e -s 'map(select(.url | startswith("http://192.0.2.10")))[0].error | test("https")' "$WORK/media.jsonl" >/dev/null && ok "plain http elsewhere is not fetched" || bad "http refusal"
! grep -q "192.0.2.10" "$WORK/requests.log" && ok "no request left for the refused address" || bad "refused address was requested"
id=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT id FROM item WHERE platform_id = 'm1'")
"$K" --json item show "$id" >"$WORK/show.json"
jq -e --arg h "$want" '.media[0].sha256 == $h' "$WORK/show.json" >/dev/null && ok "item show gives the medium's hash" || bad "item show media"

# Failures are tried again, a few times, then given up; fetched media are not fetched again.
before=$(grep -c "photo.jpg" "$WORK/requests.log")
"$K" media fetch >/dev/null 2>&1 || true
"$K" media fetch >/dev/null 2>&1 || true
"$K" media fetch >/dev/null 2>&1 || true
expect_exit 0 "nothing left to try" -- "$K" --json media fetch
jq -e '.fetched == 0 and .failed == 0' "$WORK/out" >/dev/null && ok "failed media given up after three attempts" || bad "retries: $(cat "$WORK/out")"
[[ $(grep -c "photo.jpg" "$WORK/requests.log") == "$before" ]] && ok "a fetched medium is not fetched again" || bad "photo fetched again"
expect_exit 0 "re-import keeps the media as they are" -- "$K" import --account exempelby "$WORK/items.jsonl"
[[ $("$K" --json media list | wc -l) == 3 ]] && ok "no media duplicated" || bad "media duplicated"

# The account's profile picture: noted from its own statuses (Mastodon's
# account.avatar), fetched by media fetch under the same rules, kept as
# history when it changes; another author's picture is not the account's.
"$K" account add --platform mastodon --handle kommunen --unit Kommunikation >/dev/null
status() { # id, author id, acct, avatar path
	printf '{"id":"%s","created_at":"2026-06-02T10:00:00.000Z","content":"<p>Hej %s</p>","account":{"id":"%s","username":"%s","acct":"%s","avatar":"%s/avatars/%s","avatar_static":"%s/avatars/%s"}}' \
		"$1" "$1" "$2" "${3%%@*}" "$3" "$BASE" "$4" "$BASE" "$4"
}
printf '[%s,%s]\n' "$(status 11 5 kommunen kommunen.png)" "$(status 12 9 anna@ex.se anna.png)" >"$WORK/toots.json"
expect_exit 0 "import notes the account's avatar" -- "$K" --json import --format mastodon --account kommunen "$WORK/toots.json"
jq -e '.new == 2 and .pictures == 1' "$WORK/out" >/dev/null && ok "the import counts one new picture" || bad "import: $(cat "$WORK/out")"
expect_exit 0 "account picture lists it" -- "$K" --json account picture kommunen
jq -e --arg u "$BASE/avatars/kommunen.png" '(.pictures | length) == 1 and .pictures[0].source == $u and .pictures[0].sha256 == null and .current == null' "$WORK/out" >/dev/null &&
	ok "the account's avatar is noted, not fetched during the import; another author's is not noted" || bad "pictures: $(cat "$WORK/out")"
expect_exit 0 "the same avatar again" -- "$K" --json import --format mastodon --account kommunen "$WORK/toots.json"
jq -e '.pictures == 0' "$WORK/out" >/dev/null && ok "and none the second time" || bad "import again: $(cat "$WORK/out")"
[[ $(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM profile_picture") == 1 ]] && ok "the same picture is not noted twice" || bad "picture duplicated"
expect_exit 0 "media fetch takes the picture" -- "$K" --json media fetch
jq -e '.fetched == 1 and .pictures == 1 and .failed == 0' "$WORK/out" >/dev/null && ok "one picture fetched" || bad "fetch: $(cat "$WORK/out")"
pic=$(sha256sum "$WORK/files/avatar.png" | cut -d' ' -f1)
"$K" --json account picture kommunen >"$WORK/pic.json"
jq -e --arg h "$pic" '.current.sha256 == $h and .current.content_type == "image/png"' "$WORK/pic.json" >/dev/null &&
	ok "the current picture is the file's SHA-256, typed by its bytes" || bad "current: $(cat "$WORK/pic.json")"
cmp -s "$KANALVAKT_DATA/blobs/${pic:0:2}/${pic:2}" "$WORK/files/avatar.png" && ok "the blob holds the picture" || bad "picture blob"
"$K" --json account show kommunen >"$WORK/acc.json"
jq -e --arg h "$pic" --arg u "$BASE/avatars/kommunen.png" '.picture.sha256 == $h and .picture.source == $u and (.picture.noted_at | type) == "string"' "$WORK/acc.json" >/dev/null &&
	ok "account show names the current picture" || bad "account show: $(cat "$WORK/acc.json")"
! grep -q "anna.png" "$WORK/requests.log" && ok "another author's picture is never fetched" || bad "anna's avatar was fetched"
# A new picture: a row of its own; an answer that is no image is refused and kept with its error.
printf '[%s]\n' "$(status 13 5 kommunen new.png)" >"$WORK/toots2.json"
expect_exit 0 "import notes the changed avatar" -- "$K" import --format mastodon --account kommunen "$WORK/toots2.json"
expect_exit 3 "media fetch refuses what is not an image" -- "$K" --json media fetch
jq -e '.fetched == 0 and .failed == 1' "$WORK/out" >/dev/null && ok "the page is not taken for a picture" || bad "fetch: $(cat "$WORK/out")"
"$K" --json account picture kommunen >"$WORK/pic.json"
jq -e --arg h "$pic" '(.pictures | length) == 2 and (.pictures[0].error | test("not an image")) and .current.sha256 == $h' "$WORK/pic.json" >/dev/null &&
	ok "history kept, the error noted, the fetched picture still current" || bad "after change: $(cat "$WORK/pic.json")"
expect_exit 0 "account picture prints the pending one" -- "$K" account picture kommunen
expect_grep "^pending: $BASE/avatars/new.png .*not an image" "$WORK/out" "the text view names the pending picture and why"
"$K" media fetch >/dev/null 2>&1 || true
"$K" media fetch >/dev/null 2>&1 || true
expect_exit 0 "the picture is given up after three attempts" -- "$K" --json media fetch
jq -e '.fetched == 0 and .failed == 0' "$WORK/out" >/dev/null && ok "nothing left to try" || bad "retries: $(cat "$WORK/out")"

# `serve` fetches by itself with [server] fetch_media = yes: what arrives
# between two `fetch` runs (webhook deliveries) is kept without a command.
cat >"$WORK/later.jsonl" <<JSONL
{"id":"m9","platform":"facebook","kind":"comment","parent_id":"m1","root_id":"m1","author":{"id":"u3","name":"Cia"},"created_at":"2026-06-02T09:00:00+02:00","text":"En bild till","media":[{"url":"$BASE/media/later.jpg","type":"photo"}]}
JSONL
expect_exit 0 "import notes a new medium" -- "$K" import --account exempelby "$WORK/later.jsonl"
later() { sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COALESCE(sha256, '') FROM item_media WHERE url LIKE '%/later.jpg'"; }
{ printf '[media]\nallow_internal = yes\n[meta]\napp_secret = e2e-media\n'
  printf '[server]\nnotify_interval = 1s\nfetch_media = yes\n'; } >"$WORK/serve.conf"
kv_secrets "$WORK/serve.conf"
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve.log" &
serve_pid=$!
for _ in $(seq 300); do [[ -n $(later) ]] && break; sleep 0.1; done
kill "$serve_pid"
wait "$serve_pid" || true
[[ $(later) == "$want" ]] && ok "serve fetched the new medium into the blob store" || bad "serve did not fetch: $(later); $(cat "$WORK/serve.log")"
expect_grep "media: 1 fetched" "$WORK/serve.log" "serve logs what it fetched"
{ printf '[meta]\napp_secret = e2e-media\n[server]\nfetch_media = perhaps\n'; } >"$WORK/bad.conf"
kv_secrets "$WORK/bad.conf"
expect_exit 2 "a fetch_media that is not yes or no is refused" -- "$K" --config "$WORK/bad.conf" serve --listen 127.0.0.1:0
expect_grep "fetch_media" "$WORK/err" "the message names the setting"

# Without allow_internal only public addresses are fetched. The address is
# checked where the connection is made, after the name is resolved, so the
# loopback stand-in, a name for this machine and a private IP literal are
# all refused, over https too, and nothing reaches the stand-in.
printf '[media]\nallow_internal = perhaps\n' >"$KANALVAKT_DATA/kanalvakt.conf"
state=$(db_state)
expect_exit 2 "a setting that is not yes or no is refused" -- "$K" media fetch
expect_grep '\[media\] allow_internal: .perhaps. is not yes or no' "$WORK/err" "the message names the setting"
[[ $(db_state) == "$state" ]] && ok "nothing changed by the refused run" || bad "database changed"
rm "$KANALVAKT_DATA/kanalvakt.conf"
cat >"$WORK/inside.jsonl" <<JSONL
{"id":"m3","platform":"facebook","kind":"comment","parent_id":"m1","root_id":"m1","author":{"id":"u2","name":"Bo"},"created_at":"2026-06-01T12:00:00+02:00","text":"Titta här","media":[{"url":"$BASE/media/inside.jpg","type":"photo"},{"url":"https://localhost:$PORT/media/inside.jpg","type":"photo"},{"url":"https://10.11.12.13/inside.jpg","type":"photo"}]}
JSONL
expect_exit 0 "import notes the inside media" -- "$K" import --account exempelby "$WORK/inside.jsonl"
before=$(wc -l <"$WORK/requests.log")
expect_exit 3 "media fetch without allow_internal" -- "$K" --json media fetch
jq -e '.fetched == 0 and .failed == 3' "$WORK/out" >/dev/null && ok "all three refused" || bad "refusal counts: $(cat "$WORK/out")"
"$K" --json media list >"$WORK/media.jsonl"
err_of() { jq -r -s --arg u "$1" 'map(select(.url == $u))[0] | "\(.sha256) \(.error)"' "$WORK/media.jsonl"; }
[[ $(err_of "$BASE/media/inside.jpg") =~ ^null\ .*refused:\ 127\.0\.0\.1\ is\ a\ private/internal\ address ]] &&
	ok "a URL at 127.0.0.1 is refused, the error kept on the medium" || bad "127.0.0.1: $(err_of "$BASE/media/inside.jpg")"
[[ $(err_of "https://localhost:$PORT/media/inside.jpg") =~ ^null\ https://localhost:$PORT/media/inside.jpg:\ refused:\ (127\.0\.0\.1|::1)\ is\ a\ private/internal\ address ]] &&
	ok "https to localhost is refused by its address, before any connection" ||
	bad "localhost: $(err_of "https://localhost:$PORT/media/inside.jpg")"
[[ $(err_of "https://10.11.12.13/inside.jpg") =~ ^null\ https://10.11.12.13/inside.jpg:\ refused:\ 10\.11\.12\.13\ is\ a\ private/internal\ address ]] &&
	ok "https to 10/8 is refused, before any connection" || bad "10/8: $(err_of "https://10.11.12.13/inside.jpg")"
[[ $(wc -l <"$WORK/requests.log") == "$before" ]] && ok "no request reached the stand-in" ||
	bad "requests reached the stand-in: $(tail -n +$((before + 1)) "$WORK/requests.log")"
expect_exit 0 "audit chain intact" -- "$K" audit verify
finish
