#!/usr/bin/env bash
# Conformance: LinkedIn Community Management API samples under
# ../shared/data/platform_exports/linkedin*/ (none are there today; see its
# SOURCES.md) import as LinkedIn, and every element is accounted for: the
# items stored plus the records skipped equal the elements (or batch results)
# the file holds, counted here with jq. Skipped (77) when there are none.
set -uo pipefail
D="${KV_SHARED_DATA:-}/platform_exports"
K=${KANALVAKT_BIN:?}
shopt -s nullglob
files=()
for dir in "$D"/linkedin*/; do
	while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -name '*.json' -print0)
done
[[ ${#files[@]} -gt 0 ]] || { echo "no LinkedIn samples under $D: skipped"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kv-conf.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export KANALVAKT_USER=conformance
pass=0
fail=0
i=0
for f in "${files[@]}"; do
	i=$((i + 1))
	data="$WORK/d$i"
	"$K" --data-dir "$data" init --org Conformance >/dev/null
	"$K" --data-dir "$data" unit add --name Enhet >/dev/null
	"$K" --data-dir "$data" account add --platform linkedin --handle samples --unit Enhet >/dev/null
	want=$(jq 'if has("elements") then (.elements | length) elif has("results") then (.results | length) else 1 end' "$f")
	if "$K" --data-dir "$data" --json import --no-screen --format linkedin --account samples "$f" >"$WORK/out" 2>"$WORK/err" &&
		[[ $(jq '.new + .updated + .unchanged + .skipped' "$WORK/out") -eq $want ]]; then
		pass=$((pass + 1)); echo "ok   ${f#"$D"/}"
	else
		fail=$((fail + 1)); echo "FAIL ${f#"$D"/}: $(cat "$WORK/err" "$WORK/out") (want $want)"
	fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
