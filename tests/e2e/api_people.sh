#!/usr/bin/env bash
# Over the API: the vault's metadata and grants (never a secret, no reveal),
# the policy documents and their reviews, and the house rules with each
# account's rules and about text. What the CLI shows and the API answers is
# the same view; a role without the permission is refused and nothing
# changes; bad input is a problem naming the field and changes nothing.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"

ADM=$(login admin)
ANA=$(login analyst)
EDI=$(login editor)
# call WHO CSRF METHOD PATH [BODY]: prints the status; the body is in $WORK/body.
call() {
	local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$3" -b "$WORK/jar.$1" -H "X-CSRF-Token: $2")
	[[ -n ${5:-} ]] && args+=(-H 'Content-Type: application/json' --data-binary "$5")
	curl "${args[@]}" "$API$4"
}
problem_field() { # STATUS FIELD: the body is a problem with that status naming the field
	[[ $(jq -r .status "$WORK/body") == "$1" && $(jq -r .field "$WORK/body") == "$2" ]]
}
audit_n() { kv_sql "SELECT count(*) FROM audit WHERE action LIKE '$1'"; }

# --- The vault ---------------------------------------------------------------
st=$(call admin "$ADM" GET /vault)
n=$(jq '.items | length' "$WORK/body")
cli_n=$("$K" --json vault list | grep -c '"id"')
[[ $st == 200 && $n -ge 1 && $n == "$cli_n" ]] &&
	ok "GET /vault lists the $n secrets the CLI lists" || bad "GET /vault: $st $(cat "$WORK/body")"
# No secret's bytes in any answer about the vault.
for p in /vault /vault/1; do
	call admin "$ADM" GET "$p" >/dev/null
	if grep -q 'api-test-secret\|api-test-verify' "$WORK/body"; then bad "$p shows a secret"; else ok "$p shows no secret"; fi
done
call admin "$ADM" GET /vault/1 >/dev/null
jq -S 'del(.created_at, .rotated_at)' "$WORK/body" >"$WORK/api.json"
"$K" --json vault show 1 | jq -S 'del(.created_at, .rotated_at)' >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "GET /vault/1 is the CLI's view" || bad "views differ: $(diff "$WORK/api.json" "$WORK/cli.json")"

before=$(jq .n_people "$WORK/body")
st=$(call admin "$ADM" POST /vault/1/grant '{"person":"bo@exempelby.se"}')
[[ $st == 200 && $(jq .n_people "$WORK/body") == $((before + 1)) ]] &&
	jq -e 'any(.people[]; . == "bo@exempelby.se")' "$WORK/body" >/dev/null &&
	ok "grant: Bo is granted secret 1" || bad "grant: $st $(cat "$WORK/body")"
[[ $(audit_n vault.grant) -ge 1 ]] && ok "the grant is audited" || bad "no vault.grant in the audit log"
st=$(call admin "$ADM" POST /vault/1/grant '{"person":"ingen@exempelby.se"}')
[[ $st == 404 ]] && problem_field 404 person && ok "an unknown person: 404 naming person" || bad "unknown person: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" POST /vault/1/grant '{"person":"bo@exempelby.se","secret":"x"}')
[[ $st == 400 ]] && problem_field 400 secret && ok "an unknown field: 400 naming it" || bad "extra field: $st"
st=$(call admin "$ADM" POST /vault/99/grant '{"person":"bo@exempelby.se"}')
[[ $st == 404 && $(jq -r .field "$WORK/body") != person ]] && ok "no secret 99: 404 for the path" || bad "secret 99: $st $(cat "$WORK/body")"
st=$(call analyst "$ANA" POST /vault/1/revoke '{"person":"bo@exempelby.se"}')
[[ $st == 403 ]] && ok "an analyst may not revoke (403)" || bad "analyst revoke: $st"
"$K" --json vault show 1 >"$WORK/cli.json"
jq -e 'any(.people[]; . == "bo@exempelby.se")' "$WORK/cli.json" >/dev/null && ok "the refused revoke changed nothing" || bad "Bo lost the grant"
st=$(call admin "$ADM" POST /vault/1/revoke '{"person":"bo@exempelby.se"}')
[[ $st == 200 && $(jq .n_people "$WORK/body") == "$before" ]] && ok "revoke: back to $before" || bad "revoke: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" POST /vault/1/revoke '{"person":"bo@exempelby.se"}')
[[ $st == 404 ]] && problem_field 404 person && ok "revoking what is not granted: 404 naming person" || bad "revoke twice: $st"
for m in "GET /vault/1/reveal" "POST /vault" "POST /vault/1/rotate"; do
	st=$(call admin "$ADM" ${m% *} "${m#* }" '{}')
	[[ $st == 404 || $st == 405 ]] && ok "$m does not exist ($st)" || bad "$m answered $st"
done

# --- Policy documents ----------------------------------------------------------
st=$(call analyst "$ANA" POST /policydocs '{"title":"Riktlinjer","adopted":"2025-05-01","by":"KS","review_every":"4y"}')
[[ $st == 403 ]] && ok "an analyst may not add a policy document" || bad "analyst add: $st"
st=$(call admin "$ADM" POST /policydocs '{"title":"Riktlinjer","adopted":"2025-02-30","by":"KS","review_every":"4y"}')
[[ $st == 400 ]] && problem_field 400 adopted && ok "a bad date: 400 naming adopted" || bad "bad date: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" POST /policydocs '{"title":"Riktlinjer","adopted":"2025-05-01","by":"KS"}')
[[ $st == 400 ]] && problem_field 400 review_every && ok "no review period: 400 naming review_every" || bad "no period: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" POST /policydocs '{"title":"Riktlinjer","adopted":"2025-05-01","by":"KS","review_every":"4y","responsible":"ingen@exempelby.se"}')
[[ $st == 404 ]] && problem_field 404 responsible && ok "an unknown responsible: 404 naming it" || bad "unknown responsible: $st $(cat "$WORK/body")"
[[ $("$K" --json policydoc list | grep -c '"id"') == 0 ]] && ok "the refused adds wrote nothing" || bad "a refused add wrote a document"
st=$(call admin "$ADM" POST /policydocs '{"title":"Riktlinjer för sociala medier","adopted":"2022-03-01","by":"Kommunfullmäktige","review_every":"4y","responsible":"eva@exempelby.se"}')
[[ $st == 201 && $(jq -r .next_review "$WORK/body") == 2026-03-01 && $(jq .overdue "$WORK/body") == true ]] &&
	ok "a document adopted 2022 for four years is overdue (FÄ)" || bad "add: $st $(cat "$WORK/body")"
id=$(jq .id "$WORK/body")
st=$(call analyst "$ANA" GET /policydocs)
[[ $st == 200 && $(jq '.items | length' "$WORK/body") == 1 ]] && ok "an analyst reads the list" || bad "analyst list: $st"
st=$(call admin "$ADM" POST "/policydocs/$id/review" '{"on":"2021-01-01"}')
[[ $st == 400 ]] && problem_field 400 on && ok "a review before the adoption: 400 naming on" || bad "early review: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" POST "/policydocs/$id/review" '{"on":"2026-04-01"}')
[[ $st == 200 && $(jq -r .next_review "$WORK/body") == 2030-04-01 && $(jq .overdue "$WORK/body") == false &&
	$(jq -r .last_review "$WORK/body") == 2026-04-01 ]] && ok "the review moves the next one four years on" || bad "review: $st $(cat "$WORK/body")"
st=$(call editor "$EDI" POST "/policydocs/$id/apply" '{"account":"exempelbykommun"}')
[[ $st == 403 ]] && ok "an editor of no account may not apply it" || bad "editor apply: $st"
st=$(call admin "$ADM" POST "/policydocs/$id/apply" '{"account":"ingetkonto"}')
[[ $st == 404 ]] && problem_field 404 account && ok "an unknown account: 404 naming account" || bad "apply unknown: $st"
st=$(call admin "$ADM" POST "/policydocs/$id/apply" '{"account":"exempelbykommun"}')
[[ $st == 200 ]] && jq -e '.accounts == ["facebook/exempelbykommun"]' "$WORK/body" >/dev/null && ok "the account follows the document" || bad "apply: $st $(cat "$WORK/body")"
call admin "$ADM" GET "/policydocs/$id" >/dev/null
jq -S . "$WORK/body" >"$WORK/api.json"
"$K" --json policydoc show "$id" | jq -S . >"$WORK/cli.json"
cmp -s "$WORK/api.json" "$WORK/cli.json" && ok "GET /policydocs/$id is the CLI's view" || bad "views differ"
st=$(call admin "$ADM" POST "/policydocs/$id/retire" '{}')
[[ $st == 200 && $(jq -r .state "$WORK/body") == retired ]] && ok "retired" || bad "retire: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" POST "/policydocs/$id/review" '{"on":"2026-04-02"}')
[[ $st == 404 ]] && ok "a retired document takes no review" || bad "review retired: $st"
[[ $(audit_n 'policydoc.%') == 3 && $(audit_n account.policy) == 1 ]] &&
	ok "add, review, retire and apply are audited" || bad "audit: $(audit_n 'policydoc.%') $(audit_n account.policy)"

# --- House rules ----------------------------------------------------------------
st=$(call analyst "$ANA" GET /house-rules)
[[ $st == 200 && $(jq -r .source "$WORK/body") == standard && $(jq '[.paragraphs[] | select(.essential)] | length' "$WORK/body") -ge 1 ]] &&
	ok "the standard template is in force" || bad "GET /house-rules: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" PUT /house-rules '{"text":"Bara text {adress}\n"}')
[[ $st == 400 ]] && problem_field 400 text && grep -q 'adress' "$WORK/body" && ok "a bad template: 400 naming text and the placeholder" || bad "bad template: $st $(cat "$WORK/body")"
st=$(call analyst "$ANA" PUT /house-rules '{"text":"! Hot tar vi bort från {konto}.\n"}')
[[ $st == 403 ]] && ok "an analyst may not load a template" || bad "analyst load: $st"
call admin "$ADM" GET /house-rules >/dev/null
[[ $(jq -r .source "$WORK/body") == standard ]] && ok "the refused loads changed nothing" || bad "template changed"
T='{"text":"! Hot och trakasserier tar vi bort från {konto}.\n\nFrågor om {verksamhet}: skriv till oss."}'
st=$(call admin "$ADM" PUT /house-rules "$T")
[[ $st == 200 && $(jq .version "$WORK/body") == 1 && $(jq .new "$WORK/body") == true ]] && ok "version 1 loaded" || bad "load: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" PUT /house-rules "$T")
[[ $st == 200 && $(jq .version "$WORK/body") == 1 && $(jq .new "$WORK/body") == false ]] && ok "the same text adds no version" || bad "reload: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" GET /accounts/exempelbykommun/rules)
[[ $st == 200 ]] && jq -e '.text | contains("Hot och trakasserier tar vi bort från exempelbykommun.") and contains("Frågor om Kultur")' "$WORK/body" >/dev/null &&
	ok "the account's rules are filled from the register" || bad "rules: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" GET /accounts/exempelbykommun/about)
[[ $st == 200 && $(jq .text "$WORK/body") == null ]] && ok "no about text recorded yet" || bad "about: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" PUT /accounts/exempelbykommun/about '{"text":""}')
[[ $st == 400 ]] && problem_field 400 text && ok "an empty about text: 400 naming text" || bad "empty about: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" PUT /accounts/exempelbykommun/about '{"text":"Välkommen! Frågor om Kultur: skriv till oss."}')
[[ $st == 200 && $(jq -r .recorded_by "$WORK/body") != null ]] && jq -e '.house_rules.missing != null' "$WORK/body" >/dev/null &&
	ok "an about text without the essential paragraph is recorded, the lack named" || bad "about set: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" PUT /accounts/exempelbykommun/about '{"text":"Hot och trakasserier tar vi bort från exempelbykommun. Frågor om Kultur: skriv till oss."}')
[[ $st == 200 ]] && jq -e '.house_rules.missing == null' "$WORK/body" >/dev/null && ok "with the essential paragraph nothing is missing" || bad "about full: $st $(cat "$WORK/body")"
st=$(call admin "$ADM" GET /accounts/ingetkonto/about)
[[ $st == 404 ]] && ok "an unknown account: 404" || bad "about unknown: $st"
finish
