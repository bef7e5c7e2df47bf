#!/usr/bin/env bash
# Media of captured items: noted on import, fetched into the blob store by
# their SHA-256, failures kept with their error and given up after a few
# attempts, and nothing fetched from plain-http addresses elsewhere.
source "$(dirname "$0")/lib.bash"
FAKE=${FAKEPLATFORM_BIN:-$(dirname "$K")/fakeplatform}
[[ -x $FAKE ]] || { echo "fakeplatform not built ($FAKE)"; exit 1; }

mkdir -p "$WORK/files"
# The stand-in serves text files; printable bytes stand in for a photo.
head -c 150000 /dev/urandom | base64 >"$WORK/files/photo.jpg"
printf '/media/photo.jpg - 200 photo.jpg\n/media/gone.jpg - 404 -\n' >"$WORK/routes"
"$FAKE" "$WORK/files" "$WORK/routes" "$WORK/port" "$WORK/requests.log" 2>"$WORK/fake.err" &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
[[ -s $WORK/port ]] || { echo "fakeplatform did not start"; cat "$WORK/fake.err"; exit 1; }
BASE="http://127.0.0.1:$(cat "$WORK/port")"

"$K" init --org "Exempelby kommun" >/dev/null
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
expect_exit 0 "audit chain intact" -- "$K" audit verify
finish
