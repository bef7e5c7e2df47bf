# The organisation, users and running server the API tests share (sourced
# after lib.bash): two units with an account each, a moderated Facebook
# account (Kultur: flagged comments, so cases) and one with questions
# (Socialtjänsten: the inbox); one user per role, two moderators for four
# eyes, an editor of Kultur only; `serve` on a free loopback port.
FIXC=${KV_SOURCE_DIR:?}/tests/fixtures/cases
FIXW=$KV_SOURCE_DIR/tests/fixtures/workflow
export KANALVAKT_RULES=$KV_SOURCE_DIR/rules
PW=correct-horse-battery
export KANALVAKT_NOW=2026-04-02T16:45:00+02:00

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kultur >/dev/null
"$K" unit add --name "Socialtjänsten" >/dev/null
"$K" person add --name "Eva Ek" --email eva@exempelby.se --unit Kultur >/dev/null
"$K" person add --name "Bo Berg" --email bo@exempelby.se --unit "Socialtjänsten" >/dev/null
"$K" account add --platform facebook --handle exempelbykommun --platform-id 204857392011111 \
	--unit Kultur --url https://www.facebook.com/exempelbykommun --posts-per-week 3 >/dev/null
"$K" account add --platform facebook --handle exempelby --platform-id 104857392011234 \
	--unit "Socialtjänsten" --url https://www.facebook.com/exempelby >/dev/null
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[meta]
app_secret = api-test-secret
verify_token = api-test-verify

[auth]
argon2_ops = 1
argon2_mem_kib = 8
login_failures = 3
login_lockout = 15min
session_idle = 30min

[cases]
require_registration = no
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
"$K" import --account exempelbykommun "$FIXC/facebook.jsonl" >/dev/null
"$K" import "$FIXW/easter_questions.jsonl" >/dev/null
"$K" workflow sync >/dev/null
"$K" policy set four_eyes yes >/dev/null
# An alert to acknowledge (the notify pass makes them; a fixture row here).
kv_sql "INSERT INTO alert (org_id, account_id, kind, dedup_key, detail, created_at) VALUES (1, 2, 'surge', 'surge:test', '{\"flagged\":12}', 1775140000)"

adduser() { printf '%s\n%s\n' "$PW" "$PW" | "$K" user add "$@" >/dev/null; }
adduser admin --role admin --person eva@exempelby.se
adduser moderator --role moderator
adduser mod1 --role moderator
adduser mod2 --role moderator
adduser kultur --role editor --account exempelbykommun
adduser editor --role editor
adduser analyst --role analyst
adduser archivist --role archivist
adduser advertiser --role advertiser
adduser custom --role custom --perms register.read,stats.read
adduser spare --role analyst # user 11: the one the authorisation matrix disables

"$K" --json serve --listen 127.0.0.1:0 >"$WORK/serve.json" 2>"$WORK/serve.log" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; kv_drop_db; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s $WORK/serve.json ]] && break; sleep 0.1; done
[[ -s $WORK/serve.json ]] || { echo "serve did not start"; cat "$WORK/serve.log"; exit 1; }
PORT=$(jq -r .port "$WORK/serve.json")
API="http://127.0.0.1:$PORT/api/v1"

# login USER: logs in with a cookie jar of its own ($WORK/jar.USER); prints the CSRF token.
login() {
	curl -s -c "$WORK/jar.$1" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$API/session" | jq -r .csrf
}
