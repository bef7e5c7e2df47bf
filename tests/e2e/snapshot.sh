#!/usr/bin/env bash
# The periodic snapshot (periodiskt uttag): the account as PDF/A-1b, named
# as TI and NY say, valid for Apache PDFBox Preflight, with posts, images
# and comments in order; recorded and audited; what is due; bad input that
# changes nothing; a missing font.
source "$(dirname "$0")/lib.bash"
SRC=${KV_SOURCE_DIR:?}
FIX="$SRC/tests/fixtures/records"
export KANALVAKT_NOW=2026-07-10T12:00:00+02:00

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name "Kultur och fritid" >/dev/null
"$K" account add --platform facebook --handle fritid --name "Fritidsfabriken" --unit "Kultur och fritid" \
	--url https://www.facebook.com/fritid >/dev/null
"$K" account add --platform instagram --handle ungdom --unit "Kultur och fritid" >/dev/null
"$K" import --account fritid "$FIX/items.jsonl" >/dev/null
"$K" import --account fritid "$FIX/edits.jsonl" >/dev/null
# The post's picture, as media fetch would have stored it.
sha=$(sha256sum "$SRC/tests/fixtures/images/gradient.jpg" | cut -d' ' -f1)
mkdir -p "$KANALVAKT_DATA/blobs/${sha:0:2}"
cp "$SRC/tests/fixtures/images/gradient.jpg" "$KANALVAKT_DATA/blobs/${sha:0:2}/${sha:2}"
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "UPDATE item_media SET sha256 = '$sha', bytes = 410, fetched_at = 1 WHERE url LIKE '%p1.jpg'"

expect_exit 0 "snapshot --help" -- "$K" snapshot --help
expect_grep -- '--account A' "$WORK/out" "usage names its options"

OUT="$WORK/uttag"
expect_exit 0 "snapshot as of 30 June" -- "$K" --json snapshot --account fritid --date 2026-06-30 --out "$OUT"
PDF="$OUT/Facebook Fritidsfabriken 2026-06-30 periodiskt uttag.pdf"
[[ -f "$PDF" ]] && ok "named <Plattform> <Verksamhet> <ÅÅÅÅ-MM-DD> periodiskt uttag.pdf" || bad "file name: $(ls "$OUT")"
jq -e --arg p "$PDF" '.path == $p and .pages >= 1 and .items == 6' "$WORK/out" >/dev/null &&
	ok "JSON names the file, pages and items (no message, nothing after the day)" || bad "json: $(cat "$WORK/out")"
[[ $(jq -r .sha256 "$WORK/out") == $(sha256sum "$PDF" | cut -d' ' -f1) ]] && ok "the recorded SHA-256 is the file's" || bad "sha256"
if "$SRC/scripts/pdfa-preflight" "$PDF" 2>"$WORK/preflight"; then ok "Preflight: valid PDF/A-1b"; else
	bad "Preflight refused the snapshot"; head -20 "$WORK/preflight"
fi
pdftotext -enc UTF-8 "$PDF" "$WORK/s.txt"
expect_grep 'Fritidsfabriken' "$WORK/s.txt" "profile header: the name"
expect_grep 'Kultur och fritid' "$WORK/s.txt" "profile header: the unit"
expect_grep 'ängen vid Åsunden' "$WORK/s.txt" "å ä ö kept"
expect_no_grep 'Juliinlägg' "$WORK/s.txt" "nothing written after the day"
expect_no_grep 'privat meddelande som' "$WORK/s.txt" "private messages are not on the page"
expect_grep 'Borttaget på plattformen' "$WORK/s.txt" "a deletion before the day is marked"
expect_grep 'Toppen! Vi kommer alla fyra' "$WORK/s.txt" "the text as it was on the day (edited before it)"
expect_grep 'redigerat \(2 versioner\)' "$WORK/s.txt" "versions are marked"
# Platform order: newest post first, its comments in the order written.
order=$(grep -nE 'Sommarprogrammet|Välkommen till|Ring mig|Tack Örjan|Storgatan' "$WORK/s.txt" | cut -d: -f1 | tr '\n' ' ')
read -r a b c d e <<<"$order"
[[ $a -lt $b && $b -lt $c && $c -lt $d && $d -lt $e ]] && ok "newest post first, comments and replies in order" || bad "order: $order"
pdfimages -list "$PDF" >"$WORK/img"
expect_grep 'jpeg' "$WORK/img" "the post's JPEG is embedded as JPEG"
pdffonts "$PDF" | awk 'NR>2 {print $(NF-4)}' >"$WORK/emb"
! grep -qv yes "$WORK/emb" && ok "every font embedded" || bad "fonts: $(pdffonts "$PDF")"

"$K" --json snapshot list >"$WORK/list"
jq -e -s 'length == 1 and .[0].date == "2026-06-30" and .[0].reason == "manual" and .[0].account == "fritid"' "$WORK/list" >/dev/null &&
	ok "the snapshot is in the register" || bad "list: $(cat "$WORK/list")"
"$K" --json audit list >"$WORK/audit"
jq -e -s 'map(select(.action == "snapshot.take" and .actor == "e2e")) | length == 1' "$WORK/audit" >/dev/null &&
	ok "the snapshot is audited" || bad "audit"

# The e-archive package carries the same kind of printout for its period
# (every record, in time order), as PDF/A-1b.
"$K" archive sip --account fritid --from 2026-01-01 --to 2026-06-30 --out "$WORK/sip" >/dev/null 2>&1 || true
P="$WORK/sip/representations/rep1/data/printout.pdf"
[[ -f "$P" ]] && ok "archive sip holds the printout" || bad "no printout in the package: $(find "$WORK/sip" -name '*.pdf')"
if "$SRC/scripts/pdfa-preflight" "$P" 2>"$WORK/preflight"; then ok "the package's printout is valid PDF/A-1b"; else bad "Preflight refused the package printout"; fi
pdftotext -enc UTF-8 "$P" "$WORK/p.txt" 2>/dev/null || true
expect_grep 'privat meddelande som inte hör till sidan' "$WORK/p.txt" "the package printout holds every record"
expect_no_grep 'Juliinlägg' "$WORK/p.txt" "and nothing after the period"
grep -q 'printout.pdf' "$WORK/sip/representations/rep1/METS.xml" && ok "the printout is in the representation's METS" || bad "printout not in METS"

# Bad input: named, exit 2, nothing changed, no file.
before=$(db_state)
expect_exit 2 "the same snapshot twice is refused" -- "$K" snapshot --account fritid --date 2026-06-30 --out "$OUT"
expect_grep 'already exists' "$WORK/err" "names the existing file"
expect_exit 2 "unknown account" -- "$K" snapshot --account nosuch --out "$WORK/x1"
expect_grep "nosuch" "$WORK/err" "names the account"
expect_exit 2 "a bad date" -- "$K" snapshot --account fritid --date 2026-02-30 --out "$WORK/x2"
expect_grep -- "--date: '2026-02-30' is not a date" "$WORK/err" "names the date"
expect_exit 2 "a day after today" -- "$K" snapshot --account fritid --date 2026-12-31 --out "$WORK/x3"
expect_exit 2 "out is a file" -- "$K" snapshot --account fritid --out "$PDF"
expect_exit 2 "out under a missing directory" -- "$K" snapshot --account fritid --out "$WORK/no/such/dir"
expect_exit 2 "--out missing" -- "$K" snapshot --account fritid
expect_exit 2 "a missing font is named" -- "$K" snapshot --account fritid --date 2026-07-01 --out "$WORK/x4" --font "Ingen Sådan Font"
expect_grep "font 'Ingen Sådan Font' is not installed" "$WORK/err" "the error names the font"
# No fonts at all (fontconfig sees an empty configuration): named too.
printf '<?xml version="1.0"?>\n<fontconfig><dir>%s/empty</dir><cachedir>%s/fccache</cachedir></fontconfig>\n' "$WORK" "$WORK" >"$WORK/fonts.conf"
mkdir -p "$WORK/empty"
FONTCONFIG_FILE="$WORK/fonts.conf" expect_exit 2 "no font installed" -- "$K" snapshot --account fritid --date 2026-07-01 --out "$WORK/x5"
expect_grep "DejaVu Sans' is not installed.*fonts-dejavu-core" "$WORK/err" "names DejaVu Sans and its package"
[[ ! -e "$WORK/x4/Facebook Fritidsfabriken 2026-07-01 periodiskt uttag.pdf" && ! -e "$WORK/x5/Facebook Fritidsfabriken 2026-07-01 periodiskt uttag.pdf" ]] &&
	ok "no file left by a refused snapshot" || bad "file left behind"
ls -A "$WORK/x4" "$WORK/x5" 2>/dev/null | grep -q 'kv-pdfa' && bad "temporary directory left" || ok "no temporary directory left"
[[ "$(db_state)" == "$before" ]] && ok "refused snapshots changed nothing" || bad "database changed"

# An archivist may take snapshots; an editor may not.
expect_exit 0 "account activation for due" -- true
# Due: the open accounts need 2026-06-30 (fritid has it); a closed one its final day.
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "UPDATE account SET status = 'active', opened_on = '2026-01-01' WHERE handle IN ('fritid', 'ungdom')"
expect_exit 0 "snapshot due" -- "$K" --json snapshot due
jq -e -s 'length == 1 and .[0].account == "ungdom" and .[0].date == "2026-06-30" and .[0].reason == "scheduled"' "$WORK/out" >/dev/null &&
	ok "only the account without the 30 June snapshot is due" || bad "due: $(cat "$WORK/out")"
printf '[records]\nsnapshot_dates = 03-31, 06-30\nsnapshot_dir = %s/auto\n' "$WORK" >"$KANALVAKT_DATA/kanalvakt.conf"
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "UPDATE account SET status = 'closed', closed_on = '2026-07-08' WHERE handle = 'fritid'"
expect_exit 0 "snapshot due with a closed account" -- "$K" --json snapshot due
jq -e -s 'map(select(.account == "fritid"))[0] | .date == "2026-07-08" and .reason == "final"' "$WORK/out" >/dev/null &&
	ok "a closed account needs its final snapshot" || bad "final: $(cat "$WORK/out")"
expect_exit 0 "snapshot due --take" -- "$K" snapshot due --take
[[ -f "$WORK/auto/fritid/Facebook Fritidsfabriken 2026-07-08 periodiskt uttag.pdf" ]] && ok "the final snapshot was taken" || bad "final file: $(find "$WORK/auto")"
[[ -f "$WORK/auto/ungdom/Instagram Kultur och fritid 2026-06-30 periodiskt uttag.pdf" ]] && ok "no name in the register: the unit names it" || bad "unit name: $(find "$WORK/auto")"
expect_exit 0 "nothing due afterwards" -- "$K" --json snapshot due
[[ ! -s "$WORK/out" ]] && ok "nothing due" || bad "still due: $(cat "$WORK/out")"
# serve takes what is due by itself, and raises an alert when it cannot.
"$K" account add --platform youtube --handle film --name "Filmklubben" --unit "Kultur och fritid" >/dev/null
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "UPDATE account SET status = 'active', opened_on = '2026-01-01' WHERE handle = 'film'"
printf '[meta]\napp_secret = e2e\n[records]\nsnapshot_dir = %s/served\n' "$WORK" >"$WORK/serve.conf"
kv_secrets "$WORK/serve.conf"
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve.log" &
serve_pid=$!
for _ in $(seq 100); do grep -q "snapshot film" "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
kill "$serve_pid"; wait "$serve_pid" || true
f=$(find "$WORK/served/film" -name '*2026-06-30 periodiskt uttag.pdf' 2>/dev/null | head -1)
[[ -n "$f" ]] && ok "serve took the due snapshot by itself" || bad "serve: $(cat "$WORK/serve.log")"
expect_grep "snapshot film 2026-06-30 \(scheduled\) taken" "$WORK/serve.log" "serve logs the snapshot"
"$K" --json snapshot list --account film >"$WORK/list"
jq -e -s 'length == 1 and .[0].reason == "scheduled"' "$WORK/list" >/dev/null && ok "recorded as scheduled" || bad "list: $(cat "$WORK/list")"
# A snapshot directory that cannot be made: missed, alerted once.
"$K" account add --platform x --handle ung --name "Ung i Exempelby" --unit "Kultur och fritid" >/dev/null
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "UPDATE account SET status = 'active', opened_on = '2026-01-01' WHERE handle = 'ung'"
printf '[meta]\napp_secret = e2e\n[server]\nnotify_interval = 1s\n[records]\nsnapshot_dir = %s/no/such/dir\n' "$WORK" >"$WORK/serve.conf"
kv_secrets "$WORK/serve.conf"
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve.log" &
serve_pid=$!
for _ in $(seq 100); do [[ $(grep -c "snapshot ung" "$WORK/serve.log" 2>/dev/null) -ge 2 ]] && break; sleep 0.1; done
kill "$serve_pid"; wait "$serve_pid" || true
expect_grep "snapshot ung 2026-06-30 \(scheduled\) missed" "$WORK/serve.log" "serve logs the missed snapshot"
"$K" --json alert list >"$WORK/alerts"
jq -e -s 'map(select(.kind == "snapshot.missed")) | length == 1' "$WORK/alerts" >/dev/null &&
	ok "one snapshot.missed alert, however often it is tried" || bad "alerts: $(cat "$WORK/alerts")"
# A screenshot of the live page, when [records] screenshot = yes and the
# register's address answers (a page served on loopback here).
if [[ -x /usr/bin/chromium ]] && command -v python3 >/dev/null; then
	mkdir -p "$WORK/site"
	printf '<!doctype html><html lang="sv"><body style="background:#2a6"><h1>Fritidsgården på nätet</h1></body></html>\n' >"$WORK/site/index.html"
	python3 -m http.server 0 --bind 127.0.0.1 --directory "$WORK/site" >"$WORK/site.log" 2>&1 &
	site_pid=$!
	for _ in $(seq 50); do port=$(grep -oE 'port [0-9]+' "$WORK/site.log" | grep -oE '[0-9]+' || true); [[ -n "$port" ]] && break; sleep 0.1; done
	"$K" account add --platform facebook --handle livesidan --name "Livesidan" --unit "Kultur och fritid" \
		--url "http://127.0.0.1:$port/" >/dev/null
	"$K" account add --platform facebook --handle dodsidan --name "Dödsidan" --unit "Kultur och fritid" \
		--url "http://127.0.0.1:9/" >/dev/null
	printf '[records]\nscreenshot = yes\n' >"$WORK/shot.conf"
	expect_exit 0 "a snapshot of today with a screenshot" -- "$K" --config "$WORK/shot.conf" snapshot --account livesidan --out "$WORK/shot"
	SHOT=$(ls "$WORK/shot"/*.pdf)
	pdfimages -list "$SHOT" >"$WORK/shotimg"
	expect_grep 'png|image|rgb' "$WORK/shotimg" "the live page's picture is embedded"
	pdftotext -enc UTF-8 "$SHOT" "$WORK/shot.txt"
	expect_grep "Skärmbild av http://127.0.0.1:$port/" "$WORK/shot.txt" "the picture says what and when"
	"$SRC/scripts/pdfa-preflight" "$SHOT" 2>/dev/null && ok "Preflight: the snapshot with a screenshot is valid PDF/A-1b" || bad "Preflight refused the screenshot snapshot"
	kill "$site_pid" 2>/dev/null; wait "$site_pid" 2>/dev/null || true
	expect_exit 0 "a page that cannot be reached does not stop the snapshot" -- "$K" --config "$WORK/shot.conf" snapshot --account dodsidan --out "$WORK/dead"
	pdftotext -enc UTF-8 "$WORK/dead"/*.pdf "$WORK/dead.txt"
	expect_grep 'Ingen skärmbild av sidan' "$WORK/dead.txt" "the PDF says why there is no picture"
	printf '[records]\nscreenshot = kanske\n' >"$WORK/badshot.conf"
	expect_exit 2 "screenshot must be yes or no" -- "$K" --config "$WORK/badshot.conf" snapshot --account dodsidan --out "$WORK/dead2"
	expect_grep 'screenshot' "$WORK/err" "names the setting"
fi

# The profile picture in the header: set by hand (account picture --file),
# drawn in a snapshot of a day on or after it was noted, not before.
"$K" account add --platform facebook --handle bibliotek --name "Biblioteket" --unit "Kultur och fritid" >/dev/null
printf '{"id":"b1","platform":"facebook","kind":"post","author":{"id":"bib","is_account":true},"created_at":"2026-06-01T10:00:00+02:00","text":"Sommarlovsläsning"}\n' >"$WORK/bib.jsonl"
"$K" import --account bibliotek "$WORK/bib.jsonl" >/dev/null
printf 'inte en bild\n' >"$WORK/bild.png"
before=$(db_state)
blobs=$(find "$KANALVAKT_DATA/blobs" -type f | wc -l)
expect_exit 2 "a picture for an unknown account" -- "$K" account picture nosuch --file "$SRC/tests/fixtures/images/circle.png"
expect_grep "nosuch" "$WORK/err" "names the account"
expect_exit 2 "a file that is not an image" -- "$K" account picture bibliotek --file "$WORK/bild.png"
expect_grep "bild.png: not a PNG or JPEG image" "$WORK/err" "names the file and why"
expect_exit 2 "a missing file" -- "$K" account picture bibliotek --file "$WORK/finns-inte.png"
expect_grep -- "--file $WORK/finns-inte.png: No such file" "$WORK/err" "names the missing file"
[[ "$(db_state)" == "$before" && $(find "$KANALVAKT_DATA/blobs" -type f | wc -l) == "$blobs" ]] &&
	ok "refused pictures changed nothing" || bad "a refused picture changed something"
expect_exit 0 "account picture --file" -- "$K" --json account picture bibliotek --file "$SRC/tests/fixtures/images/circle.png"
pic=$(sha256sum "$SRC/tests/fixtures/images/circle.png" | cut -d' ' -f1)
jq -e --arg h "$pic" '.current.sha256 == $h and .current.source == "file" and .current.content_type == "image/png"' "$WORK/out" >/dev/null &&
	ok "the picture is the account's current one" || bad "picture: $(cat "$WORK/out")"
"$K" --json audit list >"$WORK/audit"
jq -e -s --arg h "$pic" 'map(select(.action == "account.picture")) | length == 1' "$WORK/audit" >/dev/null &&
	ok "setting the picture is audited" || bad "audit: no account.picture"
images() { pdfimages -list "$1" | awk 'NR > 2 && $3 == "image"' | wc -l; }
expect_exit 0 "a snapshot of the day before the picture" -- "$K" snapshot --account bibliotek --date 2026-07-09 --out "$WORK/bib"
expect_exit 0 "a snapshot of the day the picture was noted" -- "$K" snapshot --account bibliotek --date 2026-07-10 --out "$WORK/bib"
B1="$WORK/bib/Facebook Biblioteket 2026-07-09 periodiskt uttag.pdf"
B2="$WORK/bib/Facebook Biblioteket 2026-07-10 periodiskt uttag.pdf"
[[ $(images "$B1") == 0 && $(images "$B2") == 1 ]] && ok "the header shows the picture from the day it was noted, one image more" ||
	bad "images: $(pdfimages -list "$B1"; pdfimages -list "$B2")"
pdftotext -enc UTF-8 "$B2" "$WORK/bib.txt"
expect_grep 'Pro.{1,3}lbild \(satt för hand, noterad 2026-07-10 12:00\)' "$WORK/bib.txt" "the picture says where it came from and when"
if "$SRC/scripts/pdfa-preflight" "$B2" 2>"$WORK/preflight"; then ok "Preflight: the snapshot with the profile picture is valid PDF/A-1b"; else
	bad "Preflight refused the snapshot with the profile picture"; head -20 "$WORK/preflight"
fi

printf '[records]\nsnapshot_dates = 13-01\n' >"$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 2 "a bad date list is refused" -- "$K" snapshot due
expect_grep 'snapshot_dates' "$WORK/err" "names the setting"
finish
