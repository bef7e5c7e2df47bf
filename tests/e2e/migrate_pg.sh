#!/usr/bin/env bash
# `kanalvakt migrate --to postgresql://…`: a SQLite data directory with real
# content (register, captured Meta and Mastodon items, the inbox, a case with
# its evidence, a consent, a policy setting) moved into an empty PostgreSQL
# database; the same commands on both give the same answers, the ids go on
# after the copy, a unit whose parent has a later id goes over, REAL and
# BLOB values byte for byte, the move is audited in the target. Refused,
# writing nothing: a target that holds rows, one of another schema version,
# a server that is not there, a wrong password (masked), a data directory
# without a database, a source another process is writing, a directory
# already on PostgreSQL. A row changed on the target before the
# verification is caught and the whole copy rolled back. Needs the pg
# fixture (KANALVAKT_TEST_DATABASE).
source "$(dirname "$0")/lib.bash"
: "${KANALVAKT_TEST_DATABASE:?}"
F=${KV_SOURCE_DIR:?}/tests/fixtures
export KANALVAKT_RULES=$KV_SOURCE_DIR/rules/sv
export KANALVAKT_NOW=2026-02-20T10:00:00+01:00
base=$KANALVAKT_TEST_DATABASE
db=kvmig_$$
url=${base/\/postgres\?//$db?}
url2=${base/\/postgres\?//${db}_b?}
url3=${base/\/postgres\?//${db}_c?}
bad=${url/:kv@/:wrong@}
host=${base##*host=}
nohost=${url/host=$host/host=$host-missing}
trap 'for d in $db ${db}_b ${db}_c; do psql -q "$base" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done; rm -rf "$WORK"' EXIT
psql -q "$base" -c "CREATE DATABASE $db" -c "CREATE DATABASE ${db}_b" -c "CREATE DATABASE ${db}_c"
pgq() { psql -tAq "$1" -c "$2"; }

# The source: built through the command line.
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" unit add --name "Kultur och fritid" --parent Kommunikation >/dev/null
"$K" person add --name "Åsa Öberg" --email asa@exempelby.se --title Kommunikatör --unit Kommunikation >/dev/null
"$K" person add --name "Bo Berg" --email bo@exempelby.se --title Webbredaktör --public >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation \
	--platform-id 104857392011234 --url https://www.facebook.com/exempelby >/dev/null
"$K" account add --platform mastodon --handle kommunen --unit "Kultur och fritid" \
	--platform-id 109000000000000001 --url https://social.vasterby.se/@kommunen >/dev/null
expect_exit 0 "import Meta webhook and Graph files" -- "$K" import "$F/meta/webhook_page_comments.json" \
	"$F/meta/graph_feed_p1.json" "$F/meta/graph_feed_p2.json"
expect_exit 0 "import a Meta edit" -- "$K" import "$F/meta/webhook_page_edited.json"
expect_exit 0 "import Mastodon statuses" -- "$K" import --account mastodon/kommunen --format mastodon "$F/mastodon/timeline.json"
expect_exit 0 "workflow sync" -- "$K" workflow sync
expect_exit 0 "policy setting" -- "$K" policy set four_eyes yes --account exempelby
printf '%%PDF-1.4 samtycke\n' >"$WORK/blankett.pdf"
expect_exit 0 "a consent" -- "$K" consent add --person-name "Lisa Sjöberg" --scope exempelby \
	--from 2026-01-01 --document "$WORK/blankett.pdf"
export KANALVAKT_VAULT_PASSPHRASE='korrekt häst batteri häftklammer'
expect_exit 0 "a secret in the vault (BLOB columns)" -- bash -c "printf 'EAAB-hemlig' | '$K' vault add exempelby --kind token"
"$K" --json case list >"$WORK/cases.jsonl"
case_id=$(jq -r 'select(.id) | .id' "$WORK/cases.jsonl" | head -n1)
if [[ -n $case_id ]]; then
	expect_exit 0 "a case's evidence" -- "$K" case evidence "$case_id"
else
	bad "the source has a case (none in case list)"
fi
# A unit whose parent came later (an id above its own, more rows on than
# one INSERT carries): copied in id order, its foreign key is checked at the
# end of the copy.
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
	INSERT INTO unit (org_id, name) SELECT 1, 'Enhet ' || i FROM n;
	UPDATE unit SET parent_id = (SELECT max(id) FROM unit) WHERE name = 'Kommunikation'"
src_rows=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT (SELECT count(*) FROM item) || ' ' || (SELECT count(*) FROM audit)")
source_state=$(db_state)

# Refused before anything is written.
expect_exit 2 "a URL that is not PostgreSQL's" -- "$K" migrate --to mysql://x/y
expect_grep "not a PostgreSQL URL" "$WORK/err" "  says so"
expect_exit 2 "no --to" -- "$K" migrate
expect_exit 3 "a server that is not there" -- "$K" migrate --to "$nohost"
expect_grep "cannot connect" "$WORK/err" "  says it cannot connect"
expect_exit 2 "a wrong password" -- "$K" migrate --to "$bad"
expect_grep "wrong user name or password" "$WORK/err" "  says the password is wrong"
expect_no_grep "wrong@" "$WORK/err" "  with the password masked"
mkdir -p "$WORK/empty"
expect_exit 2 "a data directory without a database" -- "$K" --data-dir "$WORK/empty" migrate --to "$url"
expect_grep "holds no SQLite database" "$WORK/err" "  says there is no database"
[[ ! -e $WORK/empty/kanalvakt.db ]] && ok "  and creates none" || bad "  a database was created"
expect_exit 2 "a directory already on PostgreSQL" -- "$K" --database "$url" migrate --to "$url2"
psql -q "$url3" -c "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)" \
	-c "INSERT INTO schema_migrations VALUES (1, 'earlier')"
expect_exit 2 "a target of another schema version" -- "$K" migrate --to "$url3"
expect_grep "schema version 1, the source's is [0-9]+" "$WORK/err" "  says which versions"
[[ $(pgq "$url3" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 1 ]] &&
	ok "  and its schema was not brought up" || bad "  the target's schema was changed"
n=$(pgq "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
[[ $n == 0 ]] && ok "the refused runs left the target untouched" || bad "the target has $n tables"

# A source being written (another process holds its write lock) is
# refused, not waited for.
mkfifo "$WORK/hold"
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2]).read()
c.execute("ROLLBACK")' "$KANALVAKT_DATA/kanalvakt.db" "$WORK/hold" &
holder=$!
exec 3>"$WORK/hold" # returns once the holder has the lock and waits
expect_exit 2 "a source being written" -- "$K" migrate --to "$url"
expect_grep "being written by another process" "$WORK/err" "  says so"
exec 3>&-
wait "$holder"

# A row changed on the target between the copy and the verification.
KANALVAKT_TEST_MIGRATE_SQL="UPDATE person SET name = 'Åsa Ö.' WHERE name = 'Åsa Öberg'" \
	expect_exit 1 "a changed row is caught" -- "$K" migrate --to "$url"
expect_grep "table person differs" "$WORK/err" "  naming the table"
expect_grep "person .*DIFFERS" "$WORK/out" "  and the report marks it"
n=$(pgq "$url" "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM item) + (SELECT count(*) FROM audit)")
[[ $n == 0 ]] && ok "  and the copy was rolled back" || bad "  $n rows left in the target"
KANALVAKT_TEST_MIGRATE_SQL="DELETE FROM consent_account" \
	expect_exit 1 "a missing row is caught" -- "$K" --json migrate --to "$url"
jq -e '.ok == false and ([.tables[] | select(.match | not) | .table] | index("consent_account"))' \
	"$WORK/out" >/dev/null && ok "  the JSON names the table" || bad "  JSON: $(head -c 300 "$WORK/out")"

# The move.
expect_exit 0 "migrate" -- "$K" --json migrate --to "$url"
cp "$WORK/out" "$WORK/migrate.json"
jq -e '.ok and .tables_copied > 20 and .rows > 50 and ([.tables[] | select(.match | not)] | length == 0)
	and (.skipped | index("item_fts")) and (.target | contains("***"))' "$WORK/migrate.json" >/dev/null &&
	ok "  every table copied and matching" || bad "  report: $(head -c 400 "$WORK/migrate.json")"
[[ $(db_state) == "$source_state" ]] && ok "  the source is unchanged" || bad "  the source changed"
read -r items audits <<<"$src_rows"
[[ $(pgq "$url" "SELECT count(*) FROM item") == "$items" ]] && ok "  the items are there" || bad "  items differ"
[[ $(pgq "$url" "SELECT count(*) FROM audit") == $((audits + 1)) ]] && ok "  the audit has the move on top" ||
	bad "  audit count $(pgq "$url" "SELECT count(*) FROM audit"), source $audits"
expect_exit 0 "plain-text run on another database" -- "$K" migrate --to "$url2"
expect_grep "^item .* match" "$WORK/out" "  one line per table"
expect_grep "search index is not copied" "$WORK/out" "  says the search index stays behind"

# The same answers from both.
same() {
	local what=$1
	shift
	"$K" --json "$@" >"$WORK/sqlite.out" 2>&1 || true
	"$K" --database "$url" --json "$@" >"$WORK/pg.out" 2>&1 || true
	if cmp -s "$WORK/sqlite.out" "$WORK/pg.out" && [[ -s $WORK/sqlite.out ]]; then ok "$what"; else
		bad "$what differs"
		diff "$WORK/sqlite.out" "$WORK/pg.out" | head -10 | sed 's/^/    /'
	fi
}
same "account list" account list
same "inbox list" inbox list --state all
same "case list" case list
same "person list" person list
same "unit list" unit list
same "audit list" audit list
blobs_sqlite=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT lower(hex(k.salt) || hex(k.sealed) || hex(s.nonce) || hex(s.ciphertext)) FROM vault_key k, vault_secret s")
blobs_pg=$(pgq "$url" "SELECT encode(k.salt, 'hex') || encode(k.sealed, 'hex') || encode(s.nonce, 'hex') || encode(s.ciphertext, 'hex') FROM vault_key k, vault_secret s")
[[ -n $blobs_pg && $blobs_pg == "$blobs_sqlite" ]] && ok "the vault's BLOBs byte for byte" || bad "vault blobs differ"
jq -e '[.tables[] | select(.table == "item_flag" or .table == "vault_secret") | select(.rows > 0 and .match)] | length == 2' \
	"$WORK/migrate.json" >/dev/null && ok "REAL and BLOB columns copied and matching" || bad "item_flag/vault_secret not in the report"
last=$(pgq "$url" "SELECT action || ' ' || COALESCE(org_id, 0) || ' ' || (after::json->'tables'->'item'->>'rows') || ' ' || (after::json->>'source') FROM audit ORDER BY seq DESC LIMIT 1")
[[ $last == "database.migrate 0 $items $KANALVAKT_DATA/kanalvakt.db" ]] && ok "the move audited last in the target" ||
	bad "last entry: $last"
"$K" --json audit verify >"$WORK/v_sqlite"
expect_exit 0 "audit verify on the target" -- "$K" --database "$url" --json audit verify
jq -e --argjson n "$(jq .entries "$WORK/v_sqlite")" '.ok and .entries == $n + 1' "$WORK/out" >/dev/null &&
	ok "  the chain is intact, the move on top" || bad "  verify: $(cat "$WORK/out")"

# New rows after the copy get new ids.
expect_exit 0 "a unit added on the target" -- "$K" --database "$url" unit add --name "Ny enhet"
max_src=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT max(id) FROM unit")
[[ $(pgq "$url" "SELECT id FROM unit WHERE name = 'Ny enhet'") == $((max_src + 1)) ]] &&
	ok "  with the next id" || bad "  id $(pgq "$url" "SELECT id FROM unit WHERE name = 'Ny enhet'")"

# A target that holds rows.
before=$(pgq "$url" "SELECT count(*) FROM audit")
expect_exit 2 "a target that is not empty" -- "$K" migrate --to "$url"
expect_grep "is not empty: table [a-z_]+ holds rows" "$WORK/err" "  names a table"
[[ $(pgq "$url" "SELECT count(*) FROM audit") == "$before" ]] && ok "  nothing written" || bad "  written"
finish
