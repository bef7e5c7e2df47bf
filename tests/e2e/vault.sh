#!/usr/bin/env bash
# The credentials vault: secrets from standard input, encrypted at rest (no
# byte of one in the database, its WAL, a backup, the audit chain or the
# output), revealed only with a reason that is logged, rotated, granted to
# people, and the register's check that two people can use each.
source "$(dirname "$0")/lib.bash"
DB="$KANALVAKT_DATA/kanalvakt.db"
sql() { sqlite3 "$DB" "$1"; }
export KANALVAKT_VAULT_PASSPHRASE='korrekt häst batteri häftklammer'

for cmd in "vault init" "vault add" "vault list" "vault show" "vault rotate" "vault grant" "vault revoke"; do
	expect_exit 0 "$cmd --help" -- "$K" $cmd --help
done

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
for p in anna:Anna bo:Bo cia:Cia; do
	"$K" person add --name "${p##*:}" --email "${p%%:*}@exempelby.se" --unit Kommunikation >/dev/null
done
"$K" account add --platform facebook --handle exempelbykommun --platform-id 204857392011111 --unit Kommunikation >/dev/null
SECRET='EAAG-hemlig-token-Zq81xK3vQp'

# Refused input changes nothing.
before=$(db_state)
expect_exit 2 "an empty secret" -- bash -c "printf '' | '$K' vault add exempelbykommun --kind token"
expect_grep "empty" "$WORK/err" "the refusal says the secret is empty"
expect_exit 2 "an unknown account" -- bash -c "printf 'x' | '$K' vault add nosuch --kind token"
expect_grep "nosuch" "$WORK/err" "the refusal names the account"
expect_exit 2 "an unknown kind" -- bash -c "printf 'x' | '$K' vault add exempelbykommun --kind pin"
expect_grep "password, token" "$WORK/err" "the refusal lists the kinds"
expect_exit 2 "a secret as an argument is not an option" -- "$K" vault add exempelbykommun --kind token --secret x
[[ $(db_state) == "$before" ]] && ok "refused secrets changed nothing" || bad "a refused secret changed the store"

printf '%s\n' "$SECRET" >"$WORK/secret.txt"
expect_exit 0 "vault add (the first creates the vault key)" -- bash -c "'$K' --json vault add exempelbykommun --kind token --label 'Graph API' <'$WORK/secret.txt'"
jq -e '.id == 1 and .key_created' "$WORK/out" >/dev/null && ok "secret 1, key created" || bad "add: $(cat "$WORK/out")"
expect_exit 2 "vault init again" -- "$K" vault init
expect_grep "already" "$WORK/err" "the vault has a key already"

# A wrong passphrase opens nothing and writes nothing.
before=$(db_state)
expect_exit 2 "reveal with a wrong passphrase" -- env KANALVAKT_VAULT_PASSPHRASE=fel "$K" vault show 1 --reveal --reason "test"
expect_grep "passphrase is wrong" "$WORK/err" "the refusal says the passphrase is wrong"
expect_exit 2 "add with a wrong passphrase" -- bash -c "printf 'y' | KANALVAKT_VAULT_PASSPHRASE=fel '$K' vault add exempelbykommun --kind password"
[[ $(db_state) == "$before" ]] && ok "a wrong passphrase changed nothing" || bad "a wrong passphrase changed the store"
expect_exit 2 "without any passphrase and no terminal" -- env -u KANALVAKT_VAULT_PASSPHRASE setsid "$K" vault show 1 --reveal --reason x
expect_grep "KANALVAKT_VAULT_PASSPHRASE" "$WORK/err" "the refusal says where the passphrase comes from"

# Listing and showing never print the secret.
expect_exit 0 "vault list" -- "$K" vault list
expect_grep "facebook/exempelbykommun" "$WORK/out" "the list names the account"
expect_no_grep "$SECRET" "$WORK/out" "the list does not show the secret"
expect_exit 0 "vault show without --reveal" -- "$K" --json vault show 1
jq -e '.kind == "token" and .label == "Graph API" and (has("secret") | not)' "$WORK/out" >/dev/null && ok "show gives metadata only" || bad "show: $(cat "$WORK/out")"
expect_exit 2 "--reveal without --reason" -- "$K" vault show 1 --reveal
expect_exit 0 "--reveal --reason" -- "$K" vault show 1 --reveal --reason "Ny token i connectorn"
[[ $(cat "$WORK/out") == "$SECRET" ]] && ok "the secret comes back as it was" || bad "revealed: $(cat "$WORK/out")"
n=$(sql "SELECT COUNT(*) FROM audit WHERE action = 'vault.reveal' AND after LIKE '%Ny token i connectorn%'")
[[ $n == 1 ]] && ok "the reading is audited with its reason" || bad "$n reveal entries"

# Grants and the register's check: two people in service.
expect_exit 1 "account check with no one granted" -- "$K" account check exempelbykommun
expect_grep "vault_too_few" "$WORK/out" "the check flags a secret fewer than two can use"
expect_exit 0 "grant anna" -- "$K" vault grant 1 --person anna@exempelby.se
expect_exit 2 "grant anna twice" -- "$K" vault grant 1 --person anna@exempelby.se
expect_exit 2 "grant an unknown person" -- "$K" vault grant 1 --person nobody@exempelby.se
expect_grep "nobody@exempelby.se" "$WORK/err" "the refusal names the person"
expect_exit 0 "grant bo" -- "$K" vault grant 1 --person bo@exempelby.se
"$K" account check exempelbykommun >"$WORK/check" || true
expect_no_grep "vault_too_few" "$WORK/check" "two people granted: the check is satisfied"
expect_exit 0 "revoke bo" -- "$K" vault revoke 1 --person bo@exempelby.se
expect_exit 2 "revoke bo again" -- "$K" vault revoke 1 --person bo@exempelby.se
"$K" account check exempelbykommun >"$WORK/check" || true
expect_grep "vault_too_few" "$WORK/check" "one person left: flagged again"

# Rotation: a new version, the old one gone.
expect_exit 0 "rotate" -- bash -c "printf 'EAAG-ny-token-77' | '$K' --json vault rotate 1"
jq -e '.version == 2' "$WORK/out" >/dev/null && ok "version 2" || bad "rotate: $(cat "$WORK/out")"
expect_exit 0 "reveal after rotation" -- "$K" vault show 1 --reveal --reason "kontroll"
[[ $(cat "$WORK/out") == "EAAG-ny-token-77" ]] && ok "the new secret" || bad "after rotate: $(cat "$WORK/out")"

# No byte of either secret at rest or in the logs.
sqlite3 "$DB" "VACUUM INTO '$WORK/backup.db'"
"$K" --json audit list >"$WORK/audit.json" 2>/dev/null || sqlite3 "$DB" "SELECT * FROM audit" >"$WORK/audit.json"
found=0
for f in "$DB" "$DB-wal" "$WORK/backup.db" "$WORK/audit.json" "$WORK/err"; do
	[[ -e $f ]] || continue
	for s in "$SECRET" "EAAG-ny-token-77" "hemlig-token" "korrekt häst"; do
		grep -aqF "$s" "$f" && { found=1; echo "    '$s' in $f"; }
	done
done
[[ $found == 0 ]] && ok "no secret or passphrase in the database, its WAL, a backup or the audit chain" || bad "plaintext found"
[[ $(sql "SELECT length(ciphertext) FROM vault_secret WHERE id = 1") == $((16 + 16)) ]] && ok "only ciphertext and its tag are stored" || bad "ciphertext length"

# Moving a ciphertext to another account does not decrypt.
"$K" account add --platform instagram --handle exempelby.ig --unit Kommunikation >/dev/null
printf 'ig-secret' | "$K" vault add exempelby.ig --kind password >/dev/null
sql "UPDATE vault_secret SET account_id = (SELECT id FROM account WHERE handle = 'exempelbykommun') WHERE id = 2"
expect_exit 3 "a ciphertext moved to another account" -- "$K" vault show 2 --reveal --reason "test"
expect_grep "does not decrypt" "$WORK/err" "a moved secret is refused"
# A connector's token named in kanalvakt.conf as vault:ID is read from the
# vault when fetch starts; the use is audited; a bad reference is refused.
sql "UPDATE vault_secret SET account_id = (SELECT id FROM account WHERE handle = 'exempelby.ig') WHERE id = 2"
start_fakeplatform "$KV_SOURCE_DIR/tests/fixtures/connectors"
conf() { printf '[fetch]\nbackoff_ms = 1\nmax_attempts = 1\n\n[account exempelbykommun]\ntoken = %s\nbase_url = %s/v19.0\n' "$1" "$BASE" >"$KANALVAKT_DATA/kanalvakt.conf"; }
conf vault:1
expect_exit 0 "fetch with the token from the vault" -- "$K" fetch --account exempelbykommun
grep -qF "access_token=EAAG-ny-token-77" "$WORK/requests.log" && ok "the platform got the token from the vault" || bad "requests: $(head -3 "$WORK/requests.log")"
expect_no_grep "EAAG-ny-token-77" "$WORK/out" "fetch does not print the token"
[[ $(sql "SELECT COUNT(*) FROM audit WHERE action = 'vault.use'") == 0 ]] && ok "a fetch leaves no entry of its own" || bad "vault.use: $(sql "SELECT after FROM audit WHERE action = 'vault.use'")"
conf vault:99
expect_exit 2 "a reference to no secret" -- "$K" fetch --account exempelbykommun
expect_grep "token = vault:99: no secret 99" "$WORK/err" "the refusal names the key and the secret"
conf vault:x
expect_exit 2 "a malformed reference" -- "$K" fetch --account exempelbykommun
expect_grep "vault:ID" "$WORK/err" "the refusal says what a reference looks like"
conf vault:1
expect_exit 2 "fetch with a wrong passphrase" -- env KANALVAKT_VAULT_PASSPHRASE=fel "$K" fetch --account exempelbykommun
expect_grep "passphrase is wrong" "$WORK/err" "the refusal says the passphrase is wrong"

# A secret written in plain text in kanalvakt.conf is refused by every
# command that would send it, with the way to move it; `vault adopt` moves
# them all and leaves the rest of the file as it was.
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
# Exempelby kommun
[fetch]
backoff_ms = 1
max_attempts = 1

[meta]
app_secret   = meta-app-hemlis-41
verify_token = verifiera-42

[account exempelbykommun]
token = EAAG-klartext-43
base_url = $BASE/v19.0

[account facebook/exempelbykommun]
publish_token = EAAG-publicera-44

[mail]
server = smtp://127.0.0.1:1
from = kanalvakt@exempelby.se
password = smtp-lösen-45
CONF
chmod 644 "$KANALVAKT_DATA/kanalvakt.conf"
plain=$(cat "$KANALVAKT_DATA/kanalvakt.conf")
expect_exit 2 "fetch with a token in plain text" -- "$K" fetch --account exempelbykommun
expect_grep 'kanalvakt.conf:7 \[meta\] app_secret: a secret written in the configuration file is refused' "$WORK/err" "the refusal names file, line and key"
expect_grep 'vault adopt' "$WORK/err" "the refusal says how to move it"
expect_no_grep 'meta-app-hemlis-41' "$WORK/err" "the refusal does not show the secret"
expect_exit 2 "serve with a secret in plain text" -- "$K" serve --listen 127.0.0.1:0
expect_grep 'vault adopt' "$WORK/err" "serve says the same"
expect_exit 2 "notify (the mail password) in plain text" -- "$K" notify run
expect_grep 'vault adopt' "$WORK/err" "notify says the same"
before=$(db_state)
expect_exit 2 "adopt without --account for [meta] and [mail]" -- "$K" vault adopt
expect_grep '\[meta\] app_secret: belongs to no account' "$WORK/err" "the refusal names the key that needs an account"
expect_exit 2 "adopt into an unknown account" -- "$K" vault adopt --account nosuch
[[ $(db_state) == "$before" && $(cat "$KANALVAKT_DATA/kanalvakt.conf") == "$plain" ]] && ok "a refused adopt changed nothing" || bad "a refused adopt changed something"
expect_exit 0 "adopt --dry-run" -- "$K" --json vault adopt --account exempelbykommun --dry-run
jq -e '.dry_run and .secrets == 5 and ([.moved[].id] | all(. == null))' "$WORK/out" >/dev/null && ok "the dry run lists five" || bad "dry run: $(cat "$WORK/out")"
[[ $(db_state) == "$before" && $(cat "$KANALVAKT_DATA/kanalvakt.conf") == "$plain" ]] && ok "the dry run changed nothing" || bad "the dry run changed something"
expect_exit 0 "adopt" -- "$K" --json vault adopt --account exempelbykommun
jq -e '.secrets == 5 and ([.moved[] | select(.key == "publish_token" and .kind == "token")] | length == 1)' "$WORK/out" >/dev/null && ok "five moved" || bad "adopt: $(cat "$WORK/out")"
for s in meta-app-hemlis-41 verifiera-42 EAAG-klartext-43 EAAG-publicera-44 smtp-lösen-45; do
	grep -qF "$s" "$KANALVAKT_DATA/kanalvakt.conf" && bad "$s is still in the file"
done
ok "no secret is left in the file"
grep -qxF '# Exempelby kommun' "$KANALVAKT_DATA/kanalvakt.conf" && grep -qxF 'backoff_ms = 1' "$KANALVAKT_DATA/kanalvakt.conf" &&
	grep -qxE 'app_secret   = vault:[0-9]+' "$KANALVAKT_DATA/kanalvakt.conf" && grep -qxE 'password = vault:[0-9]+' "$KANALVAKT_DATA/kanalvakt.conf" &&
	ok "the rest of the file is as it was" || bad "file: $(cat "$KANALVAKT_DATA/kanalvakt.conf")"
[[ $(stat -c %a "$KANALVAKT_DATA/kanalvakt.conf") == 600 ]] && ok "the file is its owner's only" || bad "mode $(stat -c %a "$KANALVAKT_DATA/kanalvakt.conf")"
id=$(jq -r '.moved[] | select(.key == "token") | .id' "$WORK/out")
expect_exit 0 "reveal an adopted token" -- "$K" vault show "$id" --reveal --reason "kontroll"
[[ $(cat "$WORK/out") == EAAG-klartext-43 ]] && ok "the adopted token is the one the file had" || bad "revealed: $(cat "$WORK/out")"
[[ $(sql "SELECT COUNT(*) FROM audit WHERE action = 'vault.adopt'") == 5 ]] && ok "each move is audited" || bad "vault.adopt entries"
expect_exit 0 "fetch after adopt" -- "$K" fetch --account exempelbykommun
grep -qF "access_token=EAAG-klartext-43" "$WORK/requests.log" && ok "the platform got the adopted token" || bad "requests: $(tail -3 "$WORK/requests.log")"
"$K" serve --listen 127.0.0.1:0 2>"$WORK/serve.log" >/dev/null &
spid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
kill "$spid" 2>/dev/null || true
wait "$spid" 2>/dev/null || true
expect_grep "listening on" "$WORK/serve.log" "serve starts with the adopted secrets"
[[ $(sql "SELECT COUNT(*) FROM audit WHERE action = 'vault.use' AND after LIKE '%\"serve\"%' AND after LIKE '%\"secrets\":[%,%,%,%,%]%'") == 1 ]] && ok "serve's start is audited with the five secrets" || bad "vault.use: $(sql "SELECT after FROM audit WHERE action = 'vault.use'")"
expect_exit 0 "adopt again: nothing to move" -- "$K" vault adopt
expect_grep 'no secret is written in plain text' "$WORK/out" "a second adopt moves nothing"
printf '[meta]\napp_secret = a\napp_secret = b\n' >"$WORK/twice.conf"
expect_exit 2 "a secret set twice" -- "$K" --config "$WORK/twice.conf" vault adopt --account exempelbykommun
expect_grep 'set on 2 lines' "$WORK/err" "the refusal says it is set twice"
expect_exit 0 "audit chain intact" -- "$K" audit verify
finish
