#!/usr/bin/env bash
# `kanalvakt serve` serving the web UI's built files over real HTTP on
# loopback: files with their content types, the single-page app's fallback
# to index.html for screens, 404 for missing assets, /api/ paths, dot
# segments and POSTs, nothing outside the root, a named --web directory that
# must exist; and the real build (web/dist, when built) has no inline script
# or style, so a CSP without 'unsafe-inline' holds.
source "$(dirname "$0")/lib.bash"

CONF="$WORK/kanalvakt.conf"
WEB="$WORK/dist"
SERVER_PID=""
PORT=""
stop_server() {
	if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

start_server() {
	local log=$1
	shift
	"$K" --config "$CONF" serve --listen 127.0.0.1:0 "$@" 2>"$log" >/dev/null &
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

# get METHOD PATH: prints "STATUS CONTENT-TYPE", the body into $WORK/body.
get() {
	local how=(-X "$1")
	[[ $1 == HEAD ]] && how=(-I)
	curl -s --path-as-is "${how[@]}" -o "$WORK/body" -w '%{http_code} %{content_type}' \
		"http://127.0.0.1:$PORT$2"
}

expect_get() {
	local method=$1 path=$2 want=$3 what=$4 got
	got=$(get "$method" "$path")
	if [[ "$got" == "$want" ]]; then ok "$what"; else bad "$what ($method $path: '$got', wanted '$want')"; fi
}

"$K" init --org "Webbkommun" >/dev/null
printf '[meta]\napp_secret = e2e-web-secret\n' >"$CONF"
kv_secrets "$CONF"
mkdir -p "$WEB/assets"
printf '<!doctype html><title>UI</title><script type="module" src="/assets/app-1.js"></script>\n' >"$WEB/index.html"
printf 'console.log(1)\n' >"$WEB/assets/app-1.js"
printf 'body{}\n' >"$WEB/assets/app-1.css"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$WEB/favicon.svg"
printf 'outside\n' >"$WORK/secret.txt"

start_server "$WORK/serve.log" --web "$WEB"
expect_get GET / "200 text/html; charset=utf-8" "/ is index.html"
expect_grep '<title>UI</title>' "$WORK/body" "/ answers the page itself"
expect_get GET /inkorg "200 text/html; charset=utf-8" "a screen's path gets index.html (SPA fallback)"
expect_get GET /arenden/12 "200 text/html; charset=utf-8" "a nested screen's path gets index.html"
expect_get GET /assets/app-1.js "200 text/javascript; charset=utf-8" "JavaScript with its type"
expect_grep 'console.log' "$WORK/body" "the asset's bytes"
expect_get GET /assets/app-1.css "200 text/css; charset=utf-8" "CSS with its type"
expect_get GET /favicon.svg "200 image/svg+xml" "SVG with its type"
expect_get HEAD / "200 text/html; charset=utf-8" "HEAD answers like GET"
expect_get GET /assets/gone-9.js "404 application/json" "a missing asset is 404, not the page"
expect_get GET /api/v1/nothing-here "404 application/problem+json" "an unknown API path is 404, not the page"
expect_get GET /.git/config "404 application/json" "hidden segments are not served"
expect_get GET /../secret.txt "404 application/json" "dot segments are not served"
expect_get GET /%2e%2e/secret.txt "404 application/json" "encoded dot segments are not served"
expect_get GET /assets/..%2f..%2fsecret.txt "404 application/json" "encoded slashes do not climb out"
expect_no_grep outside "$WORK/body" "nothing outside the root is read"
expect_get POST /inkorg "404 application/json" "POST to a screen's path is 404"
expect_get GET /health "200 application/json" "routes still answer before the fallback"
curl -s -D "$WORK/headers" -o /dev/null "http://127.0.0.1:$PORT/"
expect_grep '^[Xx]-[Cc]ontent-[Tt]ype-[Oo]ptions: nosniff' "$WORK/headers" "nosniff on the page"
expect_grep "^[Cc]ontent-[Ss]ecurity-[Pp]olicy: .*script-src 'self'" "$WORK/headers" "the page has a CSP"
expect_no_grep "unsafe-inline" "$WORK/headers" "the CSP allows no inline script or style"
expect_grep '^[Cc]ache-[Cc]ontrol: no-store' "$WORK/headers" "the page is not cached"
curl -s -D "$WORK/headers" -o /dev/null "http://127.0.0.1:$PORT/assets/app-1.js"
expect_grep '^[Cc]ache-[Cc]ontrol: public, max-age=31536000, immutable' "$WORK/headers" "hashed assets may be cached"
stop_server

# A --web directory that is not there is an error at start, named.
expect_exit 2 "a missing --web directory is refused" -- "$K" --config "$CONF" serve --listen 127.0.0.1:0 --web "$WORK/nope"
expect_grep "nope' does not exist" "$WORK/err" "the error names the directory"
mkdir -p "$WORK/empty"
expect_exit 2 "a --web directory without index.html is refused" -- "$K" --config "$CONF" serve --listen 127.0.0.1:0 --web "$WORK/empty"
expect_grep "no index.html" "$WORK/err" "the error says the UI is not built"

# The real build: no inline script or style anywhere in the page, every
# script and stylesheet a file of its own.
DIST="$KV_SOURCE_DIR/web/dist/index.html"
if [[ -f "$DIST" ]]; then
	expect_no_grep '<script( type="module")?( crossorigin)?>|<script>' "$DIST" "web/dist: no inline script"
	expect_no_grep '<style|style=' "$DIST" "web/dist: no inline style"
	expect_no_grep ' on[a-z]+=' "$DIST" "web/dist: no inline event handler"
	expect_grep '<script type="module" crossorigin src="/assets/' "$DIST" "web/dist: the script is a file"
	expect_no_grep 'https?://' "$DIST" "web/dist: nothing loaded from another host"
fi

finish
