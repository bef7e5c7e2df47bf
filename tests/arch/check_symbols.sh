#!/usr/bin/env bash
# Checks what #include lines cannot see, from the library's object files:
#  - no layer calls a function defined in a layer it may not use (the
#    directions of docs/ARCHITECTURE.md's layer table);
#  - every layer in that table exists under src/, and every folder is in it;
#  - file names are unique across src/ (a module is named by its file);
#  - every exported symbol carries its module's prefix: the module's name
#    (store/items: items_*), or layer and module (capture/import:
#    capture_import_*), a table module its row (store/case_rows: case_row_*),
#    and in cli/ the edge's own cli_*.
# Usage: check_symbols.sh SOURCE_ROOT OBJECT_DIR (the kvcore objects).
set -euo pipefail
root=$1
objdir=$2
doc="$root/docs/ARCHITECTURE.md"
declare -A allowed
while IFS='|' read -r _ dir deps _; do
	dir=$(echo "$dir" | tr -d ' ')
	deps=$(echo "$deps" | tr -d ' ')
	[[ -z "$dir" || "$dir" == directory || "$dir" == ---* ]] && continue
	allowed[$dir]=",$deps,"
done < <(sed -n '/<!-- layers:begin -->/,/<!-- layers:end -->/p' "$doc" | grep '^|')

bad=0
for l in "${!allowed[@]}"; do
	[[ -d "$root/src/$l" ]] || { echo "docs/ARCHITECTURE.md: layer '$l' has no folder src/$l"; bad=1; }
done
for d in "$root"/src/*/; do
	l=$(basename "$d")
	[[ -n "${allowed[$l]:-}" ]] || { echo "src/$l: not in the layer table"; bad=1; }
done

dups=$(cd "$root/src" && find . -name '*.[ch]' -printf '%f\n' | sort | uniq -d)
for f in $dups; do
	echo "file name '$f' is used in more than one layer: $(cd "$root/src" && find . -name "$f" | tr '\n' ' ')"
	bad=1
done

# Which layer defines each global symbol.
declare -A owner
# Objects of sources that still exist (a build dir keeps those of removed files).
objs=$(find "$objdir" -name '*.c.o' | sort | while read -r o; do
	[[ -f "$root/src/${o#*src/}" ]] 2>/dev/null || [[ -f "$root/src/$(echo "${o#*src/}" | sed 's/\.o$//')" ]] && echo "$o"
done)
[[ -n "$objs" ]] || { echo "no object files under $objdir"; exit 1; }
layer_of() { local p=${1#*src/}; echo "${p%%/*}"; }
for o in $objs; do
	l=$(layer_of "$o")
	while read -r sym; do
		owner[$sym]=$l
	done < <(nm -g --defined-only "$o" | awk 'NF == 3 {print $3}')
done
for o in $objs; do
	l=$(layer_of "$o")
	m=$(basename "$o" .c.o)
	while read -r sym; do
		case $sym in
		"$m" | "$m"_* | "$l"_"$m" | "$l"_"$m"_* | "${m%_rows}"_row_*) continue ;;
		cli_*) [[ $l == cli ]] && continue ;;
		esac
		echo "${o#*src/}: exports $sym without the prefix ${m}_"
		bad=1
	done < <(nm -g --defined-only "$o" | awk 'NF == 3 {print $3}')
done
for o in $objs; do
	l=$(layer_of "$o")
	while read -r sym; do
		dep=${owner[$sym]:-}
		[[ -z "$dep" || "$dep" == "$l" ]] && continue
		if [[ "${allowed[$l]:-}" != *",$dep,"* ]]; then
			echo "${o#*src/}: calls $sym from $dep, but $l may not use $dep"
			bad=1
		fi
	done < <(nm -u "$o" | awk '{print $2}')
done
[[ $bad -eq 0 ]] && echo "symbols: every call points down, names carry their module; the layer table matches src/; file names are unique"
exit $bad
