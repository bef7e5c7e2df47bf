#!/usr/bin/env bash
# Nothing acknowledged is lost, whenever the process dies (SIGKILL):
#  - a large import (generated here) killed at random moments, again and
#    again: after every kill `kanalvakt check` passes (integrity, foreign
#    keys, the search index against the items with our tokenizer, the audit
#    chain) and the file is either wholly in or not at all; run again, every
#    item of the file is there exactly once, screened, its questions open;
#  - serve killed at random moments while signed webhook deliveries pour in:
#    every delivery answered 200 is stored, and after a restart imported
#    exactly once.
# The kill points are random; no assertion depends on timing. Short by
# default (make test); `make soak` runs it long:
#   KV_CRASH_ITEMS (20000) items in the file, KV_CRASH_KILLS (20) kills of
#   the import, KV_CRASH_SERVE_KILLS (4) kills of serve,
#   KV_CRASH_DELIVERIES (240) deliveries posted.
source "$(dirname "$0")/lib.bash"
N=${KV_CRASH_ITEMS:-20000}
KILLS=${KV_CRASH_KILLS:-20}
SERVE_KILLS=${KV_CRASH_SERVE_KILLS:-4}
DELIVERIES=${KV_CRASH_DELIVERIES:-240}
TPL=$WORK/tpl
D=$WORK/var
export KANALVAKT_DATA=$D
DB=$D/kanalvakt.db
q() { sqlite3 "$DB" "$1"; }
QUESTION_EVERY=500

# check_db WHEN: `kanalvakt check` passes.
failed_checks=0
check_db() {
	if ! "$K" check >"$WORK/check.out" 2>&1; then
		failed_checks=$((failed_checks + 1))
		echo "    check after $1: $(head -3 "$WORK/check.out")"
	fi
}

KANALVAKT_DATA=$TPL "$K" init --org "Exempelby kommun" >/dev/null
KANALVAKT_DATA=$TPL "$K" unit add --name K >/dev/null
KANALVAKT_DATA=$TPL "$K" account add --platform facebook --handle exempelby --platform-id 104857392011234 --unit K >/dev/null
# One comment in QUESTION_EVERY asks the kommun something; the others are friendly.
awk -v n="$N" -v qe=$QUESTION_EVERY 'BEGIN {
	for (i = 1; i <= n; i++) {
		t = (i % qe == 0) ? "När öppnar badhuset igen efter renoveringen?" : "Fin bild från hamnen, tack för sommaren"
		printf "{\"id\":\"104857392011234_%d\",\"platform\":\"facebook\",\"kind\":\"comment\",\"parent_id\":\"104857392011234_1\",\"root_id\":\"104857392011234_1\",\"author\":{\"id\":\"9%d\",\"name\":\"Person %d\"},\"created_at\":\"2026-01-10T10:00:00+01:00\",\"text\":\"%s %d\"}\n", i + 1, i, i, t, i
	}
}' >"$WORK/big.jsonl"
cut -d'"' -f4 "$WORK/big.jsonl" | sort >"$WORK/ids.want"

# The length of one clean import, only to spread the kills over it.
cp -a "$TPL" "$D"
t0=$(date +%s%N)
"$K" import --account exempelby "$WORK/big.jsonl" >/dev/null
t1=$(date +%s%N)
span_ms=$(((t1 - t0) / 1000000 + 50))
echo "  one import of $N items: about $span_ms ms; $KILLS kills spread over it"

# verify_whole WHEN: the file is in, each item once, screened, with its questions.
verify_whole() {
	q "SELECT platform_id FROM item WHERE kind = 'comment' ORDER BY platform_id" >"$WORK/ids.got"
	if cmp -s <(sort "$WORK/ids.got") "$WORK/ids.want"; then ok "$1: every item of the file is there exactly once"; else
		bad "$1: items differ from the file ($(wc -l <"$WORK/ids.got") stored, $N in the file)"
	fi
	[[ $(q "SELECT COUNT(*) FROM item i JOIN item_screening s ON s.item_id = i.id WHERE i.kind = 'comment'") == "$N" ]] &&
		ok "$1: every item is screened" || bad "$1: screened $(q 'SELECT COUNT(*) FROM item_screening') of $N"
	[[ $(q "SELECT COUNT(*) FROM question") == $((N / QUESTION_EVERY)) ]] &&
		ok "$1: each question is open once" || bad "$1: $(q 'SELECT COUNT(*) FROM question') questions, $((N / QUESTION_EVERY)) asked"
}

rm -rf "$D"
cp -a "$TPL" "$D"
partial=0 whole=0 rounds=0
for k in $(seq "$KILLS"); do
	delay_ms=$((RANDOM % span_ms))
	"$K" import --account exempelby "$WORK/big.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	check_db "kill $k (at $delay_ms ms)"
	n=$(q "SELECT COUNT(*) FROM item WHERE kind = 'comment'")
	if [[ $n -ne 0 && $n -ne $N ]]; then
		partial=$((partial + 1))
		echo "    kill $k: $n of $N items stored"
	fi
	if [[ $n -eq $N ]]; then
		# In: run again until done, prove it whole, start over.
		whole=$((whole + 1))
		"$K" import --account exempelby "$WORK/big.jsonl" >/dev/null
		[[ $(q "SELECT COUNT(*) FROM item WHERE kind = 'comment'") == "$N" ]] || partial=$((partial + 1))
		rounds=$((rounds + 1))
		rm -rf "$D"
		cp -a "$TPL" "$D"
	fi
done
[[ $partial -eq 0 ]] && ok "after each of $KILLS kills the file was wholly in or not at all ($whole in)" ||
	bad "$partial kills left part of the file"
[[ $failed_checks -eq 0 ]] && ok "check passes after every kill" || bad "check failed after $failed_checks kills"
expect_exit 0 "import again after the last kill" -- "$K" import --account exempelby "$WORK/big.jsonl"
verify_whole "after the kills"
expect_exit 0 "check at the end" -- "$K" check
expect_grep "database ok" "$WORK/out" "check says the database is ok"
expect_exit 0 "audit verify" -- "$K" audit verify

# ---- webhooks: serve killed while deliveries arrive ----
SECRET="crash-app-secret-3c1d"
CONF="$WORK/kanalvakt.conf"
printf '[meta]\napp_secret = %s\nverify_token = t\n[server]\nlisten = 127.0.0.1:0\n' "$SECRET" >"$CONF"
rm -rf "$D"
cp -a "$TPL" "$D"
kv_secrets "$CONF"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -9 $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
start_server() {
	"$K" --config "$CONF" serve --listen 127.0.0.1:0 2>"$WORK/serve.log" >/dev/null &
	SERVER_PID=$!
	PORT=""
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's/.*listening on .*(port \([0-9]*\)).*/\1/p' "$WORK/serve.log")
		[[ -n $PORT ]] && return 0
		sleep 0.05
	done
	bad "serve did not start: $(cat "$WORK/serve.log")"
	return 1
}
delivery() { # i: one comment, its own delivery
	printf '{"object":"page","entry":[{"id":"104857392011234","time":%d,"changes":[{"field":"feed","value":{"from":{"id":"8%d","name":"Person %d"},"message":"Webbkommentar %d om hamnen","post_id":"104857392011234_1","comment_id":"1_%d","created_time":%d,"item":"comment","parent_id":"104857392011234_1","verb":"add"}}]}]}' \
		$((1767000000 + $1)) "$1" "$1" "$1" "$1" $((1767000000 + $1))
}
# post I: 0 when answered 200.
post() {
	local f=$WORK/d.json code
	delivery "$1" >"$f"
	code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -X POST -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$(openssl dgst -sha256 -hmac "$SECRET" -r <"$f" | cut -d' ' -f1)" \
		--data-binary @"$f" "http://127.0.0.1:$PORT/webhooks/meta" 2>/dev/null || true)
	[[ $code == 200 ]]
}
: >"$WORK/acked"
i=1 cut=0
per_kill=$((DELIVERIES / (SERVE_KILLS + 1)))
for k in $(seq "$SERVE_KILLS"); do
	start_server || break
	# Kill serve somewhere within the next per_kill deliveries.
	(sleep "$(printf '0.%03d' $((RANDOM % 900)))"; kill -9 "$SERVER_PID" 2>/dev/null) &
	killer=$!
	sent=0
	while [[ $sent -lt $per_kill ]] && post "$i"; do
		echo "1_$i" >>"$WORK/acked"
		i=$((i + 1))
		sent=$((sent + 1))
	done
	[[ $sent -lt $per_kill ]] && cut=$((cut + 1))
	wait "$killer" 2>/dev/null || true
	kill -9 "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
	# The delivery that met the kill is sent again, as Meta does.
	check_db "serve kill $k"
done
start_server
while [[ $i -le $DELIVERIES ]] && post "$i"; do
	echo "1_$i" >>"$WORK/acked"
	i=$((i + 1))
done
for _ in $(seq 1 200); do
	[[ $(q "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'pending'") == 0 ]] && break
	sleep 0.05
done
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
acked=$(wc -l <"$WORK/acked")
echo "  $cut of $SERVE_KILLS kills of serve fell amid the deliveries"
[[ $acked -ge $((DELIVERIES / 2)) ]] && ok "$acked deliveries answered 200 across $SERVE_KILLS kills of serve" ||
	bad "only $acked deliveries answered"
q "SELECT platform_id FROM item WHERE platform_id LIKE '1\_%' ESCAPE '\\'" | sort >"$WORK/wh.got"
missing=$(comm -23 <(sort "$WORK/acked") "$WORK/wh.got" | wc -l)
[[ $missing -eq 0 ]] && ok "every delivery answered 200 was imported" || bad "$missing answered deliveries are not items"
[[ $(sort "$WORK/wh.got" | uniq -d | wc -l) -eq 0 ]] && ok "each exactly once" || bad "some deliveries were imported twice"
[[ $(q "SELECT COUNT(*) FROM webhook_delivery WHERE status <> 'done'") == 0 ]] &&
	ok "every stored delivery was processed" || bad "deliveries left: $(q "SELECT status, COUNT(*) FROM webhook_delivery GROUP BY 1")"
[[ $failed_checks -eq 0 ]] && ok "check passes after every kill of serve" || bad "check failed after $failed_checks kills"
expect_exit 0 "check after the webhooks" -- "$K" check
finish
