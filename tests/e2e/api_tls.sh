#!/usr/bin/env bash
# HTTPS in serve itself: with [server] tls_cert and tls_key (PEM files) the
# API speaks TLS (libmicrohttpd with GnuTLS), the session cookie is Secure,
# Strict-Transport-Security is sent, and plain HTTP on that port gets no
# answer. A missing key file is refused at start, naming the key.
source "$(dirname "$0")/lib.bash"
command -v openssl >/dev/null || { echo "openssl is not installed"; exit 77; }
export KANALVAKT_RULES=$KV_SOURCE_DIR/rules
PW=correct-horse-battery
"$K" init --org "Exempelby kommun" >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[meta]
app_secret = tls-test-secret

[server]
tls_cert = $WORK/cert.pem
tls_key = $WORK/key.pem

[auth]
argon2_ops = 1
argon2_mem_kib = 8
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
printf '%s\n' "$PW" | "$K" user add admin --role admin >/dev/null

"$K" --json serve --listen 127.0.0.1:0 >"$WORK/serve.json" 2>"$WORK/serve.log" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s $WORK/serve.json ]] && break; kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
if grep -q "built without TLS" "$WORK/serve.log"; then echo "libmicrohttpd has no TLS here"; exit 77; fi
[[ -s $WORK/serve.json ]] || { echo "serve did not start"; cat "$WORK/serve.log"; exit 1; }
PORT=$(jq -r .port "$WORK/serve.json")
API="https://127.0.0.1:$PORT/api/v1"

code=$(curl -s --cacert "$WORK/cert.pem" -D "$WORK/hdr" -o "$WORK/body" -w '%{http_code}' \
	-H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PW\"}" "$API/session")
[[ $code == 200 ]] && ok "log in over HTTPS" || bad "login over HTTPS: $code $(cat "$WORK/body")"
expect_grep '^Set-Cookie: kv_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+; Secure' "$WORK/hdr" "the cookie is Secure under TLS"
expect_grep '^Strict-Transport-Security: max-age=' "$WORK/hdr" "HSTS under TLS"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/api/v1/openapi.json" || true)
[[ $code != 200 ]] && ok "plain HTTP on the TLS port is not answered ($code)" || bad "plain HTTP answered on the TLS port"
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true

sed -i "s|^tls_key = .*|tls_key = $WORK/missing.pem|" "$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 2 "a missing key file is refused" -- "$K" serve --listen 127.0.0.1:0
expect_grep 'tls_key' "$WORK/err" "naming the key"
finish
