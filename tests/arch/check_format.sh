#!/usr/bin/env bash
# Fails when a C file differs from what clang-format (.clang-format) makes of it.
set -uo pipefail
root=${1:-.}
cd "$root"
files=$(find src tests fuzz bench -name '*.[ch]' | sort)
if ! clang-format --dry-run -Werror $files; then
	echo "run 'make format'"
	exit 1
fi
echo "format: clean"
