#!/usr/bin/env bash
# The package validator against the real schemas and the E-ARK example
# packages from ../shared/data/archival (skipped when absent): XSD
# validation offline through a wrapper schema (METS + DILCIS CSIP and SIP
# extensions) and PREMIS, the valid example passing, the broken ones failing
# with the requirement ids they break, and Kanalvakt's own package valid.
source "$(dirname "$0")/../e2e/lib.bash"
A="${KV_SHARED_DATA:-}/archival"
[[ -d "$A/eark_csip/examples" && -f "$A/eark_csip/schema/mets.xsd" && -f "$A/premis_v3/premis-v3-0.xsd" ]] || {
	echo "no archival samples in ${KV_SHARED_DATA:-(unset)}: skipped"
	exit 77
}
F="${KV_SOURCE_DIR:?}/tests/fixtures"

# The schemas, by the names the validator looks for (links, not copies).
S="$WORK/schemas"
mkdir -p "$S"
ln -s "$A/eark_csip/schema/mets.xsd" "$S/mets.xsd"
ln -s "$A/eark_csip/schema/DILCISExtensionMETS.xsd" "$S/DILCISExtensionMETS.xsd"
ln -s "$A/eark_sip/schema/DILCISExtensionSIPMETS.xsd" "$S/DILCISExtensionSIPMETS.xsd"
ln -s "$A/premis_v3/premis-v3-0.xsd" "$S/premis.xsd"

unpack() { python3 -m zipfile -e "$1" "$2"; }
mkdir -p "$WORK/ex"
for z in "$A"/eark_csip/examples/minimal_IP_*.zip; do
	n=$(basename "$z" .zip)
	unpack "$z" "$WORK/ex/$n"
done
pkg() { echo "$WORK/ex/$1/minimal_IP_with_schemas"; }

"$K" init --org "Exempelby kommun" >/dev/null

# As unpacked, the valid example's schemas/xlink.xsd has LF line ends while
# its METS.xml records the MD5 and size of the file with CRLF (8322 bytes):
# the checksum check must say so, and say nothing else.
expect_exit 1 "the valid example as unpacked: a checksum mismatch" -- "$K" archive validate --schemas "$S" "$(pkg minimal_IP_with_schemas)"
expect_grep "^CHECKSUM +error +METS.xml:[0-9]+: schemas/xlink.xsd: MD5 is" "$WORK/out" "the mismatch is xlink.xsd's"
[[ $(grep -c " error " "$WORK/out") -eq 2 ]] && ok "checksum and size are the only errors" || bad "errors: $(grep ' error ' "$WORK/out")"
for p in "$WORK"/ex/*/minimal_IP_with_schemas; do
	sed -i 's/$/\r/' "$p/schemas/xlink.xsd"
done
expect_exit 0 "the valid example passes" -- "$K" archive validate --schemas "$S" "$(pkg minimal_IP_with_schemas)"
expect_grep "valid \(0 errors, [0-9]+ warnings; .*XSD validated\)" "$WORK/out" "with XSD validation"

check_bad() { # name id description
	expect_exit 1 "$3 fails" -- "$K" archive validate --schemas "$S" "$(pkg "$1")"
	expect_grep "^$2 +error" "$WORK/out" "$3 is reported as $2"
}
check_bad minimal_IP_invmets XSD "a METS that breaks the schema"
expect_grep "namez" "$WORK/out" "the XSD error names the element"
check_bad minimal_IP_nocrtdt CSIP7 "no metsHdr/@CREATEDATE"
check_bad minimal_IP_noflscid CSIP59 "no fileSec/@ID"
check_bad minimal_IP_nomtshdr CSIP117 "no metsHdr"
check_bad minimal_IP_nopcktyp CSIP9 "no @csip:OAISPACKAGETYPE"

# Kanalvakt's own package, with the schemas copied into it.
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation --platform-id 104857392011234 >/dev/null
"$K" import "$F/meta/webhook_page_comments.json" "$F/meta/graph_feed_p1.json" "$F/meta/graph_feed_p2.json" \
	"$F/meta/webhook_page_edited.json" >/dev/null
expect_exit 0 "archive sip with the schemas" -- "$K" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --schemas "$S" --out "$WORK/exempelby-2026"
P="$WORK/exempelby-2026"
for f in mets.xsd DILCISExtensionMETS.xsd DILCISExtensionSIPMETS.xsd premis.xsd xlink.xsd; do
	[[ -f "$P/schemas/$f" && ! -L "$P/schemas/$f" ]] && ok "the package carries schemas/$f" || bad "no schemas/$f"
done
expect_exit 0 "Kanalvakt's package is valid with XSD" -- "$K" archive validate --schemas "$S" "$P"
expect_grep "valid \(0 errors, 0 warnings; .* with the SIP profile.*XSD validated\)" "$WORK/out" "no errors, no warnings"
printf '[archive]\nschemas = %s\n' "$S" >"$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 0 "the schemas from [archive] schemas" -- "$K" archive validate "$P"
expect_grep "XSD validated" "$WORK/out" "the configured schemas are used"

cp -r "$P" "$WORK/badtype"
sed -i 's/csip:OAISPACKAGETYPE="SIP"/csip:OAISPACKAGETYPE="XIP"/' "$WORK/badtype/METS.xml"
expect_exit 1 "a package type outside the vocabulary fails" -- "$K" archive validate "$WORK/badtype"
expect_grep "^XSD +error .*OAISPACKAGETYPE" "$WORK/out" "the wrapper schema checks the csip: attributes strictly"
cp -r "$P" "$WORK/badpremis"
sed -i 's|<premis:eventType>capture</premis:eventType>|<premis:eventKind>capture</premis:eventKind>|' "$WORK/badpremis/metadata/preservation/premis.xml"
expect_exit 1 "a PREMIS document that breaks its schema fails" -- "$K" archive validate "$WORK/badpremis"
expect_grep "^XSD +error +metadata/preservation/premis.xml" "$WORK/out" "the PREMIS error names the file"
cp -r "$P" "$WORK/badrep"
sed -i 's|<mets:fileGrp USE="Data"|<mets:fileGroup USE="Data"|; s|</mets:fileGrp>|</mets:fileGroup>|' "$WORK/badrep/representations/rep1/METS.xml"
expect_exit 1 "a broken representation METS fails" -- "$K" archive validate "$WORK/badrep"
expect_grep "^XSD +error +representations/rep1/METS.xml" "$WORK/out" "the representation's METS is validated too"
finish
