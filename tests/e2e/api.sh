#!/usr/bin/env bash
# The JSON API over loopback with curl: logins (cookie flags, a new session
# id on every login, CSRF, logout, idle expiry, throttling per user and per
# address), API tokens, lists (cursor pages, ETag and 304), items named by
# platform id, search, the inbox, cases with four eyes across two users, an
# editor who sees only her own accounts, stats equal to the CLI's, every
# action audited as the logged-in user, and bad input (404, 405, 400 naming
# the field, 413, 403, 401) that changes nothing.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"
DB=$KANALVAKT_DATA/kanalvakt.db
db() { kv_sql "$1"; }
# req USER METHOD PATH [BODY]: answers in $WORK/body, headers in $WORK/hdr, status printed.
req() {
	local who=$1 method=$2 path=$3 body=${4:-}
	local args=(-s -D "$WORK/hdr" -o "$WORK/body" -w '%{http_code}' -X "$method")
	[[ $who != nobody ]] && args+=(-b "$WORK/jar.$who" -H "X-CSRF-Token: ${csrf[$who]:-}")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	curl "${args[@]}" "$API$path"
}
check() { # WANT GOT WHAT
	[[ $2 == "$1" ]] && ok "$3" || { bad "$3 (status $2, wanted $1)"; head -c 400 "$WORK/body" | sed 's/^/    /'; echo; }
}
jqb() { jq -e "$1" "$WORK/body" >/dev/null; }
declare -A csrf

# --- logging in ------------------------------------------------------------
m=$(curl -s "$API/session/methods")
jq -e '.password == true and .sso == false' <<<"$m" >/dev/null && ok "without [oidc] the login methods are the password only" || bad "methods: $m"
curl -s -D "$WORK/hdr" -o "$WORK/body" -c "$WORK/jar.mod1" -H 'Content-Type: application/json' \
	-d "{\"username\":\"mod1\",\"password\":\"$PW\"}" "$API/session"
csrf[mod1]=$(jq -r .csrf "$WORK/body")
[[ ${#csrf[mod1]} -ge 32 ]] && ok "login answers a CSRF token" || bad "csrf: $(cat "$WORK/body")"
expect_grep '^Set-Cookie: kv_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "$WORK/hdr" "the session cookie is HttpOnly and SameSite=Strict"
expect_no_grep 'Secure' "$WORK/hdr" "no Secure flag over plain HTTP"
jqb '.user.name == "mod1" and .user.grants[0].role == "moderator" and (.user.permissions | index("case.decide"))' &&
	ok "the session names the user, the role and its permissions" || bad "session body: $(cat "$WORK/body")"
expect_grep "^Content-Security-Policy: .*frame-ancestors 'none'" "$WORK/hdr" "CSP forbids framing"
expect_grep "^Content-Security-Policy: default-src 'self'; script-src 'self';" "$WORK/hdr" "CSP allows no inline script"
expect_grep '^X-Content-Type-Options: nosniff' "$WORK/hdr" "nosniff"
expect_grep '^Referrer-Policy: no-referrer' "$WORK/hdr" "Referrer-Policy"
[[ $(db "SELECT count(*) FROM user_session s JOIN app_user u ON u.id = s.user_id WHERE u.name = 'mod1'") == 1 ]] &&
	ok "one session is stored" || bad "sessions of mod1"
cookie=$(awk '$6 == "kv_session" { print $7 }' "$WORK/jar.mod1")
[[ -z $(db "SELECT 1 FROM user_session WHERE sha256 = '$cookie'") ]] && ok "the session id itself is not stored (only its hash)" || bad "session id stored in clear"
! kv_db_grep "$PW" && ! grep -q "$PW" "$WORK/serve.log" && ok "the password is in neither the database nor the log" || bad "password leaked"

# A second login rotates the id: the old cookie stops working.
cp "$WORK/jar.mod1" "$WORK/jar.old"
csrf[mod1]=$(curl -s -b "$WORK/jar.mod1" -c "$WORK/jar.mod1" -H 'Content-Type: application/json' \
	-d "{\"username\":\"mod1\",\"password\":\"$PW\"}" "$API/session" | jq -r .csrf)
new=$(awk '$6 == "kv_session" { print $7 }' "$WORK/jar.mod1")
[[ $new != "$cookie" ]] && ok "a new login gets a new session id" || bad "session id not rotated"
csrf[old]=${csrf[mod1]}
check 200 "$(req mod1 GET /session)" "the new session works"
check 401 "$(req old GET /session)" "a login with the old cookie's session ended it"
csrf[mod2]=$(login mod2)
csrf[admin]=$(login admin)
csrf[kultur]=$(login kultur)

check 401 "$(req nobody POST /session "{\"username\":\"mod1\",\"password\":\"wrong-password\"}")" "a wrong password is refused"
jqb '.type == "urn:kanalvakt:problem:unauthorized" and .status == 401 and (.detail | test("wrong user name or password"))' &&
	ok "as a problem document that does not tell which was wrong" || bad "login problem: $(cat "$WORK/body")"
expect_grep '^Content-Type: application/problem\+json' "$WORK/hdr" "errors are application/problem+json"
check 401 "$(req nobody POST /session "{\"username\":\"nosuchuser\",\"password\":\"$PW\"}")" "an unknown user is refused alike"
[[ $(db "SELECT count(*) FROM audit WHERE action = 'session.login_failed'") == 2 ]] && ok "failed logins are audited" || bad "failed logins not audited"

# --- lists, pages, ETags ---------------------------------------------------
check 200 "$(req mod1 GET /inbox)" "inbox"
jqb '.items | length == 1' && ok "one open question" || bad "inbox: $(cat "$WORK/body")"
jqb '.items[0].item_platform_id == "7001_8001" and (.items[0].item | type == "number") and .items[0].account == "facebook/exempelby"' &&
	ok "a question names its item by platform id too" || bad "question view: $(cat "$WORK/body")"
etag=$(awk 'tolower($1) == "etag:" { print $2 }' "$WORK/hdr" | tr -d '\r')
[[ $etag == \"*\" ]] && ok "lists carry an ETag" || bad "no ETag"
rm -f "$WORK/body"
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.mod1" -H "If-None-Match: $etag" "$API/inbox")
check 304 "$got" "If-None-Match with the ETag answers 304"
[[ ! -s $WORK/body ]] && ok "with no body" || bad "304 had a body"

check 200 "$(req mod1 GET '/items?limit=2')" "items, two a page"
first=$(jq -r '[.items[].id] | join(",")' "$WORK/body")
next=$(jq -r .next "$WORK/body")
[[ $(jq '.items | length' "$WORK/body") == 2 && $next != null ]] && ok "a full page gives a cursor" || bad "page: $(cat "$WORK/body")"
check 200 "$(req mod1 GET "/items?limit=2&cursor=$next")" "the next page"
second=$(jq -r '[.items[].id] | join(",")' "$WORK/body")
[[ -n $second && $second != "$first" ]] && ok "the next page holds other items" || bad "pages $first / $second"
total=$(db "SELECT count(*) FROM item")
check 200 "$(req mod1 GET '/items?limit=500')" "all items"
[[ $(jq '.items | length' "$WORK/body") == "$total" ]] && jqb '.next == null' && ok "the last page has no cursor" || bad "all items"
check 400 "$(req mod1 GET '/items?cursor=bogus')" "a cursor the API did not give"
jqb '.field == "cursor"' && ok "names the field cursor" || bad "cursor problem: $(cat "$WORK/body")"
check 400 "$(req mod1 GET '/items?limit=0')" "limit 0"
jqb '.field == "limit"' && ok "names the field limit" || bad "limit problem: $(cat "$WORK/body")"

check 200 "$(req mod1 GET /items/204857392011111_1002)" "an item by its platform id"
jqb '.platform_id == "204857392011111_1002" and (.versions | type == "array" and length >= 1) and (.events | type == "array") and (.thread | map(.platform_id) | index("204857392011111_1001"))' &&
	ok "with its versions, events and thread" || bad "item show: $(cat "$WORK/body")"
id=$(jq .id "$WORK/body")
check 200 "$(req mod1 GET "/items/$id")" "the same item by row id"
check 200 "$(req mod1 GET '/items?platform_id=204857392011111_1002')" "items filtered by platform id"
jqb ".items | length == 1 and .[0].id == $id" && ok "finds just that item" || bad "platform_id filter: $(cat "$WORK/body")"
check 404 "$(req mod1 GET /items/no_such_item)" "an unknown platform id"

check 200 "$(req mod1 GET '/search?q=biblioteket')" "search"
jqb '.items | length >= 1 and all(.[]; .snippet | test("\\[biblioteket\\]"; "i"))' && ok "finds the question with the hit marked" || bad "search: $(cat "$WORK/body")"
check 400 "$(req mod1 GET /search)" "search without q"
jqb '.field == "q"' && ok "names q" || bad "search problem"

# --- an editor of Kultur sees nothing of Socialtjänsten --------------------
check 200 "$(req kultur GET /inbox)" "the Kultur editor's inbox"
jqb '.items | length == 0' && ok "holds no question of Socialtjänsten's account" || bad "kultur inbox: $(cat "$WORK/body")"
check 200 "$(req kultur GET '/items?limit=500')" "the Kultur editor's items"
jqb 'all(.items[]; .account == "exempelbykommun") and (.items | length > 0)' && ok "only the Kultur account's items" || bad "kultur items: $(cat "$WORK/body")"
check 403 "$(req kultur GET /items/7001_8001)" "an item of Socialtjänsten is refused"
check 200 "$(req kultur GET /accounts)" "the Kultur editor's accounts"
jqb '[.items[].handle] == ["exempelbykommun"]' && ok "only the Kultur account" || bad "kultur accounts: $(cat "$WORK/body")"
check 403 "$(req kultur POST /inbox/1/assign '{"to":"eva@exempelby.se"}')" "assigning a question of another account is refused"

# --- the inbox --------------------------------------------------------------
before=$(db_state)
check 403 "$(curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.mod1" -H 'Content-Type: application/json' -d '{"to":"eva@exempelby.se"}' "$API/inbox/1/assign")" "a change without X-CSRF-Token"
jqb '.field == "X-CSRF-Token"' && ok "names the missing header" || bad "csrf problem: $(cat "$WORK/body")"
[[ $(db_state) == "$before" ]] && ok "and changes nothing" || bad "a refused request changed the store"
check 200 "$(req mod1 POST /inbox/1/assign '{"to":"eva@exempelby.se"}')" "assign the question"
jqb '.assigned_to == "eva@exempelby.se" and .id == 1' && ok "answers the assigned question" || bad "assign: $(cat "$WORK/body")"
[[ $(db "SELECT actor FROM audit WHERE action LIKE 'question.assign%' ORDER BY seq DESC LIMIT 1") == mod1 ]] &&
	ok "audited as the logged-in user" || bad "assign audit: $(db "SELECT actor, action FROM audit ORDER BY seq DESC LIMIT 3")"
check 404 "$(req mod1 POST /inbox/1/assign '{"to":"nobody@exempelby.se"}')" "assign to an unknown person"
check 400 "$(req mod1 POST /inbox/1/close '{"as":"sideways"}')" "close as an unknown state"

# --- cases: four eyes across two users ---------------------------------------
check 200 "$(req mod1 GET '/cases?open=1')" "open cases"
case=$(jq '.items[0].id' "$WORK/body")
[[ $case =~ ^[0-9]+$ ]] && ok "the flagged comment has a case" || bad "cases: $(cat "$WORK/body")"
check 409 "$(req mod1 POST "/cases/$case/decide" '{"decision":"hide","reason":"Hot"}')" "hiding before the evidence is saved is refused"
check 200 "$(req mod1 POST "/cases/$case/evidence")" "save the evidence"
jqb '.evidence_sha256 | test("^[0-9a-f]{64}$")' && ok "the case holds the evidence hash" || bad "evidence: $(cat "$WORK/body")"
check 200 "$(req mod1 POST "/cases/$case/decide" '{"decision":"hide","reason":"Hot mot tjänsteperson"}')" "mod1 decides hide"
jqb '.case.state == "pending_confirmation" and .case.decided_by == "mod1"' && ok "waiting for a second person" || bad "decide: $(cat "$WORK/body")"
before=$(db_state)
check 403 "$(req mod1 POST "/cases/$case/confirm" '{"by_hand":true}')" "mod1 cannot confirm her own decision"
jqb '.detail | test("four eyes")' && ok "says four eyes" || bad "four eyes problem: $(cat "$WORK/body")"
[[ $(db_state) == "$before" ]] && ok "and changes nothing" || bad "refused confirm changed the store"
check 200 "$(req mod2 POST "/cases/$case/confirm" '{"by_hand":true}')" "mod2 confirms"
jqb '.case.state == "hidden" and .case.confirmed_by == "mod2" and .done == true' && ok "the comment is hidden, confirmed by mod2" || bad "confirm: $(cat "$WORK/body")"
check 200 "$(req mod1 GET /removed)" "the removed register"
jqb ".items | map(.id) | index($case)" && ok "lists the hidden comment" || bad "removed: $(cat "$WORK/body")"

post_id=$(db "SELECT id FROM item WHERE platform_id = '204857392011111_1001'")
check 400 "$(req mod1 POST /cases "{\"item\":$post_id}")" "a case for an unflagged item needs categories"
jqb '.field == "categories"' && ok "names categories" || bad "case open problem: $(cat "$WORK/body")"
check 201 "$(req mod1 POST /cases "{\"item\":\"204857392011111_1001\",\"categories\":\"threat\"}")" "open a case by platform id"
jqb ".item == $post_id and .state == \"open\"" && ok "answers the new case" || bad "case open: $(cat "$WORK/body")"
check 409 "$(req mod1 POST /cases "{\"item\":$post_id,\"categories\":\"threat\"}")" "a second case for the item"

# --- a warning when an answer copies earlier ones ---------------------------
"$K" import "$FIXW/easter_reply.jsonl" >/dev/null
check 200 "$(req mod1 POST /inbox/1/answer/check '{"text":"Hej Anna! Biblioteket öppnar igen tisdag kl 10 efter påsk. Vänliga hälsningar, Eva, bibliotekarie"}')" "check an answer"
jqb '.copies | length == 1 and .[0].question == 1 and .[0].similarity >= 0.8 and .[0].similarity < 1' &&
	ok "an answer with the same words but the greeting is a copy of the earlier one" || bad "answer check: $(cat "$WORK/body")"
check 200 "$(req mod1 POST /inbox/1/answer/check '{"text":"Simhallen är stängd på långfredagen men öppen på lördagen."}')" "check another answer"
jqb '.copies == []' && ok "a new answer copies nothing" || bad "answer check: $(cat "$WORK/body")"
check 403 "$(req kultur POST /inbox/1/answer/check '{"text":"Hej"}')" "not for a question of another account"

# --- bad input changes nothing ----------------------------------------------
before=$(db_state)
check 404 "$(req mod1 GET /nowhere)" "unknown route"
jqb '.status == 404 and .type == "urn:kanalvakt:problem:not_found"' && ok "404 problem" || bad "404 body"
check 405 "$(req mod1 PUT /inbox '{}')" "wrong method"
check 400 "$(req mod1 POST /inbox/1/forward '{"to": "bo@exempelby.se", "note": }')" "malformed JSON"
jqb '.field == "body" and (.detail | test("line 1 column"))' && ok "names the place in the body" || bad "malformed: $(cat "$WORK/body")"
check 400 "$(req mod1 POST /inbox/1/forward '{"to":"bo@exempelby.se","note":"x","colour":"red"}')" "an unknown field"
jqb '.field == "colour"' && ok "names the unknown field" || bad "unknown field: $(cat "$WORK/body")"
check 400 "$(req mod1 POST /inbox/1/forward '{"to":"bo@exempelby.se","note":5}')" "a field of the wrong type"
jqb '.field == "note"' && ok "names it" || bad "wrong type: $(cat "$WORK/body")"
deep=$(printf '{"a":%.0s' $(seq 40))1$(printf '}%.0s' $(seq 40))
check 400 "$(req mod1 POST /inbox/1/forward "$deep")" "JSON nested too deep"
head -c 70000 /dev/zero | tr '\0' 'a' | sed 's/^/{"note":"/; s/$/"}/' >"$WORK/big.json"
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.mod1" -H "X-CSRF-Token: ${csrf[mod1]}" \
	-H 'Content-Type: application/json' --data-binary @"$WORK/big.json" "$API/inbox/1/forward")
check 413 "$got" "an oversize body"
check 403 "$(req kultur PUT /crisis '{"on":true}')" "a role without the permission"
[[ $(db_state) == "$before" ]] && ok "none of them changed anything" || bad "bad input changed the store"

# --- tokens -------------------------------------------------------------------
token=$("$K" user token add analyst --name rapport --role analyst)
[[ $token =~ ^kvt_[0-9a-f]{64}$ ]] && ok "a token is made" || bad "token: $token"
[[ -z $(db "SELECT 1 FROM user_token WHERE sha256 = '$token'") ]] && ! kv_db_grep "$token" && ok "and stored only hashed" || bad "token stored in clear"
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$API/items?limit=1")
check 200 "$got" "a script reads items with the token"
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"on":true}' -X PUT "$API/crisis")
check 403 "$got" "but may not do what its role may not"
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer kvt_$(printf '0%.0s' $(seq 64))" "$API/items")
check 401 "$got" "a wrong token"

# --- stats: the API and the CLI agree -----------------------------------------
check 200 "$(req admin GET '/stats?account=exempelby&from=2026-03-01&to=2026-04-30')" "stats for one account"
jqb '.accounts | length == 1 and .[0].questions == 1 and .[0].account == "facebook/exempelby"' && ok "one question in the period" || bad "stats: $(cat "$WORK/body")"
"$K" --json stats --account exempelby --from 2026-03-01 --to 2026-04-30 >"$WORK/cli.json"
jq -S . "$WORK/body" >"$WORK/a.json"
jq -S . "$WORK/cli.json" >"$WORK/b.json"
cmp -s "$WORK/a.json" "$WORK/b.json" && ok "kanalvakt stats --json says the same" || bad "stats differ: $(diff "$WORK/a.json" "$WORK/b.json" | head -5)"
expect_exit 0 "stats as CSV" -- "$K" stats --from 2026-03-01 --to 2026-04-30 --csv
expect_grep '^account,posts,posts_per_week,' "$WORK/out" "with a header"
expect_grep '^facebook/exempelbykommun,1,' "$WORK/out" "and a row per account"
expect_exit 2 "stats with a bad date" -- "$K" stats --from 2026-13-01 --to 2026-04-30

# --- users from the CLI -----------------------------------------------------------
expect_exit 0 "user list" -- "$K" --json user list
[[ $(wc -l <"$WORK/out") -ge 9 ]] && jq -e -s 'map(select(.name == "kultur"))[0].grants[0].all_accounts == false' "$WORK/out" >/dev/null &&
	ok "lists users with their grants" || bad "user list: $(cat "$WORK/out")"
printf 'short\n' >"$WORK/pw"
expect_exit 2 "a password that is too short" -- "$K" user add shorty --role analyst <"$WORK/pw"
printf 'one-password-here\nanother-password\n' >"$WORK/pw"
expect_exit 2 "two passwords that differ" -- "$K" user add twice --role analyst <"$WORK/pw"
expect_exit 2 "an unknown role" -- "$K" user add odd --role king <"$WORK/pw"
[[ -z $(db "SELECT 1 FROM app_user WHERE name IN ('shorty','twice','odd')") ]] && ok "none of them was added" || bad "a refused user was added"

# Users from the API.
check 201 "$(req admin POST /users "{\"name\":\"webben\",\"role\":\"editor\",\"accounts\":[\"exempelbykommun\"],\"password\":\"$PW\"}")" "the administrator adds a user"
jqb '.name == "webben" and .grants[0].role == "editor" and .grants[0].all_accounts == false' && ok "an editor of one account" || bad "user add: $(cat "$WORK/body")"
uid=$(jq .id "$WORK/body")
csrf[webben]=$(login webben)
check 200 "$(req webben GET /session)" "who logs in"
check 400 "$(req admin POST /users '{"name":"kort","role":"editor","password":"kort"}')" "a short password"
jqb '.field == "password"' && ok "names the password" || bad "short password: $(cat "$WORK/body")"
check 403 "$(req mod1 POST /users "{\"name\":\"x\",\"role\":\"admin\",\"password\":\"$PW\"}")" "a moderator may not add users"
check 200 "$(req admin POST "/users/$uid/disable" '{}')" "the administrator disables the user"
jqb '.disabled == true' && ok "who is disabled" || bad "disable: $(cat "$WORK/body")"
check 401 "$(req webben GET /session)" "and whose session has ended"
check 200 "$(req mod1 GET /roles)" "the role table"
jqb '[.items[].label] | index("redaktör") and index("arkivarie")' && ok "in Swedish too" || bad "roles: $(cat "$WORK/body")"

# --- ÖS: few administrators ------------------------------------------------------
"$K" person add --name "Cia Ek" --email cia@exempelby.se --unit Kultur >/dev/null
"$K" account add --platform instagram --handle kulturby --unit Kultur \
	--admin eva@exempelby.se --admin bo@exempelby.se --admin cia@exempelby.se >/dev/null
expect_exit 0 "the notify pass" -- "$K" notify run
check 200 "$(req mod1 GET /alerts)" "alerts"
jqb '[.items[] | select(.kind == "admins")] | length == 1 and .[0].detail.admins == 3 and .[0].detail.max == 2 and .[0].detail.handle == "kulturby"' &&
	ok "an account with more administrators than allowed raises an alert" || bad "admins alert: $(cat "$WORK/body")"
expect_exit 0 "a second pass" -- "$K" notify run
check 200 "$(req mod1 GET /alerts)" "alerts again"
jqb '[.items[] | select(.kind == "admins")] | length == 1' && ok "raised once" || bad "admins alert twice"

# --- expiry, logout, disable ----------------------------------------------------
db "UPDATE user_session SET seen_at = seen_at - 7200 WHERE user_id = (SELECT id FROM app_user WHERE name = 'mod2')"
check 401 "$(req mod2 GET /inbox)" "a session idle for longer than session_idle has expired"
jqb '.detail | test("expired")' && ok "says so" || bad "expired: $(cat "$WORK/body")"
check 204 "$(req admin DELETE /session)" "log out"
expect_grep '^Set-Cookie: kv_session=; .*Max-Age=0' "$WORK/hdr" "the cookie is cleared"
check 401 "$(req admin GET /session)" "the session has ended"
expect_exit 0 "disable analyst" -- "$K" user disable analyst
got=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$API/items")
check 401 "$got" "a disabled user's token stops working"

# --- throttling (last: it locks the address out) -----------------------------------
for _ in 1 2 3; do req nobody POST /session "{\"username\":\"editor\",\"password\":\"wrong-password\"}" >/dev/null; done
check 429 "$(req nobody POST /session "{\"username\":\"editor\",\"password\":\"$PW\"}")" "after three failures even the right password waits"
check 429 "$(req nobody POST /session "{\"username\":\"archivist\",\"password\":\"$PW\"}")" "and so does another user from the same address"
expect_exit 0 "the audit chain holds" -- "$K" audit verify
finish
