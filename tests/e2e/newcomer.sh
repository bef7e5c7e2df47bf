#!/usr/bin/env bash
# What a new user trips over first: a mistyped --data-dir, global options
# after the command, base forms in search, and the same file imported under
# another account.
source "$(dirname "$0")/lib.bash"
F="${KV_SOURCE_DIR:?}/tests/fixtures"

# A read command never creates a data directory; only init does.
expect_exit 2 "account list on a missing data dir is refused" -- "$K" --data-dir "$WORK/typo/dir" account list
expect_grep "does not exist" "$WORK/err" "the refusal says the directory does not exist"
[[ ! -e "$WORK/typo" ]] && ok "nothing was created" || bad "the mistyped data dir was created"
mkdir "$WORK/empty"
expect_exit 2 "a directory without a database is refused" -- "$K" --data-dir "$WORK/empty" item list
[[ -z "$(ls -A "$WORK/empty")" ]] && ok "the empty directory stays empty" || bad "files appeared in an empty dir"
expect_exit 2 "search on a missing data dir" -- "$K" search badplats
[[ ! -e "$KANALVAKT_DATA" ]] && ok "search created nothing" || bad "search created $KANALVAKT_DATA"

"$K" init --org "Exempelby kommun" >/dev/null
[[ -f "$KANALVAKT_DATA/kanalvakt.conf" ]] && ok "init writes a default kanalvakt.conf" || bad "no kanalvakt.conf after init"
[[ "$(stat -c %a "$KANALVAKT_DATA/kanalvakt.conf")" == 600 ]] && ok "kanalvakt.conf is readable by its owner only" || bad "kanalvakt.conf mode"
expect_grep "^# listen = 127.0.0.1:8080" "$KANALVAKT_DATA/kanalvakt.conf" "the default file names the keys, commented"
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform linkedin --handle vasterby-kommun --unit Kommunikation >/dev/null

# Global options anywhere, as in git; -- ends them.
expect_exit 0 "import with --json after the command" -- "$K" import "$F/jsonl/items.jsonl" --json --account vasterby-kommun
jq -e -s '.[0].new >= 1' "$WORK/out" >/dev/null && ok "the late --json gives JSON" || bad "late --json: $(cat "$WORK/out")"
expect_exit 0 "item list --json" -- "$K" item list --json
jq -e -s 'length >= 1' "$WORK/out" >/dev/null && ok "item list --json is JSON Lines" || bad "item list --json: $(head -3 "$WORK/out")"
expect_exit 0 "search X --json" -- "$K" search sommarvikarier --json
jq -e -s 'length == 1' "$WORK/out" >/dev/null && ok "search --json finds one" || bad "search --json: $(cat "$WORK/out")"
expect_exit 0 "--data-dir=DIR after the command" -- "$K" account list --data-dir="$KANALVAKT_DATA" --json
expect_grep vasterby-kommun "$WORK/out" "account list reads the named data dir"
expect_exit 2 "a late --data-dir that is mistyped" -- "$K" account list --data-dir "$WORK/nope"
[[ ! -e "$WORK/nope" ]] && ok "the late mistyped dir was not created" || bad "late --data-dir created"
expect_exit 0 "inbox list --json" -- "$K" inbox list --json
expect_exit 0 "--as after the command is the actor" -- "$K" account edit vasterby-kommun --name "Västerby kommun" --as anna
n=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM audit WHERE actor LIKE '%anna%'")
[[ $n -ge 1 ]] && ok "the edit is audited as anna" || bad "no audit entry by anna"
expect_exit 2 "a global option needs its value" -- "$K" item list --data-dir
expect_exit 2 "after -- a global option is an argument" -- "$K" account show -- --json

# Search finds base forms.
printf '%s\n' \
	'{"id":"bp-1","platform":"linkedin","account":"vasterby-kommun","kind":"post","created_at":"2026-02-03T09:00:00Z","text":"Det är skräpigt på badplatsen vid sjön."}' \
	'{"id":"bp-2","platform":"linkedin","account":"vasterby-kommun","kind":"post","created_at":"2026-02-03T10:00:00Z","text":"Parkeringsplatsen är full och gatan är hal."}' \
	>"$WORK/base.jsonl"
"$K" import "$WORK/base.jsonl" >/dev/null
for q in badplats parkeringsplats gata sjö; do
	expect_exit 0 "search $q" -- "$K" --json search "$q"
	jq -e -s 'length == 1' "$WORK/out" >/dev/null && ok "the base form $q finds its inflection" || bad "search $q: $(cat "$WORK/out")"
done


# The same file under other --account options: one copy of each item.
"$K" account add --platform linkedin --handle vasterby-skola --unit Kommunikation >/dev/null
"$K" account add --platform linkedin --handle vasterby-bibliotek --unit Kommunikation >/dev/null
printf '%s\n' \
	'{"id":"na-1","platform":"linkedin","kind":"post","created_at":"2026-02-04T09:00:00Z","text":"Ett inlägg utan konto i filen."}' \
	'{"id":"na-2","platform":"linkedin","account":"vasterby-kommun","kind":"post","created_at":"2026-02-04T10:00:00Z","text":"Ett inlägg som säger sitt konto."}' \
	>"$WORK/noacc.jsonl"
expect_exit 0 "import with --account vasterby-skola" -- "$K" import --account vasterby-skola "$WORK/noacc.jsonl"
acc() { sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT a.handle FROM item i JOIN account a ON a.id = i.account_id WHERE i.platform_id = '$1'"; }
[[ "$(acc na-1)" == vasterby-skola ]] && ok "--account fills in where the file says nothing" || bad "na-1 under $(acc na-1)"
[[ "$(acc na-2)" == vasterby-kommun ]] && ok "the file's own account wins over --account" || bad "na-2 under $(acc na-2)"
state=$(db_state)
expect_exit 2 "the same file under another --account is a conflict" -- "$K" import --account vasterby-bibliotek "$WORK/noacc.jsonl"
expect_grep "already captured under account" "$WORK/err" "the conflict names the account it was captured under"
[[ "$(db_state)" == "$state" ]] && ok "the conflicting import changed nothing" || bad "the conflicting import changed the database"
expect_exit 2 "items.jsonl under a third account" -- "$K" import --account vasterby-bibliotek "$F/jsonl/items.jsonl"
n=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM item WHERE platform_id = 'li-1001'")
[[ $n == 1 ]] && ok "three accounts, one copy" || bad "li-1001 stored $n times"
expect_exit 0 "the same file under its first --account again" -- "$K" import --account vasterby-skola "$WORK/noacc.jsonl"

# Errors a new user meets first.
mkdir -p "$WORK/dir"
expect_exit 2 "import of a directory" -- "$K" import "$WORK/dir"
expect_grep "is a directory" "$WORK/err" "the refusal says it is a directory"
: >"$WORK/empty.json"
expect_exit 2 "an empty .json" -- "$K" import "$WORK/empty.json"
expect_grep "is empty" "$WORK/err" "the refusal says the file is empty"
printf '\xef\xbb\xbf{"id":"bom-1","platform":"linkedin","account":"vasterby-kommun","kind":"post","created_at":"2026-02-05T09:00:00Z","text":"Fil med BOM."}\n' >"$WORK/bom.jsonl"
expect_exit 0 "a JSONL file that starts with a UTF-8 BOM" -- "$K" import "$WORK/bom.jsonl"
n=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM item WHERE platform_id = 'bom-1'")
[[ $n == 1 ]] && ok "the item after the BOM is imported" || bad "bom-1 stored $n times"

printf '%s\n' '{"id":"old-1","platform":"linkedin","account":"vasterby-kommun","kind":"post","created_at":"1900-01-01T00:00:00Z","text":"Gammalt."}' >"$WORK/old.jsonl"
expect_exit 2 "a year-1900 creation date" -- "$K" import "$WORK/old.jsonl"
expect_grep "created_at.*implausible" "$WORK/err" "the refusal names the field and says implausible"

# The checklist shows its questions; a check says which findings are mandatory.
expect_exit 0 "account checklist" -- "$K" account checklist vasterby-skola
expect_grep "^mal +Vad vill ni uppnå" "$WORK/out" "the checklist prints the question beside the key"
expect_exit 1 "account check finds problems" -- "$K" account check vasterby-skola
expect_grep "mandatory" "$WORK/out" "plain account check marks the mandatory checks"

# Lists line up by display width (Å, Ö, emoji, long names), under a header.
printf '%s\n' \
	'{"id":"w-1","platform":"linkedin","account":"vasterby-kommun","kind":"post","author":{"id":"u1","name":"Åsa Öberg"},"created_at":"2026-02-06T09:00:00Z","text":"Hej på er, vilken fin badplats"}' \
	'{"id":"w-2","platform":"linkedin","account":"vasterby-kommun","kind":"post","author":{"id":"u2","name":"🎉🎉 Fest"},"created_at":"2026-02-06T09:01:00Z","text":"Grattis 🎉 till badplatsen"}' \
	'{"id":"w-3","platform":"linkedin","account":"vasterby-kommun","kind":"post","author":{"id":"u3","name":"En mycket lång författare som inte får plats i kolumnen"},"created_at":"2026-02-06T09:02:00Z","text":"Långt namn, badplats"}' \
	>"$WORK/wide.jsonl"
"$K" import "$WORK/wide.jsonl" >/dev/null
aligned() { # FILE: every row's columns start where the header's titles do
	python3 - "$1" <<'PY'
import sys, unicodedata
def cells(line):
    out = []
    for ch in line:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ('Mn', 'Cf'):
            continue
        w = 2 if unicodedata.east_asian_width(ch) in ('W', 'F') else 1
        out.append(ch)
        out.extend([None] * (w - 1))
    return out
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
head = cells(lines[0])
starts = [i for i in range(1, len(head)) if head[i] != ' ' and head[i - 1] == ' ']
for row in lines[1:]:
    c = cells(row)
    for s in starts:
        if s >= len(c):
            break  # the cells left are empty
        if c[s] is None or c[s - 1] != " ":
            sys.exit(f"column at {s} broken in: {row}")
sys.exit(0 if len(lines) > 1 and starts else "no rows")
PY
}
for cmd in "item list" "search badplats" "account list" "unit list" "person list"; do
	expect_exit 0 "$cmd" -- "$K" $cmd
	head -1 "$WORK/out" | grep -qE '^ *(item|id|name|unit|handle|account|person)' && ok "$cmd has a header line" || bad "$cmd header: $(head -1 "$WORK/out")"
	[[ $cmd == "person list" || $cmd == "unit list" ]] && [[ $(wc -l <"$WORK/out") -lt 2 ]] && continue
	err=$(aligned "$WORK/out" 2>&1) && ok "$cmd columns line up by display width" || bad "$cmd: $err"
done
"$K" item list >"$WORK/items.txt"
grep -qF 'En mycket lång förf…' "$WORK/items.txt" && ok "a long name is cut with …" || bad "long name: $(grep lång "$WORK/items.txt")"
grep -qF 'Åsa Öberg' "$WORK/items.txt" && ok "Å and Ö are printed whole" || bad "Åsa: $(cat "$WORK/items.txt")"

# A JSON Lines error names the line and the column where it is.
printf '%s\n' '{"id":"c-1","platform":"linkedin","account":"vasterby-kommun","kind":"post","created_at":"2026-02-06T10:00:00Z","text":"ok"}' \
	'{"id":"c-2","platform":"linkedin","text":"Öppet hus på fredag"' >"$WORK/col.jsonl"
want=$(($(sed -n 2p "$WORK/col.jsonl" | python3 -c 'import sys; print(len(sys.stdin.read().rstrip("\n")))') + 1))
expect_exit 2 "a JSONL line left open" -- "$K" import "$WORK/col.jsonl"
expect_grep "line 2, column $want: the line ends inside its JSON" "$WORK/err" "the error is at the end of line 2, counted in characters"
printf '%s\n' '{"id":"c-3","text":"Åäö" x}' >"$WORK/col2.jsonl"
expect_exit 2 "a stray character" -- "$K" import "$WORK/col2.jsonl"
expect_grep "line 1, column 26: lexical error" "$WORK/err" "the column is the stray character's"

finish
