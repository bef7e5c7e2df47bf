#!/usr/bin/env bash
# The program on PostgreSQL from the command line: init and use through
# --database and through [database] url; a server that is not there, a
# wrong password, a schema newer than the program and a URL that is not
# PostgreSQL's each refused with a clear message, nothing written.
set -euo pipefail
: "${KANALVAKT_BIN:?}" "${KANALVAKT_TEST_DATABASE:?}"
kv=$KANALVAKT_BIN
base=$KANALVAKT_TEST_DATABASE
db=kvcli_$$
url=${base/\/postgres\?//$db?}
bad=${url/:kv@/:wrong@}
host=${base##*host=}
nohost=${url/host=$host/host=$host-missing}
tmp=$(mktemp -d)
trap 'psql -q "$base" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

psql -q "$base" -c "CREATE DATABASE $db"
"$kv" --data-dir "$tmp/d" --database "$url" init --org Sjövik >/dev/null
[[ ! -e $tmp/d/kanalvakt.db ]] || fail "init on PostgreSQL created a SQLite database"
n=$(psql -tAq "$url" -c "SELECT count(*) FROM org WHERE name = 'Sjövik'")
[[ $n == 1 ]] || fail "the organisation is not in PostgreSQL ($n)"
printf '[database]\nurl = %s\n' "$url" >"$tmp/d/kanalvakt.conf"
"$kv" --data-dir "$tmp/d" audit verify | grep -q "intact" || fail "audit verify through [database] url"

set +e
out=$("$kv" --data-dir "$tmp/d" --database "$bad" audit verify 2>&1); rc=$?
set -e
[[ $rc -eq 2 && $out == *"wrong user name or password"* && $out != *wrong@* ]] ||
	fail "wrong password: rc $rc: $out"
set +e
out=$("$kv" --data-dir "$tmp/d" --database "$nohost" audit verify 2>&1); rc=$?
set -e
[[ $rc -ne 0 && $out == *"cannot connect"* ]] || fail "no server: rc $rc: $out"
set +e
out=$("$kv" --data-dir "$tmp/d" --database "mysql://x/y" audit verify 2>&1); rc=$?
set -e
[[ $rc -eq 2 && $out == *"not a PostgreSQL URL"* ]] || fail "other URL: rc $rc: $out"

before=$(psql -tAq "$url" -c "SELECT count(*) FROM audit")
psql -q "$url" -c "INSERT INTO schema_migrations VALUES (9999, 'later')"
set +e
out=$("$kv" --data-dir "$tmp/d" audit verify 2>&1); rc=$?
set -e
[[ $rc -ne 0 && $out == *"newer than this program"* ]] || fail "newer schema: rc $rc: $out"
after=$(psql -tAq "$url" -c "SELECT count(*) FROM audit")
[[ $before == "$after" ]] || fail "a refused start wrote to the audit"
echo "ok"
