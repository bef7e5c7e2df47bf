#!/usr/bin/env bash
# Faults in the store during import, cull and packaging (archive sip): each
# database call of the SQLite driver failing in turn (KV_FAULT_EVERY=N, a
# disk I/O error) and a full disk (KV_FAULT_MAX_PAGES). Every run ends with
# a clear error naming the failure (or, where only a later step failed,
# with a warning), leaves a database that passes `kanalvakt check`, and
# leaves it exactly as it stood after one of the commits a clean run makes:
# never a half-written transaction. The states of a clean run are taken with
# KV_FAULT_STOP_AFTER=K (the process ends right after its Kth commit).
# Needs a build with KV_FAULT_INJECTION (the default but for Release);
# skipped (77) without it.
source "$(dirname "$0")/lib.bash"
export KANALVAKT_NOW=2026-01-12T18:00:00+01:00
TPL=$WORK/tpl
C=$WORK/copy
# The database's contents, but for what no two runs share: the pid of a
# culling run, and SHA-256 hashes (a package's METS and a protokoll's PDF
# carry ids new each time, and the audit chain hashes them; `check`
# verifies the chain itself).
dump() {
	sqlite3 "$1/kanalvakt.db" .dump |
		sed -E "/^INSERT INTO cull_run /s/^(INSERT INTO cull_run VALUES\(([^,]*,){6})[0-9]+/\1PID/;s/[0-9a-f]{64}/H/g" |
		sha256sum | cut -d' ' -f1
}
# A fresh copy of the template, and no package folder from a run before.
fresh() { rm -rf "$C" "$WORK"/pkg* && cp -a "$TPL" "$C"; }

export KANALVAKT_DATA=$TPL
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name K >/dev/null
"$K" account add --platform facebook --handle exempelby --platform-id 500 --unit K >/dev/null
if KV_FAULT_EVERY=1 "$K" account list >/dev/null 2>&1; then
	echo "skipped: this build has no fault injection (KV_FAULT_INJECTION)"
	exit 77
fi
item() { # id text [created]
	printf '{"id":"500_%s","platform":"facebook","kind":"comment","parent_id":"500_0","root_id":"500_0","author":{"id":"9%s","name":"Person %s"},"created_at":"%s","text":"%s"}\n' \
		"$1" "$1" "$1" "${3:-2025-03-10T10:00:00+01:00}" "$2"
}
{
	echo '{"id":"500_0","platform":"facebook","kind":"post","author":{"id":"500","name":"Kommunen","is_account":true},"created_at":"2025-03-10T09:00:00+01:00","text":"Nu öppnar badhuset igen"}'
	for i in $(seq 1 1000); do item "$i" "Första kommentaren nummer $i om badhuset"; done
} >"$WORK/first.jsonl"
{
	for i in $(seq 15 40); do item "$i" "Kommentar $i om simhallen, ändrad"; done
} >"$WORK/second.jsonl"
"$K" import --no-screen --account exempelby "$WORK/first.jsonl" >/dev/null
unset KANALVAKT_DATA

# states CMD...: the hashes of the states a clean run of CMD passes through
# on a copy of the template (before it, after each commit, at its end), one
# a line in $WORK/states; the end state in $WORK/final.
states() {
	local k=1 rc
	fresh
	dump "$C" >"$WORK/states"
	while :; do
		fresh
		set +e
		KV_FAULT_STOP_AFTER=$k "$K" --data-dir "$C" "$@" >/dev/null 2>&1
		rc=$?
		set -e
		dump "$C" >>"$WORK/states"
		[[ $rc -eq 99 ]] || break
		k=$((k + 1))
	done
	tail -1 "$WORK/states" >"$WORK/final"
	echo "  $* : $k states"
}

# sweep LABEL CMD...: runs CMD with every Nth driver call failing, for N
# from 1 up until a run meets no fault; checks each outcome.
sweep() {
	local label=$1 n=1 rc runs=0 wrong=0 unclear=0 unchecked=0 failed=0
	shift
	states "$@"
	while :; do
		fresh
		set +e
		KV_FAULT_EVERY=$n "$K" --data-dir "$C" "$@" >"$WORK/f.out" 2>"$WORK/f.err"
		rc=$?
		set -e
		runs=$((runs + 1))
		if ! grep -q "injected by KV_FAULT_EVERY" "$WORK/f.err"; then
			[[ $rc -eq 0 ]] || { bad "$label: no fault met at N=$n but exit $rc"; cat "$WORK/f.err"; }
			break
		fi
		if [[ $rc -ne 0 ]]; then
			failed=$((failed + 1))
			# A failure is one clear line: what failed, and why.
			if [[ $rc -ne 3 ]] || ! grep -qE "^kanalvakt: .*database: (exec|prepare|step): disk I/O error" "$WORK/f.err"; then
				unclear=$((unclear + 1))
				echo "    N=$n exit $rc: $(head -3 "$WORK/f.err")"
			fi
		fi
		grep -qxF "$(dump "$C")" "$WORK/states" || {
			wrong=$((wrong + 1))
			echo "    N=$n (exit $rc): the database is in no state of a clean run"
		}
		"$K" --data-dir "$C" check >"$WORK/c.out" 2>&1 || {
			unchecked=$((unchecked + 1))
			echo "    N=$n: check: $(head -3 "$WORK/c.out")"
		}
		n=$((n + 1 + n / 3))
	done
	[[ $failed -gt 0 ]] && ok "$label: $runs runs, $failed failed on a fault" || bad "$label: no run failed ($runs runs)"
	[[ $unclear -eq 0 ]] && ok "$label: every failure is one clear database error (exit 3)" || bad "$label: $unclear unclear failures"
	[[ $wrong -eq 0 ]] && ok "$label: every run left a state a clean run commits" || bad "$label: $wrong runs left a half-written state"
	[[ $unchecked -eq 0 ]] && ok "$label: check passes after every run" || bad "$label: check failed after $unchecked runs"
}

# diskfull LABEL CMD...: the database may grow by only a few pages.
diskfull() {
	local label=$1 pages extra rc full=0 wrong=0
	shift
	states "$@"
	pages=$(sqlite3 "$TPL/kanalvakt.db" "PRAGMA page_count")
	for extra in 0 1 2 4 8; do
		fresh
		set +e
		KV_FAULT_MAX_PAGES=$((pages + extra)) "$K" --data-dir "$C" "$@" >"$WORK/f.out" 2>"$WORK/f.err"
		rc=$?
		set -e
		if [[ $rc -ne 0 ]]; then
			full=$((full + 1))
			[[ $rc -eq 3 ]] && grep -q "database or disk is full" "$WORK/f.err" ||
				bad "$label: a full disk (+$extra pages) gives exit $rc: $(head -2 "$WORK/f.err")"
		fi
		grep -qxF "$(dump "$C")" "$WORK/states" || wrong=$((wrong + 1))
		"$K" --data-dir "$C" check >/dev/null 2>&1 || wrong=$((wrong + 1))
	done
	[[ $full -gt 0 ]] && ok "$label: a full disk stops it with 'database or disk is full'" || bad "$label: the disk never filled"
	[[ $wrong -eq 0 ]] && ok "$label: a full disk leaves a committed state that checks" || bad "$label: $wrong bad states on a full disk"
}

sweep "import" import --no-screen --account exempelby "$WORK/second.jsonl"
diskfull "import" import --no-screen --account exempelby "$WORK/second.jsonl"
# The import's own transaction alone: a failed import leaves the database
# exactly as before it.
fresh
before=$(dump "$C")
set +e
KV_FAULT_MAX_PAGES=$(sqlite3 "$TPL/kanalvakt.db" "PRAGMA page_count") "$K" --data-dir "$C" import --no-screen \
	--account exempelby "$WORK/second.jsonl" >"$WORK/out" 2>"$WORK/err"
rc=$?
set -e
[[ $rc -eq 3 && $(dump "$C") == "$before" ]] && ok "an import that meets a full disk leaves the database as before" ||
	bad "full-disk import: exit $rc, $(cat "$WORK/err")"
expect_grep "second.jsonl: .*database or disk is full" "$WORK/err" "the error names the file and the full disk"

# Culling, several batches and the runs' own bookkeeping.
cat >"$WORK/plan.txt" <<'EOF'
plan: Gallra allt inkommet
[organisation]
inkomna | gallras omedelbart | nej | AL Diarieföring och gallring
EOF
KANALVAKT_DATA=$TPL "$K" retention load "$WORK/plan.txt" >/dev/null
# No free pages: a cull must grow the file to write its lists.
sqlite3 "$TPL/kanalvakt.db" VACUUM
sweep "cull" cull --batch 100
diskfull "cull" cull --batch 100

# Packaging: the package is recorded in one transaction at the end; a
# failed run leaves no package folder behind.
sweep "archive sip" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/pkg"
leftover=0
for n in 3 7 20 60 200; do
	fresh
	set +e
	KV_FAULT_EVERY=$n "$K" --data-dir "$C" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 \
		--out "$WORK/pkg" >/dev/null 2>&1
	rc=$?
	set -e
	if [[ $rc -ne 0 ]] && compgen -G "$WORK/pkg*" >/dev/null; then leftover=$((leftover + 1)); fi
done
[[ $leftover -eq 0 ]] && ok "archive sip: a failed run leaves no package or partial folder" || bad "archive sip: $leftover failed runs left a folder"
diskfull "archive sip" archive sip --account exempelby --from 2025-01-01 --to 2026-12-31 --out "$WORK/pkg2"

# A full file system under the package (a small tmpfs; needs the right to
# mount, so only where the tests run as root in a container that allows it).
mkdir -p "$WORK/small"
if mount -t tmpfs -o size=64k tmpfs "$WORK/small" 2>/dev/null; then
	trap 'umount "$WORK/small" 2>/dev/null || true; rm -rf "$WORK"' EXIT
	fresh
	before=$(dump "$C")
	expect_exit 3 "archive sip onto a full file system fails" -- "$K" --data-dir "$C" archive sip --account exempelby \
		--from 2025-01-01 --to 2026-12-31 --out "$WORK/small/pkg"
	expect_grep "No space left on device" "$WORK/err" "the error says the disk is full"
	[[ $(dump "$C") == "$before" ]] && ok "the database is as before" || bad "the database changed"
	[[ -z $(ls -A "$WORK/small") ]] && ok "nothing is left on the full file system" || bad "left: $(ls -A "$WORK/small")"
	umount "$WORK/small"
else
	echo "note: cannot mount a small tmpfs here; the full-file-system case is skipped"
fi
finish
