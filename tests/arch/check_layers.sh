#!/usr/bin/env bash
# Fails when a source file includes a header from a layer its own layer may
# not use. The allowed directions are read from docs/ARCHITECTURE.md.
set -euo pipefail
root=${1:-.}
doc="$root/docs/ARCHITECTURE.md"
declare -A allowed
while IFS='|' read -r _ dir deps _; do
	dir=$(echo "$dir" | tr -d ' ')
	deps=$(echo "$deps" | tr -d ' ')
	[[ -z "$dir" || "$dir" == directory || "$dir" == ---* ]] && continue
	allowed[$dir]=",$deps,"
done < <(sed -n '/<!-- layers:begin -->/,/<!-- layers:end -->/p' "$doc" | grep '^|')

bad=0
for path in $(cd "$root/src" && find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	layer=${path%%/*}
	if [[ -z "${allowed[$layer]:-}" ]]; then
		echo "src/$path: directory '$layer' is not in the layer table of docs/ARCHITECTURE.md"
		bad=1
		continue
	fi
	while read -r inc; do
		dep=${inc%%/*}
		[[ "$inc" == */* ]] || continue
		if [[ "$dep" != "$layer" && "${allowed[$layer]}" != *",$dep,"* ]]; then
			echo "src/$path: includes \"$inc\" but $layer may not use $dep"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$root/src/$path")
done
[[ $bad -eq 0 ]] && echo "layers: all includes point down"
exit $bad
