#!/usr/bin/env bash
# A package writer killed (SIGKILL) at some moment never leaves a package
# that looks whole: either the folder named by --out is absent (only a
# .partial- folder is left, no package recorded, no item marked) or it is
# the complete package, recorded and valid. Whichever moment the kill hits,
# the check is the same; nothing here depends on timing.
source "$(dirname "$0")/lib.bash"
DB="$KANALVAKT_DATA/kanalvakt.db"

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation >/dev/null
# Enough items that writing them takes a while (put directly: the import
# path has tests of its own).
sqlite3 "$DB" "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 60000)
	INSERT INTO item (org_id, account_id, platform, platform_id, kind, direction, created_at, captured_at, text, v1_sha256)
	SELECT 1, 1, 'facebook', 'p' || n, 'comment', 'inkommen', 1767225600 + n * 60, 1767225600 + n * 60 + 5,
	'Hej! När öppnar badhuset igen efter renoveringen? #' || n, hex(randomblob(32)) FROM c"

for delay in 0.2 0.8; do
	out="$WORK/exempelby-$delay"
	"$K" archive sip --account exempelby --from 2026-01-01 --to 2026-12-31 --out "$out" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	objid=$(basename "$out")
	recorded=$(sqlite3 "$DB" "SELECT COUNT(*) FROM archive_package WHERE objid = '$objid'")
	if [[ -e "$out" ]]; then
		# It got through the rename: the whole package, and (unless the kill
		# fell between the rename and the record) recorded with every item.
		[[ -f "$out/METS.xml" && -f "$out/representations/rep1/METS.xml" ]] && ok "killed after $delay s: the package there is whole" ||
			bad "killed after $delay s: $out is not a whole package"
		expect_exit 0 "killed after $delay s: the package there verifies" -- "$K" archive validate "$out"
		if [[ $recorded -eq 1 ]]; then
			n=$(sqlite3 "$DB" "SELECT COUNT(*) FROM archive_package_item pi JOIN archive_package p ON p.id = pi.package_id WHERE p.objid = '$objid'")
			[[ $n -eq 60000 ]] && ok "killed after $delay s: every item marked" || bad "killed after $delay s: $n items marked"
		fi
	else
		[[ $recorded -eq 0 ]] && ok "killed after $delay s: no package, none recorded" || bad "killed after $delay s: recorded without a folder"
		n=$(sqlite3 "$DB" "SELECT COUNT(*) FROM archive_package_item pi JOIN archive_package p ON p.id = pi.package_id WHERE p.objid = '$objid'")
		[[ $n -eq 0 ]] && ok "killed after $delay s: no item marked" || bad "killed after $delay s: $n items marked"
		# The name is free: the package can be written again.
		expect_exit 0 "after the kill at $delay s the package is written again" -- "$K" archive sip --account exempelby --from 2026-01-01 --to 2026-12-31 --out "$out"
		expect_exit 0 "and it is valid" -- "$K" archive validate "$out"
	fi
done
finish
