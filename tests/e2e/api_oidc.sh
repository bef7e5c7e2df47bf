#!/usr/bin/env bash
# Single sign-on with OpenID Connect against the test provider
# (tests/fakeidp): the authorization code flow with PKCE through serve, step
# by step with a cookie jar; a user whose group maps to moderator of one
# account can then read cases and is refused elsewhere; every ID token that
# misbehaves (wrong aud or iss, expired, issued in the future, bad
# signature, alg none, HS256 with the public key, wrong or no nonce, unknown
# key) and every broken flow (no pre-session cookie, wrong state, a code
# used twice, no mapped group, a local user's name) is refused with nothing
# created: no user, grant, link or session.
source "$(dirname "$0")/lib.bash"
IDP=${FAKEIDP_BIN:-$KV_BIN_DIR/fakeidp}
[[ -x $IDP ]] || { echo "fakeidp not built ($IDP)"; exit 1; }
PW=correct-horse-battery
SECRET=idp-test-secret-123

"$IDP" "$WORK/idp.port" kanalvakt "$SECRET" sub-0001 sso.eva kv-moderatorer-kultur,other-group \
	2>"$WORK/idp.log" &
idp_pid=$!
for _ in $(seq 100); do [[ -s $WORK/idp.port ]] && break; sleep 0.1; done
[[ -s $WORK/idp.port ]] || { echo "fakeidp did not start"; cat "$WORK/idp.log"; exit 1; }
ISS="http://127.0.0.1:$(cat "$WORK/idp.port")"

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kultur >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --platform-id 204857392011111 \
	--unit Kultur --url https://www.facebook.com/exempelbykommun >/dev/null
"$K" account add --platform facebook --handle exempelby --platform-id 104857392011234 \
	--unit Kultur --url https://www.facebook.com/exempelby >/dev/null
printf '%s\n%s\n' "$PW" "$PW" | "$K" user add sso.local --role admin >/dev/null

# serve's port is chosen first, so that the redirect_uri is real.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
API="http://127.0.0.1:$PORT/api/v1"
echo "$SECRET" >"$WORK/client_secret"
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[meta]
app_secret = oidc-test-secret
verify_token = oidc-test-verify

[auth]
argon2_ops = 1
argon2_mem_kib = 8

[oidc]
issuer = $ISS
client_id = kanalvakt
client_secret_file = $WORK/client_secret
redirect_uri = $API/session/oidc/callback
scopes = openid profile groups
roles_claim = groups
role.kv-moderatorer-kultur = moderator:exempelbykommun
role.kv-analytiker = analyst
provision = yes
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
"$K" --json serve --listen "127.0.0.1:$PORT" >"$WORK/serve.json" 2>"$WORK/serve.log" &
serve_pid=$!
trap 'kill "$serve_pid" "$idp_pid" 2>/dev/null || true; wait "$serve_pid" "$idp_pid" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s $WORK/serve.json ]] && break; sleep 0.1; done
[[ -s $WORK/serve.json ]] || { echo "serve did not start"; cat "$WORK/serve.log"; exit 1; }

DB=$KANALVAKT_DATA/kanalvakt.db
created() { sqlite3 "$DB" "SELECT (SELECT count(*) FROM app_user), (SELECT count(*) FROM user_grant), (SELECT count(*) FROM user_sso), (SELECT count(*) FROM user_session)"; }
knob() { curl -sf "$ISS/knob?$1" >/dev/null; }

# flow JAR: runs the login to the callback; prints the callback's status and
# leaves its body in $WORK/cb.body and its headers in $WORK/cb.head.
flow() {
	local jar=$WORK/jar.$1 to back
	rm -f "$jar"
	to=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' "$API/session/oidc")
	[[ $to == 302\ $ISS/authorize\?* ]] || { echo "start: $to" >&2; return 1; }
	back=$(curl -s -o /dev/null -w '%{redirect_url}' "${to#302 }")
	echo "${back}" >"$WORK/back"
	curl -s -c "$jar" -b "$jar" -D "$WORK/cb.head" -o "$WORK/cb.body" -w '%{http_code}' "$back"
}

# ---- the good path ----
before=$(created)
m=$(curl -s "$API/session/methods")
jq -e '.password == true and .sso == true' <<<"$m" >/dev/null && ok "with [oidc] the login page is told to offer single sign-on" || bad "methods: $m"
to=$(curl -s -c "$WORK/jar.peek" -o /dev/null -w '%{redirect_url}' "$API/session/oidc")
for p in response_type=code client_id=kanalvakt code_challenge_method=S256 'state=[0-9a-f]{64}' \
	'nonce=[0-9a-f]{64}' 'code_challenge=[A-Za-z0-9_-]{43}(&|$)' 'scope=openid%20profile%20groups' \
	"redirect_uri=http%3A%2F%2F127.0.0.1%3A$PORT%2Fapi%2Fv1%2Fsession%2Foidc%2Fcallback"; do
	[[ $to =~ $p ]] && ok "authorization request has $p" || bad "authorization request lacks $p: $to"
done
grep -qE 'kv_oidc.*' "$WORK/jar.peek" && ok "a pre-session cookie is set" || bad "no kv_oidc cookie"
[[ $to != *verifier* ]] && ok "the verifier stays on the server" || bad "verifier in the URL"

got=$(flow good)
[[ $got == 302 ]] && ok "callback redirects ($got)" || { bad "callback: $got"; cat "$WORK/cb.body"; echo; }
grep -qi '^location: /\s*$' "$WORK/cb.head" && ok "to the web UI" || bad "callback Location: $(grep -i location "$WORK/cb.head")"
grep -qiE '^set-cookie: kv_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "$WORK/cb.head" &&
	ok "session cookie as a password login makes it" || bad "session cookie: $(grep -i set-cookie "$WORK/cb.head")"
me=$(curl -s -b "$WORK/jar.good" "$API/session")
csrf=$(jq -r .csrf <<<"$me")
[[ $(jq -r .user.name <<<"$me") == sso.eva ]] && ok "logged in as sso.eva" || bad "session: $me"
[[ ${#csrf} -ge 32 ]] && ok "with a CSRF token" || bad "no CSRF token: $me"
jq -e '.user.grants | length == 1' <<<"$me" >/dev/null && jq -e '.user.grants[0].role == "moderator"' <<<"$me" >/dev/null &&
	ok "grant: moderator (other-group maps to nothing)" || bad "grants: $(jq -c .user <<<"$me")"
uid=$(sqlite3 "$DB" "SELECT id FROM app_user WHERE name = 'sso.eva'")
acc=$(sqlite3 "$DB" "SELECT accounts FROM user_grant WHERE user_id = $uid")
[[ $acc == "$(sqlite3 "$DB" "SELECT id FROM account WHERE handle = 'exempelbykommun'")" ]] &&
	ok "the grant is for the Kultur account only" || bad "grant accounts: '$acc'"
[[ -z $(sqlite3 "$DB" "SELECT pw_hash FROM app_user WHERE id = $uid") ]] && ok "provisioned without a password" || bad "a password was set"
s=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/jar.good" "$API/cases")
[[ $s == 200 ]] && ok "GET /cases as the SSO moderator: 200" || bad "GET /cases: $s"
for path in /users /audit; do
	s=$(curl -s -o "$WORK/b" -w '%{http_code}' -b "$WORK/jar.good" "$API$path")
	[[ $s == 403 ]] && ok "GET $path as the SSO moderator: 403" || bad "GET $path: $s $(head -c 200 "$WORK/b")"
done
s=$(curl -s -o "$WORK/b" -w '%{http_code}' -X PUT -b "$WORK/jar.good" -H "X-CSRF-Token: $csrf" \
	-H 'Content-Type: application/json' --data-binary '{"value":"no"}' "$API/policy/four_eyes")
[[ $s == 403 ]] && ok "PUT /policy/four_eyes as the SSO moderator: 403" || bad "PUT /policy: $s $(head -c 200 "$WORK/b")"
s=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/jar.good" "$API/accounts/exempelby")
[[ $s == 403 || $s == 404 ]] && ok "the other account is not theirs ($s)" || bad "GET /accounts/exempelby: $s"
"$K" --json audit list >"$WORK/audit.jsonl" 2>/dev/null || "$K" --json audit >"$WORK/audit.jsonl"
jq -s -e 'any(.[]; .actor == "sso.eva" and .action == "session.login" and .after.method == "oidc")' "$WORK/audit.jsonl" >/dev/null &&
	ok "the login is audited as sso.eva (oidc)" || bad "no audited OIDC login: $(tail -3 "$WORK/audit.jsonl")"
jq -s -e 'any(.[]; .actor == "sso.eva" and .action == "user.add")' "$WORK/audit.jsonl" >/dev/null &&
	ok "the provisioning is audited" || bad "provisioning not audited"

# Logging in again reuses the user and rotates the session.
old=$(grep kv_session "$WORK/jar.good" | awk '{print $7}')
got=$(flow good)
new=$(grep kv_session "$WORK/jar.good" | awk '{print $7}')
[[ $got == 302 && -n $new && $new != "$old" ]] && ok "a second login: same user, new session id" || bad "second login: $got"
[[ $(sqlite3 "$DB" "SELECT count(*) FROM app_user WHERE name = 'sso.eva'") == 1 ]] && ok "no second user" || bad "user duplicated"

# The group changes at the provider: the grants follow at the next login.
knob "groups=kv-analytiker"
flow good >/dev/null
[[ $(sqlite3 "$DB" "SELECT role FROM user_grant WHERE user_id = $uid AND token_id IS NULL") == analyst ]] &&
	ok "grants follow the provider's groups" || bad "grants: $(sqlite3 "$DB" "SELECT * FROM user_grant WHERE user_id = $uid")"
knob "groups=kv-moderatorer-kultur"

# ---- bad ID tokens: refused, nothing created ----
n=0
for mode in wrong_aud wrong_iss expired future_iat bad_sig wrong_nonce no_nonce alg_none hs256 unknown_kid; do
	n=$((n + 1))
	knob "mode=$mode&user=sso.bad$n&sub=sub-bad-$n"
	before=$(created)
	got=$(flow "bad$n")
	after=$(created)
	if [[ $got == 401 && $before == "$after" ]] && ! grep -q kv_session "$WORK/jar.bad$n"; then
		ok "$mode: 401, nothing created ($(jq -r .detail "$WORK/cb.body"))"
	else bad "$mode: $got (before $before, after $after) $(head -c 300 "$WORK/cb.body")"; fi
	jq -e '.type | startswith("urn:kanalvakt:problem:")' "$WORK/cb.body" >/dev/null && ok "$mode: problem+json" || bad "$mode: body $(head -c 200 "$WORK/cb.body")"
done
knob "mode=ok&user=sso.eva&sub=sub-0001"

# ---- broken flows ----
before=$(created)
to=$(curl -s -c "$WORK/jar.st" -o /dev/null -w '%{redirect_url}' "$API/session/oidc")
back=$(curl -s -o /dev/null -w '%{redirect_url}' "$to")
s=$(curl -s -o "$WORK/b" -w '%{http_code}' "$back")
[[ $s == 400 ]] && ok "no pre-session cookie: 400" || bad "no cookie: $s"
to=$(curl -s -c "$WORK/jar.st" -o /dev/null -w '%{redirect_url}' "$API/session/oidc")
back=$(curl -s -o /dev/null -w '%{redirect_url}' "$to")
s=$(curl -s -o "$WORK/b" -w '%{http_code}' -b "$WORK/jar.st" "${back%%&state=*}&state=$(printf 'a%.0s' $(seq 64))")
[[ $s == 400 ]] && grep -q state "$WORK/b" && ok "wrong state: 400 naming state" || bad "wrong state: $s $(cat "$WORK/b")"
s=$(curl -s -o "$WORK/b" -w '%{http_code}' -b "$WORK/jar.st" "$back")
[[ $s == 400 ]] && ok "the login in progress is gone after a wrong state" || bad "retry after wrong state: $s"
got=$(flow replay)
s=$(curl -s -o "$WORK/b" -w '%{http_code}' -b "$WORK/jar.replay" "$(cat "$WORK/back")")
[[ $got == 302 && $s == 400 ]] && ok "a callback replayed: 400" || bad "replay: $got then $s"
before=$(created)
s=$(curl -s -o "$WORK/b" -w '%{http_code}' "$API/session/oidc/callback?error=access_denied&state=x")
[[ $s == 400 ]] && ok "provider error without a login in progress: 400" || bad "error callback: $s"
to=$(curl -s -c "$WORK/jar.err" -o /dev/null -w '%{redirect_url}' "$API/session/oidc")
st=$(grep -oE 'state=[0-9a-f]{64}' <<<"$to")
s=$(curl -s -o "$WORK/b" -w '%{http_code}' -b "$WORK/jar.err" "$API/session/oidc/callback?error=access_denied&$st")
[[ $s == 401 ]] && grep -q access_denied "$WORK/b" && ok "the provider refuses: 401 naming its error" || bad "provider refusal: $s $(cat "$WORK/b")"
[[ $before == "$(created)" ]] && ok "broken flows created nothing" || bad "broken flows created rows"

knob "user=sso.nogroup&sub=sub-ng&groups=unmapped"
before=$(created)
got=$(flow nogroup)
[[ $got == 403 && $before == "$(created)" ]] && ok "no mapped group: 403, nothing created" || bad "no group: $got $(cat "$WORK/cb.body")"
knob "user=sso.local&sub=sub-local&groups=kv-analytiker"
before=$(created)
got=$(flow local)
[[ $got == 403 && $before == "$(created)" ]] && grep -q 'local user' "$WORK/cb.body" &&
	ok "a local user's name is not taken over: 403" || bad "local user: $got $(cat "$WORK/cb.body")"
knob "user=sso.eva&sub=sub-0001&groups=kv-moderatorer-kultur"

# ---- provision = no: only users an administrator added ----
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
sed -i 's/^provision = yes/provision = no/' "$KANALVAKT_DATA/kanalvakt.conf"
rm -f "$WORK/serve.json"
"$K" --json serve --listen "127.0.0.1:$PORT" >"$WORK/serve.json" 2>>"$WORK/serve.log" &
serve_pid=$!
for _ in $(seq 100); do [[ -s $WORK/serve.json ]] && break; sleep 0.1; done
[[ -s $WORK/serve.json ]] || { echo "serve did not start again"; cat "$WORK/serve.log"; exit 1; }
knob "user=sso.new&sub=sub-new&groups=kv-analytiker"
before=$(created)
got=$(flow new)
[[ $got == 403 && $before == "$(created)" ]] && grep -q 'provision' "$WORK/cb.body" &&
	ok "provision = no: an unknown user is refused, nothing created" || bad "provision=no: $got $(cat "$WORK/cb.body")"
"$K" user add sso.new --role analyst --sso >/dev/null </dev/null
got=$(flow new)
[[ $got == 302 ]] && [[ $(sqlite3 "$DB" "SELECT count(*) FROM user_sso s JOIN app_user u ON u.id = s.user_id WHERE u.name = 'sso.new' AND s.subject = 'sub-new'") == 1 ]] &&
	ok "a user added with --sso logs in and is linked" || bad "pre-added user: $got $(cat "$WORK/cb.body")"
knob "user=sso.eva&sub=sub-0001&groups=kv-moderatorer-kultur"
got=$(flow good)
[[ $got == 302 ]] && ok "a linked user still logs in" || bad "linked user after provision=no: $got"
# The subject, not the name, identifies the user: another subject with a linked name is refused.
knob "user=sso.eva&sub=sub-impostor&groups=kv-moderatorer-kultur"
before=$(created)
got=$(flow imp)
[[ $got == 403 && $before == "$(created)" ]] && ok "another subject under a linked name: 403" || bad "impostor: $got $(cat "$WORK/cb.body")"

# The secret never reaches a log.
! grep -q "$SECRET" "$WORK/serve.log" "$WORK/audit.jsonl" && ok "client secret not logged" || bad "secret in a log"
finish
