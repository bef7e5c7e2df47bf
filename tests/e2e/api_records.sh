#!/usr/bin/env bash
# Over the API: legal and case holds (add, list, show, release), the
# retention plan, the culling runs (local and on the platform) with their
# gallringsprotokoll, the snapshot and disclosure registers and the packages
# delivered, as the archivist reads them.
# The views are the CLI's; a role without the records permission is refused
# and nothing changes; bad input names the field and changes nothing.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"

ARC=$(login archivist)
ANA=$(login analyst)
call() { # WHO CSRF METHOD PATH [BODY]: prints the status; the body is in $WORK/body.
	local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$3" -b "$WORK/jar.$1" -H "X-CSRF-Token: $2")
	[[ -n ${5:-} ]] && args+=(-H 'Content-Type: application/json' --data-binary "$5")
	curl "${args[@]}" "$API$4"
}
field() { [[ $(jq -r .field "$WORK/body") == "$1" ]]; }
n_holds() { sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT count(*) FROM records_hold"; }

st=$(call analyst "$ANA" POST /holds '{"kind":"account","ref":"exempelbykommun","reason":"x"}')
[[ $st == 403 ]] && ok "an analyst may not put a hold" || bad "analyst hold: $st"
st=$(call archivist "$ARC" POST /holds '{"kind":"konto","ref":"exempelbykommun","reason":"x"}')
[[ $st == 400 ]] && field kind && ok "an unknown kind: 400 naming kind" || bad "bad kind: $st $(cat "$WORK/body")"
st=$(call archivist "$ARC" POST /holds '{"kind":"item","ref":"finns_inte","reason":"x"}')
[[ $st == 404 ]] && field ref && ok "an unknown item: 404 naming ref" || bad "unknown item: $st $(cat "$WORK/body")"
st=$(call archivist "$ARC" POST /holds '{"kind":"account","ref":"exempelbykommun","reason":""}')
[[ $st == 400 ]] && field reason && ok "an empty reason: 400 naming reason" || bad "empty reason: $st $(cat "$WORK/body")"
st=$(call archivist "$ARC" POST /holds '{"kind":"case","ref":"1","account":"exempelby","reason":"x"}')
[[ $st == 400 ]] && field account && ok "account with a case: 400 naming account" || bad "account+case: $st"
[[ $(n_holds) == 0 ]] && ok "the refused holds wrote nothing" || bad "a refused hold was written"

st=$(call archivist "$ARC" POST /holds '{"kind":"item","ref":"204857392011111_1001","reason":"Begäran om utlämnande, dnr KS 2026/14"}')
[[ $st == 201 && $(jq -r .kind "$WORK/body") == item && $(jq .active "$WORK/body") == true ]] &&
	ok "a hold on an item" || bad "add: $st $(cat "$WORK/body")"
id=$(jq .id "$WORK/body")
call archivist "$ARC" GET "/holds/$id" >/dev/null
jq -S . "$WORK/body" >"$WORK/api.json"
"$K" --json hold list | jq -S "select(.id == $id)" >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "GET /holds/$id is the CLI's view" || bad "views differ: $(diff "$WORK/api.json" "$WORK/cli.json")"
st=$(call archivist "$ARC" GET /holds)
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 1 ]] && ok "the list has the active hold" || bad "list: $st"
st=$(call analyst "$ANA" POST "/holds/$id/release" '{"reason":"x"}')
[[ $st == 403 ]] && ok "an analyst may not release it" || bad "analyst release: $st"
st=$(call archivist "$ARC" POST "/holds/$id/release" '{"reason":"Utlämnat 2026-04-02"}')
[[ $st == 200 && $(jq .active "$WORK/body") == false && $(jq -r .release_reason "$WORK/body") == "Utlämnat 2026-04-02" ]] &&
	ok "released with the reason" || bad "release: $st $(cat "$WORK/body")"
st=$(call archivist "$ARC" POST "/holds/$id/release" '{"reason":"igen"}')
[[ $st == 409 ]] && ok "releasing twice: 409" || bad "release twice: $st $(cat "$WORK/body")"
st=$(call archivist "$ARC" GET /holds)
[[ $(jq '.items | length' "$WORK/body") == 0 ]] && ok "no active hold left" || bad "active after release"
call archivist "$ARC" GET '/holds?all=1' >/dev/null
[[ $(jq '.items | length' "$WORK/body") == 1 ]] && ok "?all=1 shows the released one" || bad "all: $(cat "$WORK/body")"
st=$(call archivist "$ARC" GET /holds/99)
[[ $st == 404 ]] && ok "no hold 99: 404" || bad "hold 99: $st"
[[ $(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT count(*) FROM audit WHERE action IN ('hold.add','hold.release')") == 2 ]] &&
	ok "add and release are audited" || bad "audit"

# The plan, the registers and the platform runs, made at the server, read
# over the API: each the CLI's view.
st=$(call archivist "$ARC" GET /retention)
[[ $st == 404 ]] && ok "no plan loaded yet: 404" || bad "retention before load: $st $(cat "$WORK/body")"
"$K" retention load "$KV_SOURCE_DIR/rules/records/standardplan.txt" >/dev/null
st=$(call archivist "$ARC" GET /retention)
jq -S . "$WORK/body" >"$WORK/api.json"
"$K" --json retention show | jq -S . >"$WORK/cli.json"
[[ $st == 200 ]] && cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "GET /retention is retention show --json" ||
	bad "retention: $st $(diff "$WORK/api.json" "$WORK/cli.json" | head)"
jq -e '.version == 1 and (.rules | length) > 0 and all(.rules[]; has("source") and has("line"))' "$WORK/body" >/dev/null &&
	ok "the plan's lines with their sources" || bad "plan: $(cat "$WORK/body")"
st=$(call archivist "$ARC" GET '/retention?version=7')
[[ $st == 404 ]] && ok "an unknown version: 404" || bad "version 7: $st"
st=$(call analyst "$ANA" GET /retention)
[[ $st == 403 ]] && ok "an analyst may not read the plan" || bad "analyst retention: $st"

for r in snapshots disclosures packages platform-culls; do
	st=$(call archivist "$ARC" GET "/$r")
	[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 0 ]] && ok "no $r yet" || bad "$r: $st $(cat "$WORK/body")"
	st=$(call analyst "$ANA" GET "/$r")
	[[ $st == 403 ]] && ok "an analyst may not list $r" || bad "analyst $r: $st"
done

"$K" snapshot --account exempelbykommun --out "$WORK/snap" >/dev/null 2>"$WORK/err" || bad "snapshot: $(cat "$WORK/err")"
st=$(call archivist "$ARC" GET /snapshots)
jq -e '.items | length == 1 and .[0].account == "exempelbykommun" and .[0].date == "2026-04-02"
	and (.[0].file | endswith("periodiskt uttag.pdf")) and (.[0].sha256 | length) == 64 and .[0].timestamp == null' \
	"$WORK/body" >/dev/null && ok "the snapshot: account, day, file, sha256, no timestamp" || bad "snapshots: $st $(cat "$WORK/body")"
snap=$(jq -r '.items[0].path' "$WORK/body")
"$K" timestamp file --kind snapshot "$snap" >/dev/null 2>&1
call archivist "$ARC" GET /snapshots >/dev/null
[[ $(jq -r '.items[0].timestamp.state' "$WORK/body") == pending ]] && ok "the TSA not reached: the timestamp is pending" ||
	bad "timestamp: $(cat "$WORK/body")"
jq -S '.items[0]' "$WORK/body" >"$WORK/api.json"
"$K" --json snapshot list | jq -S . >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "a snapshot is the CLI's view" || bad "views differ: $(diff "$WORK/api.json" "$WORK/cli.json")"
st=$(call archivist "$ARC" GET '/snapshots?account=exempelby')
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 0 ]] && ok "?account= filters" || bad "account filter: $st"
st=$(call archivist "$ARC" GET '/snapshots?account=finns_inte')
[[ $st != 200 ]] && field account && ok "an unknown account names the field" || bad "unknown account: $st $(cat "$WORK/body")"

"$K" disclose --account exempelbykommun --from 2026-04-01 --to 2026-04-02 --out "$WORK/utl" \
	--ref "KS 2026/14" --requester "Anna Journalist" >/dev/null 2>"$WORK/err" || bad "disclose: $(cat "$WORK/err")"
st=$(call archivist "$ARC" GET /disclosures)
jq -e '.items | length == 1 and .[0].ref == "KS 2026/14" and .[0].requester == "Anna Journalist" and .[0].items > 0
	and (.[0].files | map(.name) | index("utlamnande.pdf")) != null' "$WORK/body" >/dev/null && ok "the disclosure register" || bad "disclosures: $st $(cat "$WORK/body")"
jq -S '.items[0]' "$WORK/body" >"$WORK/api.json"
"$K" --json disclose list | jq -S . >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "a disclosure is the CLI's view" || bad "views differ: $(diff "$WORK/api.json" "$WORK/cli.json")"

"$K" archive sip --account exempelbykommun --from 2026-01-01 --to 2026-04-02 --out "$WORK/sip" >/dev/null 2>"$WORK/err" ||
	bad "archive sip: $(cat "$WORK/err")"
st=$(call archivist "$ARC" GET /packages)
jq -e '.items | length == 1 and .[0].account == "exempelbykommun" and .[0].from == "2026-01-01" and .[0].items > 0' \
	"$WORK/body" >/dev/null && ok "the package delivered" || bad "packages: $st $(cat "$WORK/body")"
jq -S '.items[0]' "$WORK/body" >"$WORK/api.json"
"$K" --json archive list | jq -S . >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "a package is the CLI's view" || bad "views differ: $(diff "$WORK/api.json" "$WORK/cli.json")"

"$K" policy set platform_keep_months 18 --account exempelbykommun >/dev/null
"$K" --json cull --platform --account exempelbykommun --by-hand >"$WORK/pc.json" 2>"$WORK/err" ||
	bad "cull --platform: $(cat "$WORK/err")"
st=$(call archivist "$ARC" GET /platform-culls)
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 1 && $(jq .items[0].run "$WORK/body") == $(jq .run "$WORK/pc.json") ]] &&
	ok "the platform run is listed" || bad "platform-culls: $st $(cat "$WORK/body")"
jq -S '.items[0]' "$WORK/body" >"$WORK/api.json"
"$K" --json cull list --platform | jq -S . >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "a platform run is the CLI's view" || bad "views differ: $(diff "$WORK/api.json" "$WORK/cli.json")"
prun=$(jq '.items[0].run' "$WORK/body")
st=$(call archivist "$ARC" GET "/platform-culls/$prun")
jq -S . "$WORK/body" >"$WORK/api.json"
"$K" --json cull show --platform "$prun" | jq -S . >"$WORK/cli.json"
[[ $st == 200 && $(jq -r .format "$WORK/body") == kanalvakt-platform-gallringsprotokoll/1 ]] && cmp -s "$WORK/api.json" "$WORK/cli.json" &&
	ok "the platform protokoll is the CLI's" || bad "platform protokoll: $st $(cat "$WORK/body")"
st=$(call archivist "$ARC" GET /platform-culls/99)
[[ $st == 404 ]] && ok "no platform run 99: 404" || bad "platform run 99: $st"
st=$(call analyst "$ANA" GET "/platform-culls/$prun")
[[ $st == 403 ]] && ok "an analyst may not read the platform protokoll" || bad "analyst platform protokoll: $st"
st=$(call archivist "$ARC" GET '/packages?limit=0')
[[ $st == 400 ]] && ok "a bad page size: 400" || bad "limit=0: $st"

# A culling run, made at the server, read over the API.
st=$(call archivist "$ARC" GET /culls)
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 0 ]] && ok "no culling run yet" || bad "culls: $st"
"$K" --json cull --as-of 2030-01-01 >"$WORK/cull.json" 2>"$WORK/cull.err" || bad "cull: $(cat "$WORK/cull.err")"
st=$(call archivist "$ARC" GET /culls)
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 1 ]] && ok "the run is listed" || bad "culls after: $st $(cat "$WORK/body")"
run=$(jq '.items[0].run' "$WORK/body")
st=$(call archivist "$ARC" GET "/culls/$run")
[[ $st == 200 ]] && ok "the protokoll is served" || bad "protokoll: $st $(cat "$WORK/body")"
jq -S . "$WORK/body" >"$WORK/api.json"
"$K" --json cull show "$run" | jq -S . >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "the protokoll is the CLI's" || bad "protokoll differs"
st=$(call analyst "$ANA" GET "/culls/$run")
[[ $st == 403 ]] && ok "an analyst may not read the protokoll" || bad "analyst protokoll: $st"
st=$(call archivist "$ARC" GET /culls/99)
[[ $st == 404 ]] && ok "no run 99: 404" || bad "run 99: $st"
finish
