#!/usr/bin/env bash
# Conformance: every Skatteverket test personnummer and samordningsnummer in
# $KV_SHARED_DATA/personnummer is found by `kanalvakt screen` when written into
# running text in each supported form, with the exact byte span; the
# organisationsnummer there, and the dates and phone numbers in the same
# texts, give no personal_id hit. Skips (77) when the data is absent.
set -euo pipefail
bin=${KANALVAKT_BIN:?}
data=${KV_SHARED_DATA:-../shared/data}/personnummer
src=${KV_SOURCE_DIR:?}
pins=$data/skatteverket_via_personnummer_meta/testpersonnummer_1890-2023_allPins.json
coords=$data/skatteverket_via_personnummer_meta/testsamordningsnummer_1914-2023_allCoords.json
orgs=$data/personnummer_meta_testvectors/orgnumber.json
[[ -f $pins && -f $coords && -f $orgs ]] || { echo "no personnummer data; skipped"; exit 77; }
command -v jq >/dev/null || { echo "jq missing; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One JSON line per (number, form): the text and the exact string expected.
# Forms: YYYYMMDDNNNN, YYYYMMDD-NNNN, YYMMDD-NNNN (+ at 100 years or more),
# YYMMDD NNNN and YYMMDDNNNN (also for numbers starting 0, born 2000-2009:
# ten digits with a real date and Luhn digit are a personnummer even when
# they could be dialled, see docs/internals/screen.md).
jq -c -s '
  (.[0] + .[1]) | to_entries[] | .value as $p | .key as $i |
  ($p[0:4] | tonumber) as $y |
  ($p[2:8]) as $short | ($p[8:12]) as $tail |
  ([$p, ($p[0:8] + "-" + $tail),
    ($short + (if $y <= 1924 then "+" else "-" end) + $tail),
    ($short + " " + $tail)] +
   [$short + $tail])[] as $form |
  {id: "\($i)-\($form)", want: $form,
   text: "Hej! Mitt nummer är \($form), ring 070-123 45 67 eller +46 8 123 456 78 före 2024-05-06 (06-05-2024)."}
' "$pins" "$coords" > "$tmp/in.jsonl"
n=$(wc -l < "$tmp/in.jsonl")
"$bin" screen --input jsonl --rules "$src/rules" "$tmp/in.jsonl" > "$tmp/out.jsonl"

# Pair input and output by line; check the byte span (the number starts
# after "Hej! Mitt nummer är ", 21 bytes) and that nothing else in the
# text is a personal_id.
bad=$(paste -d '\n' "$tmp/in.jsonl" "$tmp/out.jsonl" | jq -c -s '
  [range(0; length; 2) as $k | .[$k] as $in | .[$k + 1] as $out |
   ($out.flags | map(select(.category == "personal_id"))) as $ids |
   select(($ids | length) != 1 or $ids[0].match != $in.want
          or $ids[0].start != 21 or $ids[0].end != 21 + ($in.want | utf8bytelength)) |
   {id: $in.id, got: $ids}] | .[0:5], length' 2>/dev/null || true)
if [[ $(echo "$bad" | tail -1) != 0 ]]; then
	echo "FAIL: numbers not found exactly once with their span (first five, then count):"
	echo "$bad"
	exit 1
fi

# Organisationsnummer: never a personal_id.
jq -c '.[] | .short_format, .separated_format | {text: "Vårt org.nr är \(.) enligt fakturan."}' \
	"$orgs" > "$tmp/org.jsonl"
if "$bin" screen --input jsonl --rules "$src/rules" "$tmp/org.jsonl" | grep -q '"personal_id"'; then
	echo "FAIL: an organisationsnummer was reported as personal_id"
	exit 1
fi
echo "ok: $n texts with test personnummer/samordningsnummer found; organisationsnummer ignored"
