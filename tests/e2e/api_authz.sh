#!/usr/bin/env bash
# The authorisation matrix, generated from the permission table: every route
# of the API (`kanalvakt api routes`: the permission each needs) is called as
# nobody and as a user of every role (`kanalvakt user roles`: what each role
# holds). Nobody gets 401 on every route that needs a login; a role without
# the permission gets 403 and changes nothing; a role with it gets neither
# 401 nor 403. A route without a sample request here fails the test, so a
# new route cannot go unchecked.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"

# One valid request per route: "METHOD PATH" -> "URL-PATH|BODY" ($ROLE is
# replaced by the role, so that adding an account does not collide).
declare -A sample=(
	["POST /session"]="/session|{\"username\":\"\$ROLE\",\"password\":\"$PW\"}"
	["GET /session"]="/session|"
	["DELETE /session"]="/session|"
	["GET /openapi.json"]="/openapi.json|"
	["GET /organisation"]="/organisation|"
	["GET /units"]="/units|"
	["GET /people"]="/people|"
	["GET /accounts"]="/accounts|"
	["POST /accounts"]="/accounts|{\"platform\":\"instagram\",\"handle\":\"prov_\$ROLE\",\"unit\":\"Kultur\"}"
	["GET /accounts/{ref}"]="/accounts/exempelbykommun|"
	["POST /accounts/{ref}/activate"]="/accounts/exempelby/activate|"
	["POST /accounts/{ref}/deactivate"]="/accounts/exempelby/deactivate|"
	["PUT /accounts/{ref}/checklist/{key}"]="/accounts/exempelbykommun/checklist/syfte|{\"answer\":\"Beslutat\"}"
	["GET /accounts/{ref}/checks"]="/accounts/exempelbykommun/checks|"
	["GET /checks"]="/checks|"
	["GET /public/accounts"]="/public/accounts|"
	["GET /items"]="/items|"
	["GET /items/{ref}"]="/items/204857392011111_1002|"
	["GET /search"]="/search?q=biblioteket|"
	["GET /inbox"]="/inbox|"
	["GET /inbox/{id}"]="/inbox/1|"
	["POST /inbox/{id}/assign"]="/inbox/1/assign|{\"to\":\"eva@exempelby.se\"}"
	["POST /inbox/{id}/forward"]="/inbox/1/forward|{\"to\":\"bo@exempelby.se\",\"note\":\"Till er\"}"
	["POST /inbox/{id}/close"]="/inbox/1/close|{\"as\":\"referred\",\"reason\":\"Hänvisad\"}"
	["GET /cases"]="/cases|"
	["POST /cases"]="/cases|{\"item\":\"204857392011111_1001\",\"categories\":\"threat\"}"
	["GET /cases/{id}"]="/cases/1|"
	["POST /cases/{id}/evidence"]="/cases/1/evidence|"
	["POST /cases/{id}/decide"]="/cases/1/decide|{\"decision\":\"keep\",\"reason\":\"Inom ramen\"}"
	["POST /cases/{id}/confirm"]="/cases/1/confirm|{}"
	["POST /cases/{id}/register"]="/cases/1/register|{\"external_ref\":\"KS 2026/99\"}"
	["GET /removed"]="/removed|"
	["GET /review"]="/review|"
	["POST /review/{ref}"]="/review/exempelby|{\"note\":\"Bevakat\"}"
	["GET /alerts"]="/alerts|"
	["POST /alerts/{id}/ack"]="/alerts/1/ack|"
	["GET /crisis"]="/crisis|"
	["PUT /crisis"]="/crisis|{\"on\":false}"
	["GET /policy"]="/policy|"
	["PUT /policy/{key}"]="/policy/answer_deadline|{\"value\":\"1d\"}"
	["GET /mail"]="/mail|"
	["GET /webhooks"]="/webhooks|"
	["GET /audit"]="/audit|"
	["GET /users"]="/users|"
	["GET /stats"]="/stats?from=2026-01-01&to=2026-12-31|"
)

"$K" --json api routes >"$WORK/routes.jsonl"
"$K" --json user roles >"$WORK/roles.jsonl"
mapfile -t ROLES < <(jq -r 'select(.role != "custom") | .role' "$WORK/roles.jsonl")
# The users of api_env.bash are named after their role (and custom: register.read, stats.read).
ROLES+=(custom)
holds() { # ROLE PERMISSION
	[[ -z $2 ]] && return 0
	if [[ $1 == custom ]]; then [[ $2 == register.read || $2 == stats.read ]]; return; fi
	jq -e -s --arg r "$1" --arg p "$2" 'map(select(.role == $r))[0] | any(.permissions[]; . == $p)' "$WORK/roles.jsonl" >/dev/null
}
declare -A csrf
for role in "${ROLES[@]}"; do csrf[$role]=$(login "$role"); done

# call WHO METHOD PATH BODY: prints the status.
call() {
	local who=$1 method=$2 path=$3 body=$4 args=(-s -o "$WORK/body" -w '%{http_code}' -X "$method")
	# Logging in again would end the session the test goes on with.
	if [[ $who != nobody && ! ($method == POST && $path == /session) ]]; then
		args+=(-b "$WORK/jar.$who" -H "X-CSRF-Token: ${csrf[$who]}")
	fi
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl "${args[@]}" "$API$path"
}

# DELETE /session ends the session, so it comes last.
jq -r '"\(.method) \(.path) \(.login) \(.permission)"' "$WORK/routes.jsonl" |
	awk '$1 == "DELETE" && $2 == "/session" { last = $0; next } { print } END { print last }' >"$WORK/order"
while read -r method path login perm; do
	key="$method $path"
	if [[ -z ${sample[$key]+x} ]]; then bad "$key: no sample request in api_authz.sh"; continue; fi
	spec=${sample[$key]}
	url=${spec%%|*}
	body=${spec#*|}
	got=$(call nobody "$method" "$url" "${body//\$ROLE/admin}")
	if [[ $login == true ]]; then
		[[ $got == 401 ]] && ok "$key as nobody: 401" || bad "$key as nobody: $got, wanted 401"
	else
		[[ $got != 401 && $got != 403 ]] && ok "$key as nobody: $got (public)" || bad "$key as nobody: $got"
	fi
	for role in "${ROLES[@]}"; do
		before=$(db_state)
		got=$(call "$role" "$method" "$url" "${body//\$ROLE/$role}")
		if holds "$role" "$perm"; then
			[[ $got != 401 && $got != 403 ]] && ok "$key as $role: $got" ||
				{ bad "$key as $role: $got, wanted neither 401 nor 403"; head -c 300 "$WORK/body"; echo; }
		else
			after=$(db_state)
			# A refused request changes nothing but the audit of nothing: the
			# store is as it was (sessions are touched at most once a minute).
			if [[ $got == 403 && $before == "$after" ]]; then ok "$key as $role: 403, nothing changed"
			else bad "$key as $role: $got (changed: $([[ $before == "$after" ]] && echo no || echo yes)), wanted 403"; head -c 300 "$WORK/body"; echo; fi
		fi
	done
done <"$WORK/order"

# Every sample names a route that exists (no stale samples).
for key in "${!sample[@]}"; do
	grep -qxF "$key" <(jq -r '"\(.method) \(.path)"' "$WORK/routes.jsonl") || bad "sample '$key' names no route"
done
finish
