#!/usr/bin/env bash
# A cull killed with SIGKILL in the middle: every batch is wholly done or
# not done (the items its list names are gone with their versions and search
# entries, every other item is whole), the protokoll made from the list is
# true while the run is cut short, and the next cull closes the run as
# interrupted and finishes the work; the audit chain still verifies.
source "$(dirname "$0")/lib.bash"
DB=$KANALVAKT_DATA/kanalvakt.db
q() { sqlite3 "$DB" "$1"; }
N=6000
BATCH=40

export KANALVAKT_NOW=2026-01-12T18:00:00+01:00
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name K >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --platform-id 500 --unit K >/dev/null
awk -v n=$N 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "{\"id\":\"500_%d\",\"platform\":\"facebook\",\"kind\":\"comment\",\"parent_id\":\"500_0\",\"root_id\":\"500_0\",\"author\":{\"id\":\"9%d\",\"name\":\"Person %d\"},\"created_at\":\"2026-01-10T10:00:00+01:00\",\"text\":\"kommentar nummer %d\"}\n", i, i, i, i
	# The post last, so that every batch of the run reads comments only.
	print "{\"id\":\"500_0\",\"platform\":\"facebook\",\"kind\":\"post\",\"author\":{\"id\":\"500\",\"name\":\"Kommunen\",\"is_account\":true},\"created_at\":\"2026-01-10T09:00:00+01:00\",\"text\":\"Inlägg\"}"
}' >"$WORK/feed.jsonl"
# Every tenth comment edited: a second version.
awk -v n=$N 'BEGIN {
	for (i = 10; i <= n; i += 10)
		printf "{\"id\":\"500_%d\",\"platform\":\"facebook\",\"kind\":\"comment\",\"parent_id\":\"500_0\",\"root_id\":\"500_0\",\"author\":{\"id\":\"9%d\",\"name\":\"Person %d\"},\"created_at\":\"2026-01-10T10:00:00+01:00\",\"text\":\"kommentar nummer %d ändrad\"}\n", i, i, i, i
}' >"$WORK/edits.jsonl"
expect_exit 0 "import $N comments" -- "$K" import --no-screen --account exempelbykommun "$WORK/feed.jsonl"
expect_exit 0 "import the edits" -- "$K" import --no-screen --account exempelbykommun "$WORK/edits.jsonl"
cat >"$WORK/plan.txt" <<'EOF'
plan: Gallra allt inkommet
[organisation]
inkomna | gallras omedelbart | nej | AL Diarieföring och gallring
EOF
expect_exit 0 "load the plan" -- "$K" retention load "$WORK/plan.txt"

"$K" cull --batch $BATCH --pause-ms 25 >"$WORK/cull.out" 2>"$WORK/cull.err" &
pid=$!
for _ in $(seq 400); do
	b=$(q "SELECT COALESCE(MAX(batches), 0) FROM cull_run" 2>/dev/null || echo 0)
	[[ $b -ge 5 ]] && break
	sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[[ $(q "SELECT state FROM cull_run WHERE id = 1") == running ]] && ok "the run was cut short mid-way" ||
	bad "the run was not running when killed: $(q 'SELECT state FROM cull_run')"

listed=$(q "SELECT COUNT(*) FROM cull_removed WHERE run_id = 1 AND what = 'item'")
batches=$(q "SELECT batches FROM cull_run WHERE id = 1")
left=$(q "SELECT COUNT(*) FROM item WHERE kind = 'comment'")
[[ $listed -gt 0 && $listed -lt $N ]] && ok "some but not all were removed ($listed)" || bad "listed $listed"
[[ $((N - left)) -eq $listed ]] && ok "exactly the listed items are gone" || bad "gone $((N - left)), listed $listed"
[[ $listed -eq $((batches * BATCH)) ]] && ok "each committed batch is whole ($batches × $BATCH)" ||
	bad "listed $listed in $batches batches of $BATCH"
[[ $(q "SELECT COUNT(*) FROM cull_removed c JOIN item i
	ON c.entry = 'inkomna' || char(9) || 'facebook/exempelbykommun' || char(9) || 'item' || char(9) || i.platform_id
	WHERE c.run_id = 1") == 0 ]] && ok "no listed item is left" || bad "a listed item is still there"
edited_left=$(q "SELECT COUNT(*) FROM item WHERE kind = 'comment' AND versions = 2")
[[ $(q "SELECT COUNT(*) FROM item_version_more") -eq $edited_left ]] &&
	ok "every remaining edited item keeps its second version, no orphans" || bad "versions: $(q 'SELECT COUNT(*) FROM item_version_more') for $edited_left"
expect_exit 0 "search after the kill" -- "$K" --json search kommentar --limit $((N + 10))
[[ $(wc -l <"$WORK/out") -eq $left ]] && ok "the search index holds exactly the remaining comments" ||
	bad "search finds $(wc -l <"$WORK/out"), $left remain"
expect_exit 0 "search for an edited text" -- "$K" --json search ändrad --limit $((N + 10))
[[ $(wc -l <"$WORK/out") -eq $edited_left ]] && ok "edited texts are found for the items left" || bad "ändrad: $(wc -l <"$WORK/out") vs $edited_left"

expect_exit 0 "cull show of the cut-short run" -- "$K" --json cull show 1
expect_exit 0 "its list" -- "$K" cull show 1 --list
sha=$(sha256sum <"$WORK/out" | cut -d' ' -f1)
"$K" --json cull show 1 >"$WORK/proto1"
jq -e --arg s "$sha" --argjson n "$listed" '.state == "running" and .removed == $n and .list.sha256 == $s' \
	"$WORK/proto1" >/dev/null && ok "the protokoll is true while cut short" || bad "protokoll: $(cat "$WORK/proto1")"

expect_exit 0 "cull again" -- "$K" --json cull --batch 500
jq -e --argjson rest "$left" '.interrupted_runs_closed == 1 and .removed == $rest' "$WORK/out" >/dev/null &&
	ok "the next cull closes the cut-short run and removes the rest" || bad "second cull: $(cat "$WORK/out")"
[[ $(q "SELECT COUNT(*) FROM item WHERE kind = 'comment'") == 0 ]] && ok "all comments gone" || bad "comments left"
[[ $(q "SELECT COUNT(*) FROM item_version_more") == 0 ]] && ok "all their versions gone" || bad "versions left"
expect_exit 0 "the closed run's protokoll" -- "$K" --json cull show 1
jq -e --arg s "$sha" --argjson n "$listed" '.state == "interrupted" and .removed == $n and .list.sha256 == $s' \
	"$WORK/out" >/dev/null && ok "closed as interrupted with the same list and counts" || bad "closed: $(cat "$WORK/out")"
expect_exit 0 "cull list" -- "$K" --json cull list
jq -e -s --argjson n $N 'map(.removed) | add == $n' "$WORK/out" >/dev/null && ok "the runs together removed all $N" || bad "cull list: $(cat "$WORK/out")"
expect_exit 0 "audit verify" -- "$K" audit verify
finish
