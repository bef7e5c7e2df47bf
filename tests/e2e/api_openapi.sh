#!/usr/bin/env bash
# The OpenAPI document is true: tests/api/openapi_check.mjs calls every
# operation it lists and validates each answer against it, and compares the
# document with the server's route table (`kanalvakt api routes`). Also: the
# document served is the one in the repository.
source "$(dirname "$0")/lib.bash"
command -v node >/dev/null || { echo "node is not installed"; exit 77; }
source "$(dirname "$0")/api_env.bash"
DOC=$KV_SOURCE_DIR/docs/api/openapi.json

curl -s "$API/openapi.json" >"$WORK/served.json"
cmp -s "$WORK/served.json" "$DOC" && ok "the served document is docs/api/openapi.json" || bad "served document differs"
jq -e '.openapi == "3.1.0"' "$DOC" >/dev/null && ok "OpenAPI 3.1" || bad "not OpenAPI 3.1"
"$K" --json api routes >"$WORK/routes.jsonl"
if node "$KV_SOURCE_DIR/tests/api/openapi_check.mjs" "$DOC" "$WORK/routes.jsonl" \
	"$(dirname "$0")/api_samples.tsv" "$API" "$PW" >"$WORK/check.out" 2>&1; then
	ok "every route answers as documented ($(grep -c '^ok' "$WORK/check.out") checks)"
else
	bad "the document and the server differ"
	grep -v '^ok' "$WORK/check.out" | sed 's/^/    /' | head -40
fi
finish
