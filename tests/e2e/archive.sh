#!/usr/bin/env bash
# Delivering to the e-archive and trusted timestamps over the real binary:
# an E-ARK SIP of an account's records, validated; refused output folders;
# RFC 3161 tokens from a local test TSA; verify finding a changed file and a
# foreign CA; a TSA that is down (kept untimestamped, alerted, retried by
# hand and by serve's pass); the audit head's daily token.
source "$(dirname "$0")/lib.bash"
F="${KV_SOURCE_DIR:?}/tests/fixtures"
BIN=$KV_BIN_DIR
DB="$KANALVAKT_DATA/kanalvakt.db"

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation --platform-id 104857392011234 >/dev/null
"$K" import "$F/meta/webhook_page_comments.json" "$F/meta/graph_feed_p1.json" "$F/meta/graph_feed_p2.json" \
	"$F/meta/webhook_page_edited.json" >/dev/null
items=$(sqlite3 "$DB" "SELECT COUNT(*) FROM item")

# The test TSA: a throw-away CA and a signer with EKU timeStamping.
bash "$KV_SOURCE_DIR/tests/testtsa/make-certs.sh" "$WORK/pki"
tsa_pid=
start_tsa() {
	rm -f "$WORK/tsa.port"
	"$BIN/testtsa" "$WORK/pki/tsa.pem" "$WORK/pki/tsa.key" "$WORK/pki/ca.pem" "$WORK/tsa.port" "$WORK/tsa.log" &
	tsa_pid=$!
	for _ in $(seq 100); do [[ -s "$WORK/tsa.port" ]] && break; sleep 0.05; done
	printf '[tsa]\nurl = http://127.0.0.1:%s/\nca = %s\n' "$(cat "$WORK/tsa.port")" "$WORK/pki/ca.pem" \
		>"$KANALVAKT_DATA/kanalvakt.conf"
}
stop_tsa() {
	kill "$tsa_pid"
	wait "$tsa_pid" 2>/dev/null || true
}
trap 'stop_tsa 2>/dev/null; rm -rf "$WORK"' EXIT
start_tsa

# A package, timestamped.
expect_exit 0 "archive sip" -- "$K" --json archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/exempelby-2026" --org-number 2120000142
jq -e --argjson n "$items" '.objid == "exempelby-2026" and .items == $n and .timestamped' "$WORK/out" >/dev/null &&
	ok "the package holds every item and is timestamped" || bad "archive sip: $(cat "$WORK/out")"
P="$WORK/exempelby-2026"
for f in METS.xml METS.xml.tsr representations/rep1/METS.xml representations/rep1/data/records.jsonl \
	metadata/descriptive/dc.xml metadata/preservation/premis.xml schemas/xlink.xsd documentation/kanalvakt-records.txt; do
	[[ -f "$P/$f" ]] && ok "package has $f" || bad "package lacks $f"
done
[[ $(wc -l <"$P/representations/rep1/data/records.jsonl") -eq $items ]] && ok "one JSON line per item" || bad "records.jsonl lines"
jq -e -s 'all(.[]; (.versions | length) >= 1 and (.platform_id | length) > 0)' "$P/representations/rep1/data/records.jsonl" >/dev/null &&
	ok "each line is an item with its versions" || bad "records.jsonl content"
expect_grep 'OBJID="exempelby-2026"' "$P/METS.xml" "OBJID is the folder's name"
expect_grep 'csip:OAISPACKAGETYPE="SIP"' "$P/METS.xml" "the package type is SIP"
expect_grep '<mets:name>Exempelby kommun</mets:name>' "$P/METS.xml" "the organisation is an agent"
[[ $(grep -c 'csip:NOTETYPE="IDENTIFICATIONCODE">212000-0142</mets:note>' "$P/METS.xml") -eq 2 ]] &&
	ok "archivist and creator carry the organisationsnummer as IDENTIFICATIONCODE" || bad "no IDENTIFICATIONCODE note"
expect_grep 'CHECKSUMTYPE="SHA-256"' "$P/representations/rep1/METS.xml" "file entries carry SHA-256"
expect_grep '<premis:eventType>capture</premis:eventType>' "$P/metadata/preservation/premis.xml" "PREMIS has capture events"
expect_grep '<premis:eventType>edit</premis:eventType>' "$P/metadata/preservation/premis.xml" "PREMIS has edit events"
[[ -f "$P/representations/rep1/data/printout.pdf" ]] && ok "package has the PDF/A printout" || bad "no printout.pdf"
expect_grep 'MIMETYPE="application/pdf"' "$P/representations/rep1/METS.xml" "the printout is a file entry"
if command -v pdftotext >/dev/null; then
	pdftotext "$P/representations/rep1/data/printout.pdf" "$WORK/printout.txt"
	expect_grep "utskrift" "$WORK/printout.txt" "the printout has its title"
	expect_grep "När öppnar kiosken" "$WORK/printout.txt" "the printout holds the items' texts, with å ä ö"
	expect_grep "redigerat" "$WORK/printout.txt" "the printout marks edited items"
fi
expect_exit 0 "openssl reads the token" -- openssl ts -verify -in "$P/METS.xml.tsr" -data "$P/METS.xml" -CAfile "$WORK/pki/ca.pem"
expect_exit 0 "archive validate" -- "$K" archive validate "$P"
expect_grep "valid \(0 errors" "$WORK/out" "the package is valid"
mkdir "$WORK/noschemas"
expect_exit 2 "a schemas folder without the schemas is refused" -- "$K" archive validate --schemas "$WORK/noschemas" "$P"
expect_grep "no mets.xsd" "$WORK/err" "the error names the missing schema"
expect_exit 0 "archive list" -- "$K" --json archive list
jq -e -s --argjson n "$items" 'length == 1 and .[0].objid == "exempelby-2026" and .[0].items == $n' "$WORK/out" >/dev/null &&
	ok "archive list shows the package and its count" || bad "archive list: $(cat "$WORK/out")"
marked=$(sqlite3 "$DB" "SELECT COUNT(*) FROM archive_package_item")
[[ $marked -eq $items ]] && ok "every item is marked with the package" || bad "$marked items marked, $items wanted"

# Above [archive] printout_max_items the package has no printout, and says so.
cp "$KANALVAKT_DATA/kanalvakt.conf" "$WORK/conf.saved"
printf '[archive]\nprintout_max_items = 2\n' >>"$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 0 "archive sip above the printout limit" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/exempelby-large"
expect_grep "no PDF/A printout" "$WORK/err" "the command says the printout was left out"
[[ ! -e "$WORK/exempelby-large/representations/rep1/data/printout.pdf" ]] && ok "no printout above the limit" || bad "a printout above the limit"
expect_exit 0 "the package without a printout is valid" -- "$K" archive validate "$WORK/exempelby-large"
cp "$WORK/conf.saved" "$KANALVAKT_DATA/kanalvakt.conf"

# Refused: an existing folder, bad dates, an unknown account; nothing changes.
state=$(db_state)
expect_exit 2 "an existing output folder is refused" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$P"
expect_grep "exists already" "$WORK/err" "the error says the folder exists"
mkdir "$WORK/taken"
expect_exit 2 "an existing empty folder is refused" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/taken"
expect_exit 2 "a wrong check digit is refused" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/x0" --org-number 212000-0143
expect_grep 'org-number.*212000-0143.*check digit' "$WORK/err" "the error names the number and why"
expect_exit 2 "a short number is refused" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/x0" --org-number 21200-0142
[[ ! -e $WORK/x0 ]] && ok "a refused number writes no package" || bad "x0 was written"
expect_exit 2 "a bad date is refused" -- "$K" archive sip --account exempelby --from 2025-13-01 --to 2026-12-31 --out "$WORK/x1"
expect_grep -- "--from" "$WORK/err" "the error names --from"
expect_exit 2 "to before from is refused" -- "$K" archive sip --account exempelby --from 2026-01-01 --to 2025-12-31 --out "$WORK/x2"
expect_exit 2 "an unknown account is refused" -- "$K" archive sip --account nobody --from 2025-01-01 --to 2026-12-31 --out "$WORK/x3"
expect_exit 2 "a folder name that is no OBJID is refused" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/bad name"
[[ "$(db_state)" == "$state" ]] && ok "refused packages change nothing" || bad "a refused package changed the database"
ls -d "$WORK"/x1* "$WORK"/*.partial-* 2>/dev/null | grep -q . && bad "a refused package left files" || ok "no half package left behind"

# verify: intact, then a changed file, then a foreign CA.
expect_exit 0 "verify an intact package" -- "$K" verify "$P"
expect_grep "intact: [0-9]+ checksums, timestamp of" "$WORK/out" "verify reports checksums and the token"
cp -r "$P" "$WORK/tampered"
printf '{"forged":true}\n' >>"$WORK/tampered/representations/rep1/data/records.jsonl"
expect_exit 1 "verify finds a changed file" -- "$K" verify "$WORK/tampered"
expect_grep "records.jsonl: SHA-256 is" "$WORK/out" "verify names the changed file"
expect_exit 1 "validate finds it too" -- "$K" archive validate "$WORK/tampered"
expect_grep "^CHECKSUM" "$WORK/out" "reported as CHECKSUM"
cp -r "$P" "$WORK/tampered2"
sed -i 's/Exempelby kommun/Annan kommun/' "$WORK/tampered2/METS.xml"
expect_exit 1 "verify finds a changed METS.xml by its token" -- "$K" verify "$WORK/tampered2"
expect_grep "timestamp: METS.xml: time-stamp does not verify" "$WORK/out" "the token no longer matches"
cp "$KANALVAKT_DATA/kanalvakt.conf" "$WORK/good.conf"
printf '[tsa]\nurl = http://127.0.0.1:1/\nca = %s\n' "$WORK/pki/other-ca.pem" >"$WORK/other.conf"
expect_exit 1 "a token from a TSA the CA bundle does not know fails" -- "$K" --config "$WORK/other.conf" verify "$P"
expect_grep "does not verify" "$WORK/out" "verify says the token does not verify"

# Any file can be stamped (the API the snapshot, protokoll and disclosure use).
echo "protokoll" >"$WORK/protokoll.json"
expect_exit 0 "timestamp a file" -- "$K" timestamp file --kind protokoll "$WORK/protokoll.json"
[[ -s "$WORK/protokoll.json.tsr" ]] && ok "the token is written beside the file" || bad "no protokoll.json.tsr"
expect_exit 0 "verify the file" -- "$K" verify "$WORK/protokoll.json"
echo "changed" >>"$WORK/protokoll.json"
expect_exit 1 "verify a changed file" -- "$K" verify "$WORK/protokoll.json"

# A disclosure folder: its manifest.json lists the files with their SHA-256.
D="$WORK/disclosure"
mkdir "$D"
echo "utlämnade handlingar" >"$D/handlingar.csv"
printf '{"ref":"Dnr 1","files":[{"name":"handlingar.csv","sha256":"%s","bytes":%s}]}\n' \
	"$(sha256sum "$D/handlingar.csv" | cut -d' ' -f1)" "$(stat -c %s "$D/handlingar.csv")" >"$D/manifest.json"
expect_exit 0 "timestamp the disclosure's manifest" -- "$K" timestamp file --kind disclosure "$D/manifest.json"
expect_exit 0 "verify a disclosure folder" -- "$K" verify "$D"
expect_grep "intact: 1 checksums, timestamp of" "$WORK/out" "its file and the manifest's token verify"
echo "mer" >>"$D/handlingar.csv"
expect_exit 1 "verify finds a changed disclosed file" -- "$K" verify "$D"
expect_grep "handlingar.csv: SHA-256 is" "$WORK/out" "the changed file is named"
expect_exit 2 "a folder that is neither package nor manifest is refused" -- "$K" verify "$WORK/pki"

# The TSA is down: the package is written, kept untimestamped, alerted.
stop_tsa
expect_exit 0 "archive sip while the TSA is down" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2025-12-31 --out "$WORK/exempelby-2025"
expect_grep "not timestamped yet" "$WORK/err" "the command warns that it is untimestamped"
[[ -f "$WORK/exempelby-2025/METS.xml" && ! -e "$WORK/exempelby-2025/METS.xml.tsr" ]] && ok "the package is kept, without a token" || bad "package while the TSA is down"
expect_exit 0 "timestamp list --pending" -- "$K" --json timestamp list --pending
jq -e -s 'length == 1 and .[0].ref == "exempelby-2025" and .[0].state == "pending"' "$WORK/out" >/dev/null &&
	ok "the package is listed as untimestamped" || bad "pending: $(cat "$WORK/out")"
expect_exit 0 "alert list" -- "$K" --json alert list
jq -e -s 'map(select(.kind == "timestamp.missing")) | length == 1' "$WORK/out" >/dev/null && ok "an alert was raised" || bad "alerts: $(cat "$WORK/out")"
expect_exit 1 "verify says it is untimestamped" -- "$K" verify "$WORK/exempelby-2025"
expect_grep "untimestamped" "$WORK/out" "verify names the missing token"
expect_exit 0 "timestamp retry while still down" -- "$K" timestamp retry
expect_grep "0 timestamped, 1 still pending" "$WORK/out" "nothing stamped while the TSA is down"

# Back up: a retry by hand stamps it.
start_tsa
expect_exit 0 "timestamp retry" -- "$K" timestamp retry
expect_grep "1 timestamped, 0 still pending" "$WORK/out" "the retry stamps the package"
expect_exit 0 "verify after the retry" -- "$K" verify "$WORK/exempelby-2025"

# serve's pass retries by itself, and stamps the audit head once a day.
stop_tsa
echo "utlämnande" >"$WORK/disclosure.pdf"
expect_exit 0 "timestamp a file while the TSA is down" -- "$K" timestamp file --kind disclosure "$WORK/disclosure.pdf"
start_tsa
{ cat "$KANALVAKT_DATA/kanalvakt.conf"; printf '[meta]\napp_secret = e2e-secret\n[server]\nnotify_interval = 1s\n'; } >"$WORK/serve.conf"
kv_secrets "$WORK/serve.conf"
"$K" --config "$WORK/serve.conf" serve --listen 127.0.0.1:0 >/dev/null 2>"$WORK/serve.log" &
serve_pid=$!
pending() { sqlite3 "$DB" "SELECT COUNT(*) FROM timestamp_token WHERE state = 'pending'"; }
heads() { sqlite3 "$DB" "SELECT COUNT(*) FROM timestamp_token WHERE kind = 'audit-head' AND state = 'stamped'"; }
for _ in $(seq 300); do [[ $(pending) -eq 0 && $(heads) -ge 1 ]] && break; sleep 0.1; done
sleep 1.5 # another pass: the head is stamped once a day, not every pass
kill "$serve_pid"
wait "$serve_pid" || true
[[ $(pending) -eq 0 ]] && ok "serve stamped what was pending" || bad "$(pending) still pending after serve"
[[ $(heads) -eq 1 ]] && ok "serve stamped the audit head once" || bad "$(heads) audit head tokens"
[[ -s "$WORK/disclosure.pdf.tsr" ]] && ok "the retried token is written beside the file" || bad "no disclosure.pdf.tsr"
expect_grep "notify: audit head timestamped" "$WORK/serve.log" "serve logs the audit head's token"
expect_exit 0 "verify --audit" -- "$K" verify --audit
expect_grep "audit chain verified and its head timestamped" "$WORK/out" "the chain and its head's token verify"
sqlite3 "$DB" "UPDATE audit SET actor = 'mallory' WHERE seq = 2"
expect_exit 1 "verify --audit finds an edited entry" -- "$K" verify --audit
expect_grep "^audit: entry 2" "$WORK/out" "verify names the entry"

expect_exit 0 "audit list" -- "$K" audit list
for action in archive.sip archive.validate timestamp.stamp timestamp.pending verify; do
	expect_grep " $action " "$WORK/out" "audit has $action"
done
for cmd in "archive sip" "archive list" "archive validate" "timestamp file" "timestamp list" "timestamp retry" "verify"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$cmd --help" -- "$K" $cmd --help
done
finish
