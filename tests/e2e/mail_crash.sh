#!/usr/bin/env bash
# The mail outbox across crashes, against the local SMTP sink: the sender
# ended at once (as a kill would) after each of its commits in turn, then run
# again, delivers every notice exactly once, each under the one Message-ID
# derived from it; a sender killed after the server accepted a message but
# before it closed the connection does not send it again; a mail left
# "sending" by a dead sender waits for its lease, then goes out with the same
# Message-ID. And STARTTLS against the sink with a certificate made here:
# the message goes over TLS, the server's certificate is verified.
source "$(dirname "$0")/lib.bash"
SINK=$KV_BIN_DIR/smtpsink
[[ -x $SINK ]] || { echo "smtpsink not built ($SINK)"; exit 1; }
export KANALVAKT_NOW=2026-01-12T09:00:00+01:00
LATER=2026-01-12T10:00:00+01:00 # past any lease
TPL=$WORK/tpl
D=$WORK/var
export KANALVAKT_DATA=$D
NOTICES=5

sink_pid=
start_sink() { # extra sink options...
	rm -f "$WORK/port"
	mkdir -p "$WORK/mail"
	"$SINK" "$WORK/mail" "$WORK/port" "$@" 2>"$WORK/sink.err" &
	sink_pid=$!
	for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
	[[ -s $WORK/port ]] || { echo "smtpsink did not start"; cat "$WORK/sink.err"; exit 1; }
}
stop_sink() {
	[[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null || true
	wait "$sink_pid" 2>/dev/null || true
	sink_pid=
}
trap 'stop_sink; rm -rf "$WORK"' EXIT
config() { # starttls [extra lines]
	printf '[mail]\nserver = smtp://127.0.0.1:%s\nfrom = kanalvakt@exempelby.se\nstarttls = %s\ntimeout = 5\nbackoff = 60\n%s\n' \
		"$(cat "$WORK/port")" "$1" "${2:-}" >"$D/kanalvakt.conf"
}
# Message-IDs the sink received, one a line, sorted.
received() { cat "$WORK/mail"/msg-*.eml 2>/dev/null | sed -n 's/^Message-ID: <\(.*\)>\r*$/\1/p' | sort; }

KANALVAKT_DATA=$TPL "$K" init --org "Exempelby kommun" >/dev/null
# Notices put in the outbox directly (their queuing has tests of its own:
# notify.sh); the test is about sending them.
for i in $(seq $NOTICES); do
	sqlite3 "$TPL/kanalvakt.db" "INSERT INTO mail_outbox (org_id, dedup_key, recipients, subject, body, created_at, next_attempt_at)
		VALUES (1, 'overdue:question:$i', 'asa@exempelby.se', 'Obesvarad fråga $i', 'Frågan $i är obesvarad.', 1768204800, 0)"
done
# The Message-ID each notice must carry: kv- and 32 hex of SHA-256("1\n" key).
for i in $(seq $NOTICES); do
	printf 'kv-%s@kanalvakt\n' "$(printf '1\noverdue:question:%s' "$i" | sha256sum | cut -c1-32)"
done | sort >"$WORK/ids.want"

start_sink
fresh() { rm -rf "$D" "$WORK/mail" && cp -a "$TPL" "$D" && mkdir -p "$WORK/mail" && config no; }

# 1. Ended after each commit in turn (claim, then sent, per mail).
k=1 wrong=0 unsent_before_lease=0
while :; do
	fresh
	set +e
	KV_FAULT_STOP_AFTER=$k "$K" mail send >/dev/null 2>&1
	rc=$?
	set -e
	[[ $rc -eq 99 ]] || break
	sending=$(sqlite3 "$D/kanalvakt.db" "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sending'")
	# Within the lease, another pass leaves a mail being sent alone.
	"$K" mail send >/dev/null 2>&1 || true
	[[ $(sqlite3 "$D/kanalvakt.db" "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sending'") == "$sending" ]] ||
		unsent_before_lease=$((unsent_before_lease + 1))
	KANALVAKT_NOW=$LATER "$K" mail send >/dev/null 2>"$WORK/err" || true
	if ! cmp -s <(received) "$WORK/ids.want"; then
		wrong=$((wrong + 1))
		echo "    ended after commit $k: received $(received | paste -sd' ')"
	fi
	k=$((k + 1))
done
[[ $k -gt $((2 * NOTICES)) ]] && ok "the sender was ended after each of its $((k - 1)) commits" || bad "only $((k - 1)) commits"
[[ $wrong -eq 0 ]] && ok "every notice arrived exactly once, under its own Message-ID, whichever commit the sender died after" ||
	bad "$wrong crash points gave lost or repeated notices"
[[ $unsent_before_lease -eq 0 ]] && ok "a mail left sending is not taken up before its lease runs out" || bad "taken up early $unsent_before_lease times"
[[ $(sqlite3 "$D/kanalvakt.db" "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent' AND message_id LIKE 'kv-%'") == "$NOTICES" ]] &&
	ok "every row is sent, with its Message-ID" || bad "rows: $(sqlite3 "$D/kanalvakt.db" 'SELECT id, state, message_id FROM mail_outbox')"
expect_exit 0 "the audit chain verifies" -- "$K" audit verify
# A sender killed after the commit of claim: the notice is sent again after
# the lease and said to be.
fresh
set +e
KV_FAULT_STOP_AFTER=1 "$K" mail send >/dev/null 2>&1
set -e
expect_exit 0 "mail send after the lease" -- env KANALVAKT_NOW=$LATER "$K" mail send
expect_grep 'same Message-ID' "$WORK/out" "mail send says a mail a stopped sender left went out again"
"$K" --json audit list >"$WORK/audit"
[[ $(grep -c '"action":"mail.sent".*"after_crash":true' "$WORK/audit") -eq 1 ]] &&
	ok "the audit chain records that one mail was sent after a crash" || bad "audit: $(grep mail.sent "$WORK/audit" | head -3)"

# 2. Killed (SIGKILL) after the server accepted the first message, while it
# holds back its answer to QUIT: the mail is already marked sent.
stop_sink
start_sink --stall-quit 4
fresh
"$K" mail send >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do compgen -G "$WORK/mail/msg-*.eml" >/dev/null && break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
first=$(received | head -1)
state=$(sqlite3 "$D/kanalvakt.db" "SELECT state FROM mail_outbox WHERE message_id || '@kanalvakt' = '$first'")
[[ $state == sent ]] && ok "accepted by the server, killed before QUIT: already marked sent" || bad "state after the kill: '$state'"
stop_sink
start_sink
config no
KANALVAKT_NOW=$LATER "$K" mail send >/dev/null 2>&1 || true
[[ $(received | uniq -d | wc -l) -eq 0 ]] && ok "nothing was sent twice" || bad "sent twice: $(received | uniq -d)"
cmp -s <(received | sort -u) "$WORK/ids.want" && ok "and every notice arrived" || bad "received $(received | paste -sd' ')"

# 3. STARTTLS, with a CA and a server certificate for 127.0.0.1 made here.
P=$WORK/pki
mkdir -p "$P"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 2 -subj "/CN=Kanalvakt test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$P/srv.key" -out "$P/srv.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >"$P/ext.cnf"
openssl x509 -req -in "$P/srv.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -out "$P/srv.pem" -days 2 \
	-extfile "$P/ext.cnf" 2>/dev/null
stop_sink
start_sink --tls "$P/srv.pem" "$P/srv.key"
fresh
config required "ca = $P/ca.pem"
expect_exit 0 "mail send with STARTTLS required" -- "$K" --json mail send
[[ $(received | wc -l) -eq $NOTICES ]] && ok "every notice went out over STARTTLS" || bad "received $(received | wc -l)"
[[ $(grep -l '^X-Sink-TLS: yes' "$WORK/mail"/msg-*.eml | wc -l) -eq $NOTICES ]] && ok "each over TLS" || bad "not all over TLS"
# Without our CA the certificate is not trusted: nothing is sent.
fresh
config required
expect_exit 1 "mail send without the CA fails (exit 1)" -- "$K" mail send
[[ $(received | wc -l) -eq 0 ]] && ok "an untrusted certificate sends nothing" || bad "sent to an untrusted server"
expect_grep "certificate|SSL|TLS" <(sqlite3 "$D/kanalvakt.db" "SELECT last_error FROM mail_outbox") "the error names the certificate"
[[ $(sqlite3 "$D/kanalvakt.db" "SELECT COUNT(*) FROM mail_outbox WHERE state = 'queued' AND attempts = 1") == "$NOTICES" ]] &&
	ok "the mails stay queued for a retry" || bad "rows: $(sqlite3 "$D/kanalvakt.db" 'SELECT state, attempts FROM mail_outbox')"
# A server that wants TLS, and a client told not to use it.
fresh
config no
"$K" mail send >/dev/null 2>&1 || true
expect_grep "530|STARTTLS" <(sqlite3 "$D/kanalvakt.db" "SELECT last_error FROM mail_outbox LIMIT 1") "plain text to a TLS-only server is refused"
finish
