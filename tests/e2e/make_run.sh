#!/usr/bin/env bash
# What make run does for a newcomer: the demo organisation with dates near
# today, a banner that says what runs, where, how to stop it and what to try
# next, and a clear word when the port is taken.
source "$(dirname "$0")/lib.bash"
cd "${KV_SOURCE_DIR:?}"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KANALVAKT=$K KANALVAKT_LISTEN=127.0.0.1:$PORT
unset KANALVAKT_NOW

sh scripts/run-main >"$WORK/run.out" 2>"$WORK/run.err" &
RUN=$!
up=0
for _ in $(seq 1 400); do
	curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && { up=1; break; }
	kill -0 "$RUN" 2>/dev/null || break
	sleep 0.05
done
[[ $up == 1 ]] && ok "make run's main job ends in serve, answering on its port" || { bad "serve did not come up"; sed 's/^/    /' "$WORK/run.err" | tail -20; }

expect_grep "what runs now: kanalvakt serve" "$WORK/run.out" "the banner says what is running"
expect_grep "http://127.0.0.1:$PORT/" "$WORK/run.out" "the banner gives the URL"
expect_grep "stop it +Ctrl-C" "$WORK/run.out" "the banner says how to stop it"
expect_grep -- "--listen 127.0.0.1:PORT" "$WORK/run.out" "the banner says how to change the port"
expect_grep "things to try" "$WORK/run.out" "the banner says what to try next"

# The demo's dates are near today: the newest item is from the last
# weekday before today.
newest=$("$K" --json item list | jq -r -s 'map(.created_at) | max')
age=$(python3 -c 'import datetime, sys; d = datetime.datetime.fromisoformat(sys.argv[1]); print((datetime.datetime.now(d.tzinfo).date() - d.date()).days)' "$newest")
[[ $age -ge 1 && $age -le 3 ]] && ok "the newest demo item is $age days old" || bad "newest demo item $newest ($age days old)"
wd_now=$(python3 -c 'import datetime, sys; print(datetime.datetime.fromisoformat(sys.argv[1]).weekday())' "$newest")
[[ $wd_now -lt 5 ]] && ok "the newest demo item is from a weekday" || bad "the newest demo item is from weekday $wd_now"
# Looked at in the morning (the clock pinned to 08:00 UTC today): a demo
# deadline later today is not overdue whatever time the test runs.
morning=$(date -u +%F)T08:00:00Z
total=$(KANALVAKT_NOW=$morning "$K" --json inbox list | jq -s length)
late=$(KANALVAKT_NOW=$morning "$K" --json inbox list --overdue | jq -s length)
[[ $total -ge 1 && $late -lt $total ]] && ok "the demo inbox is not all overdue ($late of $total)" || bad "inbox: $late of $total overdue"

# A second serve on the same port says which option changes it.
expect_exit 3 "serve on a port in use" -- "$K" serve --listen "127.0.0.1:$PORT"
expect_grep "already in use" "$WORK/err" "the refusal says the address is in use"
expect_grep -- "--listen 127.0.0.1:PORT" "$WORK/err" "the refusal names --listen"
expect_grep "listen =. under \[server\]" "$WORK/err" "the refusal names the config key"

kill -INT "$RUN" 2>/dev/null || true
for _ in $(seq 1 200); do kill -0 "$RUN" 2>/dev/null || break; sleep 0.05; done
kill -0 "$RUN" 2>/dev/null && { bad "Ctrl-C did not stop serve"; kill -9 "$RUN"; } || ok "Ctrl-C stops it"
wait "$RUN" 2>/dev/null || true
finish
