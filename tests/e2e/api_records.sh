#!/usr/bin/env bash
# Over the API: legal and case holds (add, list, show, release) and the
# culling runs with their gallringsprotokoll, as the archivist reads them.
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

# A culling run, made at the server, read over the API.
st=$(call archivist "$ARC" GET /culls)
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 0 ]] && ok "no culling run yet" || bad "culls: $st"
"$K" retention load "$KV_SOURCE_DIR/rules/records/standardplan.txt" >/dev/null
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
