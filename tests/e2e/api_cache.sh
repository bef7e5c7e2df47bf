#!/usr/bin/env bash
# The reply cache of the inbox list: a change shows up on the very next
# request however it was made (through the API, by the CLI in another
# process, by plain SQL on the database), on every connection of the pool;
# the ETag follows the bytes (304 for the current tag, 200 for an old one);
# two principals, or two queries, never share a reply.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"
DB=$KANALVAKT_DATA/kanalvakt.db
# get USER PATH [ETAG]: the body in $WORK/body, headers in $WORK/hdr, status printed.
get() {
	local args=(-s -D "$WORK/hdr" -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.$1")
	[[ -n ${3:-} ]] && args+=(-H "If-None-Match: $3")
	curl "${args[@]}" "$API$2"
}
etag() { awk 'tolower($1) == "etag:" { print $2 }' "$WORK/hdr" | tr -d '\r'; }
# all_see USER PATH JQ WHAT: eight requests at once (so several pooled store
# connections answer), every body must satisfy JQ.
all_see() {
	local n=0 pids=()
	for i in $(seq 8); do
		curl -s -o "$WORK/par.$i" -b "$WORK/jar.$1" "$API$2" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq 8); do jq -e "$3" "$WORK/par.$i" >/dev/null && n=$((n + 1)); done
	[[ $n == 8 ]] && ok "$4" || bad "$4 ($n of 8): $(head -c 300 "$WORK/par.1")"
}

csrf=$(login mod1)
login kultur >/dev/null

# Warm every connection with the list as it is now.
all_see mod1 /inbox '(.items | length) == 1 and .items[0].assigned_to == null' "the inbox, unassigned"
[[ $(get mod1 /inbox) == 200 ]] && ok "the inbox" || bad "inbox"
cp "$WORK/body" "$WORK/first"
tag1=$(etag)
[[ $(get mod1 /inbox) == 200 ]] && cmp -s "$WORK/body" "$WORK/first" && [[ $(etag) == "$tag1" ]] &&
	ok "asked again: the same bytes and tag" || bad "a second read differs"
[[ $(get mod1 /inbox "$tag1") == 304 ]] && ok "304 for the current tag" || bad "no 304 for the current tag"

# A change through the API.
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.mod1" -H "X-CSRF-Token: $csrf" \
	-H 'Content-Type: application/json' -d '{"to":"eva@exempelby.se"}' "$API/inbox/1/assign")
[[ $got == 200 ]] && ok "assign through the API" || bad "assign: $got $(cat "$WORK/body")"
all_see mod1 /inbox '.items[0].assigned_to == "eva@exempelby.se"' "the API's change shows on the next request"
[[ $(get mod1 /inbox "$tag1") == 200 ]] && ok "the old tag gets the new list (200)" || bad "a stale 304"
tag2=$(etag)
[[ -n $tag2 && $tag2 != "$tag1" ]] && ok "with a new tag" || bad "the tag did not change"

# A change by the CLI, another process on the same database.
"$K" inbox assign 1 --to bo@exempelby.se >/dev/null
all_see mod1 /inbox '.items[0].assigned_to == "bo@exempelby.se"' "the CLI's change shows on the next request"
[[ $(get mod1 /inbox "$tag2") == 200 ]] && ok "and the tag before it is stale" || bad "a stale 304 after the CLI"

# A change in plain SQL that no program of ours made.
sqlite3 "$DB" "UPDATE question SET note = 'ringd upp' WHERE id = 1"
all_see mod1 /inbox '.items[0].note == "ringd upp"' "a change in SQL shows on the next request"
sqlite3 "$DB" "UPDATE question SET state = 'answered' WHERE id = 1"
all_see mod1 /inbox '.items | length == 0' "a question closed in SQL leaves the open list"

# Queries and principals are keys of their own.
all_see mod1 '/inbox?state=all' '(.items | length) == 1 and .items[0].state == "answered"' "another query, another reply"
sqlite3 "$DB" "UPDATE question SET state = 'open' WHERE id = 1"
all_see mod1 /inbox '.items | length == 1' "reopened, the open list has it again"
all_see kultur /inbox '.items | length == 0' "the Kultur editor never gets the moderator's list"
all_see mod1 /inbox '.items | length == 1' "nor the moderator the editor's"

# Logging out ends the session even though the list was kept.
curl -s -o /dev/null -b "$WORK/jar.mod1" -H "X-CSRF-Token: $csrf" -X DELETE "$API/session"
[[ $(get mod1 /inbox) == 401 ]] && ok "after logout the kept list is not served" || bad "served after logout"

finish
