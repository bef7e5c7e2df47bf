# Shared helpers for the end-to-end scripts (sourced, not run).
set -euo pipefail
K=${KANALVAKT_BIN:?KANALVAKT_BIN must name the kanalvakt binary}
KV_BIN_DIR=$(dirname "$K")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kv-e2e.XXXXXX")
export KANALVAKT_DATA="$WORK/var"

# With KV_E2E_DATABASE=postgresql://…/postgres?… (the server tests/pg/pgctl.sh
# starts) the script runs on a PostgreSQL database of its own, created here
# and dropped when it exits (kv_drop_db, in every EXIT trap): $K is then a
# wrapper passing --database. kv_sql and db_state read whichever engine runs.
KV_DB_URL=
if [[ -n ${KV_E2E_DATABASE:-} ]]; then
	KV_DB_NAME=kve2e_$$_${RANDOM}
	KV_DB_URL=${KV_E2E_DATABASE/\/postgres\?//$KV_DB_NAME?}
	psql -q "$KV_E2E_DATABASE" -c "CREATE DATABASE $KV_DB_NAME" >/dev/null
	printf '#!/bin/sh\nexec %q --database %q "$@"\n' "$K" "$KV_DB_URL" >"$WORK/kanalvakt"
	chmod +x "$WORK/kanalvakt"
	K=$WORK/kanalvakt
fi
kv_drop_db() {
	[[ -z $KV_DB_URL ]] ||
		psql -q "$KV_E2E_DATABASE" -c "DROP DATABASE IF EXISTS $KV_DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
}
trap 'kv_drop_db; rm -rf "$WORK"' EXIT

# kv_sql SQL: runs SQL on the database (rows one a line, columns split by |).
kv_sql() {
	if [[ -n $KV_DB_URL ]]; then
		psql -tAq -v ON_ERROR_STOP=1 "$KV_DB_URL" -c "$1"
	else
		sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "$1"
	fi
}
export KANALVAKT_USER=e2e
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# expect_exit CODE DESCRIPTION -- command...: runs the command, checks its exit code.
expect_exit() {
	local want=$1 what=$2
	shift 3
	set +e
	"$@" >"$WORK/out" 2>"$WORK/err"
	local got=$?
	set -e
	if [[ $got -eq $want ]]; then ok "$what"; else
		bad "$what (exit $got, wanted $want)"
		sed 's/^/    /' "$WORK/err" "$WORK/out" | head -20
	fi
}

# expect_grep PATTERN FILE DESCRIPTION
expect_grep() {
	[[ $1 == -- ]] && shift
	if grep -qE -- "$1" "$2"; then ok "$3"; else
		bad "$3 (no /$1/ in $(basename "$2"))"
		sed 's/^/    /' "$2" | head -20
	fi
}

expect_no_grep() {
	[[ $1 == -- ]] && shift
	if grep -qE -- "$1" "$2"; then
		bad "$3 (found /$1/)"
		grep -E -- "$1" "$2" | sed 's/^/    /' | head -5
	else ok "$3"; fi
}

# A fingerprint of the database contents, to show that a refused command changed nothing.
db_state() {
	kv_dump | sha256sum
}

# kv_dump: the database's contents as SQL text. On PostgreSQL without what
# changes with no change of contents: the identity counters (a refused,
# rolled-back INSERT still takes a number) and pg_dump's one-time key.
kv_dump() {
	if [[ -n $KV_DB_URL ]]; then
		pg_dump --data-only --no-owner "$KV_DB_URL" |
			grep -Ev '^--|^\\(un)?restrict |pg_catalog\.setval'
	else
		sqlite3 "$KANALVAKT_DATA/kanalvakt.db" .dump
	fi
}

# kv_db_grep PATTERN: 0 when PATTERN (grep -E) is anywhere in the database:
# its file (free pages too) on SQLite, its contents on PostgreSQL.
kv_db_grep() {
	if [[ -n $KV_DB_URL ]]; then
		kv_dump | grep -qE -- "$1"
	else
		grep -qE -- "$1" "$KANALVAKT_DATA/kanalvakt.db"
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[[ $fail -eq 0 ]]
}

# start_fakeplatform DIR [ROUTES]: runs the stand-in for the platforms'
# APIs (tests/fakeplatform) on DIR with its route table (DIR/routes unless
# named), logging requests to $WORK/requests.log; sets BASE to its address
# and fake_pid; it is stopped when the script exits.
start_fakeplatform() {
	local fake=${FAKEPLATFORM_BIN:-$KV_BIN_DIR/fakeplatform} dir=$1 routes=${2:-$1/routes}
	[[ -x $fake ]] || { echo "fakeplatform not built ($fake)"; exit 1; }
	"$fake" "$dir" "$routes" "$WORK/port" "$WORK/requests.log" 2>"$WORK/fake.err" &
	fake_pid=$!
	trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; kv_drop_db; rm -rf "$WORK"' EXIT
	for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
	[[ -s $WORK/port ]] || { echo "fakeplatform did not start"; cat "$WORK/fake.err"; exit 1; }
	BASE="http://127.0.0.1:$(cat "$WORK/port")"
}

# kv_secrets [FILE]: moves the secrets written in the configuration (FILE,
# else the data directory's kanalvakt.conf) into the vault with `vault
# adopt`, as a kommun does: kanalvakt refuses them in plain text. The
# organisation-wide ones ([meta], [mail], [oidc]) are filed under the first
# account in the register (one is registered when there is none).
export KANALVAKT_VAULT_PASSPHRASE=${KANALVAKT_VAULT_PASSPHRASE:-e2e-valvets-lösenfras}
kv_secrets() {
	local conf=${1:-$KANALVAKT_DATA/kanalvakt.conf} acc
	"$K" account list --json >"$WORK/accounts.json"
	acc=$(python3 -c 'import json,sys; t=open(sys.argv[1]).readline().strip(); print(json.loads(t)["id"] if t else "")' "$WORK/accounts.json")
	if [[ -z $acc ]]; then
		"$K" unit add --name Kommunikationsenheten >/dev/null 2>&1 || true
		"$K" account add --platform facebook --handle e2e.meta.app --unit Kommunikationsenheten >/dev/null
		acc=e2e.meta.app
	fi
	if ! "$K" --config "$conf" vault adopt --account "$acc" >"$WORK/adopt.out" 2>&1; then
		cat "$WORK/adopt.out" >&2
		return 1
	fi
}
