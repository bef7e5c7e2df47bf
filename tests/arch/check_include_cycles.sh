#!/usr/bin/env bash
# Fails when the #include graph inside one directory of src/ (src/capture
# unless told) has a cycle, in either of two senses:
#   headers  a .h includes, directly or through others, a .h that includes it;
#   modules  module A's .c includes B.h while B's .c includes A.h (or a longer
#            ring of the same), so neither can be read or linked without the
#            other. A module is a .c and its .h; a private X_int.h belongs to
#            module X.
# A header including a header whose .c includes it back is no cycle: only the
# .c files make a module depend on another. Cycles are found by tsort.
set -euo pipefail
root=${1:-.}
sub=${2:-src/capture}
dir="$root/$sub"
layer=${sub##*/}
[[ -d "$dir" ]] || { echo "no directory $dir"; exit 1; }

# The headers a file includes that live in dir, as their file names.
local_includes() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1" |
		while read -r inc; do
			case "$inc" in
			"$layer"/*) inc=${inc#"$layer"/} ;;
			*/*) continue ;;
			esac
			[[ -f "$dir/$inc" ]] && echo "$inc"
		done
	return 0
}

module_of() {
	local stem=${1%.[ch]}
	echo "${stem%_int}"
}

headers="" modules=""
for f in "$dir"/*.h; do
	[[ -e "$f" ]] || continue
	h=${f##*/}
	headers+="$h $h"$'\n'
	for inc in $(local_includes "$f"); do
		headers+="$h $inc"$'\n'
	done
done
for f in "$dir"/*.c; do
	[[ -e "$f" ]] || continue
	m=$(module_of "${f##*/}")
	modules+="$m $m"$'\n'
	for inc in $(local_includes "$f"); do
		dep=$(module_of "$inc")
		[[ "$dep" != "$m" ]] && modules+="$m $dep"$'\n'
	done
done

bad=0
check() {
	local what=$1 edges=$2 out
	if ! out=$(printf '%s' "$edges" | tsort 2>&1 >/dev/null); then
		echo "$sub: the $what include graph has a cycle:"
		printf '%s\n' "$out" | sed -n 's/^tsort: \([^:]*\)$/  \1/p'
		bad=1
	fi
}
check header "$headers"
check module "$modules"
[[ $bad -eq 0 ]] && echo "$sub: no include cycle among headers or modules"
exit $bad
