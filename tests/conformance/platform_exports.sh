#!/usr/bin/env bash
# Conformance: every sample under ../shared/data/platform_exports that is in a
# supported format imports without error, and every record in it is accounted
# for: the items stored plus the records skipped (with a reason) equal the
# number of records the file holds, counted here independently with jq.
# Files that are not in a supported format (documentation, fragments, other
# tools' formats) must be refused with a clear message instead.
set -uo pipefail
D="${KV_SHARED_DATA:-}/platform_exports"
[[ -d "$D" ]] || { echo "no $D: skipped"; exit 77; }
K=${KANALVAKT_BIN:?}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kv-conf.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export KANALVAKT_USER=conformance
pass=0
fail=0

# The number of records a file holds, by format; empty when not counted.
expected() {
	local f=$1 fmt=$2
	case "$fmt" in
	youtube)
		jq '[if .kind == "youtube#commentThreadListResponse" then (.items[] | 1 + ((.replies.comments // []) | length))
		     elif .kind == "youtube#commentListResponse" then (.items[] | 1)
		     elif .kind == "youtube#commentThread" then 1 + ((.replies.comments // []) | length)
		     elif .kind == "youtube#comment" then 1 else empty end] | add // 0' "$f" ;;
	x-archive)
		sed '1s/^[^=]*= *//' "$f" | jq 'length' ;;
	meta-dyi)
		jq 'if type == "object" and has("messages") then (.messages | length)
		    elif type == "object" and has("comments_v2") then (.comments_v2 | length)
		    elif type == "array" then length else empty end' "$f" ;;
	esac
}

i=0
while IFS= read -r -d '' f; do
	rel=${f#"$D"/}
	i=$((i + 1))
	data="$WORK/d$i"
	"$K" --data-dir "$data" init --org Conformance >/dev/null
	"$K" --data-dir "$data" unit add --name Enhet >/dev/null
	"$K" --data-dir "$data" account add --platform other --handle samples --unit Enhet >/dev/null
	head=$(head -c 65536 "$f")
	fmt_opt=()
	set +e
	"$K" --data-dir "$data" --json import --no-screen --account samples "$f" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	set -e 2>/dev/null; set +e
	# Graph API objects without a list around them (a single page, comment or
	# a ?ids= response) cannot be told from their first bytes; the folder
	# says they come from the Graph API, so they must import as such.
	if [[ $rc -ne 0 ]] && grep -q "cannot tell the format" "$WORK/err" &&
		[[ "$rel" == meta_graph_api/* || "$rel" == meta_webhooks_restfb/instagram/* ]]; then
		fmt_opt=(--format graph)
		"$K" --data-dir "$data" --json import --no-screen "${fmt_opt[@]}" --account samples "$f" >"$WORK/out" 2>"$WORK/err"
		rc=$?
	fi
	if [[ $rc -ne 0 ]]; then
		if grep -q "cannot tell the format" "$WORK/err"; then
			echo "ok   $rel: not a supported format (refused with a clear message)"
			pass=$((pass + 1))
		elif grep -qE "Graph API error" "$WORK/err"; then
			# A sample of the API's error envelope: reported as the error it is.
			echo "ok   $rel: error envelope reported: $(head -c 160 "$WORK/err")"
			pass=$((pass + 1))
		elif grep -qE "not a webhook delivery|is not a|expected" "$WORK/err" && [[ $rc -eq 2 ]]; then
			echo "ok   $rel: refused: $(head -c 160 "$WORK/err")"
			pass=$((pass + 1))
		else
			echo "FAIL $rel: exit $rc: $(head -c 300 "$WORK/err")"
			fail=$((fail + 1))
		fi
		continue
	fi
	got=$(jq '.new + .updated + .unchanged + .skipped + .events' "$WORK/out")
	stored=$(sqlite3 "$data/kanalvakt.db" "SELECT COUNT(*) FROM item")
	fmt=$(grep -q 'window.YTD' <<<"${head:0:200}" && echo x-archive ||
		(grep -q '"youtube#' <<<"$head" && echo youtube) ||
		(grep -qE '"(messages|comments_v2)"' <<<"$head" && echo meta-dyi) || echo other)
	want=$(expected "$f" "$fmt" 2>/dev/null)
	if [[ -n "$want" && "$want" != "$got" ]]; then
		echo "FAIL $rel: $got records accounted for, the file holds $want"
		fail=$((fail + 1))
	else
		echo "ok   $rel: $stored items stored, $got records accounted for${want:+ (file holds $want)}"
		pass=$((pass + 1))
	fi
	# Importing again changes nothing.
	"$K" --data-dir "$data" --json import --no-screen "${fmt_opt[@]}" --account samples "$f" >"$WORK/out2" 2>&1
	if ! jq -e '.new == 0 and .updated == 0 and .events == 0' "$WORK/out2" >/dev/null 2>&1; then
		echo "FAIL $rel: second import changed something: $(head -c 200 "$WORK/out2")"
		fail=$((fail + 1))
	fi
done < <(find "$D" -type f \( -name '*.json' -o -name '*.js' -o -name '*.jsonl' -o -name '*.xml' \) -print0 | sort -z)
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
