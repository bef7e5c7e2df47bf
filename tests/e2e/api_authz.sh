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

# One valid request per route (tests/e2e/api_samples.tsv: method, path,
# URL, body; $ROLE and $PW are replaced), shared with the OpenAPI check.
declare -A sample=()
while IFS=$'\t' read -r m p u b; do sample["$m $p"]="$u|$b"; done <"$(dirname "$0")/api_samples.tsv"

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
	local who=$1 method=$2 path=$3 body=$4
	local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$method")
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
	body=${body//\$PW/$PW}
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
