#!/usr/bin/env bash
# Shows that the layer check catches what it must: a copy of the layer table
# with a store file that includes an http header must fail, and the same tree
# without that include must pass.
set -uo pipefail
root=${1:?source root}
work=$(mktemp -d "${TMPDIR:-/tmp}/kv-layers.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/docs" "$work/src/store" "$work/src/http" "$work/src/base"
cp "$root/docs/ARCHITECTURE.md" "$work/docs/"
printf '#include "base/err.h"\n' >"$work/src/base/a.c"
printf '#include "base/err.h"\n#include "store/b.h"\n' >"$work/src/store/b.c"
printf '#include "store/b.h"\n' >"$work/src/http/c.c"
if ! bash "$root/tests/arch/check_layers.sh" "$work" >/dev/null; then
	echo "FAIL: a tree whose includes point down was refused"
	exit 1
fi
printf '#include "http/c.h"\n' >>"$work/src/store/b.c"
if bash "$root/tests/arch/check_layers.sh" "$work" >"$work/out"; then
	echo "FAIL: store including http was not caught"
	exit 1
fi
grep -q 'store may not use http' "$work/out" || { echo "FAIL: the message does not name the layers"; exit 1; }
mkdir -p "$work/src/rogue" && printf '#include "base/err.h"\n' >"$work/src/rogue/r.c"
if bash "$root/tests/arch/check_layers.sh" "$work" >/dev/null; then
	echo "FAIL: a directory missing from the layer table was not caught"
	exit 1
fi
echo "layer check self-test: ok"
