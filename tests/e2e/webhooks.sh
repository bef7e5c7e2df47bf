#!/usr/bin/env bash
# `kanalvakt serve` and Meta webhooks over real HTTP on loopback: the
# subscription check, signed deliveries stored before they are acknowledged,
# forged / missing / malformed signatures refused with nothing stored, repeats
# that change nothing, deliveries left pending taken up at start, and one item
# whether it arrives by webhook or later from the Graph API.
source "$(dirname "$0")/lib.bash"

FIX="$KV_SOURCE_DIR/tests/fixtures/meta"
DB="$KANALVAKT_DATA/kanalvakt.db"
SECRET="e2e-app-secret-7f3a9c"
TOKEN="e2e-verify-token-51b2"
CONF="$WORK/kanalvakt.conf"
SERVER_PID=""
PORT=""

SERVER_STATUS=""
stop_server() {
	SERVER_STATUS=""
	if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		set +e
		wait "$SERVER_PID" 2>/dev/null
		SERVER_STATUS=$?
		set -e
	fi
	SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# start_server LOG: starts serve on a free port (the kernel picks it: port 0)
# and reads the port from the first lines of its log.
start_server() {
	local log=$1
	"$K" --config "$CONF" serve --listen 127.0.0.1:0 2>"$log" >/dev/null &
	SERVER_PID=$!
	PORT=""
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's/.*listening on .*(port \([0-9]*\)).*/\1/p' "$log")
		[[ -n "$PORT" ]] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "server did not start:"
	sed 's/^/    /' "$log"
	return 1
}

sql() { kv_sql "$1"; }

# Waits until the worker has taken up every pending delivery (or gives up;
# the checks after it then fail with the real state).
wait_processed() {
	for _ in $(seq 1 200); do
		[[ $(sql "select count(*) from webhook_delivery where status = 'pending'") == 0 ]] && return 0
		sleep 0.05
	done
}

sign() { openssl dgst -sha256 -hmac "$1" -r <"$2" | cut -d' ' -f1; }

# post FILE [HEADER...]: POSTs the file, status code in $WORK/code, body in $WORK/resp.
post() {
	local file=$1
	shift
	local args=()
	for h in "$@"; do args+=(-H "$h"); done
	curl -sS -o "$WORK/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		"${args[@]}" --data-binary @"$file" "http://127.0.0.1:$PORT/webhooks/meta" >"$WORK/code"
}

get() {
	curl -sS -o "$WORK/resp" -w '%{http_code}' "http://127.0.0.1:$PORT$1" >"$WORK/code"
}

expect_code() {
	local got
	got=$(cat "$WORK/code")
	if [[ "$got" == "$1" ]]; then ok "$2"; else
		bad "$2 (HTTP $got, wanted $1)"
		sed 's/^/    /' "$WORK/resp" | head -5
	fi
}

same() { if [[ "$1" == "$2" ]]; then ok "$3"; else bad "$3 ('$1' != '$2')"; fi; }

expect_exit 0 "init" -- "$K" init --org "Exempelby kommun"
expect_exit 0 "unit add" -- "$K" unit add --name "Kommunikationsenheten"
expect_exit 0 "account with the page id" -- "$K" account add --platform facebook --handle exempelby \
	--unit "Kommunikationsenheten" --platform-id 104857392011234

# Without an app secret nothing could be verified: serve refuses to start.
printf '[meta]\nverify_token = %s\n' "$TOKEN" >"$CONF"
kv_secrets "$CONF"
expect_exit 2 "serve without app_secret is refused" -- "$K" --config "$CONF" serve --listen 127.0.0.1:0
expect_grep 'app_secret' "$WORK/err" "the refusal names app_secret"
expect_exit 2 "bad --listen is refused" -- "$K" --config "$CONF" serve --listen nonsense

printf '# e2e\n[meta]\napp_secret = %s\nverify_token = %s\n[server]\nlisten = 127.0.0.1:0\n' \
	"$SECRET" "$TOKEN" >"$CONF"
kv_secrets "$CONF"
start_server "$WORK/server1.log" && ok "serve starts on a free port ($PORT)" || bad "serve starts"

get /health
expect_code 200 "GET /health"
expect_grep '"status":"ok"' "$WORK/resp" "health says ok"
get /api/nowhere
expect_code 404 "unknown path is 404"
expect_grep '"error":\{"code":"not_found"' "$WORK/resp" "404 has a JSON error body"
curl -sS -o "$WORK/resp" -w '%{http_code}' -X DELETE "http://127.0.0.1:$PORT/webhooks/meta" >"$WORK/code"
expect_code 405 "wrong method is 405"

# Subscription check.
get "/webhooks/meta?hub.mode=subscribe&hub.verify_token=$TOKEN&hub.challenge=1158201444"
expect_code 200 "verification with the right token"
same "$(cat "$WORK/resp")" "1158201444" "the challenge is echoed as the body"
get "/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1158201444"
expect_code 403 "verification with a wrong token is 403"
expect_no_grep '1158201444' "$WORK/resp" "a refused check does not echo the challenge"
get "/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444"
expect_code 403 "verification without a token is 403"
get "/webhooks/meta?hub.mode=unsubscribe&hub.verify_token=$TOKEN&hub.challenge=1"
expect_code 403 "verification with another hub.mode is 403"

# Refused deliveries store nothing.
BODY="$FIX/webhook_page_comments.json"
before=$(db_state)
post "$BODY" "X-Hub-Signature-256: sha256=$(sign not-the-secret "$BODY")"
expect_code 401 "forged signature (wrong secret) is 401"
expect_grep '"error":\{"code":"unauthorized"' "$WORK/resp" "401 has a JSON error body"
post "$BODY"
expect_code 401 "missing signature is 401"
expect_grep 'no X-Hub-Signature-256' "$WORK/resp" "the 401 says the header is missing"
post "$BODY" "X-Hub-Signature-256: sha256=zz"
expect_code 401 "malformed signature is 401"
post "$BODY" "X-Hub-Signature-256: sha1=$(sign "$SECRET" "$BODY")"
expect_code 401 "signature without the sha256= prefix is 401"
sed 's/Tack för svaret!/Tack för ingenting!/' "$BODY" >"$WORK/tampered.json"
post "$WORK/tampered.json" "X-Hub-Signature-256: sha256=$(sign "$SECRET" "$BODY")"
expect_code 401 "a signature of another body is 401"
same "$(sql 'select count(*) from webhook_delivery')" 0 "no delivery stored after the refusals"
same "$(db_state)" "$before" "the database is unchanged by the refusals"

# An oversized body is refused before it is read.
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$WORK/big.json"
post "$WORK/big.json" "X-Hub-Signature-256: sha256=$(sign "$SECRET" "$WORK/big.json")" || true
expect_code 413 "a body over 8 MiB is 413"

# A correctly signed delivery: 200, stored, imported.
post "$BODY" "X-Hub-Signature-256: sha256=$(sign "$SECRET" "$BODY")"
expect_code 200 "signed delivery is accepted"
expect_grep '"new":true' "$WORK/resp" "the delivery is new"
same "$(sql 'select count(*) from webhook_delivery')" 1 "one delivery stored"
same "$(sql "select sha256 from webhook_delivery")" "$(sha256sum <"$BODY" | cut -d' ' -f1)" \
	"the stored row is keyed by the body's SHA-256"
cmp -s <(sql "select writefile('$WORK/stored.bin', body) from webhook_delivery" >/dev/null && cat "$WORK/stored.bin") "$BODY" &&
	ok "the raw body is stored byte for byte" || bad "the raw body is stored byte for byte"
wait_processed
same "$(sql 'select status from webhook_delivery')" done "the delivery is imported (status done)"
"$K" --json item list >"$WORK/items.json"
same "$(wc -l <"$WORK/items.json")" 3 "the three comments appear in item list"
expect_grep '"platform_id":"580001_9001".*"direction":"inkommen"' "$WORK/items.json" "the comment is inkommen"
expect_grep '"platform_id":"580001_9003".*"direction":"upprättad"' "$WORK/items.json" "the page's reply is upprättad"

# The same delivery again changes nothing.
before=$(db_state)
post "$BODY" "X-Hub-Signature-256: sha256=$(sign "$SECRET" "$BODY")"
expect_code 200 "a repeated delivery is acknowledged"
expect_grep '"new":false' "$WORK/resp" "the repeat is recognised"
wait_processed
same "$(db_state)" "$before" "the repeat changes nothing in the database"

# Secrets never reach the log.
expect_no_grep "$SECRET" "$WORK/server1.log" "the app secret is not logged"
expect_no_grep "$TOKEN" "$WORK/server1.log" "the verify token is not logged"
expect_grep 'POST /webhooks/meta 401' "$WORK/server1.log" "refusals are logged"

stop_server
same "$SERVER_STATUS" 0 "SIGTERM stops the server with status 0"
expect_grep 'stopped' "$WORK/server1.log" "the server says it stopped"

# A delivery acknowledged but not imported before the process ended (written
# here as the server would have written it) is imported at the next start.
EDIT="$FIX/webhook_page_edited.json"
sql "insert into webhook_delivery (org_id, source, sha256, received_at, signature, body, status)
     values (1, 'meta', '$(sha256sum <"$EDIT" | cut -d' ' -f1)', 1767003601,
             'sha256=$(sign "$SECRET" "$EDIT")', readfile('$EDIT'), 'pending')"
start_server "$WORK/server2.log" && ok "serve starts again" || bad "serve starts again"
wait_processed
same "$(sql "select status from webhook_delivery where id = 2")" done "a pending delivery is imported at start"
"$K" --json item show 1 >"$WORK/show.json"
same "$(jq -r '.versions | length' "$WORK/show.json")" 2 "the edit is a second version of the comment"
stop_server
same "$SERVER_STATUS" 0 "the second run stops with status 0"

# The same comment fetched later from the Graph API stays one item.
expect_exit 0 "import the Graph API feed" -- "$K" import --format graph "$FIX/graph_feed_p1.json"
"$K" --json item list >"$WORK/items.json"
same "$(grep -c '"platform_id":"580001_9001"' "$WORK/items.json")" 1 "comment 9001 is one item after the API import"
same "$(grep -c '"platform_id":"580001_9003"' "$WORK/items.json")" 1 "reply 9003 is one item after the API import"
same "$(sql "select count(*) from item where platform_id = '580001_9001'")" 1 "one row for comment 9001 in the database"

# The delivery commands.
expect_exit 0 "webhook list" -- "$K" --json webhook list
same "$(wc -l <"$WORK/out")" 2 "webhook list shows both deliveries"
expect_exit 0 "webhook list --status done" -- "$K" --json webhook list --status done
expect_exit 2 "webhook list with a bad status" -- "$K" webhook list --status nope
sql "update webhook_delivery set status = 'failed', error = 'test' where id = 1"
expect_exit 0 "webhook retry re-imports a failed delivery" -- "$K" --json webhook retry
expect_grep '"id":1,"status":"done"' "$WORK/out" "retry reports delivery 1 done"
same "$(sql "select count(*) from item where platform_id = '580001_9001'")" 1 "retry adds no duplicate"
expect_exit 2 "webhook retry of an unknown id" -- "$K" webhook retry 99
expect_grep 'no webhook delivery with id 99' "$WORK/err" "the error names the id"

finish
