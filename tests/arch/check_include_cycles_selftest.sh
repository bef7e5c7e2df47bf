#!/usr/bin/env bash
# Shows that the include-cycle check catches what it must: two modules whose
# .c files include each other's header, and two headers that include each
# other, fail; a header including a header whose .c includes it back passes.
set -uo pipefail
root=${1:?source root}
work=$(mktemp -d "${TMPDIR:-/tmp}/kv-cycles.XXXXXX")
trap 'rm -rf "$work"' EXIT
d="$work/src/capture"
mkdir -p "$d"
check() { bash "$root/tests/arch/check_include_cycles.sh" "$work" src/capture >"$work/out"; }

printf '#include "base/err.h"\n' >"$d/a.h"
printf '#include "capture/a.h"\n' >"$d/b.h"
printf '#include "capture/a.h"\n#include "capture/b.h"\n' >"$d/a.c"
printf '#include "capture/b.h"\n' >"$d/b.c"
printf '#include "capture/p_int.h"\n#include "capture/a.h"\n' >"$d/p.c"
printf '#include "capture/p_int.h"\n' >"$d/p_graph.c"
printf '#include "capture/b.h"\n' >"$d/p_int.h"
# b.h includes a.h while a.c includes b.h (a header whose .c includes it
# back), and p's private header is p's own: no cycle.
if ! check; then
	echo "FAIL: a tree without cycles was refused:"
	cat "$work/out"
	exit 1
fi
printf '#include "capture/p.h"\n' >>"$d/b.c"
printf '\n' >"$d/p.h"
# b.c -> p.h while p.c -> a.h and a.c -> b.h: a ring of three modules.
if check; then
	echo "FAIL: a ring of modules (a -> b -> p -> a) was not caught"
	exit 1
fi
grep -q 'module include graph has a cycle' "$work/out" ||
	{ echo "FAIL: the message does not say which graph"; cat "$work/out"; exit 1; }
sed -i '/p.h/d' "$d/b.c"
check || { echo "FAIL: the ring removed, still refused"; cat "$work/out"; exit 1; }
# a.c includes b.h and b.c includes a.h.
printf '#include "capture/a.h"\n' >>"$d/b.c"
if check; then
	echo "FAIL: a.c -> b.h with b.c -> a.h was not caught"
	exit 1
fi
sed -i '/a.h/d' "$d/b.c"

printf '#include "capture/b.h"\n' >>"$d/a.h"
if check; then
	echo "FAIL: headers including each other (a.h <-> b.h) were not caught"
	exit 1
fi
grep -q 'header include graph has a cycle' "$work/out" ||
	{ echo "FAIL: the message does not say which graph"; cat "$work/out"; exit 1; }
echo "include-cycle check self-test: ok"
