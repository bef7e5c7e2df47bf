#!/usr/bin/env bash
# Lists calls to C functions the house style bans (unbounded or unchecked).
set -uo pipefail
root=${1:-.}
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok)[[:space:]]*\(' \
	"$root/src" "$root/tests/unit" "$root/fuzz" "$root/bench" --include='*.[ch]' || true)
if [[ -n "$hits" ]]; then
	echo "banned functions used:"
	echo "$hits"
	exit 1
fi
echo "banned functions: none"
